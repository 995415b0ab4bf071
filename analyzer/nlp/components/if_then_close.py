"""``callcoach_if_then_close``: a conditional trade for a buying commitment.

A seller sentence with a condition ("if I can...", "suppose we...",
"assuming legal signs off", "let's say...") is tagged when it, or the
sentence right after it in the same turn, asks for or presumes a commitment
to buy ("will you sign today?", "do we have a deal?", "can we get it signed
before June 30?"). The commitment part must be a question or speak to the
buyer ("you'll sign", "we have a deal").

Not tagged: conditions that ask nothing in return ("if it helps, I can share
a case study"), conditions the seller does not set ("if so, ..."),
hypothetical questions about the buyer ("if budget were no issue, what
would you do first?"), and anything a buyer says.

Phrase lists: ``patterns/if_then_close.jsonl`` (``CONDITION``,
``NOT_CONDITION``, ``COMMIT``). Span: the sentence or sentences that carry it.
"""
from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import IF_THEN_CLOSE, role_turns
from ..questions import question_form
from ..resources import build_matchers, load_lexicon, load_patterns, match_labels, real_commitment
from .base import Tagger, sentence_words, threshold_defaults

CONFIG_KEYS = ("if_then_close_max_sentence_gap",)

class IfThenCloseTagger(Tagger):
    """Tags ``if_then_close`` spans in seller turns."""

    tag = IF_THEN_CLOSE

    def __init__(
        self,
        nlp: Language,
        name: str = "callcoach_if_then_close",
        *,
        if_then_close_max_sentence_gap: int,
    ) -> None:
        super().__init__(nlp, name)
        self.max_gap = if_then_close_max_sentence_gap
        self.lex = load_lexicon()
        self.matchers = build_matchers(nlp, load_patterns("if_then_close", "commitment"))

    def match(self, doc: Doc) -> list[Span]:
        matches = match_labels(doc, self.matchers)
        if not matches:
            return []
        conditions: dict[int, int] = {}
        blocked: set[int] = set()
        commits: set[int] = set()
        for label, _pid, start, end in matches:
            if label == "CONDITION":
                conditions.setdefault(start, end)
            elif label == "NOT_CONDITION":
                blocked.update(range(start, end))
            elif label == "COMMIT" and real_commitment(doc, start, end):
                commits.add(start)
        real_conditions = sorted(s for s in conditions if s not in blocked)
        commit_starts = sorted(commits)
        if not real_conditions or not commit_starts:
            return []
        found: list[Span] = []
        for _, turn in role_turns(doc, "seller"):
            sents = list(turn.sents)
            k = 0
            while k < len(sents):
                sent = sents[k]
                if not _has(real_conditions, sent.start, sent.end):
                    k += 1
                    continue
                hit = None
                for g in range(0, self.max_gap + 1):
                    if k + g >= len(sents):
                        break
                    cand = sents[k + g]
                    if _has(commit_starts, cand.start, cand.end) and self._asks(cand):
                        hit = g
                        break
                if hit is None:
                    k += 1
                    continue
                found.append(doc[sent.start : sents[k + hit].end])
                k += hit + 1
        return found

    def _asks(self, sent: Span) -> bool:
        """The commitment is asked for (a question) or presumed ("you'll sign")."""
        words, titles = sentence_words(sent)
        if question_form(words, titles, lex=self.lex) is not None:
            return True
        return any(
            tuple(words[i : i + len(p)]) == p for p in self.lex.presuming for i in range(len(words))
        )


def _has(sorted_starts: list[int], start: int, end: int) -> bool:
    """Whether a sorted list holds a value in ``[start, end)``."""
    i = bisect.bisect_left(sorted_starts, start)
    return i < len(sorted_starts) and sorted_starts[i] < end


@Language.factory(
    "callcoach_if_then_close",
    default_config=threshold_defaults(CONFIG_KEYS),
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
)
def make_if_then_close(
    nlp: Language, name: str, if_then_close_max_sentence_gap: int
) -> IfThenCloseTagger:
    """Create the ``callcoach_if_then_close`` component."""
    return IfThenCloseTagger(
        nlp, name, if_then_close_max_sentence_gap=if_then_close_max_sentence_gap
    )
