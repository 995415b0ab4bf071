"""The calls the throughput benchmark builds: cutting a call into shorter ones
keeps every turn, in order, with its speaker's role."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from analyzer.roles import assign_roles
from analyzer.transcript import Cue, Role, Transcript

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "throughput.py"


@pytest.fixture(scope="module")
def throughput():
    spec = importlib.util.spec_from_file_location("throughput_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _call(turns: int) -> Transcript:
    speakers = ["Ana", "Ben", "Cleo"]
    cues = [
        Cue(speakers[k % 3], " ".join(f"w{k}x{j}" for j in range(3 + k % 4)) + ".", 2.0 * k, 2.0 * k + 1.5)
        for k in range(turns)
    ]
    call = Transcript.from_cues(cues, source="<test>", format="callcoach")
    return assign_roles(call, roles={"Ana": "seller", "Ben": "buyer", "Cleo": "other"})


@pytest.mark.parametrize("words", [1, 10, 25, 1000])
def test_pieces_keep_every_turn_in_order_with_its_role(throughput, words):
    call = _call(23)
    pieces = throughput.pieces_of(call, words)
    assert [(t.speaker, t.text, t.start, t.end) for p in pieces for t in p.turns] == [
        (t.speaker, t.text, t.start, t.end) for t in call.turns
    ]
    assert sum(p.words for p in pieces) == call.words
    for piece in pieces[:-1]:
        assert piece.words >= words  # each piece but the last reaches the length asked
        assert piece.words - piece.turns[-1].words < words  # and stops at the turn that reaches it
    for piece in pieces:
        assert {s: piece.roles[s] for s in piece.speakers} == {s: call.roles[s] for s in piece.speakers}
    assert pieces[0].roles["Ana"] is Role.SELLER
