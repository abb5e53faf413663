"""The command line: parse, call the engine, render. The one place that turns errors into exit codes."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from mlcomp import __version__, render
from mlcomp.errors import MlcompError, did_you_mean, wording

EXIT_DATA, EXIT_USAGE = 1, 2


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


def fail(message: str, code: int) -> NoReturn:
    if sys.stderr is not None:  # None when the caller closed it (2>&-)
        sys.stderr.write(f"Error: {message}\n")
    sys.exit(code)


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


def command(name: str | None = None, **settings: Any) -> Callable[[F], F]:
    """Register a command (like @app.command()), built lazily by Group.get_command."""

    def register(function: F) -> F:
        key = name or function.__name__
        COMMANDS[key] = one = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        one.command(key, cls=Command, **settings)(function)
        return function

    return register


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
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure") and not (stream.encoding or "").lower().startswith("utf"):
                stream.reconfigure(errors="replace")
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
        raise typer.BadParameter(f"unknown shell '{shell}'; choose one of: {', '.join(SHELLS)}",
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
    bands: Annotated[Path | None, typer.Option(
        "--bands", envvar="MLCOMP_BANDS", metavar="FILE", dir_okay=False,
        help="A TOML file laid over the shipped data (same schema as data/bands.toml).")] = None,
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
        obj["bands"] = load_bands(obj.get("bands_file") or "")
    return obj["bands"]


def as_usage(error: MlcompError) -> Exception:
    """A bad option value: exit 2 with the option named (a problem of no one option is raised as is)."""
    if not error.field:
        return MlcompError(error.message, usage=True)
    return typer.BadParameter(error.message, param_hint=f"'--{error.field.replace('_', '-')}'")


def _completer(group: str) -> Any:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        try:
            from mlcomp.bands import load_bands

            names = load_bands(ctx.find_root().params.get("bands") or None).lookup[group]
        except MlcompError:
            return []
        return [name for name in names if name.startswith(incomplete.lower())]

    return complete


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
        raise typer.BadParameter(f"'{value}' is neither .svg nor .html; the extension chooses the format",
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

    saving = exporting(export, fmt is Format.table and field is None and input is None)
    bands = load(ctx)
    if input is not None:
        return _batch(bands, input, input_format, on_error, fmt, field, explain, {
            "years": years, "level": level, "city": city, "tier": tier, "industry": industry,
            "specialization": specialization, "full_lifecycle": full_lifecycle or None,
            "remote_first": remote_first or None, "role": role})
    try:
        result = api.estimate(years=years, level=level, city=city, tier=tier, industry=industry,
                              specialization=specialization, full_lifecycle=full_lifecycle,
                              remote_first=remote_first, role=role, bands=bands)
    except MlcompError as e:
        raise as_usage(e) from None
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
    start: Annotated[int, typer.Option("--from", metavar="N", help="First year of experience.")] = 0,
    end: Annotated[int, typer.Option("--to", metavar="N", help="Last year of experience.")] = 20,
    city: CityOption = None,
    tier: TierOption = None,
    industry: IndustryOption = None,
    specialization: SpecializationOption = None,
    full_lifecycle: FullLifecycleOption = False,
    remote_first: RemoteFirstOption = False,
    role: RoleOption = None,
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

    saving = exporting(export, fmt is Format.table)
    bands = load(ctx)
    try:
        points = run_curve(bands, start, end, city=city, tier=tier, industry=industry,
                           specialization=specialization, full_lifecycle=full_lifecycle,
                           remote_first=remote_first, role=role)
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


@command(options_metavar="[OPTIONS] OFFER OFFER")
def compare(
    ctx: typer.Context,
    offers: Annotated[list[str] | None, typer.Argument(
        metavar="OFFER", show_default=False, hidden=True,
        help="Two or more offers: a .toml or .json file, '-' for stdin (once), "
             "or key=value,... such as name=Acme,base=240k,bonus=15%,equity=400k.")] = None,
    horizon: Annotated[int, typer.Option(
        "--horizon", "-n", min=1, max=30, metavar="N", help="Years to compare, 1 to 30.")] = 4,
    growth: Annotated[str | None, typer.Option(
        "--growth", "-g", metavar="RATE",
        help="Yearly change of equity value for every offer, e.g. 10% or -0.2 "
             "(overrides the offers').")] = None,
    years: Annotated[str | None, typer.Option(
        "--years", "-y", metavar="N", help="Years of experience, for the market view.")] = None,
    level: Annotated[str | None, _key("level", "entry, mid, senior or staff (market view).", "-l")] = None,
    city: CityOption = None,
    tier: TierOption = None,
    industry: IndustryOption = None,
    specialization: SpecializationOption = None,
    full_lifecycle: FullLifecycleOption = False,
    remote_first: RemoteFirstOption = False,
    fmt: FormatOption = Format.table,
    chart: ChartOption = None,
    export: ExportOption = None,
) -> None:
    """Compare two or more job offers year by year, and against the market.

    Each OFFER is a .toml or .json file, '-' for stdin (once), or key=value,... such as name=Acme,base=240k,bonus=15%.

    Year k total = base + bonus + equity vesting in year k + one-time cash (sign_on, relocation) in year k.

    The best offer (marked *) has the highest total over the horizon.

    Profile options (--years, --city, ...) fill in what offers leave out and turn on the market view.

    Examples:

        mlcomp compare examples/acme.toml examples/globex.json --years 4

        mlcomp compare name=A,base=240k,equity=400k name=B,base=265k -y 6

        cat offer.json | mlcomp compare - examples/acme.toml --format json
    """
    from mlcomp import api
    from mlcomp.offers import decode

    if len(offers or []) < 2:
        raise MlcompError("give at least two offers to compare (files, '-' for stdin, or key=value,...)",
                          usage=True)
    saving = exporting(export, fmt is Format.table)
    bands = load(ctx)
    try:
        result = api.compare(offers or [], horizon=horizon, growth=growth, years=years, level=level, city=city,
                             tier=tier, industry=industry, specialization=specialization,
                             full_lifecycle=full_lifecycle, remote_first=remote_first, bands=bands,
                             read_stdin=lambda: decode(sys.stdin.buffer.read(), "stdin"))
    except MlcompError as e:  # a bad option value names the option; a bad offer is reported as it is
        raise (as_usage(e) if e.field else e) from None
    if fmt is Format.json:
        print(render.to_json(result.as_dict()))
    elif fmt is Format.jsonl:
        sys.stdout.writelines(render.to_json(o.as_dict(), indent=None) + "\n" for o in result.offers)
    elif fmt in (Format.csv, Format.tsv):
        render.write_rows(render.compare_rows(result), fmt.value, sys.stdout)
    else:
        with saving:
            render.compare_table(result)
            if show_chart(chart, export):
                from mlcomp import charts

                charts.compare_chart(result)
        if not any(o.market for o in result.offers):
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

    def report(message: str) -> None:
        sys.stderr.write(message + "\n")

    stats = batch.Stats()
    out = sys.stdout
    with batch.open_input(name) as stream:
        rows = batch.read_rows(stream, input_format.value if input_format else None, name)
        pairs = batch.split_estimates(rows, bands, defaults=defaults, skip=on_error is OnError.skip,
                                      report=report, stats=stats)
        records = batch.merge(pairs)
        if field is not None:
            first = next(records, None)
            if first is not None:
                try:
                    render.pick(first, field)
                except MlcompError as e:
                    raise as_usage(e) from None
                for record in itertools.chain([first], records):
                    out.write(render.scalar(render.pick(record, field)) + "\n")
        elif fmt is Format.jsonl:
            batch.write_jsonl(pairs, out, ascii=not (out.encoding or "").lower().startswith("utf"))
        elif fmt in (Format.csv, Format.tsv):
            render.write_rows(map(render.flatten, records), fmt.value, out)
        else:
            render.batch_tables(records)
    if on_error is OnError.skip:
        report(stats.summary())


@command("bands")
def bands_command(
    ctx: typer.Context,
    check: Annotated[Path | None, typer.Option(
        "--check", metavar="FILE", dir_okay=False,
        help="Validate a bands file (alone or laid over the shipped data): every problem with its key path "
             "and line; exit 0 if valid, 1 if not.")] = None,
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

    if check is not None:
        problems = check_file(check)
        for problem in problems:
            print(problem)
        if problems:
            raise typer.Exit(EXIT_DATA)
        print(f"{check}: ok")
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

    Cities, tiers, industries, specializations and roles, with the premium on the band's low and
    high end; then the lifecycle, remote-first, cap and total-comp rules.

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
