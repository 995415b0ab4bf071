"""A logistic regression whose coefficients keep the sign the guide expects.

The annotation guide says which way most behaviours point: more pitch dumps
never make a call more buyer-centric, a longer buyer story never makes it
less. An unconstrained model fitted on a few hundred calls can still learn a
coefficient of the wrong sign from two correlated features (a long buyer
story and a low seller talk share say much the same thing), and then it
explains a score with "the buyer's long story lowered it". This estimator
fits the same penalised logistic loss as scikit-learn's ``LogisticRegression``
(L2, ``C`` as there), with each coefficient bounded to the sign given in
``directions`` (+1: not negative, -1: not positive, 0: free).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted


class DirectionalLogisticRegression(ClassifierMixin, BaseEstimator):
    """L2-penalised logistic regression with sign constraints on its coefficients.

    Parameters
    ----------
    C : float, default=1.0
        Inverse of the penalty strength, as in ``LogisticRegression``.
    directions : sequence of int or None, default=None
        One of +1, -1 or 0 per feature; None leaves every coefficient free.
    max_iter : int, default=1000
        Iterations of L-BFGS-B.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    n_features_in_ : int
    n_iter_ : int
    """

    def __init__(self, C: float = 1.0, directions: Sequence[int] | None = None, max_iter: int = 1000) -> None:
        self.C = C
        self.directions = directions
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None) -> "DirectionalLogisticRegression":
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-dimensional, got shape {X.shape}")
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"two classes are needed, got {len(self.classes_)}")
        if self.C <= 0:
            raise ValueError(f"C must be positive, got {self.C!r}")
        t = (y == self.classes_[1]).astype(float)
        n, d = X.shape
        dirs = list(self.directions) if self.directions is not None else [0] * d
        if len(dirs) != d:
            raise ValueError(f"directions has {len(dirs)} entries for {d} features")
        w_s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        inv_c = 1.0 / self.C

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = params[:-1], params[-1]
            z = X @ w + b
            # -[t log p + (1 - t) log(1 - p)] with p = expit(z), computed stably
            ll = -(t * log_expit(z) + (1 - t) * log_expit(-z))
            value = float(w_s @ ll) + 0.5 * inv_c * float(w @ w)
            r = w_s * (expit(z) - t)
            grad = np.empty_like(params)
            grad[:-1] = X.T @ r + inv_c * w
            grad[-1] = r.sum()
            return value, grad

        bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in dirs]
        bounds.append((None, None))
        res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": self.max_iter})
        self.coef_ = res.x[:-1].reshape(1, -1)
        self.intercept_ = res.x[-1:].copy()
        self.n_features_in_ = d
        self.n_iter_ = int(res.nit)
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        X = np.asarray(X, dtype=float)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X) -> np.ndarray:
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
