"""The annotators' form checker (the labeller brief's ``check_gold.py``): it
checks sidecars and never tags anything, so that labels stay the annotator's.

    python data/briefs/check_gold.py --show FILE...    each transcript's turns as the reader sees them
    python data/briefs/check_gold.py FILE_OR_DIR...    check sidecars: JSON, fields, every speaker's
                                                       role, quotes in a turn of their speaker

Exit status 1 when any problem is printed.
"""
import json
import sys
from pathlib import Path

from analyzer.classifier.model import CONFIDENCES, LABELS
from analyzer.errors import GoldFormatError
from analyzer.gold import GoldTag, find_gold_files, gold_ranges, load_gold, turn_offsets
from analyzer.readers import read_transcript
from analyzer.transcript import Role

ROLES = {role.value for role in Role}


def show(path):
    tr = read_transcript(path)
    print(f"== {path}: {len(tr.turns)} turns, speakers: {', '.join(tr.speakers)}")
    for i, t in enumerate(tr.turns, 1):
        print(f"[{i}] {t.speaker}: {t.text}")


def check(path):
    problems = []
    try:
        gold = load_gold(path, check_values=False)  # (label, confidence and open are listed below)
    except GoldFormatError as exc:
        return [str(exc)]
    raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # as load_gold reads it
    tr = read_transcript(gold.transcript_path)
    speakers = set(tr.speakers)
    for s in speakers - set(gold.roles):
        problems.append(f"speaker {s!r} has no role")
    for s, r in gold.roles.items():
        if s not in speakers:
            problems.append(f"role given for {s!r}, who is not a speaker (speakers: {sorted(speakers)})")
        if r not in ROLES:
            problems.append(f"role of {s!r} is {r!r}; expected {' or '.join(sorted(ROLES))}")
    if gold.label not in LABELS:
        problems.append(f"label: expected {' or '.join(LABELS)}")
    if gold.label_confidence not in CONFIDENCES:
        problems.append(f"label_confidence: expected {' or '.join(CONFIDENCES)}")
    offs = turn_offsets(tr)
    for i, t in enumerate(gold.tags):
        if t.tag == "buyer_question" and not isinstance(t.open, bool):
            problems.append(f"tags[{i}]: buyer_question needs open true/false")
        if t.tag == "pitch_dump" and not isinstance(raw["tags"][i].get("words"), int):
            problems.append(f"tags[{i}]: pitch_dump needs words (an integer)")
        try:
            gold_ranges(gold, t, tr, offs)
        except GoldFormatError as exc:
            problems.append(f"tags[{i}]: {exc}")
    for i, h in enumerate(raw.get("hard_negatives") or []):
        if not isinstance(h, dict) or not all(isinstance(h.get(k), str) and h.get(k) for k in ("speaker", "quote", "looks_like", "why_not")):
            problems.append(f"hard_negatives[{i}]: expected speaker, quote, looks_like and why_not")
            continue
        try:
            gold_ranges(gold, GoldTag(f"hard negative ({h['looks_like']})", h["speaker"], h["quote"]), tr, offs)
        except GoldFormatError as exc:
            problems.append(f"hard_negatives[{i}]: {exc}")
    return problems


def main(argv):
    if argv and argv[0] == "--show":
        for p in argv[1:]:
            show(p)
        return 0
    files = find_gold_files(argv)
    total = 0
    for f in files:
        probs = check(f)
        total += len(probs)
        for p in probs:
            print(f"{f}: {p}")
    print(f"{len(files)} sidecars, {total} problems")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
