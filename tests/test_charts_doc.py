"""docs/charts.md's captures are what the tool prints now: regenerate them with
`python docs/make_charts.py`."""

from __future__ import annotations

import make_charts  # docs/make_charts.py (conftest puts docs/ on the path)
import pytest
from rich.cells import cell_len


@pytest.fixture(scope="module")
def outputs():
    return make_charts.run_all()


def test_charts_md_captures_match_what_the_tool_prints(outputs):
    fresh = make_charts.page(make_charts.render(outputs))
    assert make_charts.DOC.read_text(encoding="utf-8") == fresh, (
        "docs/charts.md is out of date: run `python docs/make_charts.py` and review the diff")


def test_every_capture_fits_its_width(outputs):
    for (command, width), text in outputs.items():
        assert max(cell_len(line) for line in text.split("\n")) <= width, (command, width)


def test_the_captures_cover_each_command_that_draws():
    assert {c.split()[1] for c in make_charts.COMMANDS} == {"estimate", "curve", "compare", "bands", "factors"}
    assert "--growth" in next(c for c in make_charts.COMMANDS if " compare " in c)
