"""``callcoach train LABELS``: retrain the call classifier and write it with its model card."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import EXIT_INPUT_ERROR, config_option, err, load_thresholds


@click.command()
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("model.skops"), show_default=True, help="Where to write the model; its card goes beside it as .md.")
@click.option("--card", "card_path", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the model card (default: beside the model, as .md).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (training is deterministic for a seed).")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the cross-validated figures as JSON.")
def train(labels, out_path, card_path, seed, config, as_json) -> None:
    """Train the call classifier on LABELS (CSV: file,label[,confidence][,group]).

    Paths in LABELS are relative to it. Each call is analysed (with the roles
    of a NAME.gold.json beside it, when there is one), candidate models are
    compared under grouped, stratified cross-validation, and the best is fitted
    on every call and written with its model card.
    """
    import numpy as np

    from ..analysis import Analyzer
    from ..classifier.card import model_card
    from ..classifier.crossval import check_trainable
    from ..classifier.model import LABELS, save_model
    from ..classifier.training import load_labels
    from ..classifier.training import train as train_model
    from ..errors import CallcoachError

    card = card_path or out_path.with_suffix(".md")
    if card.resolve() == out_path.resolve():
        err(f"the model and its card would both be written to {out_path}; give --out a .skops name or --card another path")
        sys.exit(EXIT_INPUT_ERROR)
    try:
        calls = load_labels(labels)
        check_trainable(
            np.asarray([LABELS.index(c.label) for c in calls]), [c.group for c in calls], source=str(labels)
        )
        click.echo(f"analysing {len(calls)} labelled calls...", err=True)
        artifact, report = train_model(calls, Analyzer(thresholds=load_thresholds(config), model=None), seed=seed)
        artifact.metadata["labels_file"] = str(labels)
        save_model(artifact, out_path)
        card.write_text(model_card(artifact, report, labels_path=str(labels)), encoding="utf-8")
    except CallcoachError as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    except OSError as exc:
        err(f"cannot write the model: {exc}")
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
