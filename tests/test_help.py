"""What a user reads before running anything: each command's --help at 80 columns, and the shell
completion scripts `--show-completion SHELL` prints (and what bash then completes)."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from mlcomp.cli import COMMANDS, SHELLS, app

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k not in ("MLCOMP_BANDS", "_MLCOMP_COMPLETE", "NO_COLOR")}


def mlcomp(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "mlcomp"), *args], capture_output=True, text=True, timeout=60,
                          env={**ENV, "TERM": "dumb", **env})


def examples(command: str) -> list[str]:
    doc = inspect.cleandoc(COMMANDS[command].registered_commands[0].callback.__doc__ or "")
    return [line.strip() for line in doc.partition("Examples:")[2].splitlines() if line.strip()]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]], ids=lambda c: " ".join(c) or "mlcomp")
def test_help_fits_80_columns_and_shows_no_python_types(command):
    result = mlcomp(*command, "--help", COLUMNS="80")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for internal in ("<bool>", "list[", "<str>", "<int>", "<float>", "<path>", "…"):
        assert internal not in result.stdout, internal


def help_records(command: str) -> list[tuple[str, str]]:
    """(names as --help shows them, panel) of each option of a command, from the click command."""
    import typer

    group = get_command(app)
    ctx = typer.Context(group, info_name="mlcomp")
    built = group.get_command(ctx, command)  # type: ignore[attr-defined]
    sub = typer.Context(built, info_name=command, parent=ctx)
    found = []
    for param in built.get_params(sub):
        record = None if param.hidden else param.get_help_record(sub)
        if record:
            names = re.sub(r"^(-\w), (--[\w-]+)", r"\2, \1", record[0])  # '-y, --years N': '--years, -y N'
            found.append((names, getattr(param, "rich_help_panel", None) or "Options"))
    return found


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_at_60_and_80_columns_never_cuts_an_option_or_its_value(command, width):
    """Every option's names and metavar ('--specialization, -s SPECIALIZATION') whole on one line,
    no line wider than the terminal, nothing cut with '…'."""
    result = mlcomp(command, "--help", COLUMNS=str(width))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert max(len(line) for line in lines) <= width
    assert "…" not in result.stdout
    for names, _ in help_records(command):
        assert any(f"│ {names}" in line for line in lines), (names, width)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_options_are_grouped_in_their_declared_panels(command):
    """Each option sits in the panel declared with it (the profile's in mlcomp.fields); the panels
    come in the order of fields.PANELS."""
    from mlcomp.fields import FIELDS, PANELS, PROFILE

    text = mlcomp(command, "--help", COLUMNS="100").stdout
    lines = text.split("\n")
    titles = [line.split("─ ")[1].split(" ─")[0] for line in lines if line.startswith("╭─ ")]
    assert titles == [p for p in PANELS if p in titles] + [t for t in titles if t not in PANELS]
    for names, panel in help_records(command):
        at = next(i for i, line in enumerate(lines) if f"│ {names}" in line)
        assert [t for t in lines[:at] if t.startswith("╭─ ")][-1].startswith(f"╭─ {panel} "), names
    profile = {f.option for f in FIELDS}
    assert all(panel == PROFILE for names, panel in help_records(command) if names.split(",")[0].split()[0] in profile)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_ends_with_the_examples_then_the_docs_page(command):
    from mlcomp.shell import COMMANDS as REGISTERED

    text = mlcomp(command, "--help", COLUMNS="80").stdout.rstrip()
    last = text.split("\n")[-1].strip()
    assert last.startswith("More in docs/") and (last.endswith(".md.") or ".md#" in last), last
    page = last.removeprefix("More in ").removesuffix(".").split("#")[0]
    assert (Path(__file__).resolve().parents[1] / page).is_file(), page
    assert text.index("Examples:") < text.index("╭─") and command in REGISTERED


@pytest.mark.parametrize("command", list(COMMANDS))
def test_at_60_columns_a_long_example_is_continued_indented_not_broken(command):
    """An example longer than the terminal wraps at its spaces onto lines indented under it, so its
    words, put back together, are the example."""
    lines = mlcomp(command, "--help", COLUMNS="60").stdout.split("\n")

    def continued(first: int) -> list[str]:
        words = lines[first].split()
        for line in lines[first + 1:]:
            if not line.startswith("         ") or not line.strip():
                break
            words += line.split()
        return words

    starts = [i for i, line in enumerate(lines) if line.startswith("     ") and not line.startswith("      ")]
    for example in examples(command):
        assert example.split() in [continued(i) for i in starts], example


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_example_is_one_whole_line_in_one_style(command):
    """Each example is printed on a line of its own, indented the same in every command."""
    lines = mlcomp(command, "--help", COLUMNS="80").stdout.splitlines()
    wanted = examples(command)
    assert len(wanted) >= 3
    for example in wanted:
        assert f"     {example}" in [line.rstrip() for line in lines], example


@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_paragraphs_are_rewrapped_not_broken(command):
    """Typer prints a help paragraph's line breaks as they are: each paragraph is one docstring line."""
    doc = inspect.cleandoc(COMMANDS[command].registered_commands[0].callback.__doc__ or "")
    prose = doc.partition("Examples:")[0].split("\n\n")[1:]  # the first paragraph is joined by Typer
    assert [p for p in prose if "\n" in p.strip()] == []


def test_compare_usage_names_the_offers():
    usage = mlcomp("compare", "--help", COLUMNS="80").stdout.splitlines()[1].strip()
    assert usage == "Usage: mlcomp compare [OPTIONS] OFFER [OFFER]..."


def test_flags_have_no_metavar_but_values_do():
    help_text = mlcomp("estimate", "--help", COLUMNS="160").stdout
    explain = next(line for line in help_text.splitlines() if line.startswith("│ --explain"))
    assert explain.split("--explain, -e")[1].split()[:1] == ["Show"]  # nothing between -e and the help
    years = next(line for line in help_text.splitlines() if line.startswith("│ --years"))
    assert " N " in years


# ---- completion ----------------------------------------------------------------------------------

SHAPES = {
    "bash": ["_mlcomp_completion()", "_MLCOMP_COMPLETE=complete_bash",
             "complete -o default -F _mlcomp_completion mlcomp"],
    "zsh": ["#compdef mlcomp", "_MLCOMP_COMPLETE=complete_zsh", "compdef _mlcomp_completion mlcomp"],
    "fish": ["complete --command mlcomp", "_MLCOMP_COMPLETE=complete_fish"],
    "powershell": ["Register-ArgumentCompleter -Native -CommandName mlcomp", "complete_powershell"],
    "pwsh": ["Register-ArgumentCompleter -Native -CommandName mlcomp", "complete_powershell"],
}


@pytest.mark.parametrize("shell", SHELLS)
def test_show_completion_prints_the_named_shells_script(shell):
    """The shell named, not the one mlcomp runs under (these tests run under bash or none)."""
    result = mlcomp("--show-completion", shell.upper() if shell == "zsh" else shell)
    assert result.returncode == 0 and result.stderr == ""
    for part in SHAPES[shell]:
        assert part in result.stdout, part
    others = {s for s in SHELLS if s != shell and not {s, shell} <= {"powershell", "pwsh"}} - {"pwsh"}
    assert not any(f"complete_{other}" in result.stdout for other in others)


@pytest.mark.parametrize("shell", ["foo", "", "cmd", "bash;rm"])
def test_unknown_shell_is_a_usage_error_with_the_list(shell):
    result = mlcomp("--show-completion", shell)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and "bash, zsh, fish, powershell" in result.stderr


def test_no_install_completion_guessing_the_shell():
    result = mlcomp("--install-completion")
    assert result.returncode == 2


def complete(words: str, cword: int) -> list[str]:
    """Click's completion protocol, as the bash script drives it."""
    result = mlcomp(_MLCOMP_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_bash_completes_commands_options_and_keys():
    assert complete("mlcomp est", 1) == ["estimate"]
    assert complete("mlcomp c", 1) == ["curve", "compare", "config"]
    assert "--show-completion" in complete("mlcomp --sh", 1)
    assert complete("mlcomp compare --gr", 2) == ["--growth"]
    assert complete("mlcomp estimate --export", 2) == ["--export"]
    assert {"senior", "staff"} <= set(complete("mlcomp estimate --level s", 3))
    assert {"national", "nyc"} <= set(complete("mlcomp estimate -y 4 --city n", 5))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_in_bash():
    """The script printed, sourced into a real bash, fills COMPREPLY when its function runs."""
    script = ('source <(mlcomp --show-completion bash); COMP_WORDS=(mlcomp estimate --ci); COMP_CWORD=2; '
              '_mlcomp_completion mlcomp; printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                          env={**ENV, "PATH": f"{BIN}{os.pathsep}{ENV.get('PATH', '')}"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["--city"]


def test_every_command_is_a_click_command_with_help():
    group = get_command(app)
    for name in COMMANDS:
        assert group.get_command(None, name).help  # type: ignore[attr-defined]


def test_zsh_and_fish_ask_through_their_own_protocols():
    """What the zsh and fish scripts run when <TAB> is pressed (no zsh or fish needed)."""
    zsh = mlcomp(_MLCOMP_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="mlcomp estimate --ci").stdout
    assert zsh.startswith("_arguments") and '"--city"' in zsh
    fish = mlcomp(_MLCOMP_COMPLETE="complete_fish", _TYPER_COMPLETE_FISH_ACTION="get-args",
                  _TYPER_COMPLETE_ARGS="mlcomp estimate --city s").stdout.split()
    assert {"sf", "seattle"} <= set(fish)


@pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")
def test_the_fish_script_completes_in_fish():
    done = subprocess.run(["fish", "-c", 'mlcomp --show-completion fish | source; complete -C "mlcomp est"'],
                          capture_output=True, text=True, timeout=60,
                          env={**ENV, "PATH": f"{BIN}{os.pathsep}{ENV.get('PATH', '')}"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\t")[0] == "estimate"


# ---- the profile's fields, declared once (mlcomp.fields) --------------------------------------------

def test_every_key_of_the_shipped_data_is_in_the_help_of_every_command_that_takes_it():
    from mlcomp.bands import load_bands
    from mlcomp.fields import FIELDS

    bands = load_bands()
    for command, skip in (("estimate", ()), ("curve", ("years", "level")), ("compare", ())):
        text = " ".join(mlcomp(command, "--help", COLUMNS="2000").stdout.split())
        for field in FIELDS:
            if field.name in skip:
                assert field.option not in text
                continue
            assert field.option in text, (command, field.option)
            for key in getattr(bands, field.group) if field.group else ():
                assert key in text, (command, field.option, key)
        if "years" not in skip:
            assert f"{bands.experience.min_years:g} to {bands.experience.max_years:g}" in text


def test_a_city_added_to_the_data_shows_in_the_help():
    from mlcomp.fields import BY_NAME, help_text, shipped

    data = {**shipped(), "cities": {**shipped()["cities"], "boston": {}}}
    assert "boston" in help_text(BY_NAME["city"], data)
    assert "boston" not in help_text(BY_NAME["city"])


def test_compare_takes_role_like_estimate():
    assert "--role" in mlcomp("compare", "--help", COLUMNS="200").stdout
    result = mlcomp("compare", "name=A,base=200k", "-y", "4", "--role", "swe", "-f", "json")
    assert result.returncode == 0, result.stderr
    market = __import__("json").loads(result.stdout)["offers"][0]["market"]
    ml = __import__("json").loads(mlcomp("compare", "name=A,base=200k", "-y", "4", "-f", "json").stdout)
    assert market["base"]["high"] < ml["offers"][0]["market"]["base"]["high"]  # the SWE band is lower


def test_the_horizon_and_growth_help_show_the_librarys_bounds():
    from mlcomp.offers import MAX_HORIZON, MAX_SCENARIOS

    text = " ".join(mlcomp("compare", "--help", COLUMNS="2000").stdout.split())
    assert f"1 to {MAX_HORIZON} (default 4)" in text and f"at most {MAX_SCENARIOS}" in text
