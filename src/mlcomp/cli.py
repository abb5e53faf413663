"""The command line: parse, call the engine, render. The one place that turns errors into exit codes."""

from __future__ import annotations

import codecs
import contextlib
import gc
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from mlcomp import __version__, render
from mlcomp.errors import MlcompError, cut, did_you_mean, one_line, shown, wording

EXIT_DATA, EXIT_USAGE = 1, 2


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


def fail(message: str, code: int) -> NoReturn:
    """The one way out with an error: `Error: ...` on stderr, control characters quoted from the
    user's input made visible (a message of several problems keeps one line each)."""
    if sys.stderr is not None:  # None when the caller closed it (2>&-)
        text = "\n".join(cut(one_line(line), 1000) for line in message.split("\n"))
        sys.stderr.write(f"Error: {text}\n")
    sys.exit(code)


def note(message: str) -> None:
    if sys.stderr is not None:
        sys.stderr.write(f"note: {one_line(message)}\n")


# Options that belong elsewhere: what to say instead of "No such option" (command, option) -> hint.
GLOBAL_OPTIONS = ("--bands", "--version")
MISPLACED = {
    ("curve", "--years"): "curve takes --from and --to (years of experience) instead of --years; "
                          "the level follows the years",
    ("curve", "-y"): "curve takes --from and --to (years of experience) instead of -y; the level follows "
                     "the years",
    ("curve", "--level"): "curve takes --from and --to (years of experience), not --level: the level "
                          "follows the years",
    ("curve", "-l"): "curve takes --from and --to (years of experience), not -l: the level follows the years",
}


def misplaced(error: Exception) -> str | None:
    """A better message for an option given to the wrong command, or None."""
    name, ctx = getattr(error, "option_name", None), getattr(error, "ctx", None)
    if type(error).__name__ != "NoSuchOption" or not isinstance(name, str) or ctx is None:
        return None
    command, option = ctx.info_name or "", name.partition("=")[0]
    if option in GLOBAL_OPTIONS:
        return (f"{option} goes before the command: mlcomp {option}"
                f"{' FILE' if option == '--bands' else ''} {command} ...")
    hint = MISPLACED.get((command, option))
    return f"{hint} (see 'mlcomp {command} --help')" if hint else None


class InputFormat(StrEnum):
    csv = "csv"
    tsv = "tsv"
    jsonl = "jsonl"


class OnError(StrEnum):
    stop = "stop"
    skip = "skip"


def silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's own flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# Each command lives in a one-command Typer app of its own and is turned into a click command only
# when it is run or listed: Typer would otherwise convert every option of every command at each start.
COMMANDS: dict[str, typer.Typer] = {}


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def command(name: str | None = None, **settings: Any) -> Callable[[F], F]:
    """Register a command (like @app.command()), built lazily by Group.get_command."""

    def register(function: F) -> F:
        key = name or function.__name__
        COMMANDS[key] = one = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        one.command(key, cls=Command, **settings)(function)
        return function

    return register


def utf8_output() -> None:
    """Results (JSON, JSON Lines, CSV, TSV, --field) are UTF-8 whatever the locale, so no character is
    ever lost; only tables and charts, which are for people, are written in the terminal's own encoding
    (render.console), with '?' for what it lacks. Messages on stderr degrade the same way."""
    out, err = sys.stdout, sys.stderr
    if out is not None and hasattr(out, "reconfigure") and not _utf8(out.encoding):
        render.TERMINAL_ENCODING = out.encoding
        out.reconfigure(encoding="utf-8", errors="strict")
    if err is not None and hasattr(err, "reconfigure") and not _utf8(err.encoding):
        err.reconfigure(errors="replace")


def _utf8(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name == "utf-8"
    except LookupError:
        return False


def plain_flags(params: list[Any]) -> list[Any]:
    """Help shows no type for a flag (Typer would print '<bool>' beside --help and every switch)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """A command whose help lists flags without a type."""

    def get_params(self, ctx: Any) -> list[Any]:
        return plain_flags(super().get_params(ctx))


class Group(TyperGroup):
    """Runs the app with every user mistake turned into one line on stderr and an exit code."""

    def get_params(self, ctx: Any) -> list[Any]:
        return plain_flags(super().get_params(ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            raise MlcompError(f"no command '{name}'.{did_you_mean(name, COMMANDS)} "
                              f"Commands: {', '.join(COMMANDS)}.", usage=True)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            built = typer.main.get_command(COMMANDS[cmd_name])
            built.name = cmd_name
            self.commands[cmd_name] = built
        return self.commands.get(cmd_name)

    def main(self, *args: Any, **extra: Any) -> Any:
        utf8_output()
        if sys.stdout is None:  # closed by the caller (>&-): results could only be lost
            fail("cannot write output: standard output is closed", EXIT_DATA)
        if os.environ.get(COMPLETE_VAR):  # a shell asks for completions (see --show-completion)
            completion().completion_init()
            extra["complete_var"] = COMPLETE_VAR
        try:
            code = super().main(*args, **{**extra, "standalone_mode": False})
            sys.stdout.flush()
        except MlcompError as e:
            fail(e.message, EXIT_USAGE if e.usage else EXIT_DATA)
        except typer.TyperException as e:
            hint = misplaced(e)
            if hint:
                fail(hint, EXIT_USAGE)
            # Typer checks some values through pydantic, whose wording would leak in.
            message = wording(e.format_message())
            if not message:  # `mlcomp` alone: the help was printed already
                sys.exit(e.exit_code)
            ctx = getattr(e, "ctx", None)
            if ctx is not None and not isinstance(e, typer.BadParameter):
                message += f" (see '{ctx.command_path} --help')"
            fail(message, e.exit_code)
        except typer.Abort:
            fail("aborted", EXIT_DATA)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
            silence_stdout()
            sys.exit(EXIT_DATA)
        except OSError as e:  # e.g. > /dev/full: the output could not be written
            silence_stdout()
            fail(f"{e.filename}: {e.strerror}" if e.filename else f"cannot write output: {e.strerror or e}",
                 EXIT_DATA)
        except KeyboardInterrupt:
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


COMPLETE_VAR = "_MLCOMP_COMPLETE"  # what the completion scripts set when they ask for completions
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def completion() -> Any:
    """Typer's completion module: its scripts, and the classes that answer them (completion_init)."""
    from typer import completion

    return completion


def completion_script(shell: str) -> str:
    """The script that makes `shell` complete mlcomp's commands, options and keys."""
    if shell not in SHELLS:
        raise typer.BadParameter(f"unknown shell {shown(shell)}; choose one of: {', '.join(SHELLS)}",
                                 param_hint="'--show-completion'")
    script: str = completion().get_completion_script(prog_name="mlcomp", complete_var=COMPLETE_VAR,
                                                     shell=shell)
    return script


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        print(completion_script(value.lower()))
        raise typer.Exit()


app = typer.Typer(
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="What an ML engineer is paid, and why: every rule applied, with its source.\n\n"
         "Numbers come from data/bands.toml (the ML Engineer Salary Guide 2026); "
         "see 'mlcomp bands' and 'mlcomp factors'.",
)


def _version(value: bool) -> None:
    if value:
        print(f"mlcomp {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    bands: Annotated[str | None, typer.Option(
        "--bands", envvar="MLCOMP_BANDS", metavar="FILE",
        help="A TOML file laid over the shipped data (same schema as data/bands.toml); '-' for stdin.")]
        = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    show_completion: Annotated[str | None, typer.Option(
        "--show-completion", metavar="SHELL", callback=_show_completion, is_eager=True, expose_value=False,
        help="Print the completion script for bash, zsh, fish or powershell, "
             "e.g. mlcomp --show-completion zsh > ~/.zfunc/_mlcomp")] = None,
) -> None:
    ctx.obj = {"bands_file": bands}


def load(ctx: typer.Context) -> Any:
    """The bands for this run, loaded and validated once."""
    from mlcomp.bands import load_bands

    obj = ctx.find_root().obj
    if "bands" not in obj:
        name = obj.get("bands_file")
        if name == "":
            raise MlcompError("--bands: no file name given; give a TOML file, or '-' for stdin", usage=True)
        obj["bands"] = load_bands(name or "")
    return obj["bands"]


def stdin_once(ctx: typer.Context, *names: str | None) -> None:
    """'-' (stdin) may be read by one argument only: --bands - and an input or offer '-' together cannot be."""
    if ctx.find_root().obj.get("bands_file") == "-" and "-" in names:
        raise MlcompError("'-' (stdin) can be given only once: --bands - and another '-' cannot both read it",
                          usage=True)


def given(ctx: typer.Context, name: str) -> bool:
    """Whether an option was given on the command line (or in the environment), not left at its default."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name != "DEFAULT"


def conflict(first: str, second: str, why: str) -> MlcompError:
    return MlcompError(f"{first} and {second} do not go together: {why}", usage=True)


def check_format(ctx: typer.Context, fmt: Format, field: str | None) -> None:
    """--field beside a --format would make the format do nothing: exit 2 naming both. (--chart in a
    machine format is documented to draw nothing, so that it can stay in an alias.)"""
    if field is not None and given(ctx, "fmt"):
        raise conflict("--field", f"--format {fmt.value}", "--field prints one value, in no format")


def level_note(bands: Any, values: dict[str, Any]) -> None:
    """--level and --years both given: the level wins; say so when the years alone would give another."""
    years, level = values.get("years"), values.get("level")
    if years is not None and level:
        alone = bands.level_for(years)
        if alone != level:
            note(f"--level {level} is used; {years:g} years alone would be {alone}")


def as_usage(error: MlcompError) -> Exception:
    """A bad option value: exit 2 with the option named (a problem of no one option is raised as is)."""
    if not error.field:
        return MlcompError(error.message, usage=True)
    return typer.BadParameter(error.message, param_hint=f"'--{error.field.replace('_', '-')}'")


def _completer(group: str) -> Any:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        try:
            from mlcomp.bands import load_bands

            overlay = ctx.find_root().params.get("bands") or None
            names = load_bands(None if overlay == "-" else overlay).lookup[group]  # stdin is the shell's here
        except MlcompError:
            return []
        return [name for name in names if name.startswith(incomplete.lower())]

    return complete


def _offer_completion(incomplete: str) -> list[str]:
    """An OFFER argument: the keys of an inline offer after its last comma (name=A,vest -> vesting=,
    vesting_period=), and before any comma .toml/.json files and folders too."""
    import glob

    from mlcomp.offers import KEYS

    head, sep, last = incomplete.rpartition(",")
    if "=" in last:
        return []
    keys = [f"{head}{sep}{key}=" for key in KEYS if key.startswith(last)]
    if sep:
        return keys
    paths = [Path(p) for p in glob.glob(glob.escape(incomplete) + "*")]
    return keys + [f"{p}/" if p.is_dir() else str(p) for p in paths if p.is_dir() or p.suffix in (".toml", ".json")]


def _key(group: str, help: str, short: str | None = None) -> Any:
    names = [f"--{group}"] + ([short] if short else [])
    return typer.Option(*names, help=help, metavar=group.upper(), autocompletion=_completer(
        {"level": "levels", "city": "cities", "tier": "tiers", "industry": "industries",
         "specialization": "specializations", "role": "roles"}[group]))


# Options shared by several commands, declared once.
CityOption = Annotated[str | None, _key("city", "sf, nyc, seattle, remote or national (default).", "-c")]
TierOption = Annotated[str | None, _key("tier", "Company tier: faang, ai-startup, mid-size, consultancy. "
                                        "Default: the market as a whole.", "-t")]
IndustryOption = Annotated[str | None, _key("industry", "quant-finance, autonomous-driving, tech (default), "
                                            "marketing-analytics.", "-i")]
SpecializationOption = Annotated[str | None, _key("specialization", "rl, distributed-training, "
                                                  "inference-optimization, generalist (default).", "-s")]
FullLifecycleOption = Annotated[bool, typer.Option(
    "--full-lifecycle", help="Covers the whole ML lifecycle (MLOps plus modeling).")]
RemoteFirstOption = Annotated[bool, typer.Option(
    "--remote-first", help="The employer pays one national band wherever you live.")]
RoleOption = Annotated[str | None, _key("role", "ml (default) or swe: the equivalent software engineer pay.")]
MlFocusOption = Annotated[str | None, typer.Option(
    "--ml-focus", metavar="FOCUS", autocompletion=_completer("ml_focus"),
    help="How central ML is to the employer: core (pays above the ML bands) or supporting (toward "
         "software-engineer pay). Default: neither.")]
FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", metavar="FORMAT", help="Output format: table, json, jsonl, csv or tsv.")]
ChartOption = Annotated[bool | None, typer.Option(
    "--chart/--no-chart", help="Draw charts with the table. Default: only when the output is a terminal. "
    "Never in JSON, CSV or TSV.")]


def show_chart(flag: bool | None, export: Path | None = None) -> bool:
    """--chart / --no-chart when given; otherwise a chart on a terminal, or in a file --export writes."""
    return flag if flag is not None else sys.stdout.isatty() or export is not None


def _export_extension(value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in render.EXPORTS:
        raise typer.BadParameter(f"{shown(str(value))} is neither .svg nor .html; the extension chooses the format",
                                 param_hint="'--export'")
    return value


ExportOption = Annotated[Path | None, typer.Option(
    "--export", metavar="FILE", dir_okay=False, callback=_export_extension,
    help="Also save the table and its charts to FILE, as SVG or HTML (by the extension), "
         "to paste into a document or send.")]


def exporting(path: Path | None, table: bool) -> contextlib.AbstractContextManager[None]:
    """With --export: the table and charts printed inside the block are saved to the file too.
    Checked when called (before any work), entered around the table."""
    if path is None:
        return contextlib.nullcontext()
    if not table:
        raise typer.BadParameter("only the table can be saved: drop --format, --field or --input, "
                                 "or --export", param_hint="'--export'")
    return render.recording(path, title=f"mlcomp {' '.join(sys.argv[1:])}".strip())


@command()
def estimate(
    ctx: typer.Context,
    years: Annotated[str | None, typer.Option(
        "--years", "-y", metavar="N", help="Years of experience, 0 to 60 (fractions allowed).")] = None,
    level: Annotated[str | None, _key("level", "entry, mid, senior or staff; overrides the level --years gives.",
                                      "-l")] = None,
    city: CityOption = None,
    tier: TierOption = None,
    industry: IndustryOption = None,
    specialization: SpecializationOption = None,
    full_lifecycle: FullLifecycleOption = False,
    remote_first: RemoteFirstOption = False,
    role: RoleOption = None,
    ml_focus: MlFocusOption = None,
    fmt: FormatOption = Format.table,
    field: Annotated[str | None, typer.Option(
        "--field", metavar="PATH", help="Print one value of the JSON output, e.g. total_comp.mid.")] = None,
    explain: Annotated[bool, typer.Option("--explain", "-e", help="Show each rule's source in the table.")] = False,
    chart: ChartOption = None,
    input: Annotated[str | None, typer.Option(
        "--input", metavar="FILE", help="Estimate every row of a CSV/TSV or JSON Lines file ('-' = stdin); "
        "columns are named like the options, other columns are carried through. Options given "
        "fill empty cells.")] = None,
    input_format: Annotated[InputFormat | None, typer.Option(
        "--input-format", help="Format of --input. Default: from the extension, else from the first line.")]
        = None,
    on_error: Annotated[OnError, typer.Option(
        "--on-error", help="A bad row: stop (exit 1) or skip it (reported on stderr, with a summary).")]
        = OnError.stop,
    export: ExportOption = None,
) -> None:
    """Estimate base salary and total compensation for a profile.

    The level comes from --years unless --level is given; the table lists every rule applied.

    Examples:

        mlcomp estimate --years 4 --city sf

        mlcomp estimate --level senior --tier faang --specialization rl --explain

        mlcomp estimate -y 7 -c nyc --format json | jq .total_comp

        offer_floor=$(mlcomp estimate -y 4 -c sf --field base.mid)

        mlcomp estimate --input people.csv --format csv > estimates.csv
    """
    from mlcomp import api

    check_format(ctx, fmt, field)
    if explain and fmt is not Format.table:
        raise conflict("--explain", f"--format {fmt.value}", "sources are shown in the table (JSON, CSV and "
                       "TSV carry them in the adjustments)")
    if explain and field is not None:
        raise conflict("--explain", "--field", "--field prints one value, with no sources")
    if input is None:
        for option, name in (("input_format", "--input-format"), ("on_error", "--on-error")):
            if given(ctx, option):
                raise MlcompError(f"{name} needs --input: it is for reading rows from the --input file",
                                  usage=True)
    stdin_once(ctx, input)
    saving = exporting(export, fmt is Format.table and field is None and input is None)
    bands = load(ctx)
    if input is not None:
        return _batch(bands, input, input_format, on_error, fmt, field, explain, {
            "years": years, "level": level, "city": city, "tier": tier, "industry": industry,
            "specialization": specialization, "full_lifecycle": full_lifecycle or None,
            "remote_first": remote_first or None, "role": role, "ml_focus": ml_focus})
    try:
        result = api.estimate(years=years, level=level, city=city, tier=tier, industry=industry,
                              specialization=specialization, full_lifecycle=full_lifecycle,
                              remote_first=remote_first, role=role, ml_focus=ml_focus, bands=bands)
    except MlcompError as e:
        raise as_usage(e) from None
    level_note(bands, {"years": result.years, "level": level and result.level})
    data = result.as_dict()
    if field is not None:
        try:
            print(render.scalar(render.pick(data, field)))
        except MlcompError as e:
            raise as_usage(e) from None
    elif fmt is Format.json:
        print(render.to_json(data))
    elif fmt is Format.jsonl:
        print(render.to_json(data, indent=None))
    elif fmt in (Format.csv, Format.tsv):
        render.write_rows([render.flatten(data)], fmt.value, sys.stdout)
    else:
        with saving:
            render.estimate_table(result, bands, explain=explain)
            if show_chart(chart, export):
                from mlcomp import charts

                charts.estimate_chart(result)


@command()
def curve(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", metavar="N", help="First year of experience.")] = "0",
    end: Annotated[str, typer.Option("--to", metavar="N", help="Last year of experience.")] = "20",
    city: CityOption = None,
    tier: TierOption = None,
    industry: IndustryOption = None,
    specialization: SpecializationOption = None,
    full_lifecycle: FullLifecycleOption = False,
    remote_first: RemoteFirstOption = False,
    role: RoleOption = None,
    ml_focus: MlFocusOption = None,
    fmt: FormatOption = Format.table,
    chart: ChartOption = None,
    export: ExportOption = None,
) -> None:
    """How the estimate grows with experience: base and total-comp ranges for each year, 0 to 20.

    The level follows the years; a line marks where it changes. On a terminal each row gets a bar.

    Examples:

        mlcomp curve --city sf --tier faang

        mlcomp curve -c nyc --from 3 --to 12 --format csv

        mlcomp curve -c sf -f json | jq '.[] | [.years, .total_comp.mid]'
    """
    from mlcomp.curve import as_dict
    from mlcomp.curve import curve as run_curve
    from mlcomp.money import parse_count

    saving = exporting(export, fmt is Format.table)
    bands = load(ctx)
    lo, hi = bands.experience.min_years, bands.experience.max_years
    span: list[int] = []
    for option, text in (("--from", start), ("--to", end)):
        try:
            span.append(parse_count(text, int(lo), int(hi), "years"))
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint=f"'{option}'") from None
    try:
        points = run_curve(bands, span[0], span[1], city=city, tier=tier, industry=industry,
                           specialization=specialization, full_lifecycle=full_lifecycle,
                           remote_first=remote_first, role=role, ml_focus=ml_focus)
    except MlcompError as e:
        raise as_usage(e) from None
    if fmt is Format.json:
        print(render.to_json([as_dict(p) for p in points]))
    elif fmt is Format.jsonl:
        sys.stdout.writelines(render.to_json(as_dict(p), indent=None) + "\n" for p in points)
    elif fmt in (Format.csv, Format.tsv):
        render.write_rows((render.flatten(as_dict(p)) for p in points), fmt.value, sys.stdout)
    else:
        from mlcomp import charts

        labels = [a.label for a in points[0].adjustments if a.factor != "cap"] or ["national band"]
        with saving:
            charts.curve_table(points, f"ML engineer pay by years of experience: {', '.join(labels)}",
                               chart=show_chart(chart, export))


def growth_rates(text: str | None) -> list[float | None]:
    """--growth: one rate or a comma-separated list ("-20%,0,20%"); none given: each offer's own."""
    from mlcomp.money import parse_rate
    from mlcomp.offers import MAX_SCENARIOS

    if text is None:
        return [None]
    parts = text.split(",")
    if len(parts) > MAX_SCENARIOS:
        raise typer.BadParameter(f"at most {MAX_SCENARIOS} growth rates, got {len(parts)}",
                                 param_hint="'--growth'")
    try:
        return [parse_rate(part) for part in parts]
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="'--growth'") from None


@command(options_metavar="[OPTIONS] OFFER")
def compare(
    ctx: typer.Context,
    offers: Annotated[list[str] | None, typer.Argument(
        metavar="OFFER", show_default=False, hidden=True, autocompletion=_offer_completion,
        help="Offers: a .toml or .json file, '-' for stdin (once), or key=value,... such as "
             "name=Acme,base=240k,bonus=15%,equity=400k. Two or more; one is enough with a profile "
             "(--years or --level, or years/level in the offer).")] = None,
    horizon: Annotated[str | None, typer.Option(
        "--horizon", "-n", metavar="N", show_default=False,
        help="Years to compare, 1 to 30 (default 4), or months such as 18m.")] = None,
    leave_after: Annotated[str | None, typer.Option(
        "--leave-after", metavar="SPAN",
        help="Compare what each offer pays if you leave after 18m or 1.5y (instead of --horizon): equity "
             "vested and forfeited, sign-on repaid.")] = None,
    start: Annotated[str | None, typer.Option(
        "--start", metavar="YYYY-MM",
        help="The month the jobs start, such as 2027-03, for offers that give no start.")] = None,
    growth: Annotated[str | None, typer.Option(
        "--growth", "-g", metavar="RATE[,RATE...]",
        help="Yearly change of equity value for every offer, e.g. 10% or -0.2 (overrides the offers'); "
             "a list such as -20%,0,20% compares each scenario.")] = None,
    target: Annotated[str, typer.Option(
        "--target", metavar="POSITION",
        help="Where in the market total-comp range the ask should reach: 0 (low end) to 1 (high end), "
             "or 0% to 100%.")] = "0.5",
    years: Annotated[str | None, typer.Option(
        "--years", "-y", metavar="N", help="Years of experience, for the market view.")] = None,
    level: Annotated[str | None, _key("level", "entry, mid, senior or staff (market view).", "-l")] = None,
    city: CityOption = None,
    tier: TierOption = None,
    industry: IndustryOption = None,
    specialization: SpecializationOption = None,
    full_lifecycle: FullLifecycleOption = False,
    remote_first: RemoteFirstOption = False,
    ml_focus: MlFocusOption = None,
    fmt: FormatOption = Format.table,
    chart: ChartOption = None,
    export: ExportOption = None,
) -> None:
    """Compare job offers year by year, and against the market.

    Each OFFER is a .toml or .json file, '-' for stdin (once), or key=value,... such as name=Acme,base=240k,bonus=15%.

    Give two or more offers; one is enough with a profile (--years or --level, or years/level in the offer).

    Year k total = base + bonus + equity vesting + one-time cash (sign_on, relocation) + benefits, in year k.

    The best offer (marked *) has the highest total over the horizon; each other offer gets its catch-up equity growth.

    Profile options (--years, --city, ...) fill in what offers leave out and turn on the market view.

    An offer that gives its own years or level keeps them.

    Examples:

        mlcomp compare examples/acme.toml examples/globex.json --years 4

        mlcomp compare name=A,base=240k,equity=400k name=B,base=265k -y 6

        mlcomp compare name=S,base=200k,shares=40k,share_price=20 name=B,base=250k

        mlcomp compare examples/acme.toml examples/globex.json -g -20%,0,20%

        mlcomp compare "name=Offer,base=210k,equity=300k" --years 5 --city nyc

        cat offer.json | mlcomp compare - examples/acme.toml --format json
    """
    from mlcomp import api, inputs
    from mlcomp.engine import profile_values
    from mlcomp.money import parse_rate
    from mlcomp.offers import bonus_cases, check_size, load_offers

    too_few = ("give at least two offers to compare (files, '-' for stdin, or key=value,...), "
               "or one offer with --years or --level for its market view")
    if not offers:
        raise MlcompError(too_few, usage=True)
    growths = growth_rates(growth)
    try:
        goal = parse_rate(target, low=0.0, high=1.0)
    except ValueError as e:
        raise typer.BadParameter(str(e).replace("a rate", "a position"), param_hint="'--target'") from None
    try:
        api.span_of(horizon, leave_after)  # a bad span or start is a usage error before any offer is read
        if start is not None:
            api.start_month(start)
    except MlcompError as e:
        raise as_usage(e) from None
    stdin_once(ctx, *offers)
    saving = exporting(export, fmt is Format.table)
    bands = load(ctx)
    try:
        defaults = profile_values(bands, {
            "years": years, "level": level, "city": city, "tier": tier, "industry": industry,
            "specialization": specialization, "full_lifecycle": full_lifecycle or None,
            "remote_first": remote_first or None, "ml_focus": ml_focus})
    except MlcompError as e:
        raise as_usage(e) from None
    level_note(bands, defaults)
    loaded = load_offers(offers, lambda: inputs.decode(inputs.read_bytes(inputs.STDIN), "stdin"))
    check_size(len(loaded), len(growths) * len(bonus_cases(loaded)), api.span_of(horizon, leave_after)[0])
    results = [api.compare(loaded, horizon=horizon, leave_after=leave_after, start=start, growth=rate, bonus=case,
                           target=goal,
                           years=years, level=level, city=city, tier=tier, industry=industry,
                           specialization=specialization, full_lifecycle=full_lifecycle,
                           remote_first=remote_first, ml_focus=ml_focus, bands=bands)
               for rate in growths for case in bonus_cases(loaded)]  # per growth rate given, per bonus case
    if len(loaded) < 2 and results[0].offers[0].market is None:
        raise MlcompError(too_few, usage=True)
    several = len(results) > 1
    if fmt is Format.json:
        print(render.to_json({"scenarios": [{"growth": r.growth, **r.as_dict()} for r in results]} if several
                             else results[0].as_dict()))
    elif fmt is Format.jsonl:
        sys.stdout.writelines(render.to_json({**render.scenario(r), **o.as_dict()} if several else o.as_dict(),
                                             indent=None) + "\n" for r in results for o in r.offers)
    elif fmt in (Format.csv, Format.tsv):
        render.write_rows((row for r in results for row in render.compare_rows(r, growth=several)),
                          fmt.value, sys.stdout)
    else:
        with saving:
            if several:
                render.scenarios_table(results)
            else:
                render.compare_table(results[0])
            if show_chart(chart, export):
                from mlcomp import charts

                for result in results:
                    charts.compare_chart(result, title=render.scenario_label(result)
                                         if several and (result.growth is not None or result.bonus) else "")
        if not any(o.market for o in results[0].offers):
            sys.stderr.write("Market view: give --years or --level (or years/level in the offers).\n")


def _batch(bands: Any, name: str, input_format: InputFormat | None, on_error: OnError, fmt: Format,
           field: str | None, explain: bool, defaults: dict[str, Any]) -> None:
    """`estimate --input`: stream rows through the engine and out as they come."""
    from mlcomp import batch
    from mlcomp.engine import profile_values

    if fmt is Format.json:
        raise typer.BadParameter("--input writes one object per row: use --format jsonl (or csv, tsv, table)",
                                 param_hint="'--format'")
    if explain:
        raise typer.BadParameter("--explain is for a single estimate; see 'mlcomp factors' for sources",
                                 param_hint="'--explain'")
    defaults = {k: v for k, v in defaults.items() if v is not None}
    try:
        profile_values(bands, defaults)  # a bad option value: a usage error now, not on every row
    except MlcompError as e:
        raise as_usage(e) from None

    stats = batch.Stats()
    out = sys.stdout
    with _frozen(), batch.open_input(name) as stream, _progress() as (counted, report):
        output = "jsonl" if field is not None else fmt.value
        estimator = batch.Estimator(bands, defaults, output=output, report=report,
                                    skip=on_error is OnError.skip, stats=stats)
        given = input_format.value if input_format else None
        if field is None and fmt in (Format.jsonl, Format.csv, Format.tsv):
            out.flush()
            batch.stream(stream, out.buffer, estimator, fmt=given, name=name, output=output, flush=out.isatty(),
                         progress=counted)
        else:
            records = batch.merge(batch.split_estimates(
                counted(batch.read_rows(stream, given, name, header=estimator.plan)), estimator))
            if field is None:
                render.batch_tables(records)
            else:
                first = next(records, None)
                if first is not None:
                    try:
                        render.pick(first, field)
                    except MlcompError as e:
                        raise as_usage(e) from None
                    for record in itertools.chain([first], records):
                        out.write(render.scalar(render.pick(record, field)) + "\n")
    if on_error is OnError.skip:
        sys.stderr.write(stats.summary() + "\n")


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """What is loaded before a batch streams, and the caches it fills, live to its end, and nothing a
    row makes refers to itself, so reference counting frees it all: the garbage collector would only
    walk the caches again and again (a fifth to a third of the run time on a large file). It is off
    while the rows stream (and a million-row run's memory, measured, stays flat)."""
    gc.freeze()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


@contextlib.contextmanager
def _progress() -> Iterator[tuple[Callable[[Iterable[T]], Iterable[T]], Callable[[str], None]]]:
    """Rows read so far and rows/s on stderr, while it is a terminal (and the results go elsewhere);
    otherwise nothing. Yields (a wrapper for the rows, a function that reports a line on stderr)."""

    def plain(message: str) -> None:
        sys.stderr.write(message + "\n")

    if not (sys.stderr is not None and sys.stderr.isatty() and not sys.stdout.isatty()):
        yield (lambda rows: rows), plain
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.completed:,} rows read"),
                  TextColumn("{task.fields[speed]}"), console=render.console(file=sys.stderr), transient=True,
                  redirect_stdout=False, redirect_stderr=False) as progress:
        task = progress.add_task("rows", speed="")

        def counted(rows: Iterable[T]) -> Iterator[T]:
            start = time.perf_counter()
            for i, row in enumerate(rows, 1):
                if not i % 2000:
                    speed = i / max(time.perf_counter() - start, 1e-9)
                    progress.update(task, completed=i, speed=f"{speed:,.0f} rows/s")
                yield row

        def above(message: str) -> None:
            progress.console.print(message, markup=False, highlight=False, soft_wrap=True)

        yield counted, above


@command("bands")
def bands_command(
    ctx: typer.Context,
    check: Annotated[str | None, typer.Option(
        "--check", metavar="FILE",
        help="Validate a bands file (alone or laid over the shipped data; '-' for stdin): every problem with "
             "its key path and line; exit 0 if valid, 1 if not.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show the national pay bands for each level, with their sources.

    --bands FILE (or MLCOMP_BANDS) lays your own file over them; --check validates one.

    Examples:

        mlcomp bands

        mlcomp bands --format json | jq '.[] | {key, low, high}'

        mlcomp bands --check my-bands.toml
    """
    from mlcomp.bands import check_file, level_rows
    from mlcomp.inputs import origin

    if check is not None:
        if check == "":
            raise MlcompError("--check: no file name given; give a TOML file, or '-' for stdin", usage=True)
        stdin_once(ctx, check)
        problems = check_file(check)
        for problem in problems:
            print(one_line(problem))
        if problems:
            raise typer.Exit(EXIT_DATA)
        print(f"{origin(check)}: ok")
        return
    render.listing(level_rows(load(ctx)), fmt.value, [
        ("Level", "key", "key"), ("Aliases", "aliases", "text"), ("Experience", "years", "years"),
        ("Low", "low", "money"), ("Mid", "mid", "money"), ("High", "high", "money"),
        ("Source", "source", "source")])


@command()
def factors(
    ctx: typer.Context,
    fmt: FormatOption = Format.table,
) -> None:
    """List every key you can type and every rule, with aliases, premiums and sources.

    Cities, tiers, industries, specializations and roles, with the premium on the band's low and high end.

    Then the lifecycle, remote-first, cap and total-comp rules.

    Examples:

        mlcomp factors

        mlcomp factors -f json | jq -r '.[] | select(.group == "city") | .key'

        mlcomp factors --format csv > factors.csv
    """
    from mlcomp.bands import factor_rows

    render.listing(factor_rows(load(ctx)), fmt.value, [
        ("Option", "group", "key"), ("Key", "key", "key"), ("Aliases", "aliases", "text"),
        ("Low", "low", "percent"), ("High", "high", "percent"), ("Source", "source", "source")])


def main() -> None:
    app()
