"""The `mlcomp` command's entry point. It imports nothing heavy itself, so that Ctrl-C while the
command line's modules load (typer, rich: the first tens of milliseconds) exits 130 quietly, as
Ctrl-C does later, instead of printing a traceback."""

import os
import sys


def main() -> None:
    try:
        from mlcomp.cli import main as run
    except KeyboardInterrupt:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # nothing more on stderr, even at exit
        sys.exit(130)
    run()
