"""Reading what a program writes to a pseudo-terminal, for the tests that give it one."""

from __future__ import annotations

import os
import select
from collections.abc import Callable


def read_all(leader: int, timeout: float = 60, each: Callable[[bytes], None] | None = None) -> bytes:
    """All that the other end of the pseudo-terminal `leader` writes until it closes it (or nothing
    comes for `timeout` seconds); `each` is called with all read so far after every chunk."""
    seen = b""
    while select.select([leader], [], [], timeout)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other end closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if each is not None:
            each(seen)
    return seen
