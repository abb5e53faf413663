"""Job offers: the schema, vesting schedules, year-by-year cash, the comparison and market position.

Pure apart from reading offer files: nothing here prints, exits or imports rich or typer.

Year k total = base + bonus + equity vesting in year k + one-time cash paid in year k. A grant
made in year g (the offer's `equity` in year 1, a `refresh` in every year from 2 on) vests
`schedule[k - g]` percent of its value in year k, worth `slice * (1 + growth) ** (k - g)`.
Dollars are rounded once per component and year; totals add the rounded components up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from mlcomp import inputs, money
from mlcomp.bands import Bands
from mlcomp.engine import Profile, estimate, make_profile, profile_values
from mlcomp.errors import MlcompError, did_you_mean, one_line, plain, shown

PRESETS: dict[str, tuple[float, ...]] = {
    "even": (25, 25, 25, 25),
    "front-loaded": (40, 30, 20, 10),
    "back-loaded": (5, 15, 40, 40),
}
PROFILE_FIELDS = ("years", "level", "city", "tier", "industry", "specialization", "full_lifecycle",
                  "remote_first", "ml_focus")
VERDICTS = ("below market", "within market", "above market")
MAX_HORIZON = 30


@dataclass(frozen=True, slots=True)
class Bonus:
    """A yearly bonus: a fraction of base, or a fixed amount."""

    rate: float = 0.0
    amount: int = 0

    def of(self, base: int) -> float:
        return self.rate * base + self.amount


def parse_bonus(value: object) -> Bonus:
    """ "15%" or a number below 1 (0.15) is a fraction of base; anything else is an amount."""
    if isinstance(value, Bonus):
        return value
    if money.is_percent(value):
        return Bonus(rate=money.parse_rate(value, low=0.0, high=10.0))
    number = money.amount(value)
    return Bonus(rate=number) if number < 1 else Bonus(amount=money.dollars(number))


def parse_schedule(value: object) -> tuple[float, ...]:
    """Yearly vesting percentages summing to 100: a list, "5/15/40/40", or a preset name."""
    presets = ", ".join(PRESETS)
    if isinstance(value, str):
        text = value.strip().lower().replace("_", "-").replace(" ", "-")
        if text in PRESETS:
            return PRESETS[text]
        if not re.fullmatch(r"[\d./%-]+", text):
            raise ValueError(f"unknown schedule {shown(value)}.{did_you_mean(text, PRESETS)} "
                             f"Give yearly percentages such as 5/15/40/40, or one of: {presets}")
        parts: list[object] = list(text.split("/"))
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        raise ValueError(f"expected yearly percentages such as [25, 25, 25, 25] or one of: {presets}")
    if not parts:
        raise ValueError("needs at least one year")
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
            raise ValueError(f"each year's share must be a percentage from 0 to 100, got {shown(part)}")
        shares.append(share)
    total = sum(shares)
    if abs(total - 100) > 1e-6:
        hint = " (percentages, not fractions: 25, not 0.25)" if abs(total - 1) < 1e-6 else ""
        raise ValueError(f"yearly percentages sum to {total:g}, must sum to 100{hint}")
    return tuple(shares)


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
        raise ValueError(f"expected a number of years such as 4 or 4.5, got {value!r}")
    return _text(value)


Money = Annotated[int, BeforeValidator(money.parse_money)]


class Offer(BaseModel):
    """One offer. `origin` (file name, "stdin" or "offer N (inline)") and `inline` are set by the
    loader for error messages; they are not keys a user may write."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, BeforeValidator(_text)]
    base: Money
    bonus: Annotated[Bonus, BeforeValidator(parse_bonus)] = Bonus()
    sign_on: Money = 0
    relocation: Money = 0
    equity: Money = 0
    vesting: Annotated[tuple[float, ...], BeforeValidator(parse_schedule)] = PRESETS["even"]
    refresh: Money = 0
    growth: Annotated[float | None, BeforeValidator(lambda v: money.parse_rate(v))] = None
    years: Annotated[int | float | str | None, BeforeValidator(_years)] = None
    level: Annotated[str | None, BeforeValidator(_text)] = None
    city: Annotated[str | None, BeforeValidator(_text)] = None
    tier: Annotated[str | None, BeforeValidator(_text)] = None
    industry: Annotated[str | None, BeforeValidator(_text)] = None
    specialization: Annotated[str | None, BeforeValidator(_text)] = None
    full_lifecycle: bool | None = None
    remote_first: bool | None = None
    ml_focus: Annotated[str | None, BeforeValidator(_text)] = None
    origin: str = "offer"
    inline: bool = False


KEYS = tuple(key for key in Offer.model_fields if key not in ("origin", "inline"))


# ---- reading offers -------------------------------------------------------------------------------

def parse_inline(spec: str, origin: str) -> dict[str, str]:
    """'name=Acme,base=$240,000,bonus=15%' -> dict. A comma not followed by key= stays in the value."""
    pairs: list[list[str]] = []
    for part in spec.split(","):
        if "=" in part and re.match(r"^\s*[A-Za-z_][\w-]*\s*=", part):
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
    """An offer on stdin: JSON when it starts with '{' (or is a JSON value starting with '['), else TOML."""
    start = text.lstrip()[:1]
    if start == "[":
        try:
            inputs.parse(text, "stdin", "json")
        except MlcompError as e:
            if "JSON syntax error" not in e.message:
                raise
        else:
            return parse_text(text, "stdin", "json")  # says that an offer is an object
    return parse_text(text, "stdin", "json" if start == "{" else "toml")


def decode(data: bytes, origin: str) -> str:
    """UTF-8 text; a byte-order mark (as some editors write) is dropped."""
    return inputs.decode(data, origin)


def read_file(path: Path) -> str:
    return inputs.decode(inputs.read_bytes(str(path)), inputs.origin(str(path)))


def _exists(path: Path, test: Callable[[Path], bool]) -> bool:
    """path.is_file() and the like, False for a name the system refuses (too long, a NUL byte)."""
    try:
        return test(path)
    except (OSError, ValueError):
        return False


def make_offer(data: Mapping[str, Any], *, origin: str, default_name: str, inline: bool = False) -> Offer:
    """Validate one offer's keys; every problem is one line 'origin: key: what is wrong'."""
    problems = [f"{origin}: {one_line(str(key))}: unknown key.{did_you_mean(str(key), KEYS)} Keys: {', '.join(KEYS)}"
                for key in data if key not in KEYS]
    if problems:
        raise MlcompError("\n".join(problems), usage=inline)
    try:
        return Offer.model_validate({"name": default_name, **data, "origin": origin, "inline": inline})
    except ValidationError as e:
        lines = []
        for err in e.errors():
            key = ".".join(str(part) for part in err["loc"])
            lines.append(f"{origin}: {key}: {plain(err)}" if key else f"{origin}: {plain(err)}")
        raise MlcompError("\n".join(lines), usage=inline) from None


def load_offers(args: Iterable[str], read_stdin: Callable[[], str]) -> list[Offer]:
    """Offers from arguments: files (.toml, .json), '-' for stdin (once), or inline key=value specs."""
    args = list(args)
    if args.count("-") > 1:
        raise MlcompError("'-' (stdin) can be given only once", usage=True)
    offers: list[Offer] = []
    for number, arg in enumerate(args, 1):
        fallback = f"Offer {number}"
        path = Path(arg)
        if arg == "-":
            text = read_stdin().removeprefix("\ufeff")
            if not text.strip():
                raise MlcompError("stdin: empty input; expected an offer in TOML or JSON")
            offers.append(make_offer(parse_stdin(text), origin="stdin", default_name=fallback))
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
                raise MlcompError(f"{where}: no such file (an offer is a .toml or .json file, '-' for stdin, "
                                  "or key=value,... such as name=Acme,base=240k)", usage=True)
            if kind not in ("toml", "json"):
                raise MlcompError(f"{where}: unknown file type '{one_line(path.suffix)}'; use .toml or .json",
                                  usage=True)
            data = parse_text(read_file(path), where, kind)
            offers.append(make_offer(data, origin=where, default_name=path.stem))
    seen: dict[str, Offer] = {}
    for offer in offers:
        key = offer.name.casefold()
        if key in seen:
            raise MlcompError(f"two offers are named {shown(offer.name)} ({seen[key].origin} and {offer.origin}); "
                              "give each a distinct name", usage=offer.inline)
        seen[key] = offer
    return offers


# ---- cash flows -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Year:
    year: int
    base: int
    bonus: int
    equity: int
    one_time: int

    @property
    def total(self) -> int:
        return self.base + self.bonus + self.equity + self.one_time

    def as_dict(self) -> dict[str, int]:
        return {"year": self.year, "base": self.base, "bonus": self.bonus, "equity": self.equity,
                "one_time": self.one_time, "total": self.total}


def equity_in_year(offer: Offer, year: int, growth: float) -> float:
    """Equity vesting in `year` from the initial grant (year 1) and refreshers (years 2..year)."""
    grants = [(1, offer.equity)] + [(g, offer.refresh) for g in range(2, year + 1)]
    value = 0.0
    for granted, grant in grants:
        index = year - granted
        if grant and 0 <= index < len(offer.vesting):
            value += grant * offer.vesting[index] / 100 * (1 + growth) ** index
    return value


def cash_flows(offer: Offer, horizon: int, growth: float | None = None) -> list[Year]:
    """Year by year, 1..horizon. `growth` (when given) overrides the offer's own."""
    rate = growth if growth is not None else (offer.growth or 0.0)
    bonus = money.dollars(offer.bonus.of(offer.base))
    return [Year(year=k, base=offer.base, bonus=bonus,
                 equity=money.dollars(equity_in_year(offer, k, rate)),
                 one_time=offer.sign_on + offer.relocation if k == 1 else 0)
            for k in range(1, horizon + 1)]


# ---- market position ------------------------------------------------------------------------------

def offer_profile(offer: Offer, bands: Bands, defaults: Mapping[str, Any]) -> Profile | None:
    """The offer's profile fields over `defaults` (canonical, from profile_values); None without
    years or level. A bad value in the offer names the offer and the key."""
    own: dict[str, Any] = {}
    for field in PROFILE_FIELDS:
        try:
            own.update(profile_values(bands, {field: getattr(offer, field)}))
        except MlcompError as e:
            raise MlcompError(f"{offer.origin}: {field}: {e.message}", usage=offer.inline) from None
    merged = {**defaults, **own}
    if merged.get("years") is None and not merged.get("level"):
        return None
    return make_profile(bands, **merged)


@dataclass(frozen=True, slots=True)
class Market:
    """Where an offer sits against the estimate for its profile."""

    base_position: float
    total_comp_vs_mid: float
    verdict: str
    ask_base: int
    location_adjusted_average: int
    level: str
    location: str
    base_mid: int
    total_comp_low: int
    total_comp_mid: int
    total_comp_high: int

    def as_dict(self) -> dict[str, Any]:
        return {"base_position": self.base_position, "total_comp_vs_mid": self.total_comp_vs_mid,
                "verdict": self.verdict, "ask_base": self.ask_base,
                "location_adjusted_average": self.location_adjusted_average}


def market_position(base: int, average: int, profile: Profile, bands: Bands) -> Market:
    """base_position: 0 at the estimated base's low end, 1 at its high end. total_comp_vs_mid:
    average / total-comp midpoint - 1. Verdict: below market when the average is under the
    total-comp low end, above market when over its high end, else within market. ask_base: the
    base midpoint, or the offered base when that is higher. location_adjusted_average: the average
    divided by (1 + the midpoint of the location premium)."""
    est = estimate(profile, bands)
    base_range, tc = est.base.dollars(), est.total_comp.dollars()
    width = base_range["high"] - base_range["low"]
    position = (base - base_range["low"]) / max(width, 1)
    if average < tc["low"]:
        verdict = VERDICTS[0]
    elif average > tc["high"]:
        verdict = VERDICTS[2]
    else:
        verdict = VERDICTS[1]
    if profile.remote_first:
        location, premium = "remote-first", bands.remote_first
    else:
        location = profile.city or bands.defaults.city
        premium = bands.cities[location]
    return Market(
        base_position=round(position, 4), total_comp_vs_mid=round(average / tc["mid"] - 1, 4),
        verdict=verdict, ask_base=max(base, base_range["mid"]),
        location_adjusted_average=money.dollars(average / (1 + (premium.low + premium.high) / 2)),
        level=est.level, location=location, base_mid=base_range["mid"], total_comp_low=tc["low"],
        total_comp_mid=tc["mid"], total_comp_high=tc["high"])


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

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "by_year": [y.as_dict() for y in self.by_year],
                "first_year": self.first_year, "average": self.average, "total": self.total,
                "delta_to_best": self.delta_to_best,
                "market": self.market.as_dict() if self.market else None}


@dataclass(frozen=True, slots=True)
class Comparison:
    horizon: int
    best: str
    offers: tuple[Result, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract (see README)."""
        return {"horizon": self.horizon, "best": self.best, "offers": [o.as_dict() for o in self.offers]}


def compare(offers: Iterable[Offer], *, horizon: int = 4, growth: float | None = None,
            bands: Bands | None = None, defaults: Mapping[str, Any] | None = None) -> Comparison:
    """Offers side by side over `horizon` years, in the order given. The best has the highest
    horizon total (ties: higher first year, then name), so the order never changes the answer.
    With `bands`, each offer whose profile (its own fields over `defaults`) has years or a level
    gets a market position."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise MlcompError(f"the horizon must be from 1 to {MAX_HORIZON} years, got {horizon}", usage=True,
                          field="horizon")
    rows = []
    for offer in offers:
        years = cash_flows(offer, horizon, growth)
        total = sum(y.total for y in years)
        average = money.dollars(total / horizon)
        profile = offer_profile(offer, bands, defaults or {}) if bands is not None else None
        market = market_position(offer.base, average, profile, bands) if profile and bands else None
        rows.append((offer, years, total, average, market))
    if not rows:
        raise MlcompError("no offers to compare", usage=True)
    best = min(rows, key=lambda r: (-r[2], -r[1][0].total, r[0].name.casefold(), r[0].name))
    results = tuple(
        Result(name=offer.name, by_year=tuple(years), first_year=years[0].total, average=average,
               total=total, delta_to_best=total - best[2],
               growth=growth if growth is not None else (offer.growth or 0.0), market=market)
        for offer, years, total, average, market in rows)
    return Comparison(horizon=horizon, best=best[0].name, offers=results)
