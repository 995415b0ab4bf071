"""Speaker names with right-to-left overrides and zero-width characters: isolated and made visible on the page and the terminal, kept in the data."""
from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from analyzer.html import render_dashboard, render_report
from analyzer.render import report

RLO, ZWSP, PDF = "\u202e", "\u200b", "\u202c"
MALLORY = f"Mallory{RLO} Evil"
SAM = f"Sam{ZWSP} Lee"
TURNS = [
    (MALLORY, "Hi Sam, thanks for the time. How are you handling renewals today?"),
    (SAM, f"Mostly by hand {RLO}in spreadsheets, it takes a week every quarter."),
    (MALLORY, "What does a missed renewal cost you, and who notices it first?"),
    (SAM, "Finance notices at month end; we lost two accounts that way last year."),
]


@pytest.fixture(scope="module")
def result(analyzer):
    from helpers import build_transcript

    return analyzer.analyze_transcript(build_transcript(TURNS, {MALLORY: "seller", SAM: "buyer"}))


def _outside_isolates(page: str) -> str:
    """The page without its <bdi> elements and its transcript paragraphs (each its own bidi paragraph)."""
    page = re.sub(r"<bdi>.*?</bdi>", "", page, flags=re.S)
    return re.sub(r'<p class="turn-text">.*?</p>', "", page, flags=re.S)


def test_reliability_bidi_report_names_isolated_and_visible(result):
    page = render_report(result)
    assert "<bdi>Mallory&lt;U+202E&gt; Evil</bdi>" in page
    assert "<bdi>Sam&lt;U+200B&gt; Lee</bdi>" in page
    assert MALLORY not in page and SAM not in page  # never the raw name
    assert RLO not in _outside_isolates(page) and ZWSP not in _outside_isolates(page)


def test_reliability_bidi_dashboard_names_isolated(result):
    row = {**result.to_row(), "path": f"calls/{RLO}evil.txt", "status": "ok", "error": None}
    page = render_dashboard([row])
    assert "<bdi>Mallory&lt;U+202E&gt; Evil</bdi>" in page
    assert RLO not in _outside_isolates(re.sub(r'data-value="[^"]*"', "", page))


def test_reliability_bidi_data_keeps_the_name(result):
    assert [s["name"] for s in result.to_dict()["speakers"]] == [MALLORY, SAM]
    assert result.to_row()["sellers"] == MALLORY


def test_reliability_bidi_terminal_names_visible_and_text_isolated(result):
    out = io.StringIO()
    report(result, Console(file=out, width=120, color_system=None, soft_wrap=True, highlight=False))
    text = out.getvalue()
    assert "Mallory<U+202E> Evil" in text and "Sam<U+200B> Lee" in text
    for line in text.splitlines():
        if RLO in line:  # only inside quoted transcript text, closed by its isolate
            assert line.index("\u2068") < line.index(RLO) < line.index("\u2069")


def test_reliability_bidi_terminal_name_is_not_markup(analyzer):
    from helpers import build_transcript

    name = "[link=http://evil.example]Dana[/link]"
    res = analyzer.analyze_transcript(build_transcript([(name, "Hello there, how are you?"), ("Sam", "Fine.")], {name: "seller", "Sam": "buyer"}))
    out = io.StringIO()
    report(res, Console(file=out, width=120, force_terminal=True, soft_wrap=True, highlight=False))
    assert "\x1b]8;" not in out.getvalue()  # no terminal hyperlink made from a name


def test_reliability_terminal_text_cannot_rewrite_the_terminal(analyzer):
    from helpers import build_transcript

    clear = "\x1b[2J\x1b[31m"
    turns = [("Dana", f"How are you handling renewals today{clear}?"), ("Sam", "By hand, in spreadsheets."),
             ("Dana", "Who notices a missed renewal first?"), ("Sam", "Finance, at month end.")]
    res = analyzer.analyze_transcript(build_transcript(turns, {"Dana": "seller", "Sam": "buyer"}))
    assert res.transcript.turns[0].text.endswith(f"{clear}?")  # the data keeps the text
    out = io.StringIO()
    report(res, Console(file=out, width=120, color_system=None, soft_wrap=True, highlight=False))
    text = out.getvalue()
    assert "\\x1b[2J\\x1b[31m?" in text  # the quoted question, its escapes written out
    assert "\x1b" not in text


@pytest.mark.parametrize(
    "text, wrapped",
    [
        ("Yeah, absolutely, happy to.", False),  # plain English: nothing to isolate
        ("Zoë said “déjà vu” — fine.", False),  # letters and marks that keep the direction
        ("Shalom, שלום means peace.", True),  # a right-to-left letter
        ("مرحبا", True),
        (f"plain {RLO}txet", True),  # a direction control
        ("a\u2067b", True),  # a right-to-left isolate left open
    ],
)
def test_reliability_bidi_terminal_text_isolated_only_where_direction_can_change(text, wrapped):
    from analyzer.display import isolated

    assert isolated(text) == (f"\u2068{text}\u2069" if wrapped else text)
