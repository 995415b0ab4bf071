"""``callcoach evaluate PATHS``: the taggers measured against ``NAME.gold.json`` sidecars."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import (
    EXIT_FINDINGS,
    EXIT_INPUT_ERROR,
    config_option,
    err,
    load_thresholds,
    model_arg,
    model_option,
    table_console,
    taggers_option,
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", is_flag=True, help="Also list every missed gold tag and false alarm (with --asr, of both forms; with --json, each call's).")
@config_option
@model_option
@click.option("--no-model", is_flag=True, help="Do not score the calls (tags only).")
@taggers_option
@click.option("--asr", is_flag=True, help="Also measure on the calls rewritten as raw speech recognition output (lower case, no punctuation), side by side.")
@click.option("--cv", is_flag=True, help="Retrain the taggers holding out one writer at a time and print rules-only beside learned (slow).")
@click.option("--folds", type=click.IntRange(min=2), default=None, help="With --cv: hold out this many groups of whole writers instead of one writer at a time (faster).")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False, path_type=Path), help="A manifest CSV with an outcome (won/lost) per call: report how the score relates to the outcomes of the calls in PATHS instead.")
def evaluate(paths, as_json, details, config, model_path, no_model, taggers, asr, cv, folds, manifest_path) -> None:
    """Per-tag precision, recall and F1 against NAME.gold.json sidecars in PATHS.

    With --manifest: how the score relates to the calls' outcomes (won or lost).
    """
    from ..analysis import Analyzer
    from ..errors import CallcoachError
    from ..evaluate import evaluate_paths
    from ..gold import find_gold_files

    _check_combination(manifest_path, cv, folds, asr, details)
    if manifest_path is not None:
        _outcomes(paths, manifest_path, as_json, config, model_path, no_model, taggers)
        return
    gold = find_gold_files(paths)
    if not gold:
        err("no *.gold.json files found in " + ", ".join(map(str, paths)))
        sys.exit(EXIT_INPUT_ERROR)
    if cv:
        try:
            _cross_validate(gold, load_thresholds(config), asr, as_json, folds)
        except CallcoachError as exc:  # e.g. too few calls for a fold's training (E408)
            err(str(exc))
            sys.exit(EXIT_INPUT_ERROR)
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
        columns = {"punctuated": data, "unpunctuated": ev_asr.to_dict()}
        if details and not as_json:
            console = table_console()
            for form, column in columns.items():
                _print_details(column, console, form)
        _side_by_side(columns, as_json, f"Tags on {data['calls']} annotated calls, punctuated beside unpunctuated", per_call=details)
        if data["errors"]:
            sys.exit(EXIT_FINDINGS)
        return
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from ..render import evaluation_table

        console = table_console()
        if details:
            _print_details(data, console)
        evaluation_table(data, console)
    for e in data["errors"]:
        err(e["error"])
    if data["errors"]:
        sys.exit(EXIT_FINDINGS)


def _check_combination(manifest_path, cv: bool, folds, asr: bool, details: bool) -> None:
    """Refuse options that the chosen measurement would silently leave unused."""
    if folds is not None and not cv:
        raise click.UsageError("--folds goes with --cv (how many groups of writers to hold out)")
    if manifest_path is not None:
        extra = [name for name, given in (("--cv", cv), ("--asr", asr), ("--details", details)) if given]
        if extra:
            raise click.UsageError(f"--manifest measures the score against the calls' outcomes and takes no {', '.join(extra)}")
    elif cv and details:
        raise click.UsageError(
            "--details lists the errors of one set of models, and with --cv each fold has its own: "
            "train models with `callcoach train-taggers` and run `callcoach evaluate --taggers DIR --details` on the writers left out"
        )


def _print_details(data: dict, console, form: str = "") -> None:
    """Every missed gold tag and false alarm of an evaluation, one a line
    (``form``, when given, says which rewrite of the calls they come from)."""
    from ..display import shown_name, shown_path, shown_text

    lead = f"{form}  " if form else ""
    for call in data["per_call"]:
        where = f"{lead}{shown_path(call['file'])}"
        for miss in call["misses"]:
            console.print(f"MISS  {where}  {miss['tag']}  {shown_name(miss['speaker'])}: {shown_text(miss['quote'])}", markup=False)
        for fa in call["false_alarms"]:
            console.print(f"FALSE {where}  {fa['tag']}  {shown_name(fa['speaker'])}: {shown_text(fa['text'])}", markup=False)


def _side_by_side(columns: dict, as_json: bool, title: str, per_call: bool = False) -> None:
    if as_json:
        keys = ("calls", "tags", "micro", "open_accuracy", "role_accuracy", "errors") + (("per_call",) if per_call else ())
        click.echo(json.dumps({k: {x: v[x] for x in keys} for k, v in columns.items()}, indent=2, ensure_ascii=False))
        return
    from ..render import comparison_table

    comparison_table(columns, table_console(), title=title)


def _cross_validate(gold, thresholds, asr: bool, as_json: bool, folds: int | None = None) -> None:
    """Rules-only beside learned with whole writers held out (and the same unpunctuated, with --asr)."""
    from ..nlp.training import cross_validate_taggers

    res = cross_validate_taggers(gold, thresholds=thresholds, asr=asr, folds=folds)
    columns = {}
    for mode, prefix in (("punctuated", ""), ("unpunctuated", "unpunctuated ")):
        if mode in res:
            columns[f"{prefix}rules"] = res[mode]["rules"].to_dict()
            columns[f"{prefix}learned"] = res[mode]["learned"].to_dict()
    if as_json:
        data = {k: {x: v[x] for x in ("calls", "tags", "micro", "open_accuracy", "role_accuracy", "errors")} for k, v in columns.items()}
        data["writers"] = res["writers"]
        data["folds"] = res["folds"]
        data["per_writer"] = {mode: res[mode]["per_writer"] for mode in ("punctuated", "unpunctuated") if mode in res}
        data["out_of_reach"] = res["out_of_reach"]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    held = "one writer at a time" if all(len(g) == 1 for g in res["folds"]) else f"{len(res['folds'])} folds of whole writers"
    title = f"Writer-held-out cross-validation ({held}): {res['calls']} calls by {len(res['writers'])} writers ({', '.join(res['writers'])})"
    _side_by_side(columns, as_json, title)
    for e in res["errors"]:
        err(e["error"])


def _outcomes(paths, manifest_path, as_json, config, model_path, no_model, taggers) -> None:
    """Score the calls in PATHS that the manifest gives an outcome, and relate the score to it."""
    from ..analysis import Analyzer
    from ..batch import discover
    from ..callmeta import read_manifest
    from ..errors import CallcoachError
    from ..outcomes import relate

    try:
        manifest = read_manifest(manifest_path)
        with_outcome = [(f, manifest.lookup(f).outcome) for f in discover(paths)]
        with_outcome = [(f, o) for f, o in with_outcome if o]
        if not with_outcome:
            err(f"no call in {', '.join(map(str, paths))} has an outcome (won or lost) in {manifest_path}")
            sys.exit(EXIT_INPUT_ERROR)
        analyzer = Analyzer(thresholds=load_thresholds(config), model=model_arg(model_path, no_model), taggers=taggers)
        calls, failed = [], []
        for f, outcome in with_outcome:
            try:
                r = analyzer.analyze_file(f)
            except CallcoachError as exc:
                failed.append(str(exc))
                continue
            calls.append((r.score, r.metrics.seller_talk_share, outcome))
    except CallcoachError as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    report = relate(calls).to_dict()
    if as_json:
        click.echo(json.dumps({**report, "errors": failed}, indent=2))
    else:
        _print_outcomes(report, analyzer.model is not None)
    for message in failed:
        err(message)
    if failed:
        sys.exit(EXIT_FINDINGS)


def _print_outcomes(r: dict, scored: bool) -> None:
    def num(x, fmt="{:.0f}"):
        return "n/a" if x is None else fmt.format(x)

    click.echo(f"Score against outcome: {r['calls']} calls with an outcome ({r['won']} won, {r['lost']} lost)")
    if scored:
        click.echo(f"  median score          won {num(r['median_score_won'])}, lost {num(r['median_score_lost'])}")
        click.echo(f"  ROC AUC               {num(r['auc'], '{:.3f}')} (the chance a won call scores above a lost one; 0.5 is no relation)")
        click.echo(
            f"  won                   {num(r['won_share_scoring_50_or_more'], '{:.0%}')} of calls scoring 50 or more, "
            f"{num(r['won_share_scoring_under_50'], '{:.0%}')} of those under 50"
        )
    else:
        click.echo("  no model is loaded, so the calls are not scored")
    click.echo(
        f"  median talk share     won {num(r['median_talk_share_won'], '{:.0%}')}, lost {num(r['median_talk_share_lost'], '{:.0%}')}"
    )
    click.echo("An association in these calls, not a cause.")
