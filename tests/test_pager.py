"""On a terminal, output longer than the screen goes through a pager; never into a pipe or with --no-pager.
Run in a real pseudo-terminal, with a pager that records what it is given."""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
ROOT = Path(__file__).resolve().parents[1]
BIGCO, STARTUP = str(ROOT / "examples/bigco.toml"), str(ROOT / "examples/startup.json")
COMPARE = ["compare", BIGCO, STARTUP, "--years", "4", "--city", "sf"]


def on_terminal(args: list[str], env: dict[str, str], lines: int = 24) -> tuple[int, str]:
    """mlcomp run with stdout on a pseudo-terminal of 80 x `lines`: its exit code and what reached the screen."""
    environ = {k: v for k, v in os.environ.items() if k not in ("MLCOMP_PAGER", "PAGER", "LESS")}
    environ.update({"COLUMNS": "80", "LINES": str(lines), "MLCOMP_BANDS": "", "TERM": "xterm", **env})
    pid, fd = pty.fork()
    if pid == 0:  # the child: mlcomp on the terminal
        os.execve(sys.executable, [sys.executable, "-m", "mlcomp", *args], environ)
    seen = b""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        seen += data
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace").replace("\r\n", "\n")


def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A pager command that writes what it reads to a file."""
    record = tmp_path / "paged.txt"
    script = f"import sys; open({str(record)!r}, 'w', encoding='utf-8').write(sys.stdin.read())"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}", record


def test_long_output_on_a_terminal_goes_through_mlcomp_pager_answer_first(tmp_path):
    pager, record = recorder(tmp_path)
    code, screen = on_terminal([*COMPARE, "--chart"], {"MLCOMP_PAGER": pager, "PAGER": "false"})
    assert code == 0
    paged = record.read_text(encoding="utf-8")
    lines = paged.split("\n")
    assert len(lines) > 24  # longer than the screen
    assert lines[0].startswith("BigCo pays the most over 4 years: $1,654,569")
    assert "Startup beats BigCo only if its equity grows more than 27.5% a year." in lines[:5]
    assert "Year by year: add --detail." in paged and "Year 1 base" not in paged  # too short for the years
    assert "$1,654,569" not in screen  # the pager had it all; the terminal none of it


def test_pager_is_used_when_mlcomp_pager_is_unset(tmp_path):
    pager, record = recorder(tmp_path)
    code, _ = on_terminal(COMPARE, {"PAGER": pager})
    assert code == 0 and record.read_text(encoding="utf-8").startswith("BigCo pays the most")


def test_output_that_fits_the_screen_is_not_paged(tmp_path):
    pager, record = recorder(tmp_path)
    code, screen = on_terminal(["estimate", "-y", "4", "--no-chart"], {"MLCOMP_PAGER": pager}, lines=60)
    assert code == 0 and not record.exists()
    assert "Total compensation" in screen and "$322,560" in screen


def test_a_tall_terminal_shows_the_years_and_no_pager(tmp_path):
    pager, record = recorder(tmp_path)
    code, screen = on_terminal([*COMPARE, "--no-chart"], {"MLCOMP_PAGER": pager}, lines=200)
    assert code == 0 and not record.exists()
    assert "Year 1 base" in screen and "--detail" not in screen


@pytest.mark.parametrize("off", [["--no-pager"], []])
def test_no_pager_and_empty_or_cat_settings_turn_it_off(off, tmp_path):
    pager, record = recorder(tmp_path)
    env = {"MLCOMP_PAGER": pager} if off else {"MLCOMP_PAGER": "cat", "PAGER": pager}
    code, screen = on_terminal(off + COMPARE, env)
    assert code == 0 and not record.exists()
    assert screen.split("\n")[0].startswith("BigCo pays the most") and "$1,654,569" in screen


def test_detail_shows_the_years_through_the_pager(tmp_path):
    pager, record = recorder(tmp_path)
    code, _ = on_terminal([*COMPARE, "--detail"], {"MLCOMP_PAGER": pager})
    assert code == 0 and "Year 4 base" in record.read_text(encoding="utf-8")


def test_a_pipe_is_never_paged(tmp_path):
    import subprocess

    pager, record = recorder(tmp_path)
    out = subprocess.run([sys.executable, "-m", "mlcomp", *COMPARE, "--chart"], capture_output=True, text=True,
                         env={**os.environ, "MLCOMP_PAGER": pager, "LINES": "10", "MLCOMP_BANDS": ""}, check=True)
    assert not record.exists()
    lines = out.stdout.split("\n")
    assert lines[0].startswith("BigCo pays the most") and "Year 1 base" in out.stdout  # a file keeps every row


def test_a_long_review_pages_its_rows_then_its_summary_and_nothing_writes_over_the_pager(tmp_path):
    """stderr is the same terminal: the summary, the chart and the notes go through the pager after
    the rows (as git sends stderr to its pager), not onto the screen the pager is drawing."""
    team = (ROOT / "examples/team.csv").read_text(encoding="utf-8").split("\n")
    rows = tmp_path / "team.csv"
    rows.write_text("\n".join([team[0], *[line for _ in range(3) for line in team[1:] if line]]) + "\n",
                    encoding="utf-8")
    pager, record = recorder(tmp_path)
    code, screen = on_terminal(["review", str(rows)], {"MLCOMP_PAGER": pager})
    assert code == 0
    paged = re.sub(r"\x1b\[[0-9;]*m", "", record.read_text(encoding="utf-8")).split("\n")  # colours off
    table = next(i for i, line in enumerate(paged) if line.startswith("id ") and "Verdict" in line)
    summary = paged.index("Pay review: 36 people with pay, 24 repeated ids")
    chart = next(i for i, line in enumerate(paged) if line.startswith("Each person's pay"))
    assert table < summary < chart
    assert "note: line 14: id '1' was given before; counted again, not merged" in paged
    assert "Pay review" not in screen and "note:" not in screen
