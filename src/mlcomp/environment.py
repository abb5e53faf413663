"""Where a run reads and writes: the streams, whether each is a terminal, the terminal's encoding, colour
and width, and the export recorder. The command line makes one Environment (`of_process`) and passes
it down; tests make their own with other fields. Nothing here is a module global.

Results (JSON, JSON Lines, CSV, TSV, --field) are UTF-8 whatever the locale, so no character is ever
lost; tables and charts, which are for people, are written in the terminal's own encoding, with '?'
for a character it lacks (Degraded). rich is imported only when a console is made.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console

EXPORTS = {".svg": "svg", ".html": "html", ".htm": "html"}


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
    recorder: Console | None = None  # while --export is on: the console that keeps what is printed
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
        """The console tables and charts are printed on: the recording one while exporting, else one
        on stdout (or `file`) that never reads markup in text (offer names, row values are literal)."""
        if file is None and self.recorder is not None:
            return self.recorder
        return make_console(file or self.stdout or sys.stdout, width=self.width, colors=self.colors,
                            encoding=self.terminal_encoding if file is None else None)

    @contextlib.contextmanager
    def recording(self, path: Path, title: str = "mlcomp") -> Iterator[None]:
        """Print to the terminal as usual and save what was printed (tables, charts) to `path`, as SVG
        or HTML by its extension (see EXPORTS), when the block ends without an error."""
        out = self.console()
        out.record = True
        self.recorder = out
        try:
            yield
        finally:
            self.recorder = None
        svg = EXPORTS[path.suffix.lower()] == "svg"
        path.write_text(out.export_svg(title=title) if svg else out.export_html(inline_styles=True),
                        encoding="utf-8")


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
