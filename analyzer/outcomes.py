"""How the score relates to the calls' outcomes, when a user has them (won or lost, from a manifest).

:func:`relate` takes each call's score, seller talk share and outcome and
gives an :class:`OutcomeReport`: how many calls were won and lost, the
median score and talk share of each, the ROC AUC of the score for telling a
won call from a lost one (the chance that a won call scores above a lost
one; 0.5 is no relation), and the share won among calls that score 50 or
more against those below. It measures an association in the user's own
calls, not a cause.
"""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any, Iterable

#: The fewest calls of each outcome the ROC AUC is given for.
MIN_PER_OUTCOME = 2


@dataclass(frozen=True)
class OutcomeReport:
    """The score against the outcomes; None where there are too few calls to say."""

    calls: int
    won: int
    lost: int
    scored_won: int
    scored_lost: int
    median_score_won: float | None
    median_score_lost: float | None
    auc: float | None
    won_share_scoring_50_or_more: float | None
    won_share_scoring_under_50: float | None
    median_talk_share_won: float | None
    median_talk_share_lost: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def auc(won: list[float], lost: list[float]) -> float | None:
    """The chance that a won call scores above a lost one (ties count half); None with too few calls."""
    if len(won) < MIN_PER_OUTCOME or len(lost) < MIN_PER_OUTCOME:
        return None
    higher = sum((w > x) + 0.5 * (w == x) for w in won for x in lost)
    return round(higher / (len(won) * len(lost)), 4)


def relate(calls: Iterable[tuple[float | None, float | None, str | None]]) -> OutcomeReport:
    """The report for ``(score, seller_talk_share, outcome)`` of each call; calls without an outcome are left out."""
    rows = [(s, t, o) for s, t, o in calls if o in ("won", "lost")]
    won = [r for r in rows if r[2] == "won"]
    lost = [r for r in rows if r[2] == "lost"]
    won_scores = [s for s, _, _ in won if s is not None]
    lost_scores = [s for s, _, _ in lost if s is not None]
    scored = [(s, o) for s, _, o in rows if s is not None]
    high = [o for s, o in scored if s >= 50]
    low = [o for s, o in scored if s < 50]
    return OutcomeReport(
        calls=len(rows),
        won=len(won),
        lost=len(lost),
        scored_won=len(won_scores),
        scored_lost=len(lost_scores),
        median_score_won=_median(won_scores),
        median_score_lost=_median(lost_scores),
        auc=auc(won_scores, lost_scores),
        won_share_scoring_50_or_more=_share_won(high),
        won_share_scoring_under_50=_share_won(low),
        median_talk_share_won=_median([t for _, t, _ in won if t is not None]),
        median_talk_share_lost=_median([t for _, t, _ in lost if t is not None]),
    )


def _median(xs: list[float]) -> float | None:
    return round(statistics.median(xs), 4) if xs else None


def _share_won(outcomes: list[str]) -> float | None:
    return round(sum(1 for o in outcomes if o == "won") / len(outcomes), 4) if outcomes else None
