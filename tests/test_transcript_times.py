"""Times that real exports get wrong: rows out of order, start times only, one speaker twice."""
from __future__ import annotations

import pytest

from analyzer.errors import TranscriptFormatError
from analyzer.metrics import compute_metrics, side_totals
from analyzer.readers import read_text
from analyzer.roles import assign_roles
from analyzer.transcript import Cue, Role, Transcript


def _csv(rows: str) -> Transcript:
    t = read_text("speaker,start,end,text\n" + rows, source="t.csv")
    return assign_roles(t, roles={"Dana": "seller", "Bob": "buyer"})


def test_transcript_timed_rows_are_put_in_time_order():
    t = _csv("Dana,100,110,third\nBob,50,60,the second one here\nDana,0,10,first\n")
    assert [turn.text for turn in t.turns] == ["first", "the second one here", "third"]
    m = compute_metrics(t, {}, 0)
    assert m.longest_seller_monologue_seconds == 10.0


def test_transcript_same_speaker_overlap_counts_once():
    t = _csv("Dana,0,10,hello there\nDana,0,10,hello there\nBob,10,20,hi back to you\n")
    totals = side_totals(t)
    assert totals[Role.SELLER][1] == 10.0 and totals[Role.BUYER][1] == 10.0
    assert compute_metrics(t, {}, 0).seller_talk_share == 0.5


def test_transcript_start_times_only_get_estimated_ends():
    # 5 words at 2.5 words a second: 2 s, bounded by the next start
    t = _csv("Dana,0,,one two three four five\nBob,1,,six seven\n")
    assert t.timed
    assert (t.turns[0].start, t.turns[0].end) == (0.0, 1.0)
    assert (t.turns[1].start, t.turns[1].end) == (1.0, 1.8)


def test_transcript_some_ends_missing_is_an_error():
    with pytest.raises(TranscriptFormatError, match=r"\[E103\] t.csv, line 3: expected an end time on every cue"):
        _csv("Dana,0,2,one two\nBob,3,,three four\n")


def test_transcript_from_cues_keeps_order_of_equal_starts():
    t = Transcript.from_cues(
        [Cue("A", "x", 5.0, 6.0), Cue("B", "y", 5.0, 6.0), Cue("A", "z", 1.0, 2.0)], source="s", format="json"
    )
    assert [turn.text for turn in t.turns] == ["z x", "y"]
