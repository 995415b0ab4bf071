"""Question detection on real, independently labelled speech.

Runs :func:`analyzer.nlp.questions.question_form` over every dialogue-act
unit of the Switchboard (SwDA) and ICSI meeting (MRDA) development sets in
``../shared/data`` and prints precision, recall and F1 for "is a question",
and for "is an open question", plus the open/closed accuracy on the units
found. MRDA is run with its question marks stripped, as speech recognition
would give it; SwDA as it is (a third of its questions have none).

The corpora are for measuring only and never ship with the project; when
``../shared/data`` is absent the script says so and exits 0.

    python benchmarks/question_detection.py [--data DIR] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import spacy

from analyzer.nlp.questions import question_form
from analyzer.nlp.resources import load_lexicon

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def units(path: Path, strip_qmarks: bool):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            conv = json.loads(line)
            for turn in conv["turns"]:
                text = turn["text"]
                if strip_qmarks:
                    text = text.replace("?", " ")
                yield text, turn["labels"]


def score(path: Path, strip_qmarks: bool) -> dict:
    nlp = spacy.blank("en")
    lex = load_lexicon()
    tp = fp = fn = 0
    otp = ofp = ofn = 0
    open_right = open_total = 0
    for text, labels in units(path, strip_qmarks):
        doc = nlp.make_doc(text)
        words = [t.lower_ for t in doc if not t.is_space]
        titles = [t.is_title for t in doc if not t.is_space]
        form = question_form(words, titles, lex=lex) if words else None
        gold_q = bool(labels.get("is_question"))
        gold_open = labels.get("open") is True
        pred_q = form is not None
        pred_open = pred_q and form.open is True
        tp += pred_q and gold_q
        fp += pred_q and not gold_q
        fn += gold_q and not pred_q
        otp += pred_open and gold_open
        ofp += pred_open and not gold_open
        ofn += gold_open and not pred_open
        if pred_q and gold_q and labels.get("open") is not None:
            open_total += 1
            open_right += (form.open is True) == gold_open
    return {
        "question": _prf(tp, fp, fn),
        "open_question": _prf(otp, ofp, ofn),
        "open_vs_closed_accuracy": round(open_right / open_total, 4) if open_total else None,
        "open_vs_closed_judged": open_total,
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    runs = [("swda-dev.jsonl", False, "SwDA (as transcribed)"), ("mrda-dev.jsonl", True, "MRDA (question marks stripped)")]
    if not all((args.data / f).exists() for f, _, _ in runs):
        print(f"skipped: the evaluation corpora are not in {args.data}", file=sys.stderr)
        return 0
    out = {}
    for fname, strip, title in runs:
        out[title] = score(args.data / fname, strip)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for title, r in out.items():
            q, o = r["question"], r["open_question"]
            print(f"{title}")
            print(f"  any question:  P {q['precision']:.3f}  R {q['recall']:.3f}  F1 {q['f1']:.3f}  (tp {q['tp']}, fp {q['fp']}, fn {q['fn']})")
            print(f"  open question: P {o['precision']:.3f}  R {o['recall']:.3f}  F1 {o['f1']:.3f}")
            print(f"  open vs closed accuracy on found questions: {r['open_vs_closed_accuracy']} ({r['open_vs_closed_judged']} judged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
