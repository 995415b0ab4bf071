"""The segmenter of unpunctuated speech, and how the question tagger reads the turns it splits."""
from __future__ import annotations

import math

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.nlp.components.base import question_odds, segmented, turn_sentences
from analyzer.nlp.components.segmenter import (
    WORD_CLASSES,
    SentenceScorer,
    WindowScorer,
    history_features,
    lacks_punctuation,
    sentence_features,
    training_rows,
    word_class,
    word_features,
)
from analyzer.nlp.resources import load_lexicon
from analyzer.nlp.learned import SentenceModel
from analyzer.nlp.pipeline import analyse_doc, build_nlp, transcript_to_doc

from helpers import build_transcript

RAW = "okay great so how are you handling renewals today and who on your team owns that process"


@pytest.mark.parametrize(
    "text,expected",
    [
        (RAW, True),
        ("Okay, great. So how are you handling renewals today? And who owns that?", False),
        ("yeah okay sure", False),  # too short to judge
        # a decimal point is no sentence mark
        ("okay so you lose about 1.5 percent every year how are you handling renewals today and who on your team owns that process right now", True),
        ("okay so you lose about 1.5 percent. how are you handling renewals", False),
    ],
)
def test_segmenter_lacks_punctuation(text, expected):
    assert lacks_punctuation(text) is expected
    # a word count the caller has (a transcript's turn) is the text's own
    assert lacks_punctuation(text, len(text.split())) is expected


def _splitting_nlp(start_words: dict[str, float], question_intercept: float = -10.0):
    """A pipeline whose segmenter starts a sentence at the given words and ends
    no question (or every one), with the rules alone deciding the tags."""
    nlp = build_nlp(learned="none")
    seg = nlp.get_pipe("callcoach_segmenter")
    seg.start_model = SentenceModel("segment_start", {f"w={w}": x for w, x in start_words.items()}, -10.0, 0.5)
    seg.question_model = SentenceModel("segment_question", {}, question_intercept, 0.7)
    return nlp


def test_segmenter_splits_only_the_turns_without_punctuation():
    nlp = _splitting_nlp({"so": 20.0, "and": 20.0})
    punctuated = "Okay, great so how is it going and what now? Fine."
    t = build_transcript([("Priya Nair", RAW), ("Tammy Boyd", punctuated)])
    doc = analyse_doc(nlp, t)
    turns = doc.spans["turns"]
    assert segmented(doc, turns[0]) and not segmented(doc, turns[1])
    raw_sents = [s.text for s in doc.sents if s.start < turns[0].end]
    assert raw_sents == ["okay great", "so how are you handling renewals today", "and who on your team owns that process"]
    assert [s.text for s in doc.sents if s.start >= turns[1].start] == ["Okay, great so how is it going and what now?", "Fine."]
    # every sentence end of the split turn carries the question model's probability
    p = 1 / (1 + math.exp(10.0))
    assert [question_odds(doc, s.start, s.end) for s in doc.sents if s.start < turns[0].end] == pytest.approx([p] * 3)
    assert question_odds(doc, turns[1].start, turns[1].end) is None


def test_segmenter_turn_sentences_read_before_the_split_are_read_again():
    # A turn's sentences are kept once read; moving the boundaries drops them.
    nlp = _splitting_nlp({"so": 20.0, "and": 20.0})
    doc = transcript_to_doc(nlp, build_transcript([("Priya Nair", RAW), ("Tammy Boyd", "Fine.")]))
    doc = nlp.get_pipe("sentencizer")(doc)
    turn = doc.spans["turns"][0]
    assert turn_sentences(doc, turn) == [(turn.start, turn.end)]
    doc = nlp.get_pipe("callcoach_segmenter")(doc)
    split = [(s.start, s.end) for s in doc.sents if s.start < turn.end]
    assert len(split) == 3 and turn_sentences(doc, turn) == split


def test_segmenter_question_model_reads_each_sentence_whole():
    """The question model judges the sentences the start model found, each as a
    whole: a feature of a sentence's first word marks the end of that sentence."""
    nlp = _splitting_nlp({"so": 20.0, "and": 20.0})
    seg = nlp.get_pipe("callcoach_segmenter")
    seg.question_model = SentenceModel("segment_question", {"f1=and": 20.0}, -10.0, 0.7)
    doc = analyse_doc(nlp, build_transcript([("Priya Nair", RAW), ("Tammy Boyd", "Fine.")]))
    ends = [t.i for t in doc if t._.callcoach_qend]
    assert [doc[i].text for i in ends] == ["process"]
    sents = [s for s in doc.sents if s.start < doc.spans["turns"][0].end]
    odds = [question_odds(doc, s.start, s.end) for s in sents]
    assert odds[2] == pytest.approx(1 / (1 + math.exp(-10.0)))
    assert odds[0] == odds[1] == pytest.approx(1 / (1 + math.exp(10.0)))


def test_segmenter_training_rows_label_each_word_and_each_sentence():
    words = "okay great so how is it going and who owns it".split()
    starts = {0, 2, 7}
    ends_question = {6, 10}
    turn = [(w, k in starts, k in ends_question) for k, w in enumerate(words)]
    rows, start, sentences, question = training_rows(turn)
    assert len(rows) == len(start) == len(words) - 1  # the first word always starts a sentence
    assert start == [int(k in starts) for k in range(1, len(words))]
    window = word_features(words)
    for k, row in enumerate(rows, 1):  # each word's window, then the history of its true sentence so far
        assert row[: len(window[k])] == window[k]
    how, going, who = rows[2], rows[5], rows[7]
    assert {"hd=1", "hfw=so|WH", "hfw1=so|how", "hf=FIL|WH"} <= set(how)
    assert {"hd=4", "hfw1=so|going", "hs=AUXFILSUBJWH|-", "hsn=AUXFILSUBJWH|-|FIL"} <= set(going)  # "so how is it" seen, "and" next
    assert {"hd=1", "hfw1=and|who", "hd2=1|who", "hsn=FIL|WH|-"} <= set(who)  # the sentence "and ..." began one word back
    assert not any(f.startswith("hsn=") for f in rows[-1])  # nothing marks the turn's end
    assert question == [0, 1, 1]
    assert sentences[1] == sentence_features(words, 2, 7)
    assert {"f1=so", "f12=so|how", "sw=how", "sp=is|it", "w=going", "n1=and"} <= set(sentences[1])
    # nothing of another sentence's words leaks into a sentence's body features
    assert not any(f in sentences[1] for f in ("sw=okay", "sw=who"))


def test_segmenter_without_models_changes_nothing():
    nlp = build_nlp(learned="none")
    doc = analyse_doc(nlp, build_transcript([("Priya Nair", RAW), ("Tammy Boyd", "Fine.")]))
    assert not segmented(doc, doc.spans["turns"][0])
    assert len([s for s in doc.sents if s.start < doc.spans["turns"][0].end]) == 1


def test_segmenter_unmarked_sentences_are_candidates_the_rules_leave_to_the_model():
    """In a split turn every sentence is a question candidate, as if its question mark
    had been lost: the rules alone keep their decision (nothing new is tagged), the
    model reads the form, that it was unmarked and the question probability
    (here 0.05: above the floor under which an analysis leaves it out)."""
    nlp = _splitting_nlp({"and": 20.0, "so": 20.0}, question_intercept=-3.0)
    text = "so you are happy with them and for you personally what does success look like"
    t = build_transcript([("Priya Nair", text), ("Tammy Boyd", "Mostly, yes.")])
    doc = analyse_doc(nlp, t)
    tagger = nlp.get_pipe("callcoach_buyer_question")
    cands = {c.span.text: c for c in tagger.candidates(doc)}
    assert set(cands) == {"so you are happy with them", "and for you personally what does success look like"}
    for cand in cands.values():
        assert not cand.rule and "R:form=unmarked" in cand.features and "R:qend=0" in cand.features
    assert cands["so you are happy with them"].open is False
    assert cands["and for you personally what does success look like"].open is True  # names a wh-word
    assert list(doc.spans["buyer_question"]) == []
    tagger.model = SentenceModel("buyer_question", {"R:form=unmarked": 5.0}, -1.0, 0.5)
    doc = analyse_doc(nlp, t)
    assert len(doc.spans["buyer_question"]) == 2
    # Judged all but sure to be statements (0.00005), they are not read at all.
    nlp.get_pipe("callcoach_segmenter").question_model = SentenceModel("segment_question", {}, -10.0, 0.7)
    doc = analyse_doc(nlp, t)
    assert len(tagger.candidates(doc)) == 2 and list(doc.spans["buyer_question"]) == []


@pytest.mark.parametrize(
    "last,expected",
    [(".", True), ("?", True), ("!", True), ("?!", True), ("...", False), ("--", False), (",", False), ("process", False), ("", False)],
)
def test_segmenter_ends_with_mark(last, expected):
    from analyzer.nlp.components.segmenter import ends_with_mark

    assert ends_with_mark(last) is expected


def test_segmenter_judges_the_unmarked_last_sentence_of_a_punctuated_turn():
    """A punctuated turn (or one too short to count its marks) that ends on a
    sentence with no mark has that sentence judged by the question model, as a
    sentence of a split turn is, with the words before it in its window; a
    sentence that ends with a mark, or that does not end the turn, is not."""
    nlp = _splitting_nlp({"so": 20.0})
    seg = nlp.get_pipe("callcoach_segmenter")
    # "meet" ends the sentence before "Fine": only the window of a short last sentence reads it
    seg.question_model = SentenceModel("segment_question", {"f1=and": 20.0, "p1=meet": 5.0}, -10.0, 0.7)
    t = build_transcript([
        ("Priya Nair", "Thanks for joining. And who decides which one is the master copy"),
        ("Tammy Boyd", "Mostly me. And the board, in the end."),
        ("Priya Nair", "And then"),
        ("Tammy Boyd", "It goes to the board..."),
        ("Priya Nair", "Great. And when do they meet? Fine"),
    ])
    doc = analyse_doc(nlp, t)
    turns = doc.spans["turns"]
    assert not any(segmented(doc, turn) for turn in turns)  # no sentence boundary moved
    last_sentences = [[s for s in doc.sents if turn.start <= s.start < turn.end][-1] for turn in turns]
    judged = [question_odds(doc, s.start, s.end) for s in last_sentences]
    assert judged[1] is None  # ends with a mark
    assert judged[0] == pytest.approx(1 / (1 + math.exp(-10.0)))  # "... master copy"
    assert judged[2] == pytest.approx(1 / (1 + math.exp(-10.0)))  # "And then"
    assert judged[3] == pytest.approx(1 / (1 + math.exp(10.0)))  # "It goes to the board..."
    assert judged[4] == pytest.approx(1 / (1 + math.exp(5.0)))  # "Fine", read after "... meet?"
    # no sentence before a turn's last is judged
    before = [s for s in doc.sents if s.end == last_sentences[4].start][0]
    assert before.text == "And when do they meet?" and question_odds(doc, before.start, before.end) is None
    assert [t.text for t in doc if t._.callcoach_qend] == ["copy", "then"]
    last = [s for s in doc.sents if s.start >= turns[0].start and s.end <= turns[0].end][-1]
    assert last.text == "And who decides which one is the master copy"
    # The seller's unmarked question is read as if it ended in "?": the rules tag it.
    assert [s.text for s in doc.spans["buyer_question"]] == ["And who decides which one is the master copy", "And when do they meet?"]


@pytest.mark.parametrize("ending", ['."', ".)", "!\u201d", ".]"])
def test_segmenter_mark_before_a_closing_quote_or_bracket_ends_the_sentence(ending):
    """A last sentence whose mark stands before a closing quote or bracket has
    its mark: it is not judged as one that lost it."""
    nlp = _splitting_nlp({"so": 20.0})
    text = "Okay. And you are the main point of contact for renewals" + ending
    doc = analyse_doc(nlp, build_transcript([("Priya Nair", text), ("Tammy Boyd", "Yes.")]))
    last = [s for s in doc.sents if s.end <= doc.spans["turns"][0].end][-1]
    assert question_odds(doc, last.start, last.end) is None
    assert list(doc.spans["buyer_question"]) == []  # a statement, marked as one


def test_segmenter_unmarked_ending_is_a_candidate_the_model_decides():
    """The last sentence of a turn that has no mark is a question candidate, as
    the sentences of a split turn are, when the question model does not restore its mark."""
    nlp = _splitting_nlp({"so": 20.0})
    t = build_transcript([("Priya Nair", "Thanks for joining. And who decides which one is the master copy"), ("Tammy Boyd", "Me.")])
    doc = analyse_doc(nlp, t)
    cands = {c.span.text: c for c in nlp.get_pipe("callcoach_buyer_question").candidates(doc)}
    cand = cands["And who decides which one is the master copy"]
    assert not cand.rule and "R:form=unmarked" in cand.features and "R:qend=0" in cand.features
    assert list(doc.spans["buyer_question"]) == []


def test_segmenter_shipped_models_find_both_questions_of_a_raw_turn():
    """The issue's own example: raw speech-recognition output with two questions."""
    t = build_transcript([("Priya Nair", RAW), ("Tammy Boyd", "we use spreadsheets and it's me mostly")])
    doc = analyse_doc(build_nlp(), t)
    found = [s.text for s in doc.spans["buyer_question"]]
    assert len(found) == 2, found
    assert found[0].endswith("handling renewals today")
    assert found[1].endswith("who on your team owns that process")


@given(st.lists(st.sampled_from("so what how do you we are is it and the um okay i renewals today who owns that process yeah".split()), min_size=1, max_size=30))
@settings(max_examples=200, deadline=None)
def test_segmenter_window_scorer_equals_the_model_on_every_row(words):
    from analyzer.nlp.learned import load_models

    model = load_models("default")["segment_start"]
    assert numpy.array_equal(WindowScorer(model).decision(words), model.decision(word_features(words)))


def test_segmenter_window_scorer_equals_the_model_on_the_samples():
    from pathlib import Path

    from analyzer.nlp.learned import load_models
    from analyzer.readers import read_transcript

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    turns = [t.text.lower().split() for p in sorted(samples.glob("*.txt")) for t in read_transcript(p).turns]
    assert len(turns) > 100
    model = load_models("default")["segment_start"]
    scorer = WindowScorer(model)  # one scorer for all turns, as for a call
    for words in turns:
        assert numpy.array_equal(scorer.decision(words), model.decision(word_features(words)))


@given(
    st.lists(st.sampled_from("so what how do you we are is it and the um okay i renewals today who owns that process yeah".split()), min_size=1, max_size=30),
    st.sets(st.integers(min_value=1, max_value=29)),
)
@settings(max_examples=150, deadline=None)
def test_segmenter_sentence_scorer_equals_the_question_model(words, cuts):
    from analyzer.nlp.learned import load_models

    model = load_models("default")["segment_question"]
    starts = [0, *sorted(k for k in cuts if k < len(words))]
    bounds = list(zip(starts, starts[1:] + [len(words)]))
    expected = model.decision([sentence_features(words, a, b) for a, b in bounds])
    assert numpy.array_equal(SentenceScorer(model).decision(words, bounds), expected)


def test_segmenter_sentence_scorer_equals_the_question_model_on_the_samples():
    from pathlib import Path

    from analyzer.nlp.learned import load_models
    from analyzer.readers import read_transcript

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    turns = [t.text.lower().split() for p in sorted(samples.glob("*.txt")) for t in read_transcript(p).turns]
    model = load_models("default")["segment_question"]
    scorer = SentenceScorer(model)  # one scorer for all turns, as for a call
    for words in turns:
        starts = list(range(0, len(words), 7))  # a sentence every seven words
        bounds = list(zip(starts, starts[1:] + [len(words)]))
        expected = model.probabilities([sentence_features(words, a, b) for a, b in bounds])
        assert numpy.array_equal(scorer.probabilities(words, bounds), expected)


def _sample_turns() -> list[list[str]]:
    from pathlib import Path

    from analyzer.readers import read_transcript

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    return [t.text.lower().split() for p in sorted(samples.glob("*.txt")) for t in read_transcript(p).turns]


@pytest.mark.parametrize("limit", [200_000, 50])
def test_segmenter_scorers_read_many_turns_at_once_as_one_by_one(monkeypatch, limit):
    """Turns scored together give each turn's own figures, also when the
    vocabulary they share starts afresh between calls (a small limit)."""
    from analyzer.nlp.components import segment_scores
    from analyzer.nlp.learned import load_models

    monkeypatch.setattr(segment_scores, "CACHE_LIMIT", limit)
    models = load_models("default")
    turns = _sample_turns()
    vocabulary = segment_scores.Vocabulary()
    window = WindowScorer(models["segment_start"], vocabulary=vocabulary)
    question = SentenceScorer(models["segment_question"], vocabulary=vocabulary)
    generation = vocabulary.generation
    for chunk in (turns[:40], turns[40:41], turns[41:200]):
        batch = vocabulary.turns(chunk)
        together = window.decisions(batch)
        bounds, expected = [], []
        for k, words in enumerate(chunk):
            part = batch.turn(k)
            assert numpy.array_equal(together[part], models["segment_start"].decision(word_features(words)))
            cuts = list(range(0, len(words), 5))
            local = list(zip(cuts, cuts[1:] + [len(words)]))
            bounds += [(a + part.start, b + part.start) for a, b in local]
            expected.append(models["segment_question"].decision([sentence_features(words, a, b) for a, b in local]))
        assert numpy.array_equal(question.decisions(batch, bounds), numpy.concatenate(expected))
    assert (vocabulary.generation > generation) == (limit == 50)


def test_segmenter_splits_many_turns_as_it_splits_each():
    seg = build_nlp().get_pipe("callcoach_segmenter")
    turns = [words for words in _sample_turns() if words][:120]
    together = seg.turn_starts(seg.vocabulary.turns(turns))
    assert [s.tolist() for s in together] == [seg.sentence_starts(words).tolist() for words in turns]
    assert sum(s.sum() for s in together) > len(turns)  # some turns are split


def test_segmenter_punctuated_turns_read_as_the_segmenter_reads_them():
    from analyzer.nlp.training import punctuated_turns, segment_rows

    t = build_transcript([
        ("Priya Nair", "Okay, great. So how are you handling renewals today? And who owns that?"),
        ("Tammy Boyd", RAW),  # no punctuation: nothing to learn from
        ("Priya Nair", "Right."),  # one word
    ])
    (seq,) = list(punctuated_turns(t))
    assert [w for w, _, _ in seq] == "okay great so how are you handling renewals today and who owns that".split()
    assert [k for k, (_, s, _) in enumerate(seq) if s] == [0, 2, 9]
    assert [k for k, (_, _, q) in enumerate(seq) if q] == [8, 12]
    rows = segment_rows([t])
    assert rows["start"] == training_rows(seq)[1] and rows["question"] == [0, 1, 1]


def _greedy_reference(model: SentenceModel, words: list[str]) -> list[bool]:
    """The start model's decisions as training defines them, slowly: word by
    word, each row the window features plus the history of the sentence the
    model itself started last."""
    lex = load_lexicon()
    classes = [WORD_CLASSES.index(word_class(w, lex)) for w in words]
    window = word_features(words)
    out, last, seen = [True], 0, 0
    for i in range(1, len(words)):
        seen |= 1 << classes[i - 1]
        (p,) = model.probabilities([window[i] + history_features(words, classes, i, last, seen)])
        out.append(bool(p >= model.threshold))
        if out[-1]:
            last, seen = i, 0
    return out


WORDS = "so what how do you we are is it and the um okay i renewals today who owns that process yeah if then".split()


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
@settings(max_examples=150, deadline=None)
def test_segmenter_sentence_starts_are_the_start_model_left_to_right(words):
    from analyzer.nlp.learned import load_models

    seg = build_nlp().get_pipe("callcoach_segmenter")
    model = load_models("default")["segment_start"]
    assert seg.sentence_starts(words).tolist() == _greedy_reference(model, words)


def test_segmenter_sentence_starts_on_the_samples():
    from pathlib import Path

    from analyzer.nlp.learned import load_models
    from analyzer.readers import read_transcript

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    turns = [t.text.lower().split() for p in sorted(samples.glob("*.txt"))[:8] for t in read_transcript(p).turns]
    seg = build_nlp().get_pipe("callcoach_segmenter")
    model = load_models("default")["segment_start"]
    assert model.table.lookup(["hd=1"])[0] != 0.0  # the shipped model learned from history
    for words in turns:
        assert seg.sentence_starts(words).tolist() == _greedy_reference(model, words)
    words = RAW.split()
    starts = seg.sentence_starts(words)
    # "okay great | so how ... today and who ...": the question tagger cuts the
    # second sentence into its two questions (test_segmenter_shipped_models_find_both_questions_of_a_raw_turn)
    assert starts.tolist().count(True) >= 2 and starts[words.index("so")]


def test_segmenter_history_decides_with_the_sentence_so_far():
    """A word that starts a sentence by its window does not, one word after a
    start, when the model learned that sentences are not one word long; a
    model without history features decides by the window alone."""
    seg = _splitting_nlp({"and": 20.0, "so": 20.0}).get_pipe("callcoach_segmenter")
    words = "okay well so and then we talked".split()
    assert seg.sentence_starts(words).tolist() == [True, False, True, True, False, False, False]
    weights = {"w=and": 20.0, "w=so": 20.0, "hd=1": -40.0}
    seg.start_model = SentenceModel("segment_start", weights, -10.0, 0.5)
    assert seg.sentence_starts(words).tolist() == [True, False, True, False, False, False, False]
    assert seg.sentence_starts(words).tolist() == _greedy_reference(seg.start_model, words)


def test_segmenter_threads_sharing_a_pipeline_split_as_one_thread_does():
    """The segmenter's vocabulary and scorers grow with each call: threads that
    share one pipeline get the sentences that one thread alone gets."""
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from analyzer.asr import transcript_as_asr
    from analyzer.readers import read_transcript
    from analyzer.roles import assign_roles

    samples = sorted((Path(__file__).resolve().parents[2] / "data" / "samples").glob("*.txt"))[:12]
    calls = [transcript_as_asr(assign_roles(read_transcript(p))) for p in samples]

    def sentences(nlp, call):
        return [(s.start, s.end) for s in analyse_doc(nlp, call).sents]

    alone = build_nlp()
    expected = [sentences(alone, call) for call in calls]
    shared = build_nlp()  # a fresh vocabulary, grown by every thread at once
    with ThreadPoolExecutor(max_workers=6) as pool:
        found = list(pool.map(lambda call: sentences(shared, call), calls * 2))
    assert found == expected * 2
