"""Questions by side: the questions the buyer side asks.

A buyer sentence is a question by the same question-form rules the
``buyer_question`` tagger uses on seller sentences
(:func:`analyzer.nlp.questions.question_form`: a wh-word at the head of a
clause, an auxiliary before a subject, an opener such as "walk me through",
or a sentence ending in "?", also where the segmenter found the question
mark missing). What the question is about does not matter here: every
question a buyer asks is a sign of a buyer taking part.

These are counted beside the seller's questions (``buyer_side_questions``
in the metrics), and never tagged: the tags are those of ``spec/tags.md``.

Most sentences are statements, so two exact shortcuts keep this cheap: a
sentence none of whose words can start a question form (and with no
question mark, written or found by the segmenter) is skipped before its
words are read, and one with no such word at the head of a clause is
skipped before the rules run.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy
from spacy.attrs import IS_SPACE, LOWER, SENT_START
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from .nlp.components import base
from .nlp.components.base import turn_sentences, words_between
from .nlp.extensions import role_turns
from .nlp.questions import CLAUSE_BREAKS, PUNCT, question_form, skip_fillers
from .nlp.resources import Lexicon, load_lexicon


def question_triggers(lex: Lexicon) -> tuple[frozenset[str], dict[str, tuple[tuple[str, ...], ...]]]:
    """What a question form can turn on: single words (wh-words, auxiliaries,
    one-word openers, "?"), and longer openers by their first word ("I" only
    in "I'm curious", "I wonder", "I'd love to hear", ...). A sentence with
    none of them at the head of a clause is no question."""
    single = set(lex.wh) | set(lex.aux) | {"?"}
    single.update(p[0] for p in lex.opener_modal_prefix if p)
    openers: dict[str, list[tuple[str, ...]]] = {}
    for o in lex.openers:
        if len(o.words) == 1:
            single.add(o.words[0])
        elif o.words:
            openers.setdefault(o.words[0], []).append(tuple(o.words))
    return frozenset(single), {w: tuple(seqs) for w, seqs in openers.items() if w not in single}


#: A pair of neighbouring words as one number (wrapping uint64 arithmetic): ``first * _PAIR + second``.
_PAIR = numpy.uint64(1_000_003)


@dataclass(frozen=True)
class _Triggers:
    """The trigger words of one lexicon, as spaCy's string hashes, for :func:`_head_trigger_counts`."""

    words: tuple[frozenset[str], dict[str, tuple[tuple[str, ...], ...]]]
    single: numpy.ndarray
    pairs: numpy.ndarray
    followers: numpy.ndarray
    question_mark: int


_TRIGGERS: dict[int, tuple[Lexicon, _Triggers]] = {}


def _triggers(lex: Lexicon) -> _Triggers:
    """The triggers of ``lex``, worked out once per lexicon (the lexicon is looked up by identity)."""
    found = _TRIGGERS.get(id(lex))
    if found is not None and found[0] is lex:
        return found[1]
    single, openers = question_triggers(lex)

    def hashes(words) -> numpy.ndarray:
        return numpy.array([hash_string(w) for w in words], dtype="uint64").reshape(-1)

    seqs = [seq for group in openers.values() for seq in group]
    triggers = _Triggers(
        words=(single, openers),
        single=hashes(single),
        pairs=hashes(s[0] for s in seqs) * _PAIR + hashes(s[1] for s in seqs),  # arrays wrap without a warning
        followers=hashes(head_followers(lex)),
        question_mark=hash_string("?"),
    )
    _TRIGGERS[id(lex)] = (lex, triggers)
    return triggers


def head_followers(lex: Lexicon) -> frozenset[str]:
    """Every word the head of a clause can come right after: punctuation,
    fillers and the words of filler pairs ("you know", "I mean")."""
    words = set(PUNCT) | set(CLAUSE_BREAKS) | set(lex.filler)
    words.update(w for pair in lex.filler_pairs for w in pair)
    return frozenset(words)


def buyer_side_questions(doc: Doc, lex: Lexicon | None = None) -> list[Span]:
    """The sentences of buyer turns that are questions, in reading order."""
    lex = lex or load_lexicon()
    hits = _head_trigger_counts(doc, lex)
    # question ends the segmenter found in unpunctuated speech (a "?" the words lack)
    qends = sorted(doc.user_data.get(base._QENDS) or ())
    found: list[Span] = []
    for _, turn in role_turns(doc, "buyer"):
        for start, end in turn_sentences(doc, turn):
            if hits[end] == hits[start] and not _any_between(qends, start, end):
                continue
            words, titles = words_between(doc, start, end)
            if "?" not in words and not _head_may_ask(words, lex):
                continue
            if question_form(words, titles, lex=lex) is not None:
                found.append(doc[start:end])
    return found


def _head_trigger_counts(doc: Doc, lex: Lexicon) -> numpy.ndarray:
    """Running count of the tokens that may head a question: a trigger word
    at a sentence start or after punctuation, a space or a filler; or "?"."""
    t = _triggers(lex)
    arr = doc.to_array([LOWER, SENT_START, IS_SPACE])
    lower = arr[:, 0]
    trigger = numpy.isin(lower, t.single)
    prev = numpy.ones(len(doc), dtype=bool)
    if len(doc) > 1:
        # an opener's first word counts before its second ("I" in "I'm curious", not in "I think")
        trigger[:-1] |= numpy.isin(lower[:-1] * _PAIR + lower[1:], t.pairs)
        prev[1:] = numpy.isin(lower[:-1], t.followers) | (arr[:-1, 2] == 1) | (arr[1:, 1].astype("int64") == 1)
    may = (trigger & prev) | (lower == t.question_mark)
    return numpy.concatenate(([0], numpy.cumsum(may)))


def _any_between(sorted_indices: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(sorted_indices, start)
    return i < len(sorted_indices) and sorted_indices[i] < end


def _head_may_ask(words: list[str], lex: Lexicon) -> bool:
    """Whether the head of some clause is a word (or an opener's first two
    words) a question form can turn on."""
    single, openers = _triggers(lex).words
    n = len(words)

    def asks(h: int) -> bool:
        if h >= n:
            return False
        w = words[h]
        return w in single or any(tuple(words[h : h + len(seq)]) == seq for seq in openers.get(w, ()))

    if asks(skip_fillers(words, 0, lex)):
        return True
    return any(asks(skip_fillers(words, i + 1, lex)) for i, w in enumerate(words) if w in CLAUSE_BREAKS)
