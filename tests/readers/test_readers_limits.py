"""Tests of the readers' limits: each one raises its own coded error, and a
file over the size limit is refused before it is read."""
from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.errors import TranscriptFormatError
from analyzer.readers import decode, read_text, read_transcript
from analyzer.readers.json import _too_deep
from analyzer.readers.limits import (
    MAX_CUES,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_LINE_CHARACTERS,
    MAX_LINES,
    MAX_SPEAKER_CHARACTERS,
)


@pytest.mark.parametrize("size", [100 * 1024 * 1024, MAX_FILE_BYTES + 1])
def test_readers_limit_file_size_refused_unread(tmp_path, size):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.write(b"Dana: Hi.\n")
        fh.truncate(size)  # sparse: the disk holds almost nothing
    tracemalloc.start()
    try:
        with pytest.raises(TranscriptFormatError, match=r"\[E109\] .*huge\.txt: expected a transcript file of at most 64 MiB"):
            read_transcript(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_readers_limit_file_size_at_the_limit_is_read(tmp_path):
    body = b"Dana: Hi.\nSam: Hello.\n"
    path = tmp_path / "big.txt"
    pad = (b" " * 1023 + b"\n") * ((MAX_FILE_BYTES - len(body)) // 1024)
    path.write_bytes(body + pad + b" " * (MAX_FILE_BYTES - len(body) - len(pad)))
    assert read_transcript(path).speakers == ("Dana", "Sam")


def test_readers_limit_file_size_bytes_and_text():
    data = b"Dana: Hi.\n" + b" " * MAX_FILE_BYTES
    with pytest.raises(TranscriptFormatError, match=r"\[E109\] call\.txt"):
        decode(data, "call.txt")
    with pytest.raises(TranscriptFormatError, match=r"\[E109\] call\.txt"):
        read_text(data.decode("ascii"), source="call.txt")


LONG = "x" * (MAX_LINE_CHARACTERS + 1)


@pytest.mark.parametrize(
    "format,text,line",
    [
        ("txt", f"Dana: Hi.\nSam: {LONG}\n", 2),
        ("vtt", f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDana: {LONG}\n", 4),
        ("srt", f"1\n00:00:01,000 --> 00:00:02,000\nDana: Hi.\n\n2\n00:00:03,000 --> 00:00:04,000\n{LONG}\n", 7),
        ("otter", f"Dana  0:01\n{LONG}\n", 2),
        ("csv", f"speaker,text\nDana,{LONG}\n", 2),
    ],
)
def test_readers_limit_line_length(format, text, line):
    with pytest.raises(TranscriptFormatError, match=rf"\[E110\] call, line {line}: expected lines of at most 200,000 characters"):
        read_text(text, source="call", format=format)


def test_readers_limit_line_length_just_under():
    text = "Dana: " + "x" * (MAX_LINE_CHARACTERS - 6) + "\n"
    assert read_text(text).turns[0].words == 1


def test_readers_limit_json_is_one_line():
    turns = [{"speaker": "A", "text": "word " * 5000} for _ in range(50)]
    text = json.dumps({"callcoach": 1, "turns": turns})
    assert len(text) > MAX_LINE_CHARACTERS
    assert read_text(text, source="call.json").words == 250_000


@pytest.mark.parametrize(
    "format,head,row",
    [
        ("txt", "", "A: x\nB: y\n"),
        ("csv", "speaker,text\n", "A,x\nB,y\n"),
        ("otter", "", "A  {m}:{s:02d}\nx\n\nB  {m}:{s:02d}\ny\n"),
    ],
)
def test_readers_limit_cue_count(format, head, row):
    text = head + "".join(row.format(m=k // 60, s=k % 60) for k in range(MAX_CUES // 2 + 1))
    with pytest.raises(TranscriptFormatError, match=r"\[E111\] call, line \d+: expected a call of at most 100,000 cues"):
        read_text(text, source="call", format=format)


def test_readers_limit_cue_count_json():
    turns = [{"speaker": "AB"[i % 2], "text": "x"} for i in range(MAX_CUES + 1)]
    with pytest.raises(TranscriptFormatError, match=r"\[E111\] call\.json: expected a call of at most 100,000 cues"):
        read_text(json.dumps({"callcoach": 1, "turns": turns}), source="call.json")


def _nested(depth: int) -> str:
    levels = depth - 3  # the top object, the turns list and the turn make 3 levels
    opens = "".join("[" if k % 2 else '{"a": ' for k in range(levels))
    closes = "".join("]" if k % 2 else "}" for k in reversed(range(levels)))
    inner = opens + '"x"' + closes
    return '{"callcoach": 1, "turns": [{"speaker": "A", "text": "Hi.", "extra": ' + inner + "}]}"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 5000, 200_000])
def test_readers_limit_json_depth(depth):
    with pytest.raises(TranscriptFormatError, match=r"\[E156\] call\.json: expected JSON nested at most 64 levels deep"):
        read_text(_nested(depth), source="call.json")


def test_readers_limit_json_depth_at_the_limit():
    assert read_text(_nested(MAX_JSON_DEPTH), source="call.json").speakers == ("A",)


def test_readers_limit_speaker_name_length():
    name = "n" * (MAX_SPEAKER_CHARACTERS + 1)
    text = json.dumps({"callcoach": 1, "turns": [{"speaker": name, "text": "Hi."}]})
    with pytest.raises(TranscriptFormatError, match=r"\[E125\] call\.json, line 1: .*found 'a name of 201 characters"):
        read_text(text, source="call.json")


@pytest.mark.parametrize("mark", ["\u202e", "\u202a", "\u2067", "\x1b"])
def test_readers_limit_speaker_name_direction_and_control_marks(mark):
    """A right-to-left override in a name would reorder the rest of a report's
    line in a terminal, as an escape code would rewrite it: E125."""
    text = json.dumps({"callcoach": 1, "turns": [{"speaker": f"Dana{mark}Reyes", "text": "Hi."}]})
    with pytest.raises(TranscriptFormatError, match=r"\[E125\] call\.json, line 1: .*control character"):
        read_text(text, source="call.json")
    # In plain text and captions such a label is refused too, not read as words of the speaker before.
    with pytest.raises(TranscriptFormatError, match=r"\[E125\] call\.txt, line 2: .*control character"):
        read_text(f"Sam: Hello.\nDana{mark}Reyes: Hi.\n", source="call.txt")
    with pytest.raises(TranscriptFormatError, match=r"\[E125\] call\.vtt, line 7: .*control character"):
        read_text(f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSam: Hello.\n\n00:00:03.000 --> 00:00:04.000\nDana{mark}Reyes: Hi.\n", source="call.vtt")


def test_readers_limit_speaker_name_length_in_a_label():
    with pytest.raises(TranscriptFormatError, match=r"\[E125\] call\.txt, line 2: .*found 'a name of 201 characters"):
        read_text("Sam: Hello.\n" + "n" * (MAX_SPEAKER_CHARACTERS + 1) + ": Hi.\n", source="call.txt")


@pytest.mark.parametrize(
    "format,text",
    [
        ("vtt", "WEBVTT\n\n200:00:00.000 --> 200:00:01.000\nDana: Hi.\n"),
        ("txt", "[200:00:00] Dana: Hi.\n"),
        ("otter", "Dana  200:00:00\nHi.\n"),
        ("csv", "speaker,start,end,text\nDana,720000,720001,Hi.\n"),
        ("json", '{"utterances": [{"speaker": "A", "text": "Hi.", "start": 1e12, "end": 1e12}]}'),
        ("json", '{"utterances": [{"speaker": "A", "text": "Hi.", "start": 0, "end": ' + "9" * 400 + "}]}"),
    ],
)
def test_readers_limit_times_below_168_hours(format, text):
    with pytest.raises(TranscriptFormatError, match=r"\[E120\] call"):
        read_text(text, source="call", format=format)


@pytest.mark.parametrize("format", ["txt", "vtt", "srt", "otter", "csv"])
def test_readers_limit_line_count(format):
    text = "Dana: Hi.\n" + "\n" * MAX_LINES
    with pytest.raises(TranscriptFormatError, match=r"\[E112\] call, line 500001: expected a file of at most 500,000 lines"):
        read_text(text, source="call", format=format)


def _depth(value) -> int:
    """How deep a parsed JSON value nests arrays and objects (0 for a scalar)."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


# Strings full of what the depth check must look past: brackets, quotes,
# backslashes (escaped as JSON escapes them) and non-ASCII letters.
_TRICKY = st.text(alphabet=st.sampled_from('[]{}"\\ aé€\U0001f600\n'), max_size=6)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=_JSON, limit=st.integers(min_value=0, max_value=6), ascii_only=st.booleans())
def test_readers_json_depth_check_agrees_with_the_parsed_value(value, limit, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert _too_deep(text, limit) == (_depth(value) > limit)


def test_readers_import_no_numeric_or_language_libraries():
    # Reading (and refusing) files comes before any analysis: a process that
    # only reads pays for neither numpy nor spaCy.
    script = (
        "import sys\n"
        "from analyzer.readers import read_text\n"
        "read_text('Dana: Hi.\\nSam: Hello.', source='call.txt')\n"
        "read_text('{\"callcoach\": 1, \"turns\": [{\"speaker\": \"A\", \"text\": \"Hi.\"}]}', source='call.json')\n"
        "print(sorted(m for m in ('numpy', 'spacy') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "[]", proc.stderr
