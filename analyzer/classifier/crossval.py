"""Cross-validation of candidate models, and the choice between them.

- :func:`check_trainable` refuses labels that grouped, stratified folds
  cannot use, saying why (E518-E520): at least :data:`MIN_CALLS_PER_LABEL`
  calls of each label, in at least two groups;
- :func:`n_folds` and :func:`adapt_folds`: the folds fit the data, outer
  (at most 5, never more than the calls of the rarer label or the groups
  holding it) and inner (a calibrated candidate's own folds);
- :func:`cross_validate` gives a candidate's out-of-fold figures
  (:class:`CVReport`);
- :func:`choose` picks the candidate :func:`~analyzer.classifier.training.train`
  fits on every call.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import LabelsError
from .model import LABELS


@dataclass
class CVReport:
    """Cross-validated figures of one candidate model."""

    name: str
    roc_auc: float
    accuracy: float
    brier: float
    confusion: list[list[int]]
    borderline_accuracy: float | None
    clear_accuracy: float | None
    by_group: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "roc_auc": round(self.roc_auc, 4),
            "accuracy": round(self.accuracy, 4),
            "brier": round(self.brier, 4),
            "confusion_matrix": {"labels": list(LABELS), "rows_true_cols_pred": self.confusion},
            "borderline_accuracy": None if self.borderline_accuracy is None else round(self.borderline_accuracy, 4),
            "clear_accuracy": None if self.clear_accuracy is None else round(self.clear_accuracy, 4),
            "accuracy_by_group": {k: round(v, 4) for k, v in self.by_group.items()},
        }


def cross_validate(
    model: Any,
    X: Sequence[Mapping[str, float]],
    y: np.ndarray,
    groups: Sequence[str],
    confidence: Sequence[str],
    *,
    name: str,
    seed: int = 0,
) -> tuple[CVReport, np.ndarray]:
    """Out-of-fold probabilities under grouped, stratified folds, and their figures."""
    from sklearn.base import clone
    from sklearn.metrics import accuracy_score, brier_score_loss, confusion_matrix, roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold

    folds = StratifiedGroupKFold(n_splits=n_folds(y, groups), shuffle=True, random_state=seed)
    proba = np.zeros(len(y))
    X = list(X)
    for train_idx, test_idx in folds.split(X, y, groups):
        m = adapt_folds(clone(model), y[train_idx], seed=seed).fit([X[i] for i in train_idx], y[train_idx])
        proba[test_idx] = m.predict_proba([X[i] for i in test_idx])[:, 1]
    pred = (proba >= 0.5).astype(int)
    conf = np.asarray(confidence)

    def acc(mask: np.ndarray) -> float | None:
        return float(accuracy_score(y[mask], pred[mask])) if mask.any() else None

    by_group = {}
    garr = np.asarray(groups)
    for g in sorted(set(groups)):
        mask = garr == g
        if mask.sum() >= 10:
            by_group[g] = float(accuracy_score(y[mask], pred[mask]))
    report = CVReport(
        name=name,
        roc_auc=float(roc_auc_score(y, proba)),
        accuracy=float(accuracy_score(y, pred)),
        brier=float(brier_score_loss(y, proba)),
        confusion=confusion_matrix(y, pred, labels=[0, 1]).tolist(),
        borderline_accuracy=acc(conf == "borderline"),
        clear_accuracy=acc(conf == "clear"),
        by_group=by_group,
    )
    return report, proba


#: The model preferred when its Brier score is within this of the best: its
#: coefficients keep the guide's directions, so its explanations never say
#: that a longer buyer story lowered a score.
PREFERRED = "directional_logistic_regression"
PREFERRED_BRIER_TOLERANCE = 0.01


def choose(reports: Sequence[CVReport]) -> CVReport:
    """The lowest cross-validated Brier score, except that :data:`PREFERRED`
    wins when it is within :data:`PREFERRED_BRIER_TOLERANCE` of it."""
    best = min(reports, key=lambda r: (round(r.brier, 4), -r.roc_auc))
    for r in reports:
        if r.name == PREFERRED and r.brier <= best.brier + PREFERRED_BRIER_TOLERANCE:
            return r
    return best


#: The fewest calls of each label that training accepts: with fewer, some
#: cross-validation fold would train a calibrated model on one or two calls of
#: a label, and its figures would say nothing.
MIN_CALLS_PER_LABEL = 5
#: The most folds of any cross-validation (outer or inner).
MAX_FOLDS = 5


def n_folds(y: np.ndarray, groups: Sequence[str]) -> int:
    """Outer folds for ``y``: at most :data:`MAX_FOLDS`, and no more than the calls
    of the rarer label, or the groups that hold it (each fold must test both labels)."""
    garr = np.asarray(groups)
    per_label = [len(set(garr[y == k].tolist())) for k in np.unique(y)]
    return max(2, min(MAX_FOLDS, int(np.bincount(y).min()), *per_label))


def adapt_folds(model: Any, y: np.ndarray, *, seed: int = 0) -> Any:
    """``model`` with every inner cross-validation (a ``cv`` parameter, as in
    ``CalibratedClassifierCV``) cut to the folds that ``y`` can fill."""
    from sklearn.model_selection import StratifiedKFold

    smallest = int(np.bincount(np.asarray(y)).min()) if len(y) else 0
    updates = {}
    for key, value in model.get_params(deep=True).items():
        if key.rsplit("__", 1)[-1] != "cv":
            continue
        wanted = value if isinstance(value, int) else getattr(value, "n_splits", None)
        if isinstance(wanted, int) and wanted > smallest:
            updates[key] = StratifiedKFold(max(2, smallest), shuffle=True, random_state=seed)
    return model.set_params(**updates) if updates else model


def check_trainable(y: np.ndarray, groups: Sequence[str], *, source: str = "labels") -> None:
    """Refuse labels that cross-validation cannot use, with a message that says why.

    RAISES: LabelsError E518 (fewer than :data:`MIN_CALLS_PER_LABEL` calls of
        a label), E519 (one group), E520 (a group without which one label is left).
    """
    counts = np.bincount(np.asarray(y, dtype=int), minlength=len(LABELS))
    if counts.min() < 2:  # nothing else can be judged
        _too_few(counts, source)
    if len(set(groups)) < 2:
        raise LabelsError(
            source, None,
            "every call is in one group; cross-validation holds out whole groups, so give at least two "
            "(or leave the group column empty: each call is then its own group)",
            code="E519",
        )
    garr = np.asarray(groups)
    for g in set(groups):
        rest = y[garr != g]
        if len(set(rest.tolist())) < 2:
            raise LabelsError(
                source, None,
                f"without group {g!r} only one label is left to train on; every group held out must "
                "leave calls of both labels",
                code="E520",
            )
    if counts.min() < MIN_CALLS_PER_LABEL:
        _too_few(counts, source)


def _too_few(counts: np.ndarray, source: str) -> None:
    have = " and ".join(f"{int(n)} {label}" for n, label in zip(counts, LABELS))
    raise LabelsError(
        source, None,
        f"training needs at least {MIN_CALLS_PER_LABEL} calls of each label "
        f"({' and '.join(LABELS)}) to cross-validate; this file has {have}",
        code="E518",
    )
