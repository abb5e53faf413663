"""docs/guide.md is what the tool prints now, and every statement of the guide in it holds:
regenerate it with `python docs/make_guide.py`."""

from __future__ import annotations

from pathlib import Path

import make_guide  # docs/make_guide.py (conftest puts docs/ on the path)
import pytest


@pytest.fixture(scope="module")
def results():
    return make_guide.run_all()


def test_every_statement_of_the_guide_holds(results):
    failing = [(s.quote, s.claim, outs) for s, outs, holds in results if not holds]
    assert not failing


def test_guide_md_matches_what_the_tool_prints(results):
    assert make_guide.DOC.read_text(encoding="utf-8") == make_guide.render(results), (
        "docs/guide.md is out of date: run `python docs/make_guide.py` and review the diff")


def test_the_page_quotes_the_guide_and_covers_every_statement_with_a_number():
    guide = Path(__file__).resolve().parents[2] / "shared" / "seed" / "ml-engineer-salary-guide-2026.txt"
    topics = {s.topic for s in make_guide.STATEMENTS}
    assert {"Salary by experience level", "Total compensation", "Location", "Company tier", "Specialization",
            "Industry", "Full ML lifecycle", "ML and software engineers", "ML focus"} <= topics
    quotes = " ".join(s.quote for s in make_guide.STATEMENTS)
    for words in ("$130,000", "15 to 30 percent", "20 to 40 percent", "10 to 25 percent", "$400,000",
                  "above $500,000", "$350,000 or"):
        assert words in quotes, words
    if guide.exists():
        text = " ".join(guide.read_text(encoding="utf-8").split())
        for s in make_guide.STATEMENTS:
            if not s.quote.startswith("("):
                quoted = s.quote.split(" (")[0]
                assert quoted in text, quoted
