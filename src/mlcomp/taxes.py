"""Take-home pay: the schema of data/taxes.toml and the tax on a year's wages. Pure but for the
loader: no rich, no typer, nothing printed.

Every number in the file carries a `source` (a publication and its section) or an `assumption`
(why), and the loader rejects unknown keys, NaN, negative amounts, rates above 100%, and brackets
that do not start at 0 or do not rise. The computation works in unrounded dollars and rounds each
tax once, at the end; the net is the wages less those rounded taxes, so the parts add up.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from mlcomp.errors import MlcompError, did_you_mean, shown
from mlcomp.money import MAX_MONEY, amount, bounded, dollars

Money = Annotated[int, Field(strict=True, ge=0), AfterValidator(bounded)]
TaxRate = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
FILINGS = ("single", "joint", "head")
Filing = Literal["single", "joint", "head"]
# What a user may type for a filing status.
FILING_NAMES = {"single": "single", "joint": "joint", "married": "joint", "mfj": "joint",
                "married-filing-jointly": "joint", "head": "head", "hoh": "head", "head-of-household": "head"}
STEP = 100  # dollars of extra wages over which the marginal rate is measured


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Noted(_Model):
    """A part of a table whose `source` covers it; it may carry its own."""

    source: str | None = None
    assumption: str | None = None


class Sourced(Noted):
    @model_validator(mode="after")
    def _has_provenance(self) -> Sourced:
        if not (self.source or "").strip() and not (self.assumption or "").strip():
            raise ValueError("needs a `source` (a publication and its section) or an `assumption` (why)")
        return self


class Schedule(_Model):
    """Tax brackets: `rates[i]` applies from `thresholds[i]` up to the next threshold."""

    thresholds: list[Money]
    rates: list[TaxRate]

    @model_validator(mode="after")
    def _ordered(self) -> Schedule:
        if not self.rates or len(self.rates) != len(self.thresholds):
            raise ValueError("needs as many rates as thresholds, and at least one")
        if self.thresholds[0] != 0:
            raise ValueError(f"the first bracket must start at 0, not {self.thresholds[0]}")
        if any(b <= a for a, b in zip(self.thresholds, self.thresholds[1:], strict=False)):
            raise ValueError("thresholds must rise")
        return self

    def tax(self, income: float) -> float:
        owed = 0.0
        for i, (start, rate) in enumerate(zip(self.thresholds, self.rates, strict=True)):
            end = self.thresholds[i + 1] if i + 1 < len(self.thresholds) else math.inf
            if income > start:
                owed += (min(income, end) - start) * rate
        return owed

    def rate_at(self, income: float) -> float:
        return next(r for t, r in zip(reversed(self.thresholds), reversed(self.rates), strict=True) if income >= t)


class Brackets(Noted):
    single: Schedule
    joint: Schedule
    head: Schedule


class ByStatus(_Model):
    single: Money
    joint: Money
    head: Money

    def of(self, filing: Filing) -> int:
        value: int = getattr(self, filing)
        return value


class PhaseOut(_Model):
    """An amount that shrinks by `rate` x (income - start) above `start`, down to `floor`."""

    start: ByStatus
    rate: TaxRate
    floor: Money = 0


class Amount(Noted):
    """A deduction, exemption or credit by filing status, with its phase-out if it has one."""

    single: Money
    joint: Money
    head: Money
    phase_out: PhaseOut | None = None

    def at(self, filing: Filing, income: float) -> float:
        value = float(getattr(self, filing))
        out = self.phase_out
        if out is not None and income > out.start.of(filing):
            value = max(min(value, out.floor), value - out.rate * (income - out.start.of(filing)))
        return value


class Premium(Sourced):
    """An employee payroll premium: `rate` of wages up to `wage_base` (no base: all wages)."""

    label: str
    rate: TaxRate
    wage_base: Money | None = None
    deductible: bool = False  # counts as state income tax when itemizing (IRS Publication 17)


class AddBack(_Model):
    """Tax added as income rises: `amount` for each `step` (or part of one) of income above `start`,
    at most `max` (Connecticut's phase-out of its low bracket and its recaptures)."""

    start: ByStatus
    step: ByStatus
    amount: ByStatus
    max: ByStatus

    def at(self, filing: Filing, income: float) -> float:
        above = income - self.start.of(filing)
        if above <= 0:
            return 0.0
        return float(min(self.max.of(filing), self.amount.of(filing) * math.ceil(above / self.step.of(filing))))


class Recapture(_Model):
    """New York's supplemental tax: above `min_income`, the benefit of the brackets below the one
    taxable income falls in is taken back over `phase` dollars of income."""

    min_income: ByStatus
    phase: Annotated[int, Field(strict=True, gt=0), AfterValidator(bounded)]

    def tax(self, schedule: Schedule, filing: Filing, taxable: float, income: float) -> float:
        graduated = schedule.tax(taxable)
        floor = self.min_income.of(filing)
        k = max(i for i, t in enumerate(schedule.thresholds) if taxable >= t)
        if k == 0 or income <= floor:
            return graduated

        def share(i: int) -> float:
            return min(1.0, max(0.0, (income - max(floor, schedule.thresholds[i])) / self.phase))

        start, below = schedule.thresholds[k], schedule.rates[k - 1]
        base = graduated
        if k >= 2:  # the brackets below this one, taken back at the rate below it
            base += (start * below - schedule.tax(start)) * share(k - 1)
        return base + (taxable * schedule.rates[k] - base) * share(k)


class FederalDeduction(Sourced):
    """Federal income tax deductible from state income: up to `limit` (no limit: all of it), the
    limit phased out with state income."""

    limit: Amount | None = None


class State(Sourced):
    name: str
    income_tax: Brackets | None = None
    standard_deduction: Amount | None = None
    exemption: Amount | None = None
    credit: Amount | None = None
    refundable_credit: Amount | None = None  # paid out beyond the tax: the state's tax can be negative
    federal_tax_deduction: FederalDeduction | None = None
    recapture: Recapture | None = None
    add_backs: dict[str, AddBack] = {}
    taxes_401k: bool = False  # the state does not let 401(k) deferrals lower its taxable wages
    taxes_hsa: bool = False
    itemize_with_federal: bool = False  # itemizes (and so has no standard deduction) when the federal return does
    payroll: dict[str, Premium] = {}


class Local(Sourced):
    name: str
    state: str
    income_tax: Brackets


class Place(Sourced):
    """Where a city of the bands is taxed: its state, and its local income tax if it has one."""

    state: str | None = None
    local: str | None = None


class SaltCap(Sourced):
    cap: Money
    floor: Money
    threshold: Money
    rate: TaxRate

    def allowed(self, agi: float, paid: float) -> float:
        """The state and local taxes `paid` that may be deducted, under the cap and its phase-down."""
        return min(paid, max(float(self.floor), self.cap - self.rate * max(0.0, agi - self.threshold)))


class SaversCredit(Sourced):
    """The retirement savings contributions credit: a rate (by AGI, the brackets' `rates`) of the
    contributions up to `cap`, against the income tax only."""

    cap: Money
    single: Schedule
    joint: Schedule
    head: Schedule

    def at(self, filing: Filing, agi: float, contributions: float) -> float:
        schedule: Schedule = getattr(self, filing)
        return schedule.rate_at(agi) * min(float(self.cap), contributions)


class Supplemental(Sourced):
    rate: TaxRate
    high_rate: TaxRate
    threshold: Money


class SourcedBrackets(Brackets, Sourced):
    pass


class SourcedAmount(Amount, Sourced):
    pass


class Federal(_Model):
    income_tax: SourcedBrackets
    standard_deduction: SourcedAmount
    salt: SaltCap
    savers_credit: SaversCredit
    supplemental: Supplemental


class SocialSecurity(Sourced):
    rate: TaxRate
    wage_base: Money


class Medicare(Sourced):
    rate: TaxRate


class AdditionalMedicare(Sourced):
    rate: TaxRate
    single: Money
    joint: Money
    head: Money


class Fica(_Model):
    social_security: SocialSecurity
    medicare: Medicare
    additional_medicare: AdditionalMedicare


class Taxes(_Model):
    schema_version: Literal[1]
    currency: Literal["USD"]
    period: Literal["year"]
    tax_year: int
    generated: str
    federal: Federal
    fica: Fica
    states: dict[str, State]
    locals: dict[str, Local]
    places: dict[str, Place]

    @model_validator(mode="after")
    def _consistent(self) -> Taxes:
        problems = [f"states.{code}: a state code is two capital letters" for code in self.states
                    if not (len(code) == 2 and code.isalpha() and code.isupper())]
        problems += [f"locals.{key}.state: '{local.state}' is not a key of [states]"
                     for key, local in self.locals.items() if local.state not in self.states]
        for key, place in self.places.items():
            if place.state is not None and place.state not in self.states:
                problems.append(f"places.{key}.state: '{place.state}' is not a key of [states]")
            if place.local is not None and place.local not in self.locals:
                problems.append(f"places.{key}.local: '{place.local}' is not a key of [locals]")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def state_code(self, text: str) -> str:
        """The state's key for what a user typed ('ca', 'CA', 'California'), or a usage error."""
        code = text.strip().upper()
        if code in self.states:
            return code
        names = {state.name.upper(): key for key, state in self.states.items()}
        if code in names:
            return names[code]
        choices = {**{key: key for key in self.states}, **names}
        close = difflib.get_close_matches(code, list(choices), n=1, cutoff=0.5)
        hint = f" Did you mean '{choices[close[0]]}'?" if close else ""
        raise MlcompError(f"unknown state {shown(text)}.{hint} Give a two-letter code such as CA, NY or "
                          "TX (DC for Washington, D.C.).", usage=True, field="state")


def parse_filing(text: str) -> Filing:
    """single, joint or head from what a user typed (also married, mfj, hoh), or a usage error."""
    name = text.strip().lower().replace("_", "-").replace(" ", "-")
    if name in FILING_NAMES:
        return FILING_NAMES[name]  # type: ignore[return-value]
    raise MlcompError(f"unknown filing status {shown(text)}.{did_you_mean(name, FILING_NAMES)} "
                      f"Known: {', '.join(FILINGS)}.", usage=True, field="filing")


@dataclass(frozen=True, slots=True)
class TakeHome:
    """A year's pay after tax, every tax its own field, in whole dollars (rates as fractions)."""

    tax_year: int
    state: str | None
    local: str | None
    filing: str
    wages: int
    supplemental: int
    pre_tax: int
    hsa: int
    deduction: str  # "standard" or "itemized", federal
    federal_income_tax: int
    social_security: int
    medicare: int
    additional_medicare: int
    state_income_tax: int
    local_tax: int
    state_payroll: int
    payroll: dict[str, int] = field(default_factory=dict)  # each state payroll premium by its key
    total_tax: int = 0
    net: int = 0
    effective_rate: float = 0.0
    marginal_rate: float = 0.0
    supplemental_withheld: int = 0
    supplemental_owed: int = 0
    april_surprise: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Owed:
    """The unrounded taxes for one set of wages."""

    federal: float
    social_security: float
    medicare: float
    additional_medicare: float
    state: float
    local: float
    payroll: dict[str, float]
    itemized: bool

    @property
    def total(self) -> float:
        return (self.federal + self.social_security + self.medicare + self.additional_medicare + self.state
                + self.local + sum(self.payroll.values()))


def _state_tax(state: State, filing: Filing, income: float, federal_tax: float, itemizing: bool) -> float:
    """A state's income tax on its adjusted gross income (`income`), given the federal tax and
    whether the federal return itemizes (a state that follows it then has no standard deduction)."""
    brackets = state.income_tax
    if brackets is None:
        return 0.0
    less = _deductions(state, filing, income, itemizing)
    deduct = state.federal_tax_deduction
    if deduct is not None:
        less += federal_tax if deduct.limit is None else min(federal_tax, deduct.limit.at(filing, income))
    schedule: Schedule = getattr(brackets, filing)
    taxable = max(0.0, income - less)
    owed = schedule.tax(taxable) if state.recapture is None else state.recapture.tax(schedule, filing, taxable,
                                                                                      income)
    owed += sum(add.at(filing, income) for add in state.add_backs.values())
    if state.credit is not None:
        owed -= state.credit.at(filing, income)
    refund = state.refundable_credit.at(filing, income) if state.refundable_credit is not None else 0.0
    return max(0.0, owed) - refund


def _deductions(state: State, filing: Filing, income: float, itemizing: bool = False) -> float:
    standard = state.standard_deduction
    if itemizing and state.itemize_with_federal:
        standard = None
    return sum(part.at(filing, income) for part in (standard, state.exemption) if part)


@dataclass(frozen=True, slots=True)
class _Pay:
    """What one computation is about: wages, their pre-tax parts, where and how they are taxed."""

    wages: float
    pre_tax: float
    hsa: float
    filing: Filing
    state: State | None
    local: Local | None


def _fica(fica: Fica, pay: _Pay) -> tuple[float, float, float]:
    """Social Security, Medicare and the additional Medicare tax: HSA payroll contributions are
    outside FICA wages, 401(k) deferrals are not."""
    wages = max(0.0, pay.wages - pay.hsa)
    extra = max(0.0, wages - getattr(fica.additional_medicare, pay.filing)) * fica.additional_medicare.rate
    return min(wages, fica.social_security.wage_base) * fica.social_security.rate, wages * fica.medicare.rate, extra


def _state_and_local(pay: _Pay, federal_tax: float, itemizing: bool) -> tuple[float, float, dict[str, float]]:
    state, local = pay.state, pay.local
    if state is None:
        return 0.0, 0.0, {}
    income = max(0.0, pay.wages - (0 if state.taxes_401k else pay.pre_tax) - (0 if state.taxes_hsa else pay.hsa))
    state_tax = _state_tax(state, pay.filing, income, federal_tax, itemizing)
    local_tax = 0.0
    if local is not None:
        taxable = max(0.0, income - _deductions(state, pay.filing, income, itemizing))
        local_tax = getattr(local.income_tax, pay.filing).tax(taxable)
    payroll = {key: min(pay.wages, p.wage_base if p.wage_base is not None else math.inf) * p.rate
               for key, p in state.payroll.items()}
    return state_tax, local_tax, payroll


def _owed(taxes: Taxes, pay: _Pay) -> _Owed:
    fed, filing = taxes.federal, pay.filing
    agi = max(0.0, pay.wages - pay.pre_tax - pay.hsa)
    standard = fed.standard_deduction.at(filing, agi)
    schedule: Schedule = getattr(fed.income_tax, filing)
    credit = fed.savers_credit.at(filing, agi, pay.pre_tax)

    def federal_tax(deduction: float) -> float:
        return max(0.0, schedule.tax(max(0.0, agi - deduction)) - credit)

    on_standard = federal_tax(standard)
    state_tax, local_tax, payroll = _state_and_local(pay, on_standard, itemizing=False)
    itemized = fed.salt.allowed(agi, state_tax + local_tax + _deductible(pay.state, payroll))
    itemizing = itemized > standard
    if itemizing and pay.state is not None and pay.state.itemize_with_federal:
        state_tax, local_tax, payroll = _state_and_local(pay, on_standard, itemizing=True)
        itemized = fed.salt.allowed(agi, state_tax + local_tax + _deductible(pay.state, payroll))
    federal = federal_tax(itemized) if itemizing else on_standard
    return _Owed(federal, *_fica(taxes.fica, pay), state_tax, local_tax, payroll, itemizing)


def _deductible(state: State | None, payroll: dict[str, float]) -> float:
    """The payroll premiums that count as state income tax when itemizing."""
    return sum(v for k, v in payroll.items() if state is not None and state.payroll[k].deductible)


def _money(value: object, what: str) -> float:
    try:
        number = amount(value)
    except ValueError as e:
        raise MlcompError(f"{what}: {e}", usage=True, field=what) from None
    return number


def take_home(wages: object, *, state: str | None = None, filing: str = "single", city: str | None = None,
              pre_tax: object = 0, hsa: object = 0, supplemental: object = 0, year: int | None = None,
              taxes: Taxes | None = None) -> TakeHome:
    """A year's pay after 2026 federal, state and local tax, each its own field.

    `wages` are the year's regular wages and `supplemental` its bonus and vesting stock (taxed the
    same; withheld at the federal supplemental rate), in dollars or as text ("240k"). `state` is a
    two-letter code (None: federal and FICA only); `city` a city of the bands ("sf", "nyc",
    "seattle"), which picks the state when `state` is not given and adds New York City's tax.
    `pre_tax` is 401(k) deferrals (they lower income tax, not FICA), `hsa` HSA payroll contributions
    (they lower both); neither is subtracted from the net, which stays the earner's. `year` is
    the tax year (None: the data's). Raises MlcompError for a bad value (its `field` names the
    keyword).
    """
    taxes = taxes if taxes is not None else shipped()
    if year is not None:
        check_year(taxes, year)
    kind = parse_filing(filing)
    regular, extra = _money(wages, "wages"), _money(supplemental, "supplemental")
    if regular + extra > MAX_MONEY:
        raise MlcompError(f"wages: wages and supplemental pay together must be at most ${MAX_MONEY:,}",
                          usage=True, field="wages")
    total = regular + extra
    deferred, hsa_paid = _money(pre_tax, "pre_tax"), _money(hsa, "hsa")
    if deferred + hsa_paid > total:
        raise MlcompError("pre_tax: pre-tax contributions cannot be more than the wages", usage=True,
                          field="pre_tax")
    code, local_key = where(taxes, state=state, city=city)
    home = taxes.states[code] if code else None
    local = taxes.locals[local_key] if local_key else None

    def owed(pay: float) -> _Owed:
        return _owed(taxes, _Pay(pay, deferred, hsa_paid, kind, home, local))

    now = owed(total)
    parts = {"federal_income_tax": dollars(now.federal), "social_security": dollars(now.social_security),
             "medicare": dollars(now.medicare), "additional_medicare": dollars(now.additional_medicare),
             "state_income_tax": dollars(now.state), "local_tax": dollars(now.local)}
    payroll = {key: dollars(value) for key, value in now.payroll.items()}
    total_tax = sum(parts.values()) + sum(payroll.values())
    marginal = (owed(total + STEP).total - now.total) / STEP
    sup = taxes.federal.supplemental
    withheld = min(extra, sup.threshold) * sup.rate + max(0.0, extra - sup.threshold) * sup.high_rate
    owed_on_extra = now.federal - owed(regular).federal if extra else 0.0
    return TakeHome(
        tax_year=taxes.tax_year, state=code, local=local_key, filing=kind, wages=dollars(regular),
        supplemental=dollars(extra), pre_tax=dollars(deferred), hsa=dollars(hsa_paid),
        deduction="itemized" if now.itemized else "standard", **parts,
        state_payroll=sum(payroll.values()), payroll=payroll, total_tax=total_tax,
        net=dollars(total) - total_tax, effective_rate=round(total_tax / total, 4) if total else 0.0,
        marginal_rate=round(marginal, 4), supplemental_withheld=dollars(withheld),
        supplemental_owed=dollars(owed_on_extra), april_surprise=dollars(owed_on_extra) - dollars(withheld))


def where(taxes: Taxes, *, state: str | None = None, city: str | None = None) -> tuple[str | None, str | None]:
    """The state code and local tax key for a state given and a city of the bands: a state given
    wins; a city outside its state's local tax gets none."""
    place = taxes.places.get(city.strip().lower()) if city else None
    code = taxes.state_code(state) if state else (place.state if place else None)
    local = place.local if place and place.local and taxes.locals[place.local].state == code else None
    return code, local


def shipped_path() -> Path:
    """data/taxes.toml inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).with_name("data") / "taxes.toml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "taxes.toml"


def load_taxes(user_file: Path | str | None = None) -> Taxes:
    """The shipped tax data, with `user_file` (if given) laid over it: a state, local tax or place
    of the user's replaces the shipped one whole, with its sources."""
    from mlcomp import inputs
    from mlcomp.bands import read_document, read_toml
    from mlcomp.errors import from_pydantic

    path: Path | str = shipped_path()
    data = read_toml(path)
    source = None
    if user_file:
        document = read_document(user_file)
        data = _overlay(data, document.data)
        path, source = document.origin, document.text
    try:
        return Taxes.model_validate(data)
    except ValidationError as e:
        text = source if source is not None else Path(path).read_text(encoding="utf-8")
        raise from_pydantic(e.errors(), file=str(path), locate=inputs.locator(text, "toml"),
                            known=None) from None


def _overlay(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if key in ("states", "locals", "places", "federal", "fica") and isinstance(value, dict) \
                and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


@cache
def shipped() -> Taxes:
    """The shipped tax data, read and validated once per process."""
    return load_taxes()


def check_year(taxes: Taxes, year: object) -> None:
    """A usage error unless `year` is the tax year the data holds."""
    if year != taxes.tax_year:
        raise MlcompError(f"no tax data for {shown(year)}: the data covers tax year {taxes.tax_year} only",
                          usage=True, field="year")
