"""The profile's fields, declared once.

Each field is a keyword of `mlcomp.estimate` and `mlcomp.compare`, an attribute of `engine.Profile`,
a batch column, an offer key and a command-line option of estimate, curve and compare. The command
line builds its options from FIELDS; the tests check the library's signatures, the Profile and the
docs against it. Help texts list the keys and bounds of the shipped data (`choices`), so a city
added to data/bands.toml shows up in `--city`'s help.

Pure: no typer, no pydantic. `parse_flag` is the one reading of a yes/no value.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from mlcomp.errors import MlcompError, shown

Kind = Literal["number", "key", "flag"]
# The panels --help groups options in, in this order: each option names its own (a profile field
# here, the others where they are declared, typer.Option(rich_help_panel=...)); OPTIONS: the rest.
OPTIONS, PROFILE, TAX, OUTPUT, DATA = "Options", "Profile", "After tax", "Output", "Data"
PANELS = (OPTIONS, PROFILE, TAX, OUTPUT, DATA)


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # keyword, Profile attribute, batch column and offer key
    kind: Kind  # a number (bounded by the data), a key of one group of the bands, or a yes/no flag
    help: str  # the option's help; {keys} and {min}/{max} are filled in from the shipped data
    short: str | None = None  # the option's one-letter form
    group: str | None = None  # the bands group whose keys (and aliases) a key field takes
    metavar: str | None = None
    panel: str = PROFILE  # the --help panel it is listed in

    @property
    def option(self) -> str:
        return f"--{self.name.replace('_', '-')}"


FIELDS: tuple[Field, ...] = (
    Field("years", "number", "Years of experience, {min} to {max} (fractions allowed).", "-y", metavar="N"),
    Field("level", "key", "Level: {keys}; overrides the level --years gives.", "-l", "levels"),
    Field("city", "key", "City: {keys}.", "-c", "cities"),
    Field("tier", "key", "Company tier: {keys}. Default: the market as a whole.", "-t", "tiers"),
    Field("industry", "key", "Industry: {keys}.", "-i", "industries"),
    Field("specialization", "key", "Specialization: {keys}.", "-s", "specializations"),
    Field("full_lifecycle", "flag", "Covers the whole ML lifecycle (MLOps plus modeling)."),
    Field("remote_first", "flag", "The employer pays one national band wherever you live."),
    Field("role", "key", "Role: {keys}; another role than the default gets that role's pay (no ML premium).",
          group="roles"),
    Field("ml_focus", "key", "How central ML is to the employer: {keys}, above the ML bands or toward "
          "software-engineer pay (see 'mlcomp factors'). Default: neither.", group="ml_focus", metavar="FOCUS"),
)
NAMES = tuple(field.name for field in FIELDS)
BY_NAME = {field.name: field for field in FIELDS}
FLAGS = tuple(field.name for field in FIELDS if field.kind == "flag")
# The words a flag takes, wherever it comes from (a batch cell, an offer, a library keyword).
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def canonical(name: str) -> str:
    """A column or key name as a field's name: any case, '-' or ' ' for '_' ('Full Lifecycle' ->
    'full_lifecycle'). The one folding of batch column names (profile and pay columns alike)."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def parse_flag(name: str, value: object, *, numbers: bool = False) -> bool:
    """A yes/no value: a bool, or true/false, yes/no, 1/0 in any case; with `numbers` (a batch's JSON
    cells) also the numbers 1 and 0 (1.0 is the number 1). Anything else is refused, naming the field
    (a string such as "false" is never read as true)."""
    if type(value) is bool:
        return value
    if numbers and type(value) in (int, float) and value in (0, 1):
        return bool(value)
    flag = BOOLEANS.get(str(value).strip().lower()) if isinstance(value, str | int) else None
    if flag is None:
        raise MlcompError(f"{name} must be true or false (or yes/no, 1/0), got {shown(value)}", usage=True,
                          field=name)
    return flag


def given(scope: Mapping[str, Any]) -> dict[str, Any]:
    """The profile keywords out of a function's locals(): {name: value} for every field."""
    return {name: scope[name] for name in NAMES}


@cache
def shipped() -> Mapping[str, Any]:
    """data/bands.toml as TOML, unvalidated: the keys and bounds help texts show (fast to read)."""
    from mlcomp.bands import shipped_path

    with open(shipped_path(), "rb") as file:
        return tomllib.load(file)


def choices(field: Field, data: Mapping[str, Any] | None = None) -> str:
    """The keys a key field takes, in the data's order, the default marked: 'sf, nyc, national (default)'."""
    data = shipped() if data is None else data
    default = data.get("defaults", {}).get(field.name)
    keys = [f"{key} (default)" if key == default else key for key in data.get(field.group or "", {})]
    return ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else "".join(keys)


def help_text(field: Field, data: Mapping[str, Any] | None = None) -> str:
    """The option's help, with the keys and bounds of `data` (default: the shipped data)."""
    data = shipped() if data is None else data
    experience = data.get("experience", {})
    text = field.help.format(keys=choices(field, data), min=f"{experience.get('min_years', 0):g}",
                             max=f"{experience.get('max_years', 0):g}")
    return text


def select(exclude: tuple[str, ...] = ()) -> tuple[Field, ...]:
    return tuple(field for field in FIELDS if field.name not in exclude)

