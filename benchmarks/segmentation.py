"""How much of the tags' loss on unpunctuated speech is the segmenter's.

Each annotated call is analysed three ways with the shipped models:

- as written (punctuated);
- as unpunctuated speech (:mod:`analyzer.asr`), the segmenter finding the
  sentences of each turn, as ``callcoach evaluate --asr`` does;
- as unpunctuated speech, each turn the writer punctuated split where the
  writer's own sentences start (its punctuation still stripped, and the
  segmenter's question model still judging which sentences ask). Turns
  written without punctuation, and the few whose words the rewrite changes,
  keep the segmenter's sentences.

The third is the most a better start model could give these taggers; the
gap between the second and the third is the segmenter's share of the loss,
and the gap between the third and the first is the rest (the question marks
themselves, and the taggers). Before the tags, the start model is scored
word by word on the punctuated turns with their punctuation stripped:
precision, recall and F1 of "a sentence starts here" at its cut, and the
share of question starts and of starts after a question that it finds.

By default only the calls of writers the shipped segmenter never saw are
used (its card lists the writers it was trained on); ``--all`` takes every
call, on which the figures are in-sample.

``--taggers DIR`` measures the models in a folder written by ``callcoach
train-taggers`` instead of the shipped ones (the writers left out are then
those its segmenter's card does not list).

Usage: python benchmarks/segmentation.py [--all] [--taggers DIR] [folders ...]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy

from analyzer.analysis import Analyzer
from analyzer.config import default_thresholds
from analyzer.errors import CallcoachError
from analyzer.evaluate import Evaluation, TagCounts, evaluate_call
from analyzer.gold import find_gold_files
from analyzer.nlp.components.segmenter import START_MODEL
from analyzer.nlp.extensions import TAG_NAMES
from analyzer.nlp.training import load_calls, punctuated_turns


def start_scores(segmenter, turns: list[list[tuple[str, bool, bool]]]) -> tuple[TagCounts, TagCounts, TagCounts]:
    """Word-level counts of the start model on turns read without punctuation:
    every sentence start, the starts of questions, and the starts right after
    a question (for the last two only ``tp`` and ``fn`` count)."""
    every, questions, after = TagCounts(), TagCounts(), TagCounts()
    for seq in turns:
        guess = segmenter.sentence_starts([w for w, _, _ in seq])
        starts = [k for k, (_, s, _) in enumerate(seq) if s or k == 0]
        asks = {a: seq[b - 1][2] for a, b in zip(starts, starts[1:] + [len(seq)])}
        for k in range(1, len(seq)):  # the first word always starts one
            found, true = bool(guess[k]), seq[k][1]
            every.tp += found and true
            every.fp += found and not true
            every.fn += true and not found
            for counts, kind in ((questions, asks.get(k, False)), (after, seq[k - 1][2])):
                if true and kind:
                    counts.tp += found
                    counts.fn += not found
    return every, questions, after


def main(folders: list[Path], every: bool, taggers: str = "default") -> int:
    thresholds = default_thresholds()
    try:
        analyzer = Analyzer(thresholds, model=None, taggers=taggers)
    except CallcoachError as err:
        print(err)
        return 2
    segmenter = analyzer.nlp.get_pipe("callcoach_segmenter")
    if segmenter.start_model is None:
        print(f"no segmenter model in {taggers}: nothing to measure")
        return 1
    seen = set(segmenter.start_model.card.get("trained_on", {}).get("writers", []))
    calls, errors = load_calls(find_gold_files(folders), thresholds)
    for err in errors:
        print(f"skipped {err['file']}: {err['error']}")
    if not every:
        calls = [c for c in calls if c.writer not in seen]
    if not calls:
        print(f"no call by a writer the {START_MODEL} model did not see (--all takes every call)")
        return 1
    writers = sorted({c.writer for c in calls})
    print(f"{len(calls)} calls by {len(writers)} writer groups ({', '.join(writers)}); "
          + ("every call, so in-sample where the models saw it" if every else "none seen by the models measured"))

    turns: dict[tuple[str, ...], numpy.ndarray] = {}  # words of a punctuated turn -> the writer's starts
    all_turns = []
    for call in calls:
        for seq in punctuated_turns(call.transcript, analyzer.nlp):
            all_turns.append(seq)
            turns[tuple(w for w, _, _ in seq)] = numpy.array([s for _, s, _ in seq], dtype=bool)
    every, questions, after = start_scores(segmenter, all_turns)
    words = sum(len(seq) - 1 for seq in all_turns)  # each turn's first word always starts a sentence
    print(f"\nsentence starts, {words:,} words of punctuated turns read without it "
          f"({every.tp + every.fn:,} starts), cut {segmenter.start_model.threshold}:")
    print(f"  precision {every.precision:.3f}  recall {every.recall:.3f}  F1 {every.f1:.3f}")
    print(f"  found {questions.recall:.3f} of the {questions.tp + questions.fn:,} question starts, "
          f"{after.recall:.3f} of the starts after a question")

    by_model = segmenter.turn_starts  # the segmenter splits a call's turns together
    used = {"writer": 0, "segmenter": 0}

    def writers_starts(batch):
        strings = segmenter.vocabulary.strings
        out = by_model(batch)
        for k in range(len(batch)):
            given = turns.get(tuple(strings[n] for n in batch.words[batch.turn(k)]))
            used["segmenter" if given is None else "writer"] += 1
            if given is not None:
                out[k] = given.copy()
        return out

    results = {}
    for name, asr, given in (("punctuated", False, False), ("segmenter", True, False), ("writer's sentences", True, True)):
        segmenter.turn_starts = writers_starts if given else by_model
        reports = [evaluate_call(analyzer, call.gold, asr=asr) for call in calls]
        results[name] = Evaluation(calls=reports, errors=[])
    segmenter.turn_starts = by_model
    if not used["writer"]:
        raise SystemExit("no turn was split at the writer's sentences: the segmenter no longer splits through turn_starts")
    print(f"\nunpunctuated turns split at the writer's sentences: {used['writer']:,}; "
          f"left to the segmenter (written without punctuation, or words changed): {used['segmenter']:,}")
    print(f"\ntag F1 {'':17s}" + "".join(f"{name:>20s}" for name in results))
    for tag in TAG_NAMES:
        print(f"  {tag:22s}" + "".join(f"{ev.totals()[tag].f1:20.3f}" for ev in results.values()))
    print(f"  {'micro':22s}" + "".join(f"{ev.micro().f1:20.3f}" for ev in results.values()))
    bq = {name: ev.totals()["buyer_question"] for name, ev in results.items()}
    print(f"  {'buyer_question P / R':22s}" + "".join(f"{v.precision:11.3f} / {v.recall:.3f}" for v in bq.values()))
    print(f"  {'open':22s}" + "".join(f"{ev.open_accuracy():20.4f}" for ev in results.values()))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[Path("data/samples"), Path("data/train")])
    parser.add_argument("--all", action="store_true", help="every call, not only the writers the models never saw")
    parser.add_argument("--taggers", default="default", help="a folder of tagger models (default: the shipped ones)")
    args = parser.parse_args()
    raise SystemExit(main(args.folders, args.all, args.taggers))
