"""The report's tracker mentions (timeline and table) and conversation measures, parsed without a browser."""
from __future__ import annotations

import pytest

pytest.importorskip("jinja2")

from analyzer.html import render_report  # noqa: E402
from analyzer.html.mentions import mentions_view, tracker_legend  # noqa: E402
from analyzer.html.context import ReportContext  # noqa: E402
from analyzer.trackers import Tracker, TrackerSet  # noqa: E402
from helpers import model_free  # noqa: E402
from helpers import SAMPLES, build_transcript  # noqa: E402
from test_html_structure import check_links_land, parse  # noqa: E402

SELLERS = ["Jordan Blake", "Kim Nguyen"]


@pytest.fixture(scope="module")
def demo(analyzer):
    return analyzer.analyze_file(SAMPLES / "07-hr-analytics-demo.vtt", sellers=SELLERS)


@pytest.fixture(scope="module")
def demo_root(demo):
    return parse(render_report(demo))


def test_html_mentions_one_marker_and_row_per_mention(demo, demo_root):
    total = sum(len(t.mentions) for t in demo.trackers)
    assert total > 0
    markers = list(demo_root.find_all("a", cls="mention"))
    rows = list(demo_root.find("table", cls="mentions").find("tbody").find_all("tr"))
    assert len(markers) == len(rows) == total
    assert all(m.attrs["href"].startswith("#turn-") for m in markers)
    check_links_land(demo_root)


def test_html_mentions_markers_are_not_tag_markers(demo, demo_root):
    """Tag markers stay one per tag; a mention is a numbered square of its own class."""
    assert len(list(demo_root.find_all("a", cls="marker"))) == len(demo.tags)


def test_html_mentions_legend_numbers_every_tracker(demo, demo_root):
    legend = demo_root.find("ul", cls="tracker-legend")
    items = [" ".join(li.text().split()) for li in legend.find_all("li")]
    assert items == [f"{k + 1} {t.name} (seller {t.seller}, buyer {t.buyer})" for k, t in enumerate(demo.trackers)]


def test_html_mentions_table_quotes_the_phrase_in_its_words(demo):
    rows = mentions_view(ReportContext.of(demo))
    first = rows[0]
    assert (first["tracker"], first["phrase"], first["when"]) == ("security_legal", "SOC 2", "2:16")
    assert first["before"].endswith(" ") or first["before"] == ""


def test_html_mentions_legend_counts(demo):
    legend = {t["name"]: t for t in tracker_legend(demo)}
    assert (legend["security_legal"]["seller"], legend["security_legal"]["buyer"]) == (2, 2)


def test_html_mentions_absent_without_trackers():
    result = model_free(trackers="none").analyze_file(SAMPLES / "07-hr-analytics-demo.vtt", sellers=SELLERS)
    root = parse(render_report(result))
    assert root.find("section", id="mentions") is None and root.find("a", cls="mention") is None


def test_html_mentions_hostile_transcript_text_is_escaped():
    trackers = TrackerSet((Tracker("pricing", phrases=("price",)),))
    result = model_free(trackers=trackers).analyze_transcript(
        build_transcript([("Sam", "<script>window.pwned=1</script> what is the price <img src=x onerror=alert(1)>?"), ("Dana", "Fair.")])
    )
    html = render_report(result)
    root = parse(html)
    assert root.find("script") is None and root.find("img") is None
    row = root.find("table", cls="mentions").find("tbody").find("tr")
    assert "<script>window.pwned=1</script>" in row.text()


def test_html_patience_card_against_its_target(demo_root):
    card = demo_root.find("article", id="metric-patience")
    text = " ".join(card.text().split())
    assert "0.5 s" in text and "below target" in text and "at least 1.0 s" in text


@pytest.mark.parametrize(
    "sample,why",
    [("01-payroll-dental-discovery.txt", "no times"), ("14-equipment-rental-renewal.txt", "start times only")],
)
def test_html_patience_not_measured_says_why(analyzer, sample, why):
    root = parse(render_report(analyzer.analyze_file(SAMPLES / sample)))
    text = " ".join(root.find("article", id="metric-patience").text().split())
    assert "not measured" in text and why in text
    assert root.find(id="metric-pace") is None and root.find(id="metric-interruptions") is None


def test_html_conversation_measures_shown(demo_root):
    for id_ in ("metric-buyer-side-questions", "metric-interruptions", "metric-pace", "metric-fillers"):
        assert demo_root.find(id=id_) is not None, id_
    assert "only as good as the transcript" in demo_root.find(id="metric-fillers").text()
