"""Job offers: the schema, vesting calendars, year-by-year cash, leaving early, the comparison and
market position.

Pure apart from reading offer files: nothing here prints, exits or imports rich or typer.

An offer is a calendar counted in months from its start. Its parts are COMPONENTS, declared once:
base and benefits are paid by the month, the bonus at each year's end, each sign-on payment at the
start of its year (relocation at the start), and equity at its vesting events (`Schedule`). Year k
total = the sum of the components paid in year k. Base in year k is `base * (1 + raise) ** (k - 1)`;
a bonus given as a percentage follows it. A grant made in year g (the offer's `equity` in year 1, a
`refresh` in every year from 2 on) vests `schedule[k - g]` percent of its value in year k, worth
`slice * (1 + growth) ** (k - g)`. A grant given in `shares` is worth
`vested_shares * max(share_price * (1 + growth) ** (k - g) - strike, 0)` (options under water are
worth nothing). All equity counts at `(1 - equity_discount)` of its value. Dollars are rounded once
per component and year; totals add the rounded components up. Leaving early stops the calendar at
a month: what has vested is kept, the rest is forfeited, and sign-on is repaid under its clawback.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import itertools
import math
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from mlcomp import inputs, money
from mlcomp.bands import Ask, Bands
from mlcomp.engine import Profile, estimate, make_profile, profile_values, verdict
from mlcomp.errors import MlcompError, did_you_mean, from_pydantic, one_line, shown
from mlcomp.money import parse_months

PRESETS: dict[str, tuple[float, ...]] = {
    "even": (25, 25, 25, 25),
    "front-loaded": (40, 30, 20, 10),
    "back-loaded": (5, 15, 40, 40),
}
PROFILE_FIELDS = ("years", "level", "city", "tier", "industry", "specialization", "full_lifecycle",
                  "remote_first", "ml_focus")
MAX_HORIZON = 30
MAX_SHARES = 1_000_000_000     # shares in one grant
MAX_SHARE_PRICE = 1_000_000    # dollars per share (also the strike)
GROWTH_SEARCH = (-1.0, 10.0)   # break-even growth is looked for from -100% to +1000% a year
MAX_SCENARIOS = 20             # growth rates in one comparison
CLOSE_CALL = 0.02              # offers whose horizon totals are within 2% of the best's: no winner
MAX_OFFER_YEARS = 50_000       # offers x scenarios x years in one run: each is a year computed, and searched


BONUS_CASES = ("low", "middle", "high")
MAX_MULTIPLIER = 5.0  # an expected payout of more than 5 times the target is a typo


@dataclass(frozen=True, slots=True)
class Bonus:
    """A yearly bonus: a fraction of base or a fixed amount (the target), times the payout expected
    (`multiplier`); or a range, from this (its low end) to `high_rate` / `high_amount`."""

    rate: float = 0.0
    amount: int = 0
    multiplier: float = 1.0
    high_rate: float | None = None
    high_amount: int = 0

    @property
    def ranged(self) -> bool:
        return self.high_rate is not None

    def of(self, base: float, case: str = "middle") -> float:
        """The bonus on `base`: for a range, its low end, its middle or its high end (`case`)."""
        low = (self.rate * base + self.amount) * self.multiplier
        if self.high_rate is None or case == "low":
            return low
        high = self.high_rate * base + self.high_amount
        return high if case == "high" else (low + high) / 2


def _one_bonus(value: object) -> Bonus:
    """ "15%" or a number below 1 (0.15) is a fraction of base; anything else is an amount."""
    if money.is_percent(value):
        return Bonus(rate=money.parse_rate(value, low=0.0, high=10.0))
    number = money.amount(value)
    return Bonus(rate=number) if number < 1 else Bonus(amount=money.dollars(number))


def parse_bonus(value: object) -> Bonus:
    """ "15%", 0.15 or "20k"; a target times its expected payout, "15% x 1.25"; or a range of
    outcomes, "50%-100%" or "10k-30k"."""
    if isinstance(value, Bonus):
        return value
    if isinstance(value, str) and re.search(r"\s[x*]\s|\dx\d|[\d%k]\s*[x*]", value.lower()):
        target, _, times = re.split(r"\s*([x*])\s*", value.strip().lower(), maxsplit=1)
        try:
            multiplier = float(times)
        except ValueError:
            multiplier = math.nan
        if not 0 <= multiplier <= MAX_MULTIPLIER:
            raise ValueError(f"the payout multiplier must be from 0 to {MAX_MULTIPLIER:g}, got {shown(times)}")
        return replace(_one_bonus(target), multiplier=multiplier)
    if isinstance(value, str) and re.fullmatch(r"\s*[$\d.,%km]+\s*-\s*[$\d.,%km]+\s*", value.lower()):
        low, high = (_one_bonus(part) for part in value.split("-"))
        if (low.rate and high.amount) or (low.amount and high.rate):
            raise ValueError(f"a bonus range's ends are both percentages or both amounts, got {shown(value)}")
        if (low.rate, low.amount) > (high.rate, high.amount):
            raise ValueError(f"a bonus range's low end is above its high end, got {shown(value)}")
        return replace(low, high_rate=high.rate, high_amount=high.amount)
    return _one_bonus(value)


PERIODS = {"month": 1, "monthly": 1, "quarter": 3, "quarterly": 3, "half": 6, "half-year": 6, "semiannual": 6,
           "half-yearly": 6, "semi-annual": 6, "year": 12, "yearly": 12, "annual": 12, "annually": 12}
MAX_VESTING_MONTHS = MAX_HORIZON * 12  # the longest schedule: the longest horizon
MAX_LIST_WITHOUT_PERIOD = 6            # a longer list is more likely quarters than years: ask
ADJECTIVES = {"month": "monthly", "quarter": "quarterly", "half": "half-yearly", "year": "yearly"}


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a grant vests: `events` are (months after the grant, percent of it), months ascending.
    It reads as its yearly percentages (len, index, slices, iteration), what a yearly table shows."""

    events: tuple[tuple[int, float], ...]
    yearly: tuple[float, ...] = dataclasses.field(init=False, repr=False, compare=False)
    vested: tuple[float, ...] = dataclasses.field(init=False, repr=False, compare=False)  # by the end of month m

    def __post_init__(self) -> None:
        months = [0.0] * (self.events[-1][0] + 1)
        for month, share in self.events:
            months[month] += share
        years = [round(sum(months[12 * y + 1:12 * y + 13]), 9) for y in range(-(-self.events[-1][0] // 12))]
        object.__setattr__(self, "yearly", tuple(years))
        object.__setattr__(self, "vested", tuple(itertools.accumulate(months)))

    def __len__(self) -> int:
        return len(self.yearly)

    def __iter__(self) -> Iterator[float]:
        return iter(self.yearly)

    def __getitem__(self, index: Any) -> Any:
        return self.yearly[index]

    def percent(self, after: int, upto: int, until: float = 0) -> float:
        """The percentage that vests after month `after` up to and including month `upto`; with
        `until`, what vests before that month is paid in it (double-trigger RSUs before a liquidity event)."""
        if until > 0:
            return round(sum(share for month, share in self.events if after < max(month, until) <= upto), 9)
        last = len(self.vested) - 1
        low, high = min(max(after, 0), last), min(max(upto, 0), last)
        return round(self.vested[high] - self.vested[low], 9) if high > low else 0.0


@dataclass(frozen=True, slots=True)
class Periodic:
    """A vesting list and the period each entry is (`vesting_period`), for parse_schedule."""

    shares: object
    period: object


def _period(value: object) -> int:
    text = value.strip().lower().replace("_", "-").replace(" ", "-") if isinstance(value, str) else ""
    if text not in PERIODS:
        raise ValueError(f"vesting_period {shown(value)}: expected month, quarter, half or year")
    return PERIODS[text]


def _shares(parts: list[object], what: str, *, period_given: bool = False) -> list[float]:
    """Percentages, one per `what` (a year, a quarter, ...), summing to 100. Yearly ones are at most
    MAX_LIST_WITHOUT_PERIOD unless the period was said: a quarterly list read as years would be a
    16-year schedule."""
    if not parts:
        raise ValueError("needs at least one year")
    if len(parts) > MAX_LIST_WITHOUT_PERIOD and not period_given:
        raise ValueError(f"{len(parts)} entries and no vesting_period: yearly or quarterly? Give "
                         "vesting_period = \"quarter\" (or month, half, year), or a text such as \"4y quarterly\"")
    if len(parts) > MAX_VESTING_MONTHS:
        raise ValueError(f"at most {MAX_VESTING_MONTHS} entries, got {len(parts):,}")
    shares = []
    for part in parts:
        share = math.nan
        if isinstance(part, int | float) and not isinstance(part, bool):
            share = float(part) if abs(part) <= 1000 else math.inf  # float() overflows on a huge integer
        elif isinstance(part, str):
            try:
                share = float(part.strip().removesuffix("%"))
            except ValueError:
                share = math.nan
        if not math.isfinite(share) or share < 0:
            raise ValueError(f"each {what}'s share must be a percentage from 0 to 100, got {shown(part)}")
        shares.append(share)
    total = sum(shares)
    if abs(total - 100) > 1e-6:
        hint = " (percentages, not fractions: 25, not 0.25)" if abs(total - 1) < 1e-6 else ""
        off = f"{abs(100 - total):.6g} {'short of' if total < 100 else 'over'} 100"
        raise ValueError(f"{ADJECTIVES[what]} percentages sum to {total:.6g}, {off}: they must sum to 100{hint}")
    return shares


def _events(yearly: list[float], period: int, from_year: int, cliff: int) -> Schedule:
    """Yearly shares, each year's split evenly over its periods from `from_year` on (before it, paid
    at the year's end); what vests before the `cliff` month vests at the cliff."""
    events: list[tuple[int, float]] = []
    for year, share in enumerate(yearly, 1):
        step = period if year >= from_year else 12
        events += [(12 * (year - 1) + step * j, share * step / 12) for j in range(1, 12 // step + 1)]
    return _cliff(events, cliff)


def _cliff(events: list[tuple[int, float]], cliff: int) -> Schedule:
    if cliff > events[-1][0]:
        raise ValueError(f"a cliff of {cliff} months is longer than the schedule ({events[-1][0]} months)")
    before = sum(share for month, share in events if month < cliff)
    kept = [(month, share) for month, share in events if month > cliff]
    at = before + sum(share for month, share in events if month == cliff)
    return Schedule(tuple(([(cliff, at)] if cliff else []) + kept))


def _text_schedule(value: str) -> Schedule:
    """ "5/15/40/40", a preset, "4y monthly, 1y cliff", "4y quarterly", "5/15/40/40 semiannual from year 3"."""
    main, *rest = value.strip().lower().replace("_", "-").split(",")
    words = main.split()
    start = 1
    if len(words) >= 3 and words[-3:-1] == ["from", "year"] and words[-1].isdigit() and len(words[-1]) < 4:
        start, words = int(words[-1]), words[:-3]
    period = PERIODS[words.pop()] if len(words) > 1 and words[-1] in PERIODS else 12
    shares = "-".join(words)
    presets = ", ".join(PRESETS)
    if shares in PRESETS:
        yearly = list(PRESETS[shares])
    elif re.fullmatch(r"\d{1,3}y", shares) and 1 <= int(shares[:-1]) <= MAX_HORIZON:
        yearly = [100 / int(shares[:-1])] * int(shares[:-1])
    elif re.fullmatch(r"[\d./%]+", shares):
        yearly = _shares(list(shares.split("/")), "year")
    else:
        raise ValueError(f"unknown schedule {shown(value)}.{did_you_mean(shares, PRESETS)} Give yearly "
                         f"percentages such as 5/15/40/40, one of: {presets}, or a calendar such as "
                         "'4y monthly, 1y cliff', '4y quarterly', '5/15/40/40 semiannual from year 3'")
    if len(yearly) > MAX_HORIZON:
        raise ValueError(f"at most {MAX_HORIZON} years, got {len(yearly)}")
    if not 1 <= start <= len(yearly):
        raise ValueError(f"'from year {start}': the schedule has {len(yearly)} years")
    cliff = 0
    for part in rest:
        spec = part.split()
        if "cliff" not in spec or len(spec) != 2:
            raise ValueError(f"{shown(part.strip())}: expected a cliff such as '1y cliff' or '6m cliff'")
        spec.remove("cliff")
        cliff = parse_months(spec[0], high=MAX_VESTING_MONTHS, unit="m")
    return _events(yearly, period, start, cliff)


def parse_schedule(value: object) -> Schedule:
    """When a grant vests: yearly percentages summing to 100 (a list, "5/15/40/40", a preset name), a
    calendar ("4y monthly, 1y cliff", "4y quarterly", "5/15/40/40 semiannual from year 3"), or a list
    of percentages per `vesting_period` (Periodic). A list of more than six entries without a period
    is refused: a quarterly list read as years would be a 16-year schedule."""
    if isinstance(value, Schedule):
        return value
    period, given = 12, isinstance(value, Periodic)
    if isinstance(value, Periodic):
        period, value = _period(value.period), value.shares
        if isinstance(value, str) and re.fullmatch(r"[\d./%\s]+", value):
            value = value.split("/")
    if isinstance(value, str):
        if period != 12:
            raise ValueError("vesting_period goes with a list of percentages, one per period; a text such "
                             "as \"4y quarterly\" says its period itself")
        return _text_schedule(value)
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected yearly percentages such as [25, 25, 25, 25] or one of: {', '.join(PRESETS)}")
    what = {1: "month", 3: "quarter", 6: "half", 12: "year"}.get(period, "year")
    shares = _shares(list(value), what, period_given=given)
    if period * len(shares) > MAX_VESTING_MONTHS:
        raise ValueError(f"at most {MAX_HORIZON} years of vesting, got {period * len(shares)} months")
    return Schedule(tuple((period * j, share) for j, share in enumerate(shares, 1)))


EVEN = parse_schedule("even")


@dataclass(frozen=True, slots=True)
class Clawback:
    """What of a sign-on payment is repaid on leaving within `months` of it: all of it, or (prorated)
    the share of those months not served. No months: nothing is repaid."""

    months: int = 0
    prorated: bool = True


def parse_clawback(value: object) -> Clawback:
    """ "12m prorated", "1y full" or "none"."""
    if isinstance(value, Clawback):
        return value
    words = value.strip().lower().split() if isinstance(value, str) else []
    if words == ["none"]:
        return Clawback()
    if len(words) != 2 or words[1] not in ("prorated", "full"):
        raise ValueError(f"expected a period and how it is repaid, such as '12m prorated' or '1y full', "
                         f"got {shown(value)}")
    return Clawback(parse_months(words[0], high=MAX_HORIZON * 12, unit="m"), words[1] == "prorated")


# ---- benefits ---------------------------------------------------------------------------------------

class Limit(BaseModel):
    """One legal limit in data/limits.toml: an amount with its source (or an assumption)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Annotated[int, Field(ge=0, le=money.MAX_MONEY)]
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _cited(self) -> Limit:
        if not (self.source or self.assumption):
            raise ValueError("give a source or an assumption for the amount")
        return self


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    currency: Literal["USD"]
    year: int
    employee_deferral_401k: Limit
    espp_purchase: Limit


@functools.cache
def limits() -> Limits:
    """data/limits.toml, read and checked once."""
    from mlcomp.bands import shipped_path

    path = shipped_path().with_name("limits.toml")
    try:
        return Limits.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as e:
        raise MlcompError(f"{path}: {one_line(str(e))}") from None


@dataclass(frozen=True, slots=True)
class Match:
    """An employer's 401(k) match: `rate` of what the employee puts in, up to `up_to` of base."""

    rate: float = 0.0
    up_to: float = 0.0

    def of(self, base: float) -> float:
        """The match when the employee puts in what earns all of it, within the yearly deferral limit."""
        return self.rate * min(self.up_to * base, limits().employee_deferral_401k.amount)


def parse_match(value: object) -> Match:
    """ "50% up to 6%": half of what the employee puts in, up to 6% of base."""
    if isinstance(value, Match):
        return value
    parts = re.fullmatch(r"\s*(\S+)\s+up\s+to\s+(\S+)\s*", value) if isinstance(value, str) else None
    if not parts:
        raise ValueError(f"expected a match such as '50% up to 6%' (of base), got {shown(value)}")
    return Match(money.parse_rate(parts[1], low=0.0, high=2.0), money.parse_rate(parts[2], low=0.0, high=1.0))


MAX_ESPP_DISCOUNT = 0.15  # IRC section 423(b)(6): at most 15% below the fair market value


@dataclass(frozen=True, slots=True)
class Espp:
    """An employee stock purchase plan: shares bought `discount` below their value with `share` of base."""

    discount: float = 0.0
    share: float = 0.0

    def of(self, base: float) -> float:
        """The yearly gain: what the discount is worth on the shares bought, within the purchase limit."""
        if not self.discount:
            return 0.0
        paid = min(self.share * base, limits().espp_purchase.amount * (1 - self.discount))
        return paid * self.discount / (1 - self.discount)


def parse_espp(value: object) -> Espp:
    """ "15% discount, 10% of base"."""
    if isinstance(value, Espp):
        return value
    parts = re.fullmatch(r"\s*(\S+)\s+discount\s*,\s*(\S+)\s+of\s+base\s*", value) if isinstance(value, str) else None
    if not parts:
        raise ValueError(f"expected an ESPP such as '15% discount, 10% of base', got {shown(value)}")
    return Espp(money.parse_rate(parts[1], low=0.0, high=MAX_ESPP_DISCOUNT),
                money.parse_rate(parts[2], low=0.0, high=1.0))


START_YEARS = (1990, 2100)  # a start date outside these years is a typo


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, such as the month an offer starts."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(value: object) -> Month:
    """ "2027-03", "2027-03-15" (the day is not used) or a TOML date; years 1990 to 2100."""
    if isinstance(value, Month):
        return value
    low, high = START_YEARS
    text = value.isoformat() if isinstance(value, datetime.date) else value
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*", text) if isinstance(text, str) else None
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"expected a month such as 2027-03, got {shown(value)}")
    if not low <= int(match[1]) <= high:
        raise ValueError(f"must be from {low} to {high}, got {shown(value)}")
    return Month(int(match[1]), int(match[2]))


def _liquidity(value: object) -> Month | str | None:
    """ "2029-06" (the month of a liquidity event) or "none"."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        return None if value is None else "none"
    try:
        return parse_month(value)
    except ValueError as e:
        raise ValueError(f"{e}; or \"none\" when no liquidity event is in view") from None


MAX_TEXT = 200  # characters of a name or a key such as a city: a table column, not a document


def _text(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise ValueError("must not be empty")
    if isinstance(value, str) and len(value.strip()) > MAX_TEXT:
        raise ValueError(f"must be at most {MAX_TEXT} characters, got {len(value.strip()):,}")
    return value.strip() if isinstance(value, str) else value


def _years(value: object) -> object:
    """A number or text; checked against the bands later. Anything else is one clear error, not one
    per member of the union."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | str)):
        raise ValueError(f"expected a number of years such as 4 or 4.5, got {shown(value)}")
    return _text(value)


def _at_most(value: object, limit: float, too_much: str, what: str | None = None) -> float:
    """An amount (money.amount) of at most `limit`; `too_much` says so, `what` names the kind of number
    in place of the money wording."""
    try:
        number = money.amount(value, what or money.AMOUNT_HELP)
    except ValueError as e:
        if str(e).startswith(money.TOO_MUCH):
            raise ValueError(too_much) from None
        raise
    if number > limit:
        raise ValueError(too_much)
    return number


def parse_shares(value: object) -> float:
    """A number of shares: 12000, "12,000" or "12k"; at most MAX_SHARES."""
    return _at_most(value, MAX_SHARES, f"must be at most {MAX_SHARES:,} shares, got {shown(value)}",
                    "a number of shares such as 12000 or 12k")


def parse_share_price(value: object) -> float:
    """Dollars per share, cents kept: 2.35, "$2.35", "150"; at most MAX_SHARE_PRICE."""
    return _at_most(value, MAX_SHARE_PRICE, f"must be at most ${MAX_SHARE_PRICE:,} a share, got {shown(value)}")


def parse_payments(value: object) -> tuple[int, ...]:
    """Cash paid over years: one amount (year 1), a list ([100k, 80k]) or "100k/80k" (years 1, 2);
    inline, "[100k, 80k]" is the list too."""
    if isinstance(value, str) and value.strip().startswith("[") and value.strip().endswith("]"):
        value = [part for part in re.split(r",\s*(?!\d{3}\b)", value.strip()[1:-1]) if part.strip()]
    elif isinstance(value, str) and "/" in value:
        value = value.split("/")
    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("give at least one amount, such as [100k, 80k]")
        if len(value) > MAX_HORIZON:
            raise ValueError(f"at most {MAX_HORIZON} yearly amounts, got {len(value)}")
        return tuple(money.parse_money(part) for part in value)
    return (money.parse_money(value),)


Money = Annotated[int, BeforeValidator(money.parse_money)]
Rate01 = Annotated[float, BeforeValidator(lambda v: money.parse_rate(v, low=0.0, high=1.0))]
REFRESHER_TEXT = re.compile(r"\s*(?P<size>\S+)(?P<shares>\s+shares)?\s+in\s+year\s+(?P<year>\d{1,3})"
                            r"(?:\s+on\s+(?P<vesting>.+?))?(?:\s+(?P<kind>expected|guaranteed))?\s*", re.I)


class Refresher(BaseModel):
    """One refresher grant of a list (`refreshers`): its size in dollars (`amount`) or `shares`, the
    `year` of the offer it is granted in, its own `vesting` (else the grant's) and its `kind`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Money = 0
    shares: Annotated[float, BeforeValidator(parse_shares)] = 0.0
    year: Annotated[int, BeforeValidator(lambda v: money.parse_count(v, 1, MAX_HORIZON, "years"))]
    vesting: Annotated[Schedule | None, BeforeValidator(lambda v: v if v is None else parse_schedule(v))] = None
    kind: Literal["guaranteed", "expected"] = "guaranteed"

    @model_validator(mode="after")
    def _sized(self) -> Refresher:
        if ({"amount", "shares"} <= self.model_fields_set) or not ({"amount", "shares"} & self.model_fields_set):
            raise ValueError("give amount (dollars at grant) or shares, one of them")
        return self


def _refresher(value: object) -> object:
    """ "50k in year 2 on 4y quarterly expected", "400 shares in year 3": a refresher as text, read
    into its keys; a table is kept as it is."""
    if not isinstance(value, str):
        return value
    match = REFRESHER_TEXT.fullmatch(value)
    if not match:
        raise ValueError(f"expected a refresher such as '50k in year 2', '400 shares in year 3 on 4y quarterly "
                         f"expected', or a table {{amount = 50000, year = 2, vesting = \"4y quarterly\"}}; "
                         f"got {shown(value)}")
    size = "shares" if match["shares"] else "amount"
    return {size: match["size"], "year": match["year"],
            **{key: match[key] for key in ("vesting", "kind") if match[key]}}


def parse_refreshers(value: object) -> object:
    """A list of refreshers (tables or texts), or one text with them separated by ';'."""
    if isinstance(value, str):
        value = [part for part in value.split(";") if part.strip()]
    if not isinstance(value, list | tuple):
        raise ValueError("expected a list of refreshers such as [{amount = 50000, year = 2}] or "
                         "'50k in year 2; 50k in year 3'")
    if len(value) > MAX_HORIZON:
        raise ValueError(f"at most {MAX_HORIZON} refreshers, got {len(value)}")
    return [_refresher(part) for part in value]


class Offer(BaseModel):
    """One offer. `origin` (file name, "stdin" or "offer N (inline)") and `inline` are set by the
    loader for error messages; they are not keys a user may write."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, BeforeValidator(_text)]
    base: Money
    bonus: Annotated[Bonus, BeforeValidator(parse_bonus)] = Bonus()
    bonus_prorated: bool = False
    start: Annotated[Month | None, BeforeValidator(lambda v: None if v is None else parse_month(v))] = None
    sign_on: Annotated[tuple[int, ...], BeforeValidator(parse_payments)] = (0,)
    sign_on_clawback: Annotated[Clawback, BeforeValidator(parse_clawback)] = Clawback()
    relocation: Money = 0
    equity: Money = 0
    shares: Annotated[float, BeforeValidator(parse_shares)] = 0.0
    share_price: Annotated[float, BeforeValidator(parse_share_price)] = 0.0
    strike: Annotated[float, BeforeValidator(parse_share_price)] = 0.0
    fmv: Annotated[float, BeforeValidator(parse_share_price)] = 0.0
    preferred_price: Annotated[float, BeforeValidator(parse_share_price)] = 0.0
    valued_at: Literal["preferred", "fmv"] = "preferred"
    liquidity: Annotated[Month | str | None, BeforeValidator(_liquidity)] = None
    equity_discount: Rate01 = 0.0
    vesting: Annotated[Schedule, BeforeValidator(parse_schedule)] = EVEN
    vesting_period: str | None = None
    refresh: Money = 0
    refresh_shares: Annotated[float, BeforeValidator(parse_shares)] = 0.0
    refresh_vesting: Annotated[Schedule | None, BeforeValidator(lambda v: v if v is None else parse_schedule(v))] = None
    refresh_from: Annotated[int, BeforeValidator(lambda v: money.parse_count(v, 2, MAX_HORIZON, "years"))] = 2
    refresh_kind: Literal["guaranteed", "expected"] = "guaranteed"
    refreshers: Annotated[tuple[Refresher, ...], BeforeValidator(parse_refreshers)] = ()
    growth: Annotated[float | None, BeforeValidator(lambda v: money.parse_rate(v))] = None
    raise_: Annotated[float, BeforeValidator(lambda v: money.parse_rate(v, low=0.0, high=1.0)),
                      Field(alias="raise")] = 0.0
    benefits: Money = 0
    match_401k: Annotated[Match, BeforeValidator(parse_match)] = Match()
    espp: Annotated[Espp, BeforeValidator(parse_espp)] = Espp()
    hsa: Money = 0
    years: Annotated[int | float | str | None, BeforeValidator(_years)] = None
    level: Annotated[str | None, BeforeValidator(_text)] = None
    city: Annotated[str | None, BeforeValidator(_text)] = None
    state: Annotated[str | None, BeforeValidator(_text)] = None  # where it is taxed, with --after-tax
    tier: Annotated[str | None, BeforeValidator(_text)] = None
    industry: Annotated[str | None, BeforeValidator(_text)] = None
    specialization: Annotated[str | None, BeforeValidator(_text)] = None
    full_lifecycle: bool | None = None
    remote_first: bool | None = None
    ml_focus: Annotated[str | None, BeforeValidator(_text)] = None
    origin: str = "offer"
    inline: bool = False

    @model_validator(mode="before")
    @classmethod
    def _period(cls, data: Any) -> Any:
        """`vesting_period` says what each entry of the `vesting` list is: read them together."""
        if isinstance(data, dict) and data.get("vesting_period") is not None:
            if "vesting" not in data:
                raise ValueError("vesting_period: give vesting too, a list of percentages, one per period")
            data = {**data, "vesting": Periodic(data["vesting"], data["vesting_period"])}
        return data

    @model_validator(mode="after")
    def _grant(self) -> Offer:
        given = self.model_fields_set
        for broken, message in GRANT_RULES:
            if broken(self, given):
                raise ValueError(message)
        return self

    @property
    def price(self) -> float:
        """The price a share is valued at: `share_price`, or the preferred price, or the 409A price
        (`valued_at`)."""
        if self.share_price or not (self.preferred_price or self.fmv):
            return self.share_price
        return self.fmv if self.valued_at == "fmv" else self.preferred_price


def _priced(offer: Offer, given: set[str]) -> bool:
    return bool({"share_price", "preferred_price"} & given) or (offer.valued_at == "fmv" and "fmv" in given)


IN_SHARES = {"shares", "refresh_shares"}
REFRESHER = {"refresh_vesting", "refresh_from", "refresh_kind"}
GRANT_RULES: tuple[tuple[Callable[[Offer, set[str]], bool], str], ...] = (
    (lambda o, g: {"equity", "shares"} <= g,
     "equity and shares: give one, not both (equity: the grant in dollars; shares: the number of shares, "
     "with share_price)"),
    (lambda o, g: "shares" in g and not _priced(o, g),
     "shares: also give share_price (the value of one share today, e.g. 2.35), or a private company's "
     "preferred_price"),
    (lambda o, g: {"refresh", "refresh_shares"} <= g, "refresh and refresh_shares: give one, not both"),
    (lambda o, g: "refresh_shares" in g and not _priced(o, g),
     "refresh_shares: also give share_price (the value of one share today), or preferred_price"),
    (lambda o, g: any(r.shares for r in o.refreshers) and not _priced(o, g),
     "refreshers in shares: also give share_price (the value of one share today), or preferred_price"),
    (lambda o, g: bool(REFRESHER & g) and not {"refresh", "refresh_shares"} & g,
     "refresh_vesting, refresh_from and refresh_kind describe a refresher: give its size too (refresh in "
     "dollars or refresh_shares)"),
    (lambda o, g: {"share_price", "preferred_price"} <= g,
     "share_price and preferred_price: give one (preferred_price, with fmv, for a private company)"),
    (lambda o, g: o.valued_at == "fmv" and "fmv" not in g, "valued_at: fmv needs fmv (the 409A price of a share)"),
    *((lambda o, g, key=key: key in g and not IN_SHARES & g and not any(r.shares for r in o.refreshers),
       f"{key}: applies only to a grant given in shares; give shares too (or the grant in dollars as equity)")
      for key in ("share_price", "strike", "fmv", "preferred_price", "valued_at")),
)


KEYS = tuple(field.alias or key for key, field in Offer.model_fields.items() if key not in ("origin", "inline"))


# ---- reading offers -------------------------------------------------------------------------------

def parse_inline(spec: str, origin: str) -> dict[str, str]:
    """'name=Acme,base=$240,000,bonus=15%' -> dict. A comma not followed by key= stays in the value."""
    pairs: list[list[str]] = []
    for part in spec.split(","):
        if part.lstrip().startswith("="):
            raise MlcompError(f"{origin}: a key is missing before {shown(part.strip())}; write key=value",
                              usage=True)
        if "=" in part and re.match(r"^\s*[^\W\d][\w-]*\s*=", part):  # a key in any script: ü=2, not 1,5=2
            key, _, value = part.partition("=")
            pairs.append([key.strip(), value.strip()])
        elif pairs:
            pairs[-1][1] += "," + part
        elif part.strip():
            raise MlcompError(f"{origin}: expected key=value, got {shown(part.strip())}", usage=True)
    data: dict[str, str] = {}
    for key, value in pairs:
        if key in data:
            raise MlcompError(f"{origin}: {key}: given twice", usage=True)
        data[key] = value.strip().rstrip(",").strip()
    return data


JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
              type(None): "null"}


def parse_text(text: str, origin: str, kind: str) -> dict[str, Any]:
    """The offer in a TOML or JSON text (read by mlcomp.inputs' rules); syntax errors name the origin
    and the line."""
    data = inputs.parse(text, origin, kind)
    if not isinstance(data, dict):
        raise MlcompError(f"{origin}: expected a JSON object with the offer's keys "
                          f"(name, base, bonus, ...), got {JSON_TYPES.get(type(data), type(data).__name__)}")
    return data


def parse_stdin(text: str) -> dict[str, Any]:
    """An offer on stdin: JSON when it starts with '{', else TOML; text that is JSON but not TOML (an
    array, a number) is read as JSON, to say that an offer is an object."""
    if text.lstrip()[:1] == "{":
        return parse_text(text, "stdin", "json")
    try:
        return parse_text(text, "stdin", "toml")
    except MlcompError as toml_error:
        try:
            inputs.parse(text, "stdin", "json")
        except MlcompError:
            raise toml_error from None
    return parse_text(text, "stdin", "json")


def read_file(path: Path) -> str:
    return inputs.decode(inputs.read_bytes(str(path)), inputs.origin(str(path)))


def _exists(path: Path, test: Callable[[Path], bool]) -> bool:
    """path.is_file() and the like, False for a name the system refuses (too long, a NUL byte)."""
    try:
        return test(path)
    except (OSError, ValueError):
        return False


def _missing(path: Path) -> str:
    """Why an offer's path names no file: none there, or what the system says (a loop of links, a
    name too long)."""
    try:
        path.stat()
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as e:
        return f"cannot read: {getattr(e, 'strerror', None) or e}"
    return ("no such file (an offer is a .toml or .json file, '-' for stdin, or key=value,... such as "
            "name=Acme,base=240k)")


def _half(value: object) -> str | None:
    """What is wrong with a value holding half of a character (a lone surrogate, as JSON's "\\udcff"
    gives), which no output can write; None when there is none."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str) and not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as e:
                return (f"\\u{ord(text[e.start]):04x} is half of a character (a lone surrogate), which UTF-8 "
                        "cannot write; remove it")
    return None


def make_offer(data: Mapping[str, Any], *, origin: str, default_name: str, inline: bool = False,
               text: str | None = None, kind: str = "toml") -> Offer:
    """Validate one offer's keys; every problem is one line 'origin: key: what is wrong', with its
    line when the offer's `text` (TOML or JSON, by `kind`) is given. A value holding half a character
    is refused, as no output could write it."""
    locate = inputs.locator(text, kind) if text is not None else None
    refused = partial(from_pydantic, file=origin, locate=locate, known=lambda _: KEYS, usage=inline, listed=True)
    unknown = [{"type": "extra_forbidden", "loc": (str(key),)} for key in data if key not in KEYS]
    unknown += [{"type": "value_error", "loc": (str(key),), "msg": half} for key, value in data.items()
                if key in KEYS and (half := _half(value))]
    if unknown:  # checked first: `origin` and `inline` are set here, not by the user
        raise refused(unknown)
    try:
        return Offer.model_validate({"name": default_name, **data, "origin": origin, "inline": inline})
    except ValidationError as e:
        raise refused(e.errors()) from None


def load_offers(args: Iterable[str], read_stdin: Callable[[], str], *, first: int = 1) -> list[Offer]:
    """Offers from arguments: files (.toml, .json), '-' for stdin (once), or inline key=value specs.
    They are numbered from `first` in messages ('offer 2 (inline): ...')."""
    args = list(args)
    if args.count("-") > 1:
        raise MlcompError("'-' (stdin) can be given only once", usage=True)
    offers: list[Offer] = []
    for number, arg in enumerate(args, first):
        fallback = f"Offer {number}"
        path = Path(arg)
        if arg == "-":
            text = read_stdin().removeprefix("\ufeff")
            if not text.strip():
                raise MlcompError("stdin: empty input; expected an offer in TOML or JSON")
            offers.append(make_offer(parse_stdin(text), origin="stdin", default_name=fallback, text=text,
                                     kind="json" if text.lstrip()[:1] in "{[" else "toml"))
        elif "=" in arg and not _exists(path, Path.is_file):  # decided by syntax, whatever its length
            origin = f"offer {number} (inline)"
            offers.append(make_offer(parse_inline(arg, origin), origin=origin, default_name=fallback,
                                     inline=True))
        else:
            kind = path.suffix.lower().lstrip(".")
            where = inputs.origin(arg)
            if _exists(path, Path.is_dir):
                raise MlcompError(f"{where}: is a directory; an offer is a .toml or .json file", usage=True)
            if not _exists(path, Path.exists):
                raise MlcompError(f"{where}: {_missing(path)}", usage=True)
            if kind not in ("toml", "json"):
                raise MlcompError(f"{where}: unknown file type '{one_line(path.suffix)}'; use .toml or .json",
                                  usage=True)
            text = read_file(path)
            offers.append(make_offer(parse_text(text, where, kind), origin=where, default_name=path.stem,
                                     text=text, kind=kind))
    return offers


def same_name(name: str) -> str:
    """A name as compared with others: case and Unicode forms aside (Zoë in NFC and in NFD, ﬁ and fi)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFD", name).casefold())


def distinct(offers: Iterable[Offer]) -> list[Offer]:
    """The offers, if no two share a name (ignoring case and Unicode forms): the comparison names them
    in its answer."""
    seen: dict[str, Offer] = {}
    for offer in offers:
        key = same_name(offer.name)
        if key in seen:
            raise MlcompError(f"two offers are named {shown(offer.name)} ({seen[key].origin} and {offer.origin}); "
                              "give each a distinct name", usage=offer.inline)
        seen[key] = offer
    return list(seen.values())


# ---- cash flows -----------------------------------------------------------------------------------

KINDS = ("recurring cash", "one-time cash", "equity", "benefits")


@dataclass(frozen=True, slots=True)
class Stretch:
    """The months of one year of an offer that a comparison counts: year `year` (1 = the first twelve
    months from the start), its first `months` months, equity growing `growth` a year. `leave` is the
    month after the start when the holder leaves (sign-on is repaid then), or None; `bonus` the case of
    a bonus range (low, middle, high)."""

    year: int
    months: int
    growth: float
    leave: int | None = None
    bonus: str = "middle"
    grants: tuple[Grant, ...] = ()

    @property
    def end(self) -> int:
        """The last month counted, in months from the start."""
        return 12 * (self.year - 1) + self.months


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a year's pay. `key` names it in the year, the JSON and the CSV; `label` is its table
    row, `chart` the part of the bar it is drawn in (several components may share one); `always` keeps
    its row when every offer's amount is 0; a comparison has the component when `when(offers, leave)`
    says so (every one, unless it says otherwise). A component not `counted` is shown, not added to the
    total (and drawn in no part of the chart: `chart` is "")."""

    key: str
    label: str
    kind: str
    chart: str
    amount: Callable[[Offer, Stretch], float]
    always: bool = False
    when: Callable[[Sequence[Offer], bool], bool] = lambda offers, leave: True
    counted: bool = True


def expects(offer: Offer) -> bool:
    """Whether some of the offer's refreshers are expected, not promised."""
    return offer.refresh_kind == "expected" or any(r.kind == "expected" for r in offer.refreshers)


def base_in(offer: Offer, year: int) -> float:
    """The yearly base in `year`, after the raises."""
    return offer.base * (1 + offer.raise_) ** (year - 1)


def _months_of(amount: float, stretch: Stretch) -> float:
    """A yearly amount paid by the month, for the months counted."""
    return amount if stretch.months == 12 else amount * stretch.months / 12


def _bonus(offer: Offer, stretch: Stretch) -> float:
    """Paid at the year's end: nothing for a year left before its end. With `bonus_prorated`, the
    first one counts the months from the start to the end of its calendar year (from March: 10/12)."""
    if stretch.months < 12:
        return 0.0
    bonus = offer.bonus.of(base_in(offer, stretch.year), stretch.bonus)
    if stretch.year == 1 and offer.bonus_prorated and offer.start:
        return bonus * (13 - offer.start.month) / 12
    return bonus


def _one_time(offer: Offer, stretch: Stretch) -> float:
    """The sign-on payment of the year (paid at its start) and, in year 1, the relocation."""
    sign_on = offer.sign_on[stretch.year - 1] if stretch.year <= len(offer.sign_on) else 0
    return sign_on + (offer.relocation if stretch.year == 1 else 0)


def _repaid(offer: Offer, stretch: Stretch) -> float:
    """The sign-on repaid on leaving, in the year of leaving (a negative amount)."""
    return -sign_on_repaid(offer, stretch.leave) if stretch.leave == stretch.end else 0.0


COMPONENTS = (
    Component("base", "base", "recurring cash", "base", lambda o, s: _months_of(base_in(o, s.year), s), always=True),
    Component("bonus", "bonus", "recurring cash", "bonus", _bonus, always=True),
    Component("equity", "equity", "equity", "equity",
              lambda o, s: equity_in_year(o, s.year, s.growth, s.months, made=s.grants), always=True),
    Component("expected_equity", "expected refreshers", "equity", "equity",
              lambda o, s: equity_in_year(o, s.year, s.growth, s.months, expected=True, made=s.grants),
              when=lambda offers, leave: any(expects(o) for o in offers)),
    Component("one_time", "one-time", "one-time cash", "one-time", _one_time),
    Component("benefits", "benefits", "benefits", "benefits", lambda o, s: _months_of(o.benefits, s)),
    Component("match_401k", "401(k) match", "benefits", "benefits",
              lambda o, s: _months_of(o.match_401k.of(base_in(o, s.year)), s),
              when=lambda offers, leave: any(o.match_401k.rate for o in offers)),
    Component("espp", "ESPP gain", "benefits", "benefits", lambda o, s: _months_of(o.espp.of(base_in(o, s.year)), s),
              when=lambda offers, leave: any(o.espp.discount for o in offers)),
    Component("hsa", "HSA", "benefits", "benefits", lambda o, s: _months_of(o.hsa, s),
              when=lambda offers, leave: any(o.hsa for o in offers)),
    Component("repaid", "sign-on repaid", "one-time cash", "one-time", _repaid, when=lambda offers, leave: leave),
    Component("exercise_cost", "exercise cost (not in total)", "equity", "", lambda o, s: _exercise_cost(o, s),
              counted=False,
              when=lambda offers, leave: any(o.fmv or o.preferred_price for o in offers)),
    Component("spread_at_fmv", "spread at 409A (not in total)", "equity", "", lambda o, s: _spread(o, s),
              counted=False,
              when=lambda offers, leave: any(o.fmv or o.preferred_price for o in offers)),
)
UNCOUNTED = frozenset(c.key for c in COMPONENTS if not c.counted)


def components(offers: Sequence[Offer], leave: bool = False) -> tuple[Component, ...]:
    """The components a comparison of `offers` has (leaving early or not)."""
    return tuple(c for c in COMPONENTS if c.when(offers, leave))


def components_of(year: Year) -> tuple[Component, ...]:
    """The components a comparison's year holds, in their order."""
    return tuple(c for c in COMPONENTS if c.key in year.amounts)


@dataclass(frozen=True, slots=True)
class Year:
    """One year of an offer: each component's whole dollars (`amounts`, keyed as COMPONENTS), the total
    so far (`cumulative`) and how many of its months are counted."""

    year: int
    amounts: dict[str, int]
    cumulative: int = 0
    months: int = 12

    def __getitem__(self, key: str) -> int:
        return self.amounts[key]

    @property
    def total(self) -> int:
        return sum(amount for key, amount in self.amounts.items() if key not in UNCOUNTED)

    def as_dict(self) -> dict[str, int]:
        return {"year": self.year, **self.amounts, "total": self.total, "cumulative": self.cumulative}


@dataclass(frozen=True, slots=True)
class Grant:
    """An equity grant made at the start of `year` of the offer: `size` dollars at grant, or shares,
    vesting on `schedule`; `expected` when it is hoped for rather than promised."""

    year: int
    size: float
    in_shares: bool
    schedule: Schedule
    expected: bool = False

    def unit(self, offer: Offer, year: int, growth: float) -> float:
        """What one dollar of the grant, or one share, is worth when it vests in `year` of the offer: a
        dollar grant grows from its own year; a share is worth the share price of that year less the strike."""
        if self.in_shares:
            return max(offer.price * (1 + growth) ** (year - 1) - offer.strike, 0.0)
        return (1 + growth) ** (year - self.year)


def grants(offer: Offer, months: int = MAX_HORIZON * 12) -> list[Grant]:
    """The grants made within `months` of the start: the initial one, then each refresher from the
    year of the first (`refresh_from`), on its own schedule or the grant's."""
    made = [Grant(1, offer.shares or float(offer.equity), bool(offer.shares), offer.vesting)]
    size = offer.refresh_shares or float(offer.refresh)
    if size:
        made += [Grant(g, size, bool(offer.refresh_shares), offer.refresh_vesting or offer.vesting,
                       offer.refresh_kind == "expected")
                 for g in range(offer.refresh_from, MAX_HORIZON + 1) if 12 * (g - 1) < months]
    made += [Grant(r.year, r.shares or float(r.amount), bool(r.shares), r.vesting or offer.vesting,
                   r.kind == "expected") for r in offer.refreshers if 12 * (r.year - 1) < months]
    return made


def equity_in_year(offer: Offer, year: int, growth: float, months: int = 12, *, expected: bool = False,
                   made: Sequence[Grant] | None = None) -> float:
    """Equity vesting in the first `months` months of `year` from the grants made by then (the expected
    refreshers alone with `expected`, else the rest), after the offer's discount. What vests in
    year i of its grant is valued at (1 + growth)^(i - 1); a share at the share price of its year.
    `made`: the offer's grants, when the caller has them."""
    return _worth(offer, vesting(offer, year, months, grants(offer) if made is None else made), year, growth,
                  expected)


def _worth(offer: Offer, parts: Sequence[tuple[float, Grant]], year: int, growth: float, expected: bool) -> float:
    """What vests in `year` (`parts`, from vesting) is worth at `growth`, after the discount: the
    expected refreshers alone with `expected`, else the rest."""
    value = 0.0
    for amount, grant in parts:
        if grant.expected == expected:
            value += amount * grant.unit(offer, year, growth)
    return value * (1 - offer.equity_discount)


def vesting(offer: Offer, year: int, months: int, made: Sequence[Grant]) -> list[tuple[float, Grant]]:
    """What of each grant vests in the first `months` months of `year` (paid then: a private company's
    RSUs wait for its liquidity event): (dollars at grant or shares, the grant), before growth and discount."""
    liquid = liquidity_month(offer)
    out = []
    for grant in made:
        index = year - grant.year
        if index < 0 or (not liquid and 12 * index >= len(grant.schedule.vested) - 1):
            continue
        part = grant.schedule.percent(12 * index, 12 * index + months, liquid - 12 * (grant.year - 1)) / 100
        if part:
            out.append((grant.size * part, grant))
    return out


def liquidity_month(offer: Offer) -> float:
    """The month from the start (1 = the first) in which the offer's RSUs first pay, for a private
    company's double-trigger RSUs: 0 without a liquidity date, infinity for "none"."""
    if offer.liquidity is None:
        return 0
    if not isinstance(offer.liquidity, Month) or offer.start is None:
        return math.inf
    return (offer.liquidity.year - offer.start.year) * 12 + offer.liquidity.month - offer.start.month + 1


def _options(offer: Offer, stretch: Stretch, price: Callable[[float], float]) -> float:
    """`price(growth factor)` for each share granted in shares vesting in the stretch (by time, not
    liquidity): what exercising costs, or the spread at the 409A price."""
    value = 0.0
    for grant in grants(offer, stretch.end):
        if grant.in_shares:
            index = stretch.year - grant.year
            part = grant.schedule.percent(12 * index, 12 * index + stretch.months) / 100
            value += grant.size * part * price((1 + stretch.growth) ** (stretch.year - 1))
    return value


def _exercise_cost(offer: Offer, stretch: Stretch) -> float:
    return _options(offer, stretch, lambda grown: offer.strike)


def _spread(offer: Offer, stretch: Stretch) -> float:
    return _options(offer, stretch, lambda grown: max(offer.fmv * grown - offer.strike, 0.0)) if offer.fmv else 0.0


def sign_on_repaid(offer: Offer, leave: int | None) -> float:
    """What of the sign-on is repaid on leaving `leave` months after the start: each payment (made at
    the start of its year) left within the clawback's months of it, in full or for the months not served."""
    claw = offer.sign_on_clawback
    owed = 0.0
    for k, paid in enumerate(offer.sign_on):
        made = 12 * k
        if leave is not None and made < leave < made + claw.months:
            owed += paid * (made + claw.months - leave) / claw.months if claw.prorated else paid
    return owed


@dataclass(frozen=True, slots=True)
class Leaving:
    """Leaving `months` after the start: the equity granted by then, what of it is vested and what is
    forfeited (at its value at grant, and at the growth rate when it would have vested), after the
    discount; and the sign-on repaid."""

    months: int
    granted: int
    vested: int
    forfeited: int
    forfeited_at_growth: int
    sign_on_repaid: int

    def as_dict(self) -> dict[str, int]:
        return {"months": self.months, "granted": self.granted, "vested": self.vested,
                "forfeited": self.forfeited, "forfeited_at_growth": self.forfeited_at_growth,
                "sign_on_repaid": self.sign_on_repaid}


def leaving(offer: Offer, months: int, growth: float) -> Leaving:
    granted = vested = lost = 0.0
    for grant in grants(offer, months):
        made = 12 * (grant.year - 1)
        granted += grant.size * grant.unit(offer, grant.year, 0.0)
        vested += grant.size * grant.unit(offer, grant.year, 0.0) * grant.schedule.percent(0, months - made) / 100
        lost += sum(grant.size * grant.unit(offer, grant.year + (month - 1) // 12, growth) * share / 100
                    for month, share in grant.schedule.events if month > months - made)
    keep = 1 - offer.equity_discount
    whole, done = money.dollars(granted * keep), money.dollars(vested * keep)
    return Leaving(months=months, granted=whole, vested=done, forfeited=whole - done,
                   forfeited_at_growth=money.dollars(lost * keep),
                   sign_on_repaid=money.dollars(sign_on_repaid(offer, months)))


def cash_flows(offer: Offer, horizon: float, growth: float | None = None, *, leave: bool = False,
               parts: Sequence[Component] | None = None, bonus: str = "middle") -> list[Year]:
    """Year by year over `horizon` years (a last year may be part of one: 1.5 is 18 months). `growth`
    (when given) overrides the offer's own. With `leave`, the holder leaves at the horizon: sign-on
    is repaid under its clawback (the `repaid` component). `parts`: the components to hold (by
    default those this offer has; a comparison gives those of all its offers). `bonus`: which end of a
    bonus range counts (low, middle, high)."""
    rate = growth if growth is not None else (offer.growth or 0.0)
    months = round(horizon * 12)
    parts = components([offer], leave) if parts is None else parts
    years: list[Year] = []
    cumulative = 0
    made = tuple(grants(offer))
    for k in range(1, -(-months // 12) + 1):
        stretch = Stretch(k, min(12, months - 12 * (k - 1)), rate, months if leave else None, bonus, made)
        year = Year(year=k, amounts={c.key: money.dollars(c.amount(offer, stretch)) for c in parts},
                    months=stretch.months)
        cumulative += year.total
        years.append(replace(year, cumulative=cumulative))
    return years


def horizon_total(offer: Offer, horizon: float, growth: float | None = None, *, leave: bool = False,
                  bonus: str = "middle") -> int:
    return sum(y.total for y in cash_flows(offer, horizon, growth, leave=leave, bonus=bonus))


def growth_total(offer: Offer, horizon: float, *, leave: bool = False,
                 bonus: str = "middle") -> Callable[[int], int]:
    """horizon_total as a function of the equity growth in basis points, for a search over it: the
    years are computed once, and only what vests is valued again at each rate (equity is the one
    component growth moves; each year's equity and expected equity rounded once, as cash_flows does)."""
    years = cash_flows(offer, horizon, 0.0, leave=leave, bonus=bonus)
    fixed = sum(y.total - y["equity"] - y.amounts.get("expected_equity", 0) for y in years)
    made = tuple(grants(offer))
    vests = [(y.year, vesting(offer, y.year, y.months, made)) for y in years]

    def total(rate: int) -> int:
        return fixed + sum(money.dollars(_worth(offer, parts, year, rate / 10_000, expected))
                           for year, parts in vests for expected in (False, True))

    return total


def break_even_growth(offer: Offer, horizon: float, target: int, *, leave: bool = False,
                      bonus: str = "middle") -> float | None:
    """The lowest yearly equity growth, in whole basis points from -100% to +1000%, at which this
    offer's horizon total (its equity alone growing) reaches `target`; None when even +1000% does
    not. The total never decreases as growth rises, so a binary search over the basis points finds it."""
    lo, hi = (round(rate * 10_000) for rate in GROWTH_SEARCH)
    total = growth_total(offer, horizon, leave=leave, bonus=bonus)
    if total(hi) < target:
        return None
    while lo < hi:  # the answer is in lo..hi
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if total(mid) >= target else (mid + 1, hi)
    return lo / 10_000


def break_even_bonus(offer: Offer, horizon: float, target: int, *, growth: float | None = None,
                     leave: bool = False) -> float | int | None:
    """For an offer whose bonus is a range: the lowest yearly bonus in it at which the offer's horizon
    total reaches `target`, a rate of base in whole basis points (a range of percentages) or whole
    dollars (a range of amounts); None when even its high end does not (or its bonus is no range). The
    total never falls as the bonus rises, so a binary search finds it."""
    bonus = offer.bonus
    if bonus.high_rate is None:
        return None
    rated = bool(bonus.rate or bonus.high_rate)
    lo, hi = (round(bonus.rate * 10_000), round(bonus.high_rate * 10_000)) if rated else \
        (bonus.amount, bonus.high_amount)

    def total(n: int) -> int:
        paid = Bonus(rate=n / 10_000) if rated else Bonus(amount=n)
        return horizon_total(offer.model_copy(update={"bonus": paid}), horizon, growth, leave=leave)

    if total(hi) < target:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if total(mid) >= target else (mid + 1, hi)
    return lo / 10_000 if rated else lo


# ---- market position ------------------------------------------------------------------------------

def offer_profile(offer: Offer, bands: Bands, defaults: Mapping[str, Any]) -> Profile | None:
    """The offer's profile fields over `defaults` (canonical, from profile_values); None without
    years or level. An offer that gives its own years or level keeps them: the defaults' years and
    level fill only offers that give neither. A bad value in the offer names the offer and the key."""
    own: dict[str, Any] = {}
    for field in PROFILE_FIELDS:
        try:
            own.update(profile_values(bands, {field: getattr(offer, field)}))
        except MlcompError as e:
            raise e.at(file=offer.origin, path=(field,), usage=offer.inline) from None
    fill = dict(defaults)
    if "years" in own or "level" in own:
        fill.pop("years", None)
        fill.pop("level", None)
    merged = {**fill, **own}
    if merged.get("years") is None and not merged.get("level"):
        return None
    return make_profile(bands, **merged)


PART_NAMES = {"base": "base", "equity_and_bonus": "equity and bonus", "total_comp": "total comp"}


@dataclass(frozen=True, slots=True)
class Market:
    """Where an offer sits against the estimate for its profile, part by part: its average yearly
    base against the market's base, the rest of its pay (bonus, equity, one-time cash, benefits)
    against the market's equity and bonus, and its average yearly total against total comp."""

    level: str
    location: str
    profile: dict[str, Any]
    base: dict[str, int]
    equity_and_bonus: dict[str, int]
    total_comp: dict[str, int]
    base_position: float
    equity_and_bonus_position: float
    position: float
    verdict: str
    total_comp_vs_mid: float
    target: float
    ask: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "base": self.base, "equity_and_bonus": self.equity_and_bonus,
                "total_comp": self.total_comp, "position": self.position, "verdict": self.verdict,
                "target": self.target, "ask": self.ask, "base_position": self.base_position,
                "equity_and_bonus_position": self.equity_and_bonus_position,
                "total_comp_vs_mid": self.total_comp_vs_mid}


NO_ASK: dict[str, Any] = {"base": None, "equity": None, "shares": None, "sign_on": None, "short": 0, "reasons": {}}


@dataclass(frozen=True, slots=True)
class Aim:
    """What an ask must reach: `goal` dollars a year on average over the comparison's own `horizon`
    (months count: 1.5 is 18), leaving at it when `leave` (the sign-on repaid under its clawback), with
    equity growing `growth` a year and a bonus range at its `bonus` case (a target bonus times its
    expected payout)."""

    goal: int
    horizon: float = 4
    growth: float = 0.0
    leave: bool = False
    bonus: str = "middle"

    def total(self, offer: Offer) -> int:
        return horizon_total(offer, self.horizon, self.growth, leave=self.leave, bonus=self.bonus)

    def reaches(self, offer: Offer) -> bool:
        """Whether the offer pays `goal` a year on average over the horizon (its total, goal x horizon)."""
        return self.total(offer) >= self.goal * self.horizon

    def least(self, make: Callable[[int], Offer], lo: int, hi: int) -> int | None:
        """The least n from lo to hi whose offer make(n) reaches the goal (the total never falls as n
        grows); None when even hi does not."""
        if hi < lo or not self.reaches(make(hi)):
            return None
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if self.reaches(make(mid)) else (mid + 1, hi)
        return lo


def ask_for(offer: Offer, market: Mapping[str, dict[str, int]], aim: Aim, target: float,
            bounds: Ask | None = None) -> dict[str, Any]:
    """One ask, as a negotiator makes it and a recruiter could sign it, that brings the offer's
    average yearly total over the comparison's horizon (leaving at it, with --leave-after) to the
    aim's goal: the base up to the market's base at the target's place (never above the market's base
    high nor more than `bounds.base_raise_max` over the offered base, never below what is offered),
    then the rest in the offer's own equity (more shares for a grant in shares, more dollars for a
    dollar grant; at most `bounds.equity_raise_max` more than the grant), then what is still missing
    as a year-1 sign-on (at most one year's base). Each part is the new amount to ask for, with a
    one-line reason; `short` is what a year still misses when the bounds stop it."""
    if aim.reaches(offer):
        return dict(NO_ASK)
    raise_max = bounds.base_raise_max if bounds else math.inf
    ask, reasons = dict(NO_ASK), {}
    base = market["base"]
    market_goal = min(math.ceil(base["low"] + target * (base["high"] - base["low"])), base["high"])
    most = math.floor(round(offer.base * (1 + raise_max), 6)) if raise_max < math.inf else market_goal
    base_goal = min(market_goal, most)
    if offer.base < base_goal:
        least = aim.least(lambda n: offer.model_copy(update={"base": n}), offer.base, base_goal)
        asked = base_goal if least is None else least
        ask["base"] = asked
        bound = "" if base_goal == market_goal else f"; a counter-offer moves base by {raise_max:.0%} at most"
        reasons["base"] = (f"the base ({money.dollars(offer.base):,}) is under the market's base at "
                           f"{target:.0%} of its range ({market_goal:,}; its high is {base['high']:,}){bound}")
        offer = offer.model_copy(update={"base": asked})
    if not aim.reaches(offer):
        offer, why = _more_equity(offer, ask, reasons, aim, bounds.equity_raise_max if bounds else math.inf)
        if why:
            _sign_on(offer, ask, reasons, aim, why)
    ask["reasons"] = reasons
    return ask


def _more_equity(offer: Offer, ask: dict[str, Any], reasons: dict[str, str], aim: Aim,
                 raise_max: float) -> tuple[Offer, str]:
    """More of the offer's own grant (shares or dollars), at most `raise_max` more than it: the offer as
    asked, and why the rest is left to a sign-on ("" when nothing is)."""
    key = "shares" if offer.shares else "equity"
    have = math.ceil(offer.shares) if offer.shares else offer.equity
    if not have or offer.equity_discount >= 1:
        return offer, "the offer has no equity to add to" if not have else "more equity cannot close it"
    top = MAX_SHARES if key == "shares" else money.MAX_MONEY
    if raise_max < math.inf:
        top = min(top, math.floor(round(have * (1 + raise_max), 6)))

    def granted(n: int) -> Offer:
        return offer.model_copy(update={key: float(n) if key == "shares" else n})

    least = aim.least(granted, have, top)
    asked = top if least is None else least
    if least is None and raise_max == math.inf:
        return offer, "more equity cannot close it"
    if least is None and aim.total(granted(top)) == aim.total(offer):
        return offer, "more equity vests nothing within the horizon"
    ask[key] = asked
    more, own = ("more shares", "'s own units") if key == "shares" else ("more", "")
    bound = "" if least is not None else f"; a counter-offer moves a grant by {raise_max:.0%} at most"
    reasons[key] = (f"the rest in the grant{own}: {asked - have:,} {more} ({have:,} to {asked:,}), "
                    f"vesting on its schedule{bound}")
    why = "" if least is not None else "what the grant's bound leaves"
    return granted(asked), why


def _sign_on(offer: Offer, ask: dict[str, Any], reasons: dict[str, str], aim: Aim, why: str) -> None:
    """The rest as a year-1 sign-on, at most one year's base; `short` what a year still misses."""
    first, later = offer.sign_on[0], offer.sign_on[1:]
    ceiling = max(money.dollars(offer.base), first)

    def signed(n: int) -> Offer:
        return offer.model_copy(update={"sign_on": (n, *later)})

    sign_on = aim.least(signed, first, ceiling)
    kept = sign_on is not None or aim.total(signed(ceiling)) > aim.total(offer)
    if kept:
        ask["sign_on"] = sign_on if sign_on is not None else ceiling
        reasons["sign_on"] = f"the rest as a year-1 sign-on: {why}; a sign-on is at most one year's base"
    if sign_on is None:
        ask["short"] = math.ceil(round(aim.goal - aim.total(signed(ceiling)) / aim.horizon, 6))
        rest = "the rest is more than a counter-offer can close" if kept else \
            f"{why}, and a sign-on would be repaid on leaving"
        reasons["short"] = f"still {ask['short']:,} a year short of the target: {rest}"


def market_profile(profile: Profile, est_level: str, location: str, bands: Bands) -> dict[str, Any]:
    years = profile.years
    return {"level": est_level, "years": int(years) if years is not None and years.is_integer() else years,
            "location": location, "tier": profile.tier,
            "industry": profile.industry or bands.defaults.industry,
            "specialization": profile.specialization or bands.defaults.specialization,
            "full_lifecycle": profile.full_lifecycle, "ml_focus": profile.ml_focus}


def _place(value: float, ends: Mapping[str, int], exact: bool = False) -> float:
    """Where `value` sits in a range: 0 at its low end, 1 at its high end (a range of one point: 0 at
    it, below 0 under it, above 1 over it); rounded to 4 places unless `exact`."""
    width = ends["high"] - ends["low"]
    if width <= 0:
        return 0.0 if value == ends["low"] else -1.0 if value < ends["low"] else 2.0
    place = (value - ends["low"]) / width
    return place if exact else round(place, 4)


def market_position(base: float, average: int, profile: Profile, bands: Bands, *, offer: Offer | None = None,
                    horizon: float = 4, growth: float = 0.0, target: float = 0.5, leave: bool = False,
                    bonus: str = "middle") -> Market:
    """base: the offer's average yearly base; average: its average yearly total (the rest of it is
    judged against the market's equity and bonus). position: where the average sits in the total-comp
    range (0 low end, 1 high end), graded by `verdict`; base_position and equity_and_bonus_position
    the same for the two parts. total_comp_vs_mid: average / total-comp midpoint - 1. ask: what
    reaches `target` over the same `horizon`, leaving at it with `leave`, the bonus at its `bonus` case
    (see ask_for; needs `offer`)."""
    est = estimate(profile, bands)
    ranges = {"base": est.base.dollars(), "equity_and_bonus": est.equity_and_bonus.dollars(),
              "total_comp": est.total_comp.dollars()}
    tc = ranges["total_comp"]
    location = "remote-first" if profile.remote_first else profile.city or bands.defaults.city
    goal = math.ceil(round(tc["low"] + target * (tc["high"] - tc["low"]), 6))
    ask = dict(NO_ASK) if offer is None else ask_for(offer, ranges, Aim(goal, horizon, growth, leave, bonus),
                                                     target, bands.ask)
    position = _place(average, tc, exact=True)
    return Market(
        level=est.level, location=location, profile=market_profile(profile, est.level, location, bands),
        base=ranges["base"], equity_and_bonus=ranges["equity_and_bonus"], total_comp=tc,
        base_position=_place(base, ranges["base"]),
        equity_and_bonus_position=_place(average - base, ranges["equity_and_bonus"]),
        position=round(position, 4), verdict=verdict(position),
        total_comp_vs_mid=round(average / max(tc["mid"], 1) - 1, 4), target=target, ask=ask)


# ---- the comparison -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Result:
    name: str
    by_year: tuple[Year, ...]
    first_year: int
    average: int
    total: int
    delta_to_best: int
    growth: float
    market: Market | None
    break_even_growth: float | None = None
    # For a bonus range: the bonus at which this offer reaches the best (a rate of base, or dollars);
    # `ranged` when some offer of the comparison has a bonus range (the key is there for every offer).
    break_even_bonus: float | int | None = None
    ranged: bool = False
    bonus_ranged: bool = False  # this offer's own bonus is a range
    equity_discount: float = 0.0
    leaving: Leaving | None = None
    start: Month | None = None
    notes: tuple[str, ...] = ()
    # Where the offer says it is paid (for --after-tax), and where it was read from (for messages).
    city: str | None = None
    state: str | None = None
    origin: str = "offer"
    inline: bool = False

    def as_dict(self) -> dict[str, Any]:
        leave = {"leave": self.leaving.as_dict()} if self.leaving else {}
        start = {"start": str(self.start)} if self.start else {}
        bonus = {"break_even_bonus": self.break_even_bonus} if self.ranged else {}
        return {"name": self.name, **start, "by_year": [y.as_dict() for y in self.by_year],
                "first_year": self.first_year, "average": self.average, "total": self.total,
                "delta_to_best": self.delta_to_best, "break_even_growth": self.break_even_growth, **bonus, **leave,
                "market": self.market.as_dict() if self.market else None}


@dataclass(frozen=True, slots=True)
class Comparison:
    horizon: float
    best: str
    offers: tuple[Result, ...]
    growth: float | None = None
    close_call: tuple[str, ...] = ()  # the offers within CLOSE_CALL of the best's total, best first
    leave: bool = False
    bonus: str | None = None
    notes: tuple[str, ...] = ()  # what the caller may want to say (engine.level_notes); not in the contract

    @property
    def months(self) -> int:
        return round(self.horizon * 12)

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract (see docs). `bonus` (the case of a bonus range) only when it is one of several."""
        case = {"bonus_case": self.bonus} if self.bonus else {}
        return {**case, "horizon": self.horizon, "best": self.best, "close_call": list(self.close_call),
                "offers": [o.as_dict() for o in self.offers]}


def _dated(offer: Offer) -> None:
    """The keys that need the start month have one (from the offer or --start), and a liquidity event
    is not before it."""
    for key in ("bonus_prorated", "liquidity"):
        if offer.start is None and getattr(offer, key) not in (False, None, "none"):
            raise MlcompError(f"{offer.origin}: {key}: give start too (the month the job starts, such as "
                              "2027-03), or --start", usage=offer.inline)
    if isinstance(offer.liquidity, Month) and offer.start and offer.liquidity < offer.start:
        raise MlcompError(f"{offer.origin}: liquidity: {offer.liquidity} is before the start ({offer.start})",
                          usage=offer.inline)


def equity_notes(offer: Offer) -> tuple[str, ...]:
    """What the table says under itself about how a private company's shares were counted."""
    notes = []
    if offer.preferred_price or offer.fmv:
        which = "the 409A price" if offer.price == offer.fmv and offer.valued_at == "fmv" else "the preferred price"
        notes.append(f"{offer.name}: shares valued at {which}, ${offer.price:,.2f} a share"
                     + (f" (409A ${offer.fmv:,.2f})" if offer.fmv and which != "the 409A price" else "") + ".")
    if offer.strike and offer.strike >= offer.price and (offer.shares or offer.refresh_shares):
        notes.append(f"{offer.name}: the strike (${offer.strike:,.2f}) is not below the price shares are valued "
                     f"at (${offer.price:,.2f}): the options are worth nothing unless the price grows.")
    if isinstance(offer.liquidity, Month):
        notes.append(f"{offer.name}: its RSUs pay nothing before the liquidity event ({offer.liquidity}); what "
                     "vests before it is counted then.")
    elif offer.liquidity == "none":
        notes.append(f"{offer.name}: no liquidity event in view: its RSUs are counted as nothing.")
    return tuple(notes)


def span_years(months: int) -> float:
    """Months as years: a whole number when they are whole years (18 -> 1.5, 48 -> 4)."""
    return months // 12 if months % 12 == 0 else months / 12


def compare(offers: Iterable[Offer], *, horizon: float = 4, growth: float | None = None,
            bands: Bands | None = None, defaults: Mapping[str, Any] | None = None,
            target: float = 0.5, leave: bool = False, bonus: str | None = None) -> Comparison:
    """Offers side by side over `horizon` years (a fraction counts its months: 1.5 is 18), in the order
    given. With `leave`, the holder leaves at the horizon: what is vested and forfeited, and the
    sign-on repaid. The best has the highest horizon total (ties: higher first year, then name), so
    the order never changes the answer. Every other offer gets its break-even equity growth. With
    `bands`, each offer whose profile (its own fields over `defaults`) has years or a level gets a
    market position, with what to ask for to reach `target` (0 = the total-comp low end, 1 = its high end).
    `bonus` is the case of bonus ranges counted (low, middle, high; None: the middle, not named)."""
    months = horizon * 12
    if not (1 <= months <= MAX_HORIZON * 12 and abs(months - round(months)) < 1e-9):
        raise MlcompError(f"the horizon must be from 1 to {MAX_HORIZON} years (or whole months from 1 to "
                          f"{MAX_HORIZON * 12}), got {horizon:g}", usage=True, field="horizon")
    horizon = span_years(round(months))
    rows = []
    offers = distinct(offers)
    parts = components(offers, leave)
    for offer in offers:
        _dated(offer)
        rate = growth if growth is not None else (offer.growth or 0.0)
        years = cash_flows(offer, horizon, growth, leave=leave, parts=parts, bonus=bonus or "middle")
        total = sum(y.total for y in years)
        average = money.dollars(total / horizon)
        profile = offer_profile(offer, bands, defaults or {}) if bands is not None else None
        base = sum(y["base"] for y in years) / horizon
        market = (market_position(base, average, profile, bands, offer=offer, horizon=horizon, growth=rate,
                                  target=target, leave=leave, bonus=bonus or "middle") if profile and bands else None)
        rows.append((offer, years, total, average, market, rate))
    if not rows:
        raise MlcompError("no offers to compare", usage=True)
    best = min(rows, key=lambda r: (-r[2], -r[1][0].total, r[0].name.casefold(), r[0].name))
    ranged = any(offer.bonus.ranged for offer in offers)
    results = tuple(
        Result(name=offer.name, by_year=tuple(years), first_year=years[0].total, average=average,
               total=total, delta_to_best=total - best[2], growth=rate, market=market,
               break_even_growth=None if offer is best[0] else break_even_growth(
                   offer, horizon, best[2], leave=leave, bonus=bonus or "middle"),
               break_even_bonus=None if offer is best[0] else break_even_bonus(
                   offer, horizon, best[2], growth=growth, leave=leave), ranged=ranged,
               bonus_ranged=offer.bonus.ranged,
               equity_discount=offer.equity_discount, start=offer.start, notes=equity_notes(offer),
               leaving=leaving(offer, round(months), rate) if leave else None,
               city=offer.city, state=offer.state, origin=offer.origin, inline=offer.inline)
        for offer, years, total, average, market, rate in rows)
    close = [r for r in sorted(rows, key=lambda r: -r[2]) if r[2] >= best[2] * (1 - CLOSE_CALL)]
    return Comparison(horizon=horizon, best=best[0].name, offers=results, growth=growth, leave=leave, bonus=bonus,
                      close_call=tuple(r[0].name for r in close) if len(close) > 1 else ())


def bonus_cases(offers: Iterable[Offer]) -> list[str | None]:
    """The bonus scenarios a comparison needs: low, middle and high when an offer's bonus is a range."""
    return list(BONUS_CASES) if any(offer.bonus.ranged for offer in offers) else [None]


def check_size(offers: int, scenarios: int, horizon: float) -> None:
    """Refuse a run of more than MAX_OFFER_YEARS offer-years, before any is computed."""
    years = offers * scenarios * math.ceil(horizon)
    if years > MAX_OFFER_YEARS:
        raise MlcompError(f"{offers:,} offers x {scenarios:,} scenarios x {math.ceil(horizon)} years is {years:,} "
                          f"offer-years; at most {MAX_OFFER_YEARS:,} in one run: compare fewer offers, growth "
                          "rates or years", usage=True)


def scenarios(offers: Iterable[Offer], growths: Iterable[float | None], **options: Any) -> list[Comparison]:
    """One comparison per yearly equity growth rate (None: each offer's own) and, when an offer's bonus
    is a range, per case of it (low, middle, high)."""
    offers, growths = list(offers), list(growths)
    check_size(len(offers), len(growths) * len(bonus_cases(offers)), options.get("horizon", 4))
    return [compare(offers, growth=growth, bonus=case, **options) for growth in growths for case in bonus_cases(offers)]
