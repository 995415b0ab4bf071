"""The view of one call's report: plain data for ``report.html.j2``, one function per part of the page.

:func:`report_view` puts the page together from its parts, top to bottom:

- :func:`header_view`: the file, what kind of call it is, the speakers;
- :func:`gauge_view`: the score as a gauge, with the features that moved it;
- the talk-time timeline and its legend (:mod:`analyzer.html.timeline`);
- the metrics beside their targets (:mod:`analyzer.html.targets`);
- :func:`moments_view`: the tagged moments, the timeline's text equivalent;
- the tracker mentions on the timeline and as a table, and the conversation
  measures (:mod:`analyzer.html.mentions`);
- :func:`feedback_view`: the feedback, each finding linked to its moment;
- :func:`transcript_view`: the turns, every tagged span highlighted.

The parts that link to each other (markers, moments and findings to the
tags in the transcript) share one :class:`~analyzer.html.context.ReportContext`.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..config import Thresholds
from ..render import clock
from ..result import AnalysisResult, Finding, Tag
from ..transcript import Turn
from .context import ReportContext
from ..wording import plural
from .format import TAG_LETTER, css_percent, num_text
from .mentions import conversation_metrics, mention_markers, mentions_view, tracker_legend
from .spans import Piece, nest
from .targets import metrics_view
from .timeline import legend_view, timeline_view

#: How many score reasons the report lists ("the few features that moved it").
MAX_REASONS = 6
#: Feedback rules (by name) about one tagged moment: their link goes to the tag.
FINDING_TAG = {
    "pitch-dump": "pitch_dump",
    "if-then-close": "if_then_close",
    "pitch-pivot": "pitch_pivot",
    "mostly-closed-questions": "buyer_question",
}


def report_view(result: AnalysisResult, th: Thresholds) -> dict[str, Any]:
    """Everything ``report.html.j2`` shows, as plain data."""
    ctx = ReportContext.of(result)
    return {
        **header_view(result),
        "score": gauge_view(result),
        "unscored": _unscored(result, th),
        "timeline": timeline_view(ctx),
        "legend": legend_view(ctx.tags),
        "metrics": metrics_view(result, th, ctx.timed) + conversation_metrics(result, th),
        "moments": moments_view(ctx),
        "trackers": tracker_legend(result),
        "mention_timeline": mention_markers(ctx),
        "mentions": mentions_view(ctx),
        "feedback": feedback_view(ctx),
        "turns": transcript_view(ctx),
    }


def _unscored(result: AnalysisResult, th: Thresholds) -> str | None:
    """Why a call with a model loaded has no score (a phrase for "The call ...")."""
    from ..analysis import unscored_because

    if result.score is not None or result.model is None:
        return None
    return unscored_because(result, th) or "was not scored"


def header_view(result: AnalysisResult) -> dict[str, Any]:
    """The top of the page: the file, the kind and length of the call, the model, the speakers."""
    words = sum(s.words for s in result.speakers)
    length = (
        f"{clock(result.duration_seconds)} long"
        if result.duration_seconds is not None
        else "untimed (shares by words)"
    )
    check = result.roles_check
    return {
        "file": result.file,
        "summary": f"{result.format} transcript, {length}, {plural(words, 'word')}",
        "roles_note": check.to_dict() if check is not None and check.needs_look else None,
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
    }


def gauge_view(result: AnalysisResult) -> dict[str, Any] | None:
    """The score on its gauge and the features that moved it most; None when the call is not scored."""
    if result.score is None:
        return None
    side = "buyer-centric" if result.label == "buyer_centric" else "seller-centric"
    reasons = sorted(result.reasons, key=lambda r: -abs(_weight(r)))[:MAX_REASONS]
    biggest = max((abs(_weight(r)) for r in reasons), default=0.0) or 1.0
    return {
        "value": f"{result.score:.0f}",
        "left": css_percent(result.score),
        "side": side,
        "model": result.model,
        "reasons": [
            {
                "description": r.description,
                "feature": r.feature,
                "value": num_text(r.value, 2),
                "text": r.text if r.measured else f"{r.description} (value {num_text(r.value, 2)})",
                "weight": f"{_weight(r):+.1f}",
                "direction": "up" if _weight(r) >= 0 else "down",
                "towards": "towards buyer-centric" if _weight(r) >= 0 else "towards seller-centric",
                "width": css_percent(abs(_weight(r)) / biggest * 50.0),
            }
            for r in reasons
        ],
    }


def _weight(r: Any) -> float:
    """A reason's weight: its log-odds contribution (its points, for a reason made without one)."""
    return r.log_odds or r.effect


def moments_view(ctx: ReportContext) -> list[dict[str, Any]]:
    """Every tagged moment, in order, each linked to its place in the transcript."""
    return [
        {
            "href": "#" + ctx.tag_ids[k],
            "when": ctx.when(tag),
            "label": ctx.labels[k],
            "tag": tag.tag,
            "letter": TAG_LETTER.get(tag.tag, "?"),
            "speaker": tag.speaker,
            "text": tag.text if len(tag.text) <= 160 else tag.text[:157] + "...",
        }
        for k, tag in enumerate(ctx.tags)
    ]


def feedback_view(ctx: ReportContext) -> list[dict[str, Any]]:
    """Every finding, with a link to its tagged moment, or else to its turn."""
    return [_finding_view(f, ctx) for f in ctx.result.feedback]


def _finding_view(f: Finding, ctx: ReportContext) -> dict[str, Any]:
    href, link_text = None, ""
    if f.turn is not None and 0 <= f.turn < len(ctx.transcript.turns):
        match = _finding_tag(f, ctx.tags)
        when = f" ({clock(f.start)})" if ctx.timed and f.start is not None else ""
        if match is not None:
            href = "#" + ctx.tag_ids[match]
            link_text = f"Go to the {ctx.labels[match]} in turn {f.turn}{when}"
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


def _finding_tag(f: Finding, tags: Sequence[Tag]) -> int | None:
    """The tag a finding is about: of its rule's tag, in its turn, its quote first."""
    wanted = FINDING_TAG.get(f.name)
    candidates = [k for k, t in enumerate(tags) if t.turn == f.turn and t.tag == wanted]
    quoted = [k for k in candidates if f.quote and (f.quote in tags[k].text or tags[k].text in f.quote)]
    return (quoted or candidates or [None])[0]


def transcript_view(ctx: ReportContext) -> list[dict[str, Any]]:
    """The turns, each with its tagged spans as nested highlights.

    A tag whose text was not found is anchored at its turn (``unplaced``); a
    tag that runs on into later turns is marked there as continued.
    """
    marks = [(ctx.tag_ids[k], t.tag, ctx.labels[k]) for k, t in enumerate(ctx.tags)]
    by_turn: dict[int, list[Piece]] = {}
    unplaced: dict[int, list[dict[str, str]]] = {}
    continued: dict[int, list[dict[str, Any]]] = {}
    for k, loc in enumerate(ctx.located):
        if not loc.found:
            unplaced.setdefault(loc.turn, []).append({"id": ctx.tag_ids[k], "label": ctx.labels[k]})
            continue
        for j, piece in loc.pieces:
            by_turn.setdefault(j, []).append(piece)
            if not piece.first:
                continued.setdefault(j, []).append(
                    {"label": ctx.labels[k], "href": "#" + ctx.tag_ids[k], "turn": loc.turn}
                )
    return [
        {
            "index": t.index,
            "id": f"turn-{t.index}",
            "speaker": t.speaker,
            "role": _role(ctx, t),
            "role_text": _role(ctx, t) + (", inferred" if t.speaker in ctx.inferred else ""),
            "when": (f"{clock(t.start)}–{clock(t.end)}" if ctx.timed else ""),
            "nodes": nest(t.text, by_turn.get(t.index, ()), marks),
            "continued": continued.get(t.index, []),
            "unplaced": unplaced.get(t.index, []),
        }
        for t in ctx.transcript.turns
    ]


def _role(ctx: ReportContext, turn: Turn) -> str:
    return ctx.roles.get(turn.speaker, "buyer")
