"""Words per second of the whole analysis, beside the bare spaCy tokenizer in the same run.

Four calls, built from the project's own annotated calls (``data/train``)
with their gold roles, so that who talks most differs:

- ``seller-heavy``: two speakers; the seller's turns make up about three
  quarters of the words;
- ``buyer-heavy``: two speakers; the buyer's turns make up about three
  quarters of the words;
- ``many-speakers``: whole calls one after another, each keeping its own
  speakers: the first punctuated call of each of the first twelve writers
  by name (the same calls however the corpus grows);
- ``200k``: the many-speakers call grown to 200,000 words;

plus the samples read from disk, the 200,000-word call cut to 10,000 and
50,000 words (time per 1,000 words should stay flat), the same 200,000
words as twenty calls of about 10,000 words and as four of about 50,000
(one after another, so that a call's length changes and what is said does
not: the cuts above hold only the first few of the calls the 200,000 words
are built from, so they change both), and the seller-heavy call rewritten
as unpunctuated speech (where the segmenter works).

Each figure is the best of ``--repeat`` runs; ``cold w/s`` is the analysis
with the tokenizer's memory of words emptied before each run (as for the
first call a process sees); ``inferred w/s`` is the analysis of the same
call given without its roles, so that they are inferred first, as on the
command line and in batch scoring when no roles are given (the samples
from disk always are). The baseline is the tokenizer of a bare
``spacy.blank("en")``; the ratio is the analysis's
words per second over the tokenizer's on the same text in the same run, so
it holds on a busy machine where absolute figures do not. ``--profile``
prints the time per stage of the analysis on each call, with reading the
call back from a plain-text transcript as the first.

``--cpu`` reads each process's CPU time instead of the elapsed time (both
sides of the ratio alike): on a machine shared with other jobs it varies
less from run to run.

    python benchmarks/throughput.py [--repeat N] [--json] [--profile] [--cpu]
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

import spacy

from analyzer import feedback as fb
from analyzer.analysis import Analyzer, tags_from_doc
from analyzer.asr import transcript_as_asr
from analyzer.gold import find_gold_files
from analyzer.metrics import compute_metrics
from analyzer.nlp import extensions as ext
from analyzer.nlp.pipeline import transcript_to_doc
from analyzer.nlp.components.segmenter import lacks_punctuation
from analyzer.nlp.training import GoldCall, load_calls
from analyzer.readers import read_transcript
from analyzer.roles import assign_roles
from analyzer.transcript import Cue, Role, Transcript

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TRAIN = ROOT / "data" / "train"


def _cues_of(transcripts, rename, keep, limit: int) -> list[Cue]:
    cues, total, t = [], 0, 0.0
    while total < limit:
        for tr in transcripts:
            for turn in tr.turns:
                if not keep(tr, turn):
                    continue
                dur = turn.words / 2.6
                cues.append(Cue(rename(tr, turn), turn.text, round(t, 2), round(t + dur, 2)))
                t += dur + 0.5
                total += turn.words
                if total >= limit:
                    return cues
    return cues


def two_party(transcripts: list[Transcript], heavy: str, words: int) -> Transcript:
    """Seller and buyer turns alternating, with ``heavy``'s turns three times as long.

    Only punctuated turns are taken, in the corpus's order.
    """
    def turns(role):
        return [
            t for tr in transcripts for t in tr.turns
            if tr.roles.get(t.speaker) is role and t.words >= 4 and not lacks_punctuation(t.text)
        ]
    sellers, buyers = turns(Role.SELLER), turns(Role.BUYER)
    long_side, short_side = (sellers, buyers) if heavy == "seller" else (buyers, sellers)
    long_name, short_name = ("Seller", "Buyer") if heavy == "seller" else ("Buyer", "Seller")
    cues, total, t, i, j = [], 0, 0.0, 0, 0
    while total < words:
        chunk, n = [], 0
        while n < 3 * max(1, short_side[j % len(short_side)].words):
            chunk.append(long_side[i % len(long_side)].text)
            n += long_side[i % len(long_side)].words
            i += 1
        for speaker, text in ((long_name, " ".join(chunk)), (short_name, short_side[j % len(short_side)].text)):
            w = len(text.split())
            cues.append(Cue(speaker, text, round(t, 2), round(t + w / 2.6, 2)))
            t += w / 2.6 + 0.5
            total += w
        j += 1
    call = Transcript.from_cues(cues, source=f"<{heavy}-heavy call>", format="callcoach")
    return assign_roles(call, sellers=["Seller"], buyers=["Buyer"])


def pinned_calls(calls: list[GoldCall], count: int = 12) -> list[Transcript]:
    """The first punctuated call of each of the first ``count`` writers, by name.

    The same calls however the corpus grows (new writers sort after the old
    ones), and all punctuated: unpunctuated speech has its own workload.
    """
    firsts: dict[str, Transcript] = {}
    for call in sorted(calls, key=lambda c: (c.writer, c.transcript.source)):
        if call.writer not in firsts and not any(lacks_punctuation(t.text) for t in call.transcript.turns):
            firsts[call.writer] = call.transcript
    return [firsts[w] for w in sorted(firsts)[:count]]


def many_speakers(chosen: list[Transcript], words: int) -> Transcript:
    """Whole calls one after another, each keeping its own speakers (renamed apart)."""
    cues = _cues_of(chosen, lambda tr, turn: f"{tr.source.split('/')[-1]}: {turn.speaker}", lambda tr, turn: True, words)
    roles = {f"{tr.source.split('/')[-1]}: {s}": r.value for tr in chosen for s, r in tr.roles.items()}
    call = Transcript.from_cues(cues, source=f"<{len(chosen)} calls>", format="callcoach")
    return assign_roles(call, roles={s: r for s, r in roles.items() if s in call.speakers})


def pieces_of(call: Transcript, words: int) -> list[Transcript]:
    """``call`` cut between turns into calls of about ``words`` words each
    (the last may be shorter), each with the roles of its speakers."""
    pieces, cues, total = [], [], 0
    for turn in call.turns:
        cues.append(Cue(turn.speaker, turn.text, turn.start, turn.end))
        total += turn.words
        if total >= words or turn is call.turns[-1]:
            piece = Transcript.from_cues(cues, source=f"{call.source} part {len(pieces) + 1}", format=call.format)
            roles = {s: r.value for s, r in call.roles.items() if s in piece.speakers}
            pieces.append(assign_roles(piece, roles=roles))
            cues, total = [], 0
    return pieces


def best_of(fn, repeat: int, clock=time.perf_counter) -> float:
    """The fastest of ``repeat`` runs of ``fn``, by ``clock``: elapsed time, or
    this process's CPU time (``--cpu``: time other jobs on a shared machine
    take the core away is left out)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = clock()
        fn()
        best = min(best, clock() - t0)
    return best


def profile(analyzer: Analyzer, call: Transcript, repeat: int, clock=time.perf_counter) -> dict[str, float]:
    """Seconds per stage for one call (best of ``repeat`` for each stage); ``read``
    is reading the call back from a plain-text transcript (one ``Name: text``
    line a turn) written to a temporary file."""
    nlp = analyzer.nlp
    stages: dict[str, float] = {}

    def timed(name, fn):
        stages[name] = best_of(fn, repeat, clock)
        return fn()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "call.txt"
        path.write_text("".join(f"{t.speaker}: {t.text}\n" for t in call.turns), encoding="utf-8")
        stages["read"] = best_of(lambda: read_transcript(path), repeat, clock)
    stages["roles"] = best_of(
        lambda: assign_roles(_without_roles(call), thresholds=analyzer.thresholds, model=analyzer.role_model), repeat, clock
    )
    doc = timed("tokenize", lambda: transcript_to_doc(nlp, call))
    for name, proc in nlp.pipeline:
        base = transcript_to_doc(nlp, call)
        for earlier, p in nlp.pipeline:
            if earlier == name:
                break
            base = p(base)
        stages[name] = best_of(lambda: proc(base), 1, clock)
        doc = proc(base)
    tags = timed("tags", lambda: tags_from_doc(doc, call))
    counts: dict[str, int] = {}
    for t in tags:
        counts[t.tag] = counts.get(t.tag, 0) + 1
    open_q = sum(1 for t in tags if t.tag == ext.BUYER_QUESTION and t.open)
    metrics = timed("metrics", lambda: compute_metrics(call, counts, open_q, analyzer.thresholds))
    ctx = fb.Context(transcript=call, metrics=metrics, tags=tags, thresholds=analyzer.thresholds)
    timed("feedback", lambda: fb.check_all(ctx))
    if analyzer.model is not None:
        result = analyzer.result_from_doc(doc, call)
        timed("features+score", lambda: analyzer.model.score(result, backchannel_max_words=analyzer.thresholds.backchannel_max_words))
    return stages


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--profile", action="store_true", help="also print seconds per stage for each call")
    ap.add_argument("--cpu", action="store_true", help="time with this process's CPU time instead of elapsed time")
    args = ap.parse_args(argv)
    clock = time.process_time if args.cpu else time.perf_counter

    analyzer = Analyzer()
    # The baseline is spaCy's own tokenizer of a blank English pipeline, as
    # it comes; the analysis tokenizes through it with each distinct word
    # remembered (analyzer.nlp.tokenizer), which the "cold" column empties
    # before every run.
    make_doc = spacy.blank("en").tokenizer
    chunks = getattr(analyzer.nlp.tokenizer, "_chunks", {})

    def cold(fn):
        def run():
            chunks.clear()
            return fn()
        return run
    calls, _ = load_calls(find_gold_files([TRAIN]), analyzer.thresholds)
    transcripts = [c.transcript for c in calls]
    pinned = pinned_calls(calls)

    workloads: dict[str, Transcript] = {
        "seller-heavy": two_party(transcripts, "seller", 50_000),
        "buyer-heavy": two_party(transcripts, "buyer", 50_000),
        "many-speakers": many_speakers(pinned, 60_000),
    }
    big = many_speakers(pinned, 200_000)
    workloads["200k"] = big
    for n in (10_000, 50_000):
        cut = many_speakers(pinned, n)
        workloads[f"200k cut to {n // 1000}k"] = cut
    workloads["seller-heavy, unpunctuated"] = transcript_as_asr(workloads["seller-heavy"])

    results: dict[str, dict] = {}
    paths = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.endswith(".gold.json"))
    sample_tr = [assign_roles(read_transcript(p)) for p in paths]
    sample_texts = [_doc_text(tr) for tr in sample_tr]
    full = best_of(lambda: [analyzer.analyze_file(p) for p in paths], args.repeat, clock)
    first = best_of(cold(lambda: [analyzer.analyze_file(p) for p in paths]), args.repeat, clock)
    tok = best_of(lambda: [make_doc(s) for s in sample_texts], args.repeat, clock)
    results["samples (from disk)"] = _row(sum(t.words for t in sample_tr), full, tok, len(paths), None, first, full)

    profiles = {}
    for name, call in workloads.items():
        text = _doc_text(call)
        full = best_of(lambda: analyzer.analyze_transcript(call), args.repeat, clock)
        first = best_of(cold(lambda: analyzer.analyze_transcript(call)), args.repeat, clock)
        inferred = best_of(lambda: analyzer.analyze_transcript(_without_roles(call)), args.repeat, clock)
        tok = best_of(lambda: make_doc(text), args.repeat, clock)
        results[name] = _row(call.words, full, tok, 1, _seller_share(call), first, inferred)
        if args.profile:
            profiles[name] = profile(analyzer, call, args.repeat, clock)

    share = _seller_share(big)  # the pieces hold its words
    for n in (10_000, 50_000):
        parts = pieces_of(big, n)
        bare = [_without_roles(c) for c in parts]
        texts = [_doc_text(c) for c in parts]
        full = best_of(lambda: [analyzer.analyze_transcript(c) for c in parts], args.repeat, clock)
        first = best_of(cold(lambda: [analyzer.analyze_transcript(c) for c in parts]), args.repeat, clock)
        inferred = best_of(lambda: [analyzer.analyze_transcript(c) for c in bare], args.repeat, clock)
        tok = best_of(lambda: [make_doc(t) for t in texts], args.repeat, clock)
        results[f"200k as {len(parts)} calls of {n // 1000}k"] = _row(sum(c.words for c in parts), full, tok, len(parts), share, first, inferred)

    timing = "cpu" if args.cpu else "elapsed"
    if args.json:
        print(json.dumps({"clock": timing, "results": results, "profiles": profiles}, indent=2))
        return 0
    print(f"time: {timing}, best of {args.repeat}")
    print(
        f"{'workload':<28}{'words':>9}{'seller':>8}{'speakers':>9}{'analysis w/s':>14}{'cold w/s':>10}"
        f"{'inferred w/s':>14}{'tokenizer w/s':>15}{'ratio':>7}{'s/1k words':>12}"
    )
    for name, r in results.items():
        share = "" if r["seller_word_share"] is None else f"{r['seller_word_share']:.0%}"
        spk = str(len(workloads[name].speakers)) if name in workloads else ""
        print(
            f"{name:<28}{r['words']:>9}{share:>8}{spk:>9}{r['analysis_words_per_second']:>14,.0f}{r['cold_words_per_second']:>10,.0f}"
            f"{r['roles_inferred_words_per_second']:>14,.0f}{r['tokenizer_words_per_second']:>15,.0f}{r['ratio']:>7.2f}"
            f"{r['seconds_per_1000_words']:>12.4f}"
        )
    for name, stages in profiles.items():
        total = sum(stages.values())
        print(f"\n{name}: seconds per stage (sum {total:.3f})")
        for stage, sec in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(f"  {stage:<28}{sec:>9.4f}  {sec / total:>6.1%}")
    return 0


def _doc_text(call: Transcript) -> str:
    """The text the analysis tokenizes for ``call`` (its turns joined by one
    space, as ``transcript_to_doc`` joins them): the bare tokenizer's input."""
    return " ".join(turn.text for turn in call.turns)


def _without_roles(call: Transcript) -> Transcript:
    """The call as a reader gives it, before any role is known."""
    return Transcript(call.source, call.format, call.turns)


def _seller_share(call: Transcript) -> float:
    words = {"seller": 0, "buyer": 0}
    for t in call.turns:
        role = call.roles.get(t.speaker)
        if role is not None and role.value in words:
            words[role.value] += t.words
    return words["seller"] / max(1, words["seller"] + words["buyer"])


def _row(words: int, full: float, tok: float, calls: int, seller_share: float | None, first: float, inferred: float) -> dict:
    """One workload's figures (seconds are the best of the runs): ``full`` as the
    workload comes (the built calls with their roles given), ``first`` the same
    cold, ``inferred`` with the roles inferred (for the samples read from disk,
    which carry none, the same as ``full``)."""
    return {
        "calls": calls,
        "words": words,
        "seller_word_share": None if seller_share is None else round(seller_share, 3),
        "analysis_seconds": round(full, 4),
        "cold_analysis_seconds": round(first, 4),
        "tokenizer_seconds": round(tok, 4),
        "analysis_words_per_second": round(words / full),
        "cold_words_per_second": round(words / first),
        "roles_inferred_seconds": round(inferred, 4),
        "roles_inferred_words_per_second": round(words / inferred),
        "tokenizer_words_per_second": round(words / tok),
        "ratio": round(tok / full, 3),
        "seconds_per_1000_words": round(full / words * 1000, 5),
    }


if __name__ == "__main__":
    sys.exit(main())
