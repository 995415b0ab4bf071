"""WebVTT captions from Zoom (``Name: text`` cues) and Teams (``<v Name>`` cues).

    WEBVTT

    1
    00:00:01.000 --> 00:00:06.500
    Dana Reyes: Good morning, thanks for making time.

    3f2c1a0e-1111-4c5d-9e2a-000000000001/13-0
    00:00:04.900 --> 00:00:06.010
    <v Sam Cho>Morning.</v>

Cue ids are optional, the closing ``</v>`` is optional, NOTE, STYLE and
REGION blocks are skipped, other markup (``<c>``, ``<i>``, inline timestamps)
is stripped and entities are unescaped. A cue with no speaker continues the
speaker of the cue before it. The cue-block helpers here are shared with
:mod:`analyzer.readers.srt`.
"""
from __future__ import annotations

import html
import re
from typing import Iterator

from ..errors import TranscriptFormatError
from ..transcript import Cue, Transcript
from .limits import MAX_SECONDS, check_cue_count, split_lines
from .names import display_name, is_sentence_like, read_label, split_label, without_dialogue_dash

FORMAT = "vtt"

HEADER_RE = re.compile(r"\ufeff?WEBVTT(?:[ \t].*)?$")
_SKIP_RE = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t]|$)")
# [hh:]mm:ss.mmm (a comma before the milliseconds is accepted too, for SRT).
# Teams transcripts fetched through Microsoft Graph write the fields without
# their leading zeros and the fraction with one to three digits
# (``0:0:6.90 --> 0:0:9.500``), so one-digit fields and fractions are read too.
_TS = r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]?\d)[.,](\d{1,3})"
TIMING_RE = re.compile(rf"[ \t]*{_TS}[ \t]+-->[ \t]+{_TS}(?:[ \t].*)?$")
# Bounded repeats and no ">" or "<" inside a tag keep every match linear in the line.
_VOICE_RE = re.compile(r"<v(?:\.[^\s<>]{0,64})?[ \t]+([^<>]{0,300})>")
# Markup is the tags captions define, by name (WebVTT's class, italic, bold,
# underline, voice, language, ruby and inline timestamps; SRT's font and
# strike-through) and SSA's ``{\an8}`` overrides: a "<" of the words ("<5
# reps", "x<10 and y>3") is no tag, and stays.
_TAG_RE = re.compile(
    r"</?(?:c|i|b|u|v|s|lang|ruby|rt|font|span)(?:[.\s][^<>]{0,300})?/?>|</?br\s*/?>"
    r"|<\d{1,3}(?::\d{1,2}){1,2}[.,]\d{1,3}>|\{\\[^{}]*\}",
    re.IGNORECASE,
)
_NO_SPEAKER = (
    "speaker names in the captions (`Name: text` or `<v Name>`): without them the roles"
    " (who sells, who buys) cannot be known; export the captions or transcript with speaker names"
)


def blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(first line number, lines)`` for each run of non-blank lines."""
    block: list[str] = []
    first = 0
    for lineno, line in enumerate(lines, 1):
        if line and not line.isspace():
            if not block:
                first = lineno
            block.append(line.rstrip())
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def parse_timing(
    line: str, lineno: int, source: str, example: str
) -> tuple[float, float]:
    """Start and end in seconds of a ``start --> end`` timing line.

    RAISES: TranscriptFormatError (E120) for a malformed line, (E121) when the
        end comes before the start.
    """
    m = TIMING_RE.match(line)
    if m is None:
        raise TranscriptFormatError(
            source, lineno, f"a timing line like `{example}`", line.strip(), code="E120"
        )
    h1, m1, s1, ms1, h2, m2, s2, ms2 = m.groups()
    # (the fraction as a decimal: ".9" and ".90" are 900 ms)
    start = (((int(h1) * 60 if h1 else 0) + int(m1)) * 60 + int(s1)) * 1000 + int(ms1.ljust(3, "0"))
    end = (((int(h2) * 60 if h2 else 0) + int(m2)) * 60 + int(s2)) * 1000 + int(ms2.ljust(3, "0"))
    start, end = start / 1000, end / 1000
    if end > MAX_SECONDS:
        raise TranscriptFormatError(
            source, lineno, "times below 168 hours", line.strip(), code="E120"
        )
    if end < start:
        raise TranscriptFormatError(
            source, lineno, "a cue that ends after it starts", line.strip(), code="E121"
        )
    return start, end


def cue_block(
    block: list[str],
    lineno: int,
    source: str,
    example: str,
    speaker: str | None,
    known: set[str],
    cues: list[Cue],
    speakers: frozenset[str] = frozenset(),
) -> str | None:
    """Read one cue block (optional id line, timing line, text lines) into ``cues``.

    speaker (str | None): the speaker of the previous cue, who continues when
        this cue names none.
    known (set[str]): speakers met so far; a ``Name:`` label after the first
        text line of a cue only switches speaker when the name is known.
    speakers (frozenset[str]): the names the file shows speaking
        (:func:`caption_speakers`): such a label starts its speaker's words on
        any line of a cue. On a cue's first text line any other label does
        too but a sentence-like one ("Why not? Because: ..."), which is words
        of the speaker before (unless nobody spoke yet); after it, so does a
        label a dialogue dash opens ("- Sam: ...") in a cue whose first line
        a dash opens too.
    RETURNS (str | None): the speaker at the end of this cue.
    RAISES: TranscriptFormatError (E132) for a block without a timing line or
        two cues without a blank line between them, (E123) for words with no
        speaker, (E125) for a ``Name:`` label no speaker may have (a control
        character, too long), plus the errors of :func:`parse_timing`.
    """
    if "-->" in block[0]:
        t = 0
    elif len(block) > 1 and "-->" in block[1]:
        t = 1
    else:
        bad = 1 if len(block) > 1 else 0
        raise TranscriptFormatError(
            source,
            lineno + bad,
            f"a cue timing line like `{example}`",
            block[bad].strip(),
            code="E132",
        )
    start, end = parse_timing(block[t], lineno + t, source, example)
    parts: list[list] = []  # [speaker, [texts]]
    first_text = True
    dialogue = False  # the cue's first text line opens with a dialogue dash
    for k in range(t + 1, len(block)):
        line = block[k]
        if "-->" in line and TIMING_RE.match(line):
            raise TranscriptFormatError(
                source,
                lineno + k,
                "a blank line before the next cue",
                line.strip(),
                code="E132",
            )
        pieces = _VOICE_RE.split(line) if "<v" in line else None
        if pieces is not None and len(pieces) > 1:
            # [before, name1, text1, name2, text2, ...]
            chunks = [(None, pieces[0])] + [
                (voice_name(pieces[j]), pieces[j + 1]) for j in range(1, len(pieces), 2)
            ]
        else:
            label = _label(line, lineno + k, source)
            if first_text:
                dialogue = label is not None and label[3]
            if label is not None and (
                label[0] in known
                or label[2] in speakers
                or ((first_text or (dialogue and label[3])) and (speaker is None or not is_sentence_like(label[0])))
            ):
                chunks = [label[:2]]
            else:
                chunks = [(None, line)]
        first_text = False
        for name, chunk in chunks:
            if "<" in chunk or "{\\" in chunk:
                chunk = _TAG_RE.sub("", chunk)
            if "&" in chunk:
                chunk = html.unescape(chunk)
            chunk = chunk.strip()
            if name:
                known.add(name)
                speaker = name
            if not chunk:
                continue
            if speaker is None:
                raise TranscriptFormatError(
                    source,
                    lineno + k,
                    "a speaker for the cue (`Name: text` or `<v Name>`)",
                    line.strip(),
                    code="E123",
                )
            if parts and parts[-1][0] == speaker:
                parts[-1][1].append(chunk)
            else:
                parts.append([speaker, [chunk]])
    _add_cues(parts, start, end, lineno, source, cues)
    return speaker


def _add_cues(parts: list[list], start: float, end: float, lineno: int, source: str, cues: list[Cue]) -> None:
    """The cue's ``[speaker, [texts]]`` parts as cues: one speaker's the whole
    cue; several share its time by the length of their text."""
    if len(parts) == 1:
        cues.append(Cue(parts[0][0], " ".join(parts[0][1]), start, end, lineno))
    elif parts:
        texts = [" ".join(p[1]) for p in parts]
        total = sum(len(x) for x in texts)
        at = start
        for (name, _), x in zip(parts, texts):
            nxt = at + (end - start) * len(x) / total
            cues.append(Cue(name, x, round(at, 3), round(nxt, 3), lineno))
            at = nxt
    check_cue_count(len(cues), source, lineno)


def caption_speakers(lines: list[str]) -> frozenset[str]:
    """The names a caption file shows speaking, as written: the label of each
    cue's first text line (the line after its timing line; a sentence-like
    one, "Why not? Because: ...", only when it labels two such lines), a
    dialogue dash before it left aside."""
    counts: dict[str, int] = {}
    for before, line in zip(lines, lines[1:]):
        if "-->" in before and (":" in line or "\uff1a" in line):
            label = split_label(without_dialogue_dash(line.strip()))
            if label is not None:
                counts[label[0]] = counts.get(label[0], 0) + 1
    return frozenset(name for name, n in counts.items() if n > 1 or not is_sentence_like(name))


def _label(line: str, lineno: int, source: str) -> tuple[str, str, str, bool] | None:
    """``(name, rest, name as written, after a dialogue dash)`` of a ``Name:
    text`` caption line (entities in the name unescaped; "- Sam: ..." opens
    a line of a dialogue), or None.
    RAISES: TranscriptFormatError (E125) for a label no speaker's name may be."""
    stripped = line.strip()
    bare = without_dialogue_dash(stripped)
    label = read_label(bare) if ":" in bare or "\uff1a" in bare else None
    if isinstance(label, str):
        raise TranscriptFormatError(source, lineno, "a speaker name of printable characters", label, code="E125")
    if label is None:
        return None
    name = display_name(html.unescape(label[0])) or label[0] if "&" in label[0] else label[0]
    return name, label[1], label[0], len(bare) < len(stripped)


def voice_name(raw: str) -> str | None:
    """The speaker of a ``<v Name>`` voice span (entities unescaped), or None."""
    return display_name(html.unescape(raw) if "&" in raw else raw)


def has_speaker(lines: list[str]) -> bool:
    """True when any caption line names a speaker (``<v Name>`` or ``Name: text``)."""
    for line in lines:
        if "-->" in line:
            continue
        if "<v" in line and any(voice_name(m.group(1)) for m in _VOICE_RE.finditer(line)):
            return True
        if split_label(line) is not None:
            return True
    return False


def no_speaker_error(source: str, lines: list[str], error: TranscriptFormatError) -> TranscriptFormatError:
    """E126 when no caption in the file names a speaker, else ``error`` (E123) itself."""
    if error.code != "E123" or has_speaker(lines):
        return error
    return TranscriptFormatError(source, None, _NO_SPEAKER, "captions without any speaker", code="E126")


def read(
    text: str, *, source: str, speech_rate_words_per_second: float | None = None
) -> Transcript:
    """Read a WebVTT file (Zoom or Teams flavour).

    text (str): the decoded file, newlines normalised to ``\\n``.
    source (str): the file name, for error messages.
    speech_rate_words_per_second (float | None): unused (VTT cues have end times).
    RETURNS (Transcript): the timed turns.
    RAISES: TranscriptFormatError (E131) without a ``WEBVTT`` header, (E126)
        when no cue names a speaker, the cue errors of :func:`cue_block`, and
        the limits (E110, E111).
    """
    example = "00:00:01.000 --> 00:00:04.000"
    lines = split_lines(text, source)
    try:
        return _read(lines, source, example)
    except TranscriptFormatError as exc:
        raise no_speaker_error(source, lines, exc) from None


def _read(lines: list[str], source: str, example: str) -> Transcript:
    it = blocks(lines)
    head = next(it, None)
    if head is None or not HEADER_RE.match(head[1][0]):
        raise TranscriptFormatError(
            source,
            head[0] if head else 1,
            "a `WEBVTT` header line",
            head[1][0].strip() if head else None,
            code="E131",
        )
    cues: list[Cue] = []
    known: set[str] = set()
    speakers = caption_speakers(lines)
    speaker: str | None = None
    lineno, block = head
    # A cue glued to the header (no blank line) is read too; its id is the line before.
    timing = next((k for k, line in enumerate(block) if "-->" in line), None)
    if timing is not None:
        k = max(1, timing - 1)
        speaker = cue_block(block[k:], lineno + k, source, example, speaker, known, cues, speakers)
    for lineno, block in it:
        if _SKIP_RE.match(block[0]):
            continue
        speaker = cue_block(block, lineno, source, example, speaker, known, cues, speakers)
    return Transcript.from_cues(cues, source=source, format=FORMAT)
