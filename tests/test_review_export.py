"""`mlcomp review FILE --export` (and `estimate --input FILE --review --export`): the page a pay review
is sent as, made from the same summary as `review -f json`, and its chart as an SVG."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp import report
from mlcomp.cli import app
from mlcomp.review import Pay, Summary, standing

ROOT = Path(__file__).resolve().parents[1]
TEAM = str(ROOT / "examples" / "team.csv")
SVG = "{http://www.w3.org/2000/svg}"
LEVELS = ("entry", "mid", "senior", "staff", "principal")
runner = CliRunner()


def run(*args: str, columns: str = "100"):
    return runner.invoke(app, list(args), prog_name="mlcomp", env={"MLCOMP_BANDS": "", "COLUMNS": columns})


def text_of(saved: str) -> str:
    """The visible text of a page: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", saved))


def exported(tmp_path: Path, *args: str, name: str = "review.html") -> str:
    path = tmp_path / name
    result = run("review", *args, "--export", str(path))
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


def summary_json(*args: str) -> dict:
    result = run("review", *args, "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def level_rows(root: ET.Element) -> dict[str, list[ET.Element]]:
    """A chart's people by level: the circles (with a tooltip) under each level's label line."""
    rows: dict[str, list[ET.Element]] = {}
    current = None
    for element in root.iter():
        if element.tag == f"{SVG}text" and element.get("text-anchor") is None and element.text in LEVELS:
            current = rows.setdefault(element.text or "", [])
        elif element.tag == f"{SVG}circle" and element.find(f"{SVG}title") is not None and current is not None:
            current.append(element)
    return rows


def people_in(circle: ET.Element) -> int:
    return int((circle.findtext(f"{SVG}title") or "").split(" ")[0].replace(",", ""))


# ---- what the page says --------------------------------------------------------------------------

def test_the_page_says_first_the_head_count_who_is_below_range_and_the_cost_of_the_json(tmp_path):
    saved = exported(tmp_path, TEAM)
    data = summary_json(TEAM)
    answer = text_of(re.search(r'id="answer">(.*?)</section>', saved, re.S).group(1))
    cost = data["cost"]
    # the team by hand (docs/review.md): Emery 9,500 + Kai 14,000 + Indigo 8,000 below the low
    assert cost["to_low"] == 31_500 and data["verdicts"]["below range"] == 3
    assert answer.startswith("12 people with pay: 3 below their market range, 1 above it.")
    assert (f"to the low: ${cost['to_low']:,} ({cost['to_low_share'] * 100:.1f}% of payroll)" in answer
            and f"to the mid: ${cost['to_mid']:,} ({cost['to_mid_share'] * 100:.1f}% of payroll)" in answer)
    assert f"base {data['median_base_compa']:.2f}, total comp {data['median_total_compa']:.2f}" in answer
    order = [saved.index(part) for part in ('id="title"', 'id="answer"', "<h2>Inputs</h2>", "<svg",
                                            "<h2>Verdicts and cost</h2>", "<h2>Median compa-ratio by level</h2>",
                                            "<h2>Median compa-ratio by city</h2>", "<h2>Largest gaps to the mid</h2>",
                                            "<h2>Sources</h2>")]
    assert order == sorted(order)
    assert "<title>Pay review: team.csv</title>" in saved and str(ROOT) not in saved  # the file's name, no path


def test_the_page_has_every_figure_of_the_summary(tmp_path):
    saved = exported(tmp_path, TEAM)
    data = summary_json(TEAM)
    visible = text_of(saved)
    for step, count in data["verdicts"].items():
        assert f"{step}{count}{count / data['people'] * 100:.1f}%" in visible
    for key in ("by_level", "by_city"):
        for name, group in data[key]["groups"].items():
            assert (f"{name}{group['count']}{group['median_base_compa']:.2f}{group['median_total_compa']:.2f}"
                    in visible), (key, name)
    for gap in data["largest_gaps"]:
        assert (f"{gap['name']}, id {gap['id']}{gap['line']}{gap['level']}{gap['verdict']}${gap['to_low']:,}"
                f"${gap['to_mid']:,}") in visible
    assert f"Payroll${data['cost']['payroll']:,}" in visible


def test_the_by_view_says_which_groups_are_not_shown(tmp_path):
    data = summary_json(TEAM, "--by", "team")
    hidden = data["by"]["not_shown"]
    visible = text_of(exported(tmp_path, TEAM, "--by", "team"))
    assert "Median compa-ratio by team" in visible and ("Grouped by" + "team") in visible
    assert (f"No group shown: {hidden['people']} people in {hidden['groups']} groups of fewer than 5 not "
            "shown on their own") in visible


def test_a_by_group_of_five_is_shown_and_a_smaller_one_is_counted(tmp_path):
    rows = ["name,years,city,base,team"] + [f"p{i},4,sf,{200_000 + i * 5_000},{'big' if i < 5 else 'small'}"
                                             for i in range(7)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = summary_json(str(tmp_path / "t.csv"), "--by", "team")
    visible = text_of(exported(tmp_path, str(tmp_path / "t.csv"), "--by", "team"))
    big = data["by"]["groups"]["big"]
    assert f"big5{big['median_base_compa']:.2f}" in visible
    assert "2 people in 1 group of fewer than 5 not shown" in visible and "small" not in visible


# ---- the chart -----------------------------------------------------------------------------------

def test_the_chart_has_each_level_with_its_people_and_the_outliers_outside_the_band(tmp_path):
    saved = exported(tmp_path, TEAM, name="review.svg")
    root = ET.fromstring(saved.split("\n", 1)[1])
    data = summary_json(TEAM)
    rows = level_rows(root)
    assert list(rows) == ["entry", "mid", "senior", "staff"]  # in the bands' order
    for level, circles in rows.items():
        assert sum(map(people_in, circles)) == data["by_level"]["groups"][level]["count"]
    band = next(r for r in root.iter(f"{SVG}rect") if r.get("fill") == report.BAND)
    low, high = float(band.get("x", 0)), float(band.get("x", 0)) + float(band.get("width", 0))
    colours = {report.BELOW: 0, report.ABOVE: 0, report.INSIDE: 0}
    for circle in (c for circles in rows.values() for c in circles):
        cx, r, fill = float(circle.get("cx", 0)), float(circle.get("r", 0)), circle.get("fill", "")
        colours[fill] += people_in(circle)
        if fill == report.BELOW:
            assert cx + r < low  # clear of the band, on its left
        elif fill == report.ABOVE:
            assert cx - r > high
        else:
            assert low <= cx <= high
    assert colours == {report.BELOW: data["verdicts"]["below range"], report.ABOVE: data["verdicts"]["above range"],
                       report.INSIDE: data["people"] - data["verdicts"]["below range"]
                       - data["verdicts"]["above range"]}
    assert "3 people: 0 below, 1 above" in text_of(saved)  # staff: Harper above the range, no one below


def test_a_dollar_below_or_above_the_range_is_drawn_outside_it():
    """The chart's places are to 1% of the range; a pay $1 under the low would round to the low
    itself. It is kept a step below (and $1 over the high a step above), so it is drawn off the band."""
    base = {"low": 180_000, "mid": 220_000, "high": 260_000}
    summary = Summary()
    for line, pay in enumerate((179_999, 180_000, 260_000, 260_001), 2):
        summary.add(standing(Pay(base=pay), base, base), line=line, level="mid", city="remote")
    (mid,) = summary.chart()
    assert mid["positions"] == [[-0.01, 1], [0.0, 1], [1.0, 1], [1.01, 1]]
    assert summary.verdicts["below range"] == 1 and summary.verdicts["above range"] == 1
    root = ET.fromstring(report.svg(report.Places("t", [mid]), standalone=True))
    fills = [c.get("fill") for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert fills == [report.BELOW, report.INSIDE, report.INSIDE, report.ABOVE]


@given(st.lists(st.integers(100_000, 400_000), min_size=1, max_size=60))
@example([179_999, 260_001])
def test_the_chart_colours_as_many_below_and_above_as_the_verdicts_say(pays):
    """Red circles (left of the band) hold exactly the people below range; purple, those above."""
    base = {"low": 180_000, "mid": 220_000, "high": 260_000}
    summary = Summary()
    for line, pay in enumerate(pays, 2):
        summary.add(standing(Pay(base=pay), base, base), line=line, level="mid", city="remote")
    root = ET.fromstring(report.svg(report.Places("t", summary.chart()), standalone=True))
    found = {report.BELOW: 0, report.ABOVE: 0, report.INSIDE: 0}
    for circle in root.iter(f"{SVG}circle"):
        if circle.find(f"{SVG}title") is not None:
            found[circle.get("fill", "")] += people_in(circle)
    assert found[report.BELOW] == summary.verdicts["below range"]
    assert found[report.ABOVE] == summary.verdicts["above range"]
    assert sum(found.values()) == len(pays)


def test_many_people_at_one_place_share_a_larger_circle_that_says_how_many():
    summary = Summary()
    base = {"low": 180_000, "mid": 220_000, "high": 260_000}
    for line in range(2, 1002):
        summary.add(standing(Pay(base=220_000), base, base), line=line, level="mid", city="remote")
    summary.add(standing(Pay(base=200_000), base, base), line=1002, level="mid", city="remote")
    root = ET.fromstring(report.svg(report.Places("t", summary.chart()), standalone=True))
    circles = {c.findtext(f"{SVG}title"): float(c.get("r", 0)) for c in root.iter(f"{SVG}circle")
               if c.find(f"{SVG}title") is not None}
    assert circles == {"1,000 people: 50% of the way from low to high": 7.0,
                       "1 person: 25% of the way from low to high": 2.2}


def test_the_svg_is_the_chart_alone_the_same_at_any_terminal_width(tmp_path):
    narrow = run("review", TEAM, "--export", str(tmp_path / "a.svg"), columns="40")
    wide = run("review", TEAM, "--export", str(tmp_path / "b.svg"), columns="200")
    assert narrow.exit_code == wide.exit_code == 0
    saved = (tmp_path / "a.svg").read_text(encoding="utf-8")
    assert saved == (tmp_path / "b.svg").read_text(encoding="utf-8")
    root = ET.fromstring(saved.split("\n", 1)[1])
    assert root.tag == f"{SVG}svg" and root.get("font-family", "").startswith("DejaVu Sans")
    assert float(root.get("width", "0")) >= 600 and root.findtext(f"{SVG}title") == "Pay review: team.csv"
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle" and t.text]
    assert ticks == ["low", "mid", "high"]  # the axis: the range's ends and its mid


# ---- the rows, the summary, and the order of things ----------------------------------------------

def test_the_rows_and_the_summary_are_printed_as_without_export(tmp_path):
    for args in (["-f", "csv"], ["-f", "json"], []):
        without = run("review", TEAM, *args)
        with_page = run("review", TEAM, *args, "--export", str(tmp_path / "r.html"))
        assert with_page.exit_code == 0
        assert (with_page.stdout, with_page.stderr) == (without.stdout, without.stderr), args


def test_estimate_review_exports_the_same_page(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert run("review", TEAM, "--by", "team", "-c", "sf", "--export", str(a)).exit_code == 0
    assert run("estimate", "--input", TEAM, "--review", "--by", "team", "-c", "sf", "--export",
               str(b)).exit_code == 0
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    assert "City" + "sf" in text_of(a.read_text(encoding="utf-8"))  # an option that fills empty cells: an input


def test_a_batch_without_review_still_cannot_be_exported(tmp_path):
    result = run("estimate", "--input", TEAM, "--export", str(tmp_path / "r.html"))
    assert result.exit_code == 2 and result.stdout == "" and "only the table can be saved" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", ["out.txt", "out.png", ""])
def test_a_bad_export_name_is_a_usage_error_before_the_file_is_read(bad, tmp_path):
    result = run("review", str(tmp_path / "missing.csv"), "--export", str(tmp_path / bad) if bad else "")
    assert result.exit_code == 2 and result.stdout == "" and "--export" in result.stderr
    assert len(result.stderr.strip().split("\n")) == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("rows", "code"), [("name,years,base\na,4,240k\nb,4,€1\n", 1),
                                            ("name,years\na,4\n", 1)])
def test_a_review_that_fails_leaves_no_file(rows, code, tmp_path):
    (tmp_path / "in.csv").write_text(rows, encoding="utf-8")
    result = run("review", str(tmp_path / "in.csv"), "--export", str(tmp_path / "r.html"))
    assert result.exit_code == code
    assert not (tmp_path / "r.html").exists()


def test_through_a_pipe_the_rows_stream_and_the_page_is_written(tmp_path):
    env = {**os.environ, "COLUMNS": "80", "MLCOMP_BANDS": ""}
    proc = subprocess.run([sys.executable, "-m", "mlcomp", "review", TEAM, "-f", "csv", "--export", "r.html"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.split("\n")) == 14 and proc.stdout.startswith("id,name,team,")  # header, 12 rows, ""
    assert "Pay review: 12 people with pay" in proc.stderr
    saved = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert saved.startswith("<!DOCTYPE html>") and "$31,500" in saved
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|<script|<link""", saved)


def test_rows_left_out_or_given_twice_are_counted_on_the_page(tmp_path):
    rows = "id,name,years,city,base\n1,Ann,4,sf,240k\n2,Bo,4,sf,-5000\n1,Ann,4,sf,240k\n3,Cy,4,sf,\n"
    (tmp_path / "pay.csv").write_text(rows, encoding="utf-8")
    result = run("review", str(tmp_path / "pay.csv"), "--on-error", "skip", "--export", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    answer = text_of(re.search(r'id="answer">(.*?)</section>', (tmp_path / "r.html").read_text(encoding="utf-8"),
                               re.S).group(1))
    assert answer.startswith("2 people with pay:")
    assert "Also in the file: 1 row without pay, 1 bad row skipped, 1 id given twice." in answer


def test_from_stdin_the_page_names_standard_input(tmp_path):
    with open(TEAM, encoding="utf-8") as rows:
        result = runner.invoke(app, ["review", "-", "--export", str(tmp_path / "r.html")], input=rows.read())
    assert result.exit_code == 0, result.output
    assert "<title>Pay review: standard input</title>" in (tmp_path / "r.html").read_text(encoding="utf-8")


# ---- text from the user's file -------------------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "\x1b[31mred\x1b[0m", "\u202eevil\u202c", "A & B \"quoted\" 'too'",
           "x" * 5000, "</title><h1>", "]]><!--"]


@pytest.mark.parametrize("suffix", [".html", ".svg"])
def test_names_ids_groups_and_the_file_name_from_the_user_are_text_not_markup(suffix, tmp_path):
    path = tmp_path / "<b>team & co.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "name", "years", "city", "base", "team"])
        writer.writerows([f"{h}{i}", h, 4, "sf", 150_000 + i * 1_000, "<img src=x onerror=alert(1)>"]
                         for i, h in enumerate(HOSTILE))
    page = tmp_path / f"r{suffix}"
    result = run("review", str(path), "--by", "team", "--export", str(page))
    assert result.exit_code == 0, result.output
    saved = page.read_text(encoding="utf-8")
    ET.fromstring(saved.split("\n", 1)[1] if suffix == ".svg" else re.search(r"<svg.*?</svg>", saved, re.S).group(0))
    assert "<script" not in saved and "<img" not in saved and "<b>" not in saved and "<h1>" not in saved
    assert "\x1b" not in saved and "\u202e" not in saved  # control and direction characters shown, not obeyed
    visible = text_of(saved)
    assert "Pay review: <b>team & co.csv" in visible
    if suffix == ".html":
        assert "<script>alert(1)</script>, id <script>alert(1)</script>0" in visible
        assert "\\x1b[31mred\\x1b[0m" in visible and "\\u202eevil\\u202c" in visible
        assert "<img src=x onerror=alert(1)>7" in visible  # the --by group: seven people, shown
        assert "x" * 5000 in visible  # a long name is whole, for the page to wrap


def test_every_user_text_goes_through_esc():
    """The review's report holds the user's text as plain strings; `page` escapes each of them."""
    data = summary_json(TEAM)
    data["largest_gaps"][0]["name"] = "<i>x</i>"
    data["by_city"]["groups"] = {"<u>c</u>": data["by_city"]["groups"]["sf"]}
    saved = report.page(report.review_report(data, [], "<s>.csv", [("City", "<em>sf</em>")]))
    assert not re.search(r"<(i|u|s|em)>", saved)
    assert all(f"&lt;{tag}&gt;" in saved for tag in ("i", "u", "s", "em"))
