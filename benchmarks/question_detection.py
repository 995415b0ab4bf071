"""Question detection on real, independently labelled speech.

Measures "is a question" (and "is an open question") on the Switchboard
(SwDA) and ICSI meeting (MRDA) development sets in ``../shared/data``, the
rules alone beside the rules with the trained segmenter, in three settings:

- **units**: each dialogue-act unit on its own, as transcribed (SwDA) and
  with its question marks stripped (SwDA and MRDA). Rules:
  :func:`analyzer.nlp.questions.question_form`; learned: the same, after the
  segmenter's question model has said whether the unit, read as one
  sentence, is a question (only for units without a question mark);
- **merged turns**: consecutive units of one speaker joined into one turn
  and rewritten as raw speech recognition gives it (lower case, ``. , ? ! ;
  :`` removed, :mod:`analyzer.asr`); the pipeline's sentencizer and
  segmenter split each turn, and every sentence in question form is a
  predicted question. A gold question unit is found when a predicted
  question overlaps it; a predicted question that overlaps no gold question
  unit is a false alarm.

The corpora are for measuring only and never ship with the project; when
``../shared/data`` is absent the script says so and exits 0.

    python benchmarks/question_detection.py [--data DIR] [--models DIR] [--json] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import spacy

from analyzer.asr import strip_speech
from analyzer.nlp.components.base import sentence_words
from analyzer.nlp.components.segmenter import QUESTION_MODEL, sentence_features
from analyzer.nlp.learned import load_models
from analyzer.nlp.pipeline import build_nlp, transcript_to_doc
from analyzer.nlp.questions import question_form
from analyzer.nlp.resources import load_lexicon
from analyzer.transcript import Cue, Transcript

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def conversations(path: Path, limit: int | None = None):
    with open(path, encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if limit is not None and k >= limit:
                return
            yield json.loads(line)


class Counts:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.otp = self.ofp = self.ofn = 0
        self.open_right = self.open_total = 0

    def add(self, pred_q: bool, gold_q: bool, pred_open: bool, gold_open: bool, judged_open: bool) -> None:
        self.tp += pred_q and gold_q
        self.fp += pred_q and not gold_q
        self.fn += gold_q and not pred_q
        self.otp += pred_open and gold_open
        self.ofp += pred_open and not gold_open
        self.ofn += gold_open and not pred_open
        if pred_q and gold_q and judged_open:
            self.open_total += 1
            self.open_right += pred_open == gold_open

    def to_dict(self) -> dict:
        return {
            "question": _prf(self.tp, self.fp, self.fn),
            "open_question": _prf(self.otp, self.ofp, self.ofn),
            "open_vs_closed_accuracy": round(self.open_right / self.open_total, 4) if self.open_total else None,
            "open_vs_closed_judged": self.open_total,
        }


def score_units(path: Path, strip_qmarks: bool, qmodel, limit: int | None) -> dict[str, dict]:
    """Unit by unit: rules beside rules plus the segmenter's question model."""
    nlp = spacy.blank("en")
    lex = load_lexicon()
    rules, learned = Counts(), Counts()
    for conv in conversations(path, limit):
        for turn in conv["turns"]:
            text = turn["text"].replace("?", " ") if strip_qmarks else turn["text"]
            labels = turn["labels"]
            doc = nlp.make_doc(text)
            words = [t.lower_ for t in doc if not t.is_space]
            titles = [t.is_title for t in doc if not t.is_space]
            gold_q = bool(labels.get("is_question"))
            gold_open = labels.get("open") is True
            judged = labels.get("open") is not None
            form = question_form(words, titles, lex=lex) if words else None
            rules.add(form is not None, gold_q, bool(form and form.open), gold_open, judged)
            plain = [w for w, t in zip(words, doc) if not t.is_punct]
            if qmodel is not None and plain and "?" not in words and qmodel.accept([sentence_features(plain, 0, len(plain), lex)])[0]:
                form = question_form(words + ["?"], titles + [False], lex=lex)
            learned.add(form is not None, gold_q, bool(form and form.open), gold_open, judged)
    return {"rules": rules.to_dict(), "learned": learned.to_dict()}


def _merged(conv: dict) -> tuple[Transcript, list[tuple[int, int, dict]]]:
    """One turn per run of a speaker's units, rewritten as raw speech; each unit's
    character range in the joined call text."""
    cues, units = [], []
    pos = 0
    prev = None
    for turn in conv["turns"]:
        text, _ = strip_speech(turn["text"])
        if not text:
            continue
        if turn["speaker"] == prev and cues:
            cues[-1] = Cue(cues[-1].speaker, cues[-1].text + " " + text)
            start = pos + 1
            pos += 1 + len(text)
        else:
            if cues:
                pos += 1  # the space between turns
            cues.append(Cue(str(turn["speaker"]), text))
            start = pos
            pos += len(text)
        units.append((start, pos, turn["labels"]))
        prev = turn["speaker"]
    return Transcript.from_cues(cues, source=conv["id"], format="test"), units


def score_merged(path: Path, learned: str, limit: int | None) -> dict:
    """Merged, unpunctuated turns split by the pipeline (see the module docstring)."""
    nlp = build_nlp(learned=learned)
    stages = [nlp.get_pipe(name) for name in nlp.pipe_names if not name.startswith("callcoach_") or name == "callcoach_segmenter"]
    lex = load_lexicon()
    right = wrong = found = missed = 0
    o_right = o_wrong = o_found = o_missed = 0
    for conv in conversations(path, limit):
        transcript, units = _merged(conv)
        if not transcript.turns:
            continue
        doc = transcript_to_doc(nlp, transcript)
        for stage in stages:
            doc = stage(doc)
        preds = []
        for sent in doc.sents:
            words, titles = sentence_words(sent)
            form = question_form(words, titles, lex=lex)
            if form is not None:
                preds.append((sent.start_char, sent.end_char, bool(form.open)))
        gold = [(s, e, lab.get("open") is True) for s, e, lab in units if lab.get("is_question")]
        for s, e, is_open in gold:
            hit = [p for p in preds if p[0] < e and s < p[1]]
            found += bool(hit)
            missed += not hit
            if is_open:
                o_found += any(p[2] for p in hit)
                o_missed += not any(p[2] for p in hit)
        for ps, pe, p_open in preds:
            hit = [g for g in gold if ps < g[1] and g[0] < pe]
            right += bool(hit)
            wrong += not hit
            if p_open:
                o_right += any(g[2] for g in hit)
                o_wrong += not any(g[2] for g in hit)
    # Precision counts predicted sentences that are right; recall, gold units found.
    return {"question": _overlap_prf(right, wrong, found, missed), "open_question": _overlap_prf(o_right, o_wrong, o_found, o_missed)}


def _overlap_prf(right: int, wrong: int, found: int, missed: int) -> dict:
    p = right / (right + wrong) if right + wrong else 0.0
    r = found / (found + missed) if found + missed else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": found, "fp": wrong, "fn": missed, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--limit", type=int, default=None, help="at most this many conversations per corpus")
    ap.add_argument("--models", default="default", help="a folder of tagger models (default: the shipped ones)")
    args = ap.parse_args(argv)
    files = {"swda": args.data / "swda-dev.jsonl", "mrda": args.data / "mrda-dev.jsonl"}
    if not all(f.exists() for f in files.values()):
        print(f"skipped: the evaluation corpora are not in {args.data}", file=sys.stderr)
        return 0
    qmodel = load_models(args.models).get(QUESTION_MODEL)
    out = {
        "SwDA units, as transcribed": score_units(files["swda"], False, qmodel, args.limit),
        "SwDA units, question marks stripped": score_units(files["swda"], True, qmodel, args.limit),
        "MRDA units, question marks stripped": score_units(files["mrda"], True, qmodel, args.limit),
    }
    for corpus in ("swda", "mrda"):
        out[f"{corpus.upper() if corpus == 'mrda' else 'SwDA'} merged turns, unpunctuated"] = {
            "rules": score_merged(files[corpus], "none", args.limit),
            "learned": score_merged(files[corpus], args.models, args.limit),
        }
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    for title, modes in out.items():
        print(title)
        for mode, r in modes.items():
            q, o = r["question"], r["open_question"]
            line = f"  {mode:8s} question P {q['precision']:.3f} R {q['recall']:.3f} F1 {q['f1']:.3f}   open question F1 {o['f1']:.3f}"
            if r.get("open_vs_closed_accuracy") is not None:
                line += f"   open vs closed {r['open_vs_closed_accuracy']:.3f} on {r['open_vs_closed_judged']}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
