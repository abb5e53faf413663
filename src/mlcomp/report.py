"""`--export FILE.html` and `--export FILE.svg`: a page (or a chart) drawn for a reader, not a
terminal. A `Report` is plain data (a title, the answer, the inputs, sections of tables and charts,
the sources, the date and the version), so any command can make one; `page` writes it as one HTML
file that needs nothing else (inline CSS and SVG, no fonts, scripts or network), readable on a
phone and printable, and `image` writes its charts as one SVG that draws the same in browsers and
in librsvg (explicit fonts, money right-aligned with text-anchor, no terminal cells).

Every text of the user's (an offer's name, a file name, a pay file's names, ids and groups) is
escaped here, in `esc`, and nowhere else. The reports of estimate, curve, compare and review are
made from the same result objects as their JSON (a review's: Summary.as_dict and Summary.chart).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlcomp import __version__
from mlcomp.charts import RANGE_ENDS, Axis, Bar, nice_axis, ranged, review_axis, short_money, stacked
from mlcomp.errors import MlcompError, one_line, shown
from mlcomp.render import comparison_rows, money, provenance, ratio, span_text, verdict
from mlcomp.review import MIN_GROUP

if TYPE_CHECKING:
    from mlcomp.engine import Estimate
    from mlcomp.offers import Comparison

KINDS = {".svg": "svg", ".html": "html", ".htm": "html"}
FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"  # one every renderer has or substitutes alike
FILLS = ("#2b7bb9", "#3a9d5d", "#a05195", "#d4a017", "#6c7a89")  # a fill per segment kind
WIDTH = 480  # a chart's own width in SVG units: it scales to the page (viewBox)
SCALE = 1.5  # a standalone image's size in pixels per unit


def esc(text: Any) -> str:
    """User text as HTML/SVG text: markup characters escaped, control characters shown (\\x1b)."""
    return html.escape(one_line(str(text)), quote=True)


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    groups: Sequence[Sequence[Sequence[str]]]  # rows in groups, a gap between groups
    strong: frozenset[str] = frozenset()  # labels of rows shown in bold


@dataclass(frozen=True)
class Chart:
    title: str
    bars: Sequence[Bar]
    names: Sequence[str] = ()  # the legend: fill i's meaning
    note: str = ""
    zero: bool = False


@dataclass(frozen=True)
class Places:
    """People placed in their own market range (0 its low end, 1 its high end), a row per level:
    review.Summary.chart()'s levels, each with its positions as [place, people]."""

    title: str
    levels: Sequence[Mapping[str, Any]]
    note: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: Sequence[Table | Chart | Places | str]


@dataclass(frozen=True)
class Report:
    title: str
    answer: Sequence[str]
    inputs: Sequence[tuple[str, str]]
    sections: Sequence[Section]
    sources: Sequence[str]
    made: datetime.date = field(default_factory=datetime.date.today)
    version: str = __version__

    @property
    def charts(self) -> list[Chart | Places]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart | Places)]


def check(name: str) -> str:
    """The kind of an --export file name ('svg' or 'html'), or a usage error saying what to give."""
    path = Path(name)
    if not name.strip() or name.endswith(("/", "\\")) or not path.name:
        raise MlcompError(f"{shown(name)} is no file name; give a file such as report.html or chart.svg",
                          usage=True, option="--export")
    if path.suffix.lower() not in KINDS:
        raise MlcompError(f"{shown(name)} is neither .svg nor .html; the extension chooses the format",
                          usage=True, option="--export")
    if path.is_dir():
        raise MlcompError(f"{shown(name)} is a directory; give a file such as report.html", usage=True,
                          option="--export")
    if not path.parent.is_dir():
        raise MlcompError(f"cannot write {shown(name)}: no directory {shown(str(path.parent))}; create it first",
                          option="--export")
    return KINDS[path.suffix.lower()]


def save(report: Report, name: str) -> None:
    """The report written to `name`: the page, or its charts as one image, by the extension."""
    text = image(report.charts, report.title) if check(name) == "svg" else page(report)
    Path(name).write_text(text, encoding="utf-8")


# ---- the page ------------------------------------------------------------------------------------
CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:0;
color:#1b1f23;background:#fff;line-height:1.45;font-size:16px}
main{max-width:56rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.25rem 0 .75rem;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
.answer{background:#f1f8ff;border-left:4px solid #2b7bb9;padding:.6rem .9rem;margin:0 0 1rem}
.answer p{margin:.3rem 0;overflow-wrap:anywhere}
.answer p:first-child{font-weight:600;font-size:1.05rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.25rem 0 1rem;font-variant-numeric:tabular-nums}
caption{text-align:left;color:#57606a;font-size:.85rem;caption-side:bottom;padding-top:.25rem}
th,td{padding:.2rem .6rem;text-align:right;white-space:nowrap;border-bottom:1px solid #eaeef2}
th:first-child,td:first-child{text-align:left;white-space:normal;min-width:8rem;overflow-wrap:anywhere}
tbody+tbody tr:first-child td{border-top:2px solid #d0d7de}
tr.strong td{font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}
dt{color:#57606a}dd{margin:0;overflow-wrap:anywhere}
figure{margin:.5rem 0 1rem}figure svg{width:100%;max-width:36rem;height:auto;display:block}
figcaption{font-size:.85rem;color:#57606a}
ol.sources{font-size:.9rem;padding-left:1.4rem}ol.sources li{overflow-wrap:anywhere;margin:.2rem 0}
footer{color:#57606a;font-size:.85rem;margin-top:2rem;border-top:1px solid #d0d7de;padding-top:.5rem}
@media (max-width:30rem){body{font-size:15px}main{padding:.6rem}th,td{padding:.15rem .2rem;font-size:.75rem}
th:first-child,td:first-child{min-width:5rem}
dl{grid-template-columns:1fr}dd{margin-bottom:.3rem}}
@media print{body{font-size:11pt}main{max-width:none;padding:0}.answer{background:none;border-left-width:3pt}
h2{break-after:avoid}table,figure{break-inside:avoid}.scroll{overflow:visible}a{color:inherit}}
"""


def page(report: Report) -> str:
    """The report as a standalone HTML page."""
    body = [f"<h1 id=\"title\">{esc(report.title)}</h1>",
            '<section class="answer" id="answer">' + "".join(f"<p>{esc(s)}</p>" for s in report.answer)
            + "</section>"]
    if report.inputs:
        body.append("<h2>Inputs</h2><dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in report.inputs)
                    + "</dl>")
    for section in report.sections:
        body.append(f"<h2>{esc(section.heading)}</h2>")
        body.extend(_block(block) for block in section.blocks)
    if report.sources:
        body.append('<h2>Sources</h2><ol class="sources">' + "".join(f"<li>{esc(s)}</li>" for s in report.sources)
                    + "</ol>")
    body.append(f"<footer>Made by mlcomp {esc(report.version)} on {report.made.isoformat()}. "
                "Numbers from the ML Engineer Salary Guide 2026 (data/bands.toml); estimates, not offers."
                "</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<meta name=\"generator\" content=\"mlcomp {esc(report.version)}\">"
            f"<title>{esc(report.title)}</title><style>{CSS}</style></head>\n<body><main>\n"
            + "\n".join(body) + "\n</main></body></html>\n")


def _block(block: Table | Chart | Places | str) -> str:
    if isinstance(block, str):
        return f"<p>{esc(block)}</p>"
    if isinstance(block, Chart | Places):
        caption = f"<figcaption>{esc(block.note)}</figcaption>" if block.note else ""
        return f"<figure>{svg(block)}{caption}</figure>"
    head = "".join(f"<th scope=\"col\">{esc(h)}</th>" for h in block.headers)
    groups = "".join("<tbody>" + "".join(_row(r, block.strong) for r in g) + "</tbody>" for g in block.groups if g)
    return (f"<div class=\"scroll\"><table><caption>{esc(block.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead>{groups}</table></div>")


def _row(cells: Sequence[str], strong: frozenset[str]) -> str:
    kind = ' class="strong"' if cells and cells[0] in strong else ""
    return f"<tr{kind}>" + "".join(f"<td>{esc(c).replace('-$', '-<wbr>$')}</td>" for c in cells) + "</tr>"


# ---- charts as SVG -------------------------------------------------------------------------------
LABEL, BAR, GAP, PAD = 16, 14, 10, 12  # a bar's label line, the bar, the space after it, the margins


def svg(chart: Chart | Places, *, standalone: bool = False, top: int = 0) -> str:
    """One chart: each bar under its label (so it reads at any width), its figures right-aligned on
    the label's line, a shared axis, the legend. `standalone`: with the SVG namespace and a size, as
    a file of its own."""
    inner, height = _body(chart, top)
    size = f' width="{WIDTH * SCALE:g}" height="{height * SCALE:g}"' if standalone else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"{size} role="img" '
            f'font-family="{FONT}" font-size="13"><title>{esc(chart.title)}</title>{inner}</svg>')


def _body(chart: Chart | Places, top: int) -> tuple[str, int]:
    return _places_body(chart, top) if isinstance(chart, Places) else _chart_body(chart, top)


def _scale(axis: Axis) -> Callable[[float], float]:
    """A value's x on the chart's width, the axis from one margin to the other."""
    left, span = PAD, WIDTH - 2 * PAD
    return lambda value: round(left + (value - axis.lo) / (axis.hi - axis.lo) * span, 1)


def _axis(axis: Axis, x: Callable[[float], float], y: float, label: Callable[[float], str]) -> list[str]:
    """The axis line at `y`, a tick per step, each labelled (`label` of its value) under it."""
    left, right = PAD, WIDTH - PAD
    parts = [f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#57606a"/>']
    for tick in axis.ticks():
        anchor = "start" if x(tick) <= left else "end" if x(tick) >= right else "middle"
        parts.append(f'<line x1="{x(tick)}" y1="{y}" x2="{x(tick)}" y2="{y + 4}" stroke="#57606a"/>'
                     f'<text x="{x(tick)}" y="{y + 16}" text-anchor="{anchor}" fill="#57606a">'
                     f"{esc(label(tick))}</text>")
    return parts


def _chart_body(chart: Chart, top: int = 0) -> tuple[str, int]:
    """The chart's elements, starting `top` units down, and the height they end at."""
    left, right = PAD, WIDTH - PAD
    values = [v for b in chart.bars for s in b.segments for v in (s.start, s.end)]
    axis = nice_axis(values + [v for b in chart.bars for v in (*b.marks, *b.points)], (right - left) // 10,
                     zero=chart.zero)
    x = _scale(axis)
    parts = [f'<text x="{left}" y="{top + 14}" font-size="14" font-weight="bold">{esc(chart.title)}</text>']
    y = top + 24
    for bar in chart.bars:
        if not bar.segments:
            y += GAP
            continue
        figures = _figures(bar)
        parts.append(f'<text x="{left}" y="{y + 12}">{esc(bar.label)}</text>'
                     f'<text x="{right}" y="{y + 12}" text-anchor="end">{esc(figures)}</text>')
        y += LABEL
        parts.extend(f'<rect x="{x(s.start)}" y="{y}" width="{max(x(s.end) - x(s.start), 0.5)}" height="{BAR}" '
                     f'fill="{FILLS[s.kind % len(FILLS)]}"/>' for s in bar.segments)
        parts.extend(f'<rect x="{x(m) - 1}" y="{y - 2}" width="2" height="{BAR + 4}" fill="#1b1f23"/>'
                     for m in bar.marks)
        parts.extend(f'<circle cx="{x(p)}" cy="{y + BAR / 2}" r="4.5" fill="#fff" stroke="#1b1f23" '
                     'stroke-width="2"/>' for p in bar.points)
        y += BAR + GAP
    parts += _axis(axis, x, y, short_money)
    y += 24
    at = left
    for kind, name in enumerate(chart.names):
        parts.append(f'<rect x="{at}" y="{y}" width="12" height="12" fill="{FILLS[kind % len(FILLS)]}"/>'
                     f'<text x="{at + 16}" y="{y + 10}">{esc(name)}</text>')
        at += 28 + 7 * len(name)
    return "".join(parts), y + (20 if chart.names else 0) + PAD


def _figures(bar: Bar) -> str:
    """The dollars a bar stands for, as words: 'low-high' for a range, the total for a stack."""
    if len(bar.segments) == 1 and bar.segments[0].start > 0:
        return f"{money(bar.segments[0].start)}-{money(bar.segments[0].end)}"
    return money(bar.segments[-1].end) if bar.segments else ""


BAND, BELOW, ABOVE, INSIDE = "#a8d5b5", "#d1495b", "#6f42c1", "#fff"  # a market range; a person below, above, in it
EDGES = {BELOW: "#8b1e2d", ABOVE: "#3f2372", INSIDE: "#1b4d2c"}  # each circle's outline: a crowd keeps its colour


def _places_body(chart: Places, top: int) -> tuple[str, int]:
    """Per level, the market range from its low to its high end (the mid marked) and a circle where
    each person's pay sits in their own range: below it red and clear of the band on its left, above
    it purple on its right. People at one place (to 1% of the range) share a larger circle, its
    tooltip says how many; the level's line says how many are below and above."""
    left, right = PAD, WIDTH - PAD
    axis = review_axis(chart.levels) or Axis(-0.5, 1.5, 0.5)
    x = _scale(axis)
    most = max((count for level in chart.levels for _, count in level["positions"]), default=1)
    parts = [f'<text x="{left}" y="{top + 14}" font-size="14" font-weight="bold">{esc(chart.title)}</text>']
    y = first = top + 24
    for level in chart.levels:
        below = sum(count for place, count in level["positions"] if place < 0)
        above = sum(count for place, count in level["positions"] if place > 1)
        parts.append(f'<text x="{left}" y="{y + 12}">{esc(level["level"])}</text>'
                     f'<text x="{right}" y="{y + 12}" text-anchor="end">{_people(level["people"])}: {below:,} below, '
                     f"{above:,} above</text>")
        y += LABEL
        parts.append(f'<rect x="{x(0)}" y="{y}" width="{x(1) - x(0)}" height="{BAR}" fill="{BAND}"/>'
                     f'<rect x="{x(0.5) - 1}" y="{y - 2}" width="2" height="{BAR + 4}" fill="#1b1f23"/>')
        parts.extend(_person(place, count, most, x, y + BAR / 2) for place, count in level["positions"])
        y += BAR + GAP
    parts[1:1] = [f'<line x1="{x(end)}" y1="{first + LABEL}" x2="{x(end)}" y2="{y}" stroke="#8c959f" '
                  'stroke-dasharray="3 3"/>' for end in (0, 1)]  # the range's ends, through every level
    parts += _axis(axis, x, y, lambda value: RANGE_ENDS.get(value, ""))
    y += 24
    at = left
    for fill, name in ((INSIDE, "in the range"), (BELOW, "below it"), (ABOVE, "above it")):
        parts.append(f'<circle cx="{at + 6}" cy="{y + 6}" r="4.5" fill="{fill}" stroke="{EDGES[fill]}"/>'
                     f'<text x="{at + 16}" y="{y + 10}">{name}</text>')
        at += 28 + 7 * len(name)
    parts.append(f'<rect x="{at}" y="{y}" width="24" height="12" fill="{BAND}"/>'
                 f'<rect x="{at + 11}" y="{y - 1}" width="2" height="14" fill="#1b1f23"/>'
                 f'<text x="{at + 30}" y="{y + 10}">market range, mid</text>')
    return "".join(parts), y + 20 + PAD


def _person(place: float, count: int, most: int, x: Callable[[float], float], y: float) -> str:
    """A circle for the `count` people at `place` in their range: when some place holds more than one,
    its area grows with its share of `most` (the most at any place), from a dot to a radius of 7."""
    r = 4.5 if most == 1 else round(2 + 5 * (count / most) ** 0.5, 1)
    cx, fill = x(place), INSIDE
    if place < 0:
        cx, fill = min(cx, x(0) - r - 1), BELOW
    elif place > 1:
        cx, fill = max(cx, x(1) + r + 1), ABOVE
    where = (f"{-place:.0%} of the range below its low" if place < 0 else f"{place - 1:.0%} of the range above its "
             "high" if place > 1 else f"{place:.0%} of the way from low to high")
    return (f'<circle cx="{cx}" cy="{y}" r="{r}" fill="{fill}" fill-opacity="0.85" stroke="{EDGES[fill]}">'
            f"<title>{_people(count)}: {where}</title></circle>")


def _people(count: int) -> str:
    return _count(count, "person", "people")


def _count(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def image(chart_list: Sequence[Chart | Places], title: str) -> str:
    """The charts, one under another, as a standalone SVG image."""
    parts, y = [], 0
    for chart in chart_list:
        inner, y = _body(chart, y)
        parts.append(inner)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH * SCALE:g}" height="{y * SCALE:g}" '
            f'viewBox="0 0 {WIDTH} {y}" style="max-width:100%;height:auto" font-family="{FONT}" font-size="13">'
            f'<title>{esc(title)}</title><rect width="100%" height="100%" fill="#fff"/>{"".join(parts)}</svg>\n')


# ---- the reports of estimate, curve and compare ----------------------------------------------------
def _ranges(rows: Iterable[tuple[str, dict[str, int]]]) -> list[list[str]]:
    return [[label, *(money(d[k]) for k in ("low", "mid", "high", "typical"))] for label, d in rows]


def estimate_report(est: Estimate, profile: Sequence[tuple[str, str]] = ()) -> Report:
    """An estimate: the typical total comp and its range first, then the band and every rule, the
    chart of the three ranges, and each rule's source."""
    data = est.as_dict(explain=True)
    band, base, tc = data["band"], data["base"], data["total_comp"]
    rules = [[f"{a['factor']}: {a['key']}", f"{a['low'] * 100:+g}%", f"{a['high'] * 100:+g}%"]
             for a in data["adjustments"]]
    chart = Chart("Pay ranges", [
        ranged(f"National band ({est.level_label})", band["low"], band["high"], kind=3, mark=band["mid"],
               points=[band["typical"]]),
        ranged("Base salary", base["low"], base["high"], kind=0, mark=base["mid"], points=[base["typical"]]),
        ranged("Total compensation", tc["low"], tc["high"], kind=1, mark=tc["mid"], points=[tc["typical"]])],
        note=f"{data['currency']} per year, low to high; a bar marks the midpoint, a circle the typical value.")
    sources = [provenance(est.band_source, None) or "the guide's national band"]
    sources += [f"{a['factor']} {a['key']}: {provenance(a['source'], a['assumption'])}" for a in data["adjustments"]]
    rule = est.total_comp_rule
    sources.append(f"Total comp: {provenance(rule.source, rule.assumption)}")
    return Report(
        title=f"ML engineer pay: {est.level_label} level" + ("" if est.years is None else f", {est.years:g} years")
        + "".join(f", {v}" for k, v in profile if k.lower() in ("city", "tier")),
        answer=[f"Typical total compensation {money(tc['typical'])} a year (range {money(tc['low'])} to "
                f"{money(tc['high'])}).",
                f"Base salary {money(base['typical'])} typical ({money(base['low'])} to {money(base['high'])}); "
                f"equity and bonus {money(data['equity_and_bonus']['typical'])}."],
        inputs=[("Level", f"{est.level_label} ({data['level']})"), *profile],
        sections=[Section("The estimate", [
            Table(f"{data['currency']} per year; typical at p = {est.position:.3g}",
                  ["", "Low", "Mid", "High", "Typical"],
                  [_ranges([(f"National band ({est.level_label})", band), ("Base salary", base),
                            ("Equity and bonus", data["equity_and_bonus"]), ("Total compensation", tc)])],
                  frozenset({"Total compensation"})),
            chart]),
            Section("Rules applied", [Table("Premium on the band's low and high end", ["Rule", "Low", "High"],
                                            [rules])] if rules else ["None: the national band as it is."])],
        sources=sources)


def curve_report(points: Sequence[Estimate], title: str) -> Report:
    """The curve: a row per year of experience, and the total-comp range per year as a chart."""
    rows = [[f"{p.years:g}", p.level, *(money(d[k]) for d in (p.base.dollars(p.position),
                                                               p.total_comp.dollars(p.position))
                                         for k in ("low", "high", "typical"))] for p in points]
    first, last = points[0], points[-1]
    tc0, tc1 = first.total_comp.typical(first.position), last.total_comp.typical(last.position)
    chart = Chart("Total compensation by years of experience", [
        ranged(f"{p.years:g} years ({p.level})", (d := p.total_comp.dollars(p.position))["low"], d["high"], kind=1,
               mark=d["mid"], points=[d["typical"]]) for p in points],
        note="USD per year, low to high; a bar marks the midpoint, a circle the typical value.")
    return Report(
        title=title,
        answer=[f"Typical total compensation grows from {money(tc0)} at {first.years:g} years to {money(tc1)} "
                f"at {last.years:g} years."],
        inputs=[("Years", f"{first.years:g} to {last.years:g}")],
        sections=[Section("By years of experience", [
            Table("USD per year", ["Years", "Level", "Base low", "Base high", "Base typical", "TC low", "TC high",
                                   "TC typical"], [rows]), chart])],
        sources=[provenance(p.band_source, None) for p in {p.level: p for p in points}.values() if p.band_source]
        + [f"{a.factor} {a.key}: {provenance(a.source, a.assumption)}" for a in first.adjustments])


def compare_report(comparison: Comparison) -> Report:
    """A comparison: the verdict first, the totals and the market (the terminal table's rows), the
    charts, the year blocks, where each offer came from."""
    offers = comparison.offers
    span = span_text(comparison.months)
    names = [o.name for o in offers]

    def table(years: bool, caption: str) -> Table:
        groups: list[list[list[str]]] = [[]]
        strong: set[str] = set()

        def row(label: str, cells: Iterable[str], style: str = "", end_section: bool = False) -> None:
            groups[-1].append([label.strip(), *cells])
            if style == "bold":
                strong.add(label.strip())
            if end_section:
                groups.append([])

        comparison_rows(comparison, row, years=years, summary=not years)
        return Table(caption, ["", *names], groups, frozenset(strong))

    from mlcomp.offers import components_of

    kinds = [c for c in components_of(offers[0].by_year[0]) if c.chart]
    groups: dict[str, list[str]] = {}
    for c in kinds:
        groups.setdefault(c.chart, []).append(c.key)
    bars: list[Bar] = []
    for i in range(len(offers[0].by_year)):
        bars += [Bar("", ())] if i else []
        bars += [stacked(f"Year {i + 1}: {o.name}", [max(sum(o.by_year[i][k] for k in keys), 0)
                                                      for keys in groups.values()]) for o in offers]
    charts = [Chart("Total per year", bars, names=list(groups), zero=True, note="USD per year, by part.")]
    market = [ranged(f"{o.name} ({m.level}, {m.location})", m.total_comp["low"], m.total_comp["high"], kind=1,
                     mark=m.total_comp["mid"], points=[o.average]) for o in offers if (m := o.market)]
    if market:
        charts.append(Chart("Average per year on the market total-comp range", market,
                            note="USD per year; a circle marks the offer's average, a bar the market midpoint."))
    return Report(
        title=(" vs ".join(names) if len(names) > 1 else f"The offer: {names[0]}") + f", over {span}",
        answer=verdict(comparison),
        inputs=[(o.name, o.origin) for o in offers] + [("Span", span)]
        + [(f"{o.name}, market profile", f"{o.market.level}, {o.market.location}") for o in offers if o.market],
        sections=[Section("Totals", [table(False, f"USD, over {span}.")]),
                  Section("Charts", charts),
                  Section("Year by year", [table(True, "USD per year")])],
        sources=[f"{o.name}: {o.origin}" for o in offers]
        + (["Market ranges: the ML Engineer Salary Guide 2026, as mlcomp estimate reads it (data/bands.toml); "
            "see mlcomp factors for every rule's source."] if market else []))


def review_report(data: Mapping[str, Any], levels: Sequence[Mapping[str, Any]], file: str,
                  inputs: Sequence[tuple[str, str]] = ()) -> Report:
    """A pay review (review.Summary: `data` its as_dict, `levels` its chart, in the bands' order): the
    head count, who is below range and the cost first, then each person on their range by level, the
    verdicts, the medians by level, city and --by group, and the largest gaps."""
    name = "standard input" if file == "-" else Path(file).name
    people, verdicts, cost = data["people"], data["verdicts"], data["cost"]
    chart = Places("Each person's pay in their market range, by level", levels,
                   note="On base salary where the row gives it, else total comp; each range is the person's own "
                        "(level, city and the rest of the row's profile). Left of the band: below the range; right: "
                        "above it. People at one place share a larger circle.")
    groupings = [("level", data["by_level"]), ("city", data["by_city"])]
    if data.get("by"):
        groupings.append((data["by"]["column"], data["by"]))
    sections = [Section("Where each person stands", [chart]),
                Section("Verdicts and cost", [_verdicts(verdicts, people), Table(
                    "Dollars a year, on the pay the gaps are on", ["", "Dollars", "Of payroll"],
                    [[["To the low, for everyone below it", money(cost["to_low"]), _percent(cost["to_low_share"])],
                      ["To the mid, for everyone below it", money(cost["to_mid"]), _percent(cost["to_mid_share"])],
                      ["Payroll", money(cost["payroll"]), ""]]])]),
                *(Section(f"Median compa-ratio by {key}", [_grouping(key, grouping)]) for key, grouping in groupings)]
    if data["largest_gaps"]:
        sections.append(Section("Largest gaps to the mid", [_gaps(data["largest_gaps"])]))
    return Report(
        title=f"Pay review: {name}", answer=_review_answer(data),
        inputs=[("File", name), *((("Grouped by", data["by"]["column"]),) if data.get("by") else ()), *inputs],
        sections=sections,
        sources=[f"Pay: the base, bonus, equity and total_comp columns of {name}.",
                 "Market ranges: the ML Engineer Salary Guide 2026, as mlcomp estimate reads it (data/bands.toml), "
                 "for each row's profile; mlcomp estimate --input FILE --explain lists each row's rules and their "
                 "sources."])


def _review_answer(data: Mapping[str, Any]) -> list[str]:
    """Who is below range and what it costs, first: the sentences a pay review is sent with."""
    verdicts, cost = data["verdicts"], data["cost"]
    answer = [f"{data['people']:,} people with pay: {verdicts['below range']:,} below their market range, "
              f"{verdicts['above range']:,} above it.",
              f"To bring everyone below the low to the low: {money(cost['to_low'])}"
              f"{_of_payroll(cost['to_low_share'])}; everyone below the mid to the mid: {money(cost['to_mid'])}"
              f"{_of_payroll(cost['to_mid_share'])}.",
              f"Median compa-ratio (pay / the market mid): base {ratio(data['median_base_compa']) or '-'}, total comp "
              f"{ratio(data['median_total_compa']) or '-'}"
              + ("." if data["medians_exact"] else " (approximate: within 0.00025, from bins past 100,000 people).")]
    also = [_count(data[key], *words) for key, *words in (("without_pay", "row without pay", "rows without pay"),
                                                          ("skipped", "bad row skipped", "bad rows skipped"),
                                                          ("repeated_ids", "id given twice", "ids given twice"))
            if data[key]]
    return answer + (["Also in the file: " + ", ".join(also) + "."] if also else [])


def _of_payroll(share: float | None) -> str:
    return "" if share is None else f" ({share * 100:.1f}% of payroll)"


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _verdicts(verdicts: Mapping[str, int], people: int) -> Table:
    return Table("People in each step of their market range", ["Verdict", "People", "Share"],
                 [[[step, f"{count:,}", _percent(count / people)] for step, count in verdicts.items()]],
                 frozenset({"below range"}))


def _grouping(key: str, grouping: Mapping[str, Any]) -> Table | str:
    """A grouping's table (Summary.as_dict's by_level, by_city, by), what it leaves out in its caption."""
    left = []
    hidden = grouping.get("not_shown") or {}
    if hidden.get("groups"):
        groups = "1 group" if hidden["groups"] == 1 else f"{hidden['groups']:,} groups"
        left.append(f"{_people(hidden['people'])} in {groups} of fewer than {MIN_GROUP} not shown on their own, "
                    "so that no median points at one person")
    if beyond := grouping.get("beyond"):
        left.append(f"{_people(beyond['people'])} {beyond['why']}")
    caption = "; ".join(left)
    if not grouping["groups"]:
        return f"No group shown: {caption or 'no one'}."
    rows = [[group, f"{g['count']:,}", ratio(g["median_base_compa"]), ratio(g["median_total_compa"])]
            for group, g in grouping["groups"].items()]
    return Table("Median compa-ratio: pay / the market mid" + (f"; {caption}" if caption else ""),
                 [key.capitalize(), "People", "Base", "Total comp"], [rows])


def _gaps(gaps: Sequence[Mapping[str, Any]]) -> Table:
    def person(gap: Mapping[str, Any]) -> str:
        said = [str(gap["name"])] if gap["name"] not in (None, "") else []
        said += [f"id {gap['id']}"] if gap["id"] not in (None, "") else []
        return ", ".join(said) or "-"

    return Table("Dollars a year to the market's low and mid, the ten largest; the line is the row's in the file",
                 ["Person", "Line", "Level", "Verdict", "To low", "To mid"],
                 [[[person(g), str(g["line"]), g["level"], g["verdict"], money(g["to_low"]), money(g["to_mid"])]
                   for g in gaps]])
