"""Money and rates as people type them. Pure: no I/O, no rich, no typer.

Amounts: 240000, 240k, $240,000, 1.2m (case-insensitive suffix k or m). Rates: "15%" or 0.15.
Errors are ValueError with a message that says what is allowed; callers add the key or option.
Every amount is at most MAX_MONEY ($1,000,000,000: equity grants at AI labs run to nine figures), so
no absurd number reaches the arithmetic.
"""

from __future__ import annotations

import math
import re

from mlcomp.errors import shown as quote

AMOUNT_HELP = "an amount such as 240000, 240k, $240,000 or 1.2m"
_AMOUNT = re.compile(r"^\$?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)([km]?)$", re.IGNORECASE)
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000}
MAX_MONEY = 1_000_000_000
TOO_MUCH = f"must be at most ${MAX_MONEY:,}"


def dollars(value: float) -> int:
    """Whole dollars, halves rounded up (the one rounding rule for amounts)."""
    return math.floor(value + 0.5)


def amount(value: object, what: str = AMOUNT_HELP) -> float:
    """A non-negative amount in dollars, not yet rounded; `what` names the kind of number expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected {what}, got {quote(value)}")
    shown = quote(value)
    if isinstance(value, int) and abs(value) > MAX_MONEY:  # before float(), which overflows
        number = math.inf if value > 0 else -math.inf
    elif isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if text.startswith(("-", "$-")):
            raise ValueError(f"must not be negative, got {shown}")
        match = _AMOUNT.match(text)
        if not match:
            raise ValueError(f"expected {what}, got {shown}")
        number = float(match.group(1).replace(",", "")) * _SUFFIX[match.group(2).lower()]
    else:
        raise ValueError(f"expected {what}, got {quote(value)}")
    if math.isnan(number) or (isinstance(value, float) and math.isinf(number)):
        raise ValueError(f"expected {what}, got {shown}")
    if number < 0:
        raise ValueError(f"must not be negative, got {shown}")
    if number > MAX_MONEY:
        raise ValueError(f"{TOO_MUCH}, got {shown}")
    return number


def bounded(value: int) -> int:
    """A whole-dollar amount from a data file, checked against MAX_MONEY."""
    if value > MAX_MONEY:
        raise ValueError(f"{TOO_MUCH}, got {quote(value)}")
    return value


def parse_money(value: object) -> int:
    """Whole dollars from 240000, 240k, $240,000 or 1.2m."""
    return dollars(amount(value))


def parse_rate(value: object, *, low: float = -1.0, high: float = 10.0, what: str = "a rate") -> float:
    """A fraction from "15%" or 0.15 (also "-20%"), between `low` and `high`; `what` names it."""
    shown = quote(value)
    allowed = f"expected {what} such as 15% or 0.15, from {low * 100:g}% to {high * 100:g}%"
    if isinstance(value, bool):
        raise ValueError(f"{allowed}, got {shown}")
    rate = math.nan
    if isinstance(value, int | float):
        rate = float(value) if abs(value) <= 1e6 else math.inf  # float() overflows on a huge integer
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


def parse_count(value: object, low: int, high: int, unit: str = "") -> int:
    """A whole number from `low` to `high` ("4", 4); `unit` names what is counted ("years")."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        number = int(value)
    if number is None or not low <= number <= high:
        of = f" of {unit}" if unit else ""
        raise ValueError(f"must be a whole number{of} from {low} to {high}, got {quote(value)}")
    return number


_SPAN = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)\s*(y|yr|yrs|years?|m|mo|months?)?$", re.IGNORECASE)


def parse_months(value: object, *, low: int = 1, high: int = 360, unit: str = "y") -> int:
    """A span of time in whole months: "18m", "1.5y", "2 years"; a bare number is in `unit` ("y" or "m").
    Fractions are allowed when they come to whole months (1.5y, not 1.4y); from `low` to `high` months."""
    shown = quote(value)
    top = f"{high // 12} years" if high % 12 == 0 else f"{high} months"
    allowed = f"a span such as 18m, 1.5y or {'4 (years)' if unit == 'y' else '12 (months)'}, from {low} " \
              f"month{'s' if low != 1 else ''} to {top}"
    number = math.nan
    suffix = unit
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value) if abs(value) <= 1e6 else math.inf
    elif isinstance(value, str):
        match = _SPAN.match(value.strip())
        if match:
            number, suffix = float(match.group(1)), (match.group(2) or unit)[0].lower()
    if not math.isfinite(number):
        raise ValueError(f"expected {allowed}, got {shown}")
    months = number * 12 if suffix == "y" else number
    if abs(months - round(months)) > 1e-9:
        raise ValueError(f"must come to whole months, got {shown} ({months:.4g} months)")
    if not low <= round(months) <= high:
        raise ValueError(f"expected {allowed}, got {shown}")
    return round(months)
