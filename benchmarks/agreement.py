"""Agreement between two annotators who labelled the same calls blind.

``data/agreement/`` holds copies of calls from ``data/train/`` with a second
annotator's sidecars. For each tag this prints how the second annotator's
spans match the first's (F1 with either as reference is the same number),
the share of matched buyer questions on which both give the same ``open``,
and the call labels side by side.

Spans match as ``callcoach evaluate`` matches them: same tag, same turn,
overlapping characters, as many pairs as can be made. Turns are compared by
position, so a call converted to another format (speaker ids instead of
names) still lines up.

Usage: python benchmarks/agreement.py [data/agreement] [data/train]
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from analyzer.evaluate import maximum_pairs
from analyzer.gold import find_gold_files, gold_ranges, load_gold, overlap, turn_offsets
from analyzer.nlp.extensions import TAG_NAMES
from analyzer.readers import FAMILIES, read_transcript


def spans(gold_path: Path) -> tuple[dict[str, list[tuple[int, int, int, bool | None]]], str | None]:
    """Each tag's spans as ``(turn, start, end, open)`` with offsets inside the turn."""
    gold = load_gold(gold_path)
    transcript = read_transcript(gold.transcript_path, gold.format if gold.format in FAMILIES else None)
    offs = turn_offsets(transcript)
    out: dict[str, list] = defaultdict(list)
    for gt in gold.tags:
        s, e = gold_ranges(gold, gt, transcript, offs)[0]
        turn = max(i for i, o in enumerate(offs) if o <= s)
        out[gt.tag].append((turn, s - offs[turn], e - offs[turn], gt.open))
    return out, gold.label


def main(agreement: Path, primary_dir: Path) -> int:
    for folder in (agreement, primary_dir):
        if not folder.is_dir():
            print(f"{folder}: not a folder of annotated calls")
            return 2
    counts = {tag: [0, 0, 0] for tag in TAG_NAMES}  # matched, only first, only second
    open_same = open_total = 0
    labels = []
    for second in find_gold_files([agreement]):
        first = primary_dir / second.name
        if not first.exists():
            print(f"{second.name}: no first annotation in {primary_dir}")
            continue
        a, la = spans(first)
        b, lb = spans(second)
        labels.append((second.name.split(".")[0], la, lb))
        for tag in TAG_NAMES:
            xs, ys = a.get(tag, []), b.get(tag, [])
            pairs = [
                (i, k)
                for i, (ta, sa, ea, _) in enumerate(xs)
                for k, (tb, sb, eb, _) in enumerate(ys)
                if tb == ta and overlap(sa, ea, [(sb, eb)])
            ]
            matched = maximum_pairs(pairs, len(xs), len(ys))
            counts[tag][0] += len(matched)
            counts[tag][1] += len(xs) - len(matched)
            counts[tag][2] += len(ys) - len(matched)
            if tag == "buyer_question":
                for i, k in matched.items():
                    if xs[i][3] is not None and ys[k][3] is not None:
                        open_total += 1
                        open_same += xs[i][3] == ys[k][3]
    if not labels:
        print(f"{agreement}: no call there has a first annotation in {primary_dir}")
        return 1
    print(f"{len(labels)} calls labelled by two annotators\n")
    print(f"{'tag':15s} {'both':>5s} {'first only':>10s} {'second only':>11s} {'F1':>6s}")
    for tag, (m, fa, sb) in counts.items():
        f1 = 2 * m / (2 * m + fa + sb) if m + fa + sb else float("nan")
        print(f"{tag:15s} {m:5d} {fa:10d} {sb:11d} {f1:6.3f}")
    m = sum(c[0] for c in counts.values())
    rest = sum(c[1] + c[2] for c in counts.values())
    print(f"{'all':15s} {m:5d} {'':10s} {'':11s} {2 * m / (2 * m + rest):6.3f}")
    if open_total:
        print(f"\nopen: same on {open_same} of {open_total} matched buyer questions ({open_same / open_total:.3f})")
    same = sum(1 for _, x, y in labels if x == y)
    print(f"call label: same on {same} of {len(labels)} calls")
    for name, x, y in labels:
        if x != y:
            print(f"  {name}: {x} / {y}")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("agreement", nargs="?", type=Path, default=Path("data/agreement"), help="the second annotator's calls")
    ap.add_argument("primary", nargs="?", type=Path, default=Path("data/train"), help="the same calls as first labelled")
    args = ap.parse_args()
    raise SystemExit(main(args.agreement, args.primary))
