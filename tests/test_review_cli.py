"""`mlcomp review` and pay columns in `estimate --input`: each person's standing, the summary, bad pay."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp import batch, review
from mlcomp.bands import load_bands
from mlcomp.cli import app

ROOT = Path(__file__).resolve().parents[1]
TEAM = ROOT / "examples" / "team.csv"
BANDS = load_bands()
runner = CliRunner()

# The guide's bands (data/bands.toml) and the premiums on base, low end and high end.
LEVELS = {"entry": (130_000, 180_000), "mid": (180_000, 260_000), "senior": (260_000, 350_000),
          "staff": (350_000, 450_000)}
CITIES = {"sf": (0.15, 0.30), "nyc": (0.15, 0.25), "seattle": (0.15, 0.20), "remote": (0.0, 0.0)}
TIERS = {"ai-startup": (0.10, 0.0), "": (0.0, 0.0)}
# team.csv by hand: level by years (entry under 3, mid under 6, senior under 10, staff 10+), base
TEAM_BASES = {"Avery": ("entry", 172_000), "Blake": ("mid", 290_000), "Casey": ("senior", 395_000),
              "Drew": ("staff", 470_000), "Emery": ("entry", 140_000), "Finley": ("mid", 245_000),
              "Gray": ("senior", 410_000), "Harper": ("staff", 575_000), "Indigo": ("mid", 172_000),
              "Jules": ("senior", 300_000), "Kai": ("senior", 285_000), "Lane": ("staff", 450_000)}


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.split("\n")[:-1]]


def by_hand(level: str, city: str, tier: str) -> tuple[float, float]:
    """A person's market base range: the band times (1 + city premium) times (1 + tier premium)."""
    low, high = LEVELS[level]
    return low * (1 + CITIES[city][0]) * (1 + TIERS[tier][0]), high * (1 + CITIES[city][1]) * (1 + TIERS[tier][1])


def team_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(TEAM.open(encoding="utf-8")))


def test_each_compa_ratio_and_the_cost_to_the_low_of_the_team_by_hand():
    result = run("estimate", "--input", str(TEAM), "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = {row["name"]: row for row in jsonl(result.stdout)}
    cost_to_low = 0
    for person in team_rows():
        level, base = TEAM_BASES[person["name"]]
        low, high = by_hand(level, person["city"], person["tier"])
        mid = (low + high) / 2
        row = rows[person["name"]]
        assert row["level"] == level and row["pay"]["base"] == base
        assert row["base_compa"] == round(base / mid, 4), person["name"]
        assert row["base_penetration"] == round((base - low) / (high - low), 4), person["name"]
        assert row["to_low"] == max(0, round(low - base)) and row["to_mid"] == max(0, round(mid - base))
        cost_to_low += max(0, round(low - base))
    # Emery 149,500 - 140,000; Indigo 180,000 - 172,000; Kai 299,000 - 285,000
    assert cost_to_low == 9_500 + 8_000 + 14_000
    summary = json.loads(run("review", str(TEAM), "-f", "json").stdout)
    assert summary["cost"]["to_low"] == cost_to_low == 31_500
    assert summary["cost"]["payroll"] == sum(base for _, base in TEAM_BASES.values())
    assert summary["people"] == 12 and summary["verdicts"] == {
        "below range": 3, "lower third": 3, "middle third": 4, "upper third": 1, "above range": 1}
    assert summary["by_level"]["groups"]["senior"]["count"] == 4


def test_harpers_575k_written_with_a_dollar_sign_and_comma_is_read_as_pay_and_total_is_the_sum():
    rows = {row["name"]: row for row in jsonl(run("estimate", "--input", str(TEAM), "-f", "jsonl").stdout)}
    assert rows["Harper"]["pay"] == {"base": 575_000, "bonus": 50_000, "equity": 90_000, "total_comp": 715_000}
    assert rows["Blake"]["pay"]["base"] == 290_000  # 290k
    assert rows["Harper"]["verdict"] == "above range" and rows["Harper"]["to_mid"] == 0


def test_rows_keep_their_estimate_and_the_pay_comes_after_it_in_every_format():
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(row[:6] for row in csv.reader(TEAM.open(encoding="utf-8")))
    plain = out.getvalue()  # the same people without pay columns
    reviewed = jsonl(run("estimate", "--input", str(TEAM), "-f", "jsonl").stdout)
    estimated = jsonl(run("estimate", "--input", "-", "--input-format", "csv", "-f", "jsonl", input=plain).stdout)
    keys = {"pay", *review.KEYS}
    assert [{k: v for k, v in row.items() if k not in keys} for row in reviewed] == estimated
    assert list(reviewed[0])[-len(keys):] == ["pay", *review.KEYS]
    for fmt in ("csv", "tsv"):
        lines = run("estimate", "--input", str(TEAM), "-f", fmt).stdout.split("\n")
        header = lines[0].split("," if fmt == "csv" else "\t")
        assert header[-len(review.COLUMNS):] == list(review.COLUMNS)
        assert "base" not in header and "bonus" not in header  # read as pay, not carried
        assert all(len(line.split("," if fmt == "csv" else "\t")) == len(header) for line in lines[1:-1])


def test_a_row_without_pay_in_a_file_with_pay_columns_has_empty_review_cells():
    text = "name,years,base\nA,4,240k\nB,4,\n"
    lines = run("estimate", "--input", "-", "--input-format", "csv", "-f", "csv", input=text).stdout.split("\n")
    assert lines[2].endswith("," * len(review.COLUMNS))
    rows = jsonl(run("estimate", "--input", "-", "--input-format", "csv", "-f", "jsonl", input=text).stdout)
    assert rows[1]["pay"] == dict.fromkeys(review.PAY) and rows[1]["to_low"] is None  # never a silent 0


def test_the_table_shows_each_persons_pay_compa_and_verdict():
    result = runner.invoke(app, ["estimate", "--input", str(TEAM)], env={"COLUMNS": "160"})  # as one table
    assert result.exit_code == 0
    header = next(line for line in result.stdout.split("\n") if "Compa" in line)
    assert "Verdict" in header and "To low" in header
    emery = next(line for line in result.stdout.split("\n") if "Emery" in line)
    assert "$140,000" in emery and "0.75" in emery and "below range" in emery and "$9,500" in emery


def test_review_prints_the_summary_on_stderr_and_the_rows_on_stdout():
    result = run("review", str(TEAM), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 13 and "Pay review" not in result.stdout
    assert "Pay review: 12 people with pay" in result.stderr
    assert "to bring everyone below the low to the low: $31,500 (0.8% of payroll)" in result.stderr
    assert "Median compa-ratio by level" in result.stderr and "Largest gaps to the mid" in result.stderr
    assert "in their market range" not in result.stderr  # stderr is no terminal here: no chart
    charted = run("review", str(TEAM), "-f", "csv", "--chart")
    assert "in their market range, by level" in charted.stderr and "staff (3)" in charted.stderr


def test_estimate_review_is_review():
    assert run("estimate", "--input", str(TEAM), "--review", "-f", "json").stdout == \
        run("review", str(TEAM), "-f", "json").stdout


def test_by_a_column_hides_groups_under_five():
    text = "id,team,years,base\n" + "".join(f"{i},{'a' if i < 6 else 'b'},4,{200_000 + i * 10_000}\n"
                                           for i in range(9))
    data = json.loads(run("review", "-", "--input-format", "csv", "--by", "Team", "-f", "json", input=text).stdout)
    assert list(data["by"]["groups"]) == ["a"] and data["by"]["groups"]["a"]["count"] == 6
    assert data["by"]["not_shown"] == {"groups": 1, "people": 3, "why": "groups of fewer than 5 people"}
    missing = run("review", "-", "--input-format", "csv", "--by", "dept", input=text)
    assert missing.exit_code == 2 and "the file has no column 'dept'" in missing.stderr


@pytest.mark.parametrize("cell, says", [
    ('"€250,000"', "line 3: base '€250,000' is in another currency"),
    ("-5000", "line 3: base must not be negative"),
    ("2000000000", r"line 3: base must be at most $1,000,000,000"),
    ("lots", "line 3: base expected an amount"),
])
def test_a_bad_pay_cell_is_its_rows_problem_with_its_line(cell, says):
    text = f"name,years,base\nA,4,240k\nB,4,{cell}\nC,4,250000\n"
    stopped = run("estimate", "--input", "-", "--input-format", "csv", "-f", "csv", input=text)
    assert stopped.exit_code == 1 and says in stopped.stderr
    skipped = run("review", "-", "--input-format", "csv", "--on-error", "skip", "-f", "json", input=text)
    assert skipped.exit_code == 0 and says in skipped.stderr
    data = json.loads(skipped.stdout)
    assert (data["people"], data["skipped"]) == (2, 1)


def test_total_comp_below_base_and_the_same_id_twice():
    text = "id,years,base,total_comp\n1,4,260000,250000\n2,4,240000,\n2,4,240000,\n"
    result = run("review", "-", "--input-format", "csv", "--on-error", "skip", "-f", "json", input=text)
    assert "line 2: total_comp $250,000 is below base $260,000" in result.stderr
    assert "note: line 4: id '2' was given before; counted again, not merged" in result.stderr
    data = json.loads(result.stdout)
    assert (data["people"], data["repeated_ids"], data["skipped"]) == (2, 1, 1)


def test_rows_with_an_empty_id_are_not_taken_for_one_person_given_twice():
    text = 'id,years,base\n,4,200k\n,4,210k\n7,4,220k\n7,4,230k\n'
    jsonl = ('{"id": 7, "years": 4, "base": 220000}\n{"id": "7", "years": 4, "base": 230000}\n'
             '{"years": 4, "base": 240000}\n')
    for rows, fmt in ((text, "csv"), (jsonl, "jsonl")):
        result = run("review", "-", "--input-format", fmt, "-f", "json", input=rows)
        assert result.exit_code == 0, result.stderr
        assert "'(empty)'" not in result.stderr and "id '7' was given before" in result.stderr
        assert json.loads(result.stdout)["repeated_ids"] == 1


BAD_ROWS = [  # a first row that JSON Lines output could not write, then a good one
    ('{"id": "a", "years": 3, "base": 100000, "note": NaN}\n', "jsonl", "column 'note': NaN"),
    ('{"id": "a", "name": NaN, "years": 3, "base": 100000}\n', "jsonl", "column 'name': NaN"),
    ('{"id": "a", "name": "x\\ud800", "years": 3, "base": 100000}\n', "jsonl", "lone surrogate"),
    (b"id,name,years,base\na,x\xff,3,100000\n", "csv", "not UTF-8"),
]


@pytest.mark.parametrize(("first", "fmt", "says"), BAD_ROWS)
def test_the_summary_alone_rejects_the_rows_that_written_rows_reject(first, fmt, says):
    good = '{"id": "b", "years": 5, "base": 150000}\n' if fmt == "jsonl" else "b,y,5,150000\n"
    given = first + (good.encode() if isinstance(first, bytes) else good)
    for output in ("json", "jsonl"):
        stopped = run("review", "-", "--input-format", fmt, "-f", output, input=given)
        assert stopped.exit_code == 1 and "Traceback" not in stopped.stderr, stopped.stderr
        assert says in stopped.stderr and ("line 1: " in stopped.stderr or "line 2: " in stopped.stderr)
    summaries = [run("review", "-", "--input-format", fmt, "-f", output, "--on-error", "skip", input=given)
                 for output in ("json", "jsonl")]
    assert json.loads(summaries[0].stdout)["people"] == 1 and json.loads(summaries[0].stdout)["skipped"] == 1
    written = [json.loads(row)["id"] for row in summaries[1].stdout.split("\n")[:-1]]
    assert summaries[1].exit_code == 0 and written == ["b"]


def test_a_row_that_fails_after_its_pay_was_placed_leaves_nothing_behind():
    text = ('{"id": "a", "years": 3, "base": 100000, "note": NaN}\n{"id": "b", "years": 5}\n'
            '{"id": "c", "years": 5, "base": 150000}\n')
    result = run("review", "-", "--input-format", "jsonl", "-f", "jsonl", "--on-error", "skip", input=text)
    assert result.exit_code == 0, result.stderr
    summary = run("review", "-", "--input-format", "jsonl", "-f", "json", "--on-error", "skip", input=text)
    data = json.loads(summary.stdout)
    assert (data["people"], data["without_pay"], data["skipped"]) == (1, 1, 1)


def test_an_empty_id_is_named_empty_in_the_largest_gaps():
    result = run("review", "-", "--input-format", "csv", "-f", "json", input="id,years,base\n,3,100000\n")
    assert json.loads(result.stdout)["largest_gaps"][0]["id"] == "(empty)"


def test_the_summarys_tables_stay_within_their_bounds_and_change_no_figure(monkeypatch):
    rng = random.Random(5)
    market = {"low": 200_000, "mid": 250_000, "high": 300_000}
    people = [(review.standing(review.Pay(base=rng.randrange(150_000, 350_000)), market, market),
               rng.choice(["entry", "mid", "senior", "staff"]), rng.choice(["sf", "nyc", "seattle", "remote"]),
               f"t{rng.randrange(9)}") for _ in range(2_000)]

    def summarise() -> review.Summary:
        summary = review.Summary(by="team")
        for line, (person, level, city, team) in enumerate(people, 2):
            summary.add(person, line=line, level=level, city=city, group=team, who=str(line))
        return summary

    whole = summarise().as_dict()
    monkeypatch.setattr(review, "CELLS", 3)
    small = summarise()
    assert len(small.cells) <= 3 and small.as_dict() == whole  # a cache of places: cleared, never wrong
    monkeypatch.setattr(review, "MAX_GROUPS", 2)
    capped = summarise()
    assert len(capped.positions) == 2 and len(capped.levels.groups) == 2 and len(capped.groups.groups) == 2
    assert capped.as_dict()["people"] == 2_000  # the people past the cap still count overall
    assert capped.levels.beyond == sum(level not in capped.levels.groups for _, level, _, _ in people)
    monkeypatch.setattr(review, "CACHE", 3)
    reader = review.Reader()
    for amount in range(100, 110):
        assert reader.read(("base",), (f"{amount}k",)) == review.Pay(base=amount * 1_000)
        assert len(reader.known) <= 3


def test_a_review_of_a_file_without_pay_says_so_and_a_batch_of_it_is_as_before():
    text = "name,years\nA,4\n"
    result = run("review", "-", "--input-format", "csv", input=text)
    assert result.exit_code == 1 and result.stderr == ("Error: line 1: no pay column: a pay review reads base, "
                                                       "bonus, equity and total_comp. Its columns: name, years\n")
    row = jsonl(run("estimate", "--input", "-", "--input-format", "csv", "-f", "jsonl", input=text).stdout)[0]
    assert "pay" not in row and "base_compa" not in row


def test_options_of_a_review_that_need_another():
    assert "--by needs --review" in run("estimate", "--input", str(TEAM), "--by", "team").stderr
    assert "--review needs --input" in run("estimate", "--review").stderr
    refused = run("estimate", "--input", str(TEAM), "-f", "json")
    assert refused.exit_code == 2 and "use --format jsonl" in refused.stderr


def test_pay_columns_first_met_in_a_later_json_row_cannot_widen_a_csv_header():
    text = '{"years": 4}\n{"years": 4, "base": 240000}\n'
    result = run("estimate", "--input", "-", "--input-format", "jsonl", "-f", "csv", input=text)
    assert result.exit_code == 1 and "line 2: pay columns" in result.stderr


def test_a_carried_column_named_like_a_review_key_is_refused():
    result = run("estimate", "--input", "-", "--input-format", "csv", input="years,base,verdict\n4,240k,ok\n")
    assert result.exit_code == 1 and "column 'verdict' has the name of a pay review column" in result.stderr


# --- properties, through the batch ---------------------------------------------------------------

CITY = st.sampled_from(["sf", "nyc", "seattle", "national", ""])
PERSON = st.fixed_dictionaries({
    "id": st.integers(1, 30).map(str), "years": st.integers(0, 25).map(str), "city": CITY,
    "base": st.one_of(st.integers(100_000, 700_000).map(str), st.just("")),
    "bonus": st.one_of(st.integers(0, 80_000).map(lambda n: f"{n // 1000}k"), st.just("")),
    "total_comp": st.one_of(st.just(""), st.integers(700_000, 900_000).map(str))})


def reviewed(rows: list[dict[str, str]], by: str | None = None) -> tuple[list[dict], dict]:
    """The rows through the batch as a review: its JSON Lines rows and its summary."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    summary = review.Summary(by=by)
    est = batch.Estimator(BANDS, output="jsonl", summary=summary, skip=True, report=lambda _: None)
    out = io.BytesIO()
    batch.stream(io.StringIO(text.getvalue()), out, est, fmt="csv", output="jsonl")
    return jsonl(out.getvalue().decode()), summary.as_dict(skipped=est.stats.skipped)


@settings(deadline=None, max_examples=40)
@given(st.lists(PERSON, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_the_cost_to_the_low_is_the_sum_of_to_low_and_shuffling_rows_changes_no_summary_figure(people, rng):
    rows, figures = reviewed(people, by="city")
    placed = [row for row in rows if row["to_low"] is not None]
    assert figures["people"] == len(placed) and figures["without_pay"] == len(rows) - len(placed)
    assert figures["cost"]["to_low"] == sum(row["to_low"] for row in placed)
    assert figures["cost"]["to_mid"] == sum(row["to_mid"] for row in placed)
    assert figures["verdicts"]["below range"] == sum(row["to_low"] > 0 for row in placed)
    for row in placed:  # compa and penetration agree with the row's own range
        on = row["gap_on"]
        market, pay = row["base" if on == "base" else "total_comp"], row["pay"][on]
        assert abs(row[f"{'base' if on == 'base' else 'total'}_compa"] - pay / market["mid"]) <= 0.00005 + 1e-12
        assert row["to_low"] == max(0, market["low"] - pay)
    shuffled = people[:]
    rng.shuffle(shuffled)
    _, again = reviewed(shuffled, by="city")
    gaps = sorted(gap["to_mid"] for gap in figures.pop("largest_gaps"))
    assert gaps == sorted(gap["to_mid"] for gap in again.pop("largest_gaps"))
    assert figures == again


def test_a_million_people_stay_in_bounded_memory():
    """The summary's size does not grow with the rows: counts, bins, the largest gaps, a capped id set."""
    import tracemalloc

    rng = random.Random(3)
    summary = review.Summary(by="team")
    market = {"low": 200_000, "mid": 250_000, "high": 300_000}
    people = [review.standing(review.Pay(base=rng.randrange(150_000, 350_000)), market, market)
              for _ in range(1_000)]

    def feed(start: int, count: int) -> None:
        for line in range(start, start + count):
            summary.add(people[line % 1_000], line=line, level="mid", city="sf", group=f"t{line % 7}",
                        who=str(line))

    feed(0, review.EXACT + 1)  # the medians turn to bins, the id set is full
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    feed(review.EXACT + 1, 100_000)
    grown = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    assert summary.as_dict()["medians_exact"] is False and summary.people == review.EXACT + 100_001
    assert grown < 200_000  # bytes, for 100,000 more people


# --- what the messages say ----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "table"])
def test_skip_says_how_many_rows_were_reviewed_and_skipped_in_every_format(fmt):
    """With -f json no row is written (the summary alone is the output): no format says 'written'."""
    text = "id,years,base\n1,4,240k\n2,4,lots\n3,4,\n"
    result = run("review", "-", "--input-format", "csv", "--on-error", "skip", "-f", fmt, input=text)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.split("\n")
    assert "3 rows read, 2 reviewed, 1 skipped" in lines
    assert not [line for line in lines if "written" in line]
    batch_run = run("estimate", "--input", "-", "--input-format", "csv", "--on-error", "skip", "-f", "csv",
                    input=text)
    assert "3 rows read, 2 written, 1 skipped" in batch_run.stderr.split("\n")  # a batch writes its rows


def test_the_summary_counts_one_person_one_repeated_id_and_one_small_group_in_the_singular():
    text = "id,team,years,base\n1,a,4,240k\n1,a,4,240k\n"
    result = run("review", "-", "--input-format", "csv", "--by", "team", input=text)
    assert "Pay review: 2 people with pay, 1 repeated id" in result.stderr
    assert "2 people in 1 group of fewer than 5, not shown" in result.stderr
    one = run("review", "-", "--input-format", "csv", input="years,base\n4,240k\n")
    assert "Pay review: 1 person with pay" in one.stderr.split("\n")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_by_a_column_the_file_does_not_have_is_a_usage_error_naming_the_columns(fmt):
    text = "id,team,years,base\n1,a,4,240k\n" if fmt == "csv" else '{"id": 1, "team": "a", "years": 4, "base": 1}\n'
    result = run("review", "-", "--input-format", fmt, "--by", "teem", "-f", "json", input=text)
    assert result.exit_code == 2, result.output
    where = "the file has no column 'teem'" if fmt == "csv" else "the first row has no key 'teem'"
    what = "columns" if fmt == "csv" else "keys"
    assert result.stderr == (f"Error: Invalid value for '--by': {where}. Did you mean 'team'? Its {what}: id, team, "
                             "years, base\n")
    assert result.stdout == ""


def test_by_level_or_city_when_the_file_has_no_such_column_says_the_summary_has_them():
    result = run("review", str(TEAM), "--by", "level")
    assert result.exit_code == 2 and "the summary groups by level and city already" in result.stderr


def test_by_a_column_with_empty_cells_groups_them_as_empty():
    text = "id,team,years,base\n" + "".join(f"{i},{'' if i < 5 else 'b'},4,240k\n" for i in range(10))
    data = json.loads(run("review", "-", "--input-format", "csv", "--by", "team", "-f", "json", input=text).stdout)
    assert {name: group["count"] for name, group in data["by"]["groups"].items()} == {"(empty)": 5, "b": 5}


@pytest.mark.parametrize("text", ["", "\n", "years,city,base\n", "\n\nyears,base\n\n"])
def test_an_empty_file_or_a_header_alone_has_no_rows_to_review(text, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(text, encoding="utf-8")
    for fmt in ("table", "json", "csv"):
        result = run("review", str(path), "-f", fmt)
        assert result.exit_code == 1, result.output
        assert result.stderr == f"Error: {path}: no rows to review\n"
        assert result.stdout == ""


def test_every_row_skipped_says_so_not_that_no_row_gives_pay():
    result = run("review", "-", "--input-format", "csv", "--on-error", "skip", "-f", "json",
                 input="years,base\n4,lots\n4,-1\n")
    assert result.exit_code == 1
    assert result.stderr.split("\n")[-2] == "Error: every row was skipped (2 of 2): nothing to review"


def test_pay_columns_with_no_pay_in_any_row_say_the_cells_are_empty():
    result = run("review", "-", "--input-format", "csv", "-f", "json", input="years,base,bonus\n4,,\n5,,\n")
    assert result.exit_code == 1
    assert result.stderr == ("Error: no row gives pay: base and total_comp are empty or missing in every row (2 "
                             "reviewed); a pay review needs one of them, in dollars such as 240000 or 240k\n")


@pytest.mark.parametrize("column, means", [("Base Salary", "base"), ("Total Compensation", "total_comp"),
                                           ("salary", "base"), ("annual_bonus", "bonus")])
def test_a_csv_header_without_pay_columns_is_refused_at_once_with_a_hint(column, means):
    result = run("review", "-", "--input-format", "csv", "-f", "json", input=f"years,{column}\n4,200000\n")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: line 1: no pay column: a pay review reads base, bonus, equity and total_comp; "
                             f"'{column}' is carried through. Did you mean '{means}'? Its columns: years, {column}\n")


def test_a_column_that_looks_like_pay_beside_a_pay_column_gets_a_note():
    result = run("review", "-", "--input-format", "csv", "-f", "json",
                 input="years,base,Total Compensation\n4,200000,250000\n")
    assert result.exit_code == 0
    assert ("note: column 'Total Compensation' is carried through unchanged. Did you mean 'total_comp' (a pay "
            "column)?") in result.stderr.split("\n")


def test_json_lines_pay_as_numbers_text_null_and_booleans():
    lines = [{"id": 1, "years": 4, "base": 240000, "bonus": 20000.4}, {"id": 2, "years": 4, "base": "240k"},
             {"id": 3, "years": 4, "base": None, "total_comp": 300000}, {"id": 4, "years": 4, "base": True},
             {"id": 5, "years": 4, "base": None}, {"id": 6, "years": 4, "base": 0, "bonus": 0}]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    result = run("review", "-", "--input-format", "jsonl", "--on-error", "skip", "-f", "jsonl", input=text)
    assert result.exit_code == 0, result.stderr
    rows = {row["id"]: row for row in jsonl(result.stdout)}
    assert rows[1]["pay"] == {"base": 240000, "bonus": 20000, "equity": None, "total_comp": 260000}
    assert rows[2]["pay"]["base"] == 240000
    assert (rows[3]["pay"]["total_comp"], rows[3]["gap_on"]) == (300000, "total_comp")
    assert rows[5]["pay"] == dict.fromkeys(review.PAY) and rows[5]["verdict"] is None
    assert sorted(rows) == [1, 2, 3, 5]
    said = result.stderr.split("\n")
    assert "line 4: base expected an amount such as 240000, 240k, $240,000 or 1.2m, got true" in said
    assert ("line 6: base $0 is less than $1,000, too little for a year's pay; write thousands as 240k, and leave "
            "the cell empty when the pay is not known") in said
    assert "6 rows read, 4 reviewed, 2 skipped" in said


def test_an_id_column_under_another_name_gets_a_note_that_repeats_are_not_spotted():
    text = "Employee ID,years,base\n7,4,240k\n7,4,240k\n"
    result = run("review", "-", "--input-format", "csv", "-f", "json", input=text)
    assert result.exit_code == 0
    assert ("note: no column is named id, so a person given twice is not spotted; if 'Employee ID' is the "
            "person's id, name it id") in result.stderr.split("\n")
    assert json.loads(result.stdout)["repeated_ids"] == 0
    renamed = run("review", "-", "--input-format", "csv", "-f", "json", input=text.replace("Employee ID", "id"))
    assert "note:" in renamed.stderr and json.loads(renamed.stdout)["repeated_ids"] == 1
