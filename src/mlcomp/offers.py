"""Job offers: the schema, vesting schedules, year-by-year cash, the comparison and market position.

Pure apart from reading offer files: nothing here prints, exits or imports rich or typer.

Year k total = base + bonus + equity vesting in year k + one-time cash paid in year k + benefits.
Base in year k is `base * (1 + raise) ** (k - 1)`; a bonus given as a percentage follows it. A grant
made in year g (the offer's `equity` in year 1, a `refresh` in every year from 2 on) vests
`schedule[k - g]` percent of its value in year k, worth `slice * (1 + growth) ** (k - g)`. A grant
given in `shares` is worth `vested_shares * max(share_price * (1 + growth) ** (k - g) - strike, 0)`
(options under water are worth nothing). All equity counts at `(1 - equity_discount)` of its value.
Dollars are rounded once per component and year; totals add the rounded components up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from mlcomp import inputs, money
from mlcomp.bands import Bands
from mlcomp.engine import Profile, estimate, make_profile, profile_values
from mlcomp.errors import MlcompError, did_you_mean, from_pydantic, one_line, shown

PRESETS: dict[str, tuple[float, ...]] = {
    "even": (25, 25, 25, 25),
    "front-loaded": (40, 30, 20, 10),
    "back-loaded": (5, 15, 40, 40),
}
PROFILE_FIELDS = ("years", "level", "city", "tier", "industry", "specialization", "full_lifecycle",
                  "remote_first", "ml_focus")
VERDICTS = ("below range", "lower third", "middle third", "upper third", "above range")
MAX_HORIZON = 30
MAX_SHARES = 1_000_000_000     # shares in one grant
MAX_SHARE_PRICE = 1_000_000    # dollars per share (also the strike)
GROWTH_SEARCH = (-1.0, 10.0)   # break-even growth is looked for from -100% to +1000% a year
MAX_SCENARIOS = 20             # growth rates in one comparison
CLOSE_CALL = 0.02              # offers whose horizon totals are within 2% of the best's: no winner


@dataclass(frozen=True, slots=True)
class Bonus:
    """A yearly bonus: a fraction of base, or a fixed amount."""

    rate: float = 0.0
    amount: int = 0

    def of(self, base: float) -> float:
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


class Offer(BaseModel):
    """One offer. `origin` (file name, "stdin" or "offer N (inline)") and `inline` are set by the
    loader for error messages; they are not keys a user may write."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, BeforeValidator(_text)]
    base: Money
    bonus: Annotated[Bonus, BeforeValidator(parse_bonus)] = Bonus()
    sign_on: Annotated[tuple[int, ...], BeforeValidator(parse_payments)] = (0,)
    relocation: Money = 0
    equity: Money = 0
    shares: Annotated[float, BeforeValidator(parse_shares)] = 0.0
    share_price: Annotated[float, BeforeValidator(parse_share_price)] = 0.0
    strike: Annotated[float, BeforeValidator(parse_share_price)] = 0.0
    equity_discount: Rate01 = 0.0
    vesting: Annotated[tuple[float, ...], BeforeValidator(parse_schedule)] = PRESETS["even"]
    refresh: Money = 0
    growth: Annotated[float | None, BeforeValidator(lambda v: money.parse_rate(v))] = None
    raise_: Annotated[float, BeforeValidator(lambda v: money.parse_rate(v, low=0.0, high=1.0)),
                      Field(alias="raise")] = 0.0
    benefits: Money = 0
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

    @model_validator(mode="after")
    def _grant(self) -> Offer:
        given = self.model_fields_set
        if "equity" in given and "shares" in given:
            raise ValueError("equity and shares: give one, not both (equity: the grant in dollars; "
                             "shares: the number of shares, with share_price)")
        if "shares" in given and "share_price" not in given:
            raise ValueError("shares: also give share_price (the value of one share today, e.g. 2.35)")
        for key in ("share_price", "strike"):
            if key in given and "shares" not in given:
                raise ValueError(f"{key}: applies only to a grant given in shares; give shares too "
                                 "(or the grant in dollars as equity)")
        return self


KEYS = tuple(field.alias or key for key, field in Offer.model_fields.items() if key not in ("origin", "inline"))


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


def make_offer(data: Mapping[str, Any], *, origin: str, default_name: str, inline: bool = False,
               text: str | None = None, kind: str = "toml") -> Offer:
    """Validate one offer's keys; every problem is one line 'origin: key: what is wrong', with its
    line when the offer's `text` (TOML or JSON, by `kind`) is given."""
    locate = inputs.locator(text, kind) if text is not None else None
    refused = partial(from_pydantic, file=origin, locate=locate, known=lambda _: KEYS, usage=inline, listed=True)
    unknown = [{"type": "extra_forbidden", "loc": (str(key),)} for key in data if key not in KEYS]
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
                raise MlcompError(f"{where}: no such file (an offer is a .toml or .json file, '-' for stdin, "
                                  "or key=value,... such as name=Acme,base=240k)", usage=True)
            if kind not in ("toml", "json"):
                raise MlcompError(f"{where}: unknown file type '{one_line(path.suffix)}'; use .toml or .json",
                                  usage=True)
            text = read_file(path)
            offers.append(make_offer(parse_text(text, where, kind), origin=where, default_name=path.stem,
                                     text=text, kind=kind))
    return offers


def distinct(offers: Iterable[Offer]) -> list[Offer]:
    """The offers, if no two share a name (ignoring case): the comparison names them in its answer."""
    seen: dict[str, Offer] = {}
    for offer in offers:
        key = offer.name.casefold()
        if key in seen:
            raise MlcompError(f"two offers are named {shown(offer.name)} ({seen[key].origin} and {offer.origin}); "
                              "give each a distinct name", usage=offer.inline)
        seen[key] = offer
    return list(seen.values())


# ---- cash flows -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Year:
    year: int
    base: int
    bonus: int
    equity: int
    one_time: int
    benefits: int = 0
    cumulative: int = 0

    @property
    def total(self) -> int:
        return self.base + self.bonus + self.equity + self.one_time + self.benefits

    def as_dict(self) -> dict[str, int]:
        return {"year": self.year, "base": self.base, "bonus": self.bonus, "equity": self.equity,
                "one_time": self.one_time, "benefits": self.benefits, "total": self.total,
                "cumulative": self.cumulative}


def equity_in_year(offer: Offer, year: int, growth: float) -> float:
    """Equity vesting in `year` from the initial grant (year 1: `equity` dollars or `shares`) and
    refreshers (years 2..year), after the offer's discount."""
    value = 0.0
    for granted in range(1, year + 1):
        index = year - granted
        if not 0 <= index < len(offer.vesting):
            continue
        part = offer.vesting[index] / 100
        grown = (1 + growth) ** index
        if granted == 1 and offer.shares:
            value += offer.shares * part * max(offer.share_price * grown - offer.strike, 0.0)
        else:
            value += (offer.equity if granted == 1 else offer.refresh) * part * grown
    return value * (1 - offer.equity_discount)


def cash_flows(offer: Offer, horizon: int, growth: float | None = None) -> list[Year]:
    """Year by year, 1..horizon. `growth` (when given) overrides the offer's own."""
    rate = growth if growth is not None else (offer.growth or 0.0)
    years: list[Year] = []
    cumulative = 0
    for k in range(1, horizon + 1):
        base = offer.base * (1 + offer.raise_) ** (k - 1)
        sign_on = offer.sign_on[k - 1] if k <= len(offer.sign_on) else 0
        year = Year(year=k, base=money.dollars(base), bonus=money.dollars(offer.bonus.of(base)),
                    equity=money.dollars(equity_in_year(offer, k, rate)),
                    one_time=sign_on + (offer.relocation if k == 1 else 0), benefits=offer.benefits)
        cumulative += year.total
        years.append(replace(year, cumulative=cumulative))
    return years


def horizon_total(offer: Offer, horizon: int, growth: float | None = None) -> int:
    return sum(y.total for y in cash_flows(offer, horizon, growth))


def break_even_growth(offer: Offer, horizon: int, target: int) -> float | None:
    """The lowest yearly equity growth, in whole basis points from -100% to +1000%, at which this
    offer's horizon total (its equity alone growing) reaches `target`; None when even +1000% does
    not. The total never decreases as growth rises, so a binary search over the basis points finds it."""
    lo, hi = (round(rate * 10_000) for rate in GROWTH_SEARCH)
    if horizon_total(offer, horizon, hi / 10_000) < target:
        return None
    while lo < hi:  # the answer is in lo..hi
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if horizon_total(offer, horizon, mid / 10_000) >= target else (mid + 1, hi)
    return lo / 10_000


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


def verdict(position: float) -> str:
    """Five steps over the total-comp range: below it, its lower, middle and upper third, above it."""
    if position < 0:
        return VERDICTS[0]
    if position > 1:
        return VERDICTS[4]
    return VERDICTS[1] if position < 1 / 3 else VERDICTS[3] if position > 2 / 3 else VERDICTS[2]


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


def _reaches(offer: Offer, goal: int, horizon: int, growth: float) -> bool:
    """Whether the offer pays `goal` a year on average over the horizon (its total, goal x horizon)."""
    return horizon_total(offer, horizon, growth) >= goal * horizon


def _least(make: Callable[[int], Offer], lo: int, hi: int, goal: int, horizon: int, growth: float) -> int | None:
    """The least n from lo to hi whose offer make(n) reaches `goal` (the total never falls as n grows);
    None when even hi does not."""
    if hi < lo or not _reaches(make(hi), goal, horizon, growth):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if _reaches(make(mid), goal, horizon, growth) else (mid + 1, hi)
    return lo


def ask_for(offer: Offer, market: Mapping[str, dict[str, int]], goal: int, horizon: int, growth: float,
            target: float, raise_max: float = math.inf) -> dict[str, Any]:
    """One ask, as a negotiator makes it, that brings the offer's average yearly total to `goal`: the
    base up to the market's base at the target's place (never above the market's base high nor more
    than `raise_max` over the offered base, never below what is offered), then the rest in the offer's
    own equity (more shares for a grant in shares, more dollars for a dollar grant), or as a year-1
    sign-on when it has no equity (at most one year's base). Each part is the new amount to ask for,
    with a one-line reason; `short` is what a year still misses when the sign-on's bound stops it."""
    if _reaches(offer, goal, horizon, growth):
        return dict(NO_ASK)
    ask, reasons = dict(NO_ASK), {}
    base = market["base"]
    market_goal = min(math.ceil(base["low"] + target * (base["high"] - base["low"])), base["high"])
    most = math.floor(round(offer.base * (1 + raise_max), 6)) if raise_max < math.inf else market_goal
    base_goal = min(market_goal, most)
    if offer.base < base_goal:
        least = _least(lambda n: offer.model_copy(update={"base": n}), offer.base, base_goal, goal, horizon,
                       growth)
        asked = base_goal if least is None else least
        ask["base"] = asked
        bound = "" if base_goal == market_goal else f"; a counter-offer moves base by {raise_max:.0%} at most"
        reasons["base"] = (f"the base ({money.dollars(offer.base):,}) is under the market's base at "
                           f"{target:.0%} of its range ({market_goal:,}; its high is {base['high']:,}){bound}")
        offer = offer.model_copy(update={"base": asked})
    if not _reaches(offer, goal, horizon, growth):
        _rest(offer, ask, reasons, goal, horizon, growth)
    ask["reasons"] = reasons
    return ask


def _rest(offer: Offer, ask: dict[str, Any], reasons: dict[str, str], goal: int, horizon: int,
          growth: float) -> None:
    """What the base leaves to close: more of the offer's own equity, else a sign-on."""
    if offer.shares:
        have = math.ceil(offer.shares)
        shares = _least(lambda n: offer.model_copy(update={"shares": float(n)}), have, MAX_SHARES, goal,
                        horizon, growth)
        if shares is not None:
            ask["shares"] = shares
            reasons["shares"] = (f"the rest in the grant's own units: {shares - have:,} more shares "
                                 f"({have:,} to {shares:,}), vesting on its schedule")
            return
    elif offer.equity and offer.equity_discount < 1:
        equity = _least(lambda n: offer.model_copy(update={"equity": n}), offer.equity, money.MAX_MONEY, goal,
                        horizon, growth)
        if equity is not None:
            ask["equity"] = equity
            reasons["equity"] = (f"the rest in the grant: {equity - offer.equity:,} more ({offer.equity:,} to "
                                 f"{equity:,}), vesting on its schedule")
            return
    first, later = offer.sign_on[0], offer.sign_on[1:]
    ceiling = max(money.dollars(offer.base), first)

    def signed(n: int) -> Offer:
        return offer.model_copy(update={"sign_on": (n, *later)})

    sign_on = _least(signed, first, ceiling, goal, horizon, growth)
    why = "the offer has no equity to add to" if not (offer.shares or offer.equity) else \
        "more equity cannot close it"
    ask["sign_on"] = sign_on if sign_on is not None else ceiling
    reasons["sign_on"] = f"the rest as a year-1 sign-on: {why}; a sign-on is at most one year's base"
    if sign_on is None:
        ask["short"] = math.ceil(goal - horizon_total(signed(ceiling), horizon, growth) / horizon)
        reasons["short"] = (f"still {ask['short']:,} a year short of the target: the rest is more than a "
                            "sign-on of one year's base can close")


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
                    horizon: int = 4, growth: float = 0.0, target: float = 0.5) -> Market:
    """base: the offer's average yearly base; average: its average yearly total (the rest of it is
    judged against the market's equity and bonus). position: where the average sits in the total-comp
    range (0 low end, 1 high end), graded by `verdict`; base_position and equity_and_bonus_position
    the same for the two parts. total_comp_vs_mid: average / total-comp midpoint - 1. ask: what
    reaches `target` (see ask_for; needs `offer`)."""
    est = estimate(profile, bands)
    ranges = {"base": est.base.dollars(), "equity_and_bonus": est.equity_and_bonus.dollars(),
              "total_comp": est.total_comp.dollars()}
    tc = ranges["total_comp"]
    location = "remote-first" if profile.remote_first else profile.city or bands.defaults.city
    goal = math.ceil(round(tc["low"] + target * (tc["high"] - tc["low"]), 6))
    ask = dict(NO_ASK) if offer is None else ask_for(offer, ranges, goal, horizon, growth, target,
                                                     bands.ask.base_raise_max)
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
    equity_discount: float = 0.0
    # Where the offer says it is paid (for --after-tax), and where it was read from (for messages).
    city: str | None = None
    state: str | None = None
    origin: str = "offer"
    inline: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "by_year": [y.as_dict() for y in self.by_year],
                "first_year": self.first_year, "average": self.average, "total": self.total,
                "delta_to_best": self.delta_to_best, "break_even_growth": self.break_even_growth,
                "market": self.market.as_dict() if self.market else None}


@dataclass(frozen=True, slots=True)
class Comparison:
    horizon: int
    best: str
    offers: tuple[Result, ...]
    growth: float | None = None
    close_call: tuple[str, ...] = ()  # the offers within CLOSE_CALL of the best's total, best first
    notes: tuple[str, ...] = ()  # what the caller may want to say (engine.level_notes); not in the contract

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract (see docs)."""
        return {"horizon": self.horizon, "best": self.best, "close_call": list(self.close_call),
                "offers": [o.as_dict() for o in self.offers]}


def compare(offers: Iterable[Offer], *, horizon: int = 4, growth: float | None = None,
            bands: Bands | None = None, defaults: Mapping[str, Any] | None = None,
            target: float = 0.5) -> Comparison:
    """Offers side by side over `horizon` years, in the order given. The best has the highest
    horizon total (ties: higher first year, then name), so the order never changes the answer.
    Every other offer gets its break-even equity growth. With `bands`, each offer whose profile
    (its own fields over `defaults`) has years or a level gets a market position, with what to ask
    for to reach `target` (0 = the total-comp low end, 1 = its high end)."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise MlcompError(f"the horizon must be from 1 to {MAX_HORIZON} years, got {horizon}", usage=True,
                          field="horizon")
    rows = []
    for offer in distinct(offers):
        rate = growth if growth is not None else (offer.growth or 0.0)
        years = cash_flows(offer, horizon, growth)
        total = sum(y.total for y in years)
        average = money.dollars(total / horizon)
        profile = offer_profile(offer, bands, defaults or {}) if bands is not None else None
        base = sum(y.base for y in years) / horizon
        market = (market_position(base, average, profile, bands, offer=offer, horizon=horizon,
                                  growth=rate, target=target) if profile and bands else None)
        rows.append((offer, years, total, average, market, rate))
    if not rows:
        raise MlcompError("no offers to compare", usage=True)
    best = min(rows, key=lambda r: (-r[2], -r[1][0].total, r[0].name.casefold(), r[0].name))
    results = tuple(
        Result(name=offer.name, by_year=tuple(years), first_year=years[0].total, average=average,
               total=total, delta_to_best=total - best[2], growth=rate, market=market,
               break_even_growth=None if offer is best[0] else break_even_growth(offer, horizon, best[2]),
               equity_discount=offer.equity_discount, city=offer.city, state=offer.state, origin=offer.origin,
               inline=offer.inline)
        for offer, years, total, average, market, rate in rows)
    close = [r for r in sorted(rows, key=lambda r: -r[2]) if r[2] >= best[2] * (1 - CLOSE_CALL)]
    return Comparison(horizon=horizon, best=best[0].name, offers=results, growth=growth,
                      close_call=tuple(r[0].name for r in close) if len(close) > 1 else ())


def scenarios(offers: Iterable[Offer], growths: Iterable[float | None], **options: Any) -> list[Comparison]:
    """One comparison per yearly equity growth rate (None: each offer's own)."""
    offers = list(offers)
    return [compare(offers, growth=growth, **options) for growth in growths]
