"""Tests of analyzer.readers: every format, detection, encodings and errors.

Fixtures are small files in tests/fixtures/readers/. The good ones all hold
the same short call, so their expected turns differ only in speaker names
and times.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

try:
    import analyzer.readers  # noqa: F401
except ImportError:  # the package is not installed: run from the checkout
    sys.path.insert(0, str(Path(__file__).parents[1]))

from analyzer.errors import TranscriptFormatError
from analyzer.readers import (
    FORMATS,
    READERS,
    decode,
    detect_format,
    read_text,
    read_transcript,
)

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
EXAMPLES = Path(__file__).parents[2] / "shared" / "spec" / "examples"

TEXTS = [
    "Good morning, thanks for making time.",
    "Morning.",
    "How is the quarter going? Any surprises so far?",
    "Busy, but good.",
]
# The JSON fixtures, Zoom VTT and the timed CSV share these times.
TIMES = [(1.0, 6.5), (7.3, 8.0), (8.5, 12.25), (12.5, 15.0)]
NAMES = ("Dana Reyes", "Sam Cho")


def _turns(names, texts=TEXTS, times=TIMES):
    times = times or [(None, None)] * len(texts)
    return [(names[i % 2], text, start, end) for i, (text, (start, end)) in enumerate(zip(texts, times))]


GOOD = {
    "good.txt": ("txt", _turns(NAMES, TEXTS[:3] + [
        "Busy, but good. And this is the part I really should mention: "
        "the board meets in May. The budget is frozen."
    ], None)),
    "zoom.vtt": ("vtt", _turns(NAMES, TEXTS[:3] + ["Busy, but good. The board meets in May."])),
    "teams.vtt": ("vtt", _turns(
        NAMES, TEXTS[:3] + ["Busy, but good. R&D is fine."],
        [(1.12, 4.56), (4.9, 6.01), (6.5, 9.0), (9.5, 11.0)],
    )),
    "good.srt": ("srt", _turns(
        NAMES, TEXTS[:3] + ["Busy, but good. The board meets in May."],
        [(1.0, 4.2), (4.9, 6.0), (6.5, 8.0), (8.5, 11.5)],
    )),
    "otter.txt": ("otter", [
        ("Dana Reyes", "Good morning, thanks for making time. How is the quarter going?", 1.0, 5.4),
        ("Sam Cho", "Busy, but good. Honestly we had a rough March.", 9.0, 12.4),
        ("Dana Reyes", "Tell me more about March.", 3735.0, 3737.0),
    ]),
    "good.csv": ("csv", _turns(
        NAMES, TEXTS[:3] + ['She said "busy, but good." The board meets in May.']
    )),
    "untimed.csv": ("csv", _turns(NAMES, TEXTS, None)),
    "assemblyai.json": ("json", _turns(("A", "B"))),
    "deepgram.json": ("json", _turns(("0", "1"))),
    "aws.json": ("json", _turns(("spk_0", "spk_1"))),
    "aws-segments.json": ("json", _turns(("spk_0", "spk_1"))),
    "gong.json": ("json", _turns(("Dana Reyes", "1111111111111111111"))),
    "whisper.json": ("json", _turns(("SPEAKER_00", "SPEAKER_01"))),
    "callcoach.json": ("json", _turns(NAMES, TEXTS, None)),
}


def _as_tuples(transcript):
    return [(t.speaker, t.text, t.start, t.end) for t in transcript.turns]


def _copy(tmp_path: Path, fixture: str, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / fixture, target)
    return target


@pytest.mark.parametrize("name", sorted(GOOD))
def test_readers_good_fixture(name):
    family, expected = GOOD[name]
    transcript = read_transcript(FIXTURES / name)
    assert transcript.format == family
    assert transcript.source == str(FIXTURES / name)
    assert _as_tuples(transcript) == [
        (s, t, pytest.approx(a) if a is not None else None, pytest.approx(b) if b is not None else None)
        for s, t, a, b in expected
    ]


@pytest.mark.parametrize(
    "name,turn,cues",
    [
        ("good.txt", 2, 2),
        ("zoom.vtt", 2, 2),
        ("teams.vtt", 2, 2),
        ("good.srt", 3, 2),
        ("otter.txt", 1, 2),
        ("good.csv", 2, 2),
        ("assemblyai.json", 2, 2),
        ("gong.json", 2, 2),
        ("aws.json", 2, 2),
        ("whisper.json", 2, 2),
    ],
)
def test_readers_consecutive_cues_merge(name, turn, cues):
    transcript = read_transcript(FIXTURES / name)
    merged = transcript.turns[turn]
    assert len(merged.cue_offsets) == cues
    assert merged.speaker != transcript.turns[turn - 1].speaker


@pytest.mark.parametrize(
    "fixture,filename,expected",
    [
        ("good.txt", "call.txt", "txt"),
        ("otter.txt", "call.txt", "otter"),
        ("zoom.vtt", "call.vtt", "vtt"),
        ("teams.vtt", None, "vtt"),
        ("good.srt", "call.srt", "srt"),
        ("good.csv", "call.csv", "csv"),
        ("assemblyai.json", "call.json", "assemblyai"),
        ("deepgram.json", "call.json", "deepgram"),
        ("aws.json", "call.json", "aws"),
        ("aws-segments.json", "call.json", "aws"),
        ("gong.json", "call.json", "gong"),
        ("whisper.json", "call.json", "whisper"),
        ("callcoach.json", "call.json", "callcoach"),
        # the content wins over a mismatched extension
        ("zoom.vtt", "call.txt", "vtt"),
        ("good.srt", "call.vtt", "srt"),
        ("good.srt", "call.txt", "srt"),
        ("good.csv", "call.txt", "csv"),
        ("good.txt", "call.vtt", "txt"),
        ("good.txt", "call.csv", "txt"),
        ("otter.txt", "call.vtt", "otter"),
        ("assemblyai.json", "call.txt", "assemblyai"),
        ("whisper.json", None, "whisper"),
    ],
)
def test_readers_detect_by_content(tmp_path, fixture, filename, expected):
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    assert detect_format(text, filename) == expected
    path = _copy(tmp_path, fixture, filename or "call")
    family = expected if expected in ("txt", "vtt", "srt", "otter", "csv") else "json"
    assert read_transcript(path).format == family


@pytest.mark.parametrize(
    "text,filename,expected",
    [
        ("Agenda for the call\nDana Reyes: Hi.\n", "call.txt", "txt"),
        ("1\n00:00:01.000 --> 00:00:02.000\nDana: Hi.\n", "call.vtt", "vtt"),
        ("1\n00:00:01.000 --> 00:00:02.000\nDana: Hi.\n", "call.srt", "srt"),
        ("Dana Reyes,1.0,2.0,Hi.\n", "call.csv", "csv"),
        ("not json at all", "call.json", "json"),
        ('{"utterances": [', "call.json", "json"),
    ],
)
def test_readers_detect_extension_hint(text, filename, expected):
    assert detect_format(text, filename) == expected


@pytest.mark.parametrize("filename", ["notes.md", None])
def test_readers_detect_unknown_raises(filename):
    source = re.escape(filename or "<text>")
    with pytest.raises(TranscriptFormatError, match=rf"\[E101\] {source}, line 1: expected a transcript"):
        detect_format("Agenda for the call\nsome notes\n", filename)


@pytest.mark.parametrize(
    "fixture,filename,format,family",
    [
        ("good.txt", "call.data", "txt", "txt"),
        ("zoom.vtt", "call.data", "vtt", "vtt"),
        ("good.srt", "call.vtt", "srt", "srt"),
        ("otter.txt", "call.md", "otter", "otter"),
        ("good.csv", "call.tsv", "csv", "csv"),
        ("assemblyai.json", "call.txt", "json", "json"),
        ("assemblyai.json", "call.txt", "assemblyai", "json"),
        ("deepgram.json", "call", "deepgram", "json"),
        ("aws.json", "call", "aws", "json"),
        ("gong.json", "call", "gong", "json"),
        ("whisper.json", "call", "whisper", "json"),
        ("callcoach.json", "call", "CallCoach", "json"),
    ],
)
def test_readers_force_format(tmp_path, fixture, filename, format, family):
    path = _copy(tmp_path, fixture, filename)
    transcript = read_transcript(path, format)
    assert transcript.format == family
    assert [t.text for t in transcript.turns] == [t[1] for t in GOOD[fixture][1]]


@pytest.mark.parametrize(
    "fixture,format,match",
    [
        ("zoom.vtt", "srt", r"\[E132\] .*zoom\.vtt, line 1: expected a cue timing line"),
        ("zoom.vtt", "txt", r"\[E130\] .*zoom\.vtt, line 1: expected a `Name: text` line"),
        ("otter.txt", "txt", r"\[E130\] .*otter\.txt, line 1: expected a `Name: text` line"),
        ("good.txt", "otter", r"\[E133\] .*good\.txt, line 1: expected an Otter header"),
        ("good.txt", "csv", r"\[E140\] .*good\.txt, line 1: expected a header row"),
        ("assemblyai.json", "deepgram", r"\[E152\] .*assemblyai\.json, line 1: expected `results`"),
        ("assemblyai.json", "gong", r"\[E152\] .*assemblyai\.json, line 1: expected `callTranscripts`"),
        ("good.txt", "json", r"\[E150\] .*good\.txt, line 1: expected valid JSON"),
    ],
)
def test_readers_force_wrong_format_raises(fixture, format, match):
    with pytest.raises(TranscriptFormatError, match=match):
        read_transcript(FIXTURES / fixture, format)


@pytest.mark.parametrize("format", ["docx", "webvtt", ""])
def test_readers_unknown_format_name(format):
    with pytest.raises(ValueError, match=r"unknown transcript format .*txt, vtt, srt, otter, csv, json, assemblyai"):
        read_text("Dana: Hi.", format=format)
    with pytest.raises(ValueError, match="unknown transcript format"):
        read_transcript(FIXTURES / "good.txt", format)


def _utf16(encoding, bom):
    return lambda text: bom + text.encode(encoding)


@pytest.mark.parametrize("fixture", ["good.txt", "zoom.vtt", "otter.txt", "good.csv", "gong.json"])
@pytest.mark.parametrize(
    "variant,encode",
    [
        ("utf-8-bom", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("utf-16-le-bom", _utf16("utf-16-le", b"\xff\xfe")),
        ("utf-16-be-bom", _utf16("utf-16-be", b"\xfe\xff")),
        ("crlf", lambda text: text.replace("\n", "\r\n").encode("utf-8")),
        ("cr", lambda text: text.replace("\n", "\r").encode("utf-8")),
        ("bom-crlf", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_readers_encodings(tmp_path, fixture, variant, encode):
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    path = tmp_path / fixture
    path.write_bytes(encode(text))
    expected = read_transcript(FIXTURES / fixture)
    got = read_transcript(path)
    assert _as_tuples(got) == _as_tuples(expected)
    assert [t.line for t in got.turns] == [t.line for t in expected.turns]


def test_readers_read_text_accepts_bom_and_crlf():
    transcript = read_text("\ufeffDana Reyes: Hi.\r\nSam Cho: Hello.\r\n")
    assert transcript.source == "<text>"
    assert _as_tuples(transcript) == [("Dana Reyes", "Hi.", None, None), ("Sam Cho", "Hello.", None, None)]


@pytest.mark.parametrize(
    "data,match",
    [
        (b"", r"\[E104\] call\.txt: expected a transcript, found 'an empty file'"),
        (b" \n\r\n\t\n", r"\[E104\] call\.txt: expected a transcript, found 'an empty file'"),
        (b"\xef\xbb\xbf", r"\[E104\] call\.txt: expected a transcript"),
        (b"Dana: Hi.\nSam: Hello.\nDana: Caf\xe9.\n", r"\[E105\] call\.txt, line 3: expected UTF-8 text.*found 'byte 0xe9'"),
        (b"Dana: Hi.\r\nSam: \xff\r\n", r"\[E105\] call\.txt, line 2: expected UTF-8 text"),
        (b"PK\x03\x04\x00\x00binary", r"\[E106\] call\.txt: expected a text transcript, found 'binary data'"),
        (b"\xff\xfeD\x00a\x00\x00\xdc", r"\[E107\] call\.txt: expected UTF-16 text"),
    ],
)
def test_readers_decode_errors(tmp_path, data, match):
    with pytest.raises(TranscriptFormatError, match=match):
        decode(data, "call.txt")
    path = tmp_path / "call.txt"
    path.write_bytes(data)
    with pytest.raises(TranscriptFormatError, match=match.replace(r"call\.txt", r".*call\.txt")):
        read_transcript(path)


@pytest.mark.parametrize(
    "name,reason",
    [("missing.vtt", "No such file or directory"), ("", "Is a directory")],
)
def test_readers_unreadable_file(tmp_path, name, reason):
    path = tmp_path / name
    with pytest.raises(TranscriptFormatError, match=rf"\[E100\] .*{re.escape(name)}: expected a readable file, found '{reason}'"):
        read_transcript(path)


@pytest.mark.parametrize(
    "rate,ends",
    [
        # 11 words from 0:01 until the next start (0:09); 3 words from 0:09 cut at 0:10;
        # 6 words from 0:10; 5 words at the end, bounded by the rate only.
        (None, [5.4, 10.0, 12.4, 3737.0]),  # the default 2.5 words/s
        (2.5, [5.4, 10.0, 12.4, 3737.0]),
        (1.0, [9.0, 10.0, 16.0, 3740.0]),
        (10.0, [2.1, 9.3, 10.6, 3735.5]),
    ],
)
def test_readers_otter_end_times(rate, ends):
    transcript = read_transcript(FIXTURES / "otter.txt", speech_rate_words_per_second=rate)
    cue_ends = [end for turn in transcript.turns for _, _, end in turn.cue_offsets]
    assert cue_ends == pytest.approx(ends)
    assert [t.end for t in transcript.turns] == pytest.approx([ends[0], ends[2], ends[3]])


@pytest.mark.parametrize(
    "footer",
    [
        "\nTranscribed by https://otter.ai\n",
        "Transcribed by https://otter.ai",
        "\n\nTranscribed by https://otter.ai\n\n\n",
        "\nThis transcript was generated by https://otter.ai\n",
        "\nTranscribed by Otter.ai\n",
        "",
    ],
)
def test_readers_otter_footer(footer):
    text = "Dana Reyes  0:01\nGood morning.\n\nSam Cho  0:05\nMorning, Dana.\n" + footer
    transcript = read_text(text, source="call.txt")
    assert transcript.format == "otter"
    assert transcript.turns[-1].text == "Morning, Dana."
    assert transcript.turns[-1].end == pytest.approx(5.8)


@pytest.mark.parametrize(
    "said", ["Powered by our own data team, honestly.", "Powered by Snowflake.", "Exported with Salesforce"]
)
def test_readers_otter_footer_like_sentence_is_kept(said):
    """A footer names the service by its address; a last line like one that names none is speech."""
    text = f"Dana Reyes  0:01\nGood morning.\n\nSam Cho  0:05\n{said}\n"
    assert read_text(text).turns[-1].text == said


@pytest.mark.parametrize("rate", [0, -1.0, 1e-300, 21.0, float("nan")])
def test_readers_speech_rate_must_be_a_speech_rate(rate):
    with pytest.raises(ValueError, match="speech_rate_words_per_second must be from 0.5 to 20 words a second"):
        read_transcript(FIXTURES / "otter.txt", speech_rate_words_per_second=rate)


@pytest.mark.parametrize(
    "line,speaker,text",
    [
        ("Dana Reyes: Hi.", "Dana Reyes", "Hi."),
        ("  Dana   Reyes :  Hi.  ", "Dana Reyes", "Hi."),
        ("SPEAKER_00: Hi.", "SPEAKER_00", "Hi."),
        ("Dr. Ann Lee-Smith: Hi.", "Dr. Ann Lee-Smith", "Hi."),
        ("Dana:", "Dana", ""),
        # not labels: they continue the turn above
        ("Here is one thing you should know: it works.", None, None),
        ("We meet at 10:30 tomorrow.", None, None),
        ("See https://example.com for details.", None, None),
        ("Why not? Because: it works.", None, None),
        # a display name of more than six words that reads as a name
        ("María de los Ángeles García López Haro: Hi.", "María de los Ángeles García López Haro", "Hi."),
        ("Sam Cho | Director of Revenue Operations | Acme Inc: Hi.", "Sam Cho | Director of Revenue Operations | Acme Inc", "Hi."),
        # ... and long labels that do not: a sentence, text in capitals, too many words
        ("The one thing we really need from you is this: a date.", None, None),
        ("THE ONE THING WE REALLY NEED IS THIS: A DATE.", None, None),
        ("Ann Bo Cy Di Ed Flo Gus Hal Ike Jo Kay Lu Mo: Hi.", None, None),
    ],
)
def test_readers_txt_speaker_labels(line, speaker, text):
    transcript = read_text(f"Sam Cho: Before.\n{line}\n", format="txt")
    last = transcript.turns[-1]
    if speaker is None:
        assert len(transcript.turns) == 1
        assert last.text == "Before. " + " ".join(line.split())
    elif text:
        assert (last.speaker, last.text) == (speaker, text)
    else:
        assert transcript.speakers == ("Sam Cho",)  # an empty turn is dropped


@pytest.mark.parametrize(
    "cue,expected",
    [
        ("<v Dana Reyes>Hi Sam.</v> <v Sam Cho>Hello there, Dana.</v>",
         [("Dana Reyes", "Hi Sam.", 0.0, 2.8), ("Sam Cho", "Hello there, Dana.", 2.8, 10.0)]),
        ("<v.loud Dana Reyes><c.yellow>Hi</c> <00:00:01.000>Sam.",
         [("Dana Reyes", "Hi Sam.", 0.0, 10.0)]),
        ("Dana Reyes: Hi.\nSam Cho: Hello.",
         [("Dana Reyes", "Hi. Sam Cho: Hello.", 0.0, 10.0)]),  # Sam Cho is not known yet
        # a "<" of the words is no tag; the tags captions define go, in any case
        ("Sam Cho: We have <5 reps today and >20 next year.",
         [("Sam Cho", "We have <5 reps today and >20 next year.", 0.0, 10.0)]),
        ("Dana Reyes: <I>So if x<10 and y>3,</I> <font color=\"#ffff00\">what</font> <b>happens</b>?<br/>",
         [("Dana Reyes", "So if x<10 and y>3, what happens?", 0.0, 10.0)]),
        ("Dana Reyes: {\\an8}<u>Fine</u> <lang en>by</lang> <ruby>me<rt>me</rt></ruby> &lt;3",
         [("Dana Reyes", "Fine by meme <3", 0.0, 10.0)]),
    ],
)
def test_readers_vtt_cue_markup(cue, expected):
    text = f"WEBVTT\n\n00:00:00.000 --> 00:00:10.000\n{cue}\n"
    assert _as_tuples(read_text(text, source="call.vtt")) == [
        (s, t, pytest.approx(a), pytest.approx(b)) for s, t, a, b in expected
    ]


def test_readers_vtt_long_display_name_opens_its_cue():
    """A Zoom display name of more than six words is its own speaker, not words of the one before."""
    name = "María de los Ángeles García López Haro"
    text = f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nDana Reyes: Hi, thanks for joining.\n\n2\n00:00:04.500 --> 00:00:08.000\n{name}: Happy to be here.\n"
    assert [(t.speaker, t.text) for t in read_text(text, source="call.vtt").turns] == [
        ("Dana Reyes", "Hi, thanks for joining."),
        (name, "Happy to be here."),
    ]


def test_readers_vtt_known_speaker_switches_mid_cue():
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nSam Cho: Morning.\n\n"
        "00:00:02.000 --> 00:00:04.000\nDana Reyes: Hi.\nSam Cho: Hello.\n"
    )
    assert [(t.speaker, t.text) for t in read_text(text).turns] == [
        ("Sam Cho", "Morning."), ("Dana Reyes", "Hi."), ("Sam Cho", "Hello."),
    ]


def test_readers_vtt_cue_glued_to_header():
    text = "WEBVTT\n00:00:01.000 --> 00:00:02.000\nDana Reyes: Hi.\n"
    assert _as_tuples(read_text(text)) == [("Dana Reyes", "Hi.", 1.0, 2.0)]


@pytest.mark.parametrize(
    "name,format,match",
    [
        ("bad-txt-no-label.txt", None, r"\[E130\] .*bad-txt-no-label\.txt, line 2: expected a `Name: text` line.*found '\(recording starts\)'"),
        ("bad-vtt-no-header.vtt", None, r"\[E131\] .*bad-vtt-no-header\.vtt, line 1: expected a `WEBVTT` header"),
        ("bad-vtt-timing.vtt", None, r"\[E120\] .*bad-vtt-timing\.vtt, line 8: expected a timing line"),
        ("bad-vtt-end-before-start.vtt", None, r"\[E121\] .*bad-vtt-end-before-start\.vtt, line 8: expected a cue that ends after it starts"),
        ("bad-vtt-no-speaker.vtt", None, r"\[E123\] .*bad-vtt-no-speaker\.vtt, line 5: expected a speaker for the cue"),
        ("bad-vtt-no-timing.vtt", None, r"\[E132\] .*bad-vtt-no-timing\.vtt, line 8: expected a cue timing line"),
        ("bad-vtt-no-blank.vtt", None, r"\[E132\] .*bad-vtt-no-blank\.vtt, line 7: expected a blank line before the next cue"),
        ("bad-srt-timing.srt", None, r"\[E120\] .*bad-srt-timing\.srt, line 6: expected a timing line like `00:00:01,000"),
        ("bad-srt-end-before-start.srt", None, r"\[E121\] .*bad-srt-end-before-start\.srt, line 6: expected a cue that ends after"),
        ("bad-srt-missing-timing.srt", None, r"\[E132\] .*bad-srt-missing-timing\.srt, line 6: expected a cue timing line"),
        ("bad-otter-preamble.txt", "otter", r"\[E133\] .*bad-otter-preamble\.txt, line 1: expected an Otter header"),
        ("bad-otter-preamble.txt", None, r"\[E130\] .*bad-otter-preamble\.txt, line 1: expected a `Name: text` line"),
        ("bad-otter-time.txt", None, r"\[E120\] .*bad-otter-time\.txt, line 4: expected a start time `m:ss` or `h:mm:ss`"),
        ("bad-otter-order.txt", None, r"\[E122\] .*bad-otter-order\.txt, line 7: expected start times in order"),
        ("bad-csv-no-header.csv", None, r"\[E140\] .*bad-csv-no-header\.csv, line 1: expected a header row `speaker,start,end,text`"),
        ("bad-csv-columns.csv", None, r"\[E141\] .*bad-csv-columns\.csv, line 3: expected 4 fields, like the header, found '3 fields"),
        ("bad-csv-time.csv", None, r"\[E120\] .*bad-csv-time\.csv, line 4: expected a time in seconds in column 'start'.*found '3\.0s'"),
        ("bad-csv-quote.csv", None, r"\[E142\] .*bad-csv-quote\.csv, line 3: expected valid CSV quoting"),
        ("bad-csv-end-before-start.csv", None, r"\[E121\] .*bad-csv-end-before-start\.csv, line 3: expected an end time after the start"),
        ("bad-csv-mixed-times.csv", None, r"\[E103\] .*bad-csv-mixed-times\.csv, line 3: expected a start time on every cue"),
        ("bad-csv-empty-speaker.csv", None, r"\[E124\] .*bad-csv-empty-speaker\.csv, line 3: expected a speaker name"),
        ("bad-json-syntax.json", None, r"\[E150\] .*bad-json-syntax\.json, line 4: expected valid JSON \(Expecting ',' delimiter"),
        ("bad-json-unknown.json", None, r"\[E151\] .*bad-json-unknown\.json, line 1: expected a JSON transcript.*found 'an object with keys transcript, words'"),
        ("bad-assemblyai-no-speaker.json", None, r"\[E152\] .*bad-assemblyai-no-speaker\.json, line 9: expected `utterances\[1\]\.speaker`"),
        ("bad-assemblyai-end-before-start.json", None, r"\[E121\] .*bad-assemblyai-end-before-start\.json, line 9: expected an end after the start at `utterances\[1\]`"),
        ("bad-deepgram-no-utterances.json", None, r"\[E152\] .*bad-deepgram-no-utterances\.json, line 5: expected `results\.utterances`"),
        ("bad-whisper-no-speaker.json", None, r"\[E152\] .*bad-whisper-no-speaker\.json, line 4: expected `segments\[0\]\.speaker`"),
        ("bad-aws-no-speakers.json", None, r"\[E152\] .*bad-aws-no-speakers\.json, line 12: expected `results\.items\[0\]\.speaker_label`"),
        ("bad-aws-time.json", None, r"\[E120\] .*bad-aws-time\.json, line 182: expected a time in seconds at `results\.items\[3\]\.start_time`, found '\"1\.2s\"'"),
        ("bad-gong-two-calls.json", None, r"\[E154\] .*bad-gong-two-calls\.json, line 2: expected exactly one call"),
        ("bad-callcoach-version.json", None, r"\[E155\] .*bad-callcoach-version\.json, line 2: expected callcoach format version 1, found '2'"),
        ("bad-callcoach-text.json", None, r"\[E153\] .*bad-callcoach-text\.json, line 10: expected a string at `turns\[1\]\.text`"),
    ],
)
def test_readers_broken_file(name, format, match):
    with pytest.raises(TranscriptFormatError, match=match):
        read_transcript(FIXTURES / name, format)


@pytest.mark.parametrize(
    "name,path_text",
    [
        ("bad-assemblyai-no-speaker.json", '"text": "Hey."'),
        ("bad-whisper-no-speaker.json", '"start": 0.0'),
        ("bad-aws-time.json", '"1.2s"'),
        ("bad-callcoach-text.json", '"text": 42'),
    ],
)
def test_readers_json_error_line_points_at_the_value(name, path_text):
    with pytest.raises(TranscriptFormatError) as info:
        read_transcript(FIXTURES / name)
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    # the reported line opens the offending object or holds the offending value
    near = "\n".join(lines[info.value.line - 1 : info.value.line + 2])
    assert path_text in near


@pytest.mark.parametrize("text,found", [("null", "null"), ("{}", "{}"), ("[]", "[]"), ("[1, 2]", "a list of 2 items"), ("42", "42")])
def test_readers_json_of_no_known_shape_says_what_it_is(text, found):
    """E151 names what the file holds in JSON's own words, never a Python type's."""
    from analyzer.readers import read_text

    with pytest.raises(TranscriptFormatError, match=rf"\[E151\] call\.json, line 1: expected a JSON transcript.*found '{re.escape(found)}'$"):
        read_text(text, source="call.json", format="json")


def _deepgram(utterances):
    import json

    return json.dumps({"metadata": {"channels": 2}, "results": {"channels": [{}, {}], "utterances": utterances}})


def _utt(channel, speaker, text, start):
    found = {"channel": channel, "transcript": text, "start": start, "end": start + 1.0}
    if speaker is not None:
        found["speaker"] = speaker
    return found


@pytest.mark.parametrize(
    "utterances,speakers",
    [
        # one party a channel, each numbered speaker 0 on its own channel
        ([_utt(0, 0, "Hi Sam, thanks for joining.", 0.0), _utt(1, 0, "Happy to be here.", 1.5), _utt(0, 0, "What brings you here?", 3.0)],
         ["channel 0", "channel 1", "channel 0"]),
        # without diarization: the channel is the speaker
        ([_utt(0, None, "Hi Sam.", 0.0), _utt(1, None, "Hello.", 1.5)], ["channel 0", "channel 1"]),
        # two people on the second channel
        ([_utt(0, 0, "Hi both.", 0.0), _utt(1, 0, "Hello.", 1.5), _utt(1, 1, "Hi there.", 3.0)],
         ["channel 0", "channel 1 speaker 0", "channel 1 speaker 1"]),
    ],
)
def test_readers_deepgram_channels_are_part_of_who_speaks(utterances, speakers):
    """Deepgram numbers speakers within each channel: two channels' speaker 0 are two people."""
    from analyzer.readers import read_text

    transcript = read_text(_deepgram(utterances), source="call.json")
    assert [t.speaker for t in transcript.turns] == speakers


def test_readers_deepgram_channel_missing_on_one_utterance_is_refused():
    from analyzer.readers import read_text

    with pytest.raises(TranscriptFormatError, match=r"\[E152\] call\.json, line 1: expected `results\.utterances\[1\]\.channel`"):
        read_text(_deepgram([_utt(0, 0, "Hi.", 0.0), {"speaker": 0, "transcript": "Hello.", "start": 1.0, "end": 2.0}, _utt(1, 0, "Yes.", 3.0)]), source="call.json")


@pytest.mark.parametrize(
    "times,owner",
    [
        ([(0.0, 2.0), (2.1, 2.5), (6.0, 8.0)], "SPEAKER_00"),  # nearer the one before
        ([(0.0, 2.0), (5.0, 5.4), (5.5, 8.0)], "SPEAKER_01"),  # nearer the one after
    ],
)
def test_readers_whisperx_segment_without_speaker_takes_the_nearest(times, owner):
    """WhisperX leaves a segment no diarization turn overlaps without a speaker:
    the call is read, that segment said by the speaker nearest to it in time."""
    import json

    from analyzer.readers import read_text

    segs = [
        {"start": times[0][0], "end": times[0][1], "text": " How are you handling renewals today?", "speaker": "SPEAKER_00"},
        {"start": times[1][0], "end": times[1][1], "text": " Mm-hmm."},
        {"start": times[2][0], "end": times[2][1], "text": " Badly, to be honest.", "speaker": "SPEAKER_01"},
    ]
    transcript = read_text(json.dumps({"segments": segs}), source="call.json")
    assert [t.speaker for t in transcript.turns if "Mm-hmm." in t.text] == [owner]
    assert transcript.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert sum(len(t.text.split()) for t in transcript.turns) == 11  # nothing lost


@pytest.mark.parametrize(
    "header,row1,row2,times",
    [
        ("Speaker,Start Time,End Time,Text", "Dana Reyes,0.5,3.0,Hi Sam.", "Sam Cho,3.5,5.0,Hello.", [(0.5, 3.0), (3.5, 5.0)]),
        ("Timestamp,Speaker,Text", "00:00:01,Dana Reyes,Hi Sam.", "00:00:04,Sam Cho,Hello.", [(1.0, 1.8), (4.0, 4.4)]),
    ],
)
def test_readers_csv_header_as_call_tools_name_it(header, row1, row2, times):
    """ "Start Time" is start_time, and a timestamp column is the start: the call is timed."""
    from analyzer.readers import read_text

    transcript = read_text(f"{header}\n{row1}\n{row2}\n", source="call.csv")
    assert [(t.speaker, t.start, t.end) for t in transcript.turns] == [
        ("Dana Reyes", *times[0]), ("Sam Cho", *times[1]),
    ]


@pytest.mark.parametrize(
    "rows,times",
    [
        ("Timestamp,Speaker,Text\n2024-05-07T10:00:01Z,Dana Reyes,Hi Sam.\n2024-05-07T10:00:04Z,Sam Cho,Hello.\n", [(0.0, 0.8), (3.0, 3.4)]),
        ("speaker,start,end,text\nDana Reyes,2024-05-07 10:00:01,2024-05-07 10:00:03,Hi Sam.\n"
         "Sam Cho,2024-05-07 10:00:04+00:00,2024-05-07 10:00:05+00:00,Hello.\n", [(0.0, 2.0), (3.0, 4.0)]),
    ],
)
def test_readers_csv_dates_and_times_count_from_the_first(rows, times):
    """Lines stamped with ISO dates and times (as some call tools export them) are
    timed from the call's first time, not refused."""
    from analyzer.readers import read_text

    transcript = read_text(rows, source="call.csv")
    assert [(t.start, t.end) for t in transcript.turns] == times


def test_readers_csv_dates_mixed_with_plain_times_are_refused():
    from analyzer.readers import read_text

    with pytest.raises(TranscriptFormatError, match=r"\[E120\] call\.csv: expected times of one kind in every row"):
        read_text("Timestamp,Speaker,Text\n2024-05-07T10:00:01Z,Dana,Hi.\n00:00:04,Sam,Hello.\n", source="call.csv")


def test_readers_csv_header_naming_a_column_twice_is_refused():
    """Two text columns (or two speaker columns) leave unknown which one a row means: E140, not one dropped."""
    from analyzer.readers import read_text

    with pytest.raises(TranscriptFormatError, match=r"\[E140\] call\.csv, line 1: .*found 'text named twice: speaker,text,transcript'"):
        read_text("speaker,text,transcript\nDana,Hi there,Hello there\n", source="call.csv", format="csv")


def test_readers_registry_covers_formats():
    assert set(READERS) == set(FORMATS)
    assert FORMATS[:6] == ("txt", "vtt", "srt", "otter", "csv", "json")


@pytest.mark.parametrize(
    "name,family,speakers,turns",
    [
        ("buyer-centric-discovery.txt", "txt", ("Naomi Brennan", "Luis Ortega"), 25),
        ("mixed-call.json", "json", ("A", "B", "C"), 18),
        ("seller-centric-demo.vtt", "vtt", ("Marcus Feld", "Helen Okafor", "Tom Brandt"), 25),
    ],
)
def test_readers_spec_examples(name, family, speakers, turns):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip("../shared/spec/examples is not available")
    transcript = read_transcript(path)
    assert transcript.format == family
    assert transcript.speakers == speakers
    assert len(transcript.turns) == turns
    gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
    assert gold["format"] == family
    assert set(gold["roles"]) == set(speakers)
    for tag in gold["tags"] + gold["hard_negatives"]:
        assert any(
            t.speaker == tag["speaker"] and tag["quote"] in t.text for t in transcript.turns
        ), tag["quote"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_readers_utf16_without_byte_order_mark(encoding):
    """UTF-16 text saved without a byte-order mark is read by where its NUL bytes fall, not refused as binary."""
    from analyzer.readers import read_call

    data = "Dana Reyes: Hi Sam, how are you handling renewals today?\nSam Cho: Badly, in spreadsheets.\n".encode(encoding)
    assert [(t.speaker, t.text) for t in read_call(data, "call.txt").turns] == [
        ("Dana Reyes", "Hi Sam, how are you handling renewals today?"), ("Sam Cho", "Badly, in spreadsheets."),
    ]


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"\x00\xff\x00\x10" * 64], ids=["bytes", "nul-every-other"])
def test_readers_nul_bytes_not_laid_out_as_utf16_are_binary(data):
    """NUL bytes every other byte that do not read as text (control characters) are binary data."""
    from analyzer.readers import read_call

    with pytest.raises(TranscriptFormatError, match=r"\[E106\] blob\.bin: expected a text transcript, found 'binary data'"):
        read_call(data, "blob.bin")
