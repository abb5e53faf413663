"""mlcomp: what an ML engineer is paid, and why (every rule with its source).

The library in five lines::

    import mlcomp

    result = mlcomp.estimate(years=4, city="sf")
    print(result.total_comp.mid)          # the middle of the total-comp range, in dollars
    print(result.as_dict())               # what `mlcomp estimate --format json` prints

Names are imported when first used, so `import mlcomp` stays quick (the command line starts from it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing: the command starts from here

__version__ = "0.5.0"

__all__ = [
    "Bands",
    "Comparison",
    "Estimate",
    "MlcompError",
    "Offer",
    "TakeHome",
    "__version__",
    "compare",
    "estimate",
    "load_bands",
    "load_taxes",
    "take_home",
]

if TYPE_CHECKING:
    from mlcomp.api import compare, estimate
    from mlcomp.bands import Bands, load_bands
    from mlcomp.engine import Estimate
    from mlcomp.errors import MlcompError
    from mlcomp.offers import Comparison, Offer
    from mlcomp.taxes import TakeHome, load_taxes, take_home

# Where each public name lives.
_HOMES = {
    "estimate": "mlcomp.api",
    "compare": "mlcomp.api",
    "load_bands": "mlcomp.bands",
    "Bands": "mlcomp.bands",
    "Estimate": "mlcomp.engine",
    "MlcompError": "mlcomp.errors",
    "Offer": "mlcomp.offers",
    "Comparison": "mlcomp.offers",
    "take_home": "mlcomp.taxes",
    "load_taxes": "mlcomp.taxes",
    "TakeHome": "mlcomp.taxes",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mlcomp' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
