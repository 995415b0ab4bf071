"""``callcoach_pitch_invite``: buyer invitations to talk about the seller.

The cases are data: ``cases/pitch_invite.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "pitch_invite"


def test_pitch_invite_case(case, check_case):
    check_case(case)


def _invite_candidates(text):
    from analyzer.analysis import Analyzer
    from helpers import build_transcript

    analyzer = Analyzer(model=None, taggers="none")
    doc = analyzer.doc(build_transcript([("Sam", text), ("Dana", "Sure.")], {"Sam": "buyer", "Dana": "seller"}))
    return analyzer.nlp.get_pipe("callcoach_pitch_invite").candidates(doc)


def test_pitch_invite_strict_phrase_that_runs_on_is_a_signal_not_a_veto():
    """A strict invitation followed by a word the phrase list does not expect
    ("who are you lot?", "who are you with again?") is refused by the rules but
    left to the model: whether the clause ends is read from punctuation and a
    list of followers, which speech and other Englishes outrun."""
    for text in ("Who are you lot, anyway?", "Who are you with again?", "who are you people and why should we care"):
        (cand,) = _invite_candidates(text)
        assert not cand.rule
        assert not cand.veto
        assert "R:refused=True" in cand.features
    (cand,) = _invite_candidates("What do you guys do?")
    assert cand.rule and "R:refused=False" in cand.features


def test_pitch_invite_strict_phrase_narrowed_by_a_complement_is_a_veto():
    """"What do you do to exercise?", "what do you do for fun?": a preposition or
    an infinitive with words of its own narrows the question to one thing."""
    for text in ("What do you do to exercise?", "What do you do for fun?", "what do you do on weekends"):
        (cand,) = _invite_candidates(text)
        assert cand.veto and not cand.rule, text
    (cand,) = _invite_candidates("Who are you with?")  # a stranded preposition narrows nothing
    assert not cand.veto


def test_pitch_invite_one_part_of_the_offer_stays_a_veto():
    (cand,) = _invite_candidates("What are your fees?")
    assert cand.veto and not cand.rule


def test_pitch_invite_learned_model_tags_plural_you_invitations():
    """With the shipped models, "who are you people?" and "who are you lot?"
    (which the rules refuse) are invitations; a request for the fees is not."""
    from analyzer.analysis import Analyzer
    from helpers import build_transcript

    analyzer = Analyzer(model=None)
    for text, tagged in (("So who are you people?", True), ("Who are you lot, anyway?", True), ("What are your fees?", False)):
        call = build_transcript([("Sam", text), ("Dana", "Sure. We're a small outfit in Leeds.")], {"Sam": "buyer", "Dana": "seller"})
        tags = [t.text for t in analyzer.analyze_transcript(call).tags if t.tag == "pitch_invite"]
        assert tags == ([text] if tagged else []), text
