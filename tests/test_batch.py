"""Batch estimates (`estimate --input`): reading CSV/TSV/JSON Lines, carried columns, bad rows, caching."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc

import pytest
from typer.testing import CliRunner

from mlcomp import batch
from mlcomp.bands import load_bands
from mlcomp.cli import app
from mlcomp.errors import MlcompError

runner = CliRunner()
BANDS = load_bands()

# mid band 180000..260000; sf +15%..+30% -> 207000..338000, mid 272500
# with full lifecycle +3%..+10% -> 180000*1.15*1.03 = 213210 .. 260000*1.30*1.10 = 371800
PEOPLE = ("id,name,years,city,full-lifecycle\n"
          "1,Ann,4,sf,no\n"
          "2,Bo,4,sf,yes\n"
          "3,Cy,4,,\n")


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_csv_rows_become_estimates_with_carried_columns_first(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    result = run("estimate", "--input", str(path), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result.stdout)
    assert [list(r)[:2] for r in rows] == [["id", "name"]] * 3
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    ends = ("low", "mid", "high")
    assert {k: rows[0]["base"][k] for k in ends} == {"low": 207000, "mid": 272500, "high": 338000}
    assert {k: rows[1]["base"][k] for k in ends} == {"low": 213210, "mid": 292505, "high": 371800}
    # no city: the national band, 180000..260000
    assert {k: rows[2]["base"][k] for k in ends} == {"low": 180000, "mid": 220000, "high": 260000}
    assert all(r["base"]["low"] <= r["base"]["typical"] <= r["base"]["high"] for r in rows)
    assert set(rows[0]) == {"id", "name", "level", "years", "currency", "band", "base", "total_comp",
                            "adjustments"}


def test_jsonl_from_stdin_keeps_json_types_of_carried_values():
    lines = '{"id": 7, "tags": ["a"], "years": 4, "city": "SF", "remote_first": false}\n\n{"id": 8, "level": "staff"}\n'
    result = run("estimate", "--input", "-", "--input-format", "jsonl", "--format", "jsonl", input=lines)
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result.stdout)
    assert rows[0]["id"] == 7 and rows[0]["tags"] == ["a"]
    assert rows[0]["base"]["mid"] == 272500
    assert rows[1]["level"] == "staff" and rows[1]["base"]["low"] == 350000


def test_stdin_format_is_told_from_the_first_line():
    csv_result = run("estimate", "--input", "-", "--field", "base.mid", input="years,city\n4,sf\n")
    json_result = run("estimate", "--input", "-", "--field", "base.mid", input='{"years": 4, "city": "sf"}\n')
    assert csv_result.stdout == json_result.stdout == "272500\n"


def test_csv_output_flattens_with_carried_columns_first(tmp_path):
    result = run("estimate", "--input", "-", "--input-format", "csv", "--format", "csv", input=PEOPLE)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:4] == ["id", "name", "level", "years"]
    assert rows[1]["base_high"] == "371800"
    assert rows[1]["adjustments"] == "location sf +15%..+30%; lifecycle full-lifecycle +3%..+10%"


def test_tsv_output_and_tsv_input():
    result = run("estimate", "--input", "-", "--input-format", "tsv", "--format", "tsv",
                 input="id\tyears\n1\t4\n")
    header, row = result.stdout.splitlines()
    assert header.split("\t")[:3] == ["id", "level", "years"]
    assert row.split("\t")[:3] == ["1", "mid", "4"]


def test_field_prints_one_value_per_row():
    result = run("estimate", "--input", "-", "--input-format", "csv", "--field", "total_comp.high", input=PEOPLE)
    # 338000 * 1.40 = 473200; 371800 * 1.40 = 520520; 260000 * 1.40 = 364000
    assert result.stdout.split() == ["473200", "520520", "364000"]


def test_options_fill_empty_cells_but_not_given_ones():
    result = run("estimate", "--input", "-", "--input-format", "csv", "--city", "nyc", "--field", "base.low",
                 input="years,city\n4,\n4,sf\n")
    # nyc +15%: 180000 * 1.15 = 207000; sf +15%: 207000 too -> compare the high end instead
    assert result.stdout.split() == ["207000", "207000"]
    high = run("estimate", "--input", "-", "--input-format", "csv", "--city", "nyc", "--field", "base.high",
               input="years,city\n4,\n4,sf\n")
    # nyc +25%: 260000 * 1.25 = 325000; sf +30%: 338000
    assert high.stdout.split() == ["325000", "338000"]


def test_a_bad_option_default_is_a_usage_error():
    result = run("estimate", "--input", "-", "--city", "atlantis", input="years\n4\n")
    assert result.exit_code == 2
    assert "--city" in result.stderr and "atlantis" in result.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ("true", True), ("TRUE", True), ("yes", True), ("1", True),
    ("false", False), ("no", False), ("0", False), ("", False)])
def test_csv_booleans(text, expected):
    result = run("estimate", "--input", "-", "--input-format", "csv", "--field", "base.high",
                 input=f"years,full_lifecycle\n4,{text}\n")
    # national mid band high 260000; with lifecycle +10%: 286000
    assert result.stdout.strip() == ("286000" if expected else "260000")


def test_a_bad_row_stops_after_the_rows_before_it():
    result = run("estimate", "--input", "-", "--input-format", "csv", "--field", "base.mid",
                 input="years,city\n4,sf\n5,sff\n6,sf\n")
    assert result.exit_code == 1
    assert result.stdout == "272500\n"
    assert "line 3: unknown city 'sff'. Did you mean 'sf'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_skip_reports_each_bad_row_and_a_summary():
    text = "years,remote_first\n4,no\nold,no\n4,maybe\n4,yes\n"
    result = run("estimate", "--input", "-", "--input-format", "csv", "--on-error", "skip",
                 "--field", "base.mid", input=text)
    assert result.exit_code == 0
    assert result.stdout.split() == ["220000", "220000"]
    err = result.stderr.splitlines()
    assert err[0].startswith("line 3: years of experience must be a number from 0 to 60, got 'old'")
    assert err[1].startswith("line 4: remote_first must be true/false")
    assert err[-1] == "4 rows read, 2 written, 2 skipped"


@pytest.mark.parametrize(("text", "message"), [
    ('{"years": 4}\n{"years": 4\n', "line 2: not valid JSON"),
    ('{"years": 4}\n[4]\n', "line 2: expected a JSON object"),
    ('{"years": 4}\n{"city": "sf"}\n', "line 2: needs years or level"),
    ('{"years": 4}\n{"years": 4, "city": 5}\n', "line 2: city must be text, got 5"),
    ('{"years": 4, "base": 1}\n', "line 1: column 'base' has the name of an output field"),
])
def test_jsonl_problems_name_the_line(text, message):
    result = run("estimate", "--input", "-", "--input-format", "jsonl", "--format", "jsonl", input=text)
    assert result.exit_code == 1
    assert message in result.stderr


def test_csv_row_with_too_many_values_names_its_line():
    result = run("estimate", "--input", "-", "--input-format", "csv", input="years,city\n4,sf\n4,sf,x\n")
    assert result.exit_code == 1
    assert "line 3: 3 values for 2 columns" in result.stderr


def test_csv_line_numbers_count_lines_inside_quoted_cells():
    result = run("estimate", "--input", "-", "--input-format", "csv", "--format", "jsonl",
                 input='note,years\n"two\nlines",4\nx,old\n')
    assert "line 4: years of experience" in result.stderr


def test_json_format_with_input_is_a_usage_error():
    result = run("estimate", "--input", "-", "--format", "json", input="years\n4\n")
    assert result.exit_code == 2 and "jsonl" in result.stderr


def test_missing_input_file_exits_1(tmp_path):
    result = run("estimate", "--input", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1 and "nope.csv: file not found" in result.stderr


def test_a_column_name_close_to_an_input_gets_a_note():
    result = run("estimate", "--input", "-", "--input-format", "csv", "--field", "cty",
                 input="years,cty\n4,sf\n")
    assert result.stdout == "sf\n"
    assert "column 'cty' is carried through unchanged. Did you mean 'city'?" in result.stderr


def test_identical_profiles_are_estimated_once(monkeypatch):
    calls = []
    real = batch.estimate
    monkeypatch.setattr(batch, "estimate", lambda profile, bands: calls.append(profile) or real(profile, bands))
    rows = [(n, {"years": "4", "city": city}, None) for n, city in enumerate(["sf", "SF", "bay-area", "nyc"] * 5)]
    out = list(batch.estimates(rows, BANDS))
    assert len(out) == 20
    assert len(calls) == 2  # sf (three spellings) and nyc


def test_read_rows_reports_line_numbers_for_jsonl():
    rows = list(batch.read_rows(io.StringIO('{"a": 1}\n\nnope\n'), "jsonl"))
    assert rows[0] == (1, {"a": 1}, None)
    assert rows[1][0] == 3 and rows[1][1] is None


def test_stop_raises_with_the_line():
    rows = [(2, {"years": "4"}, None), (3, {"years": "-1"}, None)]
    gen = batch.estimates(rows, BANDS)
    assert next(gen)["level"] == "mid"
    with pytest.raises(MlcompError, match=r"^line 3: years of experience"):
        next(gen)


def _profiles(n: int):
    cities = ["sf", "nyc", "seattle", "national"]
    for i in range(n):
        yield i + 1, {"id": str(i), "years": str(i % 20), "city": cities[i % 4]}, None


def _peak(n: int) -> int:
    sink = io.StringIO()
    tracemalloc.start()
    for record in batch.estimates(_profiles(n), BANDS):
        sink.write(json.dumps(record))
        sink.seek(0)
        sink.truncate()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_stays_flat_as_rows_grow():
    small, large = _peak(1_000), _peak(10_000)
    assert large < small * 1.5 + 64_000


def test_jsonl_lines_are_exactly_json_dumps_of_the_record():
    # The writer splices a cached estimate after each row's own columns; the text must not differ
    # from serializing the whole record, with or without carried columns, in utf-8 or ascii.
    rows = [(1, {"id": "a", "years": "4", "city": "sf"}, None), (2, {"years": "4", "city": "sf"}, None),
            (3, {"name": "Zoë", "n": 3, "years": 4, "city": "SF"}, None), (4, {"level": "staff"}, None)]
    expected = list(batch.estimates(rows, BANDS))
    for ascii in (False, True):
        out = io.StringIO()
        batch.write_jsonl(batch.split_estimates(rows, BANDS), out, ascii=ascii)
        assert out.getvalue().splitlines() == [json.dumps(r, ensure_ascii=ascii) for r in expected]
