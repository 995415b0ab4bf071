"""The HTML pages: one call's report and a batch dashboard.

Both pages are single self-contained files: styles are inline, the report has
no script at all, the dashboard has one small inline script (table sorting),
and a Content-Security-Policy meta tag forbids every network request, so a
page opened from a mail attachment fetches nothing and runs nothing else.

Safe by construction: this module turns a result into plain data (numbers,
strings, nested lists) and the Jinja2 templates in ``analyzer/templates``
render it with autoescaping on. No transcript text, speaker name or file
name is ever concatenated into markup here; the only strings marked safe are
the static sorting script and the CSP computed from it.

Formatting only: every number shown was computed by the analyzer. Wording
follows :mod:`analyzer.render` (the terminal report).
"""
from __future__ import annotations

import base64
import hashlib
import math
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote

from .config import Thresholds, default_thresholds
from .render import TAG_LABEL, clock
from .result import AnalysisResult, Finding, Tag
from .transcript import Role, Transcript

__all__ = ["render_report", "write_report", "render_dashboard", "write_dashboard"]

#: The longest seller stretch the report holds up as the target (the issue's
#: "two minutes"); feedback rule CC106 flags stretches past
#: ``Thresholds.seller_monologue_max_seconds``.
#: A seller talk share within this distance of the target reads "near the target".
TALK_SHARE_NEAR = 0.05
#: How many score reasons the report lists ("the few features that moved it").
MAX_REASONS = 6
#: One letter per tag for the timeline markers (the legend spells them out).
TAG_LETTER = {
    "pitch_invite": "I",
    "pitch_dump": "D",
    "pitch_pivot": "P",
    "buyer_question": "Q",
    "if_then_close": "C",
}
#: Markers closer than this (in % of the timeline) go on separate rows.
MARKER_MIN_GAP_PERCENT = 3.0
MARKER_MAX_ROWS = 4
#: Feedback rules (by name) about one tagged moment: their link goes to the tag.
FINDING_TAG = {
    "pitch-dump": "pitch_dump",
    "if-then-close": "if_then_close",
    "pitch-pivot": "pitch_pivot",
    "mostly-closed-questions": "buyer_question",
}

_ROLE_ORDER = (Role.SELLER.value, Role.BUYER.value, Role.OTHER.value)
_ROLE_LANE = {"seller": "Seller side", "buyer": "Buyer side", "other": "Others"}


# --------------------------------------------------------------------------
# Public API


def render_report(result: AnalysisResult, *, thresholds: Thresholds | None = None) -> str:
    """The report of one call as a self-contained HTML page.

    result (AnalysisResult): an analysed call; its ``transcript`` must be set
        (every result of :class:`analyzer.analysis.Analyzer` has it).
    thresholds (Thresholds | None): where the targets come from; defaults to
        ``analyzer/defaults.cfg``.
    RETURNS (str): the page.
    """
    if result.transcript is None:
        raise ValueError("render_report needs result.transcript (the analysed turns)")
    view = _report_view(result, thresholds or default_thresholds())
    return _env().get_template("report.html.j2").render(
        csp=_csp(script_hash=None), **view
    )


def write_report(result: AnalysisResult, path: str | os.PathLike, *, thresholds: Thresholds | None = None) -> None:
    """Write :func:`render_report` to ``path`` atomically (temp file, then rename)."""
    _write_atomic(Path(path), render_report(result, thresholds=thresholds))


def render_dashboard(rows: Sequence[Mapping[str, Any]], *, reports: Mapping[str, str] | None = None) -> str:
    """A batch of calls as one self-contained HTML page.

    rows (Sequence[Mapping]): one flat dict a call, as
        :meth:`AnalysisResult.to_row` makes it, plus ``path``, ``status``
        (``"ok"`` or ``"error"``) and ``error`` (the message, for error rows).
    reports (Mapping[str, str] | None): a row's ``path`` to the relative path
        of its HTML report (POSIX separators), for the row's link.
    RETURNS (str): the page.
    """
    script = _sort_script()
    view = _dashboard_view(rows, reports or {})
    return _env().get_template("dashboard.html.j2").render(
        csp=_csp(script_hash=_sha256(script)), sort_script=script, **view
    )


def write_dashboard(
    rows: Sequence[Mapping[str, Any]], path: str | os.PathLike, *, reports: Mapping[str, str] | None = None
) -> None:
    """Write :func:`render_dashboard` to ``path`` atomically."""
    _write_atomic(Path(path), render_dashboard(rows, reports=reports))


# --------------------------------------------------------------------------
# Jinja2, CSP, files


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("analyzer", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


@lru_cache(maxsize=1)
def _sort_script():
    """The dashboard's one script, static text from the templates folder."""
    from markupsafe import Markup

    source, _, _ = _env().loader.get_source(_env(), "sort.js.j2")
    return Markup(source.strip("\n"))


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _csp(*, script_hash: str | None) -> str:
    """No network at all; inline styles; one script by hash, or none."""
    script = f"script-src 'sha256-{script_hash}'" if script_hash else "script-src 'none'"
    return (
        "default-src 'none'; "
        "style-src 'unsafe-inline'; "
        "img-src data:; "
        f"{script}; "
        "base-uri 'none'; form-action 'none'"
    )


def _write_atomic(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# --------------------------------------------------------------------------
# Small formatting helpers (numbers in, plain strings out)


def _pct_num(x: float | None, digits: int = 0) -> str:
    return "n/a" if x is None else f"{x * 100:.{digits}f}%"


def _num(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, x))


def _p(x: float) -> str:
    """A percentage for a style attribute (plain digits, never user text)."""
    return f"{_clamp(x):.3f}".rstrip("0").rstrip(".")


def _tag_label(tag: Tag) -> str:
    label = TAG_LABEL.get(tag.tag, tag.tag.replace("_", " "))
    if tag.tag == "buyer_question" and tag.open is not None:
        label += " (open)" if tag.open else " (closed)"
    return label


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------
# Tag spans inside turns


@dataclass
class _Piece:
    """A stretch of one turn's text to highlight for one tag."""

    start: int
    end: int
    tag_index: int
    first: bool  # the piece that carries the tag's id


@dataclass
class _Mark:
    """A highlighted node: the template renders it as <mark> with a label."""

    id: str | None
    tag: str
    label: str
    children: list = field(default_factory=list)
    is_mark: bool = True


@dataclass
class _Located:
    """Where a tag's text was found: first turn, offset in it, pieces."""

    turn: int
    char: int | None
    pieces: list[tuple[int, _Piece]]  # (turn index, piece)
    found: bool


def _locate_tags(transcript: Transcript, tags: Sequence[Tag]) -> list[_Located]:
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
    out: list[_Located] = []
    for k, tag in enumerate(tags):
        if not (0 <= tag.turn < len(turns)) or not tag.text:
            out.append(_Located(min(max(tag.turn, 0), len(turns) - 1), None, [], False))
            continue
        turn = turns[tag.turn]
        key = (tag.turn, tag.text)
        at = turn.text.find(tag.text, cursor.get(key, 0))
        if at < 0 and key in cursor:  # more tags than occurrences: reuse the first
            at = turn.text.find(tag.text)
        if at >= 0:
            cursor[key] = at + 1
            piece = _Piece(at, at + len(tag.text), k, True)
            out.append(_Located(tag.turn, at, [(tag.turn, piece)], True))
            continue
        if joined is None:
            joined = " ".join(t.text for t in turns)
        g = joined.find(tag.text, offsets[tag.turn])
        if g < 0 or g >= offsets[tag.turn] + len(turn.text):
            out.append(_Located(tag.turn, None, [], False))
            continue
        g_end = g + len(tag.text)
        pieces: list[tuple[int, _Piece]] = []
        j = tag.turn
        while j < len(turns) and offsets[j] < g_end:
            s = max(g, offsets[j]) - offsets[j]
            e = min(g_end, offsets[j] + len(turns[j].text)) - offsets[j]
            if j == tag.turn or (turns[j].speaker == tag.speaker and e > s):
                pieces.append((j, _Piece(s, e, k, j == tag.turn)))
            j += 1
        out.append(_Located(tag.turn, g - offsets[tag.turn], pieces, True))
    return out


def _nest(text: str, pieces: Iterable[_Piece], marks: Sequence[tuple[str, str, str]]) -> list:
    """The turn's text as nodes: strings and :class:`_Mark` (nested, never crossing).

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
            rest = _Piece(parent_end, end, p.tag_index, False)
            heapq.heappush(heap, (rest.start, -rest.end, seq, rest))
            seq += 1
            end = parent_end
        emit(start)
        tag_id, tag_name, label = marks[p.tag_index]
        if p.first:
            node = _Mark(tag_id, tag_name, label)
        else:
            node = _Mark(None, tag_name, label + ", continued")
        stack[-1][1].append(node)
        stack.append((end, node.children))
    while len(stack) > 1:
        close()
    emit(len(text))
    return root


# --------------------------------------------------------------------------
# The report


def _report_view(result: AnalysisResult, th: Thresholds) -> dict[str, Any]:
    transcript = result.transcript
    assert transcript is not None
    turns = transcript.turns
    roles = {s.name: s.role for s in result.speakers}
    inferred = {s.name for s in result.speakers if s.role_source == "inferred"}
    timed = result.timed and transcript.timed
    tags = list(result.tags)
    located = _locate_tags(transcript, tags)
    tag_ids = [f"tag-{k}" for k in range(len(tags))]
    marks = [(tag_ids[k], t.tag, _tag_label(t)) for k, t in enumerate(tags)]

    # Pieces by turn, and tags whose text could not be found (anchored at the turn).
    by_turn: dict[int, list[_Piece]] = {}
    unplaced: dict[int, list[dict[str, str]]] = {}
    continued: dict[int, list[dict[str, Any]]] = {}
    for k, loc in enumerate(located):
        if not loc.found:
            unplaced.setdefault(loc.turn, []).append({"id": tag_ids[k], "label": marks[k][2]})
            continue
        for j, piece in loc.pieces:
            by_turn.setdefault(j, []).append(piece)
            if not piece.first:
                continued.setdefault(j, []).append(
                    {"label": marks[k][2], "href": "#" + tag_ids[k], "turn": loc.turn}
                )

    words_before: list[int] = []
    acc = 0
    for t in turns:
        words_before.append(acc)
        acc += t.words
    total_words = max(acc, 1)

    # Where on the timeline (0-100) a turn or a tag sits.
    if timed:
        t0 = min(t.start for t in turns)  # type: ignore[type-var]
        t1 = max(t.end for t in turns)  # type: ignore[type-var]
        span = max(t1 - t0, 1e-9)

        def at(turn_index: int, char: int | None, seconds: float | None) -> float:
            if seconds is None:
                seconds = turns[turn_index].start
            return (seconds - t0) / span * 100.0
    else:
        t0, span = 0.0, float(total_words)

        def at(turn_index: int, char: int | None, seconds: float | None) -> float:
            w = words_before[turn_index]
            if char:
                w += len(turns[turn_index].text[:char].split())
            return w / total_words * 100.0

    # Timeline bands, one per turn, in one lane per role.
    lanes: dict[str, list[dict[str, Any]]] = {}
    for t in turns:
        role = roles.get(t.speaker, "buyer")
        if timed:
            left = (t.start - t0) / span * 100.0  # type: ignore[operator]
            width = (t.end - t.start) / span * 100.0  # type: ignore[operator]
            when = f"{clock(t.start)} to {clock(t.end)}"
        else:
            left = words_before[t.index] / total_words * 100.0
            width = t.words / total_words * 100.0
            when = f"words {words_before[t.index] + 1} to {words_before[t.index] + t.words}"
        lanes.setdefault(role, []).append(
            {
                "turn": t.index,
                "left": _p(left),
                "width": _p(width),
                "title": f"Turn {t.index}, {t.speaker} ({role}), {when}, {_plural(t.words, 'word')}",
            }
        )
    lane_list = [
        {"role": r, "name": _ROLE_LANE[r], "bands": lanes[r]} for r in _ROLE_ORDER if r in lanes
    ]

    # Timeline markers, one per tag, spread over rows where they crowd.
    markers = []
    row_last: list[float] = []
    for k, (tag, loc) in enumerate(zip(tags, located)):
        x = _clamp(at(loc.turn, loc.char, tag.start if timed else None))
        row = next((i for i, last in enumerate(row_last) if x - last >= MARKER_MIN_GAP_PERCENT), None)
        if row is None:
            if len(row_last) < MARKER_MAX_ROWS:
                row_last.append(x)
                row = len(row_last) - 1
            else:
                row = min(range(len(row_last)), key=lambda i: row_last[i])
        row_last[row] = x
        when = clock(tag.start) if timed and tag.start is not None else f"turn {tag.turn}"
        markers.append(
            {
                "href": "#" + tag_ids[k],
                "left": _p(x),
                "row": row,
                "tag": tag.tag,
                "letter": TAG_LETTER.get(tag.tag, "?"),
                "label": f"{marks[k][2]} at {when}, {tag.speaker}",
            }
        )
    marker_rows = max(1, len(row_last))

    # Axis ticks.
    ticks = _time_ticks(t0, span) if timed else _word_ticks(total_words)
    if timed and (not ticks or (ticks[0] - t0) / span > 0.06):
        ticks = [t0] + ticks  # label where the call starts
    axis = [
        {"left": _p((v - t0) / span * 100.0), "text": clock(v) if timed else f"{v:,.0f}"}
        for v in ticks
    ]

    # The transcript.
    transcript_turns = []
    for t in turns:
        role = roles.get(t.speaker, "buyer")
        transcript_turns.append(
            {
                "index": t.index,
                "id": f"turn-{t.index}",
                "speaker": t.speaker,
                "role": role,
                "role_text": role + (", inferred" if t.speaker in inferred else ""),
                "when": (f"{clock(t.start)}–{clock(t.end)}" if timed else ""),
                "nodes": _nest(t.text, by_turn.get(t.index, ()), marks),
                "continued": continued.get(t.index, []),
                "unplaced": unplaced.get(t.index, []),
            }
        )

    # Tagged moments (the timeline's text equivalent) and feedback.
    moments = []
    for k, tag in enumerate(tags):
        text = tag.text if len(tag.text) <= 160 else tag.text[:157] + "..."
        moments.append(
            {
                "href": "#" + tag_ids[k],
                "when": clock(tag.start) if timed and tag.start is not None else f"turn {tag.turn}",
                "label": marks[k][2],
                "tag": tag.tag,
                "letter": TAG_LETTER.get(tag.tag, "?"),
                "speaker": tag.speaker,
                "text": text,
            }
        )
    feedback = [_feedback_item(f, tags, tag_ids, turns, timed) for f in result.feedback]

    tag_counts: dict[str, int] = {}
    for t in tags:
        tag_counts[t.tag] = tag_counts.get(t.tag, 0) + 1
    legend = [
        {"tag": name, "letter": TAG_LETTER[name], "label": TAG_LABEL[name], "count": tag_counts.get(name, 0)}
        for name in TAG_LETTER
    ]

    words = sum(s.words for s in result.speakers)
    length = (
        f"{clock(result.duration_seconds)} long"
        if result.duration_seconds is not None
        else "untimed (shares by words)"
    )
    return {
        "file": result.file,
        "summary": f"{result.format} transcript, {length}, {words:,} words",
        "score": _score_view(result),
        "model": result.model,
        "speakers": [
            {
                "name": s.name,
                "role": s.role + (" (inferred)" if s.role_source == "inferred" else ""),
                "words": f"{s.words:,}",
                "time": clock(s.seconds) or "-",
                "turns": s.turns,
            }
            for s in result.speakers
        ],
        "timeline": {
            "basis": "time" if timed else "words",
            "caption": (
                f"The call from {clock(t0)} to {clock(t0 + span)}, by time."
                if timed
                else f"The call from its first word to its last ({total_words:,} words), by words: "
                "the transcript has no times."
            ),
            "lanes": lane_list,
            "markers": markers,
            "marker_rows": marker_rows,
            "axis": axis,
            "turn_count": len(turns),
        },
        "legend": legend,
        "metrics": _metrics_view(result, th, timed),
        "moments": moments,
        "feedback": feedback,
        "turns": transcript_turns,
    }


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


def _score_view(result: AnalysisResult) -> dict[str, Any] | None:
    if result.score is None:
        return None
    side = "buyer-centric" if result.label == "buyer_centric" else "seller-centric"
    reasons = sorted(result.reasons, key=lambda r: -abs(r.effect))[:MAX_REASONS]
    biggest = max((abs(r.effect) for r in reasons), default=0.0) or 1.0
    return {
        "value": f"{result.score:.0f}",
        "left": _p(result.score),
        "side": side,
        "model": result.model,
        "reasons": [
            {
                "description": r.description,
                "feature": r.feature,
                "value": _num(r.value, 2),
                "effect": f"{r.effect:+.1f}",
                "direction": "up" if r.effect >= 0 else "down",
                "towards": "towards buyer-centric" if r.effect >= 0 else "towards seller-centric",
                "width": _p(abs(r.effect) / biggest * 50.0),
            }
            for r in reasons
        ],
    }


def _metrics_view(result: AnalysisResult, th: Thresholds, timed: bool) -> list[dict[str, Any]]:
    m = result.metrics
    basis = "of the time" if timed else "of the words"
    out: list[dict[str, Any]] = []

    # Talk share against 43:57.
    target = th.seller_talk_share_target
    share = m.seller_talk_share
    if share is None:
        status, text = "not measured", "There was no seller or buyer speech to measure."
        bar = None
    else:
        if share > target + TALK_SHARE_NEAR:
            status = "above target"
            advice = "the seller side talked more than the best calls do"
        elif share < target - TALK_SHARE_NEAR:
            status = "below target"
            advice = "the buyer did most of the talking"
        else:
            status = "near target"
            advice = "close to the best calls"
        text = (
            f"The seller side spoke {_pct_num(share)} {basis}, the buyer side {_pct_num(1 - share)}: "
            f"{advice}."
        )
        bar = {"seller": _p(share * 100), "buyer": _p(100 - share * 100), "target": _p(target * 100)}
    out.append(
        {
            "id": "metric-talk-share",
            "name": "Seller talk share",
            "value": _pct_num(share) + (f" by {'time' if timed else 'words'}" if share is not None else ""),
            "target": f"about {target * 100:.0f}:{100 - target * 100:.0f} seller to buyer (best calls)",
            "status": status,
            "text": text,
            "kind": "share",
            "bar": bar,
            "href": None,
        }
    )

    # Buyer questions against 11-14.
    n, lo, hi = m.buyer_questions, th.buyer_questions_min, th.buyer_questions_max
    status = "below target" if n < lo else ("above target" if n > hi else "on target")
    rate = (
        f", {m.buyer_questions_per_10_minutes:.1f} per 10 minutes"
        if m.buyer_questions_per_10_minutes is not None
        else ""
    )
    seconds = result.duration_seconds
    estimated = seconds is None
    if estimated:
        words_spoken = result.transcript.words if result.transcript else m.seller_words + m.buyer_words
        seconds = words_spoken / th.speech_rate_words_per_second
    short_note = (
        f" The target is for discovery calls of {th.discovery_min_seconds / 60:.0f} minutes or more; "
        f"this call is {'about ' if estimated else ''}{seconds / 60:.0f} minutes long, so feedback does not flag it."
        if seconds < th.discovery_min_seconds
        else ""
    )
    scale = max(hi + 6, n)
    out.append(
        {
            "id": "metric-questions",
            "name": "Buyer questions",
            "value": f"{n} ({m.open_buyer_questions} open){rate}",
            "target": f"{lo}-{hi} in a discovery call",
            "status": status,
            "text": (
                f"The seller asked {_plural(n, 'question')} about the buyer's situation, "
                f"{m.open_buyer_questions} of them open (not answerable by yes or no)."
                + short_note
            ),
            "kind": "range",
            "bar": {
                "value": _p(n / scale * 100),
                "lo": _p(lo / scale * 100),
                "width": _p((hi - lo) / scale * 100),
                "scale": f"0 to {scale}",
            },
            "href": None,
        }
    )

    # Longest monologue against two minutes.
    secs, words = m.longest_seller_monologue_seconds, m.longest_seller_monologue_words
    rate = th.speech_rate_words_per_second
    target_words = round(th.seller_monologue_target_seconds * rate)
    if secs is not None:
        value = f"{clock(secs)} ({_plural(words, 'word')})"
        over = secs > th.seller_monologue_target_seconds
        measure = secs
        target_text = f"under {clock(th.seller_monologue_target_seconds)}"
        text = f"The seller's longest stretch without the buyer ran {clock(secs)}, {_plural(words, 'word')}."
    else:
        value = f"{_plural(words, 'word')} (about {clock(words / rate)} at {rate:g} words a second)"
        over = words > target_words
        measure = words / rate
        target_text = f"under {clock(th.seller_monologue_target_seconds)} (about {target_words} words)"
        text = f"The seller's longest stretch without the buyer ran {_plural(words, 'word')}."
    flag = (
        f" Feedback flags stretches over {clock(th.seller_monologue_max_seconds)}."
        if th.seller_monologue_max_seconds != th.seller_monologue_target_seconds
        else ""
    )
    scale_s = max(th.seller_monologue_target_seconds * 2, measure)
    turn = m.longest_seller_monologue_turn
    out.append(
        {
            "id": "metric-monologue",
            "name": "Longest seller monologue",
            "value": value if turn is not None else "none",
            "target": target_text,
            "status": ("above target" if over else "on target") if turn is not None else "on target",
            "text": (text + flag) if turn is not None else "The seller never spoke." + flag,
            "kind": "limit",
            "bar": {
                "value": _p(measure / scale_s * 100),
                "target": _p(th.seller_monologue_target_seconds / scale_s * 100),
                "scale": f"0 to {clock(scale_s)}",
            },
            "href": f"#turn-{turn}" if turn is not None else None,
            "link_text": f"Go to turn {turn}, where it starts" if turn is not None else "",
        }
    )

    # Context without a target.
    story = f"{_plural(m.longest_buyer_story_words, 'word')}"
    if m.longest_buyer_story_seconds is not None:
        story = f"{clock(m.longest_buyer_story_seconds)} ({story})"
    out.append(
        {
            "id": "metric-buyer-story",
            "name": "Longest buyer story",
            "value": story,
            "target": "",
            "status": "",
            "text": "The buyer's longest stretch without the seller.",
            "kind": "plain",
            "bar": None,
            "href": f"#turn-{m.longest_buyer_story_turn}" if m.longest_buyer_story_turn is not None else None,
            "link_text": (
                f"Go to turn {m.longest_buyer_story_turn}, where it starts"
                if m.longest_buyer_story_turn is not None
                else ""
            ),
        }
    )
    if m.interactivity is not None:
        unit = "per minute" if timed else "per 100 words"
        out.append(
            {
                "id": "metric-interactivity",
                "name": "Interactivity",
                "value": f"{m.interactivity:.1f} switches {unit}",
                "target": "",
                "status": "",
                "text": "How often the conversation passed between the two sides (backchannels left out).",
                "kind": "plain",
                "bar": None,
                "href": None,
            }
        )
    for item in out:
        item.setdefault("link_text", "")
    return out


def _feedback_item(
    f: Finding, tags: Sequence[Tag], tag_ids: Sequence[str], turns: Sequence[Any], timed: bool
) -> dict[str, Any]:
    """A finding, with a link to its tagged moment, or else to its turn."""
    href, link_text = None, ""
    if f.turn is not None and 0 <= f.turn < len(turns):
        wanted = FINDING_TAG.get(f.name)
        candidates = [k for k, t in enumerate(tags) if t.turn == f.turn and t.tag == wanted]
        quoted = [k for k in candidates if f.quote and (f.quote in tags[k].text or tags[k].text in f.quote)]
        match = (quoted or candidates or [None])[0]
        when = f" ({clock(f.start)})" if timed and f.start is not None else ""
        if match is not None:
            href = "#" + tag_ids[match]
            link_text = f"Go to the {_tag_label(tags[match])} in turn {f.turn}{when}"
        else:
            href = f"#turn-{f.turn}"
            link_text = f"Go to turn {f.turn}{when}"
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
        "href": href,
        "link_text": link_text,
    }


# --------------------------------------------------------------------------
# The dashboard


def _value(row: Mapping[str, Any], key: str) -> Any:
    """A row's value, with pandas' NaN and missing keys as None."""
    v = row.get(key)
    if isinstance(v, float) and math.isnan(v):
        return None
    try:  # pandas.NA and friends
        if v is not None and not isinstance(v, (str, bytes)) and v != v:
            return None
    except (TypeError, ValueError):
        pass
    return v


def _safe_href(href: str) -> str:
    """A relative link to a report: percent-quoted, so no scheme survives."""
    return quote(str(href).replace(os.sep, "/"), safe="/._-~")


def _common_folder(paths: Sequence[str]) -> str:
    """The folder all paths share ("" when none), with its trailing slash."""
    folders = [p.replace("\\", "/").rsplit("/", 1)[0] + "/" for p in paths if "/" in p.replace("\\", "/")]
    if not paths or len(folders) != len(paths):
        return ""
    prefix = os.path.commonprefix(folders)
    return prefix[: prefix.rfind("/") + 1]


def _dashboard_view(rows: Sequence[Mapping[str, Any]], reports: Mapping[str, str]) -> dict[str, Any]:
    calls = []
    ok = [r for r in rows if (_value(r, "status") or "ok") == "ok"]
    errors = [r for r in rows if (_value(r, "status") or "ok") != "ok"]
    rate = default_thresholds().speech_rate_words_per_second
    paths = [str(_value(r, "path") or _value(r, "file") or "") for r in rows]
    folder = _common_folder(paths)
    for r in sorted(rows, key=lambda r: str(_value(r, "path") or _value(r, "file") or "")):
        path = str(_value(r, "path") or _value(r, "file") or "")
        status = str(_value(r, "status") or "ok")
        score = _value(r, "score")
        share = _value(r, "seller_talk_share")
        q = _value(r, "buyer_questions")
        mono_s = _value(r, "longest_seller_monologue_seconds")
        mono_w = _value(r, "longest_seller_monologue_words")
        dur = _value(r, "duration_seconds")
        words = _value(r, "words")
        label = _value(r, "label")
        href = reports.get(path)
        is_ok = status == "ok"
        calls.append(
            {
                "path": path,
                "name": path[len(folder):] if folder else path,
                "href": _safe_href(href) if href else None,
                "status": status,
                "ok": is_ok,
                "sellers": str(_value(r, "sellers") or ""),
                "buyers": str(_value(r, "buyers") or ""),
                "score": ("" if score is None else f"{score:.0f}"),
                "score_sort": "" if score is None else f"{score:.4f}",
                "label": (str(label).replace("_", "-") if label else ""),
                "share": _pct_num(share) if share is not None else "",
                "share_sort": "" if share is None else f"{share:.4f}",
                "questions": "" if q is None or not is_ok else str(int(q)),
                "questions_sort": "" if q is None or not is_ok else str(int(q)),
                "monologue": (
                    clock(mono_s)
                    if mono_s is not None
                    else (f"{int(mono_w)} words" if mono_w is not None and is_ok else "")
                ),
                # Untimed calls sort by the time their words would take.
                "monologue_sort": (
                    f"{mono_s:.3f}" if mono_s is not None
                    else (f"{mono_w / rate:.3f}" if mono_w is not None and is_ok else "")
                ),
                "duration": clock(dur) if dur is not None else ("untimed" if is_ok else ""),
                "duration_sort": "" if dur is None else f"{dur:.3f}",
                "words": f"{int(words):,}" if words is not None else "",
                "words_sort": "" if words is None else str(int(words)),
                "notes": (
                    str(_value(r, "feedback_codes") or "")
                    if is_ok
                    else str(_value(r, "error") or "unknown error")
                ),
            }
        )

    scores = [float(_value(r, "score")) for r in ok if _value(r, "score") is not None]
    shares = [float(_value(r, "seller_talk_share")) for r in ok if _value(r, "seller_talk_share") is not None]

    # Per seller: a call with two sellers counts for each of them.
    sellers: dict[str, list[Mapping[str, Any]]] = {}
    for r in ok:
        names = [s.strip() for s in str(_value(r, "sellers") or "").split(";") if s.strip()]
        for name in names or ["(no seller identified)"]:
            sellers.setdefault(name, []).append(r)
    seller_rows = []
    for name in sorted(sellers, key=str.casefold):
        rs = sellers[name]
        sc = [float(_value(r, "score")) for r in rs if _value(r, "score") is not None]
        sh = [float(_value(r, "seller_talk_share")) for r in rs if _value(r, "seller_talk_share") is not None]
        qs = [int(_value(r, "buyer_questions")) for r in rs if _value(r, "buyer_questions") is not None]
        dumps = sum(int(_value(r, "pitch_dumps") or 0) for r in rs)
        closes = sum(int(_value(r, "if_then_closes") or 0) for r in rs)
        mean_sc = sum(sc) / len(sc) if sc else None
        mean_sh = sum(sh) / len(sh) if sh else None
        mean_q = sum(qs) / len(qs) if qs else None
        seller_rows.append(
            {
                "name": name,
                "calls": len(rs),
                "score": "" if mean_sc is None else f"{mean_sc:.0f}",
                "score_sort": "" if mean_sc is None else f"{mean_sc:.4f}",
                "scored": len(sc),
                "share": "" if mean_sh is None else _pct_num(mean_sh),
                "share_sort": "" if mean_sh is None else f"{mean_sh:.4f}",
                "questions": "" if mean_q is None else f"{mean_q:.1f}",
                "questions_sort": "" if mean_q is None else f"{mean_q:.4f}",
                "dumps": dumps,
                "closes": closes,
            }
        )

    labels = {"buyer_centric": 0, "seller_centric": 0}
    for r in ok:
        lab = _value(r, "label")
        if lab in labels:
            labels[lab] += 1
    return {
        "total": len(rows),
        "ok_count": len(ok),
        "error_count": len(errors),
        "scored_count": len(scores),
        "labels": labels,
        "score_hist": _histogram(scores, 0.0, 100.0, 10, lambda lo, hi: f"{lo:.0f}-{hi:.0f}"),
        "share_hist": _histogram(
            [s * 100 for s in shares], 0.0, 100.0, 10, lambda lo, hi: f"{lo:.0f}-{hi:.0f}%"
        ),
        "share_count": len(shares),
        "sellers": seller_rows,
        "calls": calls,
        "folder": folder,
        "has_reports": bool(reports),
    }


def _histogram(values: Sequence[float], lo: float, hi: float, bins: int, name) -> list[dict[str, Any]]:
    counts = [0] * bins
    width = (hi - lo) / bins
    for v in values:
        i = int((v - lo) // width)
        counts[min(max(i, 0), bins - 1)] += 1
    top = max(counts) or 1
    return [
        {
            "range": name(lo + i * width, lo + (i + 1) * width),
            "count": c,
            "height": _p(c / top * 100),
        }
        for i, c in enumerate(counts)
    ]
