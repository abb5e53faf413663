"""Batch estimates: profiles streamed from CSV, TSV or JSON Lines, one estimate per row.

Rows are read, estimated and written one at a time, so memory stays flat and the first result is
out before the last row is read. Columns named like the options (years, level, city, ... ;
`full-lifecycle` and `Full Lifecycle` count too) make the profile. Every column comes out unchanged,
before the estimate, except level and years, which the estimate itself writes; no column may be
overwritten by the estimate, and a previous estimate's columns are replaced (with a note).

Pure: no rich, no typer. Problems are MlcompError with 'line N: what is wrong'.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import IO, Any

from mlcomp import engine, inputs
from mlcomp.bands import Bands
from mlcomp.engine import Profile, estimate, make_profile, parse_years, profile_values
from mlcomp.errors import MlcompError, did_you_mean, one_line
from mlcomp.render import flatten

# The profile's fields, from the engine's Profile: a column named like one (any case, '-' or ' ' for '_')
# feeds it; any other column is only carried through.
INPUTS = tuple(f.name for f in fields(Profile))
FLAGS = tuple(f.name for f in fields(Profile) if f.type in ("bool", bool))
TEXT = tuple(name for name in INPUTS if name != "years" and name not in FLAGS)
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".json": "jsonl"}
# Distinct estimates (and cell values) kept, and profiles mapped to them; beyond that a cache starts
# again, so memory stays flat however long the input.
CACHE_SIZE = 10_000
PROFILES = 50_000

Row = tuple[int, dict[str, Any] | None, str | None]  # line number, the row or None, what is wrong
MISSING = object()
SURROGATE = re.compile("[\udc80-\udcff]")  # an undecodable byte, kept by open_input
ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False), built once


@dataclass
class Stats:
    read: int = 0
    skipped: int = 0

    @property
    def written(self) -> int:
        return self.read - self.skipped

    def summary(self) -> str:
        return f"{self.read} row{'s' if self.read != 1 else ''} read, {self.written} written, {self.skipped} skipped"


def open_input(name: str) -> IO[str]:
    """The file, or stdin for '-', as UTF-8 text (a byte-order mark is dropped) whatever the locale.
    Bytes that are not UTF-8 are kept as surrogates, so read_rows can name the line they are on."""
    return inputs.open_text(name)


def read_rows(stream: Iterable[str], fmt: str | None = None, name: str = "-",
              header: Callable[[list[str]], Any] | None = None) -> Iterator[Row]:
    """(line, row, None) per record, or (line, None, problem) for a record that cannot be read.

    `fmt` is csv, tsv or jsonl; None means: from the file's extension, else from the first line
    ('{' starts JSON Lines, anything else is CSV). `header`, if given, is called with a CSV header's
    names; a MlcompError it raises stops the run at line 1."""
    lines = iter(stream)
    fmt = fmt or EXTENSIONS.get(Path(name).suffix.lower())
    try:
        if fmt is None:
            first = next(lines, "")
            fmt = "jsonl" if first.lstrip().startswith("{") else "csv"
            lines = itertools.chain([first], lines)
        if fmt == "jsonl":
            yield from _jsonl_rows(lines)
        else:
            yield from _delimited_rows(lines, "\t" if fmt == "tsv" else ",", header)
    except UnicodeDecodeError as e:  # a stream opened without surrogateescape
        raise MlcompError(f"{inputs.origin(name)}: not UTF-8 text ({e.reason})") from None
    except csv.Error as e:
        raise MlcompError(f"{inputs.origin(name)}: CSV error: {e}") from None


def not_utf8(text: str) -> str | None:
    """What is wrong with text whose undecodable bytes were kept as surrogates, or None if it is fine."""
    if text.isascii():
        return None
    found = SURROGATE.search(text)
    return None if found is None else f"not UTF-8 text (byte 0x{ord(found.group()) - 0xdc00:02x})"


def _jsonl_rows(lines: Iterable[str]) -> Iterator[Row]:
    loads = json.loads
    for number, text in enumerate(lines, 1):
        bad = not_utf8(text)
        if bad is not None:
            yield number, None, bad
            continue
        try:
            row = loads(text)
        except (ValueError, RecursionError) as e:  # RecursionError: nesting deeper than Python's stack
            if not text.strip():
                continue
            yield number, None, inputs.row_problem(text, e)
            continue
        if type(row) is not dict:
            yield number, None, f"expected a JSON object {{...}}, got {type(row).__name__}"
            continue
        yield number, row, None


def _delimited_rows(lines: Iterable[str], delimiter: str,
                    check: Callable[[list[str]], Any] | None = None) -> Iterator[Row]:
    # strict: a quote inside an unquoted cell, or one never closed, is an error, not a changed value
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header = next(reader, None)
    if header is None:
        return
    bad = not_utf8(delimiter.join(header))
    if bad is not None:
        raise MlcompError(f"line 1: {bad}")
    header = [name.strip() for name in header]
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise MlcompError(f"line 1: column {', '.join(map(repr, duplicates))} appears more than once")
    if check is not None:
        try:
            check(header)
        except MlcompError as e:
            raise MlcompError(f"line 1: {e.message}") from None
    width = len(header)
    start = reader.line_num + 1
    while True:
        line = start
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            start = reader.line_num + 1
            if str(e) == "unexpected end of data":  # the rest of the file went into one cell
                raise MlcompError(f"line {line}: a quote opened in this record is never closed (the rest of "
                                  f"the file, to line {reader.line_num}, would be one cell); close it, and "
                                  'write a quote inside a quoted cell as ""') from None
            yield line, None, (f"a quote in a cell that is not quoted as a whole ({e}); quote the whole cell and "
                               'double the quotes inside it, as in "a ""b"" c"')
            continue
        start = reader.line_num + 1
        bad = not_utf8(delimiter.join(record))
        if bad is not None:
            yield line, None, bad
        elif len(record) == width:
            yield line, dict(zip(header, record, strict=True)), None
        elif record:  # a blank line is no record
            yield line, None, f"{len(record)} values for {width} columns ({', '.join(header)})"


def _column(name: str) -> str | None:
    """The input a column feeds, or None if it is carried through."""
    canonical = name.strip().lower().replace("-", "_").replace(" ", "_")
    return canonical if canonical in INPUTS else None


def _flag(name: str, value: Any) -> bool:
    if type(value) is bool:
        return value
    flag = BOOLEANS.get(str(value).strip().lower())
    if flag is None:
        raise MlcompError(f"{name} must be true/false, yes/no, 1/0 or empty, got {value!r}")
    return flag


def _echo(years: float | None) -> float | None:
    """Years as the estimate contract writes them (Estimate.as_dict): 4, not 4.0."""
    return int(years) if years is not None and years.is_integer() else years


def _moving(sample: Any) -> tuple[tuple[str, str], ...]:
    """The leaves of the estimate contract that move with years inside a level (the typical values):
    those that differ between the two ends of a level. Each comes from the estimate's range of the
    same name, at the row's place p in its level (engine.position)."""
    if "position" not in {f.name for f in fields(sample)}:
        return ()
    start, end = replace(sample, position=0.0).as_dict(), replace(sample, position=1.0).as_dict()
    return tuple((key, leaf) for key, value in start.items() if isinstance(value, dict)
                 for leaf in value if value[leaf] != end[key][leaf])


def _scalar(value: Any) -> str:
    """A number or None as JSON writes it."""
    return "null" if value is None else repr(value)


HOLE = re.compile(r'"\\u0000(\d+)\\u0000"')  # a placeholder in the JSON text: "\u00000\u0000", ...


class Shared:
    """One estimate, shared by every row whose profile picks the same level; what depends on the
    row's own years (the years echoed, and the typical values, at the years' place in the level)
    is left open and filled in per row. Each form a writer needs is made once, when first needed:
    the contract (`data`), its JSON text in pieces around the open values (`text`), its flattened
    cells for CSV (`cells`)."""

    __slots__ = ("_cells", "_data", "_text", "estimate", "moving")

    def __init__(self, estimate: Any, moving: tuple[tuple[str, str], ...]) -> None:
        self.estimate = estimate
        self.moving = moving
        self._data: dict[str, Any] | None = None
        self._text: tuple[list[str], list[int]] | None = None
        self._cells: tuple[list[Any], list[tuple[int, int]]] | None = None

    def fill(self, years: float | None, p: float) -> tuple[Any, ...]:
        """The open values for a row: the years echoed, then each moving leaf at p."""
        estimate = self.estimate
        return (_echo(years), *(getattr(estimate, key).dollars(p)[leaf] for key, leaf in self.moving))

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self.estimate.as_dict()
        return self._data

    def _holes(self) -> dict[str, Any]:
        """The contract with a numbered placeholder for each open value."""
        data: dict[str, Any] = dict(self._data if self._data is not None else self.estimate.as_dict())
        data["years"] = "\x000\x00"
        for number, (key, leaf) in enumerate(self.moving, 1):
            data[key] = {**data[key], leaf: f"\x00{number}\x00"}
        return data

    @property
    def text(self) -> tuple[list[str], list[int]]:
        """The JSON text (from after '{', with the newline) cut at the open values, and their order."""
        if self._text is None:
            pieces = HOLE.split(ENCODE(self._holes())[1:] + "\n")
            self._text = (pieces[::2], [int(n) for n in pieces[1::2]])
        return self._text

    @property
    def cells(self) -> tuple[list[Any], list[tuple[int, int]]]:
        """The flattened cells, and (cell, open value) for each open one."""
        if self._cells is None:
            cells = list(flatten(self._holes()).values())
            holes = [(i, int(cell.strip("\x00"))) for i, cell in enumerate(cells)
                     if isinstance(cell, str) and cell.startswith("\x00") and cell.endswith("\x00")]
            self._cells = (cells, holes)
        return self._cells

    def record(self, carried: Mapping[str, Any], fill: tuple[Any, ...]) -> dict[str, Any]:
        """The output record: the carried columns followed by the estimate contract."""
        record = {**carried, **self.data}
        record["years"] = fill[0]
        for value, (key, leaf) in zip(fill[1:], self.moving, strict=True):
            record[key] = {**record[key], leaf: value}
        return record


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with each column of rows that have these column names."""

    carried: tuple[str, ...]  # written before the estimate, unchanged
    inputs: tuple[tuple[str, str], ...]  # (column, profile field)


class Estimator:
    """Estimates rows against one set of bands.

    Years only choose a level and are echoed, so an estimate is made once per level-profile (the
    profile with its years replaced by their level) and the row's years are put back in. Each cell
    is validated once per distinct value (keyed by type as well as value: JSON true is not 1), and
    each distinct estimate is serialized once. `output` is the format written (jsonl, csv, tsv,
    table): a carried column must not share a name with one of its columns."""

    def __init__(self, bands: Bands, defaults: Mapping[str, Any] | None = None, *, output: str = "jsonl",
                 report: Callable[[str], None] | None = None) -> None:
        self.bands = bands
        self.defaults = {k: v for k, v in (defaults or {}).items() if v is not None and v != ""}
        self.report = report
        self.default_keys: dict[str, Any] = bands.defaults.model_dump()
        # The output columns come from the estimate contract itself: a sample estimate, flattened for CSV.
        sample = engine.estimate(make_profile(bands, level=next(iter(bands.levels))), bands)
        contract = sample.as_dict()
        self.moving = _moving(sample)
        nested, flat = list(contract), list(flatten(contract))
        self.columns = flat if output in ("csv", "tsv") else nested  # of the estimate, in order
        self.written = set(nested).intersection(INPUTS)  # inputs the contract echoes: level, years
        self.outputs = {name.casefold() for name in self.columns if name not in INPUTS}
        self.previous = [{name.casefold() for name in form if name not in INPUTS} for form in (flat, nested)]
        self.replaced = False
        self.header: set[str] | None = set() if output in ("csv", "tsv") else None
        self.plans: dict[tuple[str, ...], Plan] = {}
        self.canonical: dict[str, dict[Any, Any]] = {name: {} for name in INPUTS}
        self.by_profile: dict[Any, Shared] = {}
        self.by_estimate: dict[Any, Shared] = {}
        self.places: dict[tuple[str, float | None], float] = {}  # (level, years) -> p, the place in the level
        self.years_matter: bool | None = None  # None until checked on the first row with years

    def plan(self, names: Iterable[str]) -> Plan:
        """The plan for rows with these columns; MlcompError for columns that cannot be told apart
        or that the estimate would overwrite."""
        names = tuple(names)
        plan = self.plans.get(names)
        if plan is None:
            if len(self.plans) >= CACHE_SIZE:
                self.plans.clear()
            plan = self.plans[names] = self._plan(names)
        return plan

    def _plan(self, names: tuple[str, ...]) -> Plan:
        seen: dict[str, str] = {}
        for name in names:
            same = _column(name) or name.strip().casefold()
            if same in seen:
                raise MlcompError(f"columns '{seen[same]}' and '{name}' name the same column ('{same}'; case and "
                                  "'-', ' ', '_' do not count); keep one of them")
            seen[same] = name
        # every column comes out as it went in, but for those the estimate itself writes (level, years)
        carried = [name for name in names if _column(name) not in self.written]
        folded = {name.strip().casefold(): name for name in carried}
        for previous in self.previous:
            if previous <= folded.keys():  # every output column is there: a previous estimate, replaced
                carried = [name for name in carried if name.strip().casefold() not in previous]
                if not self.replaced and self.report is not None:
                    old = [name for name in names if name.strip().casefold() in previous]
                    self.report(one_line(f"note: columns {', '.join(old)} hold a previous estimate; they are "
                                         "replaced by this one."))
                self.replaced = True
                break
        for name in carried:
            if name.strip().casefold() in self.outputs:
                raise MlcompError(f"column '{name}' has the name of an output column, which would overwrite it; "
                                  f"rename it (for example to 'input_{name.strip()}')")
        if self.header is not None:  # CSV and TSV have one header: the first row's columns
            if not self.header:
                self.header.update(carried)
            extra = [name for name in carried if name not in self.header]
            if extra:
                raise MlcompError(f"column '{extra[0]}' is not among the first row's columns, which make the one "
                                  "header of CSV or TSV output; give every row the same columns, or use "
                                  "--format jsonl")
        inputs = tuple((name, field) for name in names if (field := _column(name)) is not None)
        return Plan(tuple(carried), inputs)

    def split(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], Shared, tuple[Any, ...]]:
        """(carried columns, the shared estimate, its open values for this row) for one row."""
        plan = self.plans.get(tuple(row)) or self.plan(row)
        values = dict(self.defaults)
        for column, field in plan.inputs:
            value = row[column]
            if value is not None and value != "":
                values[field] = value
        shared, fill = self.estimate(values)
        return {name: row[name] for name in plan.carried}, shared, fill

    def record(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The carried columns followed by the estimate contract (Estimate.as_dict())."""
        carried, shared, fill = self.split(row)
        return shared.record(carried, fill)

    def value(self, field: str, value: Any) -> Any:
        """A cell's canonical profile value (a key, or a flag), validated once per distinct value
        (keyed by type as well: JSON true is not 1)."""
        known = self.canonical[field]
        try:
            key = value if type(value) is str else (type(value), value)
            return known[key]
        except KeyError:
            pass
        except TypeError:  # a list or object in a JSON cell: not hashable, validation says why
            key = None
        if field in TEXT and not isinstance(value, str):
            raise MlcompError(f"{field} must be text, got {value!r}")
        canonical = profile_values(self.bands, {field: _flag(field, value) if field in FLAGS else value})[field]
        if canonical == self.default_keys.get(field) or canonical is False:
            canonical = None  # the default, which a Profile writes as None: one estimate for both
        if key is not None:
            if len(known) >= CACHE_SIZE:
                known.clear()
            known[key] = canonical
        return canonical

    def estimate(self, values: dict[str, Any]) -> tuple[Shared, tuple[Any, ...]]:
        """The shared estimate for raw profile values, and its open values for them."""
        bands = self.bands
        raw_years = values.pop("years", None)
        if raw_years is None and "level" not in values:
            raise MlcompError(f"needs years or level ({', '.join(bands.levels)}); both are empty")
        years = None if raw_years is None else parse_years(raw_years, bands)
        canonical = self.canonical
        profile: list[Any] = []  # field, value, field, value, ...: the defaults left out
        append = profile.append
        for field, value in values.items():
            found = canonical[field].get(value, MISSING) if type(value) is str else MISSING
            if found is MISSING:
                found = self.value(field, value)
            if found is not None:
                append(field)
                append(found)
        if "level" not in values:
            append("level")
            append(bands.level_for(years))  # type: ignore[arg-type]
        key: Any = tuple(profile)
        if self.years_matter and years is not None:
            key = (key, years)
        shared = self.by_profile.get(key)
        if shared is None:
            level_profile = Profile(**dict(zip(profile[::2], profile[1::2], strict=True)))
            if self.years_matter is None and years is not None:
                self.years_matter = self._years_matter(level_profile, raw_years, values)
                if self.years_matter:
                    key = (key, years)
            shared = self._shared(replace(level_profile, years=years) if self.years_matter else level_profile)
            if len(self.by_profile) >= PROFILES:
                self.by_profile.clear()
            self.by_profile[key] = shared
        if not self.moving:
            return shared, (_echo(years),)
        level = shared.estimate.level
        place = self.places.get((level, years))
        if place is None:
            if len(self.places) >= CACHE_SIZE:
                self.places.clear()
            place = self.places[level, years] = engine.position(Profile(years=years), level, bands,
                                                                   explain=False)[0]
        return shared, shared.fill(years, place)

    def _shared(self, profile: Profile) -> Shared:
        result = estimate(profile, self.bands)
        try:
            shared = self.by_estimate.get(result)
        except TypeError:  # an estimate with unhashable parts: not shared across profiles
            return Shared(result, self.moving)
        if shared is None:
            if len(self.by_estimate) >= CACHE_SIZE:
                self.by_estimate.clear()
            shared = self.by_estimate[result] = Shared(result, self.moving)
        return shared

    def _years_matter(self, level_profile: Profile, raw_years: Any, values: Mapping[str, Any]) -> bool:
        """Whether the estimate depends on years beyond the level they pick: checked once, on the first
        row with years, against the engine's own estimate of the whole profile (at the row's years and
        at the start of the level). If it does, each row is estimated with its years."""
        level = self.bands.levels[level_profile.level or ""]
        full = make_profile(self.bands, **{**{f: getattr(level_profile, f) for f in INPUTS}, "years": raw_years,
                                          "level": values.get("level")})
        shared = Shared(engine.estimate(level_profile, self.bands), self.moving)
        for years in (full.years, level.years_from):
            whole = engine.estimate(replace(full, years=years), self.bands).as_dict()
            p = engine.position(Profile(years=years), shared.estimate.level, self.bands)[0] if self.moving else 0.5
            if whole != shared.record({}, shared.fill(years, p)):
                return True
        return False


Split = tuple[dict[str, Any], Shared, tuple[Any, ...]]  # carried columns, shared estimate, open values


def split_estimates(rows: Iterable[Row], bands: Bands, *, defaults: Mapping[str, Any] | None = None,
                    skip: bool = False, report: Callable[[str], None] | None = None,
                    stats: Stats | None = None, estimator: Estimator | None = None) -> Iterator[Split]:
    """(carried columns, shared estimate, years) per good row, in order. A bad row raises
    MlcompError('line N: ...'), or with `skip` is passed to `report` and left out."""
    estimator = estimator or Estimator(bands, defaults, report=report)
    split = estimator.split
    stats = stats if stats is not None else Stats()
    first = True
    for line, row, problem in rows:
        stats.read += 1
        try:
            if problem is not None:
                raise MlcompError(problem)
            assert row is not None
            if first and report is not None:
                first = False
                for name in row:
                    if _column(name) is None and did_you_mean(name.lower(), INPUTS):
                        report(one_line(f"note: column '{name}' is carried through unchanged."
                                        f"{did_you_mean(name.lower(), INPUTS)}"))
            result = split(row)
        except MlcompError as e:
            message = f"line {line}: {one_line(e.message)}"
            if not skip:
                raise MlcompError(message) from None
            stats.skipped += 1
            if report is not None:
                report(message)
            continue
        yield result


def merge(splits: Iterable[Split]) -> Iterator[dict[str, Any]]:
    """Output records: the carried columns followed by the estimate contract."""
    for carried, shared, fill in splits:
        yield shared.record(carried, fill)


def estimates(rows: Iterable[Row], bands: Bands, **options: Any) -> Iterator[dict[str, Any]]:
    """One output record per good row (see split_estimates for the options)."""
    return merge(split_estimates(rows, bands, **options))


def write_jsonl(splits: Iterable[Split], out: IO[str], *, ascii: bool = False) -> None:
    """One JSON object per line, the same text as json.dumps(record, ensure_ascii=ascii). The shared
    estimate's text (made once) is written after the row's own columns, with the row's own values
    (years, typical values) put in. Written line by line; the stream's own buffering decides when
    to flush (line by line on a terminal)."""
    encode = json.JSONEncoder(ensure_ascii=ascii).encode
    write = out.write
    for carried, shared, fill in splits:
        pieces, order = shared.text
        if ascii and not all(piece.isascii() for piece in pieces):
            text = encode(shared.record({}, fill))[1:] + "\n"
        else:
            text = pieces[0] + "".join([_scalar(fill[i]) + piece for i, piece in zip(order, pieces[1:], strict=True)])
        write((encode(carried)[:-1] + ", " + text) if carried else "{" + text)


def write_delimited(splits: Iterable[Split], out: IO[str], delimiter: str = ",") -> None:
    """CSV or TSV: a header of the first row's carried columns and the estimate's flattened columns,
    then one line per row. Each shared estimate is flattened once. A later row is written under the
    first row's header (a column it lacks is empty)."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writerow = writer.writerow
    carried_names: tuple[str, ...] | None = None
    for carried, shared, fill in splits:
        cells, holes = shared.cells
        if carried_names is None:
            carried_names = tuple(carried)
            writerow([*carried_names, *flatten(shared.data)])
        row = list(carried.values()) if tuple(carried) == carried_names else \
            [carried.get(name, "") for name in carried_names]
        at = len(row)
        line = row + cells
        for cell, i in holes:
            line[at + cell] = "" if fill[i] is None else fill[i]
        writerow(line)
