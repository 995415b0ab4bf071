"""Mutations of good transcript files, and one run of a reader on a mutant.

Shared by the fuzz tests (``test_readers_fuzz.py``, driven by hypothesis)
and ``benchmarks/fuzz_readers.py`` (driven by a seeded ``random.Random``).
Every mutation is a pure function of the bytes and the random source, so a
failing input can be rebuilt from its seed.
"""
from __future__ import annotations

import json
import math
import random
import re
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from analyzer.errors import TranscriptFormatError
from analyzer.readers import decode, read_text
from analyzer.transcript import Transcript

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"

#: The good fixtures of each reader (``None``: detection picks the reader).
SEEDS: dict[str | None, tuple[str, ...]] = {
    "txt": ("good.txt", "names.txt", "timed-brackets.txt", "timed-clock-first.txt",
            "timed-name-time.txt", "rev.txt", "zoom-captions.txt", "meet.txt", "meet-attendees.txt"),
    "vtt": ("zoom.vtt", "teams.vtt", "names-zoom.vtt"),
    "srt": ("good.srt",),
    "otter": ("otter.txt", "teams.txt"),
    "csv": ("good.csv", "untimed.csv", "names.csv"),
    "json": ("assemblyai.json", "deepgram.json", "aws.json", "gong.json", "whisper.json", "callcoach.json"),
    "assemblyai": ("assemblyai.json",),
    "deepgram": ("deepgram.json",),
    "aws": ("aws.json", "aws-segments.json"),
    "gong": ("gong.json",),
    "whisper": ("whisper.json",),
    "callcoach": ("callcoach.json",),
    None: ("good.txt", "zoom.vtt", "good.srt", "otter.txt", "good.csv", "aws.json", "rev.txt", "teams.txt"),
}

TIME_LIMIT_SECONDS = 5.0

_NUMBER_RE = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_NUMBERS = [
    b"1e400", b"-1e400", b"-1", b"-0.5", b"NaN", b"Infinity", b"-Infinity", b"1e308",
    b"9" * 30, b"9" * 5000, b"1e-400", b"0", b"99:99", b"4294967296", b"00:00:75", b"-00:01",
]
_JUNK = [
    b"\x00", b"\xef\xbb\xbf", b"\x1b[2J", b"\\ud800", b"\xed\xa0\x80", b"\xff\xfe", b"\r", b"\r\n",
    b"-->", b"WEBVTT", b"<v Dana Reyes>", b"</v>", b"Dana Reyes  0:01", b"[00:00:01]",
    b"[Dana] 10:00:00", b"(00:01):", b"\xe2\x80\xa8", b"\t", b'"', b",", b"{", b"}", b"[", b"]",
    b": ", b"<", b">", b"&amp;", b"&#27;", b"Dana Reyes <dana@acme.io>: ", b"\xe7\x8e\x8b\xe4\xbc\x9f\xef\xbc\x9a",
]
_FRAGMENTS = [b"a", b" ", b":", b": ", b"<v ", b"<v.", b"<", b"[", b"{\\", b"-->", b"00:00:01.000 --> ",
              b"Dana ", b"\t", b"0:01 ", b"(", b"&", b"a b c ", b"\"", b",", b"\xc3\xa9"]
_VALUES: list[Any] = [None, True, False, 0, -1, 1e308, -1e308, 10**40, "", "x", "\u001b[31m", [], {},
                      [1, 2], {"a": 1}, "9" * 100, "NaN", "00:00:01"]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        # mostly printable ASCII, so that most mutants still decode as text
        out[rng.randrange(len(out))] = rng.randrange(32, 127) if rng.random() < 0.8 else rng.randrange(256)
    return bytes(out)


def duplicate_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    k = rng.randrange(len(lines))
    copies = rng.choice((1, 2, 50, 2000)) if len(lines[k]) < 10_000 else rng.choice((1, 2))
    return b"\n".join(lines[: k + 1] + [lines[k]] * copies + lines[k + 1 :])


def drop_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def odd_number(data: bytes, rng: random.Random) -> bytes:
    found = list(_NUMBER_RE.finditer(data))
    if not found:
        return insert_junk(data, rng)
    m = rng.choice(found)
    return data[: m.start()] + rng.choice(_NUMBERS) + data[m.end() :]


def insert_junk(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(_JUNK) + data[at:]


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    n = rng.choice((70, 500, 990, 5000, 100_000))
    opener, closer = rng.choice(((b"[", b"]"), (b'{"a":', b"}")))
    at = rng.randrange(len(data) + 1)
    return data[:at] + opener * n + b"1" + closer * rng.choice((n, n // 2, 0)) + data[at:]


def long_line(data: bytes, rng: random.Random) -> bytes:
    piece = b"".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 3)))
    size = rng.choice((5_000, 60_000, 190_000, 250_000))
    line = (piece * (size // len(piece) + 1))[:size]
    lines = _lines(data)
    k = rng.randrange(len(lines) + 1)
    if rng.random() < 0.5:
        return b"\n".join(lines[:k] + [line] + lines[k:])
    lines[min(k, len(lines) - 1)] += line
    return b"\n".join(lines)


def wrong_json_type(data: bytes, rng: random.Random) -> bytes:
    """Replace one value of parsed JSON with a value of another type."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return insert_junk(data, rng)
    slots: list[tuple[Any, Any]] = []

    def walk(node: Any, depth: int) -> None:
        if depth > 12 or len(slots) > 5000:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                slots.append((node, key))
                walk(value, depth + 1)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                slots.append((node, i))
                walk(value, depth + 1)

    walk(doc, 0)
    if not slots:
        return json.dumps(rng.choice(_VALUES)).encode()
    for _ in range(rng.randint(1, 3)):
        parent, key = rng.choice(slots)
        parent[key] = rng.choice(_VALUES)
    return json.dumps(doc).encode()


MUTATIONS: tuple[Callable[[bytes, random.Random], bytes], ...] = (
    truncate, flip_bytes, duplicate_line, drop_line, swap_lines, odd_number,
    insert_junk, deep_nesting, long_line, wrong_json_type,
)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """``data`` after one to three random mutations (JSON: half the time one
    that keeps it valid JSON, so that the flavour readers get past parsing)."""
    if data[:1] == b"{" and rng.random() < 0.5:
        return wrong_json_type(data, rng)
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(MUTATIONS)(data, rng)
    return data


class Timeout(Exception):
    """A reader ran past the time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Timeout` in the main thread after ``seconds`` (Unix)."""
    def alarm(signum: int, frame: Any) -> None:
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    """What one run gave: ``result``, ``coded`` (a TranscriptFormatError),
    ``other`` (any other exception) or ``slow`` (past the time limit)."""

    kind: str
    seconds: float
    detail: str = ""


def non_finite(transcript: Transcript) -> list[float]:
    """Every number of a transcript's turns that is not finite."""
    numbers: list[Any] = []
    for turn in transcript.turns:
        numbers += [turn.start, turn.end]
        for offset in turn.cue_offsets:
            numbers += list(offset[1:])
    return [x for x in numbers if x is not None and not math.isfinite(x)]


def run(data: bytes, format: str | None, source: str = "mutant.txt") -> Outcome:
    """Decode and read ``data`` with the reader ``format`` (None: detect)."""
    began = time.perf_counter()
    try:
        with time_limit(TIME_LIMIT_SECONDS):
            transcript = read_text(decode(data, source), source=source, format=format)
    except Timeout:
        return Outcome("slow", time.perf_counter() - began)
    except TranscriptFormatError as exc:
        seconds = time.perf_counter() - began
        if source not in str(exc) or not re.match(r"\[E\d{3}\] ", str(exc)):
            return Outcome("other", seconds, f"error without code or file: {exc}")
        return Outcome("coded", seconds, exc.code)
    except Exception as exc:  # noqa: BLE001 - the point is to catch everything else
        return Outcome("other", time.perf_counter() - began, f"{type(exc).__name__}: {exc}"[:300])
    seconds = time.perf_counter() - began
    bad = non_finite(transcript)
    if bad:
        return Outcome("other", seconds, f"non-finite numbers in the result: {bad[:3]}")
    if seconds > TIME_LIMIT_SECONDS:
        return Outcome("slow", seconds)
    return Outcome("result", seconds)


def seed_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
