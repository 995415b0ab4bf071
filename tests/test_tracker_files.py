"""``analyzer.trackers``: tracker files (TOML and JSON Lines), the shipped set, and coded errors."""
from __future__ import annotations

import pytest

from analyzer.errors import ConfigError
from analyzer.trackers import NO_TRACKERS, TrackerSet, default_trackers, load_trackers, resolve_trackers

TOML = """\
# what our team tracks
[[tracker]]
name = "pricing"
side = "any"
phrases = ["price", "Pricing", "discount"]
patterns = [[{LOWER = "per"}, {LOWER = {IN = ["seat", "user"]}}]]

[[tracker]]
name = "competitors"
side = "buyer"
description = "who else they look at"
phrases = ["Gong", "Chorus"]
"""

JSONL = (
    '{"name": "pricing", "phrases": ["price", "discount"]}\n'
    "\n"
    '{"name": "next_steps", "side": "seller", "phrases": ["next step", "next steps"]}\n'
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_trackers_toml(tmp_path):
    s = load_trackers(write(tmp_path, "t.toml", TOML))
    assert s.names == ("pricing", "competitors")
    pricing, competitors = s.trackers
    assert (pricing.side, pricing.phrases, pricing.line) == ("any", ("price", "Pricing", "discount"), 2)
    assert pricing.patterns == ([{"LOWER": "per"}, {"LOWER": {"IN": ["seat", "user"]}}],)
    assert (competitors.side, competitors.description, competitors.line) == ("buyer", "who else they look at", 8)


def test_trackers_jsonl(tmp_path):
    s = load_trackers(write(tmp_path, "t.jsonl", JSONL))
    assert s.names == ("pricing", "next_steps")
    assert [(t.side, t.line) for t in s.trackers] == [("any", 1), ("seller", 3)]


@pytest.mark.parametrize("name,text", [("trackers.txt", JSONL), ("trackers", TOML)], ids=["json-lines", "toml"])
def test_trackers_format_by_content_without_extension(tmp_path, name, text):
    assert len(load_trackers(write(tmp_path, name, text))) == 2


def test_trackers_phrases_deduplicated_ignoring_case(tmp_path):
    s = load_trackers(write(tmp_path, "t.jsonl", '{"name": "p", "phrases": ["Price", "price", "  list   price "]}\n'))
    assert s.trackers[0].phrases == ("Price", "list price")


def test_trackers_default_set():
    s = default_trackers()
    assert s.names == ("pricing", "competitors", "next_steps", "budget", "timeline", "decision_process", "security_legal")
    assert all(t.phrases and t.side == "any" for t in s.trackers)
    assert resolve_trackers("default") is s and resolve_trackers(None) is s


def test_trackers_none():
    assert resolve_trackers("none") is NO_TRACKERS and len(NO_TRACKERS) == 0


def test_trackers_fingerprint_is_about_content(tmp_path):
    a = load_trackers(write(tmp_path, "a.jsonl", JSONL))
    b = TrackerSet(a.trackers, source="elsewhere")
    assert a.fingerprint() == b.fingerprint() != default_trackers().fingerprint()


@pytest.mark.parametrize(
    "name,text,code,line",
    [
        ("t.jsonl", '{"name": "ok", "phrases": ["a"]}\n{"name": "x", "phrases": ["a"],\n', "E341", 2),
        ("t.toml", '[[tracker]]\nname = "x"\nphrases = ["a"\n', "E341", 3),
        ("t.jsonl", '{"name": "Next steps", "phrases": ["a"]}\n', "E342", 1),
        ("t.jsonl", '{"name": "a", "phrases": ["x"]}\n{"name": "a", "phrases": ["y"]}\n', "E342", 2),
        ("t.toml", '[[tracker]]\nname = "a"\nphrases = ["x"]\n\n[[tracker]]\nname = "b"\nside = "rep"\nphrases = ["y"]\n', "E343", 5),
        ("t.jsonl", '{"name": "a", "phrases": "price"}\n', "E344", 1),
        ("t.jsonl", '{"name": "a", "phrases": ["ok", ""]}\n', "E344", 1),
        ("t.jsonl", '{"name": "a", "phrases": ["bell\\u0007"]}\n', "E344", 1),
        ("t.jsonl", '{"name": "a", "patterns": [[{"LOWERX": "per"}]]}\n', "E345", 1),
        ("t.jsonl", '{"name": "a", "patterns": [[]]}\n', "E345", 1),
        ("t.toml", '[[tracker]]\nname = "a"\npatterns = [[{LOWER = {REGEX = "("}}]]\n', "E345", 1),
        ("t.jsonl", '{"name": "a", "phrase": ["x"]}\n', "E346", 1),
        ("t.jsonl", '["pricing"]\n', "E346", 1),
        ("t.toml", '[tracker]\nname = "a"\nphrases = ["x"]\n', "E346", None),
        ("t.toml", '[pricing]\nphrases = ["x"]\n', "E346", None),
        ("t.jsonl", '{"name": "a"}\n', "E347", 1),
    ],
    ids=[
        "bad-json", "bad-toml", "bad-name", "duplicate", "bad-side", "phrases-not-a-list", "empty-phrase",
        "control-character", "bad-pattern", "empty-pattern", "bad-regex", "unknown-key", "not-an-object", "table-not-array",
        "not-a-tracker-table", "nothing-to-match",
    ],
)
def test_trackers_bad_file_coded_error_names_line(tmp_path, name, text, code, line):
    path = write(tmp_path, name, text)
    where = f"{path}, line {line}" if line else str(path)
    with pytest.raises(ConfigError, match=rf"\[{code}\] {__import__('re').escape(where)}"):
        load_trackers(path)


def test_trackers_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="E340.*cannot read"):
        load_trackers(tmp_path / "nope.toml")


def test_trackers_not_utf8(tmp_path):
    path = tmp_path / "t.toml"
    path.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ConfigError, match="E340.*UTF-8"):
        load_trackers(path)


def test_trackers_too_many(tmp_path):
    text = "".join(f'{{"name": "t{i}", "phrases": ["w{i}"]}}\n' for i in range(1001))
    with pytest.raises(ConfigError, match="E348.*line 1001"):
        load_trackers(write(tmp_path, "t.jsonl", text))
