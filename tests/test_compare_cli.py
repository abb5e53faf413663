"""`mlcomp compare` through the real CLI: formats, sources of offers, errors and exit codes."""

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

from mlcomp.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACME = "name=Acme,base=240k,bonus=15%,equity=400k,vesting=5/15/40/40,sign_on=50k"
GLOBEX = "name=Globex,base=265k,bonus=20k,equity=200k"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, ["compare", *args], input=input)


def as_json(*args: str, input: str | None = None) -> dict:
    result = run(*args, "--format", "json", input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_help_shows_an_example():
    result = run("--help")
    assert result.exit_code == 0
    assert "mlcomp compare examples/acme.toml" in result.stdout


def test_inline_offers_json_contract():
    data = as_json(ACME, GLOBEX)
    assert list(data) == ["horizon", "best", "close_call", "offers"]
    assert data["horizon"] == 4
    acme, globex = data["offers"]
    assert list(acme) == ["name", "by_year", "first_year", "average", "total", "delta_to_best",
                          "break_even_growth", "market"]
    assert list(acme["by_year"][0]) == ["year", "base", "bonus", "equity", "one_time", "benefits", "total",
                                        "cumulative"]
    for offer in data["offers"]:
        for year in offer["by_year"]:
            assert all(type(v) is int for v in year.values())
        assert all(type(offer[k]) is int for k in ("first_year", "average", "total", "delta_to_best"))
        assert offer["market"] is None  # no years or level: no market view
    # Acme: 240k + 36k bonus + 20k/60k/160k/160k equity + 50k sign-on
    assert [y["total"] for y in acme["by_year"]] == [346_000, 336_000, 436_000, 436_000]
    assert acme["total"] == 1_554_000 and acme["average"] == 388_500 and acme["first_year"] == 346_000
    # Globex: 265k + 20k + 50k a year = 335k, 4 years = 1,340,000
    assert globex["total"] == 1_340_000
    assert data["best"] == "Acme" and globex["delta_to_best"] == -214_000 and acme["delta_to_best"] == 0
    assert [y["cumulative"] for y in acme["by_year"]] == [346_000, 682_000, 1_118_000, 1_554_000]
    # Globex catches up when its 200k grant's 4 slices of 50k, grown (1+g)^0..3, add 214k more:
    # 50k * (1 + (1+g) + (1+g)^2 + (1+g)^3) must reach 200k + 214k = 414k.
    # g = 0.5144: 50,000 + 75,720 + 114,670 + 173,657 = 414,047 (enough); g = 0.5143: 413,992 (not)
    assert acme["break_even_growth"] is None and globex["break_even_growth"] == 0.5144


def test_market_view_with_profile_options():
    data = as_json(ACME, GLOBEX, "--years", "4", "--city", "sf")
    market = data["offers"][0]["market"]
    assert list(market) == ["profile", "base", "equity_and_bonus", "total_comp", "position", "verdict", "target",
                            "ask", "base_position", "equity_and_bonus_position", "total_comp_vs_mid"]
    assert market["profile"] == {"level": "mid", "years": 4, "location": "sf", "tier": None, "industry": "tech",
                                 "specialization": "generalist", "full_lifecycle": False, "ml_focus": None}
    assert market["base"] == {"low": 207_000, "mid": 272_500, "high": 338_000}
    assert market["equity_and_bonus"] == {"low": 41_400, "mid": 88_300, "high": 135_200}
    assert market["total_comp"] == {"low": 248_400, "mid": 360_800, "high": 473_200}
    # mid/sf base 207,000..338,000: (240000-207000)/131000 = 0.2519; 388500/360800 - 1 = 0.0768
    assert market["base_position"] == 0.2519 and market["total_comp_vs_mid"] == 0.0768
    # the rest, 388,500 - 240,000 = 148,500, against 41,400..135,200: (148500-41400)/93800 = 1.1418
    assert market["equity_and_bonus_position"] == 1.1418
    # average 388,500 in 248,400..473,200: (388500-248400)/224800 = 0.6232, the middle third
    assert market["position"] == 0.6232 and market["verdict"] == "middle third"
    assert market["target"] == 0.5 and market["ask"] == {"base": None, "equity": None, "shares": None,
                                                         "sign_on": None, "short": 0, "reasons": {}}


def test_order_does_not_matter():
    ab, ba = as_json(ACME, GLOBEX, "-y", "6"), as_json(GLOBEX, ACME, "-y", "6")
    assert ab["best"] == ba["best"] == "Acme"
    assert ab["offers"] == ba["offers"][::-1]


def test_horizon_and_growth_options():
    data = as_json(ACME, GLOBEX, "--horizon", "6", "--growth", "10%")
    assert data["horizon"] == 6 and len(data["offers"][0]["by_year"]) == 6
    # Globex 200k even at +10%: 50000, 55000, 60500, 66550, then nothing vests
    assert [y["equity"] for y in data["offers"][1]["by_year"]] == [50_000, 55_000, 60_500, 66_550, 0, 0]


def test_example_files():
    data = as_json(str(EXAMPLES / "acme.toml"), str(EXAMPLES / "globex.json"), "--years", "4")
    assert [o["name"] for o in data["offers"]] == ["Acme", "Globex"]
    assert all(o["market"] for o in data["offers"])


def test_stdin_json_and_toml():
    data = as_json("-", GLOBEX, input='{"name": "Piped", "base": "300k"}')
    assert data["offers"][0]["name"] == "Piped" and data["offers"][0]["total"] == 1_200_000
    data = as_json(GLOBEX, "-", input='name = "Toml"\nbase = 100000\n')
    assert data["offers"][1]["total"] == 400_000


def test_csv_one_row_per_offer_per_year():
    result = run(ACME, GLOBEX, "--format", "csv", "--horizon", "3")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6
    assert list(rows[0]) == ["name", "year", "base", "bonus", "equity", "one_time", "benefits", "total",
                             "cumulative", "break_even_growth"]
    assert rows[0] == {"name": "Acme", "year": "1", "base": "240000", "bonus": "36000", "equity": "20000",
                       "one_time": "50000", "benefits": "0", "total": "346000", "cumulative": "346000",
                       "break_even_growth": ""}
    assert [r["year"] for r in rows] == ["1", "2", "3"] * 2


def test_tsv():
    result = run(ACME, GLOBEX, "-f", "tsv")
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["name", "year", "base", "bonus", "equity", "one_time", "benefits", "total",
                                    "cumulative", "break_even_growth"]
    assert len(lines) == 9


def test_table_marks_the_best_and_shows_market():
    result = run(ACME, GLOBEX, "-y", "4", "-c", "sf")
    assert result.exit_code == 0
    out = result.stdout
    assert "Acme *" in out and "Globex *" not in out
    assert "$1,554,000" in out and "-$214,000" in out and "middle third" in out
    assert "Globex beats Acme only if its equity grows more than 51.4% a year." in out


def test_table_without_profile_says_how_to_get_the_market_view():
    result = CliRunner().invoke(app, ["compare", ACME, GLOBEX])
    assert result.exit_code == 0
    assert "Market view: give --years or --level" in result.stderr
    assert "Market view" not in result.stdout


def test_names_are_never_markup():
    result = run("name=[bold]X[/bold],base=1", GLOBEX)
    assert "[bold]X[/bold]" in result.stdout


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


FILE_ERRORS = [
    ("typo.toml", 'base = "1"\nbnous = "15%"\n', "typo.toml: bnous: unknown key (line 2). Did you mean 'bonus'?"),
    ("sched.toml", 'base = 1\nvesting = [10, 20]\n', "sched.toml: vesting: yearly percentages sum to 30"),
    ("nobase.json", '{"name": "x"}', "nobase.json: base: missing (required)"),
    ("neg.toml", 'base = "-5k"\n', "neg.toml: base: must not be negative, got '-5k'"),
    ("nan.toml", 'base = "lots"\n', "nan.toml: base: expected an amount such as 240000"),
    ("bonus.json", '{"base": 1, "bonus": "ten"}', "bonus.json: bonus: expected an amount"),
    ("syntax.toml", 'base = 1\nbonus = \n', "syntax.toml: TOML syntax error: Invalid value (at line 2"),
    ("syntax.json", '{"base": 1,\n "bonus": 2\n "x": 3}',
     "syntax.json: JSON syntax error at line 3, column 2"),
    ("list.json", '[1, 2]', "list.json: expected a JSON object"),
    ("city.toml", 'base = 1\ncity = "sfo2"\nyears = 3\n',
     "city.toml: city: unknown city 'sfo2'. Did you mean"),
    ("years.toml", 'base = 1\nyears = 99\n', "years.toml: years: years of experience must be a number"),
    ("growth.toml", 'base = 1\ngrowth = "fast"\n', "growth.toml: growth: expected a rate"),
]


@pytest.mark.parametrize(("name", "text", "message"), FILE_ERRORS, ids=[e[0] for e in FILE_ERRORS])
def test_bad_file_contents_exit_1_naming_the_file_and_key(tmp_path, name, text, message):
    result = run(write(tmp_path, name, text), GLOBEX)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicate_names_in_files(tmp_path):
    a = write(tmp_path, "a.toml", 'name = "Same"\nbase = 1\n')
    b = write(tmp_path, "b.json", '{"name": "same", "base": 2}')
    result = run(a, b)
    assert result.exit_code == 1
    assert "two offers are named 'same'" in result.stderr


@pytest.mark.parametrize(("args", "stdin", "code", "message"), [
    ([ACME], None, 2, "give at least two offers"),
    ([], None, 2, "give at least two offers"),
    (["-", GLOBEX], "", 1, "stdin: empty input"),
    (["-", GLOBEX], "base = \n", 1, "stdin: TOML syntax error"),
    (["-", "-"], "base = 1\n", 2, "'-' (stdin) can be given only once"),
    ([ACME, "name=Acme,base=1"], None, 2, "two offers are named 'Acme'"),
    ([ACME, "name=X,bnous=1,base=1"], None, 2, "offer 2 (inline): bnous: unknown key. Did you mean 'bonus'?"),
    ([ACME, "name=X,base=-1"], None, 2, "offer 2 (inline): base: must not be negative"),
    ([ACME, "name=X,base=1,vesting=flat"], None, 2, "offer 2 (inline): vesting: unknown schedule 'flat'"),
    ([ACME, "missing.toml"], None, 2, "missing.toml: no such file"),
    ([ACME, GLOBEX, "--horizon", "0"], None, 2, "--horizon"),
    ([ACME, GLOBEX, "--growth", "lots"], None, 2, "Invalid value for '--growth'"),
    ([ACME, GLOBEX, "--city", "atlantis"], None, 2, "Invalid value for '--city': unknown city 'atlantis'"),
    ([ACME, GLOBEX, "--years", "-3"], None, 2, "Invalid value for '--years'"),
    ([ACME, GLOBEX, "--format", "xml"], None, 2, "--format"),
    ([ACME, GLOBEX, "--bogus"], None, 2, "No such option"),
])
def test_usage_and_stdin_errors(args, stdin, code, message):
    result = run(*args, input=stdin)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_unknown_file_type(tmp_path):
    result = run(write(tmp_path, "offer.yaml", "base: 1\n"), GLOBEX)
    assert result.exit_code == 2
    assert "unknown file type '.yaml'; use .toml or .json" in result.stderr


def mlcomp(*args: str, input: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlcomp", *args], input=input.encode(), capture_output=True,
                          env={**os.environ, **(env or {})}, check=False)


def test_pipe_from_stdin_in_a_real_process():
    proc = mlcomp("compare", "-", GLOBEX, "-f", "json", input='{"name": "Caf\u00e9", "base": "1.2m"}')
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["best"] == "Caf\u00e9" and data["offers"][0]["first_year"] == 1_200_000


def test_ascii_terminal_does_not_crash():
    proc = mlcomp("compare", "name=Caf\u00e9,base=1", GLOBEX, env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    assert b"Caf?" in proc.stdout


def test_empty_stdin_exit_code_in_a_real_process():
    proc = mlcomp("compare", "-", GLOBEX)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "Error: stdin: empty input; expected an offer in TOML or JSON"


# ---- offers as they are written, break-even growth, scenarios, the market view ---------------------

STARTUP = "name=Startup,base=200k,shares=40k,share_price=20,strike=5,equity_discount=30%"
BIGCO = "name=BigCo,base=250k,bonus=15%,equity=400k,sign_on=50k/30k,raise=3%,benefits=10k"


def test_options_offer_json_year_by_year():
    data = as_json(STARTUP, BIGCO)
    startup = data["offers"][0]
    # 40,000 options over 4 years: 10,000 a year * ($20 - $5) = 150,000, at 70% = 105,000
    assert [y["equity"] for y in startup["by_year"]] == [105_000] * 4
    bigco = data["offers"][1]["by_year"]
    # base 250k +3%: 250,000, 257,500, 265,225, 273,181.75; bonus 15% of each; sign-on 50k then 30k
    assert [y["base"] for y in bigco] == [250_000, 257_500, 265_225, 273_182]
    assert [y["bonus"] for y in bigco] == [37_500, 38_625, 39_784, 40_977]
    assert [y["one_time"] for y in bigco] == [50_000, 30_000, 0, 0]
    assert [y["benefits"] for y in bigco] == [10_000] * 4
    assert data["best"] == "BigCo"
    # Startup: 1,220,000 against 1,722,793: its options must be worth 420,000 + 502,793 = 922,793.
    # Year k: 10,000 * (20 * x^(k-1) - 5) * 0.7 with x = 1 + g, each year rounded:
    # x = 1.4491: 105,000 + 167,874 + 258,985 + 391,013 = 922,872 (enough); x = 1.4490: 922,729 (not)
    assert startup["break_even_growth"] == 0.4491


def test_table_says_when_the_other_offer_would_win_and_notes_the_discount():
    out = run(STARTUP, BIGCO).stdout
    assert "Startup beats BigCo only if its equity grows more than 44.9% a year." in out
    assert "Startup: equity counted at 70% of its value (30% private-equity discount)." in out
    assert "  benefits" in out and "  so far" in out
    out = run("name=Cash,base=100k", "name=More,base=200k").stdout
    assert "Cash: no growth rate closes the gap to More (from -100% to +1000% a year)." in out


def test_one_offer_is_enough_with_a_profile():
    data = as_json("name=Solo,base=200k,bonus=10%,equity=100k", "--years", "4", "--city", "sf")
    (solo,) = data["offers"]
    assert data["best"] == "Solo" and solo["break_even_growth"] is None
    ask = solo["market"]["ask"]
    # base up 15% (a counter-offer's most), the grant it already has up 50% (its most), a sign-on of a
    # year's base, and still 12,800 a year short (test_offers works it out)
    assert (ask["base"], ask["equity"], ask["shares"], ask["sign_on"], ask["short"]) == (230_000, 150_000, None,
                                                                                         230_000, 12_800)
    result = run("name=Solo,base=200k,years=4")
    assert result.exit_code == 0 and "Market position" in result.stdout
    result = run("name=Solo,base=200k")
    assert result.exit_code == 2
    assert "or one offer with --years or --level" in result.stderr and result.stdout == ""


def test_target_moves_the_ask():
    # the grant up to 431,198 for the midpoint; for 75% it stops at its bound (450,000) and a sign-on
    # of 206,000 does the rest (test_offers works both out)
    half = as_json("name=Solo,base=200k,bonus=10%,equity=300k", "-y", "4", "-c", "sf")["offers"][0]["market"]
    high = as_json("name=Solo,base=200k,bonus=10%,equity=300k", "-y", "4", "-c", "sf", "--target", "75%")
    assert half["target"] == 0.5 and high["offers"][0]["market"]["target"] == 0.75
    assert high["offers"][0]["market"]["ask"]["equity"] == 450_000 > half["ask"]["equity"] == 431_198
    assert (half["ask"]["sign_on"], high["offers"][0]["market"]["ask"]["sign_on"]) == (None, 206_000)
    result = run(ACME, "-y", "4", "--target", "2")
    assert result.exit_code == 2 and "Invalid value for '--target'" in result.stderr


def test_an_offers_own_years_survive_the_level_option():
    # issue 10, item 6: A says years=4 (mid); --level staff fills only B, which gives neither
    a, b = "name=A,base=240k,years=4", "name=B,base=240k"
    plain = as_json(a, b)["offers"][0]["market"]
    staffed = as_json(a, b, "--level", "staff")
    assert staffed["offers"][0]["market"] == plain
    assert plain["profile"]["level"] == "mid" and staffed["offers"][1]["market"]["profile"]["level"] == "staff"


def test_growth_scenarios_json_jsonl_csv_and_table():
    args = ["name=Cash,base=300k", "name=Equity,base=200k,equity=400k", "--growth", "-20%,0,20%"]
    data = as_json(*args)
    assert list(data) == ["scenarios"]
    assert [s["growth"] for s in data["scenarios"]] == [-0.2, 0.0, 0.2]
    assert [s["best"] for s in data["scenarios"]] == ["Cash", "Cash", "Equity"]
    assert list(data["scenarios"][0]) == ["growth", "horizon", "best", "close_call", "offers"]
    assert [s["offers"][1]["total"] for s in data["scenarios"]] == [1_095_200, 1_200_000, 1_336_800]
    lines = run(*args, "-f", "jsonl").stdout.splitlines()
    assert [(json.loads(line)["growth"], json.loads(line)["name"]) for line in lines][:3] == [
        (-0.2, "Cash"), (-0.2, "Equity"), (0.0, "Cash")]
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv").stdout)))
    assert len(rows) == 3 * 2 * 4 and list(rows[0])[:3] == ["growth", "name", "year"]
    assert rows[-1]["growth"] == "0.2" and rows[-1]["cumulative"] == "1336800"
    out = run(*args).stdout
    assert "Equity growth -20% a year" in out and "Equity growth 20% a year" in out
    assert "$1,336,800 *" in out
    assert "With the others' equity growing 20% a year: Cash: no growth rate closes the gap to Equity" in out
    # one value keeps the single comparison's shape
    assert list(as_json("name=Cash,base=300k", "name=Equity,base=200k,equity=400k", "-g", "10%")) == [
        "horizon", "best", "close_call", "offers"]


def test_scenarios_with_a_market_view_and_a_chart():
    result = run("name=Cash,base=300k", "name=Equity,base=200k,equity=400k", "-g", "-20%,20%", "-y", "4",
                 "--chart")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Market position") == 2 and result.stdout.count(": total per year") == 2


def test_csv_carries_the_market_view():
    rows = list(csv.DictReader(io.StringIO(run(ACME, GLOBEX, "-y", "4", "-c", "sf", "-f", "csv").stdout)))
    first = rows[0]
    assert first["market_position"] == "0.6232" and first["market_verdict"] == "middle third"
    assert first["market_total_comp_low"] == "248400" and first["market_profile_location"] == "sf"
    assert first["market_ask_base"] == "" and rows[-1]["break_even_growth"] == "0.5144"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["name=A,base=1,equity=1k,shares=10", GLOBEX], 2, "offer 1 (inline): equity and shares: give one"),
    (["name=A,base=1,shares=10", GLOBEX], 2, "shares: also give share_price"),
    (["name=A,base=1,strike=10", GLOBEX], 2, "strike: applies only to a grant given in shares"),
    (["name=A,base=1,shares=2000000000,share_price=1", GLOBEX], 2, "shares: must be at most 1,000,000,000"),
    (["name=A,base=1,equity_discount=2", GLOBEX], 2, "equity_discount: expected a rate"),
    (["name=A,base=1,raise=fast", GLOBEX], 2, "raise: expected a rate"),
    (["name=A,base=1,sign_on=1k/x", GLOBEX], 2, "sign_on: expected an amount"),
    ([ACME, GLOBEX, "--growth", "10%,fast"], 2, "Invalid value for '--growth'"),
    ([ACME, GLOBEX, "--growth", ",".join(["1%"] * 21)], 2, "at most 20 growth rates"),
])
def test_new_field_errors(args, code, message):
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr and result.stdout == ""


def test_shares_in_a_file_and_on_stdin(tmp_path):
    toml = write(tmp_path, "startup.toml", 'name = "Startup"\nbase = "200k"\nshares = 40000\n'
                 'share_price = 20.0\nstrike = "$5"\nsign_on = ["10k", 5000]\nbenefits = "8k"\n')
    data = as_json(toml, GLOBEX)
    assert data["offers"][0]["by_year"][0] == {"year": 1, "base": 200_000, "bonus": 0, "equity": 150_000,
                                               "one_time": 10_000, "benefits": 8_000, "total": 368_000,
                                               "cumulative": 368_000}
    proc = mlcomp("compare", "-", GLOBEX, "-f", "json",
                  input='{"name": "S", "base": 1, "equity": 1, "shares": 1, "share_price": 1}')
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith("Error: stdin: equity and shares: give one, not both")
    bad = write(tmp_path, "both.json", '{"base": 1, "equity": 1, "shares": 1, "share_price": 1}')
    result = run(bad, GLOBEX)
    assert result.exit_code == 1 and "both.json: equity and shares" in result.stderr


def test_one_offer_in_a_real_process():
    proc = mlcomp("compare", "name=Solo,base=150k,shares=10k,share_price=30", "-y", "3", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    market = json.loads(proc.stdout)["offers"][0]["market"]
    assert market["verdict"] in ("below range", "lower third")
    assert set(market["ask"]) == {"base", "equity", "shares", "sign_on", "short", "reasons"}
    assert market["ask"]["equity"] is None  # a grant in shares is asked in shares


def test_one_offer_table_has_no_best_and_no_difference():
    out = run("name=Solo,base=200k,equity=100k", "-y", "4", "-c", "sf", "-n", "1").stdout
    assert "The offer over 1 year" in out and "Solo *" not in out and "Difference to best" not in out
    assert "Verdict" in out and "below range" in out
    out = run("name=Solo,base=200k,equity=100k", "-y", "4", "-g", "0,50%").stdout
    assert "Difference to best" not in out and " *" not in out and out.count("Market position") == 2


def test_control_characters_in_names_are_shown_escaped_in_the_notes():
    # the break-even and discount sentences under the table name the offers too
    out = run("name=\x1b[31mRed,base=1,equity=1,equity_discount=10%", GLOBEX).stdout
    assert "\\x1b[31mRed: no growth rate closes the gap" in out and "\x1b" not in out
    out = run("name=\x1b[31mRed,base=1,equity=1,equity_discount=10%", GLOBEX, "-g", "0,10%").stdout
    assert "\\x1b[31mRed: equity counted at 90%" in out and "\x1b" not in out


HUGE = "1" + "0" * 399  # 400 digits: read (5,000 digits stop at the reader, see test_inputs.py)


@pytest.mark.parametrize(("fields", "message"), [
    (f'"shares": {HUGE}, "share_price": 1', "shares: must be at most 1,000,000,000 shares, got a number of more"),
    (f'"shares": 1, "share_price": {HUGE}', "share_price: must be at most $1,000,000 a share"),
    (f'"shares": 1, "share_price": 1, "strike": {HUGE}', "strike: must be at most $1,000,000 a share"),
    (f'"sign_on": [1, {HUGE}]', "sign_on: must be at most $1,000,000,000"),
    (f'"benefits": {HUGE}', "benefits: must be at most $1,000,000,000"),
    (f'"raise": {HUGE}', "raise: expected a rate"),
    (f'"equity_discount": -{HUGE}', "equity_discount: expected a rate"),
    (f'"shares": 1{HUGE * 12}, "share_price": 1', "line 1: a number of 4,801 digits is too large"),
])
def test_huge_numbers_in_the_new_keys_are_one_error_line_in_a_real_process(fields, message):
    proc = mlcomp("compare", "-", GLOBEX, input=f'{{"name": "S", "base": 1, {fields}}}')
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert err.startswith("Error: stdin: ") and message in err and err.count("\n") == 1, err


def test_the_market_profile_names_the_ml_focus():
    market = as_json("name=A,base=200k,ml_focus=supporting", "-y", "4")["offers"][0]["market"]
    assert market["profile"]["ml_focus"] == "supporting" and market["profile"]["location"] == "national"


def test_an_offer_that_ties_the_best_whatever_its_equity_reads_any_not_minus_100_percent():
    result = run("name=A,base=240k", "name=B,base=240k", "--no-chart")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "Break-even equity growth" in line)
    assert row.split()[-2:] == ["best", "any"]
    assert "B matches A whatever its equity does." in result.stdout


# ---- leaving early and vesting by the month ---------------------------------------------------------

BIG_TECH = "name=BigTech,base=205k,equity=420k,vesting=5/15/40/40,sign_on=100k/65k,sign_on_clawback=12m prorated"
STEADY = "name=Steady,base=240k,bonus=10%,equity=200k,vesting=4y monthly, 1y cliff"


def test_leaving_after_18_months_in_json_csv_and_table():
    # BigTech by hand (test_offers.py): 461,000 received, 399,000 forfeited, 32,500 of sign-on repaid.
    # Steady: 240,000 + 24,000 bonus (year 1 only: the year-2 bonus is paid at its end) + 120,000;
    # equity 50,000 at the cliff + 6 months of 200,000 / 48: 25,000 -> 459,000.
    data = as_json(BIG_TECH, STEADY, "--leave-after", "18m")
    assert data["horizon"] == 1.5 and data["best"] == "BigTech"
    big, steady = data["offers"]
    assert list(big)[6:8] == ["break_even_growth", "leave"]
    assert big["leave"] == {"months": 18, "granted": 420_000, "vested": 21_000, "forfeited": 399_000,
                            "forfeited_at_growth": 399_000, "sign_on_repaid": 32_500}
    assert big["total"] == 461_000 and steady["total"] == 459_000
    assert list(big["by_year"][1]) == ["year", "base", "bonus", "equity", "one_time", "benefits", "repaid", "total",
                                       "cumulative"]
    assert big["by_year"][1]["repaid"] == -32_500
    assert steady["leave"]["vested"] == 75_000 and steady["leave"]["forfeited"] == 125_000
    assert as_json(BIG_TECH, STEADY, "--leave-after", "1.5y") == data
    rows = list(csv.DictReader(io.StringIO(run(BIG_TECH, STEADY, "--leave-after", "18m", "-f", "csv").stdout)))
    assert list(rows[0])[-7:] == ["break_even_growth", "leave_months", "leave_granted", "leave_vested",
                                  "leave_forfeited", "leave_forfeited_at_growth", "leave_sign_on_repaid"]
    assert rows[1]["repaid"] == "-32500" and rows[1]["leave_forfeited"] == "399000"
    out = run(BIG_TECH, STEADY, "--leave-after", "18m").stdout
    assert "Offers, leaving after 18 months" in out and "Year 2 (6 months) base" in out
    lines = out.split("\n")
    assert next(line for line in lines if "sign-on repaid" in line and "-$" in line).split()[-2:] == ["-$32,500", "$0"]
    assert next(line for line in lines if "forfeited at grant value" in line).split()[-2:] == ["$399,000",
                                                                                                 "$125,000"]
    assert next(line for line in lines if "Total over 18 months" in line).split()[-2:] == ["$461,000", "$459,000"]


def test_a_horizon_in_months_and_without_leaving():
    # over 18 months without leaving: nothing repaid, no leave block, and no `repaid` key
    data = as_json(BIG_TECH, STEADY, "--horizon", "18m")
    assert data["horizon"] == 1.5 and "leave" not in data["offers"][0]
    assert data["offers"][0]["total"] == 493_500 and "repaid" not in data["offers"][0]["by_year"][0]


def test_a_quarterly_schedule_in_a_file(tmp_path):
    # 16 quarters of 6.25% of 400k (25,000 a quarter): 100,000 a year; without the period it is refused
    good = write(tmp_path, "q.toml", 'name = "Q"\nbase = 1\nequity = "400k"\nvesting = ' + str([6.25] * 16)
                 + '\nvesting_period = "quarter"\n')
    assert [y["equity"] for y in as_json(good, GLOBEX)["offers"][0]["by_year"]] == [100_000] * 4
    bad = write(tmp_path, "bad.toml", 'name = "Q"\nbase = 1\nequity = "400k"\nvesting = ' + str([6.25] * 16) + "\n")
    result = run(bad, GLOBEX)
    assert result.exit_code == 1 and result.stdout == ""
    assert "bad.toml: vesting: 16 entries and no vesting_period: yearly or quarterly?" in result.stderr
    stdin = as_json("-", GLOBEX, input='{"name": "Q", "base": 1, "equity": "400k", "vesting": "4y quarterly"}')
    assert stdin["offers"][0]["by_year"] == as_json(good, GLOBEX)["offers"][0]["by_year"]


@pytest.mark.parametrize(("args", "message"), [
    ([BIG_TECH, STEADY, "--leave-after", "1.4y"], "Invalid value for '--leave-after': must come to whole months"),
    ([BIG_TECH, STEADY, "--leave-after", "18m", "-n", "2"], "give the horizon or when you leave, not both"),
    ([BIG_TECH, STEADY, "--leave-after", "0m"], "from 1 month to 30 years"),
    ([BIG_TECH, STEADY, "--horizon", "361m"], "Invalid value for '--horizon'"),
    (["name=A,base=1,sign_on=1k,sign_on_clawback=12m", GLOBEX], "sign_on_clawback: expected a period and how"),
])
def test_bad_spans_and_clawbacks_are_one_line(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1 and result.stdout == ""


def test_a_start_date_in_toml_json_inline_and_from_the_option(tmp_path):
    # a TOML date, a JSON string and --start give the same month; the first bonus (15% of 120,000)
    # is prorated from March: 18,000 * 10/12 = 15,000
    toml = write(tmp_path, "a.toml", 'name = "A"\nbase = "120k"\nbonus = "15%"\nstart = 2027-03-01\n'
                 'bonus_prorated = true\n')
    data = as_json(toml, GLOBEX)
    assert data["offers"][0]["start"] == "2027-03" and data["offers"][0]["by_year"][0]["bonus"] == 15_000
    assert "start" not in data["offers"][1]  # no start: no key
    stdin = as_json("-", GLOBEX, input='{"name": "A", "base": "120k", "bonus": "15%", "start": "2027-03", '
                                       '"bonus_prorated": true}')
    assert stdin["offers"][0] == data["offers"][0]
    option = as_json("name=A,base=120k,bonus=15%,bonus_prorated=true", GLOBEX, "--start", "2027-03")
    assert option["offers"][0]["by_year"] == data["offers"][0]["by_year"]
    assert option["offers"][1]["start"] == "2027-03"
    assert "Starts" in run(toml, GLOBEX).stdout
    result = run("name=A,base=1", GLOBEX, "--start", "2027")
    assert result.exit_code == 2 and "Invalid value for '--start': expected a month such as 2027-03" in result.stderr


def test_expected_refreshers_are_marked_in_the_table_and_keyed_in_json_and_csv(tmp_path):
    # 40k a year from year 2, by the quarter over 4 years, expected: 10,000, 20,000, 30,000 over 4 years
    spec = "name=A,base=100k,equity=400k,refresh=40k,refresh_vesting=4y quarterly,refresh_kind=expected"
    data = as_json(spec, GLOBEX)
    assert [y["expected_equity"] for y in data["offers"][0]["by_year"]] == [0, 10_000, 20_000, 30_000]
    assert [y["expected_equity"] for y in data["offers"][1]["by_year"]] == [0] * 4
    assert list(data["offers"][0]["by_year"][0])[3:5] == ["equity", "expected_equity"]
    toml = write(tmp_path, "a.toml", 'name = "A"\nbase = "100k"\nequity = "400k"\nrefresh = "40k"\n'
                 'refresh_vesting = "4y quarterly"\nrefresh_kind = "expected"\n')
    assert as_json(toml, GLOBEX) == data
    rows = list(csv.DictReader(io.StringIO(run(spec, GLOBEX, "-f", "csv").stdout)))
    assert rows[3]["expected_equity"] == "30000"
    out = run(spec, GLOBEX).stdout
    assert "  expected refreshers" in out
    assert "A: $60,000 of its total is expected refreshers, not promised." in out


def test_a_bonus_range_compares_each_case_in_every_format():
    args = ["name=Trading,base=200k,bonus=50%-100%", "name=Tech,base=250k,bonus=15% x 1.25,equity=200k", "-n", "2"]
    data = as_json(*args)
    assert [(s["growth"], s["bonus_case"], s["best"]) for s in data["scenarios"]] == [
        (None, "low", "Tech"), (None, "middle", "Trading"), (None, "high", "Trading")]
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv").stdout)))
    assert list(rows[0])[:2] == ["growth", "bonus_case"] and rows[0]["bonus"] == "100000"
    assert [r["bonus_case"] for r in rows[::4]] == ["low", "middle", "high"]
    lines = run(*args, "-f", "jsonl").stdout.split("\n")
    assert json.loads(lines[0])["bonus_case"] == "low" and lines[-1] == ""
    out = run(*args).stdout
    assert "by bonus and yearly equity growth" in out and "  Bonus middle" in out
    assert "With bonuses low and each offer's own growth: Trading: no growth rate closes the gap" in out
    # with growth rates: one scenario per rate and case
    assert len(as_json(*args, "-g", "0,20%")["scenarios"]) == 6


def test_startup_equity_through_the_cli(tmp_path):
    # see test_offers.py: 116,200 of options a year, 24,000 to exercise, 24,000 of spread at the 409A price
    toml = write(tmp_path, "s.toml", 'name = "Startup"\nbase = "190k"\nshares = 80000\nstrike = 1.2\nfmv = 2.4\n'
                 'preferred_price = 9.5\nequity_discount = "30%"\n')
    data = as_json(toml, GLOBEX, "-n", "1")
    year = data["offers"][0]["by_year"][0]
    assert list(year) == ["year", "base", "bonus", "equity", "one_time", "benefits", "exercise_cost", "spread_at_fmv",
                          "total", "cumulative"]
    assert (year["equity"], year["exercise_cost"], year["spread_at_fmv"], year["total"]) == (
        116_200, 24_000, 24_000, 306_200)
    out = run(toml, GLOBEX, "-n", "1").stdout
    assert "exercise cost (not in total)" in out
    assert "Startup: shares valued at the preferred price, $9.50 a share (409A $2.40)." in out
    rows = list(csv.DictReader(io.StringIO(run(toml, GLOBEX, "-n", "1", "-f", "csv").stdout)))
    assert rows[0]["spread_at_fmv"] == "24000" and rows[1]["spread_at_fmv"] == "0"
    result = run("name=P,base=1,shares=1,preferred_price=1,liquidity=2029-06", GLOBEX, "--start", "2030-01")
    assert result.exit_code == 2 and "liquidity: 2029-06 is before the start (2030-01)" in result.stderr


def test_itemised_benefits_in_every_way_of_giving_an_offer(tmp_path):
    spec = "name=A,base=240k,match_401k=50% up to 6%,espp=15% discount, 10% of base,hsa=1k"
    data = as_json(spec, GLOBEX, "-n", "1")
    year = data["offers"][0]["by_year"][0]
    assert (year["match_401k"], year["espp"], year["hsa"], year["total"]) == (7_200, 3_750, 1_000, 251_950)
    toml = write(tmp_path, "a.toml", 'name = "A"\nbase = "240k"\nmatch_401k = "50% up to 6%"\n'
                 'espp = "15% discount, 10% of base"\nhsa = "1k"\n')
    assert as_json(toml, GLOBEX, "-n", "1") == data
    assert as_json("-", GLOBEX, "-n", "1", input=json.dumps(
        {"name": "A", "base": "240k", "match_401k": "50% up to 6%", "espp": "15% discount, 10% of base",
         "hsa": 1000})) == data
    out = run(spec, GLOBEX, "-n", "1").stdout
    assert "401(k) match" in out and "ESPP gain" in out and "  HSA" in out
    assert "match_401k" not in as_json(GLOBEX, ACME, "-n", "1")["offers"][0]["by_year"][0]


# ---- hostile input: half characters, look-alike names, size ----------------------------------------

@pytest.mark.parametrize("escape", ["\\udcff", "\\ud800", "\\udfff", "\\ud83d"])
@pytest.mark.parametrize("key", ["name", "city", "bonus"])
def test_a_lone_surrogate_in_a_json_offer_is_refused_in_a_real_process(escape, key):
    fields = {"name": '"A"', "base": "1", key: f'"x{escape}"'}
    text = "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
    proc = mlcomp("compare", "-", GLOBEX, "-f", "csv", input=text)
    err = proc.stderr.decode()
    assert proc.returncode == 1 and proc.stdout == b"", err
    assert err == f"Error: stdin: {key}: {escape} is half of a character (a lone surrogate), which UTF-8 cannot " \
                  "write; remove it (line 1)\n"
    # a pair is one character, and fine
    ok = mlcomp("compare", "-", GLOBEX, "-f", "json", input='{"name": "\\ud83d\\ude00", "base": 1}')
    assert ok.returncode == 0 and json.loads(ok.stdout)["offers"][0]["name"] == "\U0001f600"


@pytest.mark.parametrize("name", ["Zoë", "Ångström", "ﬁnance", "Ⅻ Corp", "Straße"])
def test_names_that_look_the_same_in_any_normal_form_are_one_name(name):
    import unicodedata

    forms = {unicodedata.normalize(form, name) for form in ("NFC", "NFD", "NFKC", "NFKD")} | {name.upper()}
    for other in forms:
        result = run(f"name={name},base=1", f"name={other},base=2")
        assert result.exit_code == 2, (name, other, result.output)
        assert "two offers are named" in result.stderr


def test_offers_times_scenarios_times_years_is_bounded_in_one_line():
    # 3,000 offers x 20 growth rates x 30 years = 1,800,000 offer-years: refused before any is computed
    offers = [f"name=O{n},base={n + 1}" for n in range(3000)]
    result = run(*offers, "-n", "30", "-g", ",".join(f"{n}%" for n in range(20)))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("Error: 3,000 offers x 20 scenarios x 30 years is 1,800,000 offer-years; at most "
                             "50,000 in one run: compare fewer offers, growth rates or years\n")


def complete(words: str, cword: int) -> list[str]:
    """Click's completion protocol, as the bash script drives it."""
    result = mlcomp(env={"_MLCOMP_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().split()


def test_the_shell_completes_an_inline_offers_keys_and_offer_files():
    assert complete("mlcomp compare name=A,vest", 2) == ["name=A,vesting=", "name=A,vesting_period="]
    assert complete("mlcomp compare name=A,base=1 name=B,sign_on_c", 3) == ["name=B,sign_on_clawback="]
    assert set(complete("mlcomp compare name=A,refresh_", 2)) == {
        f"name=A,refresh_{k}=" for k in ("shares", "vesting", "from", "kind")}
    assert {"match_401k=", "espp=", "hsa="} <= set(complete("mlcomp compare ", 2))
    assert "examples/bigtech.toml" in complete("mlcomp compare examples/b", 2)
    assert complete("mlcomp compare name=A,vesting=4y", 2) == []  # values are the user's


def test_the_bonus_break_even_in_the_table_json_and_csv():
    # Trading catches Tech at the low end when its bonus pays 73.44% of base (test_offers works it out)
    offers = ("name=Trading,base=200k,bonus=50%-100%", "name=Tech,base=250k,bonus=15% x 1.25,equity=200k")
    out = run(*offers, "-n", "2").stdout.split("\n")
    low = out[next(i for i, line in enumerate(out) if "Bonus low" in line):][:7]
    assert any(line.split() == ["Break-even", "bonus", "73.44%", "of", "base", "best"] for line in low), low
    assert "With bonuses low and each offer's own growth: Trading beats Tech if its bonus pays 73.44% of base or " \
        "more." in out
    data = as_json(*offers, "-n", "2")
    assert [[o.get("break_even_bonus", "-") for o in s["offers"]] for s in data["scenarios"]] == [
        [0.7344, None], [None, None], [None, None]]
    rows = list(csv.DictReader(io.StringIO(run(*offers, "-n", "2", "-f", "csv").stdout)))
    assert [(r["bonus_case"], r["name"], r["break_even_bonus"]) for r in rows if r["year"] == "1"] == [
        ("low", "Trading", "0.7344"), ("low", "Tech", ""), ("middle", "Trading", ""), ("middle", "Tech", ""),
        ("high", "Trading", ""), ("high", "Tech", "")]
    # no bonus range: no column
    assert "break_even_bonus" not in run(ACME, GLOBEX, "-f", "csv").stdout.split("\n")[0]


def test_a_list_of_refreshers_reads_the_same_in_toml_json_stdin_and_inline(tmp_path):
    # 400k even, a 48k expected refresher in year 2 vesting monthly (12,000 a year), 20k in year 3 on
    # the grant's schedule (5,000 a year from year 3): equity 100,000, 100,000, 105,000; expected
    # 0, 12,000, 12,000 (the table marks it "expected refreshers")
    toml_file = tmp_path / "r.toml"
    toml_file.write_text('name = "R"\nbase = "200k"\nequity = "400k"\nrefreshers = [\n'
                         '  {amount = "48k", year = 2, vesting = "4y monthly", kind = "expected"},\n'
                         '  {amount = 20000, year = 3},\n]\n')
    data = {"name": "R", "base": "200k", "equity": "400k", "refreshers": [
        {"amount": "48k", "year": 2, "vesting": "4y monthly", "kind": "expected"}, {"amount": 20000, "year": 3}]}
    json_file = tmp_path / "r.json"
    json_file.write_text(json.dumps(data))
    inline = "name=R,base=200k,equity=400k,refreshers=48k in year 2 on 4y monthly expected; 20k in year 3"
    ways = [as_json(str(toml_file), GLOBEX, "-n", "3"), as_json(str(json_file), GLOBEX, "-n", "3"),
            as_json("-", GLOBEX, "-n", "3", input=json.dumps(data)), as_json(inline, GLOBEX, "-n", "3")]
    assert ways[0] == ways[1] == ways[2] == ways[3]
    years = ways[0]["offers"][0]["by_year"]
    assert [(y["equity"], y["expected_equity"]) for y in years] == [(100_000, 0), (100_000, 12_000),
                                                                     (105_000, 12_000)]
    assert "expected refreshers" in run(inline, GLOBEX, "-n", "3").stdout
    bad = run("name=R,base=200k,refreshers=48k in yr 2", GLOBEX)
    assert bad.exit_code == 2 and "refreshers: expected a refresher such as '50k in year 2'" in bad.stderr
    assert complete("mlcomp compare name=A,refreshers", 2) == ["name=A,refreshers="]
