"""Fuzz every transcript reader with mutated good files and count the outcomes.

    python benchmarks/fuzz_readers.py                 # 10,000 inputs, seed 0
    python benchmarks/fuzz_readers.py -n 2000 --seed 7 --show 5

Each input is a good fixture of ``tests/fixtures/readers`` after one to three
mutations (truncation, byte flips, duplicated, dropped and swapped lines,
huge, negative and non-finite numbers, junk such as NUL bytes, BOMs, escape
codes and lone surrogates, deep nesting, very long lines, JSON values of the
wrong type; see ``tests/readers/fuzzing.py``). The inputs go round-robin to
every reader (``--format`` forced) and to detection. Each run is stopped
after 5 seconds. The outcomes:

- result: a transcript, with only finite numbers in it;
- coded error: a ``TranscriptFormatError`` whose message has its code and the file;
- other exception: anything else (including a result with a non-finite number);
- over 5 s: a run that did not finish in time.

The target is 0 other exceptions and 0 runs over 5 s. The exit status is 1
when either is not 0. Input ``i`` is rebuilt from ``--seed`` and ``i`` alone.
"""
from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _load_fuzzing():
    path = ROOT / "tests" / "readers" / "fuzzing.py"
    spec = importlib.util.spec_from_file_location("callcoach_fuzzing", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="number of inputs (default 10,000)")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--show", type=int, default=10, help="other exceptions and slow runs to print")
    args = parser.parse_args(argv)

    fuzzing = _load_fuzzing()
    formats = list(fuzzing.SEEDS)
    seeds = {name: fuzzing.seed_bytes(name) for names in fuzzing.SEEDS.values() for name in names}
    totals: Counter[str] = Counter()
    by_format: dict[str, Counter[str]] = {str(f): Counter() for f in formats}
    codes: Counter[str] = Counter()
    shown: list[str] = []
    slowest = (0.0, -1)
    began = time.perf_counter()
    for i in range(args.n):
        rng = random.Random(f"{args.seed}:{i}")
        format = formats[i % len(formats)]
        fixture = rng.choice(fuzzing.SEEDS[format])
        data = fuzzing.mutate(seeds[fixture], rng)
        outcome = fuzzing.run(data, format, source=f"mutant-{i}{Path(fixture).suffix}")
        totals[outcome.kind] += 1
        by_format[str(format)][outcome.kind] += 1
        if outcome.kind == "coded":
            codes[outcome.detail] += 1
        if outcome.seconds > slowest[0]:
            slowest = (outcome.seconds, i)
        if outcome.kind in ("other", "slow") and len(shown) < args.show:
            shown.append(f"  input {i} ({fixture} as {format}): {outcome.kind} {outcome.detail}")
    elapsed = time.perf_counter() - began

    labels = {"result": "result", "coded": "coded error", "other": "other exception", "slow": "over 5 s"}
    print(f"{args.n:,} mutated inputs across {len(formats)} readers (seed {args.seed}), {elapsed:.1f} s")
    for kind, label in labels.items():
        print(f"  {label:<16} {totals[kind]:>6,}")
    print(f"  slowest run      {slowest[0]:.3f} s (input {slowest[1]})")
    print("\nby reader (forced with --format; 'None' is detection):")
    print(f"  {'reader':<11}" + "".join(f"{label:>17}" for label in labels.values()))
    for format, counts in by_format.items():
        print(f"  {format:<11}" + "".join(f"{counts[k]:>17,}" for k in labels))
    print("\ncoded errors by code: " + ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))
    if shown:
        print("\nfirst problems:")
        print("\n".join(shown))
    return 1 if totals["other"] or totals["slow"] else 0


if __name__ == "__main__":
    sys.exit(main())
