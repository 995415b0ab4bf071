"""Training the call classifier on labelled calls.

- :func:`load_labels` reads a labels file (``file,label[,confidence][,group]``);
- :func:`train` analyses the labelled calls (with the roles of a gold
  sidecar beside a call, read through :mod:`analyzer.gold`), compares the
  :func:`candidate_models` under grouped, stratified cross-validation
  (:mod:`analyzer.classifier.crossval`), fits the chosen one on every call,
  and returns a :class:`~analyzer.classifier.model.ModelArtifact` with its
  figures (:class:`TrainingReport`);
- :func:`permutation_importance` ranks the features of a fitted model.

The model card is written by :mod:`analyzer.classifier.card`.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..errors import LabelsError
from ..features import FEATURE_BY_NAME, FEATURE_NAMES, call_features
from ..gold import load_gold, sidecar_of
from ..modelfile import parameters_digest, training_data_digest
from .crossval import CVReport, adapt_folds, check_trainable, choose, cross_validate
from .featurizer import CallFeaturizer
from .linear import form_digest, linear_form
from .model import CONFIDENCES, LABELS, MODEL_FORMAT, MODEL_SCHEMA_VERSION, ModelArtifact, file_sha256


@dataclass(frozen=True)
class LabelledCall:
    path: Path
    label: str
    confidence: str
    group: str


def load_labels(path: str | Path) -> list[LabelledCall]:
    """Read a labels file: CSV with ``file`` and ``label``, optional ``confidence`` and ``group``.

    ``file`` is relative to the labels file. Labels are ``seller_centric``
    or ``buyer_centric``; confidence ``clear`` (default) or ``borderline``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LabelsError(str(path), None, f"cannot read: {exc.strerror}", code="E511") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"file", "label"} <= {f.strip() for f in reader.fieldnames}:
        raise LabelsError(str(path), 1, "expected a header with at least 'file,label'", code="E512")
    out: list[LabelledCall] = []
    seen: set[Path] = set()
    for n, row in enumerate(reader, 2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("file"):
            continue
        label = row.get("label", "")
        if label not in LABELS:
            raise LabelsError(str(path), n, f"expected a label seller_centric or buyer_centric, found {label!r}", code="E513")
        conf = row.get("confidence") or "clear"
        if conf not in CONFIDENCES:
            raise LabelsError(str(path), n, f"expected confidence clear or borderline, found {conf!r}", code="E514")
        call = (path.parent / row["file"]).resolve()
        if not call.is_file():
            raise LabelsError(str(path), n, f"expected the call {row['file']!r} to exist (paths are relative to the labels file)", code="E515")
        if call in seen:
            raise LabelsError(str(path), n, f"{row['file']!r} is listed twice", code="E516")
        seen.add(call)
        group = row.get("group") or str(call)
        out.append(LabelledCall(call, label, conf, group))
    if not out:
        raise LabelsError(str(path), None, "no labelled calls", code="E517")
    return out


def analyse_labelled(calls: Sequence[LabelledCall], analyzer: Any) -> list[Any]:
    """Analyse every labelled call; roles come from a ``NAME.gold.json`` beside it when there is one."""
    results = []
    for call in calls:
        gold_path = sidecar_of(call.path)
        roles = load_gold(gold_path).roles if gold_path.exists() else None
        results.append(analyzer.analyze_file(call.path, roles=roles))
    return results



def candidate_models(seed: int = 0) -> dict[str, Any]:
    """The models compared by :func:`train`, each one ``Pipeline``."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from ..estimators import DirectionalLogisticRegression

    def logistic() -> Pipeline:
        return Pipeline(
            [
                ("features", CallFeaturizer()),
                ("scale", StandardScaler()),
                ("model", LogisticRegression(C=0.5, max_iter=2000)),
            ]
        )

    def directional() -> Pipeline:
        return Pipeline(
            [
                ("features", CallFeaturizer()),
                ("scale", StandardScaler()),
                (
                    "model",
                    DirectionalLogisticRegression(
                        C=0.5, directions=[FEATURE_BY_NAME[n].direction for n in FEATURE_NAMES]
                    ),
                ),
            ]
        )

    def boosted() -> Pipeline:
        # Monotonic where the guide leaves no doubt: more pitch dumps and
        # conditional closes never make a call more buyer-centric, more buyer
        # questions and pivots never less.
        cst = [
            FEATURE_BY_NAME[n].direction if n in _MONOTONIC else 0 for n in FEATURE_NAMES
        ]
        return Pipeline(
            [
                ("features", CallFeaturizer()),
                (
                    "model",
                    HistGradientBoostingClassifier(
                        max_depth=3,
                        learning_rate=0.05,
                        max_iter=150,
                        min_samples_leaf=10,
                        l2_regularization=1.0,
                        monotonic_cst=cst,
                        random_state=seed,
                    ),
                ),
            ]
        )

    def calibrated(base: Pipeline) -> CalibratedClassifierCV:
        return CalibratedClassifierCV(
            base, method="sigmoid", cv=StratifiedKFold(5, shuffle=True, random_state=seed)
        )

    return {
        "directional_logistic_regression": directional(),
        "logistic_regression": logistic(),
        "gradient_boosting": boosted(),
        "gradient_boosting_calibrated": calibrated(boosted()),
    }


_MONOTONIC = ("pitch_dumps", "if_then_closes", "buyer_questions_per_1000_words", "pitch_pivots")



def library_versions() -> dict[str, str]:
    import sklearn
    import skops

    from ..about import __version__

    return {"scikit-learn": sklearn.__version__, "skops": skops.__version__, "callcoach": __version__, "numpy": np.__version__}



@dataclass
class TrainingReport:
    chosen: str
    reports: list[CVReport]
    n_calls: int
    label_counts: dict[str, int]
    borderline: int
    top_features: list[tuple[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "chosen": self.chosen,
            "calls": self.n_calls,
            "label_counts": self.label_counts,
            "borderline": self.borderline,
            "candidates": [r.to_dict() for r in self.reports],
            "top_features": [{"feature": n, "importance": round(v, 4)} for n, v in self.top_features],
        }



def train(
    calls: Sequence[LabelledCall],
    analyzer: Any,
    *,
    seed: int = 0,
    candidates: Iterable[str] | None = None,
) -> tuple[ModelArtifact, TrainingReport]:
    """Analyse, compare the candidates, fit the one with the best Brier score on every call."""
    results = analyse_labelled(calls, analyzer)
    bc = analyzer.thresholds.backchannel_max_words
    X = [call_features(r, backchannel_max_words=bc) for r in results]
    y = np.asarray([LABELS.index(c.label) for c in calls])
    groups = [c.group for c in calls]
    check_trainable(y, groups)
    conf = [c.confidence for c in calls]
    models = candidate_models(seed)
    names = list(candidates) if candidates is not None else list(models)
    reports = [
        cross_validate(models[n], X, y, groups, conf, name=n, seed=seed)[0] for n in names
    ]
    best = choose(reports)
    final = adapt_folds(candidate_models(seed)[best.name], y, seed=seed).fit(X, y)
    reference = {n: float(np.median([row[n] for row in X])) for n in FEATURE_NAMES}
    artifact = ModelArtifact(
        model=final,
        feature_names=FEATURE_NAMES,
        reference=reference,
        metadata={},
    )
    top = permutation_importance(artifact, X, y, seed=seed)
    report = TrainingReport(
        chosen=best.name,
        reports=reports,
        n_calls=len(calls),
        label_counts={lab: int((y == i).sum()) for i, lab in enumerate(LABELS)},
        borderline=int(sum(c == "borderline" for c in conf)),
        top_features=top,
    )
    artifact.metadata = {
        "format": MODEL_FORMAT,
        "schema_version": MODEL_SCHEMA_VERSION,
        "name": best.name,
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": seed,
        "versions": library_versions(),
        "training": report.to_dict(),
        # What the model has seen, so that an evaluation can say when it is
        # measuring the model on its own training calls.
        "training_sha256": sorted(file_sha256(c.path) for c in calls),
    }
    # What the card records, and loading checks: the model is refused if its
    # parameters are changed after this (E522).
    artifact.digest = parameters_digest(final)
    artifact.metadata["parameters_sha256"] = artifact.digest
    artifact.metadata["training_data_sha256"] = training_data_digest(artifact.metadata["training_sha256"])
    form = linear_form(final)
    if form is not None:  # what scoring reads instead of the scikit-learn objects
        artifact.metadata["linear_form"] = form.to_json()
        artifact.metadata["linear_form_sha256"] = form_digest(artifact.metadata["linear_form"])
    return artifact, report


def permutation_importance(
    artifact: ModelArtifact, X: Sequence[Mapping[str, float]], y: np.ndarray, *, seed: int = 0
) -> list[tuple[str, float]]:
    """Rise in log loss when each feature's values are shuffled (on the training calls)."""
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(seed)
    base = log_loss(y, artifact.predict_proba(X), labels=[0, 1])
    out = []
    for name in artifact.feature_names:
        rises = []
        for _ in range(5):
            perm = rng.permutation(len(X))
            shuffled = [dict(row, **{name: X[j][name]}) for row, j in zip(X, perm)]
            rises.append(log_loss(y, artifact.predict_proba(shuffled), labels=[0, 1]) - base)
        out.append((name, float(np.mean(rises))))
    out.sort(key=lambda e: -e[1])
    return out
