"""``analyzer.html`` without a browser: the pages parsed with ``html.parser``.

The browser tests (``test_html_browser.py``) check what a reader sees; these
check the markup itself, fast: escaping of hostile text, one band per turn,
links that land, no network address anywhere, the CSP, and the dashboard.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("jinja2")

from analyzer.html import render_dashboard, render_report, write_dashboard, write_report  # noqa: E402
from analyzer.result import ScoreReason, Tag  # noqa: E402
from helpers import SAMPLES, build_transcript  # noqa: E402

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

HOSTILE_TEXT = (
    "Seller: <script>window.pwned=1</script> hi, how do you handle renewals today?\n"
    "Buyer: \"><img src=x onerror=alert(1)> javascript:alert(1)\n"
)
HOSTILE_SPEAKER = "<b onmouseover=alert(1)>Eve</b>"
HOSTILE_SOURCE = "\"><svg onload=alert(1)>.vtt"


# --------------------------------------------------------------------------
# A small DOM from html.parser


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict
    parent: "Node | None"
    children: list = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs):
        for n in self.iter():
            if tag and n.tag != tag:
                continue
            if cls and cls not in (n.attrs.get("class") or "").split():
                continue
            if any(n.attrs.get(k) != v for k, v in attrs.items()):
                continue
            yield n

    def find(self, *args, **kwargs):
        return next(self.find_all(*args, **kwargs), None)

    def ancestors(self):
        p = self.parent
        while p is not None:
            yield p
            p = p.parent


class StrictTreeBuilder(HTMLParser):
    """Builds a tree and fails on any end tag that does not close the open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.stack = [self.root]
        self.doctype = None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs), self.stack[-1]))

    def handle_endtag(self, tag):
        assert tag not in VOID, f"end tag for void element <{tag}>"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}> (line {self.getpos()[0]})"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    b = StrictTreeBuilder()
    b.feed(html)
    b.close()
    assert b.stack == [b.root], "unclosed elements: " + ", ".join(n.tag for n in b.stack[1:])
    assert b.doctype and b.doctype.lower() == "doctype html"
    return b.root


def all_attr_values(root: Node):
    for n in root.iter():
        for k, v in n.attrs.items():
            yield n, k, v or ""


def check_links_land(root: Node) -> None:
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    ids_set = set(ids)
    for n in root.find_all("a"):
        href = n.attrs.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids_set, f"link to missing id {href}"


def csp_of(root: Node) -> str:
    metas = list(root.find_all("meta"))
    csp = [m for m in metas if (m.attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(csp) == 1
    head = root.find("head")
    assert csp[0].parent is head
    # Before anything that could load or run: only <meta charset> precedes it.
    before = head.children[: head.children.index(csp[0])]
    assert [n.tag for n in before if isinstance(n, Node)] == ["meta"]
    return csp[0].attrs["content"]


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def turn_text_without_labels(turn_p: Node) -> str:
    """The text of a turn paragraph, the tag labels left out."""
    parts = []

    def walk(n: Node):
        for c in n.children:
            if isinstance(c, str):
                parts.append(c)
            elif "tag-label" in (c.attrs.get("class") or "").split():
                continue
            else:
                walk(c)

    walk(turn_p)
    return "".join(parts)


def turn_texts(root: Node) -> dict[int, str]:
    """Turn index -> its text as the page shows it (labels and the label's space removed)."""
    out = {}
    for li in root.find_all("li", cls="turn"):
        idx = int(li.attrs["id"].split("-")[1])
        p = li.find("p", cls="turn-text")
        out[idx] = re.sub(r"\s+", " ", turn_text_without_labels(p)).strip()
    return out


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def hostile(analyzer):
    return analyzer.analyze_text(HOSTILE_TEXT, sellers=["Seller"], source=HOSTILE_SOURCE)


@pytest.fixture(scope="module")
def hostile_speakers(analyzer):
    t = build_transcript(
        [
            (HOSTILE_SPEAKER, "So what do you guys do?"),
            ("Dana", "We help dental groups with payroll. But enough about us: what made you take this call?"),
            (HOSTILE_SPEAKER, "Our payroll person is leaving in March. <a href=\"javascript:alert(1)\">click</a>"),
        ],
        roles={HOSTILE_SPEAKER: "buyer", "Dana": "seller"},
        source="calls/<i>evil</i>.txt",
    )
    return analyzer.analyze_transcript(t)


@pytest.fixture(scope="module")
def demo(analyzer):
    """A realistic timed call with a pitch dump over several turns, unscored (no model)."""
    result = analyzer.analyze_file(SAMPLES / "07-hr-analytics-demo.vtt", sellers=["Jordan Blake", "Kim Nguyen"])
    return dataclasses.replace(result, score=None, label=None, reasons=(), model=None)


@pytest.fixture(scope="module")
def untimed(analyzer):
    return analyzer.analyze_file(SAMPLES / "02-commercial-insurance-renewal.txt")


SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if not p.name.endswith(".gold.json"))


# --------------------------------------------------------------------------
# Safety


def test_html_hostile_transcript_is_text_not_markup(hostile):
    html = render_report(hostile)
    root = parse(html)
    assert not list(root.find_all("script"))
    assert not list(root.find_all("img"))
    assert not list(root.find_all("svg"))
    for node, name, value in all_attr_values(root):
        assert not name.startswith("on"), f"event handler {name} on <{node.tag}>"
        assert not value.strip().lower().startswith("javascript:"), f"{name}={value!r}"
    texts = turn_texts(root)
    assert texts[0] == norm(hostile.transcript.turns[0].text)
    assert "<script>window.pwned=1</script>" in texts[0]
    assert texts[1] == '"><img src=x onerror=alert(1)> javascript:alert(1)'
    assert HOSTILE_SOURCE in root.find("h1").text()
    assert HOSTILE_SOURCE in root.find("title").text()
    # The raw markup appears only escaped.
    assert "<script>window" not in html
    assert "<img src=x" not in html


def test_html_hostile_speaker_and_file_names_are_escaped(hostile_speakers):
    html = render_report(hostile_speakers)
    root = parse(html)
    assert not list(root.find_all("b")) and not list(root.find_all("i"))
    assert not [a for a in root.find_all("a") if "javascript" in (a.attrs.get("href") or "")]
    speakers = {n.text() for n in root.find_all("span", cls="speaker")}
    assert HOSTILE_SPEAKER in speakers
    assert "calls/<i>evil</i>.txt" in root.find("h1").text()
    for node, name, _ in all_attr_values(root):
        assert not name.startswith("on")
    check_links_land(root)


def test_html_report_has_no_network_address(demo, hostile):
    for result in (demo, hostile):
        html = render_report(result)
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.I)
        root = parse(html)
        for node, name, value in all_attr_values(root):
            if name in ("href", "src", "action", "formaction", "srcset", "poster", "data"):
                assert value.startswith("#") or value.startswith("data:"), f"<{node.tag} {name}={value!r}>"
        assert not list(root.find_all("link", rel="stylesheet"))
        assert not list(root.find_all("iframe"))


def test_html_report_csp_forbids_network_and_scripts(demo):
    root = parse(render_report(demo))
    d = directives(csp_of(root))
    assert d["default-src"] == ["'none'"]
    assert d["script-src"] == ["'none'"]
    assert d["style-src"] == ["'unsafe-inline'"]
    assert d.get("img-src", ["'none'"]) in (["'none'"], ["data:"])
    assert "connect-src" not in d and "font-src" not in d  # fall back to 'none'
    assert d["base-uri"] == ["'none'"] and d["form-action"] == ["'none'"]
    assert not list(root.find_all("script"))


def test_html_report_landmarks_and_headings(demo):
    root = parse(render_report(demo))
    html_el = root.find("html")
    assert html_el.attrs.get("lang") == "en"
    assert len(list(root.find_all("main"))) == 1
    assert root.find("header") and root.find("footer") and root.find("nav")
    assert [h.text() for h in root.find_all("h1")] == [f"Call report: {demo.file}"]
    h2 = [norm(h.text()) for h in root.find_all("h2")]
    assert h2[0] == "Score" and "Transcript" in h2 and any(h.startswith("Feedback") for h in h2)
    skip = root.find("a", cls="skip")
    assert skip.attrs["href"] == "#main" and root.find(id="main") is not None
    assert root.find("meta", name="viewport") is not None
    style = "".join(s.text() for s in root.find_all("style"))
    assert "@media print" in style and "max-width: 40rem" in style


# --------------------------------------------------------------------------
# Score


def test_html_no_model_says_so_and_shows_no_score(demo):
    assert demo.score is None
    root = parse(render_report(demo))
    section = root.find("section", id="score")
    text = norm(section.text())
    assert "No model is loaded, so this call is not scored." in text
    assert section.find(cls="gauge") is None
    assert not re.search(r"\d+/100", text)


def test_html_score_gauge_and_reasons(demo):
    reasons = (
        ScoreReason("seller_talk_share", "the seller's share of the talk", 0.73, -18.4),
        ScoreReason("pitch_dumps", "pitch dumps", 1.0, -6.2),
        ScoreReason("open_buyer_questions", "open questions about the buyer", 3.0, 4.1),
    )
    scored = dataclasses.replace(demo, score=31.2, label="seller_centric", model="test-model", reasons=reasons)
    root = parse(render_report(scored))
    section = root.find("section", id="score")
    text = norm(section.text())
    assert "Score: 31/100 (seller-centric)" in text
    assert "No model is loaded" not in text
    gauge = section.find(cls="gauge")
    assert "31 of 100" in gauge.attrs["aria-label"]
    assert section.find(cls="gauge-needle").attrs["style"] == "left:31.2%"
    items = list(section.find_all("li", cls="reason"))
    assert [norm(i.text()) for i in items] == [
        "-18.4 towards seller-centric: the seller's share of the talk (value 0.73)",
        "-6.2 towards seller-centric: pitch dumps (value 1.00)",
        "+4.1 towards buyer-centric: open questions about the buyer (value 3.00)",
    ]


# --------------------------------------------------------------------------
# Timeline


def band_geometry(root: Node) -> dict[int, tuple[float, float, str]]:
    out = {}
    for b in root.find_all("a", cls="band"):
        m = re.fullmatch(r"left:([\d.]+)%;width:([\d.]+)%", b.attrs["style"])
        assert m, b.attrs["style"]
        lane = next(a for a in b.ancestors() if "lane" in (a.attrs.get("class") or "").split())
        role = [c for c in lane.attrs["class"].split() if c.startswith("lane-")][0][5:]
        out[int(b.attrs["data-turn"])] = (float(m[1]), float(m[2]), role)
    return out


@pytest.mark.parametrize("fixture", ["demo", "untimed", "hostile"])
def test_html_timeline_has_one_band_per_turn(request, fixture):
    result = request.getfixturevalue(fixture)
    root = parse(render_report(result))
    bands = list(root.find_all("a", cls="band"))
    assert len(bands) == len(result.transcript.turns)
    geo = band_geometry(root)
    assert sorted(geo) == list(range(len(result.transcript.turns)))
    roles = {s.name: s.role for s in result.speakers}
    for t in result.transcript.turns:
        assert geo[t.index][2] == roles[t.speaker]
        band = next(b for b in bands if b.attrs["data-turn"] == str(t.index))
        assert band.attrs["href"] == f"#turn-{t.index}"
        assert t.speaker in band.attrs["title"]


def test_html_untimed_call_is_banded_by_words(analyzer):
    turns = [("Dana", " ".join(["word"] * 10)), ("Sam", " ".join(["talk"] * 30)), ("Dana", " ".join(["more"] * 60))]
    result = analyzer.analyze_transcript(build_transcript(turns))
    assert not result.timed
    root = parse(render_report(result))
    geo = band_geometry(root)
    assert geo == {0: (0.0, 10.0, "seller"), 1: (10.0, 30.0, "buyer"), 2: (40.0, 60.0, "seller")}
    caption = norm(root.find("figcaption").text())
    assert "by words" in caption and "no times" in caption
    assert root.find(cls="tl-grid").attrs["data-basis"] == "words"


def test_html_timed_call_is_banded_by_time(analyzer):
    turns = [("Dana", "Hello there, thanks for joining.", 10.0, 20.0), ("Sam", "Sure, happy to be here.", 20.0, 50.0),
             ("Dana", "Great, so how do you run payroll today?", 60.0, 110.0)]
    result = analyzer.analyze_transcript(build_transcript(turns))
    root = parse(render_report(result))
    geo = band_geometry(root)
    assert geo == {0: (0.0, 10.0, "seller"), 1: (10.0, 30.0, "buyer"), 2: (50.0, 50.0, "seller")}
    assert root.find(cls="tl-grid").attrs["data-basis"] == "time"
    # The buyer question is marked where it is said, within turn 2.
    marker = root.find("a", cls="marker")
    left = float(re.match(r"left:([\d.]+)%", marker.attrs["style"])[1])
    assert 50.0 <= left <= 100.0


def test_html_markers_link_to_every_tag(demo):
    root = parse(render_report(demo))
    markers = list(root.find_all("a", cls="marker"))
    assert [m.attrs["href"] for m in markers] == [f"#tag-{k}" for k in range(len(demo.tags))]
    for k, tag in enumerate(demo.tags):
        target = root.find(id=f"tag-{k}")
        assert target is not None and target.tag == "mark"
        assert f"t-{tag.tag}" in target.attrs["class"]
        turn_li = next(a for a in target.ancestors() if a.tag == "li")
        assert turn_li.attrs["id"] == f"turn-{tag.turn}"
        assert markers[k].find(cls="visually-hidden").text().startswith(
            {"pitch_invite": "pitch invite", "pitch_dump": "pitch dump", "pitch_pivot": "pitch pivot",
             "buyer_question": "buyer question", "if_then_close": "if-then close"}[tag.tag]
        )
    check_links_land(root)


# --------------------------------------------------------------------------
# Transcript highlighting


def test_html_transcript_keeps_every_turn_word_for_word(demo):
    root = parse(render_report(demo))
    texts = turn_texts(root)
    assert texts == {t.index: norm(t.text) for t in demo.transcript.turns}
    li = root.find("li", id="turn-0")
    assert norm(li.find("span", cls="speaker").text()) == demo.transcript.turns[0].speaker
    assert "0:03" in li.find("a", cls="turn-ref").text()


def test_html_each_tag_span_is_its_exact_text_and_labelled(demo):
    root = parse(render_report(demo))
    for k, tag in enumerate(demo.tags):
        mark = root.find(id=f"tag-{k}")
        label = mark.find(cls="tag-label").text()
        assert label.startswith(tag.tag.replace("_", " ").replace("if then", "if-then"))
        if tag.text in demo.transcript.turns[tag.turn].text:
            assert norm(turn_text_without_labels(mark)) == norm(tag.text)


def test_html_pitch_dump_over_several_turns_is_marked_in_each_seller_turn(demo):
    dump_k, dump = next((k, t) for k, t in enumerate(demo.tags) if t.tag == "pitch_dump")
    assert dump.text not in demo.transcript.turns[dump.turn].text  # it runs over turns 11-13
    root = parse(render_report(demo))
    first = root.find(id=f"tag-{dump_k}")
    assert norm(turn_text_without_labels(first)) == norm(demo.transcript.turns[dump.turn].text)
    cont_li = root.find("li", id=f"turn-{dump.turn + 2}")
    cont = cont_li.find("mark", cls="t-pitch_dump")
    assert cont is not None and "id" not in cont.attrs
    assert cont.find(cls="tag-label").text() == "pitch dump, continued: "  # ": " for screen readers only
    assert cont_li.find("a", href=f"#tag-{dump_k}") is not None
    # The buyer's "Okay." inside the pitch is not highlighted.
    assert root.find("li", id=f"turn-{dump.turn + 1}").find("mark") is None
    # The two seller pieces and the buyer's backchannel between them make up the tag's text.
    pieces = [turn_text_without_labels(m) for m in root.find_all("mark", cls="t-pitch_dump")]
    backchannel = demo.transcript.turns[dump.turn + 1].text
    assert len(pieces) == 2
    assert norm(" ".join([pieces[0], backchannel, pieces[1]])) == norm(dump.text)


def test_html_pitch_pivot_containing_a_question_nests(analyzer):
    turns = [
        ("Sam", "So what do you guys do?"),
        ("Dana", "We help dental groups with payroll. But enough about us: what made you take this call?"),
        ("Sam", "Our payroll person is leaving in March."),
    ]
    result = analyzer.analyze_transcript(build_transcript(turns))
    names = [t.tag for t in result.tags]
    assert "pitch_pivot" in names and "buyer_question" in names
    root = parse(render_report(result))
    pivot = root.find("mark", cls="t-pitch_pivot")
    inner = pivot.find("mark", cls="t-buyer_question")
    assert inner is not None and inner.attrs["id"].startswith("tag-")
    assert turn_texts(root)[1] == turns[1][1]
    check_links_land(root)


def test_html_crossing_tags_are_split_and_still_well_formed(demo):
    turn = demo.transcript.turns[2]
    text = turn.text  # "Awesome. Denise, Aaron, thanks so much for joining. ..."
    a, b = text[0:30], text[15:50]
    tags = (
        Tag("buyer_question", turn.speaker, 2, None, None, a, True),
        Tag("if_then_close", turn.speaker, 2, None, None, b),
        Tag("pitch_pivot", turn.speaker, 2, None, None, text[20:25]),
    )
    result = dataclasses.replace(demo, tags=tags, feedback=())
    root = parse(render_report(result))  # parse() fails on crossing markup
    li = root.find("li", id="turn-2")
    assert turn_texts(root)[2] == norm(text)
    for k in range(3):
        assert li.find(id=f"tag-{k}") is not None
    # The close starts inside the question and ends after it: split in two, the second part without id.
    closes = list(li.find_all("mark", cls="t-if_then_close"))
    assert len(closes) == 2 and "id" in closes[0].attrs and "id" not in closes[1].attrs
    assert norm("".join(turn_text_without_labels(c) for c in closes)) == norm(b)
    check_links_land(root)


def test_html_same_text_twice_in_a_turn_gets_both_occurrences(demo):
    turns = [("Dana", "How is it going? Fine. How is it going?"), ("Sam", "Good.")]
    t = build_transcript(turns)
    base = dataclasses.replace(demo, transcript=t, feedback=(), speakers=demo.speakers[:0])
    q = "How is it going?"
    result = dataclasses.replace(
        base, tags=(Tag("buyer_question", "Dana", 0, None, None, q, True),) * 2, timed=False,
        speakers=(
            dataclasses.replace(demo.speakers[0], name="Dana"),
            dataclasses.replace(demo.speakers[1], name="Sam"),
        ),
    )
    root = parse(render_report(result))
    marks = list(root.find("li", id="turn-0").find_all("mark"))
    assert [m.attrs.get("id") for m in marks] == ["tag-0", "tag-1"]
    assert turn_texts(root)[0] == turns[0][1]


def test_html_tag_text_not_found_still_has_its_anchor(demo):
    tags = (Tag("buyer_question", "Jordan Blake", 2, None, None, "words that are not in the turn", True),)
    root = parse(render_report(dataclasses.replace(demo, tags=tags, feedback=())))
    anchor = root.find(id="tag-0")
    assert anchor is not None and next(a for a in anchor.ancestors() if a.tag == "li").attrs["id"] == "turn-2"
    assert turn_texts(root)[2] == norm(demo.transcript.turns[2].text)
    check_links_land(root)


# --------------------------------------------------------------------------
# Metrics and feedback


def test_html_metrics_against_their_targets(demo):
    assert round(demo.metrics.seller_talk_share * 100) == 73 and demo.metrics.buyer_questions == 4
    root = parse(render_report(demo))
    share = norm(root.find(id="metric-talk-share").text())
    assert "73% by time" in share and "43:57" in share and "above target" in share
    q = norm(root.find(id="metric-questions").text())
    # a call of 11 minutes is not held to the range of a discovery call
    assert "11-14" in q and "not judged" in q and "30 minutes or more" in q and "this call is 10:50 long" in q
    mono = norm(root.find(id="metric-monologue").text())
    assert "1:21 (202 words)" in mono and "under 2:00" in mono and "on target" in mono
    assert root.find(id="metric-monologue").find("a", href="#turn-11") is not None


def test_html_untimed_metrics_say_words(untimed):
    root = parse(render_report(untimed))
    share = norm(root.find(id="metric-talk-share").text())
    assert "by words" in share and "of the words" in share
    mono = norm(root.find(id="metric-monologue").text())
    assert "words" in mono and "about" in mono


def test_html_feedback_links_to_its_moment(demo):
    codes = [f.code for f in demo.feedback]
    assert {"CC101", "CC102", "CC105"} <= set(codes)
    root = parse(render_report(demo))
    items = list(root.find("section", id="feedback").find_all("li", cls="fb"))
    assert len(items) == len(demo.feedback)
    href = {c: i.find("a").attrs["href"] for c, i in zip(codes, items) if i.find("a")}
    dump = next(k for k, t in enumerate(demo.tags) if t.tag == "pitch_dump")
    close = next(k for k, t in enumerate(demo.tags) if t.tag == "if_then_close")
    # Talk share points at the longest stretch (a turn); the tag rules at their tag.
    assert href["CC101"] == f"#turn-{demo.metrics.longest_seller_monologue_turn}"
    assert href["CC102"] == f"#tag-{dump}" and href["CC105"] == f"#tag-{close}"
    for item, f in zip(items, demo.feedback):
        assert f.message in norm(item.text())
        assert f.code in item.text() and f.severity in item.text()
    check_links_land(root)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_html_every_sample_renders_well_formed(analyzer, path):
    result = analyzer.analyze_file(path)
    root = parse(render_report(result))
    check_links_land(root)
    assert len(list(root.find_all("a", cls="band"))) == len(result.transcript.turns)
    assert len(list(root.find_all("a", cls="marker"))) == len(result.tags)
    for k in range(len(result.tags)):
        assert root.find(id=f"tag-{k}") is not None
    assert turn_texts(root) == {t.index: norm(t.text) for t in result.transcript.turns}


def test_html_write_report_is_atomic_and_overwrites(demo, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    write_report(demo, out)
    assert out.read_text(encoding="utf-8") == render_report(demo)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_html_write_report_to_missing_folder_leaves_nothing(demo, tmp_path):
    with pytest.raises(OSError):
        write_report(demo, tmp_path / "missing" / "report.html")
    assert list(tmp_path.iterdir()) == []


def test_html_cli_feedback_writes_the_page(tmp_path):
    from click.testing import CliRunner

    from analyzer.cli import main

    out = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["feedback", str(SAMPLES / "06-farm-solar-intro.vtt"), "--html", str(out)])
    assert res.exit_code == 0, res.output
    root = parse(out.read_text(encoding="utf-8"))
    assert root.find("section", id="transcript") is not None


# --------------------------------------------------------------------------
# The dashboard


def dashboard_rows(analyzer, with_scores: bool = False):
    rows = []
    names = ["07-hr-analytics-demo.vtt", "02-commercial-insurance-renewal.txt", "06-farm-solar-intro.vtt"]
    scores = [(22.0, "seller_centric"), (64.0, "buyer_centric"), (81.5, "buyer_centric")]
    for name, (score, label) in zip(names, scores):
        result = analyzer.analyze_file(SAMPLES / name)
        result = dataclasses.replace(result, score=None, label=None, reasons=(), model=None)
        if with_scores:
            result = dataclasses.replace(result, score=score, label=label)
        row = result.to_row()
        row.update(path=f"calls/{name}", status="ok", error=None)
        rows.append(row)
    rows.append({"path": "calls/<script>alert(1)</script>.vtt", "status": "error",
                 "error": "[E101] calls/bad.vtt, line 1: expected <v Name>, found \"><img src=x onerror=alert(1)>"})
    return rows


def test_html_dashboard_rows_links_and_errors(analyzer):
    rows = dashboard_rows(analyzer)
    reports = {"calls/07-hr-analytics-demo.vtt": "reports/07 hr?demo.html",
               "calls/02-commercial-insurance-renewal.txt": "javascript:alert(1)"}
    html = render_dashboard(rows, reports=reports)
    root = parse(html)
    body = root.find("table", id="call-table").find("tbody")
    trs = list(body.find_all("tr"))
    assert len(trs) == 4
    # Sorted by path; the folder they share is said once, above the table.
    assert [tr.find("th").attrs["data-value"] for tr in trs] == sorted(r["path"] for r in rows)
    assert [norm(tr.find("th").text()) for tr in trs] == sorted(r["path"][len("calls/"):] for r in rows)
    assert "Files in calls/." in norm(root.find("section", id="calls").text())
    links = {a.text(): a.attrs["href"] for a in body.find_all("a")}
    assert links == {"07-hr-analytics-demo.vtt": "reports/07%20hr%3Fdemo.html",
                     "02-commercial-insurance-renewal.txt": "javascript%3Aalert%281%29"}
    error_tr = next(tr for tr in trs if "row-error" in tr.attrs["class"])
    assert "<script>alert(1)</script>.vtt" == norm(error_tr.find("th").text())
    assert rows[-1]["error"] in norm(error_tr.text())
    assert not list(root.find_all("img"))
    scripts = list(root.find_all("script"))
    assert len(scripts) == 1 and "alert" not in scripts[0].text()
    for node, name, value in all_attr_values(root):
        assert not name.startswith("on")
        assert not value.lower().startswith("javascript:")
    assert not re.search(r"https?://", html)
    check_links_land(root)
    header = norm(root.find("header").text())
    assert "4 calls: 3 analysed, 1 could not be read." in header


def test_html_dashboard_csp_allows_only_its_script(analyzer):
    root = parse(render_dashboard(dashboard_rows(analyzer)))
    d = directives(csp_of(root))
    assert d["default-src"] == ["'none'"]
    script = root.find("script").text()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert d["script-src"] == [f"'sha256-{digest}'"]
    assert "'unsafe-inline'" not in d["script-src"] and d["style-src"] == ["'unsafe-inline'"]


def test_html_dashboard_tables_have_sort_controls(analyzer):
    root = parse(render_dashboard(dashboard_rows(analyzer)))
    for table_id, ncols in (("seller-table", 7), ("call-table", 10)):
        table = root.find("table", id=table_id)
        assert "sortable" in table.attrs["class"]
        ths = list(table.find("thead").find_all("th"))
        assert len(ths) == ncols
        keys = []
        for th in ths:
            assert th.attrs["aria-sort"] == "none" and th.attrs["data-kind"] in ("text", "number")
            button = th.find("button", cls="sort")
            assert button.attrs["type"] == "button"
            keys.append(button.attrs["data-sort"])
        # Each cell says which column it holds, so the script can sort rows of any shape.
        for tr in table.find("tbody").find_all("tr"):
            cells = [c for c in tr.children if isinstance(c, Node)]
            cols = [c.attrs["data-col"] for c in cells]
            assert all("data-value" in c.attrs for c in cells)
            if "row-error" in (tr.attrs.get("class") or ""):
                assert cols == ["path", "status", "notes"] and cells[-1].attrs["colspan"] == "8"
            else:
                assert cols == keys


def test_html_dashboard_per_seller_table(analyzer):
    rows = dashboard_rows(analyzer)
    root = parse(render_dashboard(rows))
    body = root.find("table", id="seller-table").find("tbody")
    names = [norm(tr.find("th").text()) for tr in body.find_all("tr")]
    expected = set()
    for r in rows[:-1]:
        expected.update(s.strip() for s in r["sellers"].split(";") if s.strip())
    assert sorted(names, key=str.casefold) == names and set(names) == expected
    jordan = next(tr for tr in body.find_all("tr") if norm(tr.find("th").text()) == "Jordan Blake")
    cells = [c for c in jordan.children if isinstance(c, Node)]
    share = next(r["seller_talk_share"] for r in rows[:-1] if "Jordan Blake" in [s.strip() for s in r["sellers"].split(";")])
    assert cells[1].text() == "1" and cells[3].text() == f"{share * 100:.0f}%"


def test_html_dashboard_without_scores_says_no_model(analyzer):
    root = parse(render_dashboard(dashboard_rows(analyzer)))
    dist = norm(root.find("section", id="distribution").text())
    assert "No call is scored: no model is loaded." in dist
    assert len(list(root.find_all(cls="hist"))) == 1  # the talk-share one only


def test_html_dashboard_score_distribution(analyzer):
    root = parse(render_dashboard(dashboard_rows(analyzer, with_scores=True)))
    hist = next(root.find_all(cls="hist"))
    cols = list(hist.find_all(cls="hist-col"))
    counts = [int(c.find(cls="hist-count").text()) for c in cols]
    assert counts == [0, 0, 1, 0, 0, 0, 1, 0, 1, 0]
    assert norm(cols[2].find(cls="hist-range").text()) == "20-30"
    assert "20-30: 1 calls" in hist.attrs["aria-label"]


def test_html_dashboard_accepts_pandas_rows_and_empty_batches(analyzer, tmp_path):
    pd = pytest.importorskip("pandas")
    rows = pd.DataFrame(dashboard_rows(analyzer)).to_dict("records")  # NaN for the error row's blanks
    root = parse(render_dashboard(rows))
    assert len(list(root.find("table", id="call-table").find("tbody").find_all("tr"))) == 4
    out = tmp_path / "d.html"
    write_dashboard([], out)
    root = parse(out.read_text(encoding="utf-8"))
    assert "0 calls" in norm(root.find("header").text())
