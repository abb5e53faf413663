"""The shell conveniences: the saved profile (mlcomp config), the offer template (mlcomp new offer),
a batch's progress on a terminal, -V, help CMD, --quiet, suggestions, and zsh's first Tab."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcomp import __version__, config, templates
from mlcomp.cli import app
from mlcomp.errors import closest
from mlcomp.offers import KEYS
from mlcomp.progress import Meter, duration
from terminal import read_all

MLCOMP = [sys.executable, "-m", "mlcomp"]
ENV = {k: v for k, v in os.environ.items() if k not in ("MLCOMP_BANDS", "_MLCOMP_COMPLETE", "NO_COLOR")}
SAVED = Path(os.environ["MLCOMP_CONFIG"])  # the suite's own (conftest), removed after each test


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), prog_name="mlcomp", input=input)


def mlcomp(*args: str, input: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MLCOMP, *args], input=input, capture_output=True, text=True, timeout=120,
                          env={**ENV, **env})


# ---- the saved profile -----------------------------------------------------------------------------

def test_the_suite_never_reads_the_users_saved_profile():
    assert config.path() == SAVED and not SAVED.exists()
    assert str(Path.home()) not in str(SAVED)


@pytest.mark.parametrize(("platform", "environ", "expected"), [
    ("linux", {"HOME": "/h"}, "/h/.config/mlcomp/config.toml"),
    ("linux", {"HOME": "/h", "XDG_CONFIG_HOME": "/x"}, "/x/mlcomp/config.toml"),
    ("linux", {"HOME": "/h", "XDG_CONFIG_HOME": "relative"}, "/h/.config/mlcomp/config.toml"),
    ("darwin", {"HOME": "/Users/a"}, "/Users/a/Library/Application Support/mlcomp/config.toml"),
    ("win32", {"HOME": "/h", "APPDATA": "/C/AppData/Roaming"}, "/C/AppData/Roaming/mlcomp/config.toml"),
    ("linux", {"HOME": "/h", "MLCOMP_CONFIG": "/elsewhere/p.toml"}, "/elsewhere/p.toml"),
])
def test_the_saved_profile_lives_in_the_platforms_config_directory(platform, environ, expected):
    assert config.path(environ, platform) == Path(expected)


def test_a_saved_profile_gives_the_defaults_and_says_so():
    """years 4, city sf: mid band 180k..260k, sf +15..30% -> base mid 272,500 (as --years 4 --city sf)."""
    saved = mlcomp("config", "set", "years", "4", "city", "san-francisco")
    assert saved.returncode == 0, saved.stderr
    assert tomllib.loads(SAVED.read_text()) == {"years": 4, "city": "sf"}  # the key, not the alias
    done = mlcomp("estimate", "--field", "base.mid")
    assert (done.returncode, done.stdout) == (0, "272500\n")
    assert done.stderr == f"note: saved defaults ({SAVED}): years 4, city sf\n"
    assert mlcomp("estimate", "--field", "base.mid", "--quiet").stderr == ""


def test_an_option_on_the_command_line_wins_and_years_and_level_go_together():
    mlcomp("config", "set", "years", "4", "city", "sf")
    nyc = mlcomp("estimate", "--city", "nyc", "--field", "base.mid")
    assert nyc.stdout == mlcomp("estimate", "-y", "4", "-c", "nyc", "--field", "base.mid").stdout
    assert nyc.stderr == f"note: saved defaults ({SAVED}): years 4\n"
    senior = mlcomp("estimate", "--level", "senior", "--format", "json")
    assert json.loads(senior.stdout)["years"] is None  # the saved years do not join a --level given
    assert "level senior is used" not in senior.stderr


def test_config_show_says_where_each_value_comes_from():
    run("config", "set", "years", "4", "remote-first", "yes")
    lines = run("config", "show").stdout.split("\n")
    assert lines[0] == f"saved profile: {SAVED}"
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in lines[2:] if line}
    assert rows["years"] == ["4", str(SAVED)]
    assert rows["remote_first"] == ["true", str(SAVED)]
    assert rows["industry"] == ["tech", "data default"]
    assert rows["tier"] == ["-", "not set"]
    assert run("config", "path").stdout == f"{SAVED}\n"


def test_config_unset_removes_a_key():
    run("config", "set", "years", "4", "city", "sf")
    assert run("config", "unset", "city").exit_code == 0
    assert tomllib.loads(SAVED.read_text()) == {"years": 4}


@pytest.mark.parametrize(("words", "said"), [
    (["cty", "sf"], "Error: unknown key 'cty'. Did you mean 'city'? Keys: years, level, city,"),
    (["city", "atlantis"], "Error: city: unknown city 'atlantis'."),
    (["years"], "Error: years: no value given; give KEY VALUE pairs"),
    (["years", "200"], "Error: years: years of experience must be a number from 0 to 60, got '200'"),
])
def test_config_set_checks_each_value_as_the_options_do(words, said):
    done = mlcomp("config", "set", *words)
    assert done.returncode == 2 and done.stderr.startswith(said), done.stderr
    assert not SAVED.exists()


def test_a_bad_saved_value_is_one_line_naming_the_file_and_the_key():
    SAVED.write_text('years = 4\ncity = "atlantis"\n')
    done = mlcomp("estimate")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.split("\n") == [
        f"Error: {SAVED}: city: unknown city 'atlantis'. Known: national, remote, sf, nyc, seattle. "
        "(fix it with 'mlcomp config set city VALUE' or 'mlcomp config unset city')", ""]
    SAVED.write_text('years = 4\ncty = "sf"\n')
    done = mlcomp("estimate")
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: {SAVED}: cty: unknown key. Did you mean 'city'?")
    assert mlcomp("config", "unset", "cty").returncode == 0  # the way out
    assert mlcomp("estimate", "--field", "level").stdout == "mid\n"


def test_batch_rows_and_offers_keep_their_own_values_the_saved_ones_fill_empty_fields():
    run("config", "set", "years", "4", "city", "sf")
    rows = mlcomp("estimate", "--input", "-", "-f", "jsonl", input='{"id": 1}\n{"id": 2, "years": 12, "city": "nyc"}\n')
    got = [json.loads(line) for line in rows.stdout.split("\n")[:-1]]
    assert [(r["years"], r["level"], r["base"]["mid"]) for r in got] == [(4, "mid", 272500), (12, "staff", 482500)]
    assert rows.stderr == f"note: saved defaults ({SAVED}): years 4, city sf\n"
    offer = mlcomp("compare", "name=A,base=200k,years=12", "-f", "json")
    market = json.loads(offer.stdout)["offers"][0]["market"]["profile"]
    assert (market["years"], market["level"], market["location"]) == (12, "staff", "sf")  # its own years, saved city


def test_commands_that_do_not_take_a_field_do_not_get_it():
    run("config", "set", "years", "4", "city", "nyc")
    done = mlcomp("curve", "--to", "1", "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"note: saved defaults ({SAVED}): city nyc\n"  # curve takes no --years


# ---- mlcomp new offer ----------------------------------------------------------------------------

def uncommented(template: str, leave_out: set[str]) -> str:
    """The template with every key's line uncommented, but those in `leave_out`."""
    lines = []
    for line in template.split("\n"):
        key = re.match(r"# (\w+) = ", line)
        lines.append(line[2:] if key and key.group(1) not in leave_out else line)
    return "\n".join(lines)


def test_the_template_has_every_key_an_offer_takes_each_with_an_example_and_help():
    text = templates.offer()
    written = re.findall(r"^(?:# )?(\w+) = (.+?)  # (.+)$", text, re.M)
    assert [key for key, _, _ in written] == [k for _, keys in templates.sections() for k in keys]
    assert sorted(key for key, _, _ in written) == sorted(KEYS)
    assert all(meaning != "see docs/compare.md" for _, _, meaning in written)
    assert "Other keys" not in text  # every key has its place


DOLLARS = {"shares", "share_price", "strike", "fmv", "preferred_price", "valued_at", "liquidity", "refresh_shares"}
SHARES = {"equity", "preferred_price", "fmv", "valued_at", "refresh", "liquidity"}
PRIVATE = {"equity", "share_price", "refresh"}  # a private company's RSUs: preferred price, 409A, liquidity


@pytest.mark.parametrize("leave_out", [set(KEYS) - {"name", "base"}, DOLLARS, SHARES, PRIVATE],
                         ids=["as-is", "dollars", "shares", "private"])
def test_the_template_filled_in_is_an_offer_compare_accepts(tmp_path, leave_out):
    path = tmp_path / "offer.toml"
    path.write_text(uncommented(templates.offer(), leave_out))
    done = mlcomp("compare", str(path), "name=Other,base=230k", "--years", "4", "-f", "json")
    assert done.returncode == 0, done.stderr
    offer = json.loads(done.stdout)["offers"][0]
    assert offer["name"] == "My offer" and offer["by_year"][0]["base"] == 200000


def test_the_fills_uncomment_every_key_at_least_once():
    assert not DOLLARS & SHARES & PRIVATE  # each key is filled in, with its example, by one of them


def test_new_offer_on_the_command_line():
    done = mlcomp("new", "offer")
    assert done.returncode == 0 and done.stdout == templates.offer() and done.stderr == ""
    wrong = mlcomp("new", "offr")
    assert wrong.returncode == 2 and "offer" in wrong.stderr


# ---- -V, help CMD, suggestions, --quiet -----------------------------------------------------------

def test_dash_v_is_the_version():
    assert run("-V").stdout == f"mlcomp {__version__}\n"


def test_help_cmd_is_the_commands_help():
    assert run("help", "estimate").stdout == run("estimate", "--help").stdout
    assert run("help").stdout.startswith(run("--help").stdout.rstrip("\n")[:200])
    wrong = mlcomp("help", "est")
    assert wrong.returncode == 2 and "Did you mean 'estimate'?" in wrong.stderr


def test_an_unknown_command_gets_did_you_mean():
    done = mlcomp("est")
    assert done.returncode == 2
    assert done.stderr.startswith("Error: no command 'est'. Did you mean 'estimate'?")


def test_suggestions_rank_aliases_by_what_was_typed():
    done = mlcomp("estimate", "--years", "4", "--city", "san")
    assert done.returncode == 2
    assert "Did you mean 'sf' (san-francisco)?" in done.stderr and "usa" not in done.stderr
    assert closest("san", ["usa", "sea", "san-francisco"])[0] == "san-francisco"
    assert closest("sff", ["national", "sf", "sfo"])[0] == "sf"
    assert closest("", ["sf"]) == []


def test_a_misspelt_value_is_reported_before_a_missing_option():
    done = mlcomp("estimate", "--city", "sanfran")
    assert done.returncode == 2
    assert done.stderr.startswith("Error: Invalid value for '--city': unknown city 'sanfran'. Did you mean 'sf'")


def test_quiet_is_an_option_of_every_command_and_silences_notes():
    for args in (["estimate", "-y", "4", "-l", "senior", "--field", "level"], ["-q", "estimate", "-y", "4", "-l",
                                                                                 "senior", "--field", "level"]):
        quiet = mlcomp(*args, *(["--quiet"] if args[0] != "-q" else []))
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "senior\n", "")
    loud = mlcomp("estimate", "-y", "4", "-l", "senior", "--field", "level")
    assert loud.stderr == "note: level senior is used; 4 years alone would be mid\n"
    for command in ("bands", "factors", "curve", "config", "new", "help"):
        assert "--quiet" in run(command, "--help").stdout, command


# ---- a batch's progress, on a terminal -----------------------------------------------------------

def screen(written: str) -> list[str]:
    """What a terminal shows after `written`: each line as the last carriage return left it."""
    lines = []
    for line in written.replace("\r\n", "\n").split("\n"):
        shown = ""
        for part in line.split("\r"):
            shown = part + shown[len(part):]
        lines.append(shown.rstrip())
    return lines


def on_a_terminal(args: list[str], *, stdin_tty: bool = False, typed: bytes = b"", interrupt_after: int = 0,
                  out: Path | None = None) -> tuple[int, str]:
    """Run with stderr (and, `stdin_tty`, stdin) on a pseudo-terminal; stdout to `out` (or a pipe).
    `interrupt_after`: send SIGINT once the progress line shows at least that many rows."""
    import pty

    leader, follower = pty.openpty()
    sink = open(out, "wb") if out else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen([*MLCOMP, *args], stdout=sink, stderr=follower,
                            stdin=follower if stdin_tty else subprocess.DEVNULL,
                            env={**ENV, "COLUMNS": "80", "TERM": "xterm"})
    os.close(follower)
    if typed:
        time.sleep(0.5)
        os.write(leader, typed)
    sent = []

    def interrupt(seen: bytes) -> None:
        counts = re.findall(rb"([\d,]+) rows \xc2\xb7", seen)
        if interrupt_after and not sent and counts and int(counts[-1].replace(b",", b"")) >= interrupt_after:
            proc.send_signal(signal.SIGINT)
            sent.append(True)

    seen = read_all(leader, each=interrupt)
    code = proc.wait(timeout=60)
    os.close(leader)
    if out:
        sink.close()  # type: ignore[union-attr]
    return code, seen.decode()


pytestmark_pty = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@pytestmark_pty
def test_progress_shows_share_done_and_time_left_then_a_summary_and_leaves_nothing_behind(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("years,city\n" + "".join(f"{i % 30}.5,sf\n" for i in range(30_000)))
    code, written = on_a_terminal(["estimate", "--input", str(rows), "-f", "csv"], out=tmp_path / "out.csv")
    assert code == 0
    assert re.search(r"\d+% · [\d,]+ rows · [\d,]+ rows/s · \d+ (s|min) left", written), written[-300:]
    assert screen(written)[-2:] == [screen(written)[-2], ""]
    assert re.fullmatch(r"30,000 rows in \d+\.\d s \([\d,]+ rows/s\)", screen(written)[-2]), screen(written)
    assert "\x1b" not in written  # no escape codes: a carriage return and spaces erase the line
    assert len((tmp_path / "out.csv").read_bytes().split(b"\n")) == 30_002


@pytestmark_pty
def test_progress_without_a_size_shows_rows_and_rate(tmp_path):
    rows = "years,city\n" + "4,sf\n" * 20_000
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([*MLCOMP, "estimate", "--input", "-", "-f", "csv"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=follower, env={**ENV, "COLUMNS": "80"})
    os.close(follower)
    proc.stdin.write(rows.encode())  # type: ignore[union-attr]
    proc.stdin.close()  # type: ignore[union-attr]
    seen = read_all(leader)
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    text = seen.decode()
    assert re.search(r"\r[\d,]+ rows · [\d,]+ rows/s", text) and "left" not in text and "%" not in text
    assert screen(text)[-2].startswith("20,000 rows in ")


@pytestmark_pty
def test_ctrl_c_says_how_many_complete_rows_the_output_holds(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("years,city\n" + "".join(f"{i % 30}.5,sf\n" for i in range(400_000)))
    out = tmp_path / "out.csv"
    code, written = on_a_terminal(["estimate", "--input", str(rows), "-f", "csv"], interrupt_after=2000, out=out)
    assert code == 130
    said = re.fullmatch(r"stopped after ([\d,]+) rows; the output holds ([\d,]+) complete rows", screen(written)[-2])
    assert said, screen(written)[-3:]
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b""  # the output ends with a whole row
    assert int(said.group(2).replace(",", "")) == len(lines) - 2 == int(said.group(1).replace(",", ""))


@pytestmark_pty
def test_reading_rows_from_the_terminal_says_how_to_end(tmp_path):
    code, written = on_a_terminal(["estimate", "--input", "-", "--input-format", "csv", "--field", "level"],
                                  stdin_tty=True,
                                  typed=b"years\n4\n\x04", out=tmp_path / "out.txt")
    assert code == 0
    assert "reading rows from the terminal; end with Ctrl-D" in written
    assert (tmp_path / "out.txt").read_text() == "mid\n"


@pytestmark_pty
def test_quiet_shows_no_progress_and_no_summary(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("years,city\n" + "4,sf\n" * 5000)
    code, written = on_a_terminal(["estimate", "--input", str(rows), "-f", "csv", "--quiet"])
    assert (code, written) == (0, "")


@pytestmark_pty
def test_a_reader_that_stops_early_leaves_no_progress_line(tmp_path):
    import pty

    rows = tmp_path / "rows.csv"
    rows.write_text("years,city\n" + "4,sf\n" * 200_000)
    leader, follower = pty.openpty()
    done = subprocess.Popen(f"{sys.executable} -m mlcomp estimate --input {rows} -f csv | head -n 1 > /dev/null",
                            shell=True, stderr=follower, env={**ENV, "COLUMNS": "80"})
    os.close(follower)
    seen = read_all(leader)
    done.wait(timeout=60)
    os.close(leader)
    assert [line for line in screen(seen.decode()) if line] == []


def test_meter_line_and_durations():
    meter = Meter(open(os.devnull, "w"), draw=True, size=1000, position=lambda: 250)  # noqa: SIM115
    assert meter.line(5000, 2.0) == "25% · 5,000 rows · 2,500 rows/s · 6 s left"
    assert Meter(open(os.devnull, "w"), draw=True).line(1, 1.0) == "1 row · 1 rows/s"  # noqa: SIM115
    assert [duration(s) for s in (8, 180, 3900)] == ["8 s", "3 min", "1 h 5 min"]


# ---- zsh: the first Tab in a new shell -----------------------------------------------------------

def test_the_zsh_script_completes_when_autoloaded_and_registers_when_sourced():
    script = mlcomp("--show-completion", "zsh").stdout
    assert script.startswith("#compdef mlcomp\n")
    assert 'if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then\n  _mlcomp_completion "$@"\nelse\n' \
           "  compdef _mlcomp_completion mlcomp\nfi" in script


@pytest.mark.skipif(shutil.which("zsh") is None or sys.platform == "win32", reason="needs zsh")
def test_zsh_set_up_as_the_docs_say_completes_on_the_first_tab(tmp_path):
    """~/.zfunc/_mlcomp, fpath+=(~/.zfunc) before compinit, a new interactive zsh: one Tab completes."""
    import pty

    (tmp_path / ".zfunc").mkdir()
    (tmp_path / ".zfunc" / "_mlcomp").write_text(mlcomp("--show-completion", "zsh").stdout)
    (tmp_path / ".zshrc").write_text("fpath+=(~/.zfunc)\nautoload -Uz compinit\ncompinit -u\nPS1='> '\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mlcomp").write_text(f"#!/bin/sh\nexec {sys.executable} -m mlcomp \"$@\"\n")
    (bin_dir / "mlcomp").chmod(0o755)
    leader, follower = pty.openpty()
    env = {"HOME": str(tmp_path), "ZDOTDIR": str(tmp_path), "TERM": "dumb",
           "PATH": f"{bin_dir}{os.pathsep}{ENV.get('PATH', '')}", "MLCOMP_CONFIG": str(SAVED)}
    shell = subprocess.Popen(["zsh", "-i"], stdin=follower, stdout=follower, stderr=follower, env=env, cwd=tmp_path)
    os.close(follower)

    def read(seconds: float, until: bytes = b"") -> bytes:
        got, end = b"", time.monotonic() + seconds
        while time.monotonic() < end and not (until and until in got):
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    got += os.read(leader, 65536)
                except OSError:
                    break
        return got

    try:
        read(20, b"> ")
        os.write(leader, b"mlcomp estimate --ci")
        read(1)
        os.write(leader, b"\t")
        completed = read(30, b"ty")
    finally:
        os.write(leader, b"\x03exit\n")
        read(1)
        shell.kill()
        shell.wait(timeout=10)
        os.close(leader)
    assert b"ty" in completed, completed  # --ci<TAB> became --city
