"""The ``callcoach`` command: parse options, call the library, render.

Results go to stdout; diagnostics and errors to stderr. The exit codes
(``EXIT_OK`` 0, ``EXIT_FINDINGS`` 1, ``EXIT_INPUT_ERROR`` 2,
``EXIT_INTERNAL_ERROR`` 3) are defined and explained in
:mod:`analyzer.cli.common`.

What lives where: one module per command, each importing the library and
:mod:`~analyzer.cli.common` (exit codes, shared options, error output),
never another command.

- :mod:`~analyzer.cli.feedback`: ``callcoach feedback FILE``;
- :mod:`~analyzer.cli.evaluate`: ``callcoach evaluate PATHS``;
- :mod:`~analyzer.cli.train`: ``callcoach train LABELS``;
- :mod:`~analyzer.cli.taggers`: ``callcoach train-taggers GOLD...``;
- :mod:`~analyzer.cli.score`: ``callcoach score PATHS -o OUTPUT`` (batch).

This module only builds the ``main`` group (the ``callcoach`` entry point,
and ``python -m analyzer``) and registers the commands on it.
"""
from __future__ import annotations

import click

from .common import EXIT_FINDINGS, EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, EXIT_OK, FORMAT_CHOICES, CommandGroup, version_option
from .evaluate import evaluate
from .feedback import feedback
from .score import score
from .taggers import train_taggers
from .train import train


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@version_option
def main() -> None:
    """callcoach: is a sales call about the buyer or about the seller?

    Reads a call transcript (plain text, Zoom or Teams WebVTT, SRT, Otter,
    CSV, or JSON from AssemblyAI, Deepgram, AWS Transcribe, Gong or Whisper),
    tags the moments that make a call seller-centric or buyer-centric,
    measures talk-time, and gives coaching feedback.
    """


for _command in (feedback, evaluate, train, train_taggers, score):
    main.add_command(_command)

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INPUT_ERROR",
    "EXIT_INTERNAL_ERROR",
    "EXIT_OK",
    "FORMAT_CHOICES",
    "main",
]
