"""``callcoach_buyer_question``: seller questions about the buyer.

The cases are data: ``cases/buyer_question.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "buyer_question"


def test_buyer_question_case(case, check_case):
    check_case(case)


def test_buyer_question_pruned_candidates_tag_the_same_sentences():
    """The phrase lists are skipped on unmarked sentences the model rejects whatever
    they find; the sentences tagged are those of every candidate judged."""
    from pathlib import Path

    from analyzer.analysis import Analyzer
    from analyzer.asr import transcript_as_asr
    from analyzer.readers import read_transcript

    analyzer = Analyzer(model=None)
    tagger = analyzer.nlp.get_pipe("callcoach_buyer_question")
    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    pruned_away = 0
    for path in sorted(samples.glob("*.txt"))[:8]:
        doc = analyzer.doc(transcript_as_asr(read_transcript(path)))
        judged = {}
        for prune in (False, True):
            cands = tagger.candidates(doc, prune=prune)
            keep = tagger.model.accept([c.features for c in cands])
            judged[prune] = [(c.span.start, c.span.end) for c, ok in zip(cands, keep) if ok and not c.veto]
            pruned_away += -len(cands) if prune else len(cands)
        assert judged[True] == judged[False]
        assert judged[True] == [(s.start, s.end) for s in doc.spans[tagger.tag]]
    assert pruned_away > 0  # the lists were skipped somewhere
