"""The annotators' form checker (``data/briefs/check_gold.py``) on the project's corpus and on a broken sidecar."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_gold", DATA / "briefs" / "check_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_form_every_sidecar_passes(checker, capsys):
    assert checker.main([str(DATA / "samples"), str(DATA / "train"), str(DATA / "agreement")]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.endswith(", 0 problems") and int(last.split()[0]) > 2000


def test_corpus_form_names_each_problem(checker, tmp_path, capsys):
    (tmp_path / "c.txt").write_text("Ann Lee: How do you run renewals today?\nBo Park: By hand.\n", encoding="utf-8")
    gold = {
        "file": "c.txt",
        "roles": {"Ann Lee": "seller", "Bo Prak": "buyer"},
        "label": "buyer_centric",
        "label_confidence": "sure",
        "tags": [
            {"tag": "buyer_question", "speaker": "Ann Lee", "quote": "How do you run renewals?", "open": True},
            {"tag": "buyer_question", "speaker": "Ann Lee", "quote": "How do you run renewals today?"},
        ],
        "hard_negatives": [{"looks_like": "buyer_question", "speaker": "Bo Park", "quote": "By hand."}],
    }
    (tmp_path / "c.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    assert checker.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "speaker 'Bo Park' has no role" in out
    assert "role given for 'Bo Prak', who is not a speaker" in out
    assert "label_confidence: expected clear or borderline" in out
    assert "tags[0]:" in out and "not in any turn of 'Ann Lee'" in out
    assert "tags[1]: buyer_question needs open true/false" in out
    assert "hard_negatives[0]: expected speaker, quote, looks_like and why_not" in out
    assert out.strip().endswith("1 sidecars, 6 problems")
