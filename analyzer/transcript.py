"""The transcript data model: plain data, no spaCy.

A reader turns a file into a list of :class:`Cue` (one caption, segment or
line, with a speaker and optional times) and calls
:meth:`Transcript.from_cues`, which merges consecutive cues of one speaker
into one :class:`Turn`. Roles are attached later by :mod:`analyzer.roles`.
"""
from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property
from typing import Iterable, Mapping, Sequence

from .errors import TranscriptFormatError


class Role(str, Enum):
    """The side a speaker is on (see ``spec/tags.md``, Roles)."""

    SELLER = "seller"
    BUYER = "buyer"
    OTHER = "other"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


@dataclass(frozen=True)
class Cue:
    """One unit of a transcript as the source file has it.

    speaker (str): the speaker's name or id as it appears in the file.
    text (str): the spoken text, markup stripped.
    start (float | None): start time in seconds, when the file has one.
    end (float | None): end time in seconds, when the file has one.
    line (int | None): 1-based line of the file where the cue begins.
    """

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass(frozen=True)
class Turn:
    """Consecutive cues of one speaker, merged.

    index (int): 0-based position of the turn in reading order.
    speaker (str): the speaker's name.
    text (str): the cue texts joined with single spaces.
    start (float | None): start of the first cue, in seconds.
    end (float | None): end of the last cue, in seconds.
    line (int | None): the line where the first cue begins.
    cue_offsets (tuple): ``(char_offset, start, end)`` of each merged cue, so
        that a span inside the turn can be timed more precisely than the turn.
    """

    index: int
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None
    cue_offsets: tuple[tuple[int, float | None, float | None], ...] = ()

    @cached_property
    def words(self) -> int:
        """Number of whitespace-separated words in the turn (counted once)."""
        return len(self.text.split())

    @property
    def seconds(self) -> float | None:
        """Duration in seconds, or None when the turn is not timed."""
        if self.start is None or self.end is None:
            return None
        return max(0.0, self.end - self.start)

    def time_at(self, char: int) -> float | None:
        """Estimate the time at which character ``char`` of the text is spoken.

        The cue that holds the character gives the bounds; inside the cue the
        time is interpolated by character position (speech is assumed to run
        at an even pace within one cue).
        """
        if self.start is None:
            return None
        if not self.cue_offsets:
            return _interpolate(self.start, self.end, char, len(self.text))
        offsets = [c[0] for c in self.cue_offsets]
        i = max(0, bisect.bisect_right(offsets, char) - 1)
        c_off, c_start, c_end = self.cue_offsets[i]
        c_len = (offsets[i + 1] - 1 if i + 1 < len(offsets) else len(self.text)) - c_off
        if c_start is None:
            return self.start
        return _interpolate(c_start, c_end, char - c_off, c_len)


def _interpolate(start: float, end: float | None, pos: int, length: int) -> float:
    if end is None or length <= 0:
        return start
    frac = min(1.0, max(0.0, pos / length))
    return round(start + (end - start) * frac, 3)


@dataclass(frozen=True)
class Transcript:
    """A whole call: turns in reading order, plus roles once assigned.

    source (str): where the transcript came from (usually a path).
    format (str): the format name of the reader that read it.
    turns (tuple[Turn]): the merged turns.
    roles (Mapping[str, Role]): speaker name to role; empty until assigned.
    role_source (Mapping[str, str]): speaker name to ``given`` or ``inferred``.
    ends_estimated (bool): the source gave start times only, so every end is
        an estimate (see :meth:`from_cues`); measures that need a real end
        (pauses, overlaps, speaking rate) cannot be known.
    role_scores (Mapping[str, float]): the seller score of each speaker whose
        role was inferred (:func:`analyzer.roles.seller_score`), for judging
        how sure the inference is; empty when no role was inferred.
    """

    source: str
    format: str
    turns: tuple[Turn, ...]
    roles: Mapping[str, Role] = field(default_factory=dict)
    role_source: Mapping[str, str] = field(default_factory=dict)
    ends_estimated: bool = False
    role_scores: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_cues(
        cls,
        cues: Iterable[Cue],
        *,
        source: str,
        format: str,
        speech_rate_words_per_second: float | None = None,
    ) -> "Transcript":
        """Build a transcript from cues, merging consecutive cues of one speaker.

        Cues with empty text are dropped, and speaker names are composed
        (NFC). Timed cues are put in order of their
        start (stably: cues that start together keep the file's order), so a
        table exported out of order reads as it was spoken. Where the cues have
        start times only, each ends at the next cue's start or when its words
        would have been spoken at ``speech_rate_words_per_second``, whichever
        is first (``spec/tags.md``, talk-time).

        RAISES: TranscriptFormatError when there is nothing to analyse, or when
            some cues are timed and others not (E103).
        """
        # A name written in decomposed Unicode (as files made on macOS often
        # are: "e" and a combining accent) is the same name composed.
        kept = [
            c if c.speaker.isascii() or unicodedata.is_normalized("NFC", c.speaker)
            else replace(c, speaker=unicodedata.normalize("NFC", c.speaker))
            for c in cues if c.text and c.text.strip()
        ]  # fmt: skip
        estimated = False
        if not kept:
            raise TranscriptFormatError(
                source, None, "at least one line of speech", "no speech", code="E102"
            )
        timed = [c.start is not None for c in kept]
        if any(timed) and not all(timed):
            bad = kept[timed.index(False)]
            raise TranscriptFormatError(
                source,
                bad.line,
                "a start time on every cue (the other cues have times)",
                bad.text,
                code="E103",
            )
        if all(timed):
            ends = [c.end is not None for c in kept]
            if any(ends) and not all(ends):
                bad = kept[ends.index(False)]
                raise TranscriptFormatError(
                    source,
                    bad.line,
                    "an end time on every cue (the other cues have one), or on none",
                    bad.text,
                    code="E103",
                )
            kept.sort(key=lambda c: c.start)  # type: ignore[arg-type,return-value]
            if not any(ends):
                kept = _estimated_ends(kept, speech_rate_words_per_second)
                estimated = True
        turns: list[Turn] = []
        group: list[Cue] = []
        for cue in kept:
            if group and cue.speaker != group[-1].speaker:
                turns.append(_merge(len(turns), group))
                group = []
            group.append(cue)
        turns.append(_merge(len(turns), group))
        return cls(source=source, format=format, turns=tuple(turns), ends_estimated=estimated)

    @cached_property
    def timed(self) -> bool:
        """True when every turn has a start and an end time (worked out once: the
        turns of a transcript never change)."""
        return all(t.start is not None and t.end is not None for t in self.turns)

    @cached_property
    def speakers(self) -> tuple[str, ...]:
        """Speaker names in order of first appearance (worked out once)."""
        return tuple(dict.fromkeys(t.speaker for t in self.turns))

    @cached_property
    def duration_seconds(self) -> float | None:
        """From the first start to the last end, or None when untimed (worked out once)."""
        if not self.timed:
            return None
        return max(t.end for t in self.turns) - min(t.start for t in self.turns)  # type: ignore[arg-type]

    @property
    def words(self) -> int:
        """Number of words in the whole call."""
        return sum(t.words for t in self.turns)

    def with_roles(
        self,
        roles: Mapping[str, Role],
        role_source: Mapping[str, str],
        role_scores: Mapping[str, float] | None = None,
    ) -> "Transcript":
        """A copy of the transcript with roles attached (and the seller scores behind inferred ones)."""
        return replace(self, roles=dict(roles), role_source=dict(role_source), role_scores=dict(role_scores or {}))


def _estimated_ends(cues: list[Cue], rate: float | None) -> list[Cue]:
    """End each cue at the next start or after its words at ``rate``, whichever is first."""
    if rate is None:
        from .config import default_thresholds

        rate = default_thresholds().speech_rate_words_per_second
    out = []
    for k, cue in enumerate(cues):
        end = cue.start + len(cue.text.split()) / rate  # type: ignore[operator]
        if k + 1 < len(cues):
            end = min(end, max(cue.start, cues[k + 1].start))  # type: ignore[type-var]
        out.append(replace(cue, end=round(end, 3)))
    return out


def _merge(index: int, cues: Sequence[Cue]) -> Turn:
    parts: list[str] = []
    offsets: list[tuple[int, float | None, float | None]] = []
    pos = 0
    for cue in cues:
        text = " ".join(cue.text.split())
        offsets.append((pos, cue.start, cue.end))
        parts.append(text)
        pos += len(text) + 1
    ends = [c.end for c in cues if c.end is not None]
    return Turn(
        index=index,
        speaker=cues[0].speaker,
        text=" ".join(parts),
        start=cues[0].start,
        end=max(ends) if ends else None,
        line=cues[0].line,
        cue_offsets=tuple(offsets),
    )
