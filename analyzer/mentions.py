"""Mentions found by the ``callcoach_trackers`` component, turned into results.

:func:`tracker_results` makes one :class:`~analyzer.result.TrackerResult`
per tracker of the set (a tracker nobody mentioned is there with no
mentions, so every call has the same trackers and every batch row the same
columns); :func:`seller_filler_count` counts the filler words in seller
turns for ``seller_filler_rate``.
"""
from __future__ import annotations

from spacy.tokens import Doc

from .nlp.components.trackers import FILLERS_KEY, TRACKERS_KEY
from .nlp.extensions import TURNS_KEY, turn_index_of, turn_table
from .result import Mention, TrackerResult
from .trackers import TrackerSet
from .transcript import Role, Transcript

#: The component's name in the pipeline.
TRACKERS_PIPE = "callcoach_trackers"
_SIDES = (Role.SELLER, Role.BUYER)


def tracker_results(doc: Doc, transcript: Transcript, trackers: TrackerSet) -> tuple[TrackerResult, ...]:
    """Every tracker of ``trackers`` with its mentions in ``doc``, in reading order.

    A mention is timed like a tag: the time at its first and last character,
    interpolated inside the cue that holds it (None when untimed).
    """
    found: dict[str, list[Mention]] = {t.name: [] for t in trackers.trackers}
    if TRACKERS_KEY in doc.spans and TURNS_KEY in doc.spans:
        turn_chars = turn_table(doc).start_chars
        for span in doc.spans[TRACKERS_KEY]:
            mentions = found.get(span.label_)
            i = turn_index_of(doc, span.start)
            if mentions is None or i is None:
                continue
            turn = transcript.turns[i]
            role = transcript.roles.get(turn.speaker)
            if role not in _SIDES:
                continue
            offset = turn_chars[i]
            mentions.append(
                Mention(
                    tracker=span.label_,
                    speaker=turn.speaker,
                    role=role.value,
                    turn=i,
                    start=turn.time_at(span.start_char - offset),
                    end=turn.time_at(span.end_char - offset),
                    text=span.text,
                )
            )
    return tuple(TrackerResult(t.name, t.side, tuple(found[t.name])) for t in trackers.trackers)


def seller_filler_count(doc: Doc, transcript: Transcript) -> int:
    """Filler words said by the seller side."""
    if FILLERS_KEY not in doc.spans or TURNS_KEY not in doc.spans:
        return 0
    roles = transcript.roles
    turns = transcript.turns
    n = 0
    for span in doc.spans[FILLERS_KEY]:
        i = turn_index_of(doc, span.start)
        if i is not None and roles.get(turns[i].speaker) is Role.SELLER:
            n += 1
    return n
