"""``callcoach train-taggers GOLD...``: retrain the taggers' sentence models and the segmenter."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import EXIT_INPUT_ERROR, config_option, err, load_thresholds, table_console


@click.command("train-taggers")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("tagger-models"), show_default=True, help="The folder to write the models and their cards to.")
@click.option("--no-cv", is_flag=True, help="Skip the writer-held-out cross-validation (faster; the cards then carry no figures).")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print what was trained as JSON.")
def train_taggers(paths, out_dir, no_cv, config, as_json) -> None:
    """Train the taggers' sentence models on the NAME.gold.json sidecars in PATHS.

    Each learned tagger (pitch_invite, buyer_question, if_then_close) gets a
    logistic regression over hashed n-grams and its rule signals, fitted on
    its candidate sentences, and the segmenter gets two models learned from
    the calls' own punctuation (where sentences start, from a window of
    words; which sentences are questions, from each sentence whole). Unless --no-cv, whole writers
    (a gold file's "writer", else the letters before the first "-" of its
    name) are first held out one at a time to measure rules-only beside
    learned. Use the result with `--taggers DIR` on the other commands.
    """
    from ..errors import CallcoachError
    from ..gold import find_gold_files
    from ..nlp.training import train_taggers as train

    gold = find_gold_files(paths)
    if not gold:
        err("no *.gold.json files found in " + ", ".join(map(str, paths)))
        sys.exit(EXIT_INPUT_ERROR)
    try:
        result = train(gold, out_dir, thresholds=load_thresholds(config), cross_validate=not no_cv)
    except CallcoachError as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    summary = {name: m.card.get("trained_on", {}) for name, m in result["models"].items()}
    cv = result["cross_validation"]
    if as_json:
        click.echo(json.dumps({"out": str(out_dir), "models": summary, "errors": result["errors"]}, indent=2))
    else:
        click.echo(f"wrote {len(summary)} models to {out_dir} (card: {out_dir / 'CARD.md'})")
        if cv is not None:
            from ..render import comparison_table

            comparison_table(
                {"rules": cv["rules"].to_dict(), "learned": cv["learned"].to_dict()},
                table_console(),
                title=f"Writer-held-out cross-validation on {cv['calls']} calls by {len(cv['writers'])} writers",
            )
    for e in result["errors"]:
        err(e["error"])
