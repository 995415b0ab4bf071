"""The limits every reader keeps, so that no input can exhaust a run.

| limit                     | value                | code | checked by                       |
| ------------------------- | -------------------- | ---- | -------------------------------- |
| file size                 | 64 MiB               | E109 | read_bytes (before reading), decode, read_text |
| line length               | 200,000 characters   | E110 | the line-based readers (not JSON) |
| lines in one file         | 500,000              | E112 | the line-based readers (not JSON) |
| cues in one call          | 100,000              | E111 | every reader                     |
| JSON nesting depth        | 64 levels            | E156 | json                             |
| speaker name              | 200 characters       | E125 | every reader                     |
| a time                    | 0 to 168 hours       | E120 | every timed reader               |

A real call stays far below each one: a five-hour call transcribed word by
word by AWS is about 10 MB of JSON and 5,000 cues, a call at the pipeline's
limit of 2 million characters is about 200,000 lines of WebVTT, and the
deepest JSON export (AWS, Gong) nests 7 levels. The limits bound the work a reader does
on a hostile or broken file; the pipeline then bounds the call's text
(E108, 2 million characters).
"""
from __future__ import annotations

from ..errors import TranscriptFormatError

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_LINE_CHARACTERS = 200_000
MAX_LINES = 500_000
MAX_CUES = 100_000
MAX_JSON_DEPTH = 64
MAX_SPEAKER_CHARACTERS = 200
MAX_SECONDS = 168 * 3600.0
#: The longest call (in characters of speech, the turns joined by spaces) the
#: blank pipeline accepts: about 350,000 words, some forty hours of speech.
#: Longer input is refused with a clear error (E108) rather than risking the
#: memory of a batch worker.
MAX_CALL_CHARACTERS = 2_000_000


def file_too_large(source: str, size: int) -> TranscriptFormatError:
    """The E109 error for a file of ``size`` bytes (or characters)."""
    return TranscriptFormatError(
        source,
        None,
        f"a transcript file of at most {MAX_FILE_BYTES // (1024 * 1024)} MiB",
        f"{size / (1024 * 1024):.1f} MiB",
        code="E109",
    )


def check_size(size: int, source: str) -> None:
    """RAISES: TranscriptFormatError (E109) when ``size`` is over the file limit."""
    if size > MAX_FILE_BYTES:
        raise file_too_large(source, size)


def check_lines(lines: list[str], source: str) -> list[str]:
    """``lines`` itself, once no line is longer than the line limit.

    RAISES: TranscriptFormatError (E110) naming the first line that is too long.
    """
    if lines and len(max(lines, key=len)) > MAX_LINE_CHARACTERS:
        lineno = next(k for k, line in enumerate(lines, 1) if len(line) > MAX_LINE_CHARACTERS)
        raise TranscriptFormatError(
            source,
            lineno,
            f"lines of at most {MAX_LINE_CHARACTERS:,} characters",
            f"a line of {len(lines[lineno - 1]):,} characters",
            code="E110",
        )
    return lines


def split_lines(text: str, source: str) -> list[str]:
    """The lines of ``text`` (split at newlines), within the limits on their
    number (E112, counted before splitting) and length (E110)."""
    count = text.count("\n") + 1
    if count > MAX_LINES:
        raise TranscriptFormatError(
            source,
            MAX_LINES + 1,
            f"a file of at most {MAX_LINES:,} lines",
            f"{count:,} lines",
            code="E112",
        )
    return check_lines(text.split("\n"), source)


def check_cue_count(count: int, source: str, line: int | None = None) -> None:
    """RAISES: TranscriptFormatError (E111) when a call has more cues than the limit."""
    if count > MAX_CUES:
        raise TranscriptFormatError(
            source,
            line,
            f"a call of at most {MAX_CUES:,} cues (captions, segments or lines of speech)",
            f"more than {MAX_CUES:,}",
            code="E111",
        )


def check_call_length(texts: "list[str] | tuple[str, ...]", source: str, limit: int = MAX_CALL_CHARACTERS) -> int:
    """The length of the call's speech (``texts``, the turns, joined by single
    spaces), once it is within ``limit``.

    RAISES: TranscriptFormatError (E108) when the call is longer.
    """
    length = sum(map(len, texts)) + max(0, len(texts) - 1)
    if length > limit:
        raise TranscriptFormatError(
            source,
            None,
            f"a call of at most {limit:,} characters of speech",
            f"{length:,} characters",
            code="E108",
        )
    return length
