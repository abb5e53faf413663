"""The schema of data/bands.toml: load, overlay a user's file, validate, resolve typed keys.

Every number in the file carries a `source` (a quote of the guide) or an `assumption` (why), and
the loader rejects a number with neither, unknown keys, NaN/inf, negative amounts, low > high and
gaps or overlaps in the experience ranges.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from mlcomp import inputs
from mlcomp.errors import MlcompError, Problem, did_you_mean, from_pydantic, key_path, shown
from mlcomp.money import bounded, dollars

KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_YEARS = 100  # years of experience anywhere in the data
Money = Annotated[int, Field(strict=True, ge=0), AfterValidator(bounded)]
Rate = Annotated[float, Field(strict=True, gt=-1, le=10, allow_inf_nan=False)]
Years = Annotated[float, Field(strict=True, ge=0, le=MAX_YEARS, allow_inf_nan=False)]
Share = Annotated[float, Field(strict=True, ge=0, le=10, allow_inf_nan=False)]
Position = Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)]
# Groups of keys a user can type, with the option (and batch column) that takes them.
GROUPS = {
    "levels": "level",
    "cities": "city",
    "tiers": "tier",
    "industries": "industry",
    "specializations": "specialization",
    "roles": "role",
    "ml_focus": "ml_focus",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Sourced(_Model):
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> Sourced:
        _require_provenance(self)
        return self


def _require_provenance(entry: Sourced) -> None:
    if not (entry.source or "").strip() and not (entry.assumption or "").strip():
        raise ValueError("needs a `source` (a quote of the guide) or an `assumption` (why)")


class Keyed(Sourced):
    label: str
    aliases: list[str] = []


class Typical(Sourced):
    """Where the typical value sits in a level's ranges: p rises in a straight line from `start`
    (the level's first year) to `end` (its last; for the open-ended level, `years` after its start)."""

    start: Position
    end: Position
    years: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Typical:
        if self.start > self.end:
            raise ValueError(f"start ({self.start:g}) is above end ({self.end:g}): p must rise with years")
        return self


class LevelOnly(Sourced):
    level_only: Position


class Level(Keyed):
    years_from: Years
    years_to: Years | None = None
    low: Money
    high: Money
    typical: Typical | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Level:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        if self.high <= 0:
            raise ValueError("high must be above 0: a band of $0 pays nothing, and nothing can be placed in it")
        if self.years_to is not None and self.years_to <= self.years_from:
            raise ValueError(f"years_to ({self.years_to:g}) must be above years_from ({self.years_from:g})")
        return self


class Part(Sourced):
    """What a premium does to one part of pay: `low` applies to its low end, `high` to its high end."""

    low: Rate
    high: Rate


PARTS = ("base", "equity_and_bonus")  # the parts of pay a premium moves


class Premium(Keyed):
    """A premium over the band. With `low` and `high` it moves the whole pay (both parts, as location
    does); with a `base` and an `equity_and_bonus` table it moves each part by its own rates (a part
    left out is not moved). Each carries its own source or assumption."""

    low: Rate | None = None
    high: Rate | None = None
    base: Part | None = None
    equity_and_bonus: Part | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> Premium:
        whole = self.low is not None or self.high is not None
        if whole and (self.low is None or self.high is None):
            raise ValueError("give both low and high (the whole pay), or a base and an equity_and_bonus table")
        if whole and (self.base or self.equity_and_bonus):
            raise ValueError("give low and high (they move the whole pay) or base and equity_and_bonus tables "
                             "(each part by its own rates), not both")
        if not whole and not (self.base or self.equity_and_bonus):
            raise ValueError("needs low and high (the whole pay), or a base or an equity_and_bonus table")
        if whole:
            _require_provenance(self)
        return self

    def part(self, name: str) -> tuple[float, float]:
        """The (low, high) rates on one part of pay: `base` or `equity_and_bonus`."""
        if self.low is not None and self.high is not None:
            return self.low, self.high
        part: Part | None = getattr(self, name)
        return (part.low, part.high) if part else (0.0, 0.0)

    def provenance(self, name: str) -> Sourced:
        """Where the rates on one part come from: its own table, else the entry."""
        part: Part | None = getattr(self, name) if self.low is None else None
        return part or self


class Role(Keyed):
    """A role other than ML engineer: the ML premium over it divides the band."""

    ml_premium_low: Share
    ml_premium_high: Share


class CapPart(Sourced):
    """The most the capped premiums may multiply one part of pay by, less 1, at its low and high end."""

    low: Share
    high: Share


class Cap(_Model):
    label: str
    base: CapPart
    equity_and_bonus: CapPart


class Uplift(Sourced):
    """The market's equity and bonus, as a fraction of its base, at the low and the high end."""

    label: str
    low: Share
    high: Share


class Experience(Sourced):
    min_years: Years = 0
    max_years: Years

    @model_validator(mode="after")
    def _ordered(self) -> Experience:
        if self.min_years > self.max_years:
            raise ValueError(f"min_years ({self.min_years:g}) is above max_years ({self.max_years:g})")
        return self


class Constraints(Sourced):
    """What the pay data must meet (checked when a user's file is laid over the shipped data)."""

    check: bool = True
    top_tiers: list[str]
    base_share_low: Position
    base_share_high: Position
    top_level_headroom: Share
    cities_order: list[str]


class Ask(Sourced):
    """How far a counter-offer moves the offered base (compare's ask)."""

    base_raise_max: Share


class Defaults(_Model):
    city: str
    industry: str
    specialization: str
    role: str


class Bands(_Model):
    schema_version: Literal[1]
    currency: Literal["USD"]
    period: Literal["year"]
    guide: str
    defaults: Defaults
    experience: Experience
    levels: dict[str, Level]
    cities: dict[str, Premium]
    tiers: dict[str, Premium]
    industries: dict[str, Premium]
    specializations: dict[str, Premium]
    roles: dict[str, Role]
    ml_focus: dict[str, Premium]
    typical: LevelOnly
    lifecycle: Premium
    remote_first: Premium
    cap: Cap
    total_comp: Uplift
    constraints: Constraints
    ask: Ask

    @model_validator(mode="after")
    def _consistent(self) -> Bands:
        problems = [*self._names(), *self._defaults_known()]  # one per line, each starting with its key path
        for check in (self._check_levels, self._check_typical, self._check_order_kept):
            try:
                check()
            except ValueError as e:
                problems.append(str(e))
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _names(self) -> Iterator[str]:
        """Every group has an entry; every key and alias is well formed and names one entry."""
        for group in GROUPS:
            entries: dict[str, Keyed] = getattr(self, group)
            if not entries:
                yield f"{group}: needs at least one entry"
            seen: dict[str, str] = {}
            for key, entry in entries.items():
                for name in (key, *entry.aliases):
                    if not KEY.match(name):
                        yield f"{key_path((group, key))}: '{name}' must be lowercase letters, digits and dashes"
                    elif name in seen and seen[name] != key:
                        yield f"{key_path((group, key))}: '{name}' is already used by {key_path((group, seen[name]))}"
                    seen[name] = key

    def _defaults_known(self) -> Iterator[str]:
        for field, group in (("city", "cities"), ("industry", "industries"),
                             ("specialization", "specializations"), ("role", "roles")):
            value = getattr(self.defaults, field)
            if value not in getattr(self, group):
                yield f"defaults.{field}: '{value}' is not a key of [{group}]"

    def _check_levels(self) -> None:
        levels = sorted(self.levels.items(), key=lambda kv: kv[1].years_from)
        expected = self.experience.min_years
        for i, (key, level) in enumerate(levels):
            if level.years_from != expected:
                kind = "gap" if level.years_from > expected else "overlap"
                raise ValueError(f"{key_path(('levels', key, 'years_from'))}: {kind} in experience ranges: "
                                 f"starts at {level.years_from:g}, expected {expected:g}")
            last = i == len(levels) - 1
            if last and level.years_to is not None and level.years_to <= self.experience.max_years:
                raise ValueError(f"{key_path(('levels', key, 'years_to'))}: the last level must have no years_to "
                                 f"(or one above experience.max_years)")
            if not last and level.years_to is None:
                raise ValueError(f"{key_path(('levels', key, 'years_to'))}: only the last level may leave years_to out")
            expected = level.years_to if level.years_to is not None else math.inf

    def _check_typical(self) -> None:
        """The typical pay never drops at a promotion, whatever premiums scale the two ends: at the
        first year of a level, both ends' weights (low x (1 - p), high x p) are at least those of the
        previous level's last year."""
        levels = sorted(self.levels.items(), key=lambda kv: kv[1].years_from)
        if not levels:
            return
        for (_, prev), (key, level) in itertools.pairwise(levels):
            if level.typical is None or prev.typical is None:
                continue
            start, end = level.typical.start, prev.typical.end
            if level.high * start < prev.high * end or level.low * (1 - start) < prev.low * (1 - end):
                raise ValueError(f"{key_path(('levels', key, 'typical', 'start'))}: the typical pay would drop "
                                 f"at the promotion to {key}: high x start ({level.high} x {start:g}) must be at "
                                 f"least the previous level's high x end ({prev.high} x {end:g}), and low x "
                                 f"(1 - start) at least its low x (1 - end)")
        last_key, last = levels[-1]
        if last.typical is not None and last.years_to is None and last.typical.years is None:
            raise ValueError(f"{key_path(('levels', last_key, 'typical', 'years'))}: the open-ended last level "
                             "needs the years over which p rises from start to end")

    def _check_order_kept(self) -> None:
        """No combination of premiums may turn a range upside down (low above high), in either part."""
        for part in PARTS:
            squeeze, where = self.narrowest(part)
            for key, level in self.levels.items():
                if level.high * squeeze < level.low:
                    raise ValueError(f"{key_path(('levels', key))}: the band {level.low}..{level.high} is too "
                                     f"narrow for the premiums that narrow its {part.replace('_', ' ')} "
                                     f"({', '.join(where)}): some profile would get a low end above its "
                                     "high end; widen the band or those premiums' high ends")

    def capped_choices(self) -> Iterable[dict[str, tuple[str, Premium] | None]]:
        """Every combination of the capped rules' entries (None: the rule does not apply)."""
        groups: list[list[tuple[str, Premium] | None]] = [
            [None, *[(key_path(("tiers", k)), p) for k, p in self.tiers.items()]],
            [(key_path(("industries", k)), p) for k, p in self.industries.items()],
            [(key_path(("specializations", k)), p) for k, p in self.specializations.items()],
            [None, ("lifecycle", self.lifecycle)],
            [None, *[(key_path(("ml_focus", k)), p) for k, p in self.ml_focus.items()]]]
        for combo in itertools.product(*groups):
            yield dict(zip(("tier", "industry", "specialization", "lifecycle", "ml_focus"), combo, strict=True))

    def capped_product(self, combo: dict[str, tuple[str, Premium] | None], part: str) -> tuple[float, float]:
        """The capped rules' product on `part` at the low and the high end, after the cap."""
        low = high = 1.0
        for picked in combo.values():
            if picked is not None:
                rate_low, rate_high = picked[1].part(part)
                low, high = low * (1 + rate_low), high * (1 + rate_high)
        cap = getattr(self.cap, part)
        return min(low, 1 + cap.low), min(high, 1 + cap.high)

    def narrowest(self, part: str) -> tuple[float, list[str]]:
        """The smallest factor any profile applies to `part`'s high end over its low end, and the rules
        whose entries make it."""

        def ratio(p: Premium) -> float:
            low, high = p.part(part)
            return (1 + high) / (1 + low)

        location = min([(ratio(p), key_path(("cities", k))) for k, p in self.cities.items()]
                       + [(ratio(self.remote_first), "remote_first")])
        role = min(((1 + r.ml_premium_low) / (1 + r.ml_premium_high), key_path(("roles", k)))
                   for k, r in self.roles.items())
        tc = self.total_comp
        uplift = (tc.high / tc.low if tc.low else math.inf) if part == "equity_and_bonus" else 1.0
        best: tuple[float, list[str]] = (math.inf, [])
        for combo in self.capped_choices():
            low, high = self.capped_product(combo, part)
            # The ML focus applies to the ML engineer role only: with it, no role divides the band.
            outside = [location] if combo["ml_focus"] else [location, role]
            factor = high / low * uplift * math.prod(f for f, _ in outside)
            if factor < best[0]:
                best = (factor, [c[0] for c in combo.values() if c and ratio(c[1]) < 1]
                        + [w for f, w in outside if f < 1] + (["total_comp"] if uplift < 1 else []))
        return best

    @cached_property
    def lookup(self) -> dict[str, dict[str, str]]:
        """group -> every name a user may type (key or alias) -> key."""
        return {group: {name: key for key, entry in getattr(self, group).items()
                        for name in (key, *entry.aliases)} for group in GROUPS}

    def resolve(self, group: str, text: str) -> str:
        """The key for what a user typed (case-insensitive, alias-aware), or a usage error."""
        names = self.lookup[group]
        name = text.strip().lower().replace("_", "-").replace(" ", "-")
        if name in names:
            return names[name]
        known, what = ", ".join(getattr(self, group)), GROUPS[group].replace("_", " ")
        raise MlcompError(f"unknown {what} {shown(text)}.{did_you_mean(name, names)} Known: {known}.",
                          usage=True, field=GROUPS[group])

    def level_for(self, years: float) -> str:
        for key, level in self.levels.items():
            if level.years_from <= years and (level.years_to is None or years < level.years_to):
                return key
        raise MlcompError(f"no level covers {years:g} years")


def shipped_path() -> Path:
    """data/bands.toml inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).with_name("data") / "bands.toml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "bands.toml"


def read_toml(path: Path | str) -> dict[str, Any]:
    """A TOML file (or '-' for stdin) read by the one reader every input goes through."""
    data: dict[str, Any] = read_document(path).data
    return data


def read_document(path: Path | str) -> inputs.Document:
    document = inputs.load(str(path), "toml")
    if not isinstance(document.data, dict):  # pragma: no cover - tomllib always gives a table
        raise MlcompError(f"{document.origin}: expected a TOML table")
    return document


def known_keys(path: tuple[str | int, ...]) -> list[str]:
    """The keys the schema allows in the table at `path` (for 'did you mean')."""
    model: Any = Bands
    for part in path:
        if get_origin(model) is dict:  # a table of entries (cities, levels): any key, each of one model
            model = get_args(model)[1]
            continue
        field = (getattr(model, "model_fields", None) or {}).get(str(part))
        if field is None:
            return []
        model = _entry(field.annotation)
    fields = getattr(model, "model_fields", None)
    return list(fields) if fields else []


def _entry(annotation: Any) -> Any:
    """The model of `Model | None`; a table of entries or a model as it is."""
    for arg in () if get_origin(annotation) is dict else get_args(annotation):
        if hasattr(arg, "model_fields"):
            return arg
    return annotation


def validation_error(path: Path | str, error: ValidationError, source: str | None = None) -> MlcompError:
    """Every problem, each with its key path, its line when the key is set in that file (`source`: its
    text, when already read) and, for an unknown key, the closest known one."""
    if source is None:
        try:
            source = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            source = ""
    return from_pydantic(error.errors(), file=str(path), locate=inputs.locator(source, "toml"), known=known_keys)


def overlay(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Entries of the user's file replace (or add to) the shipped ones, one entry at a time;
    an entry is replaced whole, so its numbers and their source stay together. [defaults] and
    [constraints] are merged key by key (a file may change the default city alone, or set
    `constraints.check = false`)."""
    merged = dict(base)
    for key, value in extra.items():
        merged_by_key = key in GROUPS or key in ("defaults", "constraints")
        if merged_by_key and isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def load_bands(user_file: Path | str | None = None) -> Bands:
    """The shipped bands, with `user_file` (if given) laid over them. Reads no environment variable:
    MLCOMP_BANDS is the command line's (it becomes --bands)."""
    path: Path | str = shipped_path()
    data = read_toml(path)
    source = None
    user = user_file or None
    if user:
        document = read_document(user)
        data = overlay(data, document.data)
        path, source = document.origin, document.text
    try:
        bands = Bands.model_validate(data)
    except ValidationError as e:
        raise validation_error(path, e, source) from None
    if user and bands.constraints.check:
        problems = broken_constraints(bands)
        if problems:
            fix = ". Mend the data, or set `check = false` under [constraints] in the file to turn the constraints off"
            raise MlcompError(problems=[Problem(problem.removeprefix("constraints: "), str(path), None,
                                                ("constraints",), fix) for problem in problems])
    return bands


OPTIONS = {"tiers": "--tier", "industries": "--industry", "specializations": "--specialization",
           "ml_focus": "--ml-focus", "cities": "--city"}


def profile_text(level: str, combo: dict[str, tuple[str, Premium] | None], where: str = "") -> str:
    """The command that shows a profile: `mlcomp estimate -l mid -c sf -t faang ...`."""
    words = ["mlcomp estimate -l", level]
    given = [c for c in combo.values() if c and any(c[1].part("base") + c[1].part("equity_and_bonus"))]
    for picked in ([("cities." + where, None)] if where else []) + given:
        group, _, key = picked[0].partition(".")
        words += ["--full-lifecycle"] if group == "lifecycle" else [OPTIONS[group], key.strip('"')]
    return " ".join(words)


def broken_constraints(bands: Bands) -> list[str]:
    """Each constraint of [constraints] that some profile breaks, named, with that profile."""
    rules = bands.constraints
    combos = list(bands.capped_choices())
    top = [max(combos, key=lambda c: bands.capped_product(c, "base")[end]) for end in (0, 1)]
    levels = sorted(bands.levels.items(), key=lambda kv: kv[1].years_from)
    problems = []
    for i, (key, level) in enumerate(levels):
        last = i == len(levels) - 1
        ceiling = level.high * (1 + rules.top_level_headroom) if last else levels[i + 1][1].high
        name = "the top level's base within its band's top plus the headroom" if last else \
            "base below the next level's top"
        problems += _ceiling_problems(bands, key, level, top, ceiling, name)[:1]
    problems += _share_problems(bands, combos)
    order = [c for c in rules.cities_order if c in bands.cities]
    highs = [bands.cities[c].part("base")[1] for c in order]
    if any(a <= b for a, b in itertools.pairwise(highs)):
        problems.append(f"constraints: 'cities stay apart' is broken: the high ends of {', '.join(order)} "
                        f"({', '.join(f'{h:+.0%}' for h in highs)}) must fall in that order")
    return problems


def _ceiling_problems(bands: Bands, key: str, level: Level, top: list[dict[str, tuple[str, Premium] | None]],
                      ceiling: float, name: str) -> list[str]:
    """The level's base ends, with the premiums that raise each most, against `ceiling` (times the city's
    premium at the high end), in every city."""
    problems = []
    for city, premium in bands.cities.items():
        low, high = premium.part("base")
        for end, (amount, rate) in enumerate(((level.low, low), (level.high, high))):
            base = amount * (1 + rate) * bands.capped_product(top[end], "base")[end]
            if base > ceiling * (1 + high) + 0.5:
                problems.append(f"constraints: '{name}' is broken by `{profile_text(key, top[end], city)}`: its "
                                f"base {'high' if end else 'low'} end is ${base:,.0f}, "
                                f"above ${ceiling * (1 + high):,.0f}")
    return problems


def _share_problems(bands: Bands, combos: list[dict[str, tuple[str, Premium] | None]]) -> list[str]:
    """Base as a share of total comp at the top tiers, at each end (the typical value lies between)."""
    rules, tc = bands.constraints, bands.total_comp
    level = next(k for k in ("senior", *bands.levels) if k in bands.levels)
    for combo in combos:
        picked = combo["tier"]
        if picked is None or picked[0].partition(".")[2] not in rules.top_tiers:
            continue
        base, eb = bands.capped_product(combo, "base"), bands.capped_product(combo, "equity_and_bonus")
        for end, uplift in enumerate((tc.low, tc.high)):
            share = base[end] / (base[end] + uplift * eb[end])
            if not rules.base_share_low <= share <= rules.base_share_high:
                return [f"constraints: 'base share at the top tiers' is broken by `{profile_text(level, combo)}`: "
                        f"base is {share:.1%} of total comp at the {'high' if end else 'low'} end, outside "
                        f"{rules.base_share_low:.0%} to {rules.base_share_high:.0%}"]
    return []


def check_file(path: Path | str) -> list[str]:
    """Every problem of a bands file (alone, or as an overlay on the shipped data); [] when valid."""
    try:
        load_bands(path)
    except MlcompError as e:
        return e.message.split("\n")
    return []


def level_rows(bands: Bands) -> list[dict[str, Any]]:
    """The level bands, one row each, for `mlcomp bands`."""
    return [{"key": key, "label": lv.label, "aliases": lv.aliases, "years_from": lv.years_from,
             "years_to": lv.years_to, "low": lv.low, "mid": dollars((lv.low + lv.high) / 2), "high": lv.high,
             "source": lv.source, "assumption": lv.assumption} for key, lv in bands.levels.items()]


def factor_rows(bands: Bands) -> list[dict[str, Any]]:
    """Every key a user can type and every rule's premium, for `mlcomp factors`. `low`/`high` are the
    change to the low and high end of the base (a role divides by the ML premium over it);
    `equity_and_bonus_low`/`_high` the change to the equity and bonus (the same where a rule moves
    the whole pay). Source and assumption are the base part's, then the equity-and-bonus part's."""
    rows = []

    def row(group: str, key: str, entry: Any, aliases: list[str], option: str,
            rates: tuple[float, float, float, float] | None = None) -> None:
        base, eb = (entry.provenance("base"), entry.provenance("equity_and_bonus")) if isinstance(
            entry, Premium) else (entry, entry)
        low, high, eb_low, eb_high = rates or (*entry.part("base"), *entry.part("equity_and_bonus"))
        rows.append({"group": group, "key": key, "option": option, "aliases": aliases,
                     "label": getattr(entry, "label", ""), "low": round(low, 4), "high": round(high, 4),
                     "equity_and_bonus_low": round(eb_low, 4), "equity_and_bonus_high": round(eb_high, 4),
                     "default": key == getattr(bands.defaults, group, None),
                     "source": base.source, "assumption": base.assumption,
                     "equity_and_bonus_source": eb.source, "equity_and_bonus_assumption": eb.assumption})

    for group in ("cities", "tiers", "industries", "specializations", "ml_focus"):
        option = GROUPS[group]
        for key, p in getattr(bands, group).items():
            row(option, key, p, p.aliases, f"--{option.replace('_', '-')} {key}")
    for key, r in bands.roles.items():
        low, high = 1 / (1 + r.ml_premium_low) - 1, 1 / (1 + r.ml_premium_high) - 1
        row("role", key, r, r.aliases, f"--role {key}", (low, high, low, high))
    row("lifecycle", "full-lifecycle", bands.lifecycle, [], "--full-lifecycle")
    row("location", "remote-first", bands.remote_first, [], "--remote-first")
    cap = bands.cap
    rows.append({**rows[-1], "group": "cap", "key": "combined", "option": "", "label": cap.label,
                 "low": cap.base.low, "high": cap.base.high, "equity_and_bonus_low": cap.equity_and_bonus.low,
                 "equity_and_bonus_high": cap.equity_and_bonus.high, "default": False,
                 "source": cap.base.source, "assumption": cap.base.assumption,
                 "equity_and_bonus_source": cap.equity_and_bonus.source,
                 "equity_and_bonus_assumption": cap.equity_and_bonus.assumption})
    tc = bands.total_comp
    row("total_comp", "equity-and-bonus", tc, [], "", (0.0, 0.0, tc.low, tc.high))
    return rows
