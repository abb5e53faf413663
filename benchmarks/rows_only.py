"""Rows only: mlcomp's batch against the plain loops in one process, start-up left out.

    python benchmarks/rows_only.py FILE.jsonl FILE.csv PAD.json PAD.csv [ROUNDS]

Prints a line per format: the ratio, mlcomp's CPU seconds, the floor's. bench.py runs it on its
files (PAD.*: one estimate, what the floors append to each row), to show how much of a batch's ratio
is the work per row and how much is start-up. Each side runs as its program would (mlcomp with the
garbage collector off while rows stream, as the command line does), alternating, and the best CPU
time of ROUNDS counts.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor_csv
import floor_jsonl

from mlcomp import batch
from mlcomp.bands import Bands, load_bands


def floor(main: Callable[[str], None], path: str, pad: str) -> None:
    with open(path, encoding="utf-8", newline="") as rows, open(os.devnull, "w", encoding="utf-8") as out:
        sys.stdin, sys.stdout = rows, out
        try:
            main(pad)
        finally:
            sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__


def mlcomp(bands: Bands, fmt: str, path: str) -> None:
    gc.disable()
    try:
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as rows, \
                open(os.devnull, "wb") as out:
            batch.stream(rows, out, batch.Estimator(bands, output=fmt), fmt=fmt, output=fmt)
    finally:
        gc.enable()


def main() -> None:
    jsonl, csv_path, json_pad, csv_pad = sys.argv[1:5]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    bands = load_bands()  # start-up, left out
    runs: dict[str, Callable[[], None]] = {
        "jsonl floor": lambda: floor(floor_jsonl.main, jsonl, json_pad),
        "jsonl": lambda: mlcomp(bands, "jsonl", jsonl),
        "csv floor": lambda: floor(floor_csv.main, csv_path, csv_pad), "csv": lambda: mlcomp(bands, "csv", csv_path)}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - start)
    for fmt in ("jsonl", "csv"):
        print(f"{fmt} {best[fmt] / best[f'{fmt} floor']:.2f} {best[fmt]:.2f} {best[f'{fmt} floor']:.2f}")


if __name__ == "__main__":
    main()
