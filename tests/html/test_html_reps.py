"""The dashboard's reps over time and trackers panel, from hand-made rows (no analysis, no browser).

Each rep's figures are computed by hand below: medians by week or month, the
percentile of the rep's median among the team's call scores, and the
variants by call type.
"""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("jinja2")

from analyzer.html import render_dashboard  # noqa: E402
from analyzer.html.reps import percentile, periods_of, rep_names, reps_view, tracker_panel  # noqa: E402
from test_html_structure import check_links_land, parse  # noqa: E402


def row(path, *, rep=None, sellers="", team=None, call_type=None, date=None, score=None, share=0.5, **extra):
    return {
        "path": path, "status": "ok", "rep": rep, "sellers": sellers, "team": team, "call_type": call_type,
        "date": date, "score": score, "seller_talk_share": share, "words": 100, **extra,
    }  # fmt: skip


ROWS = [
    # Dana, East: week of Nov 2 (scores 20 and 40: median 30), week of Nov 9 (score 80)
    row("a.vtt", rep="Dana", team="East", call_type="discovery", date="2026-11-03", score=20.0, share=0.6),
    row("b.vtt", rep="Dana", team="East", call_type="demo", date="2026-11-05", score=40.0, share=0.4),
    row("c.vtt", rep="Dana", team="East", call_type="discovery", date="2026-11-10", score=80.0, share=0.5),
    # Kim, East: one call, no date
    row("d.vtt", rep="Kim", team="East", call_type="demo", score=10.0, share=0.7),
    # no rep column: counts for each seller; West
    row("e.vtt", sellers="Lee; Sam", team="West", call_type="discovery", date="2026-11-12", score=90.0, share=0.3),
]


def test_html_reps_rep_is_the_rep_column_else_each_seller():
    assert rep_names(ROWS[0]) == ["Dana"]
    assert rep_names(ROWS[4]) == ["Lee", "Sam"]
    assert rep_names(row("x", sellers="")) == []


@pytest.mark.parametrize(
    "days,unit,count",
    [(0, "week", 1), (13, "week", 2), (26 * 7, "week", 27), (26 * 7 + 7, "month", 7)],
)
def test_html_reps_weeks_until_half_a_year_then_months(days, unit, count):
    first = dt.date(2026, 1, 5)  # a Monday
    got_unit, _, periods = periods_of([first, first + dt.timedelta(days=days)])
    assert (got_unit, len(periods)) == (unit, count)


@pytest.mark.parametrize("x,expected", [(30.0, 62.5), (5.0, 0.0), (50.0, 100.0), (10.0, 12.5)])
def test_html_reps_percentile_counts_ties_half(x, expected):
    assert percentile(x, [10.0, 20.0, 30.0, 40.0]) == expected


def test_html_reps_medians_by_week_and_percentile():
    view = reps_view(ROWS)
    assert (view["unit"], view["period_count"], view["undated"], view["teams"], view["call_types"]) == (
        "week", 2, 1, ["East", "West"], ["demo", "discovery"],
    )  # fmt: skip
    dana = next(r for r in view["reps"] if r["name"] == "Dana")
    assert (dana["team"], dana["calls"]) == ("East", 3)
    all_types = dana["variants"][0]
    # Dana's median is 40; East's call scores are 20, 40, 80, 10: one below... two below (10, 20), one equal
    assert (all_types["score"], all_types["share"], all_types["percentile"], all_types["team_calls"]) == ("40", "50%", "63rd", 4)
    assert all_types["table"] == [
        {"period": "Nov 2", "calls": 2, "score": "30", "share": "50%"},
        {"period": "Nov 9", "calls": 1, "score": "80", "share": "50%"},
    ]


def test_html_reps_one_variant_per_call_type():
    dana = next(r for r in reps_view(ROWS)["reps"] if r["name"] == "Dana")
    variants = {v["call_type"]: v for v in dana["variants"]}
    assert list(variants) == ["", "demo", "discovery"]
    # discovery: Dana's 20 and 80 (median 50) among East's discovery calls 20 and 80
    assert (variants["discovery"]["calls"], variants["discovery"]["score"], variants["discovery"]["percentile"]) == (2, "50", "50th")
    assert (variants["demo"]["calls"], variants["demo"]["score"]) == (1, "40")


def test_html_reps_undated_rep_has_no_chart():
    kim = next(r for r in reps_view(ROWS)["reps"] if r["name"] == "Kim")
    v = kim["variants"][0]
    assert (v["calls"], v["dated"], v["chart"], v["score"]) == (1, 0, None, "10")


def test_html_reps_without_a_team_compare_with_every_call():
    lee = next(r for r in reps_view([{**ROWS[4], "team": None}, *ROWS[:3]])["reps"] if r["name"] == "Lee")
    assert (lee["team"], lee["variants"][0]["team_calls"], lee["variants"][0]["percentile"]) == ("", 4, "88th")


def test_html_reps_unscored_calls_say_so():
    rows = [row("a.vtt", rep="Dana", date="2026-11-03", score=None)]
    v = reps_view(rows)["reps"][0]["variants"][0]
    assert (v["score"], v["percentile"], v["strip"]) == ("", "", None)
    assert "not scored" in v["summary"]


def test_html_reps_chart_breaks_where_a_week_has_no_call():
    rows = [
        row("a.vtt", rep="Dana", date="2026-11-02", score=10.0),
        row("b.vtt", rep="Dana", date="2026-11-09", score=20.0),
        row("c.vtt", rep="Dana", date="2026-11-23", score=30.0),
        row("d.vtt", rep="Dana", date="2026-11-30", score=40.0),
    ]
    chart = reps_view(rows)["reps"][0]["variants"][0]["chart"]
    assert len(chart["lines"]["score"]) == 2 and len(chart["points"]["score"]) == 4


def test_html_reps_tracker_panel_sums_the_columns():
    rows = [
        row("a.vtt", tracker_pricing_seller=2, tracker_pricing_buyer=1, tracker_next_steps_seller=0, tracker_next_steps_buyer=0),
        row("b.vtt", tracker_pricing_seller=0, tracker_pricing_buyer=0, tracker_next_steps_seller=1, tracker_next_steps_buyer=0),
        row("c.vtt", tracker_pricing_seller=0, tracker_pricing_buyer=3, tracker_next_steps_seller=None, tracker_next_steps_buyer=None),
        row("d.vtt"),
    ]
    panel = {t["name"]: t for t in tracker_panel(rows)}
    assert list(panel) == ["pricing", "next_steps"]
    assert (panel["pricing"]["calls"], panel["pricing"]["share"], panel["pricing"]["seller"], panel["pricing"]["buyer"], panel["pricing"]["per_call"]) == (2, "50%", 2, 4, "1.5")
    assert (panel["next_steps"]["calls"], panel["next_steps"]["seller"]) == (1, 1)


def test_html_reps_dashboard_markup():
    rows = [{**r, "tracker_pricing_seller": 1, "tracker_pricing_buyer": 0} for r in ROWS]
    root = parse(render_dashboard(rows))
    check_links_land(root)
    cards = list(root.find("section", id="reps").find_all("article", cls="rep"))
    assert [c.find("h3").text() for c in cards] == ["Dana", "Kim", "Lee", "Sam"]
    assert [c.attrs["data-team"] for c in cards] == ["East", "East", "West", "West"]
    # one variant per call type; only "all call types" shown without a script
    variants = list(cards[0].find_all("div", cls="rep-variant"))
    assert [(v.attrs["data-call-type"], "hidden" in v.attrs) for v in variants] == [("", False), ("demo", True), ("discovery", True)]
    assert "hidden" in root.find("div", id="rep-filters").attrs  # the script shows the filters
    svg = variants[0].find("svg", cls="rep-chart")
    assert svg.attrs["role"] == "img" and svg.attrs["aria-label"].startswith("Dana, calls: median score 40")
    assert len(list(root.find("table", id="tracker-table").find("tbody").find_all("tr"))) == 1


def test_html_reps_hostile_rep_and_team_are_text():
    rows = [row("a.vtt", rep="<script>window.pwned=1</script>", team='"><img src=x onerror=alert(1)>', date="2026-11-03", score=50.0)]
    html = render_dashboard(rows)
    root = parse(html)
    card = root.find("article", cls="rep")
    assert card.find("h3").text() == "<script>window.pwned=1</script>"
    assert card.attrs["data-team"] == '"><img src=x onerror=alert(1)>'
    assert "<img" not in html.replace("&lt;img", "") and root.find("img") is None


def test_html_reps_section_absent_without_reps():
    root = parse(render_dashboard([row("a.vtt", sellers="")]))
    assert root.find("section", id="reps") is None and root.find("section", id="trackers") is None


def test_html_reps_generic_labels_are_never_added_up():
    """Two calls whose seller is a speech service's SPEAKER_00 are two strangers, as
    in the per-seller summary; a person's name counts across calls."""
    from analyzer.html.reps import rep_names

    a = {"path": "calls/a.json", "sellers": "SPEAKER_00", "status": "ok"}
    b = {"path": "calls/b.json", "sellers": "SPEAKER_00", "status": "ok"}
    assert rep_names(a) != rep_names(b) and len(rep_names(a)) == 1
    assert rep_names({"path": "x", "sellers": "Dana Reyes"}) == rep_names({"path": "y", "sellers": "Dana Reyes"}) == ["Dana Reyes"]
