"""Measure the taggers against hand-labelled calls (``NAME.gold.json`` sidecars).

Each call is analysed with its gold roles. A predicted tag matches a gold
tag of the same name and speaker when their texts overlap in the call; each
gold tag and each prediction match at most once. From the matches come
per-tag precision, recall and F1, the accuracy of the ``open`` attribute on
matched buyer questions, and two measures of role inference: how many
speakers it gets right, and how far the seller talk share moves when the
roles are inferred instead of given (the talk-share error).

Reading the sidecars (:func:`~analyzer.gold.find_gold_files`,
:func:`~analyzer.gold.load_gold`) lives in :mod:`analyzer.gold`, which
training reads too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .analysis import Analyzer
from .errors import CallcoachError, GoldFormatError
from .gold import Gold, check_one_sidecar, find_gold_files, gold_ranges, load_gold, overlap, turn_offsets
from .metrics import seller_talk_share
from .nlp.extensions import TAG_NAMES
from .readers import read_transcript
from .result import AnalysisResult, Tag
from .roles import assign_roles
from .transcript import Transcript


@dataclass
class TagCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": _r(self.precision),
            "recall": _r(self.recall),
            "f1": _r(self.f1),
        }


@dataclass
class CallReport:
    file: str
    counts: dict[str, TagCounts]
    open_correct: int
    open_total: int
    role_correct: int
    role_total: int
    talk_share_given: float | None
    talk_share_inferred: float | None
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    result: AnalysisResult | None = None
    gold: Gold | None = None
    seen_in_training: bool = False


@dataclass
class Evaluation:
    """Everything ``callcoach evaluate`` reports."""

    calls: list[CallReport]
    errors: list[dict[str, str]]

    def totals(self) -> dict[str, TagCounts]:
        out = {name: TagCounts() for name in TAG_NAMES}
        for call in self.calls:
            for name, c in call.counts.items():
                o = out[name]
                o.tp += c.tp
                o.fp += c.fp
                o.fn += c.fn
        return out

    def micro(self) -> TagCounts:
        m = TagCounts()
        for c in self.totals().values():
            m.tp += c.tp
            m.fp += c.fp
            m.fn += c.fn
        return m

    def open_accuracy(self) -> float | None:
        total = sum(c.open_total for c in self.calls)
        return sum(c.open_correct for c in self.calls) / total if total else None

    def role_accuracy(self) -> float | None:
        total = sum(c.role_total for c in self.calls)
        return sum(c.role_correct for c in self.calls) / total if total else None

    def talk_share_error(self) -> float | None:
        diffs = [
            abs(c.talk_share_given - c.talk_share_inferred)
            for c in self.calls
            if c.talk_share_given is not None and c.talk_share_inferred is not None
        ]
        return sum(diffs) / len(diffs) if diffs else None

    def label_figures(self) -> dict[str, Any] | None:
        """Label accuracy, ROC AUC and Brier score where gold labels and scores exist."""
        scored = [
            c
            for c in self.calls
            if c.gold is not None and c.gold.label in ("seller_centric", "buyer_centric")
            and c.result is not None and c.result.score is not None
        ]
        pairs = [(c.gold.label, c.result.score, c.result.model) for c in scored]
        if not pairs:
            return None
        y = [1 if lab == "buyer_centric" else 0 for lab, _, _ in pairs]
        p = [s / 100.0 for _, s, _ in pairs]
        acc = sum((pi >= 0.5) == bool(yi) for yi, pi in zip(y, p)) / len(y)
        brier = sum((pi - yi) ** 2 for yi, pi in zip(y, p)) / len(y)
        auc = None
        if 0 < sum(y) < len(y):
            from sklearn.metrics import roc_auc_score

            auc = float(roc_auc_score(y, p))
        seen = sum(1 for c in scored if c.seen_in_training)
        return {
            "calls": len(y),
            "accuracy": _r(acc),
            "roc_auc": _r(auc),
            "brier": _r(brier),
            "model": pairs[0][2],
            "calls_in_training_data": seen,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "calls": len(self.calls),
            "labels": self.label_figures(),
            "errors": self.errors,
            "tags": {name: c.to_dict() for name, c in self.totals().items()},
            "micro": self.micro().to_dict(),
            "open_accuracy": _r(self.open_accuracy()),
            "open_matched": sum(c.open_total for c in self.calls),
            "role_accuracy": _r(self.role_accuracy()),
            "talk_share_error": _r(self.talk_share_error()),
            "per_call": [
                {
                    "file": c.file,
                    "tags": {n: k.to_dict() for n, k in c.counts.items() if k.tp or k.fp or k.fn},
                    "misses": c.misses,
                    "false_alarms": c.false_alarms,
                    "role_correct": c.role_correct,
                    "role_total": c.role_total,
                    "talk_share_given": c.talk_share_given,
                    "talk_share_inferred": c.talk_share_inferred,
                }
                for c in self.calls
            ],
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def predicted_range(tag: Tag, transcript: Transcript, offs: list[int]) -> tuple[int, int]:
    turn = transcript.turns[tag.turn]
    i = turn.text.find(tag.text[: max(1, min(len(tag.text), len(turn.text)))])
    start = offs[tag.turn] + max(0, i)
    return start, start + len(tag.text)


def evaluate_call(analyzer: Analyzer, gold: Gold, *, asr: bool = False) -> CallReport:
    """Measure ``analyzer`` on one annotated call.

    asr (bool): first rewrite the call and its gold quotes as unpunctuated
        lower-case speech (:mod:`analyzer.asr`).
    """
    from .readers import FAMILIES

    transcript = read_transcript(
        gold.transcript_path,
        gold.format if gold.format in FAMILIES else None,  # the annotator's word wins over detection
        speech_rate_words_per_second=analyzer.thresholds.speech_rate_words_per_second,
    )
    if asr:
        from .asr import gold_as_asr, transcript_as_asr

        transcript, gold = transcript_as_asr(transcript), gold_as_asr(gold)
    unknown = sorted(set(transcript.speakers) - set(gold.roles))
    if unknown:
        raise GoldFormatError(str(gold.path), f"no role for speaker(s) {unknown}", code="E407")
    given = assign_roles(transcript, roles=gold.roles, thresholds=analyzer.thresholds)
    inferred = assign_roles(transcript, thresholds=analyzer.thresholds, model=getattr(analyzer, "role_model", "default"))
    result = analyzer.analyze_transcript(given)
    offs = turn_offsets(transcript)
    counts = {name: TagCounts() for name in TAG_NAMES}
    preds = [(t, predicted_range(t, transcript, offs)) for t in result.tags]
    match = _match(gold, transcript, offs, preds)
    used = set(match.values())
    open_correct = open_total = 0
    misses = []
    for g, gt in enumerate(gold.tags):
        hit = match.get(g)
        if hit is None:
            counts[gt.tag].fn += 1
            misses.append({"tag": gt.tag, "speaker": gt.speaker, "quote": gt.quote})
            continue
        counts[gt.tag].tp += 1
        if gt.tag == "buyer_question" and gt.open is not None:
            open_total += 1
            open_correct += int(bool(preds[hit][0].open) == bool(gt.open))
    false_alarms = []
    for k, (pt, _) in enumerate(preds):
        if k not in used:
            counts[pt.tag].fp += 1
            false_alarms.append({"tag": pt.tag, "speaker": pt.speaker, "text": pt.text[:200]})
    role_correct = sum(
        1 for s in transcript.speakers if inferred.roles[s].value == gold.roles.get(s)
    )
    return CallReport(
        file=str(gold.transcript_path),
        counts=counts,
        open_correct=open_correct,
        open_total=open_total,
        role_correct=role_correct,
        role_total=len(transcript.speakers),
        talk_share_given=seller_talk_share(given),
        talk_share_inferred=seller_talk_share(inferred),
        misses=misses,
        false_alarms=false_alarms,
        result=result,
        gold=gold,
        seen_in_training=_seen_in_training(analyzer, gold.transcript_path),
    )


def _match(gold: Gold, transcript: Transcript, offs: list[int], preds: list[tuple[Tag, tuple[int, int]]]) -> dict[int, int]:
    """The most pairs of a gold tag and a prediction that can be made, each
    used at most once, where a pair has the same tag and speaker and
    overlapping text: ``{gold index: prediction index}``.

    Taking, gold tag by gold tag, the first free prediction it overlaps can
    leave a pair unmade (a prediction spanning two gold questions taken by
    the first, whose own prediction then goes unused); a maximum matching
    of the overlap graph cannot.
    """
    pairs = []
    for g, gt in enumerate(gold.tags):
        ranges = gold_ranges(gold, gt, transcript, offs)
        for k, (pt, (ps, pe)) in enumerate(preds):
            if pt.tag == gt.tag and pt.speaker == gt.speaker and overlap(ps, pe, ranges):
                pairs.append((g, k))
    return maximum_pairs(pairs, len(gold.tags), len(preds))


def maximum_pairs(pairs: list[tuple[int, int]], n_gold: int, n_pred: int) -> dict[int, int]:
    """A largest set of ``pairs`` (gold index, prediction index) using each index at most once."""
    if not pairs:
        return {}
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    rows, cols = zip(*pairs)
    graph = csr_matrix(([1] * len(pairs), (rows, cols)), shape=(n_gold, n_pred))
    paired = maximum_bipartite_matching(graph, perm_type="column")
    return {g: int(k) for g, k in enumerate(paired) if k >= 0}


def _seen_in_training(analyzer: Analyzer, path: Path) -> bool:
    model = getattr(analyzer, "model", None)
    if model is None:
        return False
    seen = model.metadata.get("training_sha256") or ()
    if not seen:
        return False
    from .classifier.model import file_sha256

    return file_sha256(path) in set(seen)


def evaluate_paths(
    paths: Iterable[str | Path], analyzer: Analyzer | None = None, *, asr: bool = False
) -> Evaluation:
    """Evaluate every gold sidecar found under ``paths``; bad files are reported, not fatal.

    asr (bool): measure on the calls rewritten as unpunctuated speech.
    """
    analyzer = analyzer or Analyzer()
    calls, errors = [], []
    seen: dict[Path, Path] = {}
    for gpath in find_gold_files(paths):
        try:
            gold = load_gold(gpath)
            check_one_sidecar(gold, seen)
            calls.append(evaluate_call(analyzer, gold, asr=asr))
        except CallcoachError as exc:
            errors.append({"file": str(gpath), "error": str(exc)})
    return Evaluation(calls=calls, errors=errors)
