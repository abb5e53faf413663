"""mlcomp as a library: an estimate, an offer comparison and a bad value caught.

Run it with `python examples/library.py`; CI also checks it with `mypy --strict`.
"""

import mlcomp

# The same keys as `mlcomp estimate` (aliases and any case); as_dict() is its --format json output.
result = mlcomp.estimate(years=4, city="San Francisco", tier="FAANG")
print(result.level, result.as_dict()["total_comp"])

# Offers as dicts (or file paths, or "name=...,base=..." specs, as on the command line).
offers: list[dict[str, object]] = [
    {"name": "Acme", "base": "240k", "bonus": "15%", "equity": "400k"},
    {"name": "Globex", "base": 265_000, "sign_on": "30k"},
]
comparison = mlcomp.compare(offers, horizon=4, years=4, city="sf")
for offer in comparison.offers:
    print(f"{offer.name}: ${offer.total:,} over {comparison.horizon} years")
print("best:", comparison.best)

try:
    mlcomp.estimate(years=4, city="paris")
except mlcomp.MlcompError as error:
    print(f"{error.field}: {error}")
