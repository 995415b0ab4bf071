"""The dashboard's reps over time and trackers panel in Debian's Chromium (Playwright), like the other pages.

Skipped, saying why, without Playwright or ``/usr/bin/chromium`` (see
``test_html_browser.py``). The rows are made by hand, so the figures on the
page can be checked against numbers worked out here.
"""
from __future__ import annotations

import pytest

from analyzer.html import write_dashboard
from test_html_browser import assert_png, assert_quiet, browser, pytestmark, watched, watched_noscript, watched_phone  # noqa: F401
from test_html_reps import ROWS, row


@pytest.fixture
def page_path(tmp_path):
    rows = [{**r, "tracker_pricing_seller": i % 2, "tracker_pricing_buyer": 1} for i, r in enumerate(ROWS)]
    rows.append(row("f.vtt", rep="<script>window.pwned=1</script>", team="West", call_type="demo", date="2026-11-20", score=55.0))
    rows.append({"path": "bad.vtt", "status": "error", "error": "[E101] bad"})
    path = tmp_path / "dashboard.html"
    write_dashboard(rows, path)
    return path


def visible_reps(page) -> list[str]:
    return page.eval_on_selector_all("article.rep:not([hidden]) h3", "hs => hs.map(h => h.textContent)")


def test_browser_reps_filter_by_team_and_call_type(page_path, watched, tmp_path):
    page = watched.page
    page.goto(page_path.as_uri())
    assert page.locator("#rep-filters").is_visible()
    assert visible_reps(page) == ["Dana", "<script>window.pwned=1</script>", "Kim", "Lee", "Sam"]
    assert page.locator("#rep-count").inner_text() == "5 of 5 reps shown"

    page.select_option("#rep-team", "West")
    assert visible_reps(page) == ["<script>window.pwned=1</script>", "Lee", "Sam"]
    assert page.locator("#rep-count").inner_text() == "3 of 5 reps shown"

    page.select_option("#rep-team", "East")
    dana = page.locator("article.rep", has=page.locator("h3", has_text="Dana"))
    assert "Median score 40" in dana.locator(".rep-variant:visible").inner_text()
    page.select_option("#rep-type", "discovery")
    shown = dana.locator(".rep-variant:visible")
    assert shown.count() == 1 and "Median score 50" in shown.inner_text() and "50th percentile" in shown.inner_text()
    kim = page.locator("article.rep", has=page.locator("h3", has_text="Kim"))
    assert "No discovery calls." in kim.locator(".rep-variant:visible").inner_text()

    page.select_option("#rep-team", "")
    page.select_option("#rep-type", "")
    assert len(visible_reps(page)) == 5
    assert page.evaluate("typeof window.pwned") == "undefined"
    shot = tmp_path / "reps.png"
    page.locator("#reps").screenshot(path=str(shot))
    assert_png(shot)
    assert_quiet(watched)


def test_browser_reps_charts_are_drawn(page_path, watched):
    page = watched.page
    page.goto(page_path.as_uri())
    dana = page.locator("article.rep", has=page.locator("h3", has_text="Dana")).locator(".rep-variant:visible")
    chart = dana.locator("svg.rep-chart")
    box = chart.bounding_box()
    assert box["width"] > 250 and box["height"] > 80
    assert chart.locator("circle.pt-score").count() == 2 and chart.locator("rect.pt-share").count() == 2
    assert dana.locator("svg.rep-strip line.tick").count() == 4  # East's four scored calls
    dana.locator("details summary").click()
    assert dana.locator("table.rep-numbers tbody tr").count() == 2
    assert_quiet(watched)


def test_browser_reps_without_scripts_show_everything(page_path, watched_noscript):
    page = watched_noscript.page
    page.goto(page_path.as_uri())
    assert not page.locator("#rep-filters").is_visible()
    assert page.locator("article.rep:visible").count() == 5
    assert page.locator(".rep-variant:visible").count() == 5  # "all call types" of each
    assert_quiet(watched_noscript)


def test_browser_trackers_panel_sorts(page_path, watched):
    page = watched.page
    page.goto(page_path.as_uri())
    table = page.locator("#tracker-table")
    assert table.locator("tbody tr").count() == 1
    assert "5 (83%)" in table.locator("tbody tr").inner_text()  # five of six calls mention pricing
    table.locator('button[data-sort="buyer"]').click()
    assert page.locator("#tracker-table th").nth(3).get_attribute("aria-sort") == "ascending"
    assert_quiet(watched)


def test_browser_reps_fit_a_phone(page_path, watched_phone):
    page = watched_phone.page
    page.goto(page_path.as_uri())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    assert_quiet(watched_phone)
