"""mlcomp's benchmark: each command against a floor, alternated in one run, medians and ratios.

    python benchmarks/bench.py            # full run
    python benchmarks/bench.py --quick    # fewer rounds, smaller inputs

The machine is shared and noisy, so absolute times mean little; the ratios printed are measured
side by side (the commands compared alternate, round after round) and are what to read.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
MLCOMP = [str(Path(PY).parent / "mlcomp")]  # the installed script, as users run it
FLOOR_APP = [PY, str(HERE / "floor_app.py")]
FLOOR_JSON = [PY, str(HERE / "floor_json.py")]
FLOOR_JSONL = [PY, str(HERE / "floor_jsonl.py")]
FLOOR_CSV = [PY, str(HERE / "floor_csv.py")]
# As a user runs it: Python caches bytecode (an environment that turns that off would make every run
# recompile mlcomp's own modules in an editable install, and only those: the floors are one file).
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "COLUMNS": "100", "TERM": "dumb"}
CITIES = ["sf", "nyc", "seattle", "national", "remote"]
TIERS = ["", "faang", "ai-startup", "mid-size", "consultancy"]
# Real-shaped data: every profile field varied, with empty cells and aliases as people type them.
REAL = {"city": ["", "sf", "SF", "nyc", "seattle", "national", "remote", "bay-area"],
        "tier": ["", "faang", "ai-startup", "mid-size", "consultancy"],
        "industry": ["", "tech", "quant-finance", "autonomous-driving", "marketing-analytics"],
        "specialization": ["", "generalist", "rl", "distributed-training", "inference-optimization"],
        "full_lifecycle": ["", "yes", "no", "true", "false"],
        "remote_first": ["", "", "", "no", "yes"],
        "role": ["", "", "ml", "swe"]}
NAMES = ["Zoë Ångström", "李雷", "Łukasz Żółć", "José Núñez", "Ana Müller", "Sørina Ødegård", "Ольга", "Dana"]


def timed(cmd: list[str], stdin: Path | None = None, env: dict[str, str] | None = None) -> float:
    with open(stdin or os.devnull, "rb") as inp:
        start = time.perf_counter()
        done = subprocess.run(cmd, stdin=inp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env or ENV)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return elapsed


def side_by_side(commands: dict[str, tuple[list[str], Path | None, dict[str, str] | None]],
                 rounds: int) -> dict[str, float]:
    """Median seconds of each command, the commands alternating in every round."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for cmd, stdin, env in commands.values():  # one untimed round: caches warm, bytecode written
        timed(cmd, stdin, env)
    for _ in range(rounds):
        for name, (cmd, stdin, env) in commands.items():
            times[name].append(timed(cmd, stdin, env))
    return {name: statistics.median(values) for name, values in times.items()}


def peak_rss_kib(cmd: list[str], stdin: Path) -> int:
    """Peak resident memory of one run, read by a fresh wrapper process from its children's usage."""
    probe = ("import resource, subprocess, sys; "
             f"subprocess.run({cmd!r}, stdin=open({str(stdin)!r}, 'rb'), stdout=subprocess.DEVNULL, check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    return int(subprocess.run([PY, "-c", probe], capture_output=True, text=True, check=True, env=ENV).stdout)


def profiles(path: Path, rows: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    with open(path, "w") as f:
        for i in range(rows):
            row = {"id": i, "years": rng.randint(0, 25), "city": rng.choice(CITIES)}
            tier = rng.choice(TIERS)
            if tier:
                row["tier"] = tier
            f.write(json.dumps(row) + "\n")
    return path


def real_rows(rows: int, seed: int = 11) -> list[dict[str, str]]:
    """Rows shaped like an HR export: an id, a non-ASCII name, years uniform over 0-30 with three
    decimals (nearly every row a distinct profile), every other field drawn with empty cells."""
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        row = {"id": f"E{i:06d}", "name": rng.choice(NAMES), "years": f"{rng.uniform(0, 30):.3f}"}
        row.update((field, rng.choice(values)) for field, values in REAL.items())
        out.append(row)
    return out


def write_real(tmp: Path, rows: int, name: str = "real") -> tuple[Path, Path]:
    """The same rows as CSV and as JSON Lines (every cell a string, empty cells as "")."""
    data = real_rows(rows)
    csv_path, jsonl_path = tmp / f"{name}.csv", tmp / f"{name}.jsonl"
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(data[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)
    with open(jsonl_path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in data)
    return csv_path, jsonl_path


def report(name: str, ratio: float, target: float, detail: str) -> bool:
    ok = ratio <= target
    print(f"{'PASS' if ok else 'MISS'}  {name:<40} ratio {ratio:5.2f}  (target <= {target:.2f})  {detail}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and rows")
    args = parser.parse_args()
    rounds = 5 if args.quick else 15
    batch_rows = 20_000 if args.quick else 100_000
    big, small = (200_000, 10_000) if args.quick else (1_000_000, 10_000)
    tmp = Path(tempfile.mkdtemp(prefix="mlcomp-bench-"))
    results = []
    try:
        print(f"python {sys.version.split()[0]}, {rounds} rounds, medians; ratios are mlcomp / floor\n")
        floor = ([*FLOOR_APP, "--years", "4", "--city", "sf"], None, None)
        start = side_by_side({
            "floor": floor,
            "table": ([*MLCOMP, "estimate", "--years", "4", "--city", "sf"], None, None),
            "json": ([*MLCOMP, "estimate", "--years", "4", "--city", "sf", "--format", "json"], None, None),
            "help": ([*MLCOMP, "--help"], None, None),
            "complete": (MLCOMP, None, {**ENV, "_MLCOMP_COMPLETE": "complete_bash",
                                        "COMP_WORDS": "mlcomp estimate --city s", "COMP_CWORD": "3"}),
        }, rounds)
        ms = {k: f"{v * 1000:.0f} ms" for k, v in start.items()}
        results.append(report("start-up, table", start["table"] / start["floor"], 1.25,
                              f"{ms['table']} vs floor {ms['floor']}"))
        results.append(report("start-up, json", start["json"] / start["floor"], 1.15, f"{ms['json']}"))
        results.append(report("--help", start["help"] / start["floor"], 1.25, f"{ms['help']}"))
        results.append(report("completion request", start["complete"] / start["floor"], 1.25, f"{ms['complete']}"))

        offers = HERE.parent / "examples"
        pair = sorted(p for p in offers.glob("*") if p.suffix in (".toml", ".json"))[:2] if offers.is_dir() else []
        if len(pair) == 2:
            cmp = side_by_side({"floor": floor, "compare": ([*MLCOMP, "compare", *map(str, pair)], None, None)}, rounds)
            results.append(report("compare, two offer files", cmp["compare"] / cmp["floor"], 1.30,
                                  f"{cmp['compare'] * 1000:.0f} ms"))
        else:
            print("n/a   compare: no example offers in examples/")

        try:
            data = profiles(tmp / "batch.jsonl", batch_rows)
            batch_cmd = [*MLCOMP, "estimate", "--input", "-", "--format", "jsonl"]
            batch = side_by_side({"floor": (FLOOR_JSON, data, None), "mlcomp": (batch_cmd, data, None)},
                                 max(3, rounds // 5))
            results.append(report(f"batch, repeated data, {batch_rows:,} JSONL", batch["mlcomp"] / batch["floor"],
                                  2.0, f"{batch_rows / batch['mlcomp']:,.0f} rows/s vs floor "
                                  f"{batch_rows / batch['floor']:,.0f} rows/s"))

            rss_small = peak_rss_kib(batch_cmd, profiles(tmp / "small.jsonl", small))
            rss_big = peak_rss_kib(batch_cmd, profiles(tmp / "big.jsonl", big))
            results.append(report(f"memory, repeated, {big:,} vs {small:,}", rss_big / rss_small, 1.2,
                                  f"peak RSS {rss_big / 1024:.1f} MiB vs {rss_small / 1024:.1f} MiB"))

            real_csv, real_jsonl = write_real(tmp, batch_rows)
            jsonl_cmd = [*MLCOMP, "estimate", "--input", "-", "--input-format", "jsonl", "--format", "jsonl"]
            csv_cmd = [*MLCOMP, "estimate", "--input", "-", "--input-format", "csv", "--format", "csv"]
            commands = {"jsonl floor": (FLOOR_JSONL, real_jsonl, None), "jsonl": (jsonl_cmd, real_jsonl, None),
                        "csv floor": (FLOOR_CSV, real_csv, None), "csv": (csv_cmd, real_csv, None)}
            jq = shutil.which("jq")
            if jq:
                commands["jq"] = ([jq, "-c", ". + {x: 1}"], real_jsonl, None)
            real = side_by_side(commands, max(3, rounds // 5))

            def rate(name: str) -> str:
                return f"{batch_rows / real[name]:,.0f} rows/s"

            results.append(report(f"batch, real-shaped, {batch_rows:,} JSONL", real["jsonl"] / real["jsonl floor"],
                                  1.3, f"{rate('jsonl')} vs floor {rate('jsonl floor')}"))
            results.append(report(f"batch, real-shaped, {batch_rows:,} CSV", real["csv"] / real["csv floor"], 1.5,
                                  f"{rate('csv')} vs floor {rate('csv floor')}"))
            if jq:
                print(f"INFO  moonshot: jq -c '. + {{x: 1}}'             ratio {real['jsonl'] / real['jq']:5.2f}  "
                      f"mlcomp JSONL {rate('jsonl')} vs jq {rate('jq')}")
            else:
                print("n/a   moonshot: jq is not installed")
            # the same files, rows only: in one process, start-up left out (CPU time, best of the rounds)
            rows = subprocess.run([PY, str(HERE / "rows_only.py"), str(real_jsonl), str(real_csv),
                                   str(max(3, rounds // 5))], capture_output=True, text=True, check=True, env=ENV)
            for line in rows.stdout.splitlines():
                fmt, ratio, seconds, floor_seconds = line.split()
                name = f"rows only, {fmt.upper()}, no start-up"
                print(f"INFO  {name:<40} ratio {float(ratio):5.2f}  CPU {seconds} s vs floor {floor_seconds} s, "
                      "in one process")

            _, small_real = write_real(tmp, small, "small-real")
            _, big_real = write_real(tmp, big, "big-real")
            rss_small = peak_rss_kib(jsonl_cmd, small_real)
            rss_big = peak_rss_kib(jsonl_cmd, big_real)
            results.append(report(f"memory, real-shaped, {big:,} vs {small:,}", rss_big / rss_small, 1.2,
                                  f"peak RSS {rss_big / 1024:.1f} MiB vs {rss_small / 1024:.1f} MiB"))
        except RuntimeError as e:
            print(f"FAIL  batch and memory: {e}")
            results.append(False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{sum(results)} of {len(results)} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
