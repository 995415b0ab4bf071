"""Rewrite a call as raw speech recognition delivers it: lower case, no punctuation.

Used by ``callcoach evaluate --asr`` to measure the taggers on unpunctuated
speech with the same gold labels: the marks ``. , ? ! ; :`` are dropped from
every turn and every gold quote, letters are lower-cased and runs of spaces
folded. Words are unchanged, so the talk share is too; cue offsets are moved
with the text so that timings stay right.
"""
from __future__ import annotations

import dataclasses

from .gold import Gold
from .transcript import Transcript, Turn

#: The marks a speech engine without punctuation leaves out.
DROPPED = frozenset(".,?!;:")


def strip_speech(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased without the dropped marks and with spaces folded.

    RETURNS (tuple[str, list[int]]): the new text, and for each character
        of the old text the position it moved to in the new one.
    """
    out: list[str] = []
    where: list[int] = []
    size = 0  # characters so far (a letter may lower-case to two: "İ" is "i̇")
    for ch in text:
        where.append(size)
        if ch in DROPPED:
            continue
        if ch.isspace():
            if not out or out[-1] == " ":
                continue
            out.append(" ")
            size += 1
            continue
        low = ch.lower()
        out.append(low)
        size += len(low)
    while out and out[-1] == " ":
        out.pop()
    return "".join(out), where


def turn_as_asr(turn: Turn) -> Turn:
    """One turn, rewritten; its cue offsets follow the text."""
    text, where = strip_speech(turn.text)
    offsets = tuple(
        (min(where[o], len(text)) if o < len(where) else len(text), s, e) for o, s, e in turn.cue_offsets
    )
    return dataclasses.replace(turn, text=text or turn.text.lower(), cue_offsets=offsets)


def transcript_as_asr(transcript: Transcript) -> Transcript:
    """The whole call, rewritten turn by turn (speakers, roles and times unchanged)."""
    return dataclasses.replace(transcript, turns=tuple(turn_as_asr(t) for t in transcript.turns))


def gold_as_asr(gold: Gold) -> Gold:
    """The gold labels with their quotes rewritten the same way."""
    tags = tuple(dataclasses.replace(t, quote=strip_speech(t.quote)[0] or t.quote) for t in gold.tags)
    return dataclasses.replace(gold, tags=tags)


__all__ = ["DROPPED", "gold_as_asr", "strip_speech", "transcript_as_asr", "turn_as_asr"]
