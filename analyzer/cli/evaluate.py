"""``callcoach evaluate PATHS``: the taggers measured against ``NAME.gold.json`` sidecars."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import EXIT_FINDINGS, EXIT_INPUT_ERROR, config_option, err, load_thresholds, model_arg, model_option


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", is_flag=True, help="Also list every missed gold tag and false alarm.")
@config_option
@model_option
@click.option("--no-model", is_flag=True, help="Do not score the calls (tags only).")
def evaluate(paths, as_json, details, config, model_path, no_model) -> None:
    """Per-tag precision, recall and F1 against NAME.gold.json sidecars in PATHS."""
    from ..analysis import Analyzer
    from ..errors import CallcoachError
    from ..evaluate import evaluate_paths
    from ..gold import find_gold_files

    if not find_gold_files(paths):
        err("no *.gold.json files found in " + ", ".join(map(str, paths)))
        sys.exit(EXIT_INPUT_ERROR)
    try:
        ev = evaluate_paths(paths, Analyzer(thresholds=load_thresholds(config), model=model_arg(model_path, no_model)))
    except CallcoachError as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    data = ev.to_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from ..render import evaluation_table

        console = Console(soft_wrap=False, highlight=False)
        if details:
            for call in data["per_call"]:
                for miss in call["misses"]:
                    console.print(f"MISS  {call['file']}  {miss['tag']}  {miss['speaker']}: {miss['quote']}", markup=False)
                for fa in call["false_alarms"]:
                    console.print(f"FALSE {call['file']}  {fa['tag']}  {fa['speaker']}: {fa['text']}", markup=False)
        evaluation_table(data, console)
    for e in data["errors"]:
        err(e["error"])
    if data["errors"]:
        sys.exit(EXIT_FINDINGS)
