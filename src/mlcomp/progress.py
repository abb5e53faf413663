"""A batch's progress on a terminal's stderr: one line, redrawn in place, erased when the run ends.

With the input's size known (a file, or stdin redirected from one) it shows the share read and the
time left; otherwise rows and rows per second. At the end, a one-line summary; after Ctrl-C, how
many rows the output holds. No escape codes (a carriage return and spaces erase the line, on any
terminal) and no thread: the line is redrawn from the rows' own loop, at most ten times a second,
checked every 256 rows, so it costs the run nothing it would notice. Pure: no rich, no typer.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, TypeVar

T = TypeVar("T")
EVERY = 256  # rows between looks at the clock
REDRAW = 0.1  # seconds between redraws


def position_of(stream: Any) -> tuple[int | None, Callable[[], int] | None]:
    """(size in bytes, a function giving the bytes read so far) of a stream read from a regular file;
    (None, None) for a pipe, a terminal or a stream without a file."""
    try:
        fd = stream.fileno()
        info = os.fstat(fd)
    except (AttributeError, OSError, ValueError):
        return None, None
    if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
        return None, None
    return info.st_size, lambda: os.lseek(fd, 0, os.SEEK_CUR)


def duration(seconds: float) -> str:
    """'8 s', '3 min', '1 h 5 min': a time as a person reads it."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"


def rows_text(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


class Meter:
    """Counts the rows a batch has finished with (`counted` wraps the rows read) and, when `draw`,
    shows the progress line on `err`, `width` characters at most."""

    def __init__(self, err: IO[str], *, draw: bool, size: int | None = None,
                 position: Callable[[], int] | None = None, width: int = 80) -> None:
        self.err, self.draw, self.size, self.position, self.width = err, draw, size, position, width
        self.done = 0  # rows read and dealt with (written or rejected)
        self.start = time.perf_counter()
        self.shown = 0  # characters of the line on screen
        self.drawn_at = self.start

    def counted(self, rows: Iterable[T]) -> Iterator[T]:
        """The rows, counted: a row is done when the next one is asked for."""
        for i, row in enumerate(rows, 1):
            if not i % EVERY and self.draw:
                self.tick(i)
            yield row
            self.done = i

    def tick(self, rows: int) -> None:
        now = time.perf_counter()
        if now - self.drawn_at >= REDRAW:
            self.drawn_at = now
            self.show(self.line(rows, now - self.start))

    def line(self, rows: int, elapsed: float) -> str:
        """'42% · 120,000 rows · 310,000 rows/s · 8 s left', or without the share and time left."""
        parts = [rows_text(rows), f"{rows / max(elapsed, 1e-9):,.0f} rows/s"]
        read = self.position() if self.position is not None else None
        if self.size and read:
            share = min(read / self.size, 1.0)
            parts = [f"{share:.0%}", *parts, f"{duration(elapsed * (1 - share) / share)} left"]
        return " · ".join(parts)

    def show(self, text: str) -> None:
        text = text[:max(self.width - 1, 1)]
        blank, self.shown = max(self.shown - len(text), 0), max(self.shown, len(text))  # before the write: an
        self.write("\r" + text + " " * blank)  # interrupt in it leaves a line `erase` still knows about
        self.shown = len(text)

    def erase(self) -> None:
        if self.shown:
            self.write("\r" + " " * self.shown + "\r")
            self.shown = 0

    def write(self, text: str) -> None:
        try:
            self.err.write(text)
            self.err.flush()
        except (OSError, ValueError):
            self.draw = False

    def above(self, message: str) -> None:
        """A message on its own line, the progress line redrawn under it at the next redraw."""
        self.erase()
        self.write(message + "\n")

    def summary(self) -> str:
        elapsed = time.perf_counter() - self.start
        return f"{rows_text(self.done)} in {elapsed:.1f} s ({self.done / max(elapsed, 1e-9):,.0f} rows/s)"

    def stopped(self, held: int | None) -> str:
        """After Ctrl-C: the rows dealt with and, when each is a line of its own, the output's rows."""
        said = f"stopped after {rows_text(max(self.done, held or 0))}"
        if held is not None:
            said += f"; the output holds {held:,} complete row{'s' if held != 1 else ''}"
        return said
