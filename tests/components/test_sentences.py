"""The array sentencizer decides every token as spaCy's ``sentencizer`` does."""
from __future__ import annotations

import numpy
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import SENT_START
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from analyzer.nlp.components.sentences import ArraySentencizer
from analyzer.nlp.pipeline import build_nlp, transcript_to_doc
from helpers import SAMPLES

NLP = spacy.blank("en")
#: Words, sentence marks, punctuation that is no mark, and marks of other scripts.
PIECES = ["so", "what", "do", "you", "Dana", "3.5", ".", "?", "!", "...", ",", '"', "'", "-", ")", "।", "。", "?!", "¿"]


def _flags(doc: Doc) -> list[int]:
    return doc.to_array([SENT_START]).astype("int64").tolist()


def _pair(words: list[str], preset: list[int]) -> tuple[Doc, Doc]:
    """Two copies of one Doc, with the same boundaries set before either runs."""
    docs = []
    for _ in range(2):
        doc = Doc(NLP.vocab, words=words)
        doc.from_array([SENT_START], numpy.array(preset, dtype="int64").astype("uint64"))
        docs.append(doc)
    return docs[0], docs[1]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).flatmap(
        lambda words: st.tuples(st.just(words), st.lists(st.sampled_from([0, 0, 0, 1, -1]), min_size=len(words), max_size=len(words)))
    ),
    st.booleans(),
)
def test_array_sentencizer_matches_spacy(case, overwrite):
    words, preset = case
    ours, theirs = _pair(words, preset)
    ArraySentencizer(overwrite=overwrite)(ours)
    Sentencizer(overwrite=overwrite)(theirs)
    assert _flags(ours) == _flags(theirs)


@pytest.mark.parametrize("marks", [["."], ["!", "。"]])
def test_array_sentencizer_own_marks(marks):
    words = ["yes", "!", "no", ".", "maybe", "。", "so"]
    ours, theirs = _pair(words, [0] * len(words))
    ArraySentencizer(punct_chars=marks)(ours)
    Sentencizer(punct_chars=marks)(theirs)
    assert _flags(ours) == _flags(theirs)
    assert sum(f == 1 for f in _flags(ours)) == 1 + sum(w in marks for w in words[:-1])


def test_array_sentencizer_on_sample_calls(nlp):
    """Every sample call's sentences, turns set first as the pipeline sets them."""
    spacy_nlp = build_nlp(learned="none")
    spacy_nlp.replace_pipe("sentencizer", "sentencizer")  # spaCy's own component, same name
    from analyzer import read_transcript

    paths = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".txt", ".vtt", ".srt", ".json"} and not p.name.endswith(".gold.json"))
    assert paths
    for path in paths:
        transcript = read_transcript(path)
        ours = nlp.get_pipe("sentencizer")(transcript_to_doc(nlp, transcript))
        theirs = spacy_nlp.get_pipe("sentencizer")(transcript_to_doc(spacy_nlp, transcript))
        assert [t.text for t in ours] == [t.text for t in theirs]
        assert _flags(ours) == _flags(theirs), path.name


def test_array_sentencizer_empty_doc_and_round_trip(tmp_path):
    sentencizer = ArraySentencizer(punct_chars=["."], overwrite=True)
    empty = Doc(NLP.vocab, words=[])
    assert len(sentencizer(empty)) == 0
    again = ArraySentencizer().from_bytes(sentencizer.to_bytes())
    assert again.punct_chars == {"."} and again.overwrite
    sentencizer.to_disk(tmp_path / "sentencizer")
    loaded = ArraySentencizer().from_disk(tmp_path / "sentencizer")
    assert loaded.punct_chars == {"."} and loaded.overwrite


def test_pipeline_uses_array_sentencizer(nlp):
    assert isinstance(nlp.get_pipe("sentencizer"), ArraySentencizer)
    assert nlp.get_pipe_meta("sentencizer").factory == "callcoach_sentencizer"
