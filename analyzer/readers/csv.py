"""CSV transcripts: a ``speaker,start,end,text`` header, one row a cue.

    speaker,start,end,text
    Dana Reyes,1.0,6.5,"Good morning, thanks for making time."
    Sam Cho,7.3,13.3,Morning.

Quoting follows RFC 4180 (Python's :mod:`csv`), so a quoted text may span
lines. The header names the columns in any order, in any case, and may have
extra columns, which are ignored; ``start`` and ``end`` may be left out, or
empty in every row, for an untimed transcript. Times are seconds
(``7.3``) or clock times (``0:07.3``, ``1:02:15``).
"""
from __future__ import annotations

import csv as _csv
import io
import math
import re
from datetime import datetime, timezone

from ..errors import TranscriptFormatError
from ..transcript import Cue, Transcript
from .limits import MAX_SECONDS, check_cue_count, split_lines
from .names import cell_speaker

FORMAT = "csv"

# Header names accepted for each column (lower case; a space or a hyphen in a
# header reads as "_": "Start Time" is start_time, as call tools export it).
_COLUMNS = {
    "speaker": ("speaker", "speaker_name", "name"),
    "start": ("start", "start_time", "begin", "timestamp", "time"),
    "end": ("end", "end_time", "stop"),
    "text": ("text", "transcript", "utterance"),
}
#: Every header name of a transcript table (a Word table's first row of them is no turn).
HEADER_NAMES = frozenset(name for names in _COLUMNS.values() for name in names)
_SEPARATORS_RE = re.compile(r"[\s-]+")


def column_key(name: str) -> str:
    """A table header as it is matched: lower case, a byte-order mark dropped,
    runs of spaces and hyphens as one "_" ("Start Time" is start_time);
    shared with the manifest's columns."""
    return _SEPARATORS_RE.sub("_", name.strip().lstrip("\ufeff").strip().lower())


def _header_names(row: list[str]) -> list[str]:
    return [column_key(c) for c in row]
_CLOCK_RE = re.compile(r"(?:(\d{1,3}):)?(\d{1,4}):(\d\d(?:\.\d{1,9})?)")


def header_columns(row: list[str]) -> dict[str, int] | None:
    """Column index of speaker, text, and start and end when present, or None
    when ``row`` is not a transcript header."""
    names = _header_names(row)
    found: dict[str, int] = {}
    for key, aliases in _COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    if "speaker" not in found or "text" not in found:
        return None
    return found


def _named_twice(row: list[str]) -> str | None:
    """The first of speaker, text, start and end that two columns of a header
    name (by any of its names), or None: which one a row means is unknown."""
    names = _header_names(row)
    for key, aliases in _COLUMNS.items():
        if sum(name in aliases for name in names) > 1:
            return key
    return None


def cell_seconds(value: str, source: str, lineno: int, column: str) -> float | None:
    """A time cell in seconds (``7.3`` or ``0:07.3``); None when empty; E120 for
    anything else that is not a time from 0 to 168 hours."""
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value) if len(value) < 40 else math.nan
    except ValueError:
        m = _CLOCK_RE.fullmatch(value)
        if m is None:
            seconds = math.nan
        else:
            h, mm, ss = m.groups()
            seconds = (int(h) * 3600 if h else 0) + int(mm) * 60 + float(ss)
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS):
        raise TranscriptFormatError(
            source,
            lineno,
            f"a time in seconds in column {column!r} (like 7.3 or 0:07.3, below 168 hours)",
            value,
            code="E120",
        )
    return seconds


def read(
    text: str, *, source: str, speech_rate_words_per_second: float | None = None
) -> Transcript:
    """Read a CSV transcript.

    text (str): the decoded file, newlines normalised to ``\\n``.
    source (str): the file name, for error messages.
    speech_rate_words_per_second (float | None): unused.
    RETURNS (Transcript): the turns, timed when the rows have start times.
    RAISES: TranscriptFormatError for a missing header (E140), a row with the
        wrong number of fields (E141), broken quoting (E142), an empty speaker
        (E124), a speaker name with a control character or over 200
        characters (E125), a time that is not a number (E120), an end before
        the start (E121), or a line or a call over the limits (E110, E111).
    """
    split_lines(text, source)
    reader = _csv.reader(io.StringIO(text), strict=True)
    cues: list[Cue] = []
    columns: dict[str, int] | None = None
    dated: list[bool] = []  # whether each time cell read is a date and time
    width = 0
    done = 0  # lines consumed before the current record
    try:
        for row in reader:
            lineno, done = done + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if columns is None:
                columns = header_columns(row)
                if columns is None:
                    raise TranscriptFormatError(
                        source,
                        lineno,
                        "a header row `speaker,start,end,text`",
                        ",".join(row),
                        code="E140",
                    )
                twice = _named_twice(row)
                if twice:
                    raise TranscriptFormatError(
                        source,
                        lineno,
                        "a header row with one column each for speaker, start, end and text",
                        f"{twice} named twice: " + ",".join(row),
                        code="E140",
                    )
                width = len(row)
                i_speaker, i_text = columns["speaker"], columns["text"]
                i_start, i_end = columns.get("start"), columns.get("end")
                continue
            if len(row) != width:
                raise TranscriptFormatError(
                    source,
                    lineno,
                    f"{width} fields, like the header",
                    f"{len(row)} fields: " + ",".join(row),
                    code="E141",
                )
            speaker = cell_speaker(row[i_speaker], source, lineno, ",".join(row))
            start = None if i_start is None else _cell_time(row[i_start], source, lineno, "start", dated)
            end = None if i_end is None else _cell_time(row[i_end], source, lineno, "end", dated)
            if start is not None and end is not None and end < start:
                raise TranscriptFormatError(
                    source, lineno, "an end time after the start time", ",".join(row), code="E121"
                )
            cues.append(Cue(speaker, row[i_text], start, end, lineno))
            check_cue_count(len(cues), source, lineno)
    except _csv.Error as exc:
        raise TranscriptFormatError(
            source, done + 1, "valid CSV quoting (RFC 4180)", str(exc), code="E142"
        ) from None
    if columns is None:
        raise TranscriptFormatError(
            source, None, "a header row `speaker,start,end,text`", "no rows", code="E140"
        )
    if any(dated):
        cues = _from_the_first_time(cues, dated, source)
    return Transcript.from_cues(cues, source=source, format=FORMAT, speech_rate_words_per_second=speech_rate_words_per_second)


_DATED_RE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d")


def _cell_time(value: str, source: str, lineno: int, column: str, dated: list[bool]) -> float | None:
    """:func:`cell_seconds`, or, for a date and time (``2024-05-07T10:00:01Z``, as
    some call tools stamp each line), its seconds since 1970 (the reader then
    counts from the call's first time); ``dated`` records which it was."""
    text = value.strip()
    if not _DATED_RE.match(text):
        found = cell_seconds(value, source, lineno, column)
        if found is not None:
            dated.append(False)
        return found
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TranscriptFormatError(
            source, lineno, f"a time in column {column!r} (seconds, a clock time, or an ISO date and time)", text, code="E120"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    dated.append(True)
    return moment.timestamp()


def _from_the_first_time(cues: list[Cue], dated: list[bool], source: str) -> list[Cue]:
    """Cues stamped with dates and times, their times counted from the first (E120
    for a file that mixes them with plain times, or spans more than 168 hours)."""
    if not all(dated):
        raise TranscriptFormatError(
            source, None, "times of one kind in every row (seconds or clock times, or dates and times)", "both", code="E120"
        )
    first = min(t for c in cues for t in (c.start, c.end) if t is not None)
    out = []
    for c in cues:
        start = None if c.start is None else c.start - first
        end = None if c.end is None else c.end - first
        if max(start or 0.0, end or 0.0) > MAX_SECONDS:
            raise TranscriptFormatError(source, c.line, "times within 168 hours of the first", f"{max(start or 0.0, end or 0.0):.0f} s", code="E120")
        out.append(Cue(c.speaker, c.text, start, end, c.line))
    return out
