"""Every table and chart fits the terminal: each command, and each option that changes what is drawn,
at 40, 60, 80 and 120 columns. No line is wider than the terminal, no number or word is split across
lines (every word printed is one the 200-column layout prints too), nothing is cut with '…', and a
chart's legend keeps each item whole.

The commands are walked from the app itself, and so are their options: a new command needs its
arguments in ARGS, a new option a place in DRAWS or ELSE, or these tests fail and say so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.main import get_command
from typer.testing import CliRunner

from mlcomp.cli import COMMANDS, app
from mlcomp.fields import FIELDS, shipped

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (40, 60, 80, 120)
WIDE = 200
BIGCO, STARTUP = str(ROOT / "examples/bigco.toml"), str(ROOT / "examples/startup.json")
PEOPLE = "id,years,city,tier\nalice,4,sf,faang\nbob,7,nyc,\ncarol-with-a-long-name,12,seattle,mid-size\n"

# What each command needs to run (a new command fails test_every_command_is_walked until it is here).
ARGS: dict[str, list[str]] = {
    "estimate": ["--years", "4", "--city", "sf"],
    "curve": ["--city", "sf"],
    "compare": [BIGCO, STARTUP, "--years", "4", "--city", "sf"],
    "bands": [],
    "factors": [],
    "review": [str(ROOT / "examples/team.csv")],
    "config": ["show"],
    "new": ["offer"],
    "help": ["estimate"],
}
# Commands that draw no table: a file's text (mlcomp new offer) and help (test_help checks it at 40-80).
TEXT = {"new", "help"}
# Options that change what a table or chart shows, with the values to try ({people}: a CSV file).
DRAWS: dict[str, list[str]] = {
    "--chart": [], "--explain": [], "--after-tax": [], "--growth": ["-20%,0,20%"], "--leave-after": ["18m"],
    "--input": ["{people}"], "--from": ["2"], "--to": ["12"], "--horizon": ["6"], "--start": ["2027-03"],
    "--target": ["0.8"], "--detail": [],
}
# Options that draw nothing of their own (a data format, a file, a setting of another option).
ELSE = {"--help", "--format", "--field", "--export", "--input-format", "--on-error", "--state", "--filing",
        "--check", "--quiet", "--review", "--by"}  # --review, --by: of a batch; the review command draws them
# Runs of several drawing options together.
TOGETHER: dict[str, list[list[str]]] = {
    "estimate": [["--explain", "--chart", "--after-tax"]],
    "compare": [["--after-tax", "--chart", "--leave-after", "18m"]],
}
# Every profile option, with the last key of its group in the shipped data.
PROFILE = {f.option: [] if f.kind == "flag" else [list(shipped()[f.group])[-1]] if f.group else ["7"] for f in FIELDS}
GLYPHS = set("█▓▒░▄┃◆─┬━")
AXIS_LABEL = re.compile(r"\$(0|\d+(\.\d+)?[km])")
LEGEND_ITEM = re.compile(r"([█▓▒░▄]{2} \S+(?: \S+)*)")

runner = CliRunner()


def command_options(name: str) -> list[str]:
    command = get_command(app).get_command(None, name)  # type: ignore[attr-defined]
    return [max(p.opts, key=len) for p in command.params if p.param_type_name == "option"]


def runs() -> list[tuple[str, list[str]]]:
    """(command, arguments) for every command: as it is, with each drawing option (and with --chart
    where it is taken, as on a terminal), with every profile option, and with the TOGETHER runs."""
    found = []
    for name in COMMANDS:
        if name in TEXT:
            continue
        options = command_options(name)
        chart = ["--chart"] if "--chart" in options else []
        base = ARGS.get(name, [])
        found += [(name, base), (name, base + chart)]
        found += [(name, base + chart + [o, *DRAWS[o]]) for o in options if o in DRAWS and o != "--chart"]
        profile = [part for o in options if o in PROFILE and o not in base and o not in ("--years", "--level")
                   for part in (o, *PROFILE[o])]
        if profile:
            found.append((name, base + chart + profile))
        found += [(name, base + extra) for extra in TOGETHER.get(name, [])]
    return found


def test_every_command_is_walked():
    missing = [name for name in COMMANDS if name not in ARGS]
    assert not missing, f"add the arguments of {missing} to ARGS in tests/test_layout.py"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_option_is_known_to_draw_or_not(name):
    unknown = [o for o in command_options(name) if o not in DRAWS and o not in ELSE and o not in PROFILE]
    assert not unknown, f"say in tests/test_layout.py (DRAWS or ELSE) whether {unknown} of {name} draw"


def show(args: list[str], width: int, people: Path) -> str:
    args = [a.replace("{people}", str(people)) for a in args]
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1"}, prog_name="mlcomp")
    assert result.exit_code == 0, (args, result.output)
    return result.stdout + result.stderr  # stderr too: a review's summary, tables and chart are there


def words(text: str) -> set[str]:
    """The words of the output, as a reader sees them: a label's colon and the best offer's star
    apart, chart glyphs and axis labels (which follow the width) left out."""
    found = set()
    for word in text.split():
        word = word.removesuffix(":")
        if word and not set(word) <= GLYPHS and not AXIS_LABEL.fullmatch(word):
            found.add(word)
    return found


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "args"), runs(), ids=lambda x: " ".join(x)[:70] if isinstance(x, list) else x)
def test_fits_every_width_without_splitting_a_number_or_a_word(name, args, people):
    wide = show([name, *args], WIDE, people)
    known = words(wide)
    legend = {item for line in wide.split("\n") for item in LEGEND_ITEM.findall(line)}
    for width in WIDTHS:
        out = show([name, *args], width, people)
        lines = out.split("\n")
        too_long = [line for line in lines if cell_len(line) > width]
        assert not too_long, (width, too_long[:3])
        assert "…" not in out, width
        split = sorted(words(out) - known)
        assert not split, (width, split[:10])  # e.g. '$220,0' and '00', or 'Sourc' and 'e'
        for item in legend:
            head = item.split(" ")[:2]
            for line in lines:
                if " ".join(head) in line and cell_len(item) <= width:
                    assert item in line, (width, item, line)


def test_a_table_that_cannot_fit_becomes_label_value_lines():
    """At 40 columns the estimate's five columns of dollars cannot fit: each row is a label, then its
    values one a line, and every number is there."""
    out = runner.invoke(app, ["estimate", "-y", "4", "-c", "sf"], env={"COLUMNS": "40"}).stdout
    lines = out.split("\n")
    at = lines.index("National band (Mid)")
    assert [line.strip() for line in lines[at + 1:at + 5]] == [
        "Low: $180,000", "Mid: $220,000", "High: $260,000", "Typical: $237,600"]


def test_a_narrower_terminal_drops_a_column_before_it_wraps_a_number():
    """estimate --explain at 60 columns leaves out Mid (the middle of the range); at 80 it has it."""
    def header(width: int) -> list[str]:
        out = runner.invoke(app, ["estimate", "-y", "4", "-c", "sf", "--explain"], env={"COLUMNS": str(width)})
        return next(line for line in out.stdout.split("\n") if "Step" in line).split()

    assert header(80) == ["#", "Step", "Low", "Mid", "High", "Typical"]
    assert header(60) == ["#", "Step", "Low", "High", "Typical"]


def test_a_wrapped_label_keeps_its_words_whole():
    """rich alone shrinks the widest wrapping column first, cutting 'Private-equity' to 'Private-equ…'
    at 40 columns; render.print_wide gives each column at least its longest word."""
    out = runner.invoke(app, ["compare", BIGCO, STARTUP, "-y", "4", "-c", "sf"], env={"COLUMNS": "40"}).stdout
    assert any(line.startswith("Private-equity ") for line in out.split("\n"))


def test_the_curve_drops_ranges_then_bars_as_the_terminal_narrows():
    def header(width: int) -> list[str]:
        out = runner.invoke(app, ["curve", "-c", "sf", "--chart"], env={"COLUMNS": str(width)}).stdout
        return next(line for line in out.split("\n") if "Years" in line).split()

    assert header(120) == ["Years", "Level", "Base", "low", "Base", "high", "Base", "typical", "TC", "low",
                           "TC", "high", "TC", "typical", "Mid"]
    assert header(80) == ["Years", "Level", "Base", "typical", "TC", "typical", "Mid"]
    assert "Mid" not in header(40)


# ---- control characters in table cells (rich deletes BEL, BS, VT, FF and CR itself) -----------------

@pytest.mark.parametrize("char", ["\a", "\b", "\v", "\f", "\r", "\x1b"])
def test_a_control_character_in_an_offer_name_is_shown_escaped(char):
    """Offers named 'A<char>B' and 'AB' must not look the same, in the table, its notes and the charts."""
    result = runner.invoke(app, ["compare", f"name=A{char}B,base=200k", "name=AB,base=201k", "-y", "4", "--chart"],
                           env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    shown = repr(char)[1:-1]  # '\\x07', '\\x08', '\\x0b', '\\x0c', '\\r', '\\x1b'
    header = next(line for line in result.stdout.split("\n") if line.split() == [f"A{shown}B", "AB"])
    assert header  # the table's header: the two names, apart
    assert char not in result.stdout
    assert f"Year 1  A{shown}B" in result.stdout  # the chart's label


def test_a_control_character_in_a_batch_cell_is_shown_escaped(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_bytes(b'id,years\n"x\x07",4\nx,4\n')
    result = runner.invoke(app, ["estimate", "--input", str(rows)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.split("\n")[3:5]] == ["x\\x07", "x"]


# ---- the pay review's rows -------------------------------------------------------------------------

def review_header(width: int, *args: str) -> list[str]:
    out = runner.invoke(app, ["review", str(ROOT / "examples/team.csv"), *args],
                        env={"COLUMNS": str(width), "NO_COLOR": "1"}).stdout
    return next((line for line in out.split("\n") if "Verdict" in line), "").split()


def test_at_80_columns_the_review_is_a_table_of_who_level_pay_compa_verdict_and_gap():
    """A review's rows at 80 columns stay a table (not label: value lines): the person (id, name),
    level, base pay, compa-ratio, verdict and the gaps; the base range's ends, total comp, the base
    mid and the carried profile columns are what the width takes first."""
    header = review_header(80)
    assert header[:2] == ["id", "name"]
    for column in (["Level"], ["Pay", "base"], ["Compa"], ["Verdict"], ["To", "low"]):
        at = header.index(column[0])
        assert header[at:at + len(column)] == column, header
    assert "Base" not in header and "city" not in header and "tier" not in header
    out = runner.invoke(app, ["review", str(ROOT / "examples/team.csv")], env={"COLUMNS": "80"}).stdout
    emery = next(line for line in out.split("\n") if " Emery " in line).split()
    assert emery[:3] == ["5", "Emery", "platform"] or emery[:2] == ["5", "Emery"]
    assert {"entry", "$140,000", "0.75", "$9,500"} <= set(emery)


def test_at_120_columns_the_review_shows_the_base_mid_and_the_profile_columns():
    assert review_header(120) == ["id", "name", "team", "city", "tier", "Level", "Base", "mid", "Pay", "base",
                                  "Compa", "Verdict", "To", "low", "To", "mid"]


def test_at_40_columns_each_person_of_a_review_is_labelled_by_id_and_name():
    out = runner.invoke(app, ["review", str(ROOT / "examples/team.csv")], env={"COLUMNS": "40"}).stdout
    lines = out.split("\n")
    at = lines.index("5 Emery")
    assert "  Verdict: below range" in lines[at:at + 20] and "  To low: $9,500" in lines[at:at + 20]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_review_charts_note_is_whole_at_every_width(width):
    """The chart's note under a wide label column: wrapped at its words, not cut at the edge."""
    result = runner.invoke(app, ["review", str(ROOT / "examples/team.csv"), "--chart", "-f", "csv"],
                           env={"COLUMNS": str(width), "NO_COLOR": "1"})
    lines = result.stderr.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("on base salary"))
    said = " ".join(" ".join(line.split()) for line in lines[at:] if line.strip())
    assert said == "on base salary (or total comp); people close together share a point"


def gaps_header(width: int, text: str | None = None) -> list[str]:
    args = ["review", str(ROOT / "examples/team.csv")] if text is None else ["review", "-", "--input-format", "csv"]
    err = runner.invoke(app, [*args, "-f", "csv"], input=text, env={"COLUMNS": str(width), "NO_COLOR": "1"}).stderr
    lines = err.split("\n")
    at = [line.strip() for line in lines].index("Largest gaps to the mid")
    return next(line for line in lines[at + 1:] if line.strip()).split()


def test_the_largest_gaps_stay_a_table_at_40_columns_naming_the_person():
    assert gaps_header(120) == ["Line", "id", "Name", "Level", "Verdict", "To", "low", "To", "mid"]
    assert gaps_header(60) == ["id", "Name", "Level", "Verdict", "To", "low", "To", "mid"]
    assert gaps_header(40) == ["Name", "Level", "To", "low", "To", "mid"]


def test_the_largest_gaps_leave_out_id_and_name_when_the_file_has_neither():
    assert gaps_header(120, "years,base\n4,200000\n") == ["Line", "Level", "Verdict", "To", "low", "To", "mid"]
    assert gaps_header(40, "years,base\n4,200000\n") == ["Line", "Level", "To", "low", "To", "mid"]
