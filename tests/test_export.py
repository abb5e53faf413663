"""`--export FILE`: what the terminal shows (table and charts) saved as SVG or HTML."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcomp.cli import app

ROOT = Path(__file__).resolve().parents[1]
ACME, GLOBEX = str(ROOT / "examples/acme.toml"), str(ROOT / "examples/globex.json")
runner = CliRunner()

COMMANDS = {
    "estimate": ["estimate", "-y", "4", "-c", "sf"],
    "curve": ["curve", "-c", "sf", "--from", "2", "--to", "6"],
    "compare": ["compare", ACME, GLOBEX, "-y", "4"],
}


# words of the charts
CHART = {"estimate": "low to high;", "curve": "Bars to the total-comp mid:", "compare": "midpoint)"}


def run(*args: str):
    return runner.invoke(app, list(args), prog_name="mlcomp", env={"MLCOMP_BANDS": "", "COLUMNS": "100"})


def text_of(path: Path) -> str:
    """The visible text of an export: tags dropped, entities decoded, spaces as spaces."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))).replace("\xa0", " ")


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("suffix", [".svg", ".html", ".HTML"])
def test_export_saves_what_the_terminal_shows(name, suffix, tmp_path):
    path = tmp_path / f"out{suffix}"
    result = run(*COMMANDS[name], "--chart", "--export", str(path))
    assert result.exit_code == 0, result.output
    shown = run(*COMMANDS[name], "--chart").stdout
    assert result.stdout == shown  # the terminal gets the same as without --export
    saved = path.read_text(encoding="utf-8")
    assert saved.lstrip().startswith("<svg" if suffix == ".svg" else "<!DOCTYPE html>")
    visible = text_of(path)
    numbers = re.findall(r"\$[\d,]{5,}", shown)
    assert numbers and all(n in visible for n in numbers)  # every dollar amount of the table
    assert CHART[name] in shown and CHART[name] in visible


def test_export_draws_the_charts_even_when_stdout_is_not_a_terminal(tmp_path):
    path = tmp_path / "e.svg"
    assert run("estimate", "-y", "4", "--export", str(path)).exit_code == 0
    assert CHART["estimate"] in text_of(path)
    result = run("estimate", "-y", "4", "--no-chart", "--export", str(path))
    assert result.exit_code == 0
    numbers = re.findall(r"\$[\d,]{5,}", result.stdout)
    assert CHART["estimate"] not in text_of(path) and numbers and all(n in text_of(path) for n in numbers)


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("bad", ["out.txt", "out", "out.svg.gz", "out.png"])
def test_an_unknown_extension_is_a_usage_error_and_writes_nothing(name, bad, tmp_path):
    result = run(*COMMANDS[name], "--export", str(tmp_path / bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert "--export" in result.stderr and ".svg" in result.stderr and ".html" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("extra", [["--format", "json"], ["--format", "csv"], ["--field", "base.mid"]])
def test_only_the_table_can_be_exported(extra, tmp_path):
    result = run("estimate", "-y", "4", *extra, "--export", str(tmp_path / "out.svg"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "only the table can be saved" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_export_is_a_data_error(tmp_path):
    result = run("estimate", "-y", "4", "--export", str(tmp_path / "no" / "such" / "dir.svg"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "No such file or directory" in result.stderr


def test_a_failed_command_leaves_no_file(tmp_path):
    result = run("estimate", "-y", "99", "--export", str(tmp_path / "out.svg"))
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_offer_names_are_text_not_markup_in_the_export(tmp_path):
    path = tmp_path / "x.html"
    result = run("compare", "name=[bold]<b>A</b>,base=240k", "name=B & C,base=250k", "--export", str(path))
    assert result.exit_code == 0, result.output
    saved = path.read_text(encoding="utf-8")
    assert "<b>A</b>" not in saved and "&lt;b&gt;A&lt;/b&gt;" in saved
    assert "[bold]" in text_of(path) and "B & C" in text_of(path)
