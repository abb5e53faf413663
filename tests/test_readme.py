"""The README's terminal sessions, run for real: every `$ command` shown prints what the README says.

Files a session shows with `$ cat FILE` are written first, so the examples that read them run too.
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
README = (ROOT / "README.md").read_text(encoding="utf-8")
SKIP = ("python benchmarks/bench.py", "<TAB>")  # timings vary; completion needs a shell


def sessions() -> list[list[tuple[str, list[str]]]]:
    """Each console block as [(command, expected lines), ...]."""
    blocks = re.findall(r"```console\n(.*?)```", README, re.S)
    return [[(cmd, [line.rstrip() for line in out.splitlines()])
             for cmd, _, out in (chunk.partition("\n") for chunk in re.split(r"(?m)^\$ ", block)[1:])]
            for block in blocks]


@pytest.mark.parametrize("session", sessions(), ids=lambda s: s[0][0][:60])
def test_readme_session_prints_what_it_shows(session, tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb", "PYTHONIOENCODING": "utf-8",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NO_COLOR", None)
    env.pop("MLCOMP_BANDS", None)
    ran = 0
    for command, expected in session:
        if command.startswith("cat ") and "|" not in command:
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
            f"$ {command}\n" + "\n".join(got)
        ran += 1
    if not ran:
        pytest.skip("nothing runnable in this session")
