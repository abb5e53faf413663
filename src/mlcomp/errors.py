"""The one domain error type, and the one reading of pydantic's errors. The CLI turns an error into
lines on stderr and an exit code (usage: 2, data: 1); nothing edits a message after it is made:
an error is data (where, what, what is allowed) until it is printed."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

MAX_SHOWN = 10  # problems listed one per line; the rest are counted
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong: `what`, and where it is (a file or 'stdin', a line, a key path), with what is
    allowed or suggested (`hint`, e.g. "Did you mean 'sf'? Known: ...")."""

    what: str
    file: str | None = None
    line: int | None = None
    path: Path = ()
    hint: str = ""

    def text(self) -> str:
        """'file: key.path: what (line N). hint', or 'file: line N: what' for a place with no key."""
        head = [self.file] if self.file else []
        if self.path:
            head.append(key_path(self.path))
        elif self.line:
            head.append(f"line {self.line}")
        at = f" (line {self.line})" if self.line and self.path else ""
        return ": ".join([*head, self.what + at + self.hint])


class MlcompError(Exception):
    """A problem with the user's input or data: one Problem, or several (`problems`, of which `total`
    in all when more were found than are kept). `usage=True` means a bad value typed on the command
    line (exit 2); otherwise a bad file or row (exit 1). `field` names the library keyword or batch
    column the problem is in; `option` the command-line option, when the CLI knows it."""

    def __init__(self, what: str = "", *, usage: bool = False, field: str | None = None, option: str | None = None,
                 file: str | None = None, line: int | None = None, path: Path = (), hint: str = "",
                 problems: Sequence[Problem] = (), total: int | None = None) -> None:
        self.problems = tuple(problems) or (Problem(what, file, line, path, hint),)
        self.total = max(total or 0, len(self.problems))
        self.usage, self.field, self.option = usage, field, option
        super().__init__(self.message)

    @property
    def what(self) -> str:
        """What is wrong, without the place (the first problem's)."""
        return self.problems[0].what + self.problems[0].hint

    @property
    def message(self) -> str:
        lines = [problem.text() for problem in self.problems[:MAX_SHOWN]]
        hidden = self.total - len(lines)
        if hidden:
            lines.append(f"... and {hidden:,} more problem{'s' if hidden != 1 else ''} ({self.total:,} in all)")
        return "\n".join(lines)

    def at(self, *, file: str | None = None, path: Path = (), usage: bool | None = None) -> MlcompError:
        """The same problems placed in `file` and under `path` (an offer's key, say): a new error, no
        longer about a keyword or an option."""
        placed = [replace(p, file=p.file or file, path=(*path, *p.path)) for p in self.problems]
        return MlcompError(usage=self.usage if usage is None else usage, problems=placed, total=self.total)

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
    characters (a megabyte of text or a 400-digit number is named, not printed). Dates and times
    (TOML has them) are shown as written."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** limit:
        return f"a number of more than {limit} digits"
    text = cut(one_line(value if isinstance(value, str) else _written(value)), limit, limit - 20)
    return f"'{text}'" if isinstance(value, str) else text


def _written(value: object) -> str:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else repr(value)


def cut(text: str, limit: int, keep: int | None = None) -> str:
    """Text of at most about `limit` characters: a longer one keeps its first `keep` (default `limit`)
    and says how long it was."""
    return text if len(text) <= limit else f"{text[:limit if keep is None else keep]}...({len(text):,} characters)"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean 'sf'?' or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key_path(parts: Iterable[str | int]) -> str:
    """A key path as TOML writes it: levels.mid.low, or cities."new york".low for an odd key."""
    return ".".join(str(part) if isinstance(part, int) or BARE_KEY.match(part)
                    else one_line(json.dumps(part, ensure_ascii=False)) for part in parts)


def unknown_key(key: str, known: Sequence[str], listed: bool = False) -> str:
    """The hint for a key that is not one of `known`: the closest, and (`listed`) all of them
    ('. Did you mean 'bonus'? Keys: name, base, ...'), or '' when there is nothing to say."""
    tail = did_you_mean(key, known) + (f" Keys: {', '.join(known)}" if listed and known else "")
    return f".{tail}" if tail else ""


# ---- pydantic ------------------------------------------------------------------------------------

# pydantic's phrasing, as this tool says it (applied to pydantic's own text, when it is first read).
_PYDANTIC_WORDS = (("Value error, ", ""), ("Input should be", "must be"))


def wording(message: str) -> str:
    """pydantic's (or click's) phrasing ('Value error, ...', 'Input should be ...') in this tool's words."""
    for theirs, ours in _PYDANTIC_WORDS:
        message = message.replace(theirs, ours)
    return message


def plain(pydantic_error: Mapping[str, Any]) -> str:
    """What one pydantic error says, in this tool's words: 'must be a valid number', 'unknown key'."""
    kind = pydantic_error.get("type")
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        return "unknown key"
    return wording(str(pydantic_error.get("msg", "")))


Locate = Callable[[Path], "int | None"]
Known = Callable[[Path], Sequence[str]]


def from_pydantic(errors: Iterable[Mapping[str, Any]], *, file: str, locate: Locate | None = None,
                  known: Known | None = None, usage: bool = False, listed: bool = False) -> MlcompError:
    """One error for all of a validation's problems (bands file or offer alike): each with its key path,
    its line (`locate`, from the file's text) and, for an unknown key, the closest known one
    (`known`: the keys allowed beside it; `listed`: and all of them). Only the first MAX_SHOWN are
    worked out in full; the others are counted."""
    problems: list[Problem] = []
    total = 0
    for err in errors:
        for what in plain(err).split("\n"):  # a whole-file check: one problem per line, each with its path
            total += 1
            if len(problems) < MAX_SHOWN:
                problems.append(_problem(err, what, file, locate, known, listed))
    return MlcompError(usage=usage, problems=problems, total=total)


def _problem(err: Mapping[str, Any], what: str, file: str, locate: Locate | None, known: Known | None,
             listed: bool) -> Problem:
    path: Path = tuple(err.get("loc", ()))
    if not path:  # a check of the whole file: its message starts with the key path it is about
        head, sep, rest = what.partition(": ")
        if sep and _KEY_PATH.fullmatch(head):
            path, what = _split_path(head), rest
    hint = ""
    if err.get("type") == "extra_forbidden" and known is not None and path:
        hint = unknown_key(str(path[-1]), known(path[:-1]), listed)
    return Problem(what, file, locate(path) if locate and path else None, path, hint)


_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*")'
_KEY_PATH = re.compile(rf"{_PART}(?:\.{_PART})*")


def _split_path(dotted: str) -> Path:
    """levels.mid.low -> ('levels', 'mid', 'low'); a quoted part ("new york") keeps its dots."""
    return tuple(json.loads(part) if part.startswith('"') else part
                 for part in re.findall(r'"(?:[^"\\]|\\.)*"|[^.]+', dotted))
