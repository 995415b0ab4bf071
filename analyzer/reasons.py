"""Why a call got its score, in words: each behaviour's measured value and its target.

The classifier is linear in its log-odds, so a feature's contribution to a
call's score is measured there: the log-odds of the call minus the log-odds
with that feature alone set back to its typical value (the median of the
training calls). Unlike a difference of points, that contribution does not
vanish when a score sits near 0 or 100, so every scored call has reasons.

:func:`explain` says one feature's value as a coach would, with its target:
from ``analyzer/defaults.cfg`` where the feedback rules have one (talk share,
questions, open questions, monologues), otherwise the typical value of the
training calls.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from .config import Thresholds
from .wording import monologue_target, open_share_target, pct, plural, questions_target, talk_share_target

Phrase = Callable[[float, Any, Thresholds, float], tuple[str, str]]


def _typical(text: str) -> str:
    return f"typical of the training calls: {text}"


def _talk_share(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
    basis = "time" if r.timed else "words"
    return f"the seller side had {pct(v)} of the talk (by {basis})", f"target: {talk_share_target(th)}"


def _monologue(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
    m = r.metrics
    length = plural(m.longest_seller_monologue_words, "word")
    if m.longest_seller_monologue_seconds is not None:
        from .wording import clock

        length = f"{clock(m.longest_seller_monologue_seconds)} ({length})"
    return (
        f"the longest seller stretch ran {length}, {pct(v)} of the call's words",
        f"target: {monologue_target(th, r.timed)}",
    )


def _story(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
    return (
        f"the buyer's longest story ran {plural(r.metrics.longest_buyer_story_words, 'word')}, {pct(v)} of the call's words",
        _typical(pct(ref)),
    )


def _questions(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
    n = r.metrics.buyer_questions
    return (
        f"the seller asked {plural(n, 'question')} about the buyer ({v:.1f} per 1,000 words)",
        # (the score weighs the rate; the target is a count for long discovery calls)
        f"buyer-centric calls ask {questions_target(th)}" + (f" ({_typical(f'{ref:.1f} per 1,000 words')})" if ref else ""),
    )


def _open(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
    m = r.metrics
    if not m.buyer_questions:
        return "the seller asked no question about the buyer, open or closed", f"target: {open_share_target(th)}"
    return (
        f"{m.open_buyer_questions} of {plural(m.buyer_questions, 'question')} about the buyer were open",
        f"target: {open_share_target(th)}",
    )


def _count(word: str, target: str) -> Phrase:
    def phrase(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
        return f"{plural(int(v), word)} in the call", target

    return phrase


def _share(template: str) -> Phrase:
    def phrase(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
        return template.format(pct(v)), _typical(pct(ref))

    return phrase


def _rate(what: str, unit: str) -> Phrase:
    def phrase(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
        return f"{what} {v:.1f} {unit}", _typical(f"{ref:.1f}")

    return phrase


def _words(v: float, r: Any, th: Thresholds, ref: float) -> tuple[str, str]:
    import math

    return f"the call ran {plural(int(round(math.expm1(v))), 'word')}", _typical(plural(int(round(math.expm1(ref))), "word"))


#: How each feature of :mod:`analyzer.features` is said, with its target.
PHRASES: dict[str, Phrase] = {
    "seller_talk_share": _talk_share,
    "longest_monologue_share": _monologue,
    "longest_story_share": _story,
    "interactivity_per_100_words": _rate("the sides switched", "times per 100 words"),
    "buyer_questions_per_1000_words": _questions,
    "buyer_question_turn_share": _share("the seller asked about the buyer in {} of their turns"),
    "open_question_share": _open,
    "pitch_dumps": _count("pitch dump", "target: none"),
    "pitch_pivots": _count("pitch pivot", "target: one each time the buyer asks about you"),
    "if_then_closes": _count("conditional close", "target: none"),
    "seller_self_reference_share": _share("{} of the seller's we/our/I and you/your words were we/our/I"),
    "seller_you_per_100_words": _rate("the seller said you/your", "times per 100 words"),
    "buyer_words_per_turn": _rate("the buyer said", "words a turn"),
    "seller_words_per_turn": _rate("the seller said", "words a turn"),
    "buyer_questions_asked_per_1000_words": _rate("the buyer asked", "questions per 1,000 words"),
    "seller_backchannel_share": _share("{} of the seller's turns were short listening turns (mm-hmm, right)"),
    "log_words": _words,
}


def explain(feature: str, value: float, result: Any, thresholds: Thresholds, reference: Mapping[str, float]) -> tuple[str, str]:
    """One feature of one call in words: (what was measured, the target).

    Parameters
    ----------
    feature : str
        A name of :data:`analyzer.features.FEATURE_NAMES`.
    value : float
        Its value in this call.
    result : AnalysisResult
        The analysed call (its metrics give the counts behind a rate).
    thresholds : Thresholds
        Where the targets come from.
    reference : Mapping[str, float]
        The typical value of each feature (the model's training medians).

    Returns
    -------
    tuple of (str, str)
        The measured value as a phrase, and the target as a phrase.
    """
    phrase = PHRASES.get(feature)
    ref = float(reference.get(feature, value))
    if phrase is None:
        return f"{feature} was {value:.2f}", _typical(f"{ref:.2f}")
    return phrase(float(value), result, thresholds, ref)
