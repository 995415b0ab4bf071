"""SubRip (SRT) captions with the speaker as a ``Name:`` prefix of the cue text.

    1
    00:00:01,000 --> 00:00:04,200
    Dana Reyes: Good morning, thanks for making time.

    2
    00:00:04,900 --> 00:00:06,000
    Sam Cho: Morning.

A cue may have several text lines; a cue with no speaker continues the
previous one. Markup (``<i>``, ``<font>``, ``{\\an8}``) is stripped. The cue
number is optional, and a dot before the milliseconds is accepted too.
"""
from __future__ import annotations

from ..errors import TranscriptFormatError
from ..transcript import Cue, Transcript
from .limits import split_lines
from .vtt import blocks, caption_speakers, cue_block, no_speaker_error

FORMAT = "srt"
_EXAMPLE = "00:00:01,000 --> 00:00:04,000"


def read(
    text: str, *, source: str, speech_rate_words_per_second: float | None = None
) -> Transcript:
    """Read an SRT file.

    text (str): the decoded file, newlines normalised to ``\\n``.
    source (str): the file name, for error messages.
    speech_rate_words_per_second (float | None): unused (SRT cues have end times).
    RETURNS (Transcript): the timed turns.
    RAISES: TranscriptFormatError for a block without a timing line (E132), a
        malformed timing line (E120), a cue ending before it starts (E121),
        words before any speaker (E123), no speaker in any cue (E126), or a
        line or a call over the limits (E110, E111).
    """
    lines = split_lines(text, source)
    cues: list[Cue] = []
    known: set[str] = set()
    speakers = caption_speakers(lines)
    speaker: str | None = None
    try:
        for lineno, block in blocks(lines):
            speaker = cue_block(block, lineno, source, _EXAMPLE, speaker, known, cues, speakers)
    except TranscriptFormatError as exc:
        raise no_speaker_error(source, lines, exc) from None
    return Transcript.from_cues(cues, source=source, format=FORMAT)
