"""The report's metrics beside their targets, in plain words: one card per metric.

:func:`metrics_view` lists the cards; each comes from its own function
(talk share, buyer questions, longest seller monologue, longest buyer story,
interactivity), so each can be built and checked alone. Every number was
computed by the analyzer; the targets come from the thresholds.
"""
from __future__ import annotations

from typing import Any

from ..config import Thresholds
from ..metrics import Metrics
from ..render import clock
from ..result import AnalysisResult
from .format import css_percent, pct_text, plural

#: A seller talk share within this distance of the target reads "near the target".
TALK_SHARE_NEAR = 0.05


def metrics_view(result: AnalysisResult, th: Thresholds, timed: bool) -> list[dict[str, Any]]:
    """Every metric card of the report, those with a target first."""
    m = result.metrics
    out = [
        talk_share_metric(m, th, timed),
        questions_metric(result, th),
        monologue_metric(m, th),
        buyer_story_metric(m),
    ]
    if m.interactivity is not None:
        out.append(interactivity_metric(m, timed))
    for item in out:
        item.setdefault("link_text", "")
    return out


def talk_share_metric(m: Metrics, th: Thresholds, timed: bool) -> dict[str, Any]:
    """Seller talk share against the target (43:57), by time or by words."""
    basis = "of the time" if timed else "of the words"
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
            f"The seller side spoke {pct_text(share)} {basis}, the buyer side {pct_text(1 - share)}: "
            f"{advice}."
        )
        bar = {
            "seller": css_percent(share * 100),
            "buyer": css_percent(100 - share * 100),
            "target": css_percent(target * 100),
        }
    return {
        "id": "metric-talk-share",
        "name": "Seller talk share",
        "value": pct_text(share) + (f" by {'time' if timed else 'words'}" if share is not None else ""),
        "target": f"about {target * 100:.0f}:{100 - target * 100:.0f} seller to buyer (best calls)",
        "status": status,
        "text": text,
        "kind": "share",
        "bar": bar,
        "href": None,
    }


def questions_metric(result: AnalysisResult, th: Thresholds) -> dict[str, Any]:
    """Buyer questions against the discovery-call range (11-14)."""
    m = result.metrics
    n, lo, hi = m.buyer_questions, th.buyer_questions_min, th.buyer_questions_max
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
    short = seconds < th.discovery_min_seconds
    minutes = int(seconds // 60)  # (down: a call of 29:50 is not "about 30 minutes long")
    if not estimated:
        length = clock(seconds)
    else:
        length = "under a minute" if minutes < 1 else f"about {plural(minutes, 'minute')}"
    short_note = (
        f" The target is for discovery calls of {th.discovery_min_seconds / 60:.0f} minutes or more; "
        f"this call is {length} long, so it is not judged against it and feedback does not flag it."
        if short
        else ""
    )
    # (a call shorter than a discovery call is not held to its range)
    status = "not judged" if short else "below target" if n < lo else ("above target" if n > hi else "on target")
    scale = max(hi + 6, n)
    return {
        "id": "metric-questions",
        "name": "Buyer questions",
        "value": f"{n} ({m.open_buyer_questions} open){rate}",
        "target": f"{lo}-{hi} in a discovery call",
        "status": status,
        "text": (
            f"The seller asked {plural(n, 'question')} about the buyer's situation, "
            f"{m.open_buyer_questions} of them open (not answerable by yes or no)."
            + short_note
        ),
        "kind": "range",
        "bar": {
            "value": css_percent(n / scale * 100),
            "lo": css_percent(lo / scale * 100),
            "width": css_percent((hi - lo) / scale * 100),
            "scale": f"0 to {scale}",
        },
        "href": None,
    }


def monologue_metric(m: Metrics, th: Thresholds) -> dict[str, Any]:
    """The longest seller monologue against two minutes (in words at the speech rate when untimed)."""
    secs, words = m.longest_seller_monologue_seconds, m.longest_seller_monologue_words
    rate = th.speech_rate_words_per_second
    target_words = round(th.seller_monologue_target_seconds * rate)
    if secs is not None:
        value = f"{clock(secs)} ({plural(words, 'word')})"
        over = secs > th.seller_monologue_target_seconds
        measure = secs
        target_text = f"under {clock(th.seller_monologue_target_seconds)}"
        text = f"The seller's longest stretch without the buyer ran {clock(secs)}, {plural(words, 'word')}."
    else:
        value = f"{plural(words, 'word')} (about {clock(words / rate)} at {rate:g} words a second)"
        over = words > target_words
        measure = words / rate
        target_text = f"under {clock(th.seller_monologue_target_seconds)} (about {target_words} words)"
        text = f"The seller's longest stretch without the buyer ran {plural(words, 'word')}."
    flag = (
        f" Feedback flags stretches over {clock(th.seller_monologue_max_seconds)}."
        if th.seller_monologue_max_seconds != th.seller_monologue_target_seconds
        else ""
    )
    scale_s = max(th.seller_monologue_target_seconds * 2, measure)
    turn = m.longest_seller_monologue_turn
    return {
        "id": "metric-monologue",
        "name": "Longest seller monologue",
        "value": value if turn is not None else "none",
        "target": target_text,
        "status": ("above target" if over else "on target") if turn is not None else "not measured",
        "text": (text + flag) if turn is not None else "The seller never spoke." + flag,
        "kind": "limit",
        "bar": {
            "value": css_percent(measure / scale_s * 100),
            "target": css_percent(th.seller_monologue_target_seconds / scale_s * 100),
            "scale": f"0 to {clock(scale_s)}",
        },
        "href": f"#turn-{turn}" if turn is not None else None,
        "link_text": f"Go to turn {turn}, where it starts" if turn is not None else "",
    }


def buyer_story_metric(m: Metrics) -> dict[str, Any]:
    """The longest buyer story: context, without a target."""
    story = f"{plural(m.longest_buyer_story_words, 'word')}"
    if m.longest_buyer_story_seconds is not None:
        story = f"{clock(m.longest_buyer_story_seconds)} ({story})"
    turn = m.longest_buyer_story_turn
    return {
        "id": "metric-buyer-story",
        "name": "Longest buyer story",
        "value": story,
        "target": "",
        "status": "",
        "text": "The buyer's longest stretch without the seller.",
        "kind": "plain",
        "bar": None,
        "href": f"#turn-{turn}" if turn is not None else None,
        "link_text": f"Go to turn {turn}, where it starts" if turn is not None else "",
    }


def interactivity_metric(m: Metrics, timed: bool) -> dict[str, Any]:
    """Switches between the sides, per minute or per 100 words: context, without a target."""
    unit = "per minute" if timed else "per 100 words"
    return {
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
