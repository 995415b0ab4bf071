"""Training and measuring the taggers' sentence models from gold folders.

- :func:`collect` runs each learned tagger's candidate search over annotated
  calls (with the gold roles) and labels every candidate by the gold quotes;
- :func:`fit_taggers` fits one :class:`~analyzer.nlp.learned.SentenceModel`
  per tagger;
- :func:`cross_validate_taggers` holds out one writer at a time, trains on
  the others, and measures rules-only beside learned on the held-out calls
  with the same matching as ``callcoach evaluate``.

Writers: a gold file's ``writer`` field, else the letters before the first
``-`` of its name (``td-004`` is writer ``td``), else its folder's name.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..gold import overlap
from ..transcript import Transcript
from .extensions import BUYER_QUESTION, IF_THEN_CLOSE, PITCH_INVITE
from ..roles import ROLE_MODEL
from .components.buyer_question import OPEN_MODEL
from .learned import SentenceModel, fit_sentence_model

#: The taggers that have a trained sentence model, by component name.
LEARNED = {
    PITCH_INVITE: "callcoach_pitch_invite",
    BUYER_QUESTION: "callcoach_buyer_question",
    IF_THEN_CLOSE: "callcoach_if_then_close",
}
#: Inverse regularisation strength of every sentence model.
DEFAULT_C = 1.0
#: The segmenter's probability cut for "a sentence starts here". A word
#: starts a sentence about one time in twelve, and the cut that finds the
#: most boundaries (0.25: word-level F1 0.55 with whole writers held out)
#: also splits many questions from their own preface ("and when the power
#: went out in january | how did the cafes take it"), each half then judged
#: alone. Higher cuts join more of them but also run separate questions
#: together. Chosen on the tags: with the project's writers in eight folds
#: held out, the micro F1 of the tags in their calls as unpunctuated speech
#: was 0.840 at 0.35 and 0.835 at 0.5; at 0.5 pivots fell from 0.838 to
#: 0.791 and dumps from 0.914 to 0.897 (an invitation merged into a long
#: sentence is missed, and its answer with it).
SEGMENT_THRESHOLD = 0.35
#: The cut for "this sentence is a question". Lower cuts find more of the
#: project's own questions but, on real telephone and meeting speech
#: (benchmarks/question_detection.py), turn far more statements into
#: questions than they find: with the segmenter's sentences at 0.5,
#: precision on merged Switchboard turns was 0.57 at this cut of 0.5 and
#: 0.65 at 0.7, for the same unpunctuated tag F1 on held-out writers.
QUESTION_END_THRESHOLD = 0.7
#: Folds of writers used to choose each model's probability cut.
INNER_FOLDS = 4
#: The probability cuts tried for a model (0.2 to 0.7 by 0.05).
CUTS = tuple(round(0.2 + 0.05 * k, 2) for k in range(11))

_WRITER = re.compile(r"^([A-Za-z]+)-")


def writer_of(gold_path: Path, raw: dict[str, Any] | None = None) -> str:
    """The writer group of a gold file (see the module docstring)."""
    if raw and isinstance(raw.get("writer"), str) and raw["writer"]:
        return raw["writer"]
    m = _WRITER.match(gold_path.name)
    return m.group(1) if m else gold_path.parent.name


@dataclass
class CallCandidates:
    """The candidates of one annotated call, per tag, with their gold labels."""

    gold_path: Path
    writer: str
    rows: dict[str, list[list[str]]] = field(default_factory=dict)
    labels: dict[str, list[int]] = field(default_factory=dict)
    rules: dict[str, list[bool]] = field(default_factory=dict)
    #: For each candidate, whether the gold question it overlaps is open (None:
    #: no gold tag, or one without the attribute).
    opens: dict[str, list[bool | None]] = field(default_factory=dict)
    #: Gold tags that no candidate overlaps (out of the model's reach), per tag.
    unreachable: dict[str, int] = field(default_factory=dict)
    gold_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class GoldCall:
    """One annotated call, read once: its gold labels, transcript (gold roles) and writer."""

    gold: Any
    transcript: Transcript
    writer: str


def _gold_transcript(gold, thresholds) -> Transcript:
    from ..readers import FAMILIES, read_transcript
    from ..roles import assign_roles

    transcript = read_transcript(
        gold.transcript_path,
        gold.format if gold.format in FAMILIES else None,
        speech_rate_words_per_second=thresholds.speech_rate_words_per_second,
    )
    return assign_roles(transcript, roles=gold.roles, thresholds=thresholds)


def load_calls(gold_paths: Iterable[str | Path], thresholds=None) -> tuple[list[GoldCall], list[dict[str, str]]]:
    """Read every gold file and its transcript; bad files are listed, not fatal."""
    from ..config import default_thresholds
    from ..errors import CallcoachError
    from ..gold import check_one_sidecar, load_gold

    thresholds = thresholds or default_thresholds()
    calls, errors = [], []
    seen: dict[Path, Path] = {}
    for gpath in map(Path, gold_paths):
        try:
            gold = load_gold(gpath)
            check_one_sidecar(gold, seen)
            raw = json.loads(gpath.read_text(encoding="utf-8-sig"))
            calls.append(GoldCall(gold, _gold_transcript(gold, thresholds), writer_of(gpath, raw)))
        except CallcoachError as exc:
            errors.append({"file": str(gpath), "error": str(exc)})
    return calls, errors


def collect(calls: Iterable[GoldCall], nlp=None, *, asr: bool = False) -> list[CallCandidates]:
    """Each learned tagger's candidates in every call, labelled by the gold quotes.

    nlp: the pipeline whose components find the candidates (its segmenter is
        used as it is); defaults to the rules-only pipeline.
    asr (bool): first rewrite each call as unpunctuated speech.
    """
    from ..asr import gold_as_asr, transcript_as_asr
    from ..errors import CallcoachError
    from ..gold import gold_ranges, turn_offsets
    from .pipeline import build_nlp, transcript_to_doc

    nlp = nlp or build_nlp(learned="none")
    comps = {tag: nlp.get_pipe(name) for tag, name in LEARNED.items()}
    out = []
    for item in calls:
        gold, transcript = item.gold, item.transcript
        if asr:
            gold, transcript = gold_as_asr(gold), transcript_as_asr(transcript)
        offs = turn_offsets(transcript)
        ranges: dict[str, list] = {tag: [] for tag in LEARNED}
        gold_open: dict[str, list] = {tag: [] for tag in LEARNED}
        try:
            for gt in gold.tags:
                if gt.tag in ranges:
                    ranges[gt.tag].append(gold_ranges(gold, gt, transcript, offs))
                    gold_open[gt.tag].append(gt.open)
        except CallcoachError:
            continue  # a quote the rewrite cannot find (checked on the original by load_calls' users)
        doc = transcript_to_doc(nlp, transcript)
        for name, proc in nlp.pipeline:
            if name not in LEARNED.values() and name != "callcoach_pitch_dump":
                doc = proc(doc)  # sentence boundaries (and the segmenter) only
        call = CallCandidates(gold.path, item.writer)
        for tag, comp in comps.items():
            # A candidate the guide rules out by definition is never tagged, whatever
            # the model says: it is left out of training too, so that its words
            # ("how are you" of the vetoed pleasantry) do not weigh against the
            # questions that share them ("how are you handling renewals?").
            cands = [c for c in comp.candidates(doc) if not c.veto]
            spans = [(c.span.start_char, c.span.end_char) for c in cands]
            call.rows[tag] = [c.features for c in cands]
            call.rules[tag] = [c.rule for c in cands]
            # A buyer question is one span per question, so each gold question
            # stands for one candidate; the invitation and close taggers join
            # the accepted sentences of one tag into one span, so every
            # candidate inside a gold invitation or close is part of it.
            if tag == BUYER_QUESTION:
                hits = _one_each(spans, ranges[tag])
            else:
                hits = [next((k for k, one in enumerate(ranges[tag]) if overlap(s, e, one)), None) for s, e in spans]
            call.labels[tag] = [int(k is not None) for k in hits]
            call.opens[tag] = [None if k is None else gold_open[tag][k] for k in hits]
            call.gold_counts[tag] = len(ranges[tag])
            call.unreachable[tag] = sum(
                1 for one in ranges[tag] if not any(overlap(s, e, one) for s, e in spans)
            )
        out.append(call)
    return out


def _one_each(spans: list[tuple[int, int]], golds: list[list[tuple[int, int]]]) -> list[int | None]:
    """The gold question each candidate stands for, one candidate per question.

    The guide tags each question once; where a call's question is split into
    several candidates (a follow-up the annotator heard as part of it, a turn
    without punctuation cut in two), the candidate that overlaps it most
    stands for it and the others are not questions of their own, as
    ``callcoach evaluate`` counts them. Questions are taken in order, each
    claiming the free candidate that overlaps it most (the earlier on a tie).
    """
    hits: list[int | None] = [None] * len(spans)
    for k, one in enumerate(golds):
        best, most = None, 0
        for i, (s, e) in enumerate(spans):
            if hits[i] is not None:
                continue
            covered = overlap(s, e, one)
            if covered > most:
                best, most = i, covered
        if best is not None:
            hits[best] = k
    return hits


def fit_all(calls: list[GoldCall], *, C: float = DEFAULT_C, thresholds=None) -> dict[str, SentenceModel]:
    """The segmenter's models, then each tagger's, fitted on ``calls`` as written and
    rewritten as unpunctuated speech (the segmenter splitting the latter, as it will
    when the models are used)."""
    from .pipeline import build_nlp

    models = fit_segmenter((c.transcript for c in calls), C=C, writers=(c.writer for c in calls))
    nlp = build_nlp(thresholds, learned="none")
    use_models(nlp, models)
    cands = collect(calls, nlp) + collect(calls, nlp, asr=True)
    models.update(fit_taggers(cands, C=C))
    models[ROLE_MODEL] = fit_roles(calls, C=C, thresholds=thresholds)
    return models


def fit_roles(
    calls: list[GoldCall], *, C: float = DEFAULT_C, tune_threshold: bool = True, thresholds=None
) -> SentenceModel:
    """The speaker model of role inference: seller (1) or buyer (0) for every
    speaker the gold gives one of those roles (``other`` stays with the rules
    of :func:`analyzer.roles._is_other`), from :func:`analyzer.roles.speaker_features`.

    Its cut (the probability at which a speaker beyond the most seller-like is a
    seller too) is the one that infers most speakers right on writers held out
    within ``calls`` (``tune_threshold``), as the taggers' cuts are chosen.
    """
    from ..roles import speaker_features

    threshold = _pick_role_threshold(calls, C, thresholds) if tune_threshold else 0.5
    rows, y = [], []
    for c in calls:
        features = speaker_features(c.transcript, thresholds=thresholds)
        for speaker, role in c.gold.roles.items():
            role = getattr(role, "value", role)
            if role in ("seller", "buyer") and speaker in features:
                rows.append(features[speaker])
                y.append(int(role == "seller"))
    card = {
        "trained_on": {
            "calls": len(calls),
            "writers": sorted({c.writer for c in calls}),
            "candidates": len(rows),
            "positives": int(sum(y)),
        },
        "estimator": f"LogisticRegression(C={C}, solver='liblinear') over the words and word pairs a speaker says and the role heuristic's signals",
    }
    return fit_sentence_model(ROLE_MODEL, rows, y, C=C, threshold=threshold, card=card)


def _pick_role_threshold(calls: list[GoldCall], C: float, thresholds=None) -> float:
    """The speaker model's cut that infers the most roles right over writers held out
    a fold at a time within ``calls`` (0.5 when there are fewer than three writers)."""
    from ..config import default_thresholds
    from ..roles import _infer

    thresholds = thresholds or default_thresholds()
    folds = _writer_folds(calls)
    if not folds:
        return 0.5
    right = dict.fromkeys(CUTS, 0)
    for held in folds:
        model = fit_roles([c for c in calls if c.writer not in held], C=C, tune_threshold=False)
        for call in (c for c in calls if c.writer in held):
            for cut in CUTS:
                roles, _ = _infer(call.transcript, {}, thresholds, model.with_threshold(cut))
                right[cut] += sum(roles[s].value == call.gold.roles.get(s) for s in call.transcript.speakers)
    return max(CUTS, key=lambda cut: (right[cut], -abs(cut - 0.5)))


def _writer_folds(calls) -> list[set[str]]:
    """The inner folds that choose a model's cut: :data:`INNER_FOLDS` groups of
    ``calls``' writers of about the same number of calls (:func:`writer_folds`),
    each to be held out whole; none when there are fewer than three writers."""
    if len({c.writer for c in calls}) < 3:
        return []
    return [set(group) for group in writer_folds(calls, INNER_FOLDS)]


def _pick_threshold(tag: str, calls: list[CallCandidates], C: float) -> float:
    """The probability cut that gives the best F1 over candidates of writers held out
    a fold at a time within ``calls`` (0.5 when there are fewer than three writers)."""
    import numpy as np

    folds = _writer_folds(calls)
    if not folds:
        return 0.5
    probs, ys = [], []
    for held in folds:
        train = [c for c in calls if c.writer not in held]
        test = [c for c in calls if c.writer in held]
        rows = [r for c in train for r in c.rows[tag]]
        y = [v for c in train for v in c.labels[tag]]
        test_rows = [r for c in test for r in c.rows[tag]]
        if not test_rows or len(set(y)) < 2:
            continue
        probs.append(fit_sentence_model(tag, rows, y, C=C).probabilities(test_rows))
        ys.extend(v for c in test for v in c.labels[tag])
    if not probs:
        return 0.5
    p, y = np.concatenate(probs), np.asarray(ys)
    best, best_f1 = 0.5, -1.0
    for cut in CUTS:
        tp = float(((p >= cut) & (y == 1)).sum())
        fp = float(((p >= cut) & (y == 0)).sum())
        fn = float(((p < cut) & (y == 1)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = cut, f1
    return best


def fit_taggers(
    calls: list[CallCandidates], *, C: float = DEFAULT_C, tune_threshold: bool = True
) -> dict[str, SentenceModel]:
    """One sentence model per learned tagger, fitted on every candidate of ``calls``.

    The probability cut of each is chosen by holding out the writers of
    ``calls`` one at a time (``tune_threshold``), never on the calls it is
    later measured on.
    """
    models = {}
    for tag in LEARNED:
        rows = [r for c in calls for r in c.rows[tag]]
        y = [v for c in calls for v in c.labels[tag]]
        writers = sorted({c.writer for c in calls})
        card = {
            "trained_on": {
                "calls": len({c.gold_path for c in calls}),
                "candidate_sets": len(calls),
                "writers": writers,
                "candidates": len(rows),
                "positives": int(sum(y)),
                "gold_tags": int(sum(c.gold_counts[tag] for c in calls)),
                "gold_out_of_reach": int(sum(c.unreachable[tag] for c in calls)),
            },
            "estimator": f"LogisticRegression(C={C}, solver='liblinear') over hashed word 1-3-grams and rule signals",
        }
        threshold = _pick_threshold(tag, calls, C) if tune_threshold else 0.5
        models[tag] = fit_sentence_model(tag, rows, y, C=C, threshold=threshold, card=card)
    models[OPEN_MODEL] = fit_open_model(calls, C=C)
    return models


def fit_open_model(calls: list[CallCandidates], *, C: float = DEFAULT_C) -> SentenceModel:
    """Whether a buyer question is open, from the buyer-question candidates that
    overlap a gold question with the attribute (their features as the tagger
    describes them: the question form, the words, where it stands in the call)."""
    pairs = [
        (row, int(is_open))
        for c in calls
        for row, is_open in zip(c.rows[BUYER_QUESTION], c.opens[BUYER_QUESTION])
        if is_open is not None
    ]
    rows, y = [r for r, _ in pairs], [v for _, v in pairs]
    card = {
        "trained_on": {
            "calls": len({c.gold_path for c in calls}),
            "candidate_sets": len(calls),
            "writers": sorted({c.writer for c in calls}),
            "candidates": len(rows),
            "positives": int(sum(y)),
            "gold_tags": len(rows),
            "gold_out_of_reach": 0,
        },
        "estimator": f"LogisticRegression(C={C}, solver='liblinear') over the buyer-question features",
    }
    return fit_sentence_model(OPEN_MODEL, rows, y, C=C, threshold=0.5, card=card)


def use_models(analyzer, models: dict[str, SentenceModel]) -> None:
    """Put fitted models (as :func:`fit_all` returns them) into an
    :class:`~analyzer.analysis.Analyzer`'s pipeline and role inference, or into
    a bare pipeline (``nlp``)."""
    from .components.segmenter import QUESTION_MODEL, START_MODEL

    nlp = getattr(analyzer, "nlp", analyzer)
    for tag, name in LEARNED.items():
        if tag in models:
            nlp.get_pipe(name).model = models[tag]
    if OPEN_MODEL in models:
        nlp.get_pipe(LEARNED[BUYER_QUESTION]).open_model = models[OPEN_MODEL]
    seg = nlp.get_pipe("callcoach_segmenter")
    seg.start_model, seg.question_model = models[START_MODEL], models[QUESTION_MODEL]
    if ROLE_MODEL in models and nlp is not analyzer:
        analyzer.role_model = models[ROLE_MODEL]


def save_taggers(models: dict[str, SentenceModel], out: str | Path, *, extra: dict[str, Any] | None = None) -> Path:
    """Write each model to ``out/TAG.npz`` (+ ``.json`` card) and a ``CARD.md`` summary."""
    from .components.segmenter import QUESTION_MODEL

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["# Tagger models", "", f"Trained {stamp}. Each model decides, for the candidate sentences its", "tagger finds, whether they are the tag (see `analyzer/nlp/learned.py`).", ""]
    for tag, model in models.items():
        card = dict(model.card, trained_at=stamp, **(extra or {}).get(tag, {}))
        SentenceModel(tag, model.weights, model.intercept, model.threshold, card).save(out / f"{tag}.npz")
        t = card["trained_on"]
        if tag == ROLE_MODEL:
            lines.append(
                f"- `{tag}`: {t['candidates']} speakers ({t['positives']} sellers, the rest buyers) of "
                f"{t['calls']} calls by writers {', '.join(t['writers'])}, with their gold roles."
            )
        elif tag == OPEN_MODEL:
            lines.append(
                f"- `{tag}`: {t['candidates']} buyer-question candidates ({t['positives']} open) from "
                f"{t['calls']} calls by writers {', '.join(t['writers'])} that overlap a gold question "
                "marked open or closed."
            )
        elif tag.startswith("segment_"):
            unit = "sentences" if tag == QUESTION_MODEL else "words"
            lines.append(
                f"- `{tag}`: {t['candidates']} {unit} ({t['positives']} positive) of the punctuated turns of "
                f"{t['calls']} calls by writers {', '.join(t['writers'])}, their punctuation stripped."
            )
        else:
            lines.append(
                f"- `{tag}`: {t['candidates']} candidates ({t['positives']} positive) from {t['calls']} calls "
                f"by writers {', '.join(t['writers'])}, each as written and as unpunctuated speech; "
                f"{t['gold_out_of_reach']} of {t['gold_tags']} gold tags were in no candidate sentence "
                "(none was found, or only one the guide's exclusions rule out)."
            )
        cv = card.get("cross_validation")
        if cv and "role_accuracy" in cv:
            lines.append(
                f"  Writer-held-out role accuracy: rules {cv['role_accuracy']['rules']}, "
                f"learned {cv['role_accuracy']['learned']}."
            )
        elif cv:
            lines.append(
                f"  Writer-held-out: rules P {cv['rules']['precision']} R {cv['rules']['recall']} F1 {cv['rules']['f1']}; "
                f"learned P {cv['learned']['precision']} R {cv['learned']['recall']} F1 {cv['learned']['f1']}."
            )
    (out / "CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def segment_rows(transcripts: Iterable[Transcript], nlp=None) -> dict[str, list]:
    """Word rows and labels for the segmenter from the punctuated turns of ``transcripts``.

    Each punctuated turn is split by the sentencizer; its punctuation is then
    dropped; every word is labelled (does it start a sentence?) and every
    sentence (is it a question?). RETURNS ``{"rows": [...], "start": [...],
    "sentences": [...], "question": [...]}``.
    """
    from .components.segmenter import training_rows
    from .pipeline import build_nlp

    nlp = nlp or build_nlp(learned="none")
    out: dict[str, list] = {"rows": [], "start": [], "sentences": [], "question": []}
    for transcript in transcripts:
        for seq in punctuated_turns(transcript, nlp):
            rows, start, sentences, question = training_rows(seq)
            out["rows"] += rows
            out["start"] += start
            out["sentences"] += sentences
            out["question"] += question
    return out


def punctuated_turns(transcript: Transcript, nlp=None) -> Iterator[list[tuple[str, bool, bool]]]:
    """Each punctuated turn of ``transcript`` (of two words or more) as the
    segmenter would read it without its punctuation: ``(word, starts_sentence,
    ends_question)`` for each word, lower-cased, the sentences as the
    sentencizer splits them."""
    from .components.segmenter import lacks_punctuation
    from .pipeline import build_nlp, transcript_to_doc

    nlp = nlp or build_nlp(learned="none")
    sentencizer = nlp.get_pipe(nlp.pipe_names[0])
    doc = sentencizer(transcript_to_doc(nlp, transcript))
    for turn in doc.spans["turns"]:
        if lacks_punctuation(turn):
            continue
        seq = []
        for sent in doc[turn.start : turn.end].sents:
            ws = [t for t in sent if not (t.is_space or t.is_punct)]
            question = any(t.text == "?" for t in sent[-3:])
            seq.extend((t.lower_, k == 0, question and k == len(ws) - 1) for k, t in enumerate(ws))
        if len(seq) >= 2:
            yield seq


def fit_segmenter(
    transcripts: Iterable[Transcript], *, C: float = DEFAULT_C, writers: Iterable[str] = ()
) -> dict[str, SentenceModel]:
    """The segmenter's two models (where sentences start; which sentences are
    questions), from punctuated calls with their punctuation stripped."""
    from .components.segmenter import QUESTION_MODEL, START_MODEL

    transcripts = list(transcripts)
    data = segment_rows(transcripts)
    card = {
        "trained_on": {
            "calls": len(transcripts),
            "words": len(data["rows"]),
            "writers": sorted(set(writers)),
            "candidates": len(data["rows"]),
            "gold_tags": 0,
            "gold_out_of_reach": 0,
        },
        "estimator": f"LogisticRegression(C={C}, solver='liblinear') over hashed 5-word windows",
    }
    start_card = dict(card, trained_on=dict(card["trained_on"], positives=int(sum(data["start"]))))
    q_card = dict(
        card,
        trained_on=dict(
            card["trained_on"],
            candidates=len(data["sentences"]),
            positives=int(sum(data["question"])),
        ),
        estimator=f"LogisticRegression(C={C}, solver='liblinear') over each sentence's words, word pairs, "
        "first two words and the window of its last word",
    )
    return {
        START_MODEL: fit_sentence_model(
            START_MODEL, data["rows"], data["start"], C=C, threshold=SEGMENT_THRESHOLD, card=start_card
        ),
        QUESTION_MODEL: fit_sentence_model(
            QUESTION_MODEL, data["sentences"], data["question"], C=C, threshold=QUESTION_END_THRESHOLD, card=q_card
        ),
    }


def writer_folds(calls: list[GoldCall], folds: int | None = None) -> list[list[str]]:
    """Writers grouped into folds: one writer per fold (``folds`` None), or
    ``folds`` groups of about the same number of calls (each writer, the
    largest first, joins the fold with the fewest calls so far; ties by name)."""
    size = Counter(c.writer for c in calls)
    writers = sorted(size)
    if folds is None or folds >= len(writers):
        return [[w] for w in writers]
    if folds < 2:
        raise ValueError(f"folds must be at least 2, not {folds}")
    groups: list[list[str]] = [[] for _ in range(folds)]
    load = [0] * folds
    for w in sorted(writers, key=lambda w: (-size[w], w)):
        k = min(range(folds), key=lambda k: (load[k], k))
        groups[k].append(w)
        load[k] += size[w]
    return [sorted(g) for g in groups]


def cross_validate_taggers(
    gold_paths: Iterable[str | Path],
    *,
    thresholds=None,
    C: float = DEFAULT_C,
    asr: bool = False,
    folds: int | None = None,
) -> dict[str, Any]:
    """Hold out whole writers: rules-only beside learned, per tag, on the held-out calls.

    The models of each fold (segmenter and taggers) are fitted on the other
    writers' calls only. asr (bool): also measure, with the same fold models,
    on the held-out calls rewritten as unpunctuated speech. folds (int |
    None): hold out one writer at a time (None), or this many groups of
    writers (:func:`writer_folds`; faster, each model trained on fewer calls).
    RETURNS (dict): ``writers``, ``folds``, ``calls``, ``errors``, ``out_of_reach`` and,
        for ``punctuated`` (and ``unpunctuated`` with ``asr``), ``rules`` and
        ``learned`` :class:`analyzer.evaluate.Evaluation` objects and
        ``per_writer`` tag figures. The punctuated ones also stand at the top
        level as ``rules``, ``learned`` and ``per_writer``.
    """
    from ..analysis import Analyzer
    from ..config import default_thresholds
    from ..evaluate import Evaluation, evaluate_call

    thresholds = thresholds or default_thresholds()
    calls, errors = load_calls(gold_paths, thresholds)
    writers = sorted({c.writer for c in calls})
    rules_an = Analyzer(thresholds, model=None, taggers="none")
    learned_an = Analyzer(thresholds, model=None, taggers="none")
    modes = {"punctuated": False, "unpunctuated": True} if asr else {"punctuated": False}
    reports = {m: {"rules": [], "learned": [], "per_writer": {}} for m in modes}
    groups = writer_folds(calls, folds)
    for held in groups:
        use_models(learned_an, fit_all([c for c in calls if c.writer not in held], C=C, thresholds=thresholds))
        for w in held:
            test = [c for c in calls if c.writer == w]
            for mode, rewrite in modes.items():
                r = [evaluate_call(rules_an, c.gold, asr=rewrite) for c in test]
                lr = [evaluate_call(learned_an, c.gold, asr=rewrite) for c in test]
                reports[mode]["rules"] += r
                reports[mode]["learned"] += lr
                reports[mode]["per_writer"][w] = {
                    "calls": len(test),
                    "rules": Evaluation(calls=r, errors=[]).to_dict()["tags"],
                    "learned": Evaluation(calls=lr, errors=[]).to_dict()["tags"],
                }
    reach = collect(calls)
    out: dict[str, Any] = {
        "writers": writers,
        "folds": groups,
        "calls": len(calls),
        "errors": errors,
        "out_of_reach": {tag: sum(c.unreachable[tag] for c in reach) for tag in LEARNED},
    }
    for mode, rep in reports.items():
        out[mode] = {
            "rules": Evaluation(calls=rep["rules"], errors=[]),
            "learned": Evaluation(calls=rep["learned"], errors=[]),
            "per_writer": rep["per_writer"],
        }
    out.update(out["punctuated"])
    return out


def train_taggers(
    gold_paths: Iterable[str | Path],
    out: str | Path,
    *,
    thresholds=None,
    C: float = DEFAULT_C,
    cross_validate: bool = True,
) -> dict[str, Any]:
    """Fit the segmenter and every tagger's sentence model on annotated calls; write them to ``out``.

    gold_paths: ``*.gold.json`` files (see :func:`analyzer.gold.find_gold_files`).
    out: the folder to write (``NAME.npz`` with a ``.json`` card each, and ``CARD.md``).
    cross_validate (bool): first measure rules-only beside learned with whole
        writers held out, and record the figures in the cards.
    RETURNS (dict): ``{"models": {...}, "cross_validation": {...} | None, "errors": [...]}``.
    RAISES (ConfigError): E321 when no gold file can be used.
    """
    from ..config import default_thresholds
    from ..errors import ConfigError

    thresholds = thresholds or default_thresholds()
    gold_paths = [Path(p) for p in gold_paths]
    calls, errors = load_calls(gold_paths, thresholds)
    if not calls:
        raise ConfigError("no usable gold files to train the taggers on", code="E321")
    cv = None
    if cross_validate and len({c.writer for c in calls}) > 1:
        cv = cross_validate_taggers(gold_paths, thresholds=thresholds, C=C)
    models = fit_all(calls, C=C, thresholds=thresholds)
    extra: dict[str, Any] = {name: {} for name in models}
    if cv is not None:
        rules, learned = cv["rules"].totals(), cv["learned"].totals()
        for tag in LEARNED:
            extra[tag]["cross_validation"] = {
                "held_out": "whole writers, one at a time",
                "writers": cv["writers"],
                "rules": rules[tag].to_dict(),
                "learned": learned[tag].to_dict(),
            }
        extra[ROLE_MODEL]["cross_validation"] = {
            "held_out": "whole writers, one at a time",
            "writers": cv["writers"],
            "role_accuracy": {"rules": cv["rules"].role_accuracy(), "learned": cv["learned"].role_accuracy()},
        }
    save_taggers(models, out, extra=extra)
    return {"models": models, "cross_validation": cv, "errors": errors}
