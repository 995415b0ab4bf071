"""``--trackers`` on ``feedback``: the user's trackers in the JSON and the terminal report, and a bad file's coded error."""
from __future__ import annotations

import json

import pytest

from analyzer.cli import EXIT_INPUT_ERROR
from helpers import SAMPLES, invoke

SAMPLE = SAMPLES / "07-hr-analytics-demo.vtt"
SELLERS = ["--seller", "Jordan Blake", "--seller", "Kim Nguyen", "--no-model"]


@pytest.fixture
def trackers_file(tmp_path):
    path = tmp_path / "ours.toml"
    path.write_text(
        '[[tracker]]\nname = "integrations"\nphrases = ["Workday", "Kronos"]\n\n'
        '[[tracker]]\nname = "security"\nside = "buyer"\nphrases = ["SOC 2", "security"]\n',
        encoding="utf-8",
    )
    return path


def test_cli_trackers_json(runner, trackers_file):
    data = json.loads(invoke(runner, "feedback", SAMPLE, "--json", "--trackers", trackers_file, *SELLERS).stdout)
    found = {t["name"]: t for t in data["trackers"]}
    assert list(found) == ["integrations", "security"]
    assert found["security"]["seller"] == 0 and found["security"]["buyer"] > 0
    assert found["integrations"]["first_mention"]["start"] is not None
    assert all(m["text"].lower() in ("workday", "kronos") for m in found["integrations"]["mentions"])


def test_cli_trackers_default_and_none(runner):
    default = json.loads(invoke(runner, "feedback", SAMPLE, "--json", *SELLERS).stdout)
    assert [t["name"] for t in default["trackers"]][:2] == ["pricing", "competitors"]
    none = json.loads(invoke(runner, "feedback", SAMPLE, "--json", "--trackers", "none", *SELLERS).stdout)
    assert none["trackers"] == []


def test_cli_trackers_terminal_block(runner, trackers_file):
    out = invoke(runner, "feedback", SAMPLE, "--trackers", trackers_file, *SELLERS).stdout
    assert "Trackers (2 of 2 mentioned)" in out
    assert "  integrations" in out and "first at" in out
    for line in ("buyer's own questions", "seller patience", "interruptions", "pace", "seller filler words"):
        assert line in out


def test_cli_trackers_bad_file(runner, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[tracker]]\nname = "a"\nphrases = ["x"]\n\n[[tracker]]\nname = "b"\nside = "rep"\nphrases = ["y"]\n', encoding="utf-8")
    result = invoke(runner, "feedback", SAMPLE, "--trackers", path, *SELLERS, code=EXIT_INPUT_ERROR)
    assert f"[E343] {path}, line 5" in result.stderr
    assert result.stdout == ""


def test_cli_trackers_untimed_call_leaves_pause_measures_out(runner):
    out = invoke(runner, "feedback", SAMPLES / "01-payroll-dental-discovery.txt", "--no-model").stdout
    assert "buyer's own questions" in out and "seller filler words" in out
    assert "seller patience" not in out and "pace" not in out
