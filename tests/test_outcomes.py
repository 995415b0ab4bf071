"""``analyzer.outcomes``: the score against won and lost calls, computed by hand."""
from __future__ import annotations

import pytest

from analyzer.outcomes import auc, relate


@pytest.mark.parametrize(
    "won,lost,expected",
    [
        ([80.0, 70.0], [20.0, 30.0], 1.0),  # every won call above every lost one
        ([20.0, 30.0], [80.0, 70.0], 0.0),
        ([50.0, 50.0], [50.0, 50.0], 0.5),  # ties count half
        ([80.0, 40.0], [60.0, 20.0], 0.75),  # 80>60, 80>20, 40<60, 40>20: 3 of 4
        ([80.0], [20.0, 30.0], None),  # too few won calls
    ],
)
def test_outcomes_auc(won, lost, expected):
    assert auc(won, lost) == expected


def test_outcomes_relate():
    calls = [
        (80.0, 0.40, "won"),
        (40.0, 0.50, "won"),
        (None, 0.45, "won"),  # not scored: counts, but has no score
        (60.0, 0.70, "lost"),
        (20.0, 0.80, "lost"),
        (90.0, 0.30, None),  # no outcome: left out
    ]
    r = relate(calls)
    assert (r.calls, r.won, r.lost, r.scored_won, r.scored_lost) == (5, 3, 2, 2, 2)
    assert (r.median_score_won, r.median_score_lost, r.auc) == (60.0, 40.0, 0.75)
    # scoring 50 or more: 80 (won), 60 (lost) -> half won; under 50: 40 (won), 20 (lost) -> half won
    assert (r.won_share_scoring_50_or_more, r.won_share_scoring_under_50) == (0.5, 0.5)
    assert (r.median_talk_share_won, r.median_talk_share_lost) == (0.45, 0.75)


def test_outcomes_nothing_to_relate():
    r = relate([(50.0, 0.5, None)])
    assert (r.calls, r.auc, r.median_score_won, r.won_share_scoring_50_or_more) == (0, None, None, None)
