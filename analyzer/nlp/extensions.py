"""Every Doc/Span extension the analyzer uses, registered once at import.

Names are constants so that other code never spells them by hand. Stored
values are written only by :func:`analyzer.nlp.pipeline.transcript_to_doc`;
everything else is a getter derived from them.
"""
from __future__ import annotations

import bisect

from typing import Iterator, Mapping

from spacy.tokens import Doc, Span, Token

#: ``doc.spans`` key of the turns; each span's label is the speaker's name.
TURNS_KEY = "turns"
#: Tag names, which are also their ``doc.spans`` keys (spec/tags.md).
PITCH_INVITE = "pitch_invite"
PITCH_DUMP = "pitch_dump"
PITCH_PIVOT = "pitch_pivot"
BUYER_QUESTION = "buyer_question"
IF_THEN_CLOSE = "if_then_close"
TAG_NAMES = (PITCH_INVITE, PITCH_DUMP, PITCH_PIVOT, BUYER_QUESTION, IF_THEN_CLOSE)

#: Doc: speaker name -> role value ("seller", "buyer", "other").
ROLES = "callcoach_roles"
#: Doc: the :class:`analyzer.transcript.Transcript` the doc was built from.
TRANSCRIPT = "callcoach_transcript"
#: Span: the 0-based index of the turn holding the span's first token.
TURN_INDEX = "callcoach_turn"
#: Span: the role of the speaker of that turn (None when unknown).
ROLE = "callcoach_role"
#: Span (buyer_question): True when the question is open.
OPEN = "callcoach_open"
#: Token: this word ends a question found by the segmenter in unpunctuated speech.
QEND = "callcoach_qend"


def turn_starts(doc: Doc) -> list[int]:
    """Token index where each turn begins (cached in ``doc.user_data``)."""
    key = ("callcoach", "turn_starts")
    starts = doc.user_data.get(key)
    if starts is None:
        starts = [s.start for s in doc.spans[TURNS_KEY]] if TURNS_KEY in doc.spans else []
        doc.user_data[key] = starts
    return starts


def turn_index_of(doc: Doc, token_i: int) -> int | None:
    """The index of the turn holding token ``token_i``, or None without turns."""
    starts = turn_starts(doc)
    if not starts:
        return None
    return max(0, bisect.bisect_right(starts, token_i) - 1)


def _span_turn(span: Span) -> int | None:
    return turn_index_of(span.doc, span.start)


def _span_role(span: Span) -> str | None:
    i = _span_turn(span)
    if i is None:
        return None
    speaker = span.doc.spans[TURNS_KEY][i].label_
    return (span.doc._.get(ROLES) or {}).get(speaker)


if not Doc.has_extension(ROLES):
    Doc.set_extension(ROLES, default=None)
if not Doc.has_extension(TRANSCRIPT):
    Doc.set_extension(TRANSCRIPT, default=None)
if not Span.has_extension(TURN_INDEX):
    Span.set_extension(TURN_INDEX, getter=_span_turn)
if not Span.has_extension(ROLE):
    Span.set_extension(ROLE, getter=_span_role)
if not Span.has_extension(OPEN):
    Span.set_extension(OPEN, default=None)
if not Token.has_extension(QEND):
    Token.set_extension(QEND, default=False)


def role_turns(doc: Doc, role: str | None) -> Iterator[tuple[int, Span]]:
    """Yield ``(turn_index, turn_span)`` for turns of ``role``.

    A doc without turns (a component used on plain text) is one turn of
    unknown role, and every role-restricted tagger then considers it.
    """
    if TURNS_KEY not in doc.spans:
        yield 0, doc[:]
        return
    roles: Mapping[str, str] = doc._.get(ROLES) or {}
    for i, span in enumerate(doc.spans[TURNS_KEY]):
        r = roles.get(span.label_)
        if role is None or r is None or r == role:
            yield i, span
