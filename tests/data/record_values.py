"""Record `Estimate.as_dict(explain=True)` over a grid of profiles into tests/data/recorded_estimates.json.

Run it when the model changes by design (and say what changed in docs/changes.md), to keep what
the engine prints:

    python tests/data/record_values.py

tests/test_recorded.py compares today's engine against the file: every key recorded keeps its
value. To keep the file small, a record is a list: the profile's options, then the JSON's keys in
`keys` order, ranges as [low, mid, high, typical] and each adjustment as [factor, key, low, high,
source, assumption, equity_and_bonus as [low, high, source, assumption]], with sources and
assumptions stored once, in `texts`, and referred to by number. Written for 0.3.0, when base and
equity and bonus came apart.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from mlcomp.bands import load_bands
from mlcomp.engine import estimate, make_profile

OUT = Path(__file__).with_name("recorded_estimates.json")
# Years at each level's edges and inside it, and every level given without years.
YEARS: list[dict[str, Any]] = [{"years": y} for y in (0, 4.5, 8, 12)] + [{"level": "senior"}]
LOCATIONS: list[dict[str, Any]] = [{"city": c} for c in (None, "sf", "nyc", "seattle")] + [
    {"city": "sf", "remote_first": True}]
TIERS = (None, "faang", "ai-startup", "mid-size", "consultancy")
INDUSTRIES = (None, "quant-finance", "autonomous-driving", "marketing-analytics")
SPECIALIZATIONS = (None, "rl")
ROLES = (None, "swe")
KEYS = ["level", "years", "currency", "band", "base", "equity_and_bonus", "total_comp", "adjustments"]
RANGES = ("band", "base", "equity_and_bonus", "total_comp")
ENDS = ("low", "mid", "high", "typical")


def grid() -> list[dict[str, Any]]:
    profiles = []
    for when, where, tier, industry, spec, lifecycle, role in itertools.product(
            YEARS, LOCATIONS, TIERS, INDUSTRIES, SPECIALIZATIONS, (False, True), ROLES):
        options = {**when, **where, "tier": tier, "industry": industry, "specialization": spec,
                   "full_lifecycle": lifecycle, "role": role}
        profiles.append({k: v for k, v in options.items() if v is not None and v is not False})
    return profiles


def main() -> None:
    bands = load_bands()
    texts: dict[str, int] = {}

    def ref(text: str | None) -> int | None:
        return None if text is None else texts.setdefault(text, len(texts))

    records = []
    for options in grid():
        data = estimate(make_profile(bands, **options), bands).as_dict(explain=True)
        assert list(data) == KEYS, list(data)
        row: list[Any] = [options, data["level"], data["years"], data["currency"]]
        row += [[data[k][end] for end in ENDS] for k in RANGES]
        row.append([[a["factor"], a["key"], a["low"], a["high"], ref(a["source"]), ref(a["assumption"]),
                     [(eb := a["equity_and_bonus"])["low"], eb["high"], ref(eb["source"]), ref(eb["assumption"])]]
                    for a in data["adjustments"]])
        records.append(row)
    OUT.write_text(json.dumps({"keys": KEYS, "texts": list(texts), "records": records},
                              separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(records)} profiles written to {OUT}")


if __name__ == "__main__":
    main()
