"""A linear model's scoring form: what scoring needs of it, without scikit-learn.

A trained logistic model (``CallFeaturizer``, ``StandardScaler``, a linear
estimator) computes ``((x - mean) / scale) @ coef + intercept``. Training
writes those numbers into the model's metadata as one JSON text (its
*linear form*), and the card records that text's SHA-256 beside the
parameters digest. Scoring then reads the model file's schema as plain JSON,
checks the digest and computes with NumPy: a scoring process (a batch
worker, a single-file command) starts without importing scikit-learn,
SciPy or pandas. Any other model (boosted trees, a calibrated model) has no
linear form and is loaded whole by :func:`analyzer.classifier.load_model`.

The arithmetic is that of scikit-learn's own ``transform`` and
``decision_function``, in the same order, so the scores agree with the
loaded pipeline's (tested on the shipped model).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Sequence

import numpy as np

from ..features import feature_matrix

#: The ``kind`` of the only linear form there is so far.
KIND = "standardized_linear"


class LinearScorer:
    """The scoring side of a standardised linear model (NumPy only).

    Parameters
    ----------
    feature_names : sequence of str
        The features, in column order.
    mean, scale : sequence of float
        The standardisation: each feature has ``mean`` taken away and is
        divided by ``scale``.
    coef : sequence of float
        The weights of the standardised features.
    intercept : float
        The log-odds of ``buyer_centric`` when every standardised feature is 0.
    """

    def __init__(
        self,
        feature_names: Sequence[str],
        mean: Sequence[float],
        scale: Sequence[float],
        coef: Sequence[float],
        intercept: float,
    ) -> None:
        self.feature_names = tuple(feature_names)
        self.mean = np.asarray(mean, dtype=float)
        self.scale = np.asarray(scale, dtype=float)
        self.coef = np.asarray(coef, dtype=float)
        self.intercept = float(intercept)
        n = len(self.feature_names)
        if not (self.mean.shape == self.scale.shape == self.coef.shape == (n,)):
            raise ValueError(
                f"a linear form needs one mean, scale and weight per feature ({n}), got "
                f"{self.mean.shape}, {self.scale.shape} and {self.coef.shape}"
            )

    def decision_function(self, rows: Sequence[Any]) -> np.ndarray:
        """The log-odds of ``buyer_centric`` per row (an analysed call or a feature mapping)."""
        X = feature_matrix(rows, self.feature_names)
        X -= self.mean
        X /= self.scale
        return X @ self.coef + self.intercept

    def predict_proba(self, rows: Sequence[Any]) -> np.ndarray:
        """Probabilities of (``seller_centric``, ``buyer_centric``) per row."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(rows)))
        return np.column_stack([1.0 - p, p])

    def to_json(self) -> str:
        """The linear form as the canonical JSON text whose digest the card records."""
        return json.dumps(
            {
                "kind": KIND,
                "feature_names": list(self.feature_names),
                "mean": self.mean.tolist(),
                "scale": self.scale.tolist(),
                "coef": self.coef.tolist(),
                "intercept": self.intercept,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> "LinearScorer":
        """Read a linear form. RAISES: ValueError when it is not one."""
        form = json.loads(text)
        if not isinstance(form, dict) or form.get("kind") != KIND:
            raise ValueError(f"not a linear form of kind {KIND!r}")
        try:
            return cls(form["feature_names"], form["mean"], form["scale"], form["coef"], form["intercept"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"a linear form lacks {exc}") from None


def linear_form(model: Any) -> LinearScorer | None:
    """The scoring form of a fitted ``Pipeline(features, scale, linear estimator)``
    with classes 0 (``seller_centric``) and 1 (``buyer_centric``), as training
    fits it, or None when the model is not one (trees, calibration, no scaling)."""
    steps = getattr(model, "steps", None)
    if not steps or len(steps) != 3:
        return None
    features, scale, estimator = (step for _, step in steps)
    names = getattr(features, "feature_names_out_", None)
    mean, sd = getattr(scale, "mean_", None), getattr(scale, "scale_", None)
    coef, intercept = getattr(estimator, "coef_", None), getattr(estimator, "intercept_", None)
    classes = getattr(estimator, "classes_", None)
    if any(v is None for v in (names, mean, sd, coef, intercept, classes)):
        return None
    from sklearn.preprocessing import StandardScaler  # training only: the model is fitted

    if not isinstance(scale, StandardScaler) or np.shape(coef)[0] != 1 or list(classes) != [0, 1]:
        return None
    return LinearScorer([str(n) for n in names], mean, sd, np.asarray(coef)[0], float(np.asarray(intercept)[0]))


def form_digest(text: str) -> str:
    """The SHA-256 (hex) of a linear form's JSON text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
