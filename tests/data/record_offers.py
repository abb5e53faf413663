"""Record what `compare` printed for a grid of offers into tests/data/recorded_offers.json.

Run once, before a change to the offer arithmetic or its output, to keep what it printed then (0.3.0:
recorded again when close calls came in; only the close-call key, caption and sentence changed; 0.4.0:
recorded again when compare put its answer first: JSON and CSV byte for byte the same, and every
line of each table still there, with the answer's sentences added above it):

    python tests/data/record_offers.py

tests/test_recorded.py compares today's code against the file: the JSON, the CSV and the table of
every recorded comparison, byte for byte. No profile is given, so the market view (judged apart)
does not enter; every key that moves money does.
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from mlcomp import charts, formats, render
from mlcomp.offers import compare, make_offer, scenarios

OUT = Path(__file__).with_name("recorded_offers.json")
CASH: list[dict[str, Any]] = [
    {"base": "240k", "bonus": "15%"},
    {"base": 205_000, "bonus": "20k", "raise": "3%"},
    {"base": "$180,500", "sign_on": ["60k", "40k"], "relocation": "10k", "benefits": "12k"},
]
EQUITY: list[dict[str, Any]] = [
    {},
    {"equity": "400k", "vesting": "back-loaded", "refresh": "40k"},
    {"equity": "420k", "vesting": [5, 15, 40, 40], "growth": "10%"},
    {"shares": 1600, "share_price": 250, "vesting": "front-loaded"},
    {"shares": "100k", "share_price": 9.5, "strike": 2.5, "equity_discount": "30%", "vesting": "20/20/20/20/20"},
    {"equity": "300k", "vesting": [33.5, 33.25, 33.25], "refresh": "25k", "equity_discount": 0.1},
]
OTHER: list[dict[str, Any]] = [{"name": "Other", "base": "230k", "equity": "200k", "sign_on": "25k"}]
HORIZONS = (1, 4, 7)
GROWTHS = (None, 0.1, -0.3)
SCENARIOS = (-0.2, 0.0, 0.2)


def grid() -> list[tuple[list[dict[str, Any]], int, float | None]]:
    cases = []
    for cash, equity, horizon, growth in itertools.product(CASH, EQUITY, HORIZONS, GROWTHS):
        cases.append(([{"name": "Mine", **cash, **equity}, *OTHER], horizon, growth))
    return cases


def outputs(offers: list[dict[str, Any]], horizon: int, growth: float | None) -> dict[str, str]:
    """The comparison's JSON, its CSV and its table with the chart, as the command writes them."""
    loaded = [make_offer(o, origin=f"offer {n}", default_name=o["name"]) for n, o in enumerate(offers, 1)]
    result = compare(loaded, horizon=horizon, growth=growth)
    csv_text = io.StringIO()
    formats.write(formats.compare_rows(result), "csv", csv_text)
    table = io.StringIO()
    out = Console(file=table, width=100, color_system=None, markup=False, highlight=False, emoji=False)
    if growth is None:  # the table and chart at each offer's own growth; the scenarios' below
        render.compare_table(result, out=out)
        charts.compare_chart(result, out)
    if horizon == 4 and growth is None:
        render.scenarios_table(scenarios(loaded, SCENARIOS, horizon=horizon), out=out)
    return {"json": formats.json_text(result.as_dict(), indent=2), "csv": csv_text.getvalue(),
            "table": table.getvalue()}


def main() -> None:
    records = [{"offers": offers, "horizon": horizon, "growth": growth, **outputs(offers, horizon, growth)}
               for offers, horizon, growth in grid()]
    OUT.write_text(json.dumps(records, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(records)} comparisons written to {OUT}")


if __name__ == "__main__":
    main()
