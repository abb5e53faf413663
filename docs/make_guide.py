"""Write docs/guide.md: every statement of the salary guide that carries a number or an ordering,
beside the mlcomp commands that show it, their output, and whether the output bears it out.

Each command is run for real (a shell runs `mlcomp ...` as a user would type it), so the page shows
what the tool prints today. tests/test_guide_doc.py fails when docs/guide.md differs from a fresh
run, or when a statement does not hold.

    python docs/make_guide.py          # rewrite docs/guide.md
    python docs/make_guide.py --check  # exit 1 if it is out of date or a statement does not hold
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOC = Path(__file__).with_name("guide.md")
SCRIPT = Path(sys.executable).with_name("mlcomp")
TOOL = f'"{SCRIPT}"' if SCRIPT.exists() else f'"{sys.executable}" -m mlcomp'
STACKED = "-l staff -t faang -i quant-finance -s rl --full-lifecycle --ml-focus core"


@dataclass(frozen=True)
class Statement:
    topic: str
    quote: str  # the guide's words
    claim: str  # what the output must show
    commands: tuple[str, ...]
    holds: Callable[[list[Any]], bool]  # given each command's output (JSON-parsed when it parses)


def field(options: str, path: str) -> str:
    return f"mlcomp estimate {options} --field {path}"


def level(quote: str, years: int, low: int, high: int, name: str, note: str = "") -> Statement:
    return Statement("Salary by experience level", quote, f"{years} years is {name}{note}; the band is "
                     f"${low:,} to ${high:,}", (field(f"-y {years}", "level"), field(f"-y {years}", "band")),
                     lambda o: o[0] == name and (o[1]["low"], o[1]["high"]) == (low, high))


def ratio(a: dict[str, int], b: dict[str, int], end: str) -> float:
    return a[end] / b[end]


CITIES = ("sf", "nyc", "seattle")
NAV = ("[README](../README.md) · [estimate](estimate.md) · [compare](compare.md) · [scripting](scripting.md) · "
       "[data](data.md) · [charts](charts.md) · [performance](performance.md) · [errors](errors.md) · "
       "[changes](changes.md)")
STATEMENTS = [
    level("Entry Level (0-2 years) $130K - $180K", 2, 130_000, 180_000, "entry"),
    level("Mid Level (3-5 years) $180K - $260K", 5, 180_000, 260_000, "mid"),
    level("Senior (6-10 years) $260K - $350K", 6, 260_000, 350_000, "senior"),
    level("Staff/Principal (10+ years) $350K - $450K", 10, 350_000, 450_000, "staff",
          " (in both of the guide's ranges, 10 years is read as staff)"),
    Statement("Salary by experience level", "Entry-level roles start around $130,000",
              "the typical base at 0 years is $130,000", (field("-y 0", "base.typical"),),
              lambda o: o[0] == 130_000),
    Statement("Salary by experience level", "Senior ML engineers with 6 to 10 years of experience typically "
              "earn between $260,000 and $350,000 in base salary",
              "the typical base from 6 to 9.9 years stays inside $260,000 to $350,000",
              (field("-y 6", "base.typical"), field("-y 9.9", "base.typical")),
              lambda o: all(260_000 <= v <= 350_000 for v in o)),
    Statement("Salary by experience level", "(a career crosses the bands: more years, more pay)",
              "the typical base never falls from one year to the next, across promotions too "
              "(columns: years, level, base_typical)",
              ("mlcomp curve --from 0 --to 20 -f csv | cut -d, -f1,2,6",),
              lambda o: (lambda rows: rows == sorted(rows))(
                  [int(line.split(",")[2]) for line in o[0].splitlines()[1:]])),
    Statement("Total compensation", "ranges from $180,000 to $260,000 for mid-level practitioners, with total "
              "compensation often exceeding base salary by 20 to 40 percent when equity and bonuses are included",
              "total comp is base + 20% at the low end and base + 40% at the high end",
              (field("-l mid", "base"), field("-l mid", "total_comp")),
              lambda o: (o[0]["low"], o[0]["high"]) == (180_000, 260_000)
              and round(ratio(o[1], o[0], "low"), 4) == 1.2 and round(ratio(o[1], o[0], "high"), 4) == 1.4),
    Statement("Total compensation", "senior and staff-level engineers at top companies can earn $350,000 or "
              "more in total compensation", "senior and staff at a FAANG-level firm: total comp mid "
              "$350,000 or more", (field("-l senior -t faang", "total_comp.mid"),
                                   field("-l staff -t faang", "total_comp.mid")),
              lambda o: all(v >= 350_000 for v in o)),
    Statement("Total compensation", "At leading technology companies, total compensation packages that include "
              "restricted stock units and performance bonuses can bring the figure to $400,000 or higher",
              "senior at a FAANG-level firm, 8 years: typical total comp $400,000 or more",
              (field("-y 8 -t faang", "total_comp.typical"),), lambda o: o[0] >= 400_000),
    Statement("Total compensation", "(base is 45% to 70% of total comp at the top tiers: an assumption of the "
              "data, after publicly reported packages such as a staff package of $244K base in $466K total)",
              "senior at a FAANG-level firm, 8 years, and staff at a well-funded AI startup, 14 years: "
              "typical base 45% to 70% of typical total comp",
              (field("-y 8 -t faang", "base.typical"), field("-y 8 -t faang", "total_comp.typical"),
               field("-y 14 -t ai-startup", "base.typical"), field("-y 14 -t ai-startup", "total_comp.typical")),
              lambda o: 0.45 <= o[0] / o[1] <= 0.70 and 0.45 <= o[2] / o[3] <= 0.70),
    Statement("Total compensation", "Staff and principal-level engineers at FAANG companies have been reported "
              "to earn total compensation above $500,000",
              "staff at a FAANG-level firm, 12 years: typical total comp above $500,000",
              (field("-y 12 -t faang", "total_comp.typical"),), lambda o: o[0] > 500_000),
    Statement("Location", "Engineers based in San Francisco, New York, and Seattle command premiums of 15 to 30 "
              "percent over national averages", "each city's base is 15% to 30% over the national band at both "
              "ends, San Francisco highest, then New York, then Seattle",
              (field("-l mid", "base"), *(field(f"-l mid -c {c}", "base") for c in CITIES)),
              lambda o: all(1.15 <= round(ratio(city, o[0], end), 4) <= 1.30 for city in o[1:]
                            for end in ("low", "high")) and o[1]["high"] > o[2]["high"] > o[3]["high"]),
    Statement("Location", "premiums of 15 to 30 percent over national averages (the one premium the guide "
              "quantifies)", "with every other premium stacked (and capped), the high end still orders "
              "San Francisco > New York > Seattle > national",
              tuple(field(f"{STACKED} -c {c}", "total_comp.high") for c in (*CITIES, "national")),
              lambda o: o[0] > o[1] > o[2] > o[3]),
    Statement("Location", "remote-first companies increasingly benchmark to a single national or global pay "
              "band", "a remote-first employer pays the national band in San Francisco too",
              (field("-l mid", "base"), field("-l mid -c sf --remote-first", "base")), lambda o: o[0] == o[1]),
    Statement("Company tier", "FAANG-level firms and well-funded AI startups consistently pay at the top of the "
              "market", "base at the top of the band (a higher low end, the band's own high end); total comp "
              "above the market's at both ends, the rest being equity and bonus",
              (field("-l mid", "base"), field("-l mid -t faang", "base"), field("-l mid -t ai-startup", "base"),
               field("-l mid", "total_comp"), field("-l mid -t faang", "total_comp"),
               field("-l mid -t ai-startup", "total_comp")),
              lambda o: all(t["low"] > o[0]["low"] and t["high"] == o[0]["high"] for t in o[1:3])
              and all(t[e] > o[3][e] for t in o[4:] for e in ("low", "high"))),
    Statement("Company tier", "Senior ML engineers with 6 to 10 years of experience typically earn between "
              "$260,000 and $350,000 in base salary (at the top of the market too)",
              "senior at a FAANG-level firm, national, 6 to 9.9 years: typical base inside $260,000 to $350,000",
              (field("-y 6 -t faang", "base.typical"), field("-y 9.9 -t faang", "base.typical")),
              lambda o: all(260_000 <= v <= 350_000 for v in o)),
    Statement("Company tier", "mid-size enterprises and consultancies tend to offer salaries closer to the median",
              "their ranges lie inside the market's: a higher low end, a lower high end",
              (field("-l mid", "base"), field("-l mid -t mid-size", "base"), field("-l mid -t consultancy", "base")),
              lambda o: all(t["low"] > o[0]["low"] and t["high"] < o[0]["high"] for t in o[1:])),
    Statement("Specialization", "Engineers who specialize in areas like reinforcement learning, large-scale "
              "distributed training, or real-time inference optimization tend to earn more than generalists",
              "each specialization's midpoint is above the generalist's",
              tuple(field(f"-l mid -s {s}", "base.mid") for s in
                    ("generalist", "rl", "distributed-training", "inference-optimization")),
              lambda o: all(v > o[0] for v in o[1:])),
    Statement("Industry", "roles in quantitative finance or autonomous driving carry higher compensation than "
              "comparable positions in marketing analytics", "both total-comp midpoints are above marketing "
              "analytics'",
              tuple(field(f"-l mid -i {i}", "total_comp.mid") for i in
                    ("marketing-analytics", "quant-finance", "autonomous-driving")),
              lambda o: o[1] > o[0] and o[2] > o[0]),
    Statement("Full ML lifecycle", "Engineers who combine strong MLOps practices with modeling expertise position "
              "themselves for the highest offers", "the full lifecycle raises the high end",
              (field("-l mid", "base.high"), field("-l mid --full-lifecycle", "base.high")), lambda o: o[1] > o[0]),
    Statement("ML and software engineers", "ML engineers generally earn a 10 to 25 percent premium over general "
              "software engineers at the same experience level and company",
              "the ML band is 10% above the software engineer's at the low end and 25% at the high end",
              (field("-l mid", "base"), field("-l mid --role swe", "base")),
              lambda o: round(ratio(o[0], o[1], "low"), 2) == 1.10 and round(ratio(o[0], o[1], "high"), 2) == 1.25),
    Statement("ML focus", "at organizations where ML is central to the product, the premium may be higher",
              "--ml-focus core pays more than the ML band at both ends",
              (field("-l mid", "base"), field("-l mid --ml-focus core", "base")),
              lambda o: o[1]["low"] > o[0]["low"] and o[1]["high"] > o[0]["high"]),
    Statement("ML focus", "at companies where ML is a supporting function, compensation may align more closely "
              "with general engineering bands", "--ml-focus supporting lies between the software-engineer "
              "band and the ML band at both ends",
              (field("-l mid", "base"), field("-l mid --ml-focus supporting", "base"),
               field("-l mid --role swe", "base")),
              lambda o: all(o[2][e] < o[1][e] < o[0][e] for e in ("low", "high"))),
]


def run(command: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    env.pop("MLCOMP_BANDS", None)
    proc = subprocess.run(["bash", "-c", command.replace("mlcomp ", f"{TOOL} ")], capture_output=True,
                          text=True, env=env, timeout=120)
    if proc.returncode or proc.stderr:
        raise SystemExit(f"$ {command}\nexit {proc.returncode}\n{proc.stderr}")
    return proc.stdout


def parsed(out: str) -> Any:
    try:
        return json.loads(out)
    except ValueError:
        return out.strip()


def run_all() -> list[tuple[Statement, list[str], bool]]:
    commands = sorted({c for s in STATEMENTS for c in s.commands})
    with ThreadPoolExecutor(4) as pool:
        outputs = dict(zip(commands, pool.map(run, commands), strict=True))
    results = []
    for s in STATEMENTS:
        outs = [outputs[c] for c in s.commands]
        results.append((s, outs, bool(s.holds([parsed(o) for o in outs]))))
    return results


def render(results: list[tuple[Statement, list[str], bool]]) -> str:
    lines = ["# The guide, statement by statement", "", NAV, "",
             "Every statement of the *ML Engineer Salary Guide 2026* that carries a number or an ordering, "
             "beside the `mlcomp` commands that show it and what they print. Generated by "
             "`python docs/make_guide.py` from real runs; a test fails when this page and the tool disagree, "
             "or when a statement no longer holds.", ""]
    topic = None
    for s, outs, holds in results:
        if s.topic != topic:
            lines += [f"## {s.topic}", ""]
            topic = s.topic
        if s.quote:
            lines += [f"> {s.quote}", ""]
        lines += ["```console"]
        for command, out in zip(s.commands, outs, strict=True):
            lines += [f"$ {command}", *out.rstrip("\n").splitlines()]
        lines += ["```", "", f"Shown: {s.claim}. {'Holds.' if holds else 'DOES NOT HOLD.'}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    results = run_all()
    fresh = render(results)
    failing = [s.claim for s, _, holds in results if not holds]
    if "--check" in sys.argv[1:]:
        if DOC.read_text(encoding="utf-8") != fresh or failing:
            sys.exit("docs/guide.md is out of date or a statement does not hold: run python docs/make_guide.py")
        return
    DOC.write_text(fresh, encoding="utf-8")
    print(f"wrote {DOC} ({len(results)} statements)")
    for claim in failing:
        print(f"does not hold: {claim}", file=sys.stderr)


if __name__ == "__main__":
    main()
