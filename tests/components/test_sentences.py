"""The array sentencizer sets exactly the boundaries spaCy's sentencizer sets."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import SENT_START
from spacy.pipeline import Sentencizer

from analyzer.asr import transcript_as_asr
from analyzer.nlp.components.sentences import ArraySentencizer
from analyzer.nlp.pipeline import build_nlp, transcript_to_doc
from analyzer.readers import read_transcript

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PIECES = ["Hi", "there", ".", "?", "!", "...", "?!", "(", ")", ",", "“", "”", "-", "。", "？", "x", "'s", " ", "  ", "\n"]


def boundaries(sentencizer, doc):
    sentencizer(doc)
    return doc.to_array([SENT_START]).tolist()


def same(nlp, text: str, preset: int | None = None, **options) -> None:
    first, second = nlp.make_doc(text), nlp.make_doc(text)
    if preset is not None and preset < len(first):
        first[preset].is_sent_start = True
        second[preset].is_sent_start = True
    assert boundaries(ArraySentencizer(**options), first) == boundaries(Sentencizer(**options), second), repr(text)


_BLANK = spacy.blank("en")


@pytest.fixture(scope="module")
def blank():
    return _BLANK


def test_the_pipeline_uses_it():
    nlp = build_nlp(learned="none")
    assert isinstance(nlp.get_pipe("sentencizer"), ArraySentencizer)


@pytest.mark.parametrize("path", sorted(p for p in SAMPLES.iterdir() if not p.name.endswith(".gold.json"))[:12], ids=lambda p: p.name)
def test_same_boundaries_on_sample_calls_as_written_and_unpunctuated(path):
    nlp = build_nlp(learned="none")
    transcript = read_transcript(path)
    for version in (transcript, transcript_as_asr(transcript)):
        ours, theirs = transcript_to_doc(nlp, version), transcript_to_doc(nlp, version)
        # Every turn's start was set before: both keep it.
        assert boundaries(ArraySentencizer(), ours) == boundaries(Sentencizer(), theirs)
        assert [s.start for s in ours.sents] == [s.start for s in theirs.sents]


@pytest.mark.parametrize(
    "text", ["", ".", "...", "Hi.", "Hi. ", "? ? what", "Really?! Yes... no. (ok) fine", "a . b", "。 x", "“Done.” Next"]
)
def test_same_boundaries_on_edge_cases(blank, text):
    same(blank, text)


@pytest.mark.parametrize("options", [{"punct_chars": ["x", "."]}, {"overwrite": True}, {"punct_chars": [".", "!!"]}])
def test_same_boundaries_with_the_same_options(blank, options):
    for text in ["a x b . c", "Hi!! there. x y", "Hi. there ? ok"]:
        same(blank, text, preset=1, **options)


@given(st.lists(st.sampled_from(PIECES), max_size=30), st.integers(min_value=0, max_value=12))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_same_boundaries_on_any_text(pieces, preset):
    same(_BLANK, " ".join(pieces), preset=preset)
