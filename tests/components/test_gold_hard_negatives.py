"""The hard negatives of ``data/samples/*.gold.json`` as tagger tests.

Every sample's ``hard_negatives`` entry of kind ``buyer_question``,
``if_then_close`` or ``pitch_invite`` is a quote that looks like that tag but
is not one (its ``why_not`` says why). Analysed with the gold roles, the call
must have no tag of that kind, by that speaker, overlapping the quote.

The ids in :data:`KNOWN_GAPS` are the ones that fail (none at the time of
writing); they are marked ``xfail(strict=False)`` so that the test documents
them and stays green without an edit once a tagger learns them.
"""
from __future__ import annotations

import json

import pytest

from analyzer.readers import read_transcript
from analyzer.roles import assign_roles
from helpers import SAMPLES

KINDS = ("buyer_question", "if_then_close", "pitch_invite")

#: Hard negatives the taggers still tag, and why.
KNOWN_GAPS: dict[str, str] = {
    # e.g. "20-wedding-venue-tour:hn3": "why the tagger still tags it",
}


def _hard_negatives():
    params = []
    for gold_path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        stem = gold_path.name[: -len(".gold.json")]
        for i, hn in enumerate(gold.get("hard_negatives", [])):
            if hn["looks_like"] not in KINDS:
                continue
            case_id = f"{stem}:hn{i}"
            marks = [pytest.mark.xfail(strict=False, reason=KNOWN_GAPS[case_id])] if case_id in KNOWN_GAPS else []
            params.append(pytest.param(gold_path, gold, hn, id=case_id, marks=marks))
    return params


HARD_NEGATIVES = _hard_negatives()


def test_gold_hard_negatives_are_collected():
    assert len(HARD_NEGATIVES) >= 150
    assert set(KNOWN_GAPS) <= {p.id for p in HARD_NEGATIVES}


@pytest.fixture(scope="module")
def analysed(analyzer):
    """Each sample analysed once with its gold roles: path -> (transcript, result)."""
    cache = {}

    def get(gold_path, gold):
        if gold_path not in cache:
            transcript = read_transcript(gold_path.parent / gold["file"])
            transcript = assign_roles(transcript, roles=gold["roles"])
            cache[gold_path] = (transcript, analyzer.analyze_transcript(transcript))
        return cache[gold_path]

    return get


def _overlapping_tags(transcript, result, kind, speaker, quote):
    where = [
        (turn.index, i, i + len(quote))
        for turn in transcript.turns
        if turn.speaker == speaker
        for i in _find_all(turn.text, quote)
    ]
    assert where, f"the quote {quote!r} is not in any turn of {speaker!r}"
    hits = []
    for tag in result.tags:
        if tag.tag != kind or tag.speaker != speaker:
            continue
        text = transcript.turns[tag.turn].text
        for start in _find_all(text, tag.text):
            end = start + len(tag.text)
            if any(turn == tag.turn and start < q_end and q_start < end for turn, q_start, q_end in where):
                hits.append(tag.text)
    return hits


def _find_all(text, sub):
    i = text.find(sub)
    while i >= 0:
        yield i
        i = text.find(sub, i + 1)


@pytest.mark.parametrize("gold_path,gold,hard_negative", HARD_NEGATIVES)
def test_gold_hard_negative_not_tagged(analysed, gold_path, gold, hard_negative):
    transcript, result = analysed(gold_path, gold)
    kind = hard_negative["looks_like"]
    hits = _overlapping_tags(transcript, result, kind, hard_negative["speaker"], hard_negative["quote"])
    assert hits == [], f"tagged {kind} on a hard negative ({hard_negative['why_not']})"
