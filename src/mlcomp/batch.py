"""Batch estimates: profiles streamed from CSV, TSV or JSON Lines, one estimate per row.

Rows are read, estimated and written one at a time, so memory stays flat and the first result is
out before the last row is read. Identical profiles are estimated once per run. Columns named like
the options (years, level, city, ... ; `full-lifecycle` and `Full Lifecycle` count too) make the
profile; any other column is carried through to the output unchanged.

Pure: no rich, no typer. Problems are MlcompError with 'line N: what is wrong'.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mlcomp import inputs
from mlcomp.bands import Bands
from mlcomp.engine import estimate, make_profile
from mlcomp.errors import MlcompError, did_you_mean, one_line

INPUTS = ("years", "level", "city", "tier", "industry", "specialization", "full_lifecycle", "remote_first",
          "role", "ml_focus")
FLAGS = ("full_lifecycle", "remote_first")
TEXT = ("level", "city", "tier", "industry", "specialization", "role", "ml_focus")
# Keys of the estimate contract a carried column must not overwrite (level and years are inputs).
OUTPUT_KEYS = frozenset({"currency", "band", "base", "total_comp", "adjustments"})
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".json": "jsonl"}
CACHE_SIZE = 10_000  # distinct profiles kept; years are free-form, so the cache must not grow forever

Row = tuple[int, dict[str, Any] | None, str | None]  # line number, the row or None, what is wrong


@dataclass
class Stats:
    read: int = 0
    skipped: int = 0

    @property
    def written(self) -> int:
        return self.read - self.skipped

    def summary(self) -> str:
        return f"{self.read} rows read, {self.written} written, {self.skipped} skipped"


def open_input(name: str) -> IO[str]:
    """The file, or stdin for '-', as UTF-8 text (a byte-order mark is dropped) whatever the locale.
    Bytes that are not UTF-8 are kept as surrogates, so read_rows can name the line they are on."""
    return inputs.open_text(name)


def read_rows(stream: Iterable[str], fmt: str | None = None, name: str = "-") -> Iterator[Row]:
    """(line, row, None) per record, or (line, None, problem) for a record that cannot be read.

    `fmt` is csv, tsv or jsonl; None means: from the file's extension, else from the first line
    ('{' starts JSON Lines, anything else is CSV)."""
    lines = iter(stream)
    fmt = fmt or EXTENSIONS.get(Path(name).suffix.lower())
    try:
        if fmt is None:
            first = next(lines, "")
            fmt = "jsonl" if first.lstrip().startswith("{") else "csv"
            lines = itertools.chain([first], lines)
        reader = _jsonl_rows if fmt == "jsonl" else _delimited_rows
        yield from reader(lines, "\t" if fmt == "tsv" else ",")
    except UnicodeDecodeError as e:  # a stream opened without surrogateescape
        raise MlcompError(f"{inputs.origin(name)}: not UTF-8 text ({e.reason})") from None
    except csv.Error as e:
        raise MlcompError(f"{inputs.origin(name)}: CSV error: {e}") from None


def not_utf8(text: str) -> str | None:
    """What is wrong with text whose undecodable bytes were kept as surrogates, or None if it is fine."""
    if text.isascii():
        return None
    for char in text:
        if "\udc80" <= char <= "\udcff":
            return f"not UTF-8 text (byte 0x{ord(char) - 0xdc00:02x})"
    return None


def _jsonl_rows(lines: Iterable[str], _delimiter: str) -> Iterator[Row]:
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


def _delimited_rows(lines: Iterable[str], delimiter: str) -> Iterator[Row]:
    reader = csv.reader(lines, delimiter=delimiter)
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
    width = len(header)
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
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


class Estimator:
    """Estimates rows against one set of bands. Identical inputs are validated and estimated once:
    a cache keyed by the raw values typed, in front of one keyed by the validated profile."""

    def __init__(self, bands: Bands, defaults: Mapping[str, Any] | None = None) -> None:
        self.bands = bands
        self.defaults = {k: v for k, v in (defaults or {}).items() if v is not None and v != ""}
        self.columns: dict[str, str | None] = {}  # column name -> input (or None: carried)
        self.cache: dict[Any, dict[str, Any]] = {}
        self.raw: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}

    def split(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(carried columns, estimate contract) for one row."""
        values = dict(self.defaults)
        carried = {}
        columns = self.columns
        for name, value in row.items():
            column = columns.get(name, "")
            if column == "":
                column = columns[name] = _column(name)
            if column is None:
                carried[name] = value
            elif value is not None and value != "":
                values[column] = value
        if carried and not OUTPUT_KEYS.isdisjoint(carried):
            clash = sorted(OUTPUT_KEYS.intersection(carried))[0]
            raise MlcompError(f"column '{clash}' has the name of an output field; rename it")
        try:
            key: Any = tuple(values.items())
            result = self.raw.get(key)
        except TypeError:  # a list or object in a JSON cell: not hashable, validation will say why
            key = result = None
        if result is None:
            result = self.estimate(values)
            if key is not None:
                if len(self.raw) >= CACHE_SIZE:
                    self.raw.clear()
                self.raw[key] = result
        return carried, result

    def record(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The carried columns followed by the estimate contract (Estimate.as_dict())."""
        carried, result = self.split(row)
        return {**carried, **result}

    def estimate(self, values: dict[str, Any]) -> dict[str, Any]:
        bands = self.bands
        if "years" not in values and "level" not in values:
            raise MlcompError(f"needs years or level ({', '.join(bands.levels)}); both are empty")
        for name in TEXT:
            if name in values and not isinstance(values[name], str):
                raise MlcompError(f"{name} must be text, got {values[name]!r}")
        for name in FLAGS:
            if name in values:
                values[name] = _flag(name, values[name])
        profile = make_profile(bands, **values)
        result = self.cache.get(profile)
        if result is None:
            if len(self.cache) >= CACHE_SIZE:
                self.cache.clear()
            result = self.cache[profile] = estimate(profile, bands).as_dict()
        return result


def split_estimates(rows: Iterable[Row], bands: Bands, *, defaults: Mapping[str, Any] | None = None,
                    skip: bool = False, report: Callable[[str], None] | None = None,
                    stats: Stats | None = None) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(carried columns, estimate) per good row, in order. A bad row raises MlcompError('line N: ...'),
    or with `skip` is passed to `report` and left out."""
    estimator = Estimator(bands, defaults)
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
            pair = estimator.split(row)
        except MlcompError as e:
            message = f"line {line}: {one_line(e.message)}"
            if not skip:
                raise MlcompError(message) from None
            stats.skipped += 1
            if report is not None:
                report(message)
            continue
        yield pair


def merge(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """Output records: the carried columns followed by the estimate contract."""
    for carried, result in pairs:
        yield {**carried, **result}


def estimates(rows: Iterable[Row], bands: Bands, **options: Any) -> Iterator[dict[str, Any]]:
    """One output record per good row (see split_estimates for the options)."""
    return merge(split_estimates(rows, bands, **options))


def write_jsonl(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]], out: IO[str], *,
                ascii: bool = False) -> None:
    """One JSON object per line, the same text as json.dumps({**carried, **estimate}). An estimate
    shared by many rows is serialized once and spliced in after the row's own columns. Written line
    by line; the stream's own buffering decides when to flush (line by line on a terminal)."""
    dumps = json.dumps
    write = out.write
    texts: dict[int, tuple[dict[str, Any], str]] = {}  # id(estimate) -> (estimate, its JSON after "{")
    for carried, result in pairs:
        cached = texts.get(id(result))
        if cached is None or cached[0] is not result:
            if len(texts) >= CACHE_SIZE:
                texts.clear()
            cached = texts[id(result)] = (result, dumps(result, ensure_ascii=ascii)[1:])
        if carried:
            write(dumps(carried, ensure_ascii=ascii)[:-1] + ", " + cached[1] + "\n")
        else:
            write("{" + cached[1] + "\n")
