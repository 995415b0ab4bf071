"""Tests of the export shapes meeting tools write, and of speaker display names.

Fixtures are in tests/fixtures/readers/; the timed text shapes all hold the
same short call, so their expected turns differ only in names and times.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from analyzer.errors import RolesError, TranscriptFormatError
from analyzer.readers import detect_format, read_text, read_transcript
from analyzer.roles import assign_roles

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"

TEXTS = [
    "Good morning, thanks for making time.",
    "Morning.",
    "How is the quarter going? Any surprises so far?",
    "Busy, but good.",
]
# Start-only shapes: each turn ends at the next start or after its words at 2.5 words/s.
STARTS = [1.0, 7.0, 8.0, 12.0]
ENDS = [3.4, 7.4, 11.6, 13.2]


def _turns(names, texts=TEXTS, starts=STARTS, ends=ENDS):
    starts = starts or [None] * len(texts)
    ends = ends or [None] * len(texts)
    return [(names[i % 2], t, s, e) for i, (t, s, e) in enumerate(zip(texts, starts, ends))]


NAMES = ("Dana Reyes", "Sam Cho")
LAST_WITH_NOTE = "Busy, but good. Note: the board meets in May."

GOOD = {
    "timed-brackets.txt": ("txt", _turns(("Dana Reyes <dana@acme.io>", "Sam Cho"))),
    "timed-clock-first.txt": ("txt", _turns(NAMES)),
    "timed-name-time.txt": ("txt", _turns(NAMES)),
    "rev.txt": ("txt", _turns(NAMES, TEXTS[:3] + [LAST_WITH_NOTE], ends=ENDS[:3] + [15.6])),
    # Rev's title, byline, export note and page numbers around the same call
    "rev-head.txt": ("txt", _turns(NAMES, TEXTS[:3] + [LAST_WITH_NOTE], ends=ENDS[:3] + [15.6])),
    "zoom-captions.txt": (
        "txt",
        _turns(
            NAMES,
            TEXTS[:3] + [LAST_WITH_NOTE],
            [s + 54300 for s in STARTS],
            [e + 54300 for e in ENDS[:3]] + [54315.6],
        ),
    ),
    "meet.txt": ("txt", _turns(NAMES, starts=None, ends=None)),
    "meet-attendees.txt": ("txt", _turns(NAMES, starts=None, ends=None)),
    "teams.txt": ("otter", _turns(("Dana Reyes", "Sam Cho (Guest)"))),
    # as Microsoft Graph serves a Teams transcript: no leading zeros, fractions of 1-3 digits
    "teams-graph.vtt": ("vtt", _turns(NAMES)),
    "names.txt": ("txt", [
        ("Dana Reyes <dana@acme.io>", TEXTS[0], None, None),
        ("José Núñez (Ops)", TEXTS[1], None, None),
        ("Dana Reyes <dana@acme.io>", TEXTS[2], None, None),
        ("José Núñez (Ops)", TEXTS[3], None, None),
        ("Speaker 1", "Why not? Because: we grew.", None, None),
        ("王伟", "Two new regions.", None, None),
        ('"Bob" O\'Neil', "Yahoo!", None, None),
        ("Yahoo! Sales", "Hello. Hello again.", None, None),
    ]),
    "names-zoom.vtt": ("vtt", [
        ("Dana Reyes <dana@acme.io>", TEXTS[0], 1.0, 6.5),
        ("José Núñez (Ops)", TEXTS[1], 7.3, 8.0),
        ("AT&T Sales <sam@att.example>", "How is the quarter going?", 8.5, 12.25),
    ]),
    "names.csv": ("csv", [
        ("Dana Reyes <dana@acme.io>", TEXTS[0], 1.0, 6.5),
        ("Núñez, José (Ops)", TEXTS[1], 7.3, 8.0),
    ]),
}


def _as_tuples(transcript):
    return [(t.speaker, t.text, t.start, t.end) for t in transcript.turns]


def _approx(expected):
    return [
        (s, t, None if a is None else pytest.approx(a), None if b is None else pytest.approx(b))
        for s, t, a, b in expected
    ]


@pytest.mark.parametrize("name", sorted(GOOD))
def test_readers_shape_good_fixture(name):
    family, expected = GOOD[name]
    transcript = read_transcript(FIXTURES / name)
    assert transcript.format == family
    assert _as_tuples(transcript) == _approx(expected)


@pytest.mark.parametrize("name", sorted(GOOD))
@pytest.mark.parametrize("filename", ["call.data", "call.vtt", "call.csv"])
def test_readers_shape_detected_by_content(tmp_path, name, filename):
    family, _ = GOOD[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = detect_format(text, filename)
    assert (found if family != "json" else "json") == family
    target = tmp_path / filename
    shutil.copyfile(FIXTURES / name, target)
    assert read_transcript(target).format == family


@pytest.mark.parametrize(
    "name",
    ["timed-brackets.txt", "timed-clock-first.txt", "timed-name-time.txt", "rev.txt", "zoom-captions.txt", "teams.txt"],
)
def test_readers_shape_timed_by_start_only_rule(name):
    transcript = read_transcript(FIXTURES / name)
    assert transcript.timed
    turns = transcript.turns
    for turn, following in zip(turns, turns[1:]):
        assert turn.end <= following.start  # a silence is nobody's talk-time
        assert turn.end == pytest.approx(min(following.start, turn.start + turn.words / 2.5))


@pytest.mark.parametrize("rate,end", [(0.5, 7.0), (1.0, 7.0), (10.0, 1.6)])
def test_readers_shape_speech_rate_bounds_ends(rate, end):
    # six words from 0:01; the next turn starts at 0:07
    transcript = read_transcript(FIXTURES / "timed-brackets.txt", speech_rate_words_per_second=rate)
    assert transcript.turns[0].end == pytest.approx(end)


def test_readers_shape_time_line_before_every_turn_times_the_call():
    text = "[00:00:08]\nDana Reyes: Please state your name.\n[00:00:11]\nSam Cho: Sam Cho.\n"
    transcript = read_text(text)
    assert [(t.speaker, t.start) for t in transcript.turns] == [("Dana Reyes", 8.0), ("Sam Cho", 11.0)]
    assert transcript.timed


def test_readers_shape_meet_section_marks_read_untimed():
    transcript = read_transcript(FIXTURES / "meet.txt")
    assert not transcript.timed
    assert all(t.start is None for t in transcript.turns)


def test_readers_shape_zoom_captions_past_midnight():
    text = "[Dana Reyes] 23:59:58\nStill here?\n\n[Sam Cho] 00:00:03\nYes.\n"
    transcript = read_text(text, source="closed_caption.txt")
    assert [t.start for t in transcript.turns] == [86398.0, 86403.0]


def test_readers_shape_label_in_a_timed_file_is_text():
    text = "[00:00:01] Dana Reyes: The plan:\nNote: this is still Dana.\n[00:00:09] Sam Cho: OK.\n"
    assert [(t.speaker, t.text) for t in read_text(text).turns] == [
        ("Dana Reyes", "The plan: Note: this is still Dana."),
        ("Sam Cho", "OK."),
    ]


@pytest.mark.parametrize(
    "line,speaker",
    [
        ("Dana Reyes <dana@acme.io>: Hi.", "Dana Reyes <dana@acme.io>"),
        ("José Núñez (Ops): Hi.", "José Núñez (Ops)"),
        ("Speaker 1: Hi.", "Speaker 1"),
        ("王伟: Hi.", "王伟"),
        ("王伟：Hi.", "王伟"),
        ("Robert \"Bob\" O'Neil: Hi.", 'Robert "Bob" O\'Neil'),
        ("Yahoo!: Hi.", "Yahoo!"),
        ("Who?: Hi.", "Who?"),
        ("Reyes, Dana [Acme] <dana@acme.io>: Hi.", "Reyes, Dana [Acme] <dana@acme.io>"),
        ("  Dana\t Reyes :  Hi.", "Dana Reyes"),
        # not labels: they continue the turn above
        ("Why not? Because: it works.", None),
        ("Here is one thing you should know: it works.", None),
        ("We meet at 10:30 tomorrow.", None),
        ("See https://example.com for details.", None),
    ],
)
def test_readers_shape_display_names(line, speaker):
    transcript = read_text(f"Sam Cho: Before.\n{line}\n", format="txt")
    if speaker is None:
        assert transcript.speakers == ("Sam Cho",)
    else:
        assert transcript.turns[-1].speaker == speaker
        assert transcript.turns[-1].text == "Hi."


@pytest.mark.parametrize("line,found", [("Dana\x07 Reyes: Hi.", "a control character"), ("x" * 201 + ": Hi.", "a name of 201 characters")])
def test_readers_shape_label_no_speaker_may_have_is_refused(line, found):
    """A label that reads as a name but that no name may be is refused (E125),
    not read as words of the speaker before."""
    with pytest.raises(TranscriptFormatError, match=rf"\[E125\] <text>, line 2: expected a speaker name of printable characters, found '{found}"):
        read_text(f"Sam Cho: Before.\n{line}\n", format="txt")


def test_readers_shape_untimed_line_of_a_speaker_in_a_timed_file_is_refused():
    """A line without a time of a speaker that a timed line names is no words of the
    speaker above (E103); any other label ("Agenda: ...", even said twice) is words."""
    timed_later = "[00:00:01] Dana: Hi Sam.\nSam: Good, and you?\n[00:00:09] Sam: Spreadsheets.\n"
    with pytest.raises(TranscriptFormatError, match=r"\[E103\] <text>, line 2: expected a start time on every cue"):
        read_text(timed_later, format="txt")
    said = read_text("[00:00:01] Dana: Hi.\nAgenda: pricing\n[00:00:09] Sam: Ok.\nAgenda: timeline\n", format="txt")
    assert said.speakers == ("Dana", "Sam") and said.turns[0].text == "Hi. Agenda: pricing"


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_readers_shape_second_speaker_inside_a_cue(fmt):
    """Within one cue, a label starts another speaker's words when that name opens
    a cue elsewhere in the file, or when dialogue dashes open both lines of the
    cue; a label said once in a cue, or a dashed list under a speaker, is words."""
    def cue(k, *lines):
        timing = f"00:00:{2 * k:02d}{'.' if fmt == 'vtt' else ','}000 --> 00:00:{2 * k + 1:02d}{'.' if fmt == 'vtt' else ','}000"
        return "\n".join(([] if fmt == "vtt" else [str(k + 1)]) + [timing, *lines]) + "\n"

    def turns(*cues):
        transcript = read_text(("WEBVTT\n\n" if fmt == "vtt" else "") + "\n".join(cues), format=fmt)
        return [(t.speaker, t.text) for t in transcript.turns]

    assert turns(cue(0, "Dana: Hi Sam, how are renewals?", "Sam: Badly."), cue(1, "Dana: Why?"), cue(2, "Sam: No owner.")) == [
        ("Dana", "Hi Sam, how are renewals?"), ("Sam", "Badly."), ("Dana", "Why?"), ("Sam", "No owner.")
    ]
    assert turns(cue(0, "- Dana: Hi Sam, how are renewals?", "- Sam: Badly."), cue(1, "Dana: Why?")) == [
        ("Dana", "Hi Sam, how are renewals?"), ("Sam", "Badly."), ("Dana", "Why?")
    ]
    assert turns(cue(0, "Dana: Here is the plan.", "Step one: we call them."), cue(1, "Sam: Fine."), cue(2, "Dana: Then", "Step one: again.")) == [
        ("Dana", "Here is the plan. Step one: we call them."), ("Sam", "Fine."), ("Dana", "Then Step one: again.")
    ]
    assert turns(cue(0, "Dana: We have", "- 3 items: a, b", "- Price: fifty a seat"), cue(1, "Sam: Fine.")) == [
        ("Dana", "We have - 3 items: a, b - Price: fifty a seat"), ("Sam", "Fine.")
    ]



def test_readers_shape_sentence_like_name_counts_when_it_recurs():
    text = "Sam Cho: Hi.\nWhy not? Ask: later.\nSam Cho: Hm.\nWhy not? Ask: now.\n"
    assert read_text(text).speakers == ("Sam Cho", "Why not? Ask")


def _as_captions(lines: list[str], fmt: str) -> str:
    """``lines`` as one caption cue each, in WebVTT or SRT."""
    cues = []
    for k, line in enumerate(lines):
        start, end = f"00:00:{2 * k:02d}", f"00:00:{2 * k + 1:02d}"
        if fmt == "vtt":
            cues.append(f"{start}.000 --> {end}.000\n{line}\n")
        else:
            cues.append(f"{k + 1}\n{start},000 --> {end},000\n{line}\n")
    return ("WEBVTT\n\n" if fmt == "vtt" else "") + "\n".join(cues)


@pytest.mark.parametrize("fmt", ["txt", "vtt", "srt"])
@pytest.mark.parametrize(
    "lines,speakers",
    [
        # A name with "!" that labels two lines is a speaker, wherever it first speaks.
        (["Sam Cho: Hi.", "Yahoo! Sales: Hello.", "Sam Cho: Hm.", "Yahoo! Sales: Bye."], ("Sam Cho", "Yahoo! Sales")),
        (["Yahoo! Sales: Hello.", "Sam Cho: Hi.", "Yahoo! Sales: Bye."], ("Yahoo! Sales", "Sam Cho")),
        # Said once after a speaker, it is that speaker's words.
        (["Sam Cho: Hi.", "Why not? Because: we grew.", "Sam Cho: Hm."], ("Sam Cho",)),
    ],
)
def test_readers_shape_sentence_like_label_alike_in_text_and_captions(lines, speakers, fmt):
    text = "\n".join(lines) + "\n" if fmt == "txt" else _as_captions(lines, fmt)
    transcript = read_text(text, format=fmt)
    assert transcript.speakers == speakers
    said = " ".join(t.text for t in transcript.turns)
    assert said == " ".join(line.split(": ", 1)[1] if line.split(": ", 1)[0] in speakers else line for line in lines)


@pytest.mark.parametrize(
    "name,match",
    [
        ("bad-vtt-no-speakers.vtt", r"\[E126\] .*bad-vtt-no-speakers\.vtt: expected speaker names in the captions.*roles .* cannot be known"),
        ("bad-srt-no-speakers.srt", r"\[E126\] .*bad-srt-no-speakers\.srt: expected speaker names in the captions"),
        ("bad-timed-order.txt", r"\[E122\] .*bad-timed-order\.txt, line 3: expected start times in order"),
        ("bad-timed-clock.txt", r"\[E120\] .*bad-timed-clock\.txt, line 2: expected a time `m:ss` or `h:mm:ss`"),
        ("bad-timed-mixed.txt", r"\[E103\] .*bad-timed-mixed\.txt, line 3: expected a start time on every cue"),
        ("bad-rev-preamble.txt", r"\[E130\] .*bad-rev-preamble\.txt, line 1: expected a `Name: text` line"),
        ("bad-rev-time.txt", r"\[E120\] .*bad-rev-time\.txt, line 4: expected a time `m:ss` or `h:mm:ss`"),
        ("bad-zoom-captions-order.txt", r"\[E122\] .*bad-zoom-captions-order\.txt, line 4: expected start times in order"),
        ("bad-timed-clock-first-order.txt", r"\[E122\] .*bad-timed-clock-first-order\.txt, line 2: expected start times in order"),
        ("bad-meet-head.txt", r"\[E130\] .*bad-meet-head\.txt, line 2: expected a `Name: text` line.*found 'Agenda for the call'"),
        ("bad-teams-time.txt", r"\[E120\] .*bad-teams-time\.txt, line 8: expected a start time `m:ss` or `h:mm:ss`"),
        ("bad-teams-preamble.txt", r"\[E130\] .*bad-teams-preamble\.txt, line 1: expected a `Name: text` line"),
        ("bad-csv-control-name.csv", r"\[E125\] .*bad-csv-control-name\.csv, line 3: expected a speaker name of printable characters"),
        ("bad-json-control-name.json", r"\[E125\] .*bad-json-control-name\.json, line 5: expected a speaker name of printable characters at `turns\[1\]\.speaker`"),
        ("bad-json-surrogate.json", r"\[E157\] .*bad-json-surrogate\.json, line 5: expected text that is valid Unicode at `turns\[1\]\.text`"),
        ("bad-json-huge-time.json", r"\[E120\] .*bad-json-huge-time\.json, line 4: expected a time in milliseconds below 168 hours at `utterances\[1\]\.end`"),
        ("bad-json-deep.json", r"\[E156\] .*bad-json-deep\.json: expected JSON nested at most 64 levels deep"),
    ],
)
def test_readers_shape_broken_file(name, match):
    with pytest.raises(TranscriptFormatError, match=match):
        read_transcript(FIXTURES / name)


def test_readers_shape_teams_head_needs_teams_lines():
    with pytest.raises(TranscriptFormatError, match=r"\[E133\] .*line 1: expected an Otter header"):
        read_transcript(FIXTURES / "bad-teams-preamble.txt", "otter")


def test_readers_shape_vtt_speakerless_cue_after_speakers_is_e123():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n\n00:00:03.000 --> 00:00:04.000\nSam: Hi.\n"
    with pytest.raises(TranscriptFormatError, match=r"\[E123\] call\.vtt, line 4"):
        read_text(text, source="call.vtt")


@pytest.mark.parametrize(
    "given,speaker",
    [
        ("Dana Reyes <dana@acme.io>", "Dana Reyes <dana@acme.io>"),
        ("dana reyes <DANA@acme.io>", "Dana Reyes <dana@acme.io>"),
        ("Dana Reyes", "Dana Reyes <dana@acme.io>"),
        ("DANA  REYES", "Dana Reyes <dana@acme.io>"),
        ("dana@acme.io", "Dana Reyes <dana@acme.io>"),
        ("josé núñez (ops)", "José Núñez (Ops)"),
        ("王伟", "王伟"),
        ("yahoo! sales", "Yahoo! Sales"),
        ('"bob" o\'neil', '"Bob" O\'Neil'),
    ],
)
def test_readers_shape_seller_matches_display_name(given, speaker):
    transcript = assign_roles(read_transcript(FIXTURES / "names.txt"), sellers=[given])
    assert transcript.role_source[speaker] == "given"
    assert transcript.roles[speaker].value == "seller"


def test_readers_shape_seller_name_before_two_addresses_is_ambiguous():
    transcript = read_text("Dana Reyes <d@a.io>: Hi.\nDana Reyes <d@b.io>: Hello.\n")
    with pytest.raises(RolesError, match=re.escape("'Dana Reyes' is not a speaker in this call; it fits more than one")):
        assign_roles(transcript, sellers=["Dana Reyes"])
    given = assign_roles(transcript, sellers=["Dana Reyes <d@b.io>"])
    assert given.roles["Dana Reyes <d@b.io>"].value == "seller"


def test_readers_shape_rev_head_lines_said_by_a_speaker_are_kept():
    """Only the lines beside Rev's byline are its page head: a speaker may say
    "Page 2 of 5", or end a line with "(completed 05/07/24)"."""
    text = (
        "Dana Reyes (00:01):\nHow far along is the rollout?\n\nSam Cho (00:05):\nPhase one is done (completed 05/07/24)\n\n"
        "Dana Reyes (00:09):\nGreat. And phase two?\n\nSam Cho (00:12):\nPage 2 of 5\n"
    )
    assert [(t.speaker, t.text) for t in read_text(text, source="call.txt").turns] == [
        ("Dana Reyes", "How far along is the rollout?"), ("Sam Cho", "Phase one is done (completed 05/07/24)"),
        ("Dana Reyes", "Great. And phase two?"), ("Sam Cho", "Page 2 of 5"),
    ]
