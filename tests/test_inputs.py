"""The input boundary (mlcomp.inputs and the bounds on every value): hostile inputs of each class,
generated at the extremes and run through every command that accepts that kind of input.

Classes: huge and non-finite numbers (300 to 5,000 digits), deep nesting (1,000 to 100,000 levels),
lines of 1 MB, every control character, byte-order marks, CRLF and Latin-1. Whatever the input, a run
ends with exit 0, 1 or 2, at most one `Error:` line, never a traceback, and no raw control character
on the terminal. CliRunner does the bulk; a sample runs as real processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp import inputs
from mlcomp.cli import app
from mlcomp.errors import MlcompError
from mlcomp.money import MAX_MONEY, parse_count, parse_money, parse_rate

runner = CliRunner()
FEW = settings(max_examples=max(3, settings().max_examples // 20))  # every example runs several commands
PROCESSES = settings(max_examples=3)  # real processes: a sample
B_OFFER = "name=B,base=250k"
CITY = '[cities.boston]\nlabel = "Boston"\nlow = 0.10\nhigh = 0.15\nassumption = "Our own survey."\n'
CONTROL = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]  # C0, DEL and C1: every control character


def run(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), input=input, env={"MLCOMP_BANDS": "", **(env or {})})


def check(result) -> None:
    """What every run must show, whatever it was given."""
    out, err = result.stdout, result.stderr
    assert all(len(line) < 2000 for line in err.splitlines()), "a message line must not quote a megabyte"
    assert result.exit_code in (0, 1, 2), (result.exit_code, err[-500:], result.exception)
    assert "Traceback" not in out + err
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert err.count("Error:") <= 1, err[:2000]
    assert all(c.isprintable() or c == "\n" for c in err), repr(err[:500])


# ---- strategies: the extremes ---------------------------------------------------------------------

DIGITS = st.integers(300, 5000).flatmap(
    lambda n: st.sampled_from("123456789").map(lambda d: d + "0" * (n - 1)))
HUGE = st.one_of(DIGITS, DIGITS.map(lambda d: "-" + d), st.sampled_from(
    ["1e999", "-1e999", "1e308", "1000000001", "9" * 4300, "9" * 4301, "0x" + "f" * 400]))
DEPTH = st.integers(1000, 100_000)
OPENERS = st.sampled_from(["[", '{"a": ', "[{\"a\": "])
CONTROLS = st.sampled_from(CONTROL)
ENCODINGS = st.tuples(st.booleans(), st.booleans(), st.booleans())  # BOM, CRLF, Latin-1


def encode(text: str, bom: bool, crlf: bool, latin1: bool) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("latin-1" if latin1 else "utf-8", "replace")
    return (b"\xef\xbb\xbf" if bom else b"") + data


# ---- the commands that take each kind of input ------------------------------------------------------

def offer_runs(data: bytes, kind: str):
    """An offer document through compare: as a file and on stdin."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch, f"a.{kind}")
        path.write_bytes(data)
        yield run("compare", str(path), B_OFFER, "--years", "4")
    yield run("compare", "-", B_OFFER, input=data)


def bands_runs(data: bytes):
    """A bands overlay: --bands FILE, --bands -, MLCOMP_BANDS, bands --check FILE and bands --check -."""
    with tempfile.TemporaryDirectory() as scratch:
        path = str(Path(scratch, "bands.toml"))
        Path(path).write_bytes(data)
        yield run("--bands", path, "estimate", "-y", "4")
        yield run("estimate", "-y", "4", env={"MLCOMP_BANDS": path})
        yield run("bands", "--check", path)
    yield run("--bands", "-", "factors", input=data)
    yield run("bands", "--check", "-", input=data)


def batch_runs(data: bytes, kind: str = "csv"):
    """Rows (CSV or JSON Lines) for estimate --input, as a file and on stdin, stopping and skipping."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch, f"rows.{kind}")
        path.write_bytes(data)
        yield run("estimate", "--input", str(path), "-f", "csv")
    yield run("estimate", "--input", "-", "--on-error", "skip", input=data)
    yield run("estimate", "--input", "-", "--input-format", kind, "-f", "jsonl", input=data)


def value_runs(value: str):
    """A value typed on the command line, into every option and argument that takes one."""
    yield run("estimate", "--years", value)
    yield run("estimate", "-y", "4", "--city", value)
    yield run("estimate", "--level", value, "--tier", value)
    yield run("curve", "--from", value)
    yield run("curve", "--to", value)
    yield run("compare", f"name=A,base={value}", B_OFFER, "--horizon", value)
    yield run("compare", f"name={value},base=1", B_OFFER, "--growth", value)
    yield run("compare", value, B_OFFER)
    yield run("--bands", value, "bands")


# ---- 1 and 3: huge and non-finite numbers ----------------------------------------------------------

@FEW
@given(HUGE, st.sampled_from(["base", "equity", "years", "growth", "bonus"]))
def test_huge_numbers_in_offer_files_and_stdin(number, key):
    for kind, text in (("toml", f'name = "A"\nbase = 1\n{key} = {number}\n'.replace("base = 1\nbase", "base")),
                       ("json", f'{{"name": "A", "{key}": {number}, "base": 1}}'.replace('"base": 1, "base"',
                                                                                          '"base"'))):
        for result in offer_runs(text.encode(), kind):
            check(result)
            if not number.startswith("0x") and abs(float(number)) > MAX_MONEY and key != "growth":
                assert result.exit_code == 1, result.stderr


@FEW
@given(HUGE, st.sampled_from(["low", "high", "years_from"]))
def test_huge_numbers_in_bands_files(number, key):
    text = '[levels.mid]\nlabel = "Mid"\nyears_from = 3\nyears_to = 6\nlow = 180000\nhigh = 260000\n' \
           'assumption = "x"\n'.replace(f"{key} = ", f"{key} = {number} #")
    for result in bands_runs(text.encode()):
        check(result)
        assert result.exit_code == 1, result.stdout + result.stderr


@FEW
@given(HUGE)
def test_huge_numbers_on_the_command_line_and_in_rows(number):
    for result in value_runs(number):
        check(result)
        assert result.exit_code in (1, 2)
    for result in batch_runs(f"years,city\n{number},sf\n".encode()):
        check(result)
    for result in batch_runs(f'{{"years": {number}}}\n'.encode(), "jsonl"):
        check(result)


@pytest.mark.parametrize("digits", [400, 5000])
@pytest.mark.parametrize("kind", ["toml", "json"])
def test_a_huge_base_is_refused_with_the_bound(digits, kind):
    number = "1" * digits
    text = f'name = "A"\nbase = {number}\n' if kind == "toml" else f'{{"name": "A", "base": {number}}}'
    for result in offer_runs(text.encode(), kind):
        assert result.exit_code == 1
        expected = "must be at most $1,000,000,000" if digits < 4300 else "a number of 5,000 digits is too large"
        assert expected in result.stderr


def test_money_in_words_above_a_billion_is_refused():
    result = run("compare", "name=A,base=999999999999999999999999m", B_OFFER)
    assert result.exit_code == 2
    assert "base: must be at most $1,000,000,000, got '999999999999999999999999m'" in result.stderr
    assert "$1,000,000,000,000" not in result.stdout + result.stderr


def test_bounds_hold_at_their_edges():
    assert parse_money("1000m") == MAX_MONEY == parse_money("$1,000,000,000")
    for bad in ("1000.000001m", MAX_MONEY + 1, 10**5000):
        with pytest.raises(ValueError, match=r"must be at most \$1,000,000,000"):
            parse_money(bad)
    with pytest.raises(ValueError, match="from -100% to 1000%"):
        parse_rate(10**400)
    assert parse_count("30", 1, 30) == 30
    with pytest.raises(ValueError, match="a whole number from 1 to 30"):
        parse_count("9" * 5000, 1, 30)


def test_curve_and_horizon_say_their_range_in_this_tools_words():
    for args, said in ((["curve", "--to", "1" * 5000], "must be a whole number of years from"),
                       (["curve", "--from", "-1"], "must be a whole number of years from"),
                       (["compare", "a=1", "b=2", "-n", "99"], "from 1 month to 30 years, got '99'"),
                       (["compare", "a=1", "b=2", "-n", "1" * 5000], "from 1 month to 30 years, got '111")):
        result = run(*args)
        assert result.exit_code == 2
        assert said in result.stderr and result.stderr.count("\n") == 1
        assert "is not a valid integer" not in result.stderr and "1<=x<=30" not in result.stderr


def test_a_huge_level_in_a_bands_file():
    result = run("--bands", "-", "estimate", "-y", "4",
                 input='[levels.mid]\nlow = 1' + "0" * 400 + "\n")
    assert result.exit_code == 1
    assert "stdin: levels.mid.low: must be at most $1,000,000,000" in result.stderr


# ---- 2: deep nesting -------------------------------------------------------------------------------

@FEW
@given(DEPTH, OPENERS)
def test_deep_nesting_everywhere(depth, opener):
    deep = opener * depth
    for kind in ("toml", "json"):
        text = deep if kind == "json" else f"a = {deep}"
        for result in offer_runs(text.encode(), kind):
            check(result)
            assert result.exit_code == 1
            assert "nested deeper than 100 levels" in result.stderr
    for result in bands_runs(f"a = {deep}\n".encode()):
        check(result)
        assert "nested deeper than 100 levels" in result.stdout + result.stderr
    for result in batch_runs(f'{{"years": 4}}\n{deep}\n'.encode(), "jsonl"):
        check(result)


def test_nesting_at_the_limit_is_still_read():
    inputs.check_depth("[" * 100 + "]" * 100, "t", "json")
    with pytest.raises(MlcompError, match="t: line 2: nested deeper than 100 levels"):
        inputs.check_depth("\n" + "[" * 101, "t", "json")
    # brackets inside strings and comments do not count
    inputs.check_depth('a = "' + "[" * 500 + '" # ' + "{" * 500 + "\nb = '" + "[" * 500 + "'\n", "t", "toml")


def test_tab_completion_with_a_deep_bands_file_prints_no_traceback(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 10_000)
    env = {**os.environ, "_MLCOMP_COMPLETE": "complete_bash", "COMP_CWORD": "5",
           "COMP_WORDS": f"mlcomp --bands {deep} estimate --city "}
    proc = subprocess.run([sys.executable, "-m", "mlcomp"], capture_output=True, env=env, timeout=60)
    assert b"Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr == b""


# ---- 4: one reader: BOM, CRLF, encodings, stdin, size ----------------------------------------------

@FEW
@given(ENCODINGS)
def test_every_reader_takes_bom_and_crlf_and_names_latin1(encoding):
    bom, crlf, latin1 = encoding
    offer = encode('name = "Café"\nbase = "240k"\n', bom, crlf, latin1)
    bands = encode(CITY.replace("Boston", "Bostön"), bom, crlf, latin1)
    rows = encode("id,years,city\nZürich,4,sf\n", bom, crlf, latin1)
    for result in [*offer_runs(offer, "toml"), *bands_runs(bands), *batch_runs(rows)]:
        check(result)
        if latin1:  # exit 1, or 0 with the row skipped (--on-error skip)
            assert "not UTF-8 text (byte 0x" in result.stdout + result.stderr
        else:
            assert result.exit_code == 0, result.stderr


def test_bom_in_a_bands_overlay_and_dash_for_stdin():
    text = "\ufeff" + CITY.replace("\n", "\r\n")
    assert run("--bands", "-", "estimate", "-y", "4", "-c", "boston", "--field", "base.mid",
               input=text.encode()).stdout == "248500\n"
    result = run("bands", "--check", "-", input=text.encode())
    assert (result.exit_code, result.stdout) == (0, "stdin: ok\n")


def test_latin1_is_named_with_its_byte_and_place():
    result = run("--bands", "-", "bands", input=CITY.replace("Boston", "Bost\xf6n").encode("latin-1"))
    assert result.exit_code == 1
    assert "stdin: not UTF-8 text (byte 0xf6 at line 2, column 14)" in result.stderr


def test_stdin_is_read_once():
    result = run("--bands", "-", "compare", "-", B_OFFER, input=b"")
    assert result.exit_code == 2 and "'-' (stdin) can be given only once" in result.stderr


def test_empty_and_directory_names(tmp_path):
    assert "no file name given" in run("--bands", "", "bands").stderr
    assert "is a directory" not in run("--bands", "", "bands").stderr
    assert "no file name given" in run("bands", "--check", "").stderr
    result = run("--bands", str(tmp_path), "bands")
    assert result.exit_code == 1 and "is a directory, not a file" in result.stderr


def test_a_document_larger_than_the_limit(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * inputs.MAX_BYTES + b"\n")
    result = run("bands", "--check", str(big))
    assert result.exit_code == 1 and "larger than 10 MB" in result.stdout


@pytest.mark.parametrize("where", ["name", "city", "id"])
def test_one_megabyte_lines(where):
    long = "x" * (1 << 20)
    for result in offer_runs(f'name = "{long if where == "name" else "A"}"\nbase = 1\n'.encode(), "toml"):
        check(result)
    for result in bands_runs(f'[cities.boston]\nlabel = "{long}"\nlow = 0.1\nhigh = 0.2\nassumption = "x"\n'
                             .encode()):
        check(result)
    for result in batch_runs(f"id,years,city\n{long if where == 'id' else 1},4,{long}\n".encode()):
        check(result)
    for result in value_runs(long):
        check(result)


# ---- 5: control characters -------------------------------------------------------------------------

@FEW
@given(st.lists(CONTROLS, min_size=1, max_size=4).map("".join))
def test_control_characters_never_reach_the_terminal_raw(chars):
    name = f"A{chars}Z"
    for result in value_runs(name):
        check(result)
    inline = run("compare", f"name={name},base=240k", B_OFFER, "--chart")
    check(inline)
    offer = json.dumps({"name": name, "base": 240000}).encode()
    for result in [inline, *offer_runs(offer, "json")]:
        check(result)
        if result.exit_code == 0:  # the table shows the name with its control characters escaped
            assert all(c.isprintable() or c == "\n" for c in result.stdout), repr(result.stdout[:300])
    rows = json.dumps({"id": name, "years": 4}).encode() + b"\n"
    table = run("estimate", "--input", "-", input=rows)
    check(table)
    assert all(c.isprintable() or c == "\n" for c in table.stdout)
    data = run("estimate", "--input", "-", "-f", "jsonl", input=rows)  # data stays exact
    assert json.loads(data.stdout)["id"] == name


def test_escape_codes_are_shown_in_tables_and_kept_in_csv():
    spec = "name=\x1b[31mRed,base=240k"
    table = run("compare", spec, B_OFFER)
    assert "\\x1b[31mRed" in table.stdout and "\x1b" not in table.stdout
    csv = run("compare", spec, B_OFFER, "-f", "csv")
    assert "\x1b[31mRed" in csv.stdout


def test_a_newline_in_an_option_is_one_error_line():
    result = run("estimate", "-y", "4", "--city", "s\nf")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "unknown city 's\\nf'" in result.stderr


# ---- 7: inline offers are decided by syntax --------------------------------------------------------

@pytest.mark.parametrize("length", [300, 5000, 1 << 20])
def test_long_inline_offers_are_not_paths(length):
    result = run("compare", "name=A,base=240k,name2=" + "x" * length, B_OFFER)
    assert result.exit_code == 2
    assert "name2: unknown key" in result.stderr and "File name too long" not in result.stderr
    sign_on = "/".join(["$1,000,000"] * 30)  # a good offer of over 400 characters
    good = run("compare", f"name=A,base=240k,equity=1m,vesting=0/0/0/0/0/100,sign_on={sign_on}", B_OFFER,
               "-f", "json")
    assert good.exit_code == 0 and json.loads(good.stdout)["offers"][0]["by_year"][0]["equity"] == 0


# ---- 8: options that do nothing together -----------------------------------------------------------

@pytest.mark.parametrize("args, first, second", [
    (["estimate", "-y", "4", "--input-format", "csv"], "--input-format", "--input"),
    (["estimate", "-y", "4", "--on-error", "skip"], "--on-error", "--input"),
    (["estimate", "-y", "4", "--field", "base.mid", "--format", "csv"], "--field", "--format csv"),
    (["estimate", "-y", "4", "--field", "base.mid", "--explain"], "--explain", "--field"),
])
def test_options_that_do_nothing_together_exit_2_naming_both(args, first, second):
    result = run(*args)
    assert result.exit_code == 2
    assert first in result.stderr and second in result.stderr


def test_level_with_years_that_disagree_prints_one_note():
    result = run("estimate", "--level", "senior", "--years", "2", "--field", "level")
    assert (result.exit_code, result.stdout) == (0, "senior\n")
    assert result.stderr == "note: level senior is used; 2 years alone would be entry\n"
    assert run("estimate", "--level", "senior", "--years", "7").stderr == ""


# ---- 9: suggestions that help ----------------------------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["curve", "--years", "4"], "curve takes --from and --to"),
    (["curve", "-l", "senior"], "curve takes --from and --to"),
    (["estimate", "--bands", "f.toml", "-y", "4"], "--bands goes before the command"),
    (["estimate", "-y", "4", "--version"], "--version goes before the command"),
])
def test_misplaced_options_say_what_to_do(args, says):
    result = run(*args)
    assert result.exit_code == 2 and says in result.stderr
    assert "--tier" not in result.stderr


# ---- 10: JSON with duplicate keys, NaN, or not an object -------------------------------------------

@pytest.mark.parametrize("text, says", [
    ('{"name": "A", "base": 1, "base": 2}', "stdin: key 'base' is given twice"),
    ('{"name": "A", "base": NaN}', "stdin: NaN is not a number"),
    ('{"name": "A", "base": Infinity}', "stdin: Infinity is not a number"),
    ('{"name": "A", "base": 1e999}', "stdin: number 1e999 is too large"),
    ("[1, 2]", "stdin: expected a JSON object with the offer's keys (name, base, bonus, ...), got an array"),
])
def test_json_offers_are_read_strictly(text, says):
    result = run("compare", "-", B_OFFER, input=text.encode())
    assert result.exit_code == 1
    assert says in result.stderr and "TOML" not in result.stderr


def test_a_toml_table_on_stdin_is_still_toml():
    result = run("compare", "-", B_OFFER, "-f", "json", input=b'name = "A"\nbase = 1\n')
    assert result.exit_code == 0
    assert "TOML syntax error" in run("compare", "-", B_OFFER, input=b"[offer]\nbase = \n").stderr


# ---- a sample as real processes --------------------------------------------------------------------

PAYLOADS = st.one_of(
    HUGE.map(lambda n: f'name = "A"\nbase = {n}\n'),
    DEPTH.map(lambda d: "a = " + "[" * d),
    CONTROLS.map(lambda c: f'name = "A{c}"\nbase = 1\n'),
    ENCODINGS.map(lambda e: encode('name = "Café"\nbase = 1\n', *e).decode("latin-1")),
)
COMMANDS = [["compare", "-", B_OFFER], ["--bands", "-", "estimate", "-y", "4"], ["bands", "--check", "-"],
            ["estimate", "--input", "-", "-f", "csv"]]


@PROCESSES
@given(PAYLOADS, st.sampled_from(COMMANDS))
def test_real_processes_end_cleanly(payload, command):
    proc = subprocess.run([sys.executable, "-m", "mlcomp", *command], input=payload.encode("latin-1", "replace"),
                          capture_output=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "MLCOMP_BANDS"})
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1, 2)
    assert "Traceback" not in err and err.count("Error:") <= 1
