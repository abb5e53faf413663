"""Real subprocesses: pipes closed early, terminals and their absence, NO_COLOR, TERM=dumb, narrow
widths, non-UTF-8 encodings, stdin streaming, and a 100k-row batch checked line by line."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading

import pytest

from terminal import read_all

MLCOMP = [sys.executable, "-m", "mlcomp"]
BASE_ENV = {k: v for k, v in os.environ.items()
            if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES", "MLCOMP_BANDS",
                         "PYTHONIOENCODING", "LC_ALL", "LANG")}
ESC = "\x1b"


def run(*args: str, input: str | bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    data = input.encode() if isinstance(input, str) else input
    return subprocess.run([*MLCOMP, *args], input=data, capture_output=True, env={**BASE_ENV, **env},
                          timeout=60)


def on_a_terminal(*args: str, **env: str) -> str:
    """Run with stdout on a pseudo-terminal (what a user sees in a shell), return all it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([*MLCOMP, *args], stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env={**BASE_ENV, "COLUMNS": "100", "MLCOMP_PAGER": "", **env})  # no pager
    os.close(follower)
    written = read_all(leader, timeout=30)
    os.close(leader)
    assert proc.wait(timeout=30) == 0, proc.stderr.read()
    return written.decode()


def profiles_jsonl(n: int) -> str:
    cities = ["sf", "nyc", "national"]
    return "".join(json.dumps({"id": i, "years": 4, "city": cities[i % 3]}) + "\n" for i in range(n))


# --- stdout carries results only -------------------------------------------------------------------

def test_json_on_stdout_and_nothing_on_stderr():
    done = run("estimate", "--years", "4", "--city", "sf", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["base"]["mid"] == 272500  # (207000 + 338000) / 2
    assert done.stderr == b""


def test_errors_go_to_stderr_only():
    done = run("estimate", "--years", "4", "--city", "atlantis", "--format", "json")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith("Error: ")


def test_batch_skip_messages_are_on_stderr_not_stdout():
    done = run("estimate", "--input", "-", "--format", "jsonl", "--on-error", "skip",
               input='{"years": 4}\n{"years": "x"}\n')
    assert [json.loads(line)["level"] for line in done.stdout.decode().split("\n")[:-1]] == ["mid"]
    assert "2 rows read, 1 written, 1 skipped" in done.stderr.decode()


# --- closed pipes ------------------------------------------------------------------------------------

def test_head_1_on_a_large_batch_ends_quietly(tmp_path):
    data = tmp_path / "big.jsonl"
    data.write_text(profiles_jsonl(20_000))
    with open(data, "rb") as stdin:
        proc = subprocess.Popen([*MLCOMP, "estimate", "--input", "-", "--format", "jsonl"], stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=BASE_ENV)
        first = proc.stdout.readline()
        proc.stdout.close()  # what `| head -1` does
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert json.loads(first)["id"] == 0
    assert "Traceback" not in err and "Exception" not in err and err == ""


@pytest.mark.parametrize("command", [
    "estimate --years 4 --city sf --explain",
    "factors",
    "factors --format csv",
    "bands --format json",
])
def test_shell_pipe_into_head_is_quiet(command):
    done = subprocess.run(["bash", "-c", f"{' '.join(MLCOMP)} {command} | head -1"], capture_output=True,
                          env=BASE_ENV, timeout=60)
    assert done.returncode == 0
    assert done.stderr == b""
    assert len(done.stdout.split(b"\n")[:-1]) == 1


# --- colour and control codes ------------------------------------------------------------------------

def test_a_terminal_gets_styles_so_the_checks_below_can_fail():
    assert ESC in on_a_terminal("estimate", "--years", "4")


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_control_codes_with_no_color_or_a_dumb_terminal(env):
    text = on_a_terminal("estimate", "--years", "4", "--city", "sf", **env)
    assert "$272,500" in text
    assert ESC not in text


@pytest.mark.parametrize("args", [
    ("estimate", "--years", "4", "--explain"),
    ("bands",),
    ("factors",),
])
def test_no_control_codes_into_a_pipe(args):
    done = run(*args)
    assert done.returncode == 0 and done.stdout
    assert ESC.encode() not in done.stdout


# --- widths --------------------------------------------------------------------------------------------

def test_estimate_numbers_are_whole_at_40_columns():
    out = run("estimate", "--years", "4", "--city", "sf", "--tier", "faang", "--explain", COLUMNS="40").stdout.decode()
    # base 180000*1.15*1.10 = 227700 .. 260000*1.30 = 338000 (the top of the band); equity and bonus
    # 180000*1.15*0.2*3 = 124200 .. 260000*1.30*0.4*1.4 = 189280; total 351900 .. 527280
    for number in ("$180,000", "$260,000", "$227,700", "$338,000", "$124,200", "$189,280", "$351,900", "$527,280",
                   "+15%", "+30%", "+200%"):
        assert number in out, number
    assert "\u2026" not in out


# Every table at 40 columns, with numbers and words whole, is walked by tests/test_layout.py (each command
# and drawing option at 40, 60, 80 and 120 columns); here, the same on a real terminal.


def test_estimate_numbers_are_whole_at_40_columns_on_a_terminal():
    out = on_a_terminal("estimate", "--years", "4", "--city", "sf", COLUMNS="40", NO_COLOR="1")
    for number in ("$207,000", "$272,500", "$338,000", "$248,400", "$360,800", "$473,200"):
        assert number in out, number


# --- encodings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}])
@pytest.mark.parametrize("args", [
    ("estimate", "--years", "4", "--city", "sf", "--explain"),
    ("bands",),
    ("factors",),
    ("estimate", "--input", "-", "--input-format", "csv"),
])
def test_restricted_encodings_do_not_crash(env, args):
    done = run(*args, input="name,years\nJos\u00e9 \u20ac,4\n", **env)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"$" in done.stdout


def test_jsonl_under_ascii_escapes_rather_than_loses_text():
    done = run("estimate", "--input", "-", "--format", "jsonl", input='{"name": "Jos\u00e9", "years": 4}\n',
               PYTHONIOENCODING="ascii")
    assert done.returncode == 0
    assert json.loads(done.stdout)["name"] == "Jos\u00e9"


def test_markup_in_a_carried_column_prints_literally():
    text = "name,years\n[bold]x[/bold],4\n[red]y,4\n"
    piped = run("estimate", "--input", "-", "--input-format", "csv", input=text).stdout.decode()
    assert "[bold]x[/bold]" in piped and "[red]y" in piped


# --- streaming -------------------------------------------------------------------------------------

def test_first_result_comes_out_before_the_input_ends():
    proc = subprocess.Popen([*MLCOMP, "estimate", "--input", "-", "--format", "jsonl"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=BASE_ENV)
    proc.stdin.write(profiles_jsonl(200).encode())  # more than one output buffer, input left open
    proc.stdin.flush()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(proc.stdout.readline()))
    reader.start()
    reader.join(timeout=30)
    still_reading = proc.poll() is None
    proc.stdin.close()
    proc.stdout.read()
    proc.wait(timeout=30)
    assert got and json.loads(got[0])["id"] == 0
    assert still_reading  # the process had not seen the end of its input


def test_100k_rows_through_stdin_every_line_checked():
    # Three profiles in turn, at 4 years (mid band 180000..260000):
    #   sf  +15..30% -> 207000..338000, mid 272500; total x1.2..x1.4 -> 248400..473200
    #   nyc +15..25% -> 207000..325000, mid 266000; total -> 248400..455000
    #   national     -> 180000..260000, mid 220000; total -> 216000..364000
    expected = {"sf": (207000, 272500, 338000, 248400, 473200),
                "nyc": (207000, 266000, 325000, 248400, 455000),
                "national": (180000, 220000, 260000, 216000, 364000)}
    n = 100_000
    done = subprocess.run([*MLCOMP, "estimate", "--input", "-", "--format", "jsonl"],
                          input=profiles_jsonl(n).encode(), capture_output=True, env=BASE_ENV, timeout=120)
    assert done.returncode == 0 and done.stderr == b""
    lines = done.stdout.decode().split("\n")[:-1]
    assert len(lines) == n
    cities = ["sf", "nyc", "national"]
    for i, line in enumerate(lines):
        row = json.loads(line)
        low, mid, high, tc_low, tc_high = expected[cities[i % 3]]
        assert row["id"] == i
        assert (row["base"]["low"], row["base"]["mid"], row["base"]["high"]) == (low, mid, high)
        assert (row["total_comp"]["low"], row["total_comp"]["high"]) == (tc_low, tc_high)


@pytest.mark.parametrize(("data", "line", "written"), [(b"\xff\xfe", 1, 0), (b"years\n4\n\xff\n", 3, 1),
                                                      (b'{"years": 4}\n\xc3\x28\n', 2, 1)])
def test_non_utf8_stdin_is_one_error_line_naming_the_line(data, line, written):
    proc = subprocess.run([sys.executable, "-m", "mlcomp", "estimate", "--input", "-", "--format", "jsonl"],
                          input=data, capture_output=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith(f"Error: line {line}: not UTF-8 text")
    assert len(proc.stderr.split(b"\n")[:-1]) == 1 and b"Traceback" not in proc.stderr
    assert len(proc.stdout.split(b"\n")[:-1]) == written  # the rows before the bad one were written


@pytest.mark.parametrize("encoding, expected", [("latin-1", "Café".encode("latin-1")), ("ascii", b"Caf?")])
def test_a_table_on_a_terminal_of_another_encoding_is_written_in_that_encoding(encoding, expected):
    """A Latin-1 terminal gets Latin-1 bytes for the table (not UTF-8 it would show as 'CafÃ©'); one that
    cannot show a character gets '?'. Data formats stay UTF-8 (tested above)."""
    proc = run("compare", "name=Café,base=240k", "name=B,base=250k", PYTHONIOENCODING=encoding)
    assert proc.returncode == 0, proc.stderr
    assert expected in proc.stdout
    assert "Café".encode() not in proc.stdout


# --- output streams: every write completes; | head stops at once ---------------------------------

def cpu(command: str) -> float:
    """CPU seconds a shell command line used (its processes', children included)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(["bash", "-c", command], capture_output=True, env=BASE_ENV, timeout=300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0 and done.stderr == b"", done.stderr[-300:]
    assert done.stdout.count(b"\n") >= 1
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv", "table", "field"])
def test_head_1_stops_a_large_batch_at_once_in_every_format(tmp_path, fmt):
    """0.2.1 ran the whole input with --format csv (4.2 s for a million rows) before it noticed. CPU
    time, not wall time, so that a busy machine does not decide: with `| head -1` a run costs little
    more than one that reads nothing."""
    data = tmp_path / "big.csv"
    data.write_text("id,years,city\n" + "".join(f"{i},{i % 30}.5,sf\n" for i in range(200_000)))
    args = "--field base.mid" if fmt == "field" else f"-f {fmt}"
    mlcomp = " ".join(MLCOMP)
    head = cpu(f"{mlcomp} estimate --input {data} {args} | head -1")
    empty = cpu(f"{mlcomp} estimate --input {data.with_name('none.csv')} {args} | head -1"
                if data.with_name("none.csv").write_text("id,years,city\n4,4,sf\n") else "")
    assert head < empty + 1.0, (head, empty)


def test_a_non_blocking_stdout_loses_no_row(tmp_path):
    """0.2.1 wrote 128 of 200,000 lines into a non-blocking pipe and exited 0 (each write failed with
    EAGAIN). Every write completes, or the run stops with one line and exit 1."""
    n = 50_000
    rows = tmp_path / "rows.jsonl"
    rows.write_text(profiles_jsonl(n))
    script = (
        "import os, subprocess, sys\n"
        "r, w = os.pipe()\n"
        "os.set_blocking(w, False)\n"
        f"p = subprocess.Popen({MLCOMP!r} + ['estimate', '--input', {str(rows)!r}, '-f', 'jsonl'], "
        "stdout=w, stderr=subprocess.PIPE)\n"
        "os.close(w)\n"
        "import time; time.sleep(1)\n"
        "out = b''\n"
        "while chunk := os.read(r, 1 << 16):\n"
        "    out += chunk\n"
        "err = p.stderr.read()\n"
        "print(p.wait(), out.count(b'\\n'), len(err.splitlines()))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, env=BASE_ENV, timeout=120, text=True)
    code, lines, errors = map(int, done.stdout.split())
    assert (code, lines, errors) == (0, n, 0) or (code == 1 and errors == 1), done.stdout


@pytest.mark.parametrize("source", ["/dev/zero", "long"])
def test_one_endless_line_stops_at_the_line_limit_in_bounded_memory(tmp_path, source):
    """0.2.1 read /dev/zero into memory until a MemoryError traceback. Under a 400 MB limit the run
    stops at the line limit with one line of its own."""
    path = source
    if source == "long":
        path = str(tmp_path / "long.jsonl")
        with open(path, "wb") as f:
            f.truncate(60 * 1024 * 1024)  # a sparse file: 60 MB of NUL bytes, no newline
    limit = ("import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20)); "
             f"sys.argv = ['mlcomp', 'estimate', '--input', {path!r}, '-f', 'jsonl']; "
             "runpy.run_module('mlcomp', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", limit], capture_output=True, env=BASE_ENV, timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 1, err[-500:]
    assert err.startswith("Error: line 1: longer than 20,971,520 characters") and err.count("\n") == 1, err[-500:]
