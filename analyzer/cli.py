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


def _model_arg(model_path: str | None, no_model: bool):
    if no_model:
        return None
    return model_path or "default"


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
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="A classifier trained with `callcoach train` (default: the shipped one).")
@click.option("--no-model", is_flag=True, help="Do not score the call (measurements and feedback only).")
@click.option("--fail-on", type=click.Choice(["info", "warning"]), help="Exit with 1 when feedback of this severity or worse is found.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report as a self-contained HTML page.")
def feedback(file, sellers, buyers, others, roles_file, fmt, as_json, config, base_model, model_path, no_model, fail_on, html_path) -> None:
    """Coaching feedback on one call FILE."""
    from .analysis import Analyzer
    from .errors import CallcoachError
    from .roles import read_roles_file

    if html_path is not None and not html_path.resolve().parent.is_dir():
        _err(f"cannot write {html_path}: the folder {html_path.parent} does not exist")
        sys.exit(EXIT_INPUT_ERROR)
    try:
        roles = read_roles_file(roles_file) if roles_file else None
        analyzer = Analyzer(thresholds=_load_thresholds(config), base_model=base_model, model=_model_arg(model_path, no_model))
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

        report(result, Console(soft_wrap=True, highlight=False))
    if html_path is not None:
        from .html import write_report

        try:
            write_report(result, html_path, thresholds=analyzer.thresholds)
        except OSError as exc:
            _err(f"cannot write {html_path}: {exc.strerror}")
            sys.exit(EXIT_INPUT_ERROR)
        click.echo(f"wrote {html_path}", err=True)
    if fail_on and any(SEVERITY_ORDER.get(f.severity, 0) >= SEVERITY_ORDER[fail_on] for f in result.feedback):
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", is_flag=True, help="Also list every missed gold tag and false alarm.")
@click.option("--config", type=click.Path(dir_okay=False), help="A thresholds file overriding analyzer/defaults.cfg.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="A classifier trained with `callcoach train` (default: the shipped one).")
@click.option("--no-model", is_flag=True, help="Do not score the calls (tags only).")
def evaluate(paths, as_json, details, config, model_path, no_model) -> None:
    """Per-tag precision, recall and F1 against NAME.gold.json sidecars in PATHS."""
    from .analysis import Analyzer
    from .errors import CallcoachError
    from .evaluate import evaluate_paths, find_gold_files

    if not find_gold_files(paths):
        _err("no *.gold.json files found in " + ", ".join(map(str, paths)))
        sys.exit(EXIT_INPUT_ERROR)
    try:
        ev = evaluate_paths(paths, Analyzer(thresholds=_load_thresholds(config), model=_model_arg(model_path, no_model)))
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


@main.command()
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("model.skops"), show_default=True, help="Where to write the model; its card goes beside it as .md.")
@click.option("--card", "card_path", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the model card (default: beside the model, as .md).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (training is deterministic for a seed).")
@click.option("--config", type=click.Path(dir_okay=False), help="A thresholds file overriding analyzer/defaults.cfg.")
@click.option("--json", "as_json", is_flag=True, help="Print the cross-validated figures as JSON.")
def train(labels, out_path, card_path, seed, config, as_json) -> None:
    """Train the call classifier on LABELS (CSV: file,label[,confidence][,group]).

    Paths in LABELS are relative to it. Each call is analysed (with the roles
    of a NAME.gold.json beside it, when there is one), candidate models are
    compared under grouped, stratified cross-validation, and the best is fitted
    on every call and written with its model card.
    """
    from .analysis import Analyzer
    import numpy as np

    from .classifier import LABELS, check_trainable, load_labels, model_card, save_model
    from .classifier import train as train_model
    from .errors import CallcoachError

    card = card_path or out_path.with_suffix(".md")
    if card.resolve() == out_path.resolve():
        _err(f"the model and its card would both be written to {out_path}; give --out a .skops name or --card another path")
        sys.exit(EXIT_INPUT_ERROR)
    try:
        calls = load_labels(labels)
        check_trainable(
            np.asarray([LABELS.index(c.label) for c in calls]), [c.group for c in calls], source=str(labels)
        )
        click.echo(f"analysing {len(calls)} labelled calls...", err=True)
        artifact, report = train_model(calls, Analyzer(thresholds=_load_thresholds(config), model=None), seed=seed)
        artifact.metadata["labels_file"] = str(labels)
        save_model(artifact, out_path)
        card.write_text(model_card(artifact, report, labels_path=str(labels)), encoding="utf-8")
    except CallcoachError as exc:
        _err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    except OSError as exc:
        _err(f"cannot write the model: {exc}")
        sys.exit(EXIT_INPUT_ERROR)
    data = report.to_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(f"{report.n_calls} calls: {report.label_counts['seller_centric']} seller_centric, "
                   f"{report.label_counts['buyer_centric']} buyer_centric, {report.borderline} borderline")
        click.echo("cross-validated (grouped, stratified):")
        for r in report.reports:
            mark = "  <- chosen" if r.name == report.chosen else ""
            border = "n/a" if r.borderline_accuracy is None else f"{r.borderline_accuracy:.3f}"
            click.echo(f"  {r.name:<30} ROC AUC {r.roc_auc:.3f}  accuracy {r.accuracy:.3f}  Brier {r.brier:.3f}  borderline accuracy {border}{mark}")
        click.echo("strongest features: " + ", ".join(n for n, _ in report.top_features[:3]))
    click.echo(f"wrote {out_path} and {card}", err=True)


# Commands defined in their own modules are registered below, one line each.
from .batch_cli import score as _score  # noqa: E402
main.add_command(_score)
