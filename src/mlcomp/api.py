"""The library: what `mlcomp estimate` and `mlcomp compare` compute, as Python functions.

The command line calls these same functions, so `estimate(...).as_dict()` is what
`mlcomp estimate --format json` prints for the same options, and `compare(...).as_dict()` what
`mlcomp compare --format json` prints. Nothing here reads an environment variable or prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, TypeAlias

from mlcomp.bands import Bands, load_bands
from mlcomp.engine import Estimate, make_profile, profile_values
from mlcomp.engine import estimate as run_estimate
from mlcomp.errors import MlcompError

if TYPE_CHECKING:  # offers (a pydantic model built at import) is loaded by compare() only: estimate starts faster
    from mlcomp.offers import Comparison, Offer

__all__ = ["compare", "estimate"]

OfferLike: TypeAlias = "Offer | Mapping[str, Any] | str | os.PathLike[str]"


@cache
def shipped() -> Bands:
    """The shipped bands, read and validated once per process."""
    return load_bands()


def estimate(*, years: float | str | None = None, level: str | None = None, city: str | None = None,
             tier: str | None = None, industry: str | None = None, specialization: str | None = None,
             full_lifecycle: bool = False, remote_first: bool = False, role: str | None = None,
             ml_focus: str | None = None, bands: Bands | None = None) -> Estimate:
    """Base salary and total compensation for a profile, with every rule applied and its source.

    The keywords are the options of `mlcomp estimate`, and take what they take: keys or their
    aliases in any case (``city="San Francisco"``, ``tier="FAANG"``), years as a number or text.
    Give `years` or `level`. `bands` defaults to the shipped data; pass ``load_bands("mine.toml")``
    to lay your own file over it. Raises MlcompError for a bad value (its `field` names the keyword).
    """
    bands = bands if bands is not None else shipped()
    profile = make_profile(bands, years=years, level=level, city=city, tier=tier, industry=industry,
                           specialization=specialization, full_lifecycle=full_lifecycle,
                           remote_first=remote_first, role=role, ml_focus=ml_focus)
    return run_estimate(profile, bands)


def compare(offers: Iterable[OfferLike], *, horizon: float | str | None = None,
            growth: float | str | None = None, target: float | str = 0.5, leave_after: float | str | None = None,
            start: str | None = None, bonus: str | None = None,
            years: float | str | None = None, level: str | None = None, city: str | None = None,
            tier: str | None = None, industry: str | None = None, specialization: str | None = None,
            full_lifecycle: bool = False, remote_first: bool = False, ml_focus: str | None = None,
            bands: Bands | None = None, read_stdin: Callable[[], str] | None = None) -> Comparison:
    """Offers side by side over `horizon` years, and against the market, as `mlcomp compare` does.

    An offer is a dict of the keys an offer file has (``{"name": "Acme", "base": "240k",
    "bonus": "15%"}``), an `Offer`, a path to a .toml or .json file, or an inline spec such as
    ``"name=Acme,base=240k,bonus=15%"`` ('-' reads standard input, or calls `read_stdin`).
    `horizon` is in years (default 4) or months (``"18m"``); `leave_after` (years or ``"18m"``, in
    place of `horizon`) compares what each offer pays by then, when the holder leaves: what is vested
    and forfeited, and the sign-on repaid. `start` (``"2027-03"``) is the month the job starts,
    for offers that do not give their own. `bonus` (``"low"``, ``"middle"``, ``"high"``) is the end of
    bonus ranges (``"50%-100%"``) to count; the command compares each. `growth` (``"10%"`` or 0.1)
    replaces every offer's equity growth (the command's list of rates is one call per rate); `target`
    is where in the market's total-comp range the suggested ask should reach (0 the low end, 1 the
    high end, or ``"75%"``).
    The profile keywords fill in what offers leave out and turn on the market view. Raises
    MlcompError for a bad offer or value.
    """
    from mlcomp import inputs
    from mlcomp.money import parse_rate
    from mlcomp.offers import compare as run_compare
    from mlcomp.offers import load_offers

    bands = bands if bands is not None else shipped()
    span, leave = span_of(horizon, leave_after)
    override = None
    if growth is not None:
        try:
            override = parse_rate(growth)
        except ValueError as e:
            raise MlcompError(str(e), usage=True, field="growth") from None
    try:
        goal = parse_rate(target, low=0.0, high=1.0)
    except ValueError as e:
        raise MlcompError(str(e).replace("a rate", "a position"), usage=True, field="target") from None
    defaults = profile_values(bands, {
        "years": years, "level": level, "city": city, "tier": tier, "industry": industry,
        "specialization": specialization, "full_lifecycle": full_lifecycle or None,
        "remote_first": remote_first or None, "ml_focus": ml_focus})
    items = list(offers)
    reader = read_stdin or (lambda: inputs.decode(inputs.read_bytes(inputs.STDIN), "stdin"))
    if all(isinstance(item, str | os.PathLike) for item in items):
        loaded = load_offers([os.fspath(item) for item in items], reader)  # type: ignore[arg-type]
    else:
        loaded = [_offer(item, number, reader) for number, item in enumerate(items, 1)]
    if bonus not in (None, "low", "middle", "high"):
        raise MlcompError(f"bonus: expected low, middle or high, got {bonus!r}", usage=True, field="bonus")
    if start is not None:
        loaded = [offer if offer.start else offer.model_copy(update={"start": start_month(start)}) for offer in loaded]
    return run_compare(loaded, horizon=span, growth=override, bands=bands, defaults=defaults, target=goal,
                       leave=leave, bonus=bonus)


def start_month(text: str) -> Any:
    """--start as a Month; a bad one is a usage error naming the option."""
    from mlcomp.offers import parse_month

    try:
        return parse_month(text)
    except ValueError as e:
        raise MlcompError(str(e), usage=True, field="start") from None


def span_of(horizon: float | str | None, leave_after: float | str | None) -> tuple[float, bool]:
    """The years a comparison spans, and whether the holder leaves at their end: `horizon` (years, or
    months as "18m"; default 4) or `leave_after`, not both."""
    from mlcomp.money import parse_months
    from mlcomp.offers import MAX_HORIZON, span_years

    if horizon is not None and leave_after is not None:
        raise MlcompError("give the horizon or when you leave, not both: leaving after 18 months compares "
                          "those 18 months", usage=True, field="leave_after")
    field, value = ("horizon", 4 if horizon is None else horizon)
    if leave_after is not None:
        field, value = "leave_after", leave_after
    try:
        months = parse_months(value, high=MAX_HORIZON * 12)
    except ValueError as e:
        raise MlcompError(str(e), usage=True, field=field) from None
    return span_years(months), leave_after is not None


def _offer(item: OfferLike, number: int, reader: Callable[[], str]) -> Offer:
    from mlcomp.offers import Offer, load_offers, make_offer

    if isinstance(item, Offer):
        return item
    if isinstance(item, Mapping):
        return make_offer(item, origin=f"offer {number}", default_name=f"Offer {number}")
    return load_offers([os.fspath(item)], reader, first=number)[0]
