"""``callcoach_pitch_dump``: the answer to a pitch_invite: pitch_dump, pitch_pivot or neither.

The cases are data: ``cases/pitch_dump.json`` (see ``tests/components/conftest.py``).
"""
from __future__ import annotations

CASES = "pitch_dump"


def test_pitch_dump_case(case, check_case):
    check_case(case)


def test_pitch_dump_over_a_backchannel_counts_the_sellers_words_only():
    """A dump that runs on past the buyer's "Mm-hmm." spans both seller turns
    (its text is the span's, the backchannel in it); the words the feedback
    says it ran are the seller's alone, as the monologue counts them."""
    from analyzer.analysis import Analyzer
    from helpers import build_transcript

    first = (
        "Sure, happy to. So we were founded in 2014 and we build payroll software for dental groups. Our platform runs"
        " payroll for over four hundred practices and we have won several awards for our service, and our team is the"
        " best in the business, honestly, with a support desk that answers in minutes."
    )
    second = (
        "And on top of that our onboarding team will move all your data in the first week, our clients love it, we have"
        " case studies from our biggest customers, our product integrates with every major system, and our pricing is"
        " simple and transparent, with no hidden fees at all for anyone. We also run quarterly reviews with every client and our roadmap is shaped by what"
        " our customers ask for."
    )
    call = build_transcript([
        ("Sam", "So tell us a little about your company."), ("Dana", first), ("Sam", "Mm-hmm."),
        ("Dana", second), ("Sam", "Okay, that sounds good, thanks."),
    ])  # fmt: skip
    result = Analyzer(model=None).analyze_transcript(call)
    (dump,) = [t for t in result.tags if t.tag == "pitch_dump"]
    assert (dump.speaker, dump.turn, dump.text) == ("Dana", 1, f"{first} Mm-hmm. {second}")
    (finding,) = [f for f in result.feedback if f.name == "pitch-dump"]
    words = len(first.split()) + len(second.split())
    assert finding.value == words == result.metrics.longest_seller_monologue_words
    assert f"ran {words} words" in finding.message
