"""The ``callcoach`` command: parse options, call the library, render.

Results go to stdout; diagnostics and errors to stderr. Exit codes:

- ``EXIT_OK`` (0): done.
- ``EXIT_FINDINGS`` (1): ``--fail-on`` was given and feedback of that
  severity or worse was found; for ``evaluate``, some gold files could not
  be evaluated.
- ``EXIT_INPUT_ERROR`` (2): bad input: a transcript, roles file, config or
  option the analyzer cannot use (click's own usage errors are 2 as well).
- ``EXIT_INTERNAL_ERROR`` (3): a bug; please report it with the traceback.
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2
EXIT_INTERNAL_ERROR = 3

FORMAT_CHOICES = ("txt", "vtt", "srt", "otter", "csv", "json", "assemblyai", "deepgram", "aws", "gong", "whisper", "callcoach")
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


def _err(message: str) -> None:
    click.echo(f"callcoach: error: {message}", err=True)


def _load_thresholds(config: str | None):
    from .config import Thresholds, default_thresholds

    return Thresholds.from_file(config) if config else default_thresholds()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="callcoach", prog_name="callcoach")
def main() -> None:
    """callcoach: is a sales call about the buyer or about the seller?

    Reads a call transcript (plain text, Zoom or Teams WebVTT, SRT, Otter,
    CSV, or JSON from AssemblyAI, Deepgram, AWS Transcribe, Gong or Whisper),
    tags the moments that make a call seller-centric or buyer-centric,
    measures talk-time, and gives coaching feedback.
    """


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seller", "sellers", multiple=True, metavar="NAME", help="A seller's name as the transcript spells it (repeatable).")
@click.option("--buyer", "buyers", multiple=True, metavar="NAME", help="A buyer's name (repeatable).")
@click.option("--other", "others", multiple=True, metavar="NAME", help="A speaker on neither side, e.g. a recording notice (repeatable).")
@click.option("--roles", "roles_file", type=click.Path(dir_okay=False, path_type=Path), help="A roles file: JSON {name: role} or CSV speaker,role.")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), help="Force the transcript format instead of detecting it.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (spec/output.md) instead of the report.")
@click.option("--config", type=click.Path(dir_okay=False), help="A thresholds file overriding analyzer/defaults.cfg.")
@click.option("--base-model", help="An installed spaCy pipeline to build on (default: a blank English one).")
@click.option("--fail-on", type=click.Choice(["info", "warning"]), help="Exit with 1 when feedback of this severity or worse is found.")
def feedback(file, sellers, buyers, others, roles_file, fmt, as_json, config, base_model, fail_on) -> None:
    """Coaching feedback on one call FILE."""
    from .analysis import Analyzer
    from .errors import CallcoachError
    from .roles import read_roles_file

    try:
        roles = read_roles_file(roles_file) if roles_file else None
        analyzer = Analyzer(thresholds=_load_thresholds(config), base_model=base_model)
        result = analyzer.analyze_file(file, format=fmt, sellers=sellers, buyers=buyers, others=others, roles=roles)
    except CallcoachError as exc:
        _err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    except OSError as exc:  # e.g. a base model that is not installed
        _err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    except Exception:  # noqa: BLE001
        _err(f"internal error while analysing {file}; please report this:\n{traceback.format_exc()}")
        sys.exit(EXIT_INTERNAL_ERROR)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from .render import report

        report(result, Console(soft_wrap=False, highlight=False))
    if fail_on and any(SEVERITY_ORDER.get(f.severity, 0) >= SEVERITY_ORDER[fail_on] for f in result.feedback):
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", is_flag=True, help="Also list every missed gold tag and false alarm.")
@click.option("--config", type=click.Path(dir_okay=False), help="A thresholds file overriding analyzer/defaults.cfg.")
def evaluate(paths, as_json, details, config) -> None:
    """Per-tag precision, recall and F1 against NAME.gold.json sidecars in PATHS."""
    from .analysis import Analyzer
    from .errors import CallcoachError
    from .evaluate import evaluate_paths, find_gold_files

    if not find_gold_files(paths):
        _err("no *.gold.json files found in " + ", ".join(map(str, paths)))
        sys.exit(EXIT_INPUT_ERROR)
    try:
        ev = evaluate_paths(paths, Analyzer(thresholds=_load_thresholds(config)))
    except CallcoachError as exc:
        _err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    data = ev.to_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from .render import evaluation_table

        console = Console(soft_wrap=False, highlight=False)
        if details:
            for call in data["per_call"]:
                for miss in call["misses"]:
                    console.print(f"MISS  {call['file']}  {miss['tag']}  {miss['speaker']}: {miss['quote']}", markup=False)
                for fa in call["false_alarms"]:
                    console.print(f"FALSE {call['file']}  {fa['tag']}  {fa['speaker']}: {fa['text']}", markup=False)
        evaluation_table(data, console)
    for e in data["errors"]:
        _err(e["error"])
    if data["errors"]:
        sys.exit(EXIT_FINDINGS)
