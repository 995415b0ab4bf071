"""The report's talk-time timeline: one band per turn in a lane per role, a marker per tag, an axis.

The timeline runs by time when the call is timed, else by words
(:class:`Scale`). :func:`timeline_view` builds the part of the page;
:func:`legend_view` the list of marker letters beneath it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from ..display import shown_name
from ..render import TAG_LABEL, clock
from ..result import Tag
from ..transcript import Role, Turn
from .context import ReportContext
from .format import TAG_LETTER, clamp, css_percent, plural

#: Markers closer than this (in % of the timeline) go on separate rows.
MARKER_MIN_GAP_PERCENT = 3.0
MARKER_MAX_ROWS = 4

_ROLE_ORDER = (Role.SELLER.value, Role.BUYER.value, Role.OTHER.value)
_ROLE_LANE = {"seller": "Seller side", "buyer": "Buyer side", "other": "Others"}


@dataclass(frozen=True)
class Scale:
    """Where on the timeline (0-100) a moment of the call sits: by time, or by words when untimed."""

    turns: Sequence[Turn]
    timed: bool
    t0: float
    span: float
    words_before: tuple[int, ...]
    total_words: int

    @classmethod
    def of(cls, turns: Sequence[Turn], timed: bool) -> "Scale":
        words_before: list[int] = []
        acc = 0
        for t in turns:
            words_before.append(acc)
            acc += t.words
        total_words = max(acc, 1)
        if timed:
            t0 = min(t.start for t in turns)  # type: ignore[type-var]
            t1 = max(t.end for t in turns)  # type: ignore[type-var]
            return cls(turns, True, t0, max(t1 - t0, 1e-9), tuple(words_before), total_words)
        return cls(turns, False, 0.0, float(total_words), tuple(words_before), total_words)

    def at(self, turn_index: int, char: int | None, seconds: float | None) -> float:
        """The position of a moment: its time when timed, else its turn and character."""
        if self.timed:
            if seconds is None:
                seconds = self.turns[turn_index].start
            return (seconds - self.t0) / self.span * 100.0
        w = self.words_before[turn_index]
        if char:
            w += len(self.turns[turn_index].text[:char].split())
        return w / self.total_words * 100.0

    def band(self, t: Turn) -> tuple[float, float, str]:
        """A turn's band: left edge and width (both in %), and when it is, in words."""
        if self.timed:
            left = (t.start - self.t0) / self.span * 100.0  # type: ignore[operator]
            width = (t.end - t.start) / self.span * 100.0  # type: ignore[operator]
            return left, width, f"{clock(t.start)} to {clock(t.end)}"
        before = self.words_before[t.index]
        left = before / self.total_words * 100.0
        width = t.words / self.total_words * 100.0
        return left, width, f"words {before + 1} to {before + t.words}"


def timeline_view(ctx: ReportContext) -> dict[str, Any]:
    """The timeline part of the report: lanes of turns, tag markers, the axis."""
    scale = Scale.of(ctx.transcript.turns, ctx.timed)
    caption = (
        f"The call from {clock(scale.t0)} to {clock(scale.t0 + scale.span)}, by time."
        if scale.timed
        else f"The call from its first word to its last ({scale.total_words:,} words), by words: "
        "the transcript has no times."
    )
    markers = marker_views(ctx, scale)
    return {
        "basis": "time" if scale.timed else "words",
        "caption": caption,
        "lanes": lane_views(scale, ctx.roles),
        "markers": markers,
        "marker_rows": max([1] + [m["row"] + 1 for m in markers]),
        "axis": axis_view(scale),
        "turn_count": len(scale.turns),
    }


def lane_views(scale: Scale, roles: dict[str, str]) -> list[dict[str, Any]]:
    """One lane per role (seller, buyer, others), one band per turn."""
    lanes: dict[str, list[dict[str, Any]]] = {}
    for t in scale.turns:
        role = roles.get(t.speaker, "buyer")
        left, width, when = scale.band(t)
        lanes.setdefault(role, []).append(
            {
                "turn": t.index,
                "left": css_percent(left),
                "width": css_percent(width),
                "title": f"Turn {t.index}, {shown_name(t.speaker)} ({role}), {when}, {plural(t.words, 'word')}",
            }
        )
    return [{"role": r, "name": _ROLE_LANE[r], "bands": lanes[r]} for r in _ROLE_ORDER if r in lanes]


def marker_views(ctx: ReportContext, scale: Scale) -> list[dict[str, Any]]:
    """One marker per tag, spread over rows where they crowd."""
    markers = []
    row_last: list[float] = []
    for k, (tag, loc) in enumerate(zip(ctx.tags, ctx.located)):
        x = clamp(scale.at(loc.turn, loc.char, tag.start if scale.timed else None))
        markers.append(
            {
                "href": "#" + ctx.tag_ids[k],
                "left": css_percent(x),
                "row": marker_row(row_last, x),
                "tag": tag.tag,
                "letter": TAG_LETTER.get(tag.tag, "?"),
                "label": f"{ctx.labels[k]} at {ctx.when(tag)}, {shown_name(tag.speaker)}",
            }
        )
    return markers


def marker_row(row_last: list[float], x: float) -> int:
    """The row of the next marker, at ``x`` (in %), the markers placed in reading order.

    The first row whose last marker is at least ``MARKER_MIN_GAP_PERCENT``
    to the left; else a new row, up to ``MARKER_MAX_ROWS``; else the row whose
    last marker is furthest left. ``row_last`` (each row's last ``x``) is updated.
    """
    row = next((i for i, last in enumerate(row_last) if x - last >= MARKER_MIN_GAP_PERCENT), None)
    if row is None:
        if len(row_last) < MARKER_MAX_ROWS:
            row_last.append(x)
            row = len(row_last) - 1
        else:
            row = min(range(len(row_last)), key=lambda i: row_last[i])
    row_last[row] = x
    return row


def axis_view(scale: Scale) -> list[dict[str, str]]:
    """The axis ticks: clock times, or word counts."""
    t0, span = scale.t0, scale.span
    ticks = _time_ticks(t0, span) if scale.timed else _word_ticks(scale.total_words)
    if scale.timed and (not ticks or (ticks[0] - t0) / span > 0.06):
        ticks = [t0] + ticks  # label where the call starts
    return [
        {"left": css_percent((v - t0) / span * 100.0), "text": clock(v) if scale.timed else f"{v:,.0f}"}
        for v in ticks
    ]


def legend_view(tags: Sequence[Tag]) -> list[dict[str, Any]]:
    """Every marker letter with its tag's name and how often it occurs."""
    counts: dict[str, int] = {}
    for t in tags:
        counts[t.tag] = counts.get(t.tag, 0) + 1
    return [
        {"tag": name, "letter": TAG_LETTER[name], "label": TAG_LABEL[name], "count": counts.get(name, 0)}
        for name in TAG_LETTER
    ]


def _nice_step(total: float, target_ticks: int, steps: Sequence[float]) -> float:
    for s in steps:
        if total / s <= target_ticks:
            return s
    return steps[-1] * math.ceil(total / (steps[-1] * target_ticks))


def _time_ticks(t0: float, span: float) -> list[float]:
    step = _nice_step(span, 8, (10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600))
    first = math.ceil(t0 / step) * step
    return [first + i * step for i in range(int((t0 + span - first) // step) + 1)]


def _word_ticks(total: int) -> list[float]:
    step = _nice_step(total, 8, (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000))
    return [i * step for i in range(int(total // step) + 1)]
