"""Tracker mentions, buyer-side questions and filler words in a call's result (``analyzer.mentions``,
``analyzer.side_questions``), computed by hand on made-up calls.

Speakers (``helpers.DEFAULT_ROLES``): Dana and Kim sell, Sam and Lee buy, Bot is neither.
"""
from __future__ import annotations

import pytest

from analyzer.analysis import Analyzer
from analyzer.trackers import Tracker, TrackerSet, load_trackers
from helpers import model_free
from helpers import SAMPLES, build_transcript

TRACKERS = TrackerSet(
    (
        Tracker("pricing", phrases=("price", "discount")),
        Tracker("competitors", phrases=("Acme",), side="buyer"),
    ),
    source="<test>",
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return model_free(trackers=TRACKERS)


def trackers_of(analyzer, turns):
    return {t.name: t for t in analyzer.analyze_transcript(build_transcript(turns)).trackers}


def test_mentions_counts_per_side_and_first(analyzer):
    found = trackers_of(
        analyzer,
        [
            ("Dana", "Thanks for the time today.", 0.0, 4.0),
            ("Sam", "We looked at Acme. What is the price?", 4.0, 8.0),
            ("Dana", "The price depends; there is a discount for Acme users.", 8.0, 14.0),
        ],
    )
    pricing, competitors = found["pricing"], found["competitors"]
    assert (pricing.seller, pricing.buyer) == (2, 1)
    assert (competitors.seller, competitors.buyer) == (0, 1)  # side "buyer": Dana's "Acme" is not counted
    first = pricing.to_dict()["first_mention"]
    assert (first["turn"], first["speaker"], first["role"]) == (1, "Sam", "buyer")
    assert [(m.turn, m.role, m.text) for m in pricing.mentions] == [(1, "buyer", "price"), (2, "seller", "price"), (2, "seller", "discount")]


def test_mentions_timed_inside_the_cue(analyzer):
    """'price' is at characters 0-5 of a 30-character cue from 10 s to 16 s: it starts at 10 s and ends at 11 s."""
    found = trackers_of(analyzer, [("Sam", "price is what worries us most.", 10.0, 16.0)])
    m = found["pricing"].mentions[0]
    assert (m.start, m.end) == (10.0, 11.0)


def test_mentions_untimed_have_no_times(analyzer):
    found = trackers_of(analyzer, [("Sam", "What is the price?"), ("Dana", "A discount applies.")])
    assert [(m.start, m.end) for m in found["pricing"].mentions] == [(None, None), (None, None)]
    assert found["pricing"].to_dict()["first_mention"]["start"] is None


def test_mentions_other_role_never_counted(analyzer):
    found = trackers_of(analyzer, [("Bot", "This call about the price may be recorded."), ("Sam", "Okay.")])
    assert found["pricing"].mentions == ()


def test_mentions_unmentioned_tracker_listed_with_zero(analyzer):
    found = trackers_of(analyzer, [("Sam", "Hello."), ("Dana", "Hi there.")])
    assert [(t.name, t.seller, t.buyer, t.first) for t in found.values()] == [("pricing", 0, 0, None), ("competitors", 0, 0, None)]


def test_mentions_no_trackers():
    result = model_free(trackers="none").analyze_transcript(build_transcript([("Sam", "The price?"), ("Dana", "Fine.")]))
    assert result.trackers == () and result.to_dict()["trackers"] == []
    assert not any(k.startswith("tracker_") for k in result.to_row())


def test_mentions_twenty_trackers_from_a_file(tmp_path):
    lines = [f'{{"name": "topic_{i:02d}", "phrases": ["word{i}", "phrase number {i}"]}}' for i in range(20)]
    path = tmp_path / "twenty.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = model_free(trackers=path).analyze_transcript(
        build_transcript([("Sam", "word3 and phrase number 7, then word3 again"), ("Dana", "word19")])
    )
    counts = {t.name: (t.seller, t.buyer) for t in result.trackers}
    assert len(counts) == 20 and counts["topic_03"] == (0, 2) and counts["topic_07"] == (0, 1) and counts["topic_19"] == (1, 0)
    row = result.to_row()
    assert sum(1 for k in row if k.startswith("tracker_")) == 40
    assert load_trackers(path).names == tuple(t.name for t in result.trackers)


# buyer-side questions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "buyer_text,expected",
    [
        ("How long does onboarding take?", 1),  # wh-word with a question mark
        ("how long does onboarding usually take", 1),  # wh-word and inversion, no question mark
        ("Do you integrate with Workday? And what about payroll?", 2),  # aux + subject; wh
        ("So you've done this before?", 1),  # a declarative question
        ("Walk me through the setup.", 1),  # an opener
        ("We use spreadsheets. It is slow.", 0),  # statements
        ("Really?", 0),  # a backchannel with a question mark
        ("What we need is speed.", 0),  # a wh-word that asks nothing
    ],
)
def test_mentions_buyer_side_questions(analyzer, buyer_text, expected):
    result = analyzer.analyze_transcript(build_transcript([("Dana", "Thanks for joining today."), ("Sam", buyer_text)]))
    assert result.metrics.buyer_side_questions == expected


def test_mentions_seller_questions_are_not_buyer_side(analyzer):
    result = analyzer.analyze_transcript(build_transcript([("Dana", "How do you run payroll today?"), ("Sam", "By hand.")]))
    assert (result.metrics.buyer_questions, result.metrics.buyer_side_questions) == (1, 0)


def test_mentions_buyer_side_questions_per_10_minutes(analyzer):
    result = analyzer.analyze_transcript(
        build_transcript([("Dana", "Thanks for joining today.", 0, 150), ("Sam", "What does it cost? Is there a trial?", 150, 300)])
    )
    assert (result.metrics.buyer_side_questions, result.metrics.buyer_side_questions_per_10_minutes) == (2, 4.0)


def test_mentions_buyer_side_questions_on_a_sample(analyzer):
    """07: the buyer side ends seven sentences with "?", each a question (checked by hand), and asks nothing else."""
    result = analyzer.analyze_file(SAMPLES / "07-hr-analytics-demo.vtt", sellers=["Jordan Blake", "Kim Nguyen"])
    assert result.metrics.buyer_side_questions == 7


# filler words ------------------------------------------------------------------------------


def test_mentions_seller_filler_rate(analyzer):
    """Dana says 20 words with 2 fillers ("um", "you know"); Sam's "uh" is the buyer's."""
    result = analyzer.analyze_transcript(
        build_transcript(
            [
                ("Dana", "Um, we help teams with payroll, you know, and we make sure every run is on time for them always."),
                ("Sam", "Uh, okay, that sounds useful."),
            ]
        )
    )
    m = result.metrics
    assert (m.seller_words, m.seller_fillers, m.seller_filler_rate) == (20, 2, 10.0)


# the tags table ---------------------------------------------------------------------------


def test_mentions_in_the_tags_table(analyzer):
    from analyzer.tables import tags_frame

    result = analyzer.analyze_transcript(
        build_transcript([("Sam", "What is the price?", 0.0, 3.0), ("Dana", "How do you budget today? A discount applies.", 3.0, 9.0)])
    )
    df = tags_frame([result])
    mentions = df[df["tag"] == "tracker"]
    assert mentions[["tracker", "speaker", "turn", "text"]].values.tolist() == [
        ["pricing", "Sam", 0, "price"],
        ["pricing", "Dana", 1, "discount"],
    ]
    assert df[df["tag"] != "tracker"]["tracker"].isna().all()
    assert df["turn"].tolist() == sorted(df["turn"].tolist())


@pytest.mark.parametrize("asr", [False, True], ids=["punctuated", "unpunctuated"])
def test_mentions_buyer_side_questions_shortcuts_change_nothing(asr):
    """The shortcuts skip only sentences the question-form rules would refuse: the same questions as
    running the rules on every buyer sentence, also where the segmenter restores the question marks."""
    from analyzer.asr import transcript_as_asr
    from analyzer.nlp.components.base import turn_sentences, words_between
    from analyzer.nlp.extensions import role_turns
    from analyzer.nlp.questions import question_form
    from analyzer.readers import read_transcript
    from analyzer.roles import assign_roles
    from analyzer.side_questions import buyer_side_questions

    analyzer = model_free()
    for name in ("07-hr-analytics-demo.vtt", "24-nonprofit-accounting-discovery.json", "12-infusion-pumps-committee.txt"):
        transcript = assign_roles(read_transcript(SAMPLES / name))
        doc = analyzer.doc(transcript_as_asr(transcript) if asr else transcript)
        every = [
            (s, e)
            for _, turn in role_turns(doc, "buyer")
            for s, e in turn_sentences(doc, turn)
            if question_form(*words_between(doc, s, e)) is not None
        ]
        assert [(q.start, q.end) for q in buyer_side_questions(doc)] == every, name
