"""``callcoach_pitch_dump``: how the seller answers a ``pitch_invite``.

The answer is the seller's speech from the invitation until a buyer says
more than a backchannel. It is a ``pitch_dump`` when it runs past
``pitch_dump_min_words`` words (or ``pitch_dump_min_seconds`` seconds of
seller speech), is mostly about the seller (``we``/``our``/``I``, and the
offer told in the second person, "you get", "you can", outnumber the other
``you``/``your``: ``pitch_dump_min_self_share``), and holds no
``buyer_question`` in its first ``pitch_dump_question_window_words`` words.
It is a ``pitch_pivot`` when it is not a dump and does turn to the buyer
with a question about them. An answer that is neither carries no tag.

Needs ``callcoach_pitch_invite`` and ``callcoach_buyer_question`` to run first.
Span: the whole answer (from its first seller turn to its last).
"""
from __future__ import annotations

import bisect

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from ..extensions import (
    BUYER_QUESTION,
    PITCH_DUMP,
    PITCH_INVITE,
    PITCH_PIVOT,
    TRANSCRIPT,
    TurnTable,
    turn_index_of,
    turn_table,
)
from ..resources import load_lexicon
from .base import Tagger, checked_thresholds, doc_words, threshold_defaults

#: The thresholds this component reads (``analyzer/defaults.cfg``).
CONFIG_KEYS = (
    "backchannel_max_words",
    "pitch_dump_min_words",
    "pitch_dump_min_seconds",
    "pitch_dump_question_window_words",
    "pitch_dump_min_self_share",
    "pitch_answer_max_turn_gap",
)


@dataclass(frozen=True)
class Answer:
    """The seller's answer to one invitation."""

    first_turn: int
    last_turn: int
    words: int
    seconds: float | None
    self_share: float
    first_question_word: int | None


class PitchDumpTagger(Tagger):
    """Tags ``pitch_dump`` and ``pitch_pivot`` spans (the seller's answers)."""

    tag = PITCH_DUMP

    def __init__(
        self,
        nlp: Language,
        name: str = "callcoach_pitch_dump",
        *,
        backchannel_max_words: int,
        pitch_dump_min_words: int,
        pitch_dump_min_seconds: float,
        pitch_dump_question_window_words: int,
        pitch_dump_min_self_share: float,
        pitch_answer_max_turn_gap: int,
    ) -> None:
        super().__init__(nlp, name)
        self.backchannel_max_words = backchannel_max_words
        self.min_words = pitch_dump_min_words
        self.min_seconds = pitch_dump_min_seconds
        self.window_words = pitch_dump_question_window_words
        self.min_self_share = pitch_dump_min_self_share
        self.max_turn_gap = pitch_answer_max_turn_gap
        self.lex = load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            dumps, pivots = self.match_answers(doc)
            doc.spans[PITCH_DUMP] = SpanGroup(doc, name=PITCH_DUMP, spans=dumps)
            doc.spans[PITCH_PIVOT] = SpanGroup(doc, name=PITCH_PIVOT, spans=pivots)
        except Exception as exc:  # noqa: BLE001
            error_handler(self.name, self, [doc], exc)
        return doc

    def match(self, doc: Doc) -> list[Span]:
        return self.match_answers(doc)[0]

    def match_answers(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """The ``pitch_dump`` spans and the ``pitch_pivot`` spans."""
        invites = doc.spans[PITCH_INVITE] if PITCH_INVITE in doc.spans else []
        table = turn_table(doc) if invites else None
        if table is None:
            return [], []
        transcript = doc._.get(TRANSCRIPT)
        questions = doc.spans[BUYER_QUESTION] if BUYER_QUESTION in doc.spans else []
        q_starts = sorted(q.start for q in questions)
        dumps: list[Span] = []
        pivots: list[Span] = []
        answered: set[int] = set()
        for invite in invites:
            ti = turn_index_of(doc, invite.start)
            answer = self.find_answer(doc, table, transcript, ti, q_starts)
            if answer is None or answer.first_turn in answered:
                continue
            answered.add(answer.first_turn)
            span = doc[table.starts[answer.first_turn] : table.ends[answer.last_turn]]
            long_enough = answer.words > self.min_words or (
                answer.seconds is not None and answer.seconds > self.min_seconds
            )
            asked_early = (
                answer.first_question_word is not None
                and answer.first_question_word < self.window_words
            )
            if long_enough and answer.self_share >= self.min_self_share and not asked_early:
                dumps.append(span)
            elif answer.first_question_word is not None:
                pivots.append(span)
        return dumps, pivots

    def find_answer(self, doc: Doc, table: TurnTable, transcript, ti: int, q_starts: list[int]) -> Answer | None:
        """The seller's answer to an invitation in turn ``ti``, or None.

        table: the doc's turns (:func:`~analyzer.nlp.extensions.turn_table`).
        q_starts: the sorted start tokens of the call's buyer questions.
        """
        roles = table.roles
        n = len(roles)
        turns = transcript.turns if transcript is not None and len(transcript.turns) == n else None

        def turn_words(t: int) -> int:
            # (a turn's span holds the turn's text: its count, made once, where the transcript is at hand)
            return turns[t].words if turns is not None else _words(doc[table.starts[t] : table.ends[t]])

        j = ti + 1
        # The answer begins at the first seller turn within the allowed gap.
        while j < n and j - ti <= self.max_turn_gap and roles[j] != "seller":
            j += 1
        if j >= n or roles[j] != "seller":
            return None
        first = last = j
        k = j + 1
        while k < n:
            role = roles[k]
            if role == "seller":
                last = k
            elif role == "buyer" and turn_words(k) > self.backchannel_max_words:
                break
            k += 1
        words = 0
        seconds = 0.0
        timed = transcript is not None and transcript.timed
        self_refs = you_refs = 0
        first_q: int | None = None
        for t in range(first, last + 1):
            if roles[t] != "seller":
                continue
            span = doc[table.starts[t] : table.ends[t]]
            if first_q is None:
                k = bisect.bisect_left(q_starts, span.start)
                if k < len(q_starts) and q_starts[k] < span.end:
                    first_q = words + len(span.doc[span.start : q_starts[k]].text.split())
            lower = doc_words(span.doc)[0]
            for i in range(span.start, span.end):
                lw = lower[i]
                if lw in self.lex.self_reference:
                    self_refs += 1
                elif lw in self.lex.second_person:
                    # "you get", "you can trade your week": the offer told in the
                    # second person is still about the offer, not the buyer.
                    nxt = lower[i + 1] if i + 1 < span.end else ""
                    if lw == "you" and nxt in self.lex.product_you_verbs:
                        self_refs += 1
                    else:
                        you_refs += 1
            words += turn_words(t)
            if timed:
                seconds += transcript.turns[t].seconds or 0.0
        refs = self_refs + you_refs
        return Answer(
            first_turn=first,
            last_turn=last,
            words=words,
            seconds=seconds if timed else None,
            self_share=self_refs / refs if refs else 1.0,
            first_question_word=first_q,
        )


def _words(span: Span) -> int:
    return len(span.text.split())


@Language.factory(
    "callcoach_pitch_dump",
    default_config=threshold_defaults(CONFIG_KEYS),
    assigns=["doc.spans"],
    requires=["doc.spans"],
)
def make_pitch_dump(
    nlp: Language,
    name: str,
    backchannel_max_words: int,
    pitch_dump_min_words: int,
    pitch_dump_min_seconds: float,
    pitch_dump_question_window_words: int,
    pitch_dump_min_self_share: float,
    pitch_answer_max_turn_gap: int,
) -> PitchDumpTagger:
    """Create the ``callcoach_pitch_dump`` component (its thresholds checked as in ``defaults.cfg``)."""
    values = checked_thresholds(
        name,
        backchannel_max_words=backchannel_max_words,
        pitch_dump_min_words=pitch_dump_min_words,
        pitch_dump_min_seconds=pitch_dump_min_seconds,
        pitch_dump_question_window_words=pitch_dump_question_window_words,
        pitch_dump_min_self_share=pitch_dump_min_self_share,
        pitch_answer_max_turn_gap=pitch_answer_max_turn_gap,
    )
    return PitchDumpTagger(nlp, name, **values)
