"""The command line: parse, call the library, render. The one place that turns errors into exit codes
(`Group.main`): the library validates and raises MlcompError; here it becomes one line on stderr."""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NamedTuple, TypeVar

import typer

from mlcomp import __version__, render
from mlcomp.environment import Environment
from mlcomp.errors import MlcompError, did_you_mean, one_line
from mlcomp.fields import DATA, OUTPUT, TAX
from mlcomp.shell import (
    COMMANDS,
    EXIT_DATA,
    EXIT_INTERRUPTED,
    SHELLS,
    Group,
    QuietOption,
    command,
    note,
    show_completion,
    silence,
    to_stderr,
)

__all__ = ["COMMANDS", "SHELLS", "app", "main"]
T = TypeVar("T")


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


class InputFormat(StrEnum):
    csv = "csv"
    tsv = "tsv"
    jsonl = "jsonl"


class OnError(StrEnum):
    stop = "stop"
    skip = "skip"


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
        "--bands", envvar="MLCOMP_BANDS", metavar="FILE", rich_help_panel=DATA,
        help="A TOML file laid over the shipped data (same schema as data/bands.toml); '-' for stdin.")]
        = None,
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", rich_help_panel=OUTPUT,
        help="Print long output straight to the terminal. Otherwise, on a terminal, output "
        "longer than the screen goes through MLCOMP_PAGER, PAGER or less.")] = False,
    quiet: QuietOption = False,
    show_completion: Annotated[str | None, typer.Option(
        "--show-completion", metavar="SHELL", callback=show_completion, is_eager=True, expose_value=False,
        help="Print the completion script for bash, zsh, fish or powershell, "
             "e.g. mlcomp --show-completion zsh > ~/.zfunc/_mlcomp")] = None,
) -> None:
    ctx.ensure_object(dict)["bands_file"] = bands
    if not no_pager and not ctx.resilient_parsing:
        ctx.with_resource(environment(ctx).paging())


# ---- what every command shares -------------------------------------------------------------------

def environment(ctx: typer.Context) -> Environment:
    env: Environment = ctx.find_root().ensure_object(dict).setdefault("env", Environment.of_process())
    return env


def load(ctx: typer.Context) -> Any:
    """The bands for this run, loaded and validated once."""
    from mlcomp.bands import load_bands

    obj = ctx.find_root().ensure_object(dict)
    if "bands" not in obj:
        name = obj.get("bands_file")
        if name == "":
            raise MlcompError("--bands: no file name given; give a TOML file, or '-' for stdin", usage=True)
        obj["bands"] = load_bands(name or "")
    return obj["bands"]


def stdin_once(ctx: typer.Context, *names: str | None) -> None:
    """'-' (stdin) may be read by one argument only: --bands - and an input or offer '-' together cannot be."""
    if ctx.find_root().ensure_object(dict).get("bands_file") == "-" and "-" in names:
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


def notes(said: Iterable[str]) -> None:
    for text in said:
        note(text)


FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", metavar="FORMAT", rich_help_panel=OUTPUT, help="Output format: table, json, jsonl, csv or tsv.")]
AfterTaxOption = Annotated[bool, typer.Option(
    "--after-tax", rich_help_panel=TAX,
    help="Add take-home pay after 2026 federal, state and local tax (see docs/taxes.md).")]
StateOption = Annotated[str | None, typer.Option(
    "--state", metavar="XX", rich_help_panel=TAX,
    help="Two-letter state (or DC) taxed, with --after-tax. Default: the city's state; "
    "none for national or remote.")]
FilingOption = Annotated[str, typer.Option(
    "--filing", metavar="STATUS", rich_help_panel=TAX,
    help="Filing status, with --after-tax: single (default), joint or head.")]
ChartOption = Annotated[bool | None, typer.Option(
    "--chart/--no-chart", rich_help_panel=OUTPUT,
    help="Draw charts with the table. Default: only when the output is a terminal. "
    "Never in JSON, CSV or TSV.")]
ByOption = Annotated[str | None, typer.Option(
    "--by", metavar="COLUMN", rich_help_panel=OUTPUT,
    help="Also the median compa-ratio per value of COLUMN (team, department, ...); "
    "a group of fewer than 5 people is not shown on its own.")]
ExportOption = Annotated[str | None, typer.Option(
    "--export", metavar="FILE", rich_help_panel=OUTPUT,
    help="Also save a report to FILE: a standalone page (.html: the answer, inputs, tables, charts and "
         "sources) or its charts as an image (.svg), to send or print.")]


def show_chart(env: Environment, flag: bool | None) -> bool:
    """--chart / --no-chart when given; otherwise a chart on a terminal."""
    return flag if flag is not None else env.stdout_isatty


def exporting(name: str | None, table: bool) -> None:
    """With --export: a file name the report can be saved to (checked before any work)."""
    if name is None:
        return
    from mlcomp import report

    report.check(name)
    if not table:
        raise MlcompError("only the table can be saved: drop --format, --field or --input, or --export",
                          usage=True, option="--export")


def inputs(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """The profile options given, as a report lists them."""
    return [(key.replace("_", " ").capitalize(), "yes" if value is True else str(value))
            for key, value in profile.items() if value not in (None, False, "")]


# ---- commands ------------------------------------------------------------------------------------
@command(docs="estimate.md", profile=())
def estimate(
    ctx: typer.Context,
    fmt: FormatOption = Format.table,
    field: Annotated[str | None, typer.Option(
        "--field", metavar="PATH", rich_help_panel=OUTPUT,
        help="Print one value of the JSON output, e.g. total_comp.mid.")] = None,
    explain: Annotated[bool, typer.Option("--explain", "-e", rich_help_panel=OUTPUT,
    help="Show each rule's source in the table.")] = False,
    chart: ChartOption = None,
    input: Annotated[str | None, typer.Option(
        "--input", metavar="FILE", rich_help_panel=DATA,
        help="Estimate every row of a CSV/TSV or JSON Lines file ('-' = stdin); "
        "columns are named like the options, other columns are carried through. Options given "
        "fill empty cells.")] = None,
    input_format: Annotated[InputFormat | None, typer.Option(
        "--input-format", rich_help_panel=DATA,
        help="Format of --input. Default: from the extension, else from the first line.")]
        = None,
    on_error: Annotated[OnError, typer.Option(
        "--on-error", rich_help_panel=DATA,
        help="A bad row: stop (exit 1) or skip it (reported on stderr, with a summary).")]
        = OnError.stop,
    review: Annotated[bool, typer.Option(
        "--review", rich_help_panel=OUTPUT,
        help="With --input: a pay review of the rows' pay (see 'mlcomp review').")] = False,
    by: ByOption = None,
    export: ExportOption = None,
    after_tax: AfterTaxOption = False,
    state: StateOption = None,
    filing: FilingOption = "single",
    **profile: Any,
) -> None:
    """Estimate base salary and total compensation for a profile.

    The level comes from --years unless --level is given; the table lists every rule applied.

    Examples:

        mlcomp estimate --years 4 --city sf

        mlcomp estimate --level senior --tier faang --specialization rl --explain

        mlcomp estimate -y 7 -c nyc --format json | jq .total_comp

        offer_floor=$(mlcomp estimate -y 4 -c sf --field base.mid)

        mlcomp estimate --input people.csv --format csv > estimates.csv

        mlcomp estimate -y 4 -c sf --after-tax --filing joint
    """
    from mlcomp import api

    env = environment(ctx)
    _estimate_options(ctx, fmt, field, explain, input)
    tax_options(ctx, after_tax, input)
    if by is not None and not review:
        raise MlcompError("--by needs --review: it groups a pay review's people", usage=True)
    exporting(export, review or (fmt is Format.table and field is None and input is None))
    bands = load(ctx)
    profile = saved_profile(ctx, profile, bands)
    if input is not None:
        return _batch(bands, input, input_format, on_error, fmt, field, explain,
                      {k: v or None for k, v in profile.items()}, env,
                      Review(by, chart, export, inputs(profile)) if review else None)
    result = api.estimate(**profile, bands=bands)
    notes(result.notes)
    pay = estimate_after_tax(result, bands, after_tax, city=where(profile), state=state, filing=filing)
    _show_estimate(env, result, bands, fmt, field, explain, chart, pay)
    if export:
        from mlcomp import report

        report.save(report.estimate_report(result, inputs(profile)), export)


def _estimate_options(ctx: typer.Context, fmt: Format, field: str | None, explain: bool, input: str | None) -> None:
    """Options of estimate that cannot go together."""
    check_format(ctx, fmt, field)
    if explain and field is not None:
        raise conflict("--explain", "--field", "--field prints one value, with no sources")
    if input is None:
        for option, name in (("input_format", "--input-format"), ("on_error", "--on-error"), ("review", "--review")):
            if given(ctx, option):
                raise MlcompError(f"{name} needs --input: it is for reading rows from the --input file",
                                  usage=True)
    stdin_once(ctx, input)


def _show_estimate(env: Environment, result: Any, bands: Any, fmt: Format, field: str | None, explain: bool,
                   chart: bool | None, pay: Any = None) -> None:
    from mlcomp import formats

    data = with_pay(result.as_dict(explain), pay)
    if field is not None or fmt is not Format.table:
        write([formats.flatten(data) if fmt in (Format.csv, Format.tsv) else data], fmt, document=data, field=field)
    else:
        out = env.console()
        render.estimate_table(result, bands, explain=explain, out=out)
        show_after_tax(pay, "Typical total comp after tax", out)
        if show_chart(env, chart):
            from mlcomp import charts

            charts.estimate_chart(result, out=out)


@command("review", docs="review.md", options_metavar="[OPTIONS]", profile=(), after="file")
def review_command(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", show_default=False, hidden=True)],
    by: ByOption = None,
    fmt: FormatOption = Format.table,
    chart: Annotated[bool | None, typer.Option(
        "--chart/--no-chart", rich_help_panel=OUTPUT,
        help="Draw each person on their market range with the summary. Default: when "
        "stderr is a terminal.")] = None,
    input_format: Annotated[InputFormat | None, typer.Option(
        "--input-format", rich_help_panel=DATA,
        help="Format of FILE. Default: from the extension, else from the first line.")] = None,
    on_error: Annotated[OnError, typer.Option(
        "--on-error", rich_help_panel=DATA,
        help="A bad row: stop (exit 1) or skip it (reported on stderr, with a summary).")]
        = OnError.stop,
    export: Annotated[str | None, typer.Option(
        "--export", metavar="FILE", rich_help_panel=OUTPUT,
        help="Also save the review to FILE, to send or print: a page (.html: the answer, the chart, the "
             "summary's tables, sources) or its chart (.svg). The rows and the summary are printed as without "
             "it.")] = None,
    **profile: Any,
) -> None:
    """A pay review: where each person's pay sits in their market range, and what it costs to fix.

    FILE is CSV/TSV or JSON Lines ('-' = stdin) with profile columns (years, city, ...) and pay.

    Pay columns: base, bonus, equity, total_comp, in dollars such as 240000 or 240k. Options fill empty cells.

    Each row is estimated as 'estimate --input' does, and its pay placed in the market's range.

    Per row: compa-ratio (pay / market mid), penetration, verdict, dollars to the market's low and mid.

    Then the summary, on stderr; with --format json, the summary alone, as one JSON object on stdout.

    Examples:

        mlcomp review examples/team.csv

        mlcomp review examples/team.csv --by team -f csv > review.csv

        mlcomp review examples/team.csv -f json | jq .cost

        mlcomp review examples/team.csv -f csv --export review.html > review.csv
    """
    env = environment(ctx)
    stdin_once(ctx, file)
    exporting(export, True)
    bands = load(ctx)
    profile = saved_profile(ctx, profile, bands)
    _batch(bands, file, input_format, on_error, fmt, None, False, {k: v or None for k, v in profile.items()},
           env, Review(by, chart, export, inputs(profile)))


@command(docs="estimate.md#the-career-curve-mlcomp-curve", profile=("years", "level"), after="end")
def curve(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", metavar="N", help="First year of experience.")] = "0",
    end: Annotated[str, typer.Option("--to", metavar="N", help="Last year of experience.")] = "20",
    fmt: FormatOption = Format.table,
    chart: ChartOption = None,
    export: ExportOption = None,
    after_tax: AfterTaxOption = False,
    state: StateOption = None,
    filing: FilingOption = "single",
    **profile: Any,
) -> None:
    """How the estimate grows with experience: base and total-comp ranges for each year, 0 to 20.

    The level follows the years; a line marks where it changes. On a terminal each row gets a bar.

    Examples:

        mlcomp curve --city sf --tier faang

        mlcomp curve -c nyc --from 3 --to 12 --format csv

        mlcomp curve -c sf -f json | jq '.[] | [.years, .total_comp.mid]'

        mlcomp curve -c seattle --after-tax --to 10
    """
    from mlcomp.curve import curve as run_curve

    env = environment(ctx)
    tax_options(ctx, after_tax, None)
    exporting(export, fmt is Format.table)
    bands = load(ctx)
    profile = saved_profile(ctx, profile, bands)
    points = run_curve(bands, start, end, **profile)
    taxed = [estimate_after_tax(p, bands, after_tax, city=where(profile), state=state, filing=filing)
             for p in points]
    _show_curve(env, points, fmt, chart, export, taxed)


def _show_curve(env: Environment, points: list[Any], fmt: Format, chart: bool | None, export: str | None,
                taxed: list[Any]) -> None:
    from mlcomp import formats
    from mlcomp.curve import as_dict

    if fmt is not Format.table:
        flat = fmt in (Format.csv, Format.tsv)
        rows = [with_pay(as_dict(p), pay) for p, pay in zip(points, taxed, strict=True)]
        write([formats.flatten(row) if flat else row for row in rows], fmt)
        return
    from mlcomp import charts

    labels = [a.label for a in points[0].adjustments if a.factor != "cap"] or ["national band"]
    title = f"ML engineer pay by years of experience: {', '.join(labels)}"
    charts.curve_table(points, title, out=env.console(), chart=show_chart(env, chart))
    show_curve_after_tax(points, taxed, env.console())
    if export:
        from mlcomp import report

        report.save(report.curve_report(points, title), export)


def growth_rates(text: str | None) -> list[str | None]:
    """--growth: one rate or a comma-separated list ("-20%,0,20%"); none given: each offer's own."""
    return [None] if text is None else list[str | None](text.split(","))


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


def _compare_bounds() -> dict[str, Any]:
    from mlcomp.offers import MAX_HORIZON, MAX_SCENARIOS

    return {"max_horizon": MAX_HORIZON, "max_scenarios": MAX_SCENARIOS}


@command(docs="compare.md", options_metavar="[OPTIONS] OFFER", profile=(), after="target",
         bounds=_compare_bounds)
def compare(
    ctx: typer.Context,
    offers: Annotated[list[str] | None, typer.Argument(
        metavar="OFFER", show_default=False, hidden=True, autocompletion=_offer_completion,
        help="Offers: a .toml or .json file, '-' for stdin (once), or key=value,... such as "
             "name=Acme,base=240k,bonus=15%,equity=400k. Two or more; one is enough with a profile "
             "(--years or --level, or years/level in the offer).")] = None,
    horizon: Annotated[str | None, typer.Option(
        "--horizon", "-n", metavar="N", show_default=False,
        help="Years to compare, 1 to {max_horizon} (default 4), or months such as 18m.")] = None,
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
             "a list such as -20%,0,20% (at most {max_scenarios}) compares each scenario.")] = None,
    target: Annotated[str, typer.Option(
        "--target", metavar="POSITION",
        help="Where in the market total-comp range the ask should reach: 0 (low end) to 1 (high end), "
             "or 0% to 100%.")] = "0.5",
    fmt: FormatOption = Format.table,
    chart: ChartOption = None,
    detail: Annotated[bool | None, typer.Option(
        "--detail/--no-detail", rich_help_panel=OUTPUT,
        help="Show each year's rows under the answer. Default: when the output is "
        "not a terminal, or the terminal is tall enough for them.")] = None,
    export: ExportOption = None,
    after_tax: AfterTaxOption = False,
    state: StateOption = None,
    filing: FilingOption = "single",
    **profile: Any,
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

        mlcomp compare examples/bigco.toml examples/startup.json -c sf --after-tax
    """
    from mlcomp import api

    env = environment(ctx)
    if not offers:
        raise MlcompError(api.TOO_FEW, usage=True)
    tax_options(ctx, after_tax, None, scenarios=len(growth_rates(growth)))
    stdin_once(ctx, *offers)
    exporting(export, fmt is Format.table)
    bands = load(ctx)
    profile = saved_profile(ctx, profile, bands)
    results = api.scenarios(offers, growth_rates(growth), horizon=horizon, target=target, leave_after=leave_after,
                            start=start, **profile, bands=bands)
    notes(results[0].notes)
    taxed = offers_after_tax(results[0], bands, after_tax, city=where(profile), state=state, filing=filing)
    _show_compare(env, results, fmt, chart, detail, taxed)
    if export:
        from mlcomp import report

        report.save(report.compare_report(results[0]), export)


def _show_compare(env: Environment, results: list[Any], fmt: Format, chart: bool | None, detail: bool | None,
                  taxed: dict[str, Any] | None = None) -> None:
    if fmt is not Format.table:
        compared(results, fmt, taxed)
        return
    several = len(results) > 1
    if several:
        render.scenarios_table(results, out=env.console())
    else:
        render.compare_table(results[0], out=env.console(), detail=detail)
    show_offers_after_tax(taxed, results[0], env.console())
    if show_chart(env, chart):
        from mlcomp import charts

        for result in results:
            charts.compare_chart(result, env.console(), title=render.scenario_label(result)
                                 if several and (result.growth is not None or result.bonus) else "")
    if not any(o.market for o in results[0].offers):
        to_stderr("Market view: give --years or --level (or years/level in the offers).\n")


# ---- --after-tax: take-home pay, from mlcomp.taxes (read only when asked for) ----------------------
def tax_options(ctx: typer.Context, after_tax: bool, input: str | None, scenarios: int = 1) -> None:
    """--state and --filing belong to --after-tax, which works on one estimate or one scenario."""
    for option, name in (("state", "--state"), ("filing", "--filing")):
        if given(ctx, option) and not after_tax:
            raise MlcompError(f"{name} needs --after-tax: it says how the pay is taxed", usage=True)
    if after_tax and input is not None:
        raise conflict("--after-tax", "--input", "take-home pay is computed for one estimate at a time")
    if after_tax and scenarios > 1:
        raise conflict("--after-tax", "a list of --growth rates", "take-home pay is computed for one scenario")


def where(profile: dict[str, Any]) -> str | None:
    """The city whose state taxes the pay: none for remote-first pay (one national band)."""
    return None if profile.get("remote_first") in (True, "true", "yes", "1") else profile.get("city")


def estimate_after_tax(result: Any, bands: Any, after_tax: bool, *, city: str | None, state: str | None,
                       filing: str) -> Any:
    """With --after-tax, take-home pay on the estimate's typical total comp: the base as wages, the
    rest (bonus and equity) as supplemental pay. None without it (the tax data is not read)."""
    if not after_tax:
        return None
    from mlcomp.taxes import take_home

    p = result.position
    base, total = result.base.typical(p), result.total_comp.typical(p)
    key = bands.resolve("cities", city) if city else bands.defaults.city
    return take_home(base, supplemental=total - base, state=state, filing=filing, city=key)


def with_pay(data: dict[str, Any], pay: Any) -> dict[str, Any]:
    return {**data, "after_tax": pay.as_dict()} if pay is not None else data


def show_after_tax(pay: Any, title: str, out: Any) -> None:
    if pay is not None:
        from mlcomp.taxview import take_home_table

        take_home_table(pay, title=title, out=out)


def show_curve_after_tax(points: list[Any], taxed: list[Any], out: Any) -> None:
    if taxed and taxed[0] is not None:
        from mlcomp.taxview import curve_table

        curve_table(points, taxed, out=out)


def offers_after_tax(comparison: Any, bands: Any, after_tax: bool, *, city: str | None, state: str | None,
                     filing: str) -> dict[str, Any] | None:
    """With --after-tax, each offer's take-home pay by name: taxed in the offer's own `state` or
    city, else --state or --city's. None without it (the tax data is not read)."""
    if not after_tax:
        return None
    from mlcomp import aftertax

    found = {}
    for result in comparison.offers:
        place = result.city or city
        try:
            found[result.name] = aftertax.offer_after_tax(
                result, state=result.state or state, city=bands.resolve("cities", place) if place else None,
                filing=filing)
        except MlcompError as e:
            if result.state or result.city:
                key = "state" if result.state else "city"
                raise MlcompError(f"{result.origin}: {key}: {e.message}", usage=result.inline) from None
            raise
    return found


def with_offer_tax(data: dict[str, Any], taxed: dict[str, Any] | None) -> dict[str, Any]:
    """The comparison's (or one offer's) JSON with each offer's `after_tax`, and `after_tax_best`."""
    if taxed is None:
        return data
    if "offers" not in data:
        return {**data, "after_tax": taxed[data["name"]].as_dict()}
    from mlcomp.aftertax import best

    return {**data, "offers": [with_offer_tax(o, taxed) for o in data["offers"]],
            "after_tax_best": best(taxed.values())}


def tax_rows(rows: Any, taxed: dict[str, Any] | None) -> Any:
    """CSV rows of a comparison with the year's taxes, one column each (after_tax_net, ...); the state
    premiums as their sum alone (offers taxed in different states have different premiums)."""
    from mlcomp import formats

    for row in rows:
        pay = taxed[row["name"]].by_year[row["year"] - 1].as_dict() if taxed else {}
        pay.pop("payroll", None)
        yield {**row, **formats.flatten(pay, "after_tax_")}


def show_offers_after_tax(taxed: dict[str, Any] | None, comparison: Any, out: Any) -> None:
    if taxed is not None:
        from mlcomp.taxview import offers_table

        offers_table(list(taxed.values()), comparison, out=out)


def compared(results: list[Any], fmt: Format, taxed: dict[str, Any] | None = None) -> None:
    """compare's results in a data format: an offer per line (JSON Lines), a row per offer and year
    (CSV, TSV), the comparison itself (JSON); with several growth rates, a scenario each."""
    from mlcomp import formats

    several = len(results) > 1
    if fmt in (Format.csv, Format.tsv):
        write((row for r in results for row in tax_rows(formats.compare_rows(r, growth=several), taxed)), fmt)
    else:
        write(({**formats.scenario(r), **o.as_dict()} if several else with_offer_tax(o.as_dict(), taxed)
               for r in results for o in r.offers),
              fmt, document={"scenarios": [{"growth": r.growth, **r.as_dict()} for r in results]} if several
              else with_offer_tax(results[0].as_dict(), taxed))


class Review(NamedTuple):
    """A pay review of a batch: its --by column, --chart, --export file and the options given (for
    the exported page's inputs)."""

    by: str | None
    chart: bool | None
    export: str | None = None
    inputs: Sequence[tuple[str, str]] = ()


def _batch(bands: Any, name: str, input_format: InputFormat | None, on_error: OnError, fmt: Format,
           field: str | None, explain: bool, defaults: dict[str, Any], env: Environment,
           review: Review | None = None) -> None:
    """`estimate --input`: stream rows through the engine and out as they come; with `review`, the
    review's summary after them (with --format json, the summary alone)."""
    from mlcomp import batch
    from mlcomp.engine import profile_values
    from mlcomp.review import Summary

    if fmt is Format.json and review is None:
        raise MlcompError("--input writes one object per row: use --format jsonl (or csv, tsv, table)",
                          usage=True, option="--format")
    if explain and fmt is Format.table:
        raise conflict("--explain", "--input", "a batch's table has no sources; use --format jsonl, csv or tsv")
    defaults = {k: v for k, v in defaults.items() if v is not None}
    profile_values(bands, defaults)  # a bad option value: a usage error now, not on every row

    stats = batch.Stats()
    summary = None if review is None else Summary(by=review.by)
    out = sys.stdout
    blocking(out)
    with _frozen(), batch.open_input(name) as stream, _progress(env, stream, name) as meter:
        output = "none" if fmt is Format.json else fmt.value if field is None else "field"  # json: the summary
        estimator = batch.Estimator(bands, defaults, output=output, report=_reporter(env, meter),
                                    skip=on_error is OnError.skip, stats=stats, explain=explain, summary=summary)
        given = input_format.value if input_format else None
        counted = (lambda rows: rows) if meter is None else meter.counted
        try:
            _write_batch(env, stream, estimator, fmt, field, Source(given, name, output, counted))
        except KeyboardInterrupt:
            _stopped(meter, stats, exact=fmt is not Format.table or field is not None)
    if on_error is OnError.skip:
        messages(env).write(stats.summary("written" if review is None else "reviewed") + "\n")
    if summary is not None and review is not None:
        _show_review(env, bands, summary, stats, fmt, review, name)


class Source(NamedTuple):
    """How a batch's rows are read: the input's format (None: guessed), its name, the output's format,
    and the wrapper that counts the rows (progress)."""
    fmt: str | None
    name: str
    output: str
    counted: Callable[[Any], Any]


def _write_batch(env: Environment, stream: Any, estimator: Any, fmt: Format, field: str | None,
                 source: Source) -> None:
    """The rows, estimated, out as they come: JSON Lines, CSV or TSV straight to stdout's bytes, a
    table or one field through the writer; with --format json (a review's summary) nowhere."""
    from mlcomp import batch

    read: dict[str, Any] = {"fmt": source.fmt, "name": source.name, "progress": source.counted}
    if fmt is Format.json:  # the summary alone: the rows are reviewed, not written
        with open(os.devnull, "wb") as nowhere:
            batch.stream(stream, nowhere, estimator, output=source.output, **read)
    elif field is None and fmt is not Format.table:
        sys.stdout.flush()
        batch.stream(stream, sys.stdout.buffer, estimator, output=source.output, flush=sys.stdout.isatty(),
                     **read)
    else:
        records = batch.records(stream, estimator, **read)
        if field is None:
            render.batch_tables(records, out=env.console())
        else:
            write(records, fmt, field=field)


def _show_review(env: Environment, bands: Any, summary: Any, stats: Any, fmt: Format, review: Review,
                 name: str) -> None:
    """A review's summary: its own JSON object on stdout with --format json; otherwise for people, on
    stderr (the rows are on stdout), with a chart when stderr is a terminal (or --chart). With
    --export, also the page (or the chart) made from the same summary."""
    data = summary.as_dict(skipped=stats.skipped)
    if not data["people"]:
        raise MlcompError(_nothing_reviewed(stats, name))
    order = list(bands.levels)
    levels = sorted(summary.chart(), key=lambda level: order.index(level["level"]))
    if fmt is Format.json:
        write([data], fmt, document=data)
    else:
        out = env.console(messages(env))
        out.print()
        render.review_summary(data, out=out)
        if review.chart if review.chart is not None else env.stderr_isatty:
            from mlcomp import charts

            charts.review_chart(levels, out)
    if review.export:
        from mlcomp import report

        report.save(report.review_report(data, levels, name, review.inputs), review.export)


def _nothing_reviewed(stats: Any, name: str) -> str:
    """Why a review has no one to summarise: no rows, every row skipped, or no row with pay."""
    from mlcomp.inputs import origin

    if not stats.read:
        return f"{origin(name)}: no rows to review"
    if stats.skipped == stats.read:
        return f"every row was skipped ({stats.skipped:,} of {stats.read:,}): nothing to review"
    rows = f"{stats.written:,} reviewed" + (f", {stats.skipped:,} skipped" if stats.skipped else "")
    return (f"no row gives pay: base and total_comp are empty or missing in every row ({rows}); "
            "a pay review needs one of them, in dollars such as 240000 or 240k")


def messages(env: Environment) -> Any:
    """Where a batch's messages and a review's summary go: stderr; but while stdout is paged on the
    terminal that stderr is on too, through the pager after what was printed before them (as git does),
    never over the screen the pager draws."""
    from mlcomp.environment import Paged

    return env.stdout if env.stderr_isatty and isinstance(env.stdout, Paged) else sys.stderr


def _reporter(env: Environment, meter: Any) -> Callable[[str], None]:
    """How a batch reports a bad row or a note: a line on stderr (above the progress line); notes not
    with --quiet."""

    def report(message: str) -> None:
        if env.quiet and message.startswith("note: "):
            return
        if meter is None:
            messages(env).write(message + "\n")
        else:
            meter.above(message)

    return report


def _stopped(meter: Any, stats: Any, exact: bool) -> None:
    """After Ctrl-C in a batch: the output's complete rows flushed, and on a terminal how many they are."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    if meter is not None:
        meter.erase()
        to_stderr(meter.stopped(stats.out if exact else None) + "\n")
        meter.draw = False
    raise KeyboardInterrupt


def blocking(stream: Any) -> None:
    """A stream handed over non-blocking (as some CI runners and Node.js do) made blocking, so that
    every write completes instead of failing half-way with EAGAIN."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        fd = stream.fileno()
        if not os.get_blocking(fd):
            os.set_blocking(fd, True)


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
def _progress(env: Environment, stream: Any, name: str) -> Iterator[Any]:
    """A batch's progress meter (mlcomp.progress) while stderr is a terminal, drawn while the results
    go elsewhere, with a summary at the end; after Ctrl-C, how many rows the output holds. None
    otherwise (and with --quiet): the rows are not wrapped at all."""
    err = sys.stderr
    if env.quiet or err is None or not env.stderr_isatty:
        yield None
        return
    from mlcomp.progress import Meter, position_of

    if name == "-" and sys.stdin is not None and sys.stdin.isatty():
        to_stderr(f"reading rows from the terminal; end with {'Ctrl-Z, Enter' if os.name == 'nt' else 'Ctrl-D'}\n")
    size, position = position_of(stream)
    meter = Meter(messages(env), draw=not env.stdout_isatty, size=size, position=position,
                  width=shutil.get_terminal_size().columns)
    try:
        yield meter
    finally:
        meter.erase()
    if meter.draw:
        to_stderr(meter.summary() + "\n")


@command("bands", docs="data.md")
def bands_command(
    ctx: typer.Context,
    check: Annotated[str | None, typer.Option(
        "--check", metavar="FILE", rich_help_panel=DATA,
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
    listing(ctx, level_rows(load(ctx)), fmt, [
        ("Level", "key", "key"), ("Aliases", "aliases", "text"), ("Experience", "years", "years"),
        ("Low", "low", "money"), ("Mid", "mid", "money"), ("High", "high", "money"),
        ("Source", "source", "source")], drop=("Mid", "Aliases"))


@command(docs="data.md")
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

    listing(ctx, factor_rows(load(ctx)), fmt, [
        ("Option", "group", "group"), ("Key", "key", "key"), ("Aliases", "aliases", "text"),
        ("Low", "low", "percent"), ("High", "high", "percent"), ("Source", "source", "source")], drop=("Aliases",))


# ---- the saved profile, templates, help ------------------------------------------------------------
def saved_profile(ctx: typer.Context, profile: dict[str, Any], bands: Any) -> dict[str, Any]:
    """The profile options, with the saved profile's values (mlcomp.config) for those the command line
    does not give; years and level go together (either given: neither is taken from the file). A
    note says which values were taken, and from where."""
    from mlcomp import config

    where = config.path()
    values = config.saved(where, bands)
    if not values:
        return profile
    pair = ("years", "level")
    taken = {name: value for name, value in values.items() if name in profile and not given(ctx, name)
             and not (name in pair and any(given(ctx, other) for other in pair if other in profile))}
    if not taken:
        return profile
    note(f"saved defaults ({config.shown_path(where)}): "
         + ", ".join(config.described(name, value) for name, value in taken.items()))
    return {**profile, **{name: config.option_text(value) for name, value in taken.items()}}


class ConfigAction(StrEnum):
    show = "show"
    set = "set"
    unset = "unset"
    path = "path"


@command("config", docs="scripting.md")
def config_command(
    ctx: typer.Context,
    action: Annotated[ConfigAction, typer.Argument(
        metavar="ACTION", help="show (the default), set KEY VALUE..., unset KEY... or path. KEY: a profile "
        "field, named as its option is (years, city, remote_first, ...).")] = ConfigAction.show,
    words: Annotated[list[str] | None, typer.Argument(
        metavar="KEY VALUE", show_default=False, hidden=True,
        help="The profile's fields, as the options are named (years, city, remote_first, ...).")] = None,
) -> None:
    """Save a profile, so that commands need not be given it again: mlcomp config set years 4 city sf.

    A saved value is a default: an option on the command line wins.

    Batch rows and offer files keep their own values: it fills only what they leave empty.

    A note on stderr names the values used; 'mlcomp config show' says where each comes from.

    The file is config.toml in the platform's config directory ('mlcomp config path'), or MLCOMP_CONFIG's.

    Examples:

        mlcomp config set years 4 city sf

        mlcomp config show

        mlcomp config unset city

        MLCOMP_CONFIG=./team.toml mlcomp estimate --tier faang
    """
    from mlcomp import config

    where = config.path()
    if action is ConfigAction.path:
        print(where)
        return
    if action is ConfigAction.show:
        if words:
            raise MlcompError("config show takes no keys", usage=True)
        print(config.show(where, load(ctx), environment(ctx).console().width))
        return
    current = config.read(where, strict=False)
    if action is ConfigAction.set:
        changed = config.checked(config.pairs(words or []), load(ctx))
        if not changed:
            raise MlcompError("config set: give KEY VALUE pairs, such as: years 4 city sf", usage=True)
        current = {**current, **changed}
    else:
        if not words:
            raise MlcompError("config unset: give the keys to remove, such as: city", usage=True)
        gone = config.keys(words, present=current)
        current = {k: v for k, v in current.items() if k not in gone}
    config.write(where, current)
    note(f"saved in {config.shown_path(where)}")


class Template(StrEnum):
    offer = "offer"


@command("new", docs="compare.md")
def new_command(
    kind: Annotated[Template, typer.Argument(metavar="KIND", help="What to write: offer.")],
) -> None:
    """Print a file to fill in: mlcomp new offer > offer.toml writes every key an offer takes, commented.

    The name and base are filled in; every other key is commented out, with an example value.

    Fill in what the offer says, uncomment those lines, and compare it.

    Examples:

        mlcomp new offer > offer.toml

        mlcomp compare offer.toml "name=Other,base=230k,equity=300k" --years 4

        mlcomp new offer | grep vesting
    """
    from mlcomp import templates

    sys.stdout.write(templates.offer())


@command("help", docs="scripting.md")
def help_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(metavar="COMMAND", hidden=True, show_default=False)] = None,
) -> None:
    """Show a command's help: mlcomp help estimate is mlcomp estimate --help.

    Without a command: the list of commands, as mlcomp --help shows it.

    Examples:

        mlcomp help

        mlcomp help estimate

        mlcomp help compare
    """
    root = ctx.find_root()
    if name is None:
        print(root.get_help())
        return
    group = root.command
    if name not in COMMANDS:
        raise MlcompError(f"no command '{name}'.{did_you_mean(name, COMMANDS)} Commands: {', '.join(COMMANDS)}.",
                          usage=True)
    sub = group.get_command(root, name)  # type: ignore[attr-defined]
    with sub.make_context(name, ["--help"], parent=root):
        pass  # --help prints the help, and exits


def write(rows: Iterable[dict[str, Any]], fmt: Format, *, document: Any = None, field: str | None = None) -> None:
    """Rows on stdout in a data format, or one field of each (see formats.write): the one writer."""
    from mlcomp import formats

    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    if field is not None:
        formats.pick(first, field)  # a path that is not there: a usage error, before any output
    formats.write(itertools.chain([first], rows), fmt.value, sys.stdout, document=document, field=field)


def listing(ctx: typer.Context, rows: list[dict[str, Any]], fmt: Format, columns: list[tuple[str, str, str]],
            drop: tuple[str, ...] = ()) -> None:
    """`bands` and `factors`: a table of `columns` (a narrow terminal loses those in `drop` first), or
    the rows in a data format."""
    from mlcomp import formats

    if fmt is Format.table:
        render.listing(rows, columns, screen=environment(ctx).console(), drop=drop)
    else:
        write([formats.listing_row(row) if fmt in (Format.csv, Format.tsv) else row for row in rows], fmt,
              document=rows)


def main() -> None:
    """The command (see mlcomp.entry, which catches an interrupt while this module is imported)."""
    try:
        app()
    except KeyboardInterrupt:
        silence(sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
