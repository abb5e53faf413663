"""Money and rates as people type them. Pure: no I/O, no rich, no typer.

Amounts: 240000, 240k, $240,000, 1.2m (case-insensitive suffix k or m). Rates: "15%" or 0.15.
Errors are ValueError with a message that says what is allowed; callers add the key or option.
"""

from __future__ import annotations

import math
import re

AMOUNT_HELP = "an amount such as 240000, 240k, $240,000 or 1.2m"
_AMOUNT = re.compile(r"^\$?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)([km]?)$", re.IGNORECASE)
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000}


def dollars(value: float) -> int:
    """Whole dollars, halves rounded up (the one rounding rule for amounts)."""
    return math.floor(value + 0.5)


def amount(value: object) -> float:
    """A non-negative amount in dollars, not yet rounded."""
    if isinstance(value, bool):
        raise ValueError(f"expected {AMOUNT_HELP}, got {value!r}")
    if isinstance(value, int | float):
        number = float(value)
        shown = repr(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        shown = f"'{value}'"
        if text.startswith(("-", "$-")):
            raise ValueError(f"must not be negative, got {shown}")
        match = _AMOUNT.match(text)
        if not match:
            raise ValueError(f"expected {AMOUNT_HELP}, got {shown}")
        number = float(match.group(1).replace(",", "")) * _SUFFIX[match.group(2).lower()]
    else:
        raise ValueError(f"expected {AMOUNT_HELP}, got {value!r}")
    if not math.isfinite(number):
        raise ValueError(f"expected {AMOUNT_HELP}, got {shown}")
    if number < 0:
        raise ValueError(f"must not be negative, got {shown}")
    return number


def parse_money(value: object) -> int:
    """Whole dollars from 240000, 240k, $240,000 or 1.2m."""
    return dollars(amount(value))


def parse_rate(value: object, *, low: float = -1.0, high: float = 10.0) -> float:
    """A fraction from "15%" or 0.15 (also "-20%"), between `low` and `high`."""
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    allowed = f"expected a rate such as 15% or 0.15, from {low * 100:g}% to {high * 100:g}%"
    if isinstance(value, bool):
        raise ValueError(f"{allowed}, got {shown}")
    rate = math.nan
    if isinstance(value, int | float):
        rate = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        try:
            rate = float(text) * scale
        except ValueError:
            rate = math.nan
    if not math.isfinite(rate) or not low <= rate <= high:
        raise ValueError(f"{allowed}, got {shown}")
    return rate


def is_percent(value: object) -> bool:
    return isinstance(value, str) and value.strip().endswith("%")
