"""The report's tracker mentions and conversation measures: plain data for ``report.html.j2``.

- :func:`mention_markers`: one numbered square per tracker mention on the
  timeline, in a row of their own under the tagged moments; each links to
  its turn in the transcript;
- :func:`tracker_legend`: each tracker's number, name, and mentions per side;
- :func:`mentions_view`: the mentions as a table, the markers' text equivalent;
- :func:`conversation_metrics`: the buyer's own questions, patience (against
  its published target), interruptions, pace and filler words, each a card
  beside the other metrics; a measure the call cannot give says why.
"""
from __future__ import annotations

from typing import Any

from ..config import Thresholds
from ..display import shown_name
from ..result import AnalysisResult, Mention
from .context import ReportContext
from .format import clamp, css_percent, plural
from .timeline import Scale, marker_row

#: How long a quote the mentions table shows around the phrase.
QUOTE_CHARS = 60


def tracker_legend(result: AnalysisResult) -> list[dict[str, Any]]:
    """Every tracker with its marker number and its mentions per side."""
    return [
        {"number": k + 1, "name": t.name, "side": t.side, "seller": t.seller, "buyer": t.buyer, "count": len(t.mentions)}
        for k, t in enumerate(result.trackers)
    ]


def _numbered(ctx: ReportContext) -> list[tuple[int, Mention]]:
    """Every mention in one of the transcript's turns, with its tracker's number, in reading order."""
    n = len(ctx.transcript.turns)
    found = [(k + 1, m) for k, t in enumerate(ctx.result.trackers) for m in t.mentions if 0 <= m.turn < n]
    return sorted(found, key=lambda x: (x[1].turn, x[1].start or 0.0, x[0]))


def _chars(ctx: ReportContext, numbered: list[tuple[int, Mention]]) -> list[int | None]:
    """Where each mention's text is in its turn (searched on from the last one found there)."""
    after: dict[tuple[int, int], int] = {}
    out: list[int | None] = []
    for number, m in numbered:
        text = ctx.transcript.turns[m.turn].text
        i = text.lower().find(m.text.lower(), after.get((m.turn, number), 0))
        out.append(i if i >= 0 else None)
        if i >= 0:
            after[(m.turn, number)] = i + len(m.text)
    return out


def mention_markers(ctx: ReportContext) -> dict[str, Any]:
    """The mentions on the timeline: numbered squares spread over rows where they crowd."""
    scale = Scale.of(ctx.transcript.turns, ctx.timed)
    numbered = _numbered(ctx)
    markers: list[dict[str, Any]] = []
    row_last: list[float] = []
    for (number, m), char in zip(numbered, _chars(ctx, numbered)):
        x = clamp(scale.at(m.turn, char, m.start if scale.timed else None))
        markers.append(
            {
                "href": f"#turn-{m.turn}",
                "left": css_percent(x),
                "row": marker_row(row_last, x),
                "number": number,
                "label": f"{m.tracker}: \u201c{m.text}\u201d at {_when(ctx, m)}, {shown_name(m.speaker)} ({m.role})",
            }
        )
    return {"markers": markers, "rows": max([1] + [mk["row"] + 1 for mk in markers])}


def mentions_view(ctx: ReportContext) -> list[dict[str, Any]]:
    """Every mention as a table row: when, tracker, speaker, and the words around it."""
    numbered = _numbered(ctx)
    rows = []
    for (number, m), char in zip(numbered, _chars(ctx, numbered)):
        text = ctx.transcript.turns[m.turn].text
        rows.append(
            {
                "href": f"#turn-{m.turn}",
                "when": _when(ctx, m),
                "number": number,
                "tracker": m.tracker,
                "speaker": m.speaker,
                "role": m.role,
                "before": _before(text, char) if char is not None else "",
                "phrase": text[char : char + len(m.text)] if char is not None else m.text,
                "after": _after(text, char + len(m.text)) if char is not None else "",
            }
        )
    return rows


def _when(ctx: ReportContext, m: Mention) -> str:
    from ..render import clock

    return clock(m.start) if ctx.timed and m.start is not None else f"turn {m.turn}"


def _before(text: str, i: int) -> str:
    start = max(0, i - QUOTE_CHARS)
    piece = text[start:i]
    return ("…" + piece.split(" ", 1)[-1]) if start > 0 and " " in piece else piece


def _after(text: str, i: int) -> str:
    end = min(len(text), i + QUOTE_CHARS)
    piece = text[i:end]
    return (piece.rsplit(" ", 1)[0] + "…") if end < len(text) and " " in piece else piece


def conversation_metrics(result: AnalysisResult, th: Thresholds) -> list[dict[str, Any]]:
    """The cards of the conversation measures: patience first (it has a target), then the others."""
    m = result.metrics
    cards = [patience_metric(result, th)]
    rate = f", {m.buyer_side_questions_per_10_minutes:.1f} per 10 minutes" if m.buyer_side_questions_per_10_minutes is not None else ""
    cards.append(
        _plain(
            "metric-buyer-side-questions",
            "Questions the buyer asked",
            f"{m.buyer_side_questions}{rate}",
            "Every question the buyer side asked, by the same question forms as the seller's. A buyer who asks is "
            "taking part; counted, not judged.",
        )
    )
    if m.seller_interruptions is not None:
        cards.append(
            _plain(
                "metric-interruptions",
                "Seller interruptions",
                str(m.seller_interruptions),
                "Answers the seller began before the buyer had finished (backchannels such as \u201cmm-hmm\u201d "
                "are not counted).",
            )
        )
    if m.seller_words_per_minute is not None or m.buyer_words_per_minute is not None:
        pace = [f"{side} {v:.0f}" for side, v in (("seller", m.seller_words_per_minute), ("buyer", m.buyer_words_per_minute)) if v is not None]
        cards.append(_plain("metric-pace", "Pace", ", ".join(pace) + " words a minute", "Each side's words over its speaking time; shown, not judged."))
    if m.seller_filler_rate is not None:
        cards.append(
            _plain(
                "metric-fillers",
                "Seller filler words",
                f"{m.seller_filler_rate:.1f} per 100 words ({plural(m.seller_fillers, 'filler')})",
                "\u201cUm\u201d, \u201cuh\u201d, \u201cer\u201d, \u201cerm\u201d, \u201cyou know\u201d, \u201cI mean\u201d, "
                "\u201csort of\u201d, \u201ckind of\u201d and \u201clike\u201d set off by a comma. Many speech engines drop fillers, so the figure is only as good as "
                "the transcript; shown, not judged.",
            )
        )
    return cards


def patience_metric(result: AnalysisResult, th: Thresholds) -> dict[str, Any]:
    """The seller's mean pause before answering the buyer, against the published one second."""
    m = result.metrics
    target = th.seller_patience_min_seconds
    card: dict[str, Any] = {
        "id": "metric-patience",
        "name": "Seller patience",
        "target": f"at least {target:.1f} s before answering",
        "kind": "limit",
        "href": None,
        "link_text": "",
    }
    if m.seller_patience_seconds is None:
        why = (
            "the transcript has no times"
            if not result.timed
            else "the transcript gives start times only, so pauses are not known"
            if result.transcript is not None and result.transcript.ends_estimated
            else "the buyer never handed over to the seller"
        )
        return {**card, "value": "not measured", "status": "", "text": f"Not measured: {why}.", "bar": None}
    value = m.seller_patience_seconds
    scale = max(target * 2, value)
    return {
        **card,
        "value": f"{value:.1f} s",
        "status": "below target" if value < target else "on target",
        "text": "The seller's mean pause between the end of the buyer's speech and the answer (an answer that "
        "starts before the buyer has finished counts as 0).",
        "bar": {
            "value": css_percent(value / scale * 100),
            "target": css_percent(target / scale * 100),
            "scale": f"0 to {scale:.1f} s",
        },
    }


def _plain(id_: str, name: str, value: str, text: str) -> dict[str, Any]:
    return {"id": id_, "name": name, "value": value, "target": "", "status": "", "text": text, "kind": "plain", "bar": None, "href": None, "link_text": ""}
