"""The saved profile: defaults for the profile's fields (mlcomp.fields), kept in config.toml.

`mlcomp config set years 4 city sf` writes it; a command reads it when an option is not given. The
file lives in the platform's config directory (XDG_CONFIG_HOME or ~/.config on Linux, Application
Support on macOS, APPDATA on Windows), or where MLCOMP_CONFIG points. Its keys are the fields' names;
its values are checked as the options are (engine.profile_values), and a bad one names the file and
the key. Pure apart from reading and writing that one file: no typer, no rich.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mlcomp import inputs
from mlcomp.bands import Bands
from mlcomp.engine import profile_values
from mlcomp.errors import MlcompError, unknown_key
from mlcomp.fields import BY_NAME, NAMES

ENV_VAR = "MLCOMP_CONFIG"
HEADER = "# mlcomp's saved profile: defaults for the options an mlcomp command is not given.\n" \
         "# Written by 'mlcomp config set'; see 'mlcomp config --help'.\n"


def path(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where the saved profile is: MLCOMP_CONFIG, else config.toml in the platform's config directory."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    home = Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    if platform == "win32":
        base = Path(environ["APPDATA"]) if environ.get("APPDATA") else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_CONFIG_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".config"  # a relative one is ignored (XDG)
    return base / "mlcomp" / "config.toml"


def shown_path(where: Path) -> str:
    return inputs.origin(str(where))


def read(where: Path, strict: bool = True) -> dict[str, Any]:
    """The saved values as written ({} when there is no file); MlcompError naming the file for a file
    that is not TOML or (`strict`) has a key that is not a profile field."""
    if not where.is_file():
        if where.exists():
            raise MlcompError(f"{shown_path(where)}: is not a file ({ENV_VAR} or the config directory)")
        return {}
    data = inputs.load(str(where), "toml").data
    for key in data if strict else ():
        if key not in BY_NAME:
            raise MlcompError(f"{shown_path(where)}: {key}: unknown key{unknown_key(key, NAMES, listed=True)}")
    return dict(data)


def checked(values: Mapping[str, Any], bands: Bands, where: str | None = None) -> dict[str, Any]:
    """The values as the options take them, each checked against the data (canonical keys, years as
    a number, flags as booleans). A bad one: MlcompError naming `where` (the file) and its key, or,
    without `where`, a usage error naming the key (`config set`)."""
    found: dict[str, Any] = {}
    for key, value in values.items():
        try:
            found.update(profile_values(bands, {key: value}))
        except MlcompError as e:
            if where is None:
                raise MlcompError(f"{key}: {e.what}", usage=True) from None
            raise MlcompError(f"{where}: {key}: {e.what} (fix it with 'mlcomp config set {key} VALUE' or "
                              f"'mlcomp config unset {key}')") from None
    return found


def saved(where: Path, bands: Bands) -> dict[str, Any]:
    """The saved profile, checked: {field: value} in the fields' order."""
    values = checked(read(where), bands, shown_path(where))
    return {name: values[name] for name in NAMES if name in values}


def pairs(words: Iterable[str]) -> dict[str, str]:
    """`years 4 city sf` (or `years=4 city=sf`) as {field: text}; MlcompError(usage) for a key that is
    not a field or a key without its value."""
    found: dict[str, str] = {}
    rest = list(words)
    while rest:
        word = rest.pop(0)
        key, sep, value = word.partition("=")
        key = key.strip().lower().replace("-", "_")
        if key not in BY_NAME:
            raise MlcompError(f"unknown key '{word if not sep else key}'{unknown_key(key, NAMES, listed=True)}",
                              usage=True)
        if not sep:
            if not rest:
                raise MlcompError(f"{key}: no value given; give KEY VALUE pairs, such as: years 4 city sf",
                                  usage=True)
            value = rest.pop(0)
        found[key] = value
    return found


def keys(words: Iterable[str], present: Iterable[str] = ()) -> list[str]:
    """Field names for `config unset`, each checked (a key `present` in the file goes too, field or not)."""
    found, present = [], set(present)
    for word in words:
        key = word if word in present else word.strip().lower().replace("-", "_")
        if key not in BY_NAME and key not in present:
            raise MlcompError(f"unknown key '{word}'{unknown_key(key, NAMES, listed=True)}", usage=True)
        found.append(key)
    return found


def toml_value(value: Any) -> str:
    """A value as TOML writes it: true/false, a number, or a string (JSON's escapes are TOML's too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def write(where: Path, values: Mapping[str, Any]) -> None:
    """The saved profile written in full (fields in their order), through a temporary file beside it,
    so that an interrupted write never leaves half a file."""
    where.parent.mkdir(parents=True, exist_ok=True)
    others = [key for key in values if key not in BY_NAME]  # kept as they were, for the user to unset
    for key in others:
        if not isinstance(values[key], str | int | float | bool):
            raise MlcompError(f"{shown_path(where)}: {key}: not a profile field; remove it from the file")
    text = HEADER + "".join(f"{name} = {toml_value(values[name])}\n" for name in [*NAMES, *others]
                            if name in values)
    temporary = where.with_name(where.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, where)


def option_text(value: Any) -> Any:
    """A checked value as the command line gives it: text for a number or key, a flag as itself."""
    return value if isinstance(value, bool) else toml_value(value).strip('"') if isinstance(value, float) else value


def described(name: str, value: Any) -> str:
    """'years 4', 'city sf', 'remote_first true': a value as a note names it."""
    return f"{name} {toml_value(value) if not isinstance(value, str) else value}"


def show(where: Path, bands: Bands, width: int = 80) -> str:
    """Each profile field, its value and where it comes from: the saved profile, the data's default, or
    nowhere (not set); in a terminal narrower than a row, where it comes from goes under it."""
    values = saved(where, bands)
    defaults = {name: getattr(bands.defaults, name, None) for name in NAMES}
    rows = [("key", "value", "from")]
    for name in NAMES:
        if name in values:
            rows.append((name, described(name, values[name]).partition(" ")[2], shown_path(where)))
        elif defaults.get(name) not in (None, False, ""):
            rows.append((name, str(defaults[name]), "data default"))
        else:
            rows.append((name, "-", "not set"))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    written = "" if where.is_file() else "(not written yet)"
    head = f"saved profile: {shown_path(where)} {written}".rstrip()
    lines = [head] if len(head) <= width else ["saved profile:", f"  {shown_path(where)}", written]
    for k, v, f in rows:
        line = f"{k:<{widths[0]}}  {v:<{widths[1]}}  {f}"
        lines += [line] if len(line) <= width else [f"{k:<{widths[0]}}  {v}", f"  from {f}" if k != "key" else ""]
    return "\n".join(line for line in lines if line)
