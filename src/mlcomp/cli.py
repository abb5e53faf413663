"""The command line: parse, call the engine, render. The one place that turns errors into exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from mlcomp import __version__, render
from mlcomp.errors import MlcompError

EXIT_DATA, EXIT_USAGE = 1, 2


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def fail(message: str, code: int) -> NoReturn:
    if sys.stderr is not None:  # None when the caller closed it (2>&-)
        sys.stderr.write(f"Error: {message}\n")
    sys.exit(code)


def silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's own flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class Group(TyperGroup):
    """Runs the app with every user mistake turned into one line on stderr and an exit code."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure") and not (stream.encoding or "").lower().startswith("utf"):
                stream.reconfigure(errors="replace")
        if sys.stdout is None:  # closed by the caller (>&-): results could only be lost
            fail("cannot write output: standard output is closed", EXIT_DATA)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()
        except MlcompError as e:
            fail(e.message, EXIT_USAGE if e.usage else EXIT_DATA)
        except typer.TyperException as e:
            # Typer checks some values through pydantic, whose wording leaks in ("Value error, ...").
            message = e.format_message().replace(": Value error, ", ": ")
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


app = typer.Typer(
    cls=Group,
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
) -> None:
    ctx.obj = {"bands_file": bands}


def load(ctx: typer.Context) -> Any:
    """The bands for this run, loaded and validated once."""
    from mlcomp.bands import load_bands

    obj = ctx.find_root().obj
    if "bands" not in obj:
        obj["bands"] = load_bands(obj.get("bands_file") or "")
    return obj["bands"]


def as_usage(error: MlcompError) -> typer.BadParameter:
    """A bad option value: exit 2 with the option named."""
    hint = f"'--{error.field.replace('_', '-')}'" if error.field else None
    return typer.BadParameter(error.message, param_hint=hint)


def _completer(group: str) -> Any:
    def complete(incomplete: str) -> list[str]:
        try:
            from mlcomp.bands import load_bands

            names = load_bands().lookup[group]
        except MlcompError:
            return []
        return [name for name in names if name.startswith(incomplete.lower())]

    return complete


def _key(group: str, help: str, short: str | None = None) -> Any:
    names = [f"--{group}"] + ([short] if short else [])
    return typer.Option(*names, help=help, metavar=group.upper(), autocompletion=_completer(
        {"level": "levels", "city": "cities", "tier": "tiers", "industry": "industries",
         "specialization": "specializations", "role": "roles"}[group]))


@app.command()
def estimate(
    ctx: typer.Context,
    years: Annotated[str | None, typer.Option(
        "--years", "-y", metavar="N", help="Years of experience, 0 to 60 (fractions allowed).")] = None,
    level: Annotated[str | None, _key("level", "entry, mid, senior or staff; overrides the level --years gives.",
                                      "-l")] = None,
    city: Annotated[str | None, _key("city", "sf, nyc, seattle, remote or national (default).", "-c")] = None,
    tier: Annotated[str | None, _key("tier", "Company tier: faang, ai-startup, mid-size, consultancy. "
                                     "Default: the market as a whole.", "-t")] = None,
    industry: Annotated[str | None, _key("industry", "quant-finance, autonomous-driving, tech (default), "
                                         "marketing-analytics.", "-i")] = None,
    specialization: Annotated[str | None, _key("specialization", "rl, distributed-training, "
                                               "inference-optimization, generalist (default).", "-s")] = None,
    full_lifecycle: Annotated[bool, typer.Option(
        "--full-lifecycle", help="Covers the whole ML lifecycle (MLOps plus modeling).")] = False,
    remote_first: Annotated[bool, typer.Option(
        "--remote-first", help="The employer pays one national band wherever you live.")] = False,
    role: Annotated[str | None, _key("role", "ml (default) or swe: the equivalent software engineer pay.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    field: Annotated[str | None, typer.Option(
        "--field", metavar="PATH", help="Print one value of the JSON output, e.g. total_comp.mid.")] = None,
    explain: Annotated[bool, typer.Option("--explain", "-e", help="Show each rule's source in the table.")] = False,
) -> None:
    """Estimate base salary and total compensation for a profile.

    Examples:

        mlcomp estimate --years 4 --city sf

        mlcomp estimate --level senior --tier faang --specialization rl --explain

        mlcomp estimate -y 7 -c nyc --format json | jq .total_comp

        offer_floor=$(mlcomp estimate -y 4 -c sf --field base.mid)
    """
    from mlcomp.engine import estimate as run_estimate
    from mlcomp.engine import make_profile

    bands = load(ctx)
    try:
        profile = make_profile(bands, years=years, level=level, city=city, tier=tier, industry=industry,
                               specialization=specialization, full_lifecycle=full_lifecycle,
                               remote_first=remote_first, role=role)
    except MlcompError as e:
        raise as_usage(e) from None
    result = run_estimate(profile, bands)
    data = result.as_dict()
    if field:
        try:
            print(render.scalar(render.pick(data, field)))
        except MlcompError as e:
            raise as_usage(e) from None
    elif fmt is Format.json:
        print(render.to_json(data))
    elif fmt in (Format.csv, Format.tsv):
        render.write_rows([render.flatten(data)], fmt.value, sys.stdout)
    else:
        render.estimate_table(result, bands, explain=explain)


def main() -> None:
    app()
