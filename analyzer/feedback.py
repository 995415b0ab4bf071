"""Coaching feedback: rules with stable codes over a call's measurements.

Each rule is a class with a ``code`` (never reused), a kebab-case ``name``, a
``severity``, the thresholds it reads, and ``check(ctx) -> list[Finding]``.
Its docstring is its documentation: what it does, why it matters to the
buyer, an example, and what to do instead. Every message carries the
measured value and its target, and points at the moment (turn, time, quote).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Sequence

from .config import Thresholds
from .metrics import Metrics, handover_turns
from .result import Finding, Tag
from .transcript import Transcript

INFO = "info"
WARNING = "warning"


@dataclass(frozen=True)
class Context:
    """What a rule may look at."""

    transcript: Transcript
    metrics: Metrics
    tags: Sequence[Tag]
    thresholds: Thresholds

    def tags_named(self, name: str) -> list[Tag]:
        return [t for t in self.tags if t.tag == name]

    def estimated_seconds(self) -> tuple[float, bool]:
        """The call's length in seconds, and whether it was estimated from words."""
        if self.transcript.duration_seconds is not None:
            return self.transcript.duration_seconds, False
        return self.transcript.words / self.thresholds.speech_rate_words_per_second, True


class Rule:
    """Base class of the feedback rules."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = WARNING
    config_keywords: ClassVar[tuple[str, ...]] = ()

    def check(self, ctx: Context) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def finding(self, message: str, **kwargs) -> Finding:
        return Finding(code=self.code, name=self.name, severity=self.severity, message=message, **kwargs)


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _first_sentence(text: str, limit: int = 120) -> str:
    for mark in (". ", "? ", "! "):
        i = text.find(mark)
        if 0 < i < limit:
            return text[: i + 1]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SellerTalkShareHigh(Rule):
    """The seller talked most of the call.

    What it does: flags a call whose ``seller_talk_share`` is above
    ``seller_talk_share_max``.
    Why it matters to the buyer: a buyer who listens is not being heard; the
    best calls run near 43:57, seller to buyer.
    Example: the seller speaks 71% of a 30-minute call.
    Better: ask about the buyer's situation and let the answer run.
    Not on a call where only one side speaks (a voicemail): there is no
    share to judge.
    """

    code = "CC101"
    name = "seller-talk-share-high"
    config_keywords = ("seller_talk_share_max", "seller_talk_share_target")

    def check(self, ctx: Context) -> list[Finding]:
        share = ctx.metrics.seller_talk_share
        t = ctx.thresholds
        if share is None or share <= t.seller_talk_share_max:
            return []
        if not ctx.metrics.seller_words or not ctx.metrics.buyer_words:
            return []  # one side only (a voicemail, or roles that need a look): no share to judge
        basis = "of the time" if ctx.transcript.timed else "of the words"
        turn = ctx.metrics.longest_seller_monologue_turn
        start = ctx.transcript.turns[turn].start if turn is not None else None
        return [
            self.finding(
                f"The seller side spoke {_pct(share)} {basis}; target at most "
                f"{_pct(t.seller_talk_share_max)} (the best calls are near "
                f"{_pct(t.seller_talk_share_target)}). The longest stretch starts at turn {turn}"
                + (f" ({_clock(start)})." if start is not None else "."),
                turn=turn,
                start=start,
                value=round(share, 4),
                threshold=t.seller_talk_share_max,
            )
        ]


def side_words(transcript: Transcript, tag: Tag) -> int:
    """The words a tag's side says in it. A tag that runs over several turns (a
    pitch dump, whole turns from its first to its last, through the other
    side's backchannels) counts its own side's turns only; one within a turn,
    its words."""
    said = len(tag.text.split())
    first = transcript.turns[tag.turn] if 0 <= tag.turn < len(transcript.turns) else None
    if first is None or first.words >= said:
        return said
    role = transcript.roles.get(first.speaker)
    seen = own = 0
    for turn in transcript.turns[tag.turn :]:
        if seen >= said:
            break
        seen += turn.words
        own += turn.words if transcript.roles.get(turn.speaker) == role else 0
    return own


class PitchDump(Rule):
    """The buyer asked about the seller and got a pitch.

    What it does: reports every ``pitch_dump``: an answer to "tell us about
    your company" that runs long, is about the seller, and asks nothing back.
    Why it matters to the buyer: the buyer learns nothing they wanted and the
    seller learns nothing about the buyer; company overviews past two minutes
    lose the room.
    Example: "Sure, so we were founded in 2014..." followed by 180 words.
    Better: two or three sentences, then "but enough about us: what made you
    take this call?"
    """

    code = "CC102"
    name = "pitch-dump"
    config_keywords = ("pitch_dump_long_seconds", "pitch_dump_min_words", "pitch_dump_min_seconds")

    def check(self, ctx: Context) -> list[Finding]:
        out = []
        t = ctx.thresholds
        for tag in ctx.tags_named("pitch_dump"):
            words = side_words(ctx.transcript, tag)
            secs = (tag.end - tag.start) if tag.start is not None and tag.end is not None else None
            # The limit that made it a dump: its time where the call is timed and
            # it ran past the time limit, else its words.
            by_time = secs is not None and secs > t.pitch_dump_min_seconds
            if by_time:
                length = f"ran {secs:.0f} seconds ({words} words)"
                limit = f"an answer over {t.pitch_dump_min_seconds:.0f} seconds that asks nothing back is a dump"
            else:
                length = f"ran {words} words" + (f" ({secs:.0f} seconds)" if secs is not None else "")
                limit = f"an answer over {t.pitch_dump_min_words} words that asks nothing back is a dump"
            long_note = (
                f" It went past {_clock(t.pitch_dump_long_seconds)}, where company overviews lose the buyer."
                if secs is not None and secs > t.pitch_dump_long_seconds
                else ""
            )
            out.append(
                self.finding(
                    f"Turn {tag.turn}"
                    + (f" ({_clock(tag.start)})" if tag.start is not None else "")
                    + f": the buyer asked about you, and the answer {length} without a question about "
                    f"them ({limit}).{long_note} Target: a few sentences, then a question about the buyer. "
                    f"It began: \"{_first_sentence(tag.text)}\"",
                    turn=tag.turn,
                    start=tag.start,
                    quote=_first_sentence(tag.text),
                    value=round(secs, 1) if by_time else words,
                    threshold=t.pitch_dump_min_seconds if by_time else t.pitch_dump_min_words,
                )
            )
        return out


class FewBuyerQuestions(Rule):
    """A long discovery call with few questions about the buyer.

    What it does: in a call of at least ``discovery_min_seconds`` (estimated
    from words where untimed), flags fewer than ``buyer_questions_min`` buyer
    questions.
    Why it matters to the buyer: the seller cannot fit the offer to a
    situation they never asked about; the best discovery calls ask 11 to 14.
    Example: four questions in 35 minutes.
    Better: ask about the buyer's process, goals, people, timeline and
    decision, and follow up on what they say.
    """

    code = "CC103"
    name = "few-buyer-questions"
    config_keywords = ("discovery_min_seconds", "buyer_questions_min", "buyer_questions_max")

    def check(self, ctx: Context) -> list[Finding]:
        t = ctx.thresholds
        seconds, estimated = ctx.estimated_seconds()
        n = ctx.metrics.buyer_questions
        if seconds < t.discovery_min_seconds or n >= t.buyer_questions_min:
            return []
        length = f"{seconds / 60:.0f}-minute" + (" (estimated from its words)" if estimated else "")
        return [
            self.finding(
                f"The seller asked {n} question{'s' if n != 1 else ''} about the buyer in a "
                f"{length} call; target {t.buyer_questions_min}-{t.buyer_questions_max}.",
                value=n,
                threshold=t.buyer_questions_min,
            )
        ]


class MostlyClosedQuestions(Rule):
    """Most questions could be answered with yes or no.

    What it does: with at least ``open_question_min_questions`` buyer
    questions, flags an open share below ``open_question_share_min``.
    Why it matters to the buyer: closed questions check the seller's guesses;
    open ones let the buyer tell their story.
    Example: "Do you use spreadsheets?", "Is EHS involved?".
    Better: "How do you track it today?", "What pushed you to look at this?".
    """

    code = "CC104"
    name = "mostly-closed-questions"
    config_keywords = ("open_question_share_min", "open_question_min_questions")

    def check(self, ctx: Context) -> list[Finding]:
        t = ctx.thresholds
        n = ctx.metrics.buyer_questions
        if n < t.open_question_min_questions:
            return []
        share = ctx.metrics.open_buyer_questions / n
        if share >= t.open_question_share_min:
            return []
        closed = [q for q in ctx.tags_named("buyer_question") if q.open is False]
        example = closed[0] if closed else None
        return [
            self.finding(
                f"{ctx.metrics.open_buyer_questions} of {n} buyer questions were open "
                f"({_pct(share)}); target at least {_pct(t.open_question_share_min)}."
                + (f" For example, turn {example.turn}: \"{example.text}\"" if example else ""),
                turn=example.turn if example else None,
                start=example.start if example else None,
                quote=example.text if example else None,
                value=round(share, 4),
                threshold=t.open_question_share_min,
            )
        ]


class IfThenClose(Rule):
    """The seller traded a condition for a commitment.

    What it does: reports every ``if_then_close``.
    Why it matters to the buyer: "if I can..., will you sign?" puts the
    seller's timeline first and pushes the buyer to defend themselves.
    Example: "If I can get you into this at $389 a month, will you sign today?"
    Better: ask what a good decision looks like for them, and when.
    """

    code = "CC105"
    name = "if-then-close"

    def check(self, ctx: Context) -> list[Finding]:
        return [
            self.finding(
                f"Turn {tag.turn}"
                + (f" ({_clock(tag.start)})" if tag.start is not None else "")
                + f": a conditional close: \"{tag.text}\"; target: none. Ask what the buyer "
                "needs to decide well instead.",
                turn=tag.turn,
                start=tag.start,
                quote=tag.text,
                value=1,
                threshold=0,
            )
            for tag in ctx.tags_named("if_then_close")
        ]


class LongSellerMonologue(Rule):
    """The seller held the floor too long without the buyer.

    What it does: flags a ``longest_seller_monologue`` above
    ``seller_monologue_max_seconds`` (or ``seller_monologue_max_words`` where
    untimed).
    Why it matters to the buyer: after a couple of minutes the buyer stops
    listening and starts waiting.
    Example: a 4-minute feature tour with only "mm-hmm" from the buyer.
    Better: stop after a point or two and ask what matters to them.
    """

    code = "CC106"
    name = "long-seller-monologue"
    config_keywords = ("seller_monologue_max_seconds", "seller_monologue_max_words")

    def check(self, ctx: Context) -> list[Finding]:
        t = ctx.thresholds
        m = ctx.metrics
        turn = m.longest_seller_monologue_turn
        if turn is None:
            return []
        start = ctx.transcript.turns[turn].start
        quote = _first_sentence(ctx.transcript.turns[turn].text)
        if m.longest_seller_monologue_seconds is not None:
            if m.longest_seller_monologue_seconds <= t.seller_monologue_max_seconds:
                return []
            msg = (
                f"Turn {turn} ({_clock(start)}): the seller spoke for "
                f"{_clock(m.longest_seller_monologue_seconds)} without the buyer; target at most "
                f"{_clock(t.seller_monologue_max_seconds)}."
            )
            value, limit = round(m.longest_seller_monologue_seconds, 1), t.seller_monologue_max_seconds
        else:
            if m.longest_seller_monologue_words <= t.seller_monologue_max_words:
                return []
            msg = (
                f"Turn {turn}: the seller spoke {m.longest_seller_monologue_words} words without the "
                f"buyer; target at most {t.seller_monologue_max_words} words (about "
                f"{_clock(t.seller_monologue_max_seconds)} of speech)."
            )
            value, limit = m.longest_seller_monologue_words, t.seller_monologue_max_words
        return [self.finding(msg + f" It began: \"{quote}\"", turn=turn, start=start, quote=quote, value=value, threshold=limit)]


class SellerPatienceShort(Rule):
    """The seller answered the buyer before the buyer had a moment to go on.

    What it does: flags a ``seller_patience_seconds`` (the mean pause between
    the end of the buyer's speech and the seller's answer) below
    ``seller_patience_min_seconds``, over at least
    ``seller_patience_min_handovers`` hand-overs. Silent on calls without
    real end times (untimed, or start times only), and where no hand-over
    shows any pause at all: captions whose cues end where the next begins
    say nothing about pauses.
    Why it matters to the buyer: a buyer who pauses is often still thinking;
    an answer in the same breath cuts off what they were about to add.
    Example: the buyer finishes, and the seller starts talking 0.3 seconds later,
    every time.
    Better: let a second of silence pass before answering; the buyer often
    fills it with what matters.
    """

    code = "CC107"
    name = "seller-patience-short"
    config_keywords = ("seller_patience_min_seconds", "seller_patience_min_handovers", "backchannel_max_words")

    def check(self, ctx: Context) -> list[Finding]:
        t = ctx.thresholds
        patience = ctx.metrics.seller_patience_seconds
        found = handover_turns(ctx.transcript, backchannel_max_words=t.backchannel_max_words)
        if patience is None or not found or len(found) < t.seller_patience_min_handovers:
            return []
        if patience >= t.seller_patience_min_seconds or not any(gap > 0 for _, gap in found):
            return []
        turn, gap = min(found, key=lambda h: (h[1], h[0]))  # the quickest answer (an interruption first)
        start = ctx.transcript.turns[turn].start
        quick = "started before the buyer had finished" if gap < 0 else f"answered after {gap:.1f} seconds"
        interruptions = ctx.metrics.seller_interruptions or 0
        return [
            self.finding(
                f"The seller waited {patience:.1f} seconds on average before answering the buyer "
                f"({len(found)} answers, {interruptions} of them before the buyer had finished); target at "
                f"least {t.seller_patience_min_seconds:.1f} second. The quickest, turn {turn} ({_clock(start)}), "
                f"{quick}.",
                turn=turn,
                start=start,
                quote=_first_sentence(ctx.transcript.turns[turn].text),
                value=patience,
                threshold=t.seller_patience_min_seconds,
            )
        ]


class PitchPivot(Rule):
    """The seller answered "what do you do?" briefly and turned to the buyer.

    What it does: reports every ``pitch_pivot`` as something to keep doing.
    Why it matters to the buyer: the buyer gets an answer and the floor back.
    Example: "We help restaurants with their books. But enough about us: what
    made you reach out now?"
    Better: this is the better.
    """

    code = "CC201"
    name = "pitch-pivot"
    severity = INFO

    def check(self, ctx: Context) -> list[Finding]:
        return [
            self.finding(
                f"Turn {tag.turn}"
                + (f" ({_clock(tag.start)})" if tag.start is not None else "")
                + ": asked about yourselves, you answered briefly and turned it back to the buyer. Keep doing that.",
                turn=tag.turn,
                start=tag.start,
                quote=_first_sentence(tag.text),
            )
            for tag in ctx.tags_named("pitch_pivot")
        ]


#: Every rule, in report order.
RULES: tuple[Rule, ...] = (
    SellerTalkShareHigh(),
    PitchDump(),
    FewBuyerQuestions(),
    MostlyClosedQuestions(),
    IfThenClose(),
    LongSellerMonologue(),
    SellerPatienceShort(),
    PitchPivot(),
)


def check_all(ctx: Context, rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Run every rule; findings in rule order, then by turn."""
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(sorted(rule.check(ctx), key=lambda f: (f.turn is None, f.turn or 0)))
    return findings
