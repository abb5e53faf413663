"""`--export FILE`: a standalone HTML report (or an SVG chart) made from the results, not the terminal."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcomp import __version__
from mlcomp.cli import app

ROOT = Path(__file__).resolve().parents[1]
ACME, GLOBEX = str(ROOT / "examples/acme.toml"), str(ROOT / "examples/globex.json")
BIGCO, STARTUP = str(ROOT / "examples/bigco.toml"), str(ROOT / "examples/startup.json")
runner = CliRunner()

COMMANDS = {
    "estimate": ["estimate", "-y", "4", "-c", "sf"],
    "curve": ["curve", "-c", "sf", "--from", "2", "--to", "6"],
    "compare": ["compare", BIGCO, STARTUP, "-y", "4", "-c", "sf"],
}
TITLES = {"estimate": "ML engineer pay: Mid level, 4 years, sf", "curve": "ML engineer pay by years of experience",
          "compare": "BigCo vs Startup, over 4 years"}


def run(*args: str, columns: str = "100"):
    return runner.invoke(app, list(args), prog_name="mlcomp", env={"MLCOMP_BANDS": "", "COLUMNS": columns})


def text_of(path: Path) -> str:
    """The visible text of an export: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", COMMANDS)
def test_the_page_stands_alone_with_title_answer_inputs_charts_sources_date_and_version(name, tmp_path):
    path = tmp_path / "report.html"
    result = run(*COMMANDS[name], "--export", str(path))
    assert result.exit_code == 0, result.output
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in saved and "@media print" in saved
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|<script|<link""", saved)  # nothing from a network
    assert f"<title>{html.escape(TITLES[name])}" in saved
    title, answer = saved.index('id="title"'), saved.index('id="answer"')
    assert title < answer < saved.index("<h2>Inputs</h2>") < saved.index("<svg") < saved.index("<h2>Sources</h2>")
    assert f"mlcomp {__version__}" in text_of(path) and re.search(r"on \d{4}-\d\d-\d\d", text_of(path))


def test_the_page_says_what_the_terminal_says_first(tmp_path):
    path = tmp_path / "c.html"
    shown = run(*COMMANDS["compare"], "--export", str(path)).stdout.split("\n")
    answer = re.search(r'id="answer">(.*?)</section>', path.read_text(encoding="utf-8")).group(1)
    sentences = [html.unescape(s) for s in re.findall(r"<p>(.*?)</p>", answer)]
    assert sentences[0].startswith("BigCo pays the most over 4 years: $1,654,569, $328,569 more than Startup")
    top = " ".join(line.strip() for line in shown[:shown.index("")])  # the terminal wraps at its width
    assert " ".join(sentences) == top  # the same verdict, in the same order, at the top of both


def test_the_estimate_page_has_every_figure_of_the_json(tmp_path):
    import json

    path = tmp_path / "e.html"
    assert run(*COMMANDS["estimate"], "--export", str(path)).exit_code == 0
    data = json.loads(run(*COMMANDS["estimate"], "--format", "json").stdout)
    visible = text_of(path)
    for part in ("band", "base", "equity_and_bonus", "total_comp"):
        for key in ("low", "mid", "high", "typical"):
            assert f"${data[part][key]:,}" in visible, (part, key)
    assert "Engineers based in San Francisco" in visible  # the location premium's source


@pytest.mark.parametrize("name", COMMANDS)
def test_the_svg_is_a_chart_sized_for_itself_with_explicit_fonts_and_right_aligned_money(name, tmp_path):
    path = tmp_path / "chart.svg"
    assert run(*COMMANDS[name], "--export", str(path), columns="40").exit_code == 0
    wide = tmp_path / "wide.svg"
    assert run(*COMMANDS[name], "--export", str(wide), columns="200").exit_code == 0
    assert path.read_text(encoding="utf-8") == wide.read_text(encoding="utf-8")  # the terminal's width is not in it
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("font-family", "").startswith("DejaVu Sans")
    assert float(root.get("width", "0")) >= 600
    money = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if (t.text or "").startswith("$") and
             "," in (t.text or "")]
    assert money and all(t.get("text-anchor") == "end" for t in money)
    assert "mlcomp" not in (root.findtext("{http://www.w3.org/2000/svg}title") or "")  # no command line, no path


def test_the_terminal_shows_the_same_with_or_without_export(tmp_path):
    for name, args in COMMANDS.items():
        assert run(*args, "--export", str(tmp_path / f"{name}.html")).stdout == run(*args).stdout


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("bad", ["out.txt", "out", "out.svg.gz", "out.png"])
def test_an_unknown_extension_is_a_usage_error_and_writes_nothing(name, bad, tmp_path):
    result = run(*COMMANDS[name], "--export", str(tmp_path / bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert "--export" in result.stderr and ".svg" in result.stderr and ".html" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "says"), [("", "is no file name"), ("  ", "is no file name"),
                                            ("dir/", "is no file name"), ("a.html", "is a directory")])
def test_a_name_that_is_no_file_says_so_in_one_line_before_any_output(name, says, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.html").mkdir()
    result = run("estimate", "-y", "4", "--export", name)
    assert result.exit_code == 2 and result.stdout == ""
    assert says in result.stderr and len(result.stderr.strip().split("\n")) == 1


@pytest.mark.parametrize("extra", [["--format", "json"], ["--format", "csv"], ["--field", "base.mid"]])
def test_only_the_table_can_be_exported(extra, tmp_path):
    result = run("estimate", "-y", "4", *extra, "--export", str(tmp_path / "out.svg"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "only the table can be saved" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_export_into_a_missing_folder_is_a_data_error_before_any_output(tmp_path):
    result = run("estimate", "-y", "4", "--export", str(tmp_path / "no" / "such" / "dir.svg"))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and "no directory" in result.stderr


def test_a_failed_command_leaves_no_file(tmp_path):
    result = run("estimate", "-y", "99", "--export", str(tmp_path / "out.svg"))
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".html", ".svg"])
def test_offer_names_are_text_not_markup_in_the_export(suffix, tmp_path):
    path = tmp_path / f"x{suffix}"
    result = run("compare", "name=[bold]<b>A</b>,base=240k", "name=B & C,base=250k", "--export", str(path))
    assert result.exit_code == 0, result.output
    saved = path.read_text(encoding="utf-8")
    assert "<b>A</b>" not in saved and "&lt;b&gt;A&lt;/b&gt;" in saved
    assert "[bold]" in text_of(path) and "B & C" in text_of(path)
    if suffix == ".svg":
        ET.fromstring(saved.split("\n", 1)[1])  # still well-formed XML
