"""Invariants of offers and `compare`, over generated offers.

test_offers.py already checks that compare(A, B) and compare(B, A) give the same numbers and the same
best offer; these tests add the JSON and CSV contract, the vesting arithmetic, money spellings and the
equivalence of the ways an offer can be given (inline, a TOML file, a JSON file).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp.bands import load_bands
from mlcomp.cli import app
from mlcomp.money import parse_money
from mlcomp.offers import COMPONENTS, cash_flows, compare, grants, horizon_total, leaving, load_offers, make_offer

YEAR_KEYS = ("base", "bonus", "equity", "one_time", "benefits")


def fewer(divisor: int = 4) -> settings:
    """A fraction of the active profile's examples, for tests that go through the CLI or files."""
    return settings(max_examples=max(5, settings().max_examples // divisor))


@st.composite
def schedules(draw: st.DrawFn) -> tuple[int, ...]:
    """Whole yearly percentages summing to 100, 1 to 6 years: cut 0..100 at sorted points."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), max_size=5)))
    points = [0, *cuts, 100]
    return tuple(b - a for a, b in itertools.pairwise(points))


@st.composite
def offers(draw: st.DrawFn, name: str) -> dict[str, object]:
    """An offer's keys as a user writes them in TOML: whole dollars, percent or amount bonus."""
    fields: dict[str, object] = {"name": name, "base": draw(st.integers(0, 2_000_000))}
    if draw(st.booleans()):
        fields["bonus"] = draw(st.one_of(st.integers(1, 300_000), st.integers(1, 100).map(lambda p: f"{p}%")))
    for key, top in (("sign_on", 200_000), ("relocation", 50_000), ("equity", 4_000_000), ("refresh", 500_000)):
        if draw(st.booleans()):
            fields[key] = draw(st.integers(0, top))
    if draw(st.booleans()):
        fields["vesting"] = list(draw(schedules()))
    if draw(st.booleans()):
        fields["growth"] = draw(st.sampled_from(["0%", "10%", "-30%", "25%"]))
    return fields


def money_text(n: int, style: int) -> str:
    return [str(n), f"${n:,}", f"{n / 1000!r}k"][style]


# ---- money ----------------------------------------------------------------------------------------

@given(st.integers(0, 10**9), st.sampled_from([0, 1, 2]))
def test_money_spellings_round_trip(n, style):
    # n as "n", "$n,nnn" and "{n/1000}k" (240000 -> "240000", "$240,000", "240.0k") parses back to n
    assert parse_money(money_text(n, style)) == n


@given(st.integers(10**9 + 1, 10**4000), st.sampled_from([0, 1, 2, 3]))
def test_money_above_a_billion_is_refused_in_every_spelling(n, style):
    with pytest.raises(ValueError, match=r"must be at most \$1,000,000,000"):
        parse_money([n, str(n), f"${n:,}", f"{n // 1000 + 1}k"][style] if n < 10**300 else n)


# ---- cash flows -----------------------------------------------------------------------------------

@given(st.integers(0, 10_000_000), schedules(), st.integers(0, 6))
def test_zero_growth_equity_over_the_vesting_years_is_the_grant(grant, schedule, extra_years):
    # With no growth and no refreshers, everything vested by the end of the schedule adds up to the
    # grant; each year is rounded once, so the sum is within one dollar per year of it.
    offer = make_offer({"base": 1, "equity": grant, "vesting": list(schedule), "growth": 0},
                       origin="t", default_name="t")
    horizon = len(schedule) + extra_years
    years = cash_flows(offer, horizon)
    vested = sum(y["equity"] for y in years)
    assert abs(vested - grant) <= len(schedule), (grant, schedule, vested)
    assert all(y["equity"] == 0 for y in years[len(schedule):])


@given(offers("A"), st.integers(1, 30), st.sampled_from([None, 0.0, 0.1, -0.5]))
def test_year_components_sum_to_the_year_and_years_to_the_horizon_total(fields, horizon, growth):
    result = compare([make_offer(fields, origin="t", default_name="A"),
                      make_offer({"base": 1}, origin="u", default_name="B")], horizon=horizon, growth=growth)
    data = json.loads(json.dumps(result.as_dict()))
    for offer in data["offers"]:
        assert len(offer["by_year"]) == horizon
        for year in offer["by_year"]:
            assert year["total"] == sum(year[key] for key in YEAR_KEYS), year
        assert offer["total"] == sum(year["total"] for year in offer["by_year"])
        assert offer["first_year"] == offer["by_year"][0]["total"]
        assert abs(offer["average"] * horizon - offer["total"]) <= horizon / 2 + 1e-9


# ---- the ways to give an offer --------------------------------------------------------------------

def inline(fields: dict[str, object], style: int) -> str:
    """The offer as key=value,... with money spelt in one of the styles."""
    parts = []
    for key, value in fields.items():
        if isinstance(value, list):
            value = "/".join(map(str, value))
        elif isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, int) and key != "vesting":
            value = money_text(value, style)
        parts.append(f"{key}={value}")
    return ",".join(parts)


def toml(fields: dict[str, object]) -> str:
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in fields.items())


@fewer()
@given(offers("Acme"), offers("Globex"), st.sampled_from([0, 1, 2]), st.integers(1, 8))
def test_inline_toml_and_json_give_the_same_comparison(a, b, style, horizon):
    with tempfile.TemporaryDirectory() as scratch:
        acme, globex = Path(scratch, "acme.toml"), Path(scratch, "globex.json")
        acme.write_text(toml(a))
        globex.write_text(json.dumps(b))
        from_files = load_offers([str(acme), str(globex)], lambda: "")
        from_inline = load_offers([inline(a, style), inline(b, style)], lambda: "")
        from_stdin = load_offers(["-", str(globex)], lambda: toml(a))
    results = [compare(loaded, horizon=horizon).as_dict() for loaded in (from_files, from_inline, from_stdin)]
    assert results[0] == results[1] == results[2]


# ---- the CLI's JSON and CSV -----------------------------------------------------------------------

@fewer()
@given(offers("A"), offers("B"), st.integers(1, 10))
def test_cli_json_is_whole_dollars_and_csv_agrees_with_it(a, b, horizon):
    args = ["compare", inline(a, 1), inline(b, 2), "--horizon", str(horizon)]
    runner = CliRunner()
    as_json = runner.invoke(app, [*args, "--format", "json"])
    as_csv = runner.invoke(app, [*args, "--format", "csv"])
    swapped = runner.invoke(app, ["compare", inline(b, 0), inline(a, 0), "-n", str(horizon), "-f", "json"])
    assert as_json.exit_code == as_csv.exit_code == swapped.exit_code == 0, (as_json.output, as_csv.output)
    data = json.loads(as_json.stdout)
    assert data["best"] == json.loads(swapped.stdout)["best"]
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 2 * horizon
    expected = [{"name": o["name"], **y} for o in data["offers"] for y in o["by_year"]]
    for row, year in zip(rows, expected, strict=True):
        assert list(row) == ["name", "year", *YEAR_KEYS, "total", "cumulative", "break_even_growth"]
        for key, value in year.items():
            if key != "name":
                assert type(value) is int, (key, value)
            assert row[key] == str(value), (key, row, year)
    for offer in data["offers"]:
        for key in ("first_year", "average", "total", "delta_to_best"):
            assert type(offer[key]) is int, (key, offer[key])



# ---- totals only grow with what an offer gives ----------------------------------------------------

@st.composite
def full_offers(draw: st.DrawFn) -> dict[str, object]:
    """An offer with every field that moves money: a grant in dollars or in shares (RSUs or options)."""
    fields: dict[str, object] = {
        "base": draw(st.integers(0, 1_000_000)),
        "bonus": draw(st.one_of(st.integers(0, 200_000), st.integers(0, 50).map(lambda p: f"{p}%"))),
        "sign_on": draw(st.lists(st.integers(0, 200_000), min_size=1, max_size=4)),
        "benefits": draw(st.integers(0, 50_000)),
        "raise": draw(st.integers(0, 20)) / 100,
        "equity_discount": draw(st.integers(0, 100)) / 100,
        "refresh": draw(st.integers(0, 300_000)),
        "vesting": list(draw(schedules())),
    }
    if draw(st.booleans()):
        fields["equity"] = draw(st.integers(0, 4_000_000))
    else:
        fields["shares"] = draw(st.integers(0, 1_000_000))
        fields["share_price"] = draw(st.integers(0, 20_000)) / 100
        fields["strike"] = draw(st.integers(0, 20_000)) / 100
    return fields


MORE = {  # field -> a change that gives the holder at least as much
    "base": lambda v: v + 1_000, "equity": lambda v: v + 10_000, "shares": lambda v: v + 100,
    "share_price": lambda v: v + 0.5, "benefits": lambda v: v + 500, "raise": lambda v: min(v + 0.01, 1.0),
    "refresh": lambda v: v + 5_000, "sign_on": lambda v: [v[0] + 1_000, *v[1:]],
    "bonus": lambda v: f"{int(v[:-1]) + 1}%" if isinstance(v, str) else v + 1_000,
    "equity_discount": lambda v: max(v - 0.05, 0.0), "strike": lambda v: max(v - 0.5, 0.0),
}


@given(full_offers(), st.sampled_from(sorted(MORE)), st.integers(1, 12), st.sampled_from([-0.9, -0.3, 0.0, 0.2, 1.5]))
def test_a_total_never_decreases_when_the_offer_gives_more(fields, key, horizon, growth):
    # more base, bonus, equity, shares, share price, sign-on, benefits, raise or refresh, or a smaller
    # discount or strike: no year's total goes down, so neither does the horizon total
    if key not in fields:
        return
    better = {**fields, key: MORE[key](fields[key])}
    before = cash_flows(make_offer(fields, origin="t", default_name="A"), horizon, growth)
    after = cash_flows(make_offer(better, origin="t", default_name="A"), horizon, growth)
    assert all(b.total <= a.total for b, a in zip(before, after, strict=True)), (key, fields, better)
    assert before[-1].cumulative <= after[-1].cumulative


@given(full_offers(), st.integers(1, 10), st.floats(-0.99, 3.0))
def test_total_never_decreases_as_growth_rises(fields, horizon, growth):
    offer = make_offer(fields, origin="t", default_name="A")
    assert horizon_total(offer, horizon, growth) <= horizon_total(offer, horizon, growth + 0.05)


@given(full_offers(), st.integers(0, 3_000_000), st.integers(1, 8))
def test_break_even_growth_is_where_the_total_reaches_the_best(fields, best_base, horizon):
    offer = make_offer({**fields, "name": "A"}, origin="t", default_name="A")
    best = make_offer({"name": "B", "base": best_base}, origin="t", default_name="B")
    result = compare([offer, best], horizon=horizon, growth=0.0)
    if result.best != "B":
        return
    rate = result.offers[0].break_even_growth
    target = result.offers[1].total
    if rate is None:
        assert horizon_total(offer, horizon, 10.0) < target
    else:
        assert horizon_total(offer, horizon, rate) >= target
        assert rate == -1.0 or horizon_total(offer, horizon, rate - 0.0001) < target


# ---- asking for the market -------------------------------------------------------------------------

@fewer(2)
@given(full_offers(), st.sampled_from([1, 1.5, 2, 4, 8, 13 / 12]), st.integers(0, 100).map(lambda p: p / 100),
       st.sampled_from([{"years": 4.0, "city": "sf"}, {"level": "staff"}, {"years": 1.0, "remote_first": True}]),
       st.booleans(), st.sampled_from(["none", "12m prorated", "12m full"]))
def test_the_asked_offer_reaches_the_target(fields, horizon, target, profile, leave, clawback):
    """The one ask, applied whole (base, then shares, equity or sign-on), reaches the target over the
    comparison's own horizon (leaving at it or not), or says by how much a year it cannot; the base
    never goes above the market's base high nor 15% over the offer's, the grant never 50% over it, nor
    the sign-on above a year's base."""
    bands = load_bands()
    fields = {**fields, "sign_on_clawback": clawback}
    options = {"horizon": horizon, "leave": leave, "bands": bands, "defaults": profile, "target": target}
    first = compare([make_offer(fields, origin="t", default_name="A")], **options).offers[0].market
    assert first is not None
    ask = first.ask
    if not ask["reasons"]:
        assert first.position >= target - 1e-4
        assert ask == {"base": None, "equity": None, "shares": None, "sign_on": None, "short": 0, "reasons": {}}
        return
    asked = dict(fields)
    if ask["base"] is not None:
        assert fields["base"] < ask["base"] <= min(first.base["high"], round(fields["base"] * 1.15, 6))  # type: ignore[operator]
        asked["base"] = ask["base"]
    for key in ("equity", "shares"):
        if ask[key] is not None:
            given = make_offer(fields, origin="t", default_name="A")
            assert getattr(given, key) < ask[key] <= getattr(given, key) * 1.5 + 1
            asked[key] = ask[key]
    if ask["sign_on"] is not None:
        assert ask["sign_on"] <= max(asked["base"], fields["sign_on"][0])  # type: ignore[index]
        asked["sign_on"] = [ask["sign_on"], *fields["sign_on"][1:]]  # type: ignore[index]
    assert set(ask["reasons"]) >= {k for k in ("base", "equity", "shares", "sign_on") if ask[k] is not None}
    result = compare([make_offer(asked, origin="t", default_name="A")], **options).offers[0]
    again = result.market
    assert again is not None
    if ask["short"]:
        assert "short" in ask["reasons"] and again.ask["reasons"]
        tc = first.total_comp
        missing = tc["low"] + target * (tc["high"] - tc["low"]) - result.total / horizon
        assert ask["short"] > 0 and abs(missing - ask["short"]) <= 1, (missing, ask)
    else:
        assert again.position >= target - 1e-4, (first, again)
        assert again.ask["reasons"] == {}


# ---- vesting by the month and leaving early -------------------------------------------------------

@st.composite
def leaving_offers(draw: st.DrawFn) -> dict[str, object]:
    """An offer with a grant, refreshers, a sign-on over years and a clawback, vesting by any calendar."""
    fields = draw(full_offers())
    shares = "/".join(map(str, draw(schedules())))
    fields["vesting"] = draw(st.sampled_from([fields["vesting"], "4y monthly, 1y cliff", "4y quarterly",
                                              "5/15/40/40 semiannual from year 3", f"{shares} monthly"]))
    fields["sign_on_clawback"] = draw(st.sampled_from(["12m prorated", "12m full", "18m prorated", "none"]))
    return fields


@fewer(2)
@given(leaving_offers(), st.sampled_from([0.0, 0.25, -0.5]))
def test_vested_and_forfeited_make_the_grant_at_every_month(fields, growth):
    # at every month: vested + forfeited = granted; vested never falls; at zero growth what vested is
    # what the years paid as equity (each year rounded once)
    offer = make_offer(fields, origin="t", default_name="A")
    before = None
    for month in range(1, 61):
        left = leaving(offer, month, growth)
        assert left.vested + left.forfeited == left.granted, (month, left)
        assert left.vested >= 0 and left.forfeited >= 0
        if before is not None and before.granted == left.granted:
            assert left.vested >= before.vested, (month, before, left)
        before = left
        if month % 12 == 0 and growth == 0:
            paid = sum(y["equity"] for y in cash_flows(offer, month / 12, 0.0))
            assert abs(paid - left.vested) <= month // 12 + len(grants(offer, month)), (month, paid, left)


@fewer(2)
@given(leaving_offers(), st.sampled_from([0.0, 0.3]))
def test_what_is_received_never_falls_as_leaving_comes_later(fields, growth):
    offer = make_offer(fields, origin="t", default_name="A")
    received = [horizon_total(offer, month / 12, growth, leave=True) for month in range(1, 61)]
    assert all(a <= b for a, b in itertools.pairwise(received)), received


@given(schedules(), st.integers(0, 4_000_000), st.sampled_from([0.0, 0.1, -0.3]), st.integers(1, 8))
def test_a_yearly_schedule_written_monthly_pays_the_same_years(schedule, grant, growth, horizon):
    text = "/".join(map(str, schedule))
    by_year = make_offer({"base": 1, "equity": grant, "vesting": text}, origin="t", default_name="A")
    by_month = make_offer({"base": 1, "equity": grant, "vesting": f"{text} monthly"}, origin="t", default_name="A")
    by_quarter = make_offer({"base": 1, "equity": grant, "vesting": f"{text} quarterly"}, origin="t", default_name="A")
    assert cash_flows(by_year, horizon, growth) == cash_flows(by_month, horizon, growth) \
        == cash_flows(by_quarter, horizon, growth)


# ---- the keys an offer letter needs, given every way ------------------------------------------------

LETTER_KEYS: dict[str, list[object]] = {
    "vesting": ["4y monthly, 1y cliff", "4y quarterly", "5/15/40/40 semiannual from year 3"],
    "sign_on_clawback": ["12m prorated", "1y full"],
    "bonus": ["15% x 1.25", "10k x 0.8"],
    "match_401k": ["50% up to 6%", "100% up to 4%"],
    "espp": ["15% discount, 10% of base"],
    "hsa": ["1k", 2000],
    "start": ["2027-03"],
    "refreshers": ["50k in year 2 on 4y quarterly expected; 30k in year 3", "20k in year 1 on 4y monthly, 1y cliff"],
}
REFRESHER_KEYS: dict[str, list[object]] = {"refresh_vesting": ["4y monthly"], "refresh_kind": ["expected"],
                                           "refresh_from": ["3"]}


@st.composite
def letter_offers(draw: st.DrawFn, name: str) -> dict[str, object]:
    """An offer with some of the keys of an offer letter, as a user writes them."""
    fields = draw(offers(name))
    for key, values in {**LETTER_KEYS, **(REFRESHER_KEYS if fields.get("refresh") else {})}.items():
        if draw(st.booleans()):
            fields[key] = draw(st.sampled_from(values))
    if "start" in fields and draw(st.booleans()):
        fields["bonus_prorated"] = True
    return fields


@fewer()
@given(letter_offers("Acme"), letter_offers("Globex"), st.sampled_from([0, 1, 2]), st.sampled_from([1, 1.5, 4]))
def test_the_letter_keys_work_the_same_inline_in_toml_json_and_on_stdin(a, b, style, horizon):
    with tempfile.TemporaryDirectory() as scratch:
        acme, globex = Path(scratch, "acme.toml"), Path(scratch, "globex.json")
        acme.write_text(toml(a))
        globex.write_text(json.dumps(b))
        ways = [load_offers([str(acme), str(globex)], lambda: ""),
                load_offers([inline(a, style), inline(b, style)], lambda: ""),
                load_offers(["-", str(globex)], lambda: json.dumps(a))]
    results = [compare(loaded, horizon=horizon, leave=True).as_dict() for loaded in ways]
    assert results[0] == results[1] == results[2]
    for offer in results[0]["offers"]:
        for year in offer["by_year"]:
            counted = [c.key for c in COMPONENTS if c.key in year and c.counted]
            assert year["total"] == sum(year[key] for key in counted), year
