"""The batch writes, byte for byte, what a plain reference writes: each row read, its profile
estimated by the library (`mlcomp.estimate`), the record written by the one writer (formats).

Generated files repeat a few hostile cell values over many rows (so that every table, entry and
compiled row is met again and again, and now and then every cache fills and starts again); the
batch and the reference must agree on every byte, on the rows refused and on the counts. Then: the
CLI's rows are the single estimates, and edge cases (bytes that are not UTF-8, JSON types, changing
columns) after rows whose cells were all seen before.
"""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mlcomp import api, batch, formats, review
from mlcomp.bands import Bands, load_bands, overlay, read_toml, shipped_path
from mlcomp.cli import app
from mlcomp.errors import MlcompError

SHIPPED = load_bands()
# Levels out of years order in the file (the fast path cannot bisect), two of them without a typical
# rule, and a lower max_years: laid over the shipped bands.
REORDERED_TOML = """
[experience]
min_years = 0
max_years = 45
assumption = "a test"

[levels.entry]
label = "Entry"
years_from = 1
years_to = 3
low = 130000
high = 180000
source = "a test"

[levels.intern]
label = "Intern"
years_from = 0
years_to = 1
low = 60000
high = 90000
source = "a test"
"""
BANDS = {"shipped": SHIPPED,
         "reordered": Bands.model_validate(overlay(read_toml(shipped_path()), tomllib.loads(REORDERED_TOML)))}


# --- the batch, and the reference ---------------------------------------------------------------

Run = tuple[bytes, int | None, int, list[int]]  # output, the line that stopped it, rows read, lines skipped


def through_batch(text: str, fmt: str, output: str, bands: Bands = SHIPPED, defaults: dict[str, Any] | None = None,
                  skip: bool = True, explain: bool = False) -> Run:
    notes: list[str] = []
    est = batch.Estimator(bands, defaults, output=output, skip=skip, stats=batch.Stats(), report=notes.append,
                          explain=explain)
    out = io.BytesIO()
    stopped = None
    try:
        batch.stream(io.StringIO(text, newline=""), out, est, fmt=fmt, output=output)
    except MlcompError as e:
        stopped = int(e.message.split(":")[0].removeprefix("line "))
    skipped = [int(n.split(":")[0].removeprefix("line ")) for n in notes if n.startswith("line ")]
    assert len(skipped) == est.stats.skipped
    return out.getvalue(), stopped, est.stats.read, skipped


FLAG_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
SAMPLE = api.estimate(level="mid").as_dict()
OUTPUT_NAMES = {"jsonl": {name.casefold() for name in SAMPLE if name not in ("level", "years")},
                "csv": {name.casefold() for name in formats.flatten(SAMPLE) if name not in ("level", "years")}}
REVIEW_NAMES = {"jsonl": {"pay", *review.KEYS}, "csv": set(review.COLUMNS)}  # rows with pay columns: their keys


def field_of(column: str) -> str | None:
    name = column.strip().lower().replace("-", "_").replace(" ", "_")
    return name if name in batch.INPUTS else None


def flag(value: Any) -> bool:
    """A flag's cell as the batch documents it: true/false, yes/no, 1/0, JSON booleans, the numbers 1 and 0."""
    if isinstance(value, bool):
        return value
    if type(value) in (int, float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in FLAG_WORDS:
        return FLAG_WORDS[value.strip().lower()]
    raise ValueError(value)


def columns_problem(names: Iterable[str], output: str, reviewing: bool | None = None) -> str | None:
    """Why rows with these columns cannot be estimated into `output` (CSV and TSV: `reviewing`, whether
    the header has review columns, once known), or None."""
    seen = set()
    names = list(names)
    kind = "jsonl" if output == "jsonl" else "csv"
    pay = any(review.pay_column(name) for name in names)
    for name in names:
        same = field_of(name) or review.pay_column(name) or name.strip().casefold()
        if same in seen:
            return "same column twice"
        seen.add(same)
        folded = name.strip().casefold()
        if field_of(name) is None and review.pay_column(name) is None and (
                folded in OUTPUT_NAMES[kind] or (pay and folded in REVIEW_NAMES[kind])):
            return "an output column's name"
    return "pay columns the header lacks" if pay and reviewing is False and kind == "csv" else None


def review_of(pays: dict[str, Any], estimate: dict[str, Any]) -> dict[str, Any]:
    """A row's review keys: its pay cells read one by one, placed in the estimate's ranges."""
    pay = review.Pay.read(pays)
    return review.empty() if pay is None else review.standing(pay, estimate["base"], estimate["total_comp"]).as_dict()


def single(row: dict[str, Any], bands: Bands, defaults: dict[str, Any], explain: bool) -> dict[str, Any]:
    """The library's estimate of a row's profile (ValueError or MlcompError if it has none)."""
    options: dict[str, Any] = {k: v for k, v in defaults.items() if v is not None and v != ""}
    for column, value in row.items():
        field = field_of(column)
        if field is None or value is None or value == "":
            continue
        if field in ("full_lifecycle", "remote_first"):
            options[field] = flag(value)
        elif field != "years" and not isinstance(value, str):
            raise ValueError(value)
        else:
            options[field] = value
    for name in ("full_lifecycle", "remote_first"):
        options[name] = flag(options.get(name, False))
    return api.estimate(**options, bands=bands).as_dict(explain)


class Reference:
    """Each row read (by the batch's reader), estimated by the library and written by formats."""

    def __init__(self, output: str, bands: Bands, defaults: dict[str, Any], explain: bool) -> None:
        self.output, self.bands, self.defaults, self.explain = output, bands, defaults, explain
        self.header: list[str] | None = None  # CSV: the carried columns of the first row whose columns are good
        self.reviewing: bool | None = None  # CSV: whether that row had pay columns
        self.written = False

    def write(self, row: dict[str, Any] | None, problem: str | None) -> bytes:
        if row is None:
            raise ValueError(problem)
        if any(batch.not_utf8(k) or (isinstance(v, str) and batch.not_utf8(v)) for k, v in row.items()):
            raise ValueError("not UTF-8")
        if columns_problem(row, self.output, self.reviewing):
            raise ValueError("columns")
        pays = {pay: value for k, value in row.items() if (pay := review.pay_column(k))}
        carried = {k: v for k, v in row.items() if field_of(k) not in ("level", "years") and not review.pay_column(k)}
        if self.output == "jsonl":
            estimate = single(row, self.bands, self.defaults, self.explain)
            extra = review_of(pays, estimate) if pays else {}
            return (formats.json_text({**carried, **estimate, **extra}) + "\n").encode()
        self.header = list(carried) if self.header is None else self.header
        if any(name not in self.header for name in carried):
            raise ValueError("a column the header lacks")
        self.reviewing = bool(pays) if self.reviewing is None else self.reviewing
        estimate = single(row, self.bands, self.defaults, self.explain)
        flat = formats.flatten({**estimate, **(review_of(pays, estimate) if self.reviewing else {})})
        text = formats.line([*(carried.get(name, "") for name in self.header), *flat.values()], self.output)
        data = ("" if self.written else formats.line([*self.header, *flat], self.output)) + text
        encoded = data.encode()
        self.written = True
        return encoded


def reference(text: str, fmt: str, output: str, bands: Bands = SHIPPED, defaults: dict[str, Any] | None = None,
              skip: bool = True, explain: bool = False) -> Run:
    writer = Reference(output, bands, defaults or {}, explain)
    out: list[bytes] = []
    skipped: list[int] = []
    read = 0
    try:
        for line, row, problem in batch.read_rows(io.StringIO(text, newline=""), fmt,
                                                  header=lambda names: _header(names, output)):
            read += 1
            try:
                out.append(writer.write(row, problem))
            except (MlcompError, ValueError, UnicodeEncodeError):
                if not skip:
                    return b"".join(out), line, read, skipped
                skipped.append(line)
    except MlcompError as e:
        return b"".join(out), int(e.message.split(":")[0].removeprefix("line ")), read, skipped
    return b"".join(out), None, read, skipped


def _header(names: list[str], output: str) -> None:
    if columns_problem(names, output):
        raise MlcompError("bad header")


def assert_same(text: str, fmt: str, output: str, **options: Any) -> Run:
    """The batch's run equals the reference's (bytes, the line that stopped it, counts); the batch's run."""
    got = through_batch(text, fmt, output, **options)
    expected = reference(text, fmt, output, **options)
    assert got[0] == expected[0], _first_difference(got[0], expected[0])
    assert got[1:] == expected[1:]
    return got


def _first_difference(got: bytes, expected: bytes) -> str:
    for number, (a, b) in enumerate(zip(got.split(b"\n"), expected.split(b"\n"), strict=False), 1):
        if a != b:
            return f"line {number} of the output:\n batch:     {a!r}\n reference: {b!r}"
    return f"the batch wrote {len(got)} bytes, the reference {len(expected)}"


def as_file(rows: list[dict[str, Any] | str], fmt: str, newline: str = "\n") -> str:
    """JSON Lines, or CSV/TSV under a header of the first dict's keys; a str is a raw line."""
    if fmt == "jsonl":
        return "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows)
    out = io.StringIO()
    writer = csv.writer(formats.Lines(out.write, newline), delimiter="\t" if fmt == "tsv" else ",",
                        lineterminator="\r\n")
    writer.writerow(next(list(row) for row in rows if isinstance(row, dict)))
    for row in rows:
        if isinstance(row, str):
            out.write(row + newline)
        else:
            writer.writerow(list(row.values()))
    return out.getvalue()


# --- 1. generated files: many rows, few distinct hostile cells --------------------------------------

# Per profile field: good values (any case, aliases; each can be fast) and odd ones (refused, only in
# the reordered bands, or of a JSON type the Estimator takes, such as JSON true).
YEARS = (st.one_of(st.tuples(st.floats(0, 45), st.integers(0, 3)).map(lambda t: f"{t[0]:.{t[1]}f}"),
                   st.integers(0, 45).map(str),
                   st.sampled_from([" 4 ", "1e1", "-0", "2.999", "3", "6.0", "10", "20", "5.99999999999999999",
                                    "\u0664"])),
         st.sampled_from(["", "4_0", "nan", "-1", "99", "inf", "4,5", "50", "61", "62.5", "4 years"]))
JSON_YEARS = (st.one_of(YEARS[0], st.integers(0, 45), st.floats(0, 45), st.sampled_from([10.0, -0.0, 1e-300])),
              st.one_of(YEARS[1], st.floats(), st.sampled_from([True, False, None, 99, -1, [4], {"y": 4}])))
KEYS = {
    "level": (["", "senior", "Staff", "staff", "sr", "principal", " MID "], ["intern", "boss"]),
    "city": (["", "sf", "SF", "bay-area", "NYC", "new york", "remote", "national", "Seattle"], ["atlantis"]),
    "tier": (["", "faang", "FAANG", "big tech", "ai-startup", "mid_size", "consultancy"], ["garage"]),
    "industry": (["", "tech", "quant", "Quant-Finance", "av", "marketing"], ["farming"]),
    "specialization": (["", "rl", "RL", "distributed", "serving", "generalist", "none"], ["poetry"]),
    "role": (["", "ml", "ML", "swe", "sde"], ["manager"]),
    "ml_focus": (["", "core", "supporting", "Support"], ["side"]),
    "full_lifecycle": (["yes", "no", "true", "false", "1", "0", "", "TRUE", " yes "], ["maybe", "y"]),
    "remote_first": (["yes", "no", "true", "false", "1", "0", ""], ["maybe"]),
}
JSON_ODD = {"flag": [True, False, 1, 0, 2], "key": [True, 5, ["sf"], {"a": 1}]}  # null is an empty cell: good
NAMES = {  # the profile fields, each with the spellings a column may have
    "years": ["years", "Years", " YEARS "], "level": ["level", "Level"], "city": ["city", "CITY"],
    "tier": ["tier"], "industry": ["industry"], "specialization": ["specialization"], "role": ["role", "Role"],
    "ml_focus": ["ml_focus", "ML-Focus"], "full_lifecycle": ["full-lifecycle", "full_lifecycle", "Full Lifecycle"],
    "remote_first": ["remote_first", "remote-first"],
}
CARRIED = ["id", "name", "note", "données %s", 'q"uote', "Base"]  # Base: a pay column, of any text here
PAY = {"base": ["base", "Base ", "BASE"], "bonus": ["bonus"], "equity": ["Equity"], "total_comp": ["total-comp"]}
PAY_CELLS = st.sampled_from(["240000", "240k", "$240,000", "1.2m", "", "", "0", "-5", "€240,000", "2000000000",
                             "lots", "180000", "900000"])
JSON_PAY = st.one_of(PAY_CELLS, st.sampled_from([250000, 0, -1, 1.5e9, 240000.5, None, True, [1]]))
HOSTILE = st.sampled_from(["", "Zoë", "李雷", '5% "raise", maybe', "line\nbreak", "a\r\nb", "%s %d %%", "\t", " ",
                           "nan", "4", "=1+1", "\u2028", "😀"])
TEXT = st.one_of(HOSTILE, HOSTILE, st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))
JSON_CELL = st.one_of(TEXT, st.integers(), st.floats(), st.booleans(), st.none(),
                      st.lists(st.integers(-9, 9), max_size=2), st.dictionaries(TEXT, st.integers(), max_size=2))
DEFAULTS = st.sampled_from([{}, {}, {"city": "nyc"}, {"level": "staff"}, {"years": "4"}, {"city": "national"},
                            {"tier": "faang", "full_lifecycle": True}, {"remote_first": True, "role": "swe"},
                            {"industry": "quant", "specialization": "rl", "ml_focus": "core"}])


def cells(field: str | None, json_cells: bool, clean: bool) -> st.SearchStrategy[Any]:
    """The values a column may hold: a carried one (field None) anything; a profile field's, its good
    values if `clean`, else mostly good ones and some odd ones."""
    if field is None:
        return JSON_CELL if json_cells else TEXT
    if field == "years":
        good, odd = JSON_YEARS if json_cells else YEARS
    else:
        good_values, odd_values = KEYS[field]
        odd_json = JSON_ODD["flag" if field in ("full_lifecycle", "remote_first") else "key"]
        good = st.sampled_from(good_values + [None] * json_cells)
        odd = st.sampled_from(odd_values + odd_json * json_cells)
    return good if clean else st.one_of(good, good, odd)


def bad_lines(fmt: str, width: int) -> st.SearchStrategy[str]:
    """Lines that are no good row: not UTF-8 (a surrogate, as open_input decodes the byte), not a
    record or object, the wrong number of cells, a stray quote, an unclosed quote (which ends the run)."""
    if fmt == "jsonl":
        return st.sampled_from(["{not json", "[1, 2]", '"text"', "null", "", "   ", '["years", "city"]', "4",
                                '{"years": 4, "city": 5}', '{"years": 4, "YEARS": 5}', '{"years": 4, "base": 1}',
                                '{"years": 4, "name": "caf\udcff"}', '{"years": "4\udcff"}', "{\"years\": 4}\udcff",
                                '{"years": 4, "id": [1, {"a": "\udcfe"}]}', '{"city": "sf"}'])
    sep = "\t" if fmt == "tsv" else ","
    return st.sampled_from([sep.join(["x"] * (width + 1)), sep.join(['a"b', *["4"] * (width - 1)]),
                            sep.join(["caf\udcff", *["4"] * (width - 1)]), sep.join(["4\udcff"] * width), "  ",
                            "x", sep.join(["4"] * width) + sep + '"never closed'])


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str]:
    """(format, file text): up to 600 rows (runs of up to 40 of one shape), each cell from a pool of 1
    to 3 values per column; JSON Lines rows may drop or reorder columns; now and then a bad line.
    Half the files have only good profile values, so that most of their rows take the fast path."""
    fmt = draw(st.sampled_from(["csv", "tsv", "jsonl"]))
    json_cells, clean = fmt == "jsonl", draw(st.booleans())
    inputs = draw(st.lists(st.sampled_from([f for f in NAMES if f != "years"]), unique=True, max_size=5))
    fields = (["years"] if draw(st.integers(0, 9)) else []) + inputs
    carried = draw(st.lists(st.sampled_from(CARRIED[:-1] if draw(st.integers(0, 19)) else CARRIED),
                            unique=True, min_size=draw(st.integers(0, 3)) > 0, max_size=3))
    columns = {draw(st.sampled_from(NAMES[f])): cells(f, json_cells, clean) for f in fields}
    columns.update({name: cells(None, json_cells, clean) for name in carried})
    for pay in draw(st.lists(st.sampled_from(list(PAY)), unique=True, max_size=3)):  # a pay review's columns
        columns[draw(st.sampled_from(PAY[pay]))] = JSON_PAY if json_cells else PAY_CELLS
    columns = {name: columns[name] for name in draw(st.permutations(list(columns)))}
    pools = {name: draw(st.lists(values, min_size=1, max_size=3)) for name, values in columns.items()}
    shapes = []
    for _ in range(draw(st.integers(1, 6))):
        shape = {name: draw(st.sampled_from(pool)) for name, pool in pools.items()}
        if json_cells and draw(st.integers(0, 3)) == 0:  # another column set: one left out, or reordered
            names = draw(st.permutations(list(shape)))
            shape = {name: shape[name] for name in names[:len(names) - draw(st.integers(0, 1))]}
        shapes.append(shape)
    runs = draw(st.lists(st.tuples(st.integers(0, len(shapes) - 1), st.integers(1, 40)), min_size=1, max_size=15))
    rows: list[dict[str, Any] | str] = [shapes[i] for i, repeat in runs for _ in range(repeat)]
    for at, line in draw(st.lists(st.tuples(st.integers(0, len(rows)), bad_lines(fmt, len(columns))), max_size=3)):
        rows.insert(at, line)
    return fmt, as_file(rows, fmt, draw(st.sampled_from(["\n", "\r\n"])))


# as many examples as the profile asks for (each takes a few ms); no explain phase, which takes seconds
@settings(deadline=None, phases=[phase for phase in Phase if phase is not Phase.explain])
@given(files(), DEFAULTS, st.integers(0, 9).map(bool), st.sampled_from(["shipped"] * 4 + ["reordered"]),
       st.integers(0, 3).map(lambda n: n == 0), st.integers(0, 4).map(lambda n: n == 0))
@example(("jsonl", '{"years": "0", "id": Infinity}\n'), {}, False, "shipped", True, True)
@example(("jsonl", '{"years": 4, "base": 1}\n{}\n'), {}, False, "shipped", True, True)
def test_the_batch_writes_the_references_bytes(file, defaults, skip, bands, tiny_caches, explain):
    """Skip or stop mode, shipped or reordered bands, and now and then caches of 2 or 3 entries, so
    that every cache fills and starts again while the rows stream."""
    fmt, text = file
    with pytest.MonkeyPatch.context() as patch:
        if tiny_caches:
            for name, size in (("CACHE_SIZE", 3), ("ENTRIES", 2)):
                patch.setattr(batch, name, size)
        for output in ("jsonl", "csv", "tsv"):
            assert_same(text, fmt, output, bands=BANDS[bands], defaults=defaults, skip=skip, explain=explain)


# --- 3. through the command line: each row is its single estimate ------------------------------------

PROFILE = {"years": lambda r: f"{r.uniform(0, 30):.{r.randint(0, 3)}f}",
           "city": lambda r: r.choice(["", "sf", "SF", "bay-area", "NYC", "remote", "Seattle"]),
           "tier": lambda r: r.choice(["", "faang", "AI-Startup", "consulting"]),
           "industry": lambda r: r.choice(["", "quant", "tech"]),
           "specialization": lambda r: r.choice(["", "rl", "serving"]),
           "role": lambda r: r.choice(["", "ml", "SWE"]),
           "level": lambda r: r.choice(["", "", "", "", "staff", "Sr"]),
           "full-lifecycle": lambda r: r.choice(["", "yes", "no", "TRUE"]),
           "remote_first": lambda r: r.choice(["", "no", "1"])}


def people(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [{"id": f"p{i}", "name": rng.choice(["Zoë", "李雷", 'Ann "A", 5%', "Bo\tB"]),
             **{column: make(rng) for column, make in PROFILE.items()}} for i in range(n)]


def alone(row: dict[str, str]) -> dict[str, Any]:
    """The row's carried columns, then `mlcomp.api.estimate` for its profile (as the batch writes it)."""
    flags = {"full-lifecycle": "full_lifecycle", "remote_first": "remote_first"}
    options: dict[str, Any] = {flags.get(k, k): (v.lower() in ("yes", "true", "1")) if k in flags else v or None
                               for k, v in row.items() if k in PROFILE}
    carried = {k: v for k, v in row.items() if k not in ("years", "level")}
    return {**carried, **api.estimate(**options).as_dict()}


@pytest.mark.parametrize("output", ["jsonl", "csv"])
def test_each_cli_row_is_the_single_estimate_of_its_profile(tmp_path, output):
    rows = people(500, seed=len(output))
    path = tmp_path / "people.csv"
    path.write_text(as_file(rows, "csv"), encoding="utf-8")
    result = CliRunner().invoke(app, ["estimate", "--input", str(path), "-f", output])
    assert result.exit_code == 0, result.stderr
    if output == "jsonl":
        lines = result.stdout.split("\n")[:-1]
        assert len(lines) == len(rows)
        for i in random.Random(1).sample(range(len(rows)), 20):
            assert lines[i] == json.dumps(alone(rows[i]), ensure_ascii=False), rows[i]
    else:
        header, *records = csv.reader(io.StringIO(result.stdout))
        assert len(records) == len(rows)
        for i in random.Random(1).sample(range(len(rows)), 20):
            expected = formats.flatten(alone(rows[i]))
            assert header == list(expected)
            assert records[i] == next(csv.reader([formats.line(expected.values(), "csv")])), rows[i]


def test_a_subprocess_run_gives_each_rows_json_estimate(tmp_path):
    rows = people(500, seed=3)
    path = tmp_path / "people.jsonl"
    path.write_text(as_file(rows, "jsonl"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mlcomp", "estimate", "--input", str(path), "-f", "jsonl"],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    lines = done.stdout.decode("utf-8").split("\n")[:-1]
    assert len(lines) == len(rows)
    for i in random.Random(2).sample(range(len(rows)), 20):
        row = rows[i]
        args = ["estimate", "--format", "json"]
        for column, value in row.items():
            if column in ("id", "name") or value == "":
                continue
            if column in ("full-lifecycle", "remote_first"):
                args += ["--" + column.replace("_", "-")] if value.lower() in ("yes", "true", "1") else []
            else:
                args += ["--" + column, value]
        alone = CliRunner().invoke(app, args)
        assert alone.exit_code == 0, alone.stderr
        record = json.loads(lines[i])
        carried = {k: v for k, v in row.items() if k not in ("years", "level")}
        assert list(record.items()) == [*carried.items(), *json.loads(alone.stdout).items()], row


# --- 4. edge cases after rows whose cells were all seen before --------------------------------------


def notes(text: str, fmt: str, output: str, **options: Any) -> tuple[bytes, list[str], batch.Stats]:
    """The batch's output, its notes and skipped rows (as reported), and its counts."""
    said: list[str] = []
    est = batch.Estimator(SHIPPED, output=output, skip=True, report=said.append, **options)
    out = io.BytesIO()
    batch.stream(io.StringIO(text, newline=""), out, est, fmt=fmt, output=output)
    return out.getvalue(), said, est.stats


def lines_of(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")[:-1]


@pytest.mark.parametrize("output", ["jsonl", "csv", "tsv"])
@pytest.mark.parametrize(("fmt", "bad"), [("csv", "Zo\udcff"), ("jsonl", "Zo\udcff"), ("jsonl", ["Zo\udcff"]),
                                          ("jsonl", {"Zo\udcff": 1})],
                         ids=["csv", "jsonl", "jsonl-list", "jsonl-object"])
def test_bytes_that_are_not_utf8_after_identical_good_rows_are_reported(fmt, bad, output):
    """A byte 0xff in a carried cell (also inside a JSON list or object), after rows that differ only there."""
    good = {"id": "1", "name": "Zoë", "years": "4", "city": "sf"}
    text = as_file([good] * 5 + [{**good, "name": bad}] + [good] * 2, fmt)
    assert_same(text, fmt, output)
    out, said, stats = notes(text, fmt, output)
    line = 6 + (fmt == "csv")
    assert (stats.read, stats.skipped) == (8, 1)
    assert said == [f"line {line}: not UTF-8 text (byte 0xff)"]
    assert len(lines_of(out)) == 7 + (output != "jsonl")


@pytest.mark.parametrize("cell", ["a\nb", "a\r\nb", "a\rb"])
@pytest.mark.parametrize(("fmt", "output"), [("csv", "csv"), ("csv", "tsv"), ("jsonl", "csv")])
def test_a_carried_cell_with_a_line_break_is_quoted_on_every_row(fmt, output, cell):
    """Read back, the output gives the cell unchanged on every row (the writer quotes \r and \n by
    itself only from Python 3.13; before, only the characters of its line terminator)."""
    text = as_file([{"note": cell, "years": "4"}] * 3, fmt)
    out, *_ = assert_same(text, fmt, output)
    table = csv.reader(io.StringIO(out.decode(), newline=""), delimiter="\t" if output == "tsv" else ",")
    assert [record[0] for record in table] == ["note", cell, cell, cell]


def test_json_true_years_after_years_one_is_still_refused():
    text = as_file([{"years": 1}] * 4 + [{"years": True}, {"years": 1.0}, {"years": "1"}], "jsonl")
    for output in ("jsonl", "csv"):
        assert_same(text, "jsonl", output)
        _, said, stats = notes(text, "jsonl", output)
        assert (stats.read, stats.skipped) == (7, 1)
        assert said == ["line 5: years of experience must be a number from 0 to 60, got True"]
    stopped = assert_same(text, "jsonl", "jsonl", skip=False)
    assert stopped[1] == 5 and len(lines_of(stopped[0])) == 4


def test_flags_read_json_true_1_and_1_0_alike_whatever_came_first():
    """JSON does not tell 1 from 1.0, and a dict does not tell them from true: a flag reads all three as
    true, and 0, 0.0 and false as false, in any order (a row's result never depends on the rows before)."""
    for values in ([True, 1, 1.0], [1.0, 1, True], [1, True, 1.0]):
        text = as_file([{"years": 4, "remote_first": v} for v in values], "jsonl")
        out, said, _ = notes(text, "jsonl", "jsonl")
        assert said == []
        assert [json.loads(line)["adjustments"][0]["key"] for line in lines_of(out)] == ["remote-first"] * 3
    text = as_file([{"years": 4, "remote_first": v} for v in (0.0, False, 0, 2, 0.5)], "jsonl")
    out, said, _ = notes(text, "jsonl", "jsonl")
    assert [json.loads(line)["adjustments"] for line in lines_of(out)] == [[], [], []]
    assert [n.split(":")[0] for n in said] == ["line 4", "line 5"]


def test_ids_of_another_json_type_after_int_ids():
    rows = [{"id": i, "years": 4} for i in range(4)] + [{"id": v, "years": 4} for v in ("5", 5.5, None, [5], True)]
    text = as_file(rows, "jsonl")
    out, *_ = assert_same(text, "jsonl", "jsonl")
    assert [json.loads(line)["id"] for line in lines_of(out)] == [0, 1, 2, 3, "5", 5.5, None, [5], True]
    for line, row in zip(lines_of(out), rows, strict=True):
        assert line.startswith(f'{{"id": {json.dumps(row["id"])}, "level": "mid", "years": 4, ')
    csv_out, *_ = assert_same(text, "jsonl", "csv")
    assert [r[0] for r in csv.reader(io.StringIO(csv_out.decode()))] == ["id", "0", "1", "2", "3", "5", "5.5", "",
                                                                          "[5]", "true"]


def test_json_lines_whose_columns_change_from_row_to_row():
    a = {"id": 1, "years": 4, "city": "sf"}
    rows = [a, a, {"city": "sf", "years": 4, "id": 1}, a, {"years": 4, "id": 1}, {"years": 4}, {"Years": 4, "x": "%s"},
            a, {"years": 4, "city": "sf", "id": 1, "tier": "faang"}, {"id": 1, "years": 4, "city": "sf", "CITY": "x"}]
    out, *_ = assert_same(as_file(rows, "jsonl"), "jsonl", "jsonl")
    _, said, stats = notes(as_file(rows, "jsonl"), "jsonl", "jsonl")
    assert (stats.read, stats.skipped) == (10, 1) and said[0].startswith("line 10: columns 'city' and 'CITY'")
    records = [json.loads(line) for line in lines_of(out)]
    assert [list(r)[:list(r).index("level")] for r in records] == [
        ["id", "city"], ["id", "city"], ["city", "id"], ["id", "city"], ["id"], [], ["x"], ["id", "city"],
        ["city", "id", "tier"]]


def test_csv_output_from_json_lines_where_a_later_row_lacks_or_adds_a_column():
    a = {"id": 1, "name": "Zoë", "years": 4}
    rows = [a, a, {"id": 2, "years": 4}, a, {"years": 4, "name": "Bo", "id": 3}, {**a, "extra": 1}, {"years": 4}, a]
    for output in ("csv", "tsv"):
        out, *_ = assert_same(as_file(rows, "jsonl"), "jsonl", output)
        _, said, stats = notes(as_file(rows, "jsonl"), "jsonl", output)
        assert (stats.read, stats.skipped) == (8, 1) and said[0].startswith("line 6: column 'extra' is not among")
        table = list(csv.reader(io.StringIO(out.decode()), delimiter="\t" if output == "tsv" else ","))
        assert [r[:2] for r in table] == [["id", "name"], ["1", "Zoë"], ["1", "Zoë"], ["2", ""], ["1", "Zoë"],
                                          ["3", "Bo"], ["", ""], ["1", "Zoë"]]
        assert {len(r) for r in table} == {len(table[0])}


@pytest.mark.parametrize("output", ["jsonl", "csv"])
def test_its_own_output_read_back_replaces_the_previous_estimate(output):
    text = as_file([{"id": 1, "years": "4", "city": "sf"}] * 3 + [{"id": 2, "years": "7", "city": ""}] * 3, "csv")
    first = assert_same(text, "csv", output)[0].decode()
    again, said, _ = notes(first, output, output)
    assert again.decode() == first and len(said) == 1 and "hold a previous estimate" in said[0]


def test_a_json_escaped_lone_surrogate_in_a_carried_cell_is_a_bad_row_not_a_crash():
    """The line is ASCII (the JSON escape \\udcff), so it passes the reader's UTF-8 check; its value is
    no text that UTF-8 can encode. The row must be reported, never raise."""
    text = '{"years": 4, "name": "ok"}\n{"years": 4, "name": "\\udcff"}\n{"years": 4, "name": "ok"}\n'
    for output in ("jsonl", "csv"):
        assert_same(text, "jsonl", output)
        out, said, stats = notes(text, "jsonl", output)
        out.decode("utf-8")
        assert (stats.read, stats.skipped) == (3, 1)
        assert said == ["line 2: \\udcff is half of a character (a lone surrogate), which UTF-8 cannot write; "
                        "remove it"]


def test_json_lines_with_spaces_around_or_after_the_object_read_as_json_loads_reads_them():
    """A line is read with the JSON scanner alone when it is one object and no more; any other line must
    read as json.loads reads it."""
    good = '{"id": "1", "years": "4", "city": "sf"}'
    lines = [good] * 3 + [f"  {good}", f"{good}  ", f"{good}\t", f"{good}\r", f"{good} {{}}", f"{good}x",
                          "\ufeff" + good, f"{good}" + "\u00a0", good]
    text = "\n".join(lines) + "\r\n"
    for output in ("jsonl", "csv"):
        out, *_ = assert_same(text, "jsonl", output)
        _, said, stats = notes(text, "jsonl", output)
        assert [note.split(":")[0] for note in said] == ["line 8", "line 9", "line 10", "line 11"]
        assert (stats.read, stats.skipped) == (12, 4)
        assert len(lines_of(out)) == 8 + (output == "csv")  # and a header


def test_escaped_letters_and_pairs_are_text_and_an_escaped_half_character_is_reported():
    # json.dumps writes "Zoë" as "Zo\u00eb" by default; an escape for half a character is refused however
    # it is written (\udcff, \uDCFF); a pair is one character.
    good = '{"id": "Zo\\u00eb", "years": "4", "city": "sf"}'
    lines = [good] * 40 + ['{"id": "\\uDCFF", "years": "4", "city": "sf"}', '{"id": "\\ud83d\\ude00", "years": "4"}']
    out, said, stats = notes("\n".join(lines) + "\n", "jsonl", "csv")
    assert said == ["line 41: \\udcff is half of a character (a lone surrogate), which UTF-8 cannot write; "
                    "remove it"]
    assert (stats.read, stats.skipped) == (42, 1)
    assert lines_of(out)[1].startswith("Zoë,") and lines_of(out)[-1].startswith("😀,")
