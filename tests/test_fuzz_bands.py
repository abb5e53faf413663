"""Fuzz the bands loader with generated TOML files.

Documents start from the shipped data (as a whole file, or as a partial overlay) and get a few
mutations: mistyped values, missing or unknown keys, NaN/inf, negatives, low > high, shifted year
ranges, missing provenance, new entries, broken bytes. Each file must either load, and then give
sane estimates, or fail with MlcompError whose every line names the file and a key path or line.
Never another exception.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp.bands import GROUPS, Bands, check_file, load_bands, shipped_path
from mlcomp.cli import app
from mlcomp.engine import estimate, make_profile
from mlcomp.errors import MlcompError

SHIPPED: dict[str, Any] = tomllib.loads(shipped_path().read_text(encoding="utf-8"))


def fewer(divisor: int = 4) -> settings:
    return settings(max_examples=max(5, settings().max_examples // divisor))


# A tiny TOML writer: enough for the shapes of the bands file and the values the fuzzer makes.

BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    return key if BARE.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def dumps(doc: dict[str, Any], prefix: tuple[str, ...] = ()) -> str:
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    out = "\n".join(lines) + ("\n" if lines else "")
    for key, value in doc.items():
        if isinstance(value, dict):
            path = (*prefix, key)
            out += f"\n[{'.'.join(toml_key(p) for p in path)}]\n" + dumps(value, path)
    return out


def test_the_writer_round_trips_the_shipped_data():
    assert tomllib.loads(dumps(SHIPPED)) == SHIPPED


# Values and mutations.

NAMES = st.one_of(st.sampled_from(["low", "high", "source", "assumption", "label", "aliases", "years_from",
                                   "years_to", "sorce", "referense", "Low", "ml_premium", "min_years"]),
                  st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8))
VALUES = st.one_of(
    st.integers(-10, 10), st.integers(-(2**63), 2**63 - 1), st.integers(2**63, 10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308]),
    st.booleans(), st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(["", " ", "0.15", "130000", "sf", "SF", "nyc", "faang", "1e400"]),
    st.dates(), st.lists(st.integers(-3, 3), max_size=3), st.lists(st.text(max_size=5), max_size=3),
    st.just({}), st.dictionaries(st.sampled_from(["low", "high", "x"]), st.integers(-5, 5), max_size=2),
)


def paths(doc: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key path in the document, tables and leaves."""
    found = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.append((*prefix, key))
            found += paths(value, (*prefix, key))
    return found


def parent(doc: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def tables(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    return [()] + [p for p in paths(doc) if isinstance(parent(doc, p)[p[-1]], dict)]


def _swap(draw: st.DrawFn, entry: dict[str, Any]) -> None:
    if "low" in entry and "high" in entry:
        entry["low"], entry["high"] = entry["high"], entry["low"]


def _shift(draw: st.DrawFn, entry: dict[str, Any]) -> None:
    name = draw(st.sampled_from(["years_from", "years_to", "min_years", "max_years"]))
    if isinstance(entry.get(name), (int, float)):
        entry[name] = entry[name] + draw(st.sampled_from([-2, -1, -0.5, 0.5, 1, 3, 100]))


def _unsourced(draw: st.DrawFn, entry: dict[str, Any]) -> None:
    entry.pop("source", None)
    if draw(st.booleans()):
        entry.pop("assumption", None)
    else:
        entry["assumption"] = draw(st.sampled_from(["", "  "]))


def _alias(draw: st.DrawFn, entry: dict[str, Any]) -> None:
    entry["aliases"] = [*entry.get("aliases", []), draw(st.sampled_from(
        ["sf", "mid", "faang", "NYC", "big tech", "", "x", "rl"]))]


def _scale(draw: st.DrawFn, entry: dict[str, Any]) -> None:
    for name in ("low", "high", "ml_premium_low", "ml_premium_high"):
        if isinstance(entry.get(name), (int, float)) and not isinstance(entry.get(name), bool):
            value = entry[name] * draw(st.sampled_from([-1, 0, 0.5, 2, 10, 1e6]))
            entry[name] = round(value) if isinstance(entry[name], int) else value


ENTRY_MUTATIONS = {"swap": _swap, "shift": _shift, "unsourced": _unsourced, "alias": _alias, "scale": _scale}


@st.composite
def mutate(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    kind = draw(st.sampled_from(["set", "delete", "unknown", "swap", "shift", "unsourced", "new-entry",
                                 "alias", "scale"]))
    if kind == "set":
        path = draw(st.sampled_from(paths(doc)))
        parent(doc, path)[path[-1]] = draw(VALUES)
    elif kind == "delete":
        path = draw(st.sampled_from(paths(doc)))
        del parent(doc, path)[path[-1]]
    elif kind == "unknown":
        path = draw(st.sampled_from(tables(doc)))
        table = parent(doc, (*path, "")) if path else doc
        table[draw(NAMES)] = draw(VALUES)
    else:
        entries = [p for p in tables(doc) if p and any(
            k in parent(doc, p)[p[-1]] for k in ("low", "years_from", "source", "assumption"))]
        if not entries:
            return
        path = draw(st.sampled_from(entries))
        entry = parent(doc, path)[path[-1]]
        if kind != "new-entry":
            ENTRY_MUTATIONS[kind](draw, entry)
        elif len(path) == 2:
            parent(doc, path)[draw(st.sampled_from(["boston", "Boston", "new york", "x", "a.b"]))] = dict(entry)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """The shipped data whole, or a partial overlay of it, with a few mutations."""
    doc = copy.deepcopy(SHIPPED)
    if draw(st.booleans()):
        keep = draw(st.sets(st.sampled_from(sorted(doc)), min_size=1))
        doc = {key: value for key, value in doc.items() if key in keep}
        for group in set(GROUPS) & keep:
            entries = draw(st.sets(st.sampled_from(sorted(doc[group])), min_size=1))
            doc[group] = {key: doc[group][key] for key in entries}
    for _ in range(draw(st.integers(0, 3))):
        if paths(doc):
            draw(mutate(doc))
    return doc


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """A generated document as bytes; now and then with broken bytes or cut short."""
    data = dumps(draw(documents())).encode("utf-8")
    damage = draw(st.sampled_from(["none"] * 6 + ["cut", "bytes", "bom", "latin1"]))
    if damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    elif damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "latin1":
        data = data.replace(b'"', b'"\xe9', 1)
    return data


KEY_PART = r'([A-Za-z0-9_-]+|"([^"\\]|\\.)*")'
LOCUS = re.compile(rf"^(TOML syntax error: .*(line \d+|at end of document)|not UTF-8 text|"
                   rf"{KEY_PART}(\.{KEY_PART})*: .+)")


def assert_names_file_and_key(message: str, path: Path) -> None:
    assert message, "empty error message"
    for line in message.splitlines():
        assert line.startswith(f"{path}: "), line
        assert LOCUS.match(line.removeprefix(f"{path}: ")), line


def narrowest(bands: Bands) -> list[dict[str, Any]]:
    """Profiles that pull the ends of a band closest together, and the widest one."""

    def ratio(p: Any) -> float:
        low, high = p.part("base")
        return (1 + high) / (1 + low)

    def pick(group: str, measure=ratio, best=min) -> str:
        return best(getattr(bands, group), key=lambda k: measure(getattr(bands, group)[k]))

    def role_ratio(r: Any) -> float:
        return (1 + r.ml_premium_low) / (1 + r.ml_premium_high)

    narrow = {"tier": pick("tiers"), "industry": pick("industries"), "specialization": pick("specializations"),
              "role": pick("roles", role_ratio), "full_lifecycle": ratio(bands.lifecycle) < 1}
    wide = {"tier": pick("tiers", best=max), "industry": pick("industries", best=max),
            "specialization": pick("specializations", best=max), "role": pick("roles", role_ratio, max),
            "full_lifecycle": True}
    return [{}, {**narrow, "city": pick("cities")}, {**narrow, "remote_first": True},
            {**wide, "city": pick("cities", best=max)}]


def assert_sane(bands: Bands) -> None:
    """Loaded bands give ordered, whole-dollar estimates for every level, with and without premiums."""
    for level in bands.levels:
        for premiums in narrowest(bands):
            est = estimate(make_profile(bands, level=level, **premiums), bands).as_dict()
            for part in ("band", "base", "total_comp"):
                low, mid, high = (est[part][end] for end in ("low", "mid", "high"))
                assert all(type(v) is int for v in (low, mid, high)), est[part]
                assert low <= mid <= high, (level, premiums, part, est[part])


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    return path


@given(files())
def test_a_generated_bands_file_loads_or_fails_naming_file_and_key(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("bands"), data)
    try:
        bands = load_bands(path)
    except MlcompError as e:
        assert not e.usage
        assert_names_file_and_key(e.message, path)
        assert check_file(path) == e.message.splitlines()
    else:
        assert check_file(path) == []
        assert_sane(bands)


@fewer()
@given(files())
def test_cli_with_a_generated_bands_file_exits_0_or_1_with_one_error(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("bands"), data)
    result = CliRunner().invoke(app, ["--bands", str(path), "estimate", "--level", "mid", "-f", "json"])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["base"]["low"] >= 0
    else:
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: {path}: "), result.stderr


@pytest.mark.parametrize("data", [
    dumps({**SHIPPED, "cap": {**SHIPPED["cap"], "low": math.nan}}).encode(),
    b"[levels.mid]\nlow = 1\n\xff\xfe\n",
], ids=["nan", "not-utf8"])
def test_real_process_with_a_broken_bands_file_prints_one_error_and_exits_1(tmp_path, data):
    path = write(tmp_path, data)
    proc = subprocess.run([sys.executable, "-m", "mlcomp", "--bands", str(path), "estimate", "-y", "4"],
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith(f"Error: {path}: ") and "Traceback" not in proc.stderr


def test_experience_min_above_max_names_the_key(tmp_path):
    path = write(tmp_path, b'[experience]\nmin_years = 10\nmax_years = 5\nassumption = "x"\n')
    with pytest.raises(MlcompError) as info:
        load_bands(path)
    assert info.value.message == f"{path}: experience: min_years (10) is above max_years (5) (line 1)"


def test_an_odd_key_is_quoted_in_the_key_path(tmp_path):
    path = write(tmp_path, dumps({"cities": {"new york": {**SHIPPED["cities"]["nyc"], "aliases": []}}}).encode())
    with pytest.raises(MlcompError) as info:
        load_bands(path)
    assert info.value.message.startswith(f'{path}: cities."new york": ')
