"""A weak check on real people: PersuasionForGood chats scored as sales calls.

In each typed chat one person (the persuader, taken as the seller) asks the
other (the persuadee, taken as the buyer) to donate to a charity. For every
chat of ``../shared/data/persuasion-dev.jsonl`` this script

- runs the analyzer with those roles and the shipped classifier (or
  ``--model``), and relates the score to the persuadee's donation in ``meta``
  (Spearman correlation, the mean score of donors and non-donors, and the ROC
  AUC of the score for "donated anything");
- checks the buyer_question tagger against the corpus' own labels: a
  persuader sentence labelled ``personal-related-inquiry`` or
  ``task-related-inquiry`` counts as a question about the other person.

It is weak evidence: typed chats about a donation are not sales calls. The
corpus is for measuring only; without ``../shared/data`` the script says so
and exits 0.

    python benchmarks/persuasion_check.py [--model PATH] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from analyzer.analysis import Analyzer
from analyzer.roles import assign_roles
from analyzer.transcript import Cue, Transcript

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "persuasion-dev.jsonl"
INQUIRY = {"personal-related-inquiry", "task-related-inquiry"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--model", default="default")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} is not here", file=sys.stderr)
        return 0
    analyzer = Analyzer(model=args.model)
    scores, donations, intended = [], [], []
    tp = fp = fn = 0
    for line in open(args.data, encoding="utf-8"):
        conv = json.loads(line)
        cues = [Cue(t["speaker"], t["text"]) for t in conv["turns"] if t["text"].strip()]
        tr = Transcript.from_cues(cues, source=conv["id"], format="callcoach")
        roles = conv["meta"]["roles"]
        tr = assign_roles(tr, roles=roles)
        result = analyzer.analyze_transcript(tr)
        donee = next(p for s, p in conv["meta"]["participants"].items() if roles.get(s) == "buyer")
        if result.score is not None and donee.get("actual_donation") is not None:
            scores.append(result.score)
            donations.append(float(donee["actual_donation"]))
            intended.append(donee.get("intended_donation"))
        # buyer_question against the corpus' inquiry labels, sentence by sentence
        tagged = [t.text for t in result.tags if t.tag == "buyer_question"]
        for t in conv["turns"]:
            if roles.get(t["speaker"]) != "seller":
                continue
            gold = bool(INQUIRY & set(t["labels"].get("strategy") or []))
            pred = any(t["text"].strip() and (t["text"].strip() in q or q in t["text"]) for q in tagged)
            tp += gold and pred
            fp += pred and not gold
            fn += gold and not pred
    out: dict = {"chats": len(scores)}
    if scores:
        from scipy.stats import spearmanr
        from sklearn.metrics import roc_auc_score

        s = np.asarray(scores)
        d = np.asarray(donations)
        donated = d > 0
        rho, p = spearmanr(s, d)
        out.update(
            {
                "spearman_score_vs_donation": round(float(rho), 4),
                "spearman_p_value": round(float(p), 4),
                "mean_score_donors": round(float(s[donated].mean()), 2) if donated.any() else None,
                "mean_score_non_donors": round(float(s[~donated].mean()), 2) if (~donated).any() else None,
                "donors": int(donated.sum()),
                "roc_auc_score_for_donated": round(float(roc_auc_score(donated, s)), 4) if 0 < donated.sum() < len(d) else None,
                "mean_score": round(float(s.mean()), 2),
            }
        )
    p_ = tp / (tp + fp) if tp + fp else 0.0
    r_ = tp / (tp + fn) if tp + fn else 0.0
    out["buyer_question_vs_inquiry_labels"] = {
        "tp": tp, "fp": fp, "fn": fn, "precision": round(p_, 4), "recall": round(r_, 4),
        "f1": round(2 * p_ * r_ / (p_ + r_), 4) if p_ + r_ else 0.0,
    }
    print(json.dumps(out, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
