"""The pure offer arithmetic: money parsing, schedules, year-by-year cash, comparison, market position.

Every expected number is worked out by hand in the test name or a comment.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcomp.bands import load_bands
from mlcomp.errors import MlcompError
from mlcomp.money import parse_money, parse_rate
from mlcomp.offers import (
    Bonus,
    cash_flows,
    compare,
    leaving,
    load_offers,
    make_offer,
    market_position,
    parse_bonus,
    parse_inline,
    parse_schedule,
)


def offer(**fields: object):
    return make_offer({"base": "100k", **fields}, origin="test", default_name=str(fields.get("name", "T")))


def column(years, key: str) -> list[int]:
    return [y.as_dict()[key] for y in years]


# ---- money ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "dollars"), [
    ("240000", 240_000), ("240k", 240_000), ("240K", 240_000), ("$240,000", 240_000), ("1.2m", 1_200_000),
    ("$1.2M", 1_200_000), (" 95k ", 95_000), ("0", 0), (240000, 240_000), (240000.4, 240_000),
    (0.5, 1), ("1,234,567", 1_234_567), ("2.5k", 2_500), (".5k", 500),
])
def test_money_accepts_the_usual_spellings(text, dollars):
    assert parse_money(text) == dollars


@pytest.mark.parametrize("text", ["abc", "", "12x", "24,00", "1.2b", "$", "k", True, None, [1], float("nan"),
                                  float("inf"), "1e6"])
def test_money_rejects_unparsable(text):
    with pytest.raises(ValueError, match="expected an amount such as 240000, 240k"):
        parse_money(text)


@pytest.mark.parametrize("text", ["-5k", "-$5,000", "$-5000", -1, -0.5])
def test_money_rejects_negative(text):
    with pytest.raises(ValueError, match="must not be negative"):
        parse_money(text)


@pytest.mark.parametrize(("text", "rate"), [
    ("15%", 0.15), ("-20%", -0.2), (0.1, 0.1), ("0.1", 0.1), (0, 0.0),
])
def test_rate(text, rate):
    assert parse_rate(text) == pytest.approx(rate)


@pytest.mark.parametrize("text", ["x", "-150%", "2000%", True, "nan"])
def test_rate_rejects(text):
    with pytest.raises(ValueError, match="expected a rate"):
        parse_rate(text)


# ---- bonus and schedules --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "bonus"), [
    ("15%", Bonus(rate=0.15)), (0.15, Bonus(rate=0.15)), ("0.15", Bonus(rate=0.15)),
    ("20k", Bonus(amount=20_000)), (20000, Bonus(amount=20_000)), ("$20,000", Bonus(amount=20_000)),
    (0, Bonus()),
])
def test_bonus_is_a_rate_below_one_or_with_percent_else_an_amount(value, bonus):
    assert parse_bonus(value) == bonus


@pytest.mark.parametrize(("value", "shares"), [
    ("even", (25, 25, 25, 25)), ("front-loaded", (40, 30, 20, 10)), ("Back_Loaded", (5, 15, 40, 40)),
    ("5/15/40/40", (5, 15, 40, 40)), ([50, 50], (50, 50)), ("100", (100,)),
    ("33.5/33.25/33.25", (33.5, 33.25, 33.25)),
])
def test_schedules(value, shares):
    assert parse_schedule(value).yearly == shares


@pytest.mark.parametrize(("value", "message"), [
    ("10/10", "sum to 20, 80 short of 100: they must sum to 100"),
    ([0.25, 0.25, 0.25, 0.25], "percentages, not fractions"),
    ("frontloaded", "Did you mean 'front-loaded'?"),
    ([], "at least one year"),
    ([50, -10, 60], "from 0 to 100"),
    (["x", 100], "from 0 to 100"),
    (25, "expected yearly percentages"),
])
def test_bad_schedules(value, message):
    with pytest.raises(ValueError, match=message):
        parse_schedule(value)


# ---- cash flows -----------------------------------------------------------------------------------

def test_back_loaded_with_sign_on():
    # base 200k; 400k back-loaded 5/15/40/40 -> 20k, 60k, 160k, 160k; sign-on 50k + relocation 10k in year 1
    years = cash_flows(offer(base="200k", equity="400k", vesting="back-loaded", sign_on="50k",
                             relocation="10k"), 4)
    assert column(years, "equity") == [20_000, 60_000, 160_000, 160_000]
    assert column(years, "one_time") == [60_000, 0, 0, 0]
    # 200+20+60 = 280k; 200+60 = 260k; 200+160 = 360k twice
    assert column(years, "total") == [280_000, 260_000, 360_000, 360_000]


def test_even_schedule_with_refreshers():
    # 400k even -> 100k a year; 100k refresh granted in years 2, 3, 4 each vests 25k a year:
    # y1 100k, y2 100k+25k, y3 100k+2*25k, y4 100k+3*25k
    years = cash_flows(offer(equity="400k", refresh="100k"), 4)
    assert column(years, "equity") == [100_000, 125_000, 150_000, 175_000]


def test_refreshers_past_the_vesting_period():
    # years 5 and 6: the initial grant is done; four refreshers vest 25k each (y5: g2..g5, y6: g3..g6)
    years = cash_flows(offer(equity="400k", refresh="100k"), 6)
    assert column(years, "equity")[4:] == [100_000, 100_000]


def test_growth_compounds_from_the_grant_year():
    # 100k even at +10%/year: 25000, 25000*1.1 = 27500, *1.21 = 30250, *1.331 = 33275
    years = cash_flows(offer(equity="100k", growth="10%"), 4)
    assert column(years, "equity") == [25_000, 27_500, 30_250, 33_275]


def test_growth_of_a_refresher_counts_from_its_own_grant_year():
    # refresh 40k granted in year 2: its year-2 slice 10k is not grown, its year-3 slice is 10k*1.1
    # y2: 27500 + 10000 = 37500; y3: 30250 + 11000 + 10000 = 51250
    years = cash_flows(offer(equity="100k", refresh="40k", growth=0.1), 3)
    assert column(years, "equity") == [25_000, 37_500, 51_250]


def test_growth_argument_overrides_the_offer():
    # -50%: 25000, 12500, 6250, 3125
    years = cash_flows(offer(equity="100k", growth="10%"), 4, growth=-0.5)
    assert column(years, "equity") == [25_000, 12_500, 6_250, 3_125]


def test_bonus_as_percent_and_as_amount():
    # 15% of 240k = 36k; a flat 20k
    assert cash_flows(offer(base="240k", bonus="15%"), 1)[0]["bonus"] == 36_000
    assert cash_flows(offer(base="240k", bonus="20k"), 1)[0]["bonus"] == 20_000
    # 0.125 of 100,001 = 12,500.125 -> 12,500
    assert cash_flows(offer(base=100_001, bonus=0.125), 1)[0]["bonus"] == 12_500


def test_horizon_shorter_than_vesting():
    # 400k back-loaded over 2 years: 20k, 60k; totals 100k+20k, 100k+60k
    years = cash_flows(offer(equity="400k", vesting="5/15/40/40"), 2)
    assert column(years, "total") == [120_000, 160_000]


def test_horizon_longer_than_vesting():
    # 400k over 4 years, no refresh: nothing vests in years 5 and 6
    years = cash_flows(offer(equity="400k", vesting="back-loaded"), 6)
    assert column(years, "equity") == [20_000, 60_000, 160_000, 160_000, 0, 0]
    assert column(years, "total")[4:] == [100_000, 100_000]


def test_a_schedule_longer_than_four_years():
    # 5-year 20% each on 500k = 100k a year
    assert column(cash_flows(offer(equity="500k", vesting="20/20/20/20/20"), 5), "equity") == [100_000] * 5


# ---- comparison -----------------------------------------------------------------------------------

def test_compare_totals_average_and_delta():
    # A: 200k base + 50k sign-on = 850k over 4 years; B: 210k base = 840k
    a = offer(name="A", base="200k", sign_on="50k")
    b = offer(name="B", base="210k")
    result = compare([a, b], horizon=4)
    assert result.best == "A"
    by_name = {o.name: o for o in result.offers}
    assert by_name["A"].total == 850_000 and by_name["A"].average == 212_500
    assert by_name["A"].first_year == 250_000
    assert by_name["B"].delta_to_best == -10_000 and by_name["A"].delta_to_best == 0
    # over 6 years B wins: 1,260,000 vs 1,250,000
    assert compare([a, b], horizon=6).best == "B"


def test_ties_are_broken_the_same_way_in_any_order():
    # same totals; the higher first year wins: X has 40k sign-on (y1 140k), Y 10k more base a year
    x = offer(name="X", base="100k", sign_on="40k")
    y = offer(name="Y", base="110k")
    assert compare([x, y]).best == compare([y, x]).best == "X"
    same1, same2 = offer(name="b"), offer(name="a")
    assert compare([same1, same2]).best == compare([same2, same1]).best == "a"


offer_fields = st.fixed_dictionaries({
    "base": st.integers(0, 1_000_000),
    "bonus": st.one_of(st.integers(0, 200_000), st.sampled_from(["10%", 0.2])),
    "equity": st.integers(0, 2_000_000), "refresh": st.integers(0, 300_000),
    "sign_on": st.integers(0, 100_000),
    "vesting": st.sampled_from(["even", "front-loaded", "back-loaded", "100"]),
    "growth": st.sampled_from([0, 0.1, -0.3]),
})


@settings(max_examples=40, deadline=None)
@given(offer_fields, offer_fields, st.integers(1, 8))
def test_order_of_offers_never_changes_the_numbers_or_the_best(a, b, horizon):
    first, second = offer(name="A", **a), offer(name="B", **b)
    ab, ba = compare([first, second], horizon=horizon), compare([second, first], horizon=horizon)
    assert ab.best == ba.best
    assert sorted(o.as_dict()["total"] for o in ab.offers) == sorted(o.as_dict()["total"] for o in ba.offers)
    assert {o.name: o.as_dict() for o in ab.offers} == {o.name: o.as_dict() for o in ba.offers}
    for result in ab.offers:
        assert result.total == sum(y.total for y in result.by_year)
        assert all(y.total == y["base"] + y["bonus"] + y["equity"] + y["one_time"] for y in result.by_year)
        assert result.delta_to_best <= 0


def test_horizon_out_of_range():
    with pytest.raises(MlcompError, match="horizon"):
        compare([offer(name="A"), offer(name="B")], horizon=0)


# ---- market position (shipped data: mid level, 4 years, sf) ---------------------------------------
# base 180..260k * sf +15..30% = 207,000..338,000, mid 272,500; total comp *1.2..1.4 = 248,400..473,200,
# mid 360,800; sf premium midpoint 22.5%.

@pytest.fixture(scope="module")
def bands():
    return load_bands()


def test_market_position_within(bands):
    from mlcomp.engine import make_profile

    profile = make_profile(bands, years=4, city="sf")
    m = market_position(240_000, 300_000, profile, bands)
    assert m.base_position == pytest.approx(0.2519)        # (240000-207000)/131000
    # the rest, 60,000, against equity and bonus 41,400..135,200: (60000-41400)/93800
    assert m.equity_and_bonus_position == pytest.approx(0.1983)
    assert m.total_comp_vs_mid == pytest.approx(-0.1685)   # 300000/360800 - 1
    assert m.position == pytest.approx(0.2295)             # (300000-248400)/224800
    assert m.verdict == "lower third"          # 0 <= 0.2295 < 1/3
    assert m.base == {"low": 207_000, "mid": 272_500, "high": 338_000}
    assert m.equity_and_bonus == {"low": 41_400, "mid": 88_300, "high": 135_200}  # 20% and 40% of base
    assert m.total_comp == {"low": 248_400, "mid": 360_800, "high": 473_200}
    assert "location_adjusted_average" not in m.as_dict()
    assert m.profile == {"level": "mid", "years": 4, "location": "sf", "tier": None, "industry": "tech",
                         "specialization": "generalist", "full_lifecycle": False, "ml_focus": None}


@pytest.mark.parametrize(("average", "verdict"), [
    # total comp 248,400..473,200 (width 224,800): thirds at 323,333 and 398,267
    (248_399, "below range"), (248_400, "lower third"),
    (323_333, "lower third"), (323_334, "middle third"), (360_800, "middle third"),
    (398_266, "middle third"), (398_268, "upper third"), (473_200, "upper third"),
    (473_201, "above range"),
    # the two cases: 20% under the midpoint (288,640) and 33% over it (479,864)
    (288_640, "lower third"), (479_864, "above range"),
])
def test_market_verdict_in_five_steps(bands, average, verdict):
    from mlcomp.engine import make_profile

    assert market_position(200_000, average, make_profile(bands, years=4, city="sf"), bands).verdict == verdict


def test_market_position_below_zero_and_above_one(bands):
    from mlcomp.engine import make_profile

    profile = make_profile(bands, years=4, city="sf")
    assert market_position(207_000, 23_600, profile, bands).position == -1.0  # 248,400 - 224,800
    assert market_position(207_000, 698_000, profile, bands).position == 2.0  # 248,400 + 2 * 224,800
    assert market_position(207_000, 1, profile, bands).base_position == 0.0


def test_offer_fields_override_defaults_and_bad_values_name_the_offer(bands):
    remote = offer(name="R", remote_first=True, city="remote")
    sf = offer(name="S")
    result = compare([remote, sf], bands=bands, defaults={"years": 4.0, "city": "sf"})
    markets = {o.name: o.market for o in result.offers}
    assert markets["R"].location == "remote-first" and markets["R"].base["mid"] == 220_000
    assert markets["S"].location == "sf" and markets["S"].base["mid"] == 272_500
    # no years or level anywhere: no market view
    assert all(o.market is None for o in compare([remote, sf], bands=bands).offers)
    bad = make_offer({"base": 1, "city": "sfo2"}, origin="bad.toml", default_name="bad")
    with pytest.raises(MlcompError, match=r"^bad.toml: city: unknown city 'sfo2'") as e:
        compare([bad, sf], bands=bands, defaults={"years": 4.0})
    assert not e.value.usage


# ---- reading offers -------------------------------------------------------------------------------

def test_inline_spec_keeps_thousands_commas():
    assert parse_inline("name=Acme, Inc,base=$240,000,bonus=15%", "o") == {
        "name": "Acme, Inc", "base": "$240,000", "bonus": "15%"}


@pytest.mark.parametrize(("spec", "message"), [
    ("base", "expected key=value"),
    ("base=1,base=2", "base: given twice"),
])
def test_bad_inline_specs(spec, message):
    with pytest.raises(MlcompError, match=message) as e:
        parse_inline(spec, "o")
    assert e.value.usage


def test_unknown_key_suggests_the_right_one():
    with pytest.raises(MlcompError, match=r"^f.toml: bnous: unknown key. Did you mean 'bonus'\?"):
        make_offer({"base": 1, "bnous": "15%"}, origin="f.toml", default_name="f")


def test_missing_base():
    with pytest.raises(MlcompError, match=r"^f\.toml: base: missing"):
        make_offer({"name": "x"}, origin="f.toml", default_name="f")


def test_default_names(tmp_path):
    path = tmp_path / "initech.toml"
    path.write_text('base = "150k"\n')
    loaded = load_offers([str(path), "base=1", "-"], lambda: '{"base": 2}')
    assert [o.name for o in loaded] == ["initech", "Offer 2", "Offer 3"]
    assert [o.origin for o in loaded] == [str(path), "offer 2 (inline)", "stdin"]


# ---- offers as they are written: shares, options, discounts, sign-on over years, raises, benefits --

def test_rsus_given_in_shares():
    # 10,000 shares at $40, even: 2,500 a year * $40 = 100,000; at +10%: * 1.1, 1.21, 1.331
    assert column(cash_flows(offer(shares="10k", share_price=40), 4), "equity") == [100_000] * 4
    grown = cash_flows(offer(shares=10_000, share_price="$40", growth="10%"), 4)
    assert column(grown, "equity") == [100_000, 110_000, 121_000, 133_100]


def test_options_in_and_out_of_the_money_as_growth_changes():
    # 10,000 options, strike $12, share worth $10 today: 2,500 vest a year, each worth max(10*(1+g)^i - 12, 0)
    options = offer(shares=10_000, share_price=10, strike=12)
    assert column(cash_flows(options, 4), "equity") == [0, 0, 0, 0]          # under water all along
    # +10%: 10, 11, 12.10, 13.31 -> 0, 0, 0.10 * 2,500 = 250, 1.31 * 2,500 = 3,275
    assert column(cash_flows(options, 4, growth=0.1), "equity") == [0, 0, 250, 3_275]
    # +50%: 10, 15, 22.50, 33.75 -> 0, 3 * 2,500 = 7,500, 10.5 * 2,500 = 26,250, 21.75 * 2,500 = 54,375
    assert column(cash_flows(options, 4, growth=0.5), "equity") == [0, 7_500, 26_250, 54_375]
    # -50%: 10, 5, 2.5, 1.25: never in the money, never negative
    assert column(cash_flows(options, 4, growth=-0.5), "equity") == [0, 0, 0, 0]


def test_a_private_equity_discount_applies_to_every_year_and_every_grant():
    # 400k even = 100k a year, at 25% off = 75k; a 40k refresher's 10k slice from year 2 = 7.5k more
    years = cash_flows(offer(equity="400k", refresh="40k", equity_discount="25%"), 3)
    assert column(years, "equity") == [75_000, 82_500, 90_000]
    # options: 40,000 at strike $5, share $20: 10,000 * 15 = 150,000 a year; 30% off -> 105,000
    assert cash_flows(offer(shares="40k", share_price=20, strike=5, equity_discount=0.3), 1)[0]["equity"] == 105_000


def test_a_two_year_sign_on():
    # [100k, 80k]: 100k + 10k relocation in year 1, 80k in year 2, nothing after
    from_list = cash_flows(offer(sign_on=["100k", 80_000], relocation="10k"), 4)
    assert column(from_list, "one_time") == [110_000, 80_000, 0, 0]
    assert column(from_list, "total") == [210_000, 180_000, 100_000, 100_000]
    assert column(cash_flows(offer(sign_on="100k/80k"), 3), "one_time") == [100_000, 80_000, 0]
    for spec in ("sign_on=[100k, 80k]", "sign_on=[100k,80k]", "sign_on=[$100,000, $80,000]"):
        assert load_offers([f"name=A,base=1,{spec}"], lambda: "")[0].sign_on == (100_000, 80_000), spec
    assert column(cash_flows(offer(sign_on="50k"), 2), "one_time") == [50_000, 0]


def test_raises_and_a_percentage_bonus_that_follows_the_base():
    # 100k at +3%: 100,000, 103,000, 106,090, 109,272.70 -> 109,273; a 10% bonus: 10,927.27 -> 10,927
    years = cash_flows(offer(**{"raise": "3%", "bonus": "10%"}), 4)
    assert column(years, "base") == [100_000, 103_000, 106_090, 109_273]
    assert column(years, "bonus") == [10_000, 10_300, 10_609, 10_927]
    # a bonus in dollars stays flat
    assert column(cash_flows(offer(**{"raise": 0.03, "bonus": "20k"}), 3), "bonus") == [20_000] * 3


def test_benefits_are_their_own_component_every_year_and_cumulative_adds_up():
    # 100k base + 12k benefits = 112k a year; so far: 112k, 224k, 336k
    years = cash_flows(offer(benefits="12k"), 3)
    assert column(years, "benefits") == [12_000] * 3
    assert column(years, "total") == [112_000] * 3
    assert column(years, "cumulative") == [112_000, 224_000, 336_000]


@pytest.mark.parametrize(("fields", "message"), [
    ({"equity": "100k", "shares": 10}, "equity and shares: give one, not both"),
    ({"shares": 10}, "shares: also give share_price"),
    ({"share_price": 10}, "share_price: applies only to a grant given in shares"),
    ({"equity": "1k", "strike": 1}, "strike: applies only to a grant given in shares"),
    ({"shares": 1_000_000_001, "share_price": 1}, "must be at most 1,000,000,000 shares"),
    ({"shares": "lots", "share_price": 1}, "expected a number of shares such as 12000 or 12k"),
    ({"shares": 1, "share_price": "1000001"}, r"must be at most \$1,000,000 a share"),
    ({"shares": 1, "share_price": 2, "strike": -1}, "must not be negative"),
    ({"equity_discount": "150%"}, "from 0% to 100%"),
    ({"raise": "-5%"}, "from 0% to 100%"),
    ({"sign_on": []}, "give at least one amount"),
    ({"sign_on": [1] * 31}, "at most 30 yearly amounts"),
    ({"sign_on": "10k/x"}, "expected an amount"),
])
def test_bad_new_fields(fields, message):
    with pytest.raises(MlcompError, match=message):
        offer(**fields)


# ---- break-even growth and scenarios --------------------------------------------------------------

def test_break_even_growth_and_its_null():
    # A: 200k base + 100k even = 900k over 4 years; B: 230k base = 920k, the best.
    # A catches up at g where 25k * (1 + (1+g) + (1+g)^2 + (1+g)^3) reaches 120k: g = 12.3%
    # (25,000 + 28,075 + 31,528 + 35,406 = 120,009; at 12.29%: 119,993)
    a, b = offer(name="A", base="200k", equity="100k"), offer(name="B", base="230k")
    result = {o.name: o for o in compare([a, b]).offers}
    assert result["A"].break_even_growth == 0.123 and result["B"].break_even_growth is None
    from mlcomp.offers import horizon_total
    assert horizon_total(a, 4, 0.123) >= 920_000 > horizon_total(a, 4, 0.1229)
    # no equity: no growth rate closes the gap
    assert compare([offer(name="A", base="200k"), b]).offers[0].break_even_growth is None
    # options far under water: even +1000% a year is not enough over 1 year (growth counts from year 2)
    deep = offer(name="A", base="200k", shares=1000, share_price=1, strike=100)
    assert compare([deep, b], horizon=1).offers[0].break_even_growth is None


def test_break_even_leaves_the_best_at_its_own_growth():
    # B (best) has 400k even at +10% (the scenario's growth): 100k, 110k, 121k, 133.1k = 464.1k + 800k base
    # A: 1.2m base over 4 years = 1.2m < 1,264,100 and has no equity: null
    a, b = offer(name="A", base="300k"), offer(name="B", base="200k", equity="400k")
    result = compare([a, b], growth=0.1)
    assert result.best == "B" and result.offers[1].total == 1_264_100
    assert result.offers[0].break_even_growth is None


def test_growth_scenarios_change_the_best():
    from mlcomp.offers import scenarios

    # Cash: 300k a year = 1.2m. Equity: 200k + 400k even (100k a year at 0%) = 1.2m, ties at 0%
    # (first year equal, name decides: 'Cash'); at -20%: 100+80+64+51.2 = 295.2k -> Cash;
    # at +20%: 100+120+144+172.8 = 536.8k -> Equity
    cash, equity = offer(name="Cash", base="300k"), offer(name="Equity", base="200k", equity="400k")
    runs = scenarios([cash, equity], [-0.2, 0.0, 0.2])
    assert [r.growth for r in runs] == [-0.2, 0.0, 0.2]
    assert [r.best for r in runs] == ["Cash", "Cash", "Equity"]
    assert [r.offers[1].total for r in runs] == [1_095_200, 1_200_000, 1_336_800]
    # Cash has no equity: when Equity leads, nothing closes the gap
    assert runs[2].offers[0].break_even_growth is None
    # Equity catches up at 0% (the tie) whatever the scenario's growth
    assert runs[0].offers[1].break_even_growth == runs[1].offers[1].break_even_growth == 0.0


# ---- what to ask for (shipped data: mid, sf: total comp 248,400..473,200, midpoint 360,800) ------

SF4 = {"years": 4.0, "city": "sf"}


def test_one_ask_base_to_the_markets_base_at_the_target_then_the_rest_as_equity(bands):
    # base 200k + 10% bonus + 100k even = 245,000 a year; the target (the midpoint) is 360,800.
    # The market's base at 50% is 207,000 + 0.5 x 131,000 = 272,500, but a counter-offer moves base by
    # 15% at most: 230,000, averaging 230,000 x 1.1 = 253,000 before equity. A grant moves by 50% at
    # most (150,000: 37,500 a year): 290,500 a year; the rest, 4 x (360,800 - 290,500) = 281,200, is
    # more than a sign-on of one year's base (230,000) closes: (281,200 - 230,000) / 4 = 12,800 a year short.
    fields = {"name": "A", "base": "200k", "bonus": "10%", "equity": "100k"}
    market = compare([offer(**fields)], bands=bands, defaults=SF4).offers[0].market
    assert market.position == -0.0151   # (245000 - 248400) / 224800 = -0.01512
    assert market.verdict == "below range"
    ask = market.ask
    assert (ask["base"], ask["equity"], ask["shares"], ask["sign_on"], ask["short"]) == (230_000, 150_000, None,
                                                                                         230_000, 12_800)
    assert set(ask["reasons"]) == {"base", "equity", "sign_on", "short"} and "272,500" in ask["reasons"]["base"]
    assert "15% at most" in ask["reasons"]["base"] and "50% at most" in ask["reasons"]["equity"]
    # a grant of 300k (75,000 a year): 328,000 with the base; the grant must bring 4 x 360,800 - 4 x 253,000
    # = 431,200 over 4 years, a quarter a year, each year's rounded half up: 4 x round(g / 4) >= 431,200
    # -> g / 4 >= 107,799.5: a grant of 431,198, under 1.5 x 300,000 = 450,000
    fields = {**fields, "equity": "300k"}
    ask = compare([offer(**fields)], bands=bands, defaults=SF4).offers[0].market.ask
    assert (ask["base"], ask["equity"], ask["sign_on"], ask["short"]) == (230_000, 431_198, None, 0)
    assert set(ask["reasons"]) == {"base", "equity"}
    again = compare([offer(**{**fields, "base": ask["base"], "equity": ask["equity"]})], bands=bands,
                    defaults=SF4).offers[0].market
    assert again.position == 0.5 and again.ask["reasons"] == {}
    # target 0.75 (417,000 a year): the base stops at 230,000 again; the grant at 450,000 (112,500 a
    # year), and the rest, 4 x 417,000 - 4 x (253,000 + 112,500) = 206,000, as a sign-on
    high = compare([offer(**fields)], bands=bands, defaults=SF4, target=0.75).offers[0].market
    assert (high.ask["base"], high.ask["equity"], high.ask["sign_on"], high.ask["short"]) == (230_000, 450_000,
                                                                                              206_000, 0)


def test_the_base_ask_stops_at_the_markets_base_at_the_target(bands):
    # 280k base, 10k bonus, 20k equity a year = 310,000 a year, 50,800 short; the base may rise to the
    # market's 272,500 at most, which it already passes: the rest is equity, the grant at most 50% more
    # (120,000: 30,000 a year), then 4 x (50,800 - 10,000) = 163,200 as a year-1 sign-on
    market = compare([offer(name="A", base="280k", bonus="10k", equity="80k")], bands=bands,
                     defaults=SF4).offers[0].market
    assert (market.ask["base"], market.ask["equity"], market.ask["sign_on"], market.ask["short"]) == (
        None, 120_000, 163_200, 0)


def test_the_base_ask_stops_where_the_total_is_reached(bands):
    # 250k base + 100k a year of equity = 350,000: 10,800 short; base 260,800 reaches it (under 272,500
    # and under 250,000 x 1.15 = 287,500)
    market = compare([offer(name="A", base="250k", equity="400k")], bands=bands, defaults=SF4).offers[0].market
    assert market.ask["base"] == 260_800 and market.ask["equity"] is None and set(market.ask["reasons"]) == {"base"}


def test_ask_counts_raises_discount_and_growth(bands):
    # base 100k raising 10%, asked 115,000 (15% more): 115,000 + 126,500 + 139,150 + 153,065 = 533,715.
    # equity 100k even at 50% off: g / 8 a year, the grant at most 150,000: 18,750 a year, 75,000 in
    # all; the target needs 4 x 360,800 = 1,443,200: a sign-on of one year's base (115,000) leaves
    # (1,443,200 - 533,715 - 75,000 - 115,000) / 4 = 179,871.25 a year: 179,872 short
    fields = {"name": "A", "base": "100k", "raise": "10%", "equity": "100k", "equity_discount": "50%"}
    market = compare([offer(**fields)], bands=bands, defaults=SF4).offers[0].market
    assert (market.ask["base"], market.ask["equity"], market.ask["sign_on"], market.ask["short"]) == (
        115_000, 150_000, 115_000, 179_872)
    # a 100% discount: no grant counts; a sign-on of one year's base (115,000) leaves
    # (1,443,200 - 533,715 - 115,000) / 4 = 198,621.25 a year: 198,622 short
    full = compare([offer(**{**fields, "equity_discount": 1})], bands=bands, defaults=SF4).offers[0].market
    assert (full.ask["equity"], full.ask["sign_on"], full.ask["short"]) == (None, 115_000, 198_622)
    assert "more equity cannot close it" in full.ask["reasons"]["sign_on"]


def test_an_all_cash_offer_is_asked_a_sign_on_never_above_a_years_base(bands):
    # 100k base, nothing else: base 115,000 (15% more); the sign-on stops at one year's base, 115,000;
    # still (1,443,200 - 4 x 115,000 - 115,000) / 4 = 217,050 a year short, and the ask says so
    market = compare([offer(name="Cash", base="100k")], bands=bands, defaults=SF4).offers[0].market
    assert (market.ask["base"], market.ask["equity"], market.ask["sign_on"]) == (115_000, None, 115_000)
    assert market.ask["short"] == 217_050 and "no equity" in market.ask["reasons"]["sign_on"]
    assert "217,050 a year short" in market.ask["reasons"]["short"]
    # 300k cash: base 272,500 is under 300,000 already; a sign-on of 4 x 60,800 = 243,200 (under a year's base)
    market = compare([offer(name="Cash", base="300k")], bands=bands, defaults=SF4).offers[0].market
    assert (market.ask["base"], market.ask["sign_on"], market.ask["short"]) == (None, 243_200, 0)


def test_an_options_offer_is_asked_more_options(bands):
    # 100,000 options, $9.50 - $2.50 = $7.00 each, 25% a year: 175,000 a year; base 150k: 325,000 a year.
    # base 172,500 (15% more): 347,500, 13,300 a year short; a quarter of n more options vests each year
    # at $7.00, rounded half up: round(1.75 n) >= 13,300 -> n >= 7,599.7: 7,600 more
    market = compare([offer(name="S", base="150k", shares=100_000, share_price=9.5, strike=2.5)], bands=bands,
                     defaults=SF4).offers[0].market
    assert (market.ask["base"], market.ask["shares"], market.ask["equity"]) == (172_500, 107_600, None)
    # at a base of 272,500 already, the rest is options: 10,000 options, 17,500 a year: 290,000; 70,800 a
    # year short. 15,000 options at most (50% more: 8,750 a year more), then a sign-on of
    # 4 x (70,800 - 8,750) = 248,200, under a year's base
    market = compare([offer(name="S", base="272.5k", shares=10_000, share_price=9.5, strike=2.5)], bands=bands,
                     defaults=SF4).offers[0].market
    assert (market.ask["base"], market.ask["shares"], market.ask["equity"], market.ask["sign_on"]) == (
        None, 15_000, None, 248_200)
    assert "5,000 more shares" in market.ask["reasons"]["shares"]


BIGCO = {"name": "BigCo", "base": "230k", "bonus": "15%", "raise": "3%", "shares": 1600, "share_price": 250,
         "sign_on": ["60k", "40k"], "benefits": "12k", "tier": "faang"}
STARTUP = {"name": "Startup", "base": "205k", "shares": 100_000, "share_price": 9.5, "strike": 2.5,
           "equity_discount": "30%", "benefits": "4k", "tier": "ai-startup"}


def test_the_ask_on_leaving_after_18_months_is_for_those_18_months(bands):
    # years 4 in sf: total comp 351,900..527,280 for both (as docs/compare.md shows): the goal is
    # 439,590 a year, 659,385 over 18 months.
    # BigCo left at 18 months: base 230,000 + 236,900 / 2 = 118,450, bonus 34,500 (year 2's is paid
    # at its end, after leaving), 400 RSUs x $250 at month 12, sign-on 60,000 + 40,000 (no clawback),
    # benefits 18,000: 600,950. Base at most 15% more, 264,500: + 34,500 + 5,175 of bonus + 17,768
    # for months 13..18 = 658,393, 992 short; a share more vests a quarter in year 1 at $250 (62.50):
    # 16 more shares (1,000). A recruiter signs that.
    # Startup: 205,000 x 1.5 + 25,000 options x $7.00 x 70% (122,500) + 6,000 benefits = 436,000.
    # Base 235,750 (+46,125), options at most 50% more: 150,000 (12,500 more vest at month 12: 61,250),
    # 543,375; the rest, 659,385 - 543,375 = 116,010, as a year-1 sign-on (under a year's base).
    # Before, the ask was made over 2 whole years without leaving.
    result = compare([offer(**BIGCO), offer(**STARTUP)], horizon=1.5, leave=True, bands=bands, defaults=SF4)
    big, small = (o.market.ask for o in result.offers)
    assert (result.offers[0].total, result.offers[1].total) == (600_950, 436_000)
    assert (big["base"], big["shares"], big["equity"], big["sign_on"], big["short"]) == (264_500, 1_616, None,
                                                                                         None, 0)
    assert (small["base"], small["shares"], small["sign_on"], small["short"]) == (235_750, 150_000, 116_010, 0)
    assert "50% at most" in small["reasons"]["shares"]
    # the offers as asked, left at 18 months, reach the goal and ask nothing more
    asked = [offer(**{**BIGCO, "base": 264_500, "shares": 1_616}),
             offer(**{**STARTUP, "base": 235_750, "shares": 150_000, "sign_on": 116_010})]
    again = compare(asked, horizon=1.5, leave=True, bands=bands, defaults=SF4)
    assert [o.market.ask["reasons"] for o in again.offers] == [{}, {}]
    assert [o.total >= 659_385 for o in again.offers] == [True, True]


def test_the_ask_counts_the_bonus_as_expected_and_the_sign_on_clawback(bands):
    # a 10% target paid at 1.5x is a 15% bonus: the same ask
    plain = compare([offer(name="A", base="200k", bonus="15%", equity="300k")], bands=bands, defaults=SF4)
    times = compare([offer(name="A", base="200k", bonus="10% x 1.5", equity="300k")], bands=bands, defaults=SF4)
    assert plain.offers[0].market.ask == times.offers[0].market.ask
    # left at 6 months, a year-1 sign-on under a 12-month full clawback is repaid whole: asking for
    # more of it closes nothing, and the ask says it is short rather than ask for it: 300,000 a year,
    # 60,800 short of 360,800
    cash = {"name": "Cash", "base": "300k", "sign_on_clawback": "12m full"}
    ask = compare([offer(**cash)], horizon=0.5, leave=True, bands=bands, defaults=SF4).offers[0].market.ask
    assert (ask["base"], ask["sign_on"], ask["short"]) == (None, None, 60_800)
    assert "would be repaid on leaving" in ask["reasons"]["short"]
    # kept past the clawback (18 months), the sign-on closes it: 1.5 x 60,800 = 91,200
    ask = compare([offer(**cash)], horizon=1.5, leave=True, bands=bands, defaults=SF4).offers[0].market.ask
    assert (ask["sign_on"], ask["short"]) == (91_200, 0)


def test_ask_is_null_when_the_target_is_reached(bands):
    market = compare([offer(name="A", base="400k")], bands=bands, defaults=SF4).offers[0].market
    assert market.position == 0.6744  # (400000 - 248400) / 224800 = 0.67438, above 2/3
    assert market.verdict == "upper third"
    assert market.ask == {"base": None, "equity": None, "shares": None, "sign_on": None, "short": 0, "reasons": {}}


def test_two_offers_within_2_percent_are_a_close_call(bands):
    a, b = offer(name="A", base="240k"), offer(name="B", base="239.8k")
    result = compare([a, b], horizon=4)
    assert result.best == "A" and result.close_call == ("A", "B")   # $800 apart over 4 years
    assert result.as_dict()["close_call"] == ["A", "B"]
    # 2% of A's 960,000 is 19,200: 940,800 is in, 940,796 is out
    assert compare([a, offer(name="C", base="235.2k")]).close_call == ("A", "C")
    assert compare([a, offer(name="C", base="235199")]).close_call == ()


def test_an_offers_own_years_or_level_are_not_overridden(bands):
    # issue: --level staff judged an offer that says years=4 as staff
    own = offer(name="A", base="240k", years=4)
    alone = compare([own], bands=bands).offers[0].market
    staffed = compare([own], bands=bands, defaults={"level": "staff", "city": "sf"}).offers[0].market
    assert alone.level == staffed.level == "mid"
    assert staffed.location == "sf"  # other options still fill in
    with_level = offer(name="B", base="240k", level="senior")
    assert compare([with_level], bands=bands, defaults={"years": 1.0}).offers[0].market.level == "senior"
    # an offer with neither takes both
    assert compare([offer(name="C")], bands=bands, defaults={"level": "staff"}).offers[0].market.level == "staff"


# ---- vesting as a calendar ------------------------------------------------------------------------

def test_calendar_schedules_read_as_their_events_and_their_years():
    # "4y quarterly": 16 quarters of 6.25%, at months 3, 6, ..., 48
    quarterly = parse_schedule("4y quarterly")
    assert quarterly.events == tuple((3 * j, 6.25) for j in range(1, 17))
    assert quarterly.yearly == (25, 25, 25, 25)
    # years 1 and 2 at their ends (5%, 15%), then each year's 40% in two halves of 20%
    assert parse_schedule("5/15/40/40 semiannual from year 3").events == (
        (12, 5), (24, 15), (30, 20), (36, 20), (42, 20), (48, 20))
    # monthly over 4 years (100/48 = 2.083% a month) with a one-year cliff: 12 months' worth (25%) at
    # month 12, then 2.083% in each of months 13..48
    cliff = parse_schedule("4y monthly, 1y cliff")
    assert cliff.events[0] == (12, pytest.approx(25)) and len(cliff.events) == 37
    assert cliff.events[1] == (13, pytest.approx(100 / 48)) and cliff.events[-1][0] == 48
    assert cliff.yearly == (25, 25, 25, 25)
    # a list with its period is the same calendar as the text
    listed = offer(vesting=[6.25] * 16, vesting_period="quarter").vesting
    assert listed.events == quarterly.events
    assert load_offers(["name=A,base=1,vesting=4y monthly, 1y cliff"], lambda: "")[0].vesting == cliff


@pytest.mark.parametrize(("fields", "message"), [
    ({"vesting": [6.25] * 16}, "16 entries and no vesting_period: yearly or quarterly?"),
    ({"vesting": [50, 60]}, "yearly percentages sum to 110, 10 over 100: they must sum to 100"),
    ({"vesting": [6.25] * 15, "vesting_period": "quarter"}, "quarterly percentages sum to 93.75, 6.25 short of 100"),
    ({"vesting": "1y monthly, 2y cliff"}, "a cliff of 24 months is longer than the schedule (12 months)"),
    ({"vesting": "4y fortnightly"}, "unknown schedule '4y fortnightly'"),
    ({"vesting": "4y monthly, soon"}, "expected a cliff such as '1y cliff'"),
    ({"vesting": [25] * 4, "vesting_period": "week"}, "vesting_period 'week': expected month, quarter, half or year"),
    ({"vesting_period": "quarter"}, "vesting_period: give vesting too"),
    ({"vesting": "4y quarterly", "vesting_period": "month"}, "a text such as \"4y quarterly\" says its period"),
    ({"vesting": "5/15/40/40 quarterly from year 5"}, "'from year 5': the schedule has 4 years"),
])
def test_bad_calendars_say_what_is_wrong(fields, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(**fields)


def test_a_monthly_schedule_pays_each_year_what_the_yearly_one_does():
    # 400k, 10/20/30/40 by the year or by the month: 40k, 80k, 120k, 160k either way, at +10% growth
    # counted per year of the grant: 40k, 88k, 145.2k, 212.96k
    yearly = cash_flows(offer(equity="400k", vesting="10/20/30/40", growth="10%"), 4)
    monthly = cash_flows(offer(equity="400k", vesting="10/20/30/40 monthly", growth="10%"), 4)
    assert column(yearly, "equity") == column(monthly, "equity") == [40_000, 88_000, 145_200, 212_960]


# ---- leaving early --------------------------------------------------------------------------------

BIG_TECH = {"name": "BigTech", "base": "205k", "equity": "420k", "vesting": "5/15/40/40", "sign_on": ["100k", "65k"],
            "sign_on_clawback": "12m prorated"}


def test_the_back_loaded_big_tech_offer_left_at_18_months():
    # base: 205,000 for year 1 and 6/12 of it for months 13..18: 102,500, 307,500 in all.
    # RSUs: 5% of 420,000 (21,000) vest at month 12; year 2's 15% would vest at month 24: forfeited
    # 420,000 - 21,000 = 399,000. Sign-on: 100,000 at the start, 65,000 at month 13; the second is
    # left 6 months into its 12-month clawback, so 6/12 of it is repaid: 32,500.
    # Received: 307,500 + 21,000 + 165,000 - 32,500 = 461,000.
    result = compare([offer(**BIG_TECH)], horizon=1.5, leave=True).offers[0]
    assert result.total == 461_000
    assert [y.as_dict() for y in result.by_year] == [
        {"year": 1, "base": 205_000, "bonus": 0, "equity": 21_000, "one_time": 100_000, "benefits": 0, "repaid": 0,
         "total": 326_000, "cumulative": 326_000},
        {"year": 2, "base": 102_500, "bonus": 0, "equity": 0, "one_time": 65_000, "benefits": 0, "repaid": -32_500,
         "total": 135_000, "cumulative": 461_000}]
    assert result.leaving.as_dict() == {"months": 18, "granted": 420_000, "vested": 21_000, "forfeited": 399_000,
                                        "forfeited_at_growth": 399_000, "sign_on_repaid": 32_500}
    assert result.average == 307_333  # 461,000 / 1.5


def test_the_back_loaded_offer_left_at_13_months():
    # base: 205,000 + 205,000 / 12 = 17,083.33 -> 17,083 for month 13; RSUs 21,000 at month 12.
    # The 65,000 paid at month 13 is left after 1 of its 12 months: 11/12 repaid = 59,583.33 -> 59,583.
    # Received: 205,000 + 21,000 + 100,000 + 17,083 + 65,000 - 59,583 = 348,500.
    result = compare([offer(**BIG_TECH)], horizon=13 / 12, leave=True).offers[0]
    assert result.total == 348_500
    assert result.leaving.sign_on_repaid == 59_583 and result.leaving.forfeited == 399_000
    # in full: the whole 65,000 is repaid: 348,500 - 5,417 = 343,083
    full = compare([offer(**{**BIG_TECH, "sign_on_clawback": "1y full"})], horizon=13 / 12, leave=True).offers[0]
    assert full.total == 343_083 and full.leaving.sign_on_repaid == 65_000


def test_a_monthly_grant_after_a_cliff_left_at_18_months():
    # 240,000 over "4y monthly, 1y cliff": 5,000 a month; 60,000 at the cliff (month 12), then 5,000 in
    # each of months 13..18: 90,000 vested, 150,000 forfeited.
    # At +10% a year, year 2's months are worth 5,500: equity 60,000 + 6 * 5,500 = 93,000; what is
    # forfeited would have been worth 6 * 5,500 + 12 * 5,000 * 1.21 + 12 * 5,000 * 1.331
    # = 33,000 + 72,600 + 79,860 = 185,460.
    grant = offer(name="G", base="0", equity="240k", vesting="4y monthly, 1y cliff", growth="10%")
    result = compare([grant], horizon=1.5, leave=True).offers[0]
    assert column(result.by_year, "equity") == [60_000, 33_000]
    assert result.leaving.as_dict() == {"months": 18, "granted": 240_000, "vested": 90_000, "forfeited": 150_000,
                                        "forfeited_at_growth": 185_460, "sign_on_repaid": 0}
    # leaving at 11 months, before the cliff: nothing vested
    assert compare([grant], horizon=11 / 12, leave=True).offers[0].leaving.vested == 0


def test_leaving_early_decides_the_best_and_the_break_even():
    # Over 4 years the back-loaded offer (BigTech) is far ahead of a plain 280k base (1,120,000):
    # 820,000 + 420,000 + 165,000 = 1,405,000. Left at 18 months it is 461,000 against 420,000.
    plain = offer(name="Cash", base="280k")
    assert compare([offer(**BIG_TECH), plain]).best == "BigTech"
    left = compare([offer(**BIG_TECH), plain], horizon=1.5, leave=True)
    assert left.best == "BigTech" and left.offers[1].delta_to_best == -41_000
    # left at 13 months: 348,500 against 280,000 + 23,333 = 303,333; with the full clawback
    # still BigTech; left at 12 months: 326,000 against 280,000
    assert compare([offer(**BIG_TECH), plain], horizon=1, leave=True).offers[1].total == 280_000
    # a refresher granted at the start of year 2 is granted, and forfeited, when leaving at 18 months
    refreshed = compare([offer(equity="400k", refresh="40k")], horizon=1.5, leave=True).offers[0].leaving
    assert refreshed.granted == 440_000 and refreshed.vested == 100_000 and refreshed.forfeited == 340_000


@pytest.mark.parametrize(("value", "message"), [
    ("12m", "expected a period and how it is repaid, such as '12m prorated'"),
    ("sometimes prorated", "expected a span such as 18m"),
    ("361m full", "to 30 years"),
])
def test_bad_clawbacks(value, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(sign_on="10k", sign_on_clawback=value)


@pytest.mark.parametrize(("text", "months"), [
    ("18m", 18), ("1.5y", 18), ("1.5", 18), (4, 48), ("2 years", 24), ("30y", 360), (" 13 months ", 13),
])
def test_spans(text, months):
    from mlcomp.money import parse_months

    assert parse_months(text) == months


@pytest.mark.parametrize(("text", "message"), [
    ("1.4y", "must come to whole months, got '1.4y' (16.8 months)"), ("0", "from 1 month to 30 years"),
    ("31y", "from 1 month to 30 years"), ("soon", "expected a span such as 18m"), (True, "expected a span"),
    ("1e9y", "expected a span"), (10**400, "expected a span"),
])
def test_bad_spans(text, message):
    from mlcomp.money import parse_months

    with pytest.raises(ValueError, match=re.escape(message)):
        parse_months(text)


# ---- the start date -------------------------------------------------------------------------------

def test_a_prorated_first_bonus_counts_the_months_left_in_its_calendar_year():
    # 15% of 120,000 = 18,000 a year; starting in March leaves 10 months of 2027: 18,000 * 10/12 = 15,000;
    # in December 1 month: 1,500; year 2 pays the whole bonus. Without bonus_prorated, all of it.
    for start, first in (("2027-03", 15_000), ("2027-12", 1_500), ("2027-01", 18_000)):
        years = cash_flows(offer(base="120k", bonus="15%", start=start, bonus_prorated=True), 2)
        assert column(years, "bonus") == [first, 18_000], start
    assert column(cash_flows(offer(base="120k", bonus="15%", start="2027-03"), 1), "bonus") == [18_000]


@pytest.mark.parametrize(("fields", "message"), [
    ({"start": "1989-12"}, "start: must be from 1990 to 2100, got '1989-12'"),
    ({"start": "2101-01"}, "must be from 1990 to 2100"),
    ({"start": "2027-13"}, "expected a month such as 2027-03, got '2027-13'"),
    ({"start": "March"}, "expected a month such as 2027-03"),
    ({"start": 2027}, "expected a month such as 2027-03"),
])
def test_bad_start_dates(fields, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(**fields)


def test_a_prorated_bonus_needs_a_start():
    with pytest.raises(MlcompError, match="bonus_prorated: give start too"):
        compare([offer(name="A", bonus="10%", bonus_prorated=True)])


# ---- refreshers -----------------------------------------------------------------------------------

def test_a_quarterly_refresher_stack_over_four_years():
    # 400k even (100k a year) and a 40k refresher every year from year 2, each vesting by the quarter
    # over 4 years (2,500 a quarter, 10,000 a year). At +10% a year, a refresher's year i is worth
    # 1.1^(i-1): year 2: 110,000 (100k * 1.1) + 10,000; year 3: 121,000 + 11,000 + 10,000;
    # year 4: 133,100 + 12,100 + 11,000 + 10,000.
    stack = offer(equity="400k", refresh="40k", refresh_vesting="4y quarterly", growth="10%")
    assert column(cash_flows(stack, 4), "equity") == [100_000, 120_000, 142_000, 166_200]
    # left at 18 months: the year-2 refresher is granted at month 12 and 2 of its quarters have vested
    # (5,000); the initial grant's first 25% (100,000): 440,000 granted, 105,000 vested, 335,000 forfeited
    left = compare([stack], horizon=1.5, leave=True, growth=0.0).offers[0].leaving
    assert (left.granted, left.vested, left.forfeited) == (440_000, 105_000, 335_000)


def test_a_list_of_refreshers_each_with_its_year_size_and_schedule():
    # 400k even (100k a year at each year's end); a 48k expected refresher granted in year 2 vesting
    # monthly over 4 years (1,000 a month: 12,000 a year in years 2..5), and 200 shares in year 3 on the
    # grant's own schedule (50 a year at $100 = 5,000 at the ends of years 3..6), at +10% a year: the
    # share price of year 3 is 100 x 1.1^2 = 121 (6,050), year 4: 133.10 (6,655); the dollar refresher
    # grows from its own year: 12,000, 13,200, 14,520 in years 2..4.
    fields = {"name": "R", "base": "200k", "shares": 4000, "share_price": 100, "growth": "10%", "refreshers": [
        {"amount": "48k", "year": 2, "vesting": "4y monthly", "kind": "expected"}, {"shares": 200, "year": 3}]}
    listed = offer(**fields)
    years = cash_flows(listed, 4)
    # the initial 4,000 shares: 1,000 a year at 100, 110, 121, 133.10
    assert column(years, "equity") == [100_000, 110_000, 121_000 + 6_050, 133_100 + 6_655]
    assert column(years, "expected_equity") == [0, 12_000, 13_200, 14_520]
    # the same list as text, as an inline spec writes it
    text = offer(**{**fields, "refreshers": "48k in year 2 on 4y monthly expected; 200 shares in year 3"})
    assert cash_flows(text, 4) == years
    # left at 30 months: granted 400,000 + 48,000 + 20,000 (at grant: a share at $100); vested 200,000
    # of the initial grant, 18 of 48 months of the refresher (18,000), none of the year-3 shares
    left = leaving(listed, 30, 0.0)
    assert (left.granted, left.vested, left.forfeited) == (468_000, 218_000, 250_000)
    # a refresher granted after leaving is not granted
    assert leaving(listed, 20, 0.0).granted == 448_000


@pytest.mark.parametrize(("fields", "message"), [
    ({"refreshers": [{"year": 2}]}, "give amount (dollars at grant) or shares, one of them"),
    ({"refreshers": [{"amount": 1, "shares": 1, "year": 2}]}, "give amount (dollars at grant) or shares"),
    ({"refreshers": [{"amount": 1, "year": 31}]}, "refreshers.0.year"),
    ({"refreshers": [{"amount": 1, "year": 2, "vesting": "4y monthly, 5y cliff"}]}, "is longer than the schedule"),
    ({"refreshers": "50k in yr 2"}, "expected a refresher such as '50k in year 2'"),
    ({"refreshers": [{"shares": 10, "year": 2}]}, "refreshers in shares: also give share_price"),
    ({"refreshers": 5}, "expected a list of refreshers"),
])
def test_bad_refresher_lists(fields, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(name="A", base="100k", **fields)


def test_expected_refreshers_are_their_own_component_and_the_first_year_can_be_later():
    # the same stack, expected: equity keeps the initial grant, expected_equity the refreshers
    # (10,000, 21,000, 33,100); from year 3 only: 0, 0, 10,000, 21,000
    expected = offer(equity="400k", refresh="40k", refresh_vesting="4y quarterly", growth="10%",
                     refresh_kind="expected")
    years = cash_flows(expected, 4)
    assert column(years, "equity") == [100_000, 110_000, 121_000, 133_100]
    assert column(years, "expected_equity") == [0, 10_000, 21_000, 33_100]
    later = cash_flows(offer(equity="400k", refresh="40k", refresh_from=3, refresh_kind="expected",
                             refresh_vesting="4y quarterly", growth="10%"), 4)
    assert column(later, "expected_equity") == [0, 0, 10_000, 21_000]
    # a comparison without expected refreshers has no such key
    assert "expected_equity" not in cash_flows(offer(equity="400k", refresh="40k"), 1)[0].as_dict()


def test_refreshers_in_shares_are_worth_the_share_price_of_their_year():
    # 100 shares a year from year 3, monthly over 4 years (25 shares a year), at $250 growing 10%:
    # year 3: 25 * 250 * 1.21 = 7,562.50; year 4: 50 * 250 * 1.331 = 16,637.50 (no initial grant)
    refreshed = offer(refresh_shares=100, share_price=250, refresh_from=3, refresh_vesting="4y monthly",
                      growth="10%")
    assert column(cash_flows(refreshed, 4), "equity") == [0, 0, 7_563, 16_638]


@pytest.mark.parametrize(("fields", "message"), [
    ({"refresh": "10k", "refresh_shares": 10, "share_price": 1}, "refresh and refresh_shares: give one"),
    ({"refresh_shares": 10}, "refresh_shares: also give share_price"),
    ({"refresh_vesting": "even"}, "describe a refresher: give its size too"),
    ({"refresh": "10k", "refresh_from": 1}, "refresh_from: must be a whole number of years from 2 to 30"),
    ({"refresh": "10k", "refresh_kind": "hoped"}, "refresh_kind: must be 'guaranteed' or 'expected'"),
    ({"refresh": "10k", "refresh_vesting": [10] * 10}, "refresh_vesting: 10 entries and no vesting_period"),
])
def test_bad_refreshers(fields, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(**fields)


# ---- bonus odds -----------------------------------------------------------------------------------

def test_a_target_bonus_times_its_expected_payout():
    # 15% of 240,000 = 36,000, paid at 1.25 times: 45,000; 20k x 1.1 = 22,000; x 0: nothing
    assert cash_flows(offer(base="240k", bonus="15% x 1.25"), 1)[0]["bonus"] == 45_000
    assert cash_flows(offer(base="240k", bonus="20k x 1.1"), 1)[0]["bonus"] == 22_000
    assert cash_flows(offer(base="240k", bonus="15%x0"), 1)[0]["bonus"] == 0


def test_a_bonus_range_gives_low_middle_and_high_scenarios():
    # Trading: 200k base, 50%-100%: 100k, 150k or 200k a year -> 2 years: 600k, 700k, 800k.
    # Tech: 250k + 45,000... (15% x 1.25 of 250k = 46,875) + 50k equity = 346,875 a year: 693,750.
    # Tech leads at the low end; Trading at the middle and the high end.
    from mlcomp.offers import scenarios

    trading, tech = offer(name="Trading", base="200k", bonus="50%-100%"), \
        offer(name="Tech", base="250k", bonus="15% x 1.25", equity="200k")
    runs = scenarios([trading, tech], [None], horizon=2)
    assert [(r.bonus, r.best, r.offers[0].total) for r in runs] == [
        ("low", "Tech", 600_000), ("middle", "Trading", 700_000), ("high", "Trading", 800_000)]
    assert runs[0].as_dict()["bonus_case"] == "low"
    # without a range there is one scenario, and no bonus_case key
    (plain,) = scenarios([tech, offer(name="B")], [None])
    assert plain.bonus is None and "bonus_case" not in plain.as_dict()


def test_the_bonus_at_which_the_answer_flips():
    # At the low end Tech (693,750) leads Trading (200k base, 2 years: 400,000 + 2 x 200,000 x r).
    # Trading reaches it at r >= 293,750 / 400,000 = 73.4375%: in whole basis points 73.44% (73.43%
    # gives 693,720). A range of amounts: Fund, 220k base and 20k-60k: 440,000 + 2b >= 693,750 needs
    # b = 126,875, above its high end: none. Against a best of 520,000 it needs b = 40,000.
    from mlcomp.offers import break_even_bonus, scenarios

    trading, tech = offer(name="Trading", base="200k", bonus="50%-100%"), \
        offer(name="Tech", base="250k", bonus="15% x 1.25", equity="200k")
    fund = offer(name="Fund", base="220k", bonus="20k-60k")
    low, middle, _ = scenarios([trading, tech, fund], [None], horizon=2)
    assert [o.break_even_bonus for o in low.offers] == [0.7344, None, None]
    assert low.as_dict()["offers"][0]["break_even_bonus"] == 0.7344
    assert middle.best == "Trading" and middle.offers[0].break_even_bonus is None
    assert break_even_bonus(fund, 2, 520_000) == 40_000 and break_even_bonus(fund, 2, 519_999) == 40_000
    assert break_even_bonus(fund, 2, 520_001) == 40_001 and break_even_bonus(tech, 2, 1) is None
    # left before a year's end, no bonus is paid: no payout closes the gap
    assert break_even_bonus(trading, 0.5, 150_000) is None
    # without a range, no key
    assert "break_even_bonus" not in compare([tech, offer(name="B")]).as_dict()["offers"][0]


@pytest.mark.parametrize(("value", "message"), [
    ("15% x 6", "the payout multiplier must be from 0 to 5, got '6'"),
    ("15% x lots", "the payout multiplier must be from 0 to 5"),
    ("100%-50%", "a bonus range's low end is above its high end, got '100%-50%'"),
    ("10%-30k", "a bonus range's ends are both percentages or both amounts"),
])
def test_bad_bonus_odds(value, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(bonus=value)


# ---- startup equity -------------------------------------------------------------------------------

def test_a_startup_offer_with_strike_409a_and_preferred_prices():
    # 80,000 options over 4 years (20,000 a year), strike $1.20, 409A $2.40, preferred $9.50:
    # valued at the preferred price: 20,000 * (9.50 - 1.20) = 166,000 a year, at 70% for a 30% discount:
    # 116,200; exercising a year's options costs 20,000 * 1.20 = 24,000 and their spread at the 409A
    # price is 20,000 * (2.40 - 1.20) = 24,000, shown, not added to the total (190,000 + 116,200).
    fields = {"name": "S", "base": "190k", "shares": "80k", "strike": 1.2, "fmv": 2.4, "preferred_price": 9.5,
              "equity_discount": "30%"}
    (year,) = compare([offer(**fields)], horizon=1).offers[0].by_year
    assert (year["equity"], year["exercise_cost"], year["spread_at_fmv"]) == (116_200, 24_000, 24_000)
    assert year.total == 306_200
    # at +50% a year, year 2: the preferred price 14.25: 20,000 * 13.05 * 0.7 = 182,700; the 409A
    # price 3.60: spread 20,000 * 2.40 = 48,000; the exercise cost stays 24,000
    second = compare([offer(**fields)], horizon=2, growth=0.5).offers[0].by_year[1]
    assert (second["equity"], second["exercise_cost"], second["spread_at_fmv"]) == (182_700, 24_000, 48_000)
    # valued at the 409A price: 20,000 * 1.20 * 0.7 = 16,800
    at_fmv = compare([offer(**fields, valued_at="fmv")], horizon=1).offers[0]
    assert at_fmv.by_year[0]["equity"] == 16_800
    assert at_fmv.notes == ("S: shares valued at the 409A price, $2.40 a share.",)
    assert compare([offer(**fields)], horizon=1).offers[0].notes == (
        "S: shares valued at the preferred price, $9.50 a share (409A $2.40).",)


def test_a_strike_above_the_preferred_price_is_worth_nothing_and_said_so():
    under = compare([offer(name="U", shares="10k", strike=12, preferred_price=10)], horizon=1).offers[0]
    assert under.by_year[0]["equity"] == 0
    assert "U: the strike ($12.00) is not below the price shares are valued at ($10.00)" in under.notes[1]


def test_double_trigger_rsus_pay_nothing_before_the_liquidity_event():
    # 10,000 RSUs at a $30 preferred price, 2,500 (75,000) a year; start 2027-03, liquidity 2029-06:
    # the event is in month 28 (year 3): the 150,000 of years 1 and 2 is paid then, with year 3's 75,000
    rsus = {"name": "P", "base": "0", "shares": "10k", "preferred_price": 30, "start": "2027-03"}
    years = cash_flows(offer(**rsus, liquidity="2029-06"), 4)
    assert column(years, "equity") == [0, 0, 225_000, 75_000]
    assert column(cash_flows(offer(**rsus, liquidity="none"), 4), "equity") == [0, 0, 0, 0]
    # leaving after 18 months: half the shares' first year vested by time, not paid
    left = compare([offer(**rsus, liquidity="2029-06")], horizon=1.5, leave=True).offers[0]
    assert left.total == 0 and left.leaving.vested == 75_000
    with pytest.raises(MlcompError, match=re.escape("liquidity: 2026-06 is before the start (2027-03)")):
        compare([offer(**rsus, liquidity="2026-06")])
    with pytest.raises(MlcompError, match="liquidity: give start too"):
        compare([offer(name="Q", shares=1, preferred_price=1, liquidity="2029-06")])


@pytest.mark.parametrize(("fields", "message"), [
    ({"shares": 10, "share_price": 1, "preferred_price": 2}, "share_price and preferred_price: give one"),
    ({"shares": 10, "fmv": 2}, "shares: also give share_price"),
    ({"shares": 10, "preferred_price": 2, "valued_at": "fmv"}, "valued_at: fmv needs fmv"),
    ({"fmv": 2}, "fmv: applies only to a grant given in shares"),
    ({"shares": 10, "preferred_price": 2, "liquidity": "soon"}, "expected a month such as 2027-03, got 'soon'; or"),
    ({"shares": 10, "preferred_price": "$2,000,000"}, "must be at most $1,000,000 a share"),
])
def test_bad_startup_equity(fields, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(**fields)


# ---- benefits, itemised ---------------------------------------------------------------------------

def test_benefits_itemised_each_in_its_own_component():
    # 401(k): 50% of what goes in, up to 6% of 240,000 (14,400): 7,200. ESPP: 10% of base (24,000)
    # is more than 25,000 of shares at 85% (21,250) may buy; the 15% discount on them is worth
    # 21,250 * 0.15 / 0.85 = 3,750. HSA 1,000, other benefits 2,000: 253,950 in the year.
    years = cash_flows(offer(base="240k", match_401k="50% up to 6%", espp="15% discount, 10% of base",
                             hsa="1k", benefits="2k"), 1)
    assert years[0].as_dict() == {"year": 1, "base": 240_000, "bonus": 0, "equity": 0, "one_time": 0,
                                  "benefits": 2_000, "match_401k": 7_200, "espp": 3_750, "hsa": 1_000,
                                  "total": 253_950, "cumulative": 253_950}
    # 6% of 500,000 is 30,000, more than the 2026 employee limit of 24,500: a 100% match pays 24,500
    assert cash_flows(offer(base="500k", match_401k="100% up to 6%"), 1)[0]["match_401k"] == 24_500
    # 5% of 100,000 = 5,000 buys 5,882.35 of shares: a gain of 5,000 * 0.15 / 0.85 = 882.35 -> 882
    assert cash_flows(offer(base="100k", espp="15% discount, 5% of base"), 1)[0]["espp"] == 882
    # leaving after 6 months: half a year of each
    left = cash_flows(offer(base="240k", match_401k="50% up to 6%", hsa="1k"), 0.5, leave=True)[0]
    assert (left["match_401k"], left["hsa"]) == (3_600, 500)


def test_the_limits_are_data_with_their_sources():
    from mlcomp.offers import limits

    data = limits()
    assert data.year == 2026
    assert data.employee_deferral_401k.amount == 24_500 and "402(g)" in data.employee_deferral_401k.source
    assert data.espp_purchase.amount == 25_000 and "423(b)(8)" in data.espp_purchase.source


@pytest.mark.parametrize(("fields", "message"), [
    ({"match_401k": "lots"}, "expected a match such as '50% up to 6%'"),
    ({"match_401k": "300% up to 6%"}, "from 0% to 200%, got '300%'"),
    ({"espp": "20% discount, 10% of base"}, "from 0% to 15%, got '20%'"),
    ({"espp": "15%"}, "expected an ESPP such as '15% discount, 10% of base'"),
    ({"hsa": "-1k"}, "hsa: must not be negative"),
])
def test_bad_benefits(fields, message):
    with pytest.raises(MlcompError, match=re.escape(message)):
        offer(**fields)
