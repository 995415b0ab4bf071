"""``analyzer.html`` in a real browser: Debian's Chromium driven by Playwright.

The pages are opened from ``file:`` URLs, as a reader opens a mail
attachment. Every test records the page's requests (anything that is not
``file:`` or ``data:`` fails it), its dialogs and its console errors.

Needs ``pip install playwright`` (the ``browser`` extra) and
``/usr/bin/chromium`` (``apt-get install chromium``); Playwright's own
browser download is never used. Without either, the module is skipped.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    pytestmark = pytest.mark.skip(reason="playwright is not installed (pip install 'callcoach[browser]')")
else:  # the other browser modules import this mark, so that they skip, saying why, as this one does
    pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found (apt-get install chromium)")

from analyzer.html import write_dashboard, write_report  # noqa: E402
from helpers import SAMPLES, build_transcript  # noqa: E402

#: As the machine notes say: no background traffic, no first-run work.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

HOSTILE = (
    "Seller: <script>window.pwned=1</script> hi, how do you handle renewals today?\n"
    "Buyer: \"><img src=x onerror=alert(1)> javascript:alert(1) "
    "<img src=\"http://127.0.0.1:9/pixel.png\" onerror=\"window.pwned=2\">\n"
    "Seller: <a href=\"javascript:window.pwned=3\">click me</a> "
    "<style>body{display:none}</style><iframe src=\"https://example.com\"></iframe>\n"
)


@dataclasses.dataclass
class Watched:
    """A page and what it tried to do."""

    page: object
    requests: list
    dialogs: list
    errors: list

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith("file:") or u.startswith("data:"))]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _watch(context) -> Watched:
    page = context.new_page()
    page.set_default_timeout(15_000)
    w = Watched(page, [], [], [])
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("dialog", lambda d: (w.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: w.errors.append(str(e)))
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    return w


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield _watch(context)
    context.close()


@pytest.fixture
def watched_noscript(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    yield _watch(context)
    context.close()


@pytest.fixture
def watched_phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield _watch(context)
    context.close()


@pytest.fixture(scope="module")
def demo(analyzer):
    return analyzer.analyze_file(SAMPLES / "07-hr-analytics-demo.vtt", sellers=["Jordan Blake", "Kim Nguyen"])


@pytest.fixture
def demo_page(demo, tmp_path, watched):
    path = tmp_path / "report.html"
    write_report(demo, path)
    watched.page.goto(path.as_uri())
    return watched


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 2_000, f"{path} is not a real PNG"


def assert_quiet(w: Watched) -> None:
    assert w.outside_requests() == []
    assert w.dialogs == []
    assert w.errors == []


def in_viewport(page, element_id: str) -> bool:
    return page.evaluate(
        """id => { const r = document.getElementById(id).getBoundingClientRect();
                   return r.bottom > 0 && r.top < window.innerHeight && r.top >= 0; }""",
        element_id,
    )


# --------------------------------------------------------------------------
# The report


def test_browser_report_has_one_band_per_turn_and_a_screenshot(demo, demo_page, tmp_path):
    page = demo_page.page
    bands = page.locator("a.band")
    assert bands.count() == len(demo.transcript.turns)
    assert page.locator(".lane-seller a.band").count() + page.locator(".lane-buyer a.band").count() == len(
        demo.transcript.turns
    )
    # Each band is drawn: a positive width on screen.
    widths = page.eval_on_selector_all("a.band", "els => els.map(e => e.getBoundingClientRect().width)")
    assert min(widths) > 0
    assert page.locator("a.marker").count() == len(demo.tags)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_png(shot)
    assert_quiet(demo_page)


def test_browser_each_tag_link_scrolls_to_its_span(demo, demo_page):
    page = demo_page.page
    for k, _ in enumerate(demo.tags):
        page.evaluate("window.scrollTo(0, 0)")
        assert not in_viewport(page, f"tag-{k}")
        page.locator(f'a.marker[href="#tag-{k}"]').click()
        page.wait_for_function("id => location.hash === '#' + id", arg=f"tag-{k}")
        assert in_viewport(page, f"tag-{k}"), f"tag-{k} is not on screen after its link"
        assert page.evaluate("document.querySelector(':target').id") == f"tag-{k}"
    assert_quiet(demo_page)


def test_browser_feedback_links_scroll_to_their_moment(demo, demo_page):
    page = demo_page.page
    links = page.locator("#feedback a")
    assert links.count() == len([f for f in demo.feedback if f.turn is not None])
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        page.evaluate("window.scrollTo(0, 0)")
        links.nth(i).click()
        page.wait_for_function("h => location.hash === h", arg=href)
        assert in_viewport(page, href[1:])
    assert_quiet(demo_page)


def test_browser_hostile_transcript_runs_nothing(analyzer, tmp_path, watched):
    result = analyzer.analyze_text(HOSTILE, sellers=["Seller"], source="\"><svg onload=alert(1)>.txt")
    path = tmp_path / "hostile.html"
    write_report(result, path)
    page = watched.page
    page.goto(path.as_uri())
    page.wait_for_timeout(300)  # give any handler that got through the time to fire
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script, img, iframe, svg, style:not(head style)').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    body = page.locator("#transcript").inner_text()
    assert "<script>window.pwned=1</script>" in body
    assert '"><img src=x onerror=alert(1)>' in body
    assert '<a href="javascript:window.pwned=3">click me</a>' in body
    assert "<style>body{display:none}</style>" in body
    assert page.locator("h1").inner_text().endswith('"><svg onload=alert(1)>.txt')
    # No change to the page: the browser holds exactly the elements the file has.
    from test_html_structure import parse

    static = sum(1 for n in parse(path.read_text(encoding="utf-8")).iter() if n.tag != "#root")
    assert page.evaluate("document.getElementsByTagName('*').length") == static
    assert_quiet(watched)


def test_browser_csp_blocks_a_request_even_from_injected_code(demo_page):
    # Code run through the DevTools protocol is not page script, but what it
    # loads still answers to the page's CSP: the image request is refused.
    page = demo_page.page
    failed = []
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
    violated = page.evaluate(
        """() => new Promise(resolve => {
             document.addEventListener('securitypolicyviolation', e => resolve(e.effectiveDirective), {once: true});
             const img = new Image(); img.src = 'http://127.0.0.1:9/pixel.png'; document.body.appendChild(img);
             setTimeout(() => resolve('no violation'), 3000);
           })"""
    )
    assert violated == "img-src"
    page.wait_for_timeout(200)
    # Chromium reports the attempt as a request, then fails it before it leaves.
    assert demo_page.outside_requests() == ["http://127.0.0.1:9/pixel.png"]
    assert failed == [("http://127.0.0.1:9/pixel.png", "csp")]


def test_browser_report_works_with_scripts_off(demo, tmp_path, watched_noscript):
    path = tmp_path / "report.html"
    write_report(demo, path)
    page = watched_noscript.page
    page.goto(path.as_uri())
    k = len(demo.tags) - 1
    target = page.locator(f"#tag-{k}")
    expect(target).not_to_be_in_viewport()
    page.locator(f'a.marker[href="#tag-{k}"]').click()
    expect(target).to_be_in_viewport()
    assert watched_noscript.outside_requests() == [] and watched_noscript.dialogs == []


def test_browser_report_fits_a_phone(demo, tmp_path, watched_phone):
    path = tmp_path / "report.html"
    write_report(demo, path)
    page = watched_phone.page
    page.goto(path.as_uri())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot))
    assert_png(shot)
    assert_quiet(watched_phone)


def test_browser_report_prints_without_navigation(demo_page, tmp_path):
    page = demo_page.page
    page.emulate_media(media="print")
    assert page.locator("nav.toc").is_hidden()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf))
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert_quiet(demo_page)


def test_browser_keyboard_skip_link_and_marker_focus(demo, demo_page):
    page = demo_page.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")
    # The markers are links a keyboard reaches; the bands are not tab stops.
    page.locator("a.marker").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#tag-0'")
    assert page.locator("a.band").first.get_attribute("tabindex") == "-1"
    assert_quiet(demo_page)


def test_browser_untimed_report(analyzer, tmp_path, watched):
    result = analyzer.analyze_file(SAMPLES / "02-commercial-insurance-renewal.txt")
    path = tmp_path / "untimed.html"
    write_report(result, path)
    watched.page.goto(path.as_uri())
    assert watched.page.locator("a.band").count() == len(result.transcript.turns)
    assert "by words" in watched.page.locator("#timeline figcaption").inner_text()
    assert_quiet(watched)


# --------------------------------------------------------------------------
# The dashboard


@pytest.fixture
def dashboard(analyzer, tmp_path):
    rows, reports = [], {}
    (tmp_path / "reports").mkdir()
    names = ["07-hr-analytics-demo.vtt", "02-commercial-insurance-renewal.txt", "06-farm-solar-intro.vtt",
             "25-cnc-machine-pitch.json"]
    for i, name in enumerate(names):
        result = analyzer.analyze_file(SAMPLES / name)
        result = dataclasses.replace(result, score=[22.0, 64.0, 81.5, 12.0][i],
                                     label=["seller_centric", "buyer_centric", "buyer_centric", "seller_centric"][i])
        row = result.to_row()
        row.update(path=f"calls/{name}", status="ok", error=None)
        rows.append(row)
        write_report(result, tmp_path / "reports" / f"{name}.html")
        reports[row["path"]] = f"reports/{name}.html"
    rows.append({"path": "calls/<script>window.pwned=1</script>.vtt", "status": "error",
                 "error": "[E101] line 1: expected a transcript, found \"><img src=x onerror=alert(1)>"})
    path = tmp_path / "dashboard.html"
    write_dashboard(rows, path, reports=reports)
    return path, rows


def column_values(page, table_id: str, col: str) -> list[str]:
    """The sort values of one column, top to bottom ("" where a row has none)."""
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr",
        "(trs, col) => trs.map(tr => { const c = tr.querySelector(`[data-col='${col}']`);"
        " return c ? c.getAttribute('data-value') : ''; })",
        col,
    )


def test_browser_dashboard_sorts_and_links(dashboard, watched, tmp_path):
    path, rows = dashboard
    page = watched.page
    page.goto(path.as_uri())
    assert page.locator("#call-table tbody tr").count() == len(rows)
    error_row = page.locator("#call-table tr.row-error")
    assert "<script>window.pwned=1</script>.vtt" in error_row.inner_text()
    assert error_row.locator("th").get_attribute("title") == "calls/<script>window.pwned=1</script>.vtt"
    assert "onerror=alert(1)" in error_row.inner_text()
    assert page.evaluate("typeof window.pwned") == "undefined"

    words_button = page.locator('#call-table button[data-sort="words"]')
    words_button.click()
    values = column_values(page, "call-table", "words")
    numbers = [int(v) for v in values if v]
    assert numbers == sorted(numbers) and values[-1] == ""  # the error row, with no words, last
    assert page.locator("#call-table th").nth(8).get_attribute("aria-sort") == "ascending"
    words_button.click()
    numbers = [int(v) for v in column_values(page, "call-table", "words") if v]
    assert numbers == sorted(numbers, reverse=True)
    assert page.locator("#call-table th").nth(8).get_attribute("aria-sort") == "descending"

    page.locator('#seller-table button[data-sort="name"]').click()
    names = column_values(page, "seller-table", "name")
    assert names == sorted(names, key=str.lower)

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_png(shot)
    assert_quiet(watched)

    # A row's link opens its report, still from disk.
    page.locator("#call-table a", has_text="07-hr-analytics-demo.vtt").click()
    page.wait_for_url("**/reports/07-hr-analytics-demo.vtt.html")
    assert page.locator("a.band").count() > 0
    assert_quiet(watched)


def test_browser_dashboard_sorts_by_keyboard(dashboard, watched):
    path, _ = dashboard
    page = watched.page
    page.goto(path.as_uri())
    page.locator('#call-table button[data-sort="score"]').focus()
    page.keyboard.press("Enter")
    scores = [float(v) for v in column_values(page, "call-table", "score") if v]
    assert scores == sorted(scores)
    assert_quiet(watched)
