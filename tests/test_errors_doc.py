"""docs/errors.md is what the tool prints now: regenerate it with `python docs/make_errors.py`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "make_errors.py"
spec = importlib.util.spec_from_file_location("make_errors", SCRIPT)
make_errors = importlib.util.module_from_spec(spec)
sys.modules["make_errors"] = make_errors  # dataclasses look their module up there
spec.loader.exec_module(make_errors)


@pytest.fixture(scope="module")
def results():
    return make_errors.run_all()


def test_errors_md_matches_what_the_tool_prints(results):
    fresh = make_errors.render(results)
    assert make_errors.DOC.read_text(encoding="utf-8") == fresh, (
        "docs/errors.md is out of date: run `python docs/make_errors.py` and review the diff")


def test_every_bad_input_gets_one_error_line_and_exit_1_or_2(results):
    quiet = {"No command", "Reader stops early"}  # help on stdout; a reader that left wants no message
    for case, (code, stderr) in results:
        assert code in (1, 2), (case.what, code)
        assert "Traceback" not in stderr, case.what
        if case.what in quiet:
            assert stderr == "", case.what
        else:
            assert stderr.startswith("Error: ") and stderr.endswith("\n"), (case.what, stderr)


def test_bad_files_exit_1_and_bad_command_lines_exit_2(results):
    for case, (code, _) in results:
        if case.kind == "Options":
            assert code == 2, case.what
        if case.kind == "Bands files" and case.files:
            assert code == 1, case.what
