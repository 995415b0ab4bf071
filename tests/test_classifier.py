"""The call classifier: deterministic training, safe model files, sensible scores."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.analysis import Analyzer
from analyzer.classifier import (
    ALLOWED_TYPES,
    LabelledCall,
    LabelsError,
    ModelArtifactError,
    default_model_path,
    load_labels,
    load_model,
    save_model,
    train,
)
from analyzer.classifier import CallFeaturizer
from analyzer.features import FEATURE_NAMES, call_features

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"


def _sample_labels(tmp_path: Path) -> Path:
    rows = []
    for gold in sorted(SAMPLES.glob("*.gold.json")):
        g = json.loads(gold.read_text(encoding="utf-8"))
        rows.append((os.path.relpath(SAMPLES / g["file"], tmp_path), g["label"], g["label_confidence"]))
    path = tmp_path / "labels.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "label", "confidence"])
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def plain_analyzer():
    return Analyzer(model=None)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, plain_analyzer):
    tmp = tmp_path_factory.mktemp("model")
    calls = load_labels(_sample_labels(tmp))
    artifact, report = train(calls, plain_analyzer, seed=3, candidates=["logistic_regression"])
    path = save_model(artifact, tmp / "m.skops")
    return artifact, report, path, calls


def test_classifier_training_is_deterministic(trained, plain_analyzer):
    artifact, report, _, calls = trained
    again, report2 = train(calls, plain_analyzer, seed=3, candidates=["logistic_regression"])
    assert report.to_dict()["candidates"] == report2.to_dict()["candidates"]
    rows = [call_features(plain_analyzer.analyze_file(c.path)) for c in calls[:5]]
    np.testing.assert_array_equal(artifact.predict_proba(rows), again.predict_proba(rows))


def test_classifier_round_trip_gives_identical_scores(trained, plain_analyzer):
    artifact, _, path, calls = trained
    loaded = load_model(path)
    rows = [call_features(plain_analyzer.analyze_file(c.path)) for c in calls]
    np.testing.assert_array_equal(artifact.predict_proba(rows), loaded.predict_proba(rows))
    assert loaded.feature_names == FEATURE_NAMES


def test_classifier_refuses_disallowed_type(tmp_path, trained):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    artifact, _, path, _ = trained
    payload = {
        "format": "callcoach-model",
        "schema_version": 1,
        "feature_names": list(FEATURE_NAMES),
        "reference": artifact.reference,
        "metadata": {},
        "model": FunctionTransformer(func=os.system),
    }
    bad = tmp_path / "tampered.skops"
    sio.dump(payload, bad)
    with pytest.raises(ModelArtifactError, match=r"\[E504\].*refused.*(posix|os|nt)\.system"):
        load_model(bad)


@pytest.mark.parametrize(
    "change, code",
    [
        ({"schema_version": 99}, "E507"),
        ({"format": "something-else"}, "E506"),
        ({"feature_names": ["not_a_feature"]}, "E508"),
        ({"metadata": {"versions": {"scikit-learn": "0.1.0"}}}, "E509"),
    ],
    ids=["schema", "format", "features", "sklearn-version"],
)
def test_classifier_checks_schema_and_versions(tmp_path, trained, change, code):
    import skops.io as sio

    artifact, _, path, _ = trained
    payload = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    payload.update(change)
    bad = tmp_path / "changed.skops"
    sio.dump(payload, bad)
    with pytest.raises(ModelArtifactError, match=rf"\[{code}\].*callcoach train"):
        load_model(bad)


def test_classifier_missing_file(tmp_path):
    with pytest.raises(ModelArtifactError, match=r"\[E502\]"):
        load_model(tmp_path / "nope.skops")


def test_classifier_allowed_types_cover_a_saved_model(trained):
    import skops.io as sio

    _, _, path, _ = trained
    assert set(sio.get_untrusted_types(file=path)) <= ALLOWED_TYPES


@pytest.mark.parametrize(
    "content, code",
    [
        ("name,label\nx,buyer_centric\n", "E512"),
        ("file,label\n{sample},maybe\n", "E513"),
        ("file,label,confidence\n{sample},buyer_centric,sure\n", "E514"),
        ("file,label\nmissing.txt,buyer_centric\n", "E515"),
        ("file,label\n{sample},buyer_centric\n{sample},seller_centric\n", "E516"),
    ],
    ids=["header", "label", "confidence", "missing-file", "twice"],
)
def test_classifier_labels_errors_name_the_line(tmp_path, content, code):
    sample = os.path.relpath(SAMPLES / "01-payroll-dental-discovery.txt", tmp_path)
    path = tmp_path / "labels.csv"
    path.write_text(content.format(sample=sample), encoding="utf-8")
    with pytest.raises(LabelsError, match=rf"\[{code}\] .*labels.csv"):
        load_labels(path)


def test_classifier_featurizer_api():
    f = CallFeaturizer().fit([{}])
    assert list(f.get_feature_names_out()) == list(FEATURE_NAMES)
    row = {n: 0.5 for n in FEATURE_NAMES}
    assert f.transform([row, row]).shape == (2, len(FEATURE_NAMES))
    with pytest.raises(ValueError, match="string object|a string was received"):
        f.transform("call.vtt")
    with pytest.raises(ValueError, match="unknown feature"):
        CallFeaturizer(features=["nope"]).fit([{}])


# -------------------------------------------------------------- the shipped model

SHIPPED = default_model_path()
needs_model = pytest.mark.skipif(SHIPPED is None, reason="no shipped model in models/")


@pytest.fixture(scope="module")
def shipped_rows(plain_analyzer):
    return [call_features(plain_analyzer.analyze_file(p)) for p in sorted(SAMPLES.glob("0*.*")) if not p.name.endswith(".gold.json")]


@needs_model
@settings(max_examples=60, deadline=None)
@given(k=st.integers(min_value=0, max_value=1000), extra=st.integers(min_value=1, max_value=3))
def test_classifier_monotonic_in_dumps_and_closes(shipped_rows, k, extra):
    model = load_model(SHIPPED)
    row = shipped_rows[k % len(shipped_rows)]
    base = model.predict_proba([row])[0, 1]
    for feature in ("pitch_dumps", "if_then_closes"):
        more = dict(row, **{feature: row[feature] + extra})
        assert model.predict_proba([more])[0, 1] <= base + 1e-9, feature


@needs_model
@settings(max_examples=60, deadline=None)
@given(k=st.integers(min_value=0, max_value=1000), questions=st.integers(min_value=1, max_value=10))
def test_classifier_more_buyer_questions_never_lower_the_score(shipped_rows, k, questions):
    model = load_model(SHIPPED)
    row = shipped_rows[k % len(shipped_rows)]
    words = max(1.0, np.expm1(row["log_words"]))
    more = dict(row)
    more["buyer_questions_per_1000_words"] = row["buyer_questions_per_1000_words"] + questions * 1000.0 / words
    more["buyer_question_turn_share"] = min(1.0, row["buyer_question_turn_share"] + 0.05 * questions)
    assert model.predict_proba([more])[0, 1] >= model.predict_proba([row])[0, 1] - 1e-9


@needs_model
def test_classifier_shipped_model_scores_results(plain_analyzer):
    analyzer = Analyzer(model="default")
    result = analyzer.analyze_file(SAMPLES / "07-hr-analytics-demo.vtt")
    assert 0.0 <= result.score <= 100.0
    assert result.label == ("buyer_centric" if result.score >= 50 else "seller_centric")
    assert result.model
    d = result.to_dict()
    assert d["score"] == result.score and d["reasons"] and {"feature", "effect", "value"} <= set(d["reasons"][0])


def test_classifier_labelled_call_groups_default_to_the_file(tmp_path):
    calls = load_labels(_sample_labels(tmp_path))
    assert all(isinstance(c, LabelledCall) and c.group == str(c.path) for c in calls)


@needs_model
def test_classifier_one_sided_call_is_not_scored():
    result = Analyzer(model="default").analyze_file(SAMPLES / "03-voip-voicemail.txt")
    assert result.score is None and result.label is None
    assert result.model  # a model is loaded: the call itself is what cannot be scored
