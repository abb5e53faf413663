"""Pay review: where each person's actual pay sits in their market range, and what it costs to fix.

A batch row may carry the person's pay (`PAY`: base, bonus, equity, total_comp). `standing` puts it
against the row's own estimate: compa-ratios (pay / market mid), range penetration ((pay - low) /
(high - low)), the verdict in compare's five steps, and the dollars to the market's low and mid.
`Summary` gathers standings as rows stream, in bounded memory, into what a pay review starts from.

Pure: no rich, no typer, no I/O. A pay cell that cannot be read is a MlcompError for its row.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlcomp.errors import MlcompError, shown
from mlcomp.money import parse_money
from mlcomp.offers import VERDICTS, verdict

PAY = ("base", "bonus", "equity", "total_comp")  # a person's pay per year, as batch columns
CURRENCY_MARKS = "€£¥₹₩₽₺₪₫₴₦₱฿"
EXACT = 100_000  # compa-ratios kept exactly for medians; beyond, a histogram of BIN-wide bins
BIN = 0.0005
BINS = 20_000  # compa-ratios from 0 to 10 (a higher one counts in the last bin)
MIN_GROUP = 5  # a group of fewer people is not shown on its own
TOP = 10  # the largest gaps listed
IDS = 100_000  # ids remembered to spot one person given twice


def pay_column(name: str) -> str | None:
    """The pay a column holds, named like the profile columns (any case, '-' or ' ' for '_')."""
    canonical = name.strip().lower().replace("-", "_").replace(" ", "_")
    return canonical if canonical in PAY else None


def parse_pay(name: str, value: Any) -> int | None:
    """Whole dollars from a pay cell (240000, 240k, $240,000), None for an empty one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and any(mark in value for mark in CURRENCY_MARKS):
        raise MlcompError(f"{name} {shown(value)} is in another currency; pay is in US dollars ($)")
    try:
        return parse_money(value)
    except ValueError as e:
        raise MlcompError(f"{name} {e}") from None


@dataclass(frozen=True, slots=True)
class Pay:
    """A person's pay per year; None where the row does not say."""

    base: int | None = None
    bonus: int | None = None
    equity: int | None = None
    total_comp: int | None = None

    @classmethod
    def read(cls, cells: Mapping[str, Any]) -> Pay | None:
        """The pay of a row's pay cells (by PAY name); None when all are empty."""
        pay = cls(**{name: parse_pay(name, cells.get(name)) for name in PAY})
        if pay == cls():
            return None
        if pay.base is None and pay.total_comp is None:
            raise MlcompError("gives bonus or equity but neither base nor total_comp; a pay review places base "
                              "salary or total comp in the market range")
        if pay.total_comp is not None and pay.base is not None and pay.total_comp < pay.base:
            raise MlcompError(f"total_comp ${pay.total_comp:,} is below base ${pay.base:,}; total comp "
                              "includes the base")
        return pay

    @property
    def total(self) -> int | None:
        """Total comp: as given, else base + bonus + equity when the row gives base and either of them."""
        if self.total_comp is not None:
            return self.total_comp
        if self.base is None or (self.bonus is None and self.equity is None):
            return None
        return self.base + (self.bonus or 0) + (self.equity or 0)

    def as_dict(self) -> dict[str, int | None]:
        return {"base": self.base, "bonus": self.bonus, "equity": self.equity, "total_comp": self.total}


def _ratio(value: float, of: float) -> float | None:
    return round(value / of, 4) if of > 0 else None


def _penetration(value: float, market: Mapping[str, int]) -> float | None:
    return round(_place(value, market), 4) if market["high"] > market["low"] else None


def _place(value: float, market: Mapping[str, int]) -> float:
    """Where a value sits in a range (0 its low end, 1 its high end), unrounded, for the verdict; in a
    range of one amount, 0.5 at it."""
    low, high = market["low"], market["high"]
    if high > low:
        return (value - low) / (high - low)
    return 0.5 if value == low else -1.0 if value < low else 2.0


@dataclass(frozen=True, slots=True)
class Standing:
    """Where one person's pay sits against their market range. The gaps (`to_low`, `to_mid`) are on
    base salary, the part a pay review moves, when the row gives it; else on total comp (`gap_on`)."""

    pay: Pay
    base_compa: float | None
    base_penetration: float | None
    total_compa: float | None
    total_penetration: float | None
    verdict: str
    gap_on: str
    to_low: int
    to_mid: int

    def as_dict(self) -> dict[str, Any]:
        return {"pay": self.pay.as_dict(), "base_compa": self.base_compa, "base_penetration": self.base_penetration,
                "total_compa": self.total_compa, "total_penetration": self.total_penetration,
                "verdict": self.verdict, "gap_on": self.gap_on, "to_low": self.to_low, "to_mid": self.to_mid}


def standing(pay: Pay, base: Mapping[str, int], total_comp: Mapping[str, int]) -> Standing:
    """The pay against the market's base and total-comp ranges ({low, mid, high} in dollars). The
    verdict is on total comp when the row gives it, else on base."""
    total = pay.total
    measures = [(name, value, market) for name, value, market in
                (("base", pay.base, base), ("total_comp", total, total_comp)) if value is not None]
    rates = {f"{'total' if name == 'total_comp' else name}_{kind}": value
             for name, amount, market in measures
             for kind, value in (("compa", _ratio(amount, market["mid"])),
                                 ("penetration", _penetration(amount, market)))}
    _, amount, market = measures[-1]
    gap_on, gap_amount, gap_market = measures[0]
    return Standing(
        pay=pay, base_compa=rates.get("base_compa"), base_penetration=rates.get("base_penetration"),
        total_compa=rates.get("total_compa"), total_penetration=rates.get("total_penetration"),
        verdict=verdict(_place(amount, market)),
        gap_on=gap_on, to_low=max(0, gap_market["low"] - gap_amount), to_mid=max(0, gap_market["mid"] - gap_amount))


class Median:
    """The median of a stream of ratios in bounded memory: exact for the first EXACT values, then a
    histogram of BIN-wide bins (within BIN / 2 of the exact median; `exact` says which)."""

    __slots__ = ("bins", "count", "values")

    def __init__(self) -> None:
        self.values: list[float] | None = []
        self.bins: list[int] | None = None
        self.count = 0

    def add(self, value: float) -> None:
        self.count += 1
        if self.values is not None:
            self.values.append(value)
            if len(self.values) > EXACT:
                self.bins = [0] * BINS
                for kept in self.values:
                    self._bin(kept)
                self.values = None
        else:
            self._bin(value)

    def _bin(self, value: float) -> None:
        assert self.bins is not None
        self.bins[min(max(int(value / BIN), 0), BINS - 1)] += 1

    @property
    def exact(self) -> bool:
        return self.values is not None

    def value(self) -> float | None:
        if not self.count:
            return None
        if self.values is not None:
            ordered = sorted(self.values)
            middle = len(ordered) // 2
            found = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
            return round(found, 4)
        assert self.bins is not None
        seen, half = 0, self.count / 2
        for i, n in enumerate(self.bins):
            seen += n
            if seen >= half:
                return round((i + 0.5) * BIN, 4)
        return None  # pragma: no cover - the bins hold every value


@dataclass
class Group:
    """People who share a level, a city or a --by value: their count and median compa-ratios."""

    count: int = 0
    base: Median = field(default_factory=Median)
    total: Median = field(default_factory=Median)

    def add(self, person: Standing) -> None:
        self.count += 1
        if person.base_compa is not None:
            self.base.add(person.base_compa)
        if person.total_compa is not None:
            self.total.add(person.total_compa)

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "median_base_compa": self.base.value(),
                "median_total_compa": self.total.value()}


def _groups(groups: Mapping[str, Group]) -> dict[str, Any]:
    """Groups of at least MIN_GROUP people, by name; the smaller ones counted together, not shown."""
    shown_groups = {name: group.as_dict() for name, group in sorted(groups.items()) if group.count >= MIN_GROUP}
    small = [group.count for group in groups.values() if group.count < MIN_GROUP]
    return {"groups": shown_groups, "not_shown": {"groups": len(small), "people": sum(small),
                                                  "why": f"groups of fewer than {MIN_GROUP} people"}}


def _share(cost: int, payroll: int) -> float | None:
    return round(cost / payroll, 4) if payroll else None


@dataclass
class Summary:
    """What a pay review starts from, gathered row by row in bounded memory."""

    by: str | None = None
    people: int = 0
    without_pay: int = 0
    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    overall: Group = field(default_factory=Group)
    levels: dict[str, Group] = field(default_factory=dict)
    cities: dict[str, Group] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    to_low: int = 0
    to_mid: int = 0
    payroll: int = 0
    gaps: list[tuple[int, int, str]] = field(default_factory=list)  # a heap: (to_mid, -line, who)
    ids: set[str] = field(default_factory=set)
    repeated: int = 0

    def add(self, person: Standing, *, line: int, level: str, city: str, group: str | None = None,
            who: str | None = None) -> str | None:
        """Count one person; returns a note when their id was seen before (counted again, not merged)."""
        self.people += 1
        self.verdicts[person.verdict] += 1
        for groups, key in ((self.levels, level), (self.cities, city), (self.groups, group)):
            if key is not None:
                groups.setdefault(key, Group()).add(person)
        self.overall.add(person)
        self.to_low += person.to_low
        self.to_mid += person.to_mid
        self.payroll += (person.pay.base if person.gap_on == "base" else person.pay.total) or 0
        entry = (person.to_mid, -line, who or f"line {line}")
        if len(self.gaps) < TOP:
            heapq.heappush(self.gaps, entry)
        elif entry > self.gaps[0]:
            heapq.heapreplace(self.gaps, entry)
        return self._seen(who, line)

    def _seen(self, who: str | None, line: int) -> str | None:
        if who is None:
            return None
        if who in self.ids:
            self.repeated += 1
            return f"line {line}: id {shown(who)} was given before; counted again, not merged"
        if len(self.ids) < IDS:
            self.ids.add(who)
        return None

    def as_dict(self) -> dict[str, Any]:
        exact = all(median.exact for group in (self.overall, *self.levels.values(), *self.cities.values(),
                                               *self.groups.values()) for median in (group.base, group.total))
        return {
            "people": self.people, "without_pay": self.without_pay, "repeated_ids": self.repeated,
            "verdicts": dict(self.verdicts),
            "median_base_compa": self.overall.base.value(), "median_total_compa": self.overall.total.value(),
            "medians_exact": exact,
            "by_level": _groups(self.levels), "by_city": _groups(self.cities),
            **({"by": self.by, f"by_{self.by}": _groups(self.groups)} if self.by else {}),
            "cost": {"to_low": self.to_low, "to_mid": self.to_mid, "payroll": self.payroll,
                     "to_low_share": _share(self.to_low, self.payroll),
                     "to_mid_share": _share(self.to_mid, self.payroll)},
            "largest_gaps": [{"who": who, "line": -line, "to_mid": gap}
                             for gap, line, who in sorted(self.gaps, reverse=True) if gap > 0],
        }
