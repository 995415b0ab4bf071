"""``analyzer.nlp.pipeline``: component order, registration, and the Doc it builds."""
from __future__ import annotations

from importlib.metadata import entry_points

import pytest
import spacy
from spacy.language import Language

from analyzer.config import Thresholds
from analyzer.nlp import extensions as ext
from analyzer.nlp.pipeline import COMPONENTS, COMPONENT_THRESHOLDS, analyse_doc, build_nlp, transcript_to_doc
from helpers import build_transcript

CALL = [
    ("Sam", "So what do you guys do?"),
    ("Dana", "We help dental groups with payroll. But enough about us: what made you take this call?"),
    ("Sam", "Our payroll person is leaving in March."),
    ("Dana", "If we can get you live by March, can you sign by Friday?"),
]


def test_pipeline_pipe_order(nlp):
    assert nlp.pipe_names == [
        "sentencizer",
        "callcoach_segmenter",
        "callcoach_pitch_invite",
        "callcoach_buyer_question",
        "callcoach_pitch_dump",
        "callcoach_if_then_close",
        "callcoach_trackers",
    ]
    assert tuple(nlp.pipe_names[2:-1]) == COMPONENTS


def test_pipeline_analyze_pipes_has_no_problems(nlp):
    analysis = nlp.analyze_pipes()
    assert analysis["problems"] == {name: [] for name in nlp.pipe_names}


@pytest.mark.parametrize("name", COMPONENTS)
def test_pipeline_factory_registered(nlp, name):
    assert Language.has_factory(name)
    assert nlp.get_pipe_meta(name).factory == name


@pytest.mark.parametrize("name", COMPONENTS)
def test_pipeline_factory_entry_point(name):
    """setup.cfg declares every factory, so a saved pipeline loads without imports."""
    declared = {ep.name: ep.value for ep in entry_points(group="spacy_factories")}
    module = name.removeprefix("callcoach_")
    assert declared.get(name) == f"analyzer.nlp.components.{module}:make_{module}"


@pytest.mark.parametrize(
    "overrides",
    [{}, {"pitch_dump_min_words": 60, "backchannel_max_words": 2}, {"if_then_close_max_sentence_gap": 3}],
)
def test_pipeline_thresholds_reach_components(overrides):
    thresholds = Thresholds.from_defaults(**overrides)
    nlp = build_nlp(thresholds)
    for name, keys in COMPONENT_THRESHOLDS.items():
        config = nlp.get_pipe_config(name)
        assert {k: config[k] for k in keys} == {k: getattr(thresholds, k) for k in keys}


def test_pipeline_keeps_base_sentence_boundaries():
    base = spacy.blank("en")
    base.add_pipe("sentencizer")
    nlp = build_nlp(base=base)
    assert nlp is base
    assert nlp.pipe_names.count("sentencizer") == 1


def test_pipeline_doc_spans_keys(nlp):
    doc = analyse_doc(nlp, build_transcript(CALL))
    assert set(doc.spans) == {ext.TURNS_KEY, *ext.TAG_NAMES, "trackers", "fillers"}
    assert {k: [s.text for s in doc.spans[k]] for k in ext.TAG_NAMES} == {
        "pitch_invite": ["So what do you guys do?"],
        "pitch_dump": [],
        "pitch_pivot": [CALL[1][1]],
        "buyer_question": ["But enough about us: what made you take this call?"],
        "if_then_close": ["If we can get you live by March, can you sign by Friday?"],
    }


def test_pipeline_turns_are_spans_labelled_by_speaker(nlp):
    transcript = build_transcript(CALL)
    doc = transcript_to_doc(nlp, transcript)
    turns = doc.spans[ext.TURNS_KEY]
    assert [(s.label_, s.text) for s in turns] == [(t.speaker, t.text) for t in transcript.turns]
    assert all(doc[s.start].is_sent_start for s in turns)
    assert doc._.get(ext.ROLES) == {"Sam": "buyer", "Dana": "seller"}


def test_pipeline_span_extensions(nlp):
    doc = analyse_doc(nlp, build_transcript(CALL))
    question = doc.spans[ext.BUYER_QUESTION][0]
    assert question._.get(ext.TURN_INDEX) == 1
    assert question._.get(ext.ROLE) == "seller"
    assert question._.get(ext.OPEN) is True


def _user_pipeline(component: str) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(component)
    return nlp


@pytest.mark.parametrize(
    "component,text,key,expected",
    [
        (
            "callcoach_buyer_question",
            "Thanks for joining. How are you handling renewals today? Does that make sense?",
            "buyer_question",
            ["How are you handling renewals today?"],
        ),
        (
            "callcoach_pitch_invite",
            "We have half an hour. So tell us a little bit about your company.",
            "pitch_invite",
            ["So tell us a little bit about your company."],
        ),
        (
            "callcoach_if_then_close",
            "I hear you. If we can get the price down to forty thousand, can you sign by Friday?",
            "if_then_close",
            ["If we can get the price down to forty thousand, can you sign by Friday?"],
        ),
    ],
)
def test_pipeline_component_in_user_pipeline_tags_plain_text(component, text, key, expected):
    """Without turns a doc is one turn of unknown role, which every tagger reads."""
    nlp = _user_pipeline(component)
    doc = nlp(text)
    assert ext.TURNS_KEY not in doc.spans
    assert [s.text for s in doc.spans[key]] == expected


def test_pipeline_user_pipeline_open_attribute():
    doc = _user_pipeline("callcoach_buyer_question")("Do you use spreadsheets? What made you look now?")
    assert [(s.text, s._.get(ext.OPEN)) for s in doc.spans["buyer_question"]] == [
        ("Do you use spreadsheets?", False),
        ("What made you look now?", True),
    ]


def test_pipeline_pitch_dump_without_turns_tags_nothing():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("callcoach_pitch_invite")
    nlp.add_pipe("callcoach_buyer_question")
    nlp.add_pipe("callcoach_pitch_dump")
    doc = nlp("So what do you guys do? We do payroll. How do you run yours?")
    assert [s.text for s in doc.spans["pitch_invite"]] == ["So what do you guys do?"]
    assert list(doc.spans["pitch_dump"]) == []
    assert list(doc.spans["pitch_pivot"]) == []


def test_pipeline_error_handler_lets_a_batch_go_on():
    nlp = _user_pipeline("callcoach_pitch_invite")
    seen = []
    tagger = nlp.get_pipe("callcoach_pitch_invite")
    tagger.match = lambda doc: 1 / 0
    tagger.set_error_handler(lambda name, component, docs, exc: seen.append((name, type(exc))))
    doc = nlp("So what do you guys do?")
    assert seen == [("callcoach_pitch_invite", ZeroDivisionError)]
    assert "pitch_invite" not in doc.spans


def test_pipeline_component_error_raises_by_default():
    nlp = _user_pipeline("callcoach_pitch_invite")
    nlp.get_pipe("callcoach_pitch_invite").match = lambda doc: 1 / 0
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        nlp("So what do you guys do?")


@pytest.mark.parametrize(
    "name,config,code",
    [
        ("callcoach_if_then_close", {"if_then_close_max_sentence_gap": -1}, "E303"),
        ("callcoach_pitch_dump", {"pitch_dump_min_self_share": 1.5}, "E303"),
    ],
)
def test_pipeline_factory_thresholds_are_checked_in_nlp_config(name, config, code):
    import spacy

    from analyzer.errors import ConfigError

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with pytest.raises(ConfigError, match=f"{code}.*components.{name}"):
        nlp.add_pipe(name, config=config)
