"""Today's engine against the estimates recorded for 0.3.0 (tests/data/record_values.py wrote them,
when base and equity and bonus came apart): every recorded key keeps its value, over thousands of
profiles. A change to the model by design regenerates the file and says what changed in
docs/changes.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlcomp.bands import load_bands
from mlcomp.engine import estimate, make_profile

RECORDED = Path(__file__).parent / "data" / "recorded_estimates.json"
ENDS = ("low", "mid", "high", "typical")


def recorded() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(options, the estimate's JSON as it was) for every recorded profile."""
    data = json.loads(RECORDED.read_text(encoding="utf-8"))
    texts = data["texts"]

    def text(ref: int | None) -> str | None:
        return None if ref is None else texts[ref]

    def ranges(*values: list[int]) -> dict[str, dict[str, int]]:
        return {name: dict(zip(ENDS, value, strict=True))
                for name, value in zip(("band", "base", "equity_and_bonus", "total_comp"), values, strict=True)}

    out = []
    for options, level, years, currency, band, base, eb, tc, adjustments in data["records"]:
        out.append((options, {
            "level": level, "years": years, "currency": currency, **ranges(band, base, eb, tc),
            "adjustments": [{"factor": f, "key": k, "low": lo, "high": hi, "source": text(s), "assumption": text(a),
                             "equity_and_bonus": {"low": e[0], "high": e[1], "source": text(e[2]),
                                                  "assumption": text(e[3])}}
                            for f, k, lo, hi, s, a, e in adjustments]}))
    return out


@pytest.fixture(scope="module")
def compared() -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    bands = load_bands()
    return [(options, old, estimate(make_profile(bands, **options), bands).as_dict(explain=True))
            for options, old in recorded()]


def test_the_grid_covers_thousands_of_profiles_and_capped_ones(compared):
    assert len(compared) >= 4000
    capped = sum(any(a["factor"] == "cap" for a in old["adjustments"]) for _, old, _ in compared)
    assert 0 < capped < len(compared)


def test_every_recorded_key_keeps_its_value(compared):
    changed = [(options, old, new) for options, old, new in compared
               if {key: new[key] for key in old} != old]
    assert not changed, f"{len(changed)} profiles changed, e.g. {changed[0]}"


def test_without_explain_the_json_is_the_explained_json_less_source_and_assumption():
    """0.3.0: an adjustment (and its equity-and-bonus part) carries its source and assumption only with
    --explain; nothing else changed."""
    bands = load_bands()

    def plain(part: dict[str, Any]) -> dict[str, Any]:
        return {k: plain(v) if isinstance(v, dict) else v for k, v in part.items() if k not in ("source", "assumption")}

    for options, _ in recorded()[::40]:
        result = estimate(make_profile(bands, **options), bands)
        explained = result.as_dict(explain=True)
        assert result.as_dict() == {**explained, "adjustments": [plain(a) for a in explained["adjustments"]]}
        assert all("source" in a and "source" in a["equity_and_bonus"] for a in explained["adjustments"])


def test_total_comp_is_base_plus_equity_and_bonus_in_every_record(compared):
    for _, _, new in compared:
        for end in ("low", "high"):
            assert abs(new["base"][end] + new["equity_and_bonus"][end] - new["total_comp"][end]) <= 1


# ---- against 0.2's values (tests/data/recorded_estimates_0.2.json, written by 0.2's script) ---------

OLD = Path(__file__).parent / "data" / "recorded_estimates_0.2.json"
# Premiums that move base and equity and bonus alike, as every premium did in 0.2.
ALIKE = {"city", "remote_first", "role", "years", "level"}
ALIKE_TIERS = {"mid-size", "consultancy"}


def old_records() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    data = json.loads(OLD.read_text(encoding="utf-8"))
    return [(options, {"level": level, "years": years, "band": band[:3], "base": base[:3], "total_comp": tc[:3],
                       "capped": any(a[0] == "cap" for a in adjustments)})
            for options, level, years, _, band, base, tc, adjustments in data["records"]]


def test_profiles_whose_premiums_move_both_parts_alike_keep_their_02_values():
    bands = load_bands()
    kept = 0
    for options, old in old_records():
        if set(options) - ALIKE - {"tier"} or options.get("tier", "mid-size") not in ALIKE_TIERS:
            continue
        new = estimate(make_profile(bands, **options), bands).as_dict()
        assert [new["level"], new["years"]] == [old["level"], old["years"]]
        for key in ("band", "base", "total_comp"):
            assert [new[key][end] for end in ("low", "mid", "high")] == old[key], (options, key)
        kept += 1
    assert kept >= 100


def test_where_0_2_put_premiums_on_base_the_base_is_now_never_higher():
    # (where 0.2's cap bound, it also cut the location's premium, which now applies after the cap)
    bands = load_bands()
    for options, old in old_records():
        if old["capped"]:
            continue
        new = estimate(make_profile(bands, **options), bands).as_dict()
        # (a dollar of tolerance: the products are multiplied in another order)
        assert all(new["base"][end] <= was + 1 for end, was in zip(("low", "mid", "high"), old["base"], strict=True))


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
