"""Pay review: where each person's actual pay sits in their market range, and what it costs to fix.

A batch row may carry the person's pay (`PAY`: base, bonus, equity, total_comp). `standing` puts it
against the row's own estimate: compa-ratios (pay / market mid), range penetration ((pay - low) /
(high - low)), the verdict in compare's five steps, and the dollars to the market's low and mid.
`Summary` gathers standings as rows stream, in bounded memory, into what a pay review starts from.

Pure: no rich, no typer, no I/O. A pay cell that cannot be read is a MlcompError for its row.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mlcomp.engine import VERDICTS, verdict
from mlcomp.errors import MlcompError, cut, one_line, shown
from mlcomp.fields import canonical
from mlcomp.money import AMOUNT_HELP, parse_money

PAY = ("base", "bonus", "equity", "total_comp")  # a person's pay per year, as batch columns
CURRENCY_MARKS = "€£¥₹₩₽₺₪₫₴₦₱฿"
# A currency code before or after the amount (EUR 200000, 200,000 GBP), or letters before a dollar sign
# (C$, A$, HK$): USD and US$ are dollars, the others another currency.
OTHER_CURRENCY = re.compile(r"^([A-Z]{3}(?=[\s\d$])|[A-Za-z]{1,3}\$)\s*|\s*([A-Z]{3})$")
MIN_PAY = 1_000  # the least base or total comp a year that is pay and not a slip (240 for 240k)
EXACT = 100_000  # people whose compa-ratios are kept exactly for medians; beyond, BIN-wide bins
BIN = 0.0005
BINS = 20_000  # compa-ratios from 0 to 10 (a higher one counts in the last bin)
MIN_GROUP = 5  # a --by group of fewer people is not shown on its own
MAX_GROUPS = 1_000  # groups kept per grouping; people in further groups are counted, not grouped
TOP = 10  # the largest gaps listed
IDS = 100_000  # ids remembered to spot one person given twice
CELLS = 10_000  # the places (level, city, --by value) whose groups a summary keeps at hand
CACHE = 10_000  # pay cell values kept per column, read once each
EMPTY = "(empty)"  # an empty id, name or --by cell, as a summary names it
STEP = 0.01  # the chart's resolution: a position in the market range, to 1% of the range
SPAN = (-1.0, 2.0)  # positions drawn: a range below the low to a range above the high (beyond: at the edge)
LOW_END, HIGH_END = round(-SPAN[0] / STEP), round((1 - SPAN[0]) / STEP)  # the chart cells of the range's ends
# A row's review keys, after its estimate: the pay, then where it stands (JSON nests the pay; CSV and
# TSV flatten it to pay_base, pay_bonus, pay_equity, pay_total_comp).
KEYS = ("base_compa", "base_penetration", "total_compa", "total_penetration", "verdict", "gap_on", "to_low",
        "to_mid")
COLUMNS = (*(f"pay_{name}" for name in PAY), *KEYS)
_new = tuple.__new__  # a named tuple made from a tuple, without its __new__'s keyword handling


def pay_column(name: str) -> str | None:
    """The pay a column holds, named like the profile columns (any case, '-' or ' ' for '_')."""
    name = canonical(name)
    return name if name in PAY else None


def near_pay(name: str) -> str | None:
    """The pay column a column that is not one seems to mean: a word of its name ('Base Salary', 'annual
    bonus': base, bonus), 'total comp...' ('Total Compensation'), 'salary' (base), 'tc'; else None."""
    name = canonical(name)
    words = name.split("_")
    if name in PAY:
        return None
    found = next((pay for pay in PAY[:3] if pay in words), None)
    if found is None and (name.startswith("total_comp") or name == "tc"):
        found = "total_comp"
    return found or ("base" if "salary" in words else None)


def parse_pay(name: str, value: Any) -> int | None:
    """Whole dollars a year from a pay cell (240000, 240k, $240,000, USD 240,000), None for an empty one.
    The same for every pay column (a reader keeps one table of cells for all): Pay.of checks that base
    and total comp are at least MIN_PAY."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    cell = value
    if isinstance(value, str):
        value = _in_dollars(name, value)
    elif type(value) not in (int, float) or not math.isfinite(value):  # JSON true, [..], {..}, NaN, Infinity
        written = cut(one_line(json.dumps(value, ensure_ascii=False)), 60)  # as the JSON line has it
        raise MlcompError(f"{name} expected {AMOUNT_HELP}, got {written}")
    try:
        amount = parse_money(value)
    except ValueError as e:  # (named as written, 'USD' and all)
        raise MlcompError(f"{name} {e}" if value is cell else f"{name} expected {AMOUNT_HELP}, got {shown(cell)}") \
            from None
    return amount


def _too_little(base: int | None, total_comp: int | None) -> MlcompError:
    name, amount = ("base", base) if base is not None and base < MIN_PAY else ("total_comp", total_comp)
    return MlcompError(f"{name} ${amount:,} is less than ${MIN_PAY:,}, too little for a year's pay; write "
                       "thousands as 240k, and leave the cell empty when the pay is not known")


def _in_dollars(name: str, text: str) -> str:
    """A pay cell's text without a 'USD' or 'US$' mark; MlcompError for another currency's mark or code."""
    codes = [code for found in OTHER_CURRENCY.finditer(text.strip()) for code in found.groups() if code]
    mark = next((mark for mark in CURRENCY_MARKS if mark in text), None) or next(iter(codes), None)
    if mark and mark.upper() not in ("USD", "US$"):
        raise MlcompError(f"{name} {shown(text)} is in another currency ({mark}); pay is in US dollars ($)")
    return OTHER_CURRENCY.sub("", text.strip()) if codes else text  # the same text when it has no mark


class Pay(NamedTuple):
    """A person's pay per year; None where the row does not say. (Named tuples, this and Standing:
    made once per row of a batch, and a tuple is made fastest.)"""

    base: int | None = None
    bonus: int | None = None
    equity: int | None = None
    total_comp: int | None = None

    @classmethod
    def read(cls, cells: Mapping[str, Any]) -> Pay | None:
        """The pay of a row's pay cells (by PAY name); None when all are empty."""
        return cls.of(*(parse_pay(name, cells.get(name)) for name in PAY))

    @classmethod
    def of(cls, base: int | None, bonus: int | None, equity: int | None, total_comp: int | None) -> Pay | None:
        """The pay of amounts already read; None when all are None; MlcompError when they disagree."""
        if base is None and total_comp is None:
            if bonus is None and equity is None:
                return None
            raise MlcompError("gives bonus or equity but neither base nor total_comp; a pay review places base "
                              "salary or total comp in the market range")
        if (base is not None and base < MIN_PAY) or (total_comp is not None and total_comp < MIN_PAY):
            raise _too_little(base, total_comp)  # less is a typing slip (240 for 240k), or no pay known
        if total_comp is not None and base is not None and total_comp < base:
            raise MlcompError(f"total_comp ${total_comp:,} is below base ${base:,}; total comp includes the base")
        return _new(cls, (base, bonus, equity, total_comp))

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


class Reader:
    """Reads rows' pay cells, each text parsed once (a table bounded like the batch's own): a pay file
    repeats amounts such as 240000 many times."""

    def __init__(self) -> None:
        self.known: dict[str, int | None] = {}  # text only: JSON's true and 1 are equal keys
        self.spread: dict[tuple[str, ...], Callable[[tuple[Any, ...]], tuple[Any, ...]]] = {}

    def amount(self, name: str, value: Any) -> int | None:
        """A cell's amount (MlcompError naming the column when it is no amount)."""
        if type(value) is not str:
            return parse_pay(name, value)
        known = self.known
        amount = known[value] if value in known else parse_pay(name, value)
        if len(known) >= CACHE:
            known.clear()
        known[value] = amount
        return amount

    def read(self, names: tuple[str, ...], cells: tuple[Any, ...]) -> Pay | None:
        """The pay of the cells of the pay columns `names` (PAY names; any of them may be missing)."""
        try:
            amounts = tuple(map(self.known.__getitem__, cells))
        except (KeyError, TypeError):  # a cell not met before, or not text
            amounts = tuple(map(self.amount, names, cells))
        spread = self.spread.get(names) or self._spread(names)
        return Pay.of(*spread(amounts))

    def _spread(self, names: tuple[str, ...]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
        """From the amounts of `names` to the four of PAY, None where a column is missing."""
        pad = (None,) * (len(PAY) - len(names))
        places = [names.index(name) if name in names else len(names) for name in PAY]

        def spread(amounts: tuple[Any, ...]) -> tuple[Any, ...]:
            return amounts + pad if prefix else tuple(map((*amounts, None).__getitem__, places))

        prefix = names == PAY[:len(names)]
        self.spread[names] = spread
        return spread


Market = tuple[int, int, int, int, int, int]  # base salary's low, mid, high; total comp's low, mid, high


def market(base: Mapping[str, int], total_comp: Mapping[str, int]) -> Market:
    """The ranges a pay review reads, from an estimate's base and total_comp ({low, mid, high})."""
    return base["low"], base["mid"], base["high"], total_comp["low"], total_comp["mid"], total_comp["high"]


class Standing(NamedTuple):
    """Where one person's pay sits against their market range: the values of COLUMNS (the pay, total
    comp as given or summed), then `position`, the place in the range, unrounded. The verdict, the
    position and the gaps (`to_low`, `to_mid`) are on base salary, the part a pay review moves, when
    the row gives it; else on total comp (`gap_on`). So 'below range' is exactly a gap to the low."""

    pay_base: int | None
    pay_bonus: int | None
    pay_equity: int | None
    pay_total_comp: int | None
    base_compa: float | None
    base_penetration: float | None
    total_compa: float | None
    total_penetration: float | None
    verdict: str
    gap_on: str
    to_low: int
    to_mid: int
    position: float

    @property
    def pay(self) -> Pay:
        return Pay(*self[:4])

    @property
    def paid(self) -> int:
        """The pay the gaps are on (base, or total comp): what the payroll of a review adds up."""
        return (self.pay_base if self.gap_on == "base" else self.pay_total_comp) or 0

    def as_dict(self) -> dict[str, Any]:
        return {"pay": dict(zip(PAY, self[:4], strict=True)), **dict(zip(KEYS, self[4:12], strict=True))}


def ratio(part: int, whole: int) -> float:
    """part / whole (whole > 0) to 4 places, a half rounded away from 0, from the exact quotient (whole
    dollars: integer arithmetic, exact, and three times quicker than round(part / whole, 4))."""
    if part < 0:
        return -((-part * 20_000 // whole + 1) // 2) / 10_000
    return (part * 20_000 // whole + 1) // 2 / 10_000


def judge(pay: Pay, ranges: Market) -> Standing:
    """The pay against the market's ranges: compa-ratios and penetrations to 4 places (`ratio`), None
    where a range has no width (penetration) or a mid of 0 (compa). Written out in one function: a
    batch calls it on every row."""
    base, bonus, equity, _ = pay
    total = pay.total
    low, mid, high, total_low, total_mid, total_high = ranges
    total_compa = total_penetration = None
    if total is not None:
        total_compa = ratio(total, total_mid) if total_mid > 0 else None
        total_penetration = ratio(total - total_low, total_high - total_low) if total_high > total_low else None
    if base is not None:
        base_compa = ratio(base, mid) if mid > 0 else None
        base_penetration = ratio(base - low, high - low) if high > low else None
        gap_on, amount = "base", base
    else:
        base_compa = base_penetration = None
        gap_on, amount, low, mid, high = "total_comp", total or 0, total_low, total_mid, total_high
    # in a range of one amount: 0.5 at it
    position = (amount - low) / (high - low) if high > low else 0.5 if amount == low else -1.0 if amount < low else 2.0
    return _new(Standing, (base, bonus, equity, total, base_compa, base_penetration, total_compa, total_penetration,
                           verdict(position), gap_on, low - amount if amount < low else 0,
                           mid - amount if amount < mid else 0, position))


def empty() -> dict[str, Any]:
    """A row's review keys when it gives no pay."""
    return {"pay": dict.fromkeys(PAY), **dict.fromkeys(KEYS)}


def standing(pay: Pay, base: Mapping[str, int], total_comp: Mapping[str, int]) -> Standing:
    """The pay against the market's base and total-comp ranges ({low, mid, high} in dollars)."""
    return judge(pay, market(base, total_comp))


def _chart_cell(position: float) -> int:
    """The chart's cell of a place in the range (STEP wide, SPAN at most): a place below (above) the
    range is a step beyond its end, never at it, so that it is drawn off the band."""
    place = round((min(max(position, SPAN[0]), SPAN[1]) - SPAN[0]) / STEP)
    if 0 <= position <= 1:
        return place
    return min(place, LOW_END - 1) if position < 0 else max(place, HIGH_END + 1)


class Median:
    """The median of a stream of ratios in bounded memory: exact while `values` are kept, then (after
    `approximate`) from BIN-wide bins, within BIN / 2 of the exact median. Values go in through `add`,
    which is the list's own append while exact (a summary calls it for every person)."""

    __slots__ = ("add", "bins", "values")

    def __init__(self, exact: bool = True) -> None:
        self.values: array[float] | None = array("d") if exact else None
        self.bins: dict[int, int] = {}
        self.add: Callable[[float], None] = self.values.append if self.values is not None else self._bin

    def _bin(self, value: float) -> None:
        key = min(max(int(value / BIN), 0), BINS - 1)
        self.bins[key] = self.bins.get(key, 0) + 1

    def approximate(self) -> None:
        """From now on, bins: the values kept so far go into them, and are let go."""
        if self.values is not None:
            for kept in self.values:
                self._bin(kept)
            self.values = None
            self.add = self._bin

    @property
    def count(self) -> int:
        return len(self.values) if self.values is not None else sum(self.bins.values())

    def value(self) -> float | None:
        if not self.count:
            return None
        if self.values is not None:
            ordered = sorted(self.values)
            middle = len(ordered) // 2
            found = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
            return round(found, 4)
        seen, half = 0, self.count / 2
        for key in sorted(self.bins):
            seen += self.bins[key]
            if seen >= half:
                return round((key + 0.5) * BIN, 4)
        return None  # pragma: no cover - the bins hold every value


@dataclass
class Group:
    """People who share a level, a city or a --by value: their count and median compa-ratios."""

    exact: bool = True
    count: int = 0
    base: Median = field(init=False)
    total: Median = field(init=False)

    def __post_init__(self) -> None:
        self.base, self.total = Median(self.exact), Median(self.exact)

    def approximate(self) -> None:
        self.base.approximate()
        self.total.approximate()

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "median_base_compa": self.base.value(),
                "median_total_compa": self.total.value()}


@dataclass
class Grouping:
    """Groups by one key (level, city, a --by column), at most MAX_GROUPS of them; `small` groups of
    fewer than `least` people are counted together, not shown on their own."""

    least: int = 1
    groups: dict[str, Group] = field(default_factory=dict)
    past: Group = field(default_factory=lambda: Group(exact=False))  # people in groups past the first MAX_GROUPS

    @property
    def beyond(self) -> int:
        return self.past.count

    def find(self, key: str, exact: bool) -> Group | None:
        """The group of `key`, made when first met; None past MAX_GROUPS groups."""
        group = self.groups.get(key)
        if group is None and len(self.groups) < MAX_GROUPS:
            group = self.groups[key] = Group(exact)
        return group

    def as_dict(self) -> dict[str, Any]:
        shown_groups = {name: group.as_dict() for name, group in sorted(self.groups.items())
                        if group.count >= self.least}
        small = [group.count for group in self.groups.values() if group.count < self.least]
        data: dict[str, Any] = {"groups": shown_groups}
        if self.least > 1:
            data["not_shown"] = {"groups": len(small), "people": sum(small),
                                 "why": f"groups of fewer than {self.least} people"}
        if self.beyond:
            data["beyond"] = {"people": self.beyond, "why": f"in groups past the first {MAX_GROUPS:,}"}
        return data


class Cell(NamedTuple):
    """What a person of one level, city and --by value counts in (Summary._cell)."""

    groups: list[Group]  # and the `past` of a grouping whose first MAX_GROUPS groups do not have this one
    base: list[Callable[[float], None]]  # the adders of the groups' medians
    total: list[Callable[[float], None]]
    positions: dict[int, int] | None  # the level's chart: a place in the range -> people there


def _share(cost: int, payroll: int) -> float | None:
    return round(cost / payroll, 4) if payroll else None


@dataclass
class Summary:
    """What a pay review starts from, gathered row by row in bounded memory: counts, medians (exact
    for the first EXACT people, then from bins, `medians_exact` says which), costs, the TOP largest
    gaps, and per level a histogram of positions for the chart."""

    by: str | None = None
    people: int = 0
    without_pay: int = 0
    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    overall: Group = field(default_factory=Group)
    levels: Grouping = field(default_factory=Grouping)
    cities: Grouping = field(default_factory=Grouping)
    groups: Grouping = field(default_factory=lambda: Grouping(MIN_GROUP))
    to_low: int = 0
    to_mid: int = 0
    payroll: int = 0
    gaps: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)  # a heap: (to_mid, -line, gap)
    ids: set[str] = field(default_factory=set)
    repeated: int = 0
    positions: dict[str, dict[int, int]] = field(default_factory=dict)  # level -> chart cell -> people
    exact: bool = True
    # (level, city, --by value) -> what a person there counts in (`_cell`): made once per place met
    cells: dict[tuple[str, str, str | None], Cell] = field(default_factory=dict)

    def add(self, person: Standing | None, *, line: int, level: str, city: str, group: str | None = None,
            who: str | None = None, name: str | None = None) -> str | None:
        """Count one row (None: it gives no pay); returns a note when its id was seen before (counted
        again, not merged)."""
        if person is None:
            self.without_pay += 1
            return None
        self.people += 1
        if self.people > EXACT and self.exact:
            self._approximate()
        base_compa, _, total_compa, _, verdict, _, to_low, to_mid, position = person[4:]
        self.verdicts[verdict] += 1
        cell = self.cells.get((level, city, group)) or self._cell(level, city, group)
        for counted in cell.groups:
            counted.count += 1
        if base_compa is not None:
            for add in cell.base:
                add(base_compa)
        if total_compa is not None:
            for add in cell.total:
                add(total_compa)
        self.to_low += to_low
        self.to_mid += to_mid
        self.payroll += person.paid
        if cell.positions is not None:
            place = _chart_cell(position)
            cell.positions[place] = cell.positions.get(place, 0) + 1
        if to_mid and (len(self.gaps) < TOP or (to_mid, -line) > self.gaps[0][:2]):
            self._gap(person, line, level, who, name)
        return None if who is None else self._seen(who, line)

    def _cell(self, level: str, city: str, key: str | None) -> Cell:
        """What a person of this level, city and --by value counts in: the groups (overall, level, city,
        --by; past MAX_GROUPS of a grouping, its `beyond`), their medians' adders, the level's chart."""
        if len(self.cells) >= CELLS:
            self.cells.clear()
        found = [self.overall, *(grouping.find(name, self.exact) for grouping, name in
                                 ((self.levels, level), (self.cities, city), (self.groups, key)) if name is not None)]
        past = [grouping.past for grouping, name in ((self.levels, level), (self.cities, city), (self.groups, key))
                if name is not None and grouping.groups.get(name) is None]
        groups = [group for group in found if group is not None]
        positions = self.positions.get(level)
        if positions is None and len(self.positions) < MAX_GROUPS:
            positions = self.positions[level] = {}
        cell = self.cells[(level, city, key)] = Cell(
            groups + past, [group.base.add for group in groups], [group.total.add for group in groups], positions)
        return cell

    def _approximate(self) -> None:
        self.exact = False
        self.cells.clear()  # their adders append to the values let go
        for group in (self.overall, *self.levels.groups.values(), *self.cities.groups.values(),
                      *self.groups.groups.values()):
            group.approximate()

    def _gap(self, person: Standing, line: int, level: str, who: str | None, name: str | None) -> None:
        key = (person.to_mid, -line)
        gap = {"line": line, "id": EMPTY if who == "" else who, "name": name, "level": level, "verdict": person.verdict,
               "gap_on": person.gap_on, "to_low": person.to_low, "to_mid": person.to_mid}
        if len(self.gaps) < TOP:
            heapq.heappush(self.gaps, (*key, gap))
        else:
            heapq.heapreplace(self.gaps, (*key, gap))

    def _seen(self, who: str, line: int) -> str | None:
        if who == "":
            return None
        if who in self.ids:
            self.repeated += 1
            return f"line {line}: id {shown(who)} was given before; counted again, not merged"
        if len(self.ids) < IDS:
            self.ids.add(who)
        return None

    def chart(self) -> list[dict[str, Any]]:
        """Per level (in the order first met), each position in the market range
        (0 its low end, 1 its high end, to STEP; beyond SPAN at its edge) with how many people are
        there: the data a chart of the review draws."""
        return [{"level": level, "people": sum(cells.values()),
                 "positions": [[round(SPAN[0] + cell * STEP, 2), count] for cell, count in sorted(cells.items())]}
                for level, cells in self.positions.items()]

    def as_dict(self, skipped: int = 0) -> dict[str, Any]:
        """The summary as JSON; `skipped`: bad rows the batch skipped (--on-error skip)."""
        return {
            "people": self.people, "without_pay": self.without_pay, "skipped": skipped,
            "repeated_ids": self.repeated, "repeats_checked_among_all": len(self.ids) < IDS,
            "verdicts": dict(self.verdicts),
            "median_base_compa": self.overall.base.value(), "median_total_compa": self.overall.total.value(),
            "medians_exact": self.exact,
            "by_level": self.levels.as_dict(), "by_city": self.cities.as_dict(),
            "by": {"column": self.by, **self.groups.as_dict()} if self.by else None,
            "cost": {"to_low": self.to_low, "to_mid": self.to_mid, "payroll": self.payroll,
                     "to_low_share": _share(self.to_low, self.payroll),
                     "to_mid_share": _share(self.to_mid, self.payroll)},
            "largest_gaps": [gap for _, _, gap in sorted(self.gaps, key=lambda entry: entry[:2], reverse=True)],
        }
