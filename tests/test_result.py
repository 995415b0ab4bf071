"""``analyzer.result``: the JSON contract of spec/output.md and the flat row."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analyzer.result import METRIC_KEYS, SCHEMA_VERSION
from helpers import SAMPLES

#: Top-level keys of spec/output.md.
SPEC_KEYS = {
    "schema_version", "file", "format", "duration_seconds", "timed", "score", "label",
    "speakers", "metrics", "tags", "feedback",
}
#: Additions: ``model`` (README, "The result"), ``reasons`` (the classifier's
#: score reasons) and ``roles_check`` (how sure the roles are), in docs/output.md.
ADDED_KEYS = {"model", "reasons", "roles_check", "trackers"}
TOP_KEYS = SPEC_KEYS | ADDED_KEYS
SPEAKER_KEYS = {"name", "role", "role_source", "words", "seconds", "turns"}
SPEC_METRICS = [
    "seller_talk_share",
    "longest_seller_monologue_seconds",
    "longest_seller_monologue_words",
    "longest_buyer_story_seconds",
    "longest_buyer_story_words",
    "interactivity",
    "buyer_questions",
    "open_buyer_questions",
    "buyer_questions_per_10_minutes",
    "pitch_invites",
    "pitch_dumps",
    "pitch_pivots",
    "if_then_closes",
]
#: Metrics added to the spec's list (fields are only ever added).
ADDED_METRICS = [
    "seller_words", "buyer_words", "seller_seconds", "buyer_seconds",
    "buyer_side_questions", "buyer_side_questions_per_10_minutes", "seller_patience_seconds",
    "seller_interruptions", "seller_words_per_minute", "buyer_words_per_minute", "seller_fillers",
    "seller_filler_rate",
]  # fmt: skip
TRACKER_KEYS = {"name", "side", "seller", "buyer", "first_mention", "mentions"}
MENTION_KEYS = {"tracker", "speaker", "role", "turn", "start", "end", "text"}
TAG_KEYS = {"tag", "speaker", "turn", "start", "end", "text"}
#: spec/output.md shows code, severity, message, turn and start; the rest are additions.
FEEDBACK_KEYS = {"code", "severity", "message", "turn", "start"}
FEEDBACK_ADDED = {"name", "quote", "value", "threshold"}

INVITE = "So tell us a little bit about your company."
CALL = [
    ("Bot", "This call may be recorded.", 0.0, 2.0),
    ("Sam", INVITE, 2.0, 5.0),
    ("Dana", "We help dental groups with payroll. But enough about us: what made you take this call?", 5.0, 12.0),
    ("Sam", "Our payroll person is leaving in March, and it is a mess every other Friday.", 12.0, 20.0),
    ("Dana", "If we can get you live by March, can you sign by Friday?", 20.0, 26.0),
]


@pytest.fixture(scope="module")
def timed(analyze):
    return analyze(CALL)


@pytest.fixture(scope="module")
def untimed(analyze):
    return analyze([t[:2] for t in CALL])


def test_result_top_level_keys(timed):
    assert set(timed.to_dict()) == TOP_KEYS


def test_result_schema_version(timed):
    assert SCHEMA_VERSION == 1
    assert timed.to_dict()["schema_version"] == 1


def test_result_spec_keys_never_removed(timed):
    assert SPEC_KEYS <= set(timed.to_dict())


def test_result_unscored_without_model(timed):
    d = timed.to_dict()
    assert (d["score"], d["label"], d["model"]) == (None, None, None)
    assert d.get("reasons", []) == []


def test_result_metrics_keys_in_spec_order(timed):
    assert list(timed.to_dict()["metrics"]) == SPEC_METRICS + ADDED_METRICS
    assert list(METRIC_KEYS) == SPEC_METRICS + ADDED_METRICS


def test_result_speakers(timed):
    speakers = timed.to_dict()["speakers"]
    assert all(set(s) == SPEAKER_KEYS for s in speakers)
    assert [(s["name"], s["role"], s["role_source"], s["words"], s["seconds"], s["turns"]) for s in speakers] == [
        ("Bot", "other", "given", 5, 2.0, 1),
        ("Sam", "buyer", "given", 24, 11.0, 2),
        ("Dana", "seller", "given", 29, 13.0, 2),
    ]


def test_result_tags(timed):
    tags = timed.to_dict()["tags"]
    assert [(t["tag"], t["speaker"], t["turn"]) for t in tags] == [
        ("pitch_invite", "Sam", 1),
        ("pitch_pivot", "Dana", 2),
        ("buyer_question", "Dana", 2),
        ("if_then_close", "Dana", 4),
    ]
    for t in tags:
        assert set(t) == TAG_KEYS | ({"open"} if t["tag"] == "buyer_question" else set())


def test_result_tag_text_and_times(timed):
    question = next(t for t in timed.to_dict()["tags"] if t["tag"] == "buyer_question")
    assert question["text"] == "But enough about us: what made you take this call?"
    assert question["open"] is True
    assert 5.0 < question["start"] < question["end"] <= 12.0


def test_result_feedback_keys(timed):
    feedback = timed.to_dict()["feedback"]
    assert [f["code"] for f in feedback] == ["CC105", "CC201"]
    assert all(set(f) == FEEDBACK_KEYS | FEEDBACK_ADDED for f in feedback)


def test_result_timed_values(timed):
    d = timed.to_dict()
    assert (d["timed"], d["duration_seconds"], d["format"], d["file"]) == (True, 26.0, "test", "<test>")
    assert d["metrics"]["seller_talk_share"] == round(13 / 24, 4)


@pytest.mark.parametrize(
    "path",
    [
        ("duration_seconds",),
        ("metrics", "longest_seller_monologue_seconds"),
        ("metrics", "longest_buyer_story_seconds"),
        ("metrics", "buyer_questions_per_10_minutes"),
        ("metrics", "seller_seconds"),
        ("metrics", "buyer_seconds"),
    ],
)
def test_result_untimed_seconds_are_null(untimed, path):
    value = untimed.to_dict()
    for key in path:
        value = value[key]
    assert value is None


def test_result_untimed_speaker_and_tag_times_are_null(untimed):
    d = untimed.to_dict()
    assert d["timed"] is False
    assert {s["seconds"] for s in d["speakers"]} == {None}
    assert {(t["start"], t["end"]) for t in d["tags"]} == {(None, None)}
    assert {f["start"] for f in d["feedback"]} == {None}


def test_result_json_round_trip(timed):
    d = timed.to_dict()
    assert json.loads(json.dumps(d)) == d


def test_result_to_row_is_flat(timed):
    row = timed.to_row()
    assert all(v is None or isinstance(v, (str, int, float, bool)) for v in row.values())
    assert row["schema_version"] == 1
    assert (row["speakers"], row["sellers"], row["buyers"], row["words"]) == (3, "Dana", "Sam", 58)
    assert row["roles_inferred"] is False
    assert row["feedback_codes"] == "CC105 CC201"
    assert {k: row[k] for k in METRIC_KEYS} == timed.to_dict()["metrics"]


def test_result_rows_build_a_dataframe(timed, untimed, analyzer):
    sample = analyzer.analyze_file(SAMPLES / "01-payroll-dental-discovery.txt")
    df = pd.DataFrame([timed.to_row(), untimed.to_row(), sample.to_row()])
    assert df.shape[0] == 3
    assert list(df.columns) == list(timed.to_row())
    assert df["timed"].tolist() == [True, False, False]
    assert df["file"].iloc[2].endswith("01-payroll-dental-discovery.txt")
    assert pd.isna(df.loc[1, "seller_seconds"])


def test_result_sample_round_trip(analyzer):
    result = analyzer.analyze_file(SAMPLES / "04-cybersecurity-mdr-discovery.vtt")
    d = result.to_dict()
    assert set(d) == TOP_KEYS
    assert d["format"] == "vtt" and d["timed"] is True
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d


@pytest.mark.parametrize(
    "turns,expected",
    [
        # two cues merged into one turn: the question is timed by its own cue
        (
            [("Dana", "Hello there friend.", 1, 10), ("Dana", "How do you run payroll today?", 12, 20), ("Sam", "By hand, every other Friday.", 20, 25)],
            (0, 12.0, 20.0),
        ),
        # inside one cue, interpolated by character position
        ([("Dana", "Hello there friend. How do you run payroll today?", 0, 10)], (0, 4.082, 10.0)),
    ],
    ids=["own-cue", "interpolated"],
)
def test_result_tag_times_from_cues(analyze, turns, expected):
    (tag,) = analyze(turns).tags
    assert (tag.turn, tag.start, tag.end) == expected


def test_result_trackers_shape(timed):
    trackers = timed.to_dict()["trackers"]
    assert [t["name"] for t in trackers] == [
        "pricing", "competitors", "next_steps", "budget", "timeline", "decision_process", "security_legal",
    ]  # fmt: skip
    assert all(set(t) == TRACKER_KEYS for t in trackers)
    assert all(set(m) == MENTION_KEYS for t in trackers for m in t["mentions"])


def test_result_tracker_columns_in_row(analyzer):
    result = analyzer.analyze_transcript(
        __import__("helpers").build_transcript(
            [("Sam", "What would the price be per seat?", 0, 4), ("Dana", "It depends on the discount and your budget.", 5, 9)]
        )
    )
    row = result.to_row()
    assert {k: row[k] for k in ("tracker_pricing_seller", "tracker_pricing_buyer", "tracker_budget_seller", "tracker_budget_buyer")} == {
        "tracker_pricing_seller": 1, "tracker_pricing_buyer": 2, "tracker_budget_seller": 1, "tracker_budget_buyer": 0,
    }  # fmt: skip
    assert [k for k in row if k.startswith("tracker_")] == [
        f"tracker_{name}_{side}" for name in analyzer.trackers.names for side in ("seller", "buyer")
    ]
