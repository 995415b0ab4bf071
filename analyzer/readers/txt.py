"""Plain text transcripts: a speaker label on each turn, with or without times.

Every shape is read by content, one file one shape (the first turn decides):

| shape                   | a turn                                      | times            |
| ----------------------- | ------------------------------------------- | ---------------- |
| labels                  | ``Dana Reyes: Hi Sam.``                     | none             |
| time first              | ``[00:01:02] Dana Reyes: Hi Sam.`` or ``00:01:02 Dana Reyes: Hi Sam.`` | start |
| time after the name     | ``Dana Reyes (01:02): Hi Sam.``             | start            |
| Rev                     | ``Dana Reyes (01:02):`` then the text below | start            |
| Zoom saved captions     | ``[Dana Reyes] 10:01:02`` then the text below | start (clock)  |
| Google Meet (Docs .txt) | ``Dana Reyes: Hi Sam.``, a ``00:05:00`` line now and then | none (see below) |

Blank lines are skipped. A line that starts no turn continues the turn
above it. A label is a display name (see :mod:`.names`) before the first
``: ``; a "label" of more than six words is a sentence with a colon in it,
and one with a ``?`` or ``!`` inside ("Why not? Because: ...") is a speaker
only when that name labels another line too.

A time alone on a line (``00:05:00``, ``[00:05:00]``) is the start of the
turn that follows it. When every turn has one the call is timed; Google Meet
writes one only every few minutes, at whatever turn is speaking then, so
when only some turns get one the call is read untimed (by words), never
with guessed times. Times are ``m:ss``, ``mm:ss`` or ``h:mm:ss`` (a fraction
of a second allowed); clock times that pass midnight go on to the next day.
Timed turns have start times only: each ends at the next turn's start or
when its words would have been spoken at ``speech_rate_words_per_second``,
whichever comes first (``spec/tags.md``).

Google Meet's title, date and attendee lines before the first turn, its
"Transcription ended after 00:31:02" line and its note that the transcript
"was computer generated" are dropped; so are Rev's page head ("Transcript
by Rev.com", and the title "NAME (Completed  05/07/24)" and "Page 1 of 2"
lines beside it) and its note that "This transcript was exported on ...",
anywhere. Any other text before
the first turn is an error (E130).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ..errors import TranscriptFormatError
from ..transcript import Cue, Transcript
from .limits import check_cue_count, split_lines
from .names import (
    bracketed_clock,
    clock_seconds,
    HEAD_CHARS,
    display_name,
    is_sentence_like,
    read_label,
    recurring_sentence_labels,
)

FORMAT = "txt"

_DAY = 24 * 3600.0
# Lines a meeting or transcription tool writes around the speech: dropped
# anywhere (Google Meet's end and notes; Rev's export note and the byline of
# its page head, "Transcript by Rev.com", which a document saved as text
# repeats on every page).
_META_RE = re.compile(
    r"(?i)(?:(?:transcription|transcript|meeting|recording) ended after \d{1,2}:\d\d:\d\d\W*"
    r"|this editable transcript was computer generated.*"
    r"|people can also change the text after it was created\W*"
    r"|this transcript was exported on .{1,60}view latest version here\W*"
    r"|transcript by rev(?:\.com)?)"
)
# The other lines of Rev's page head, dropped only beside its "Transcript by
# Rev.com" line (a speaker may say "Page 2 of 5", or "(completed 05/07/24)").
_REV_HEAD_RE = re.compile(r"(?i)(?:.{1,300}\(completed\s+\d{1,2}/\d{1,2}/\d{2,4}\)|page \d{1,4} of \d{1,4})")
_REV_BYLINE_RE = re.compile(r"(?i)[ \t]*transcript by rev(?:\.com)?[ \t]*")
_META_FIRST = frozenset("TtMmRrPp")
# Lines of a Google Meet transcript's head: dropped before the first turn only.
_PREAMBLE_RE = re.compile(
    r"(?i)(?:.{0,300}[-\u2013] transcript|transcript|attendees|notes"
    r"|(?:[a-z]{3,9}\.? \d{1,2}, \d{4}|\d{4}-\d\d-\d\d|\d{1,2} [a-z]{3,9}\.? \d{4})(?:,? .{0,60})?)"
)
_ATTENDEES = "attendees"

# Kinds of line.
_TEXT, _TIME, _META, _LABEL, _PREFIXED, _SUFFIXED, _HEADER = range(7)


@dataclass(slots=True)
class _Line:
    lineno: int
    kind: int
    raw: str
    text: str = ""
    name: str | None = None
    start: float | None = None
    weak: bool = False


def _time_error(source: str, lineno: int, line: str) -> TranscriptFormatError:
    return TranscriptFormatError(
        source,
        lineno,
        "a time `m:ss` or `h:mm:ss` (minutes and seconds below 60)",
        line.strip(),
        code="E120",
    )


def _classify(line: str, lineno: int, source: str) -> _Line:
    """What one non-blank line is (linear in the line's length)."""
    s = line.strip()
    try:
        return _classify_stripped(s, lineno)
    except _BadName as exc:
        raise TranscriptFormatError(source, lineno, "a speaker name of printable characters", str(exc), code="E125") from None
    except ValueError:
        raise _time_error(source, lineno, line) from None


class _BadName(Exception):
    """A ``Name: text`` line whose name no speaker may have (:func:`~.names.read_label`)."""


def _label(s: str) -> tuple[str, str] | None:
    """:func:`~.names.split_label` of ``s``. RAISES: _BadName for a label no name may be."""
    found = read_label(s)
    if isinstance(found, str):
        raise _BadName(found)
    return found


def _classify_stripped(s: str, lineno: int) -> _Line:
    first = s[0]
    if first not in "[(" and not first.isdigit():
        head = s[:HEAD_CHARS]
        if ":" not in head and "\uff1a" not in head:
            if first in _META_FIRST and len(s) < 400 and _META_RE.fullmatch(s):
                return _Line(lineno, _META, s, s)
            return _Line(lineno, _TEXT, s, s)  # the common case: words, no label
    if first in "[(":
        close = s.find("]" if first == "[" else ")", 1, 20)
        if close > 0:
            start = bracketed_clock(s[: close + 1])
            if start is not None:
                rest = s[close + 1 :].lstrip()
                if not rest:
                    return _Line(lineno, _TIME, s, start=start)
                label = _label(rest)
                if label is not None:
                    return _Line(lineno, _PREFIXED, s, label[1].strip(), label[0], start)
                return _Line(lineno, _TEXT, s, s)
        if first == "[":
            header = _zoom_header(s)
            if header is not None:
                return _Line(lineno, _HEADER, s, name=header[0], start=header[1])
    elif first.isdigit():
        space = _first_space(s)
        token = s[:space] if space > 0 else s
        start = clock_seconds(token)
        if start is not None:
            if space < 0:
                return _Line(lineno, _TIME, s, start=start)
            label = _label(s[space:].lstrip())
            if label is not None:
                return _Line(lineno, _PREFIXED, s, label[1].strip(), label[0], start)
            return _Line(lineno, _TEXT, s, s)
    label = _label(s)
    if label is not None:
        name, rest = label
        if name.endswith(")"):
            open_ = name.rfind("(")
            if open_ > 0:
                start = clock_seconds(name[open_ + 1 : -1].strip())
                if start is not None:
                    name = name[:open_].rstrip()
                    if name:
                        return _Line(lineno, _SUFFIXED, s, rest.strip(), name, start)
        return _Line(lineno, _LABEL, s, rest.strip(), name, weak=is_sentence_like(name))
    if len(s) < 400 and _META_RE.fullmatch(s):
        return _Line(lineno, _META, s, s)
    return _Line(lineno, _TEXT, s, s)


def _first_space(s: str) -> int:
    for k in range(min(len(s), 20)):
        if s[k] in " \t":
            return k
    return -1


def _zoom_header(s: str) -> tuple[str, float] | None:
    """``(name, start)`` of a Zoom caption header ``[Name] 10:01:02``, or None."""
    if len(s) > 400:
        return None
    space = max(s.rfind(" "), s.rfind("\t"))
    if space < 0:
        return None
    before = s[:space].rstrip()
    if len(before) < 3 or not before.endswith("]"):
        return None
    start = clock_seconds(s[space + 1 :])
    if start is None:
        return None
    name = display_name(before[1:-1])
    if name is None:
        return None
    return name, start


def _lines(lines: list[str], source: str) -> Iterator[_Line]:
    for lineno, line in enumerate(lines, 1):
        if line and not line.isspace():
            yield _classify(line, lineno, source)


# Which kinds start a turn in a file whose first turn is of a given kind.
_STARTS = {
    _LABEL: (_LABEL,),
    _PREFIXED: (_PREFIXED,),
    _SUFFIXED: (_SUFFIXED,),
    _HEADER: (_HEADER,),
}


def looks_like(lines: list[str]) -> bool:
    """True when the first non-blank lines of a file fit one of the shapes
    (after a Google Meet head or a Rev page head), so that detection can pick this reader."""
    attendees = False
    for k, line in enumerate(_without_rev_page_heads(lines)):
        if not line or line.isspace():
            continue
        try:
            kind = _classify(line, k + 1, "").kind
        except TranscriptFormatError:
            return False
        if kind in _STARTS:
            return True
        if attendees:
            attendees = False
            continue
        s = line.strip()
        if kind in (_TIME, _META) or (len(s) < 400 and _PREAMBLE_RE.fullmatch(s)):
            attendees = s.lower() == _ATTENDEES
            continue
        return False
    return False


def read(
    text: str, *, source: str, speech_rate_words_per_second: float | None = None
) -> Transcript:
    """Read a plain text transcript in any of the shapes above.

    text (str): the decoded file, newlines normalised to ``\\n``.
    source (str): the file name, for error messages.
    speech_rate_words_per_second (float | None): the rate that bounds a
        timed turn's end. Defaults to the configured one.
    RETURNS (Transcript): the turns, timed when every turn has a start time.
    RAISES: TranscriptFormatError when words come before any speaker label
        (E130), for a malformed time (E120), a start before the one above
        (E122), some turns timed and others not (E103), a line or a call
        over the limits (E110, E111).
    """
    raw_lines = _without_rev_page_heads(split_lines(text, source))
    recurring = recurring_sentence_labels(raw_lines)
    lines = list(_lines(raw_lines, source))
    speakers = _speakers_of_timed_lines(lines)
    starts: tuple[int, ...] = ()
    known: set[str] = set()
    cues: list[list] = []  # [name, parts, start, line, start from a time line]
    pending: float | None = None
    attendees = False
    for ln in lines:
        kind = ln.kind
        if kind == _META:
            continue
        if kind == _TIME:
            pending = ln.start
            continue
        if not starts and kind in _STARTS and not (kind == _LABEL and ln.weak and cues):
            starts = _STARTS[kind]
        opens = kind in starts and not (
            kind == _LABEL and ln.weak and ln.name not in recurring and cues
        )
        if not opens and kind == _LABEL and starts != (_LABEL,) and (ln.name in known or ln.name in speakers):
            opens = True  # an untimed turn in a timed file: E103 below
        if opens:
            start, from_line = ln.start, False
            if start is None and pending is not None:
                start, from_line = pending, True
            pending = None
            known.add(ln.name)  # type: ignore[arg-type]
            cues.append([ln.name, [ln.text] if ln.text else [], start, ln.lineno, from_line])
            check_cue_count(len(cues), source, ln.lineno)
            continue
        if not cues:
            s = ln.raw
            if attendees or (len(s) < 400 and _PREAMBLE_RE.fullmatch(s)):
                attendees = not attendees and s.lower() == _ATTENDEES
                continue
            raise TranscriptFormatError(
                source,
                ln.lineno,
                "a `Name: text` line (a speaker label before the first words)",
                s,
                code="E130",
            )
        cues[-1][1].append(ln.raw)
    return Transcript.from_cues(
        _timed_cues(cues, source),
        source=source,
        format=FORMAT,
        speech_rate_words_per_second=speech_rate_words_per_second,
    )


def _without_rev_page_heads(lines: list[str]) -> list[str]:
    """``lines`` with Rev's page heads blanked (line numbers kept): the title
    ("NAME (Completed  05/07/24)") and "Page 1 of 2" lines of a run of lines
    that holds the byline "Transcript by Rev.com"."""
    bylines = [k for k, line in enumerate(lines) if len(line) < 60 and "rev" in line.lower() and _REV_BYLINE_RE.fullmatch(line)]
    if not bylines:
        return lines
    out = list(lines)
    for k in bylines:
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(lines) and lines[j].strip() and len(lines[j]) < 400 and _REV_HEAD_RE.fullmatch(lines[j].strip()):
                out[j] = ""
                j += step
    return out


def _speakers_of_timed_lines(lines: list[_Line]) -> set[str]:
    """In a file whose turns carry times, the names a timed line gives: such a
    name on a line without a time is a turn (and then E103), never words
    joined to the turn above. Any other label ("Agenda: ...", said in a
    turn) stays words."""
    return {ln.name for ln in lines if ln.kind in (_PREFIXED, _SUFFIXED, _HEADER)}  # type: ignore[misc]


def _timed_cues(cues: list[list], source: str) -> list[Cue]:
    """Cues, their starts kept only where they time the call (see the module doc)."""
    if cues and all(c[4] or c[2] is None for c in cues) and not all(c[2] is not None for c in cues):
        for c in cues:  # section marks only (Google Meet): read untimed
            c[2] = None
    out = []
    previous: float | None = None
    offset = 0.0
    for name, parts, start, lineno, _ in cues:
        if start is not None:
            start += offset
            if previous is not None and start < previous:
                if previous - start > _DAY / 2:  # a clock time past midnight
                    offset += _DAY
                    start += _DAY
                else:
                    raise TranscriptFormatError(
                        source,
                        lineno,
                        "start times in order (this turn starts before the one above)",
                        _clock_text(start),
                        code="E122",
                    )
            previous = start
        out.append(Cue(name, " ".join(parts), start, None, lineno))
    return out


def _clock_text(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
