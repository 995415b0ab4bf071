"""Data-driven tagger cases: ``cases/<tag>.json``, one collector per tagger.

A test module sets ``CASES = "<tag>"`` and takes a ``case`` argument;
:func:`pytest_generate_tests` parametrizes it with the cases of
``cases/<tag>.json``, ids from the cases' ``id``. :func:`check_case` runs one
case through the analyzer and compares the tags of the kinds the file
``checks`` with the case's ``expect``.

Case file shape::

    {"tagger": "callcoach_<tag>", "checks": ["<tag>", ...],
     "texts": {"NAME": "a long text", ...},            # optional
     "cases": [
       {"id": "...",
        "say": {"role": "seller", "text": "..."},      # one sentence, or
        "turns": [["Dana", "..."], ["Sam", "...", 3.0, 7.5]],
        "roles": {"Dana": "seller"},                   # optional, default conftest.DEFAULT_ROLES
        "thresholds": {"pitch_dump_min_words": 60},    # optional overrides
        "expect": [...] or {"<tag>": [...]},
        "xfail": "why",                                 # optional: a known bug (strict xfail)
        "learned_xfail": "why"}]}                       # optional: the trained models disagree

Every case runs twice: with the phrase rules alone (``[rules]``), which must
follow the case exactly, and with the shipped sentence models (``[learned]``),
where ``learned_xfail`` records, with its reason, a case the models trained
on the project's corpus decide otherwise (a strict xfail, so that a model
that comes to agree is noticed).

An expected tag is its text, ``{"text": ..., "open": bool}`` (buyer
questions), or ``{"turns": [a, b]}`` (the text of turns a..b joined by
spaces, starting in turn a). A turn text may be a list of pieces joined
with spaces, where ``$NAME`` stands for ``texts[NAME]``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import build_transcript

CASES_DIR = Path(__file__).parent / "cases"
ROLE_SPEAKER = {"seller": "Dana", "buyer": "Sam", "other": "Bot"}


def load_case_file(tag: str) -> dict[str, Any]:
    return json.loads((CASES_DIR / f"{tag}.json").read_text(encoding="utf-8"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    tag = getattr(metafunc.module, "CASES", None)
    if tag is None or "case" not in metafunc.fixturenames:
        return
    data = load_case_file(tag)
    ids = [c["id"] for c in data["cases"]]
    assert len(ids) == len(set(ids)), f"duplicate case ids in cases/{tag}.json"
    params = []
    for case in data["cases"]:
        for taggers in ("none", "default"):
            reason = case.get("xfail") or (case.get("learned_xfail") if taggers == "default" else None)
            params.append(
                pytest.param(
                    dict(case, _file=data, _taggers=taggers),
                    id=f"{case['id']}[{'rules' if taggers == 'none' else 'learned'}]",
                    marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [],
                )
            )
    metafunc.parametrize("case", params)


def _text(piece: str | list[str], texts: dict[str, str]) -> str:
    pieces = piece if isinstance(piece, list) else [piece]
    return " ".join(texts[p[1:]] if p.startswith("$") else p for p in pieces)


def case_turns(case: dict[str, Any]) -> list[tuple]:
    texts = case["_file"].get("texts", {})
    if "say" in case:
        return [(ROLE_SPEAKER[case["say"]["role"]], _text(case["say"]["text"], texts))]
    return [(t[0], _text(t[1], texts), *t[2:]) for t in case["turns"]]


def _expected(entry: Any, transcript) -> dict[str, Any]:
    if isinstance(entry, str):
        return {"text": entry}
    if "turns" in entry:
        a, b = entry["turns"]
        out = {"text": " ".join(t.text for t in transcript.turns[a : b + 1]), "turn": a}
        return {**out, **{k: v for k, v in entry.items() if k != "turns"}}
    return dict(entry)


@pytest.fixture(scope="session")
def check_case(analyzer_for):
    """``check_case(case)``: run one case and assert its tags."""

    def check(case: dict[str, Any]) -> None:
        checks = case["_file"]["checks"]
        expect = case["expect"]
        if isinstance(expect, list):
            expect = {checks[0]: expect}
        assert set(expect) <= set(checks), f"case {case['id']} expects tags the file does not check"
        transcript = build_transcript(case_turns(case), case.get("roles"))
        result = analyzer_for(case.get("_taggers", "default"), **case.get("thresholds", {})).analyze_transcript(transcript)
        for tag in checks:
            wanted = [_expected(e, transcript) for e in expect.get(tag, [])]
            got = [t for t in result.tags if t.tag == tag]
            got_view = [
                {k: getattr(t, k) for k in w} for t, w in zip(got, wanted)
            ] + [{"text": t.text} for t in got[len(wanted):]]
            assert got_view == wanted, f"{tag} of case {case['id']!r}"

    return check
