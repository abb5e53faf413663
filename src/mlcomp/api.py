"""The library: what `mlcomp estimate` and `mlcomp compare` compute, as Python functions.

The command line calls these same functions, so `estimate(...).as_dict()` is what
`mlcomp estimate --format json` prints for the same options, and `compare(...).as_dict()` what
`mlcomp compare --format json` prints. Nothing here reads an environment variable or prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from mlcomp.bands import Bands, load_bands
from mlcomp.engine import Estimate, level_notes, make_profile, profile_values
from mlcomp.engine import estimate as run_estimate
from mlcomp.errors import MlcompError
from mlcomp.fields import given

if TYPE_CHECKING:  # offers (a pydantic model built at import) is loaded by compare() only: estimate starts faster
    from mlcomp.offers import Comparison, Offer

__all__ = ["compare", "estimate", "scenarios"]

T = TypeVar("T")
OfferLike: TypeAlias = "Offer | Mapping[str, Any] | str | os.PathLike[str]"


@cache
def shipped() -> Bands:
    """The shipped bands, read and validated once per process."""
    return load_bands()


def estimate(*, years: float | str | None = None, level: str | None = None, city: str | None = None,
             tier: str | None = None, industry: str | None = None, specialization: str | None = None,
             full_lifecycle: bool | str = False, remote_first: bool | str = False, role: str | None = None,
             ml_focus: str | None = None, bands: Bands | None = None) -> Estimate:
    """Base salary and total compensation for a profile, with every rule applied and its source.

    The keywords are the options of `mlcomp estimate` (mlcomp.fields.FIELDS), and take what they take:
    keys or their aliases in any case (``city="San Francisco"``, ``tier="FAANG"``), years as a number or
    text, flags as booleans or the words a batch file takes (true/false, yes/no, 1/0).
    Give `years` or `level`. `bands` defaults to the shipped data; pass ``load_bands("mine.toml")``
    to lay your own file over it. Raises MlcompError for a bad value (its `field` names the keyword).
    The result's `notes` say what the caller may want to know (a level that the years contradict).
    """
    options = given(locals())
    bands = bands if bands is not None else shipped()
    profile = make_profile(bands, **options)
    return replace(run_estimate(profile, bands), notes=level_notes(profile.years, profile.level, bands))


TOO_FEW = ("give at least two offers to compare (files, '-' for stdin, or key=value,...), "
           "or one offer with --years or --level for its market view")


def compare(offers: Iterable[OfferLike], *, horizon: float | str | None = None,
            growth: float | str | None = None, target: float | str = 0.5, leave_after: float | str | None = None,
            start: str | None = None, bonus: str | None = None,
            years: float | str | None = None, level: str | None = None, city: str | None = None,
            tier: str | None = None, industry: str | None = None, specialization: str | None = None,
            full_lifecycle: bool | str = False, remote_first: bool | str = False, role: str | None = None,
            ml_focus: str | None = None, bands: Bands | None = None,
            read_stdin: Callable[[], str] | None = None) -> Comparison:
    """Offers side by side over `horizon` years, and against the market, as `mlcomp compare` does.

    An offer is a dict of the keys an offer file has (``{"name": "Acme", "base": "240k",
    "bonus": "15%"}``), an `Offer`, a path to a .toml or .json file, or an inline spec such as
    ``"name=Acme,base=240k,bonus=15%"`` ('-' reads standard input, or calls `read_stdin`).
    `horizon` is 1 to 30 years (a number or text; default 4) or months (``"18m"``); `leave_after`
    (years or ``"18m"``, in place of `horizon`) compares what each offer pays by then, when the holder
    leaves: what is vested and forfeited, and the sign-on repaid. `start` (``"2027-03"``) is the
    month the job starts, for offers that do not give their own. `bonus` (``"low"``, ``"middle"``,
    ``"high"``) is the end of bonus ranges (``"50%-100%"``) to count (`scenarios` compares each).
    `growth` (``"10%"`` or 0.1) replaces every offer's
    equity growth (`scenarios` compares several rates); `target` is where in the market's total-comp
    range the suggested ask should reach (0 the low end, 1 the high end, or ``"75%"``).
    The profile keywords (as `estimate` takes them) fill in what offers leave out and turn on the market
    view. Two offers at least, or one with a market view. Raises MlcompError for a bad offer or value
    (its `field` names the keyword). The result's `notes` say what the caller may want to know.
    """
    profile = given(locals())
    if bonus not in (None, "low", "middle", "high"):
        raise MlcompError(f"expected low, middle or high, got {bonus!r}", usage=True, field="bonus")
    terms = Terms(horizon, target, leave_after, start, [bonus])
    return _comparisons(offers, [growth], terms, profile, bands, read_stdin)[0]


def scenarios(offers: Iterable[OfferLike], growths: Sequence[float | str | None], *,
              horizon: float | str | None = None, target: float | str = 0.5,
              leave_after: float | str | None = None, start: str | None = None,
              years: float | str | None = None, level: str | None = None, city: str | None = None,
              tier: str | None = None, industry: str | None = None, specialization: str | None = None,
              full_lifecycle: bool | str = False, remote_first: bool | str = False, role: str | None = None,
              ml_focus: str | None = None, bands: Bands | None = None,
              read_stdin: Callable[[], str] | None = None) -> list[Comparison]:
    """`compare` once per equity growth rate of `growths` (None: each offer's own) and, when an offer's
    bonus is a range, per case of it (low, middle, high), the offers read once; at most
    offers.MAX_SCENARIOS rates (MlcompError naming `growth` if more), and at most
    offers.MAX_OFFER_YEARS offers x scenarios x years."""
    profile = given(locals())
    return _comparisons(offers, growths, Terms(horizon, target, leave_after, start), profile, bands, read_stdin)


@dataclass(frozen=True)
class Terms:
    """A comparison's terms as given: the span (`horizon` or `leave_after`), the target, the start
    month for offers without one, and the bonus cases (None: those the offers need)."""

    horizon: object
    target: object
    leave_after: object = None
    start: str | None = None
    bonuses: Sequence[str | None] | None = None


def _comparisons(offers: Iterable[OfferLike], growths: Sequence[float | str | None], terms: Terms,
                 profile: dict[str, Any], bands: Bands | None,
                 read_stdin: Callable[[], str] | None) -> list[Comparison]:
    from mlcomp.offers import bonus_cases, check_size
    from mlcomp.offers import compare as run_compare

    bands = bands if bands is not None else shipped()
    (span, leave), goal = span_of(terms.horizon, terms.leave_after), _target(terms.target)
    rates = _rates(growths)
    defaults = profile_values(bands, profile)
    loaded = _offers(list(offers), read_stdin)
    if terms.start is not None:
        month = start_month(terms.start)
        loaded = [offer if offer.start else offer.model_copy(update={"start": month}) for offer in loaded]
    cases = bonus_cases(loaded) if terms.bonuses is None else terms.bonuses
    check_size(len(loaded), len(rates) * len(cases), span)
    results = [run_compare(loaded, horizon=span, growth=rate, bands=bands, defaults=defaults, target=goal,
                           leave=leave, bonus=case)
               for rate in rates for case in cases]
    if len(loaded) < 2 and results[0].offers[0].market is None:
        raise MlcompError(TOO_FEW, usage=True)
    said = level_notes(defaults.get("years"), defaults.get("level"), bands)
    return [replace(result, notes=said) for result in results]


def _parsed(field: str, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except ValueError as e:
        raise MlcompError(str(e), usage=True, field=field) from None


def _rates(growths: Sequence[float | str | None]) -> list[float | None]:
    from mlcomp.money import parse_rate
    from mlcomp.offers import MAX_SCENARIOS

    if len(growths) > MAX_SCENARIOS:
        raise MlcompError(f"at most {MAX_SCENARIOS} growth rates, got {len(growths)}", usage=True, field="growth")
    return [None if rate is None else _parsed("growth", partial(parse_rate, rate)) for rate in growths]


def _target(target: object) -> float:
    """The comparison's target, parsed; MlcompError naming the keyword."""
    from mlcomp.money import parse_rate

    return _parsed("target", lambda: parse_rate(target, low=0.0, high=1.0, what="a position"))


def start_month(text: str) -> Any:
    """The start month for offers that give none; a bad one names the keyword (`start`)."""
    from mlcomp.offers import parse_month

    return _parsed("start", lambda: parse_month(text))


def span_of(horizon: object, leave_after: object) -> tuple[float, bool]:
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
    months = _parsed(field, lambda: parse_months(value, high=MAX_HORIZON * 12))
    return span_years(months), leave_after is not None


def _offers(items: list[OfferLike], read_stdin: Callable[[], str] | None) -> list[Offer]:
    from mlcomp import inputs
    from mlcomp.offers import load_offers

    if not items:
        raise MlcompError(TOO_FEW, usage=True)
    reader = read_stdin or (lambda: inputs.decode(inputs.read_bytes(inputs.STDIN), "stdin"))
    if all(isinstance(item, str | os.PathLike) for item in items):
        return load_offers([os.fspath(item) for item in items], reader)  # type: ignore[arg-type]
    return [_offer(item, number, reader) for number, item in enumerate(items, 1)]


def _offer(item: OfferLike, number: int, reader: Callable[[], str]) -> Offer:
    from mlcomp.offers import Offer, load_offers, make_offer

    if isinstance(item, Offer):
        return item
    if isinstance(item, Mapping):
        return make_offer(item, origin=f"offer {number}", default_name=f"Offer {number}")
    return load_offers([os.fspath(item)], reader, first=number)[0]
