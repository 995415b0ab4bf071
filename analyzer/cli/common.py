"""What every ``callcoach`` command shares: exit codes, the shared options, and error output.

Exit codes:

- ``EXIT_OK`` (0): done.
- ``EXIT_FINDINGS`` (1): ``--fail-on`` was given and feedback of that
  severity or worse was found; for ``evaluate``, some gold files could not
  be evaluated; for ``score``, some files could not be scored.
- ``EXIT_INPUT_ERROR`` (2): bad input: a transcript, roles file, config or
  option the analyzer cannot use (click's own usage errors are 2 as well).
- ``EXIT_INTERNAL_ERROR`` (3): a bug. The message is one short line; run
  again with ``--debug`` (before or after the command's name) to see the
  traceback for a report.
- ``EXIT_INTERRUPTED`` (130, the shell's code for Ctrl-C): stopped by the
  user.

An output that cannot be written (a full disk, a closed pipe) is no bug:
it is said in one line, with ``EXIT_INPUT_ERROR``.
"""
from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2
EXIT_INTERNAL_ERROR = 3
EXIT_INTERRUPTED = 130

FORMAT_CHOICES = ("txt", "vtt", "srt", "otter", "csv", "json", "assemblyai", "deepgram", "aws", "gong", "whisper", "callcoach")
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}

#: ``--format``: force a transcript format.
format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMAT_CHOICES), help="Force the transcript format instead of detecting it."
)
#: ``--config``: a thresholds file.
config_option = click.option(
    "--config", type=click.Path(dir_okay=False), help="A thresholds file overriding analyzer/defaults.cfg."
)
#: ``--base-model``: a spaCy pipeline to build on.
base_model_option = click.option(
    "--base-model", help="An installed spaCy pipeline to build on (default: a blank English one)."
)
#: ``--trackers``: the phrases counted on every call.
trackers_option = click.option(
    "--trackers",
    "trackers_path",
    metavar="FILE",
    help="A trackers file (TOML or JSON Lines) used instead of the shipped trackers; 'none' for no trackers.",
)
#: ``--taggers``: the taggers' trained sentence models.
taggers_option = click.option(
    "--taggers",
    default="default",
    show_default=True,
    metavar="DIR",
    help="The taggers' sentence models: a folder from `callcoach train-taggers`, or 'none' for the phrase rules alone.",
)
#: ``--model``: a classifier file (``--no-model`` differs per command in its help).
model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False),
    help="A classifier trained with `callcoach train` (default: the shipped one).",
)


def err(message: str) -> None:
    """Print ``callcoach: error: MESSAGE`` on stderr."""
    click.echo(f"callcoach: error: {message}", err=True)


def model_arg(model_path: str | None, no_model: bool):
    """The ``model`` argument of the analyzer for ``--model``/``--no-model``."""
    if no_model:
        return None
    return model_path or "default"


def model_line(model) -> str:
    """``model: NAME, parameters sha256:DIGEST (PATH)`` for the model a command uses
    (``"default"``, a path or None), read from its card without loading it."""
    from ..display import shown_path
    from ..errors import CallcoachError
    from ..modelfile import model_identity

    if model is None:
        return "model: none (no score)"
    try:
        found = model_identity(model)
    except CallcoachError as exc:
        return f"model: cannot be read ({exc})"
    if found is None:
        return "model: none shipped (no score)"
    digest = f"sha256:{found['digest']}" if found["digest"] else "no digest recorded"
    return f"model: {found['name']}, parameters {digest} ({shown_path(found['path'])})"


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from ..about import __version__

    click.echo(f"callcoach, version {__version__}")
    click.echo(model_line("default"))
    ctx.exit()


#: ``--version``: the version, and the shipped model's name and parameters digest.
version_option = click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
    help="Show the version and the model (its name and parameters digest), then exit.",
)  # fmt: skip


def load_thresholds(config: str | None):
    """The thresholds of ``--config``, or the defaults."""
    from ..config import Thresholds, default_thresholds

    return Thresholds.from_file(config) if config else default_thresholds()


#: ``ctx.meta`` key (shared by every context of one run) set by ``--debug``.
DEBUG_KEY = "callcoach.debug"
DEBUG_HELP = "On an internal error, print the traceback (for a bug report)."


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[DEBUG_KEY] = True


def debug_option() -> click.Option:
    """A ``--debug`` flag; it sets :data:`DEBUG_KEY` and is not passed to the command."""
    return click.Option(["--debug"], is_flag=True, expose_value=False, is_eager=True, callback=_set_debug, help=DEBUG_HELP)


def debug_enabled() -> bool:
    """Whether ``--debug`` was given (or ``CALLCOACH_DEBUG`` is set to something other than 0)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(DEBUG_KEY):
        return True
    return os.environ.get("CALLCOACH_DEBUG", "") not in ("", "0")


def internal_error(what: str, exc: BaseException | None = None, *, note: str = "") -> NoReturn:
    """Report a bug in one line on stderr and exit with ``EXIT_INTERNAL_ERROR``.

    what (str): what was being done ("analysing call.vtt").
    exc (BaseException | None): the error; defaults to the one being handled.
    note (str): a sentence to add, e.g. what was kept of the work.
    The traceback is printed only with ``--debug``.
    """
    exc = exc if exc is not None else sys.exc_info()[1]
    debug = debug_enabled()
    if debug and exc is not None:
        click.echo("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(), err=True)
    detail = f"{type(exc).__name__}: {exc}" if exc is not None else "unknown error"
    message = f"internal error while {what} ({detail}). This is a bug in callcoach; please report it"
    message += "." if debug else ", with the traceback that --debug prints."
    if note:
        message += " " + note
    err(message)
    sys.exit(EXIT_INTERNAL_ERROR)


class CommandGroup(click.Group):
    """The ``callcoach`` group: ``--debug`` on the group and on every command, and no
    raw traceback from any command: an unexpected error exits with
    ``EXIT_INTERNAL_ERROR`` and one line (:func:`internal_error`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(debug_option())

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any(p.name == "debug" for p in cmd.params):
            cmd.params.append(debug_option())
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except (click.exceptions.Abort, KeyboardInterrupt):
            err("interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except OSError as exc:  # the machine's, not the call's: a full disk, a pipe closed early
            _quiet_stdout()
            err(f"cannot go on: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
            sys.exit(EXIT_INPUT_ERROR)
        except Exception as exc:  # noqa: BLE001 - every bug ends the same way
            command = ctx.invoked_subcommand
            internal_error(f"running `callcoach {command}`" if command else "running callcoach", exc)


def _quiet_stdout() -> None:
    """Point standard output at nothing, so that what Python flushes at exit
    into a full disk or a closed pipe raises no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test's captured output)
        pass


def load_limits(config: str | None):
    """The ``[limits]`` of ``--config`` (over the defaults), or the defaults."""
    from ..config import Limits, default_limits

    return Limits.from_file(config) if config else default_limits()


#: The width tables print at when standard output is not a terminal (a file, a
#: pipe): wide enough for the side-by-side tables, whose columns would
#: otherwise be cut to a character or two.
PIPED_TABLE_WIDTH = 200


def table_console():
    """A console for the tables of ``evaluate`` and ``train-taggers``: the
    terminal's width on a terminal, :data:`PIPED_TABLE_WIDTH` otherwise."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else PIPED_TABLE_WIDTH
    return Console(soft_wrap=False, highlight=False, width=width)
