"""``callcoach_if_then_close``: a conditional trade for a buying commitment.

A seller sentence with a condition ("if I can...", "suppose we...",
"assuming legal signs off", "let's say...") is tagged when it, or one of
the sentences right after it in the same turn (up to
``if_then_close_max_sentence_gap``, 2 by default), asks for or presumes a
commitment to buy ("will you sign today?", "do we have a deal?", "can we get it signed
before June 30?"). The commitment part must be a question or speak to the
buyer ("you'll sign", "we have a deal").

Not tagged: conditions that ask nothing in return ("if it helps, I can share
a case study"), conditions the seller does not set ("if so, ..."),
hypothetical questions about the buyer ("if budget were no issue, what
would you do first?"), and anything a buyer says.

Phrase lists: ``patterns/if_then_close.jsonl`` (``CONDITION``,
``NOT_CONDITION``, ``COMMIT``). Span: the sentence or sentences that carry it; a
turn holds at most one close, so the accepted sentences of one turn are one
span, from the first to the last (:func:`~.base.one_per_turn`).
"""
from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import IF_THEN_CLOSE, role_turns
from ..questions import question_form
from ..heads import asking_test
from ..resources import build_matchers, first_words, load_lexicon, load_patterns, match_labels, real_commitment
from ..learned import SentenceModel, load_models, person_features, ngrams
from .base import Candidate, Tagger, checked_thresholds, doc_words, one_per_turn, reply_features, threshold_defaults, turn_sentences, words_between

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
        model: SentenceModel | None = None,
    ) -> None:
        super().__init__(nlp, name)
        self.max_gap = if_then_close_max_sentence_gap
        self.lex = load_lexicon()
        patterns = load_patterns("if_then_close", "commitment")
        self.matchers = build_matchers(nlp, patterns)
        #: Words a condition can start with ("if", "suppose", "let's say", "once
        #: you approve it": the lexicon's condition_cues and the first words of the
        #: phrase list's conditions): the cheap test for a candidate.
        self.cues = self.lex.condition_cues | (first_words((p for p in patterns if p["label"] == "CONDITION"), nlp) or frozenset())
        self.cues -= {"in", "as", "what"}  # "in exchange", "as long as", "what if": their second word is a cue
        #: The words a presuming phrase ("you'll", "then we") starts with.
        self._presuming_firsts = frozenset(p[0] for p in self.lex.presuming if p)
        #: The trained judge of the candidates; None keeps the rules' decision.
        self.model = model

    def _signals(self, doc: Doc, start: int, end: int) -> tuple[list[int], list[int]]:
        """Sorted starts of the real conditions and of the real commitments in tokens ``start:end``."""
        conditions: dict[int, int] = {}
        blocked: set[int] = set()
        commits: set[int] = set()
        for label, _pid, s, e in match_labels(doc[start:end], self.matchers, doc_words(doc)[0][start:end]):
            if label == "CONDITION":
                conditions.setdefault(s, e)
            elif label == "NOT_CONDITION":
                blocked.update(range(s, e))
            elif label == "COMMIT" and real_commitment(doc, s, e):
                commits.add(s)
        return sorted(s for s in conditions if s not in blocked), sorted(commits)

    def candidates(self, doc: Doc) -> list[Candidate]:
        """Seller sentences that state a condition, each with the sentences after it.

        Only sentences holding a word a condition can start with go further;
        the phrase lists run on those and the few sentences after them.
        """
        lower = doc_words(doc)[0]
        may_ask = asking_test(doc, self.lex)
        found: list[Candidate] = []
        for ti, turn in role_turns(doc, "seller"):
            sents = turn_sentences(doc, turn)
            for k, (s, e) in enumerate(sents):
                offer = False
                if self.cues.isdisjoint(lower[s:e]):
                    # The guide's trade without a condition word: the seller says
                    # what it will do ("Tell you what, I'll knock it down to nine
                    # grand") and asks for the commitment in that sentence or the next.
                    offer = self._offers(lower, s, e)
                    if not offer:
                        continue
                window = sents[k : k + self.max_gap + 1]
                conditions, commits = self._signals(doc, s, window[-1][1])
                commit = [_has(commits, a, b) for a, b in window]
                if offer and not any(commit[:2]):
                    continue
                info = [words_between(doc, a, b) for a, b in window]
                words = info[0][0]
                cond = _has(conditions, s, e)
                asks = [self._asks(*x, may_ask(a, b)) for x, (a, b) in zip(info, window)]
                if offer and not any(c and a for c, a in zip(commit[:2], asks[:2])):
                    continue  # an offer with no commitment asked or presumed trades nothing
                hit = next((g for g in range(len(asks)) if cond and commit[g] and asks[g]), None)
                nxt = info[1][0] if len(info) > 1 else []
                feats = [
                    f"R:rule={hit is not None}",
                    f"R:gap={hit}",
                    f"R:condition={cond}",
                    f"R:commit={commit[0]}",
                    f"R:asks={asks[0]}",
                    f"R:next_commit={len(commit) > 1 and commit[1]}",
                    f"R:next_asks={len(asks) > 1 and asks[1]}",
                    f"R:last_in_turn={k + 1 == len(sents)}",
                    f"R:offer={offer}",
                ]
                feats += person_features(words) + ngrams(words, "W:") + ngrams(nxt[:20], "N:", n=2)
                if hit is not None:
                    last = hit
                elif not (commit[0] or asks[0]) and len(asks) > 1 and (commit[1] or asks[1]):
                    last = 1  # the condition in one sentence, the ask in the next
                else:
                    last = 0
                feats += reply_features(doc, ti, window[last][1], answer=True, lex=self.lex)
                found.append(Candidate(doc[s : window[last][1]], feats, hit is not None))
        return found

    def match(self, doc: Doc) -> list[Span]:
        cands = self.candidates(doc)
        keep = self.model.accept([c.features for c in cands]) if self.model is not None else [c.rule for c in cands]
        # A close said over several sentences of one turn is one tag.
        return one_per_turn(doc, (c.span for c, ok in zip(cands, keep) if ok))

    def _offers(self, lower: list[str], start: int, end: int) -> bool:
        """Whether tokens ``start:end`` say what the seller will or can do ("I'll",
        "we can", "I could"): a first-person subject and a modal."""
        subjects, modals = self.lex.offer_subjects, self.lex.offer_modals
        if subjects.isdisjoint(lower[start : end - 1]) or modals.isdisjoint(lower[start + 1 : end]):
            return False  # (most sentences: no such subject, or no modal after one)
        return any(lower[i] in subjects and lower[i + 1] in modals for i in range(start, end - 1))

    def _asks(self, words: list[str], titles: list[bool], can_ask: bool = True) -> bool:
        """The commitment is asked for (a question) or presumed ("you'll sign").

        can_ask: False when the sentence has no possible question head and no
            question mark (:func:`analyzer.nlp.heads.asking_test`), so no question form.
        """
        if can_ask and question_form(words, titles, lex=self.lex) is not None:
            return True
        firsts = self._presuming_firsts
        return any(
            tuple(words[i : i + len(p)]) == p
            for i, w in enumerate(words)
            if w in firsts
            for p in self.lex.presuming
        )


def _has(sorted_starts: list[int], start: int, end: int) -> bool:
    """Whether a sorted list holds a value in ``[start, end)``."""
    i = bisect.bisect_left(sorted_starts, start)
    return i < len(sorted_starts) and sorted_starts[i] < end


@Language.factory(
    "callcoach_if_then_close",
    default_config={**threshold_defaults(CONFIG_KEYS), "models": "default"},
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
)
def make_if_then_close(
    nlp: Language, name: str, if_then_close_max_sentence_gap: int, models: str
) -> IfThenCloseTagger:
    """Create the ``callcoach_if_then_close`` component.

    models (str): ``"default"`` (the shipped tagger models), a folder of
        models, or ``"none"`` for the rules alone.
    """
    values = checked_thresholds(name, if_then_close_max_sentence_gap=if_then_close_max_sentence_gap)
    return IfThenCloseTagger(nlp, name, **values, model=load_models(models).get(IF_THEN_CLOSE))
