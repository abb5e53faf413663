"""Batch mode loses nothing: generated inputs mixing good and bad rows, through the CLI.

With `--on-error skip` every input row yields exactly one output line or one 'line N: ...' on stderr,
at the right line, and the summary adds up (read = written + skipped). With the default (stop), the
output holds exactly the rows before the first bad one. Arbitrary bytes on stdin end with exit 0, 1
or 2 and no traceback.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

from hypothesis import example, given, settings
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
    return [str(json.loads(line)["id"]) for line in stdout.split("\n")[:-1]]


@fewer()
@given(st.sampled_from(["csv", "jsonl"]).flatmap(lambda fmt: st.tuples(st.just(fmt), batches(fmt))))
def test_skip_mode_every_row_is_written_or_reported_at_its_line(case):
    fmt, (data, rows) = case
    result = CliRunner().invoke(app, ["estimate", "--input", "-", "--input-format", fmt, "--format", "jsonl",
                                      "--on-error", "skip"], input=data)
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    errors = result.stderr.split("\n")[:-1]
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
        errors = result.stderr.split("\n")[:-1]
        summary = SUMMARY.match(errors[-1])
        assert summary, result.stderr
        read, written, skipped = map(int, summary.groups())
        assert read == written + skipped
        assert skipped == sum(1 for e in errors if re.match(r"^line \d+: ", e))
        if fmt == "jsonl":
            assert len(result.stdout.split("\n")[:-1]) == written


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


# --- for any file: every row accounted for, each written row the single estimate, cells unchanged ----

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12)
FIELDS = {  # profile columns with good, aliased and bad values; "" is an empty cell
    "years": st.one_of(st.floats(0, 30).map(lambda y: f"{y:.3f}"), st.integers(0, 60).map(str),
                       st.sampled_from(["", "abc", "99", "-1", "4.5"])),
    "level": st.sampled_from(["", "", "", "senior", "Staff", "boss"]),
    "city": st.sampled_from(["", "sf", "SF", "bay-area", "nyc", "remote", "national", "atlantis"]),
    "tier": st.sampled_from(["", "faang", "ai-startup", "mid-size", "consultancy"]),
    "industry": st.sampled_from(["", "tech", "quant-finance"]),
    "full-lifecycle": st.sampled_from(["", "yes", "no", "TRUE", "0", "maybe"]),
    "remote_first": st.sampled_from(["", "no", "yes"]),
    "role": st.sampled_from(["", "ml", "swe"]),
}
# In JSON Lines a cell may also be a number, a boolean or null (true is not 1: both are tried)
JSON_VALUE = {"years": st.one_of(FIELDS["years"], st.integers(0, 60), st.floats(0, 60), st.just(True)),
              "full-lifecycle": st.one_of(FIELDS["full-lifecycle"], st.booleans(), st.sampled_from([1, 0, None])),
              "remote_first": st.one_of(FIELDS["remote_first"], st.booleans(), st.just(1))}


@st.composite
def files(draw: st.DrawFn) -> tuple[str, list[dict]]:
    fmt = draw(st.sampled_from(["csv", "jsonl"]))
    columns = ["id", "name", *draw(st.lists(st.sampled_from(list(FIELDS)), unique=True, min_size=1))]
    rows = []
    for i in range(draw(st.integers(1, 6))):
        row = {"id": f"r{i}", "name": draw(TEXT)}
        for column in columns[2:]:
            strategy = JSON_VALUE.get(column, FIELDS[column]) if fmt == "jsonl" else FIELDS[column]
            row[column] = draw(strategy)
        rows.append(row)
    return fmt, rows


def as_text(fmt: str, rows: list[dict]) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(rows[0]))
    writer.writerows([list(row.values()) for row in rows])
    return out.getvalue()


def single(row: dict, fmt: str) -> str | None:
    """The row's estimate by `mlcomp estimate` with options, as the batch writes it (None: refused)."""
    args = ["estimate", "-f", "jsonl" if fmt == "jsonl" else "csv"]
    for column, value in row.items():
        if column in ("id", "name") or value is None or value == "":
            continue
        if column in ("full-lifecycle", "remote_first"):
            flag = value if isinstance(value, bool) else {"yes": True, "true": True, "1": True, "no": False,
                                                          "false": False, "0": False}.get(str(value).lower())
            if flag is None:
                return None
            if flag:
                args.append("--" + column.replace("_", "-"))
        elif isinstance(value, bool):
            return None
        else:
            args += ["--" + column, str(value)]
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        return None
    return result.stdout if fmt == "jsonl" else result.stdout.split("\n")[:-1][1]


def written(fmt: str, stdout: str) -> dict[str, tuple[list[str], str]]:
    """id -> (the row's own cells as written, the estimate part as text)."""
    out = {}
    if fmt == "jsonl":
        for line in stdout.split("\n")[:-1]:
            record = json.loads(line)
            keys = list(record)
            own = keys[:keys.index("level")]
            out[record["id"]] = ([json.dumps(record[k], ensure_ascii=False) for k in own],
                                 json.dumps({k: record[k] for k in keys[len(own):]}, ensure_ascii=False) + "\n")
    else:
        lines = list(csv.reader(io.StringIO(stdout)))
        if lines:
            at = lines[0].index("level")
            for cells in lines[1:]:
                out[cells[0]] = (cells[:at], ",".join(cells[at:]))
    return out


@fewer(2)
@given(files(), st.randoms(use_true_random=False))
@example(("jsonl", [{"id": "r0", "name": "\x85", "years": "4"}, {"id": "r1", "name": "\u2028", "years": 0}]),
         random.Random(0))
@example(("csv", [{"id": "r0", "name": "\x85", "years": "4"}, {"id": "r1", "name": "\u2029", "years": "7"}]),
         random.Random(0))
def test_every_row_is_written_as_its_single_estimate_or_reported(case, rng):
    fmt, rows = case
    args = ["estimate", "--input", "-", "--input-format", fmt, "-f", fmt, "--on-error", "skip"]
    result = CliRunner().invoke(app, args, input=as_text(fmt, rows))
    assert result.exit_code == 0, result.stderr
    errors = result.stderr.split("\n")[:-1]
    read, wrote, skipped = map(int, SUMMARY.match(errors[-1]).groups())  # type: ignore[union-attr]
    out = written(fmt, result.stdout)
    assert read == len(rows) == wrote + skipped and wrote == len(out)
    assert skipped == sum(1 for e in errors if re.match(r"^line \d+: ", e))
    for row in rows:
        expected = single(row, fmt)
        if row["id"] not in out:
            assert expected is None, (row, errors)
            continue
        own, estimate = out[row["id"]]
        # every input cell but level and years (which the estimate writes) comes out unchanged
        kept = [v for k, v in row.items() if k not in ("level", "years")]
        assert own == ([json.dumps(v, ensure_ascii=False) for v in kept] if fmt == "jsonl" else kept)
        if fmt == "csv":  # csv.reader on one line of single output, to compare cells not quoting
            expected = ",".join(next(csv.reader([expected])))  # type: ignore[list-item]
        assert estimate == expected, row
    # shuffling the rows only shuffles the output: each row's output line does not change
    shuffled = rows[:]
    rng.shuffle(shuffled)
    again = CliRunner().invoke(app, args, input=as_text(fmt, shuffled))
    assert written(fmt, again.stdout) == out
    assert sorted(again.stdout.split("\n")[:-1][fmt == "csv":]) == sorted(result.stdout.split("\n")[:-1][fmt == "csv":])
