"""A trained call classifier: loading it safely, and scoring a call with it.

- :func:`load_model` reads a model file in the skops format. Loading a
  pickle runs code; skops builds only the types it is told to trust, so the
  loader first checks the archive (every entry's size before it is
  inflated, :mod:`analyzer.modelfile`), lists the types in the
  file and refuses any outside :data:`ALLOWED_TYPES`, then checks the
  format, the schema and the scikit-learn version, and last that the
  parameters are the ones the model's card records (their digest), and says
  how to retrain when any of these does not hold.
- :func:`load_scoring_model` reads what scoring needs: the model's linear
  form, checked against the card, without importing scikit-learn
  (:mod:`analyzer.classifier.linear`); other models are loaded whole.
- :func:`save_model` writes one (atomically); :func:`default_model_path`
  finds the shipped one.
- :meth:`ModelArtifact.score` gives an analysed call its score, label and
  the features that moved the score most.

Training lives in :mod:`analyzer.classifier.training`; nothing here imports it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import ModelArtifactError
from ..features import CONTEXT_FEATURES, FEATURE_BY_NAME, call_features
from ..modelfile import DEFAULT_MODEL_NAME, default_model_path  # noqa: F401 - part of this module's API
from ..result import ScoreReason

MODEL_SCHEMA_VERSION = 1
MODEL_FORMAT = "callcoach-model"
LABELS = ("seller_centric", "buyer_centric")
#: How sure the annotator is of a call's label (``confidence`` in a labels file,
#: ``label_confidence`` in a gold sidecar).
CONFIDENCES = ("clear", "borderline")

#: Every type a model file may hold. Anything else is refused when loading.
ALLOWED_TYPES = frozenset(
    {
        "analyzer.classifier.featurizer.CallFeaturizer",
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


#: Where model files written before the featurizer moved name it (retrain those).
MOVED_FEATURIZER = "analyzer.features.CallFeaturizer"

RETRAIN_HINT = "retrain it with `callcoach train LABELS.csv --out PATH` (the README says how)"


@dataclass
class ModelArtifact:
    """A trained model with what it needs to be trusted and explained."""

    model: Any
    feature_names: tuple[str, ...]
    reference: dict[str, float]
    metadata: dict[str, Any]
    source: str = "<memory>"
    #: The SHA-256 of the fitted parameters (:func:`analyzer.modelfile.parameters_digest`),
    #: checked against the card when the model is loaded.
    digest: str | None = None

    @property
    def name(self) -> str:
        """The model's name and training time (its version), e.g. ``directional_logistic_regression@2026-11-22T16:52:30Z``."""
        name = str(self.metadata.get("name", Path(self.source).name))
        created = self.metadata.get("created")
        return f"{name}@{created}" if created else name

    @property
    def classes_(self) -> np.ndarray:
        """The labels, in the column order of :meth:`predict_proba`: ``seller_centric``, ``buyer_centric``."""
        return np.asarray(LABELS)

    def predict_proba(self, rows: Sequence[Any]) -> np.ndarray:
        """Class probabilities, as scikit-learn gives them.

        Parameters
        ----------
        rows : sequence
            Analysed calls (:class:`~analyzer.result.AnalysisResult`) or
            feature mappings (name to value).

        Returns
        -------
        ndarray of shape (n, 2)
            The probability of each label of :attr:`classes_`; column 1 is
            ``buyer_centric``, the score divided by 100.
        """
        return np.asarray(self.model.predict_proba(list(rows)), dtype=float).reshape(-1, 2)

    def log_odds(self, rows: Sequence[Any]) -> np.ndarray:
        """The log-odds of ``buyer_centric`` for each row: the scale on which the model is linear."""
        rows = list(rows)
        if hasattr(self.model, "decision_function"):
            try:
                return np.asarray(self.model.decision_function(rows), dtype=float).reshape(-1)
            except (AttributeError, NotImplementedError):
                pass
        p = np.clip(self.predict_proba(rows)[:, 1], 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))

    def score(
        self, result: Any, *, top: int = 3, backchannel_max_words: int = 3, thresholds: Any = None
    ) -> tuple[float, str, tuple[ScoreReason, ...]]:
        """Score one analysed call: (score 0-100, label, the behaviours that moved it most).

        A feature's contribution is measured on the log-odds scale: the
        call's log-odds minus those with that feature alone set back to its
        typical value (the median of the training calls). The ``top`` largest
        contributions among the behaviours (:data:`~analyzer.features.CONTEXT_FEATURES`
        left out) are the reasons, each with its measured value and
        target in words (:func:`analyzer.reasons.explain`); there are reasons
        whenever there is a score, however close to 0 or 100.
        """
        from ..config import default_thresholds
        from ..reasons import explain

        thresholds = thresholds or default_thresholds()
        feats = call_features(result, backchannel_max_words=backchannel_max_words)
        rows = [feats]
        for name in self.feature_names:
            alt = dict(feats)
            alt[name] = self.reference[name]
            rows.append(alt)
        z = self.log_odds(rows)
        with np.errstate(over="ignore"):  # exp(-z) past the float range is inf: a probability of 0, no warning
            proba = 1.0 / (1.0 + np.exp(-z))
        score = float(proba[0] * 100.0)
        effects = [
            (name, float(z[0] - zi), score - float(pi * 100.0))
            for name, zi, pi in zip(self.feature_names, z[1:], proba[1:])
        ]
        # The reasons are behaviours: the call's own context (its length) moves
        # the score too, but is no reason a seller can act on.
        effects = [e for e in effects if e[0] not in CONTEXT_FEATURES]
        effects.sort(key=lambda e: -abs(e[1]))
        reasons = []
        for name, contribution, points in effects[:top]:
            if abs(contribution) < 1e-6:
                continue
            measured, target = explain(name, feats[name], result, thresholds, self.reference)
            reasons.append(
                ScoreReason(
                    feature=name,
                    description=FEATURE_BY_NAME[name].description,
                    value=round(float(feats[name]), 4),
                    effect=round(points, 2),
                    log_odds=round(contribution, 3),
                    measured=measured,
                    target=target,
                )
            )
        label = LABELS[1] if score >= 50.0 else LABELS[0]
        return round(score, 2), label, tuple(reasons)


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes (how a model remembers its training calls)."""
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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

    RAISES: ModelArtifactError when the file is missing (E502), not an
        archive (E503) or one past the size limits (E521), holds a type that
        is not allowed (E504), is not a callcoach model (E506-E508), was made
        with other library versions (E509), or has parameters that are not the
        ones its card records (E522, E523); the message says how to retrain.
    """
    import skops.io as sio

    from ..modelfile import read_archive, verify_parameters

    path = Path(path)
    src = str(path)
    if not path.is_file():
        raise ModelArtifactError(src, "no model file here", code="E502")
    data = read_archive(path)  # every entry's size checked before anything is inflated
    try:
        untrusted = set(sio.get_untrusted_types(data=data))
    except Exception as exc:  # noqa: BLE001 - any failure to parse is a bad file
        raise ModelArtifactError(src, f"not a readable skops model file ({_reason(exc)})", code="E503") from None
    if MOVED_FEATURIZER in untrusted:
        raise ModelArtifactError(
            src,
            f"written by an earlier callcoach, whose {MOVED_FEATURIZER} has moved to "
            f"analyzer.classifier.featurizer; {RETRAIN_HINT}",
            code="E507",
        )
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
        payload = sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:  # noqa: BLE001
        raise ModelArtifactError(src, f"could not be loaded ({_reason(exc)}); {RETRAIN_HINT}", code="E505") from None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelArtifactError(src, f"not a callcoach model file; {RETRAIN_HINT}", code="E506")
    if payload.get("schema_version") != MODEL_SCHEMA_VERSION:
        raise ModelArtifactError(
            src,
            f"model schema version {payload.get('schema_version')!r}, this callcoach reads "
            f"{MODEL_SCHEMA_VERSION}; {RETRAIN_HINT}",
            code="E507",
        )
    names = _feature_names(payload, src)
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
    digest = verify_parameters(payload["model"], metadata, src, hint=RETRAIN_HINT)
    return ModelArtifact(
        model=payload["model"],
        feature_names=names,
        reference={k: float(v) for k, v in dict(payload["reference"]).items()},
        metadata=metadata,
        source=src,
        digest=digest,
    )


def load_scoring_model(path: str | Path) -> ModelArtifact:
    """The model as scoring needs it: its linear form when the card beside it
    vouches for one (NumPy only, see :mod:`analyzer.classifier.linear`), else
    the whole model as :func:`load_model` reads it.

    The two score every call alike; this one starts without scikit-learn.

    RAISES: ModelArtifactError as :func:`load_model`, and E522 when the linear
        form or the parameters digest in the file is not the one the card records.
    """
    light = _load_linear(Path(path))
    return light if light is not None else load_model(path)


def _load_linear(path: Path) -> ModelArtifact | None:
    """The model from its linear form, or None when it has none its card vouches for."""
    from ..modelfile import card_digests, plain_payload, read_archive
    from .linear import LinearScorer, form_digest

    src = str(path)
    card = card_digests(path) if path.is_file() else {}
    if not card.get("linear form") or not card.get("parameters"):
        return None
    payload = plain_payload(read_archive(path), src)
    metadata = payload.get("metadata")
    if payload.get("format") != MODEL_FORMAT or payload.get("schema_version") != MODEL_SCHEMA_VERSION:
        return None  # the whole loader says what is wrong
    if not isinstance(metadata, dict) or not isinstance(metadata.get("linear_form"), str):
        return None
    text = metadata["linear_form"]
    for what, found, recorded in (
        ("linear form", form_digest(text), card["linear form"]),
        ("parameters digest", metadata.get("parameters_sha256"), card["parameters"]),
    ):
        if found != recorded:
            raise ModelArtifactError(
                src,
                f"refused: its {what} (sha256:{str(found)[:12]}) is not the one its card records "
                f"(sha256:{recorded[:12]}): the file was changed after training. {RETRAIN_HINT}",
                code="E522",
            )
    try:
        scorer = LinearScorer.from_json(text)
    except ValueError as exc:
        raise ModelArtifactError(src, f"could not be loaded ({exc}); {RETRAIN_HINT}", code="E505") from None
    names = _feature_names(payload, src)
    if names != scorer.feature_names:
        raise ModelArtifactError(src, f"its linear form names other features than the model; {RETRAIN_HINT}", code="E506")
    reference = payload.get("reference")
    if not isinstance(reference, dict) or set(reference) != set(names):
        return None
    return ModelArtifact(
        model=scorer,
        feature_names=names,
        reference={k: float(v) for k, v in reference.items()},
        metadata=metadata,
        source=src,
        digest=card["parameters"],
    )


def _feature_names(payload: Mapping[str, Any], src: str) -> tuple[str, ...]:
    """The model's features, by name. RAISES: E508 when there are none, or some this callcoach does not compute."""
    names = tuple(payload.get("feature_names") or ())
    unknown = [n for n in names if n not in FEATURE_BY_NAME]
    if not names or unknown:
        raise ModelArtifactError(
            src, f"the model uses features this callcoach does not compute ({unknown}); {RETRAIN_HINT}", code="E508"
        )
    return names


def _reason(exc: BaseException) -> str:
    """An exception's message, or its type when it has none (a MemoryError has none)."""
    return str(exc).strip() or type(exc).__name__


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])
