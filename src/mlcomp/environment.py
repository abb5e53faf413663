"""Where a run reads and writes: the streams, whether each is a terminal, the terminal's encoding, colour
and width, and the pager. The command line makes one Environment (`of_process`) and passes
it down; tests make their own with other fields. Nothing here is a module global.

Results (JSON, JSON Lines, CSV, TSV, --field) are UTF-8 whatever the locale, so no character is ever
lost; tables and charts, which are for people, are written in the terminal's own encoding, with '?'
for a character it lacks (Degraded). rich is imported only when a console is made.

On a terminal, tables and charts longer than the screen go through a pager (`paging`), as git and
gh do: MLCOMP_PAGER, else PAGER, else `less` with LESS=FRX; an empty value or `cat` turns it off.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console


class Degraded:
    """A text stream written in an encoding that lacks some characters: each one becomes '?'."""

    def __init__(self, stream: IO[str], encoding: str) -> None:
        self.stream, self.encoding = stream, encoding

    def write(self, text: str) -> int:
        data = text.encode(self.encoding, "replace")
        buffer = getattr(self.stream, "buffer", None)
        if buffer is None:  # a stream of text only (tests): the characters, as the encoding keeps them
            self.stream.write(data.decode(self.encoding))
        else:  # the bytes of the terminal's encoding (the stream itself writes UTF-8, for data formats)
            self.stream.flush()
            buffer.write(data)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


def is_utf8(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name == "utf-8"
    except LookupError:
        return False


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


@dataclass
class Environment:
    stdin: IO[str] | None
    stdout: IO[str] | None
    stderr: IO[str] | None
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    terminal_encoding: str | None = None  # stdout's encoding when it is not UTF-8: tables degrade to it
    colors: bool = True  # False with NO_COLOR set: no control codes at all
    width: int | None = None  # None: the terminal's (or rich's default)
    quiet: bool = False  # --quiet: no notes or progress on stderr (errors still)

    @classmethod
    def of_process(cls, environ: Mapping[str, str] | None = None) -> Environment:
        """This process's streams, with stdout and stderr set up for results and messages: stdout
        written in UTF-8 (its own encoding kept for tables), stderr never failing on a character."""
        environ = os.environ if environ is None else environ
        out, err = sys.stdout, sys.stderr
        encoding = None
        if out is not None and hasattr(out, "reconfigure") and not is_utf8(out.encoding):
            encoding = out.encoding
            out.reconfigure(encoding="utf-8", errors="strict")
        if err is not None and hasattr(err, "reconfigure") and not is_utf8(err.encoding):
            err.reconfigure(errors="replace")
        return cls(sys.stdin, out, err, _isatty(out), _isatty(err), encoding, not environ.get("NO_COLOR"))

    def console(self, file: IO[str] | None = None) -> Console:
        """The console tables and charts are printed on: one on stdout (or `file`) that never reads
        markup in text (offer names, row values are literal)."""
        return make_console(file or self.stdout or sys.stdout, width=self.width, colors=self.colors,
                            encoding=self.terminal_encoding if file is None else None)

    @contextlib.contextmanager
    def paging(self, environ: Mapping[str, str] | None = None) -> Iterator[None]:
        """While the block runs, what is printed for people on a terminal goes through the pager once
        it is longer than the screen (see `pager_command`); off when stdout is not a terminal."""
        command = pager_command(os.environ if environ is None else environ)
        if not (self.stdout_isatty and command and self.stdout is not None):
            yield
            return
        stream = self.stdout
        paged = Paged(stream, command, shutil.get_terminal_size().lines, self.terminal_encoding or "utf-8")
        self.stdout = cast("IO[str]", paged)
        try:
            yield
        finally:
            self.stdout = stream
            paged.close()


def pager_command(environ: Mapping[str, str]) -> str | None:
    """The pager to run: MLCOMP_PAGER, else PAGER, else less -FRX if there is one; None for none
    (a setting that is empty or `cat`)."""
    for name in ("MLCOMP_PAGER", "PAGER"):
        if name in environ:
            command = environ[name].strip()
            return None if command in ("", "cat") else command
    return "less" if shutil.which("less") else None


class Paged:
    """A terminal's stdout held back until it is longer than the screen: then the pager is started
    and given all of it, and what follows; at the end, what is held is written as it is, or the
    pager is waited for (as git does, an interrupt while waiting is the pager's, not ours)."""

    def __init__(self, stream: IO[str], command: str, height: int, encoding: str) -> None:
        self.stream, self.command, self.height, self.encoding = stream, command, max(height, 2), encoding
        self.held: list[str] = []
        self.lines = 0
        self.pager: subprocess.Popen[str] | None = None

    def write(self, text: str) -> int:
        if self.pager is None:
            self.held.append(text)
            self.lines += text.count("\n")
            if self.lines >= self.height:
                self._start()
        else:
            self._send(text)
        return len(text)

    def _start(self) -> None:
        env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}  # quit if one screen, colours, no clearing
        self.pager = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE, env=env, text=True,
                                      encoding=self.encoding, errors="replace")
        self._send("".join(self.held))
        self.held = []

    def _send(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # the reader quit the pager: the rest is not wanted
            self.pager.stdin.write(text)  # type: ignore[union-attr]

    def flush(self) -> None:
        if self.pager is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self.pager.stdin.flush()  # type: ignore[union-attr]

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.stream.fileno()

    def close(self) -> None:
        if self.pager is None:
            self.stream.write("".join(self.held))
            self.stream.flush()
            return
        with contextlib.suppress(OSError, ValueError):
            self.pager.stdin.close()  # type: ignore[union-attr]
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.pager.wait()
        finally:
            signal.signal(signal.SIGINT, previous)


def make_console(file: IO[str], *, width: int | None = None, colors: bool = True,
                 encoding: str | None = None) -> Console:
    """A rich console that never reads markup or emoji codes in text; with `colors` off it writes no
    control codes at all (rich alone would still write bold); `encoding`: the terminal's, when the
    stream itself writes UTF-8."""
    from rich.console import Console

    if encoding:
        file = cast("IO[str]", Degraded(file, encoding))
    return Console(file=file, width=width, markup=False, highlight=False, emoji=False,
                   color_system="auto" if colors else None)


def plain(file: IO[str], width: int | None = None, **settings: Any) -> Environment:
    """An environment writing to one text stream, no terminal, no colour (for tests and the library)."""
    return Environment(None, file, file, colors=False, width=width, **settings)
