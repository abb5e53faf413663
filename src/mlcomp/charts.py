"""Horizontal bar charts for the terminal, on one shared dollar axis.

Part of the rendering layer. A chart is a list of `Bar`s; each bar is made of segments (a span of
dollars drawn in one fill), marks (one cell drawn with the mark glyph, e.g. a midpoint) and points
(one cell drawn with the point glyph, e.g. an offer placed on a market range). Two shapes cover the
pictures:

- `ranged(label, low, high)`: a range from low to high, its midpoint (or any value) marked;
- `stacked(label, parts)`: parts laid end to end from zero (e.g. base, bonus, equity, one-time).

The arithmetic (dollars -> cell columns, a readable axis) and drawing a bar into cells are pure and
work without rich; rich is imported only to colour and print. When the output encoding cannot
draw block characters, the same picture is drawn in plain ASCII.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mlcomp import render
from mlcomp.errors import one_line

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from mlcomp.engine import Estimate
    from mlcomp.offers import Comparison, Component


@dataclass(frozen=True, slots=True)
class Glyphs:
    fills: tuple[str, ...]  # one fill per segment kind
    mark: str
    rule: str
    tick: str
    point: str


# Full block, dark shade, medium shade, light shade, lower half block; heavy vertical; box-drawing
# rule and tick; black diamond.
BLOCKS = Glyphs(fills=("\u2588", "\u2593", "\u2592", "\u2591", "\u2584"), mark="\u2503", rule="\u2500", tick="\u252c",
                point="\u25c6")
ASCII = Glyphs(fills=("#", "=", "%", ":", "."), mark="|", rule="-", tick="+", point="O")
# Colours by segment kind (the fills differ too, so a picture reads without colour).
STYLES = ("cyan", "green", "magenta", "yellow", "blue")


@dataclass(frozen=True, slots=True)
class Segment:
    start: float
    end: float
    kind: int = 0


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    marks: tuple[float, ...] = ()
    points: tuple[float, ...] = ()


def ranged(label: str, low: float, high: float, *, kind: int = 0, mark: float | None = None,
           points: Sequence[float] = ()) -> Bar:
    """A range from low to high with one value marked (its midpoint unless `mark` is given), and
    `points` (e.g. an offer's average) drawn with the point glyph."""
    return Bar(label, (Segment(low, high, kind),), ((low + high) / 2 if mark is None else mark,),
               tuple(points))


def stacked(label: str, parts: Sequence[float], marks: Sequence[float] = ()) -> Bar:
    """Parts laid end to end from zero, part i drawn in fill i."""
    segments, start = [], 0.0
    for kind, part in enumerate(parts):
        segments.append(Segment(start, start + part, kind))
        start += part
    return Bar(label, tuple(segments), tuple(marks))


@dataclass(frozen=True, slots=True)
class Axis:
    lo: float
    hi: float
    step: float

    def ticks(self) -> list[float]:
        return [self.lo + i * self.step for i in range(round((self.hi - self.lo) / self.step) + 1)]


def column(value: float, lo: float, hi: float, width: int) -> int:
    """The cell edge (0..width) nearest to `value` on an axis from lo to hi drawn in `width` cells.

    A span from a to b fills the cells column(a) .. column(b) - 1, so its length is proportional
    to b - a (within one cell of rounding)."""
    if hi <= lo or width <= 0:
        return 0
    return max(0, min(width, round((value - lo) / (hi - lo) * width)))


def nice_axis(values: Iterable[float], width: int, *, zero: bool = False, room: int = 8) -> Axis:
    """The tightest axis with round ticks (1, 2, 2.5 or 5 times a power of ten) that covers
    `values`, with at least `room` cells between ticks for their labels."""
    values = list(values) or [0.0]
    low, high = min(values), max(values)
    if zero:
        low = min(0.0, low)
    for power in range(0, 13):
        for m in (1, 2, 2.5, 5):
            step = m * 10**power
            lo, hi = math.floor(low / step) * step, math.ceil(high / step) * step
            if hi == lo:
                hi = lo + step
            if width / round((hi - lo) / step) >= room:
                return Axis(lo, hi, step)
    return Axis(low, high if high > low else low + 1, high - low or 1)


def short_money(amount: float) -> str:
    """Axis labels: $0, $150k, $1.25m."""
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:g}m"
    if amount >= 1000:
        return f"${amount / 1000:g}k"
    return f"${amount:g}"


def draw(bar: Bar, axis: Axis, width: int, glyphs: Glyphs) -> list[tuple[str, int | None]]:
    """The bar's cells, left to right: (character, segment kind or None for blank)."""
    cells: list[tuple[str, int | None]] = [(" ", None)] * width
    for seg in bar.segments:
        start = column(seg.start, axis.lo, axis.hi, width)
        end = column(seg.end, axis.lo, axis.hi, width)
        if end <= start and len(bar.segments) == 1:
            end = min(width, start + 1)  # a range too narrow to see still gets one cell
            start = end - 1
        for i in range(start, end):
            cells[i] = (glyphs.fills[seg.kind % len(glyphs.fills)], seg.kind)
    last = max((seg.end for seg in bar.segments), default=axis.lo)
    for glyph, values in ((glyphs.mark, bar.marks), (glyphs.point, bar.points)):
        for value in values:
            i = min(width - 1, column(value, axis.lo, axis.hi, width))
            if value <= last and cells[i][1] is None and i > 0 and cells[i - 1][1] is not None:
                i -= 1  # a mark at a segment's right edge belongs to the segment's last cell
            cells[i] = (glyph, cells[i][1])
    return cells


def axis_lines(axis: Axis, width: int, glyphs: Glyphs, overhang: int = 3,
               label: Callable[[float], str] = short_money) -> tuple[str, str]:
    """The rule with a tick per step, and the tick labels under it (`label` of the tick's value),
    centred on their ticks; a label that would touch the one before is left out. Labels may run
    `overhang` cells past the rule."""
    rule = [glyphs.rule] * width
    labels = [" "] * (width + overhang)
    free = 0  # the first column a label may use
    for value in axis.ticks():
        i = min(width - 1, column(value, axis.lo, axis.hi, width))
        rule[i] = glyphs.tick
        text = label(value)
        start = max(0, min(i - len(text) // 2, len(labels) - len(text)))
        if start >= free:
            labels[start:start + len(text)] = text
            free = start + len(text) + 1
    return "".join(rule), "".join(labels).rstrip()


def glyphs_for(out: Console) -> Glyphs:
    """Blocks when the console's encoding can draw them, plain ASCII otherwise."""
    try:
        "".join((*BLOCKS.fills, BLOCKS.mark, BLOCKS.rule, BLOCKS.tick, BLOCKS.point)).encode(out.encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return BLOCKS


def bar_text(bar: Bar, axis: Axis, width: int, glyphs: Glyphs) -> Text:
    from rich.text import Text

    text = Text(no_wrap=True, overflow="crop")
    for char, kind in draw(bar, axis, width, glyphs):
        text.append(char, style=STYLES[kind % len(STYLES)] if kind is not None else "")
    return text


def legend(names: Sequence[str], glyphs: Glyphs) -> list[Text]:
    """'## base', '== bonus', ...: what each fill means, an item each (see `packed`)."""
    from rich.text import Text

    return [Text(glyphs.fills[kind % len(glyphs.fills)] * 2, style=STYLES[kind % len(STYLES)]) + Text(f" {name}")
            for kind, name in enumerate(names)]


def packed(items: Sequence[Text], width: int, gap: str = "  ") -> list[Text]:
    """Legend items on as few lines of at most `width` cells as they take, `gap` apart; an item is
    never split (one wider than `width` has a line of its own)."""

    lines: list[Text] = []
    for item in items:
        if lines and lines[-1].cell_len + len(gap) + item.cell_len <= width:
            lines[-1].append(gap)
            lines[-1].append_text(item)
        else:
            lines.append(item.copy())
    return lines


CHART_BAR = 20  # the fewest cells a bar beside its label gets; with less room each label is put above its bar


def print_chart(bars: Sequence[Bar], out: Console | None = None, *, zero: bool = False,
                note: Sequence[str] = (), names: Sequence[str] = (), max_width: int = 100,
                axis: Axis | None = None, ticks: Callable[[float], str] = short_money) -> None:
    """Labelled bars on one shared axis (dollars unless `axis` and `ticks` say otherwise), with tick
    labels, a legend and a note under it (its parts kept whole: '{mark} midpoint'). Each label is put
    above its bar when labels and bars side by side would leave the bars too short."""
    from rich.cells import cell_len
    from rich.text import Text

    out = out or render.console()
    glyphs = glyphs_for(out)
    bars = [replace(bar, label=one_line(bar.label)) for bar in bars]  # a name from the user, made visible
    room = min(out.width, max_width)
    label_width = max((cell_len(bar.label) for bar in bars), default=0)
    above = room - label_width - 4 < CHART_BAR
    pad = "" if above else " " * (label_width + 1)
    width = max(10, room - len(pad) - 3)  # 3: the last tick label may run past the rule
    values = [v for bar in bars for seg in bar.segments for v in (seg.start, seg.end)]
    axis = axis or nice_axis(values + [m for bar in bars for m in (*bar.marks, *bar.points)], width, zero=zero)
    for bar in bars:
        if not (bar.label or bar.segments or bar.marks or bar.points):
            out.print()  # an empty bar: a blank line between groups
        elif above:
            out.print(Text(bar.label))
            out.print(bar_text(bar, axis, width, glyphs), no_wrap=True, crop=True)
        else:
            label = Text(bar.label + " " * (label_width - cell_len(bar.label) + 1))
            out.print(label + bar_text(bar, axis, width, glyphs), no_wrap=True, crop=True)
    rule, labels = axis_lines(axis, width, glyphs, label=ticks)
    out.print(Text(pad + rule), no_wrap=True, crop=True)
    out.print(Text(pad + labels), no_wrap=True, crop=True)
    for line in packed(legend(names, glyphs), room - len(pad)):
        out.print(Text(pad) + line, no_wrap=True, crop=True)
    parts = [Text(part.replace("{mark}", glyphs.mark).replace("{point}", glyphs.point)) for part in note]
    room -= len(pad)  # a part wider than the room is broken at its spaces, never cut
    parts = [word for part in parts for word in (part.split(" ") if part.cell_len > room else [part])]
    for line in packed(parts, room, gap=" "):
        out.print(Text(pad) + line, no_wrap=True, crop=True)


def estimate_chart(est: Estimate, out: Console | None = None) -> None:
    """The national band, the adjusted base range and the total-comp range on one axis, each with
    its midpoint and its typical value marked."""
    p = est.position
    band, base, tc = est.band.dollars(p), est.base.dollars(p), est.total_comp.dollars(p)
    out = out or render.console()
    out.print()
    print_chart([ranged(f"National band ({est.level_label})", band["low"], band["high"], kind=3,
                        mark=band["mid"], points=[band["typical"]]),
                 ranged("Base salary", base["low"], base["high"], kind=0, mark=base["mid"],
                        points=[base["typical"]]),
                 ranged("Total compensation", tc["low"], tc["high"], kind=1, mark=tc["mid"],
                        points=[tc["typical"]])],
                out, note=(f"{est.currency} per year,", "low to high;", "{mark} midpoint,", "{point} typical"))


def compare_chart(comparison: Comparison, out: Console | None = None, *, title: str = "") -> None:
    """Each offer's total per year as stacked bars (base, bonus, equity, one-time, benefits) on one
    axis from zero, grouped by year; then, for offers with a market view, the offer's average per
    year placed on the market total-comp range of its profile (midpoint marked), on one shared axis.
    `title` (e.g. a growth scenario) heads both."""
    from rich.text import Text

    from mlcomp.offers import components_of

    out = out or render.console()
    offers = comparison.offers
    parts: dict[str, list[Component]] = {}
    for component in (c for c in components_of(offers[0].by_year[0]) if c.chart):
        parts.setdefault(component.chart, []).append(component)
    drawn = [name for name, group in parts.items()
             if any(c.always or any(y[c.key] for o in offers for y in o.by_year) for c in group)]
    names = list(parts)[:list(parts).index(drawn[-1]) + 1]  # fills are by position: keep those before
    years = len(offers[0].by_year)
    year_width = len(f"Year {years}")
    bars: list[Bar] = []
    for i in range(years):
        if i:
            bars.append(Bar("", ()))
        for n, offer in enumerate(offers):
            year = offer.by_year[i]
            head = f"Year {i + 1}" if n == 0 else ""
            bars.append(stacked(f"{head:<{year_width}}  {offer.name}",
                                [max(sum(year[c.key] for c in group), 0) for group in parts.values()]))
    out.print()
    out.print(Text(f"{title}: total per year" if title else "Total per year"))
    print_chart(bars, out, zero=True, names=names, note=("USD per year",))
    market_bars = [ranged(f"{offer.name} ({m.level}, {m.location})", m.total_comp["low"], m.total_comp["high"],
                          kind=1, mark=m.total_comp["mid"], points=[offer.average])
                   for offer in offers if (m := offer.market)]
    if not market_bars:
        return
    glyphs = glyphs_for(out)
    out.print()
    out.print(Text(f"Average per year ({glyphs.point}) on the market total-comp range ({glyphs.mark} midpoint)"))
    print_chart(market_bars, out, note=("USD per year",))


# What a narrow terminal loses first, in order: the ranges, then the level, then the typical base.
CURVE_DROP = (("Base low", "Base high"), ("TC low", "TC high"), "Level", "Base typical")
CURVE_BAR = 20  # the fewest cells a curve's bar is drawn in; with less room the bars are left out


def curve_table(points: Sequence[Estimate], title: str, out: Console | None = None, *,
                chart: bool = False, max_width: int = 150) -> None:
    """One row per year: the level (named where it changes, with a line between levels), the base
    and total-comp ranges with their typical values, and with `chart` a bar: base mid, then equity
    and bonus up to the total-comp mid, on one axis from zero, with the typical total comp marked.
    A narrow terminal loses the columns of CURVE_DROP first, then the bars."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = out or render.console()
    glyphs = glyphs_for(out)
    table = Table(title=title, box=box.SIMPLE_HEAD, caption=f"{points[0].currency if points else 'USD'} per year",
                  caption_justify="left", show_footer=chart)
    table.add_column("Years", justify="right", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    for name in ("Base low", "Base high", "Base typical", "TC low", "TC high", "TC typical"):
        table.add_column(name, justify="right", no_wrap=True)
    if chart:
        table.add_column("Mid", no_wrap=True, overflow="crop")
    rows = [(est, est.base.dollars(est.position), est.total_comp.dollars(est.position)) for est in points]
    previous = None
    for est, base, tc in rows:
        changed = est.level != previous
        if changed and previous is not None:
            table.add_section()
        table.add_row(f"{est.years:g}", est.level if changed else "",
                      *(render.money(d[k]) for d in (base, tc) for k in ("low", "high", "typical")),
                      style="bold" if changed else "")
        previous = est.level
    if chart and render.fit(out, table, CURVE_DROP, room=CURVE_BAR + 3):  # 3: room for the last tick label
        width = min(out.width, max_width) - render.narrowest(out, table) - 3
        _curve_bars(table, rows, width, glyphs)
    elif chart:
        table.columns.pop()
        table.show_footer = chart = False
    render.print_wide(out, table, CURVE_DROP)
    if chart:
        items = [*legend(["base mid", "equity and bonus"], glyphs), Text(f"{glyphs.point} typical total comp")]
        for line in packed([Text("Bars to the total-comp mid:"), *items], out.width):
            out.print(line, no_wrap=True, crop=True)


def _curve_bars(table: Any, rows: Sequence[tuple[Estimate, dict[str, int], dict[str, int]]], width: int,
                glyphs: Glyphs) -> None:
    """Fill the curve's last column with bars `width` cells wide, its axis as the footer."""
    from rich.text import Text

    axis = nice_axis([v for _, _, tc in rows for v in (tc["mid"], tc["typical"])], width, zero=True)
    bars = iter([bar_text(Bar("", stacked("", [base["mid"], tc["mid"] - base["mid"]]).segments,
                              points=(tc["typical"],)), axis, width, glyphs) for _, base, tc in rows])
    column = table.columns[-1]
    render.replace_cells(column, lambda _: next(bars))
    rule, labels = axis_lines(axis, width, glyphs)
    column.footer = Text(f"{rule}\n{labels}", no_wrap=True, overflow="crop")
    column.width = width + 3


RANGE_ENDS = {0.0: "low", 0.5: "mid", 1.0: "high"}


def review_axis(levels: Sequence[Mapping[str, Any]]) -> Axis | None:
    """The axis of a pay review's chart (review.Summary.chart): positions in the range, from half a
    range below its low end (or further, to the lowest person) to half a range above its high end, a
    tick every half range (RANGE_ENDS names them); None when no one is placed."""
    places = [place for level in levels for place, _ in level["positions"]]
    if not places:
        return None
    return Axis(min(-0.5, math.floor(min(places) * 2) / 2), max(1.5, math.ceil(max(places) * 2) / 2), 0.5)


def review_chart(levels: Sequence[Mapping[str, Any]], out: Console | None = None) -> None:
    """A pay review at a glance: per level (review.Summary.chart), the market range from its low to
    its high end, the mid marked, and a point where each person's pay sits in their own range (people
    close together share a point; beyond the axis, at its edge)."""
    from rich.text import Text

    out = out or render.console()
    axis = review_axis(levels)
    if axis is None:
        return
    bars = [ranged(f"{level['level']} ({level['people']:,})", 0.0, 1.0, kind=1,
                   points=[place for place, _ in level["positions"]]) for level in levels]
    glyphs = glyphs_for(out)
    out.print()
    out.print(Text(f"Each person's pay ({glyphs.point}) in their market range, by level ({glyphs.mark} mid)"))
    print_chart(bars, out, axis=axis, ticks=lambda value: RANGE_ENDS.get(value, ""),
                note=("on base salary (or total comp);", "people close together share a point"))
