"""The command line's machinery: the one error boundary (`Group.main`), messages on stderr, commands
registered once and built by Typer only when run, each with the profile's options made from
mlcomp.fields, and shell completion. The commands themselves are in mlcomp.cli."""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable
from typing import IO, Annotated, Any, NoReturn, TypeVar

import typer
from typer._click.globals import get_current_context
from typer.core import TyperCommand, TyperGroup

from mlcomp.environment import Environment
from mlcomp.errors import MlcompError, cut, did_you_mean, one_line, shown, wording
from mlcomp.fields import FIELDS, OPTIONS, OUTPUT, PANELS, Field, help_text

EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


# ---- messages ------------------------------------------------------------------------------------

def silence(stream: IO[str] | None) -> None:
    """Point a stream's file at /dev/null, so that Python's own flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # type: ignore[union-attr]


def to_stderr(text: str) -> None:
    """A message on stderr, if it can be written: a stderr that is closed or full (/dev/full) costs
    the message only, never the result on stdout or the exit code."""
    err = sys.stderr
    if err is None:  # closed by the caller (2>&-)
        return
    try:
        err.write(text)
        err.flush()
    except (OSError, ValueError):
        silence(err)


def rendered(error: MlcompError) -> str:
    """What an error prints: its problems, one line each, with the option named for a bad value."""
    option = error.option or (f"--{error.field.replace('_', '-')}" if error.usage and error.field else None)
    return f"Invalid value for '{option}': {error.message}" if option else error.message


def fail(message: str, code: int) -> NoReturn:
    """The one way out with an error: `Error: ...` on stderr, control characters quoted from the
    user's input made visible (a message of several problems keeps one line each)."""
    text = "\n".join(cut(one_line(line), 1000) for line in message.split("\n"))
    to_stderr(f"Error: {text}\n")
    sys.exit(code)


def note(message: str) -> None:
    """A note on stderr, unless the run is --quiet."""
    if not quiet():
        to_stderr(f"note: {one_line(message)}\n")


def quiet() -> bool:
    """Whether this run was given --quiet (held by its Environment, in the root context)."""
    ctx = get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    env = obj.get("env") if isinstance(obj, dict) else None
    return isinstance(env, Environment) and env.quiet


def _set_quiet(ctx: typer.Context, value: bool) -> None:
    obj = ctx.find_root().ensure_object(dict)
    if value and isinstance(obj.get("env"), Environment):
        obj["env"].quiet = True


# --quiet (-q): taken before the command or after it, by every command (prepare gives it to each).
QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", callback=_set_quiet, is_eager=True, expose_value=False, rich_help_panel=OUTPUT,
    help="No notes, hints or progress on stderr (errors are still shown).")]
QUIET = inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=QuietOption)


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


def typer_message(error: typer.TyperException) -> str:
    """What a parsing error of Typer's (click's) says, in this tool's words."""
    message = wording(error.format_message())  # Typer checks some values through pydantic
    ctx = getattr(error, "ctx", None)
    if message and ctx is not None and not isinstance(error, typer.BadParameter):
        message += f" (see '{ctx.command_path} --help')"
    return message


# ---- Typer: commands built when run, their profile options from mlcomp.fields ----------------------
# The reach into Typer's workings is here alone (written against typer 0.29): the subclasses of
# TyperCommand/TyperGroup below, and a command's signature made from the declaration (Typer reads a
# callback's options from inspect.signature). tests/test_help.py checks what they print.

# Each command lives in a one-command Typer app of its own and is turned into a click command only
# when it is run or listed: Typer would otherwise convert every option of every command at each start.
COMMANDS: dict[str, typer.Typer] = {}
PROFILE_AFTER = "__profile_after__"  # on a command that takes the profile: the parameter its options follow

F = TypeVar("F", bound=Callable[..., Any])


def command(name: str | None = None, *, docs: str, profile: tuple[str, ...] | None = None, after: str = "ctx",
            bounds: Callable[[], dict[str, Any]] | None = None, **settings: Any) -> Callable[[F], F]:
    """Register a command (like @app.command()), built lazily by Group.get_command; its help ends by
    naming its page in docs/ (`docs`, e.g. 'estimate.md'). With `profile` (the fields it leaves out),
    the command takes the profile's options, after parameter `after`, and receives them as keyword
    arguments (**profile). `bounds` fills {placeholders} in its options' help with the library's
    constants, when the command is built."""

    def register(function: F) -> F:
        key = name or function.__name__

        @functools.wraps(function)
        def run(*args: Any, quiet: bool = False, **kwargs: Any) -> Any:  # --quiet acts in its callback
            return function(*args, **kwargs)

        setattr(run, PROFILE_AFTER, (after, profile, bounds))
        COMMANDS[key] = one = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        one.command(key, cls=Command, epilog=f"More in docs/{docs}.", **settings)(run)
        return function

    return register


def profile_option(field: Field) -> Any:
    """The Annotated type of one profile field's option: help from the shipped data, keys completed."""
    if field.kind == "flag":
        return Annotated[bool, typer.Option(field.option, help=help_text(field), rich_help_panel=field.panel)]
    names = [field.option] + ([field.short] if field.short else [])
    return Annotated[str | None, typer.Option(
        *names, help=help_text(field), metavar=field.metavar or field.name.upper(), rich_help_panel=field.panel,
        autocompletion=_completer(field.group) if field.group else None)]


def prepare(function: Callable[..., Any]) -> None:
    """Give a command its signature as Typer reads it (once): the profile's options where it takes
    them, and help texts with the bounds filled in."""
    after, exclude, bounds = getattr(function, PROFILE_AFTER)
    if "__signature__" in vars(function):
        return
    own = [p.replace(kind=p.KEYWORD_ONLY) for p in inspect.signature(function, eval_str=True).parameters.values()
           if p.kind is not p.VAR_KEYWORD]
    if bounds is not None:
        values = bounds()
        for param in own:
            for info in getattr(param.annotation, "__metadata__", ()):
                if isinstance(getattr(info, "help", None), str):
                    info.help = info.help.format(**values)
    if exclude is None:
        function.__signature__ = inspect.Signature([*own, QUIET])  # type: ignore[attr-defined]
        return
    at = next(i for i, p in enumerate(own) if p.name == after) + 1
    options = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=False if f.kind == "flag" else None,
                                 annotation=profile_option(f)) for f in FIELDS if f.name not in exclude]
    function.__signature__ = inspect.Signature([*own[:at], *options, *own[at:], QUIET])  # type: ignore[attr-defined]


def plain_flags(params: list[Any]) -> list[Any]:
    """Help shows no type for a flag (Typer would print '<bool>' beside --help and every switch)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """A command whose help lists flags without a type, laid out by `print_help`."""

    def get_params(self, ctx: Any) -> list[Any]:
        return plain_flags(super().get_params(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx)


# ---- help: readable in any terminal, options in panels (fields.PANELS), never an option cut ---------

def print_help(command: Any, ctx: Any) -> None:
    """A command's help on stdout: usage, its text (each example on its lines, continued indented),
    its options in panels (each option's panel is declared with it, fields.PANELS gives the order),
    its subcommands, and where its docs are. Option names and their values are never cut: beside
    their help when the terminal leaves the help 30 columns, above it otherwise."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    out = Console(highlight=False, markup=False, emoji=False)
    out.print(Padding(Text(command.get_usage(ctx), style="bold"), 1))
    doc = inspect.cleandoc(command.help or "").partition("\f")[0]
    prose, _, examples = doc.partition("Examples:")
    for n, paragraph in enumerate(p for p in prose.split("\n\n") if p.strip()):
        out.print(Padding(Text(" ".join(paragraph.split()), style="" if n == 0 else "dim"), (0, 1, 1, 1)))
    if examples.strip():
        out.print(Padding(Text("Examples:", style="dim"), (0, 1, 1, 1)))
        for example in (line.strip() for line in examples.split("\n") if line.strip()):
            wrap = out.width - 5 if len(example) + 5 < out.width else out.width - 9  # 9: a line continued
            for i, line in enumerate(Text(example).wrap(out, wrap)):
                out.print(Text(" " * (5 if i == 0 else 9)) + line, style="dim")
            out.print()
    rows = _help_rows(command, ctx)
    width = max((len(names) for group in rows.values() for names, _ in group), default=0)
    for panel, group in rows.items():
        out.print(_panel(panel, group, width, out.width))
    if command.epilog:
        out.print(Padding(Text(command.epilog), (1, 1, 0, 1)))


def _help_rows(command: Any, ctx: Any) -> dict[str, list[tuple[str, str]]]:
    """(names, help) of each option shown, by panel in the order of fields.PANELS (then the rest),
    and the subcommands of a group. Names read long form first: '--years, -y N'."""
    import re

    panels: dict[str, list[tuple[str, str]]] = {name: [] for name in PANELS}
    for param in command.get_params(ctx):
        record = None if getattr(param, "hidden", False) else param.get_help_record(ctx)
        if record:
            names = re.sub(r"^(-\w), (--[\w-]+)", r"\2, \1", record[0])
            panels.setdefault(getattr(param, "rich_help_panel", None) or OPTIONS, []).append((names, record[1]))
    for name in getattr(command, "list_commands", lambda ctx: [])(ctx):
        sub = command.get_command(ctx, name)
        panels.setdefault("Commands", []).append((name, sub.get_short_help_str(limit=200)))
    return {name: rows for name, rows in panels.items() if rows}


def _panel(title: str, rows: list[tuple[str, str]], names_width: int, width: int) -> Any:
    """A panel of (names, help) rows: side by side when the help keeps 30 columns, else stacked."""
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 2))
    side = width - 4 - names_width - 2 >= 30  # 4: the panel's border and padding
    table.add_column(no_wrap=side, min_width=names_width if side else None)
    if side:
        table.add_column()
    for names, text in rows:
        if side:
            table.add_row(Text(names, style="bold"), Text(text))
        else:
            table.add_row(Text(names, style="bold"))
            table.add_row(Padding(Text(text), (0, 0, 0, 4)))
    return Panel(table, title=title, title_align="left", border_style="dim")


class Group(TyperGroup):
    """Runs the app with every user mistake turned into one line on stderr and an exit code."""

    def get_params(self, ctx: Any) -> list[Any]:
        return plain_flags(super().get_params(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        print_help(self, ctx)

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
            prepare(COMMANDS[cmd_name].registered_commands[0].callback)  # type: ignore[arg-type]
            built = typer.main.get_command(COMMANDS[cmd_name])
            built.name = cmd_name
            self.commands[cmd_name] = built
        return self.commands.get(cmd_name)

    def main(self, *args: Any, **extra: Any) -> Any:
        env = Environment.of_process()
        if env.stdout is None:  # closed by the caller (>&-): results could only be lost
            fail("cannot write output: standard output is closed", EXIT_DATA)
        if os.environ.get(COMPLETE_VAR):  # a shell asks for completions (see --show-completion)
            completion().completion_init()
            extra["complete_var"] = COMPLETE_VAR
        try:
            code = super().main(*args, **{**extra, "obj": {"env": env}, "standalone_mode": False})
            env.stdout.flush()
        except Exception as e:  # the one boundary: `boundary` maps each kind, and raises the rest
            boundary(e)
        sys.exit(code if isinstance(code, int) else 0)


def boundary(error: BaseException) -> NoReturn:
    """The one error boundary: every error becomes one line (or a few) on stderr and an exit code."""
    if isinstance(error, MlcompError):
        fail(rendered(error), EXIT_USAGE if error.usage else EXIT_DATA)
    if isinstance(error, typer.TyperException):
        hint = misplaced(error)
        message = hint or typer_message(error)
        if not message:  # `mlcomp` alone: the help was printed already
            sys.exit(error.exit_code)
        fail(message, EXIT_USAGE if hint else error.exit_code)
    if isinstance(error, typer.Abort):
        fail("aborted", EXIT_DATA)
    if isinstance(error, BrokenPipeError):
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        silence(sys.stdout)
        sys.exit(EXIT_DATA)
    if isinstance(error, OSError):  # e.g. > /dev/full: the output could not be written
        silence(sys.stdout)
        fail(f"{error.filename}: {error.strerror}" if error.filename
             else f"cannot write output: {error.strerror or error}", EXIT_DATA)
    if os.environ.get(COMPLETE_VAR) and isinstance(error, ValueError | KeyError | IndexError):
        fail(f"{COMPLETE_VAR}: not a completion request this shell script makes ({one_line(str(error))})",
             EXIT_DATA)
    raise error


COMPLETE_VAR = "_MLCOMP_COMPLETE"  # what the completion scripts set when they ask for completions
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def completion() -> Any:
    """Typer's completion module: its scripts, and the classes that answer them (completion_init)."""
    from typer import completion

    return completion


def completion_script(shell: str) -> str:
    """The script that makes `shell` complete mlcomp's commands, options and keys."""
    if shell not in SHELLS:
        raise MlcompError(f"unknown shell {shown(shell)}; choose one of: {', '.join(SHELLS)}", usage=True,
                          option="--show-completion")
    script: str = completion().get_completion_script(prog_name="mlcomp", complete_var=COMPLETE_VAR,
                                                     shell=shell)
    return zsh_first_tab(script) if shell == "zsh" else script


ZSH_REGISTER = "compdef _mlcomp_completion mlcomp"
ZSH_EITHER_WAY = """# Autoloaded from a file _mlcomp in $fpath (compinit), this runs at the first Tab: complete now.
# Sourced (source <(mlcomp --show-completion zsh)), it registers the function for the Tabs to come.
if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _mlcomp_completion "$@"
else
  compdef _mlcomp_completion mlcomp
fi"""


def zsh_first_tab(script: str) -> str:
    """Typer's zsh script, made to complete on the first Tab when zsh autoloads it from $fpath: as
    written it only registers its function then, so the first Tab in a new shell did nothing."""
    head, found, tail = script.rpartition(ZSH_REGISTER)
    return head + ZSH_EITHER_WAY + tail if found else script


def show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None and not ctx.resilient_parsing:
        print(completion_script(value.lower()))
        raise typer.Exit()


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
