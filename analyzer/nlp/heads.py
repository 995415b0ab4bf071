"""Where a question can turn: the tokens that may head a question form.

:func:`analyzer.nlp.questions.question_form` finds a question only at the
head of a clause (the sentence's first word, or the first after punctuation
or fillers) that is a wh-word, an auxiliary or the start of an opener ("walk
me through", "I'm curious"), or in a sentence that ends in "?". Counted once
over a whole Doc with its token arrays, this gives an exact shortcut: a
sentence with none of those tokens, and no question mark (written, or found
by the segmenter in speech without punctuation), is no question, and its
words need not be read.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy
from spacy.attrs import IS_SPACE, LOWER, SENT_START
from spacy.strings import hash_string
from spacy.tokens import Doc

from .components import base
from .questions import CLAUSE_BREAKS, PUNCT, skip_fillers
from .resources import Lexicon


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


def head_followers(lex: Lexicon) -> frozenset[str]:
    """Every word the head of a clause can come right after: punctuation,
    fillers and the words of filler pairs ("you know", "I mean")."""
    words = set(PUNCT) | set(CLAUSE_BREAKS) | set(lex.filler)
    words.update(w for pair in lex.filler_pairs for w in pair)
    return frozenset(words)


#: A pair of neighbouring words as one number (wrapping uint64 arithmetic): ``first * _PAIR + second``.
_PAIR = numpy.uint64(1_000_003)


@dataclass(frozen=True)
class _Triggers:
    """The trigger words of one lexicon, as spaCy's string hashes."""

    words: tuple[frozenset[str], dict[str, tuple[tuple[str, ...], ...]]]
    single: numpy.ndarray  # (each array sorted and distinct, for base.in_sorted)
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

    def sorted_hashes(words) -> numpy.ndarray:
        return numpy.unique(hashes(words))

    seqs = [seq for group in openers.values() for seq in group]
    triggers = _Triggers(
        words=(single, openers),
        single=sorted_hashes(single),
        pairs=numpy.unique(hashes(s[0] for s in seqs) * _PAIR + hashes(s[1] for s in seqs)),  # arrays wrap without a warning
        followers=sorted_hashes(head_followers(lex)),
        question_mark=hash_string("?"),
    )
    _TRIGGERS[id(lex)] = (lex, triggers)
    return triggers


def head_trigger_counts(doc: Doc, lex: Lexicon) -> numpy.ndarray:
    """Running count of the tokens that may head a question: a trigger word
    at a sentence start or after punctuation, a space or a filler; or "?".

    Entry ``i`` counts the tokens before token ``i``, so a sentence
    ``start:end`` holds one when ``counts[end] > counts[start]``. Counted once
    per Doc and lexicon (:func:`~analyzer.nlp.components.base.forget_sentences`
    drops the count with the sentences).
    """
    cached = doc.user_data.get(base._HEADS)
    if cached is not None and cached[0] == id(lex):
        return cached[1]
    t = _triggers(lex)
    arr = doc.to_array([LOWER, SENT_START, IS_SPACE])
    lower = arr[:, 0]
    trigger = base.in_sorted(lower, t.single)
    prev = numpy.ones(len(doc), dtype=bool)
    if len(doc) > 1:
        # an opener's first word counts before its second ("I" in "I'm curious", not in "I think")
        trigger[:-1] |= base.in_sorted(lower[:-1] * _PAIR + lower[1:], t.pairs)
        prev[1:] = base.in_sorted(lower[:-1], t.followers) | (arr[:-1, 2] == 1) | (arr[1:, 1].astype("int64") == 1)
    may = (trigger & prev) | (lower == t.question_mark)
    counts = numpy.concatenate(([0], numpy.cumsum(may))).tolist()
    doc.user_data[base._HEADS] = (id(lex), counts)
    return counts


def found_question_ends(doc: Doc) -> list[int]:
    """The last words of the sentences the segmenter found to be questions in
    speech without punctuation (where a "?" is missing), sorted."""
    return sorted(doc.user_data.get(base._QENDS) or ())


def may_ask(counts: Sequence[int], question_ends: Sequence[int], start: int, end: int) -> bool:
    """Whether tokens ``start:end`` hold a possible question head (``counts``
    from :func:`head_trigger_counts`) or a question end the segmenter found
    (``question_ends`` from :func:`found_question_ends`)."""
    if counts[end] > counts[start]:
        return True
    i = bisect.bisect_left(question_ends, start)
    return i < len(question_ends) and question_ends[i] < end


def asking_test(doc: Doc, lex: Lexicon) -> Callable[[int, int], bool]:
    """:func:`may_ask` for the sentences of ``doc``, as a function of ``(start, end)``:
    the head counts and the segmenter's question ends are read once."""
    counts, question_ends = head_trigger_counts(doc, lex), found_question_ends(doc)
    return lambda start, end: may_ask(counts, question_ends, start, end)


def head_may_ask(words: Sequence[str], lex: Lexicon) -> bool:
    """Whether the head of some clause of a sentence's ``words`` is a word (or
    an opener's first two words) a question form can turn on: without it and
    without a "?", :func:`~analyzer.nlp.questions.question_form` finds nothing."""
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
