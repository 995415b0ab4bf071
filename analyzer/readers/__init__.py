"""Transcript readers: bytes or text in any supported format -> :class:`Transcript`.

:func:`read_transcript` reads a file: it decodes the bytes (:func:`decode`),
picks the format by content with the extension as a hint
(:func:`detect_format`), unless ``format`` forces one, and runs that
format's reader. Each family has a module with the same
``read(text, *, source, speech_rate_words_per_second=None)`` function:
:mod:`.txt`, :mod:`.vtt`, :mod:`.srt`, :mod:`.otter`, :mod:`.csv` and
:mod:`.json` (six flavours, dispatched by their keys).

Error codes (``TranscriptFormatError.code``), one per kind of problem:

| code | problem                                                        | raised by          |
| ---- | -------------------------------------------------------------- | ------------------ |
| E100 | the file cannot be read (the OS reason is given)               | read_transcript    |
| E101 | the content fits no format and the extension gives no hint     | detect_format      |
| E102 | no speech at all                                               | Transcript         |
| E103 | some cues timed, others not                                    | Transcript         |
| E104 | empty file (nothing but whitespace)                            | decode, read_text  |
| E105 | bytes that are not UTF-8 (the line of the first bad byte)      | decode             |
| E106 | binary data: NUL bytes, not as UTF-16 text lays them out        | decode             |
| E107 | a UTF-16 byte-order mark, then bytes that are not UTF-16       | decode             |
| E108 | a call longer than the pipeline accepts (2 million characters) | read_call, nlp.pipeline |
| E109 | a file over 64 MiB (refused before it is read)                 | read_bytes, decode, read_text |
| E110 | a line over 200,000 characters                                 | txt vtt srt otter csv |
| E111 | more than 100,000 cues in one call                             | every reader       |
| E112 | more than 500,000 lines                                        | txt vtt srt otter csv |
| E120 | a malformed time or timing line, or a time past 168 hours      | txt vtt srt otter csv json |
| E121 | a cue that ends before it starts                               | vtt srt csv json   |
| E122 | a start time before the previous block's                       | txt otter          |
| E123 | words with no speaker (no label and no cue before to continue) | vtt srt            |
| E124 | an empty speaker name                                          | csv json           |
| E125 | a speaker name with a control character, or over 200 characters | txt vtt srt csv json |
| E126 | captions in which no cue names a speaker: roles cannot be known | vtt srt           |
| E127 | cues of a table with no call id (score_dataframe)              | batch.frames       |
| E130 | words before the first speaker label (or a time and label)     | txt                |
| E131 | no `WEBVTT` header                                             | vtt                |
| E132 | a cue block without a timing line, or cues not blank-separated | vtt srt            |
| E133 | text before the first `Name  m:ss` header                      | otter              |
| E140 | no `speaker,start,end,text` header row                         | csv                |
| E141 | a row with a different number of fields than the header        | csv                |
| E142 | broken CSV quoting                                             | csv                |
| E150 | invalid JSON (line from the JSON parser)                       | json               |
| E151 | JSON of no known flavour                                       | json               |
| E152 | a required JSON key is missing (its path is named)             | json               |
| E153 | a JSON value of the wrong type (its path is named)             | json               |
| E154 | a Gong file without exactly one call                           | json               |
| E155 | a callcoach JSON file of another version than 1                | json               |
| E156 | JSON nested more than 64 levels deep                           | json               |
| E157 | a JSON string with a lone surrogate escape (`\\ud800`)           | json               |
| E158 | a Word file (.docx) that cannot be opened                      | docx               |

The limits behind E109-E112, E125, E156 and the 168-hour bound on times
(E120) are in :mod:`.limits`.
"""
from __future__ import annotations

import codecs
import json as _json
import os
import re
from typing import Callable

from ..errors import TranscriptFormatError
from ..transcript import Transcript
from . import csv, docx, json, otter, srt, txt, vtt
from .limits import MAX_FILE_BYTES, check_call_length, check_size

FAMILIES = ("txt", "vtt", "srt", "otter", "csv", "json")
FORMATS = FAMILIES + json.FLAVOURS

Reader = Callable[..., Transcript]
READERS: dict[str, Reader] = {
    "txt": txt.read,
    "vtt": vtt.read,
    "srt": srt.read,
    "otter": otter.read,
    "csv": csv.read,
    "json": json.read,
    "assemblyai": json.read_assemblyai,
    "deepgram": json.read_deepgram,
    "aws": json.read_aws,
    "gong": json.read_gong,
    "whisper": json.read_whisper,
    "callcoach": json.read_callcoach,
}

_BY_EXTENSION = {".txt": "txt", ".vtt": "vtt", ".srt": "srt", ".csv": "csv", ".json": "json"}
_HEAD_CHARS = 16384  # detection looks at the start of the file only
_HEAD_LINES = 24
_CONTENT_RE = re.compile(r"[^\s\ufeff]")
_ARROW_RE = re.compile(r"\d\d:\d\d[.,]\d{3}[ \t]+-->")
_SRT_TIMING_RE = re.compile(r"[ \t]*(?:\d+:)?\d\d:\d\d,\d{3}[ \t]+-->")


def _check_format(format: str | None) -> str | None:
    if format is None:
        return None
    name = format.lower()
    if name not in READERS:
        raise ValueError(f"unknown transcript format {format!r}; choose one of: {', '.join(FORMATS)}")
    return name


def decode(data: bytes, source: str) -> str:
    """Decode a transcript file's bytes to text with ``\\n`` line ends.

    UTF-8 with or without a byte-order mark, and UTF-16 LE or BE with one, are
    read; CRLF and CR become ``\\n``.

    data (bytes): the file's content.
    source (str): the file name, for error messages.
    RETURNS (str): the text, without a byte-order mark.
    RAISES: TranscriptFormatError for an empty file (E104), bytes that are not
        UTF-8 (E105, with the line of the first bad byte), binary data (E106)
        or broken UTF-16 (E107).
    """
    check_size(len(data), source)
    if docx.is_docx(data):  # a Word transcript: its paragraphs, read as the text shape they hold
        return _normalise(docx.docx_text(data, source), source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(
        codecs.BOM_UTF32_LE
    ):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TranscriptFormatError(
                source, None, "UTF-16 text after the byte-order mark", exc.reason, code="E107"
            ) from None
    elif b"\x00" in data:
        encoding = _bomless_utf16(data)
        if encoding is None:
            raise TranscriptFormatError(source, None, "a text transcript", "binary data", code="E106")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise TranscriptFormatError(
                source, None, "UTF-16 text (its bytes read as UTF-16 without a byte-order mark)", exc.reason, code="E107"
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
            raise TranscriptFormatError(
                source,
                line,
                "UTF-8 text (or UTF-16 with a byte-order mark)",
                f"byte 0x{data[exc.start]:02x}",
                code="E105",
            ) from None
    return _normalise(text, source)


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for UTF-16 text written without a byte-order
    mark (as some Windows tools save it), told by where its NUL bytes fall: in
    text of Latin letters every other byte is NUL, all on one side. None for
    anything else (binary data)."""
    head = data[:4096]
    if len(head) < 4 or len(data) % 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd >= 0.9 * half and even <= 0.1 * half:
        encoding = "utf-16-le"
    elif even >= 0.9 * half and odd <= 0.1 * half:
        encoding = "utf-16-be"
    else:
        return None
    # ... and read so, it is text: next to no control characters but line breaks and tabs
    sample = head.decode(encoding, errors="replace")
    controls = sum(1 for c in sample if c < " " and c not in "\t\n\r")
    return encoding if controls <= len(sample) // 100 else None


def _normalise(text: str, source: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise TranscriptFormatError(source, None, "a transcript", "an empty file", code="E104")
    return text


def detect_format(text: str, filename: str | None = None) -> str:
    """The format of a transcript, by its content, with the extension as a hint.

    JSON is dispatched by its keys to a flavour (``assemblyai``, ``gong``,
    ...). A ``WEBVTT`` header means vtt; ``-->`` timing lines without it mean
    srt; a ``speaker,...,text`` header row means csv; a ``Name  m:ss`` header
    (after a Teams transcript's head) means otter; and a first turn in any
    of the plain text shapes (``Name: text``, with a time before the label
    or after the name, Rev, Zoom captions, after a Google Meet head) means
    txt, whatever the extension. Only when the content fits none of these
    does the extension decide.

    text (str): the decoded transcript.
    filename (str | None): the file name, whose extension is the hint.
    RETURNS (str): one of :data:`FORMATS` (a JSON flavour for JSON).
    RAISES: TranscriptFormatError (E101) when neither content nor extension
        tells the format, (E104) for empty text.
    """
    family = _detect(text, filename)
    if family != "json":
        return family
    try:
        data = _json.loads(text)
    except ValueError:
        return "json"
    return json.flavour_of(data) or "json"


def _detect(text: str, filename: str | None) -> str:
    """Like :func:`detect_format` but stops at the family: no JSON parsing."""
    source = filename or "<text>"
    m = _CONTENT_RE.search(text)
    if m is None:
        raise TranscriptFormatError(source, None, "a transcript", "an empty file", code="E104")
    head = text[m.start() : m.start() + _HEAD_CHARS]
    if "\r" in head:
        head = head.replace("\r\n", "\n").replace("\r", "\n")
    extension = os.path.splitext(filename or "")[1].lower()
    if head[0] == "{" or (head[0] == "[" and (extension == ".json" or head[1:].lstrip()[:1] in ("{", "]"))):
        return "json"
    lines = head.split("\n", _HEAD_LINES)[:_HEAD_LINES]
    first = lines[0]
    if vtt.HEADER_RE.match(first.rstrip()):
        return "vtt"
    if any(_ARROW_RE.search(line) for line in lines[:4]):
        if any(_SRT_TIMING_RE.match(line) for line in lines[:4]) or extension != ".vtt":
            return "srt"
        return "vtt"
    if "," in first and csv.header_columns([c.strip().strip('"') for c in first.split(",")]):
        return "csv"
    if otter.looks_like(lines):
        return "otter"
    if txt.looks_like(lines):
        return "txt"
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    raise TranscriptFormatError(
        source,
        1,
        "a transcript in one of the formats " + ", ".join(FAMILIES) + " (or --format to force one)",
        first.strip(),
        code="E101",
    )


def read_text(
    text: str,
    *,
    source: str = "<text>",
    format: str | None = None,
    speech_rate_words_per_second: float | None = None,
) -> Transcript:
    """Read a transcript from text.

    text (str): the transcript (a leading byte-order mark and CR line ends are fine).
    source (str): the name used in error messages, and as the extension hint
        (an empty one or None is ``<text>``).
    format (str | None): one of :data:`FORMATS` to force a reader, or None
        to detect it. Defaults to None.
    speech_rate_words_per_second (float | None): the rate that bounds turn
        ends where only starts are known (Otter). Defaults to the configured one.
    RETURNS (Transcript): the transcript; its ``format`` is the family
        (``json`` for every JSON flavour).
    RAISES: ValueError for an unknown format name; TranscriptFormatError for
        input that cannot be read (see the code table above).
    """
    source = str(source) if source else "<text>"  # every result names its call (``file``)
    name = _check_format(format)
    if speech_rate_words_per_second is not None:
        from ..config import checked_speech_rate

        checked_speech_rate(speech_rate_words_per_second)
    check_size(len(text), source)
    text = _normalise(text, source)
    if name is None:
        name = _detect(text, source)
    return READERS[name](
        text, source=source, speech_rate_words_per_second=speech_rate_words_per_second
    )


def read_call(
    data: bytes,
    source: str,
    *,
    format: str | None = None,
    speech_rate_words_per_second: float | None = None,
) -> Transcript:
    """Read a call from a file's bytes, checked against every limit the analysis
    keeps, the pipeline's length (E108) included, so that a call that will be
    refused is refused before any pipeline is built.

    data (bytes): the file's bytes (UTF-8, or UTF-16 with a byte-order mark).
    source (str): the call's name in error messages, and the extension hint.
    format, speech_rate_words_per_second: as for :func:`read_text`.
    RETURNS (Transcript): the transcript.
    RAISES: TranscriptFormatError with its code, as :func:`decode`,
        :func:`read_text` and :func:`~.limits.check_call_length`.
    """
    transcript = read_text(
        decode(data, source),
        source=source,
        format=format,
        speech_rate_words_per_second=speech_rate_words_per_second,
    )
    check_call_length([t.text for t in transcript.turns], source)
    return transcript


def read_bytes(path: str | os.PathLike) -> bytes:
    """A file's bytes; an OS error becomes TranscriptFormatError E100 with its reason.

    A file over the size limit (E109) is refused by its size, before any of
    it is read; one that grows while it is read stops at one byte past the
    limit, so memory stays bounded either way.
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as fh:
            check_size(os.fstat(fh.fileno()).st_size, source)
            data = fh.read(MAX_FILE_BYTES + 1)
        check_size(len(data), source)
        return data
    except OSError as exc:
        raise TranscriptFormatError(
            source, None, "a readable file", exc.strerror or str(exc), code="E100"
        ) from None


def read_transcript(
    path: str | os.PathLike,
    format: str | None = None,
    *,
    speech_rate_words_per_second: float | None = None,
) -> Transcript:
    """Read a transcript file.

    path (str | PathLike): the file.
    format (str | None): one of :data:`FORMATS` to force a reader, or None
        to detect it. Defaults to None.
    speech_rate_words_per_second (float | None): see :func:`read_text`.
    RETURNS (Transcript): the transcript, with ``source`` set to the path.
    RAISES: ValueError for an unknown format name; TranscriptFormatError
        (E100) when the file cannot be read, and for input that cannot be read.
    """
    _check_format(format)
    source = os.fspath(path)
    data = read_bytes(source)
    return read_text(
        decode(data, source),
        source=source,
        format=format,
        speech_rate_words_per_second=speech_rate_words_per_second,
    )


__all__ = [
    "FORMATS",
    "READERS",
    "decode",
    "detect_format",
    "read_bytes",
    "read_call",
    "read_text",
    "read_transcript",
]
