"""Talk-time and tag metrics: pure functions of a transcript and its tags.

Definitions follow ``spec/tags.md``:

- ``seller_talk_share``: seller speaking time over seller plus buyer speaking
  time (speakers with role ``other`` are left out). A side's speaking time is
  the time its cues cover, each moment once, so a pause between two cues of
  one speaker is nobody's talk-time. Where the call is untimed, words stand
  in for time, and so they do where the cue times cannot be speaking times
  (a side's words at more than twenty a second: cues of no length). ``None``
  when no seller spoke (a call with no seller side).
- Overlapping speech counts for each speaker who is talking: talk-time
  measures how long each side speaks, and when both speak at once, both are
  speaking. (The share therefore never exceeds 1, and a call full of
  interruptions is not made to look quieter than it was.)
- ``longest_seller_monologue``: the longest run of turns in which the seller
  side speaks and no buyer says more than a backchannel
  (``backchannel_max_words``); its seconds run from the start of its first
  seller turn to the end of its last, less the silences between its turns
  (in a transcript with start times only, where each turn ends when its
  words would have been spoken, a silence is nobody's talk-time: a seller
  cannot "speak for five minutes" over four minutes of nobody speaking); its
  words are the seller's words. ``longest_buyer_story`` is the same for the
  buyer side.
- ``interactivity``: switches between the seller and buyer sides per minute
  (timed) or per 100 words (untimed), backchannels and ``other`` turns left
  out; ``None`` when neither side spoke.
- ``seller_patience_seconds``: the mean pause between the end of the buyer's
  speech and the start of the seller's next turn, over every hand-over from
  the buyer side to the seller side (backchannels are not turns here; a
  seller who starts before the buyer has finished waited 0 seconds).
- ``seller_interruptions``: those hand-overs in which the seller started
  before the buyer had finished.
- ``seller_words_per_minute`` / ``buyer_words_per_minute``: a side's words
  over its speaking time.
- ``seller_filler_rate``: filler words per 100 seller words (the fillers are
  found by the ``callcoach_trackers`` component and counted by the caller).

Pauses, overlaps and speaking rates need real start and end times: they are
``None`` for untimed calls and for calls whose source gave start times only
(``Transcript.ends_estimated``), where every end is an estimate.

A value that cannot be measured is ``None`` (JSON ``null``), never 0.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterator, Mapping

from .config import BOUNDS, Thresholds, default_thresholds
from .transcript import Role, Transcript, Turn


@dataclass(frozen=True)
class Stretch:
    """A run of turns held by one side."""

    first_turn: int
    last_turn: int
    words: int
    seconds: float | None
    start: float | None


@dataclass(frozen=True)
class Metrics:
    """The measured values of one call (``spec/output.md``, ``metrics``)."""

    seller_talk_share: float | None
    longest_seller_monologue_seconds: float | None
    longest_seller_monologue_words: int
    longest_buyer_story_seconds: float | None
    longest_buyer_story_words: int
    interactivity: float | None
    buyer_questions: int
    open_buyer_questions: int
    buyer_questions_per_10_minutes: float | None
    pitch_invites: int
    pitch_dumps: int
    pitch_pivots: int
    if_then_closes: int
    seller_words: int
    buyer_words: int
    seller_seconds: float | None
    buyer_seconds: float | None
    longest_seller_monologue_turn: int | None
    longest_buyer_story_turn: int | None
    buyer_side_questions: int = 0
    buyer_side_questions_per_10_minutes: float | None = None
    seller_patience_seconds: float | None = None
    seller_interruptions: int | None = None
    seller_words_per_minute: float | None = None
    buyer_words_per_minute: float | None = None
    seller_fillers: int = 0
    seller_filler_rate: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def cue_intervals(turn: Turn) -> list[tuple[float, float]]:
    """The (start, end) of each cue of a timed turn."""
    if turn.start is None or turn.end is None:
        return []
    if not turn.cue_offsets:
        return [(turn.start, turn.end)]
    return [(s, e) for _, s, e in turn.cue_offsets if s is not None and e is not None]


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Seconds covered by the intervals, each moment counted once."""
    total = 0.0
    cur_s = cur_e = None
    for s, e in sorted(intervals):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s  # type: ignore[operator]
            cur_s, cur_e = s, max(s, e)
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s  # type: ignore[operator]
    return total


def side_totals(transcript: Transcript) -> dict[Role, tuple[int, float | None]]:
    """Words and speaking seconds per role.

    A side's seconds are the time covered by its speakers' cues, each moment
    once: two cues of one side that overlap (a duplicated caption, two sellers
    at once) do not count twice. Overlap between the sides counts for both.
    """
    timed = transcript.timed
    words = {r: 0 for r in Role}
    spans: dict[Role, list[tuple[float, float]]] = {r: [] for r in Role}
    for turn in transcript.turns:
        role = transcript.roles.get(turn.speaker, Role.BUYER)
        words[role] += turn.words
        if timed:
            spans[role].extend(cue_intervals(turn))
    return {
        r: (words[r], round(union_seconds(spans[r]), 3) if timed else None) for r in Role
    }


def seller_talk_share(transcript: Transcript) -> float | None:
    """Seller talk over seller plus buyer talk (time where timed, else words)."""
    return _talk_share(side_totals(transcript), transcript.timed)


#: The most words a second anyone speaks (the readers' bound on the speech
#: rate): cue times that give a side more are no speaking times (cues of zero
#: or a few milliseconds' length), and its words stand in for them.
MAX_WORDS_PER_SECOND = BOUNDS["speech_rate_words_per_second"].high


def times_hold(words: int, seconds: float | None) -> bool:
    """Whether ``seconds`` can be the speaking time of ``words``."""
    return seconds is not None and (words == 0 or (seconds > 0 and words / seconds <= MAX_WORDS_PER_SECOND))


def _talk_share(totals: Mapping[Role, tuple[int, float | None]], timed: bool) -> float | None:
    """:func:`seller_talk_share` from the call's :func:`side_totals` (by words
    where the cue times cannot be both sides' speaking times)."""
    (sw, ss), (bw, bs) = totals[Role.SELLER], totals[Role.BUYER]
    if sw == 0:
        return None  # no seller spoke: the call has no seller side to measure
    if timed and times_hold(sw, ss) and times_hold(bw, bs) and ss + bs > 0:  # type: ignore[operator]
        return round(ss / (ss + bs), 4)
    if sw + bw == 0:
        return None
    return round(sw / (sw + bw), 4)


def longest_stretch(
    transcript: Transcript, role: Role, *, backchannel_max_words: int
) -> Stretch | None:
    """The longest run of ``role`` speech no one on the other side interrupts.

    The other side's backchannels (``backchannel_max_words`` words or fewer)
    and ``other`` speakers do not end a run. Longest by seconds where timed,
    else by words.
    """
    other_side = Role.BUYER if role is Role.SELLER else Role.SELLER
    timed = transcript.timed
    best: Stretch | None = None
    cur: list[Turn] = []
    inside: list[Turn] = []  # every turn since the run began (backchannels, `other`)

    def close() -> None:
        nonlocal best, cur, inside
        if cur:  # a run holds ``role``'s turns only
            words = sum(t.words for t in cur)
            # from its first turn's start to its last turn's end, each moment
            # someone speaks once: the silences between turns left out
            held = inside[: inside.index(cur[-1]) + 1]
            secs = union_seconds([(t.start, t.end) for t in held]) if timed else None  # type: ignore[misc]
            s = Stretch(cur[0].index, cur[-1].index, words, round(secs, 3) if secs is not None else None, cur[0].start)
            key = (s.seconds, s.words) if timed else (s.words,)
            best_key = ((best.seconds, best.words) if timed else (best.words,)) if best else None
            if best is None or key > best_key:  # type: ignore[operator]
                best = s
        cur, inside = [], []

    for turn in transcript.turns:
        r = transcript.roles.get(turn.speaker)
        if r is role:
            cur.append(turn)
            inside.append(turn)
        elif r is other_side and turn.words > backchannel_max_words:
            close()
        elif cur:
            inside.append(turn)  # backchannels of the other side and `other` speakers keep the run open
    close()
    return best


def side_turns(transcript: Transcript, *, backchannel_max_words: int) -> Iterator[tuple[Turn, Role]]:
    """The seller side's and buyer side's turns with their roles, in order:
    backchannels (``backchannel_max_words`` words or fewer) and ``other``
    speakers left out."""
    for turn in transcript.turns:
        role = transcript.roles.get(turn.speaker)
        if role in (Role.SELLER, Role.BUYER) and turn.words > backchannel_max_words:
            yield turn, role


def role_switches(transcript: Transcript, *, backchannel_max_words: int) -> int:
    """Switches between seller and buyer sides, backchannels left out."""
    last: Role | None = None
    switches = 0
    for _, r in side_turns(transcript, backchannel_max_words=backchannel_max_words):
        if last is not None and r is not last:
            switches += 1
        last = r
    return switches


def interactivity(transcript: Transcript, *, backchannel_max_words: int) -> float | None:
    """Side switches per minute (timed) or per 100 words (untimed)."""
    switches = role_switches(transcript, backchannel_max_words=backchannel_max_words)
    words = sum(
        t.words for t in transcript.turns if transcript.roles.get(t.speaker) in (Role.SELLER, Role.BUYER)
    )
    if not words:
        return None  # neither side spoke: nothing passed between them to count
    if transcript.timed:
        minutes = (transcript.duration_seconds or 0.0) / 60.0
        return round(switches / minutes, 3) if minutes > 0 else None
    return round(switches * 100.0 / words, 3)


def ends_known(transcript: Transcript) -> bool:
    """Whether the call has real start and end times (not untimed, not start-only)."""
    return transcript.timed and not transcript.ends_estimated


def handovers(transcript: Transcript, *, backchannel_max_words: int) -> list[float] | None:
    """The gap at each hand-over from the buyer side to the seller side, in seconds
    (:func:`handover_turns` without the turns)."""
    found = handover_turns(transcript, backchannel_max_words=backchannel_max_words)
    return None if found is None else [gap for _, gap in found]


def handover_turns(transcript: Transcript, *, backchannel_max_words: int) -> list[tuple[int, float]] | None:
    """``(seller turn, gap)`` at each hand-over from the buyer side to the seller side.

    A hand-over is a seller turn whose previous turn on either side was a
    buyer's; backchannels (``backchannel_max_words`` words or fewer) and
    ``other`` speakers are not turns here. The gap runs from the end of the
    buyer's speech (the latest end among the buyer turns so far: a buyer turn
    that began earlier and still goes on, under another buyer's and the
    seller's, has not finished) to the start of the seller's turn, and is
    negative when the seller started before the buyer had finished. None
    when the call's ends are not known (:func:`ends_known`).
    """
    if not ends_known(transcript):
        return None
    gaps: list[tuple[int, float]] = []
    last: Role | None = None
    buyer_end = 0.0
    for turn, role in side_turns(transcript, backchannel_max_words=backchannel_max_words):
        if role is Role.BUYER:
            buyer_end = max(buyer_end, turn.end)  # type: ignore[type-var,assignment]
        elif last is Role.BUYER:
            gaps.append((turn.index, round(turn.start - buyer_end, 3)))  # type: ignore[operator]
        last = role
    return gaps


def seller_patience(gaps: list[float] | None) -> float | None:
    """The mean pause before the seller answers (overlaps count as 0); None without a hand-over."""
    if not gaps:
        return None
    return round(sum(max(0.0, g) for g in gaps) / len(gaps), 3)


def seller_interruptions(gaps: list[float] | None) -> int | None:
    """Hand-overs in which the seller started before the buyer had finished."""
    return None if gaps is None else sum(1 for g in gaps if g < 0)


def words_per_minute(words: int, seconds: float | None, transcript: Transcript) -> float | None:
    """``words`` over ``seconds`` of speech, per minute; None when the ends are not known or nobody spoke."""
    if not ends_known(transcript) or not seconds or not times_hold(words, seconds):
        return None
    return round(words * 60.0 / seconds, 1)


def per_100_words(count: int, words: int) -> float | None:
    """``count`` per 100 ``words``; None for no words."""
    return round(count * 100.0 / words, 3) if words else None


def per_10_minutes(count: int, transcript: Transcript) -> float | None:
    """``count`` per 10 minutes of the call; None when untimed."""
    duration = transcript.duration_seconds
    return round(count / (duration / 600.0), 3) if duration else None


def compute_metrics(
    transcript: Transcript,
    tag_counts: Mapping[str, int],
    open_questions: int,
    thresholds: Thresholds | None = None,
    *,
    buyer_side_questions: int = 0,
    seller_fillers: int = 0,
) -> Metrics:
    """All metrics of one call.

    tag_counts (Mapping[str, int]): number of spans per tag name.
    open_questions (int): number of buyer questions that are open.
    buyer_side_questions (int): questions asked by the buyer side.
    seller_fillers (int): filler words in the seller side's turns.
    """
    thresholds = thresholds or default_thresholds()
    bc = thresholds.backchannel_max_words
    mono = longest_stretch(transcript, Role.SELLER, backchannel_max_words=bc)
    story = longest_stretch(transcript, Role.BUYER, backchannel_max_words=bc)
    totals = side_totals(transcript)
    questions = tag_counts.get("buyer_question", 0)
    gaps = handovers(transcript, backchannel_max_words=bc)
    (seller_words, seller_seconds), (buyer_words, buyer_seconds) = totals[Role.SELLER], totals[Role.BUYER]
    return Metrics(
        seller_talk_share=_talk_share(totals, transcript.timed),
        longest_seller_monologue_seconds=mono.seconds if mono else None,
        longest_seller_monologue_words=mono.words if mono else 0,
        longest_buyer_story_seconds=story.seconds if story else None,
        longest_buyer_story_words=story.words if story else 0,
        interactivity=interactivity(transcript, backchannel_max_words=bc),
        buyer_questions=questions,
        open_buyer_questions=open_questions,
        buyer_questions_per_10_minutes=per_10_minutes(questions, transcript),
        pitch_invites=tag_counts.get("pitch_invite", 0),
        pitch_dumps=tag_counts.get("pitch_dump", 0),
        pitch_pivots=tag_counts.get("pitch_pivot", 0),
        if_then_closes=tag_counts.get("if_then_close", 0),
        seller_words=seller_words,
        buyer_words=buyer_words,
        seller_seconds=seller_seconds,
        buyer_seconds=buyer_seconds,
        longest_seller_monologue_turn=mono.first_turn if mono else None,
        longest_buyer_story_turn=story.first_turn if story else None,
        buyer_side_questions=buyer_side_questions,
        buyer_side_questions_per_10_minutes=per_10_minutes(buyer_side_questions, transcript),
        seller_patience_seconds=seller_patience(gaps),
        seller_interruptions=seller_interruptions(gaps),
        seller_words_per_minute=words_per_minute(seller_words, seller_seconds, transcript),
        buyer_words_per_minute=words_per_minute(buyer_words, buyer_seconds, transcript),
        seller_fillers=seller_fillers,
        seller_filler_rate=per_100_words(seller_fillers, seller_words),
    )
