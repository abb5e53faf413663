"""The one domain error type. The CLI turns it into one line on stderr and an exit code."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any


class MlcompError(Exception):
    """A problem with the user's input or data. `usage=True` means a bad value typed on the command
    line (exit 2); otherwise a bad file or row (exit 1)."""

    def __init__(self, message: str, *, usage: bool = False, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.field = field  # the option or column the problem is in, when there is one

    def __str__(self) -> str:
        return self.message


def one_line(text: str) -> str:
    """Text from outside as one printable line: a newline or control character is shown escaped
    (\\n, \\x1b, \\x00), so a quoted value can neither break a message nor drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def shown(value: object, limit: int = 60) -> str:
    """A value from outside as a message quotes it: one printable line in quotes, cut to `limit`
    characters (a megabyte of text or a 400-digit number is named, not printed)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** limit:
        return f"a number of more than {limit} digits"
    text = cut(one_line(value if isinstance(value, str) else repr(value)), limit, limit - 20)
    return f"'{text}'" if isinstance(value, str) else text


def cut(text: str, limit: int, keep: int | None = None) -> str:
    """Text of at most about `limit` characters: a longer one keeps its first `keep` (default `limit`)
    and says how long it was."""
    return text if len(text) <= limit else f"{text[:limit if keep is None else keep]}...({len(text):,} characters)"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean 'sf'?' or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def plain(pydantic_error: Mapping[str, Any]) -> str:
    """What one pydantic error says, in this tool's words: 'must be a valid number', 'unknown key'."""
    kind = pydantic_error.get("type")
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        return "unknown key"
    return wording(str(pydantic_error.get("msg", "")))


def wording(message: str) -> str:
    """pydantic's phrasing ('Value error, ...', 'Input should be ...') as this tool says it."""
    return message.replace("Value error, ", "").replace("Input should be", "must be")
