"""Charts: the scaling arithmetic, bars measured cell by cell, the curve command, and when charts show."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from mlcomp import charts
from mlcomp.bands import load_bands
from mlcomp.cli import app
from mlcomp.curve import as_dict, curve
from mlcomp.engine import estimate, make_profile
from terminal import read_all

BLOCK, SHADE, LIGHT, MARK = "\u2588", "\u2593", "\u2591", "\u2503"
POINT = "\u25c6"
runner = CliRunner()


@pytest.fixture(scope="module")
def bands():
    return load_bands()


def fixed_console(width: int = 80) -> Console:
    return Console(file=StringIO(), width=width, color_system=None, markup=False, highlight=False)


def run(*args: str):
    return runner.invoke(app, list(args))


# --- pure arithmetic -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (100_000, 0),      # the axis start is edge 0
    (150_000, 25),     # (150k - 100k) / 100k * 50 = 25
    (200_000, 50),     # the axis end is edge 50
    (101_000, 0),      # 0.5 cells rounds to even: 0
    (103_000, 2),      # 1.5 cells -> 2
    (50_000, 0),       # below the axis: clamped
    (900_000, 50),     # above the axis: clamped
])
def test_column_on_100k_to_200k_in_50_cells(value, expected):
    assert charts.column(value, 100_000, 200_000, 50) == expected


def test_column_of_an_empty_axis_is_zero():
    assert charts.column(5, 10, 10, 40) == 0


def test_nice_axis_for_the_sf_mid_estimate_is_150k_to_500k_by_50k():
    # values 180k..473.2k in 60 cells: 25k steps give 14 gaps of 4.3 cells (< 8, labels would touch);
    # 50k steps give 150k..500k, 7 gaps of 8.6 cells.
    assert charts.nice_axis([180_000, 473_200], 60) == charts.Axis(150_000, 500_000, 50_000)


def test_nice_axis_from_zero_covers_zero():
    # 0..525k in 40 cells: 100k steps -> 6 gaps of 6.7 cells (< 8); 200k steps -> 0..600k, 3 gaps of 13.3
    assert charts.nice_axis([204_000, 525_000], 40, zero=True) == charts.Axis(0, 600_000, 200_000)


def test_range_bar_cells_120k_to_180k_on_100k_to_200k_in_50_cells():
    bar = charts.ranged("x", 120_000, 180_000)
    text = "".join(c for c, _ in charts.draw(bar, charts.Axis(100_000, 200_000, 50_000), 50, charts.ASCII))
    # edges 10 and 40: 30 cells, the midpoint 150k at cell 25 drawn as the mark
    assert text == " " * 10 + "#" * 15 + "|" + "#" * 14 + " " * 10


def test_stacked_bar_60k_then_20k_on_0_to_100k_in_50_cells():
    bar = charts.stacked("x", [60_000, 20_000])
    text = "".join(c for c, _ in charts.draw(bar, charts.Axis(0, 100_000, 50_000), 50, charts.ASCII))
    assert text == "#" * 30 + "=" * 10 + " " * 10  # 60k -> 30 cells, 20k -> 10 cells


def test_value_placed_on_a_range_is_marked_where_it_falls():
    # the "offer on the market range" shape: range 100k..200k, an offer at 175k, axis 0..200k in 40 cells
    bar = charts.ranged("offer", 100_000, 200_000, mark=175_000)
    text = "".join(c for c, _ in charts.draw(bar, charts.Axis(0, 200_000, 50_000), 40, charts.ASCII))
    assert text.index("|") == 35  # 175k / 200k * 40
    assert text.count("#") == 19 and text.startswith(" " * 20)


def test_a_range_narrower_than_a_cell_still_gets_one_cell():
    bar = charts.ranged("x", 150_000, 150_500)
    cells = charts.draw(bar, charts.Axis(100_000, 200_000, 50_000), 20, charts.ASCII)
    assert sum(kind is not None for _, kind in cells) == 1


@given(st.integers(0, 1_000_000), st.integers(0, 1_000_000), st.integers(10, 120))
def test_drawn_range_length_is_proportional_within_one_cell(a, b, width):
    low, high = sorted((a, b))
    axis = charts.Axis(0, 1_000_000, 250_000)
    cells = charts.draw(charts.ranged("x", low, high), axis, width, charts.BLOCKS)
    drawn = sum(kind is not None for _, kind in cells)
    exact = (high - low) / 1_000_000 * width
    assert abs(drawn - exact) <= 1
    assert drawn >= 1


def test_axis_labels_sit_under_their_ticks_and_never_touch():
    rule, labels = charts.axis_lines(charts.Axis(150_000, 500_000, 50_000), 60, charts.ASCII)
    assert len(rule) == 60 and rule.count("+") == 8  # 150k, 200k, ..., 500k
    assert labels.startswith("$150k")
    words = labels.split()
    assert words[:3] == ["$150k", "$200k", "$250k"]
    assert "  " in labels.strip()  # gaps of at least one space between labels
    assert labels.index("$200k") + 2 == rule.index("+", 1)  # centred: a 5-char label starts 2 before


def test_ascii_glyphs_when_the_console_encoding_cannot_draw_blocks():
    ascii_out = Console(file=open(os.devnull, "w", encoding="ascii"))  # noqa: SIM115
    try:
        assert charts.glyphs_for(ascii_out) is charts.ASCII
    finally:
        ascii_out.file.close()
    assert charts.glyphs_for(fixed_console()) is charts.BLOCKS


# --- rendered charts, measured cell by cell --------------------------------------------------------

def bar_cells(line: str, label_width: int) -> str:
    return line[label_width + 1:]


def test_estimate_chart_bars_are_proportional_to_the_ranges(bands):
    # years 4, sf: band 180k..260k (mid 220k), base 207k..338k (mid 272.5k), total 248.4k..473.2k (mid 360.8k)
    est = estimate(make_profile(bands, years=4, city="sf"), bands)
    out = fixed_console(80)
    charts.estimate_chart(est, out)
    lines = out.file.getvalue().splitlines()
    band, base, total, rule, labels = (lines[i] for i in range(1, 6))
    assert band.startswith("National band (Mid)") and total.startswith("Total compensation")
    label_width = len("National band (Mid)")  # the longest label; bars start one space after it
    assert rule[:label_width + 1].isspace() and not rule[label_width + 1].isspace()
    rule = bar_cells(rule, label_width)
    width = len(rule)
    # the axis drawn: ticks from $150k every $50k; 8 ticks -> $150k..$500k
    assert bar_cells(labels, label_width).startswith("$150k") and "$200k" in labels
    assert rule.count("\u252c") == 8
    lo, hi = 150_000, 500_000
    for line, (low, mid, high), fill in [(band, (180_000, 220_000, 260_000), LIGHT),
                                         (base, (207_000, 272_500, 338_000), BLOCK),
                                         (total, (248_400, 360_800, 473_200), SHADE)]:
        cells = bar_cells(line, label_width).ljust(width)
        drawn = [i for i, c in enumerate(cells) if c != " "]
        assert set(cells.strip()) == {fill, MARK, POINT}  # POINT: the typical value
        scale = width / (hi - lo)
        assert abs(drawn[0] - (low - lo) * scale) <= 1
        assert abs(len(drawn) - (high - low) * scale) <= 1
        assert drawn == list(range(drawn[0], drawn[-1] + 1))  # one unbroken bar
        assert abs(cells.index(MARK) - (mid - lo) * scale) <= 1
    # base is 131k wide and the band 80k: the base bar is 131/80 as long, within rounding
    band_len = len(bar_cells(band, label_width).strip())
    base_len = len(bar_cells(base, label_width).strip())
    assert abs(base_len - band_len * 131 / 80) <= 2


def test_curve_table_bars_grow_with_the_total_comp_mid(bands):
    points = curve(bands, 0, 20)
    out = fixed_console(120)
    charts.curve_table(points, "curve", out, chart=True)
    text = out.file.getvalue()
    rows = [line for line in text.splitlines() if line.strip()[:2].strip().isdigit()]
    assert len(rows) == 21
    rule_line = next(line for line in text.splitlines() if "\u252c" in line)
    width = len(rule_line.strip())
    # the axis covers each year's total-comp mid and its typical value (the mark)
    axis = charts.nice_axis([v for p in points for k, v in p.total_comp.dollars(p.position).items()
                             if k in ("mid", "typical")], width, zero=True)
    scale = width / axis.hi
    lengths = []
    for line, point in zip(rows, points, strict=True):
        bar = line[line.index(BLOCK):].rstrip()
        base_mid, tc_mid = point.base.dollars()["mid"], point.total_comp.dollars()["mid"]
        # the typical mark takes the place of one cell: of the bar, or just past its end
        base = re.match(f"[{BLOCK}{POINT}]*", bar).group()  # type: ignore[union-attr]
        whole = re.match(f"[{BLOCK}{SHADE}{POINT}]*", bar).group()  # type: ignore[union-attr]
        assert min(abs(len(b) - base_mid * scale) for b in (base, base.rstrip(POINT))) <= 1
        assert min(abs(len(w) - tc_mid * scale) for w in (whole, whole.rstrip(POINT))) <= 1
        lengths.append(len(whole.rstrip(POINT)))
    # entry total mid 204k (156k..252k), staff 525k (420k..630k): the staff bar is 525/204 as long
    assert abs(lengths[20] - lengths[0] * 525 / 204) <= 3
    assert lengths == sorted(lengths)


def test_curve_table_names_the_level_only_where_it_changes(bands):
    out = fixed_console(120)
    charts.curve_table(curve(bands, 0, 20), "curve", out)
    text = out.file.getvalue()
    levels = [line.split()[1] for line in text.splitlines()
              if line.strip()[:2].strip().isdigit() and len(line.split()) == 8]
    assert levels == ["entry", "mid", "senior", "staff"]
    assert BLOCK not in text  # no chart asked for


# --- the curve: numbers from the engine ------------------------------------------------------------

def test_curve_json_is_one_object_per_year_0_to_20():
    result = run("curve", "--city", "sf", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["years"] for p in data] == list(range(21))
    assert set(data[0]) == {"years", "level", "base", "total_comp"}
    assert set(data[0]["base"]) == {"low", "mid", "high", "typical"}
    by_year = {p["years"]: p for p in data}
    assert [by_year[y]["level"] for y in (2, 3, 5, 6, 9, 10, 20)] == [
        "entry", "mid", "mid", "senior", "senior", "staff", "staff"]
    # 4 years in sf: 180k..260k * 1.15..1.30 = 207k..338k; total * 1.2..1.4 = 248.4k..473.2k
    # typical: 1 of 3 years into mid, p = 0.63 + 0.27 / 3 = 0.72
    assert by_year[4]["base"] == {"low": 207_000, "mid": 272_500, "high": 338_000, "typical": 301_320}
    assert by_year[4]["total_comp"] == {"low": 248_400, "mid": 360_800, "high": 473_200, "typical": 410_256}


def test_curve_json_matches_estimate_json_for_every_year():
    data = json.loads(run("curve", "-c", "nyc", "-t", "faang", "--from", "5", "--to", "11",
                          "-f", "json").stdout)
    assert len(data) == 7
    for point in data:
        single = json.loads(run("estimate", "-y", str(point["years"]), "-c", "nyc", "-t", "faang",
                                "-f", "json").stdout)
        assert point == {k: single[k] for k in ("years", "level", "base", "total_comp")}


def test_curve_csv_has_a_header_and_one_row_per_year():
    result = run("curve", "-c", "sf", "--from", "2", "--to", "4", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "years,level,base_low,base_mid,base_high,base_typical,total_comp_low,total_comp_mid,total_comp_high,"
        "total_comp_typical",
        # entry sf: 130k..180k * 1.15..1.30 = 149.5k..234k; total * 1.2..1.4 = 179.4k..327.6k
        # typical: entry at 2 years p = 0.6; mid at 3 years p = 0.63, at 4 years 0.72
        "2,entry,149500,191750,234000,200200,179400,253500,327600,268320",
        "3,mid,207000,272500,338000,289530,248400,360800,473200,390024",
        "4,mid,207000,272500,338000,301320,248400,360800,473200,410256",
    ]


def test_curve_tsv_uses_tabs():
    lines = run("curve", "--to", "1", "-f", "tsv").stdout.splitlines()
    assert len(lines) == 3 and lines[0].split("\t")[:2] == ["years", "level"]


def test_curve_as_dict_keeps_the_estimate_contract(bands):
    point = curve(bands, 7, 7, city="seattle")[0]
    assert as_dict(point) == {k: point.as_dict()[k] for k in ("years", "level", "base", "total_comp")}


@pytest.mark.parametrize(("args", "option"), [
    (["--to", "61"], "'--to'"),
    (["--from", "-1"], "'--from'"),
    (["--from", "8", "--to", "3"], "'--from'"),
    (["--city", "paris"], "'--city'"),
    (["--to", "ten"], "'--to'"),
])
def test_curve_usage_errors_exit_2_naming_the_option(args, option):
    result = run("curve", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and option in result.stderr
    assert "Traceback" not in result.output


def test_curve_help_has_an_example():
    result = run("curve", "--help")
    assert result.exit_code == 0
    assert "mlcomp curve --city sf" in result.stdout and "--no-chart" in result.stdout


# --- when charts show ------------------------------------------------------------------------------

NOTE = "per year, low to high;"


def test_estimate_not_on_a_terminal_has_no_chart_by_default():
    result = run("estimate", "-y", "4", "-c", "sf")
    assert result.exit_code == 0 and "Base salary" in result.stdout and NOTE not in result.stdout


def test_estimate_chart_forces_the_chart_and_no_chart_removes_it():
    assert NOTE in run("estimate", "-y", "4", "--chart").stdout
    assert NOTE not in run("estimate", "-y", "4", "--no-chart").stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_chart_never_goes_into_machine_formats(fmt):
    for command in (["estimate", "-y", "4"], ["curve", "--to", "2"]):
        out = run(*command, "--chart", "-f", fmt).stdout
        assert BLOCK not in out and "#" not in out and NOTE not in out
    json.loads(run("estimate", "-y", "4", "--chart", "-f", "json").stdout)


def test_curve_chart_flags():
    assert BLOCK in run("curve", "--to", "3", "--chart").stdout
    assert BLOCK not in run("curve", "--to", "3").stdout  # not a terminal
    assert BLOCK not in run("curve", "--to", "3", "--no-chart").stdout


def test_field_output_has_no_chart():
    assert run("estimate", "-y", "4", "--chart", "--field", "base.mid").stdout == "220000\n"


def mlcomp(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "mlcomp", *args], capture_output=True, check=False,
                          env={**os.environ, "COLUMNS": "100", **env})


def test_ascii_encoding_draws_plain_ascii_charts():
    for args in (["estimate", "-y", "4", "-c", "sf"], ["curve", "--to", "4"]):
        proc = mlcomp(*args, "--chart", PYTHONIOENCODING="ascii")
        assert proc.returncode == 0, proc.stderr
        text = proc.stdout.decode("ascii")  # fails on any byte above 127
        assert "#" in text and "=" in text
        assert "?" not in text  # nothing was replaced for want of a character
    assert "| midpoint, O typical" in mlcomp("estimate", "-y", "4", "--chart",
                                             PYTHONIOENCODING="ascii").stdout.decode()


def test_utf8_output_draws_blocks():
    proc = mlcomp("estimate", "-y", "4", "--chart", PYTHONIOENCODING="utf-8")
    assert BLOCK in proc.stdout.decode("utf-8") and MARK in proc.stdout.decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_on_a_terminal_the_chart_shows_by_default_and_no_chart_hides_it():
    import pty

    def on_tty(*args: str) -> str:
        leader, follower = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "mlcomp", *args], stdout=follower,
                                stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "100",
                                                                "PYTHONIOENCODING": "utf-8"})
        os.close(follower)
        written = read_all(leader)
        proc.wait()
        os.close(leader)
        return written.decode("utf-8", "replace")

    assert NOTE in on_tty("estimate", "-y", "4")
    assert NOTE not in on_tty("estimate", "-y", "4", "--no-chart")


def test_labels_are_literal_text_and_wide_labels_keep_bars_aligned():
    out = fixed_console(60)
    charts.print_chart([charts.ranged("[bold]x[/]", 100, 200), charts.ranged("\u6771\u4eac", 100, 200)], out)
    first, second = out.file.getvalue().splitlines()[:2]
    assert first.startswith("[bold]x[/] ")  # printed as typed, not read as markup
    # "東京" is 2 characters but 4 cells wide: both bars start after 10 cells of label and a space
    assert first.index("\u2588") == 11 and second.index("\u2588") == 11 - 2
