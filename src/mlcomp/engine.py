"""The rules engine: pure functions from a profile and the bands to an estimate.

Nothing here prints, reads files or exits. Pay has two parts, base and equity and bonus. The
market's reference is the national band times the location and the role; its base is the reference,
its equity and bonus the reference times the guide's 20% (low end) to 40% (high end). Rules run in
the order of RULES: the premiums (each multiplies each end of each part by its own rate; location
moves both parts alike), the cap on the product of those in CAPPED (one per part; location stays
outside it), then the role. Total comp is base plus equity and bonus. Every rule that changes the
numbers is recorded with its source. Each range also has a typical value, `low + (high - low) * p`,
with p the years' place inside the level (see `position`). Dollars are rounded once, at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlcomp.bands import Bands, CapPart, Level, Premium, Typical
from mlcomp.errors import MlcompError, shown
from mlcomp.fields import BY_NAME, given, parse_flag
from mlcomp.money import dollars

# Where a pay sits in a market range, in five steps: offers (compare) and the pay review both say it so.
VERDICTS = ("below range", "lower third", "middle third", "upper third", "above range")


def verdict(position: float) -> str:
    """Five steps over a range (position 0 at its low, 1 at its high): below it, its lower, middle and
    upper third, above it."""
    if position < 0:
        return VERDICTS[0]
    if position > 1:
        return VERDICTS[4]
    return VERDICTS[1] if position < 1 / 3 else VERDICTS[3] if position > 2 / 3 else VERDICTS[2]


@dataclass(frozen=True, slots=True)
class Range:
    """A low and a high end; premiums scale each end by its own factor."""

    low: float
    high: float

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def scale(self, low: float, high: float) -> Range:
        return Range(self.low * low, self.high * high)

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def at(self, p: float) -> float:
        """The value a share p of the way from low to high (p = 0.5 is the midpoint)."""
        return self.low * (1 - p) + self.high * p

    def typical(self, p: float) -> int:
        """The typical value at p, in whole dollars: at(p), rounded."""
        return typicals((self,))(p)[0]

    def dollars(self, p: float | None = None) -> dict[str, int]:
        """low, mid and high in whole dollars; with p, the typical value too."""
        ends = {"low": dollars(self.low), "mid": dollars(self.mid), "high": dollars(self.high)}
        return ends if p is None else {**ends, "typical": self.typical(p)}


def typicals(ranges: Iterable[Range]) -> Callable[[float], list[int]]:
    """The ranges' typical values at p, in whole dollars: low * (1 - p) + high * p, halves rounded up
    (money.dollars, written inline). The one definition: a batch makes it once per compiled row and
    asks it per row."""
    ends = [(r.low, r.high) for r in ranges]
    floor = math.floor

    def at(p: float) -> list[int]:
        q = 1 - p
        return [floor(low * q + high * p + 0.5) for low, high in ends]

    return at


@dataclass(frozen=True, slots=True)
class Profile:
    """A validated profile: keys are canonical (see `make_profile`); None means the default."""

    years: float | None = None
    level: str | None = None
    city: str | None = None
    tier: str | None = None
    industry: str | None = None
    specialization: str | None = None
    full_lifecycle: bool = False
    remote_first: bool = False
    role: str | None = None
    ml_focus: str | None = None


@dataclass(frozen=True, slots=True)
class PartRates:
    """What a rule does to the equity-and-bonus part of pay, where it differs from the base's."""

    low: float
    high: float
    source: str | None
    assumption: str | None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A rule that changed the numbers: `low` and `high` multiply the base's ends (less 1);
    `equity_and_bonus` the equity-and-bonus part's, when the rule moves it by its own rates (else
    by the same)."""

    factor: str
    key: str
    low: float
    high: float
    label: str
    source: str | None
    assumption: str | None
    equity_and_bonus: PartRates | None = None

    @property
    def eb_low(self) -> float:
        return self.low if self.equity_and_bonus is None else self.equity_and_bonus.low

    @property
    def eb_high(self) -> float:
        return self.high if self.equity_and_bonus is None else self.equity_and_bonus.high

    def as_dict(self, explain: bool = False) -> dict[str, Any]:
        """factor, key, low, high and the equity-and-bonus part's low and high; with `explain`, the
        source and assumption of each too."""
        eb = self.equity_and_bonus
        part: dict[str, Any] = {"low": round(self.eb_low, 4), "high": round(self.eb_high, 4)}
        data: dict[str, Any] = {"factor": self.factor, "key": self.key, "low": round(self.low, 4),
                                "high": round(self.high, 4)}
        if explain:
            data.update(source=self.source, assumption=self.assumption)
            part.update(source=eb.source if eb else self.source, assumption=eb.assumption if eb else self.assumption)
        data["equity_and_bonus"] = part
        return data


@dataclass(frozen=True, slots=True)
class Estimate:
    level: str
    level_label: str
    years: float | None
    currency: str
    band: Range
    band_source: str | None
    adjustments: tuple[Adjustment, ...]
    base: Range
    equity_and_bonus: Range
    total_comp: Range
    total_comp_rule: Adjustment
    position: float = 0.5
    position_note: str = ""
    notes: tuple[str, ...] = ()  # what the caller may want to say (see level_notes); not in the contract

    def as_dict(self, explain: bool = False) -> dict[str, Any]:
        """The JSON contract (see docs/estimate.md); with `explain`, each adjustment's source and
        assumption."""
        years, p = self.years, self.position
        return {
            "level": self.level,
            "years": int(years) if years is not None and years.is_integer() else years,
            "currency": self.currency,
            "band": self.band.dollars(p),
            "base": self.base.dollars(p),
            "equity_and_bonus": self.equity_and_bonus.dollars(p),
            "total_comp": self.total_comp.dollars(p),
            "adjustments": [a.as_dict(explain) for a in self.adjustments],
        }


def parse_years(value: object, bands: Bands) -> float:
    """Years of experience from a number or text, inside the data's allowed range."""
    lo, hi = bands.experience.min_years, bands.experience.max_years
    if isinstance(value, bool):
        raise MlcompError(f"{_allowed(lo, hi)}, got {shown(value)}", usage=True, field="years")
    try:
        years = math.nan if isinstance(value, str) and "_" in value else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        years = math.nan
    if not math.isfinite(years) or not lo <= years <= hi:
        text = value if isinstance(value, int) and abs(value) >= 10**60 else str(value)
        raise MlcompError(f"{_allowed(lo, hi)}, got {shown(text)}", usage=True, field="years")
    return years + 0.0  # -0 is 0


def _allowed(lo: float, hi: float) -> str:
    return f"years of experience must be a number from {lo:g} to {hi:g}"


def level_notes(years: float | None, level: str | None, bands: Bands) -> tuple[str, ...]:
    """A level given beside years wins; say so when the years alone would give another level."""
    if years is None or not level:
        return ()
    alone = bands.level_for(years)
    return () if alone == level else (f"level {level} is used; {years:g} years alone would be {alone}",)


def make_profile(bands: Bands, *, years: object = None, level: str | None = None,
                 city: str | None = None, tier: str | None = None, industry: str | None = None,
                 specialization: str | None = None, full_lifecycle: bool | str = False,
                 remote_first: bool | str = False, role: str | None = None, ml_focus: str | None = None) -> Profile:
    """Validate what a user typed into a Profile with canonical keys; MlcompError(usage=True) if not."""
    values = profile_values(bands, given(locals()))  # a misspelt value is the first thing to fix
    if "years" not in values and "level" not in values:
        raise MlcompError("give --years (years of experience) or --level "
                          f"({', '.join(bands.levels)})", usage=True)
    return Profile(**values)


def profile_values(bands: Bands, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical values for the profile fields given (empty ones left out): years parsed, keys
    resolved (case, aliases), flags as booleans. MlcompError(usage=True, field=...) for a bad one."""
    values: dict[str, Any] = {}
    for field, value in raw.items():
        if value is None or value == "":
            continue
        kind = BY_NAME[field]
        if kind.kind == "number":
            values[field] = parse_years(value, bands)
        elif kind.kind == "flag":
            values[field] = parse_flag(field, value)
        else:
            values[field] = bands.resolve(kind.group or "", str(value))
    return values


def _adjustment(factor: str, key: str, entry: Premium) -> Adjustment:
    """The rule's rates on each part of pay, each with its provenance."""
    low, high = entry.part("base")
    base, eb = entry.provenance("base"), entry.provenance("equity_and_bonus")
    eb_low, eb_high = entry.part("equity_and_bonus")
    own = None if entry.low is not None else PartRates(eb_low, eb_high, eb.source, eb.assumption)
    return Adjustment(factor, key, low, high, entry.label, base.source, base.assumption, own)


def _location(profile: Profile, bands: Bands) -> tuple[str, Premium]:
    if profile.remote_first:
        return "remote-first", bands.remote_first
    city = profile.city or bands.defaults.city
    return city, bands.cities[city]


def _tier(profile: Profile, bands: Bands) -> tuple[str, Premium] | None:
    return (profile.tier, bands.tiers[profile.tier]) if profile.tier else None


def _industry(profile: Profile, bands: Bands) -> tuple[str, Premium]:
    industry = profile.industry or bands.defaults.industry
    return industry, bands.industries[industry]


def _specialization(profile: Profile, bands: Bands) -> tuple[str, Premium]:
    spec = profile.specialization or bands.defaults.specialization
    return spec, bands.specializations[spec]


def _lifecycle(profile: Profile, bands: Bands) -> tuple[str, Premium] | None:
    return ("full-lifecycle", bands.lifecycle) if profile.full_lifecycle else None


def _ml_focus(profile: Profile, bands: Bands) -> tuple[str, Premium] | None:
    """The ML focus changes the ML premium over software engineers: another role keeps its pay."""
    role = bands.roles[profile.role or bands.defaults.role]
    if not profile.ml_focus or role.ml_premium_low or role.ml_premium_high:
        return None
    return profile.ml_focus, bands.ml_focus[profile.ml_focus]


# The premium rules, in the order they apply: each picks the profile's entry (or none).
PREMIUMS: dict[str, Callable[[Profile, Bands], tuple[str, Premium] | None]] = {
    "location": _location, "tier": _tier, "industry": _industry, "specialization": _specialization,
    "lifecycle": _lifecycle, "ml_focus": _ml_focus,
}
# The premiums the guide does not quantify: the cap limits their product. Location stays outside.
CAPPED = ("tier", "industry", "specialization", "lifecycle", "ml_focus")
RULES = (*PREMIUMS, "cap", "role")


def _premiums(profile: Profile, bands: Bands) -> list[Adjustment]:
    """The premiums that apply to the profile, in order; a rule that changes nothing is left out
    (remote-first stays: it says why a city's premium is gone)."""
    adjustments = []
    for factor, pick in PREMIUMS.items():
        picked = pick(profile, bands)
        if picked is not None:
            key, entry = picked
            if any(entry.part("base") + entry.part("equity_and_bonus")) or key == "remote-first":
                adjustments.append(_adjustment(factor, key, entry))
    return adjustments


def place(years: float | None, level: Level, bands: Bands) -> float:
    """p alone (see `position`), for a level of the bands."""
    return bands.typical.level_only if years is None else placer(level, bands)(years)


def placer(level: Level, bands: Bands) -> Callable[[float], float]:
    """p as a function of the years alone, for one level: a batch makes it once and asks it per row."""
    rule = level.typical
    if rule is None:
        fixed = bands.typical.level_only
        return lambda years: fixed
    start, span, first, last = level.years_from, _span(level, rule), rule.start, rule.end
    rise = last - first

    def p(years: float) -> float:
        if years <= start:
            return first
        if years >= start + span:
            return last
        return first + rise * ((years - start) / span)

    return p


def _span(level: Level, rule: Typical) -> float:
    """The years over which p rises from the rule's start to its end."""
    return rule.years or (level.years_to or level.years_from) - level.years_from


def position(profile: Profile, level_key: str, bands: Bands) -> tuple[float, str]:
    """p, the typical value's place in the level's ranges (0 = low, 1 = high), and how it was found."""
    level = bands.levels[level_key]
    rule, years = level.typical, profile.years
    p = place(years, level, bands)
    if years is None or rule is None:
        why = "no years given" if years is None else f"the {level.label} level has no typical rule"
        return p, f"{why}, so p = {p:g}"
    span, start = _span(level, rule), level.years_from
    where = f"{level.label} (from {start:g} years)"
    said = f"{years:g} year{'' if years == 1 else 's'}"
    if years <= start:
        return p, f"{said} is at or before the start of {where}: p = {rule.start:g}, the level's start"
    if years >= start + span:
        return p, f"{said} is {span:g} or more years into {where}: p = {rule.end:g}, the level's end"
    share = (years - start) / span
    return p, (f"{said} is {years - start:g} of {span:g} years into {where}: "
               f"p = {rule.start:g} + ({rule.end:g} - {rule.start:g}) x {share:.4g} = {p:.4g}")


@dataclass(frozen=True, slots=True)
class Factors:
    """What multiplies a level's band for a profile, whatever the level: every rule that applied, and
    the product of them all at the low and at the high end, for the base (`low`, `high`) and for the
    equity and bonus (`eb_low`, `eb_high`: times the band, the guide's uplift included)."""

    adjustments: tuple[Adjustment, ...]
    low: float
    high: float
    eb_low: float
    eb_high: float


def _capped(adjustments: list[Adjustment], cap: CapPart, ends: Callable[[Adjustment], tuple[float, float]],
            ) -> tuple[float, float, float, float]:
    """The product of the capped rules' factors at each end, and the cap's cut (1 + change) at each."""
    capped = [ends(a) for a in adjustments if a.factor in CAPPED]
    low, high = math.prod(1 + lo for lo, _ in capped), math.prod(1 + hi for _, hi in capped)
    return low, high, min(low, 1 + cap.low) / low, min(high, 1 + cap.high) / high


def factors(profile: Profile, bands: Bands) -> Factors:
    """The premiums, the caps and the role for a validated profile (its level and years play no part)."""
    adjustments = _premiums(profile, bands)
    cap = bands.cap
    low, high, cut_low, cut_high = _capped(adjustments, cap.base, lambda a: (a.low, a.high))
    eb_low, eb_high, eb_cut_low, eb_cut_high = _capped(adjustments, cap.equity_and_bonus,
                                                       lambda a: (a.eb_low, a.eb_high))
    if (cut_low, cut_high, eb_cut_low, eb_cut_high) != (1, 1, 1, 1):
        adjustments.append(Adjustment("cap", "combined", cut_low - 1, cut_high - 1, cap.label, cap.base.source,
                                      cap.base.assumption, PartRates(eb_cut_low - 1, eb_cut_high - 1,
                                                                     cap.equity_and_bonus.source,
                                                                     cap.equity_and_bonus.assumption)))
    role = bands.roles[profile.role or bands.defaults.role]
    if role.ml_premium_low or role.ml_premium_high:
        role_low, role_high = 1 / (1 + role.ml_premium_low), 1 / (1 + role.ml_premium_high)
        adjustments.append(Adjustment("role", profile.role or "", role_low - 1, role_high - 1,
                                      role.label, role.source, role.assumption))
    outside = [a for a in adjustments if a.factor not in (*CAPPED, "cap")]  # location and role

    def product(rate: Callable[[Adjustment], float]) -> float:
        return math.prod(1 + rate(a) for a in outside)

    tc = bands.total_comp
    return Factors(tuple(adjustments), product(lambda a: a.low) * low * cut_low,
                   product(lambda a: a.high) * high * cut_high,
                   product(lambda a: a.eb_low) * tc.low * eb_low * eb_cut_low,
                   product(lambda a: a.eb_high) * tc.high * eb_high * eb_cut_high)


def estimate(profile: Profile, bands: Bands, applied: Factors | None = None) -> Estimate:
    """Base, equity-and-bonus and total-comp ranges for a validated profile, with every rule that
    applied. `applied` is factors(profile, bands), if already known (a batch reuses it across levels)."""
    level_key = profile.level or bands.level_for(profile.years or 0.0)
    level = bands.levels[level_key]
    applied = applied or factors(profile, bands)
    tc = bands.total_comp
    p, note = position(profile, level_key, bands)
    return Estimate(
        level=level_key, level_label=level.label, years=profile.years, currency=bands.currency,
        band_source=level.source, adjustments=applied.adjustments, **ranges(level, applied, bands),
        total_comp_rule=Adjustment("total_comp", "equity-and-bonus", tc.low, tc.high, tc.label, tc.source,
                                   tc.assumption),
        position=p, position_note=note, notes=())


def ranges(level: Level, applied: Factors, bands: Bands) -> dict[str, Range]:
    """The level's band, and the base, equity-and-bonus and total-comp ranges the factors make of it
    (named as in an Estimate and its contract)."""
    band = Range(level.low, level.high)
    base, eb = band.scale(applied.low, applied.high), band.scale(applied.eb_low, applied.eb_high)
    return {"band": band, "base": base, "equity_and_bonus": eb, "total_comp": base + eb}
