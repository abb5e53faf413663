"""Fuzz the command line: arbitrary argument lists and bytes on stdin.

Tokens mix the real option and command names (read from the app itself, so a new command or option
is fuzzed without a change here) with random and typical values. Every run must end with exit code
0, 1 or 2 and never show a traceback. CliRunner does the bulk; a few real processes cover argv bytes
that are not UTF-8, stdin, encodings and a tiny terminal width.
"""

from __future__ import annotations

import enum
import os
import subprocess
import sys
from pathlib import Path

import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp.cli import app

ROOT = typer.main.get_command(app)
# Options that change the user's shell set-up are not fuzzed.
UNSAFE = {"--install-completion", "--show-completion"}


def option_names(command) -> list[str]:
    return [name for param in command.params for name in (*param.opts, *param.secondary_opts)
            if name.startswith("-") and name not in UNSAFE]


COMMANDS = sorted(ROOT.list_commands(None))
SUBCOMMANDS = [ROOT.get_command(None, name) for name in COMMANDS]
OPTIONS = sorted({"-h", "--help"} | {name for cmd in [ROOT, *SUBCOMMANDS] for name in option_names(cmd)})


def choices(param) -> list[str]:
    """The values of an option that takes one of a set (an Enum), else []."""
    kind = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return [str(member.value) for member in kind]
    return [str(c) for c in getattr(getattr(param, "type", None), "choices", ())]


CHOICES = sorted({c for cmd in SUBCOMMANDS for param in cmd.params for c in choices(param)})
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TYPICAL = ["4", "0", "60", "61", "-1", "4.5", "1e999", "nan", "inf", "-inf", "", " ", "-", "--", "sf", "SF",
           "faang", "senior", "staff", "rl", "swe", "base.mid", "total_comp.high", "adjustments.0.key",
           "nope", "/dev/null", "/nonexistent/bands.toml", ".", "[bold]x[/bold]", "\u00e9",
           # compare: offer files, inline offers (good and bad), horizons and growth rates
           str(EXAMPLES / "acme.toml"), str(EXAMPLES / "globex.json"), "name=A,base=240k,bonus=15%,equity=400k",
           "name=B,base=$265,000,vesting=5/15/40/40", "base=1", "name=[red]x,base=1m", "name=A,bnous=1",
           "name=A,base=-5", "name=a,base=1,vesting=10/10", "name=C,base=1,years=4,city=sf", "30", "31",
           "10%", "-0.2", "1000%",
           # curve and bands
           "3", "12", "20", str(Path(__file__).resolve().parents[1] / "data" / "bands.toml"),
           # the extremes: huge numbers, a long inline offer, control characters
           "9" * 400, "9" * 5000, "1e400", "999999999999999999999999m", "name=A,base=" + "9" * 400,
           "name=A,base=1,bnous=" + "x" * 300, "\x1b[31m", "s\nf", "\x01", "\x7f\x9b"]
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
TOKENS = st.one_of(st.sampled_from(COMMANDS), st.sampled_from(OPTIONS), st.sampled_from(CHOICES),
                   st.sampled_from(TYPICAL), TEXT)


def fewer(divisor: int) -> settings:
    return settings(max_examples=max(3, settings().max_examples // divisor))


def test_the_fuzzer_knows_every_command_and_its_options():
    assert "estimate" in COMMANDS
    assert {"json", "csv"} <= set(CHOICES)
    assert {"--years", "--city", "--format", "--field", "--bands", "--version", "--help"} <= set(OPTIONS)


def assert_clean(result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


# stdin: random bytes, or text shaped like what the commands read (an offer, batch rows)
STDIN = st.one_of(
    st.binary(max_size=64),
    st.sampled_from([b"[" * 100_000, b"a = " + b"[" * 10_000, b'{"base": 1' + b"0" * 5000 + b"}",
                     b'{"name": "A", "base": 1, "base": 2}', b"\xef\xbb\xbfname = 'A'\r\nbase = 1\r\n"]),
    st.sampled_from([b'name = "S"\nbase = "200k"\n', b'{"name": "J", "base": 1}', b"years,city\n4,sf\nx,y\n",
                     b'{"years": 4}\n{"years": 99}\n', b"\xef\xbb\xbfyears\n4\n", b"years\n4\n\xff\n"]),
    st.text(max_size=40).map(lambda t: f"years,city\n{t}\n".encode("utf-8", "surrogatepass")),
    st.text(max_size=40).map(lambda t: f'name = "S"\nbase = 1\n{t}'.encode("utf-8", "surrogatepass")))


def command_tokens(name: str) -> st.SearchStrategy[str]:
    """Tokens for one command: its own options and choices, typical values, random text."""
    command = ROOT.get_command(None, name)
    own = sorted({"-h", "--help", *option_names(command)})
    values = sorted({c for param in command.params for c in choices(param)}) or ["table"]
    return st.one_of(st.sampled_from(own), st.sampled_from(values), st.sampled_from(TYPICAL), TEXT)


@given(st.lists(TOKENS, max_size=8), st.binary(max_size=64))
def test_any_arguments_and_stdin_end_with_0_1_or_2_and_no_traceback(args, stdin):
    assert_clean(CliRunner().invoke(app, args, input=stdin))


@given(st.sampled_from(COMMANDS), st.lists(TOKENS, max_size=8), st.binary(max_size=64))
def test_any_options_of_a_command_end_with_0_1_or_2_and_no_traceback(command, args, stdin):
    assert_clean(CliRunner().invoke(app, [command, *args], input=stdin))


def test_the_fuzzer_reaches_every_command():
    assert {"estimate", "compare", "curve", "bands", "factors"} <= set(COMMANDS)
    assert {"--horizon", "--growth", "--from", "--to", "--check", "--input", "--on-error"} <= set(OPTIONS)
    assert all(Path(token).exists() for token in TYPICAL if token.endswith((".toml", ".json")) and "/" in token
               and "nonexistent" not in token)


@fewer(2)
@given(st.sampled_from(COMMANDS).flatmap(lambda name: st.tuples(st.just(name), st.lists(command_tokens(name),
                                                                                      max_size=7))), STDIN)
def test_each_command_with_its_own_options_and_shaped_stdin_ends_cleanly(case, stdin):
    command, args = case
    assert_clean(CliRunner().invoke(app, [command, *args], input=stdin))


ARGV_BYTES = st.one_of(TOKENS.map(os.fsencode), st.binary(min_size=1, max_size=6).filter(lambda b: b"\0" not in b))
ENVIRONMENTS = st.sampled_from([{}, {"PYTHONIOENCODING": "ascii"}, {"NO_COLOR": "1", "COLUMNS": "20"},
                                {"LC_ALL": "C", "PYTHONIOENCODING": "latin-1"}, {"TERM": "dumb", "COLUMNS": "5"}])


@fewer(8)
@given(st.sampled_from([[], *([c] for c in COMMANDS)]), st.lists(ARGV_BYTES, max_size=6),
       st.binary(max_size=256), ENVIRONMENTS)
def test_real_process_with_any_argv_bytes_stdin_and_encoding_has_no_traceback(command, args, stdin, env):
    argv = [sys.executable, "-m", "mlcomp", *command, *args]
    environ = {k: v for k, v in os.environ.items() if k != "MLCOMP_BANDS"} | env
    proc = subprocess.run(argv, input=stdin, capture_output=True, timeout=60, env=environ)
    assert proc.returncode in (0, 1, 2), (proc.returncode, proc.stderr)
    assert b"Traceback" not in proc.stderr and b"Traceback" not in proc.stdout, proc.stderr
