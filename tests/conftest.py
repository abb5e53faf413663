"""Hypothesis profiles, chosen with the HYPOTHESIS_PROFILE environment variable.

- dev (default): 200 examples a test, for everyday runs.
- ci: 100 examples, derandomized (the same examples every run) and no deadline, so the property and
  fuzz tests finish well within two minutes on a small shared machine; .ci/run selects it.
- long: 2000 examples, for a thorough local run (a few minutes):  HYPOTHESIS_PROFILE=long pytest

Tests that go through the CLI or start real subprocesses ask for a fraction of the profile's
examples: settings(max_examples=max(5, settings().max_examples // 4)).

docs/ and tests/data/ are on the import path, so that the tests of the generated pages import their
scripts (make_errors, make_guide) and the recorded-values tests their recorders as modules.

No test reads the user's saved profile (mlcomp config): MLCOMP_CONFIG points into a directory of the
suite's own, for every test and every subprocess, and the file is removed after each test, so a
profile one test saves is never another's default.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))

_SLOW_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                          suppress_health_check=_SLOW_CHECKS, print_blob=True)
settings.register_profile("dev", max_examples=200, deadline=None, suppress_health_check=_SLOW_CHECKS)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_SLOW_CHECKS,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "dev")

SAVED_PROFILE = Path(tempfile.mkdtemp(prefix="mlcomp-tests-")) / "config.toml"
os.environ["MLCOMP_CONFIG"] = str(SAVED_PROFILE)  # before any test module copies os.environ


@pytest.fixture(autouse=True)
def _no_saved_profile() -> Iterator[None]:
    """Each test starts, and leaves, without a saved profile."""
    SAVED_PROFILE.unlink(missing_ok=True)
    yield
    SAVED_PROFILE.unlink(missing_ok=True)
