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
from typing import Any, Iterable, Mapping, Sequence

import pytest

try:
    import analyzer  # noqa: F401
except ImportError:  # the package is not installed: run from the checkout
    sys.path.insert(0, str(Path(__file__).parents[1]))

from analyzer.analysis import Analyzer
from analyzer.config import Thresholds
from analyzer.nlp.pipeline import build_nlp
from analyzer.roles import assign_roles
from analyzer.transcript import Cue, Transcript

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"

#: The speaker names the made-up calls use, and their roles. A call's
#: speakers that are named here get these roles as given roles; any other
#: speaker is inferred unless the test passes ``roles``.
DEFAULT_ROLES = {"Dana": "seller", "Sam": "buyer", "Kim": "seller", "Lee": "buyer", "Bot": "other"}

TurnSpec = Sequence[Any]  # (speaker, text) or (speaker, text, start, end)


def build_transcript(
    turns: Iterable[TurnSpec],
    roles: Mapping[str, str] | None = None,
    *,
    source: str = "<test>",
    format: str = "test",
    infer: bool = False,
) -> Transcript:
    """A transcript from ``(speaker, text[, start, end])`` tuples, with roles.

    roles (Mapping | None): given roles. Defaults to :data:`DEFAULT_ROLES`
        for the speakers of the call that it names.
    infer (bool): leave roles unassigned (``Transcript.from_cues`` only), for
        tests of role inference.
    """
    cues = []
    for n, spec in enumerate(turns, 1):
        speaker, text, *times = spec
        start, end = (times + [None, None])[:2]
        cues.append(Cue(speaker, text, start, end, line=n))
    transcript = Transcript.from_cues(cues, source=source, format=format)
    if infer:
        return transcript
    if roles is None:
        roles = {s: DEFAULT_ROLES[s] for s in transcript.speakers if s in DEFAULT_ROLES}
    return assign_roles(transcript, roles=roles)


@pytest.fixture(scope="session")
def make_transcript():
    """The :func:`build_transcript` helper, as a fixture."""
    return build_transcript


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The default analyzer, built once."""
    return Analyzer()


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
    """``analyzer_for(**overrides)``: an analyzer with some thresholds changed, cached."""
    cache: dict[Thresholds, Analyzer] = {analyzer.thresholds: analyzer}

    def get(**overrides: Any) -> Analyzer:
        thresholds = Thresholds.from_defaults(**overrides)
        if thresholds not in cache:
            cache[thresholds] = Analyzer(thresholds=thresholds)
        return cache[thresholds]

    return get


@pytest.fixture(scope="session")
def analyze(analyzer):
    """``analyze(turns, roles=None)``: the result of a made-up call."""

    def run(turns: Iterable[TurnSpec], roles: Mapping[str, str] | None = None, *, using: Analyzer | None = None):
        return (using or analyzer).analyze_transcript(build_transcript(turns, roles))

    return run


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """``data/samples`` of the checkout."""
    return SAMPLES
