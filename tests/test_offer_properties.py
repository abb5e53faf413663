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

from mlcomp.cli import app
from mlcomp.money import parse_money
from mlcomp.offers import cash_flows, compare, load_offers, make_offer

YEAR_KEYS = ("base", "bonus", "equity", "one_time")


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
    vested = sum(y.equity for y in years)
    assert abs(vested - grant) <= len(schedule), (grant, schedule, vested)
    assert all(y.equity == 0 for y in years[len(schedule):])


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
        assert list(row) == ["name", "year", *YEAR_KEYS, "total"]
        for key, value in year.items():
            if key != "name":
                assert type(value) is int, (key, value)
            assert row[key] == str(value), (key, row, year)
    for offer in data["offers"]:
        for key in ("first_year", "average", "total", "delta_to_best"):
            assert type(offer[key]) is int, (key, offer[key])

