"""JSON transcripts from speech-to-text services, dispatched by their keys.

| flavour      | shape                                                    | times          |
| ------------ | -------------------------------------------------------- | -------------- |
| assemblyai   | ``utterances[]{speaker, text, start, end}``              | ms             |
| deepgram     | ``results.utterances[]{speaker, transcript, start, end}``| s              |
|              | (multichannel: ``channel`` too; speaker ``channel N``)   |                |
| aws          | ``results.items[]`` (one a word; punctuation attaches)   | s, as strings  |
| gong         | ``callTranscripts[0].transcript[].sentences[]``          | ms             |
| whisper      | ``segments[]{speaker, text, start, end}`` (WhisperX)     | s              |
|              | (a segment with no speaker: the nearest one's)           |                |
| callcoach    | ``{"callcoach": 1, "turns": [{speaker, text, start?, end?}]}`` | s        |

An error names the JSON path of the offending value (``utterances[3].speaker``)
and, found by a second scan that runs only when there is an error, its line.
"""
from __future__ import annotations

import gc
import json as _json
import math
import re
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ..errors import TranscriptFormatError
from ..transcript import Cue, Transcript
from .limits import MAX_JSON_DEPTH, MAX_SECONDS, check_cue_count
from .names import name_problem

FORMAT = "json"
FLAVOURS = ("assemblyai", "deepgram", "aws", "gong", "whisper", "callcoach")

JsonPath = list  # of str keys and int indices

_WS_RE = re.compile(r"[ \t\n\r]*")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
_DECODER = _json.JSONDecoder()
_SENTENCE_END = frozenset(".?!")


def flavour_of(data: Any) -> str | None:
    """The flavour of parsed JSON, by its keys, or None when no flavour fits."""
    if not isinstance(data, dict):
        return None
    if "callcoach" in data:
        return "callcoach"
    if "callTranscripts" in data:
        return "gong"
    if "utterances" in data:
        return "assemblyai"
    results = data.get("results")
    if isinstance(results, dict):
        if "items" in results:
            return "aws"
        if "utterances" in results or "channels" in results:
            return "deepgram"
    if "segments" in data:
        return "whisper"
    return None


def path_str(path: JsonPath) -> str:
    """``["results", "items", 3]`` -> ``results.items[3]``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "the top level"


def locate(text: str, path: JsonPath) -> int | None:
    """The 1-based line where the value at ``path`` begins, or None.

    Walks the text with the C decoder, decoding only the values it skips, so
    it costs about one more parse; it runs only to report an error.
    """
    ws = _WS_RE.match
    decode = _DECODER.raw_decode
    try:
        pos = ws(text, 0).end()
        for step in path:
            if isinstance(step, int):
                if text[pos] != "[":
                    return None
                pos = ws(text, pos + 1).end()
                for _ in range(step):
                    pos = ws(text, decode(text, pos)[1]).end()
                    if text[pos] != ",":
                        return None
                    pos = ws(text, pos + 1).end()
            else:
                if text[pos] != "{":
                    return None
                pos = ws(text, pos + 1).end()
                while True:
                    key, pos = decode(text, pos)
                    pos = ws(text, ws(text, pos).end() + 1).end()  # past the colon
                    if key == step:
                        break
                    pos = ws(text, decode(text, pos)[1]).end()
                    if text[pos] != ",":
                        return None
                    pos = ws(text, pos + 1).end()
        return text.count("\n", 0, pos) + 1
    except (ValueError, IndexError):
        return None


def _shown(value: Any) -> str:
    """A short picture of a JSON value for an error message (bounded cost)."""
    if isinstance(value, str):
        return _json.dumps(value[:100], ensure_ascii=False)[:80]
    if isinstance(value, dict):
        keys = ", ".join(str(k)[:20] for k in list(value)[:6])
        return f"an object with keys {keys}" if value else "{}"
    if isinstance(value, list):
        return f"a list of {len(value)} items" if value else "[]"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"a number of {len(str(abs(value)))} digits"
    return _json.dumps(value)[:80]


def _too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when valid JSON ``text`` nests arrays and objects more than ``limit`` deep.

    Valid JSON holds a backslash only inside strings, as an escape, and a
    quote inside a string only as ``\\"``: with the escaped backslashes and
    then the escaped quotes taken out, every quote left opens or closes a
    string, so a bracket lies outside the strings when an even number of
    quotes come before it. The depth at an opening bracket is the opening
    brackets up to it less the closing ones before it. Every step is an
    array operation: a pattern for whole strings cost several times the parse
    itself on a large speech-recognition file.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    import numpy  # (here, so that reading a transcript needs no numpy until it can matter)

    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    raw = numpy.frombuffer(data, dtype=numpy.uint8)
    quotes = numpy.flatnonzero(raw == ord('"'))
    folded = raw | 0x20  # "[" and "]" as "{" and "}"

    def outside(where: numpy.ndarray) -> numpy.ndarray:
        return where[numpy.searchsorted(quotes, where) % 2 == 0]

    opens = outside(numpy.flatnonzero(folded == ord("{")))
    closes = outside(numpy.flatnonzero(folded == ord("}")))
    if not len(opens):
        return False
    depth = numpy.arange(1, len(opens) + 1) - numpy.searchsorted(closes, opens)
    return int(depth.max()) > limit


class _Doc:
    """Typed access to the parsed JSON that raises errors naming path and line."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source

    def fail(self, path: JsonPath, expected: str, found: str | None, code: str) -> None:
        raise TranscriptFormatError(
            self.source, locate(self.text, path), expected, found, code=code
        )

    def get(self, obj: Any, key: str, path: JsonPath, what: str, *, required: bool = True) -> Any:
        if not isinstance(obj, dict):
            self.fail(path, f"an object at `{path_str(path)}`", _shown(obj), "E153")
        value = obj.get(key)
        if value is None and required:
            self.fail(path, f"`{path_str(path + [key])}` ({what})", None, "E152")
        return value

    def items(self, obj: Any, key: str, path: JsonPath, what: str) -> list:
        value = self.get(obj, key, path, what)
        if not isinstance(value, list):
            self.fail(path + [key], f"a list at `{path_str(path + [key])}` ({what})", _shown(value), "E153")
        return value

    def speaker(self, obj: Any, key: str, path: JsonPath, what: str = "the speaker") -> str:
        value = self.get(obj, key, path, what)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.fail(path + [key], f"a speaker name or number at `{path_str(path + [key])}`", _shown(value), "E153")
        if isinstance(value, int) and abs(value) > 10**30:
            self.fail(path + [key], f"a speaker name or number at `{path_str(path + [key])}`", _shown(value), "E125")
        name = " ".join(str(value).split())
        if not name:
            self.fail(path + [key], f"a speaker name at `{path_str(path + [key])}`", _shown(value), "E124")
        problem = name_problem(name)
        if problem is not None:
            self.fail(path + [key], f"a speaker name of printable characters at `{path_str(path + [key])}`", problem, "E125")
        return name

    def string(self, obj: Any, key: str, path: JsonPath, what: str = "the spoken text") -> str:
        value = self.get(obj, key, path, what)
        if not isinstance(value, str):
            self.fail(path + [key], f"a string at `{path_str(path + [key])}` ({what})", _shown(value), "E153")
        if _SURROGATE_RE.search(value):
            self.fail(path + [key], f"text that is valid Unicode at `{path_str(path + [key])}`", "a lone surrogate escape such as \\ud800", "E157")
        return value

    def time(self, obj: Any, key: str, path: JsonPath, per_second: int, unit: str) -> float | None:
        """A time in seconds (``value / per_second``), None when absent or null."""
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = float(value) if len(value) < 40 else math.nan
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0 <= value <= MAX_SECONDS * per_second
        ):  # NaN fails the comparison; a huge int compares without overflow
            limit = " below 168 hours" if isinstance(value, (int, float)) and value == value and value > 0 else ""
            self.fail(path + [key], f"a time in {unit}{limit} at `{path_str(path + [key])}`", _shown(obj.get(key)), "E120")
        return value / per_second

    def cue(
        self, path: JsonPath, speaker: str, text: str, start: float | None, end: float | None
    ) -> Cue:
        if start is not None and end is not None and end < start:
            self.fail(path, f"an end after the start at `{path_str(path)}`", f"start {start}, end {end}", "E121")
        return Cue(speaker, text, start, end)


def _records(
    doc: _Doc, records: list, path: JsonPath, speaker_key: str, text_key: str,
    per_second: int, unit: str, speaker_hint: str = "the speaker", *, allow_empty: bool = False,
) -> list[Cue]:
    """Cues from a list of ``{speaker, text, start, end}`` objects (``allow_empty``:
    a speaker of "" is kept as "", for the caller to fill)."""
    cues = []
    for i, rec in enumerate(records):
        p = path + [i]
        empty = allow_empty and isinstance(rec, dict) and rec.get(speaker_key) == ""
        speaker = "" if empty else doc.speaker(rec, speaker_key, p, speaker_hint)
        text = doc.string(rec, text_key, p)
        start = doc.time(rec, "start", p, per_second, unit)
        end = doc.time(rec, "end", p, per_second, unit)
        cues.append(doc.cue(p, speaker, text, start, end))
    return cues


def _assemblyai(doc: _Doc, data: Any) -> list[Cue]:
    utterances = doc.items(data, "utterances", [], "the utterances; transcribe with speaker_labels on")
    return _records(doc, utterances, ["utterances"], "speaker", "text", 1000, "milliseconds")


def _deepgram(doc: _Doc, data: Any) -> list[Cue]:
    results = doc.get(data, "results", [], "the results object")
    utterances = doc.items(
        results, "utterances", ["results"], "the utterances; request utterances=true and diarize=true"
    )
    path = ["results", "utterances"]
    channels = _deepgram_channels(doc, utterances, path)
    if len(set(channels)) < 2:
        return _records(doc, utterances, path, "speaker", "transcript", 1, "seconds", "the speaker number; request diarize=true")
    # A call recorded with a channel a side (multichannel=true): Deepgram numbers
    # the speakers of each channel from 0, so the channel is part of who speaks:
    # "channel 1", or "channel 1 speaker 2" where diarization found several on it.
    heard: dict[int, set[str]] = {}
    for i, rec in enumerate(utterances):
        if rec.get("speaker") is not None:
            heard.setdefault(channels[i], set()).add(doc.speaker(rec, "speaker", path + [i]))
    cues = []
    for i, rec in enumerate(utterances):
        p = path + [i]
        speaker = f"channel {channels[i]}"
        if len(heard.get(channels[i], ())) > 1:
            speaker += f" speaker {doc.speaker(rec, 'speaker', p)}"
        text = doc.string(rec, "transcript", p)
        cues.append(doc.cue(p, speaker, text, doc.time(rec, "start", p, 1, "seconds"), doc.time(rec, "end", p, 1, "seconds")))
    return cues


def _deepgram_channels(doc: _Doc, utterances: list, path: JsonPath) -> list[int | None]:
    """The ``channel`` of each utterance (None where it has none); a multichannel
    transcript gives every utterance one."""
    channels: list[int | None] = []
    for i, rec in enumerate(utterances):
        value = rec.get("channel") if isinstance(rec, dict) else None
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1000):
            doc.fail(path + [i, "channel"], f"a channel number at `{path_str(path + [i, 'channel'])}`", _shown(value), "E153")
        channels.append(value)
    if len(set(channels)) > 1 and None in channels:
        i = channels.index(None)
        doc.fail(path + [i], f"`{path_str(path + [i, 'channel'])}` (the channel, as the other utterances have)", None, "E152")
    return channels


def _whisper(doc: _Doc, data: Any) -> list[Cue]:
    segments = doc.items(data, "segments", [], "the segments")
    hint = "the speaker; run WhisperX diarization, assign_word_speakers"
    unassigned = {i for i, seg in enumerate(segments) if isinstance(seg, dict) and seg.get("speaker") is None}
    if not unassigned or len(unassigned) == len(segments):
        return _records(doc, segments, ["segments"], "speaker", "text", 1, "seconds", hint)
    # WhisperX gives a segment a speaker only where a diarization turn overlaps
    # it, so a diarized file may hold a short segment with none ("Mm-hmm."):
    # it is said by the speaker of the segment nearest to it in time (the one
    # before on a tie, or when the times do not tell).
    cues = _records(
        doc, [dict(seg, speaker="") if i in unassigned else seg for i, seg in enumerate(segments)],
        ["segments"], "speaker", "text", 1, "seconds", hint, allow_empty=True,
    )
    return _nearest_speakers(cues)


def _nearest_speakers(cues: list[Cue]) -> list[Cue]:
    """``cues`` with each cue of no speaker ("") given the speaker of the nearest cue in time that has one."""
    named = [k for k, c in enumerate(cues) if c.speaker]
    out = list(cues)
    for k, cue in enumerate(cues):
        if cue.speaker:
            continue
        before = max((j for j in named if j < k), default=None)
        after = min((j for j in named if j > k), default=None)
        pick = before if before is not None else after
        if before is not None and after is not None and None not in (cue.start, cue.end, cues[before].end, cues[after].start):
            if cues[after].start - cue.end < cue.start - cues[before].end:
                pick = after
        out[k] = Cue(cues[pick].speaker, cue.text, cue.start, cue.end, cue.line)
    return out


def _callcoach(doc: _Doc, data: Any) -> list[Cue]:
    version = doc.get(data, "callcoach", [], "the callcoach format version")
    if version != 1 or isinstance(version, bool):
        doc.fail(["callcoach"], "callcoach format version 1", _shown(version), "E155")
    turns = doc.items(data, "turns", [], "the list of turns")
    return _records(doc, turns, ["turns"], "speaker", "text", 1, "seconds")


def _gong(doc: _Doc, data: Any) -> list[Cue]:
    calls = doc.items(data, "callTranscripts", [], "the call transcripts")
    if len(calls) != 1:
        doc.fail(["callTranscripts"], "exactly one call in `callTranscripts`", f"{len(calls)} calls", "E154")
    names: dict[str, str] = {}
    parties = data.get("parties")
    if parties is not None:
        if not isinstance(parties, list):
            doc.fail(["parties"], "a list at `parties` ({speakerId, name} objects)", _shown(parties), "E153")
        for i, party in enumerate(parties):
            if isinstance(party, dict) and party.get("speakerId") is not None and party.get("name"):
                names[doc.speaker(party, "speakerId", ["parties", i])] = doc.speaker(
                    party, "name", ["parties", i]
                )
    path = ["callTranscripts", 0, "transcript"]
    cues = []
    for j, block in enumerate(doc.items(calls[0], "transcript", path[:2], "the monologues")):
        speaker_id = doc.speaker(block, "speakerId", path + [j])
        speaker = names.get(speaker_id, speaker_id)
        sentences = doc.items(block, "sentences", path + [j], "the sentences")
        for k, sentence in enumerate(sentences):
            p = path + [j, "sentences", k]
            text = doc.string(sentence, "text", p)
            start = doc.time(sentence, "start", p, 1000, "milliseconds")
            end = doc.time(sentence, "end", p, 1000, "milliseconds")
            cues.append(doc.cue(p, speaker, text, start, end))
    return cues


def _aws(doc: _Doc, data: Any) -> list[Cue]:
    results = doc.get(data, "results", [], "the results object")
    items = doc.items(results, "items", ["results"], "the recognised words")
    by_start: dict[str, str] | None = None  # older files: speaker from speaker_labels
    cues: list[Cue] = []
    words: list[str] = []
    speaker: str | None = None
    start = end = 0.0
    prefix = ""
    for i, item in enumerate(items):
        # Fast path for the common case; _aws_check finds the precise error.
        try:
            content = item["alternatives"][0]["content"]
            kind = item["type"]
            if kind == "punctuation":
                if words:
                    words[-1] += content
                    if content in _SENTENCE_END:
                        cues.append(Cue(speaker, " ".join(words), start, end))  # type: ignore[arg-type]
                        words = []
                else:
                    prefix += content
                continue
            w_start = float(item["start_time"])
            w_end = float(item["end_time"])
            label = item.get("speaker_label")
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError):
            _aws_check(doc, item, i)
        if kind != "pronunciation" or content.__class__ is not str or not 0 <= w_start <= w_end <= MAX_SECONDS:
            _aws_check(doc, item, i)
        if label is None:
            if by_start is None:
                by_start = _aws_segment_speakers(doc, results)
            label = by_start.get(item["start_time"]) or by_start.get(_key(w_start))
            if label is None:
                p = ["results", "items", i]
                doc.fail(
                    p,
                    f"`{path_str(p)}.speaker_label` (the speaker; run the job with"
                    " speaker identification, ShowSpeakerLabels)",
                    None,
                    "E152",
                )
        if label != speaker:
            if label.__class__ is not str:
                label = doc.speaker(item, "speaker_label", ["results", "items", i])
            elif name_problem(label) is not None:
                doc.speaker(item, "speaker_label", ["results", "items", i])  # raises E124/E125
            if words:
                cues.append(Cue(speaker, " ".join(words), start, end))  # type: ignore[arg-type]
                words = []
            speaker = label
        if not words:
            start, end = w_start, w_end
        elif w_end > end:
            end = w_end
        if prefix:
            content, prefix = prefix + content, ""
        words.append(content)
    if words:
        cues.append(Cue(speaker, " ".join(words), start, end))  # type: ignore[arg-type]
    return cues


def _key(seconds: float) -> str:
    return f"{seconds:.3f}"


def _aws_segment_speakers(doc: _Doc, results: dict) -> dict[str, str]:
    """start_time (as written, and rounded to ms) -> speaker, from the older
    ``results.speaker_labels.segments[].items[]``."""
    labels = results.get("speaker_labels")
    out: dict[str, str] = {}
    if not isinstance(labels, dict) or not isinstance(labels.get("segments"), list):
        return out
    for i, segment in enumerate(labels["segments"]):
        p = ["results", "speaker_labels", "segments", i]
        for k, item in enumerate(doc.items(segment, "items", p, "the segment's words")):
            speaker = doc.speaker(item, "speaker_label", p + ["items", k])
            raw = doc.get(item, "start_time", p + ["items", k], "the word's start time")
            out[str(raw)] = speaker
            t = doc.time(item, "start_time", p + ["items", k], 1, "seconds")
            out[_key(t)] = speaker  # type: ignore[arg-type]
    return out


def _aws_check(doc: _Doc, item: Any, i: int) -> None:
    """Raise the precise error for an item the fast path could not read."""
    p = ["results", "items", i]
    kind = doc.string(item, "type", p, "pronunciation or punctuation")
    if kind not in ("pronunciation", "punctuation"):
        doc.fail(p + ["type"], f"`{path_str(p)}.type` pronunciation or punctuation", _shown(kind), "E153")
    alternatives = doc.items(item, "alternatives", p, "the recognised word")
    if not alternatives:
        doc.fail(p + ["alternatives"], f"at least one entry in `{path_str(p)}.alternatives`", "[]", "E152")
    doc.string(alternatives[0], "content", p + ["alternatives", 0], "the word")
    if kind == "pronunciation":
        start = doc.time(item, "start_time", p, 1, "seconds")
        end = doc.time(item, "end_time", p, 1, "seconds")
        if start is None or end is None:
            doc.fail(p, f"`{path_str(p)}.start_time` and `end_time` (the word's times)", None, "E152")
        doc.cue(p, "", "", start, end)  # raises when the end is before the start
    doc.fail(p, f"a word or punctuation item at `{path_str(p)}`", _shown(item), "E153")


_FLAVOURS: dict[str, Callable[[_Doc, Any], list[Cue]]] = {
    "assemblyai": _assemblyai,
    "deepgram": _deepgram,
    "aws": _aws,
    "gong": _gong,
    "whisper": _whisper,
    "callcoach": _callcoach,
}


def _parse(text: str, source: str) -> Any:
    try:
        data = _json.loads(text)
    except _json.JSONDecodeError as exc:
        line = text.split("\n", exc.lineno)[exc.lineno - 1] if exc.lineno else None
        raise TranscriptFormatError(
            source, exc.lineno, f"valid JSON ({exc.msg}, column {exc.colno})",
            line.strip()[:200] if line else None, code="E150",
        ) from None
    except RecursionError:
        data = _TOO_DEEP
    except ValueError as exc:  # an integer too long to convert
        raise TranscriptFormatError(source, None, "valid JSON", str(exc)[:80], code="E150") from None
    if data is _TOO_DEEP or (isinstance(data, (dict, list)) and _too_deep(text)):
        raise TranscriptFormatError(
            source,
            None,
            f"JSON nested at most {MAX_JSON_DEPTH} levels deep",
            "deeper nesting",
            code="E156",
        )
    return data


_TOO_DEEP = object()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    A speech-to-text JSON file parses to about ten objects a word; every
    collection the allocations trigger walks all of them again, which makes
    parsing three times slower. The parsed data and the cues hold no cycles,
    so reference counting frees them without the collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(text: str, source: str, flavour: str | None) -> Transcript:
    with _gc_paused():
        return _read_json(text, source, flavour)


def _read_json(text: str, source: str, flavour: str | None) -> Transcript:
    data = _parse(text, source)
    if flavour is None:
        flavour = flavour_of(data)
        if flavour is None:
            raise TranscriptFormatError(
                source,
                1,
                "a JSON transcript: AssemblyAI `utterances`, Deepgram `results.utterances`,"
                " AWS `results.items`, Gong `callTranscripts`, Whisper `segments`"
                " or callcoach `turns`",
                _shown(data),
                code="E151",
            )
    cues = _FLAVOURS[flavour](_Doc(text, source), data)
    check_cue_count(len(cues), source)
    for cue in cues:
        if _SURROGATE_RE.search(cue.text):
            raise TranscriptFormatError(
                source, None, "text that is valid Unicode", "a lone surrogate escape such as \\ud800", code="E157"
            )
    return Transcript.from_cues(cues, source=source, format=FORMAT)


def read(
    text: str, *, source: str, speech_rate_words_per_second: float | None = None
) -> Transcript:
    """Read a JSON transcript of any flavour, chosen by its keys.

    text (str): the decoded file.
    source (str): the file name, for error messages.
    speech_rate_words_per_second (float | None): unused.
    RETURNS (Transcript): the turns, format ``json``.
    RAISES: TranscriptFormatError for invalid JSON (E150), an unknown shape
        (E151), a missing key (E152), a value of the wrong type (E153), a bad
        time (E120), an end before the start (E121), an empty speaker (E124)
        or one with a control character (E125), a Gong file without exactly
        one call (E154), a callcoach file of another version (E155), nesting
        deeper than 64 levels (E156), a lone surrogate in a string (E157), or
        more cues than the limit (E111).
    """
    return _read(text, source, None)


def _flavour_reader(flavour: str) -> Callable[..., Transcript]:
    def read_flavour(
        text: str, *, source: str, speech_rate_words_per_second: float | None = None
    ) -> Transcript:
        return _read(text, source, flavour)

    read_flavour.__name__ = read_flavour.__qualname__ = f"read_{flavour}"
    read_flavour.__doc__ = f"Read a {flavour} JSON transcript (see :func:`read`)."
    return read_flavour


read_assemblyai = _flavour_reader("assemblyai")
read_deepgram = _flavour_reader("deepgram")
read_aws = _flavour_reader("aws")
read_gong = _flavour_reader("gong")
read_whisper = _flavour_reader("whisper")
read_callcoach = _flavour_reader("callcoach")
