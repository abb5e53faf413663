"""Custom bands (--bands / MLCOMP_BANDS), `mlcomp bands [--check]`, `mlcomp factors`, completion."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcomp.bands import load_bands
from mlcomp.cli import app

runner = CliRunner()

AUSTIN_AND_ACME = """
[cities.austin]
label = "Austin"
low = 0.05
high = 0.10
aliases = ["atx"]
assumption = "Our own survey of offers in Austin."

[tiers.acme]
label = "Acme Corp"
low = 0.12
high = 0.22
assumption = "Acme pays above market."
"""


@pytest.fixture
def custom(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(AUSTIN_AND_ACME)
    return path


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env={"MLCOMP_BANDS": "", **(env or {})})


def test_a_new_city_from_a_bands_file(custom):
    result = run("--bands", str(custom), "estimate", "--years", "4", "--city", "atx", "--format", "json")
    assert result.exit_code == 0, result.stderr
    # mid 180000..260000, austin +5%..+10% -> 189000..286000, mid 237500; p = 0.72 -> 258840
    assert json.loads(result.stdout)["base"] == {"low": 189000, "mid": 237500, "high": 286000, "typical": 258840}


def test_a_company_tier_through_the_environment(custom):
    result = run("estimate", "--years", "4", "--tier", "acme", "--field", "base.high",
                 env={"MLCOMP_BANDS": str(custom)})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "317200\n"  # 260000 * 1.22


def test_the_shipped_entries_are_kept(custom):
    result = run("--bands", str(custom), "estimate", "--years", "4", "--city", "sf", "--field", "base.low")
    assert result.stdout == "207000\n"  # 180000 * 1.15


def test_an_overlay_entry_replaces_the_shipped_one_whole(tmp_path):
    path = tmp_path / "sf.toml"
    path.write_text('[cities.sf]\nlow = 0.2\nhigh = 0.4\n')
    result = run("--bands", str(path), "estimate", "--years", "4")
    assert result.exit_code == 1
    assert f"{path}: cities.sf.label: missing (required) (line 1)" in result.stderr


def test_defaults_merge_key_by_key(tmp_path, custom):
    path = tmp_path / "default-city.toml"
    path.write_text(AUSTIN_AND_ACME + '\n[defaults]\ncity = "austin"\n')
    result = run("--bands", str(path), "estimate", "--years", "4", "--field", "base.low")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "189000\n"  # 180000 * 1.05


def test_overlaid_keys_are_listed_by_factors_and_used_in_batch(custom):
    factors = json.loads(run("--bands", str(custom), "factors", "--format", "json").stdout)
    austin = next(f for f in factors if f["key"] == "austin")
    assert austin["group"] == "city" and austin["aliases"] == ["atx"] and austin["low"] == 0.05
    result = runner.invoke(app, ["--bands", str(custom), "estimate", "--input", "-", "--input-format", "csv",
                                 "--field", "base.mid"], input="years,city,tier\n4,austin,acme\n")
    # 180000*1.05*1.12 = 211680 .. 260000*1.10*1.22 = 348920 -> mid 280300
    assert result.stdout == "280300\n"


def test_check_accepts_a_good_file(custom):
    result = run("bands", "--check", str(custom))
    assert result.exit_code == 0
    assert result.stdout == f"{custom}: ok\n"


def test_check_reports_every_problem_with_key_path_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[cities.Austin]\nlabel = "A"\nlow = 0.1\nhigh = 0.1\naliases = ["sf"]\nassumption = "x"\n'
                    '\n[defaults]\ncity = "nowhere"\n')
    result = run("bands", "--check", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}: cities.Austin: 'Austin' must be lowercase letters, digits and dashes (line 1)",
        f"{path}: cities.Austin: 'sf' is already used by cities.sf (line 1)",
        f"{path}: defaults.city: 'nowhere' is not a key of [cities] (line 9)",
    ]


def test_check_reports_field_problems_with_lines(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[tiers.acme]\nlabel = "Acme"\nlow = 0.12\nhihg = 0.22\nassumption = "x"\n')
    lines = run("bands", "--check", str(path)).stdout.splitlines()
    assert f"{path}: tiers.acme.high: missing (required) (line 1)" in lines
    assert f"{path}: tiers.acme.hihg: unknown key (line 4). Did you mean 'high'?" in lines


def test_check_reports_toml_syntax_with_its_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[cities.x]\nlabel = \n')
    result = run("bands", "--check", str(path))
    assert result.exit_code == 1 and "line 2" in result.stdout


def test_bands_lists_the_levels_with_sources():
    rows = json.loads(run("bands", "--format", "json").stdout)
    assert [(r["key"], r["low"], r["mid"], r["high"]) for r in rows] == [
        ("entry", 130000, 155000, 180000), ("mid", 180000, 220000, 260000),
        ("senior", 260000, 305000, 350000), ("staff", 350000, 400000, 450000)]
    assert rows[0]["source"] == "Entry Level (0-2 years) $130K - $180K"
    table = run("bands").stdout
    assert "$155,000" in table and '"Entry Level' in table


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_bands_and_factors_as_csv_and_tsv(fmt):
    sep = "\t" if fmt == "tsv" else ","
    rows = list(csv.DictReader(io.StringIO(run("bands", "--format", fmt).stdout), delimiter=sep))
    assert rows[3]["key"] == "staff" and rows[3]["aliases"] == "principal staff-principal"
    factors = list(csv.DictReader(io.StringIO(run("factors", "--format", fmt).stdout), delimiter=sep))
    sf = next(r for r in factors if r["key"] == "sf")
    assert (sf["low"], sf["high"], sf["option"]) == ("0.15", "0.3", "--city sf")


def test_factors_lists_every_key_and_alias_users_can_type():
    bands = load_bands()
    factors = json.loads(run("factors", "--format", "json").stdout)
    listed = {(f["group"], name) for f in factors for name in (f["key"], *f["aliases"])}
    for group, option in (("cities", "city"), ("tiers", "tier"), ("industries", "industry"),
                          ("specializations", "specialization"), ("roles", "role")):
        for name in bands.lookup[group]:
            assert (option, name) in listed
    assert {f["group"] for f in factors} >= {"lifecycle", "cap", "total_comp", "location"}
    assert all(f["source"] or f["assumption"] for f in factors)
    swe = next(f for f in factors if f["key"] == "swe")
    # swe: ML pays 10%..25% more, so the band is divided: 1/1.10 - 1 = -0.0909, 1/1.25 - 1 = -0.2
    assert (swe["low"], swe["high"]) == (-0.0909, -0.2)


@pytest.mark.parametrize("command", [["bands"], ["factors"], ["estimate"]])
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Examples" in result.stdout


def complete(words: str, cword: int, **env: str) -> list[str]:
    env = {**{k: v for k, v in os.environ.items() if k != "MLCOMP_BANDS"}, **env,
           "_MLCOMP_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    script = str(Path(sys.executable).parent / "mlcomp")  # completion goes by the program's name
    done = subprocess.run([script], capture_output=True, text=True, env=env, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_of_option_values_comes_from_the_data(custom):
    assert complete("mlcomp estimate --city s", 3) == ["sf", "san-francisco", "sfo", "seattle", "sea"]
    assert "acme" not in complete("mlcomp estimate --tier a", 3)
    assert "acme" in complete(f"mlcomp --bands {custom} estimate --tier a", 5)
    assert "acme" in complete("mlcomp estimate --tier a", 3, MLCOMP_BANDS=str(custom))
    assert complete("mlcomp estimate --on-error ", 3) == ["stop", "skip"]
