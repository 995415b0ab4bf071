"""``analyzer.config``: the one typed, validated Thresholds object."""
from __future__ import annotations

import configparser
import dataclasses

import pytest

from analyzer.config import DEFAULTS_PATH, Thresholds, default_thresholds
from analyzer.errors import ConfigError

FIELDS = [f.name for f in dataclasses.fields(Thresholds)]


@pytest.mark.parametrize(
    "key,expected",
    [
        ("backchannel_max_words", 3),
        ("pitch_dump_min_words", 120),
        ("pitch_dump_min_seconds", 60.0),
        ("pitch_dump_question_window_words", 80),
        ("pitch_dump_min_self_share", 0.5),
        ("pitch_answer_max_turn_gap", 2),
        ("if_then_close_max_sentence_gap", 2),
        ("buyer_question_min_question_odds", 0.02),
        ("speech_rate_words_per_second", 2.5),
        ("seller_talk_share_max", 0.65),
        ("seller_talk_share_target", 0.43),
        ("pitch_dump_long_seconds", 120.0),
        ("discovery_min_seconds", 1800.0),
        ("buyer_questions_min", 11),
        ("buyer_questions_max", 14),
        ("open_question_share_min", 0.5),
        ("open_question_min_questions", 4),
        ("seller_monologue_max_seconds", 150.0),
        ("seller_monologue_max_words", 375),
        ("other_max_word_share", 0.1),
    ],
)
def test_config_defaults(key, expected):
    value = getattr(Thresholds.from_defaults(), key)
    assert value == expected
    assert type(value) is type(expected)


def test_config_defaults_cover_every_field():
    parser = configparser.ConfigParser()
    parser.read(DEFAULTS_PATH, encoding="utf-8")
    assert sorted(parser["thresholds"]) == sorted(FIELDS)


def test_config_default_thresholds_cached():
    assert default_thresholds() is default_thresholds()
    assert default_thresholds() == Thresholds.from_defaults()


@pytest.mark.parametrize(
    "overrides",
    [{"pitch_dump_min_words": 60}, {"seller_talk_share_max": 0.7, "backchannel_max_words": 2}],
)
def test_config_keyword_overrides(overrides):
    thresholds = Thresholds.from_defaults(**overrides)
    assert {k: getattr(thresholds, k) for k in overrides} == overrides
    untouched = set(FIELDS) - set(overrides)
    assert all(getattr(thresholds, k) == getattr(default_thresholds(), k) for k in untouched)


@pytest.mark.parametrize("key,raw,expected", [("pitch_dump_min_words", "60", 60), ("pitch_dump_min_seconds", 45, 45.0)])
def test_config_values_converted(key, raw, expected):
    value = getattr(Thresholds.from_defaults(**{key: raw}), key)
    assert value == expected and type(value) is type(expected)


def test_config_replace():
    base = Thresholds.from_defaults(pitch_dump_min_words=60)
    changed = base.replace(backchannel_max_words=2)
    assert (changed.pitch_dump_min_words, changed.backchannel_max_words) == (60, 2)
    assert base.backchannel_max_words == 3


def test_config_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_thresholds().pitch_dump_min_words = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Thresholds.from_defaults(pitch_dump_words=60),
        lambda: default_thresholds().replace(pitch_dump_words=60),
    ],
    ids=["from_defaults", "replace"],
)
def test_config_unknown_key_lists_known_keys(build):
    with pytest.raises(
        ConfigError,
        match=r"\[E301\] unknown threshold 'pitch_dump_words' \(keyword argument\); known thresholds: "
        r"backchannel_max_words, buyer_question_min_question_odds, buyer_questions_max, .*pitch_dump_min_words, .*seller_talk_share_target",
    ):
        build()


@pytest.mark.parametrize(
    "key,raw,match",
    [
        ("pitch_dump_min_words", "many", r"\[E302\] threshold 'pitch_dump_min_words' must be a finite int, got 'many'"),
        ("pitch_dump_min_words", "1.5", r"\[E302\] threshold 'pitch_dump_min_words' must be a finite int, got '1.5'"),
        ("seller_talk_share_max", None, r"\[E302\] threshold 'seller_talk_share_max' must be a finite float, got None"),
        ("backchannel_max_words", -1, r"\[E303\] threshold 'backchannel_max_words' must be from 0 to 50, got -1 \(keyword argument\)"),
        ("speech_rate_words_per_second", 1e-300, r"\[E303\] threshold 'speech_rate_words_per_second' must be from 0.5 to 20"),
    ],
)
def test_config_bad_value(key, raw, match):
    with pytest.raises(ConfigError, match=match):
        Thresholds.from_defaults(**{key: raw})


def test_config_file_override(tmp_path):
    path = tmp_path / "my.cfg"
    path.write_text("[thresholds]\npitch_dump_min_words = 90\nseller_talk_share_max = 0.6\n", encoding="utf-8")
    thresholds = Thresholds.from_file(path)
    assert (thresholds.pitch_dump_min_words, thresholds.seller_talk_share_max) == (90, 0.6)
    assert thresholds.backchannel_max_words == 3


def test_config_file_then_keyword_overrides(tmp_path):
    path = tmp_path / "my.cfg"
    path.write_text("[thresholds]\npitch_dump_min_words = 90\n", encoding="utf-8")
    assert Thresholds.from_file(path, pitch_dump_min_words=70).pitch_dump_min_words == 70


@pytest.mark.parametrize(
    "content,match",
    [
        ("[limits]\npitch_dump_min_words = 90\n", r"\[E301\] unknown limit 'pitch_dump_min_words' \(.*my\.cfg, \[limits\]\); known limits: max_file_bytes"),
        ("", r"\[E306\] .*my\.cfg: expected a \[thresholds\] or \[limits\] section"),
        ("[thresholds]\npitch_dump_words = 90\n", r"\[E301\] unknown threshold 'pitch_dump_words' \(.*my\.cfg, \[thresholds\]\); known thresholds: "),
        ("[thresholds]\npitch_dump_min_words = lots\n", r"\[E302\] threshold 'pitch_dump_min_words' must be a finite int, got 'lots'"),
        ("pitch_dump_min_words = 90\n", r"\[E305\] .*my\.cfg: not a valid config file"),
    ],
    ids=["key-in-the-wrong-section", "empty", "unknown-key", "bad-type", "no-section-header"],
)
def test_config_file_errors(tmp_path, content, match):
    path = tmp_path / "my.cfg"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        Thresholds.from_file(path)


def test_config_file_missing(tmp_path):
    with pytest.raises(ConfigError, match=r"\[E304\] cannot read config file .*absent\.cfg: No such file"):
        Thresholds.from_file(tmp_path / "absent.cfg")


@pytest.mark.parametrize(
    "key,raw",
    [
        ("pitch_dump_min_words", 120.9),
        ("pitch_dump_min_words", True),
        ("seller_talk_share_max", float("nan")),
        ("seller_talk_share_max", float("inf")),
    ],
    ids=["float-for-int", "bool-for-int", "nan", "inf"],
)
def test_config_wrong_type_not_coerced(key, raw):
    """120.9 is not silently 120, True is not 1, NaN does not slip past the sign check."""
    with pytest.raises(ConfigError, match=rf"\[E302\] threshold '{key}' must be a finite"):
        Thresholds.from_defaults(**{key: raw})


@pytest.mark.parametrize("key,raw,expected", [("pitch_dump_min_words", 120.0, 120), ("pitch_dump_min_words", " 90 ", 90)])
def test_config_whole_float_and_padded_string_accepted(key, raw, expected):
    assert getattr(Thresholds.from_defaults(**{key: raw}), key) == expected
