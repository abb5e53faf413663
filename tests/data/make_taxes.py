"""Write data/taxes.toml: the 2026 federal figures as the IRS and SSA publish them, and each state's
from policyengine-us's parameter files (facts, each with the references the model gives for it).

A development tool, never a dependency of mlcomp; the file, not the model, ships. Run it where
policyengine-us is installed:

    .venv-oracle/bin/python tests/data/make_taxes.py

The federal numbers are written here by hand from Rev. Proc. 2025-32 and the SSA, and checked
against the model's (the script stops if they differ). A state's figures are the model's for
2026-01-01; where the state had not yet published a 2026 amount, the model projects the last one
with inflation, and the file says so. What mlcomp leaves out of a state's rules is said, per state,
in its `assumption`.
"""

from __future__ import annotations

import json
import math
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from policyengine_us import CountryTaxBenefitSystem

YEAR = 2026
OUT = Path(__file__).resolve().parents[2] / "data" / "taxes.toml"
SYSTEM = CountryTaxBenefitSystem()
PARAMETERS = SYSTEM.parameters(f"{YEAR}-01-01")
ROOT = Path(sys.modules["policyengine_us"].__file__).parent / "parameters"
STATUS = {"single": "SINGLE", "joint": "JOINT", "head": "HEAD_OF_HOUSEHOLD"}
SCHEDULE_NAMES = {"single": "single", "joint": "joint", "head": "head_of_household"}
PROJECTED = ("Amounts the state has not yet published for 2026 are the model's projection of the last "
             "published one with inflation, rounded to the dollar.")


def node(path: str) -> Any:
    found = PARAMETERS
    for part in path.split("."):
        found = found[part] if isinstance(found, dict) else getattr(found, part)
    return found


def reference(path: str) -> str:
    """The newest reference the model's parameter file gives, as 'title <href>', with the parameter."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        file = ROOT.joinpath(*parts[:end]).with_suffix(".yaml")
        if file.is_file():
            data = yaml.load(file.read_text(), Loader=yaml.BaseLoader)  # dates stay text
            refs = (data.get("metadata") or {}).get("reference") or []
            for key in parts[end:]:  # a parameter nested inside its file
                data = data.get(key, {}) if isinstance(data, dict) else {}
                refs = ((data.get("metadata") or {}).get("reference") if isinstance(data, dict) else None) or refs
            if isinstance(refs, dict):
                refs = [refs]
            last = refs[-1] if refs else {}
            cited = f"{last.get('title', '')} <{last.get('href', '')}>" if last else "no reference given"
            return f"{path}: {cited}"
    return f"{path}: no parameter file"


class State:
    """One state's table, and the parameters it was read from."""

    def __init__(self, code: str, name: str) -> None:
        self.code, self.name = code, name
        self.table: dict[str, Any] = {"name": name}
        self.used: list[str] = []
        self.projected = False

    def value(self, path: str) -> float:
        self.used.append(path)
        number = float(node(path))
        self.projected |= not number.is_integer()
        return number

    def money(self, path: str) -> int:
        return round(self.value(path))

    def by_status(self, path: str, scale: float = 1.0) -> dict[str, int]:
        self.used.append(path)
        found = {}
        for key, status in STATUS.items():
            number = float(node(f"{path}.{status}"))
            self.projected |= not number.is_integer()
            found[key] = round(number * scale)
        return found

    def schedule(self, path: str, add: tuple[float, float] | None = None) -> dict[str, list]:
        """Brackets from the model's scale, its padding brackets at infinity left out; `add` lays a
        surtax (threshold, rate) over them."""
        self.used.append(path)
        scale = node(path)
        values = scale.rates if hasattr(scale, "rates") else scale.amounts
        pairs = [(float(t), float(r)) for t, r in zip(scale.thresholds, values, strict=True) if math.isfinite(t)]
        self.projected |= any(not t.is_integer() for t, _ in pairs)
        if add is not None:
            pairs = surtax(pairs, *add)
        return {"thresholds": [round(t) for t, _ in pairs], "rates": [round(r, 6) for _, r in pairs]}

    def brackets(self, path: str, *, per_status: bool = True, add: dict[str, tuple[float, float]] | None = None,
                 names: dict[str, str] | None = None) -> None:
        names = names or SCHEDULE_NAMES
        self.table["income_tax"] = {
            key: self.schedule(f"{path}.{names[key]}" if per_status else path, (add or {}).get(key))
            for key in STATUS}

    def flat(self, path: str) -> None:
        rate = self.value(path)
        self.table["income_tax"] = {key: {"thresholds": [0], "rates": [round(rate, 6)]} for key in STATUS}

    def amount(self, key: str, values: dict[str, int], phase_out: dict[str, Any] | None = None) -> None:
        self.table[key] = {**values, **({"phase_out": phase_out} if phase_out else {})}

    def done(self, assumption: str = "") -> dict[str, Any]:
        refs = "; ".join(dict.fromkeys(reference(p) for p in self.used))
        self.table["source"] = f"policyengine-us {version('policyengine-us')} parameters for {YEAR}: {refs}"
        said = " ".join(s for s in (assumption, PROJECTED if self.projected else "") if s)
        if said:
            self.table["assumption"] = said
        return self.table


def surtax(pairs: list[tuple[float, float]], threshold: float, rate: float) -> list[tuple[float, float]]:
    """Brackets with `rate` added above `threshold` (a surtax on the same taxable income)."""
    cut = sorted({t for t, _ in pairs} | {threshold})
    out = []
    for t in cut:
        base = next(r for s, r in reversed(pairs) if s <= t)
        out.append((t, base + (rate if t >= threshold else 0.0)))
    return out


FEDERAL_STD = {"single": 16_100, "joint": 32_200, "head": 24_150}
NO_WAGE_TAX = {"AK": "Alaska", "FL": "Florida", "NV": "Nevada", "NH": "New Hampshire", "SD": "South Dakota",
               "TN": "Tennessee", "TX": "Texas", "WA": "Washington", "WY": "Wyoming"}
PER_PERSON = {"single": 1, "joint": 2, "head": 1}


def per_person(amount: float) -> dict[str, int]:
    return {key: round(amount * n) for key, n in PER_PERSON.items()}


def states() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for code, name in NO_WAGE_TAX.items():
        found[code] = {"name": name, "source": f"{name} levies no income tax on wages "
                       "(policyengine-us models none for it)"}
    for code, build in BUILDERS.items():
        found[code] = build()
    return dict(sorted(found.items()))


def st(code: str, name: str) -> State:
    return State(code, name)


def _al() -> dict[str, Any]:
    s = st("AL", "Alabama")
    p = "gov.states.al.tax.income"
    s.brackets(f"{p}.rates")
    high, low = s.by_status(f"{p}.deductions.standard.amount.max"), s.by_status(f"{p}.deductions.standard.amount.min")
    s.amount("standard_deduction", low)
    s.amount("exemption", s.by_status(f"{p}.exemptions.personal"))
    s.table["federal_tax_deduction"] = {"source": "Ala. Code 40-18-15(a)(2): federal income tax paid is deductible",
                                        "assumption": "the federal tax is the one on the standard deduction"}
    return s.done(f"The standard deduction is at its floor ({low['single']}, {high['single']} below $25,500 of "
                  "income), as it is for wages above $40,000.")


def _az() -> dict[str, Any]:
    s = st("AZ", "Arizona")
    rate = s.schedule("gov.states.az.tax.income.main.single")["rates"][0]  # the scale's top is padding
    s.table["income_tax"] = {k: {"thresholds": [0], "rates": [rate]} for k in STATUS}
    s.amount("standard_deduction", s.by_status("gov.states.az.tax.income.deductions.standard.amount"))
    return s.done()


def _ar() -> dict[str, Any]:
    s = st("AR", "Arkansas")
    p = "gov.states.ar.tax.income"
    schedule = s.schedule(f"{p}.rates.main.high_income.rate")
    s.table["income_tax"] = {k: schedule for k in STATUS}
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard"))
    s.amount("credit", per_person(s.value(f"{p}.credits.personal.amount.base")))
    return s.done("The schedule for net income above $94,700 is used for all incomes (the low-income tables "
                  "and the bracket adjustment just above it are left out).")


def _ca() -> dict[str, Any]:
    s = st("CA", "California")
    p = "gov.states.ca.tax.income"
    s.used.append(f"{p}.mental_health_services")
    s.brackets(f"{p}.rates", add={k: (1_000_000, 0.01) for k in STATUS})
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    credit = s.value(f"{p}.exemptions.amount")
    start = s.by_status(f"{p}.exemptions.phase_out.start")
    step = s.value(f"{p}.exemptions.phase_out.amount") / s.value(f"{p}.exemptions.phase_out.increment.SINGLE")
    s.amount("credit", per_person(credit), {"start": start, "rate": round(step * 1, 6)})
    s.table["taxes_hsa"] = True
    s.table["payroll"] = {"sdi": {"label": "State Disability Insurance", "rate": s.value(
        "gov.states.ca.tax.payroll.disability.employee_rate"), "deductible": True, "source": reference(
        "gov.states.ca.tax.payroll.disability.employee_rate") + "; no taxable wage limit since 2024 (SB 951)"}}
    return s.done("The 1% Mental Health Services Tax above $1,000,000 is laid over the brackets. The exemption "
                  "credit's phase-out ($6 per $2,500, per exemption) is taken as continuous; HSA contributions "
                  "are taxed, as California does not follow the federal exclusion.")


def _co() -> dict[str, Any]:
    s = st("CO", "Colorado")
    s.flat("gov.states.co.tax.income.rate")
    s.amount("standard_deduction", dict(FEDERAL_STD))
    return s.done("Colorado taxes federal taxable income: the federal standard deduction is its deduction; the "
                  "add-back of deductions above $300,000 of income is left out.")


def _ct() -> dict[str, Any]:
    s = st("CT", "Connecticut")
    p = "gov.states.ct.tax.income"
    s.brackets(f"{p}.rates")
    s.amount("exemption", s.by_status(f"{p}.exemptions.personal.max_amount"),
             {"start": s.by_status(f"{p}.exemptions.personal.reduction.start"), "rate": 1.0})
    s.table["add_backs"] = {
        name: {"start": s.by_status(f"{p}.{path}.start"), "step": s.by_status(f"{p}.{path}.increment"),
               "amount": s.by_status(f"{p}.{path}.amount"), "max": s.by_status(f"{p}.{path}.max_amount")}
        for name, path in (("phase_out_2pct", "add_back"), ("recapture_low", "recapture.low"),
                           ("recapture_middle", "recapture.middle"), ("recapture_high", "recapture.high"))}
    return s.done("The personal tax credit (a share of the tax, for incomes below about $64,500 single) is "
                  "left out.")


def _dc() -> dict[str, Any]:
    s = st("DC", "District of Columbia")
    s.brackets("gov.states.dc.tax.income.rates", per_status=False)
    s.amount("standard_deduction", s.by_status("gov.states.dc.tax.income.deductions.standard.amount"))
    s.table["itemize_with_federal"] = True
    return s.done("A return that itemizes federally itemizes in DC too (D.C. Code 47-1803.03(b)): DC's own income "
                  "tax is not deductible, so it then has no deduction but the exemption.")


def _de() -> dict[str, Any]:
    s = st("DE", "Delaware")
    p = "gov.states.de.tax.income"
    s.brackets(f"{p}.rate", per_status=False)
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    s.amount("credit", per_person(s.value(f"{p}.credits.personal_credits.personal")))
    return s.done()


def _ga() -> dict[str, Any]:
    s = st("GA", "Georgia")
    p = "gov.states.ga.tax.income"
    s.flat(f"{p}.main.flat_rate")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    return s.done()


def _hi() -> dict[str, Any]:
    s = st("HI", "Hawaii")
    p = "gov.states.hi.tax.income"
    s.brackets(f"{p}.rates")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    s.amount("exemption", per_person(s.value(f"{p}.exemptions.base")))
    return s.done()


def _id() -> dict[str, Any]:
    s = st("ID", "Idaho")
    s.brackets("gov.states.id.tax.income.main")
    s.amount("standard_deduction", dict(FEDERAL_STD))
    return s.done("Idaho starts from federal taxable income: the federal standard deduction is its deduction.")


def _il() -> dict[str, Any]:
    s = st("IL", "Illinois")
    p = "gov.states.il.tax.income"
    s.flat(f"{p}.rate")
    s.amount("exemption", per_person(s.value(f"{p}.exemption.personal")),
             {"start": {k: v - round(s.value(f"{p}.exemption.personal")) * PER_PERSON[k]
                        for k, v in s.by_status(f"{p}.exemption.income_limit").items()}, "rate": 1.0})
    return s.done("The exemption, lost whole above the income limit, is taken to fall away dollar for dollar "
                  "just below it.")


def _in() -> dict[str, Any]:
    s = st("IN", "Indiana")
    p = "gov.states.in.tax.income"
    s.flat(f"{p}.agi_rate")
    s.amount("exemption", per_person(s.value(f"{p}.exemptions.base.amount")))
    return s.done("County income taxes (1% to 3%) are left out: the county is not known.")


def _ia() -> dict[str, Any]:
    s = st("IA", "Iowa")
    schedule = s.schedule("gov.states.ia.tax.income.rates.by_filing_status.other")
    s.table["income_tax"] = {k: schedule for k in STATUS}
    s.amount("standard_deduction", dict(FEDERAL_STD))
    return s.done("Iowa starts from federal taxable income: the federal standard deduction is its deduction.")


def _ks() -> dict[str, Any]:
    s = st("KS", "Kansas")
    p = "gov.states.ks.tax.income"
    other, joint = s.schedule(f"{p}.rates.other"), s.schedule(f"{p}.rates.joint")
    s.table["income_tax"] = {"single": other, "joint": joint, "head": other}
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.base_amount"))
    exemption = s.by_status(f"{p}.exemptions.by_filing_status.amount")
    exemption["head"] += s.money(f"{p}.exemptions.by_filing_status.hoh_additional_amount")
    s.amount("exemption", exemption)
    return s.done()


def _ky() -> dict[str, Any]:
    s = st("KY", "Kentucky")
    p = "gov.states.ky.tax.income"
    s.flat(f"{p}.rate")
    s.amount("standard_deduction", {k: s.money(f"{p}.deductions.standard") for k in STATUS})
    return s.done("City and county occupational taxes are left out.")


def _la() -> dict[str, Any]:
    s = st("LA", "Louisiana")
    p = "gov.states.la.tax.income"
    s.flat(f"{p}.main.flat.rate")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    return s.done()


def _me() -> dict[str, Any]:
    s = st("ME", "Maine")
    p = "gov.states.me.tax.income"
    s.brackets(f"{p}.main", add={k: (v, s.value(f"{p}.surcharge.rate")) for k, v in
                                 s.by_status(f"{p}.surcharge.threshold").items()})
    std = s.by_status(f"{p}.deductions.standard.amount")
    width = s.by_status(f"{p}.deductions.phase_out.width")
    s.amount("standard_deduction", std, {"start": s.by_status(f"{p}.deductions.phase_out.start"),
                                         "rate": round(std["single"] / width["single"], 6)})
    exemption = s.value(f"{p}.deductions.personal_exemption.amount")
    ex_width = s.by_status(f"{p}.deductions.personal_exemption.phaseout.width")
    s.amount("exemption", per_person(exemption),
             {"start": s.by_status(f"{p}.deductions.personal_exemption.phaseout.start"),
              "rate": round(exemption / ex_width["single"], 6)})
    fair = f"{p}.credits.fairness.sales_tax"
    per = s.value(f"{fair}.reduction.amount.SINGLE") / s.value(f"{fair}.reduction.increment.SINGLE")
    s.amount("refundable_credit", s.by_status(f"{fair}.amount.base"),
             {"start": s.by_status(f"{fair}.reduction.start"), "rate": round(per, 6)})
    return s.done("Each phase-out runs at the single filer's rate for every status (deduction over width). The "
                  "refundable sales tax fairness credit is the one for no dependants, its steps taken as a straight "
                  "line; the property tax fairness credit (for rent or property tax paid) is left out.")


def _md() -> dict[str, Any]:
    s = st("MD", "Maryland")
    p = "gov.states.md.tax.income"
    s.brackets(f"{p}.rates")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.flat_deduction.amount"))
    return s.done("The personal exemption ($3,200, gone above $150,000 single or $200,000 joint) is left out, "
                  "and so are the county income taxes (2.25% to 3.3%): the county is not known.")


def _ma() -> dict[str, Any]:
    s = st("MA", "Massachusetts")
    p = "gov.states.ma.tax.income"
    rate = s.value(f"{p}.rates.part_b")
    s.used.append(f"{p}.rates.additional")
    extra = node(f"{p}.rates.additional")
    threshold, surtax_rate = float(extra.thresholds[1]), float(extra.rates[1])
    s.table["income_tax"] = {k: {"thresholds": [0, round(threshold)], "rates": [rate, rate + surtax_rate]}
                             for k in STATUS}
    # M.G.L. c. 62, s. 3(B)(a)(9): up to $2,000 of the earner's Social Security and Medicare taxes.
    s.amount("exemption", {k: v + 2_000 for k, v in s.by_status(f"{p}.exemptions.personal").items()})
    s.table["payroll"] = {"pfml": {"label": "Paid Family and Medical Leave", "rate": 0.0046, "wage_base": 184_500,
                                   "source": "Massachusetts DFML, 2026 contribution rates: 0.88% of wages up to the "
                                   "Social Security wage base, of which an employee of an employer of 25 or more "
                                   "pays the family leave part (0.18%) and up to 40% of the medical part (0.70%)",
                                   "assumption": "the employer passes on the full employee share"}}
    return s.done("The 4% surtax on income above the threshold is laid over the 5% rate. The exemption includes "
                  "the deduction of up to $2,000 of Social Security and Medicare taxes (M.G.L. c. 62, s. 3(B)(a)(9)), "
                  "which every earner above $26,000 of wages reaches.")


def _mi() -> dict[str, Any]:
    s = st("MI", "Michigan")
    p = "gov.states.mi.tax.income"
    s.flat(f"{p}.rate")
    s.amount("exemption", per_person(s.value(f"{p}.exemptions.personal")))
    return s.done("City income taxes (Detroit and others) are left out.")


def _mn() -> dict[str, Any]:
    s = st("MN", "Minnesota")
    p = "gov.states.mn.tax.income"
    s.brackets(f"{p}.rates")
    std = s.by_status(f"{p}.deductions.standard.base")
    s.amount("standard_deduction", std, {"start": s.by_status(f"{p}.deductions.standard.reduction.agi_threshold.low"),
                                         "rate": s.value(f"{p}.deductions.standard.reduction.excess_agi_fraction.low"),
                                         "floor": round(std["single"] * 0.2)})
    s.table["payroll"] = {"paid_leave": {"label": "Paid Leave", "rate": 0.0044, "wage_base": 184_500,
                                         "source": "Minnesota Paid Leave, premiums from January 1, 2026: 0.88% of "
                                         "wages up to the Social Security wage base, up to half paid by the employee",
                                         "assumption": "the employer passes on half"}}
    return s.done("The standard deduction's reduction runs at 3% of income above the lower threshold (10% above "
                  "the higher one is left out), down to 20% of the deduction.")


def _ms() -> dict[str, Any]:
    s = st("MS", "Mississippi")
    p = "gov.states.ms.tax.income"
    schedule = s.schedule(f"{p}.rate")
    s.table["income_tax"] = {k: schedule for k in STATUS}
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    s.amount("exemption", s.by_status(f"{p}.exemptions.regular.amount"))
    return s.done()


def _mo() -> dict[str, Any]:
    s = st("MO", "Missouri")
    schedule = s.schedule("gov.states.mo.tax.income.rates")
    s.table["income_tax"] = {k: schedule for k in STATUS}
    s.amount("standard_deduction", dict(FEDERAL_STD))
    return s.done("Missouri's standard deduction is the federal one; its deduction of part of the federal tax "
                  "(none above $125,000 of income) is left out.")


def _mt() -> dict[str, Any]:
    s = st("MT", "Montana")
    s.brackets("gov.states.mt.tax.income.main")
    s.amount("standard_deduction", dict(FEDERAL_STD))
    return s.done("Montana starts from federal taxable income: the federal standard deduction is its deduction.")


def _nc() -> dict[str, Any]:
    s = st("NC", "North Carolina")
    s.flat("gov.states.nc.tax.income.rate")
    s.amount("standard_deduction", s.by_status("gov.states.nc.tax.income.deductions.standard.amount"))
    return s.done()


def _nd() -> dict[str, Any]:
    s = st("ND", "North Dakota")
    s.brackets("gov.states.nd.tax.income.rates")
    s.amount("standard_deduction", dict(FEDERAL_STD))
    return s.done("North Dakota starts from federal taxable income: the federal standard deduction is its "
                  "deduction.")


def _ne() -> dict[str, Any]:
    s = st("NE", "Nebraska")
    p = "gov.states.ne.tax.income"
    s.brackets(f"{p}.rates")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.base_amount"))
    s.amount("credit", per_person(s.value(f"{p}.exemptions.amount")))
    return s.done()


def _nj() -> dict[str, Any]:
    s = st("NJ", "New Jersey")
    p = "gov.states.nj.tax.income"
    s.brackets(f"{p}.main")
    s.amount("exemption", s.by_status(f"{p}.exemptions.regular.amount"))
    s.table["taxes_hsa"] = True
    s.table["payroll"] = {
        "ui": {"label": "Unemployment, workforce and health funds", "rate": 0.00425, "wage_base": 44_800,
               "source": "New Jersey Department of Labor, 2026 rates: employee 0.425% of wages up to the taxable "
               "wage base", "assumption": "the 2026 wage base as announced; check the year's notice"},
        "tdi": {"label": "Temporary Disability Insurance", "rate": 0.0019, "wage_base": 171_100,
                "deductible": True,
                "source": "New Jersey Department of Labor, 2026 rates: employee TDI on wages up to the base",
                "assumption": "rate and base as announced for 2026; check the year's notice"},
        "fli": {"label": "Family Leave Insurance", "rate": 0.0023, "wage_base": 171_100,
                "deductible": True,
                "source": "New Jersey Department of Labor, 2026 rates: employee FLI on wages up to the base",
                "assumption": "rate and base as announced for 2026; check the year's notice"}}
    return s.done("HSA contributions are taxed: New Jersey does not follow the federal exclusion.")


def _nm() -> dict[str, Any]:
    s = st("NM", "New Mexico")
    s.brackets("gov.states.nm.tax.income.main")
    s.amount("standard_deduction", dict(FEDERAL_STD))
    return s.done("New Mexico allows the federal standard deduction; its low- and middle-income exemption "
                  "(gone by $36,667 single) is left out.")


def _ny() -> dict[str, Any]:
    s = st("NY", "New York")
    p = "gov.states.ny.tax.income"
    s.brackets(f"{p}.main")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    s.used += [f"{p}.supplemental.incremental_benefit", f"{p}.supplemental.recapture_base"]
    s.table["recapture"] = {"min_income": {k: s.money(f"{p}.supplemental.min_agi") for k in STATUS},
                            "phase": s.money(f"{p}.supplemental.phase_in_length")}
    s.table["payroll"] = {
        "pfl": {"label": "Paid Family Leave", "rate": 0.00432, "wage_base": 95_350,
                "deductible": True,
                "source": "New York State Paid Family Leave, 2026: 0.432% of wages, at most $411.91 a year",
                "assumption": "the wage base is the yearly maximum over the rate, rounded"},
        "sdi": {"label": "Disability benefits", "rate": 0.005, "wage_base": 6_240, "deductible": True,
                "source": "N.Y. Workers' Compensation Law 209: 0.5% of wages, at most $0.60 a week ($31.20 a year)"}}
    return s.done("The supplemental tax (the recapture of the lower brackets' benefit) is taken as a straight "
                  "phase-in over the phase length from each bracket's start (or the minimum income), until all "
                  "taxable income is taxed at the rate of its top bracket.")


def _oh() -> dict[str, Any]:
    s = st("OH", "Ohio")
    schedule = s.schedule("gov.states.oh.tax.income.rates")
    s.table["income_tax"] = {k: schedule for k in STATUS}
    s.used.append("gov.states.oh.tax.income.exemptions.personal.amount")
    exemption = node("gov.states.oh.tax.income.exemptions.personal.amount")
    amount, limit = round(float(exemption.amounts[2])), round(float(exemption.thresholds[3]))
    s.amount("exemption", per_person(amount), {"start": {k: limit - amount * n for k, n in PER_PERSON.items()},
                                               "rate": 1.0})
    return s.done("The exemption is the one for incomes from $80,001 to $500,000 for all (none above, falling "
                  "away dollar for dollar just below); municipal income taxes are left out.")


def _ok() -> dict[str, Any]:
    s = st("OK", "Oklahoma")
    p = "gov.states.ok.tax.income"
    s.brackets(f"{p}.rates")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    s.amount("exemption", per_person(s.value(f"{p}.exemptions.amount")))
    return s.done()


def _or() -> dict[str, Any]:
    s = st("OR", "Oregon")
    p = "gov.states.or.tax.income"
    s.brackets(f"{p}.rates")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.amount"))
    cap = {k: s.schedule(f"{p}.subtractions.federal_tax_liability.cap.{SCHEDULE_NAMES[k]}") for k in STATUS}
    s.table["federal_tax_deduction"] = {
        "limit": {**{k: round(cap[k]["rates"][0]) for k in STATUS},
                  "phase_out": {"start": {k: cap[k]["thresholds"][1] - 5_000 * (2 if k != "single" else 1)
                                          for k in STATUS},
                                "rate": round(cap["single"]["rates"][0] / 25_000, 6)}},
        "source": reference(f"{p}.subtractions.federal_tax_liability.cap"),
        "assumption": "the cap's steps are taken as a straight line; the joint and head steps as the single ones"}
    credit = s.value(f"{p}.credits.exemption.amount")
    s.amount("credit", per_person(credit), {"start": s.by_status(f"{p}.credits.exemption.income_limit.regular"),
                                            "rate": 1.0})
    s.table["payroll"] = {"paid_leave": {"label": "Paid Leave Oregon", "rate": 0.006, "wage_base": 184_500,
                                         "source": "Paid Leave Oregon: 1% of wages up to the Social Security wage "
                                         "base, 60% paid by the employee"}}
    return s.done("The exemption credit, lost above the income limit, is taken to fall away dollar for dollar.")


def _pa() -> dict[str, Any]:
    s = st("PA", "Pennsylvania")
    s.flat("gov.states.pa.tax.income.rate")
    s.table["taxes_401k"] = True
    s.table["payroll"] = {"uc": {"label": "Unemployment Compensation", "rate": 0.0007,
                                 "source": "Pennsylvania UC Law: employee 0.07% of all wages"}}
    return s.done("Pennsylvania taxes 401(k) deferrals; local earned income taxes are left out.")


def _ri() -> dict[str, Any]:
    s = st("RI", "Rhode Island")
    p = "gov.states.ri.tax.income"
    schedule = s.schedule(f"{p}.rate")
    s.table["income_tax"] = {k: schedule for k in STATUS}
    std = s.by_status(f"{p}.deductions.standard.amount")
    start = round(s.value(f"{p}.deductions.standard.phase_out.start"))
    share = s.value(f"{p}.deductions.standard.phase_out.percentage") / s.value(
        f"{p}.deductions.standard.phase_out.increment")
    s.amount("standard_deduction", std, {"start": {k: start for k in STATUS}, "rate": round(std["single"] * share, 6)})
    exemption = s.value(f"{p}.exemption.amount")
    s.amount("exemption", per_person(exemption), {"start": {k: start for k in STATUS},
                                                  "rate": round(exemption * share, 6)})
    s.table["payroll"] = {"tdi": {"label": "Temporary Disability Insurance", "rate": 0.013, "wage_base": 96_700,
                                  "deductible": True,
                                  "source": "Rhode Island DLT, 2026 TDI: employee rate on wages up to the base",
                                  "assumption": "rate and base as announced for 2026; check the year's notice"}}
    return s.done("The phase-outs (20% per step of income) are taken as straight lines at the single amount's rate.")


def _sc() -> dict[str, Any]:
    s = st("SC", "South Carolina")
    p = "gov.states.sc.tax.income"
    schedule = s.schedule(f"{p}.rates")
    s.table["income_tax"] = {k: schedule for k in STATUS}
    ded = s.by_status(f"{p}.deductions.sciad.amount")
    width = s.by_status(f"{p}.deductions.sciad.phase_out.width")
    s.amount("standard_deduction", ded, {"start": s.by_status(f"{p}.deductions.sciad.phase_out.start"),
                                         "rate": round(ded["single"] / width["single"], 6)})
    return s.done("The South Carolina income adjusted deduction replaces the federal standard deduction.")


def _ut() -> dict[str, Any]:
    s = st("UT", "Utah")
    p = "gov.states.ut.tax.income"
    s.flat(f"{p}.rate")
    share = s.value(f"{p}.credits.taxpayer.rate")
    s.amount("credit", {k: round(v * share) for k, v in FEDERAL_STD.items()},
             {"start": s.by_status(f"{p}.credits.taxpayer.phase_out.threshold"),
              "rate": s.value(f"{p}.credits.taxpayer.phase_out.rate")})
    return s.done("The taxpayer credit is 6% of the federal standard deduction, phased out at 1.3% of income.")


def _va() -> dict[str, Any]:
    s = st("VA", "Virginia")
    p = "gov.states.va.tax.income"
    s.brackets(f"{p}.rates", per_status=False)
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard"))
    s.amount("exemption", per_person(s.value(f"{p}.exemptions.personal")))
    return s.done()


def _vt() -> dict[str, Any]:
    s = st("VT", "Vermont")
    p = "gov.states.vt.tax.income"
    s.brackets(f"{p}.rates")
    s.amount("standard_deduction", s.by_status(f"{p}.deductions.standard.base"))
    s.amount("exemption", per_person(s.value(f"{p}.exemption.personal")))
    return s.done()


def _wi() -> dict[str, Any]:
    s = st("WI", "Wisconsin")
    p = "gov.states.wi.tax.income"
    s.brackets(f"{p}.rates")
    out = {k: s.schedule(f"{p}.deductions.standard.phase_out.{SCHEDULE_NAMES[k]}") for k in STATUS}
    std = s.by_status(f"{p}.deductions.standard.max")
    s.amount("standard_deduction", std, {"start": {k: out[k]["thresholds"][1] for k in STATUS},
                                         "rate": out["single"]["rates"][1]})
    s.amount("exemption", per_person(s.value(f"{p}.exemption.base")))
    return s.done("The standard deduction's phase-out runs at the single filer's rate (12%) for every status.")


def _wv() -> dict[str, Any]:
    s = st("WV", "West Virginia")
    p = "gov.states.wv.tax.income"
    s.brackets(f"{p}.rates", names={"single": "single", "joint": "joint", "head": "head"})
    s.amount("exemption", per_person(s.value(f"{p}.exemptions.personal")))
    return s.done()


BUILDERS = {"AL": _al, "AR": _ar, "AZ": _az, "CA": _ca, "CO": _co, "CT": _ct, "DC": _dc, "DE": _de, "GA": _ga,
            "HI": _hi, "IA": _ia, "ID": _id, "IL": _il, "IN": _in, "KS": _ks, "KY": _ky, "LA": _la, "MA": _ma,
            "MD": _md, "ME": _me, "MI": _mi, "MN": _mn, "MO": _mo, "MS": _ms, "MT": _mt, "NC": _nc, "ND": _nd,
            "NE": _ne, "NJ": _nj, "NM": _nm, "NY": _ny, "OH": _oh, "OK": _ok, "OR": _or, "PA": _pa, "RI": _ri,
            "SC": _sc, "UT": _ut, "VA": _va, "VT": _vt, "WI": _wi, "WV": _wv}

# Payroll premiums of states without a builder of their own (no income tax, or none above).
EXTRA_PAYROLL = {
    "WA": {"cares": {"label": "WA Cares Fund", "rate": 0.0058,
                     "source": "RCW 50B.04.080: 0.58% of all wages (WA Cares Fund, long-term care)"},
           "pfml": {"label": "Paid Family and Medical Leave", "rate": 0.008082, "wage_base": 184_500,
                    "deductible": True,
                    "source": "Washington ESD, 2026 premium: 1.13% of wages up to the Social Security wage base, "
                    "71.52% of it paid by the employee",
                    "assumption": "rate and share as announced for 2026; check the year's notice"}},
    "CT": {"pfml": {"label": "Paid Leave", "rate": 0.005, "wage_base": 184_500,
                    "source": "Connecticut Paid Leave Authority: 0.5% of wages up to the Social Security wage base"}},
    "CO": {"famli": {"label": "FAMLI", "rate": 0.0044, "wage_base": 184_500,
                     "source": "Colorado FAMLI Division, 2026: 0.88% of wages up to the Social Security wage base, "
                     "half paid by the employee"}},
    "ME": {"pfml": {"label": "Paid Family and Medical Leave", "rate": 0.005, "wage_base": 184_500,
                    "source": "Maine Paid Family and Medical Leave: 1% of wages up to the Social Security wage base, "
                    "half paid by the employee (employers of 15 or more)"}},
    "DE": {"paid_leave": {"label": "Paid Leave", "rate": 0.004, "wage_base": 184_500,
                          "source": "Delaware Paid Leave: 0.8% of wages up to the Social Security wage base, up to "
                          "half paid by the employee", "assumption": "the employer passes on half"}},
    "AK": {"ui": {"label": "Unemployment Insurance", "rate": 0.005, "wage_base": 51_700,
                  "source": "Alaska Department of Labor: employee 0.5% of wages up to the taxable wage base",
                  "assumption": "the 2025 wage base; the 2026 one was not at hand"}},
}


def federal() -> dict[str, Any]:
    """The 2026 federal figures, as Rev. Proc. 2025-32 gives them; checked against the model's."""
    brackets = {
        "single": [0, 12_400, 50_400, 105_700, 201_775, 256_225, 640_600],
        "joint": [0, 24_800, 100_800, 211_400, 403_550, 512_450, 768_700],
        "head": [0, 17_700, 67_450, 105_700, 201_750, 256_200, 640_600],
    }
    rates = [0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37]
    model = node("gov.irs.income.bracket")
    for key, thresholds in brackets.items():
        theirs = [0] + [round(float(getattr(getattr(model.thresholds, str(i)), STATUS[key]))) for i in range(1, 7)]
        assert theirs == thresholds, (key, theirs)
    assert {k: round(float(node(f"gov.irs.deductions.standard.amount.{s}"))) for k, s in STATUS.items()} == FEDERAL_STD
    assert round(float(node("gov.irs.payroll.social_security.cap"))) == 184_500
    return {
        "income_tax": {"source": "Rev. Proc. 2025-32, sec. 4.01, Tables 1 (joint), 3 (single) and 2 (head of "
                       "household): 2026 tax rate tables, as amended by Pub. L. 119-21",
                       **{k: {"thresholds": v, "rates": rates} for k, v in brackets.items()}},
        "standard_deduction": {**FEDERAL_STD, "source": "Rev. Proc. 2025-32, sec. 4.13(1): 2026 standard deduction "
                               "$32,200 joint, $24,150 head of household, $16,100 single"},
        "salt": {"cap": 40_400, "floor": 10_000, "threshold": 505_000, "rate": 0.30,
                 "source": "26 U.S.C. 164(b)(7) as amended by Pub. L. 119-21 sec. 70120: a $40,000 cap for 2025, "
                 "101% of the year before's from 2026 ($40,400), reduced by 30% of modified AGI above $500,000 "
                 "for 2025 ($505,000 for 2026), not below $10,000",
                 "assumption": "the state and local taxes deducted are the state's and the city's income taxes "
                 "alone (no property tax); the 2/37 limit on the itemized deductions of the 37% bracket is left "
                 "out (above that bracket's start the cap is at its $10,000 floor, below the standard deduction)"},
        "savers_credit": savers_credit(),
        "supplemental": {"rate": 0.22, "high_rate": 0.37, "threshold": 1_000_000,
                         "source": "IRS Publication 15 (2026), sec. 7, Supplemental Wages: 22% flat-rate withholding; "
                         "37% mandatory on supplemental wages above $1 million in the year (Treas. Reg. "
                         "31.3402(g)-1)"},
    }


def savers_credit() -> dict[str, Any]:
    """IRS Notice 2025-67's 2026 AGI limits, checked against the model's."""
    joint = [0, 48_501, 52_501, 80_501]
    share = {"single": 0.5, "joint": 1.0, "head": 0.75}
    model = node("gov.irs.credits.retirement_saving.rate.joint")
    assert [round(float(t)) for t in model.thresholds] == joint, list(model.thresholds)
    rates = [0.5, 0.2, 0.1, 0.0]
    table: dict[str, Any] = {"cap": 2_000}
    for key, part in share.items():
        table[key] = {"thresholds": [0] + [math.floor((t - 1) * part) + 1 for t in joint[1:]], "rates": rates}
    table["source"] = ("26 U.S.C. 25B; IRS Notice 2025-67 (2026 limits): 50%, 20% or 10% of up to $2,000 of "
                       "contributions for AGI up to $48,500, $52,500 and $80,500 joint ($36,375, $39,375, $60,375 "
                       "head of household; $24,250, $26,250, $40,250 single)")
    table["assumption"] = "the contributions are the 401(k) deferrals; no other credit is modelled"
    return table


def fica() -> dict[str, Any]:
    return {
        "social_security": {"rate": 0.062, "wage_base": 184_500,
                            "source": "26 U.S.C. 3101(a): 6.2%; SSA, 2026 Social Security Changes: maximum taxable "
                            "earnings $184,500"},
        "medicare": {"rate": 0.0145, "source": "26 U.S.C. 3101(b)(1): 1.45% of all wages"},
        "additional_medicare": {"rate": 0.009, "single": 200_000, "joint": 250_000, "head": 200_000,
                                "source": "26 U.S.C. 3101(b)(2): 0.9% of wages above $200,000 ($250,000 joint), "
                                "not indexed",
                                "assumption": "one earner: a joint return's wages are the earner's"},
    }


def locals_() -> dict[str, Any]:
    nyc = State("NYC", "New York City")
    nyc.brackets("gov.local.ny.nyc.tax.income.rates")
    table = nyc.done("Taxed on New York taxable income; the city's household and school tax credits are left out.")
    return {"nyc": {**table, "state": "NY"}}


PLACES = {
    "sf": {"state": "CA", "source": "San Francisco is in California; the city levies no income tax on wages"},
    "nyc": {"state": "NY", "local": "nyc", "source": "New York City residents pay the city's personal income tax "
            "(N.Y.C. Admin. Code 11-1701) besides the state's"},
    "seattle": {"state": "WA", "source": "Seattle is in Washington, which taxes no wages"},
    "national": {"assumption": "no state is known: federal tax and FICA only, unless --state says where"},
    "remote": {"assumption": "no state is known: federal tax and FICA only, unless --state says where"},
}


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def emit(lines: list[str], path: str, table: dict[str, Any]) -> None:
    """A table's plain keys under [path]; its schedules and phase-outs inline; its sub-tables after."""
    inline = {"single", "joint", "head", "phase_out", "start", "step", "amount", "max", "min_income", "limit"}
    plain = {k: v for k, v in table.items() if not isinstance(v, dict) or k in inline}
    nested = {k: v for k, v in table.items() if isinstance(v, dict) and k not in inline}
    lines.append(f"\n[{path}]")
    lines += [f"{k} = {toml_value(v)}" for k, v in plain.items()]
    for key, value in nested.items():
        emit(lines, f"{path}.{key}", value)


def main() -> None:
    data_states = states()
    for code, payroll in EXTRA_PAYROLL.items():
        data_states[code]["payroll"] = {**data_states[code].get("payroll", {}), **payroll}
    model = f"policyengine-us {version('policyengine-us')}"
    lines = [
        "# mlcomp tax data for one tax year. Every number carries a `source` (a publication and its section)",
        "# or an `assumption` (why), as data. Amounts are whole US dollars a year; rates are fractions.",
        f"# Written by tests/data/make_taxes.py: federal figures by hand, states from {model}'s parameters.",
        "# Brackets: `rates[i]` applies to taxable income from `thresholds[i]` up to the next threshold.",
        "",
        "schema_version = 1",
        'currency = "USD"',
        'period = "year"',
        f"tax_year = {YEAR}",
        f'generated = "tests/data/make_taxes.py: federal figures from the IRS and SSA, states from {model}"',
    ]
    for name, table in (("federal", federal()), ("fica", fica())):
        for key, part in table.items():
            emit(lines, f"{name}.{key}", part)
    for code, table in data_states.items():
        emit(lines, f"states.{code}", table)
    for key, table in locals_().items():
        emit(lines, f"locals.{key}", table)
    for key, table in PLACES.items():
        emit(lines, f"places.{key}", table)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{len(data_states)} states -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
