"""The schema of data/bands.toml: load, overlay a user's file, validate, resolve typed keys.

Every number in the file carries a `source` (a quote of the guide) or an `assumption` (why), and
the loader rejects a number with neither, unknown keys, NaN/inf, negative amounts, low > high and
gaps or overlaps in the experience ranges.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from mlcomp import inputs
from mlcomp.errors import MlcompError, did_you_mean, from_pydantic, key_path, shown
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
        if not (self.source or "").strip() and not (self.assumption or "").strip():
            raise ValueError("needs a `source` (a quote of the guide) or an `assumption` (why)")
        return self


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
        if self.years_to is not None and self.years_to <= self.years_from:
            raise ValueError(f"years_to ({self.years_to:g}) must be above years_from ({self.years_from:g})")
        return self


class Premium(Keyed):
    """A premium over the band: `low` applies to its low end, `high` to its high end."""

    low: Rate
    high: Rate


class Role(Keyed):
    """A role other than ML engineer: the ML premium over it divides the band."""

    ml_premium_low: Share
    ml_premium_high: Share


class Cap(Sourced):
    label: str
    low: Share
    high: Share

    @model_validator(mode="after")
    def _ordered(self) -> Cap:
        if self.low > self.high:
            raise ValueError("low must not be above high")
        return self


class Experience(Sourced):
    min_years: Years = 0
    max_years: Years

    @model_validator(mode="after")
    def _ordered(self) -> Experience:
        if self.min_years > self.max_years:
            raise ValueError(f"min_years ({self.min_years:g}) is above max_years ({self.max_years:g})")
        return self


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
    total_comp: Premium

    @model_validator(mode="after")
    def _consistent(self) -> Bands:
        problems: list[str] = []  # every problem, one per line, each starting with its key path
        for group in GROUPS:
            entries: dict[str, Keyed] = getattr(self, group)
            if not entries:
                problems.append(f"{group}: needs at least one entry")
            seen: dict[str, str] = {}
            for key, entry in entries.items():
                for name in (key, *entry.aliases):
                    if not KEY.match(name):
                        problems.append(f"{key_path((group, key))}: '{name}' must be lowercase letters, "
                                        "digits and dashes")
                    elif name in seen and seen[name] != key:
                        problems.append(f"{key_path((group, key))}: '{name}' is already used by "
                                        f"{key_path((group, seen[name]))}")
                    seen[name] = key
        for field, group in (("city", "cities"), ("industry", "industries"),
                             ("specialization", "specializations"), ("role", "roles")):
            value = getattr(self.defaults, field)
            if value not in getattr(self, group):
                problems.append(f"defaults.{field}: '{value}' is not a key of [{group}]")
        for check in (self._check_levels, self._check_typical, self._check_order_kept):
            try:
                check()
            except ValueError as e:
                problems.append(str(e))
        if problems:
            raise ValueError("\n".join(problems))
        return self

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
        """No combination of premiums may turn a band upside down (low above high)."""

        def ratio(p: Premium) -> float:
            return (1 + p.high) / (1 + p.low)

        # For each rule, the entry that pulls the high end closest to the low end (one of them applies).
        choices = [[(ratio(p), key_path(("cities", k))) for k, p in self.cities.items()]
                   + [(ratio(self.remote_first), "remote_first")]]
        choices += [[(ratio(p), key_path((group, k))) for k, p in getattr(self, group).items()]
                    for group in ("tiers", "industries", "specializations")]
        choices += [[(ratio(self.lifecycle), "lifecycle")], [(ratio(self.total_comp), "total_comp")],
                    # The ML focus applies to the ML engineer role only: one of the two, never both.
                    [((1 + r.ml_premium_low) / (1 + r.ml_premium_high), key_path(("roles", k)))
                     for k, r in self.roles.items()]
                    + [(ratio(p), key_path(("ml_focus", k))) for k, p in self.ml_focus.items()]]
        squeeze, narrowing = 1.0, []
        for factor, where in (min(options) for options in choices):
            if factor < 1:
                squeeze *= factor
                narrowing.append(where)
        for key, level in self.levels.items():
            if level.high * squeeze < level.low:
                raise ValueError(f"{key_path(('levels', key))}: the band {level.low}..{level.high} is too narrow "
                                 f"for the premiums that narrow it ({', '.join(narrowing)}): some profile would "
                                 "get a low end above its high end; widen the band or those premiums' high ends")

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
    an entry is replaced whole, so its numbers and their source stay together. [defaults] is merged
    key by key (a file may change the default city alone)."""
    merged = dict(base)
    for key, value in extra.items():
        if (key in GROUPS or key == "defaults") and isinstance(value, dict) and isinstance(base.get(key), dict):
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
        return Bands.model_validate(data)
    except ValidationError as e:
        raise validation_error(path, e, source) from None


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
    change to the low and high end of the band (a role divides by the ML premium over it)."""
    rows = []

    def row(group: str, key: str, entry: Sourced, low: float, high: float, aliases: list[str],
            option: str) -> None:
        rows.append({"group": group, "key": key, "option": option, "aliases": aliases,
                     "label": getattr(entry, "label", ""), "low": round(low, 4), "high": round(high, 4),
                     "default": key == getattr(bands.defaults, group, None),
                     "source": entry.source, "assumption": entry.assumption})

    for group in ("cities", "tiers", "industries", "specializations", "ml_focus"):
        option = GROUPS[group]
        for key, p in getattr(bands, group).items():
            row(option, key, p, p.low, p.high, p.aliases, f"--{option.replace('_', '-')} {key}")
    for key, r in bands.roles.items():
        row("role", key, r, 1 / (1 + r.ml_premium_low) - 1, 1 / (1 + r.ml_premium_high) - 1, r.aliases,
            f"--role {key}")
    row("lifecycle", "full-lifecycle", bands.lifecycle, bands.lifecycle.low, bands.lifecycle.high, [],
        "--full-lifecycle")
    row("location", "remote-first", bands.remote_first, bands.remote_first.low, bands.remote_first.high, [],
        "--remote-first")
    row("cap", "combined", bands.cap, bands.cap.low, bands.cap.high, [], "")
    row("total_comp", "equity-and-bonus", bands.total_comp, bands.total_comp.low, bands.total_comp.high, [], "")
    return rows
