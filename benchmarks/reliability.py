"""Hostile inputs: what refusing them costs, and what two runs on one output do.

Generates, in a temporary folder that is deleted at the end:

- a 500 MB file that is one line of text (``Dana: word word ...``), and a
  WebVTT file of 10 million cues (about 380 MB);
- the worst files just under the input limits (``[limits] max_file_bytes``
  and ``max_json_values``): one line of text, a WebVTT of short cues, and
  JSON of empty objects (the most Python objects a byte of input can make)
  at the byte limit and just under the value limit;
- a ten-hour call in AWS Transcribe's word-level JSON (the largest format
  for its length), scored in full with the model;
- a folder of 66 calls (the samples, twice), for two runs at once.

For each big or worst-case file it runs ``callcoach score FILE -o OUT.jsonl
--workers 1 --no-model -q`` in a subprocess and reports the wall time and
the peak resident memory of the process (``ru_maxrss`` from ``wait4``), next
to the same command on one small sample (the cost of starting: Python,
spaCy, the pipeline). It also times the refusal itself in this process
(:func:`analyzer.inputs.read_file`, then the work function on the file with
the analyzer already built) with its peak Python allocation (tracemalloc).

Then, for CSV, JSON Lines and Parquet, it starts two ``score`` runs on one
output, the second once the first holds its lock, and reports each run's
exit code, how long the second took to be refused, its message, and whether
the output holds every call exactly once.

Targets (the issue): refusing the 500 MB file and the 10-million-cue file
under 500 MB and 2 s; a second run on an output refused at once, the first
run's output whole.

    python benchmarks/reliability.py [--json] [--skip-big] [--skip-concurrent]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SMALL = SAMPLES / "06-farm-solar-intro.vtt"
MB = 1000 * 1000


def write_one_line(path: Path, size: int) -> None:
    """``Dana: word word ...`` on one line, ``size`` bytes, written in 8 MB blocks."""
    block = b"word " * (8 * MB // 5)
    with open(path, "wb") as fh:
        fh.write(b"Dana: ")
        left = size - 6
        while left > 0:
            piece = block[: min(left, len(block))]
            fh.write(piece)
            left -= len(piece)


def write_vtt(path: Path, cues: int) -> int:
    """A WebVTT file of ``cues`` one-word cues; returns its size."""
    with open(path, "w", encoding="ascii") as fh:
        fh.write("WEBVTT\n\n")
        batch = []
        for i in range(cues):
            s = i % 360000
            batch.append(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000 --> {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.500\nA: hi\n\n")
            if len(batch) == 100_000:
                fh.write("".join(batch))
                batch.clear()
        fh.write("".join(batch))
    return path.stat().st_size


def write_json_objects(path: Path, size: int) -> None:
    """``{"segments": [{}, {}, ...]}`` of about ``size`` bytes."""
    n = (size - 20) // 3
    with open(path, "w", encoding="ascii") as fh:
        fh.write('{"segments": [')
        fh.write("{}," * (n - 1))
        fh.write("{}]}")


def write_aws_hours(path: Path, hours: float) -> int:
    """A long AWS Transcribe call: sample 25 (word-level items and speaker
    segments) repeated, its times shifted, until ``hours`` long; returns its words."""
    data = json.loads((SAMPLES / "25-cnc-machine-pitch.json").read_text(encoding="utf-8"))
    res = data["results"]
    span = max(float(i["end_time"]) for i in res["items"] if "end_time" in i) + 1.0
    copies = max(1, int(hours * 3600 // span))

    def shifted(item: dict, dt: float) -> dict:
        out = dict(item)
        for key in ("start_time", "end_time"):
            if key in out:
                out[key] = f"{float(out[key]) + dt:.2f}"
        if "items" in out:
            out["items"] = [shifted(i, dt) for i in out["items"]]
        return out

    items, segments = [], []
    for k in range(copies):
        items += [shifted(i, k * span) for i in res["items"]]
        segments += [shifted(s, k * span) for s in res["speaker_labels"]["segments"]]
    res["items"] = items
    res["speaker_labels"]["segments"] = segments
    res["transcripts"] = [{"transcript": " ".join(i["alternatives"][0]["content"] for i in items)}]
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return sum(1 for i in items if i.get("type") == "pronunciation")


#: Runs a command and prints its exit code and peak memory. A child's peak
#: (``ru_maxrss``) counts the memory of the process it was forked from, so
#: the command is started from this small process, not from the benchmark
#: (which holds the files it generates and, later, an analyzer).
MEASURE = (
    "import json, os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]))\n"
)


def run(args: list[str], cwd: Path) -> dict:
    """A ``callcoach`` command: exit code, wall time, peak resident memory (MB), stderr's last line."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "analyzer", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, errors="replace")  # fmt: skip
    seconds = time.perf_counter() - t0
    code, peak_kb = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "exit": code,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_kb / 1024),
        "message": (proc.stderr.strip().splitlines() or [""])[-1][:200],
    }


def refusal_in_process(path: Path) -> dict:
    """The refusal alone: read_file, then the work function with the analyzer built."""
    from analyzer.batch import BatchOptions, score_path
    from analyzer.batch.work import analyzer_for
    from analyzer.config import default_limits
    from analyzer.errors import CallcoachError
    from analyzer.inputs import read_file

    options = BatchOptions(model=None)
    analyzer_for(options)
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        read_file(path, max_bytes=default_limits().max_file_bytes)
        code = None
    except CallcoachError as exc:
        code = exc.code
    read_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    row = score_path(path, None, options)
    work_seconds = time.perf_counter() - t1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "code": code,
        "read_file_ms": round(read_seconds * 1000, 3),
        "work_function_ms": round(work_seconds * 1000, 3),
        "peak_python_kb": round(peak / 1024),
        "row_error": (row.get("error") or "")[:160],
    }


def big_files(tmp: Path) -> dict:
    from analyzer.config import default_limits

    limit = default_limits().max_file_bytes
    out: dict = {"limit_bytes": limit}
    out["startup (one small sample)"] = run(["score", str(SMALL), "-o", "small.jsonl", "--workers", "1", "--no-model", "-q"], tmp)
    cases = []
    t = time.perf_counter()
    one_line = tmp / "one-line-500MB.txt"
    write_one_line(one_line, 500 * MB)
    cases.append(("500 MB one-line text", one_line, time.perf_counter() - t))
    t = time.perf_counter()
    vtt = tmp / "ten-million-cues.vtt"
    write_vtt(vtt, 10_000_000)
    cases.append(("10-million-cue WebVTT", vtt, time.perf_counter() - t))
    line_under = tmp / "one-line-under-limit.txt"
    write_one_line(line_under, limit - 1)
    cases.append(("one-line text just under the limit", line_under, 0.0))
    vtt_under = tmp / "cues-under-limit.vtt"
    write_vtt(vtt_under, (limit - 100) // 38)
    cases.append(("WebVTT of short cues just under the limit", vtt_under, 0.0))
    json_under = tmp / "objects-under-limit.json"
    write_json_objects(json_under, limit - 100)
    cases.append(("JSON of empty objects just under the byte limit", json_under, 0.0))
    json_values = tmp / "objects-under-value-limit.json"
    # each "{}," counts twice (the brace and the comma): half the limit in objects
    write_json_objects(json_values, 3 * (default_limits().max_json_values // 2 - 10) + 20)
    cases.append(("JSON of empty objects just under the value limit", json_values, 0.0))
    aws = tmp / "ten-hours-aws.json"
    words = write_aws_hours(aws, 10)
    cases.append((f"a ten-hour AWS Transcribe call ({words:,} words, scored with the model)", aws, 0.0))
    for label, path, made in cases:
        entry = {"bytes": path.stat().st_size, "generated_in_s": round(made, 1)}
        model = [] if path == aws else ["--no-model"]
        entry["command"] = run(["score", str(path), "-o", f"{path.stem}.jsonl", "--workers", "1", "-q", *model], tmp)
        entry["in_process"] = refusal_in_process(path)
        out[label] = entry
        path.unlink()
    return out


def concurrent(tmp: Path) -> dict:
    folder = tmp / "calls"
    for i in range(2):
        shutil.copytree(SAMPLES, folder / f"batch-{i}", ignore=shutil.ignore_patterns("*.gold.json"))
    from analyzer.batch import discover, lock_path

    expected = sorted(os.path.relpath(p, tmp) for p in discover([folder]))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = {}
    for ext in ("csv", "jsonl", "parquet"):
        output = tmp / f"scores.{ext}"
        lock = lock_path(output)
        cmd = [sys.executable, "-m", "analyzer", "score", "calls", "-o", output.name, "--workers", "1", "-q", "--no-model"]
        first = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.stat().st_size) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        t0 = time.perf_counter()
        second = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True)
        refused_in = time.perf_counter() - t0
        first_running = first.poll() is None
        first_err = first.communicate()[1]
        rows = _paths(output)
        out[ext] = {
            "first_exit": first.returncode,
            "second_exit": second.returncode,
            "second_refused_in_s": round(refused_in, 2),
            "first_still_running_when_refused": first_running,
            "second_message": second.stderr.decode("utf-8", "replace").strip().splitlines()[-1][:240],
            "rows": len(rows),
            "every_call_once": rows == expected,
            "first_stderr": first_err.decode("utf-8", "replace").strip()[-200:],
        }
    return out


def _paths(output: Path) -> list[str]:
    import pandas as pd

    if output.suffix == ".csv":
        return sorted(pd.read_csv(output)["path"])
    if output.suffix == ".parquet":
        return sorted(pd.read_parquet(output)["path"])
    return sorted(json.loads(line)["path"] for line in output.read_text(encoding="utf-8").splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--skip-big", action="store_true", help="leave out the big files")
    ap.add_argument("--skip-concurrent", action="store_true", help="leave out the two runs on one output")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="callcoach-reliability-"))
    try:
        report = {}
        if not args.skip_big:
            report["big files"] = big_files(tmp)
        if not args.skip_concurrent:
            report["two runs on one output"] = concurrent(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for section, entries in report.items():
        print(f"== {section}")
        for name, value in entries.items():
            print(f"  {name}: {json.dumps(value)}")


if __name__ == "__main__":
    main()
