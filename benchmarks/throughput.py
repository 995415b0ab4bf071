"""Words per second of the whole analysis against the spaCy tokenizer alone.

Both are timed in the same run on the same text, so the ratio holds on a
busy machine where the absolute figures do not. Three workloads:

1. every call in ``data/samples/`` (read from disk, roles inferred, tagged,
   measured, feedback);
2. one long call of about 50,000 words, built by repeating the samples' turns
   with their speakers mapped onto one seller and one buyer;
3. the same long call cut to 12,500 and 25,000 words, to see whether time
   grows linearly with length (the seconds per 1,000 words should stay flat).

    python benchmarks/throughput.py [--repeat N] [--json]
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

from analyzer.analysis import Analyzer
from analyzer.readers import read_transcript
from analyzer.roles import assign_roles
from analyzer.transcript import Cue, Transcript

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def sample_paths() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.endswith(".gold.json"))


def long_call(transcripts: list[Transcript], words: int) -> Transcript:
    """A synthetic call of about ``words`` words, alternating seller and buyer."""
    cues, total, t = [], 0, 0.0
    while total < words:
        for tr in transcripts:
            for turn in tr.turns:
                role = tr.roles.get(turn.speaker)
                speaker = "Seller" if getattr(role, "value", "") == "seller" else "Buyer"
                dur = turn.words / 2.5
                cues.append(Cue(speaker, turn.text, round(t, 2), round(t + dur, 2)))
                t += dur + 0.4
                total += turn.words
                if total >= words:
                    break
            if total >= words:
                break
    return Transcript.from_cues(cues, source=f"<long call, {total} words>", format="callcoach")


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    analyzer = Analyzer()
    make_doc = analyzer.nlp.make_doc
    paths = sample_paths()
    transcripts = [assign_roles(read_transcript(p)) for p in paths]
    sample_words = sum(t.words for t in transcripts)
    sample_texts = [" ".join(turn.text for turn in t.turns) for t in transcripts]

    results = {}
    full = best_of(lambda: [analyzer.analyze_file(p) for p in paths], args.repeat)
    tok = best_of(lambda: [make_doc(s) for s in sample_texts], args.repeat)
    results["samples"] = _row(sample_words, full, tok, len(paths))

    for n in (12_500, 25_000, 50_000):
        call = assign_roles(long_call(transcripts, n), sellers=["Seller"], buyers=["Buyer"])
        text = " ".join(turn.text for turn in call.turns)
        full = best_of(lambda: analyzer.analyze_transcript(call), args.repeat)
        tok = best_of(lambda: make_doc(text), args.repeat)
        results[f"long_{n}"] = _row(call.words, full, tok, 1)

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'workload':<14}{'calls':>6}{'words':>9}{'analysis w/s':>15}{'tokenizer w/s':>15}{'ratio':>8}{'s per 1k words':>16}")
    for name, r in results.items():
        print(
            f"{name:<14}{r['calls']:>6}{r['words']:>9}{r['analysis_words_per_second']:>15,.0f}"
            f"{r['tokenizer_words_per_second']:>15,.0f}{r['ratio']:>8.2f}{r['seconds_per_1000_words']:>16.4f}"
        )
    return 0


def _row(words: int, full: float, tok: float, calls: int) -> dict:
    return {
        "calls": calls,
        "words": words,
        "analysis_seconds": round(full, 4),
        "tokenizer_seconds": round(tok, 4),
        "analysis_words_per_second": round(words / full),
        "tokenizer_words_per_second": round(words / tok),
        "ratio": round(full / tok, 3),
        "seconds_per_1000_words": round(full / words * 1000, 5),
    }


if __name__ == "__main__":
    sys.exit(main())
