"""Take-home pay: the shipped tax data loads with a source for every number, hand-checked households
come out as the IRS and SSA tables give them, and bad input is one clear error."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import mlcomp
from mlcomp.errors import MlcompError
from mlcomp.taxes import load_taxes, shipped, shipped_path, take_home

DATA = tomllib.loads(shipped_path().read_text())
STATES = sorted(DATA["states"])


def sourced_tables():
    """Every table that must say where its numbers come from, with its key path: a state's source
    covers its brackets, deductions and credits; each payroll premium has its own."""
    for group in ("federal", "fica", "locals", "places"):
        for key, table in DATA[group].items():
            yield f"{group}.{key}", table
    for code, state in DATA["states"].items():
        yield f"states.{code}", state
        for key, premium in state.get("payroll", {}).items():
            yield f"states.{code}.payroll.{key}", premium
        if "federal_tax_deduction" in state:
            yield f"states.{code}.federal_tax_deduction", state["federal_tax_deduction"]


def test_the_data_is_for_2026_and_has_every_state_and_dc():
    taxes = shipped()
    assert taxes.tax_year == 2026
    assert len(taxes.states) == 51 and "DC" in taxes.states
    no_wage_tax = {code for code, state in taxes.states.items() if state.income_tax is None}
    assert no_wage_tax == {"AK", "FL", "NV", "NH", "SD", "TN", "TX", "WA", "WY"}


@pytest.mark.parametrize(("path", "table"), list(sourced_tables()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_number_has_a_source_or_an_assumption(path, table):
    assert table.get("source") or table.get("assumption"), path


def test_federal_figures_are_the_irs_and_ssa_ones():
    fed, fica = DATA["federal"], DATA["fica"]
    assert fed["standard_deduction"]["single"] == 16_100  # Rev. Proc. 2025-32
    assert fed["standard_deduction"]["joint"] == 32_200
    assert fed["standard_deduction"]["head"] == 24_150
    assert fed["income_tax"]["single"]["thresholds"][-1] == 640_600
    assert fica["social_security"]["wage_base"] == 184_500  # SSA, 2026


def test_single_in_texas_at_200k():
    """Taxable income 200,000 - 16,100 = 183,900: 1,240 + 4,560 + 12,166 + 24% x 78,200 = 36,734."""
    pay = take_home(200_000, state="TX")
    assert (pay.federal_income_tax, pay.social_security, pay.medicare, pay.additional_medicare) == \
        (36_734, 11_439, 2_900, 0)
    assert pay.state_income_tax == pay.local_tax == pay.state_payroll == 0
    assert pay.net == 200_000 - 36_734 - 11_439 - 2_900
    # The next dollars are above $200,000: the additional Medicare tax joins the 24% bracket and Medicare.
    assert pay.marginal_rate == pytest.approx(0.24 + 0.0145 + 0.009)


def test_joint_at_300k_pays_the_additional_medicare_tax():
    """Taxable income 267,800: 2,480 + 9,120 + 24,332 + 24% x 56,400 = 49,468; 0.9% over 250,000."""
    pay = take_home("300k", filing="joint")
    assert pay.state is None
    assert (pay.federal_income_tax, pay.medicare, pay.additional_medicare) == (49_468, 4_350, 450)


def test_vesting_stock_is_withheld_at_the_supplemental_rates_and_owed_at_the_top_rate():
    """$1.5M vesting on $200K of salary: 22% of the first $1M and 37% of the rest withheld (405,000);
    the tax it adds is 579,000 - 36,734 = 542,266: 137,266 more is due in April."""
    pay = take_home(200_000, supplemental=1_500_000, state="TX")
    assert pay.supplemental_withheld == 405_000
    assert pay.supplemental_owed == 542_266
    assert pay.april_surprise == 137_266


def test_401k_lowers_income_tax_not_fica_and_hsa_lowers_both():
    """At $150,000 single, taxable income stays in the 24% bracket with either contribution."""
    plain, deferred, hsa = (take_home(150_000, state="TX", **kw) for kw in ({}, {"pre_tax": 20_000},
                                                                            {"hsa": 4_000}))
    assert deferred.federal_income_tax == pytest.approx(plain.federal_income_tax - 0.24 * 20_000, abs=1)
    assert deferred.social_security == plain.social_security
    assert hsa.social_security == pytest.approx(plain.social_security - 0.062 * 4_000, abs=1)
    assert hsa.federal_income_tax == pytest.approx(plain.federal_income_tax - 0.24 * 4_000, abs=1)


def test_a_city_picks_its_state_and_local_tax():
    sf, nyc, seattle = (take_home(250_000, city=c) for c in ("sf", "nyc", "seattle"))
    assert (sf.state, sf.local) == ("CA", None) and sf.state_income_tax > 0 and sf.payroll["sdi"] > 0
    assert (nyc.state, nyc.local) == ("NY", "nyc") and nyc.local_tax > 0
    assert (seattle.state, seattle.state_income_tax) == ("WA", 0) and seattle.payroll
    # --state overrides the city's (a remote worker of a Seattle company who lives in Oregon).
    remote = take_home(250_000, city="nyc", state="OR")
    assert (remote.state, remote.local, remote.local_tax) == ("OR", None, 0)


def test_itemizing_when_state_tax_beats_the_standard_deduction():
    """A single Californian at $300K pays more state tax than the $16,100 standard deduction: it is
    itemized (under the $40,400 cap); a Texan takes the standard deduction."""
    ca, tx = take_home(300_000, state="CA"), take_home(300_000, state="TX")
    assert ca.deduction == "itemized" and tx.deduction == "standard"
    assert ca.federal_income_tax < tx.federal_income_tax


@given(wages=st.integers(0, 5_000_000), state=st.sampled_from([None, *STATES]),
       filing=st.sampled_from(["single", "joint", "head"]))
@example(wages=0, state="CA", filing="single")
@example(wages=1, state="ME", filing="single")
def test_parts_add_up_and_tax_never_falls_as_wages_rise(wages, state, filing):
    """A refundable credit (Maine's, at low pay) may leave the tax below zero; an exemption or credit
    lost at an income limit (Oregon's, Illinois's) is phased out dollar for dollar, so the marginal
    rate there can pass 100% for a few hundred dollars."""
    pay = take_home(wages, state=state, filing=filing)
    parts = (pay.federal_income_tax + pay.social_security + pay.medicare + pay.additional_medicare
             + pay.state_income_tax + pay.local_tax + pay.state_payroll)
    assert pay.total_tax == parts and pay.net == wages - parts
    assert pay.effective_rate <= 0.7 and 0 <= pay.marginal_rate <= 1.5
    if wages >= 40_000:
        assert pay.effective_rate >= 0.07
    more = take_home(wages + 1_000, state=state, filing=filing)
    assert more.total_tax >= pay.total_tax and more.net >= pay.net


@pytest.mark.parametrize(("call", "says"), [
    (lambda: take_home(1_000_000_001), "must be at most $1,000,000,000"),
    (lambda: take_home(900_000_000, supplemental="200m"), "together must be at most"),
    (lambda: take_home(100_000, state="CX"), "unknown state 'CX'. Did you mean"),
    (lambda: take_home(100_000, state="Californa"), "Did you mean 'CA'?"),
    (lambda: take_home(100_000, filing="married-separately"), "Known: single, joint, head."),
    (lambda: take_home("lots"), "wages: expected an amount"),
    (lambda: take_home(100_000, pre_tax=200_000), "cannot be more than the wages"),
    (lambda: take_home(100_000, year=2025), "no tax data for 2025: the data covers tax year 2026 only"),
])
def test_bad_input_is_one_clear_line(call, says):
    with pytest.raises(MlcompError) as info:
        call()
    assert says in str(info.value) and "\n" not in str(info.value)
    assert info.value.usage


def test_the_library_exposes_take_home():
    assert mlcomp.take_home(200_000, state="TX").federal_income_tax == 36_734
    assert "take_home" in dir(mlcomp)


def test_an_overlay_replaces_a_state_and_is_checked(tmp_path):
    mine = tmp_path / "taxes.toml"
    mine.write_text('[states.TX]\nname = "Texas"\nassumption = "a flat 1% for a test"\n'
                    "[states.TX.income_tax]\nsource = \"test\"\n"
                    + "".join(f"{s} = {{thresholds = [0], rates = [0.01]}}\n" for s in ("single", "joint", "head")))
    assert take_home(100_000, state="TX", taxes=load_taxes(mine)).state_income_tax == 1_000
    mine.write_text('[states.TX]\nname = "Texas"\nsurtax = 1\n')
    with pytest.raises(MlcompError) as info:
        load_taxes(mine)
    assert "states.TX.surtax: unknown key (line 3)" in str(info.value)
    mine.write_text('[states.TX]\nname = "Texas"\n')
    with pytest.raises(MlcompError) as info:
        load_taxes(mine)
    assert "states.TX: needs a `source`" in str(info.value)
