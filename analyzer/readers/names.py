"""Speaker names and clock times as the text formats write them.

A display name is what a meeting tool shows for a participant, kept as
written: ``Dana Reyes <dana@acme.io>``, ``José Núñez (Ops)``, ``Speaker 1``,
``王伟``, ``"Bob" O'Neil``, ``Yahoo! Sales``. Runs of whitespace become one
space; a name may hold any printable character except the separator of the
label it sits in (a ``:`` for ``Name: text``), and none of the control
characters that could rewrite a terminal or the direction marks that reorder
what a terminal shows. Every check here looks at a
bounded prefix of a line, so a very long line costs no more than a short one.
"""
from __future__ import annotations

import re

from ..errors import TranscriptFormatError
from .limits import MAX_SECONDS, MAX_SPEAKER_CHARACTERS

#: At most this many words before a ``:`` make a speaker label (an e-mail
#: address in angle brackets not counted); more is a sentence with a colon,
#: unless it reads as a name (:func:`reads_as_name`) of at most
#: :data:`MAX_NAME_WORDS` words.
MAX_LABEL_WORDS = 6
#: The most words of a display name that reads as one ("María de los Ángeles
#: García López Haro", "Sam Cho | Director of Revenue Operations | Acme Inc").
MAX_NAME_WORDS = 12
#: The small words a name or a display name's title may hold in lower case
#: (family-name particles; "of", "and", "for", "the" of a job title or a team).
NAME_PARTICLES = frozenset(
    "de da das do dos du del della der den di la le los las van von y e bin binti bint al el ibn ben"
    " of and for the at".split()
)

# Control characters, lone surrogates, and the bidirectional embeddings,
# overrides and isolates, which reorder how the rest of a line is shown.
_BAD_CHARS_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_EMAIL_RE = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
# ":" then a space or tab, or a full-width colon (CJK text puts no space after it).
_SEPARATOR_RE = re.compile(r":[ \t]|\uff1a")
_SENTENCE_BREAK_RE = re.compile(r"[?!][ \t]")
_LABEL_SCAN = MAX_SPEAKER_CHARACTERS + 64
#: The dashes that open a speaker's line in captions of a dialogue.
_DASHES = "-\u2013\u2014"
#: A label (or a time, or a header) sits in this many first characters of a
#: line, its indent included.
HEAD_CHARS = _LABEL_SCAN + 36
_CLOCK_RE = re.compile(r"(?:(\d{1,3}):)?(\d{1,4}):(\d\d)(?:[.,](\d{1,3}))?")
_CLOCK_CHARS = 16


def display_name(raw: str) -> str | None:
    """``raw`` as a speaker name (whitespace runs collapsed), or None when it
    is empty, longer than the name limit, or holds a control character."""
    name = " ".join(raw.split())
    if not name or len(name) > MAX_SPEAKER_CHARACTERS or _BAD_CHARS_RE.search(name):
        return None
    return name


def name_problem(raw: str) -> str | None:
    """Why ``raw`` cannot be a speaker name, or None when it can."""
    name = " ".join(raw.split())
    if not name:
        return "an empty name"
    if len(name) > MAX_SPEAKER_CHARACTERS:
        return f"a name of {len(name):,} characters (at most {MAX_SPEAKER_CHARACTERS})"
    if _BAD_CHARS_RE.search(name):
        return "a control character in the name"
    return None


def cell_speaker(raw: str, source: str, line: int, found: str) -> str:
    """The speaker name of a table's speaker cell (a CSV row, a DataFrame's cue),
    whitespace runs collapsed.

    found (str): what to quote of the row when it names no speaker.
    RAISES: TranscriptFormatError (E124) for an empty cell, (E125) for a name
        with a control character or over the length limit.
    """
    speaker = " ".join(raw.split())
    if not speaker:
        raise TranscriptFormatError(source, line, "a speaker name", found, code="E124")
    problem = name_problem(speaker)
    if problem is not None:
        raise TranscriptFormatError(source, line, "a speaker name of printable characters", problem, code="E125")
    return speaker


def name_words(name: str) -> int:
    """Words in a name, an e-mail address in angle brackets not counted."""
    return len(_EMAIL_RE.sub(" ", name).split()) if "@" in name else len(name.split())


def reads_as_name(raw: str) -> bool:
    """True when a label of more words than :data:`MAX_LABEL_WORDS` still reads
    as a display name, not a sentence with a colon: at most
    :data:`MAX_NAME_WORDS` words, each capitalised, a particle of
    :data:`NAME_PARTICLES`, or no word at all (``|``, ``-``, ``&``), and not
    all in capitals (text in capitals tells no name from a sentence)."""
    words = (_EMAIL_RE.sub(" ", raw) if "@" in raw else raw).split()
    if len(words) > MAX_NAME_WORDS:
        return False
    lower_seen = False
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if not letters:
            continue
        if word in NAME_PARTICLES:  # (in lower case, as a name writes them)
            lower_seen = True
            continue
        if letters[0].islower():
            return False
        lower_seen = lower_seen or any(c.islower() for c in letters)
    return lower_seen


def is_sentence_like(name: str) -> bool:
    """True when a label reads like a sentence ("Why not? Because"): a ``?``
    or ``!`` with more words after it. Such a label is a speaker only when
    the same name labels more than one line (:func:`recurring_sentence_labels`)."""
    return _SENTENCE_BREAK_RE.search(name) is not None


def recurring_sentence_labels(lines: list[str]) -> frozenset[str]:
    """The sentence-like labels (:func:`is_sentence_like`: "Yahoo! Sales: ...")
    that label more than one line of ``lines``: speakers' names, not
    sentences with a colon. A cheap pass: only a line with a ``?`` or ``!``
    and a colon near its start can hold one."""
    counts: dict[str, int] = {}
    for line in lines:
        head = line[:HEAD_CHARS]
        if ("?" in head or "!" in head) and (":" in head or "\uff1a" in head):
            label = split_label(line.strip())
            if label is not None and is_sentence_like(label[0]):
                counts[label[0]] = counts.get(label[0], 0) + 1
    return frozenset(name for name, n in counts.items() if n > 1)


def without_dialogue_dash(line: str) -> str:
    """``line`` without the dash that opens a speaker's line in captions of a
    dialogue ("- Sam: Badly."): the rest, or the line as it is."""
    if line[:1] in _DASHES and line[1:2] in (" ", ""):
        return line[2:].lstrip()
    if line[:1] in _DASHES and line[1:2] not in _DASHES and not line[1:2].isdigit():
        return line[1:].lstrip()
    return line


def split_label(line: str) -> tuple[str, str] | None:
    """``(name, rest)`` for a ``Name: text`` line, or None.

    The label is everything before the first colon that a space, a tab or
    the end of the line follows (or a full-width colon), when that is a
    display name of at most :data:`MAX_LABEL_WORDS` words with no colon in
    it. ``10:30``, ``https://...`` and long sentences with a colon are not
    labels.
    """
    found = read_label(line)
    return found if isinstance(found, tuple) else None


def read_label(line: str) -> tuple[str, str] | str | None:
    """:func:`split_label`'s ``(name, rest)``; or, for a label that reads as a
    name but that no speaker's name may be (a control character in it, more
    characters than a name may have), why not; or None for no label at all
    (": and then...", too many words, a colon in it). One reading of the line
    for both, so that a reader refuses such a label (E125) at no second cost."""
    found = _label_parts(line)
    if found is None or not found[0].strip():
        return None
    raw, rest = found
    if name_words(raw) > MAX_LABEL_WORDS and not reads_as_name(raw):
        return None
    name = display_name(raw)
    return (name, rest) if name is not None else name_problem(raw)


def _label_parts(line: str) -> tuple[str, str] | None:
    """``(label, rest)`` of a ``Label: text`` line as written, before the
    label is checked as a name; None for no such line."""
    head = line[:_LABEL_SCAN]
    m = _SEPARATOR_RE.search(head)
    if m is not None:
        name_raw, rest = line[: m.start()], line[m.end():]
    else:
        stripped = head.rstrip()
        if len(line) > _LABEL_SCAN or not stripped.endswith(":"):
            return None
        name_raw, rest = stripped[:-1], ""
    if ":" in name_raw and ":" in _without_time(name_raw):
        return None
    return name_raw, rest


def _without_time(name: str) -> str:
    """``name`` without a trailing ``(01:02)`` time, as in ``Dana Reyes (01:02)``."""
    stripped = name.rstrip()
    if stripped.endswith(")"):
        open_ = stripped.rfind("(")
        if open_ >= 0:
            try:
                if clock_seconds(stripped[open_ + 1 : -1].strip()) is not None:
                    return stripped[:open_]
            except ValueError:
                return stripped[:open_]  # the reader reports the bad time
    return name


def clock_seconds(token: str) -> float | None:
    """Seconds of a clock time ``[h:]mm:ss[.fff]``, or None when ``token`` is
    not one.

    RAISES: ValueError for a clock time out of range (``0:75``, ``1:61:00``,
        more than 168 hours).
    """
    if len(token) > _CLOCK_CHARS:
        return None
    m = _CLOCK_RE.fullmatch(token)
    if m is None:
        return None
    h, mm, ss, frac = m.groups()
    if int(ss) > 59 or (h is not None and int(mm) > 59):
        raise ValueError(token)
    seconds = (int(h) * 3600 if h else 0) + int(mm) * 60 + int(ss)
    if frac:
        seconds += int(frac) / 10 ** len(frac)
    if seconds > MAX_SECONDS:
        raise ValueError(token)
    return float(seconds)


def bracketed_clock(token: str) -> float | None:
    """Like :func:`clock_seconds`, for a time alone or in ``[...]`` or ``(...)``."""
    if len(token) > 2 and token[0] + token[-1] in ("[]", "()"):
        token = token[1:-1].strip()
    return clock_seconds(token)
