"""The boundary: every file the tool reads (bands overlays, offers, batch input) is opened, decoded and
parsed here, with the same rules for all of them.

- A name is a path, or '-' for standard input. A missing file, a directory, an unreadable file or an
  empty name is one clear line naming it.
- A document (TOML or JSON) is at most MAX_BYTES; text is UTF-8, with or without a byte-order mark.
- Nesting deeper than MAX_DEPTH is refused before a parser can recurse into it; integers too long
  for Python to convert, NaN/Infinity in JSON and keys given twice are refused with their place.
  Each value is bounded by the schema that reads it (money.MAX_MONEY and the like).

Pure apart from reading: nothing here prints or exits. Problems are MlcompError (exit 1).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from mlcomp.errors import MlcompError, cut, one_line

STDIN = "-"
MAX_BYTES = 10 * 1024 * 1024  # a document (offer, bands overlay); batch input streams and has no limit
MAX_DEPTH = 100  # arrays and tables inside each other; real files use 3
MAX_DIGITS = sys.get_int_max_str_digits() or 4300
BOM = b"\xef\xbb\xbf"
KINDS = ("toml", "json")


MAX_NAME = 200  # characters of a file name quoted in a message


def origin(name: str) -> str:
    """How messages name an input: the path (one printable line, a long one cut), or 'stdin'."""
    if name == STDIN:
        return "stdin"
    return cut(one_line(name), MAX_NAME, MAX_NAME - 30)


def _open(name: str) -> BinaryIO:
    """The file (or stdin for '-') opened for reading bytes."""
    if name == "":
        raise MlcompError("no file name given (an empty argument); give a path, or '-' for stdin")
    if name == STDIN:
        if sys.stdin is None:
            raise MlcompError("stdin: standard input is closed")
        return sys.stdin.buffer
    where = origin(name)
    try:
        return open(name, "rb")
    except FileNotFoundError:
        raise MlcompError(f"{where}: file not found") from None
    except IsADirectoryError:
        raise MlcompError(f"{where}: is a directory, not a file") from None
    except PermissionError:
        raise MlcompError(f"{where}: permission denied") from None
    except (OSError, ValueError) as e:  # ValueError: a NUL byte in the name
        raise MlcompError(f"{where}: cannot read: {getattr(e, 'strerror', None) or e}") from None


def read_bytes(name: str, limit: int = MAX_BYTES) -> bytes:
    """All bytes of a document, at most `limit` of them."""
    stream = _open(name)
    try:
        data = stream.read(limit + 1)
    except OSError as e:
        raise MlcompError(f"{origin(name)}: cannot read: {e.strerror or e}") from None
    finally:
        if name != STDIN:
            stream.close()
    if len(data) > limit:
        raise MlcompError(f"{origin(name)}: larger than {limit // 1024 // 1024} MB; this is not a file "
                          "mlcomp reads")
    return data


def open_text(name: str) -> IO[str]:
    """A stream of text lines (batch input): UTF-8 with a byte-order mark dropped, whatever the locale.
    Bytes that are not UTF-8 are kept as surrogates, so the reader can name the line they are on."""
    return io.TextIOWrapper(_open(name), encoding="utf-8-sig", errors="surrogateescape", newline="")


def decode(data: bytes, where: str) -> str:
    """UTF-8 text (a byte-order mark, as some editors write, is dropped), or one line saying where
    the first byte that is not UTF-8 is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        start = e.start + (3 if data.startswith(BOM) else 0)
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise MlcompError(f"{where}: not UTF-8 text (byte 0x{data[start]:02x} at line {line}, column "
                          f"{column}); save the file as UTF-8") from None


# Strings (TOML's and JSON's quoted forms), comments, and the brackets that nest. A string left open
# runs to the end of its line (or of the text), so that no stretch of text is scanned twice.
_TOKENS = {
    "json": re.compile(r'"(?:[^"\\\n]|\\.)*(?:"|$)|[\[\]{}]', re.MULTILINE),
    "toml": re.compile(r'"""(?:[^\\]|\\.)*?(?:"""|\Z)|\'\'\'(?:.|\n)*?(?:\'\'\'|\Z)'
                       r'|"(?:[^"\\\n]|\\.)*(?:"|$)|\'[^\'\n]*(?:\'|$)|#[^\n]*|[\[\]{}]', re.MULTILINE),
}


def check_depth(text: str, where: str, kind: str, limit: int = MAX_DEPTH) -> None:
    """Refuse arrays/tables nested deeper than `limit`, counted on the text before any parser runs."""
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for match in _TOKENS[kind].finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                raise MlcompError(f"nested deeper than {limit} levels", file=where, line=line)
        elif token in "]}":
            depth = max(depth - 1, 0)


def _too_long(text: str, where: str) -> MlcompError:
    match = re.search(rf"\d[\d_]{{{MAX_DIGITS},}}", text)
    if match is None:
        return MlcompError(f"a number of more than {MAX_DIGITS:,} digits is too large (amounts are at most "
                           "$1,000,000,000)", file=where)
    line = text.count("\n", 0, match.start()) + 1
    digits = sum(c.isdigit() for c in match.group())
    return MlcompError(f"a number of {digits:,} digits is too large (amounts are at most $1,000,000,000)",
                       file=where, line=line)


def _json_object(where: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, value in items:
            if key in data:
                raise MlcompError(f"key '{one_line(key)}' is given twice", file=where)
            data[key] = value
        return data

    return pairs


def _json_constant(where: str) -> Any:
    def refuse(name: str) -> Any:
        raise MlcompError(f"{name} is not a number; give a finite number", file=where)

    return refuse


def _json_float(where: str) -> Any:
    def number(text: str) -> float:
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise MlcompError(f"number {text[:30]} is too large", file=where)
        return value

    return number


def parse(text: str, where: str, kind: str) -> Any:
    """The value of a TOML or JSON text; every problem is one line naming `where` (and the line)."""
    check_depth(text, where, kind)
    try:
        if kind == "json":
            return json.loads(text, object_pairs_hook=_json_object(where), parse_constant=_json_constant(where),
                              parse_float=_json_float(where))
        return tomllib.loads(text)
    except json.JSONDecodeError as e:
        raise MlcompError(f"JSON syntax error at line {e.lineno}, column {e.colno}: {e.msg}", file=where) from None
    except tomllib.TOMLDecodeError as e:
        raise MlcompError(f"TOML syntax error: {one_line(str(e))}", file=where) from None
    except ValueError:  # Python's limit on the digits of an integer (4,300)
        raise _too_long(text, where) from None
    except RecursionError:  # not reached below MAX_DEPTH; kept so that no traceback can escape
        raise MlcompError("nested too deeply", file=where) from None


def row_problem(text: str, error: Exception) -> str:
    """What is wrong with one JSON Lines record that json.loads refused (`error`), in the words of `parse`."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON: {error.msg} (column {error.colno})"
    try:
        parse(text, "", "json")
    except MlcompError as e:
        return e.what  # the batch reader names the line itself
    return f"not valid JSON: {one_line(str(error))}"  # pragma: no cover - parse refuses what json.loads did


def line_index(text: str) -> dict[tuple[str, ...], int]:
    """Every key path a TOML text sets (tables and keys), with the first line (1-based) that sets it:
    read once, so that finding the line of each of many problems stays linear."""
    index: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, raw in enumerate(text.split("\n"), 1):  # TOML lines end at \n only (not at U+2028)
        line = raw.strip()
        if line.startswith("["):
            table = _parts(line.split("#")[0].strip().strip("[]"))
            index.setdefault(table, number)
        elif "=" in line and not line.startswith("#"):
            index.setdefault(table + _parts(line.split("=", 1)[0]), number)
    return index


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip('"').strip("'") for p in dotted.split("."))


def json_index(text: str) -> dict[tuple[str, ...], int]:
    """The first line (1-based) of each key of a JSON text, by the key alone (offers are flat)."""
    index: dict[tuple[str, ...], int] = {}
    line, last = 1, 0
    for match in _JSON_KEY.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        with contextlib.suppress(ValueError):
            index.setdefault((json.loads(match.group(1)),), line)
    return index


_JSON_KEY = re.compile(r'("(?:[^"\\\n]|\\.)*")\s*:')


def locator(text: str, kind: str) -> Callable[[tuple[str | int, ...]], int | None]:
    """The line of a TOML or JSON text that sets the deepest part of a key path, if any (the text is
    read once, so that many lookups stay linear)."""
    index = line_index(text) if kind == "toml" else json_index(text)

    def locate(path: tuple[str | int, ...]) -> int | None:
        parts = tuple(str(part) for part in path)
        for size in range(len(parts), 0, -1):
            if parts[:size] in index:
                return index[parts[:size]]
        return None

    return locate


@dataclass(frozen=True, slots=True)
class Document:
    origin: str  # the path, or 'stdin'
    text: str
    data: Any


def load(name: str, kind: str) -> Document:
    """Read, decode and parse one TOML or JSON document from a path or '-' (stdin)."""
    where = origin(name)
    text = decode(read_bytes(name), where)
    return Document(where, text, parse(text, where, kind))
