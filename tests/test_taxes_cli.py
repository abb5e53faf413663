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


SEATTLE_SF = ("name=Seattle,base=250k,equity=400k,city=seattle", "name=SF,base=265k,equity=400k,city=sf")


def test_compare_after_tax_taxes_each_offer_where_it_is_paid_and_says_if_the_best_changes():
    result = run("compare", *SEATTLE_SF, "--after-tax")
    assert result.exit_code == 0
    assert "SF *" in result.stdout  # before tax, the richer offer is best
    text = " ".join(result.stdout.split())
    assert "After tax, Seattle is the best offer, not SF" in text
    same = run("compare", "examples/bigco.toml", "examples/startup.json", "-y", "4", "-c", "sf", "--after-tax")
    assert "After tax, BigCo is still the best offer." in same.stdout


def test_compare_json_adds_after_tax_per_offer_and_year():
    data = json.loads(run("compare", *SEATTLE_SF, "--after-tax", "-f", "json").stdout)
    assert data["best"] == "SF" and data["after_tax_best"] == "Seattle"
    for offer in data["offers"]:
        after = offer["after_tax"]
        assert len(after["by_year"]) == 4
        assert after["total"] == sum(y["net"] for y in after["by_year"]) + after["benefits"]
        assert after["federal_income_tax"] == sum(y["federal_income_tax"] for y in after["by_year"])
        year = offer["by_year"][0]
        assert after["by_year"][0] == {"year": 1, **take_home(year["base"], supplemental=year["equity"],
                                                             city=offer["name"].lower()).as_dict()}
    plain = json.loads(run("compare", *SEATTLE_SF, "-f", "json").stdout)
    assert "after_tax_best" not in plain and "after_tax" not in plain["offers"][0]


def test_an_offer_file_may_say_its_state(tmp_path):
    (tmp_path / "remote.toml").write_text('name = "Remote"\nbase = "250k"\nstate = "TX"\n')
    (tmp_path / "bad.toml").write_text('name = "Bad"\nbase = "250k"\nstate = "Texsa"\n')
    data = json.loads(run("compare", str(tmp_path / "remote.toml"), "name=SF,base=250k,city=sf", "--after-tax",
                          "-f", "json").stdout)
    assert [o["after_tax"]["state"] for o in data["offers"]] == ["TX", "CA"]
    assert data["after_tax_best"] == "Remote"
    bad = run("compare", str(tmp_path / "bad.toml"), "name=SF,base=250k", "--after-tax")
    assert bad.exit_code == 1 and "bad.toml: state: unknown state 'Texsa'. Did you mean 'TX'?" in bad.output


def test_compare_csv_has_the_years_taxes():
    rows = list(csv.DictReader(io.StringIO(run("compare", *SEATTLE_SF, "--after-tax", "-f", "csv").stdout)))
    assert len(rows) == 8
    assert {row["after_tax_state"] for row in rows} == {"WA", "CA"}
    assert all(int(row["after_tax_net"]) < int(row["total"]) for row in rows)


def test_after_tax_takes_one_growth_scenario():
    result = run("compare", *SEATTLE_SF, "--after-tax", "-g", "0,10%")
    assert result.exit_code == 2 and "--after-tax and a list of --growth rates" in result.output


def test_curve_after_tax_gives_each_year_its_take_home_pay():
    rows = json.loads(run("curve", "--to", "3", "-c", "nyc", "--after-tax", "-f", "json").stdout)
    assert [r["after_tax"]["local"] for r in rows] == ["nyc"] * 4
    assert all(r["after_tax"]["wages"] + r["after_tax"]["supplemental"] == r["total_comp"]["typical"] for r in rows)
    nets = [r["after_tax"]["net"] for r in rows]
    assert nets == sorted(nets)  # more experience, more pay, more left after tax
    table = run("curve", "--to", "3", "-c", "nyc", "--after-tax", "--no-chart").stdout
    assert "Typical total comp after tax, 2026 (New York City, New York, single)" in " ".join(table.split())
    assert "after_tax" not in run("curve", "--to", "3", "-f", "json").stdout
