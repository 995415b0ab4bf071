"""``callcoach_trackers``: tracker mentions by side, filler words, and no effect on the tags."""
from __future__ import annotations

import pytest
import spacy

from analyzer.nlp import extensions as ext
from analyzer.nlp.components.trackers import FILLERS_KEY, TRACKERS_KEY, TrackerMatcher
from analyzer.nlp.pipeline import analyse_doc, build_nlp
from analyzer.trackers import Tracker, TrackerSet, default_trackers
from helpers import SAMPLES, build_transcript

TRACKERS = TrackerSet(
    (
        Tracker("pricing", phrases=("price", "price point", "discount"), patterns=([{"LOWER": "per"}, {"LOWER": {"IN": ["seat", "user"]}}],)),
        Tracker("competitors", phrases=("Acme",), side="buyer"),
        Tracker("next_steps", phrases=("next step", "next steps"), side="seller"),
    ),
    source="<test>",
)


@pytest.fixture(scope="module")
def nlp():
    pipeline = build_nlp(learned="none")
    pipeline.get_pipe("callcoach_trackers").set_trackers(TRACKERS)
    return pipeline


@pytest.fixture
def plain():
    """A user's own pipeline: the component alone, the shipped trackers."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("callcoach_trackers")
    return pipeline


def mentions(nlp, turns):
    doc = analyse_doc(nlp, build_transcript(turns))
    return [(s.label_, s.text, ext.turn_index_of(doc, s.start)) for s in doc.spans[TRACKERS_KEY]]


def test_trackers_registered_last(nlp):
    assert nlp.pipe_names[-1] == "callcoach_trackers"
    assert nlp.get_pipe_meta("callcoach_trackers").factory == "callcoach_trackers"


@pytest.mark.parametrize("word", ["PRICE", "price", "Price"])
def test_trackers_case_insensitive(nlp, word):
    assert mentions(nlp, [("Sam", f"What's the {word}?")]) == [("pricing", word, 0)]


@pytest.mark.parametrize(
    "turns,expected",
    [
        # "any": both sides count
        ([("Dana", "The price is fair."), ("Sam", "The price is high.")], [("pricing", "price", 0), ("pricing", "price", 1)]),
        # "buyer": only the buyer's mention counts
        ([("Dana", "Acme does that too."), ("Sam", "We also talk to Acme.")], [("competitors", "Acme", 1)]),
        # "seller": only the seller's mention counts
        ([("Sam", "What is the next step?"), ("Dana", "The next step is a demo.")], [("next_steps", "next step", 1)]),
        # a speaker with role "other" is never counted
        ([("Bot", "Ask about the price and the next steps."), ("Sam", "Okay.")], []),
    ],
    ids=["any", "buyer-only", "seller-only", "other-not-counted"],
)
def test_trackers_sides(nlp, turns, expected):
    assert mentions(nlp, turns) == expected


def test_trackers_longest_overlapping_phrase_counts_once(nlp):
    assert mentions(nlp, [("Sam", "What price point did you have in mind?")]) == [("pricing", "price point", 0)]


def test_trackers_token_patterns(nlp):
    assert mentions(nlp, [("Sam", "Is it per user or per seat? Per month?")]) == [
        ("pricing", "per user", 0),
        ("pricing", "per seat", 0),
    ]


def test_trackers_multiword_phrase_across_case_and_punctuation(nlp):
    assert mentions(nlp, [("Dana", "So, Next Steps: a demo.")]) == [("next_steps", "Next Steps", 0)]


@pytest.mark.parametrize(
    "text,fillers",
    [
        ("Um, we use spreadsheets.", ["Um"]),
        ("We, uh, tried it. Umm.", ["uh", "Umm"]),
        ("It's, like, forty seats.", ["like"]),
        ("Like, we tried that.", ["Like"]),
        ("We would like a demo.", []),
        ("It looks like rain.", []),
        ("It was, you know, slow.", ["you know"]),
        ("It was slow you know.", ["you know"]),
        ("You know the team?", []),
        ("Do you know the team?", []),
        ("I don't know if you know what I mean.", []),
        ("I mean, it was slow.", ["I mean"]),
        ("I mean it.", []),
        ("It was sort of slow.", ["sort of"]),
        ("What sort of tool do you use?", []),
        ("It's kind of a mess.", ["kind of"]),
        ("Which kind of report?", []),
        ("Uh-huh.", []),
        ("Mm-hmm, right.", []),
    ],
)
def test_trackers_fillers(plain, text, fillers):
    doc = plain(text)
    assert [s.text for s in doc.spans[FILLERS_KEY]] == fillers


def test_trackers_default_set_in_plain_pipeline(plain):
    doc = plain("Um, what would the price be, you know, per seat? Who else signs off on the budget?")
    assert [(s.label_, s.text) for s in doc.spans[TRACKERS_KEY]] == [
        ("pricing", "price"),
        ("pricing", "per seat"),
        ("decision_process", "Who else"),
        ("decision_process", "signs off"),
        ("budget", "budget"),
    ]
    assert [s.text for s in doc.spans[FILLERS_KEY]] == ["Um", "you know"]


@pytest.mark.parametrize(
    "sample",
    ["01-payroll-dental-discovery.txt", "07-hr-analytics-demo.vtt", "17-employment-law-retainer.csv", "27-analytics-enterprise-demo.json"],
)
def test_trackers_never_change_the_tags(sample):
    """The same tags with and without the component, and with many trackers."""
    from analyzer.readers import read_transcript
    from analyzer.roles import assign_roles

    transcript = assign_roles(read_transcript(SAMPLES / sample))
    with_default = build_nlp()
    without = build_nlp()
    without.remove_pipe("callcoach_trackers")
    many = build_nlp()
    many.get_pipe("callcoach_trackers").set_trackers(
        TrackerSet(tuple(Tracker(f"t{i}", phrases=("the", "you", "we", f"w{i}")) for i in range(20)))
    )

    def tags(nlp):
        doc = analyse_doc(nlp, transcript)
        return {k: [(s.start, s.end, s._.get(ext.OPEN)) for s in doc.spans[k]] for k in ext.TAG_NAMES}

    assert tags(with_default) == tags(without) == tags(many)


def test_trackers_set_trackers_replaces_the_set(plain):
    pipe = plain.get_pipe("callcoach_trackers")
    pipe.set_trackers(TRACKERS)
    doc = plain("the price, then the budget")
    assert [s.label_ for s in doc.spans[TRACKERS_KEY]] == ["pricing"]
    pipe.set_trackers(default_trackers())
    doc = plain("the price, then the budget")
    assert [s.label_ for s in doc.spans[TRACKERS_KEY]] == ["pricing", "budget"]


def test_trackers_to_disk_from_disk(plain, tmp_path):
    pipe = plain.get_pipe("callcoach_trackers")
    pipe.set_trackers(TRACKERS)
    pipe.to_disk(tmp_path / "trackers")
    other = TrackerMatcher(spacy.blank("en"), trackers="none").from_disk(tmp_path / "trackers")
    assert other.trackers.fingerprint() == TRACKERS.fingerprint()


def test_trackers_to_bytes_from_bytes(plain):
    pipe = plain.get_pipe("callcoach_trackers")
    pipe.set_trackers(TRACKERS)
    nlp = spacy.blank("en")
    other = TrackerMatcher(nlp, trackers="none").from_bytes(pipe.to_bytes())
    assert other.trackers.fingerprint() == TRACKERS.fingerprint()
    doc = other(nlp.make_doc("per seat"))
    assert [s.label_ for s in doc.spans[TRACKERS_KEY]] == ["pricing"]


def test_trackers_config_file_path(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"name": "renewal", "phrases": ["renewal"]}\n', encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("callcoach_trackers", config={"trackers": str(path)})
    doc = nlp("Your renewal is due.")
    assert [s.label_ for s in doc.spans[TRACKERS_KEY]] == ["renewal"]


def test_trackers_entry_point_declared():
    """setup.cfg declares the factory, so a saved pipeline loads without imports."""
    import configparser

    from helpers import ROOT

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    declared = dict(line.split(" = ") for line in cfg["options.entry_points"]["spacy_factories"].strip().splitlines())
    assert declared["callcoach_trackers"] == "analyzer.nlp.components.trackers:make_trackers"


def test_trackers_phrase_never_spans_two_speakers(nlp):
    """Words that end one turn and begin the next are no phrase: "price" and
    "point" are said by two people, and the seller's "price" is a mention."""
    turns = [("Dana", "so we could talk about the price"), ("Sam", "point is we cannot spend more this year")]
    assert mentions(nlp, turns) == [("pricing", "price", 0)]


def test_trackers_filler_context_is_its_own_turn(nlp):
    """A comma at the end of the buyer's turn does not make the seller's
    "Like which ones?" a filler."""
    doc = analyse_doc(nlp, build_transcript([("Sam", "We looked at a few other tools,"), ("Dana", "Like which ones?")]))
    assert list(doc.spans[FILLERS_KEY]) == []
