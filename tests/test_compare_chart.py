"""Compare charts: totals per year as stacked bars, and each offer's average on its market range.

Bars are measured cell by cell in a fixed-width console; the CLI decides when they show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from rich.console import Console
from typer.testing import CliRunner

from mlcomp import charts
from mlcomp.bands import load_bands
from mlcomp.cli import app
from mlcomp.offers import compare, load_offers

BLOCK, SHADE, MEDIUM, LIGHT = "\u2588", "\u2593", "\u2592", "\u2591"
MARK, POINT = "\u2503", "\u25c6"
TOTALS, MARKET = "Total per year", "on the market total-comp range"
ACME, GLOBEX = "examples/acme.toml", "examples/globex.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def bands():
    return load_bands()


def fixed_console(width: int) -> Console:
    return Console(file=StringIO(), width=width, color_system=None, markup=False, highlight=False)


def offers(*specs: str):
    return load_offers(specs, lambda: "")


def rendered(comparison, width: int) -> list[str]:
    out = fixed_console(width)
    charts.compare_chart(comparison, out)
    return out.file.getvalue().splitlines()


def line_of(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(label))


def run(*args: str):
    return runner.invoke(app, list(args))


# --- totals per year, measured ---------------------------------------------------------------------

# A: base 100k, bonus 20k, equity 80k vesting 25% a year (20k), sign-on 40k in year 1
#    -> year 1: 100k + 20k + 20k + 40k = 180k; year 2: 140k.  B: base 160k every year.
# Labels "Year 1  A" and "        B" are 9 cells; a 63-cell console leaves 63 - 9 - 4 = 50 cells of bar.
# Axis from zero over 180k in 50 cells: 25k steps give 8 gaps of 6.25 cells (< 8 for labels), so
# 50k steps: $0..$200k, 4000 dollars per cell.
SPEC_A = "name=A,base=100k,bonus=20k,equity=80k,sign_on=40k"
SPEC_B = "name=B,base=160k"


def test_stacked_segments_are_the_dollar_values_at_4000_per_cell():
    lines = rendered(compare(offers(SPEC_A, SPEC_B), horizon=2), 63)
    assert lines[1] == TOTALS
    year1_a, year1_b = line_of(lines, "Year 1  A"), lines[lines.index(line_of(lines, "Year 1  A")) + 1]
    assert year1_b.startswith("        B ")
    year2_a = line_of(lines, "Year 2  A")
    # 100k / 4k = 25 base cells, 20k / 4k = 5 bonus, 20k / 4k = 5 equity, 40k / 4k = 10 one-time
    assert year1_a[10:].rstrip() == BLOCK * 25 + SHADE * 5 + MEDIUM * 5 + LIGHT * 10
    assert year1_b[10:].rstrip() == BLOCK * 40  # 160k / 4k
    assert year2_a[10:].rstrip() == BLOCK * 25 + SHADE * 5 + MEDIUM * 5  # no one-time in year 2
    rule = next(line for line in lines if "\u252c" in line)
    assert len(rule[10:]) == 50 and rule[10:].count("\u252c") == 5  # $0, $50k, ..., $200k
    labels = lines[lines.index(rule) + 1]
    assert labels[10:].startswith("$0") and labels.rstrip().endswith("$200k")
    legend = lines[lines.index(rule) + 2]
    assert legend.split() == [BLOCK * 2, "base", SHADE * 2, "bonus", MEDIUM * 2, "equity", LIGHT * 2, "one-time"]


def test_bars_share_one_axis_so_the_larger_total_is_the_longer_bar():
    lines = rendered(compare(offers(SPEC_A, SPEC_B), horizon=2), 63)
    lengths = [len(line[10:].strip()) for line in lines if line[8:10] in ("A ", "B ")]
    # year 1: A 180k, B 160k; year 2: A 140k, B 160k -> 45, 40, 35, 40 cells
    assert lengths == [45, 40, 35, 40]


def test_no_one_time_cash_leaves_it_out_of_the_legend():
    lines = rendered(compare(offers("name=A,base=100k", "name=B,base=120k,bonus=10%"), horizon=1), 80)
    legend = next(line for line in lines if "base" in line and "bonus" in line)
    assert "one-time" not in legend and "equity" in legend
    assert MARKET not in "\n".join(lines)  # no profile: no market chart


# --- the market chart: the marker at its column ----------------------------------------------------

# Profile: 4 years in sf -> total comp 248.4k..473.2k, midpoint 360.8k (see test_engine).
# Offers with a base only: the average is the base. Labels "A (mid, sf)" are 11 cells; a 75-cell
# console leaves 75 - 11 - 4 = 60 cells. Axis over 200k..473.2k: 25k steps give 10 gaps of 6 cells,
# so 50k steps: $200k..$500k, 5000 dollars per cell.
def test_each_average_sits_at_its_column_on_the_market_range(bands):
    result = compare(offers("name=A,base=300k", "name=B,base=400k", "name=C,base=200k"), horizon=2,
                     bands=bands, defaults={"years": 4, "city": "sf"})
    lines = rendered(result, 75)
    title = next(line for line in lines if MARKET in line)
    assert POINT in title and MARK in title
    for name, column in [("A", 20), ("B", 40), ("C", 0)]:  # (300k - 200k) / 5k = 20; 400k -> 40; 200k -> 0
        cells = line_of(lines, f"{name} (mid, sf) ")[12:]
        assert cells.index(POINT) == column
        # the range: 248.4k -> 9.68 -> cell 10, 473.2k -> 54.64 -> edge 55; midpoint 360.8k -> 32.16 -> 32
        drawn = [i for i, c in enumerate(cells) if c != " "]
        assert drawn[-1] == 54 and cells.index(MARK) == 32
        assert set(cells[10:55]) <= {SHADE, MARK, POINT}
    c_cells = line_of(lines, "C (mid, sf) ")[12:]
    assert c_cells[1:10].isspace()  # C (below market) is drawn left of the range, not on it


def test_a_point_just_past_the_high_end_stays_outside_the_range():
    # range 100k..200k on 0..300k in 30 cells fills cells 10..19; 203k -> 20.3 -> cell 20, outside
    bar = charts.ranged("x", 100_000, 200_000, points=[203_000])
    text = "".join(c for c, _ in charts.draw(bar, charts.Axis(0, 300_000, 100_000), 30, charts.ASCII))
    assert text.index("O") == 20 and text[10:20].replace("|", "") == "#" * 9


# --- the command -----------------------------------------------------------------------------------

def test_compare_chart_flag_draws_both_charts():
    result = run("compare", ACME, GLOBEX, "--years", "4", "--chart")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index("Offers over 4 years") < text.index(TOTALS) < text.index(MARKET)
    assert text.count("Acme ") >= 5 and POINT in text and BLOCK in text
    # one bar per offer per year: 2 offers x 4 years, each labelled "Year k  Acme" or "        Globex"
    bars = [line[8:].split()[0] for line in text.splitlines()
            if line[:8].strip() in ("", "Year 1", "Year 2", "Year 3", "Year 4") and line[8:9].isalpha()]
    assert bars == ["Acme", "Globex"] * 4


def test_compare_without_a_terminal_or_with_no_chart_has_no_chart():
    for extra in ([], ["--no-chart"]):
        result = run("compare", ACME, GLOBEX, "--years", "4", *extra)
        assert result.exit_code == 0 and "Offers over 4 years" in result.stdout
        assert TOTALS not in result.stdout and BLOCK not in result.stdout


def test_compare_chart_without_a_profile_draws_only_the_totals():
    result = run("compare", "name=A,base=100k", "name=B,base=120k", "--chart")
    assert result.exit_code == 0 and TOTALS in result.stdout and MARKET not in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_compare_chart_never_goes_into_machine_formats(fmt):
    out = run("compare", ACME, GLOBEX, "--years", "4", "--chart", "-f", fmt).stdout
    assert TOTALS not in out and BLOCK not in out and POINT not in out
    if fmt == "json":
        assert json.loads(out)["best"] == "Acme"


def test_offer_names_in_charts_are_literal_text():
    result = run("compare", "name=[bold]x,base=100k", "name=[red]y[/red],base=90k", "-y", "4", "--chart")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("Year 1  [bold]x ") for line in lines)
    assert any(line.startswith("        [red]y[/red] ") for line in lines)
    assert any(line.startswith("[bold]x (mid, national) ") for line in lines)


def test_ascii_encoding_draws_the_compare_charts_in_plain_ascii():
    proc = subprocess.run([sys.executable, "-m", "mlcomp", "compare", ACME, GLOBEX, "--years", "4", "--chart"],
                          capture_output=True, check=False,
                          env={**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("ascii")  # fails on any byte above 127
    assert "?" not in text  # nothing replaced for want of a character
    assert "## base  == bonus  %% equity  :: one-time" in text
    acme = next(line for line in text.splitlines() if line.startswith("Acme (mid, sf)"))
    assert "O" in acme.split(")", 1)[1] and "|" in acme
