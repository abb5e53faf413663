"""Record what policyengine-us, an independent model of US federal and state tax, computes for
generated households: tests/data/taxes_oracle.json, which tests/test_taxes_oracle.py compares with
mlcomp's own figures.

A development tool, never a dependency of mlcomp: run it where policyengine-us is installed,

    python -m venv .venv-oracle && .venv-oracle/bin/pip install policyengine-us
    .venv-oracle/bin/python tests/data/record_taxes.py

Each household is one earner aged 35 with wages only (a joint return's spouse has none), in one
state, filing single, joint or head of household (the status given, with no dependants: credits
for children are outside what mlcomp models), with or without pre-tax 401(k) and HSA payroll
contributions (10% of wages to a 401(k) and 3% to an HSA, up to the year's limits). Wages run from
$40,000 to $3,000,000, evenly on a log scale.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path
from typing import Any

YEAR = 2026
FIXTURE = Path(__file__).with_name("taxes_oracle.json")
STATES = ("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
          "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
          "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY")
FILINGS = {"single": "SINGLE", "joint": "JOINT", "head": "HEAD_OF_HOUSEHOLD"}
# What each household's answer records: the model's variable for each tax mlcomp computes.
VARIABLES = {
    "federal_income_tax": "income_tax",
    "social_security": "employee_social_security_tax",
    "medicare": "employee_medicare_tax",
    "additional_medicare": "additional_medicare_tax",
    "state_income_tax": "state_income_tax",
    "local_tax": "nyc_income_tax",
    "agi": "adjusted_gross_income",
    "taxable_income": "taxable_income",
    "salt_deduction": "salt_deduction",
}
LOW, HIGH = 40_000, 3_000_000
K401, HSA = 24_500, 4_400  # the 2026 elective deferral limit and HSA self-only limit
# A contributor defers 10% of wages to a 401(k) and puts 3% in an HSA, up to those limits.
K401_SHARE, HSA_SHARE = 0.10, 0.03


def households(seed: int = YEAR) -> list[dict[str, Any]]:
    """Every state and DC x three filing statuses x without and with pre-tax contributions, plus
    New York City residents: wages drawn log-uniformly from $40,000 to $3,000,000."""
    rng = random.Random(seed)
    found = []

    def wages() -> int:
        return int(round(math.exp(rng.uniform(math.log(LOW), math.log(HIGH))), -2))

    def case(state: str, filing: str, city: str | None, pre_tax: bool) -> dict[str, Any]:
        pay = wages()
        return {"wages": pay, "state": state, "filing": filing, "city": city,
                "pre_tax": min(K401, int(round(pay * K401_SHARE, -2))) if pre_tax else 0,
                "hsa": min(HSA, int(round(pay * HSA_SHARE, -2))) if pre_tax else 0}

    for state in STATES:
        for filing in FILINGS:
            for pre_tax in (False, True):
                found.append(case(state, filing, None, pre_tax))
    for filing in FILINGS:
        for pre_tax in (False, True):
            found.append(case("NY", filing, "nyc", pre_tax))
    return found


def situation(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """One policyengine-us situation holding every household, so that one vectorised run answers all."""
    people: dict[str, Any] = {}
    units: dict[str, dict[str, Any]] = {kind: {} for kind in ("tax_units", "families", "spm_units",
                                                              "marital_units", "households")}
    for i, case in enumerate(cases):
        earner = f"p{i}"
        people[earner] = {"age": {YEAR: 35}, "employment_income": {YEAR: case["wages"]},
                          "traditional_401k_contributions": {YEAR: case["pre_tax"]},
                          "health_savings_account_payroll_contributions": {YEAR: case["hsa"]}}
        members = [earner]
        if case["filing"] == "joint":
            people[f"s{i}"] = {"age": {YEAR: 35}}
            members.append(f"s{i}")
        for kind in ("families", "spm_units", "marital_units"):
            units[kind][f"u{i}"] = {"members": members}
        units["tax_units"][f"u{i}"] = {"members": members, "filing_status": {YEAR: FILINGS[case["filing"]]}}
        units["households"][f"u{i}"] = {"members": members, "state_name": {YEAR: case["state"]},
                                        "in_nyc": {YEAR: case["city"] == "nyc"}}
    return {"people": people, **units}


def run(cases: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The model's version and its answers, one dict per household, in whole dollars."""
    from importlib.metadata import version

    from policyengine_us import Simulation

    built = situation(cases)
    sim = Simulation(situation=built)
    earners = [name.startswith("p") for name in built["people"]]
    columns: dict[str, list[float]] = {}
    for key, variable in VARIABLES.items():
        values = sim.calculate(variable, YEAR)
        if sim.tax_benefit_system.variables[variable].entity.key == "person":
            values = [v for v, earner in zip(values, earners, strict=True) if earner]
        columns[key] = [float(v) for v in values]
    statuses = [str(s) for s in sim.calculate("filing_status", YEAR).decode_to_str()]
    answers = []
    for i, case in enumerate(cases):
        answer = {key: round(columns[key][i]) for key in VARIABLES}
        answer["filing_status"] = statuses[i]
        answers.append({**case, "oracle": answer})
    return version("policyengine-us"), answers


def main() -> None:
    cases = households()
    model, answers = run(cases)
    FIXTURE.write_text(json.dumps({"model": f"policyengine-us {model}", "year": YEAR, "households": answers},
                                  indent=1) + "\n")
    print(f"{len(answers)} households from policyengine-us {model} -> {FIXTURE}", file=sys.stderr)


if __name__ == "__main__":
    main()
