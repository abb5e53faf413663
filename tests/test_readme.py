"""The terminal sessions of README.md and the docs/ pages, run for real: every `$ command` shown
prints what the page says.

Files a session shows with `$ cat FILE` are written first, so the examples that read them run too
(a file the repository already has, such as examples/acme.toml, is checked instead: its `cat` must
print what the page shows).
Output is compared line by line (trailing spaces ignored); a block ending in '...' shows only the
start of the output. Where a command writes to both stdout and stderr, the order of lines may differ.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Pages written by hand; errors.md and guide.md are generated from real runs and have tests of their own.
GENERATED = ("errors.md", "guide.md")
PAGES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name not in GENERATED)]
SKIP = ("python benchmarks/bench.py", "<TAB>")  # timings vary; completion needs a shell


def sessions() -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Each console block as (page, [(command, expected lines), ...])."""
    found = []
    for page in PAGES:
        for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            found.append((page.name, [(cmd, [line.rstrip() for line in out.splitlines()])
                                      for cmd, _, out in (chunk.partition("\n")
                                                          for chunk in re.split(r"(?m)^\$ ", block)[1:])]))
    return found


def test_every_page_has_sessions():
    pages = {page for page, _ in sessions()}
    assert {"README.md", "estimate.md", "compare.md", "scripting.md", "data.md", "charts.md"} <= pages


@pytest.mark.parametrize("page, session", sessions(), ids=lambda s: s if isinstance(s, str) else s[0][0][:60])
def test_session_prints_what_it_shows(page, session, tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb", "PYTHONIOENCODING": "utf-8",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NO_COLOR", None)
    env.pop("MLCOMP_BANDS", None)
    ran = 0
    for command, expected in session:
        if command.startswith("cat ") and "|" not in command and not (tmp_path / command.split()[1]).exists():
            (tmp_path / command.split()[1]).write_text("\n".join(expected) + "\n")
            continue
        if any(s in command for s in SKIP) or ("jq" in command and shutil.which("jq") is None):
            continue
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120)
        got = [line.rstrip() for line in (proc.stdout + proc.stderr).splitlines()]
        if expected and expected[-1] == "...":
            expected, got = expected[:-1], got[:len(expected) - 1]
        assert got == expected or (proc.stdout and proc.stderr and sorted(got) == sorted(expected)), \
            f"{page}: $ {command}\n" + "\n".join(got)
        ran += 1
    if not ran:
        pytest.skip("nothing runnable in this session")
