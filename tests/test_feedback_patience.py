"""CC107 seller-patience-short: the seller's mean pause before answering the buyer, against a published 1 second."""
from __future__ import annotations

import pytest

from analyzer.config import default_thresholds


def words(n: int, stem: str = "word") -> str:
    return " ".join(f"{stem}{i}" for i in range(n))


def call(gaps, *, untimed=False, start_only=False):
    """Buyer and seller take turns; the seller answers each buyer turn after ``gaps[k]`` seconds
    (negative: before the buyer has finished). Every turn has 10 words and lasts 5 seconds."""
    turns, t = [], 0.0
    for k, gap in enumerate(gaps):
        turns.append(("Sam", words(10, f"b{k}x"), t, t + 5))
        t += 5 + gap
        turns.append(("Dana", words(10, f"s{k}x"), t, t + 5))
        t += 5 + 0.8
    if untimed:
        return [x[:2] for x in turns]
    if start_only:
        return [x[:3] for x in turns]
    return turns


def cc107(result):
    return [f for f in result.feedback if f.code == "CC107"]


def test_feedback_cc107_fires_below_one_second(analyze):
    result = analyze(call([0.5, 0.5, 0.5, 0.5, 0.2]))
    [f] = cc107(result)
    assert (f.value, f.threshold, f.turn, f.severity) == (0.44, 1.0, 9, "warning")
    assert result.metrics.seller_patience_seconds == 0.44
    assert "waited 0.4 seconds on average" in f.message and "target at least 1.0 second" in f.message
    assert "turn 9" in f.message and "answered after 0.2 seconds" in f.message


def test_feedback_cc107_points_at_an_interruption(analyze):
    """Gaps 0.5, 0.5, -1 (counted as 0), 0.5, 0.5: mean 0.4; the interruption in turn 5 is the quickest answer."""
    result = analyze(call([0.5, 0.5, -1.0, 0.5, 0.5]))
    [f] = cc107(result)
    assert (f.value, f.turn) == (0.4, 5)
    assert "1 of them before the buyer had finished" in f.message and "started before the buyer had finished" in f.message


def test_feedback_cc107_silent_at_threshold(analyze):
    assert cc107(analyze(call([1.0] * 5))) == []


def test_feedback_cc107_silent_with_few_handovers(analyze):
    assert cc107(analyze(call([0.2] * 4))) == []


@pytest.mark.parametrize("kind", ["untimed", "start_only"])
def test_feedback_cc107_silent_without_real_ends(analyze, kind):
    result = analyze(call([0.2] * 6, **{kind: True}))
    assert result.metrics.seller_patience_seconds is None and cc107(result) == []


def test_feedback_cc107_silent_when_no_handover_shows_a_pause(analyze):
    """Captions whose cues end where the next begins: patience 0, but nothing to judge."""
    result = analyze(call([0.0] * 6))
    assert result.metrics.seller_patience_seconds == 0.0 and cc107(result) == []


@pytest.mark.parametrize(
    "overrides,fires",
    [({"seller_patience_min_seconds": 0.4}, False), ({"seller_patience_min_handovers": 6}, False), ({}, True)],
)
def test_feedback_cc107_threshold_override(analyze, analyzer_for, overrides, fires):
    result = analyze(call([0.5] * 5), using=analyzer_for(**overrides))
    assert bool(cc107(result)) is fires


def test_feedback_cc107_default_has_a_source():
    """The threshold and its source sit together in defaults.cfg."""
    from analyzer.config import DEFAULTS_PATH

    text = DEFAULTS_PATH.read_text(encoding="utf-8")
    block = text[text.index("# CC107") : text.index("seller_patience_min_seconds")]
    assert "Source:" in block and "https://" in block
    assert default_thresholds().seller_patience_min_seconds == 1.0
