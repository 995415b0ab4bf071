"""``analyzer.nlp.questions``: is a sentence a question, and is it open?"""
from __future__ import annotations

import pytest
import spacy

from analyzer.nlp.components.base import sentence_words
from analyzer.nlp.questions import question_form, question_parts, skip_fillers
from analyzer.nlp.resources import load_lexicon


@pytest.fixture(scope="module")
def tokenize():
    nlp = spacy.blank("en")

    def words_titles(sentence: str):
        return sentence_words(nlp.make_doc(sentence)[:])

    return words_titles


def _form(tokenize, sentence):
    words, titles = tokenize(sentence)
    form = question_form(words, titles)
    return None if form is None else ("open" if form.open else "closed")


@pytest.mark.parametrize(
    "sentence,expected",
    [
        # wh-questions are open, with or without the question mark
        ("How are you handling renewals today?", "open"),
        ("how are you handling renewals today", "open"),
        ("What made you take this call", "open"),
        ("Why did you switch vendors last year?", "open"),
        ("Where does the data live today", "open"),
        ("When are you hoping to have something new running?", "open"),
        ("Who else is involved in payroll besides you and Maria?", "open"),
        ("Which of those matters most?", "open"),
        ("How important is it", "open"),
        ("What shape are they in", "open"),
        ("So, um, what got you looking?", "open"),
        ("Got it, and how do you handle overtime?", "open"),
        ("That's great, how long have you been doing that?", "open"),
        ("And the barn roofs, what shape are they in", "open"),
        ("We moved offices last spring and the whole team came with us, what does a normal Tuesday look like", "open"),
        # "which" + auxiliary + subject after a comma asks; it is no relative clause
        ("If you had to pick one, which would it be?", "open"),
        # openers that ask without a question form
        ("Tell me about your current process.", "open"),
        ("Walk me through a normal Monday.", "open"),
        ("Can you tell me about the team?", "open"),
        ("I'm curious how you run it today.", "open"),
        ("Can I ask what worries you most?", "open"),
        # ...unless they ask if/whether
        ("Can I ask if the board has seen it?", "closed"),
        ("I'm curious if you have tried that.", "closed"),
        ("I wonder if you could send it.", "closed"),
        # auxiliary + subject: closed, with or without "?"
        ("Do you use spreadsheets?", "closed"),
        ("do you use spreadsheets", "closed"),
        ("Are you still coaching on weekends?", "closed"),
        ("Have you looked at other options", "closed"),
        ("Is the team on board?", "closed"),
        ("Is Dana joining us?", "closed"),
        ("Is it the cost or the time?", "closed"),
        # a declarative question
        ("So you're on Salesforce?", "closed"),
        # not questions
        ("Tell me if that works.", None),
        ("Let me ask you this.", None),
        ("We sync overnight, which is basically the point.", None),
        ("This is what we do.", None),
        ("How about Tuesday.", None),
        ("What about the pricing.", None),
        ("We went there.", None),
        ("We moved offices last spring and the whole team came with us, who is picking up the phones", None),
        # backchannels and repairs said as questions
        ("Really?", None),
        ("Sorry?", None),
        ("Right?", None),
        ("Okay?", None),
        ("Mm-hmm?", None),
        ("Hi, Dr. Farouk?", None),
        ("?", None),
        ("", None),
    ],
)
def test_questions_question_form(tokenize, sentence, expected):
    assert _form(tokenize, sentence) == expected


@pytest.mark.parametrize(
    "sentence,kind,head",
    [
        ("How are you handling renewals today?", "wh", 0),
        ("So, um, what got you looking?", "wh", 4),
        ("Do you use spreadsheets?", "aux", 0),
        ("Walk me through a normal Monday.", "opener", 0),
        ("So you're on Salesforce?", "declarative", 1),
    ],
)
def test_questions_form_kind_and_head(tokenize, sentence, kind, head):
    words, titles = tokenize(sentence)
    form = question_form(words, titles)
    assert (form.kind, form.head) == (kind, head)


@pytest.mark.parametrize("sentence", ["Hi, Dr. Farouk?", "Hello, Mr. Tanaka?"])
def test_questions_name_as_question_needs_titles(tokenize, sentence):
    """A name said as a question is no question; without title flags it reads as a declarative one."""
    words, titles = tokenize(sentence)
    assert question_form(words, titles) is None
    form = question_form(words)
    assert (form.kind, form.open) == ("declarative", False)


@pytest.mark.parametrize(
    "sentence,parts",
    [
        # two questions joined by "and" are two (the guide): each part asks on its own
        ("What's your runway, and is there a milestone this trial has to hit?",
         ["What's your runway", "and is there a milestone this trial has to hit?"]),
        ("Did you raise it with them, and how did they respond?",
         ["Did you raise it with them", "and how did they respond?"]),
        ("how are you handling renewals today and how does the team feel about it",
         ["how are you handling renewals today", "and how does the team feel about it"]),
        ("Who's coming and what's the occasion and how many of you will there be?",
         ["Who's coming", "and what's the occasion", "and how many of you will there be?"]),
        # a later part that ends in the question mark may start with any wh-word of its own clause
        ("So how are you handling renewals today, and who on your team owns that process?",
         ["So how are you handling renewals today", "and who on your team owns that process?"]),
        # but not with one that begins a clause inside it
        ("How do you pick your clients and who you work with?", ["How do you pick your clients and who you work with?"]),
        ("Do you know how it started and why?", ["Do you know how it started and why?"]),
        # "or" joins the halves of one alternative question
        ("Is it the cost, or is it the time?", ["Is it the cost, or is it the time?"]),
        # a comma alone joins a question to its rewording
        ("How's the team, like, who does what?", ["How's the team, like, who does what?"]),
        # the earlier words must ask on their own
        ("We moved last spring and how did that go?", ["We moved last spring and how did that go?"]),
        # and the later words must begin a question
        ("Do you run payroll and the benefits yourself?", ["Do you run payroll and the benefits yourself?"]),
        ("Can you tell me how you do it and why?", ["Can you tell me how you do it and why?"]),
    ],
)
def test_questions_question_parts(tokenize, sentence, parts):
    words, titles = tokenize(sentence)
    doc = spacy.blank("en").make_doc(sentence)
    tokens = [t for t in doc if not t.is_space]
    cuts = question_parts(words, titles)
    bounds = [0, *cuts, len(tokens)]
    found = [
        sentence[tokens[a].idx : tokens[b - 1].idx + len(tokens[b - 1])].rstrip(", ") for a, b in zip(bounds, bounds[1:])
    ]
    assert found == parts


@pytest.mark.parametrize(
    "words,expected",
    [
        (["so", ",", "um", "what"], 3),
        (["got", "it", ",", "and", "how"], 4),
        (["how"], 0),
        (["okay", "so"], 2),
    ],
)
def test_questions_skip_fillers(words, expected):
    assert skip_fillers(words, 0, load_lexicon()) == expected


def test_questions_question_parts_of_speech_without_marks():
    """Unpunctuated speech lost its question marks: its later parts are read as
    asking, so a wh-word of a clause of its own begins one."""
    words = "so how are you handling renewals today and who on your team owns that process".split()
    assert question_parts(words) == []
    assert question_parts(words, asks=True) == [words.index("and")]
    embedded = "how do you pick your clients and who you work with".split()
    assert question_parts(embedded, asks=True) == []
