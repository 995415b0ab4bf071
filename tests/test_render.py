"""``analyzer.render``: the terminal's longest stretches and evaluation tables."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from analyzer.render import _stretch, comparison_table, evaluation_table

TAGS = {"pitch_dump": {"tp": 3, "fp": 1, "fn": 2, "precision": 0.75, "recall": 0.6, "f1": None}}
MICRO = {"tp": 3, "fp": 1, "fn": 2, "precision": 0.75, "recall": 0.6, "f1": 0.667}
EV = {
    "calls": 2, "tags": TAGS, "micro": MICRO, "open_accuracy": None, "open_matched": 0,
    "role_accuracy": 1.0, "talk_share_error": 0.01, "errors": [],
}  # fmt: skip


def printed(draw, *args, **kwargs) -> list[str]:
    buf = io.StringIO()
    draw(*args, Console(file=buf, width=120, highlight=False, color_system=None), **kwargs)
    return [" ".join(line.split()) for line in buf.getvalue().splitlines()]


@pytest.mark.parametrize(
    "turn,words,seconds,shown",
    [(None, 0, None, "none"), (4, 1, None, "1 word"), (4, 75, None, "75 words"), (4, 75, 95.0, "1:35 (75 words)")],
    ids=["none", "one-word", "untimed", "timed"],
)
def test_render_longest_stretch(turn, words, seconds, shown):
    assert _stretch(turn, words, seconds) == shown


def test_render_evaluation_table_rows():
    lines = printed(evaluation_table, EV)
    assert "pitch_dump │ 5 │ 4 │ 3 │ 0.750 │ 0.600 │ n/a" in lines
    assert "all (micro) │ 5 │ 4 │ 3 │ 0.750 │ 0.600 │ 0.667" in lines
    assert "open attribute accuracy: n/a on 0 matched buyer questions" in lines


def test_render_comparison_table_rows():
    other = {**EV, "tags": {"pitch_dump": {**TAGS["pitch_dump"], "precision": None}}, "open_accuracy": 0.5, "open_matched": 2}
    lines = printed(comparison_table, {"rules": EV, "learned": other}, title="Tags")
    assert "pitch_dump │ 5 │ 0.750 │ 0.600 │ n/a │ n/a │ 0.600 │ n/a" in lines
    assert "all (micro) │ 5 │ 0.750 │ 0.600 │ 0.667 │ 0.750 │ 0.600 │ 0.667" in lines
    assert "open attribute accuracy: rules n/a on 0, learned 0.500 on 2" in lines
