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

Most sentences are statements, so two exact shortcuts keep this cheap
(:mod:`analyzer.nlp.heads`): a sentence none of whose words can start a
question form (and with no question mark, written or found by the
segmenter) is skipped before its words are read, and one with no such word
at the head of a clause is skipped before the rules run.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from .nlp.components.base import turn_sentences, words_between
from .nlp.extensions import role_turns
from .nlp.heads import asking_test, head_may_ask
from .nlp.questions import question_form
from .nlp.resources import Lexicon, load_lexicon


def buyer_side_questions(doc: Doc, lex: Lexicon | None = None) -> list[Span]:
    """The sentences of buyer turns that are questions, in reading order."""
    lex = lex or load_lexicon()
    # (counting the question ends the segmenter found in unpunctuated speech: a "?" the words lack)
    may_ask = asking_test(doc, lex)
    found: list[Span] = []
    for _, turn in role_turns(doc, "buyer"):
        for start, end in turn_sentences(doc, turn):
            if not may_ask(start, end):
                continue
            words, titles = words_between(doc, start, end)
            if "?" not in words and not head_may_ask(words, lex):
                continue
            if question_form(words, titles, lex=lex) is not None:
                found.append(doc[start:end])
    return found
