"""The analysis result: one shape for the library, ``--json`` and batch rows.

``AnalysisResult.to_dict()`` is the JSON contract of ``spec/output.md``.
Fields are only ever added; ``SCHEMA_VERSION`` changes when the shape does.
``AnalysisResult.to_row()`` flattens it into one DataFrame row; each
tracker adds the columns ``tracker_<name>_seller`` and ``tracker_<name>_buyer``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from typing import TYPE_CHECKING

from .metrics import Metrics
from .transcript import Transcript

if TYPE_CHECKING:  # pragma: no cover
    from .rolecheck import RoleCheck

SCHEMA_VERSION = 1

#: Metrics in the order ``spec/output.md`` lists them (then the added ones).
METRIC_KEYS = (
    "seller_talk_share",
    "longest_seller_monologue_seconds",
    "longest_seller_monologue_words",
    "longest_buyer_story_seconds",
    "longest_buyer_story_words",
    "interactivity",
    "buyer_questions",
    "open_buyer_questions",
    "buyer_questions_per_10_minutes",
    "pitch_invites",
    "pitch_dumps",
    "pitch_pivots",
    "if_then_closes",
    "seller_words",
    "buyer_words",
    "seller_seconds",
    "buyer_seconds",
    "buyer_side_questions",
    "buyer_side_questions_per_10_minutes",
    "seller_patience_seconds",
    "seller_interruptions",
    "seller_words_per_minute",
    "buyer_words_per_minute",
    "seller_fillers",
    "seller_filler_rate",
)


@dataclass(frozen=True)
class Tag:
    """One tagged span (``spec/tags.md``)."""

    tag: str
    speaker: str
    turn: int
    start: float | None
    end: float | None
    text: str
    open: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tag": self.tag,
            "speaker": self.speaker,
            "turn": self.turn,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        if self.tag == "buyer_question":
            out["open"] = self.open
        return out


@dataclass(frozen=True)
class Mention:
    """One mention of a tracker's phrase (:mod:`analyzer.trackers`).

    role (str): the speaker's side, ``seller`` or ``buyer``.
    turn (int): the 0-based turn, as for tags; start and end its times
        (None when untimed).
    """

    tracker: str
    speaker: str
    role: str
    turn: int
    start: float | None
    end: float | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "tracker": self.tracker,
            "speaker": self.speaker,
            "role": self.role,
            "turn": self.turn,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True)
class TrackerResult:
    """A tracker on one call: mentions per side, the first, and every one."""

    name: str
    side: str
    mentions: tuple[Mention, ...] = ()

    @property
    def seller(self) -> int:
        return sum(1 for m in self.mentions if m.role == "seller")

    @property
    def buyer(self) -> int:
        return sum(1 for m in self.mentions if m.role == "buyer")

    @property
    def first(self) -> Mention | None:
        return self.mentions[0] if self.mentions else None

    def to_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "name": self.name,
            "side": self.side,
            "seller": self.seller,
            "buyer": self.buyer,
            "first_mention": None
            if first is None
            else {"turn": first.turn, "start": first.start, "speaker": first.speaker, "role": first.role},
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass(frozen=True)
class Finding:
    """One piece of feedback from a rule in :mod:`analyzer.feedback`."""

    code: str
    name: str
    severity: str
    message: str
    turn: int | None = None
    start: float | None = None
    quote: str | None = None
    value: float | None = None
    threshold: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "turn": self.turn,
            "start": self.start,
            "quote": self.quote,
            "value": self.value,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class ScoreReason:
    """One measured behaviour that moved the score, and by how much.

    feature (str): the feature's name (``analyzer.features.FEATURES``).
    description (str): the feature in plain words.
    value (float): its value in this call.
    effect (float): how far it moved the score, in points (negative: towards
        seller-centric); small near 0 and 100, where the score saturates.
    log_odds (float): its contribution on the model's log-odds scale (the
        call's log-odds minus those with the feature at its typical value);
        reasons are ranked by its size.
    measured (str): the value in words ("the seller asked 2 questions about
        the buyer (1.5 per 1,000 words)").
    target (str): what good looks like ("buyer-centric calls ask 11-14 in a
        discovery call of 30 minutes or more").
    """

    feature: str
    description: str
    value: float
    effect: float
    log_odds: float = 0.0
    measured: str = ""
    target: str = ""

    @property
    def text(self) -> str:
        """The reason as one sentence: what was measured; the target."""
        return f"{self.measured[:1].upper()}{self.measured[1:]}; {self.target}." if self.measured else self.description

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "description": self.description,
            "value": self.value,
            "effect": self.effect,
            "log_odds": self.log_odds,
            "measured": self.measured,
            "target": self.target,
            "text": self.text,
        }


@dataclass(frozen=True)
class SpeakerSummary:
    """One speaker's role and share of the call."""

    name: str
    role: str
    role_source: str
    words: int
    seconds: float | None
    turns: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "role_source": self.role_source,
            "words": self.words,
            "seconds": self.seconds,
            "turns": self.turns,
        }


@dataclass(frozen=True)
class AnalysisResult:
    """Everything the analyzer says about one call.

    Parameters
    ----------
    file, format : str
        The call's source name and the format it was read as.
    duration_seconds : float or None
        The call's length; None when untimed.
    timed : bool
        Whether the transcript had times.
    score : float or None
        The probability of ``buyer_centric`` times 100; None when unscored.
    label : str or None
        ``buyer_centric`` or ``seller_centric``, the side of 50 the score is on.
    speakers : tuple of SpeakerSummary
    metrics : Metrics
    tags : tuple of Tag
    feedback : tuple of Finding
    model : str or None
        The classifier's name and version.
    reasons : tuple of ScoreReason
        The behaviours that moved the score most (log-odds scale).
    transcript : Transcript or None
        Kept for renderers (the HTML page shows the turns); not in the JSON.
    roles_check : RoleCheck or None
        How sure the roles are, and the option that fixes them.

    Examples
    --------
    >>> import analyzer
    >>> r = analyzer.analyze_file("data/samples/01-payroll-dental-discovery.txt")
    >>> r.to_dict()["schema_version"], r.to_row()["buyer_questions"]
    (1, 12)
    """

    file: str
    format: str
    duration_seconds: float | None
    timed: bool
    score: float | None
    label: str | None
    speakers: tuple[SpeakerSummary, ...]
    metrics: Metrics
    tags: tuple[Tag, ...]
    feedback: tuple[Finding, ...]
    model: str | None = None
    reasons: tuple[ScoreReason, ...] = ()
    transcript: Transcript | None = field(default=None, compare=False, repr=False)
    roles_check: "RoleCheck | None" = None
    trackers: tuple[TrackerResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``spec/output.md``)."""
        metrics = self.metrics.to_dict()
        return {
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "format": self.format,
            "duration_seconds": self.duration_seconds,
            "timed": self.timed,
            "score": self.score,
            "label": self.label,
            "model": self.model,
            "reasons": [r.to_dict() for r in self.reasons],
            "roles_check": self.roles_check.to_dict() if self.roles_check is not None else None,
            "speakers": [s.to_dict() for s in self.speakers],
            "metrics": {k: metrics[k] for k in METRIC_KEYS},
            "tags": [t.to_dict() for t in self.tags],
            "feedback": [f.to_dict() for f in self.feedback],
            "trackers": [t.to_dict() for t in self.trackers],
        }

    def to_row(self) -> dict[str, Any]:
        """One flat row for a DataFrame: scalars only, metrics unprefixed."""
        metrics = self.metrics.to_dict()
        row: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "format": self.format,
            "duration_seconds": self.duration_seconds,
            "timed": self.timed,
            "score": self.score,
            "label": self.label,
            "model": self.model,
            "speakers": len(self.speakers),
            "sellers": "; ".join(s.name for s in self.speakers if s.role == "seller"),
            "buyers": "; ".join(s.name for s in self.speakers if s.role == "buyer"),
            "roles_inferred": any(s.role_source == "inferred" for s in self.speakers),
            "roles_confidence": self.roles_check.confidence if self.roles_check is not None else None,
            "words": sum(s.words for s in self.speakers),
        }
        row.update({k: metrics[k] for k in METRIC_KEYS})
        row["feedback_codes"] = " ".join(sorted({f.code for f in self.feedback}))
        for t in self.trackers:
            row[f"tracker_{t.name}_seller"] = t.seller
            row[f"tracker_{t.name}_buyer"] = t.buyer
        return row
