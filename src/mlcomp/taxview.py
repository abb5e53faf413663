"""Take-home pay as a table on the terminal (the numbers come from mlcomp.taxes)."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from mlcomp.formats import percent
from mlcomp.render import console, money, print_wide
from mlcomp.taxes import TakeHome, shipped

FILING_LABELS = {"single": "single", "joint": "married filing jointly", "head": "head of household"}


def where_label(pay: TakeHome) -> str:
    taxes = shipped()
    if pay.state is None:
        return "no state given: federal and FICA only"
    place = taxes.states[pay.state].name
    return f"{taxes.locals[pay.local].name}, {place}" if pay.local else place


def take_home_table(pay: TakeHome, *, out: Console | None = None, title: str = "") -> None:
    """Every tax on its own line, then the net, the rates and what vesting stock leaves due in April."""
    from rich import box
    from rich.table import Table

    out = out or console()
    head = title or "After tax"
    table = Table(title=f"{head}, {pay.tax_year} ({where_label(pay)}, {FILING_LABELS[pay.filing]})",
                  box=box.SIMPLE_HEAD, caption="USD per year; pre-tax 401(k) and HSA contributions stay yours",
                  caption_justify="left")
    table.add_column("")
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_row("Wages", money(pay.wages))
    if pay.supplemental:
        table.add_row("Bonus and vesting stock", money(pay.supplemental))
    rows = [("Federal income tax" + (" (itemized)" if pay.deduction == "itemized" else ""), pay.federal_income_tax),
            ("Social Security", pay.social_security), ("Medicare", pay.medicare),
            ("Additional Medicare", pay.additional_medicare), ("State income tax", pay.state_income_tax),
            ("Local income tax", pay.local_tax)]
    premiums = shipped().states[pay.state].payroll if pay.state else {}
    rows += [(premiums[key].label if key in premiums else key, value) for key, value in pay.payroll.items()]
    for label, value in rows:
        if value or label in ("Federal income tax", "State income tax"):
            table.add_row(label, f"-{money(value)}")
    table.add_row("Take-home pay", money(pay.net), style="bold")
    table.add_row("Effective rate", percent(pay.effective_rate).lstrip("+"))
    table.add_row("Marginal rate", percent(pay.marginal_rate).lstrip("+"))
    if pay.supplemental:
        table.add_row("Withheld at vest (federal)", money(pay.supplemental_withheld))
        table.add_row("Federal tax it adds", money(pay.supplemental_owed))
        table.add_row("Due in April" if pay.april_surprise >= 0 else "Refunded in April",
                      money(abs(pay.april_surprise)))
    print_wide(out, table)


def offers_table(after: list[Any], comparison: Any, *, out: Console | None = None) -> None:
    """Each offer's total before and after tax over the horizon, where it is taxed, and whether tax
    changes which offer is best."""
    from rich import box
    from rich.table import Table

    from mlcomp.aftertax import verdict

    out = out or console()
    first = after[0].by_year[0]
    table = Table(title=f"After tax, {first.tax_year} rules ({FILING_LABELS[first.filing]}), "
                  f"{comparison.horizon} years", box=box.SIMPLE_HEAD, caption_justify="left",
                  caption="Equity is taxed as wages when it vests (options: exercised at vest; ISO and AMT not "
                  "computed). Benefits are counted untaxed; every year under the same year's rules.")
    for name, right in (("Offer", False), ("Taxed in", False), ("Before tax", True), ("Taxes", True),
                        ("After tax", True), ("Due in April", True)):
        table.add_column(name, justify="right" if right else "left", no_wrap=right)
    for offer in after:
        d = offer.as_dict()
        table.add_row(offer.name, where_label(offer.by_year[0]).split(":")[0], money(offer.before_tax),
                      money(d["total_tax"]), money(offer.total), money(max(0, d["april_surprise"])))
    print_wide(out, table)
    sentence = verdict(comparison.best, after)
    if sentence:
        out.print(sentence)


def curve_table(points: list[Any], taxed: list[TakeHome], *, out: Console | None = None) -> None:
    """The typical total comp of each year of experience, and what it leaves after tax."""
    from rich import box
    from rich.table import Table

    out = out or console()
    first = taxed[0]
    table = Table(title=f"Typical total comp after tax, {first.tax_year} ({where_label(first)}, "
                  f"{FILING_LABELS[first.filing]})", box=box.SIMPLE_HEAD, caption="USD per year",
                  caption_justify="left")
    for name in ("Years", "Total comp", "Taxes", "After tax", "Effective", "Marginal"):
        table.add_column(name, justify="right", no_wrap=True)
    for point, pay in zip(points, taxed, strict=True):
        table.add_row(f"{point.years:g}", money(pay.wages + pay.supplemental), money(pay.total_tax),
                      money(pay.net), percent(pay.effective_rate).lstrip("+"), percent(pay.marginal_rate).lstrip("+"))
    print_wide(out, table)
