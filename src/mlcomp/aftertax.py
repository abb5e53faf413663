"""Offers after tax: each year's cash flows of mlcomp.offers taxed by mlcomp.taxes. Pure: nothing
printed.

A year's base is wages; its bonus, vesting equity and one-time cash (sign-on, relocation) are
supplemental pay, withheld at the federal supplemental rate. Benefits (a 401(k) match, an ESPP
gain) are added untaxed. The same 2026 rules apply to every year of the horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlcomp.taxes import TakeHome, take_home

TAXES = ("federal_income_tax", "social_security", "medicare", "additional_medicare", "state_income_tax",
         "local_tax", "state_payroll")


@dataclass(frozen=True, slots=True)
class OfferAfterTax:
    name: str
    by_year: tuple[TakeHome, ...]
    benefits: int  # over the horizon, untaxed
    before_tax: int

    @property
    def total(self) -> int:
        return sum(pay.net for pay in self.by_year) + self.benefits

    def as_dict(self) -> dict[str, Any]:
        years = len(self.by_year)
        return {"total": self.total, "average": round(self.total / years) if years else 0,
                "benefits": self.benefits, "state": self.by_year[0].state if years else None,
                "local": self.by_year[0].local if years else None,
                **{key: sum(getattr(pay, key) for pay in self.by_year) for key in (*TAXES, "total_tax")},
                "april_surprise": sum(pay.april_surprise for pay in self.by_year),
                "by_year": [{"year": k, **pay.as_dict()} for k, pay in enumerate(self.by_year, 1)]}


def offer_after_tax(result: Any, *, state: str | None, city: str | None, filing: str) -> OfferAfterTax:
    """One offer of a comparison (an offers.Result) after tax, in `state` (or `city`'s)."""
    from mlcomp.offers import components_of

    def part(year: Any, kinds: tuple[str, ...]) -> int:  # the year's counted components of these kinds
        return sum(year[c.key] for c in components_of(year) if c.counted and c.kind in kinds and c.key != "base")

    pays = tuple(take_home(y["base"], supplemental=part(y, ("recurring cash", "one-time cash", "equity")),
                           state=state, city=city, filing=filing) for y in result.by_year)
    return OfferAfterTax(result.name, pays, sum(part(y, ("benefits",)) for y in result.by_year), result.total)


def comparison_after_tax(comparison: Any, places: Mapping[str, tuple[str | None, str | None]],
                         filing: str) -> list[OfferAfterTax]:
    """Every offer of a comparison after tax; `places` gives each offer's (state, city) by name."""
    return [offer_after_tax(r, state=places[r.name][0], city=places[r.name][1], filing=filing)
            for r in comparison.offers]


def best(after: Iterable[OfferAfterTax]) -> str:
    return max(after, key=lambda o: o.total).name


def verdict(before_best: str, after: list[OfferAfterTax]) -> str:
    """The sentence that says whether tax changes the answer."""
    if len(after) < 2:
        return ""
    winner = best(after)
    if winner == before_best:
        return f"After tax, {winner} is still the best offer."
    return (f"After tax, {winner} is the best offer, not {before_best}: the taxes where each is paid "
            "change the answer.")
