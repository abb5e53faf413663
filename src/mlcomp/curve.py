"""How the estimate grows with experience: one engine estimate per whole year. Pure."""

from __future__ import annotations

from typing import Any

from mlcomp.bands import Bands
from mlcomp.engine import Estimate, estimate, make_profile
from mlcomp.errors import MlcompError


def curve(bands: Bands, start: int = 0, end: int = 20, **options: Any) -> list[Estimate]:
    """Estimates for years start, start + 1, ..., end (both included) of one profile.

    `options` are the profile's other keys (city, tier, ...) as make_profile takes them; the level
    follows the years."""
    lo, hi = bands.experience.min_years, bands.experience.max_years
    for field, years in (("from", start), ("to", end)):
        if not lo <= years <= hi:
            raise MlcompError(f"must be a whole number of years from {lo:g} to {hi:g}, got {years}",
                              usage=True, field=field)
    if start > end:
        raise MlcompError(f"the first year ({start}) must not be above the last ({end})", usage=True,
                          field="from")
    return [estimate(make_profile(bands, years=years, **options), bands) for years in range(start, end + 1)]


def as_dict(point: Estimate) -> dict[str, Any]:
    """One year of the curve: `years`, `level`, and `base` / `total_comp` as in the estimate contract."""
    data = point.as_dict()
    return {key: data[key] for key in ("years", "level", "base", "total_comp")}
