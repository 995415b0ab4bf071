"""The call-level classifier: seller-centric (0) to buyer-centric (100).

- :func:`load_labels` reads a labels file (``file,label[,confidence][,group]``).
- :func:`train` analyses the labelled calls, compares candidate models under
  grouped, stratified cross-validation, fits the best on every call, and
  returns a :class:`ModelArtifact` with its figures.
- :func:`save_model` / :func:`load_model` write and read the artifact in the
  skops format. Loading a pickle runs code; skops builds only the types it is
  told to trust, so :func:`load_model` lists the types in the file and
  refuses any outside :data:`ALLOWED_TYPES`, then checks the schema and the
  library versions.
- :meth:`ModelArtifact.score` gives a result its score, label and the
  features that moved the score most.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .errors import LabelsError, ModelArtifactError
from .features import FEATURE_BY_NAME, FEATURE_NAMES, FEATURES, CallFeaturizer, call_features
from .result import ScoreReason

MODEL_SCHEMA_VERSION = 1
MODEL_FORMAT = "callcoach-model"
LABELS = ("seller_centric", "buyer_centric")
DEFAULT_MODEL_NAME = "callcoach-classifier.skops"

#: Every type a model file may hold. Anything else is refused when loading.
ALLOWED_TYPES = frozenset(
    {
        "analyzer.features.CallFeaturizer",
        "analyzer.estimators.DirectionalLogisticRegression",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.Interval",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.utils._bunch.Bunch",
        "numpy.dtype",
        "numpy.ndarray",
        "numpy.float64",
        "numpy.int64",
        "numpy.bool_",
        "builtins.slice",
        "builtins.tuple",
        "builtins.frozenset",
        "collections.OrderedDict",
        "sklearn.utils._tags.Tags",
        "sklearn.utils._tags.InputTags",
        "sklearn.utils._tags.TargetTags",
        "sklearn.utils._tags.ClassifierTags",
        "sklearn.utils._tags.TransformerTags",
    }
)


RETRAIN_HINT = "retrain it with `callcoach train LABELS.csv --out PATH` (the README says how)"


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
        if conf not in ("clear", "borderline"):
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
    from .evaluate import GOLD_SUFFIX, load_gold

    results = []
    for call in calls:
        gold_path = call.path.with_name(call.path.name.rsplit(".", 1)[0] + GOLD_SUFFIX)
        roles = load_gold(gold_path).roles if gold_path.exists() else None
        results.append(analyzer.analyze_file(call.path, roles=roles))
    return results


# --------------------------------------------------------------------------- models


def candidate_models(seed: int = 0) -> dict[str, Any]:
    """The models compared by :func:`train`, each one ``Pipeline``."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from .estimators import DirectionalLogisticRegression

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

    n_groups = len(set(groups))
    n_splits = max(2, min(5, n_groups, int(np.bincount(y).min())))
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    proba = np.zeros(len(y))
    X = list(X)
    for train_idx, test_idx in folds.split(X, y, groups):
        m = clone(model).fit([X[i] for i in train_idx], y[train_idx])
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


@dataclass
class ModelArtifact:
    """A trained model with what it needs to be trusted and explained."""

    model: Any
    feature_names: tuple[str, ...]
    reference: dict[str, float]
    metadata: dict[str, Any]
    source: str = "<memory>"

    @property
    def name(self) -> str:
        """The model's name and training time (its version), e.g. ``directional_logistic_regression@2026-11-22T16:52:30Z``."""
        name = str(self.metadata.get("name", Path(self.source).name))
        created = self.metadata.get("created")
        return f"{name}@{created}" if created else name

    def predict_proba(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Probability of ``buyer_centric`` for feature mappings."""
        return self.model.predict_proba(list(rows))[:, 1]

    def score(
        self, result: Any, *, top: int = 3, backchannel_max_words: int = 3
    ) -> tuple[float, str, tuple[ScoreReason, ...]]:
        """Score one analysed call: (score 0-100, label, the features that moved it most).

        A feature's effect is how far the score moves when that feature alone
        is set back to its typical value (the median of the training calls):
        positive effects pushed the call towards buyer-centric.
        """
        feats = call_features(result, backchannel_max_words=backchannel_max_words)
        rows = [feats]
        for name in self.feature_names:
            alt = dict(feats)
            alt[name] = self.reference[name]
            rows.append(alt)
        proba = self.predict_proba(rows)
        score = float(proba[0] * 100.0)
        effects = [
            (name, score - float(p * 100.0)) for name, p in zip(self.feature_names, proba[1:])
        ]
        effects.sort(key=lambda e: -abs(e[1]))
        reasons = tuple(
            ScoreReason(
                feature=name,
                description=FEATURE_BY_NAME[name].description,
                value=round(float(feats[name]), 4),
                effect=round(effect, 2),
            )
            for name, effect in effects[:top]
            if abs(effect) >= 0.5
        )
        label = LABELS[1] if score >= 50.0 else LABELS[0]
        return round(score, 2), label, reasons


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes (how a model remembers its training calls)."""
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def library_versions() -> dict[str, str]:
    import sklearn
    import skops

    from . import __version__

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


def check_trainable(y: np.ndarray, groups: Sequence[str], *, source: str = "labels") -> None:
    """Refuse labels that cross-validation cannot use, with a message that says why."""
    if len(set(y.tolist())) < 2 or np.bincount(y, minlength=2).min() < 2:
        raise LabelsError(source, None, "training needs at least two calls of each label", code="E518")
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
    final = candidate_models(seed)[best.name].fit(X, y)
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


# --------------------------------------------------------------------------- files


def save_model(artifact: ModelArtifact, path: str | Path) -> Path:
    """Write the artifact in the skops format (atomically)."""
    import os
    import tempfile

    import skops.io as sio

    path = Path(path)
    payload = {
        "format": MODEL_FORMAT,
        "schema_version": MODEL_SCHEMA_VERSION,
        "feature_names": list(artifact.feature_names),
        "reference": dict(artifact.reference),
        "metadata": _jsonable(artifact.metadata),
        "model": artifact.model,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        sio.dump(payload, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _jsonable(x: Any) -> Any:
    import json

    return json.loads(json.dumps(x, default=str))


def load_model(path: str | Path) -> ModelArtifact:
    """Read a model file, refusing any type outside :data:`ALLOWED_TYPES`.

    RAISES: ModelArtifactError when the file is missing, holds a type that is
        not allowed, is not a callcoach model, or was made with other library
        versions (the message says how to retrain).
    """
    import skops.io as sio

    path = Path(path)
    src = str(path)
    if not path.is_file():
        raise ModelArtifactError(src, "no model file here", code="E502")
    try:
        untrusted = set(sio.get_untrusted_types(file=path))
    except Exception as exc:  # noqa: BLE001 - any failure to parse is a bad file
        raise ModelArtifactError(src, f"not a readable skops model file ({exc})", code="E503") from None
    refused = sorted(untrusted - ALLOWED_TYPES)
    if refused:
        raise ModelArtifactError(
            src,
            "refused: the file holds types a callcoach model never contains: "
            + ", ".join(refused)
            + f". Do not load files from unknown sources; {RETRAIN_HINT}",
            code="E504",
        )
    try:
        payload = sio.load(path, trusted=sorted(untrusted))
    except Exception as exc:  # noqa: BLE001
        raise ModelArtifactError(src, f"could not be loaded ({exc}); {RETRAIN_HINT}", code="E505") from None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelArtifactError(src, f"not a callcoach model file; {RETRAIN_HINT}", code="E506")
    if payload.get("schema_version") != MODEL_SCHEMA_VERSION:
        raise ModelArtifactError(
            src,
            f"model schema version {payload.get('schema_version')!r}, this callcoach reads "
            f"{MODEL_SCHEMA_VERSION}; {RETRAIN_HINT}",
            code="E507",
        )
    names = tuple(payload.get("feature_names") or ())
    unknown = [n for n in names if n not in FEATURE_BY_NAME]
    if not names or unknown:
        raise ModelArtifactError(
            src, f"the model uses features this callcoach does not compute ({unknown}); {RETRAIN_HINT}", code="E508"
        )
    metadata = dict(payload.get("metadata") or {})
    saved = (metadata.get("versions") or {}).get("scikit-learn", "")
    import sklearn

    if _minor(saved) != _minor(sklearn.__version__):
        raise ModelArtifactError(
            src,
            f"trained with scikit-learn {saved or 'unknown'}, running {sklearn.__version__}; "
            f"{RETRAIN_HINT}",
            code="E509",
        )
    return ModelArtifact(
        model=payload["model"],
        feature_names=names,
        reference={k: float(v) for k, v in dict(payload["reference"]).items()},
        metadata=metadata,
        source=src,
    )


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def default_model_path() -> Path | None:
    """The shipped model: ``models/`` beside the package source, or inside the installed package."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "models" / DEFAULT_MODEL_NAME, here / "models" / DEFAULT_MODEL_NAME):
        if candidate.is_file():
            return candidate
    return None


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
