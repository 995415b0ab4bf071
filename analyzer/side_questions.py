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

import numpy
from spacy.attrs import IS_SPACE, LOWER, SENT_START
from spacy.tokens import Doc, Span

from .nlp.components import base
from .nlp.components.base import turn_sentences, words_between
from .nlp.extensions import role_turns
from .nlp.questions import CLAUSE_BREAKS, PUNCT, question_form, skip_fillers
from .nlp.resources import Lexicon, load_lexicon


def question_triggers(lex: Lexicon) -> frozenset[str]:
    """Every word a question form can turn on, and "?"; a sentence without
    any of them is no question."""
    words = set(lex.wh) | set(lex.aux) | {"?"}
    words.update(o.words[0] for o in lex.openers if o.words)
    words.update(p[0] for p in lex.opener_modal_prefix if p)
    return frozenset(words)


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
    triggers = question_triggers(lex)
    # question ends the segmenter found in unpunctuated speech (a "?" the words lack)
    qends = sorted(doc.user_data.get(base._QENDS) or ())
    found: list[Span] = []
    for _, turn in role_turns(doc, "buyer"):
        for start, end in turn_sentences(doc, turn):
            if hits[end] == hits[start] and not _any_between(qends, start, end):
                continue
            words, titles = words_between(doc, start, end)
            if "?" not in words and not _head_may_ask(words, lex, triggers):
                continue
            if question_form(words, titles, lex=lex) is not None:
                found.append(doc[start:end])
    return found


def _head_trigger_counts(doc: Doc, lex: Lexicon) -> numpy.ndarray:
    """Running count of the tokens that may head a question: a trigger word
    at a sentence start or after punctuation, a space or a filler; or "?"."""
    strings = doc.vocab.strings
    arr = doc.to_array([LOWER, SENT_START, IS_SPACE])
    lower = arr[:, 0]
    trigger = numpy.isin(lower, numpy.array([strings.add(w) for w in question_triggers(lex)], dtype="uint64"))
    prev = numpy.ones(len(doc), dtype=bool)
    if len(doc) > 1:
        followed = numpy.isin(lower[:-1], numpy.array([strings.add(w) for w in head_followers(lex)], dtype="uint64"))
        prev[1:] = followed | (arr[:-1, 2] == 1) | (arr[1:, 1].astype("int64") == 1)
    may = (trigger & prev) | (lower == strings.add("?"))
    return numpy.concatenate(([0], numpy.cumsum(may)))


def _any_between(sorted_indices: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(sorted_indices, start)
    return i < len(sorted_indices) and sorted_indices[i] < end


def _head_may_ask(words: list[str], lex: Lexicon, triggers: frozenset[str]) -> bool:
    """Whether the head of some clause is a word a question form can turn on."""
    n = len(words)
    h = skip_fillers(words, 0, lex)
    if h < n and words[h] in triggers:
        return True
    for i, w in enumerate(words):
        if w in CLAUSE_BREAKS:
            h = skip_fillers(words, i + 1, lex)
            if h < n and words[h] in triggers:
                return True
    return False
