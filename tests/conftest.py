"""Shared fixtures of the callcoach test suite.

Nothing here downloads a model: the pipeline is ``spacy.blank("en")`` with a
sentencizer (``analyzer.nlp.pipeline.build_nlp``). Building an
:class:`~analyzer.analysis.Analyzer` costs about half a second, so the default
one is built once per session and the ones with threshold overrides are
cached per set of thresholds (:func:`analyzer_for`).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterable, Mapping

import pytest

try:
    import analyzer  # noqa: F401
except ImportError:  # the package is not installed: run from the checkout
    sys.path.insert(0, str(Path(__file__).parents[1]))

from analyzer.analysis import Analyzer
from analyzer.config import Thresholds
from analyzer.nlp.pipeline import build_nlp
from helpers import SAMPLES, TurnSpec, build_transcript, cli_runner, model_free


def pytest_addoption(parser):
    """``--slow``: also run the tests marked ``@pytest.mark.slow`` (pyproject.toml)."""
    parser.addoption("--slow", action="store_true", default=False, help="also run the tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with pytest --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def make_transcript():
    """The :func:`build_transcript` helper, as a fixture."""
    return build_transcript


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The analyzer with the default thresholds (and no classifier), built once."""
    return model_free()


@pytest.fixture(scope="session")
def nlp(analyzer):
    """The default pipeline (the session analyzer's)."""
    return analyzer.nlp


@pytest.fixture
def fresh_nlp():
    """A pipeline of one's own, for tests that change it."""
    return build_nlp()


@pytest.fixture(scope="session")
def analyzer_for(analyzer):
    """``analyzer_for(taggers="default", **overrides)``: an analyzer with some
    thresholds changed (and the taggers' sentence models, or ``"none"`` for the
    rules alone), cached."""
    cache: dict[tuple[Thresholds, str], Analyzer] = {(analyzer.thresholds, "default"): analyzer}

    def get(taggers: str = "default", **overrides: Any) -> Analyzer:
        thresholds = Thresholds.from_defaults(**overrides)
        if (thresholds, taggers) not in cache:
            cache[(thresholds, taggers)] = model_free(thresholds=thresholds, taggers=taggers)
        return cache[(thresholds, taggers)]

    return get


@pytest.fixture(scope="session")
def analyze(analyzer):
    """``analyze(turns, roles=None)``: the result of a made-up call."""

    def run(turns: Iterable[TurnSpec], roles: Mapping[str, str] | None = None, *, using: Analyzer | None = None):
        return (using or analyzer).analyze_transcript(build_transcript(turns, roles))

    return run


@pytest.fixture
def runner():
    """A click CliRunner for the ``callcoach`` command, stderr kept apart (:func:`helpers.cli_runner`)."""
    return cli_runner()


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """``data/samples`` of the checkout."""
    return SAMPLES
