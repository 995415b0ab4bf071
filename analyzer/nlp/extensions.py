"""Every Doc/Span extension the analyzer uses, registered once at import.

Names are constants so that other code never spells them by hand. Stored
values are written only by :func:`analyzer.nlp.pipeline.transcript_to_doc`;
everything else is a getter derived from them.
"""
from __future__ import annotations

import bisect

from typing import Iterator, Mapping, NamedTuple

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


class TurnTable(NamedTuple):
    """Every turn of a Doc as plain lists, one entry per turn in order: start
    and end token, speaker (the span's label), the speaker's role (None when
    unknown) and start character."""

    starts: list[int]
    ends: list[int]
    speakers: list[str]
    roles: list[str | None]
    start_chars: list[int]


class TurnRange(NamedTuple):
    """A turn's tokens, ``doc[start:end]``: what :func:`role_turns` yields."""

    start: int
    end: int


_TURN_TABLE = ("callcoach", "turns")


def turn_table(doc: Doc) -> TurnTable | None:
    """The turns of ``doc`` (None for text without turns), read once per Doc.

    Going through ``doc.spans["turns"]`` makes a new Span for every turn each
    time (milliseconds a pass on a long call), and most components and the
    result building each need the turns. The table is kept in
    ``doc.user_data`` as plain lists, which a serialised Doc keeps as they
    are. Roles are read from ``doc._.callcoach_roles`` when it is made, as
    they are set with the turns (:func:`analyzer.nlp.pipeline.transcript_to_doc`).
    """
    cached = doc.user_data.get(_TURN_TABLE)
    if cached is None:
        if TURNS_KEY not in doc.spans:
            return None
        roles: Mapping[str, str] = doc._.get(ROLES) or {}
        turns = list(doc.spans[TURNS_KEY])
        speakers = [t.label_ for t in turns]
        cached = doc.user_data[_TURN_TABLE] = TurnTable(
            [t.start for t in turns],
            [t.end for t in turns],
            speakers,
            [roles.get(s) for s in speakers],
            [t.start_char for t in turns],
        )
    # (a Doc read back from bytes holds the table as a plain tuple)
    return cached if isinstance(cached, TurnTable) else TurnTable(*cached)


def turn_starts(doc: Doc) -> list[int]:
    """Token index where each turn begins (from :func:`turn_table`; empty without turns)."""
    table = turn_table(doc)
    return table.starts if table is not None else []


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
    return turn_table(span.doc).roles[i]


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


def role_turns(doc: Doc, role: str | None) -> Iterator[tuple[int, TurnRange]]:
    """Yield ``(turn_index, turn)`` for turns of ``role``, each turn as its
    token range (``turn.start``, ``turn.end``; read from :func:`turn_table`,
    without making a Span per turn).

    A doc without turns (a component used on plain text) is one turn of
    unknown role, and every role-restricted tagger then considers it.
    """
    table = turn_table(doc)
    if table is None:
        yield 0, TurnRange(0, len(doc))
        return
    for i, r in enumerate(table.roles):
        if role is None or r is None or r == role:
            yield i, TurnRange(table.starts[i], table.ends[i])
