"""``callcoach feedback FILE``: the coaching report on one call (text, ``--json``, ``--html``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import EXIT_FINDINGS, EXIT_INPUT_ERROR, SEVERITY_ORDER, err, internal_error, load_limits, load_thresholds, model_arg
from .common import base_model_option, config_option, format_option, model_option, taggers_option, trackers_option


#: The call's name in the report when it comes from standard input (``feedback -``).
STDIN_NAME = "<stdin>"


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--seller", "sellers", multiple=True, metavar="NAME", help="A seller's name as the transcript spells it (repeatable).")
@click.option("--buyer", "buyers", multiple=True, metavar="NAME", help="A buyer's name (repeatable).")
@click.option("--other", "others", multiple=True, metavar="NAME", help="A speaker on neither side, e.g. a recording notice (repeatable).")
@click.option("--roles", "roles_file", type=click.Path(dir_okay=False, path_type=Path), help="A roles file: JSON {name: role} or CSV speaker,role.")
@format_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (docs/output.md) instead of the report.")
@config_option
@base_model_option
@model_option
@click.option("--no-model", is_flag=True, help="Do not score the call (measurements and feedback only).")
@click.option("--fail-on", type=click.Choice(["info", "warning"]), help="Exit with 1 when feedback of this severity or worse is found.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report as a self-contained HTML page.")
@trackers_option
@taggers_option
def feedback(file, sellers, buyers, others, roles_file, fmt, as_json, config, base_model, model_path, no_model, fail_on, html_path, trackers_path, taggers="default") -> None:
    """Coaching feedback on one call FILE ('-' reads the transcript from standard input)."""
    from ..analysis import Analyzer
    from ..display import shown_path
    from ..errors import CallcoachError
    from ..readers import read_call
    from ..roles import read_roles_file

    if html_path is not None:  # before any work: its folder, and never the call itself (E610-E614)
        from ..batch.outputs import check_outputs

        try:
            check_outputs([("--html", html_path)], [] if str(file) == "-" else [file])
        except CallcoachError as exc:
            err(str(exc))
            sys.exit(EXIT_INPUT_ERROR)
    try:
        roles = read_roles_file(roles_file) if roles_file else None
        thresholds = load_thresholds(config)
        name, data = _read_call(file, load_limits(config))
        transcript = read_call(  # a call refused costs no pipeline
            data, name, format=fmt, speech_rate_words_per_second=thresholds.speech_rate_words_per_second
        )
        analyzer = Analyzer(
            thresholds=thresholds,
            base_model=base_model,
            model=model_arg(model_path, no_model),
            trackers=trackers_path or "default",
            taggers=taggers,
        )
        result = analyzer.analyze_transcript(transcript, sellers=sellers, buyers=buyers, others=others, roles=roles)
    except CallcoachError as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    except OSError as exc:  # e.g. a base model that is not installed
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    except Exception:  # noqa: BLE001
        internal_error(f"analysing {file}")
    if html_path is not None:  # first: a reader of standard output that stops early loses no page
        from ..html import write_report

        try:
            write_report(result, html_path, thresholds=analyzer.thresholds)
        except OSError as exc:
            err(f"cannot write {shown_path(html_path)}: {exc.strerror}")
            sys.exit(EXIT_INPUT_ERROR)
        click.echo(f"wrote {shown_path(html_path)}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from ..render import report

        report(result, Console(highlight=False), thresholds=analyzer.thresholds)
    if fail_on and any(SEVERITY_ORDER.get(f.severity, 0) >= SEVERITY_ORDER[fail_on] for f in result.feedback):
        sys.exit(EXIT_FINDINGS)


def _read_call(file: Path, limits) -> tuple[str, bytes]:
    """The call's name as shown and its bytes: a regular file (or standard
    input) within the size limit, never more than the limit read, and JSON
    within the limit on its values (``[limits]``)."""
    from ..display import shown_path
    from ..inputs import check_json_values, read_file, too_large

    max_bytes = limits.max_file_bytes
    if str(file) == "-":
        name, data = STDIN_NAME, sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_large(STDIN_NAME, len(data), max_bytes, grew=True)
    else:
        name = shown_path(file)
        data = read_file(file, max_bytes=max_bytes, name=name)
    check_json_values(data, name, limits.max_json_values)
    return name, data
