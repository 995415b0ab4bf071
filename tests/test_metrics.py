"""``analyzer.metrics``: talk-time measures, computed by hand on made-up calls.

Speakers (``helpers.DEFAULT_ROLES``): Dana and Kim sell, Sam and Lee buy,
Bot is neither (a recording notice).
"""
from __future__ import annotations

import pytest

from analyzer.config import Thresholds
from analyzer.metrics import (
    compute_metrics,
    interactivity,
    longest_stretch,
    role_switches,
    seller_talk_share,
    side_totals,
    side_turns,
    cue_intervals,
    handovers,
    union_seconds,
)
from analyzer.transcript import Role
from helpers import build_transcript

BC = 3  # backchannel_max_words


def words(n: int, stem: str = "word") -> str:
    """A text of exactly ``n`` words."""
    return " ".join(f"{stem}{i}" for i in range(n))


# seller_talk_share ---------------------------------------------------------


@pytest.mark.parametrize(
    "turns,expected",
    [
        # timed: 30 s seller, 10 s buyer; the recording notice is left out
        ([("Dana", words(6), 0, 30), ("Sam", words(2), 30, 40), ("Bot", words(10), 40, 50)], 0.75),
        # untimed: 6 seller words, 2 buyer words; the notice's 10 words are left out
        ([("Dana", words(6)), ("Sam", words(2)), ("Bot", words(10))], 0.75),
        # two sellers and two buyers add up by side
        ([("Dana", words(3), 0, 10), ("Sam", words(3), 10, 20), ("Kim", words(3), 20, 40), ("Lee", words(3), 40, 60)], 0.5),
        # timed shares use time, not words
        ([("Dana", words(2), 0, 40), ("Sam", words(50), 40, 50)], 0.8),
    ],
    ids=["timed", "untimed", "two-per-side", "time-not-words"],
)
def test_metrics_seller_talk_share(turns, expected):
    transcript = build_transcript(turns)
    assert seller_talk_share(transcript) == expected
    assert compute_metrics(transcript, {}, 0).seller_talk_share == expected


def test_metrics_seller_talk_share_overlap_counts_for_both():
    """Dana 0-30 s and Sam 20-40 s: the 10 s both talk count for each of them."""
    transcript = build_transcript([("Dana", words(20), 0, 30), ("Sam", words(20), 20, 40)])
    totals = side_totals(transcript)
    assert (totals[Role.SELLER][1], totals[Role.BUYER][1]) == (30.0, 20.0)
    assert seller_talk_share(transcript) == 0.6


def test_metrics_seller_talk_share_pause_is_nobodys():
    """Two cues of Dana (0-10 s, 20-30 s) merge into one turn of 20 s of speech."""
    transcript = build_transcript([("Dana", words(5), 0, 10), ("Dana", words(5), 20, 30), ("Sam", words(5), 30, 40)])
    assert len(transcript.turns) == 2
    assert union_seconds(cue_intervals(transcript.turns[0])) == 20.0
    assert seller_talk_share(transcript) == 0.6667


def test_metrics_seller_talk_share_none_without_sides():
    transcript = build_transcript([("Bot", "This call may be recorded.", 0, 3)])
    assert seller_talk_share(transcript) is None


# longest seller monologue / buyer story -----------------------------------------


MONOLOGUE_UNTIMED = [
    ("Sam", words(6)),
    ("Dana", words(50)),
    ("Sam", "Mm-hmm."),
    ("Dana", words(30)),
    ("Sam", "Okay, that makes sense."),  # four words: ends the stretch
    ("Dana", words(20)),
]


def test_metrics_monologue_backchannel_does_not_break():
    stretch = longest_stretch(build_transcript(MONOLOGUE_UNTIMED), Role.SELLER, backchannel_max_words=BC)
    assert (stretch.first_turn, stretch.last_turn, stretch.words, stretch.seconds) == (1, 3, 80, None)


@pytest.mark.parametrize(
    "interruption,expected_words",
    [
        ("Mm-hmm.", 80),
        ("Right.", 80),
        ("Yeah, sure, okay.", 80),  # three words: a backchannel
        ("Okay, that makes sense.", 50),  # four words: a turn of its own
        ("Wait, what about overtime?", 50),
    ],
)
def test_metrics_monologue_backchannel_limit(interruption, expected_words):
    turns = [("Dana", words(50)), ("Sam", interruption), ("Dana", words(30)), ("Sam", words(10))]
    stretch = longest_stretch(build_transcript(turns), Role.SELLER, backchannel_max_words=BC)
    assert stretch.words == expected_words


def test_metrics_monologue_backchannel_threshold_is_a_parameter():
    turns = [("Dana", words(50)), ("Sam", "Okay, that makes sense."), ("Dana", words(30)), ("Sam", words(10))]
    stretch = longest_stretch(build_transcript(turns), Role.SELLER, backchannel_max_words=4)
    assert stretch.words == 80


def test_metrics_monologue_timed_seconds():
    """Seconds run from the start of the first seller turn to the end of the last."""
    turns = [
        ("Sam", words(6), 0, 5),
        ("Dana", words(50), 5, 30),
        ("Sam", "Mm-hmm.", 30, 31),
        ("Dana", words(30), 31, 50),
        ("Sam", "Okay, that makes sense.", 50, 53),
        ("Dana", words(20), 53, 60),
    ]
    stretch = longest_stretch(build_transcript(turns), Role.SELLER, backchannel_max_words=BC)
    assert (stretch.first_turn, stretch.words, stretch.seconds, stretch.start) == (1, 80, 45.0, 5)


def test_metrics_monologue_leaves_out_silence_between_turns():
    """With start times only, each turn ends when its words would have been
    spoken: the minutes in which nobody speaks are not the seller speaking."""
    from analyzer.readers import read_text
    from analyzer.roles import assign_roles

    text = (
        "Karen (00:20):\n" + words(39) + "\n\nMike (03:00):\nOkay.\n\nKaren (05:00):\n" + words(32) + "\n\nMike (05:20):\n" + words(10) + "\n"
    )
    t = assign_roles(read_text(text, format="txt"), sellers=["Karen"])
    assert t.ends_estimated
    stretch = longest_stretch(t, Role.SELLER, backchannel_max_words=BC)
    assert stretch.words == 71
    spoken = [turn.end - turn.start for turn in t.turns[:3]]  # Karen, Mike's "Okay.", Karen
    assert stretch.seconds == pytest.approx(sum(spoken))
    assert stretch.seconds < 60 < t.turns[2].end - t.turns[0].start


def test_metrics_monologue_timed_longest_by_seconds():
    """Where timed, the longest stretch is the longest in time, not in words."""
    turns = [("Dana", words(100), 0, 20), ("Sam", words(10), 20, 25), ("Dana", words(40), 25, 85), ("Sam", words(10), 85, 90)]
    stretch = longest_stretch(build_transcript(turns), Role.SELLER, backchannel_max_words=BC)
    assert (stretch.first_turn, stretch.words, stretch.seconds) == (2, 40, 60.0)


def test_metrics_monologue_other_speaker_does_not_break():
    turns = [("Dana", words(50)), ("Bot", "Recording has started for everyone in the meeting."), ("Dana", words(30)), ("Sam", words(10))]
    stretch = longest_stretch(build_transcript(turns), Role.SELLER, backchannel_max_words=BC)
    assert stretch.words == 80


def test_metrics_buyer_story_seller_backchannel_does_not_break():
    turns = [
        ("Dana", "What happened in March?"),
        ("Sam", words(40)),
        ("Dana", "Right."),
        ("Sam", words(30)),
        ("Dana", "What happened next, then?"),  # four words
        ("Sam", words(60)),
    ]
    stretch = longest_stretch(build_transcript(turns), Role.BUYER, backchannel_max_words=BC)
    assert (stretch.first_turn, stretch.words) == (1, 70)


def test_metrics_stretch_none_without_the_side():
    stretch = longest_stretch(build_transcript([("Dana", words(10))]), Role.BUYER, backchannel_max_words=BC)
    assert stretch is None


# interactivity ---------------------------------------------------------------


INTERACTIVE = [
    ("Dana", words(10), 0, 30),
    ("Sam", words(10), 30, 60),
    ("Dana", words(9), 60, 90),
    ("Sam", "Mm-hmm.", 90, 91),  # a backchannel: no switch
    ("Dana", words(10), 91, 120),
]


def test_metrics_side_turns_leave_out_backchannels_and_others():
    transcript = build_transcript([*INTERACTIVE, ("Bot", words(10), 120, 125)])
    found = [(turn.index, role) for turn, role in side_turns(transcript, backchannel_max_words=BC)]
    assert found == [(0, Role.SELLER), (1, Role.BUYER), (2, Role.SELLER), (4, Role.SELLER)]
    assert [t.index for t, _ in side_turns(transcript, backchannel_max_words=0)] == [0, 1, 2, 3, 4]


def test_metrics_role_switches_skip_backchannels():
    assert role_switches(build_transcript(INTERACTIVE), backchannel_max_words=BC) == 2


def test_metrics_interactivity_per_minute_timed():
    """2 switches in 2 minutes."""
    assert interactivity(build_transcript(INTERACTIVE), backchannel_max_words=BC) == 1.0


def test_metrics_interactivity_per_100_words_untimed():
    """2 switches in 40 words of seller and buyer speech."""
    untimed = [t[:2] for t in INTERACTIVE]
    assert interactivity(build_transcript(untimed), backchannel_max_words=BC) == 5.0


def test_metrics_interactivity_other_speakers_left_out():
    turns = [("Dana", words(10)), ("Bot", words(40)), ("Dana", words(10)), ("Sam", words(20))]
    transcript = build_transcript(turns)
    assert role_switches(transcript, backchannel_max_words=BC) == 1
    assert interactivity(transcript, backchannel_max_words=BC) == 2.5


# compute_metrics ---------------------------------------------------------------


def test_metrics_buyer_questions_per_10_minutes():
    transcript = build_transcript([("Dana", words(10), 0, 150), ("Sam", words(10), 150, 300)])
    metrics = compute_metrics(transcript, {"buyer_question": 2}, 1)
    assert (metrics.buyer_questions, metrics.open_buyer_questions) == (2, 1)
    assert metrics.buyer_questions_per_10_minutes == 4.0


def test_metrics_buyer_questions_per_10_minutes_zero_when_none_asked():
    transcript = build_transcript([("Dana", words(10), 0, 150), ("Sam", words(10), 150, 300)])
    assert compute_metrics(transcript, {}, 0).buyer_questions_per_10_minutes == 0.0


SECONDS_FIELDS = (
    "longest_seller_monologue_seconds",
    "longest_buyer_story_seconds",
    "buyer_questions_per_10_minutes",
    "seller_seconds",
    "buyer_seconds",
)


@pytest.mark.parametrize("field", SECONDS_FIELDS)
def test_metrics_seconds_none_when_untimed(field):
    transcript = build_transcript([("Dana", words(30)), ("Sam", words(10)), ("Dana", "How do you run payroll today?")])
    metrics = compute_metrics(transcript, {"buyer_question": 1}, 1)
    assert getattr(metrics, field) is None


def test_metrics_untimed_word_measures_still_given():
    transcript = build_transcript([("Dana", words(30)), ("Sam", words(10))])
    m = compute_metrics(transcript, {}, 0)
    assert (m.seller_talk_share, m.longest_seller_monologue_words, m.longest_buyer_story_words) == (0.75, 30, 10)
    assert (m.seller_words, m.buyer_words) == (30, 10)


def test_metrics_missing_side_seconds_none_not_zero():
    """A timed call without a buyer has no buyer story: None seconds, not 0."""
    m = compute_metrics(build_transcript([("Dana", words(30), 0, 12)]), {}, 0)
    assert m.longest_buyer_story_seconds is None
    assert m.longest_buyer_story_turn is None
    assert m.longest_seller_monologue_seconds == 12.0


def test_metrics_tag_counts():
    transcript = build_transcript([("Dana", words(30)), ("Sam", words(10))])
    counts = {"pitch_invite": 1, "pitch_dump": 2, "pitch_pivot": 3, "if_then_close": 4, "buyer_question": 5}
    m = compute_metrics(transcript, counts, 2)
    assert (m.pitch_invites, m.pitch_dumps, m.pitch_pivots, m.if_then_closes, m.buyer_questions) == (1, 2, 3, 4, 5)


def test_metrics_backchannel_threshold_from_thresholds():
    m = compute_metrics(
        build_transcript([("Dana", words(50)), ("Sam", "Okay, that makes sense."), ("Dana", words(30))]),
        {},
        0,
        Thresholds.from_defaults(backchannel_max_words=4),
    )
    assert (m.longest_seller_monologue_words, m.interactivity) == (80, 0.0)


def test_metrics_analyzer_counts_tagged_questions(analyze):
    result = analyze(
        [
            ("Dana", "Thanks for the time. How do you run payroll today?", 0, 60),
            ("Sam", words(40), 60, 240),
            ("Dana", "Do you use spreadsheets for that?", 240, 250),
            ("Sam", words(20), 250, 300),
        ]
    )
    m = result.metrics
    assert (m.buyer_questions, m.open_buyer_questions, m.buyer_questions_per_10_minutes) == (2, 1, 4.0)


# patience, interruptions, pace (hand-overs from the buyer side to the seller side) -----


@pytest.mark.parametrize(
    "turns,patience,interruptions",
    [
        # two hand-overs after 1.5 s and 0.5 s
        ([("Sam", words(10), 0, 10), ("Dana", words(10), 11.5, 20), ("Sam", words(10), 20, 30), ("Dana", words(10), 30.5, 40)], 1.0, 0),
        # the seller starts 2 s before the buyer ends: 0 s of patience, one interruption
        ([("Sam", words(10), 0, 10), ("Dana", words(10), 8, 15)], 0.0, 1),
        # an overlap (0 s) and a 2 s pause: mean 1 s
        ([("Sam", words(10), 0, 10), ("Dana", words(10), 8, 15), ("Sam", words(10), 15, 25), ("Dana", words(10), 27, 30)], 1.0, 1),
        # the seller's backchannel is not a turn: the buyer's speech ends at 20, the seller answers at 21
        ([("Sam", words(10), 0, 10), ("Dana", "Mm-hmm.", 9.8, 10.4), ("Sam", words(10), 10.5, 20), ("Dana", words(10), 21, 30)], 1.0, 0),
        # a buyer's backchannel inside the seller's speech is no hand-over at all
        ([("Dana", words(20), 0, 20), ("Sam", "Right.", 10, 10.5), ("Dana", words(10), 20.2, 30)], None, 0),
        # two buyers: the seller waits for the later end (12 s)
        ([("Sam", words(10), 0, 10), ("Lee", words(10), 5, 12), ("Dana", words(10), 13, 20)], 1.0, 0),
        # a recording notice between them is nobody's turn
        ([("Sam", words(10), 0, 10), ("Bot", words(10), 10, 12), ("Dana", words(10), 13, 20)], 3.0, 0),
        # the seller answering a buyer's backchannel is not a hand-over
        ([("Dana", words(10), 0, 10), ("Sam", "Yeah.", 10.1, 10.5), ("Dana", words(10), 11, 20)], None, 0),
        # a buyer still speaking under the seller and another buyer has not finished: two interruptions
        ([("Sam", words(16), 0, 30), ("Dana", words(7), 10, 12), ("Lee", words(6), 12, 14), ("Dana", words(10), 14.5, 20)], 0.0, 2),
    ],
    ids=["pauses", "overlap", "overlap-and-pause", "seller-backchannel", "buyer-backchannel", "two-buyers", "other-speaker", "no-handover", "buyer-still-speaking"],
)
def test_metrics_patience_and_interruptions(turns, patience, interruptions):
    m = compute_metrics(build_transcript(turns), {}, 0)
    assert (m.seller_patience_seconds, m.seller_interruptions) == (patience, interruptions)


def test_metrics_handovers_gap_signs():
    transcript = build_transcript([("Sam", words(10), 0, 10), ("Dana", words(10), 8, 15), ("Sam", words(10), 15, 25), ("Dana", words(10), 27, 30)])
    assert handovers(transcript, backchannel_max_words=BC) == [-2, 2]


def test_metrics_words_per_minute():
    """Dana: 50 words in 20 s of speech (two cues); Sam: 20 words in 20 s."""
    transcript = build_transcript(
        [("Dana", words(30), 0, 10), ("Sam", words(20), 10, 30), ("Dana", words(20), 30, 40)]
    )
    m = compute_metrics(transcript, {}, 0)
    assert (m.seller_words_per_minute, m.buyer_words_per_minute) == (150.0, 60.0)


def test_metrics_words_per_minute_none_without_the_side():
    m = compute_metrics(build_transcript([("Dana", words(30), 0, 10)]), {}, 0)
    assert (m.seller_words_per_minute, m.buyer_words_per_minute) == (180.0, None)


TIMED_FIELDS = ("seller_patience_seconds", "seller_interruptions", "seller_words_per_minute", "buyer_words_per_minute")
CALL = [("Sam", words(10), 0, 10), ("Dana", words(10), 8, 15), ("Sam", words(10), 15, 25), ("Dana", words(10), 27, 30)]


@pytest.mark.parametrize("field", TIMED_FIELDS)
def test_metrics_pause_measures_none_when_untimed(field):
    assert getattr(compute_metrics(build_transcript([t[:2] for t in CALL]), {}, 0), field) is None


@pytest.mark.parametrize("field", TIMED_FIELDS)
def test_metrics_pause_measures_none_when_start_only(field):
    """Start times only: every end is estimated, so no pause, overlap or pace is known."""
    transcript = build_transcript([t[:3] for t in CALL])
    assert transcript.timed and transcript.ends_estimated
    assert getattr(compute_metrics(transcript, {}, 0), field) is None


def test_metrics_start_only_still_has_talk_time():
    transcript = build_transcript([t[:3] for t in CALL])
    m = compute_metrics(transcript, {"buyer_question": 1}, 1)
    assert m.seller_seconds is not None and m.buyer_questions_per_10_minutes is not None


def test_metrics_ends_estimated_only_for_start_only():
    assert build_transcript(CALL).ends_estimated is False
    assert build_transcript([t[:2] for t in CALL]).ends_estimated is False


@pytest.mark.parametrize(
    "turns,fillers,rate",
    [
        ([("Dana", words(60), 0, 30), ("Sam", words(10), 30, 40)], 3, 5.0),
        ([("Dana", words(60)), ("Sam", words(10))], 3, 5.0),  # untimed: still known
        ([("Dana", words(40)), ("Sam", words(10))], 0, 0.0),
        ([("Sam", words(10))], 0, None),  # no seller words
    ],
    ids=["timed", "untimed", "none-said", "no-seller"],
)
def test_metrics_seller_filler_rate(turns, fillers, rate):
    m = compute_metrics(build_transcript(turns), {}, 0, seller_fillers=fillers)
    assert (m.seller_fillers, m.seller_filler_rate) == (fillers, rate)


def test_metrics_buyer_side_questions_per_10_minutes():
    timed = build_transcript([("Dana", words(10), 0, 150), ("Sam", words(10), 150, 300)])
    m = compute_metrics(timed, {}, 0, buyer_side_questions=2)
    assert (m.buyer_side_questions, m.buyer_side_questions_per_10_minutes) == (2, 4.0)
    untimed = compute_metrics(build_transcript([("Dana", words(10)), ("Sam", words(10))]), {}, 0, buyer_side_questions=2)
    assert (untimed.buyer_side_questions, untimed.buyer_side_questions_per_10_minutes) == (2, None)


@pytest.mark.parametrize("timed", [True, False])
def test_metrics_nothing_to_measure_is_none(timed):
    """A call in which no seller speaks has no talk share, and one in which
    neither side speaks no interactivity, timed or not: null, never 0."""
    def t(i):
        return (i * 10, i * 10 + 8) if timed else ()

    buyers_only = build_transcript([("Sam", words(10), *t(0)), ("Lee", words(10), *t(1))], {"Sam": "buyer", "Lee": "buyer"})
    m = compute_metrics(buyers_only, {}, 0)
    assert m.seller_talk_share is None and m.longest_seller_monologue_turn is None
    others_only = build_transcript([("Bot", words(10), *t(0)), ("Op", words(10), *t(1))], {"Bot": "other", "Op": "other"})
    m = compute_metrics(others_only, {}, 0)
    assert (m.seller_talk_share, m.interactivity) == (None, None)


@pytest.mark.parametrize("last_cue", [0.0, 0.01])
def test_metrics_cue_times_that_are_no_speech_give_way_to_words(last_cue):
    """Cues of no length (or of a few milliseconds) cannot hold their words:
    the talk share is by words, as with no times, and no pace is given."""
    turns = [
        ("Dana", words(20), 0, 0), ("Sam", words(10), 5, 5), ("Dana", words(20), 9, 9), ("Sam", words(24), 12, 12 + last_cue),
    ]
    m = compute_metrics(build_transcript(turns), {}, 0)
    assert m.seller_talk_share == round(40 / 74, 4)
    assert (m.seller_words_per_minute, m.buyer_words_per_minute) == (None, None)
