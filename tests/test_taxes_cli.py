"""`--after-tax` through the real command line: each tax its own key in JSON and CSV, the table
says it is after tax, bad values are one line with exit 2, and without the flag nothing changes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mlcomp.cli import app
from mlcomp.taxes import take_home

runner = CliRunner()
TAXES = ("federal_income_tax", "social_security", "medicare", "additional_medicare", "state_income_tax",
         "local_tax", "state_payroll")


def run(*args: str):
    return runner.invoke(app, list(args), prog_name="mlcomp")


def test_json_carries_each_tax_on_the_typical_total_comp():
    data = json.loads(run("estimate", "-y", "4", "-c", "nyc", "--after-tax", "-f", "json").stdout)
    after, p = data["after_tax"], data["total_comp"]
    assert (after["state"], after["local"], after["filing"]) == ("NY", "nyc", "single")
    assert after["wages"] == data["base"]["typical"]
    assert after["wages"] + after["supplemental"] == p["typical"]
    assert all(after[key] > 0 for key in TAXES)
    assert after["net"] == p["typical"] - sum(after[key] for key in TAXES)
    assert after == take_home(after["wages"], supplemental=after["supplemental"], city="nyc").as_dict()


def test_csv_has_a_column_per_tax_and_per_premium():
    out = run("estimate", "-y", "4", "-c", "sf", "--after-tax", "-f", "csv").stdout
    row = next(csv.DictReader(io.StringIO(out)))
    assert {f"after_tax_{key}" for key in TAXES} <= set(row)
    assert int(row["after_tax_payroll_sdi"]) > 0 and row["after_tax_state"] == "CA"


def test_the_table_says_it_is_after_tax_and_where():
    out = run("estimate", "-y", "4", "-c", "seattle", "--after-tax", "--filing", "joint").stdout
    assert "Typical total comp after tax, 2026 (Washington, married filing jointly)" in " ".join(out.split())
    assert "WA Cares Fund" in out and "Take-home pay" in out and "Due in April" in out


def test_state_overrides_the_city_and_gives_remote_pay_a_state():
    remote = json.loads(run("estimate", "-y", "4", "-c", "remote", "--after-tax", "-f", "json").stdout)
    texas = json.loads(run("estimate", "-y", "4", "-c", "remote", "--after-tax", "--state", "tx",
                           "-f", "json").stdout)
    oregon = json.loads(run("estimate", "-y", "4", "-c", "nyc", "--after-tax", "--state", "OR",
                            "-f", "json").stdout)
    assert remote["after_tax"]["state"] is None and texas["after_tax"]["state"] == "TX"
    assert (oregon["after_tax"]["state"], oregon["after_tax"]["local_tax"]) == ("OR", 0)


def test_field_picks_the_net():
    out = run("estimate", "-y", "4", "-c", "sf", "--after-tax", "--field", "after_tax.net").stdout
    data = json.loads(run("estimate", "-y", "4", "-c", "sf", "--after-tax", "-f", "json").stdout)
    tc = data["total_comp"]["typical"]
    assert int(out) == data["after_tax"]["net"] == take_home(data["base"]["typical"], supplemental=tc - data[
        "base"]["typical"], city="sf").net < tc


@pytest.mark.parametrize(("args", "says"), [
    (("--after-tax", "--state", "CX"), "Invalid value for '--state': unknown state 'CX'. Did you mean 'TX'?"),
    (("--after-tax", "--filing", "widow"), "Invalid value for '--filing': unknown filing status 'widow'."),
    (("--state", "CA"), "--state needs --after-tax"),
    (("--filing", "joint"), "--filing needs --after-tax"),
])
def test_bad_tax_options_are_one_line_and_exit_2(args, says):
    result = run("estimate", "-y", "4", *args)
    assert result.exit_code == 2
    assert says in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_without_after_tax_the_output_and_the_imports_are_unchanged():
    plain = run("estimate", "-y", "4", "-c", "sf", "-f", "json").stdout
    assert "after_tax" not in plain
    code = ("import sys; from mlcomp.cli import main; sys.argv = ['mlcomp', 'estimate', '-y', '4', '-f', 'json']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if 'tax' in m), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stderr.strip().split("\n")[-1] == "[]"
