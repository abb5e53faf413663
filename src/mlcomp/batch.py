"""Batch estimates: profiles streamed from CSV, TSV or JSON Lines, one estimate per row.

Rows are read, estimated and written one at a time, so memory stays flat and the first result is
out before the last row is read. Columns named like the options (years, level, city, ... ;
`full-lifecycle` and `Full Lifecycle` count too) make the profile. Every column comes out unchanged,
before the estimate, except level and years, which the estimate itself writes; no column may be
overwritten by the estimate, and a previous estimate's columns are replaced (with a note).

One path. Per set of column names, a plan (which column feeds which field, which are carried). Per
profile field, a table from each cell value met to its canonical value: a value not seen before is
validated and put in where it is met; a bad one is its row's problem ('line N: ...'). Per profile
(every field but years), an entry: the engine's factors and the adjustments' text. Per entry and
level, a compiled row: the estimate's text made once, from `formats.template`, with holes for what
is the row's own: its carried cells, its years and the typical values at the years' place in the
level. Every table is bounded (it starts again when full), so memory stays flat however long the
input, and a row's result never depends on the rows before it.

Pure: no rich, no typer. Problems are MlcompError with 'line N: what is wrong'.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import functools
import itertools
import json
import json.scanner
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

from mlcomp import engine, formats, inputs, review
from mlcomp.bands import Bands
from mlcomp.engine import VERDICTS, Profile, parse_years, profile_values
from mlcomp.errors import MlcompError, cut, did_you_mean, one_line, shown
from mlcomp.fields import canonical, parse_flag

# The profile's fields, from the engine's Profile: a column named like one (any case, '-' or ' ' for '_')
# feeds it; any other column is only carried through.
INPUTS = tuple(f.name for f in fields(Profile))
FLAGS = tuple(f.name for f in fields(Profile) if f.type in ("bool", bool))
TEXT = tuple(name for name in INPUTS if name != "years" and name not in FLAGS)
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".json": "jsonl"}
CACHE_SIZE = 10_000  # cell values kept per field, and column sets
ENTRIES = 20_000  # profiles kept (a few hundred bytes each), and compiled rows
HINTED = 1_000  # columns whose names are checked for a typo of a profile column
CELL = inputs.MAX_BYTES  # the longest CSV cell a batch reads, in characters: as long as a whole document
LINE = 2 * CELL  # the longest line a batch reads, in characters; checked while it is read

Row = tuple[int, dict[str, Any] | None, str | None]  # line number, the row or None, what is wrong
SURROGATE = re.compile("[\udc80-\udcff]")  # an undecodable byte, kept by open_input


@dataclass
class Stats:
    read: int = 0
    skipped: int = 0
    out: int = 0  # rows written by `stream` (counted just before each write: exact after Ctrl-C)

    @property
    def written(self) -> int:
        return self.read - self.skipped

    def summary(self, done: str = "written") -> str:
        """'7 rows read, 3 written, 4 skipped' (a pay review's rows are `done` 'reviewed': with --format
        json none is written)."""
        return f"{self.read} row{'s' if self.read != 1 else ''} read, {self.written} {done}, {self.skipped} skipped"


def open_input(name: str) -> IO[str]:
    """The file, or stdin for '-', as UTF-8 text (a byte-order mark is dropped) whatever the locale.
    Bytes that are not UTF-8 are kept as surrogates, so the reader can name the line they are on."""
    return inputs.open_text(name)


# --- reading --------------------------------------------------------------------------------------

def _lines(stream: Iterable[str]) -> Iterator[str]:
    """The stream's lines, each read with a limit of LINE + 1 characters (a longer line is cut there,
    and refused by `bounded` or the JSON Lines reader: nothing holds more of it in memory)."""
    read = getattr(stream, "readline", None)
    return iter(stream) if read is None else iter(functools.partial(read, LINE + 1), "")


def too_long(number: int) -> MlcompError:
    return MlcompError(f"line {number}: longer than {LINE:,} characters, the longest line a batch reads; check "
                       "the file is CSV, TSV or JSON Lines (one record a line)")


def bounded(lines: Iterable[str]) -> Iterator[str]:
    """The lines, a line longer than LINE characters stopping the run at it."""
    for number, text in enumerate(lines, 1):
        if len(text) > LINE:
            raise too_long(number)
        yield text


def _format(stream: Iterable[str], fmt: str | None, name: str) -> tuple[str, Iterator[str]]:
    """The input format (csv, tsv or jsonl; None: from the file's extension, else from the first line:
    '{' starts JSON Lines, anything else is CSV) and the lines, the first one put back if looked at."""
    lines = _lines(stream)
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


SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # json.loads' C scanner
ENDS = ("\n", "\r\n", "")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise MlcompError(f"key '{one_line(key)}' is given twice; give each key once")
        data[key] = value
    return data


def jsonl_row(text: str) -> dict[str, Any] | None:
    """One line of JSON Lines as a dict (None for a blank line); MlcompError for what is wrong with it.
    The C scanner alone reads a line that is one object and no more; json.loads, the rest."""
    try:
        row, end = SCAN(text, 0)
        if type(row) is dict and text[end:] in ENDS and text.count(":") == len(row):
            return row
    except (StopIteration, ValueError, RecursionError):
        pass
    try:
        row = json.loads(text)
    except (ValueError, RecursionError) as e:  # RecursionError: nesting deeper than Python's stack
        if not text.strip():
            return None
        raise MlcompError(not_utf8(text) or inputs.row_problem(text, e)) from None
    if type(row) is not dict:
        raise MlcompError(not_utf8(text) or f"expected a JSON object {{...}}, got {type(row).__name__}")
    if text.count(":") != len(row):  # a colon more than keys: nested objects, text with a colon, or a key twice
        json.loads(text, object_pairs_hook=_unique)
    return row


def read_rows(stream: Iterable[str], fmt: str | None = None, name: str = "-",
              header: Callable[[list[str]], Any] | None = None) -> Iterator[Row]:
    """(line, row, None) per record, or (line, None, problem) for a record that cannot be read.
    `header`, if given, is called with a CSV header's names; a MlcompError it raises stops the run at
    line 1."""
    names: list[str] = []

    def check(columns: list[str]) -> None:
        names[:] = columns
        if header is not None:
            header(columns)

    for number, row, problem, _ in _records(stream, fmt, name, check):
        yield number, dict(zip(names, row, strict=True)) if type(row) is list else row, problem


def _records(stream: Iterable[str], fmt: str | None, name: str,
             check: Callable[[list[str]], Any] | None) -> Iterator[tuple[int, Any, str | None, str | None]]:
    """(line, row, None, its line) or (line, None, problem, its line) per record of the input: a row is
    a dict (JSON Lines) or a list of cells under the header `check` is given (CSV and TSV; the line is
    JSON Lines' own, None for CSV)."""
    fmt, lines = _format(stream, fmt, name)
    with _reading(name):
        if fmt == "jsonl":
            for number, text in enumerate(lines, 1):
                if len(text) > LINE:
                    raise too_long(number)
                try:
                    row = jsonl_row(text)
                except MlcompError as e:
                    yield number, None, e.message, text
                    continue
                if row is not None:
                    yield number, row, None, text
        else:
            for number, row, problem in _delimited(bounded(lines), formats.DELIMITERS[fmt], check):
                yield number, row, problem, None


def _delimited(lines: Iterable[str], delimiter: str,
               check: Callable[[list[str]], Any] | None) -> Iterator[tuple[int, Any, str | None]]:
    """The records of CSV or TSV under its header (checked: the first line)."""
    # strict: a quote inside an unquoted cell, or one never closed, is an error, not a changed value
    csv.field_size_limit(max(csv.field_size_limit(), CELL))  # the csv module's own limit is 128 KiB
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    names: list[str] | None = []
    while names == []:  # blank lines before the header are no header
        names = next(reader, None)
    if names is None:
        return
    at = f"line {reader.line_num}"
    bad = not_utf8(delimiter.join(names))
    if bad is not None:
        raise MlcompError(f"{at}: {bad}")
    header = tuple(name.strip() for name in names)
    counts: dict[str, int] = {}
    for name in header:
        counts[name] = counts.get(name, 0) + 1
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    if duplicates:
        raise MlcompError(f"{at}: column {', '.join(map(repr, duplicates))} appears more than once")
    if check is not None:
        try:
            check(list(header))
        except MlcompError as e:
            if e.usage:  # an option the header does not fit (--by): about the command, not a line
                raise
            raise MlcompError(f"{at}: {e.message}") from None
    yield from _cells(reader, header, delimiter)


def _cells(reader: Any, header: tuple[str, ...], delimiter: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line, cells, None) per record as wide as the header, (line, None, problem) per other one; a
    record the reader cannot read is its line's problem, and reading goes on after it."""
    width, start = len(header), reader.line_num + 1
    while True:
        try:
            for cells in reader:
                line, start = start, reader.line_num + 1
                if len(cells) == width:
                    yield line, cells, None
                elif cells:  # a blank line is no record
                    yield line, None, not_utf8(delimiter.join(cells)) or \
                        f"{len(cells)} values for {width} columns ({', '.join(header)})"
            return
        except csv.Error as e:
            yield start, None, _csv_problem(e, start, reader.line_num)
            start = reader.line_num + 1


def _csv_problem(error: csv.Error, line: int, last: int) -> str:
    """What a csv.Error means for its record; MlcompError when it stops the run."""
    if str(error).startswith("field larger than field limit"):
        raise MlcompError(f"line {line}: a cell longer than {CELL:,} characters, the longest a batch reads "
                          "(a quote never closed?); split it, or check the file is CSV") from None
    if str(error) == "unexpected end of data":  # the rest of the file went into one cell
        raise MlcompError(f"line {line}: a quote opened in this record is never closed (the rest of the file, "
                          f"to line {last}, would be one cell); close it, and write a quote inside a quoted cell "
                          'as ""') from None
    return (f"a quote in a cell that is not quoted as a whole ({error}); quote the whole cell and double the "
            'quotes inside it, as in "a ""b"" c"')


# --- plans, cells and entries ---------------------------------------------------------------------

def _column(name: str) -> str | None:
    """The input a column feeds, or None if it is carried through."""
    name = canonical(name)
    return name if name in INPUTS else None


@dataclass(slots=True)
class Plan:
    """What to do with rows that have these column names."""

    carried: tuple[str, ...]  # written before the estimate, unchanged
    fields: tuple[str, ...]  # the profile fields given by columns (years apart), in order
    inputs: Callable[[Any], tuple[Any, ...]]  # a row's cells of those fields
    known: tuple[dict[Any, Any], ...]  # per field: cell value -> canonical value
    absent: tuple[Any, ...]  # the canonical values of the fields no column gives (the options')
    arrange: Callable[[tuple[Any, ...]], tuple[Any, ...]]  # given + absent values -> in PROFILE order
    years: Any  # the years column (its key or place), or None
    previous: bool  # a previous estimate's columns: its level gives way to the years
    cells: Callable[[Any], tuple[Any, ...]]  # a row's carried cells (CSV output: under the header)
    strings: bool  # the cells are all text (CSV and TSV input)
    problem: str | None = None  # why rows with these columns cannot be estimated
    pay: Callable[[Any], tuple[Any, ...]] | None = None  # a row's pay cells; None: no review keys written
    pays: tuple[str, ...] = ()  # the pay those cells hold (review.PAY names), in order
    who: Callable[[Any], tuple[Any, ...]] = lambda row: (None, None, None)  # id, name, --by cells (a review)


@dataclass(slots=True)
class Entry:
    """A profile (every field but years): what is the same at every level."""

    profile: Profile  # level None
    factors: engine.Factors
    adjustments: str  # their text in the output format
    levels: list[Compiled | None]  # per level, once made


@dataclass(slots=True)
class Compiled:
    """An estimate at one level for one set of factors: its text with holes, and what fills them."""

    data: dict[str, Any]  # the estimate contract (years and typical values to fill)
    text: str  # the output format's text after the carried cells, '%s' per hole
    order: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None  # (years, *typical, adjustments) -> holes'
    moving: tuple[str, ...]  # the ranges whose typical value is the row's own
    typical: Callable[[float], list[int]]  # their typical values at p (engine.typicals)
    place: Callable[[float], float]  # years -> p in this level
    market: review.Market  # the ranges a pay review places pay in


PROFILE = (*(name for name in INPUTS if name not in ("years", "level")), "level")  # an entry's key, and the level
NUMBERS = tuple(f.name for f in fields(engine.Factors) if f.name != "adjustments")  # what ranges() reads


def _getter(keys: list[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from a row (a dict) or a record (a list) to the tuple of its cells at `keys`."""
    if len(keys) == 1:
        key = keys[0]
        return lambda cells: (cells[key],)
    return operator.itemgetter(*keys) if keys else lambda cells: ()


class Estimator:
    """Estimates rows against one set of bands, writing `output` (jsonl, csv, tsv; table and field
    take `record`; none: no text, for a review's `summary` alone). `defaults` fill empty cells;
    `report` takes notes and skipped rows; `skip` skips a bad row instead of stopping; `explain` adds
    each adjustment's source and assumption. Rows with pay columns get review keys (mlcomp.review);
    a `summary` gathers them (a pay review)."""

    def __init__(self, bands: Bands, defaults: Mapping[str, Any] | None = None, *, output: str = "jsonl",
                 report: Callable[[str], None] | None = None, skip: bool = False,
                 stats: Stats | None = None, explain: bool = False, summary: review.Summary | None = None) -> None:
        self.bands, self.output, self.report, self.skip, self.explain = bands, output, report, skip, explain
        self.summary = summary
        self.stats = stats if stats is not None else Stats()
        self.delimited = output in formats.DELIMITERS
        self.text_format = output if output in formats.FORMATS else "jsonl"
        self.null = "" if self.delimited else "null"  # years not given, as the output writes it
        self.written_lines: list[str] = []
        self.writer = formats.delimited(output if self.delimited else "csv", self.written_lines.append, None)
        self._levels(bands)
        self.default_keys: dict[str, Any] = bands.defaults.model_dump()
        self.default_city = self.default_keys.get("city")
        self.known: dict[str, dict[Any, Any]] = {name: {} for name in INPUTS}
        raw = {k: v for k, v in (defaults or {}).items() if v is not None and v != ""}
        self.default_years = parse_years(raw["years"], bands) if "years" in raw else None
        self.empty: dict[str, Any] = {}
        self.empty = {field: self.value(field, raw[field]) if field in raw else None for field in INPUTS
                      if field != "years"}
        for field in self.empty:
            self._seed(field)
        sample = engine.estimate(Profile(level=next(iter(bands.levels))), bands).as_dict()
        self.columns = list(formats.flatten(sample)) if self.delimited else list(sample)  # the estimate's
        self.written = set(sample).intersection(INPUTS)  # inputs the estimate writes: level, years
        self.outputs = {name.casefold() for name in self.columns if name not in INPUTS}
        self.previous = [{name.casefold() for name in form if name not in INPUTS}
                         for form in (formats.flatten(sample), sample)]
        self.replaced = self.first = False
        self.header: tuple[str, ...] | None = None  # CSV and TSV output: the carried columns of the header
        self.plans: dict[tuple[str, ...], Plan] = {}
        self.profiles: dict[tuple[Any, ...], Entry] = {}  # by the profile's values but its level
        self.compiled: dict[Any, Compiled] = {}
        self.adjustments: dict[engine.Adjustment, Any] = {}
        self._review_text()

    def _review_text(self) -> None:
        """A row's review keys as the output writes them after its estimate: a template made once."""
        self.pay = review.Reader()
        self.person: tuple[Any, ...] | None = None  # the last row's standing and where it belongs (a review)
        self.reviewing: bool | None = None  # CSV and TSV: whether the header has the review columns
        holes = {name: formats.hole(i) for i, name in enumerate(review.COLUMNS)}
        row = holes if self.delimited else {"pay": {name: holes[f"pay_{name}"] for name in review.PAY},
                                            **{name: holes[name] for name in review.KEYS}}
        text, _ = formats.template(row, self.text_format, first=False)
        self.review = (formats.DELIMITERS[self.output] if self.delimited else ", ") + text
        self.review_end = 1 if self.delimited else 2  # what ends an estimate's text: '\n', or '}\n'
        # what a value is written as, where %s would not do: no value, and the words (JSON: quoted)
        self.review_cells: dict[Any, str] = {None: "" if self.delimited else "null"}
        self.review_cells.update({word: word if self.delimited else formats.json_text(word)
                                  for word in (*VERDICTS, "base", "total_comp")})
        self.empty_review = self.review % ((self.review_cells[None],) * len(review.COLUMNS))

    def _levels(self, bands: Bands) -> None:
        self.low, self.high = bands.experience.min_years, bands.experience.max_years
        self.levels = list(bands.levels.values())
        self.index = {key: i for i, key in enumerate(bands.levels)}
        self.places = [engine.placer(level, bands) for level in self.levels]
        self.level_only = engine.place(None, self.levels[0], bands)
        starts = [level.years_from for level in self.levels]
        ends = [level.years_to for level in self.levels]
        # levels end to end from the first year allowed: the years' level is found by bisection
        self.starts = starts if ends[-1] is None and ends[:-1] == starts[1:] and starts[0] <= self.low else None

    # -- cells

    def value(self, field: str, value: Any) -> Any:
        """A cell's canonical profile value (a key, or a flag; None for the default), validated and
        kept when first met. Equal values share a result (JSON 1 and 1.0 and true are one flag)."""
        known = self.known[field]
        try:
            return known[value]
        except KeyError:
            pass
        except TypeError:  # a list or object in a JSON cell: not hashable, validation says why
            return self._validate(field, value)
        canonical = self._validate(field, value)
        if len(known) >= CACHE_SIZE:
            known.clear()
            if field in self.empty:
                self._seed(field)
        known[value] = canonical
        return canonical

    def _validate(self, field: str, value: Any) -> Any:
        if field in TEXT and type(value) is not str:
            raise MlcompError(f"{field} must be text, got {value!r}")
        given = parse_flag(field, value, numbers=True) if field in FLAGS else value
        canonical = profile_values(self.bands, {field: given})[field]
        if canonical == self.default_keys.get(field) or canonical is False:
            return None  # the default, which a Profile writes as None: one entry for both
        return canonical

    def _seed(self, field: str) -> None:
        """An empty cell or null, among the field's known cells: its option's value, or the default."""
        known = self.known[field]
        known[""] = known[None] = self.empty[field]

    # -- plans

    def plan(self, names: Iterable[str], places: Mapping[str, int] | None = None) -> Plan:
        """The plan for rows with these columns (`places`: each column's place in a record, for CSV).
        A plan with a problem: rows with these columns are bad (raised here for a CSV header)."""
        names = tuple(names)
        plan = self.plans.get(names)
        if not self.first:
            self.notice(names)
            self._first(names, places)
        if plan is None:
            if len(self.plans) >= CACHE_SIZE:
                self.plans.clear()
            try:
                plan = self._plan(names, places)
            except MlcompError as e:
                plan = Plan((), (), _getter([]), (), (), _getter([]), None, False, _getter([]), False, e.message)
            self.plans[names] = plan
        if places is not None and plan.problem:
            raise MlcompError(plan.problem)
        return plan

    def _plan(self, names: tuple[str, ...], places: Mapping[str, int] | None) -> Plan:
        self._distinct(names)
        pays = self._pays(names)
        carried = self._carried(names, {name for name, _ in pays})
        where: Callable[[str], Any] = (lambda column: column) if places is None else places.__getitem__
        inputs = [(name, field) for name in names if (field := _column(name)) is not None and field != "years"]
        given = tuple(field for _, field in inputs)
        absent = tuple(field for field in PROFILE if field not in given)
        order = [*given, *absent]
        years = next((where(name) for name in names if _column(name) == "years"), None)
        plan = Plan(carried, given, _getter([where(name) for name, _ in inputs]),
                    tuple(self.known[field] for field in given), tuple(self.empty[field] for field in absent),
                    operator.itemgetter(*[order.index(field) for field in PROFILE]), years, self._is_previous(names),
                    self._cells(carried, where), places is not None)
        if pays or self.reviewing:
            plan.pay, plan.pays = _getter([where(name) for name, _ in pays]), tuple(pay for _, pay in pays)
        if self.summary is not None:
            plan.who = self._who(names, places)
        return plan

    def _reviews(self, carried: list[str], pay: bool) -> None:
        """Rows with pay columns get review keys, whose names no carried column may have. CSV and TSV:
        the first good column set says whether the one header has them (then every row has them,
        empty for a row without pay)."""
        names = review.COLUMNS if self.delimited else ("pay", *review.KEYS)
        for name in carried if pay else ():
            if name.strip().casefold() in names:
                raise MlcompError(f"column '{name}' has the name of a pay review column, which would overwrite "
                                  f"it; rename it (for example to 'input_{name.strip()}')")
        if pay and self.reviewing is False:
            raise MlcompError("pay columns (base, bonus, equity, total_comp) are not among the first row's "
                              "columns, which make the one header of CSV or TSV output; give every row the "
                              "same columns, or use --format jsonl")

    def _first(self, names: tuple[str, ...], places: Mapping[str, int] | None) -> None:
        """A review's first row (the CSV header, or the first JSON line's keys): its --by names one of
        the columns (a usage error otherwise), and a CSV header has a pay column (a JSON line may
        leave out what it does not give)."""
        if self.summary is None:
            return
        self._by(names, places is not None)
        named = next((name for name in names if canonical(name).endswith("_id")), None)
        if named is not None and "id" not in map(canonical, names) and self.report is not None:
            self.report(f"note: no column is named id, so a person given twice is not spotted; if "
                        f"'{one_line(named)}' is the person's id, name it id")
        if places is not None and not self._pays(names):
            near = next(((name, pay) for name in names if (pay := review.near_pay(name))), None)
            hint = f"; '{one_line(near[0])}' is carried through. Did you mean '{near[1]}'?" if near else "."
            raise MlcompError(f"no pay column: a pay review reads {', '.join(review.PAY[:-1])} and "
                              f"{review.PAY[-1]}{hint} Its columns: {cut(one_line(', '.join(names)), 400)}")

    def _by(self, names: tuple[str, ...], header: bool) -> None:
        """A review's --by names a column of the first row (`header`: a CSV header's): a usage error
        otherwise."""
        by = self.summary.by if self.summary is not None else None
        if by is None or any(canonical(name) == canonical(by) for name in names):
            return
        why = " (the summary groups by level and city already)" if canonical(by) in ("level", "city") else ""
        where, what = ("the file has no column", "columns") if header else ("the first row has no key", "keys")
        raise MlcompError(f"{where} {shown(by)}{why}.{did_you_mean(by, names)} Its {what}: "
                          f"{cut(one_line(', '.join(names)), 400)}", usage=True, option="--by")

    def _who(self, names: tuple[str, ...], places: Mapping[str, int] | None) -> Callable[[Any], tuple[Any, ...]]:
        """A review's getter of a row's id, name and --by cells (None where it has no such column)."""
        wanted = ["id", "name", canonical(self.summary.by) if self.summary and self.summary.by else None]
        found = [next((name for name in names if canonical(name) == want), None) if want else None
                 for want in wanted]
        if places is None:  # JSON objects: a key not in a row (or None, no JSON key) gets None
            return lambda row: tuple(map(row.get, found))
        present = [places[name] for name in found if name is not None]
        if len(present) == len(found):
            return _getter(present)
        get, places_in_get = _getter(present), iter(range(len(present)))
        slots = [next(places_in_get) if name is not None else len(present) for name in found]  # len: the None
        return lambda row: tuple(map((*get(row), None).__getitem__, slots))

    def _distinct(self, names: tuple[str, ...]) -> None:
        seen: dict[str, str] = {}
        for name in names:
            same = _column(name) or review.pay_column(name) or name.strip().casefold()
            if same in seen:
                raise MlcompError(f"columns '{seen[same]}' and '{name}' name the same column ('{same}'; case and "
                                  "'-', ' ', '_' do not count); keep one of them")
            seen[same] = name

    def _pays(self, names: tuple[str, ...]) -> list[tuple[str, str]]:
        """The pay columns, and the pay each holds; none of a previous estimate's columns (its `base`
        and `total_comp` are its ranges, replaced by this one's)."""
        folded = {name.strip().casefold() for name in names}
        previous = set().union(*(previous for previous in self.previous if previous <= folded))
        pays = [(name, pay) for name in names
                if (pay := review.pay_column(name)) is not None and name.strip().casefold() not in previous]
        return sorted(pays, key=lambda column: review.PAY.index(column[1]))  # in PAY's order

    def _is_previous(self, names: tuple[str, ...]) -> bool:
        folded = {name.strip().casefold() for name in names}
        return any(previous <= folded for previous in self.previous)

    def _carried(self, names: tuple[str, ...], pays: set[str]) -> tuple[str, ...]:
        """The columns carried through: all but those the estimate writes (and a previous estimate's)
        and the pay columns (`pays`), which a review reads."""
        pay = bool(pays)
        carried = [name for name in names if _column(name) not in self.written and name not in pays]
        for previous in self.previous:
            folded = {name.strip().casefold() for name in carried}
            if previous <= folded:  # every output column is there: a previous estimate, replaced
                carried = [name for name in carried if name.strip().casefold() not in previous]
                if not self.replaced and self.report is not None:
                    old = [name for name in names if name.strip().casefold() in previous or _column(name) == "level"]
                    self.report(one_line(f"note: columns {', '.join(old)} hold a previous estimate; they are "
                                         "replaced by this one (a row's level comes from its years again, if "
                                         "it has them)."))
                self.replaced = True
                break
        for name in carried:
            if name.strip().casefold() in self.outputs:
                raise MlcompError(f"column '{name}' has the name of an output column, which would overwrite it; "
                                  f"rename it (for example to 'input_{name.strip()}')")
        self._reviews(carried, pay)
        if self.delimited:
            self._fits(tuple(carried))
            if self.reviewing is None:
                self.reviewing = pay
                self.columns += review.COLUMNS if pay else ()
        return tuple(carried)

    def _fits(self, carried: tuple[str, ...]) -> None:
        """CSV and TSV have one header, the first good column set's: a row may leave out a column of it,
        never add one."""
        if self.header is None:
            self.header = carried
        extra = [name for name in carried if name not in self.header]
        if extra:
            raise MlcompError(f"column '{extra[0]}' is not among the first row's columns, which make the one "
                              "header of CSV or TSV output; give every row the same columns, or use "
                              "--format jsonl")

    def _cells(self, carried: tuple[str, ...], where: Callable[[str], Any]) -> Callable[[Any], tuple[Any, ...]]:
        if not self.delimited or self.header is None or carried == self.header:
            return _getter([where(name) for name in carried])
        header = self.header
        return lambda row: tuple(row.get(name, "") for name in header)

    # -- entries and compiled rows

    def entry(self, key: tuple[Any, ...]) -> Entry:
        """The entry of a profile, its canonical values in PROFILE order, level left out."""
        entry = self.profiles.get(key)
        if entry is None:
            profile = Profile(**{field: value for field, value in zip(PROFILE, key, strict=False) if value is not None})
            applied = engine.factors(profile, self.bands)
            if len(self.profiles) >= ENTRIES:
                self.profiles.clear()
            entry = self.profiles[key] = Entry(profile, applied, self._adjustments(applied), [None] * len(self.levels))
        return entry

    def _adjustments(self, applied: engine.Factors) -> Any:
        """The adjustments as the output writes them: JSON text, a CSV cell, or their dicts."""
        texts = [self._adjustment(a) for a in applied.adjustments]
        if self.output == "jsonl":
            return f"[{', '.join(texts)}]"
        return formats.quoted(formats.BETWEEN.join(texts), self.output) if self.delimited else texts

    def _adjustment(self, adjustment: engine.Adjustment) -> Any:
        known = self.adjustments.get(adjustment)
        if known is None:
            data = adjustment.as_dict(explain=self.explain)
            known = formats.json_text(data) if self.output == "jsonl" else \
                formats.describe(data) if self.delimited else data
            if len(self.adjustments) >= CACHE_SIZE:
                self.adjustments.clear()
            self.adjustments[adjustment] = known
        return known

    def level(self, entry: Entry, fixed: int | None, years: float | None) -> Compiled:
        """The entry's compiled row at the level given (its place), or the one its years choose."""
        if fixed is not None:
            i = fixed
        elif years is None:
            raise MlcompError(f"needs years or level ({', '.join(self.bands.levels)}); both are empty")
        else:
            i = self.index[self.bands.level_for(years)]
        return entry.levels[i] or self._compile(entry, i)

    def _compile(self, entry: Entry, i: int) -> Compiled:
        """The estimate at level i for the entry's factors, as a template: made once per level and set
        of factors (their numbers: the ranges depend on nothing else), which many profiles share."""
        applied = entry.factors
        key = (i, *[getattr(applied, name) for name in NUMBERS])
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self._template(entry, i)
            if len(self.compiled) >= ENTRIES:
                self.compiled.clear()
            self.compiled[key] = compiled
        entry.levels[i] = compiled
        return compiled

    def _template(self, entry: Entry, i: int) -> Compiled:
        level = self.levels[i]
        ranges = engine.ranges(level, entry.factors, self.bands)
        profile = Profile(**{**{f: getattr(entry.profile, f) for f in INPUTS}, "level": list(self.index)[i],
                             "years": None})
        data = engine.estimate(profile, self.bands, entry.factors).as_dict(explain=self.explain)
        moving = tuple(name for name in ranges if isinstance(data.get(name), dict) and "typical" in data[name])
        holes: dict[str, Any] = {**data, "years": formats.hole(0), "adjustments": formats.hole(len(moving) + 1)}
        for number, name in enumerate(moving, 1):
            holes[name] = {**data[name], "typical": formats.hole(number)}
        row = formats.flatten(holes) if self.delimited else holes
        text, order = formats.template(row, self.text_format, first=False)
        return Compiled(data, text, None if order == sorted(order) else operator.itemgetter(*order), moving,
                        engine.typicals([ranges[name] for name in moving]), self.places[i],
                        review.market(data["base"], data["total_comp"]))

    # -- rows

    def years(self, plan: Plan, row: Any) -> float | None:
        raw: Any = None if plan.years is None else row[plan.years]
        raw = None if plan.years is None else row[plan.years]
        kind = type(raw)
        if kind is float or kind is int:  # a JSON number (not a bool): compared as it is, exactly
            if self.low <= raw <= self.high:
                return float(raw)
        elif raw is None or raw == "":
            return self.default_years
        elif kind is str and "_" not in raw:
            try:
                years = float(raw)
            except (ValueError, OverflowError):
                years = -1.0
            if self.low <= years <= self.high:
                return years
        return parse_years(raw, self.bands)  # says why not

    def estimate(self, plan: Plan, row: Any) -> tuple[Entry, Compiled, float | None, list[int]]:
        """A row's entry, its compiled row, its years and its typical values."""
        if plan.problem is not None:
            raise MlcompError(plan.problem)
        years = self.years(plan, row)
        values = plan.inputs(row)
        try:
            full = plan.arrange(tuple(map(operator.getitem, plan.known, values)) + plan.absent)
        except (KeyError, TypeError):  # a value not seen before: validated, and kept
            full = plan.arrange(tuple(map(self.value, plan.fields, values)) + plan.absent)
        key = full[:-1]
        entry = self.profiles.get(key) or self.entry(key)
        level = full[-1]
        i = self.level_of(years) if level is None or (plan.previous and years is not None) else self.index[level]
        compiled = entry.levels[i] or self._compile(entry, i)
        p = self.level_only if years is None else compiled.place(years)
        return entry, compiled, years, compiled.typical(p)

    def level_of(self, years: float | None) -> int:
        """The place of the level the years choose (by bisection when the levels run end to end)."""
        if years is None:
            raise MlcompError(f"needs years or level ({', '.join(self.bands.levels)}); both are empty")
        if self.starts is None:
            return self.index[self.bands.level_for(years)]
        return bisect.bisect_right(self.starts, years) - 1

    def _tail(self, plan: Plan, row: Any) -> str:
        """The row's text from the estimate on."""
        entry, compiled, years, typical = self.estimate(plan, row)
        echo = self.null if years is None else repr(int(years)) if years.is_integer() else repr(years)
        values = (echo, *typical, entry.adjustments)
        text = compiled.text % (values if compiled.order is None else compiled.order(values))
        return text if plan.pay is None else self._reviewed(plan, row, entry, compiled, text)

    def _reviewed(self, plan: Plan, row: Any, entry: Entry, compiled: Compiled, text: str) -> str:
        """A row's text with its review keys after the estimate."""
        person = self.standing(plan, row, entry, compiled)
        if person is None:
            return text[:-self.review_end] + self.empty_review
        words = self.review_cells
        tail = self.review % (*person[:8], words[person.verdict], words[person.gap_on], person.to_low, person.to_mid)
        return text[:-self.review_end] + (tail.replace("None", words[None]) if None in person[:8] else tail)

    def standing(self, plan: Plan, row: Any, entry: Entry, compiled: Compiled) -> review.Standing | None:
        """A row's pay against its estimate (None without pay); kept, with where it belongs, for the
        summary of a review (`reviewed`)."""
        assert plan.pay is not None
        pay = self.pay.read(plan.pays, plan.pay(row))
        person = None if pay is None else review.judge(pay, compiled.market)
        if self.summary is not None:
            self.person = (person, compiled.data["level"], entry.profile.city or self.default_city, plan.who(row))
        return person

    def judged(self, plan: Plan, row: Any) -> str:
        """A row estimated and its pay placed, for a review's summary alone: no text is made (''), but
        its carried cells are checked as JSON Lines would write them, so the same rows count."""
        entry, compiled = self.estimate(plan, row)[:2]
        if plan.pay is not None:
            self.standing(plan, row, entry, compiled)
        if plan.carried:  # UnicodeEncodeError: a lone surrogate, or bytes not UTF-8
            ("".join(plan.cells(row)) if plan.strings else self._carried_json(plan, row)).encode()
        return ""

    def reviewed(self, line: int) -> None:
        """The row just written, counted in the review's summary (a row without pay columns, as one
        without pay)."""
        assert self.summary is not None
        person, level, city, (who, name, group) = self.person or (None, None, None, (None, None, None))
        self.person = None
        if who is not None and type(who) is not str:
            who = formats.cell(who)  # an id given as a number is the same id as its text
        said = self.summary.add(person, line=line, level=level or "", city=city or "",
                                group=None if self.summary.by is None else _text(group), who=who,
                                name=None if name is None else _text(name))
        if said is not None and self.report is not None:
            self.report(f"note: {one_line(said)}")

    def jsonl(self, plan: Plan, row: Any) -> str:
        """A row's line of JSON Lines."""
        tail = self._tail(plan, row)
        return self._carried_json(plan, row) + ", " + tail if plan.carried else "{" + tail

    def _carried_json(self, plan: Plan, row: Any) -> str:
        """The carried cells as the start of a JSON object ('{' and its members); a cell JSON cannot
        hold is named (MlcompError)."""
        carried = dict(zip(plan.carried, plan.cells(row), strict=True))
        try:
            return formats.json_text(carried)[:-1]
        except formats.NotJson as e:
            raise _not_json(carried, e) from None

    def delimited_line(self, plan: Plan, row: Any) -> str:
        """A row's line of CSV or TSV."""
        tail = self._tail(plan, row)
        cells = plan.cells(row)
        if not cells:
            return tail
        try:
            self.writer.writerow([*cells, ""] if plan.strings else [*map(formats.cell, cells), ""])
        except formats.NotJson as e:
            raise _not_json(dict(zip(plan.carried, cells, strict=True)), e) from None
        return self.written_lines.pop()[:-2] + tail

    def record(self, plan: Plan, row: Any) -> dict[str, Any]:
        """A row's output record: the carried columns, then the estimate contract."""
        entry, compiled, years, typical = self.estimate(plan, row)
        record = {**dict(zip(plan.carried, plan.cells(row), strict=True)), **compiled.data}
        record["years"] = None if years is None else int(years) if years.is_integer() else years
        for name, value in zip(compiled.moving, typical, strict=True):
            record[name] = {**record[name], "typical": value}
        record["adjustments"] = [a.as_dict(explain=self.explain) for a in entry.factors.adjustments]
        if plan.pay is not None:
            person = self.standing(plan, row, entry, compiled)
            record.update(review.empty() if person is None else person.as_dict())
        return record

    def reject(self, line: int, problem: str) -> None:
        """A bad row: with `skip`, counted and reported as 'line N: ...'; else MlcompError('line N: ...')."""
        message = f"line {line}: {one_line(problem)}"
        self.person = None  # a standing placed before the row failed is not counted
        if not self.skip:
            raise MlcompError(message)
        self.stats.skipped += 1
        if self.report is not None:
            self.report(message)

    def notice(self, names: Iterable[str]) -> None:
        """On the first row: a note for each carried column named close to an input (among the first
        HINTED columns: a typo search costs far more than reading a column)."""
        self.first = True
        if self.report is None:
            return
        names = tuple(names)
        paid = self.summary is not None and bool(self._pays(names))  # a review without pay columns: refused
        for name in names[:HINTED]:
            hint = self._hint(name, paid)
            if hint:
                self.report(one_line(f"note: column '{name}' is carried through unchanged.{hint}"))
        if len(names) > HINTED:
            self.report(f"note: {len(names):,} columns; the names of the first {HINTED:,} were checked for typos "
                        "of the profile's columns")

    @staticmethod
    def _hint(name: str, paid: bool) -> str:
        """' Did you mean ...?' for a carried column named close to a profile column, or (`paid`: in a
        review with pay columns) like pay ('Total Compensation'); '' when it is not."""
        if _column(name) is not None or review.pay_column(name) is not None:
            return ""
        hint = did_you_mean(name.lower(), INPUTS)
        pay = review.near_pay(name) if paid and not hint else None
        return f" Did you mean '{pay}' (a pay column)?" if pay else hint

    def rows(self, lines: Iterable[str], fmt: str | None = None, name: str = "-",
             progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda rows: rows
             ) -> Iterator[tuple[int, Plan, Any, str | None]]:
        """(line, plan, row, its JSON Lines text) per row read; a row that cannot be read is rejected."""
        plans, stats = self.plans, self.stats
        header: list[Plan] = []  # CSV and TSV: the header's plan

        def check(names: list[str]) -> None:
            header.append(self.header_plan(names))

        for number, row, problem, text in progress(_records(lines, fmt, name, check)):
            stats.read += 1
            if row is None:
                self.reject(number, problem or "")
            elif type(row) is list:
                yield number, header[0], row, text
            else:
                key = tuple(row)
                yield number, plans.get(key) or self.plan(key), row, text

    def header_plan(self, header: Iterable[str]) -> Plan:
        """The plan of a CSV header (MlcompError for a problem with it)."""
        header = tuple(header)
        return self.plans.get(header) or self.plan(header, _places(header))


def _text(cell: Any) -> str:
    """A cell as a summary names it: text as it is, a number or flag as JSON writes it, empty as
    review.EMPTY."""
    text = formats.cell(cell)
    return text if text else review.EMPTY


def _places(names: Iterable[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}


def _not_json(carried: Mapping[str, Any], error: formats.NotJson) -> MlcompError:
    """A carried cell that JSON cannot hold (NaN, Infinity, 1e400), named."""
    for name, cell in carried.items():
        try:
            formats.json_text(cell)
        except formats.NotJson:
            return MlcompError(f"column '{name}': {error}")
    return MlcompError(str(error))  # pragma: no cover - one of the cells failed


def _problem(error: Exception, row: Any, text: str | None) -> str:
    """What is wrong with a row that could not be estimated or written: bytes of its line that were not
    UTF-8 first (whatever else they made of a cell), then the error's own words."""
    bad = not_utf8(text if text is not None else "\t".join(row) if isinstance(row, list) else "")
    if bad is not None:
        return bad
    if isinstance(error, UnicodeEncodeError):
        return (f"\\u{ord(error.object[error.start]):04x} is half of a character (a lone surrogate), which "
                "UTF-8 cannot write; remove it")
    return error.message if isinstance(error, MlcompError) else str(error)


def stream(lines: Iterable[str], out: IO[bytes], estimator: Estimator, *, fmt: str | None = None,
           name: str = "-", output: str = "jsonl", flush: bool = False,
           progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda rows: rows) -> None:
    """Rows in (JSON Lines, CSV or TSV; `fmt` as read_rows), estimates out as JSON Lines, CSV or TSV in
    UTF-8 (`output`, the estimator's). `flush` writes each line as it is made (for a terminal);
    `progress` wraps the rows as they are read."""
    write, header = out.write, estimator.delimited
    make = estimator.delimited_line if header else estimator.judged if output == "none" else estimator.jsonl
    reviewed = estimator.reviewed if estimator.summary is not None else None
    stats = estimator.stats
    for number, plan, row, text in estimator.rows(lines, fmt, name, progress):
        try:
            data = make(plan, row).encode()
        except (MlcompError, UnicodeEncodeError) as e:
            estimator.reject(number, _problem(e, row, text))
            continue
        if header:
            write(formats.line([*(estimator.header or ()), *estimator.columns], output).encode())
            header = False
        stats.out += 1  # no signal is handled between this and the write, so the count stays exact
        write(data)
        if reviewed is not None:
            reviewed(number)
        if flush:
            out.flush()


def records(lines: Iterable[str], estimator: Estimator, *, fmt: str | None = None, name: str = "-",
            progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda rows: rows) -> Iterator[dict[str, Any]]:
    """One output record per good row, in order (for tables and --field): the same entries as `stream`."""
    for number, plan, row, text in estimator.rows(lines, fmt, name, progress):
        try:
            record = estimator.record(plan, row)
            formats.json_text(record).encode()  # what the table or field shows could be written
        except (MlcompError, UnicodeEncodeError, formats.NotJson) as e:
            estimator.reject(number, _problem(e, row, text))
            continue
        if estimator.summary is not None:
            estimator.reviewed(number)
        yield record


def estimates(rows: Iterable[str], bands: Bands, **options: Any) -> Iterator[dict[str, Any]]:
    """One output record per good row of JSON Lines or CSV text (options: those of Estimator)."""
    return records(rows, Estimator(bands, **options))
