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
@click.option("--taggers", default="default", show_default=True, help="The taggers' sentence models: a folder from `callcoach train-taggers`, or 'none' for the phrase rules alone.")
@click.option("--asr", is_flag=True, help="Also measure on the calls rewritten as raw speech recognition output (lower case, no punctuation), side by side.")
@click.option("--cv", is_flag=True, help="Retrain the taggers holding out one writer at a time and print rules-only beside learned (slow).")
def evaluate(paths, as_json, details, config, model_path, no_model, taggers, asr, cv) -> None:
    """Per-tag precision, recall and F1 against NAME.gold.json sidecars in PATHS."""
    from ..analysis import Analyzer
    from ..errors import CallcoachError
    from ..evaluate import evaluate_paths
    from ..gold import find_gold_files

    gold = find_gold_files(paths)
    if not gold:
        err("no *.gold.json files found in " + ", ".join(map(str, paths)))
        sys.exit(EXIT_INPUT_ERROR)
    if cv:
        _cross_validate(gold, load_thresholds(config), asr, as_json)
        return
    try:
        analyzer = Analyzer(thresholds=load_thresholds(config), model=model_arg(model_path, no_model), taggers=taggers)
        ev = evaluate_paths(paths, analyzer)
        ev_asr = evaluate_paths(paths, analyzer, asr=True) if asr else None
    except CallcoachError as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    data = ev.to_dict()
    if ev_asr is not None:
        _side_by_side({"punctuated": data, "unpunctuated": ev_asr.to_dict()}, as_json, f"Tags on {data['calls']} annotated calls, punctuated beside unpunctuated")
        if data["errors"]:
            sys.exit(EXIT_FINDINGS)
        return
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


def _side_by_side(columns: dict, as_json: bool, title: str) -> None:
    if as_json:
        click.echo(json.dumps({k: {x: v[x] for x in ("calls", "tags", "micro", "open_accuracy", "errors")} for k, v in columns.items()}, indent=2, ensure_ascii=False))
        return
    from rich.console import Console

    from ..render import comparison_table

    comparison_table(columns, Console(soft_wrap=False, highlight=False), title=title)


def _cross_validate(gold, thresholds, asr: bool, as_json: bool) -> None:
    """Rules-only beside learned with whole writers held out (and the same unpunctuated, with --asr)."""
    from ..nlp.training import cross_validate_taggers

    res = cross_validate_taggers(gold, thresholds=thresholds, asr=asr)
    columns = {}
    for mode, prefix in (("punctuated", ""), ("unpunctuated", "unpunctuated ")):
        if mode in res:
            columns[f"{prefix}rules"] = res[mode]["rules"].to_dict()
            columns[f"{prefix}learned"] = res[mode]["learned"].to_dict()
    if as_json:
        data = {k: {x: v[x] for x in ("calls", "tags", "micro", "open_accuracy", "errors")} for k, v in columns.items()}
        data["writers"] = res["writers"]
        data["per_writer"] = {mode: res[mode]["per_writer"] for mode in ("punctuated", "unpunctuated") if mode in res}
        data["out_of_reach"] = res["out_of_reach"]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    title = f"Writer-held-out cross-validation: {res['calls']} calls by {len(res['writers'])} writers ({', '.join(res['writers'])})"
    _side_by_side(columns, as_json, title)
    for e in res["errors"]:
        err(e["error"])
