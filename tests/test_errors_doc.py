"""docs/errors.md is what the tool prints now: regenerate it with `python docs/make_errors.py`."""

from __future__ import annotations

import make_errors  # docs/make_errors.py (conftest puts docs/ on the path)
import pytest


@pytest.fixture(scope="module")
def results():
    return make_errors.run_all()


def test_errors_md_matches_what_the_tool_prints(results):
    fresh = make_errors.render(results)
    assert make_errors.DOC.read_text(encoding="utf-8") == fresh, (
        "docs/errors.md is out of date: run `python docs/make_errors.py` and review the diff")


# Cases whose stderr is not one 'Error:' line: the report of skipped rows (exit 0) and the
# problems `bands --check` lists (its result, sent to stderr in the case).
REPORTS = {"Bad rows skipped, with a summary"}
# Allowed, with one `note:` line on stderr (exit 0).
NOTES = {"--level and --years that disagree: allowed (the level wins), with a note"}


def test_every_bad_input_gets_one_error_line_and_exit_1_or_2(results):
    quiet = {"No command", "Reader stops early"}  # help on stdout; a reader that left wants no message
    for case, (code, stderr) in results:
        assert "Traceback" not in stderr, case.what
        if case.what in REPORTS:
            assert code == 0 and stderr.endswith(" skipped\n"), (case.what, code, stderr)
            continue
        if case.what in NOTES:
            assert code == 0 and stderr.startswith("note: ") and stderr.count("\n") == 1, (case.what, stderr)
            continue
        assert code in (1, 2), (case.what, code)
        if case.what.startswith("`bands --check`"):
            assert len(stderr.splitlines()) >= 2, stderr
        elif case.what in quiet:
            assert stderr == "", case.what
        else:
            assert stderr.startswith("Error: ") and stderr.endswith("\n"), (case.what, stderr)


# Cases with files where the command line is what is wrong (exit 2), not a file's content.
COMMAND_LINE = {"Fewer than two offers", "'-' (stdin) twice", "File does not exist", "Wrong file extension",
                "A directory", "A loop of symbolic links", "--format json with --input",
                "'-' for --bands and for an offer", "A review's --by column that the file lacks"}


def test_bad_files_exit_1_and_bad_command_lines_exit_2(results):
    for case, (code, _) in results:
        if case.kind == "Options":
            assert code == 2, case.what
        if case.kind in ("Bands files", "Offer files", "Batch rows") and case.files:
            assert code == (2 if case.what in COMMAND_LINE else 0 if case.what in REPORTS else 1), case.what
        if case.kind == "Inline offers":
            assert code == 2, case.what
