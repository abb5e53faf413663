"""The engine against the guide: levels, premiums, cap, role and total comp, on the shipped data."""

from __future__ import annotations

import pytest

from mlcomp.bands import load_bands
from mlcomp.engine import RULES, Profile, estimate, make_profile
from mlcomp.errors import MlcompError

BANDS = load_bands()


def est(**typed):
    return estimate(make_profile(BANDS, **typed), BANDS)


@pytest.mark.parametrize(
    ("years", "level"),
    [(0, "entry"), (2.99, "entry"), (3, "mid"), (5.99, "mid"), (6, "senior"), (9.5, "senior"),
     (9.99, "senior"), (10, "staff"), (60, "staff")],
)
def test_level_boundaries_are_half_open(years, level):
    assert est(years=years).level == level


@pytest.mark.parametrize(
    ("level", "low", "high"),
    # The guide: "Entry Level (0-2 years) $130K - $180K", "Mid Level (3-5 years) $180K - $260K",
    # "Senior (6-10 years) $260K - $350K", "Staff/Principal (10+ years) $350K - $450K".
    [("entry", 130_000, 180_000), ("mid", 180_000, 260_000), ("senior", 260_000, 350_000),
     ("staff", 350_000, 450_000)],
)
def test_national_bands_quote_the_guide(level, low, high):
    result = est(level=level).as_dict()
    # a level without years: the typical value is the midpoint (p = 0.5)
    mid = (low + high) // 2
    assert result["base"] == {"low": low, "mid": mid, "high": high, "typical": mid}
    assert result["adjustments"] == []


def test_mid_sf_is_15_to_30_percent_over_the_band():
    # 180000 * 1.15 = 207000; 260000 * 1.30 = 338000; mid (207000 + 338000) / 2 = 272500
    # typical: 4 years is 1 of 3 into mid, p = 0.63 + 0.27 / 3 = 0.72; 207000 * 0.28 + 338000 * 0.72
    result = est(years=4, city="sf").as_dict()
    assert result["base"] == {"low": 207_000, "mid": 272_500, "high": 338_000, "typical": 301_320}
    # total comp: 207000 * 1.20 = 248400; 338000 * 1.40 = 473200; 248400 * 0.28 + 473200 * 0.72
    assert result["total_comp"] == {"low": 248_400, "mid": 360_800, "high": 473_200, "typical": 410_256}
    assert [(a["factor"], a["key"], a["low"], a["high"]) for a in result["adjustments"]] == [
        ("location", "sf", 0.15, 0.30)]


@pytest.mark.parametrize("city", ["sf", "nyc", "seattle"])
def test_hub_premiums_stay_inside_the_guides_15_to_30_percent(city):
    premium = BANDS.cities[city]
    assert 0.15 <= premium.low <= premium.high <= 0.30
    base, national = est(years=7, city=city).base, est(years=7).base
    assert 1.15 <= base.low / national.low <= 1.30
    assert 1.15 <= base.high / national.high <= 1.30


@pytest.mark.parametrize("city", ["national", "remote"])
def test_national_and_remote_carry_no_premium(city):
    assert est(years=4, city=city).base == est(years=4).base


@pytest.mark.parametrize("city", ["sf", "nyc", "seattle", "remote"])
def test_remote_first_removes_the_location_premium(city):
    result = est(years=4, city=city, remote_first=True)
    assert result.base == est(years=4).base
    assert [(a.factor, a.key) for a in result.adjustments] == [("location", "remote-first")]


@pytest.mark.parametrize("level", ["entry", "mid", "senior", "staff"])
@pytest.mark.parametrize("tier", [None, "mid-size"])
def test_total_comp_is_20_to_40_percent_over_base(level, tier):
    # the market's own equity and bonus; a mid-size enterprise pulls both parts toward the median alike
    result = est(level=level, tier=tier, city="sf")
    assert result.total_comp.low == pytest.approx(result.base.low * 1.20)
    assert result.total_comp.high == pytest.approx(result.base.high * 1.40)
    assert result.equity_and_bonus.low + result.base.low == pytest.approx(result.total_comp.low)


@pytest.mark.parametrize("level", ["entry", "mid", "senior", "staff"])
def test_faang_moves_base_to_the_top_of_the_band_and_the_rest_to_equity_and_bonus(level):
    band, result = BANDS.levels[level], est(level=level, tier="faang", city="sf")
    # base: +10% on the low end, the band's own top; both times San Francisco's 1.15 / 1.30
    assert result.base.low == pytest.approx(band.low * 1.15 * 1.10)
    assert result.base.high == pytest.approx(band.high * 1.30)
    # equity and bonus: the market's 20% / 40% of the location's band, times 3 and 1.4
    assert result.equity_and_bonus.low == pytest.approx(band.low * 1.15 * 0.20 * 3.0)
    assert result.equity_and_bonus.high == pytest.approx(band.high * 1.30 * 0.40 * 1.4)
    tier = next(a for a in result.adjustments if a.factor == "tier")
    assert (tier.low, tier.high, tier.eb_low, tier.eb_high) == (0.10, 0.0, 2.0, 0.4)
    assert "restricted stock units" in (tier.equity_and_bonus.source or "")


@pytest.mark.parametrize("years", [1, 4, 8, 15])
def test_software_engineers_earn_10_to_25_percent_less_than_ml(years):
    ml, swe = est(years=years, city="nyc").base, est(years=years, city="nyc", role="swe").base
    # ML engineers earn a 10 to 25 percent premium over software engineers.
    assert 0.10 - 1e-9 <= ml.low / swe.low - 1 <= 0.25 + 1e-9
    assert 0.10 - 1e-9 <= ml.high / swe.high - 1 <= 0.25 + 1e-9
    assert swe.high < ml.high and swe.low < ml.low


def test_top_of_market_tiers_pay_above_the_market_and_median_tiers():
    market = est(years=7)
    for tier in ("faang", "ai-startup"):
        top = est(years=7, tier=tier)
        # base at the top of the band: a higher low end, the band's own high end
        assert top.base.low > market.base.low and top.base.high == market.base.high
        for part in ("equity_and_bonus", "total_comp"):
            assert getattr(top, part).low > getattr(market, part).low
            assert getattr(top, part).high > getattr(market, part).high
        for median_tier in ("mid-size", "consultancy"):
            other = est(years=7, tier=median_tier)
            assert top.base.low > other.base.low and top.base.high > other.base.high
            assert top.total_comp.low > other.total_comp.low and top.total_comp.mid > other.total_comp.mid


@pytest.mark.parametrize("tier", ["mid-size", "consultancy"])
@pytest.mark.parametrize("level", ["entry", "mid", "senior", "staff"])
def test_median_tiers_stay_near_the_market_midpoint(tier, level):
    # "closer to the median": the band narrows toward the middle, midpoint within 3% of the market's.
    market, tiered = est(level=level).base, est(level=level, tier=tier).base
    assert abs(tiered.mid / market.mid - 1) < 0.03
    assert tiered.high - tiered.low < market.high - market.low


def test_industry_ordering_quant_and_autonomous_above_marketing():
    quant, auto = est(years=4, industry="quant-finance").base, est(years=4, industry="autonomous-driving").base
    tech, marketing = est(years=4, industry="tech").base, est(years=4, industry="marketing-analytics").base
    for above in (quant, auto):
        assert above.low > marketing.low and above.high > marketing.high
        assert above.low >= tech.low and above.high > tech.high
    assert tech == est(years=4).base  # tech is the neutral default


@pytest.mark.parametrize("spec", ["rl", "distributed-training", "inference-optimization"])
def test_specializations_earn_more_than_generalists(spec):
    special, generalist = est(years=4, specialization=spec).base, est(years=4, specialization="generalist").base
    assert special.low > generalist.low and special.high > generalist.high


def test_full_lifecycle_raises_both_ends():
    plain, full = est(years=4).base, est(years=4, full_lifecycle=True).base
    assert full.low > plain.low and full.high > plain.high


def test_senior_at_leading_companies_reaches_400k_total_comp():
    # "total compensation packages ... can bring the figure to $400,000 or higher"
    assert est(level="senior", tier="faang").as_dict()["total_comp"]["high"] >= 400_000


def test_staff_at_faang_total_comp_is_above_500k():
    # "Staff and principal-level engineers at FAANG companies ... total compensation above $500,000"
    assert est(level="staff", tier="faang").as_dict()["total_comp"]["mid"] > 500_000


def test_cap_limits_stacked_premiums_but_not_location_and_says_so():
    kwargs = dict(level="staff", city="sf", tier="faang", industry="quant-finance", specialization="rl",
                  full_lifecycle=True)
    result = est(**kwargs)
    # base, high end: tier, industry, specialization, lifecycle 1.0 * 1.10 * 1.10 * 1.10 = 1.331, capped at
    # 1 + 0.15; then sf's +30%, outside the cap: 450000 * 1.15 * 1.30 = 672750
    assert result.base.high == pytest.approx(450_000 * 1.15 * 1.30)
    # equity and bonus, high end: 1.4 * 1.5 * 1.25 * 1.2 = 3.15, capped at 3: 450000 * 1.30 * 0.40 * 3
    assert result.equity_and_bonus.high == pytest.approx(450_000 * 1.30 * 0.40 * 3)
    # low end: 3 * 1.5 * 1.1 * 1.03 = 5.1 capped at 4: 350000 * 1.15 * 0.20 * 4
    assert result.equity_and_bonus.low == pytest.approx(350_000 * 1.15 * 0.20 * 4)
    cap = [a for a in result.adjustments if a.factor == "cap"]
    assert len(cap) == 1 and cap[0].high == pytest.approx(1.15 / (1.10 * 1.10 * 1.10) - 1)
    assert cap[0].eb_high == pytest.approx(3 / (1.4 * 1.5 * 1.25 * 1.2) - 1)
    # this staff base stays under the level's top x San Francisco x 1.15: the constraint the cap keeps
    assert result.base.high <= 450_000 * 1.30 * 1.15 + 1e-6
    assert not any(a.factor == "cap" for a in est(years=4, city="sf", tier="faang").adjustments)


def test_adjustments_follow_the_declared_rule_order():
    result = est(years=4, city="sf", tier="faang", industry="quant", specialization="rl",
                 full_lifecycle=True, role="swe")
    factors = [a.factor for a in result.adjustments]
    assert factors == ["location", "tier", "industry", "specialization", "lifecycle", "cap", "role"]
    assert list(RULES) == ["location", "tier", "industry", "specialization", "lifecycle", "ml_focus", "cap",
                           "role"]
    result = est(years=4, city="sf", tier="faang", industry="quant", specialization="rl",
                 full_lifecycle=True, ml_focus="core")
    assert [a.factor for a in result.adjustments] == list(RULES)[:-1]


def test_level_option_overrides_years():
    result = est(years=1, level="staff")
    assert result.level == "staff" and result.years == 1
    assert result.base == est(level="staff").base


def test_keys_are_case_insensitive_and_aliases_resolve():
    assert make_profile(BANDS, years=4, city="Bay-Area", tier="FAANG", industry="Quant",
                        specialization="RL", role="SWE") == Profile(
        years=4, city="sf", tier="faang", industry="quant-finance", specialization="rl", role="swe")


def test_engine_does_not_import_rich_or_typer():
    import subprocess
    import sys

    code = ("import sys; from mlcomp.engine import estimate, make_profile; from mlcomp.bands import load_bands;"
            "b = load_bands(); estimate(make_profile(b, years=4, city='sf'), b);"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'typer')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_dollars_are_rounded_half_up_once_at_the_end():
    # entry, nyc, mid-size: 130000 * 1.15 * 1.05 = 156975; 180000 * 1.25 * 0.95 = 213750;
    # mid (156975 + 213750) / 2 = 185362.5 -> 185363 (half up, as offers round too; not to even)
    result = est(level="entry", city="nyc", tier="mid-size").as_dict()
    assert result["base"] == {"low": 156_975, "mid": 185_363, "high": 213_750, "typical": 185_363}


def test_the_mid_size_tier_moves_the_midpoint_as_its_assumption_says_in_every_city():
    # "... by 0.3% to 1.6% of the market's (base and total comp, in every city, level and role)"
    moves = []
    for city in BANDS.cities:
        for level in BANDS.levels:
            for role in BANDS.roles:
                market = est(level=level, city=city, role=role)
                mid_size = est(level=level, city=city, role=role, tier="mid-size")
                moves += [mid_size.base.mid / market.base.mid - 1,
                          mid_size.total_comp.mid / market.total_comp.mid - 1]
    assert f"{-max(moves):.1%} to {-min(moves):.1%}" == "0.3% to 1.6%"
    assert "by 0.3% to 1.6% of the market's" in (BANDS.tiers["mid-size"].provenance("base").assumption or "")
    assert "within 1%" not in (BANDS.tiers["mid-size"].provenance("base").assumption or "")


def test_startup_alone_is_not_the_well_funded_ai_startup():
    with pytest.raises(MlcompError, match=r"unknown tier 'startup'\. Did you mean 'ai-startup'"):
        make_profile(BANDS, years=4, tier="startup")


def test_senior_faang_at_8_years_typical_total_comp_reaches_400k():
    # "At leading technology companies, total compensation ... can bring the figure to $400,000 or higher"
    assert est(years=8, tier="faang").as_dict()["total_comp"]["typical"] >= 400_000


def test_staff_faang_at_12_years_typical_total_comp_is_above_500k():
    # "Staff and principal-level engineers at FAANG companies ... total compensation above $500,000"
    assert est(years=12, tier="faang").as_dict()["total_comp"]["typical"] > 500_000


def test_entry_level_starts_at_130k():
    # "Entry-level roles start around $130,000"
    assert est(years=0).as_dict()["base"]["typical"] == 130_000


@pytest.mark.parametrize(("years", "p"), [(0, 0.0), (1.5, 0.45), (3, 0.63), (4.5, 0.765), (6, 0.67),
                                          (8, 0.785), (10, 0.7), (15, 0.8), (20, 0.9), (60, 0.9)])
def test_p_is_the_years_place_inside_the_level(years, p):
    # entry 0 -> 0.9 over 0..3 years; mid 0.63 -> 0.9 over 3..6; senior 0.67 -> 0.9 over 6..10;
    # staff 0.7 -> 0.9 over 10 years from 10, then flat
    assert est(years=years).position == pytest.approx(p)


def test_a_level_with_years_outside_it_takes_the_nearest_end():
    assert est(years=1, level="staff").position == pytest.approx(0.7)
    assert est(years=30, level="entry").position == pytest.approx(0.9)


def test_ml_focus_core_pays_more_and_supporting_moves_toward_software_engineer_pay():
    plain, core, supporting = (est(years=4, ml_focus=f) for f in (None, "core", "supporting"))
    swe = est(years=4, role="swe")
    assert core.base.low == pytest.approx(plain.base.low * 1.05)
    assert core.base.high == pytest.approx(plain.base.high * 1.10)
    for end in ("low", "high"):
        ml, toward, sw = (getattr(e.base, end) for e in (plain, supporting, swe))
        assert sw < toward < ml, end
    # the focus changes the ML premium, not software engineers' pay
    assert est(years=4, role="swe", ml_focus="core").base == swe.base
    (adj,) = core.adjustments
    assert adj.factor == "ml_focus" and "central to the product" in (adj.source or "") and adj.assumption
