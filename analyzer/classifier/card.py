"""The model card: what a trained classifier was trained on, how well it does, and its limits."""
from __future__ import annotations

import math

from ..features import FEATURES
from .crossval import PREFERRED, PREFERRED_BRIER_TOLERANCE
from .model import ModelArtifact
from .training import TrainingReport


def model_card(artifact: ModelArtifact, report: TrainingReport, *, labels_path: str) -> str:
    """The model card (Markdown): training data, features, versions, figures, limits."""
    chosen = next(r for r in report.reports if r.name == report.chosen)
    lines = [
        "# callcoach call classifier: model card",
        "",
        f"- model: `{report.chosen}` (one scikit-learn `Pipeline`: `CallFeaturizer` then the estimator)",
        f"- created: {artifact.metadata.get('created')}, seed {artifact.metadata.get('seed')}",
        f"- trained on: `{labels_path}`: {report.n_calls} calls "
        f"({report.label_counts['seller_centric']} seller_centric, {report.label_counts['buyer_centric']} buyer_centric; "
        f"{report.borderline} borderline)",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in artifact.metadata.get("versions", {}).items()),
        f"- parameters digest: `sha256:{artifact.metadata.get('parameters_sha256')}` (loading refuses the model "
        "when its parameters do not have this digest)",
        f"- training data digest: `sha256:{artifact.metadata.get('training_data_sha256')}` (of the sorted "
        "SHA-256 hashes of the training calls)",
        *(
            [
                f"- linear form digest: `sha256:{artifact.metadata['linear_form_sha256']}` (scoring reads the "
                "model as these weights, without scikit-learn, only when they have this digest)"
            ]
            if artifact.metadata.get("linear_form_sha256")
            else []
        ),
        "- output: the probability of `buyer_centric` times 100 (`score`); `label` is the side of 50 it falls on",
        "",
        "## Cross-validated figures",
        "",
        "Out-of-fold predictions under stratified folds grouped by the labels file's `group` column "
        "(calls of one group are never split between training and testing). The chosen model has the "
        f"lowest Brier score, except that `{PREFERRED}` (a logistic regression whose coefficients keep "
        "the direction the annotation guide gives each behaviour, so its explanations never contradict "
        f"the guide) is preferred when its Brier score is within {PREFERRED_BRIER_TOLERANCE} of the lowest.",
        "",
        "| model | ROC AUC | accuracy | Brier | accuracy on clear | accuracy on borderline |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in report.reports:
        mark = " (chosen)" if r.name == report.chosen else ""
        lines.append(
            f"| {r.name}{mark} | {r.roc_auc:.3f} | {r.accuracy:.3f} | {r.brier:.3f} | "
            f"{_fmt(r.clear_accuracy)} | {_fmt(r.borderline_accuracy)} |"
        )
    cm = chosen.confusion
    lines += [
        "",
        f"Confusion matrix of the chosen model (rows: true, columns: predicted; seller_centric, buyer_centric): "
        f"[[{cm[0][0]}, {cm[0][1]}], [{cm[1][0]}, {cm[1][1]}]].",
    ]
    if chosen.by_group:
        lines += ["", "Accuracy by group (each group held out in turn): " + ", ".join(f"{g}: {a:.3f}" for g, a in chosen.by_group.items()) + "."]
    lines += [
        "",
        "## Features",
        "",
        "| feature | meaning | expected direction for buyer-centric | importance (rise in training log loss when shuffled) |",
        "| --- | --- | --- | --- |",
    ]
    imp = dict(report.top_features)
    arrows = {1: "up", -1: "down", 0: "either"}
    for f in FEATURES:
        lines.append(f"| `{f.name}` | {f.description} | {arrows[f.direction]} | {imp.get(f.name, float('nan')):.4f} |")
    lines += [
        "",
        "## Known limits",
        "",
        "- The labels are one person's judgement per call, on made-up calls written to sound like real ones; "
        "real calls from one team may differ. Retrain on your own labelled calls: `callcoach train labels.csv`.",
        "- The features come from the rule-based taggers and from inferred roles where none were given; "
        "a tagger's miss or a wrong role moves the score.",
        "- The score is a probability of a person's judgement, not a grade of the seller.",
    ]
    return "\n".join(lines) + "\n"


def _fmt(x: float | None) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"
