"""What every ``callcoach`` command shares: exit codes, the shared options, and error output.

Exit codes:

- ``EXIT_OK`` (0): done.
- ``EXIT_FINDINGS`` (1): ``--fail-on`` was given and feedback of that
  severity or worse was found; for ``evaluate``, some gold files could not
  be evaluated; for ``score``, some files could not be scored.
- ``EXIT_INPUT_ERROR`` (2): bad input: a transcript, roles file, config or
  option the analyzer cannot use (click's own usage errors are 2 as well).
- ``EXIT_INTERNAL_ERROR`` (3): a bug; please report it with the traceback.
"""
from __future__ import annotations

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2
EXIT_INTERNAL_ERROR = 3

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


def load_thresholds(config: str | None):
    """The thresholds of ``--config``, or the defaults."""
    from ..config import Thresholds, default_thresholds

    return Thresholds.from_file(config) if config else default_thresholds()
