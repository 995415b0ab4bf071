"""``callcoach_buyer_question``: seller questions about the buyer.

The cases are data: ``cases/buyer_question.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "buyer_question"


def test_buyer_question_case(case, check_case):
    check_case(case)


def _asr_samples(count: int):
    from pathlib import Path

    from analyzer.asr import transcript_as_asr
    from analyzer.readers import read_transcript

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    return [transcript_as_asr(read_transcript(path)) for path in sorted(samples.glob("*.txt"))[:count]]


def test_buyer_question_pruned_candidates_tag_the_same_sentences():
    """The phrase lists are skipped on unmarked sentences the model rejects whatever
    they find; the sentences tagged are those of every candidate judged, less
    the unlikely unmarked ones an analysis leaves out."""
    from analyzer.analysis import Analyzer
    from analyzer.config import Thresholds

    analyzer = Analyzer(model=None)
    tagger = analyzer.nlp.get_pipe("callcoach_buyer_question")
    MIN_QUESTION_ODDS = tagger.min_question_odds
    assert MIN_QUESTION_ODDS == Thresholds.from_defaults().buyer_question_min_question_odds > 0
    # With the floor set to 0 in the config, every candidate judged is read.
    every = Analyzer(Thresholds.from_defaults(buyer_question_min_question_odds=0.0), model=None)
    pruned_away = 0
    for transcript in _asr_samples(8):
        doc = analyzer.doc(transcript)
        judged = {}
        for prune, min_odds in ((False, 0.0), (True, 0.0), (True, MIN_QUESTION_ODDS)):
            cands = tagger.candidates(doc, prune=prune, min_odds=min_odds)
            keep = tagger.model.accept([c.features for c in cands])
            judged[prune, min_odds] = [(c.span.start, c.span.end) for c, ok in zip(cands, keep) if ok and not c.veto]
            if min_odds == 0.0:
                pruned_away += -len(cands) if prune else len(cands)
        assert judged[True, 0.0] == judged[False, 0.0]
        assert set(judged[True, MIN_QUESTION_ODDS]) <= set(judged[True, 0.0])
        assert judged[True, MIN_QUESTION_ODDS] == [(s.start, s.end) for s in doc.spans[tagger.tag]]
        unfloored = every.doc(transcript)
        assert judged[True, 0.0] == [(s.start, s.end) for s in unfloored.spans[tagger.tag]]
    assert pruned_away > 0  # the lists were skipped somewhere


def test_buyer_question_unlikely_unmarked_sentences_are_left_out_when_analysed():
    """A sentence with no question form as written whose question probability
    from the segmenter is under the floor is no candidate; every other is."""
    from analyzer.analysis import Analyzer
    from analyzer.nlp.components.base import question_odds

    analyzer = Analyzer(model=None)
    tagger = analyzer.nlp.get_pipe("callcoach_buyer_question")
    MIN_QUESTION_ODDS = tagger.min_question_odds
    left_out = kept_unmarked = 0
    for transcript in _asr_samples(8):
        doc = analyzer.doc(transcript)
        floor = {(c.span.start, c.span.end) for c in tagger.candidates(doc, min_odds=MIN_QUESTION_ODDS)}
        for cand in tagger.candidates(doc):
            odds = question_odds(doc, cand.span.start, cand.span.end)
            unlikely = "R:form=unmarked" in cand.features and odds is not None and odds < MIN_QUESTION_ODDS
            assert ((cand.span.start, cand.span.end) in floor) is not unlikely
            left_out += unlikely
            kept_unmarked += "R:form=unmarked" in cand.features and not unlikely
    assert left_out > 0 and kept_unmarked > 0
