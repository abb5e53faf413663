"""Pay review arithmetic: compa-ratios, penetration, gaps and the summary (mlcomp.review)."""

from __future__ import annotations

import math
import random
import statistics
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mlcomp import review
from mlcomp.errors import MlcompError
from mlcomp.review import Pay, Summary, standing

# mlcomp estimate --years 4 --city sf: base 207,000..338,000 (mid 272,500), total 248,400..473,200 (mid 360,800)
BASE = {"low": 207_000, "mid": 272_500, "high": 338_000}
TOTAL = {"low": 248_400, "mid": 360_800, "high": 473_200}


def test_base_240k_with_24k_bonus_and_50k_equity_in_mid_sf():
    person = standing(Pay.read({"base": "240k", "bonus": "$24,000", "equity": 50000}), BASE, TOTAL)
    assert person.pay.total == 314_000  # 240,000 + 24,000 + 50,000
    assert person.base_compa == 0.8807  # 240,000 / 272,500
    assert person.base_penetration == 0.2519  # (240,000 - 207,000) / (338,000 - 207,000)
    assert person.total_compa == 0.8703  # 314,000 / 360,800
    assert person.total_penetration == 0.2918  # (314,000 - 248,400) / (473,200 - 248,400)
    assert person.verdict == "lower third"  # on base: 0.25 < 1/3
    assert (person.gap_on, person.to_low, person.to_mid) == ("base", 0, 32_500)  # 272,500 - 240,000


def test_below_range_on_base_alone_costs_the_distance_to_the_low():
    person = standing(Pay.read({"base": "190000"}), BASE, TOTAL)
    assert person.total_compa is None and person.pay.total is None  # no bonus or equity given: total unknown
    assert person.verdict == "below range"  # 190,000 < 207,000
    assert (person.to_low, person.to_mid) == (17_000, 82_500)


def test_total_comp_alone_is_judged_and_gapped_on_total():
    person = standing(Pay.read({"total_comp": "500k"}), BASE, TOTAL)
    assert person.base_compa is None
    assert (person.verdict, person.gap_on, person.to_low, person.to_mid) == ("above range", "total_comp", 0, 0)


@pytest.mark.parametrize("cells, says", [
    ({"base": "€240,000"}, "another currency"),
    ({"base": "-5000"}, "negative"),
    ({"base": "2000000000"}, r"at most \$1,000,000,000"),
    ({"base": "lots"}, "expected an amount"),
    ({"base": True}, "expected an amount"),
    ({"base": "240k", "total_comp": "200k"}, "below base"),
    ({"bonus": "20k"}, "neither base nor total_comp"),
])
def test_a_pay_cell_that_cannot_be_read_is_the_rows_problem(cells, says):
    with pytest.raises(MlcompError, match=says):
        Pay.read(cells)


def test_a_row_without_pay_has_no_standing():
    assert Pay.read({"base": "", "bonus": None}) is None


def to_4_places(part: int, whole: int) -> float:
    """part / whole to 4 places, a half away from 0, from the exact quotient (what the review promises)."""
    quotient = Fraction(part, whole)
    return math.copysign(math.floor(abs(quotient) * 10_000 + Fraction(1, 2)) / 10_000, quotient) + 0.0


def test_a_ratio_is_rounded_as_by_hand_from_the_exact_quotient():
    assert review.ratio(24_690, 200_000) == 0.1235  # exactly 0.12345
    assert review.ratio(-24_690, 200_000) == -0.1235  # a half away from 0, as by hand
    assert review.ratio(222_300, 60_800) == 3.6563  # exactly 3.65625, which round(x, 4) makes 3.6562
    assert review.ratio(1, 3) == 0.3333 and review.ratio(2, 3) == 0.6667
    assert review.ratio(272_500, 272_500) == 1.0
    assert math.copysign(1, review.ratio(-1, 80_000)) == 1  # just below the low: 0.0, never -0.0


@given(st.integers(-10**10, 10**10), st.integers(1, 10**9))
@example(512_261_613, 480)  # 1,067,211.69375: a tie, written as the float nearest 1,067,211.6938
def test_a_ratio_is_the_nearest_4_place_value_to_the_exact_quotient(part, whole):
    assert review.ratio(part, whole) == to_4_places(part, whole)
    exact = Fraction(part, whole)  # within half a 4th place, and the float's own rounding at that size
    assert abs(Fraction(review.ratio(part, whole)) - exact) <= Fraction(1, 20_000) + abs(exact) / 2**52


amounts = st.integers(min_value=1, max_value=2_000_000)
ranges = st.tuples(st.integers(1, 900_000), st.integers(0, 900_000)).map(
    lambda t: {"low": t[0], "mid": t[0] + t[1] // 2, "high": t[0] + t[1]})


@given(amounts, ranges, ranges)
@example(207_000, {"low": 207_000, "mid": 207_000, "high": 207_000}, TOTAL)  # a range of one amount
def test_compa_and_penetration_agree_with_the_rows_own_range(base, market, total_market):
    person = standing(Pay(base=base), market, total_market)
    assert person.base_compa == to_4_places(base, market["mid"])
    assert abs(person.base_compa - base / market["mid"]) <= 0.00005 + 1e-12
    if market["high"] > market["low"]:
        assert person.base_penetration == to_4_places(base - market["low"], market["high"] - market["low"])
    assert person.to_low == max(0, market["low"] - base)
    assert person.to_mid == max(0, market["mid"] - base)
    below, above = base < market["low"], base > market["high"]
    assert (person.verdict == "below range") == below
    assert (person.verdict == "above range") == above


def people(rng: random.Random, n: int) -> list[tuple[review.Standing, dict[str, str]]]:
    rows = []
    for _ in range(n):
        pay = Pay(base=rng.randrange(150_000, 400_000), bonus=rng.randrange(0, 50_000))
        where = {"level": rng.choice(["mid", "senior"]), "city": rng.choice(["sf", "nyc", "austin"]),
                 "who": str(rng.randrange(n))}
        rows.append((standing(pay, BASE, TOTAL), where))
    return rows


def summarize(rows, by: str | None = None) -> dict:
    summary = Summary(by=by)
    for line, (person, where) in enumerate(rows, 2):
        summary.add(person, line=line, level=where["level"], city=where["city"], group=where["city"] if by else None,
                    who=where["who"])
    return summary.as_dict()


@given(st.integers(0, 2**32), st.integers(1, 60))
def test_the_summary_adds_up_and_shuffling_rows_changes_no_figure(seed, n):
    rng = random.Random(seed)
    rows = people(rng, n)
    figures = summarize(rows, by="city")
    assert figures["people"] == n == sum(figures["verdicts"].values())
    assert figures["cost"]["to_low"] == sum(person.to_low for person, _ in rows)
    assert figures["cost"]["to_mid"] == sum(person.to_mid for person, _ in rows)
    assert figures["median_base_compa"] == round(statistics.median(p.base_compa for p, _ in rows), 4)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    again = summarize(shuffled, by="city")
    gaps = [gap["to_mid"] for gap in figures.pop("largest_gaps")]
    assert gaps == [gap["to_mid"] for gap in again.pop("largest_gaps")]
    assert gaps == sorted((p.to_mid for p, _ in rows if p.to_mid), reverse=True)[:review.TOP]
    assert figures == again


def test_by_groups_under_five_people_are_counted_not_shown_while_levels_and_cities_show_all():
    rng = random.Random(1)
    rows = [(person, {**where, "city": "sf"}) for person, where in people(rng, 7)]
    rows += [(person, {**where, "city": "austin"}) for person, where in people(rng, 3)]
    figures = summarize(rows, by="city")
    by = figures["by"]
    assert by["column"] == "city"
    assert list(by["groups"]) == ["sf"] and by["groups"]["sf"]["count"] == 7
    assert by["not_shown"]["groups"] == 1 and by["not_shown"]["people"] == 3
    assert figures["by_city"]["groups"]["austin"]["count"] == 3  # a city is a job's, not a person's, attribute


def test_groups_past_the_limit_are_counted_beyond(monkeypatch):
    monkeypatch.setattr(review, "MAX_GROUPS", 3)
    rows = [(person, {**where, "city": f"c{i}"}) for i, (person, where) in enumerate(people(random.Random(2), 5))]
    by_city = summarize(rows)["by_city"]
    assert len(by_city["groups"]) == 3 and by_city["beyond"]["people"] == 2


def test_one_person_given_twice_is_a_note_and_counted_again():
    person = standing(Pay(base=250_000), BASE, TOTAL)
    summary = Summary()
    assert summary.add(person, line=2, level="mid", city="sf", who="17") is None
    note = summary.add(person, line=3, level="mid", city="sf", who="17")
    assert note is not None and "line 3" in note and "'17'" in note
    assert summary.as_dict()["people"] == 2 and summary.as_dict()["repeated_ids"] == 1


def test_medians_past_the_exact_limit_come_from_bins_within_one_bin_and_say_so(monkeypatch):
    monkeypatch.setattr(review, "EXACT", 1_000)
    rng = random.Random(5)
    rows = people(rng, 5_001)
    exact = summarize(rows[:1_000])
    assert exact["medians_exact"] is True
    assert exact["median_base_compa"] == round(statistics.median(p.base_compa for p, _ in rows[:1_000]), 4)
    figures = summarize(rows)
    assert figures["medians_exact"] is False
    assert abs(figures["median_base_compa"] - statistics.median(p.base_compa for p, _ in rows)) <= review.BIN
    for level in ("mid", "senior"):
        values = [p.base_compa for p, where in rows if where["level"] == level]
        got = figures["by_level"]["groups"][level]["median_base_compa"]
        assert abs(got - statistics.median(values)) <= review.BIN


def test_a_base_too_small_for_a_years_pay_is_refused_even_when_a_bonus_of_that_amount_was_read_first():
    reader = review.Reader()
    assert reader.read(("base", "bonus"), ("240k", "500")) == Pay(base=240_000, bonus=500)
    with pytest.raises(MlcompError, match=r"^base \$500 is less than \$1,000"):
        reader.read(("base", "bonus"), ("500", "500"))
    with pytest.raises(MlcompError, match=r"^total_comp \$900 is less than"):
        reader.read(("total_comp",), ("900",))


def test_a_reader_parses_each_cell_value_once_and_never_keeps_a_bad_one():
    reader = review.Reader()
    assert reader.read(("base", "bonus"), ("240k", "$24,000")) == Pay(base=240_000, bonus=24_000)
    assert reader.known == {"240k": 240_000, "$24,000": 24_000}
    with pytest.raises(MlcompError, match="another currency"):
        reader.read(("base",), ("€240,000",))
    assert "€240,000" not in reader.known
    with pytest.raises(MlcompError, match=r"^bonus "):  # a bad cell is named by its column
        reader.read(("base", "bonus"), ("240k", "lots"))
    assert reader.read(("base", "equity"), ("240k", "$24,000")) == Pay(base=240_000, equity=24_000)
    assert reader.read(("base", "equity"), ("", None)) is None


def test_the_chart_data_places_each_person_in_their_range_by_level():
    summary = Summary()
    for line, base in enumerate((190_000, 272_500, 338_000, 400_000), 2):
        summary.add(standing(Pay(base=base), BASE, TOTAL), line=line, level="mid", city="sf")
    (mid,) = summary.chart()
    # (190,000 - 207,000) / 131,000 = -0.13; the mid 0.5; the high 1; (400,000 - 207,000) / 131,000 = 1.47
    assert mid == {"level": "mid", "people": 4, "positions": [[-0.13, 1], [0.5, 1], [1.0, 1], [1.47, 1]]}


# --- pay cells as people and programs write them ---------------------------------------------------

@pytest.mark.parametrize("value, says", [
    (True, "base expected an amount such as 240000, 240k, $240,000 or 1.2m, got true"),
    (False, "base expected an amount such as 240000, 240k, $240,000 or 1.2m, got false"),
    ([240000], "base expected an amount such as 240000, 240k, $240,000 or 1.2m, got [240000]"),
    ({"usd": 1}, 'base expected an amount such as 240000, 240k, $240,000 or 1.2m, got {"usd": 1}'),
    (float("inf"), "base expected an amount such as 240000, 240k, $240,000 or 1.2m, got Infinity"),
    (float("nan"), "base expected an amount such as 240000, 240k, $240,000 or 1.2m, got NaN"),
    ("EUR 200000", "base 'EUR 200000' is in another currency (EUR); pay is in US dollars ($)"),
    ("200,000 GBP", "base '200,000 GBP' is in another currency (GBP); pay is in US dollars ($)"),
    ("C$200000", "base 'C$200000' is in another currency (C$); pay is in US dollars ($)"),
    ("200000€", "base '200000€' is in another currency (€); pay is in US dollars ($)"),
    (0, "base $0 is less than $1,000, too little for a year's pay; write thousands as 240k, and leave the "
        "cell empty when the pay is not known"),
    ("240", "base $240 is less than $1,000, too little for a year's pay; write thousands as 240k, and leave "
            "the cell empty when the pay is not known"),
])
def test_a_pay_cell_that_is_not_a_years_dollars_says_what_it_is(value, says):
    with pytest.raises(MlcompError) as caught:
        Pay.read({"base": value})
    assert caught.value.message == says


@pytest.mark.parametrize("value, dollars", [
    (240000, 240000), (240000.4, 240000), ("240k", 240000), ("$240,000", 240000), ("USD 240,000", 240000),
    ("240000 USD", 240000), ("US$240,000", 240000), (" 240k ", 240000), ("1.2m", 1_200_000), (None, None),
    ("", None), ("  ", None),
])
def test_a_pay_cell_in_dollars_is_read_as_whole_dollars(value, dollars):
    assert review.parse_pay("base", value) == dollars


def test_a_bonus_or_equity_of_0_is_pay_a_base_of_0_is_not():
    assert Pay.read({"base": "240k", "bonus": 0, "equity": "0"}) == Pay(base=240_000, bonus=0, equity=0)
    with pytest.raises(MlcompError, match="total_comp"):
        Pay.read({"total_comp": 0})


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=5)


@given(st.sampled_from(review.PAY), st.one_of(JSON_VALUES, st.text(alphabet="0123456789,.$kKmM €£USDEGBP-")))
@example("base", "USD")
@example("base", "$")
@example("base", "USD -5000")
def test_any_pay_cell_is_whole_dollars_in_bounds_or_one_clear_line(name, value):
    try:
        amount = review.parse_pay(name, value)
    except MlcompError as e:
        assert e.message.startswith(name + " ") and "\n" not in e.message
        assert "got ''" not in e.message or value == ""  # the cell as written, not what was left of it
        return
    assert amount is None or (type(amount) is int and 0 <= amount <= 1_000_000_000)
    if name in ("base", "total_comp") and amount is not None and amount < review.MIN_PAY:
        with pytest.raises(MlcompError, match=f"^{name} .* is less than"):  # not a year's pay
            Pay.read({name: value})
