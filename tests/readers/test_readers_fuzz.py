"""Fuzz tests: every reader, fed mutants of its good fixtures, gives a
transcript with finite numbers or a coded ``TranscriptFormatError`` naming
the file, and never another exception or a run past 5 seconds.

The mutations (``fuzzing.py``, shared with ``benchmarks/fuzz_readers.py``):
truncation, byte flips, duplicated, dropped and swapped lines, huge,
negative and non-finite numbers, junk bytes, deep nesting, very long lines
and JSON values of the wrong type. Hypothesis draws which mutations and the
random source behind them, so a failure shrinks to a small reproducer.
"""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzing import MUTATIONS, SEEDS, run, seed_bytes

FUZZ = settings(
    max_examples=40,
    deadline=None,  # run() stops a reader after 5 s itself
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check(data: bytes, format: str | None, fixture: str) -> None:
    outcome = run(data, format, source=f"mutant-{fixture}")
    assert outcome.kind in ("result", "coded"), f"{fixture} as {format}: {outcome.kind} {outcome.detail}"


@pytest.mark.parametrize("format", [f for f in SEEDS if f is not None] + [None], ids=str)
@FUZZ
@given(data=st.data())
def test_readers_fuzz_mutants(format, data):
    fixture = data.draw(st.sampled_from(SEEDS[format]), label="fixture")
    ops = data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3), label="mutations")
    rng = data.draw(st.randoms(use_true_random=False), label="random")
    mutant = seed_bytes(fixture)
    for op in ops:
        mutant = op(mutant, rng)
    _check(mutant, format, fixture)


@pytest.mark.parametrize("op", MUTATIONS, ids=lambda op: op.__name__)
@pytest.mark.parametrize("format", [f for f in SEEDS if f is not None], ids=str)
def test_readers_fuzz_each_mutation(format, op):
    for k, fixture in enumerate(SEEDS[format]):
        for seed in range(3):
            rng = random.Random(f"{format}:{op.__name__}:{k}:{seed}")
            _check(op(seed_bytes(fixture), rng), format, fixture)
