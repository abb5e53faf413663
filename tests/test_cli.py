"""The estimate command through the real CLI: help, version, formats, and every bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from mlcomp import __version__
from mlcomp.cli import app

runner = CliRunner()


def run(*args: str, **kwargs):
    return runner.invoke(app, list(args), prog_name="mlcomp", **kwargs)


COMMANDS = sorted(get_command(app).list_commands(None))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert f"mlcomp {command}" in result.stdout


def test_top_level_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"mlcomp {__version__}"


def test_table_shows_level_rule_and_ranges():
    result = run("estimate", "--years", "4", "--city", "sf")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("Mid level", "National band", "$180,000", "$260,000", "San Francisco", "+15%", "+30%",
                 "$207,000", "$272,500", "$338,000", "Total compensation", "$473,200"):
        assert text in out


def test_explain_shows_the_sources():
    out = run("estimate", "--years", "4", "--city", "sf", "--explain").stdout
    assert "Mid Level (3-5 years) $180K - $260K" in out
    assert "15 to 30 percent" in out


def test_json_contract():
    result = run("estimate", "--years", "4", "--city", "sf", "--format", "json")
    data = json.loads(result.stdout)
    assert {"level", "years", "currency", "base", "total_comp", "adjustments"} <= set(data)
    assert data["level"] == "mid" and data["years"] == 4 and data["currency"] == "USD"
    for key in ("base", "total_comp"):
        assert set(data[key]) == {"low", "mid", "high", "typical"}
        assert all(type(v) is int for v in data[key].values())
    # typical: 4 years, 1 of 3 into mid: p = 0.72
    assert data["base"] == {"low": 207_000, "mid": 272_500, "high": 338_000, "typical": 301_320}
    (adj,) = data["adjustments"]
    assert adj["factor"] == "location" and adj["key"] == "sf" and (adj["low"], adj["high"]) == (0.15, 0.30)
    assert list(adj) == ["factor", "key", "low", "high", "equity_and_bonus"]  # provenance with --explain
    explained = json.loads(run("estimate", "--years", "4", "--city", "sf", "--format", "json", "--explain").stdout)
    assert "15 to 30 percent" in explained["adjustments"][0]["source"]


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_have_a_header_and_one_row(fmt, delimiter):
    out = run("estimate", "-y", "4", "-c", "sf", "--format", fmt).stdout
    rows = list(csv.DictReader(io.StringIO(out), delimiter=delimiter))
    assert len(rows) == 1
    assert rows[0]["base_low"] == "207000" and rows[0]["total_comp_high"] == "473200"
    assert rows[0]["level"] == "mid"
    assert "location sf +15%..+30%" in rows[0]["adjustments"]


def test_field_prints_one_value():
    result = run("estimate", "-y", "4", "-c", "sf", "--field", "total_comp.mid")
    assert result.exit_code == 0 and result.stdout == "360800\n"


@pytest.mark.parametrize("path", ["total.mid", ""])
def test_unknown_field_is_a_usage_error_listing_fields(path):
    result = run("estimate", "-y", "4", "--field", path)
    assert result.exit_code == 2
    assert "total_comp.mid" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("value", ["-1", "abc", "nan", "200", "inf", "", "4_0"])
def test_bad_years_is_one_line_naming_the_option_and_range(value):
    result = run("estimate", "--years", value)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    if value:
        assert len(lines) == 1, result.stderr
        assert "--years" in lines[0] and "0 to 60" in lines[0]
    assert "Traceback" not in result.output and result.stdout == ""


def test_neither_years_nor_level_says_one_is_needed():
    result = run("estimate", "--city", "sf")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: give --years") and "--level" in result.stderr


def test_unknown_city_lists_the_known_ones():
    result = run("estimate", "-y", "4", "--city", "atlantis")
    assert result.exit_code == 2
    assert "'--city'" in result.stderr
    for city in ("sf", "nyc", "seattle", "remote", "national"):
        assert city in result.stderr


@pytest.mark.parametrize(
    ("option", "typo", "suggestion"),
    [("--city", "sff", "sf"), ("--tier", "fang", "faang"), ("--industry", "quant-financ", "quant-finance"),
     ("--specialization", "rll", "rl"), ("--role", "swee", "swe"), ("--level", "senoir", "senior")],
)
def test_typos_in_keys_get_a_suggestion(option, typo, suggestion):
    result = run("estimate", "-y", "4", option, typo)
    assert result.exit_code == 2
    assert f"Did you mean '{suggestion}'?" in result.stderr
    assert f"'{option}'" in result.stderr


def test_bad_format_is_a_usage_error():
    result = run("estimate", "-y", "4", "--format", "xml")
    assert result.exit_code == 2 and "--format" in result.stderr


def test_unknown_option_is_a_usage_error_with_help_hint():
    result = run("estimate", "-y", "4", "--citty", "sf")
    assert result.exit_code == 2
    assert "--citty" in result.stderr and "mlcomp estimate --help" in result.stderr


def test_broken_bands_file_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[cities.x\nlabel = 1\n")
    result = run("--bands", str(bad), "estimate", "-y", "4")
    assert result.exit_code == 1
    assert str(bad) in result.stderr and "line 1" in result.stderr
    assert "Traceback" not in result.output


def test_bands_file_schema_error_names_key_path(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[cities.sf]\nlabel = "SF"\nlow = 0.15\nhigh = "lots"\nsource = "x"\n')
    result = run("estimate", "-y", "4", env={"MLCOMP_BANDS": str(bad)})
    assert result.exit_code == 1
    assert f"{bad}: cities.sf.high:" in result.stderr


def test_overlay_city_is_usable(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[cities.austin]\nlabel = "Austin"\nlow = 0.05\nhigh = 0.10\nassumption = "Ours."\n')
    result = run("--bands", str(extra), "estimate", "--level", "mid", "--city", "Austin", "--field", "base.low")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(round(180_000 * 1.05))


@pytest.mark.parametrize(
    ("args", "lines", "key"),
    [(["curve", "--from", "2", "--to", "4"], 3, "years"),
     (["compare", "examples/acme.toml", "examples/globex.json", "--years", "4"], 2, "name"),
     (["estimate", "-y", "4"], 1, "level")],
)
def test_jsonl_is_one_object_per_line_for_every_command(args, lines, key, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    result = run(*args, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == lines and all(key in row for row in rows)


# ---- the environment ---------------------------------------------------------------------------

def test_tables_are_drawn_on_the_environments_console_with_its_width_and_no_colour():
    import io

    from mlcomp import render
    from mlcomp.environment import plain

    for width in (60, 100):
        out = io.StringIO()
        render.estimate_table(mlcomp_estimate(), load_default_bands(), out=plain(out, width=width).console())
        text = out.getvalue()
        assert "\x1b" not in text and "$180,000" in text
        assert max(len(line) for line in text.split("\n")) <= max(width, 74)


def test_a_degraded_terminal_gets_question_marks_and_results_stay_utf8():
    import io

    from mlcomp.environment import Environment

    out = io.StringIO()
    env = Environment(None, out, out, terminal_encoding="ascii", colors=False, width=80)
    env.console().print("Zoë — €")
    assert out.getvalue() == "Zo? ? ?\n"


def test_replace_cells_changes_what_rich_prints():
    """The one reach into rich's internals (Column._cells): if rich changes it, this fails."""
    import io

    from rich.table import Table

    from mlcomp.environment import make_console
    from mlcomp.render import replace_cells

    table = Table()
    table.add_column("a")
    table.add_row("x\x1by")
    replace_cells(table.columns[0], lambda cell: cell.replace("\x1b", "ESC"))
    out = io.StringIO()
    make_console(out, colors=False).print(table)
    assert "xESCy" in out.getvalue()


def mlcomp_estimate():
    import mlcomp

    return mlcomp.estimate(years=4)


def load_default_bands():
    from mlcomp.bands import load_bands

    return load_bands()
