"""The parts of the HTML pages, each built on its own: plain data in, plain data out."""
from __future__ import annotations

import dataclasses

import pytest

from analyzer.config import default_thresholds
from analyzer.html.context import ReportContext
from analyzer.html.dashboard import call_views, histogram, seller_views
from analyzer.html.report import feedback_view, gauge_view, header_view, moments_view, transcript_view
from analyzer.html.spans import Mark
from analyzer.html.targets import talk_share_metric
from analyzer.html.timeline import MARKER_MAX_ROWS, MARKER_MIN_GAP_PERCENT, Scale, marker_row, timeline_view
from analyzer.result import Finding, ScoreReason

TIMED = [
    ("Dana", "Thanks for the time today, Sam.", 0, 4),
    ("Sam", "Sure, happy to chat.", 4, 7),
    ("Dana", "So how are you handling renewals today?", 7, 11),
    ("Sam", "Mostly by spreadsheet, and it is painful every quarter when the contracts come up.", 11, 20),
]
UNTIMED = [turn[:2] for turn in TIMED]


@pytest.fixture(scope="module")
def timed(analyzer):
    return analyzer.analyze_transcript(_transcript(TIMED))


@pytest.fixture(scope="module")
def untimed(analyzer):
    return analyzer.analyze_transcript(_transcript(UNTIMED))


def _transcript(turns):
    from helpers import build_transcript

    return build_transcript(turns)


def test_html_parts_header_says_how_the_call_is_measured(timed, untimed):
    assert header_view(timed)["summary"] == "test transcript, 0:20 long, 31 words"
    assert header_view(untimed)["summary"] == "test transcript, untimed (shares by words), 31 words"
    speakers = header_view(timed)["speakers"]
    assert [(s["name"], s["role"], s["time"], s["turns"]) for s in speakers] == [
        ("Dana", "seller", "0:08", 2),
        ("Sam", "buyer", "0:12", 2),
    ]


def test_html_parts_gauge_only_for_a_scored_call(timed):
    assert gauge_view(timed) is None
    reasons = (
        ScoreReason("open_question_share", "share of open questions", 1.0, 12.0),
        ScoreReason("seller_talk_share", "seller talk share", 0.4, -3.0),
    )
    scored = dataclasses.replace(timed, score=71.6, label="buyer_centric", reasons=reasons, model="m@1")
    gauge = gauge_view(scored)
    assert (gauge["value"], gauge["left"], gauge["side"]) == ("72", "71.6", "buyer-centric")
    assert [(r["feature"], r["weight"], r["direction"], r["width"]) for r in gauge["reasons"]] == [
        ("open_question_share", "+12.0", "up", "50"),
        ("seller_talk_share", "-3.0", "down", "12.5"),
    ]


@pytest.mark.parametrize(
    "turns,basis,first_band",
    [(TIMED, "time", ("0", "20")), (UNTIMED, "words", ("0", "19.355"))],
    ids=["timed", "untimed"],
)
def test_html_parts_timeline_lanes_and_markers(analyzer, turns, basis, first_band):
    ctx = ReportContext.of(analyzer.analyze_transcript(_transcript(turns)))
    view = timeline_view(ctx)
    assert view["basis"] == basis and view["turn_count"] == 4
    lanes = {lane["role"]: lane["bands"] for lane in view["lanes"]}
    assert [b["turn"] for b in lanes["seller"]] == [0, 2] and [b["turn"] for b in lanes["buyer"]] == [1, 3]
    assert (lanes["seller"][0]["left"], lanes["seller"][0]["width"]) == first_band
    assert [(m["href"], m["letter"], m["row"]) for m in view["markers"]] == [("#tag-0", "Q", 0)]
    assert view["marker_rows"] == 1


@pytest.mark.parametrize(
    "xs,rows",
    [
        ([0.0, 50.0, 100.0], [0, 0, 0]),
        ([10.0, 10.0 + MARKER_MIN_GAP_PERCENT / 2, 10.0 + MARKER_MIN_GAP_PERCENT], [0, 1, 0]),
        ([5.0 + k / 10 for k in range(MARKER_MAX_ROWS + 2)], list(range(MARKER_MAX_ROWS)) + [0, 1]),
    ],
    ids=["spread", "crowded", "more-than-the-rows"],
)
def test_html_parts_marker_row_spreads_crowded_markers(xs, rows):
    """Tag markers and tracker mentions share the rule: the first row with room, a new one, else the emptiest."""
    row_last: list[float] = []
    assert [marker_row(row_last, x) for x in xs] == rows
    assert len(row_last) == max(rows) + 1


def test_html_parts_scale_places_untimed_moments_by_words(untimed):
    scale = Scale.of(untimed.transcript.turns, timed=False)
    assert scale.total_words == 31
    assert scale.at(2, None, None) == pytest.approx(10 / 31 * 100)
    assert scale.at(2, len("So how "), None) == pytest.approx(12 / 31 * 100)
    assert scale.band(untimed.transcript.turns[1])[2] == "words 7 to 10"


@pytest.mark.parametrize(
    "share,status",
    [(0.70, "above target"), (0.45, "near target"), (0.30, "below target"), (None, "not measured")],
)
def test_html_parts_talk_share_against_its_target(timed, share, status):
    metrics = dataclasses.replace(timed.metrics, seller_talk_share=share)
    card = talk_share_metric(metrics, default_thresholds(), timed=True)
    assert card["status"] == status
    assert (card["bar"] is None) == (share is None)


def test_html_parts_moments_link_to_their_tag_and_shorten_long_quotes(timed):
    long_tag = dataclasses.replace(timed.tags[0], text="word " * 60)
    ctx = ReportContext.of(dataclasses.replace(timed, tags=timed.tags + (long_tag,)))
    moments = moments_view(ctx)
    assert [(m["href"], m["when"], m["label"]) for m in moments] == [
        ("#tag-0", "0:07", "buyer question (open)"),
        ("#tag-1", "0:07", "buyer question (open)"),
    ]
    assert len(moments[1]["text"]) == 160 and moments[1]["text"].endswith("...")


def test_html_parts_feedback_links_to_its_moment_else_to_its_turn(timed):
    about_tag = Finding("CC104", "mostly-closed-questions", "warning", "m", turn=2, start=7.0, quote="renewals")
    about_turn = Finding("CC106", "long-seller-monologue", "warning", "m", turn=3, start=11.0, quote=None)
    ctx = ReportContext.of(dataclasses.replace(timed, feedback=(about_tag, about_turn)))
    assert [(f["href"], f["link_text"]) for f in feedback_view(ctx)] == [
        ("#tag-0", "Go to the buyer question (open) in turn 2 (0:07)"),
        ("#turn-3", "Go to turn 3 (0:11)"),
    ]


def test_html_parts_transcript_highlights_each_tag_once(timed):
    turns = transcript_view(ReportContext.of(timed))
    assert [(t["id"], t["role_text"], t["when"]) for t in turns][:2] == [
        ("turn-0", "seller", "0:00–0:04"),
        ("turn-1", "buyer", "0:04–0:07"),
    ]
    marks = [n for n in turns[2]["nodes"] if isinstance(n, Mark)]
    assert [(m.id, m.tag, m.children) for m in marks] == [
        ("tag-0", "buyer_question", ["So how are you handling renewals today?"])
    ]
    assert all(isinstance(n, str) for t in turns if t["index"] != 2 for n in t["nodes"])


def test_html_parts_dashboard_sellers_count_a_shared_call_for_each():
    rows = [
        {"path": "a.vtt", "status": "ok", "sellers": "Dana; Kim", "score": 80.0, "buyer_questions": 4},
        {"path": "b.vtt", "status": "ok", "sellers": "Dana", "score": 40.0, "buyer_questions": 2},
        {"path": "c.vtt", "status": "ok", "sellers": "", "score": None},
    ]
    sellers = {s["name"]: s for s in seller_views(rows)}
    assert list(sellers) == ["(no seller identified)", "Dana", "Kim"]
    assert (sellers["Dana"]["calls"], sellers["Dana"]["score"], sellers["Dana"]["questions"]) == (2, "60", "3.0")
    assert (sellers["Kim"]["calls"], sellers["(no seller identified)"]["scored"]) == (1, 0)


def test_html_parts_dashboard_calls_sorted_with_errors_explained():
    rows = [
        {"path": "calls/b.vtt", "status": "error", "error": "[E104] calls/b.vtt: empty"},
        {"path": "calls/a.vtt", "status": "ok", "score": 55.2, "feedback_codes": "CC101", "words": 1200},
    ]
    calls = call_views(rows, {"calls/a.vtt": "reports/a b.html"}, folder="calls/")
    assert [(c["name"], c["ok"], c["notes"], c["href"]) for c in calls] == [
        ("a.vtt", True, "CC101", "reports/a%20b.html"),
        ("b.vtt", False, "[E104] calls/b.vtt: empty", None),
    ]
    assert calls[0]["words"] == "1,200"


def test_html_parts_histogram_bins_and_heights():
    bins = histogram([0.0, 5.0, 55.0, 100.0, 100.0], 0.0, 100.0, 10, lambda lo, hi: f"{lo:.0f}-{hi:.0f}")
    assert [b["count"] for b in bins] == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert (bins[0]["range"], bins[0]["height"], bins[5]["height"]) == ("0-10", "100", "50")
