"""Batch estimates: profiles streamed from CSV, TSV or JSON Lines, one estimate per row.

Rows are read, estimated and written one at a time, so memory stays flat and the first result is
out before the last row is read. Columns named like the options (years, level, city, ... ;
`full-lifecycle` and `Full Lifecycle` count too) make the profile. Every column comes out unchanged,
before the estimate, except level and years, which the estimate itself writes; no column may be
overwritten by the estimate, and a previous estimate's columns are replaced (with a note).

Two paths give the same bytes: `Estimator` takes any row, one at a time (validating each cell once per
distinct value, estimating once per profile); `stream` writes JSON Lines, CSV or TSV and sends each row
whose cells were all seen before through `Fast`, which only looks up and formats, and any other row
through the Estimator.

Pure: no rich, no typer. Problems are MlcompError with 'line N: what is wrong'.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import functools
import io
import itertools
import json
import json.scanner
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any

from mlcomp import engine, inputs
from mlcomp.bands import Bands
from mlcomp.engine import Profile, estimate, make_profile, parse_years, profile_values
from mlcomp.errors import MlcompError, did_you_mean, one_line
from mlcomp.render import BETWEEN, Lines, describe, flatten

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
CELL = inputs.MAX_BYTES  # the longest CSV cell a batch reads, in characters: as long as a whole document

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
    fmt, lines = _format(stream, fmt, name)
    with _reading(name):
        if fmt == "jsonl":
            for number, text in enumerate(lines, 1):
                read = _jsonl_row(text)
                if read is not None:
                    yield (number, *read)
        else:
            delimiter = "\t" if fmt == "tsv" else ","
            names, records = _delimited(lines, delimiter, header)
            for line, record, problem in records:
                yield (line, *_row(names, delimiter, record, problem))


def _format(stream: Iterable[str], fmt: str | None, name: str) -> tuple[str, Iterator[str]]:
    """The input format (see read_rows) and the lines, the first one put back if it was looked at."""
    lines = iter(stream)
    fmt = fmt or EXTENSIONS.get(Path(name).suffix.lower())
    if fmt is None:
        with _reading(name):
            first = next(lines, "")
        fmt = "jsonl" if first.lstrip().startswith("{") else "csv"
        lines = itertools.chain([first], lines)
    return fmt, lines


@contextlib.contextmanager
def _reading(name: str) -> Iterator[None]:
    """A stream that cannot be read as text, or a CSV reader's own error, as one MlcompError."""
    try:
        yield
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


def _halves(text: str) -> bool:
    """Whether JSON text has an escape that may stand for half of a character (\\ud800 to \\udfff, a
    surrogate): alone, no text can hold it; in a pair (an emoji written \\ud83d\\ude00) it is fine."""
    return "\\ud" in text or "\\uD" in text


def _jsonl_row(text: str) -> tuple[dict[str, Any] | None, str | None] | None:
    """(row, None) or (None, problem) for one line of JSON Lines; None for a blank line."""
    bad = not_utf8(text)
    if bad is not None:
        return None, bad
    try:
        row = json.loads(text)
    except (ValueError, RecursionError) as e:  # RecursionError: nesting deeper than Python's stack
        return None if not text.strip() else (None, inputs.row_problem(text, e))
    if type(row) is not dict:
        return None, f"expected a JSON object {{...}}, got {type(row).__name__}"
    if _halves(text):
        try:
            ENCODE(row).encode()
        except UnicodeEncodeError as e:
            return None, (f"\\u{ord(e.object[e.start]):04x} is half of a character (a lone surrogate), which "
                          "UTF-8 cannot write; remove it")
    return row, None


Record = tuple[int, list[str] | None, str | None]  # line number, the cells or None, what is wrong


def _delimited(lines: Iterable[str], delimiter: str,
               check: Callable[[list[str]], Any] | None = None) -> tuple[list[str], Iterator[Record]]:
    """The header's names (checked: the file's first line), and a record per later line (as cells, not
    yet checked for bytes that are not UTF-8; a blank line is no record)."""
    # strict: a quote inside an unquoted cell, or one never closed, is an error, not a changed value
    csv.field_size_limit(max(csv.field_size_limit(), CELL))  # the csv module's own limit is 128 KiB
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header = next(reader, None)
    if header is None:
        return [], iter(())
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
    return header, _records(reader, len(header), ", ".join(header))


def _row(header: list[str], delimiter: str, record: list[str] | None,
         problem: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """(row, None) for a record under the header, or (None, problem), bytes that are not UTF-8 too."""
    if record is not None:
        problem = not_utf8(delimiter.join(record))
    return (None, problem) if problem or record is None else (dict(zip(header, record, strict=True)), None)


def _records(reader: Any, width: int, names: str) -> Iterator[Record]:
    start = reader.line_num + 1
    while True:
        line = start
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            start = reader.line_num + 1
            if str(e).startswith("field larger than field limit"):
                raise MlcompError(f"line {line}: a cell longer than {CELL:,} characters, the longest a batch reads "
                                  "(a quote never closed?); split it, or check the file is CSV") from None
            if str(e) == "unexpected end of data":  # the rest of the file went into one cell
                raise MlcompError(f"line {line}: a quote opened in this record is never closed (the rest of "
                                  f"the file, to line {reader.line_num}, would be one cell); close it, and "
                                  'write a quote inside a quoted cell as ""') from None
            yield line, None, (f"a quote in a cell that is not quoted as a whole ({e}); quote the whole cell and "
                               'double the quotes inside it, as in "a ""b"" c"')
            continue
        start = reader.line_num + 1
        if len(record) == width:
            yield line, record, None
        elif record:  # a blank line is no record
            yield line, None, f"{len(record)} values for {width} columns ({names})"


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
    previous: bool = False  # the columns hold a previous estimate: its level is one only without years


class Estimator:
    """Estimates rows against one set of bands.

    Years only choose a level and are echoed, so an estimate is made once per level-profile (the
    profile with its years replaced by their level) and the row's years are put back in. Each cell
    is validated once per distinct value (keyed by type as well as value: JSON true is not 1), and
    each distinct estimate is serialized once. `output` is the format written (jsonl, csv, tsv,
    table): a carried column must not share a name with one of its columns."""

    def __init__(self, bands: Bands, defaults: Mapping[str, Any] | None = None, *, output: str = "jsonl",
                 report: Callable[[str], None] | None = None, skip: bool = False,
                 stats: Stats | None = None) -> None:
        self.bands = bands
        self.defaults = {k: v for k, v in (defaults or {}).items() if v is not None and v != ""}
        self.report = report
        self.skip = skip
        self.stats = stats if stats is not None else Stats()
        self.first = True
        self.default_keys: dict[str, Any] = bands.defaults.model_dump()
        # The output columns come from the estimate contract itself: a sample estimate, flattened for CSV.
        sample = self.sample = engine.estimate(make_profile(bands, level=next(iter(bands.levels))), bands)
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
        # An empty cell (or null) is the option's value, or the default: seeded, and again after a clear
        self.empty: dict[str, Any] = {}  # value() looks here while it is filled
        self.empty = {field: self.value(field, self.defaults[field]) if field in self.defaults else None
                      for field in INPUTS if field != "years"}
        for field in self.empty:
            self._seed(field)
        self.by_profile: dict[Any, Shared] = {}
        self.by_estimate: dict[Any, Shared] = {}
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
        replaced = False
        for previous in self.previous:
            if previous <= folded.keys():  # every output column is there: a previous estimate, replaced
                carried = [name for name in carried if name.strip().casefold() not in previous]
                if not self.replaced and self.report is not None:
                    old = [name for name in names if name.strip().casefold() in previous or _column(name) == "level"]
                    self.report(one_line(f"note: columns {', '.join(old)} hold a previous estimate; they are "
                                         "replaced by this one (a row's level comes from its years again, if "
                                         "it has them)."))
                self.replaced = replaced = True
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
        return Plan(tuple(carried), inputs, replaced)

    def row(self, line: int, row: Mapping[str, Any] | None, problem: str | None) -> Split | None:
        """A row read (or what is wrong with it) at a line: its split (see split); for a bad row, with
        `skip`, None (the row reported as 'line N: ...'), else MlcompError('line N: ...')."""
        try:
            if problem is not None:
                raise MlcompError(problem)
            assert row is not None
            if self.first:
                self.first = False
                for name in row:
                    hint = did_you_mean(name.lower(), INPUTS) if _column(name) is None else ""
                    if hint and self.report is not None:
                        self.report(one_line(f"note: column '{name}' is carried through unchanged.{hint}"))
            split = self.split(row)
        except MlcompError as e:
            self.reject(line, e.message)
            return None
        self.stats.read += 1
        return split

    def reject(self, line: int, problem: str) -> None:
        """A bad row: with `skip`, counted and reported as 'line N: ...'; else MlcompError('line N: ...')."""
        message = f"line {line}: {one_line(problem)}"
        if not self.skip:
            raise MlcompError(message)
        self.stats.read += 1
        self.stats.skipped += 1
        if self.report is not None:
            self.report(message)

    def split(self, row: Mapping[str, Any]) -> Split:
        """(carried columns, the shared estimate, its open values for this row) for one row."""
        plan = self.plans.get(tuple(row)) or self.plan(row)
        values = dict(self.defaults)
        for column, field in plan.inputs:
            value = row[column]
            if value is not None and value != "" and not (plan.previous and field == "level"):
                values[field] = value
        if plan.previous and "years" not in values:  # the previous estimate's level: all there is
            values.update((field, row[column]) for column, field in plan.inputs
                          if field == "level" and row[column] is not None and row[column] != "")
        shared, fill = self.estimate(values)
        return {name: row[name] for name in plan.carried}, shared, fill

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
                if field in self.empty:
                    self._seed(field)
            known[key] = canonical
        return canonical

    def _seed(self, field: str) -> None:
        """An empty cell or null, among the field's known cells: its option's value, or the default."""
        known = self.canonical[field]
        known[""] = known[None] = self.empty[field]

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
        return shared, shared.fill(years, engine.place(years, bands.levels[shared.estimate.level], bands))

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
            p = engine.place(years, self.bands.levels[shared.estimate.level], self.bands)
            if whole != shared.record({}, shared.fill(years, p)):
                return True
        return False


Split = tuple[dict[str, Any], Shared, tuple[Any, ...]]  # carried columns, shared estimate, open values


def split_estimates(rows: Iterable[Row], estimator: Estimator) -> Iterator[Split]:
    """(carried columns, shared estimate, open values) per good row, in order (see Estimator.row)."""
    for line, row, problem in rows:
        split = estimator.row(line, row, problem)
        if split is not None:
            yield split


def merge(splits: Iterable[Split]) -> Iterator[dict[str, Any]]:
    """Output records: the carried columns followed by the estimate contract."""
    for carried, shared, fill in splits:
        yield shared.record(carried, fill)


def estimates(rows: Iterable[Row], bands: Bands, **options: Any) -> Iterator[dict[str, Any]]:
    """One output record per good row (options: those of Estimator)."""
    return merge(split_estimates(rows, Estimator(bands, **options)))


def jsonl_text(split: Split) -> str:
    """A row's line of JSON Lines, the same text as json.dumps(record, ensure_ascii=False): the shared
    estimate's text (made once) after the row's own columns, with the row's own values put in."""
    carried, shared, fill = split
    pieces, order = shared.text
    text = pieces[0] + "".join([_scalar(fill[i]) + piece for i, piece in zip(order, pieces[1:], strict=True)])
    return (ENCODE(carried)[:-1] + ", " + text) if carried else "{" + text


def delimited_cells(split: Split, names: tuple[str, ...]) -> list[Any]:
    """A row's CSV or TSV cells under the header: carried `names` (one the row lacks is empty), then the
    estimate's columns. Each shared estimate is flattened once."""
    carried, shared, fill = split
    cells, holes = shared.cells
    row = list(carried.values()) if tuple(carried) == names else [carried.get(name, "") for name in names]
    at = len(row)
    line = row + cells
    for cell, i in holes:
        line[at + cell] = "" if fill[i] is None else fill[i]
    return line


def _getter(keys: list[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from a row (a dict) or a record (a list) to the tuple of its cells at `keys`."""
    if len(keys) == 1:
        key = keys[0]
        return lambda cells: (cells[key],)
    return operator.itemgetter(*keys) if keys else lambda cells: ()


MARK = re.compile("\x00(\\d+)\x00")  # a hole in CSV text (HOLE is the same in JSON text)
FAST_ENTRIES = 5_000  # profiles the fast path keeps, each with its text at up to every level


@dataclass(frozen=True, slots=True)
class FastPlan:
    """How the fast path reads rows with one set of columns: by name (a dict) or by place (a record)."""

    fields: tuple[str, ...]  # the profile fields of the input cells, in order (years apart)
    inputs: Callable[[Any], tuple[Any, ...]]  # the input cells
    known: tuple[dict[Any, Any], ...]  # per input cell: the Estimator's cell -> canonical value
    years: Any  # the years cell
    carried: Callable[[Any], tuple[Any, ...]]  # the carried cells
    text: str  # JSON of the carried columns, '%s' for each value


@dataclass(slots=True)
class Entry:
    """A profile (every field but years) in the fast path: what is the same at every level."""

    applied: engine.Factors
    fixed: int | None  # the level, if the profile gives one; else the years choose it
    tail: Any  # the text from the adjustments to the end of the line (bytes for JSON Lines)
    levels: list[tuple[Any, tuple[engine.Range, ...]] | None]  # per level: head, ranges of the typical values


class Fast:
    """Rows whose cells were all seen before: estimated by looking up and formatting only.

    The contract's text is made once with a hole for all that is not the same on every row: the
    level, the years, each leaf of each range and the adjustments. Per profile (every field but
    years, as canonical values) the fast path keeps the factors and the adjustments' text; per
    profile and level, the text up to them with the level's numbers in, leaving open the row's own
    values (the years, and the typical values at the years' place in the level). Whatever it does
    not know raises, and the row goes through the Estimator, which validates new cells, so that the
    next row with them is fast. Its bytes are the Estimator's (tests compare the two)."""

    def __init__(self, estimator: Estimator, output: str) -> None:
        bands = self.bands = estimator.bands
        self.estimator = estimator
        self.json = output == "jsonl"
        self.delimiter = "\t" if output == "tsv" else ","
        self.lines: list[str] = []
        self.writer = csv.writer(Lines(self.lines.append), delimiter=self.delimiter, lineterminator="\r\n")
        self.levels = list(bands.levels.values())
        self.places = [engine.placer(level, bands) for level in self.levels]  # years -> p, per level
        self.index = {key: i for i, key in enumerate(bands.levels)}
        self.starts = [level.years_from for level in self.levels]
        ends = [level.years_to for level in self.levels]
        # levels end to end from the first year allowed: the years' level is found by bisection
        self.contiguous = (ends[-1] is None and ends[:-1] == self.starts[1:]
                           and self.starts[0] <= bands.experience.min_years)
        self.low, self.high = bands.experience.min_years, bands.experience.max_years
        self.header: tuple[str, ...] | None = None  # CSV/TSV output: the carried columns of the header
        self.entries: dict[tuple[Any, ...], Entry] = {}
        self.filled: dict[tuple[float, float, float, float, int], tuple[Any, tuple[engine.Range, ...]]] = {}

        data = estimator.sample.as_dict()
        leaves = [(name, leaf) for name, value in data.items() if isinstance(value, dict) for leaf in value]
        last = len(leaves) + 2  # holes: 0 level, 1 years, 2... the leaves, then the adjustments
        holes = {**data, "level": "\x000\x00", "years": "\x001\x00", "adjustments": f"\x00{last}\x00"}
        for number, (name, leaf) in enumerate(leaves, 2):
            holes[name] = {**holes[name], leaf: f"\x00{number}\x00"}
        parts = HOLE.split(ENCODE(holes)[1:] + "\n") if self.json else MARK.split(self._line(flatten(holes).values()))
        pieces, order = parts[::2], [int(n) for n in parts[1::2]]
        moving = [n for n, pair in enumerate(leaves, 2) if pair in estimator.moving]
        self.usable = (order[-1] == last and [n for n in order if n == 1 or n in moving] == [1, *moving]
                       and all(leaf == "typical" for _, leaf in estimator.moving))  # typical: Range.typical(p)
        self.moving = [leaves[n - 2][0] for n in moving]
        self.numbers = [leaves[n - 2] for n in order if n >= 2 and n != last and n not in moving]  # a level's
        self.after = pieces[-1]
        # Per level, the text up to the adjustments, in two rounds of '%': the level's numbers (%d), then
        # the row's own values (%%a or %%s for years, %%d for a typical value; JSON's carried columns %%b)
        self.heads = []
        for key in bands.levels:
            level = ENCODE(key) if self.json else self._cell(key)
            text = ["%%b" if self.json else ""]
            for piece, hole in zip(pieces, order[:-1], strict=False):
                text.append(piece.replace("%", "%%%%"))
                text.append(level.replace("%", "%%%%") if hole == 0 else ("%%a" if self.json else "%%s") if hole == 1
                            else "%%d" if hole in moving else "%d")
            text.append(pieces[len(order) - 1].replace("%", "%%%%"))
            self.heads.append("".join(text))

    def _line(self, cells: Iterable[Any]) -> str:
        """Cells as the CSV or TSV writer writes them, with the newline."""
        self.writer.writerow(cells)
        return self.lines.pop()

    def _cell(self, value: str) -> str:
        """One cell as the writer writes it among others (alone, an empty one would be written '""')."""
        return self._line([value, ""])[:-2]

    def plan(self, names: tuple[str, ...], places: Mapping[str, int] | None = None) -> FastPlan | None:
        """The plan for rows with these columns (`places`: the column's place in a record, for CSV),
        or None if they always take the Estimator's path: no years column, a previous estimate's
        columns (they are dropped unread), or CSV/TSV output whose header has other carried columns."""
        estimator = self.estimator
        plan = estimator.plan(names)
        years = [column for column, field in plan.inputs if field == "years"]
        if (not self.usable or estimator.years_matter or not years
                or len({column for column, _ in plan.inputs}.union(plan.carried)) != len(names)
                or (not self.json and plan.carried != self.header)):
            return None
        where: Callable[[str], Any] = (lambda column: column) if places is None else places.__getitem__
        inputs = [(column, field) for column, field in plan.inputs if field != "years"]
        return FastPlan(
            fields=tuple(field for _, field in inputs),
            inputs=_getter([where(column) for column, _ in inputs]),
            known=tuple(estimator.canonical[field] for _, field in inputs),
            years=where(years[0]),
            carried=_getter([where(column) for column in plan.carried]),
            text="{" + "".join(f"{ENCODE(column).replace('%', '%%')}: %s, " for column in plan.carried))

    def find(self, plan: FastPlan, cells: Any) -> tuple[Any, Any, float, list[int]]:
        """The row's head and tail texts, and its own values: the years echoed, the typical values."""
        mapped = tuple(map(operator.getitem, plan.known, plan.inputs(cells)))
        entry = self.entries.get((plan.fields, *mapped)) or self._entry(plan, mapped)
        raw = cells[plan.years]  # years as parse_years reads them, for what it accepts; else raise
        kind = type(raw)
        if kind is str:
            if "_" in raw:
                raise ValueError(raw)
        elif kind is not int and kind is not float:
            raise TypeError(raw)
        years = float(raw)
        if not self.low <= years <= self.high:
            raise ValueError(raw)
        i = entry.fixed if entry.fixed is not None else bisect.bisect_right(self.starts, years) - 1 \
            if self.contiguous else self.index[self.bands.level_for(years)]
        head, moving = entry.levels[i] or self._fill(entry, i)
        p = self.places[i](years)
        return head, entry.tail, int(years) if years.is_integer() else years, [r.typical(p) for r in moving]

    def jsonl(self, plan: FastPlan, cells: Any) -> bytes:
        """The row's line of JSON Lines, as UTF-8 (UnicodeEncodeError for a cell that is not)."""
        head, tail, years, typical = self.find(plan, cells)
        try:
            carried = plan.text % tuple(map(encode_basestring, plan.carried(cells)))
        except TypeError:  # a number, list or object: as json.dumps writes it
            carried = plan.text % tuple(map(ENCODE, plan.carried(cells)))
        line: bytes = head % (carried.encode(), years, *typical) + tail
        return line

    def delimited(self, plan: FastPlan, cells: Any) -> tuple[tuple[Any, ...], str]:
        """The row's carried cells, and the rest of its CSV or TSV line."""
        head, tail, years, typical = self.find(plan, cells)
        return plan.carried(cells), head % (years, *typical) + tail

    def _entry(self, plan: FastPlan, mapped: tuple[Any, ...]) -> Entry:
        given = {**self.estimator.empty, **dict(zip(plan.fields, mapped, strict=True))}
        profile = Profile(**{field: value for field, value in given.items() if value is not None})
        applied = engine.factors(profile, self.bands)
        if self.json:  # each adjustment's JSON made once: a list's is theirs joined by ', ' in brackets
            tail: Any = f"[{', '.join([self._json(a) for a in applied.adjustments])}]{self.after}".encode()
        else:  # as flatten writes the adjustments
            tail = self._cell(BETWEEN.join([self._described(a) for a in applied.adjustments])) + self.after
        if len(self.entries) >= FAST_ENTRIES:
            self.entries.clear()
        entry = self.entries[(plan.fields, *mapped)] = Entry(
            applied, None if profile.level is None else self.index[profile.level], tail, [None] * len(self.levels))
        return entry

    # Each adjustment's text is made once (a run has a few dozen); a Fast lives as long as its run
    @functools.lru_cache(maxsize=CACHE_SIZE)  # noqa: B019
    def _json(self, adjustment: engine.Adjustment) -> str:
        return ENCODE(adjustment.as_dict())

    @functools.lru_cache(maxsize=CACHE_SIZE)  # noqa: B019
    def _described(self, adjustment: engine.Adjustment) -> str:
        return describe(adjustment.as_dict())

    def _fill(self, entry: Entry, i: int) -> tuple[Any, tuple[engine.Range, ...]]:
        """The entry's text at level i, up to the adjustments: the level's numbers in, the row's values
        open. Made once per level and pair of factors (the low and high products), which many profiles
        share."""
        key = (entry.applied.low, entry.applied.high, entry.applied.eb_low, entry.applied.eb_high, i)
        level = self.filled.get(key)
        if level is None:
            ranges = engine.ranges(self.levels[i], entry.applied, self.bands)
            ends = {name: value.dollars() for name, value in ranges.items()}
            head = self.heads[i] % tuple([ends[name][leaf] for name, leaf in self.numbers])
            level = (head.encode() if self.json else head, tuple(ranges[name] for name in self.moving))
            if len(self.filled) >= CACHE_SIZE:
                self.filled.clear()
            self.filled[key] = level
        entry.levels[i] = level
        return level


def stream(lines: Iterable[str], out: IO[bytes], estimator: Estimator, *, fmt: str | None = None,
           name: str = "-", output: str = "jsonl", flush: bool = False,
           progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda rows: rows) -> None:
    """Rows in (JSON Lines, CSV or TSV; `fmt` as read_rows), estimates out as JSON Lines, CSV or TSV in
    UTF-8: the same bytes as `jsonl_text` or `delimited_cells` of the Estimator's path, which takes
    each row the fast path does not know (and reports or raises on a bad one). `flush` writes each
    line as it is made (for a terminal); `progress` wraps the rows as they are read."""
    fmt, lines = _format(lines, fmt, name)
    fast = Fast(estimator, output)
    text = None if output == "jsonl" else io.TextIOWrapper(out, encoding="utf-8", errors="strict", newline="",
                                                           line_buffering=flush)
    write: Callable[[Any], Any]
    if text is None:
        write = out.write
        jsonl = fast.jsonl

        def write_slow(split: Split) -> None:
            write(jsonl_text(split).encode())

        def write_fast(plan: FastPlan, cells: Any) -> None:
            write(jsonl(plan, cells))
    else:
        write = text.write
        writer = csv.writer(Lines(write), delimiter=fast.delimiter, lineterminator="\r\n")
        carried_writer = csv.writer(Lines(write, ""), delimiter=fast.delimiter, lineterminator="\r\n")

        def write_slow(split: Split) -> None:
            header = fast.header or tuple(split[0])
            if fast.header is None:
                writer.writerow([*header, *estimator.columns])
                fast.header = header
            writer.writerow(delimited_cells(split, header))

        def write_fast(plan: FastPlan, cells: Any) -> None:
            carried, rest = fast.delimited(plan, cells)
            if carried:
                carried_writer.writerow((*carried, ""))
            write(rest)

    def slow(number: int, row: Mapping[str, Any] | None, problem: str | None) -> bool:
        """The row through the Estimator; whether it was written."""
        split = estimator.row(number, row, problem)
        if split is not None:
            write_slow(split)
        return split is not None

    stats = estimator.stats
    try:
        with _reading(name):
            if fmt == "jsonl":
                plans: dict[tuple[str, ...], FastPlan | None] = {}
                # json.loads, less its Python layers: the C scanner from the first character, and the line
                # must end there (anything else, such as leading spaces, takes the Estimator's path)
                scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
                ends = ("\n", "\r\n", "")
                # CSV and TSV write a list or an object in a cell as Python text, where half a character
                # (a byte that is not UTF-8, kept as a surrogate; an escape) would no longer fail to encode
                check = text is not None
                for number, line in progress(enumerate(lines, 1)):
                    try:
                        cells, end = scan(line, 0)
                        if line[end:] not in ends or (check and (_halves(line) or not_utf8(line))):
                            raise ValueError(line)
                        write_fast(plans[tuple(cells)], cells)  # type: ignore[arg-type]  # None: raises, as wanted
                    except Exception:  # whatever the fast path cannot do, the Estimator does
                        read = _jsonl_row(line)
                        if read is None or not slow(number, *read):
                            continue
                        names = tuple(read[0])  # type: ignore[arg-type]
                        if names not in plans and estimator.years_matter is not None:
                            if len(plans) >= CACHE_SIZE:
                                plans.clear()
                            plans[names] = fast.plan(names)
                    else:
                        stats.read += 1
                    if flush:
                        out.flush()
            else:
                delimiter = "\t" if fmt == "tsv" else ","
                header, records = _delimited(lines, delimiter, estimator.plan)
                places = {column: i for i, column in enumerate(header)}
                plan: FastPlan | None = None
                planned = False
                for number, record, problem in progress(records):
                    try:
                        write_fast(plan, record)  # type: ignore[arg-type]  # None: raises, as wanted
                    except Exception:  # whatever the fast path cannot do, the Estimator does
                        if (slow(number, *_row(header, delimiter, record, problem)) and not planned
                                and estimator.years_matter is not None):
                            plan, planned = fast.plan(tuple(header), places), True
                    else:
                        stats.read += 1
                    if flush:
                        out.flush()
    finally:
        if text is not None:
            text.flush()
            text.detach()
