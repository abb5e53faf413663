"""How the estimate grows with experience: one engine estimate per whole year. Pure."""

from __future__ import annotations

from typing import Any

from mlcomp.bands import Bands
from mlcomp.engine import Estimate, estimate, make_profile
from mlcomp.errors import MlcompError
from mlcomp.money import parse_count


def curve(bands: Bands, start: int | str = 0, end: int | str = 20, **options: Any) -> list[Estimate]:
    """Estimates for years start, start + 1, ..., end (both included) of one profile.

    `start` and `end` are whole years (numbers or text); `options` are the profile's other keys (city,
    tier, ...) as make_profile takes them; the level follows the years. MlcompError(field="from" or
    "to") for a bad end."""
    lo, hi = bands.experience.min_years, bands.experience.max_years
    span = []
    for field, years in (("from", start), ("to", end)):
        try:
            span.append(parse_count(years, int(lo), int(hi), "years"))
        except ValueError as e:
            raise MlcompError(str(e), usage=True, field=field) from None
    start, end = span
    if start > end:
        raise MlcompError(f"the first year ({start}) must not be above the last ({end})", usage=True,
                          field="from")
    return [estimate(make_profile(bands, years=years, **options), bands) for years in range(start, end + 1)]


def as_dict(point: Estimate) -> dict[str, Any]:
    """One year of the curve: `years`, `level`, and `base` / `total_comp` as in the estimate contract."""
    data = point.as_dict()
    return {key: data[key] for key in ("years", "level", "base", "total_comp")}
