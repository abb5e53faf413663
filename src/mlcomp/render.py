"""Formatting for people: tables and the console. Data formats (JSON, CSV, ...) are formats.py's;
rich is imported only when a table is drawn.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from mlcomp.environment import make_console
from mlcomp.errors import one_line
from mlcomp.formats import cell as scalar
from mlcomp.formats import percent, pick

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from mlcomp.bands import Bands
    from mlcomp.engine import Adjustment, Estimate
    from mlcomp.offers import Comparison, Result

def money(amount: float) -> str:
    return f"${round(amount):,}"


def years_text(start: float, end: float | None) -> str:
    return f"{start:g}+ years" if end is None else f"{start:g} to under {end:g} years"


def console(file: IO[str] | None = None, width: int | None = None) -> Console:
    """A console on `file` (default stdout) that never reads markup in text (offer names, row values
    are literal). The command line passes its own (environment.Environment.console) instead."""
    return make_console(file or sys.stdout, width=width)


def text(value: str, style: str = "") -> Text:
    """A rich Text of text from the user, its control characters shown escaped (\\x07, \\x1b): rich
    itself deletes BEL, BS, VT, FF and CR when it makes a Text, so 'A\\a' and 'A' would look the same."""
    from rich.text import Text

    return Text(one_line(value), style=style)


def visible(cell: Any) -> Any:
    """A table cell (text or rich Text) with control characters shown escaped (\\x1b, \\n): text from
    the user (an offer name, a CSV cell, a label in a bands file) cannot drive the terminal. (A Text
    made from the user's text is made with `text`, before rich deletes some of them.)"""
    from rich.text import Text

    if isinstance(cell, str):
        return one_line(cell)
    if isinstance(cell, Text) and not cell.plain.isprintable():
        return Text(one_line(cell.plain), style=cell.style, justify=cell.justify, overflow=cell.overflow)
    return cell


def replace_cells(column: Any, change: Callable[[Any], Any]) -> None:
    """Each cell of a rich table column replaced by change(cell). rich has no public way to change a
    cell once added: this reaches into `Column._cells` (written against rich 15.0; tests/test_cli.py
    checks that it still changes what is printed)."""
    column._cells = [change(cell) for cell in column._cells]


def _whole_numbers(table: Any) -> None:
    """Each column's narrowest width, as rich would not measure it: a no_wrap cell whole (rich takes
    its longest word), so a number or a range is never cut; a wrapping cell's longest word with the
    cell's indent ('  Difference to best' wraps as '  Difference')."""
    from rich.cells import cell_len
    from rich.text import Text

    for column in table.columns:
        texts = [str(cell) for cell in (column.header, *column.cells) if isinstance(cell, (str, Text))]
        lines = [line for text in texts for line in text.split("\n") if line.strip()]
        if column.no_wrap:
            widths = [cell_len(line) for line in lines]
        else:
            widths = [len(line) - len(line.lstrip()) + max(map(cell_len, line.split())) for line in lines]
        column.min_width = max([column.min_width or 0, *widths])


def narrowest(out: Console, table: Any) -> int:
    """The width of the table's narrowest form: every no_wrap cell whole, every other one wrapped at
    its spaces (its longest word whole)."""
    from rich.measure import Measurement

    return Measurement.get(out, out.options.update_width(10_000), table).minimum


Drop = Sequence[str | tuple[str, ...]]  # columns a narrow terminal loses, in order; a tuple's together


def fit(out: Console, table: Any, drop: Drop = (), room: int = 0) -> bool:
    """Make the table fit the console's width with `room` cells to spare: first without the blank
    edge around it, then without the columns named in `drop`, in that order; False (every column
    kept) when it does not fit even then."""
    _whole_numbers(table)
    columns = list(table.columns)
    for step, names in enumerate(((), (), *drop)):
        if step == 1:
            table.show_edge = table.pad_edge = False
        gone = (names,) if isinstance(names, str) else names
        _keep(table, [c for c in table.columns if str(c.header).strip() not in gone])
        if narrowest(out, table) + room <= out.width:
            return True
    _keep(table, columns)
    return False


def _keep(table: Any, columns: list[Any]) -> None:
    """The table with these of its columns. rich has no public way to drop a column: this sets
    `Table.columns` and each column's `_index` (its place, which rich's padding reads; written
    against rich 15.0; tests/test_layout.py checks the columns printed)."""
    table.columns[:] = columns
    for index, column in enumerate(columns):
        column._index = index


def _share(out: Console, table: Any) -> None:
    """Column widths for a table that fits only once its words wrap: rich would shrink the widest
    wrapping columns first, even below their longest word ('Private-equ...'); here each column gets
    its longest word, and what is left goes, a cell at a time, to the column that lacks most."""
    from rich.measure import Measurement

    options = out.options.update_width(10_000)
    ranges = []
    for column in table.columns:
        cells = [Measurement.get(out, options, cell) for cell in (column.header, *column.cells)]
        low = max([column.width or column.min_width or 0, *(m.minimum for m in cells)])
        ranges.append((low, column.width or max([low, *(m.maximum for m in cells)])))
    spare = out.width - narrowest(out, table)
    if sum(high - low for low, high in ranges) <= spare:
        return  # it fits unwrapped: rich lays it out as it is
    widths = [low for low, _ in ranges]
    for _ in range(spare):
        lack, i = max((high - width, i) for i, (width, (_, high)) in enumerate(zip(widths, ranges, strict=True)))
        widths[i] += 1 if lack > 0 else 0
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def print_wide(out: Console, table: Any, drop: Drop = (), keys: int = 1) -> None:
    """Print a table within the console's width without ever cutting a number or a word: words wrap
    at spaces; when that is not enough, the columns named in `drop` are left out, in order; when even
    that is not enough, the table is printed as a list of `label: value` lines (`as_list`, its label
    the first `keys` columns). Every table is printed here, so here its text is made visible
    (see `visible`)."""
    table.title, table.caption = visible(table.title), visible(table.caption)
    for column in table.columns:
        column.header = visible(column.header)
        replace_cells(column, visible)
    if fit(out, table, drop):
        _share(out, table)
        out.print(table)
    else:
        as_list(out, table, keys)


def as_list(out: Console, table: Any, keys: int = 1) -> None:
    """A table too wide for the terminal as lines: each row's label (its first `keys` cells), then
    `header: value` for each other cell that is not empty, indented; a blank line between sections;
    the title first and the caption last. Lines wrap at spaces."""
    from rich.padding import Padding
    from rich.text import Text

    def plain(cell: Any) -> str:
        return cell.plain if isinstance(cell, Text) else str(cell or "")

    columns = [(plain(c.header).strip(), [plain(cell) for cell in c.cells]) for c in table.columns]
    if table.title:
        out.print(table.title, style="bold")
        out.print()
    for i, row in enumerate(table.rows):
        label = " ".join(cells[i] for _, cells in columns[:keys] if cells[i].strip())
        if label:
            out.print(Text(label, style=row.style or ""))
        indent = len(label) - len(label.lstrip()) + 2
        for header, cells in columns[keys:]:
            if cells[i].strip():
                out.print(Padding(Text(f"{header}: {cells[i].strip()}" if header else cells[i].strip()),
                                  (0, 0, 0, indent), expand=False))
        if row.end_section:
            out.print()
    if table.caption:
        out.print()
        out.print(table.caption)


def provenance(source: str | None, assumption: str | None) -> str:
    parts = [f'"{source}"'] if source else []
    if assumption:
        parts.append(f"Assumption: {assumption}")
    return " ".join(parts)


def estimate_table(est: Estimate, bands: Bands, *, explain: bool = False, out: Console | None = None) -> None:
    """The estimate as a table, one row per rule, and the typical value of each range (at p, the
    years' place inside the level); with `explain`, numbered sources under it, and how p was found.
    A narrow terminal loses the Mid column first."""
    from rich import box
    from rich.table import Table

    out = out or console()
    level = bands.levels[est.level]
    title = f"ML engineer pay, {est.level_label} level ({years_text(level.years_from, level.years_to)})"
    title += "" if est.years is None else f", {est.years:g} years"
    table = Table(title=title, box=box.SIMPLE_HEAD, caption=f"{est.currency} per year",
                  caption_justify="left")
    for name in ("#", "Step", "Low", "Mid", "High", "Typical")[0 if explain else 1:]:
        table.add_column(name, justify="left" if name == "Step" else "right", no_wrap=name != "Step")
    notes: list[str] = []
    for step, cells, why, style in _estimate_rows(est, bands):
        ref = []
        if explain:
            notes += [why] if why else []
            ref = [f"[{len(notes)}]" if why else ""]
        table.add_row(*ref, step, *cells, style=style)
    print_wide(out, table, drop=("Mid",), keys=2 if explain else 1)
    for number, note in enumerate(notes, 1):
        out.print(one_line(f"[{number}] {note}"))


def _estimate_rows(est: Estimate, bands: Bands) -> Iterator[tuple[str, tuple[str, ...], str, str]]:
    """The estimate table's rows: (step, its low, mid, high and typical cells, its source, style)."""
    def amounts(values: dict[str, int]) -> tuple[str, ...]:
        return tuple(money(values[key]) for key in ("low", "mid", "high", "typical"))

    def rule(adj: Adjustment, name: str, rates: Any) -> tuple[str, tuple[str, ...], str, str]:
        return (f"{name}: {adj.label}", (percent(rates.low), "", percent(rates.high), ""),
                provenance(rates.source, rates.assumption), "")

    p, level = est.position, bands.levels[est.level]
    typical = level.typical if est.years is not None and level.typical else bands.typical
    yield (f"National band ({est.level_label})", amounts(est.band.dollars(p)),
           provenance(est.band_source, level.assumption), "")
    yield ("Typical position", ("", "", "", f"p = {p:.3g}"),
           f"{est.position_note[:1].upper()}{est.position_note[1:]}. {provenance(typical.source, typical.assumption)}",
           "")
    for adj in est.adjustments:
        yield rule(adj, _factor_name(adj), adj)
    yield "Base salary", amounts(est.base.dollars(p)), "", "bold"
    yield rule(est.total_comp_rule, "Market", est.total_comp_rule)
    for adj, eb in _own_equity_and_bonus(est):
        yield rule(adj, _factor_name(adj), eb)
    yield "Equity and bonus", amounts(est.equity_and_bonus.dollars(p)), "", "bold"
    yield "Total compensation", amounts(est.total_comp.dollars(p)), "", "bold"


def _own_equity_and_bonus(est: Estimate) -> list[tuple[Adjustment, Any]]:
    """The rules that move equity and bonus by rates of their own (not zero), with those rates."""
    return [(adj, adj.equity_and_bonus) for adj in est.adjustments
            if adj.equity_and_bonus is not None and (adj.equity_and_bonus.low or adj.equity_and_bonus.high)]


def _factor_name(adj: Adjustment) -> str:
    return "ML focus" if adj.factor == "ml_focus" else adj.factor.capitalize()


BATCH_COLUMNS = (("Level", "level"), ("Base low", "base.low"), ("Base mid", "base.mid"),
                 ("Base high", "base.high"), ("Total low", "total_comp.low"), ("Total mid", "total_comp.mid"),
                 ("Total high", "total_comp.high"))
BATCH_DROP = (("Base low", "Base high"), ("Total low", "Total high"))  # what a narrow terminal loses first
# A pay review's rows (records with pay): the base range, the person's pay and where it stands.
REVIEW_COLUMNS = (("Level", "level"), ("Base low", "base.low"), ("Base mid", "base.mid"),
                  ("Base high", "base.high"), ("Pay base", "pay.base"), ("Compa", "base_compa"),
                  ("Total", "pay.total_comp"), ("TC compa", "total_compa"), ("Verdict", "verdict"),
                  ("To low", "to_low"), ("To mid", "to_mid"))
# What a narrow terminal loses of a review's rows first: the base range's ends, total comp, the base mid
# (the compa-ratio says where the pay is against it); then `review_drop` adds the carried columns.
REVIEW_DROP = (("Base low", "Base high"), ("Total", "TC compa"), ("Base mid",))
WHO = ("id", "name")  # carried columns that name the person: a review's table keeps them


def review_drop(carried: Sequence[str]) -> tuple[Drop, int]:
    """What a review's table loses as the terminal narrows, in order: REVIEW_DROP, then the carried
    profile columns (city, tier, ...: they made the market range), then the other carried columns but
    those naming the person (id, name; else the first), then To mid; so at 80 columns it stays a table
    of who, level, pay, compa-ratio, verdict and the gaps. And how many leading columns name the
    person (the label of each person when even that does not fit)."""
    from mlcomp.fields import FIELDS, canonical

    who = [name for name in carried if canonical(name) in WHO] or list(carried[:1])
    profile = {field.name for field in FIELDS}
    inputs = tuple(one_line(name) for name in carried if canonical(name) in profile and name not in who)
    others = tuple(one_line(name) for name in carried if name not in who and canonical(name) not in profile)
    drop = [*REVIEW_DROP, *(names for names in (inputs, others) if names), ("To mid",)]
    return drop, len(list(itertools.takewhile(lambda name: name in who, carried))) or 1


def batch_cell(record: Mapping[str, Any], path: str) -> str:
    """A batch table's cell: dollars, a ratio (two decimals), a verdict; empty for none."""
    value = pick(record, path)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:.2f}" if path.endswith("compa") else money(value)


def batch_tables(records: Iterable[Mapping[str, Any]], *, out: Console | None = None, rows: int = 100) -> None:
    """Batch estimates as tables of up to `rows` rows each (so memory stays flat, and the first is out
    at once: a reader that stops, `| head`, stops the run within a table): the carried columns, then
    level, base and total-comp ranges. Cell text is literal, never markup."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = out or console()
    table: Table | None = None
    carried: list[str] = []
    columns: tuple[tuple[str, str], ...] = BATCH_COLUMNS
    count = 0
    for record in records:
        if table is None:
            carried = list(itertools.takewhile(lambda key: key != "level", record))  # they come first
            columns = REVIEW_COLUMNS if "base_compa" in record else BATCH_COLUMNS
            table = Table(box=box.SIMPLE_HEAD)
            for name in carried:
                table.add_column(text(name), overflow="fold", min_width=min(len(name), 20))
            table.add_column("Level", no_wrap=True)
            for title, _ in columns[1:]:
                table.add_column(title, justify="left" if title == "Verdict" else "right", no_wrap=True)
        cells = [text(scalar(record.get(name))) for name in carried]
        for column, cell in zip(table.columns, cells, strict=False):
            column.min_width = max(column.min_width or 0, min(len(cell), 20))
        cells.append(Text(str(record["level"])))
        cells += [Text(batch_cell(record, path)) for _, path in columns[1:]]
        table.add_row(*cells)
        count += 1
        if count == rows:
            _batch_table(out, table, carried, columns is REVIEW_COLUMNS)
            table, count = None, 0
    if table is not None:
        _batch_table(out, table, carried, columns is REVIEW_COLUMNS)


def _batch_table(out: Console, table: Any, carried: Sequence[str], reviewed: bool) -> None:
    drop, keys = review_drop(carried) if reviewed else (BATCH_DROP, 1)
    print_wide(out, table, drop, keys)


def listing(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]], out: IO[str] | None = None,
            screen: Console | None = None, drop: Drop = ()) -> None:
    """Rows of `mlcomp bands` / `mlcomp factors` as a table of `columns` (title, key, kind: text | money |
    percent | years | source | group, a group's value heading its rows instead of a column); a narrow
    terminal loses the columns named in `drop` first. The data formats are formats.write's."""
    from rich import box
    from rich.table import Table

    notes: dict[str, int] = {}  # source text -> its number; rows quoting the same words share one
    table = Table(box=box.SIMPLE_HEAD)
    shown = [(key, kind) for _, key, kind in columns if kind != "group"]
    for title, _, kind in columns:
        if kind != "group":
            table.add_column(title, justify="right" if kind in ("money", "percent", "source") else "left",
                             overflow="fold", no_wrap=kind not in ("text", "years"))
    group = next((key for _, key, kind in columns if kind == "group"), None)
    previous = None
    for row in rows:
        if group is not None and row[group] != previous:
            if previous is not None:
                table.rows[-1].end_section = True
            table.add_row(scalar(row[group]), style="bold")
            previous = row[group]
        table.add_row(*(_listing_cell(row, key, kind, notes) for key, kind in shown))
    screen = screen or console(file=out or sys.stdout)
    print_wide(screen, table, drop)
    for note, number in notes.items():
        screen.print(one_line(f"[{number}] {note}"))


def _listing_cell(row: dict[str, Any], key: str, kind: str, notes: dict[str, int]) -> str:
    """A cell of `listing`; a source is numbered in `notes` (the same words, the same number)."""
    value: Any = row.get(key)
    if kind == "money":
        return money(value)
    if kind == "percent":
        return percent(value)
    if kind == "years":
        return years_text(row["years_from"], row["years_to"])
    if kind == "source":
        return f"[{notes.setdefault(provenance(row['source'], row['assumption']), len(notes) + 1)}]"
    return ", ".join(value) if isinstance(value, list) else scalar(value)


def signed_money(amount: float) -> str:
    """'-$20,000', '+$5,000' or '$0'."""
    if not round(amount):
        return "$0"
    return f"{'-' if amount < 0 else '+'}{money(abs(amount))}"


def rate_text(rate: float) -> str:
    """'38.2%', '-20%', '0%': a rate in a sentence."""
    return f"{rate * 100:.1f}".removesuffix(".0") + "%"


def compare_notes(comparison: Comparison, *, discounts: bool = True) -> list[str]:
    """The sentences about a comparison: each discount, a close call, the reasons for each ask, and
    when each other offer would catch up."""
    return ((discount_notes(comparison) if discounts else []) + close_call_notes(comparison)
            + (ask_notes(comparison) if discounts else []) + break_even_notes(comparison))


def discount_notes(comparison: Comparison) -> list[str]:
    return [f"{o.name}: equity counted at {rate_text(1 - o.equity_discount)} of its value "
            f"({rate_text(o.equity_discount)} private-equity discount)."
            for o in comparison.offers if o.equity_discount]


def close_call_notes(comparison: Comparison) -> list[str]:
    if not comparison.close_call:
        return []
    from mlcomp.offers import CLOSE_CALL

    totals = {o.name: o.total for o in comparison.offers}
    names = comparison.close_call
    gap = totals[names[0]] - totals[names[-1]]
    return [f"Close call: {_listed(names)} are within {rate_text(CLOSE_CALL)} of each other over "
            f"{comparison.horizon} year{'s' if comparison.horizon != 1 else ''} ({money(gap)} apart): "
            "no winner on the numbers; decide on what they leave out."]


def ask_notes(comparison: Comparison) -> list[str]:
    """Why each ask is what it is."""
    return [f"{o.name}, ask: " + "; ".join(o.market.ask["reasons"].values()) + "."
            for o in comparison.offers if o.market and o.market.ask["reasons"]]


def break_even_notes(comparison: Comparison) -> list[str]:
    """When each other offer would catch up with the best: by its equity's growth, by its bonus."""
    notes: list[str] = []
    for o in comparison.offers if len(comparison.offers) > 1 else ():
        if o.name != comparison.best:
            notes += _catch_up(o, comparison.best)
    return notes


def verdict(comparison: Comparison) -> list[str]:
    """The answer, first: which offer pays most and by how much over the span (or the close call),
    when another would catch up, and what to ask of each offer that is short of the market."""
    return [*lead(comparison), *break_even_notes(comparison), *asks(comparison)]


def lead(comparison: Comparison) -> list[str]:
    """The first sentence: the best offer and its lead over the next (a close call says so instead)."""
    span = span_text(comparison.months)
    ranked = sorted(comparison.offers, key=lambda o: -o.total)
    first = ranked[0]
    if len(ranked) == 1:
        market = f"; {first.market.verdict} of the market" if first.market else ""
        return [f"{first.name} pays {money(first.total)} over {span} ({money(first.average)} a year{market})."]
    if comparison.close_call:
        return close_call_notes(comparison)
    gap = first.total - ranked[1].total
    share = f" ({rate_text(gap / ranked[1].total)} more)" if ranked[1].total > 0 else ""
    return [f"{first.name} pays the most over {span}: {money(first.total)}, {money(gap)} more than "
            f"{ranked[1].name}{share}."]


def asks(comparison: Comparison) -> list[str]:
    """One line per offer with a market view: what to ask for, or that it reaches the target."""
    lines = []
    for o in comparison.offers:
        if not o.market:
            continue
        ask = o.market.ask
        target = rate_text(o.market.target)
        parts = [f"{label} {ask[key]:,} shares" if key == "shares" else f"{label} {money(ask[key])}"
                 for key, label in (("base", "base"), ("shares", "equity"), ("equity", "equity"),
                                    ("sign_on", "sign-on")) if ask[key] is not None]
        if not ask["reasons"]:
            lines.append(f"{o.name} reaches {target} of the market range: nothing to ask.")
            continue
        short = f", still {money(ask['short'])} a year short" if ask["short"] else ""
        lines.append(f"Ask {o.name} for {_listed(parts) or 'more'} (to reach {target} of the market range{short}).")
    return lines


def _catch_up(o: Result, best: str) -> list[str]:
    """When an offer other than the best would catch up with it: by its equity's growth, by its bonus."""
    if o.break_even_growth is None:
        notes = [f"{o.name}: no growth rate closes the gap to {best} (from -100% to +1000% a year)."]
    elif o.break_even_growth <= -1:
        notes = [f"{o.name} matches {best} whatever its equity does."]
    else:
        notes = [f"{o.name} beats {best} only if its equity grows more than {rate_text(o.break_even_growth)} a year."]
    if o.ranged and o.bonus_ranged:
        notes.append(f"{o.name}: no bonus in its range closes the gap to {best}." if o.break_even_bonus is None
                     else f"{o.name} beats {best} if its bonus pays {_bonus_text(o.break_even_bonus)} or more.")
    return notes


def _bonus_text(bonus: float | int) -> str:
    """A break-even bonus: '73.44% of base' (a rate) or '$23,000 a year' (an amount)."""
    if isinstance(bonus, float):
        return f"{bonus * 100:.2f}".rstrip("0").removesuffix(".") + "% of base"
    return f"{money(bonus)} a year"


def _bonus_break_even(comparison: Comparison) -> list[str]:
    """The table's cells: the bonus at which each offer with a bonus range catches up with the best."""
    return ["best" if o.name == comparison.best else "" if not o.bonus_ranged else "none"
            if o.break_even_bonus is None else _bonus_text(o.break_even_bonus).removesuffix(" a year")
            for o in comparison.offers]


def _listed(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _break_even(comparison: Comparison) -> list[str]:
    return ["best" if o.name == comparison.best else "none" if o.break_even_growth is None
            else "any" if o.break_even_growth <= -1 else rate_text(o.break_even_growth) for o in comparison.offers]


def span_text(months: int) -> str:
    """'4 years', '1 year', '18 months'."""
    if months % 12:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} year{'s' if months != 12 else ''}"


def amount(dollars: int) -> str:
    """'$240,000'; a sum paid back: '-$32,500'."""
    return money(dollars) if dollars >= 0 else signed_money(dollars)


def _year_rows(row: Callable[..., None], comparison: Comparison) -> None:
    """A block per year: each component's row (a row that is 0 in every offer is left out, unless the
    component is always shown), the year's total and the total so far."""
    from mlcomp.offers import components_of

    offers = comparison.offers
    if any(o.start for o in offers):
        row("Starts", (str(o.start or "n/a") for o in offers), end_section=True)
    for i in range(len(offers[0].by_year)):
        years = [offer.by_year[i] for offer in offers]
        head = f"Year {i + 1}" + (f" ({years[0].months} months)" if years[0].months < 12 else "")
        for n, part in enumerate(components_of(years[0])):
            if n == 0 or part.always or any(y[part.key] for y in years):
                row(f"{head} {part.label}" if n == 0 else f"  {part.label}", (amount(y[part.key]) for y in years))
        row("  total", (money(y.total) for y in years), style="bold")
        row("  so far", (money(y.cumulative) for y in years), end_section=True)


def _leave_rows(row: Callable[..., None], comparison: Comparison) -> None:
    """What leaving at the end of the span keeps and loses."""
    leaving = [o.leaving for o in comparison.offers if o.leaving]
    row("On leaving: equity granted", (money(x.granted) for x in leaving))
    row("  vested", (money(x.vested) for x in leaving))
    row("  forfeited at grant value", (money(x.forfeited) for x in leaving))
    row("  forfeited at its growth", (money(x.forfeited_at_growth) for x in leaving))
    row("  sign-on repaid", (money(x.sign_on_repaid) for x in leaving), end_section=True)


def _offers_table(comparison: Comparison, span: str) -> Any:
    """The comparison's table, with a column per offer, the best one marked."""
    from rich import box
    from rich.table import Table

    several = len(comparison.offers) > 1
    over = f", leaving after {span}" if comparison.leave else f" over {span}"
    table = Table(title=f"Offers{over}" if several else f"The offer{over}", box=box.SIMPLE_HEAD,
                  caption="USD per year." if not several else "USD per year. Close call: no best marked."
                  if comparison.close_call else "USD per year. * = best (highest total).",
                  caption_justify="left")
    table.add_column("", min_width=len("Year 10 base"))  # a year's label stays whole in a narrow terminal
    for offer in comparison.offers:
        header = text(offer.name)
        if offer.name == comparison.best and several and not comparison.close_call:
            header.append(" *", style="bold")
        table.add_column(header, justify="right")  # a cell wraps at its spaces: '$227,700 to' / '$338,000'
    return table


def _growth_rows(row: Callable[..., None], offers: Sequence[Result]) -> None:
    """The growth and discount the equity was counted at, when any is not 0."""
    if any(o.growth for o in offers) or any(o.equity_discount for o in offers):
        discount = any(o.equity_discount for o in offers)
        row("Equity growth per year", (percent(o.growth) for o in offers), end_section=not discount)
        if discount:
            row("Private-equity discount", (rate_text(o.equity_discount) for o in offers), end_section=True)


def compare_table(comparison: Comparison, *, out: Console | None = None, detail: bool | None = None) -> None:
    """The answer (`verdict`), then the offers side by side, one column per offer, the best one
    marked. The year-by-year rows are shown with `detail`; left to choose (None), when the output is
    not a terminal, or on a terminal tall enough for the answer and the whole table (otherwise a
    line says --detail shows them)."""
    out = out or console()
    answer = verdict(comparison)
    for line in answer:
        out.print(one_line(line))
    out.print()
    table = offers_table(comparison, years=detail is not False)
    if detail is None and out.is_terminal and len(answer) + 1 + _height(out, table) > out.height:
        table = offers_table(comparison, years=False)
        detail = False
    print_wide(out, table)
    for note in discount_notes(comparison) + ask_notes(comparison) + expected_notes(comparison):
        out.print(one_line(note))
    if detail is False:
        out.print("Year by year: add --detail.")


def _height(out: Console, table: Any) -> int:
    """The lines `table` takes on `out` (measured on a plain console of the same width)."""
    import io

    text = io.StringIO()
    print_wide(make_console(text, width=out.width, colors=False), table)
    return text.getvalue().count("\n")


def offers_table(comparison: Comparison, *, years: bool = True) -> Any:
    """The comparison's rows as a rich table (with each year's block, or the totals alone)."""
    table = _offers_table(comparison, span_text(comparison.months))

    def row(label: str, cells: Iterable[str], style: str = "", end_section: bool = False) -> None:
        table.add_row(label, *cells, style=style, end_section=end_section)

    comparison_rows(comparison, row, years=years)
    return table


def comparison_rows(comparison: Comparison, row: Callable[..., None], *, years: bool = True,
                    summary: bool = True) -> None:
    """The rows of a comparison, each given to row(label, cells, style=, end_section=): the year
    blocks (`years`), then the totals, leaving, growth and market rows (`summary`). The terminal's
    table and the exported page both take their rows from here."""
    offers = comparison.offers
    span = span_text(comparison.months)
    if years:
        _year_rows(row, comparison)
    if not summary:
        return
    row("First-year total", (money(o.first_year) for o in offers))
    row("Average per year", (money(o.average) for o in offers))
    row(f"Total over {span}", (money(o.total) for o in offers), style="bold", end_section=len(offers) < 2)
    if len(offers) > 1:
        row("Difference to best", (signed_money(o.delta_to_best) for o in offers))
        row("Break-even equity growth", _break_even(comparison), end_section=not offers[0].ranged)
        if offers[0].ranged:
            row("Break-even bonus", _bonus_break_even(comparison), end_section=True)
    if comparison.leave:
        _leave_rows(row, comparison)
    _growth_rows(row, offers)
    if any(o.market for o in offers):
        _market_rows(offers, row)


def _market_rows(offers: tuple[Any, ...], row: Callable[..., None]) -> None:
    """The market view: the market's three ranges, where the offer sits in each, the verdict on the
    total, and the one ask."""
    def cells(get: Any) -> list[str]:
        return [get(o.market) if o.market else "n/a" for o in offers]

    def span(ends: Mapping[str, int]) -> str:
        return f"{money(ends['low'])} to {money(ends['high'])}"

    def asked(key: str, shares: bool = False) -> Callable[[Any], str]:
        return lambda m: "" if m.ask[key] is None else f"{m.ask[key]:,} shares" if shares else money(m.ask[key])

    target = next(o.market.target for o in offers if o.market)
    row("Market profile", cells(lambda m: f"{m.level}, {m.location}"))
    row("Market base", cells(lambda m: span(m.base)))
    row("Market equity and bonus", cells(lambda m: span(m.equity_and_bonus)))
    row("Market total comp", cells(lambda m: span(m.total_comp)))
    row("Base position", cells(lambda m: rate_text(m.base_position)))
    row("Equity and bonus position", cells(lambda m: rate_text(m.equity_and_bonus_position)))
    row("Market position (total)", cells(lambda m: rate_text(m.position)))
    row("Verdict (on the total)", cells(lambda m: m.verdict), style="bold")
    row(f"Ask to reach {rate_text(target)}", cells(lambda m: "reached" if not m.ask["reasons"] else ""))
    for key, label, shares in (("base", "  base", False), ("shares", "  equity", True),
                               ("equity", "  equity", False), ("sign_on", "  sign-on", False)):
        if any(o.market and o.market.ask[key] is not None for o in offers):
            row(label, cells(asked(key, shares)))
    if any(o.market and o.market.ask["short"] for o in offers):
        row("  still short a year", cells(lambda m: money(m.ask["short"]) if m.ask["short"] else ""))
    row("Average vs total comp mid", cells(lambda m: percent(m.total_comp_vs_mid)))


def expected_notes(comparison: Comparison) -> list[str]:
    """The library's sentences about each offer's equity, and one for each offer whose total counts
    refreshers that are expected, not promised."""
    notes = [note for offer in comparison.offers for note in offer.notes]
    for offer in comparison.offers:
        expected = sum(y.amounts.get("expected_equity", 0) for y in offer.by_year)
        if expected:
            notes.append(f"{offer.name}: {money(expected)} of its total is expected refreshers, not promised.")
    return notes


def scenarios_table(comparisons: list[Comparison], *, out: Console | None = None) -> None:
    """One summary block per growth scenario; * marks each scenario's best total."""
    from rich import box
    from rich.table import Table

    out = out or console()
    first = comparisons[0]
    for comparison in comparisons:  # the answer first: each scenario's
        growth = "each offer's own growth" if comparison.growth is None else \
            f"the others' equity growing {rate_text(comparison.growth)} a year"
        bonus = f"bonuses {comparison.bonus} and " if comparison.bonus else ""
        for note in lead(comparison) + break_even_notes(comparison):
            out.print(one_line(f"With {bonus}{growth}: {note}"))
    out.print()
    span = span_text(first.months)
    by = "bonus and yearly equity growth" if first.bonus else "yearly equity growth"
    table = Table(title=f"Offers over {span}, by {by}", box=box.SIMPLE_HEAD,
                  caption="USD. * = best (highest total) in its scenario." if len(first.offers) > 1 else "USD.",
                  caption_justify="left")
    table.add_column("")
    for offer in first.offers:
        table.add_column(offer.name, justify="right", no_wrap=True)
    for comparison in comparisons:
        offers = comparison.offers
        table.add_row(scenario_label(comparison), *("" for _ in offers), style="bold")
        several = len(offers) > 1
        table.add_row(f"  Total over {span}", *(money(o.total) + (" *" if o.name == comparison.best and several
                                                                else "") for o in offers))
        table.add_row("  Average per year", *(money(o.average) for o in offers))
        if several:
            table.add_row("  Difference to best", *(signed_money(o.delta_to_best) for o in offers))
            table.add_row("  Break-even equity growth", *_break_even(comparison))
            if offers[0].ranged:
                table.add_row("  Break-even bonus", *_bonus_break_even(comparison))
        if any(o.market for o in offers):
            table.add_row("  Market position",
                          *(rate_text(o.market.position) if o.market else "n/a" for o in offers))
            table.add_row("  Verdict", *(o.market.verdict if o.market else "n/a" for o in offers))
        table.rows[-1].end_section = True
    print_wide(out, table)
    for note in discount_notes(first):
        out.print(one_line(note))


def scenario_label(comparison: Comparison) -> str:
    """'Equity growth 20% a year', 'Bonus low', 'Bonus high, equity growth 20% a year'."""
    growth = "each offer's own" if comparison.growth is None else rate_text(comparison.growth)
    if comparison.bonus:
        return f"Bonus {comparison.bonus}" + ("" if comparison.growth is None else f", equity growth {growth} a year")
    return f"Equity growth {growth} a year"


def ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def review_summary(data: Mapping[str, Any], *, out: Console | None = None) -> None:
    """A pay review's summary (review.Summary.as_dict) for people: counts, medians, costs, then the
    groups by level, by city and by the --by column, and the largest gaps."""

    out = out or console()
    cost, verdicts = data["cost"], data["verdicts"]
    also = [f"{data['without_pay']:,} without pay" if data["without_pay"] else "",
            f"{data['skipped']:,} skipped" if data["skipped"] else "",
            counted(data["repeated_ids"], "repeated id") if data["repeated_ids"] else ""]
    said = [", ".join([f"Pay review: {counted(data['people'], 'person', 'people')} with pay",
                       *filter(None, also)]),
            "  " + ", ".join(f"{verdict} {count:,}" for verdict, count in verdicts.items()),
            f"  median compa-ratio: base {ratio(data['median_base_compa']) or '-'}, "
            f"total comp {ratio(data['median_total_compa']) or '-'}"
            + ("" if data["medians_exact"] else " (approximate: within 0.00025, from bins past 100,000 people)"),
            f"  to bring everyone below the low to the low: {money(cost['to_low'])}"
            f"{_share_text(cost['to_low_share'])}",
            f"  to bring everyone below the mid to the mid: {money(cost['to_mid'])}"
            f"{_share_text(cost['to_mid_share'])}"]
    for line in said:
        said_line(out, line)
    out.print()
    groupings = [("level", data["by_level"]), ("city", data["by_city"])]
    if data.get("by"):
        groupings.append((data["by"]["column"], data["by"]))
    for name, grouping in groupings:
        _group_table(name, grouping, out)
    _gaps_table(data["largest_gaps"], out)


def counted(count: int, one: str, many: str | None = None) -> str:
    """'1 person', '12 people', '3 repeated ids'."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def said_line(out: Console, line: str) -> None:
    """A line of text wrapped at spaces to the terminal, its continuation under its own indent (no
    amount is split)."""
    from rich.padding import Padding
    from rich.text import Text

    indent = len(line) - len(line.lstrip())
    out.print(Padding(Text(one_line(line.lstrip())), (0, 0, 0, indent), expand=False))


def _share_text(share: float | None) -> str:
    return "" if share is None else f" ({share * 100:.1f}% of payroll)"


def _group_table(name: str, grouping: Mapping[str, Any], out: Console) -> None:
    from rich import box
    from rich.table import Table

    hidden = grouping.get("not_shown") or {}
    caption = (f"{counted(hidden['people'], 'person', 'people')} in {counted(hidden['groups'], 'group')} of "
               "fewer than 5, not shown" if hidden.get("groups") else None)
    if grouping.get("beyond"):
        caption = f"{caption + '; ' if caption else ''}{counted(grouping['beyond']['people'], 'person', 'people')} " \
                  f"{grouping['beyond']['why']}"
    if not grouping["groups"]:
        said_line(out, f"Median compa-ratio by {name}: {caption or 'no one'}")
        out.print()
        return
    table = Table(title=f"Median compa-ratio by {name}", box=box.SIMPLE_HEAD, caption=caption,
                  caption_justify="left", title_justify="left")
    table.add_column(name.capitalize(), no_wrap=True)
    for title in ("People", "Base", "Total comp"):
        table.add_column(title, justify="right", no_wrap=True)
    for key, group in grouping["groups"].items():
        table.add_row(key, f"{group['count']:,}", ratio(group["median_base_compa"]),
                      ratio(group["median_total_compa"]))
    print_wide(out, table)


def _gaps_table(gaps: Sequence[Mapping[str, Any]], out: Console) -> None:
    from rich import box
    from rich.table import Table

    if not gaps:
        return
    table = Table(title="Largest gaps to the mid", box=box.SIMPLE_HEAD, title_justify="left")
    cells = {"Line": [str(gap["line"]) for gap in gaps], "id": [scalar(gap["id"]) for gap in gaps],
             "Name": [scalar(gap["name"]) for gap in gaps], "Level": [gap["level"] for gap in gaps],
             "Verdict": [gap["verdict"] for gap in gaps], "To low": [money(gap["to_low"]) for gap in gaps],
             "To mid": [money(gap["to_mid"]) for gap in gaps]}
    cells = {title: column for title, column in cells.items() if any(column)}  # no id or name column: none
    for title in cells:
        table.add_column(title, justify="right" if title in ("Line", "To low", "To mid") else "left", no_wrap=True)
    for row in zip(*cells.values(), strict=True):
        table.add_row(*map(text, row))
    # a narrow terminal keeps the person's name (else id, else line) and the gaps (To low > 0: below range)
    who = [title for title in ("Name", "id", "Line") if title in cells]
    print_wide(out, table, drop=[*reversed(who[1:]), "Verdict", "Level"])
