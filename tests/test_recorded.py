"""Today's engine against the estimates recorded before the model gained `typical`, ML focus and a
cap that leaves location out (tests/data/record_values.py wrote them): every recorded key keeps
its value, except where the old cap bound, and there the new top end is never lower."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlcomp.bands import load_bands
from mlcomp.engine import estimate, make_profile

RECORDED = Path(__file__).parent / "data" / "recorded_estimates.json"
ENDS = ("low", "mid", "high")


def recorded() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(options, the estimate's JSON as it was) for every recorded profile."""
    data = json.loads(RECORDED.read_text(encoding="utf-8"))
    texts = data["texts"]

    def text(ref: int | None) -> str | None:
        return None if ref is None else texts[ref]

    out = []
    for options, level, years, currency, band, base, tc, adjustments in data["records"]:
        out.append((options, {
            "level": level, "years": years, "currency": currency,
            "band": dict(zip(ENDS, band, strict=True)), "base": dict(zip(ENDS, base, strict=True)),
            "total_comp": dict(zip(ENDS, tc, strict=True)),
            "adjustments": [{"factor": f, "key": k, "low": lo, "high": hi, "source": text(s), "assumption": text(a)}
                            for f, k, lo, hi, s, a in adjustments]}))
    return out


# Texts changed on purpose: the mid-size tier's assumption said "within 1%", which was not true in
# every city; it now states what the numbers do (its numbers are unchanged).
REWORDED = {("tier", "mid-size")}


def old_keys(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """The new estimate cut down to the keys the old one had (a reworded assumption taken as it was)."""
    cut = {key: {k: new[key][k] for k in value} if isinstance(value, dict) else new[key]
           for key, value in old.items()}
    was = {(a["factor"], a["key"]): a["assumption"] for a in old["adjustments"]}
    cut["adjustments"] = [{**a, "assumption": was.get((a["factor"], a["key"]), a["assumption"])}
                          if (a["factor"], a["key"]) in REWORDED else a for a in cut["adjustments"]]
    return cut


@pytest.fixture(scope="module")
def compared() -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    bands = load_bands()
    return [(options, old, estimate(make_profile(bands, **options), bands).as_dict())
            for options, old in recorded()]


def bound(old: dict[str, Any]) -> bool:
    return any(a["factor"] == "cap" for a in old["adjustments"])


def test_the_grid_covers_thousands_of_profiles_and_both_kinds(compared):
    assert len(compared) >= 4000
    assert 0 < sum(bound(old) for _, old, _ in compared) < len(compared)


def test_every_recorded_key_keeps_its_value_where_the_old_cap_did_not_bind(compared):
    changed = [(options, old, old_keys(new, old)) for options, old, new in compared
               if not bound(old) and old_keys(new, old) != old]
    assert not changed, f"{len(changed)} profiles changed, e.g. {changed[0]}"


def test_where_the_old_cap_bound_no_end_is_lower_and_location_now_shows(compared):
    for options, old, new in compared:
        if bound(old):
            for key in ("base", "total_comp"):
                for end in ENDS:
                    assert new[key][end] >= old[key][end], (options, key, end)
            if options.get("city") in ("sf", "nyc", "seattle") and not options.get("remote_first"):
                # The city's premium used to vanish under the cap; now it applies after it.
                assert new["total_comp"]["high"] > old["total_comp"]["high"], options


def test_the_typical_value_is_new_and_lies_inside_each_range(compared):
    for _, _, new in compared:
        for key in ("band", "base", "total_comp"):
            assert new[key]["low"] <= new[key]["typical"] <= new[key]["high"]


# ---- offers: what `compare` printed before its components were declared once ----------------------

RECORDED_OFFERS = Path(__file__).parent / "data" / "recorded_offers.json"


def test_every_recorded_comparison_prints_the_same_json_csv_and_table():
    from record_offers import outputs

    records = json.loads(RECORDED_OFFERS.read_text(encoding="utf-8"))
    assert len(records) >= 150
    for record in records:
        now = outputs(record["offers"], record["horizon"], record["growth"])
        for key in ("json", "csv", "table"):
            assert now[key] == record[key], (key, record["offers"], record["horizon"], record["growth"])
