"""mlcomp's benchmark: each command against a floor, alternated in one run, medians and ratios.

    python benchmarks/bench.py            # full run: batches of 1,000,000 rows
    python benchmarks/bench.py --quick    # fewer rounds, 100,000 rows
    python benchmarks/bench.py --only compare --against ../other/src   # compare, two versions side by side

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
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable
MLCOMP = [str(Path(PY).parent / "mlcomp")]  # the installed script, as users run it
FLOOR_APP = [PY, str(HERE / "floor_app.py")]
# As a user runs it: Python caches bytecode (an environment that turns that off would make every run
# recompile mlcomp's own modules in an editable install, and only those: the floors are one file).
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "COLUMNS": "100", "TERM": "dumb"}
# Data as tools write it: every profile field varied, with aliases as people type them; a field
# left empty is omitted from a typed record ("" here), sometimes null (None).
FIELDS: dict[str, list[Any]] = {
    "city": ["", None, "sf", "SF", "nyc", "New York", "seattle", "national", "remote", "bay-area"],
    "tier": ["", None, "faang", "FAANG", "ai-startup", "mid-size", "consultancy", "big tech"],
    "industry": ["", "tech", "quant-finance", "quant", "autonomous-driving", "marketing-analytics"],
    "specialization": ["", "generalist", "rl", "RL", "distributed-training", "inference-optimization"],
    "full_lifecycle": ["", True, False, None],
    "remote_first": ["", "", "", False, True],
    "role": ["", "", "ml", "swe"],
    "ml_focus": ["", "", "", "core", "supporting"],
    "level": ["", "", "", "", "", "", "", "senior", "staff"],
}
FIRST = ["Zoë", "李", "Łukasz", "José", "Ana", "Sørina", "Ольга", "Dana", "Ngozi", "Aarav"]
LAST = ["Ångström", "雷", "Żółć", "Núñez", "Müller", "Ødegård", "Петрова", "Kim", "Okafor", "Patel"]


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
                 rounds: int, warm: bool = True) -> dict[str, float]:
    """Median seconds of each command, the commands alternating in every round."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    if warm:
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


def records(rows: int, seed: int = 11) -> list[dict[str, Any]]:
    """Typed records as a tool holds them: a unique id and name, years a number with 0 to 3 decimals,
    flags booleans, an empty field left out (or null)."""
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        years = round(rng.uniform(0, 30), rng.randint(0, 3))
        row: dict[str, Any] = {"id": i, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                               "years": int(years) if years.is_integer() else years}
        for field, values in FIELDS.items():
            value = rng.choice(values)
            if value != "":
                row[field] = value
        out.append(row)
    return out


def cell(value: Any) -> str:
    """A typed value as a CSV writer of a tool writes it: booleans true/false, null empty."""
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def write_data(tmp: Path, rows: int, name: str) -> dict[str, Path]:
    """The same rows three ways: typed JSON Lines (json.dumps), CSV, JSON Lines of strings."""
    data = records(rows)
    columns = ["id", "name", "years", *FIELDS]
    paths = {kind: tmp / f"{name}-{kind}" for kind in ("typed.jsonl", "strings.jsonl", "rows.csv")}
    with open(paths["typed.jsonl"], "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in data)
    strings = [{column: cell(row.get(column)) for column in columns} for row in data]
    with open(paths["strings.jsonl"], "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in strings)
    with open(paths["rows.csv"], "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(strings)
    return paths


def pads(tmp: Path) -> tuple[Path, Path]:
    """One estimate as the measured mlcomp writes it, in JSON and in CSV: what the floors append."""
    args = [*MLCOMP, "estimate", "--years", "4.5", "--city", "sf", "--tier", "faang", "--full-lifecycle"]
    json_pad, csv_pad = tmp / "pad.json", tmp / "pad.csv"
    json_pad.write_bytes(subprocess.run([*args, "-f", "json"], capture_output=True, check=True, env=ENV).stdout)
    csv_pad.write_bytes(subprocess.run([*args, "-f", "csv"], capture_output=True, check=True, env=ENV).stdout)
    return json_pad, csv_pad


def head_1(cmd: list[str], rounds: int) -> float:
    """Median seconds of `cmd | head -1`, as a shell runs it."""
    line = " ".join(f"'{part}'" for part in cmd) + " | head -1 > /dev/null"
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(["bash", "-c", line], check=True, env=ENV, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ratio: float, target: float, detail: str) -> bool:
    ok = ratio <= target
    print(f"{'PASS' if ok else 'MISS'}  {name:<44} ratio {ratio:5.2f}  (target <= {target:.2f})  {detail}",
          flush=True)
    return ok


def start_up(rounds: int) -> list[bool]:
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
    results = [report("start-up, table", start["table"] / start["floor"], 1.25,
                      f"{ms['table']} vs floor {ms['floor']}"),
               report("start-up, json", start["json"] / start["floor"], 1.15, f"{ms['json']}"),
               report("--help", start["help"] / start["floor"], 1.25, f"{ms['help']}"),
               report("completion request", start["complete"] / start["floor"], 1.25, f"{ms['complete']}")]
    offers = HERE.parent / "examples"
    pair = sorted(p for p in offers.glob("*") if p.suffix in (".toml", ".json"))[:2] if offers.is_dir() else []
    if len(pair) == 2:
        cmp = side_by_side({"floor": floor, "compare": ([*MLCOMP, "compare", *map(str, pair)], None, None)}, rounds)
        results.append(report("compare, two offer files", cmp["compare"] / cmp["floor"], 1.30,
                              f"{cmp['compare'] * 1000:.0f} ms"))
    return results


VESTING = ["even", "back-loaded", "4y monthly, 1y cliff", "4y quarterly", "5/15/40/40 semiannual from year 3"]


def offer_files(tmp: Path, count: int, seed: int = 5) -> list[Path]:
    """`count` offers as JSON files, every calendar and most keys that move money varied."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        offer = {"name": f"Offer {i}", "base": rng.randint(150, 400) * 1000, "bonus": f"{rng.randint(0, 30)}%",
                 "equity": rng.randint(0, 800) * 1000, "vesting": rng.choice(VESTING),
                 "sign_on": [rng.randint(0, 100) * 1000, rng.randint(0, 50) * 1000],
                 "sign_on_clawback": "12m prorated", "refresh": rng.randint(0, 100) * 1000,
                 "refresh_vesting": "4y quarterly", "growth": rng.choice(["0%", "10%", "-20%"]), "raise": "3%"}
        paths.append(tmp / f"offer-{i:03d}.json")
        paths[-1].write_text(json.dumps(offer), encoding="utf-8")
    return paths


def comparisons(tmp: Path, rounds: int, against: str | None = None) -> list[bool]:
    """compare with many offers over a long horizon: the year-by-year calendar and a break-even search
    per offer, against the start-up floor (what is left is compare's own work). With `against` (the
    src directory of another checkout), that version runs alternating with this one, and the ratio
    this / that is printed too."""
    files = [str(p) for p in offer_files(tmp, 100)]
    cases = {"30y": ["compare", *files, "--horizon", "30", "-f", "json"],
             "leave": ["compare", *files, "--leave-after", "18m", "-f", "json"]}
    commands = {"floor": ([*FLOOR_APP, "--years", "4", "--city", "sf"], None, None),
                **{name: ([*MLCOMP, *args], None, None) for name, args in cases.items()}}
    if against:
        other = {**ENV, "PYTHONPATH": against}
        commands.update({f"{name} before": ([PY, "-m", "mlcomp", *args], None, other) for name, args in cases.items()})
    runs = side_by_side(commands, rounds)
    for name in cases if against else ():
        print(f"      {name}: {runs[name] * 1000:.0f} ms, before {runs[name + ' before'] * 1000:.0f} ms: "
              f"ratio {runs[name] / runs[name + ' before']:.2f}", flush=True)
    return [report("compare, 100 offers over 30 years", runs["30y"] / runs["floor"], 8.0,
                   f"{runs['30y'] * 1000:.0f} ms vs floor {runs['floor'] * 1000:.0f} ms"),
            report("compare, 100 offers, --leave-after 18m", runs["leave"] / runs["floor"], 4.0,
                   f"{runs['leave'] * 1000:.0f} ms")]


def batches(tmp: Path, rows: int, rounds: int) -> list[bool]:
    files = write_data(tmp, rows, "big")
    json_pad, csv_pad = pads(tmp)
    estimate = [*MLCOMP, "estimate", "--input", "-"]
    commands = {
        "jsonl floor": ([PY, str(HERE / "floor_jsonl.py"), str(json_pad)], files["typed.jsonl"], None),
        "jsonl": ([*estimate, "--input-format", "jsonl", "-f", "jsonl"], files["typed.jsonl"], None),
        "jsonl, strings": ([*estimate, "--input-format", "jsonl", "-f", "jsonl"], files["strings.jsonl"], None),
        "csv floor": ([PY, str(HERE / "floor_csv.py"), str(csv_pad)], files["rows.csv"], None),
        "csv": ([*estimate, "--input-format", "csv", "-f", "csv"], files["rows.csv"], None),
    }
    jq = shutil.which("jq")
    if jq:
        commands["jq"] = ([jq, "-c", ". + {x: 1}"], files["typed.jsonl"], None)
    took = side_by_side(commands, rounds, warm=False)

    def rate(name: str) -> str:
        return f"{rows / took[name]:,.0f} rows/s"

    out = mlcomp_bytes(files["typed.jsonl"])
    results = [
        report(f"batch, typed, {rows:,} JSONL", took["jsonl"] / took["jsonl floor"], 1.3,
               f"{rate('jsonl')} vs floor {rate('jsonl floor')}; {out / rows:,.0f} bytes a row"),
        report(f"batch, {rows:,} CSV", took["csv"] / took["csv floor"], 1.5,
               f"{rate('csv')} vs floor {rate('csv floor')}"),
        report("batch, typed vs all-string JSONL", max(took["jsonl"], took["jsonl, strings"])
               / min(took["jsonl"], took["jsonl, strings"]), 1.1,
               f"{rate('jsonl')} typed, {rate('jsonl, strings')} strings"),
    ]
    if jq:
        print(f"INFO  moonshot: jq -c '. + {{x: 1}}'                 ratio {took['jsonl'] / took['jq']:5.2f}  "
              f"mlcomp JSONL {rate('jsonl')} vs jq {rate('jq')}", flush=True)
    else:
        print("n/a   moonshot: jq is not installed (apt-get install jq to see it)", flush=True)
    for fmt in ("jsonl", "csv", "tsv", "table"):
        seconds = head_1([*MLCOMP, "estimate", "--input", str(files["rows.csv"]), "-f", fmt], max(3, rounds))
        results.append(report(f"| head -1, {rows:,} rows, {fmt}", seconds / 0.5, 1.0, f"{seconds * 1000:.0f} ms"))
    seconds = head_1([*MLCOMP, "estimate", "--input", str(files["rows.csv"]), "--field", "base.mid"], max(3, rounds))
    results.append(report(f"| head -1, {rows:,} rows, --field", seconds / 0.5, 1.0, f"{seconds * 1000:.0f} ms"))

    rows_only = subprocess.run([PY, str(HERE / "rows_only.py"), str(files["typed.jsonl"]), str(files["rows.csv"]),
                                str(json_pad), str(csv_pad), "1"], capture_output=True, text=True, env=ENV)
    for line in rows_only.stdout.splitlines():
        fmt, ratio, seconds, floor_seconds = line.split()
        print(f"INFO  {'rows only, ' + fmt.upper() + ', no start-up':<44} ratio {float(ratio):5.2f}  CPU {seconds} s "
              f"vs floor {floor_seconds} s, in one process", flush=True)
    small = write_data(tmp, 10_000, "small")
    for kind, fmt in (("typed.jsonl", "jsonl"), ("rows.csv", "csv")):
        cmd = [*estimate, "--input-format", fmt, "-f", fmt]
        rss_small, rss_big = peak_rss_kib(cmd, small[kind]), peak_rss_kib(cmd, files[kind])
        results.append(report(f"memory, {fmt.upper()}, {rows:,} vs 10,000", rss_big / rss_small, 1.2,
                              f"peak RSS {rss_big / 1024:.1f} MiB vs {rss_small / 1024:.1f} MiB"))
    return results


def with_pay(source: Path, target: Path, seed: int = 13) -> Path:
    """The CSV rows of `source` with a person's pay after them, as an HR export writes it: base in
    whole thousands (a few in '240k' or '$240,000' form), bonus and equity, some cells empty."""
    rng = random.Random(seed)
    with open(source, encoding="utf-8", newline="") as inp, open(target, "w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(inp), csv.writer(out, lineterminator="\n")
        writer.writerow([*next(reader), "base", "bonus", "equity"])
        for row in reader:
            base = rng.randrange(120, 600) * 1000
            shown = rng.choice([str(base), str(base), str(base), f"{base // 1000}k", f"${base:,}"])
            writer.writerow([*row, shown, rng.choice(["", "0", str(base // 10)]),
                             rng.choice(["", str(rng.randrange(0, 300) * 1000)])])
    return target


def pay_review(tmp: Path, rows: int, rounds: int, plain: Path) -> list[bool]:
    """The same batch with and without pay columns, side by side; the review (its summary) too; and the
    review's peak memory at `rows` against a tenth of them."""
    pay = with_pay(plain, tmp / "pay.csv")
    estimate = [*MLCOMP, "estimate", "--input", "-", "--input-format", "csv", "-f", "csv"]
    review = [*MLCOMP, "review", "-", "--input-format", "csv", "-f", "csv"]
    took = side_by_side({"plain": (estimate, plain, None), "pay": (estimate, pay, None),
                         "review": (review, pay, None), "review json": ([*review[:-1], "json"], pay, None)},
                        rounds, warm=False)

    def rate(name: str) -> str:
        return f"{rows / took[name]:,.0f} rows/s"

    results = [report(f"pay columns, {rows:,} CSV rows, vs none", took["pay"] / took["plain"], 1.2,
                      f"{rate('pay')} vs {rate('plain')} without pay columns"),
               report(f"review (rows and summary), {rows:,} CSV rows", took["review"] / took["plain"], 1.2,
                      f"{rate('review')} vs {rate('plain')}"),
               report(f"review -f json (summary only), {rows:,} rows", took["review json"] / took["plain"], 1.2,
                      f"{rate('review json')} vs {rate('plain')}")]
    # its 10x twin: at a million rows against 100,000, past the people whose medians and ids are kept
    # exactly (review.EXACT, review.IDS), where memory must stay flat; below, it grows with them
    twin = rows // 10
    small = with_pay(write_data(tmp, twin, "small-pay")["rows.csv"], tmp / "small-pay.csv")
    rss_small, rss_big = peak_rss_kib(review, small), peak_rss_kib(review, pay)
    kept = "" if twin >= 100_000 else "; below 100,000 people medians and ids are kept exactly, and grow"
    results.append(report(f"memory, review, {rows:,} vs {twin:,}", rss_big / rss_small, 1.2,
                          f"peak RSS {rss_big / 1024:.1f} MiB vs {rss_small / 1024:.1f} MiB{kept}"))
    return results


def mlcomp_bytes(path: Path) -> int:
    """Bytes mlcomp writes for a file of JSON Lines."""
    with open(path, "rb") as inp:
        done = subprocess.run([*MLCOMP, "estimate", "--input", "-", "-f", "jsonl"], stdin=inp,
                              stdout=subprocess.PIPE, check=True, env=ENV)
    return len(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, 100,000 rows")
    parser.add_argument("--rows", type=int, help="rows of each batch file (default 1,000,000; --quick 100,000)")
    parser.add_argument("--only", choices=["start-up", "compare", "batch", "review"], help="run one group of cases")
    parser.add_argument("--against", metavar="SRC", help="compare cases: also run the mlcomp in SRC (another "
                        "checkout's src directory, with its data) side by side, and print the ratios")
    args = parser.parse_args()
    rounds = 3 if args.quick else 11
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    tmp = Path(tempfile.mkdtemp(prefix="mlcomp-bench-"))
    results = []
    try:
        print(f"python {sys.version.split()[0]}, medians; ratios are mlcomp / floor\n", flush=True)
        if args.only in (None, "start-up"):
            results += start_up(rounds)
        if args.only in (None, "compare"):
            results += comparisons(tmp, rounds, args.against)
        try:
            if args.only in (None, "batch"):
                results += batches(tmp, rows, 1 if args.quick else 3)
            if args.only in (None, "review"):
                results += pay_review(tmp, rows, 1 if args.quick else 3, write_data(tmp, rows, "plain")["rows.csv"])
        except RuntimeError as e:
            print(f"FAIL  batch and memory: {e}")
            results.append(False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{sum(results)} of {len(results)} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
