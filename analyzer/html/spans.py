"""Tag spans inside turns: where each tag's text stands, and the turn's text as nested highlights.

:func:`locate_tags` finds every tag's text in the turns (a pitch dump may
run over several); :func:`nest` turns one turn's text and its pieces into
strings and :class:`Mark` nodes that always nest, for the template to
render as ``<mark>`` elements.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..result import Tag
from ..transcript import Transcript


@dataclass
class Piece:
    """A stretch of one turn's text to highlight for one tag."""

    start: int
    end: int
    tag_index: int
    first: bool  # the piece that carries the tag's id


@dataclass
class Mark:
    """A highlighted node: the template renders it as <mark> with a label."""

    id: str | None
    tag: str
    label: str
    children: list = field(default_factory=list)
    is_mark: bool = True


@dataclass
class Located:
    """Where a tag's text was found: first turn, offset in it, pieces."""

    turn: int
    char: int | None
    pieces: list[tuple[int, Piece]]  # (turn index, piece)
    found: bool


def locate_tags(transcript: Transcript, tags: Sequence[Tag]) -> list[Located]:
    """Find every tag's span in the turn texts.

    A tag's ``text`` is an exact substring of its turn's text, or, for a
    span that runs over several turns (a pitch dump), of the turns' texts
    joined with single spaces starting in its turn. Identical texts in one
    turn are given out in order. A span over several turns is highlighted in
    the turns of the tag's own speaker; the other side's backchannels inside
    it are left plain.
    """
    turns = transcript.turns
    offsets: list[int] = []
    pos = 0
    for t in turns:
        offsets.append(pos)
        pos += len(t.text) + 1
    joined: str | None = None
    cursor: dict[tuple[int, str], int] = {}
    out: list[Located] = []
    for k, tag in enumerate(tags):
        if not (0 <= tag.turn < len(turns)) or not tag.text:
            out.append(Located(min(max(tag.turn, 0), len(turns) - 1), None, [], False))
            continue
        turn = turns[tag.turn]
        key = (tag.turn, tag.text)
        at = turn.text.find(tag.text, cursor.get(key, 0))
        if at < 0 and key in cursor:  # more tags than occurrences: reuse the first
            at = turn.text.find(tag.text)
        if at >= 0:
            cursor[key] = at + 1
            piece = Piece(at, at + len(tag.text), k, True)
            out.append(Located(tag.turn, at, [(tag.turn, piece)], True))
            continue
        if joined is None:
            joined = " ".join(t.text for t in turns)
        g = joined.find(tag.text, offsets[tag.turn])
        if g < 0 or g >= offsets[tag.turn] + len(turn.text):
            out.append(Located(tag.turn, None, [], False))
            continue
        g_end = g + len(tag.text)
        pieces: list[tuple[int, Piece]] = []
        j = tag.turn
        while j < len(turns) and offsets[j] < g_end:
            s = max(g, offsets[j]) - offsets[j]
            e = min(g_end, offsets[j] + len(turns[j].text)) - offsets[j]
            if j == tag.turn or (turns[j].speaker == tag.speaker and e > s):
                pieces.append((j, Piece(s, e, k, j == tag.turn)))
            j += 1
        out.append(Located(tag.turn, g - offsets[tag.turn], pieces, True))
    return out


def nest(text: str, pieces: Iterable[Piece], marks: Sequence[tuple[str, str, str]]) -> list:
    """The turn's text as nodes: strings and :class:`Mark` (nested, never crossing).

    marks[k] is (id, tag name, label) of tag k. A piece that starts inside
    another and ends after it is split at the other's end, so the markup
    always nests; the second part carries no id.
    """
    import heapq

    heap: list = []
    seq = 0
    for p in pieces:
        heapq.heappush(heap, (p.start, -p.end, seq, p))
        seq += 1
    root: list = []
    stack: list[tuple[int, list]] = [(len(text), root)]
    pos = 0

    def emit(upto: int) -> None:
        nonlocal pos
        if upto > pos:
            stack[-1][1].append(text[pos:upto])
            pos = upto

    def close() -> None:
        end, _ = stack[-1]
        emit(end)
        stack.pop()

    while heap:
        start, neg_end, _, p = heapq.heappop(heap)
        end = -neg_end
        while len(stack) > 1 and stack[-1][0] <= start:
            close()
        parent_end = stack[-1][0]
        if end > parent_end:
            rest = Piece(parent_end, end, p.tag_index, False)
            heapq.heappush(heap, (rest.start, -rest.end, seq, rest))
            seq += 1
            end = parent_end
        emit(start)
        tag_id, tag_name, label = marks[p.tag_index]
        if p.first:
            node = Mark(tag_id, tag_name, label)
        else:
            node = Mark(None, tag_name, label + ", continued")
        stack[-1][1].append(node)
        stack.append((end, node.children))
    while len(stack) > 1:
        close()
    emit(len(text))
    return root
