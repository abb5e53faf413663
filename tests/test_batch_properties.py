"""Batch mode loses nothing: generated inputs mixing good and bad rows, through the CLI.

With `--on-error skip` every input row yields exactly one output line or one 'line N: ...' on stderr,
at the right line, and the summary adds up (read = written + skipped). With the default (stop), the
output holds exactly the rows before the first bad one. Arbitrary bytes on stdin end with exit 0, 1
or 2 and no traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp.cli import app

ACME = str(Path(__file__).resolve().parents[1] / "examples" / "acme.toml")
SUMMARY = re.compile(r"^(\d+) rows? read, (\d+) written, (\d+) skipped$")


def fewer(divisor: int = 4) -> settings:
    """A fraction of the active profile's examples: every example runs the CLI."""
    return settings(max_examples=max(5, settings().max_examples // divisor))


# A row is (kind, bytes of its line); kind "good", "bad" or "blank" (a blank line is no row).
GOOD_CSV = st.one_of(st.integers(0, 60).map(lambda y: f"{y},sf"), st.sampled_from(["2,", "7,nyc", "0,NYC"]),
                     st.sampled_from(["4.5,Seattle", "60,remote"]))
BAD_CSV = st.sampled_from(["abc,sf", "99,sf", "-1,", "nan,", "4,sfo2", "4", "4,sf,extra", '4,"s\nf"',
                           "4,s\xff"])
GOOD_JSON = st.one_of(st.integers(0, 60).map(lambda y: json.dumps({"years": y})),
                      st.sampled_from(['{"level": "staff"}', '{"years": "4", "city": "NYC"}',
                                       '{"years": 4.5, "remote_first": true}']))
BAD_JSON = st.sampled_from(['{"years": 99}', '{"years": "abc"}', "{not json", "[1, 2]", '"text"',
                            '{"city": "sf"}', '{"years": 4, "city": 5}', '{"years": [4]}',
                            '{"years": 4, "city": "s\xff"}', '{"years": 4, "full_lifecycle": "maybe"}'])


def encode(line: str) -> bytes:
    """UTF-8, except that U+00FF stands for a raw 0xff byte: a line that is not UTF-8."""
    return line.encode("utf-8").replace("\xff".encode(), b"\xff")


@st.composite
def batches(draw: st.DrawFn, fmt: str) -> tuple[bytes, list[tuple[int, str]]]:
    """(input bytes, [(line number, 'good' or 'bad') per row]) with an id column as the first value."""
    good, bad = (GOOD_CSV, BAD_CSV) if fmt == "csv" else (GOOD_JSON, BAD_JSON)
    kinds = draw(st.lists(st.sampled_from(["good", "good", "bad", "blank"]), max_size=12))
    lines = ["id,years,city"] if fmt == "csv" else []
    rows = []
    for i, kind in enumerate(kinds):
        line = sum(text.count("\n") + 1 for text in lines) + 1  # a quoted cell may hold a newline
        if kind == "blank":
            lines.append("")
            continue
        text = draw(good if kind == "good" else bad)
        if fmt == "csv":
            text = f"{i},{text}"
        elif text.startswith("{") and text.endswith("}") and text != "{not json":
            text = f'{{"id": {i}, {text[1:]}' if text != "{}" else f'{{"id": {i}}}'
        lines.append(text)
        rows.append((line, kind, i))
    return b"".join(encode(line) + b"\n" for line in lines), rows


def ids(stdout: str) -> list[str]:
    return [str(json.loads(line)["id"]) for line in stdout.splitlines()]


@fewer()
@given(st.sampled_from(["csv", "jsonl"]).flatmap(lambda fmt: st.tuples(st.just(fmt), batches(fmt))))
def test_skip_mode_every_row_is_written_or_reported_at_its_line(case):
    fmt, (data, rows) = case
    result = CliRunner().invoke(app, ["estimate", "--input", "-", "--input-format", fmt, "--format", "jsonl",
                                      "--on-error", "skip"], input=data)
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    errors = result.stderr.splitlines()
    summary = SUMMARY.match(errors.pop())
    assert summary, result.stderr
    read, written, skipped = map(int, summary.groups())
    assert read == written + skipped == len(rows)
    written_ids = ids(result.stdout)
    # a bad row that still parsed as JSON may carry its id; only the good ones are written
    assert written_ids == [str(i) for _, kind, i in rows if kind == "good"], (data, result.stdout)
    assert len(written_ids) == written
    reported = [int(re.match(r"^line (\d+): ", e).group(1)) for e in errors]  # type: ignore[union-attr]
    assert reported == [line for line, kind, _ in rows if kind == "bad"], (data, errors)
    assert skipped == len(reported)


@fewer()
@given(st.sampled_from(["csv", "jsonl"]).flatmap(lambda fmt: st.tuples(st.just(fmt), batches(fmt))))
def test_stop_mode_writes_exactly_the_rows_before_the_first_bad_one(case):
    fmt, (data, rows) = case
    result = CliRunner().invoke(app, ["estimate", "--input", "-", "--input-format", fmt, "--format", "jsonl"],
                                input=data)
    first_bad = next(((line, i) for line, kind, i in rows if kind == "bad"), None)
    before = [str(i) for _, kind, i in rows if kind == "good" and (first_bad is None or i < first_bad[1])]
    assert ids(result.stdout) == before, (data, result.stdout)
    if first_bad is None:
        assert result.exit_code == 0 and result.stderr == "", result.stderr
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: line {first_bad[0]}: "), (data, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr


def assert_clean(result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@fewer()
@given(st.binary(max_size=300), st.sampled_from(["jsonl", "csv", "table"]))
def test_any_bytes_through_batch_skip_mode_are_counted(data, fmt):
    result = CliRunner().invoke(app, ["estimate", "--input", "-", "-f", fmt, "--on-error", "skip"], input=data)
    assert_clean(result)
    if result.exit_code == 0:
        errors = result.stderr.splitlines()
        summary = SUMMARY.match(errors[-1])
        assert summary, result.stderr
        read, written, skipped = map(int, summary.groups())
        assert read == written + skipped
        assert skipped == sum(1 for e in errors if re.match(r"^line \d+: ", e))
        if fmt == "jsonl":
            assert len(result.stdout.splitlines()) == written


@fewer()
@given(st.binary(max_size=200), st.sampled_from([[], ["--on-error", "skip"], ["--input-format", "jsonl"]]))
def test_any_bytes_on_stdin_for_estimate_input_end_cleanly(data, options):
    assert_clean(CliRunner().invoke(app, ["estimate", "--input", "-", *options], input=data))


@fewer()
@given(st.one_of(st.binary(max_size=200),
                 st.text(max_size=80).map(lambda t: ("base = 1\n" + t).encode("utf-8", "surrogatepass")),
                 st.text(max_size=80).map(lambda t: ('{"base": 1, ' + t).encode("utf-8", "surrogatepass"))),
       st.sampled_from([["-", "name=x,base=1"], [ACME, "-", "-f", "json"]]))
def test_any_bytes_on_stdin_for_compare_end_cleanly(data, args):
    assert_clean(CliRunner().invoke(app, ["compare", *args], input=data))
