"""The model's new parts through the real CLI: typical values, --ml-focus everywhere a profile is
given (options, batch column, offer field), completion and `factors` from the data."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from mlcomp.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, env={"COLUMNS": "100"})


def test_estimate_json_has_typical_values_and_ml_focus_applies():
    plain = json.loads(run("estimate", "-y", "4", "-f", "json").stdout)
    core = json.loads(run("estimate", "-y", "4", "--ml-focus", "core", "-f", "json").stdout)
    # mid, 4 years: p = 0.72; 180000 * 0.28 + 260000 * 0.72 = 237600
    assert plain["base"]["typical"] == 237_600
    assert core["base"]["low"] == 189_000 and core["base"]["high"] == 286_000  # +5% / +10%
    assert [a["factor"] for a in core["adjustments"]] == ["ml_focus"]


def test_ml_focus_takes_aliases_and_a_bad_value_names_the_option():
    assert run("estimate", "-y", "4", "--ml-focus", "Central", "--field", "base.low").stdout == "189000\n"
    result = run("estimate", "-y", "4", "--ml-focus", "suport")
    assert result.exit_code == 2
    assert "'--ml-focus': unknown ml focus 'suport'. Did you mean 'supporting' (support)?" in result.stderr


def test_explain_says_how_p_was_found():
    out = run("estimate", "-y", "8", "--explain").stdout
    assert "Typical position" in out and "p = 0.785" in out
    assert "8 years is 2 of 4 years into Senior (from 6 years): p = 0.67 + (0.9 - 0.67) x 0.5 = 0.785" in out
    out = run("estimate", "-l", "senior", "--explain").stdout
    assert "No years given, so p = 0.5" in out


def test_curve_has_typical_columns_that_rise_inside_a_level():
    out = run("curve", "-c", "sf", "--to", "5", "--ml-focus", "supporting", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["level"] for r in rows] == ["entry"] * 3 + ["mid"] * 3
    typical = [int(r["total_comp_typical"]) for r in rows]
    assert typical == sorted(typical) and len(set(typical)) == len(typical)
    assert len({r["total_comp_high"] for r in rows[3:]}) == 1  # the range itself moves only at a promotion
    table = run("curve", "-c", "sf", "--to", "5", "--no-chart").stdout
    assert "Base typical" in table and "TC typical" in table


def test_batch_column_ml_focus(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("id,years,ml_focus\n1,4,core\n2,4,supporting\n3,4,\n")
    out = run("estimate", "--input", str(path), "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    lows = [int(r["base_low"]) for r in rows]
    assert lows[0] > lows[2] > lows[1]
    assert rows[0]["adjustments"] == "ml_focus core +5%..+10%"
    assert "base_typical" in rows[0]


def test_offer_field_and_compare_option_ml_focus():
    offers = ["name=A,base=240k,ml_focus=core", "name=B,base=240k"]
    data = json.loads(run("compare", *offers, "-y", "4", "-f", "json").stdout)
    a, b = data["offers"]
    # the same base sits lower in the market of an employer where ML is core
    assert a["market"]["base_position"] < b["market"]["base_position"]
    both = json.loads(run("compare", *offers, "-y", "4", "--ml-focus", "core", "-f", "json").stdout)
    assert both["offers"][1]["market"]["base_position"] == a["market"]["base_position"]


def test_factors_list_ml_focus_from_the_data():
    rows = json.loads(run("factors", "-f", "json").stdout)
    focus = {r["key"]: r for r in rows if r["group"] == "ml_focus"}
    assert set(focus) == {"core", "supporting"}
    assert focus["core"]["option"] == "--ml-focus core" and "central to the product" in focus["core"]["source"]
    assert focus["supporting"]["high"] < 0 and focus["supporting"]["assumption"]


def test_completion_of_ml_focus_comes_from_the_data():
    env = {**{k: v for k, v in os.environ.items() if k != "MLCOMP_BANDS"},
           "_MLCOMP_COMPLETE": "complete_bash", "COMP_WORDS": "mlcomp estimate --ml-focus s", "COMP_CWORD": "3"}
    script = str(Path(sys.executable).parent / "mlcomp")
    done = subprocess.run([script], capture_output=True, text=True, env=env, timeout=30)
    assert done.stdout.split() == ["supporting", "support"]


def test_with_every_premium_stacked_the_cities_keep_their_order():
    stacked = ["-l", "staff", "-t", "faang", "-i", "quant", "-s", "rl", "--full-lifecycle", "--ml-focus", "core"]
    highs = [int(run("estimate", *stacked, "-c", city, "--field", "total_comp.high").stdout)
             for city in ("sf", "nyc", "seattle", "national")]
    assert highs[0] > highs[1] > highs[2] > highs[3]
    cap = json.loads(run("estimate", *stacked, "-c", "sf", "-f", "json", "--explain").stdout)["adjustments"]
    assert [a["factor"] for a in cap][-1] == "cap" and "outside the cap" in cap[-1]["assumption"]


# ---- base and equity and bonus apart; the market view and the ask ---------------------------------

def test_estimate_shows_both_parts_and_total_comp_is_their_sum():
    data = json.loads(run("estimate", "-y", "8", "-t", "faang", "-f", "json", "--explain").stdout)
    # senior, 8 years (p = 0.785): base 286,000..350,000 (the top of the band), typical 336,240, inside
    # the guide's $260K-$350K; equity and bonus 260000 x 0.2 x 3 = 156,000 .. 350000 x 0.4 x 1.4 = 196,000
    assert data["base"] == {"low": 286_000, "mid": 318_000, "high": 350_000, "typical": 336_240}
    assert data["equity_and_bonus"] == {"low": 156_000, "mid": 176_000, "high": 196_000, "typical": 187_400}
    assert data["total_comp"]["typical"] == 336_240 + 187_400 >= 400_000
    (tier,) = data["adjustments"]
    assert (tier["low"], tier["high"]) == (0.1, 0.0)
    assert tier["equity_and_bonus"]["low"] == 2.0 and "restricted stock units" in tier["equity_and_bonus"]["source"]
    table = run("estimate", "-y", "8", "-t", "faang").stdout
    assert "Equity and bonus" in table and "$187,400" in table and "+200%" in table


def test_a_close_call_is_said_in_words_and_marks_no_winner():
    result = run("compare", "name=A,base=240k", "name=B,base=239.8k", "-n", "4")
    assert "Close call: A and B are within 2% of each other over 4 years ($800 apart)" in result.stdout
    assert "A *" not in result.stdout
    clear = run("compare", "name=A,base=240k", "name=B,base=200k").stdout
    assert "Close call" not in clear and "A *" in clear


def test_the_market_table_shows_three_positions_and_one_ask_with_its_reasons():
    out = run("compare", "name=Offer,base=200k,bonus=10%,equity=100k", "-y", "4", "-c", "sf").stdout
    for label in ("Market base", "Market equity and bonus", "Market total comp", "Base position",
                  "Equity and bonus position", "Market position (total)", "Verdict (on the total)"):
        assert label in out, label
    assert "Location-adjusted" not in out
    # base up 15%, the grant up 50% (its bound), the rest as a sign-on of a year's base, 12,800 a year short
    assert "$230,000" in out and "$150,000" in out and "$12,800" in out
    assert "Offer, ask: the base (200,000) is under the market's base" in out


def test_an_overlay_that_breaks_a_constraint_is_refused_naming_it_and_a_profile(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[tiers.faang]\nlabel = "F"\nlow = 0.3\nhigh = 0.3\nassumption = "All on base."\n')
    result = run("--bands", str(path), "estimate", "-y", "8", "-t", "faang")
    assert result.exit_code == 1 and result.stdout == ""
    assert "constraints: 'base share at the top tiers' is broken by `mlcomp estimate -l senior --tier faang`" in \
        result.stderr
    assert "set `check = false` under [constraints]" in result.stderr
    path.write_text(path.read_text() + "\n[constraints]\ncheck = false\n")
    assert run("--bands", str(path), "estimate", "-y", "8", "-t", "faang").exit_code == 0
    path.write_text('[cap.base]\nlow = 0.6\nhigh = 0.6\nassumption = "x"\n[cap.equity_and_bonus]\nlow = 3.0\n'
                    'high = 2.0\nassumption = "x"\n')
    result = run("bands", "--check", str(path))
    assert result.exit_code == 1 and "cap.label: missing" in result.stdout
    path.write_text('[cap]\nlabel = "c"\n[cap.base]\nlow = 0.6\nhigh = 0.6\nassumption = "x"\n'
                    '[cap.equity_and_bonus]\nlow = 3.0\nhigh = 2.0\nassumption = "x"\n')
    lines = run("bands", "--check", str(path)).stdout.split("\n")
    assert any("constraints: 'base below the next level's top' is broken by `mlcomp estimate -l entry" in line
               for line in lines)


def test_a_zero_band_is_refused_by_the_check_and_never_reaches_compare(tmp_path):
    path = tmp_path / "zero.toml"
    path.write_text('[levels.entry]\nlabel = "Entry"\nyears_from = 0\nyears_to = 3\nlow = 0\nhigh = 0\n'
                    'assumption = "x"\n')
    check = run("bands", "--check", str(path))
    assert check.exit_code == 1 and "levels.entry: high must be above 0" in check.stdout
    result = run("--bands", str(path), "compare", "name=A,base=100k", "-y", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "levels.entry: high must be above 0" in result.stderr
