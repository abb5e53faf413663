"""Write the captures at the end of docs/charts.md: what each drawing command prints at 40, 60, 80 and
120 columns, run for real (the installed command, in the repository, so examples/ is there).

Everything after the CAPTURES heading is this script's; the page above it is written by hand (and its
sessions are run by tests/test_readme.py). tests/test_charts_doc.py fails when the captures differ
from a fresh run.

    python docs/make_charts.py          # rewrite the captures in docs/charts.md
    python docs/make_charts.py --check  # exit 1 if they are out of date

To capture another command, add it to COMMANDS.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DOC = Path(__file__).with_name("charts.md")
ROOT = DOC.parents[1]
SCRIPT = Path(sys.executable).with_name("mlcomp")
TOOL = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "mlcomp"]
WIDTHS = (40, 60, 80, 120)
CAPTURES = "## Every width: 40, 60, 80 and 120 columns"
COMMANDS = [
    "mlcomp estimate --years 4 --city sf --explain --chart",
    "mlcomp curve --city sf --chart",
    "mlcomp compare examples/bigco.toml examples/startup.json --years 4 --city sf --growth -20%,0,20% --chart",
    "mlcomp bands",
    "mlcomp factors",
]
INTRO = """\
What each command that draws prints in a terminal of each width (`COLUMNS=40` ... `COLUMNS=120`),
captured by `python docs/make_charts.py`. Below 80 columns a table first loses the blank edge
around it, then the columns a narrow terminal can do without (estimate: Mid; curve: the ranges,
then the level, then the bars; bands: Mid, then the aliases; factors: the aliases; a batch: the
low and high ends); when even that is not enough it is printed as lines of `label: value`. Words
wrap at their spaces, a number is never split, and a chart puts its labels above its bars when
they leave the bars fewer than 20 columns; a legend's items are never split.
"""


def capture(command: str, width: int) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "MLCOMP_BANDS", "_MLCOMP_COMPLETE")}
    env.update({"COLUMNS": str(width), "TERM": "dumb", "PYTHONIOENCODING": "utf-8"})
    done = subprocess.run([*TOOL, *shlex.split(command)[1:]], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    if done.returncode:
        raise SystemExit(f"{command} at {width} columns: exit {done.returncode}: {done.stderr}")
    return "\n".join(line.rstrip() for line in done.stdout.rstrip("\n").split("\n"))


def render(outputs: dict[tuple[str, int], str]) -> str:
    parts = [f"{CAPTURES}\n\n{INTRO}"]
    for command in COMMANDS:
        parts.append(f"\n### `{command}`\n")
        for width in WIDTHS:
            parts.append(f"\n<details><summary>{width} columns</summary>\n\n```text\n$ COLUMNS={width} {command}\n"
                         f"{outputs[command, width]}\n```\n\n</details>\n")
    return "".join(parts)


def run_all() -> dict[tuple[str, int], str]:
    jobs = [(command, width) for command in COMMANDS for width in WIDTHS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(lambda job: capture(*job), jobs), strict=True))


def page(captures: str) -> str:
    """docs/charts.md with these captures in place of its old ones (or added at its end)."""
    text = DOC.read_text(encoding="utf-8")
    head = text.split(f"\n{CAPTURES}\n")[0].rstrip("\n")
    return f"{head}\n\n\n{captures}"


def main() -> int:
    fresh = page(render(run_all()))
    if "--check" in sys.argv[1:]:
        if DOC.read_text(encoding="utf-8") != fresh:
            print("docs/charts.md is out of date: run python docs/make_charts.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
