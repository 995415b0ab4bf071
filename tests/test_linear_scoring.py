"""Scoring from a model's linear form: the same scores as the scikit-learn model, no scikit-learn imported, and a form that does not match its card refused."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analyzer.analysis import Analyzer
from analyzer.classifier import load_model, load_scoring_model
from analyzer.classifier.linear import LinearScorer, form_digest, linear_form
from analyzer.errors import ModelArtifactError
from analyzer.features import FEATURE_NAMES
from analyzer.modelfile import card_digests, default_model_path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
SHIPPED = default_model_path()
needs_shipped = pytest.mark.skipif(SHIPPED is None, reason="no shipped model")


def _rows(n: int, seed: int = 0) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    return [dict(zip(FEATURE_NAMES, map(float, r))) for r in rng.uniform(0.0, 3.0, size=(n, len(FEATURE_NAMES)))]


def _fitted(estimator):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from analyzer.classifier.featurizer import CallFeaturizer

    rows = _rows(200, seed=1)
    y = np.array([int(r["buyer_question_turn_share"] + r["pitch_pivots"] > r["if_then_closes"] + 1.5) for r in rows])
    return Pipeline([("features", CallFeaturizer()), ("scale", StandardScaler()), ("model", estimator)]).fit(rows, y)


@pytest.mark.parametrize("kind", ["logistic", "directional"])
def test_linear_form_equals_the_pipeline(kind):
    from sklearn.linear_model import LogisticRegression

    from analyzer.estimators import DirectionalLogisticRegression

    estimator = LogisticRegression(C=0.5) if kind == "logistic" else DirectionalLogisticRegression(C=0.5)
    pipe = _fitted(estimator)
    form = linear_form(pipe)
    rows = _rows(500, seed=2)
    np.testing.assert_allclose(form.decision_function(rows), pipe.decision_function(rows), rtol=0, atol=1e-12)
    np.testing.assert_allclose(form.predict_proba(rows), pipe.predict_proba(rows), rtol=0, atol=1e-12)
    again = LinearScorer.from_json(form.to_json())  # the JSON text keeps every bit
    assert again.to_json() == form.to_json()
    assert np.array_equal(again.decision_function(rows), form.decision_function(rows))


def test_linear_form_none_for_a_model_that_is_not_linear():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    from analyzer.classifier.featurizer import CallFeaturizer

    rows = _rows(100)
    y = np.arange(100) % 2
    trees = Pipeline([("features", CallFeaturizer()), ("model", HistGradientBoostingClassifier(max_iter=5))]).fit(rows, y)
    assert linear_form(trees) is None
    with pytest.raises(ValueError, match="not a linear form"):
        LinearScorer.from_json(json.dumps({"kind": "trees"}))


@needs_shipped
def test_linear_scoring_shipped_model_scores_as_the_whole_model():
    light, whole = load_scoring_model(SHIPPED), load_model(SHIPPED)
    assert isinstance(light.model, LinearScorer)
    assert (light.name, light.digest, light.feature_names, light.reference) == (
        whole.name, whole.digest, whole.feature_names, whole.reference,
    )  # fmt: skip
    rows = _rows(2000, seed=3)
    np.testing.assert_allclose(light.log_odds(rows), whole.log_odds(rows), rtol=0, atol=1e-12)
    plain = Analyzer(model=None)
    for path in sorted(SAMPLES.glob("0*.txt"))[:4]:
        result = plain.analyze_file(path)
        if result.score is None and not result.speakers:
            continue
        assert light.score(result) == whole.score(result)


@needs_shipped
def test_linear_scoring_imports_no_scikit_learn():
    code = (
        "import sys\n"
        "from analyzer.analysis import Analyzer\n"
        f"r = Analyzer().analyze_file({str(SAMPLES / '01-payroll-dental-discovery.txt')!r})\n"
        "assert r.score is not None\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'skops', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _copy_shipped(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(SHIPPED, folder / SHIPPED.name)
    shutil.copy(SHIPPED.with_name("README.md"), folder / "README.md")
    return folder / SHIPPED.name


@needs_shipped
def test_linear_scoring_refuses_a_form_its_card_does_not_record(tmp_path):
    path = _copy_shipped(tmp_path)
    card = path.with_name("README.md")
    recorded = card_digests(path)["linear form"]
    card.write_text(card.read_text(encoding="utf-8").replace(recorded, "0" * 64), encoding="utf-8")
    with pytest.raises(ModelArtifactError, match=r"\[E522\] .*its linear form .* is not the one its card records"):
        load_scoring_model(path)


@needs_shipped
def test_linear_scoring_without_a_recorded_form_loads_the_whole_model(tmp_path):
    path = _copy_shipped(tmp_path)
    card = path.with_name("README.md")
    text = card.read_text(encoding="utf-8")
    card.write_text("\n".join(line for line in text.splitlines() if "linear form digest" not in line), encoding="utf-8")
    model = load_scoring_model(path)
    assert not isinstance(model.model, LinearScorer) and model.digest == card_digests(path)["parameters"]


@needs_shipped
def test_linear_scoring_recorded_form_is_the_models():
    whole = load_model(SHIPPED)
    text = whole.metadata["linear_form"]
    assert form_digest(text) == card_digests(SHIPPED)["linear form"]
    assert text == linear_form(whole.model).to_json()  # what training wrote is what the model computes


@needs_shipped
def test_model_written_before_the_featurizer_moved_is_refused_with_a_retrain_hint(tmp_path):
    import zipfile

    old = tmp_path / "old.skops"
    with zipfile.ZipFile(SHIPPED) as src, zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "schema.json":
                data = data.replace(b'"analyzer.classifier.featurizer"', b'"analyzer.features"')
            out.writestr(info.filename, data)
    with pytest.raises(ModelArtifactError, match=r"\[E507\] .*earlier callcoach.*retrain"):
        load_model(old)


@needs_shipped
def test_linear_scoring_far_past_the_float_range_is_a_score_of_zero_without_a_warning(analyzer):
    """A seller's 39,000-word monologue drives the log-odds so low that exp
    overflows: the score is 0, and no numpy RuntimeWarning reaches stderr."""
    import warnings

    text = "Dana: " + "word " * 39_000 + "\nSam: ok\n"
    result = analyzer.analyze_text(text, sellers=["Dana"], buyers=["Sam"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        score, label, _ = load_scoring_model(SHIPPED).score(result)
    assert (score, label) == (0.0, "seller_centric")
