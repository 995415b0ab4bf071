"""Plain text transcripts: ``Name: text`` lines, no times.

    Dana Reyes: Hi Sam, thanks for making the time.
    Sam Cho: Sure, happy to.

Blank lines are skipped. A line without a speaker label continues the turn
above it. A "label" of more than five words before the colon is not a
speaker name but a sentence with a colon in it, so it continues the turn too.
"""
from __future__ import annotations

import re

from ..errors import TranscriptFormatError
from ..transcript import Cue, Transcript

FORMAT = "txt"

# A speaker label: one to five words (no colon, no sentence punctuation),
# then a colon followed by whitespace or the end of the line. "10:30" and
# "https://..." are not labels: their colon is followed by a non-space.
_WORD = r"[^\s:?!\"<>]+"
LABEL_RE = re.compile(rf"[ \t]*({_WORD}(?:[ \t]+{_WORD}){{0,4}})[ \t]*:(?:[ \t]+|$)")


def clean_name(name: str) -> str:
    """A speaker name with runs of whitespace collapsed to one space."""
    return " ".join(name.split()) if ("  " in name or "\t" in name) else name


def read(
    text: str, *, source: str, speech_rate_words_per_second: float | None = None
) -> Transcript:
    """Read a plain ``Name: text`` transcript.

    text (str): the decoded file, newlines normalised to ``\\n``.
    source (str): the file name, for error messages.
    speech_rate_words_per_second (float | None): unused (no times in txt).
    RETURNS (Transcript): the untimed turns.
    RAISES: TranscriptFormatError (E130) when words come before any speaker label.
    """
    cues: list[Cue] = []
    match = LABEL_RE.match
    speaker: str | None = None
    parts: list[str] = []
    first = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line or line.isspace():
            continue
        m = match(line)
        if m is not None:
            if speaker is not None:
                cues.append(Cue(speaker, " ".join(parts), line=first))
            speaker, parts, first = clean_name(m.group(1)), [line[m.end():].strip()], lineno
        elif speaker is None:
            raise TranscriptFormatError(
                source,
                lineno,
                "a `Name: text` line (a speaker label before the first words)",
                line.strip(),
                code="E130",
            )
        else:
            parts.append(line.strip())
    if speaker is not None:
        cues.append(Cue(speaker, " ".join(parts), line=first))
    return Transcript.from_cues(cues, source=source, format=FORMAT)
