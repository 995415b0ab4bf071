"""Numbers and targets in words: one source for the terminal, the HTML report, the score reasons and the feedback.

Every target a person reads comes from the thresholds (``analyzer/defaults.cfg``)
through the functions here, so the terminal, the HTML page and the JSON
never disagree, and each is said in the unit of the call: time for a timed
call, words for an untimed one.
"""
from __future__ import annotations

from .config import Thresholds


def clock(seconds: float | None) -> str:
    """``m:ss`` (or ``h:mm:ss``); an empty string when untimed."""
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def pct(x: float | None) -> str:
    """A share as a whole percentage (``"43%"``); ``"n/a"`` for None."""
    return "n/a" if x is None else f"{x * 100:.0f}%"


def plural(n: float, word: str, many: str | None = None) -> str:
    """``"1 point"``, ``"2 points"``, ``"1,032 words"``: the count and the word in the right number."""
    count = f"{n:,}" if isinstance(n, int) else f"{n:,.1f}".rstrip("0").rstrip(".")
    return f"{count} {word if n == 1 else (many or word + 's')}"


def monologue_target_words(th: Thresholds) -> int:
    """The monologue target in words: its seconds at the speech rate."""
    return round(th.seller_monologue_target_seconds * th.speech_rate_words_per_second)


def talk_share_target(th: Thresholds) -> str:
    """``"about 43% (the best calls)"``."""
    return f"about {pct(th.seller_talk_share_target)} (the best calls)"


def monologue_target(th: Thresholds, timed: bool) -> str:
    """``"under 2:00"`` for a timed call, ``"under 300 words"`` for an untimed one."""
    if timed:
        return f"under {clock(th.seller_monologue_target_seconds)}"
    return f"under {plural(monologue_target_words(th), 'word')}"


def questions_target(th: Thresholds) -> str:
    """``"11-14 in a discovery call of 30 minutes or more"``: a count for the whole call, not a rate."""
    minutes = th.discovery_min_seconds / 60
    return f"{th.buyer_questions_min}-{th.buyer_questions_max} in a discovery call of {minutes:.0f} minutes or more"


def open_share_target(th: Thresholds) -> str:
    """``"at least 50% of them open"``."""
    return f"at least {pct(th.open_question_share_min)} of them open"
