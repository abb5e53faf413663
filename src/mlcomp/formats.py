"""The one output pipeline for scripts: plain rows to JSON, JSON Lines, CSV, TSV or one field.

Commands hand over plain rows (dicts of JSON values); `write` serialises them. CSV and TSV have a
header row, every row is exactly as wide as it, and a value that is not text or a number (a list,
an object, true, false, null) is written as its JSON text. JSON is always valid: NaN and infinities
are refused. The batch builds its compiled rows from the same encoders (`template`), so there is one
definition of how a row is written. No rich here.
"""

from __future__ import annotations

import csv
import json
import json.encoder
import os
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

from mlcomp.errors import MlcompError

FORMATS = ("json", "jsonl", "csv", "tsv")
DELIMITERS = {"csv": ",", "tsv": "\t"}
BETWEEN = "; "  # between two adjustments in one cell
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_INDENTED = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=2).encode
# json.dumps(value, ensure_ascii=False, allow_nan=False) less its Python layers: the C encoder, made once
# (json.encoder.c_make_encoder's arguments as of Python 3.11-3.13; None where the module has no C part)
_MAKE = getattr(json.encoder, "c_make_encoder", None)
_C = _MAKE and _MAKE(None, _ENCODER.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, False)


class NotJson(ValueError):
    """A value JSON cannot hold (NaN, an infinity)."""


def json_text(value: Any, *, indent: int | None = None) -> str:
    """JSON text as the standard library writes it (UTF-8 text, not escapes); NotJson for NaN or
    an infinity."""
    try:
        text: str = _INDENTED(value) if indent else "".join(_C(value, 0)) if _C else _ENCODER.encode(value)
    except ValueError:
        raise NotJson("NaN, Infinity and numbers beyond 1.8e308 are not JSON; give a finite number, or "
                      "text") from None
    return text


def cell(value: Any) -> str:
    """A value as a CSV/TSV cell or a --field line: text and numbers as they are (numbers as JSON
    writes them), None empty, anything else (true, false, a list, an object) as its JSON text."""
    kind = type(value)
    if kind is str:
        return str(value)
    if value is None:
        return ""
    if kind is int:
        return str(value)
    return json_text(value)


class Lines:
    """A file for a csv writer made with lineterminator='\\r\\n' (so that it quotes a cell holding '\\r' or
    '\\n' on every Python; only 3.13 does with '\\n'): each row reaches `write` ending in `end` instead."""

    def __init__(self, write: Callable[[str], Any], end: str = "\n") -> None:
        self.write = lambda row: write(row[:-2] + end)


def delimited(fmt: str, write: Callable[[str], Any], end: str | None = "\n") -> Any:
    """A csv writer for CSV or TSV whose rows reach `write` ending in `end` (None: in '\r\n', as the
    writer makes them, with no call between it and `write`)."""
    file = Lines(write, end) if end is not None else types.SimpleNamespace(write=write)
    return csv.writer(file, delimiter=DELIMITERS[fmt], lineterminator="\r\n")


def line(cells: Iterable[Any], fmt: str) -> str:
    """One CSV or TSV line (with '\\n') of values, each written by `cell`."""
    lines: list[str] = []
    delimited(fmt, lines.append).writerow([cell(value) for value in cells])
    return lines[0]


def quoted(value: Any, fmt: str) -> str:
    """One cell of CSV or TSV as it is written among others (alone, an empty one would be '""')."""
    return line([value, ""], fmt)[:-2]


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"base": {"low": 1}} -> {"base_low": 1}; a list of adjustments becomes one readable cell."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping):
            flat.update(flatten(item, f"{name}_"))
        elif isinstance(item, list):
            flat[name] = BETWEEN.join(describe(a) for a in item)
        else:
            flat[name] = item
    return flat


def percent(rate: float) -> str:
    text = f"{rate * 100:+.1f}".removesuffix(".0")
    return f"{text}%"


def describe(adjustment: Mapping[str, Any]) -> str:
    """'location sf +15%..+30%' for a CSV cell; explained, its source and assumption after it."""
    text = f"{adjustment['factor']} {adjustment['key']} {percent(adjustment['low'])}..{percent(adjustment['high'])}"
    if adjustment.get("source"):
        text += f' "{adjustment["source"]}"'
    if adjustment.get("assumption"):
        text += f" Assumption: {adjustment['assumption']}"
    return text


def write(rows: Iterable[Mapping[str, Any]], fmt: str, out: IO[str], *, document: Any = None,
          field: str | None = None) -> None:
    """Rows to `out`: `field` alone (one line per row), or in `fmt`: json (the `document` if given,
    else a list of the rows), jsonl (a line per row), csv or tsv (flat rows under the first row's
    keys; a row with a key the header lacks is refused, one without a key gets an empty cell)."""
    if field is not None:
        out.writelines(cell(pick(row, field)) + "\n" for row in rows)
    elif fmt == "json":
        out.write(json_text(list(rows) if document is None else document, indent=2) + "\n")
    elif fmt == "jsonl":
        out.writelines(json_text(row) + "\n" for row in rows)
    elif fmt in DELIMITERS:
        out.writelines(delimited_lines(rows, fmt))
    else:
        raise MlcompError(f"unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}", usage=True)


def delimited_lines(rows: Iterable[Mapping[str, Any]], fmt: str) -> Iterator[str]:
    """A header line of the first row's keys, then a line per row, every one as wide as the header."""
    header: list[str] | None = None
    known: set[str] = set()
    for row in rows:
        if header is None:
            header = list(row)
            known = set(header)
            yield line(header, fmt)
        extra = [key for key in row if key not in known]
        if extra:
            raise MlcompError(f"column '{extra[0]}' is not in the header ({', '.join(header)})")
        yield line((row.get(key) for key in header), fmt)


def compare_rows(comparison: Any, *, growth: bool = False) -> Iterator[dict[str, Any]]:
    """One flat row per offer per year of a Comparison, for CSV and TSV: the year's amounts, then the
    offer's break-even growth and (when any offer has one) its market view, flattened (market_ask_base,
    ...). With `growth`, first columns say the scenario's growth rate (and bonus case)."""
    markets = [market_cells(o.market) for o in comparison.offers if o.market]
    blank = dict.fromkeys(markets[0], "") if markets else {}
    for offer in comparison.offers:
        market = market_cells(offer.market) if offer.market else blank
        leave = flatten(offer.leaving.as_dict(), "leave_") if offer.leaving else {}
        bonus = {"break_even_bonus": offer.break_even_bonus} if offer.ranged else {}
        extra = {"break_even_growth": offer.break_even_growth, **bonus, **leave, **market}
        for year in offer.by_year:
            lead = scenario(comparison) if growth else {}
            yield {**lead, "name": offer.name, **year.as_dict(), **extra}


def scenario(comparison: Any) -> dict[str, Any]:
    """What a row of a scenario starts with: its growth and (for bonus ranges) its bonus case."""
    return {"growth": comparison.growth, **({"bonus_case": comparison.bonus} if comparison.bonus else {})}


def market_cells(market: Any) -> dict[str, Any]:
    """An offer's market view flattened (market_ask_base, ...), the ask's reasons in one cell (their
    keys vary by offer)."""
    data = market.as_dict()
    reasons = "; ".join(f"{key}: {why}" for key, why in data["ask"]["reasons"].items())
    return flatten({**data, "ask": {**data["ask"], "reasons": reasons}}, "market_")


def listing_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of `bands` or `factors` for CSV and TSV: a list as its items joined by spaces, a whole
    number as an integer (0.0 as 0)."""
    return {key: " ".join(value) if isinstance(value, list) else int(value)
            if isinstance(value, float) and value.is_integer() else value for key, value in row.items()}


def pick(value: Any, path: str) -> Any:
    """The value at a dotted path such as 'total_comp.mid' or 'adjustments.0.key'."""
    current = value
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            raise MlcompError(f"no field '{path}'. Fields: {', '.join(paths(value))}", usage=True,
                              field="field")
    return current


def paths(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, Mapping):
        return [p for key, item in value.items() for p in paths(item, f"{prefix}{key}.")]
    return [prefix.rstrip(".")]


# --- templates: a row's text made once, with holes for what changes from row to row ---------------

# A hole's mark holds a token drawn per process, so that no text of a row or of the data can look like one.
_TOKEN = os.urandom(8).hex()
_HOLE = re.compile(rf'"?(?:\x00|\\u0000){_TOKEN}(\d+)(?:\x00|\\u0000)"?')


def hole(number: int) -> str:
    """A placeholder for the value `number` of a template's row."""
    return f"\x00{_TOKEN}{number}\x00"


def template(row: Mapping[str, Any], fmt: str, *, first: bool = True, last: bool = True) -> tuple[str, list[int]]:
    """The text of `row` in `fmt` (jsonl: its members; csv/tsv: its cells) as a '%s' format string, a
    '%s' where a value is a `hole`, and the holes' numbers in the order they appear. A value put in
    must be written as it would be (`json_text` for JSON, `cell` for CSV).
    `first` starts the line ('{' in JSON), `last` ends it ('}' and the newline; otherwise what comes
    between this part and the next)."""
    if fmt == "jsonl":
        text = json_text(dict(row))[1:-1] if row else ""
        text = ("{" if first else "") + text + ("}\n" if last else ", " if text else "")
    elif not row:
        text = "\n" if last else ""
    else:
        lines: list[str] = []
        delimited(fmt, lines.append).writerow([cell(value) for value in row.values()] + ([] if last else [""]))
        text = lines[0] if last else lines[0][:-1]
    parts = _HOLE.split(text)
    return "%s".join(piece.replace("%", "%%") for piece in parts[::2]), [int(n) for n in parts[1::2]]
