"""``callcoach_if_then_close``: conditional closes.

The cases are data: ``cases/if_then_close.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "if_then_close"


def test_if_then_close_case(case, check_case):
    check_case(case)


def _candidates(text: str):
    from analyzer.nlp.pipeline import build_nlp, transcript_to_doc
    from helpers import build_transcript

    nlp = build_nlp(learned="none")
    doc = transcript_to_doc(nlp, build_transcript([("Sam", "The price is the problem."), ("Dana", text)]))
    for name, proc in nlp.pipeline:
        if name == "callcoach_if_then_close":
            return proc.candidates(doc)
        doc = proc(doc)
    raise AssertionError("no if_then_close component")


def test_if_then_close_an_offer_traded_for_an_asked_commitment_is_a_candidate_for_the_model():
    # The guide's trade with no condition word: what the seller will do, then the ask.
    cands = _candidates("Tell you what. I'll knock the setup fee off. Can we shake on it today?")
    offers = [c for c in cands if "R:offer=True" in c.features]
    assert [c.span.text for c in offers] == ["I'll knock the setup fee off. Can we shake on it today?"]
    assert not offers[0].rule  # the rules alone keep to sentences with a condition


def test_if_then_close_an_offer_with_nothing_asked_in_return_is_no_candidate():
    def offers(text):
        return [c.span.text for c in _candidates(text) if "R:offer=True" in c.features]

    assert offers("I'll send you the case study. Let me know what you think.") == []
    # a commitment named but neither asked nor presumed
    assert offers("I'll send the contract over. The agreement is standard.") == []
