"""The scikit-learn transformer that turns analysed calls into the classifier's
feature matrix, so that a whole model is one ``Pipeline``. Only training and
loading a model file as scikit-learn objects import it."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..features import FEATURE_BY_NAME, FEATURE_NAMES, feature_matrix


class CallFeaturizer(TransformerMixin, BaseEstimator):
    """Turn analysed calls into the feature matrix of :data:`FEATURES`.

    Parameters
    ----------
    features : sequence of str or None, default=None
        The features to use, by name; None means all of :data:`FEATURE_NAMES`.

    Attributes
    ----------
    feature_names_out_ : ndarray of str
        The features, in column order.
    n_features_in_ : int
        Always 1: the input is one object (or one mapping) per call.

    Notes
    -----
    ``X`` is a sequence with one item per call: an
    :class:`~analyzer.result.AnalysisResult` (its features are computed), or
    a mapping of feature name to value (already computed, e.g. a row of a
    features table). A bare string is refused: it is a path or a transcript,
    not an analysed call.
    """

    def __init__(self, features: Sequence[str] | None = None) -> None:
        self.features = features

    def fit(self, X: Iterable[Any], y: Any = None) -> "CallFeaturizer":
        """Check the feature names. ``y`` is ignored: present for API consistency."""
        names = tuple(self.features) if self.features is not None else FEATURE_NAMES
        unknown = [n for n in names if n not in FEATURE_BY_NAME]
        if unknown:
            raise ValueError(
                f"unknown feature(s) {unknown}; known features: {', '.join(FEATURE_NAMES)}"
            )
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[Any]) -> np.ndarray:
        """One row of features per call."""
        check_is_fitted(self, "feature_names_out_")
        return feature_matrix(X, list(self.feature_names_out_))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The feature names, in column order."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.requires_fit = True
        return tags
