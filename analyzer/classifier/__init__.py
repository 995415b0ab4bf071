"""The call-level classifier: seller-centric (0) to buyer-centric (100).

What lives where:

- :mod:`~analyzer.classifier.model`: a trained model and its file:
  :class:`ModelArtifact` (``score`` gives a call its score, label and
  reasons), :func:`load_model` (refuses any type outside
  :data:`ALLOWED_TYPES`, checks format, schema and versions),
  :func:`load_scoring_model` (the model's linear form, checked against its
  card, without scikit-learn), :func:`save_model`,
  :func:`default_model_path`. This is all that scoring needs, and it never
  imports training.
- :mod:`~analyzer.classifier.linear`: a linear model's scoring form
  (:class:`~analyzer.classifier.linear.LinearScorer`, NumPy only).
- :mod:`~analyzer.classifier.featurizer`: ``CallFeaturizer``, the
  scikit-learn transformer of the model's first step.
- :mod:`~analyzer.classifier.training`: the labels file
  (:func:`load_labels`), the candidate models, :func:`train` and
  permutation importance.
- :mod:`~analyzer.classifier.crossval`: grouped, stratified
  cross-validation (:func:`cross_validate`), :func:`check_trainable` and
  the choice between candidates.
- :mod:`~analyzer.classifier.card`: the model card (:func:`model_card`).

The names of the training side are importable from here too, but are only
loaded when asked for, so that loading a model to score calls stays light.
"""
from __future__ import annotations

from typing import Any

from ..errors import LabelsError, ModelArtifactError
from .model import (
    ALLOWED_TYPES,
    DEFAULT_MODEL_NAME,
    LABELS,
    MODEL_FORMAT,
    MODEL_SCHEMA_VERSION,
    ModelArtifact,
    default_model_path,
    file_sha256,
    load_model,
    load_scoring_model,
    save_model,
)

#: Names of the training side, by the module that defines them.
_TRAINING_NAMES = {
    "training": (
        "LabelledCall", "TrainingReport", "analyse_labelled", "candidate_models", "library_versions",
        "load_labels", "permutation_importance", "train",
    ),
    "crossval": ("CVReport", "PREFERRED", "check_trainable", "choose", "cross_validate"),
    "card": ("model_card",),
    "featurizer": ("CallFeaturizer",),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    # Imported on first use: loading a model to score calls never loads training.
    if name in _TRAINING_NAMES["training"]:
        from . import training as module
    elif name in _TRAINING_NAMES["crossval"]:
        from . import crossval as module
    elif name in _TRAINING_NAMES["card"]:
        from . import card as module
    elif name in _TRAINING_NAMES["featurizer"]:
        from . import featurizer as module
    else:
        raise AttributeError(f"module 'analyzer.classifier' has no attribute {name!r}")
    return getattr(module, name)


__all__ = [
    "ALLOWED_TYPES",
    "DEFAULT_MODEL_NAME",
    "LABELS",
    "LabelsError",
    "MODEL_FORMAT",
    "MODEL_SCHEMA_VERSION",
    "ModelArtifact",
    "ModelArtifactError",
    "default_model_path",
    "file_sha256",
    "load_model",
    "load_scoring_model",
    "save_model",
    *(name for names in _TRAINING_NAMES.values() for name in names),
]
