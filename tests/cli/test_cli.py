"""The ``callcoach`` command, through click's CliRunner (and one real subprocess)."""
from __future__ import annotations

import json
import subprocess
import sys

from analyzer.cli import EXIT_FINDINGS, EXIT_INPUT_ERROR, main
from analyzer.nlp.extensions import TAG_NAMES
from helpers import ROOT, SAMPLES, invoke

SAMPLE = SAMPLES / "01-payroll-dental-discovery.txt"
TOP_KEYS = {
    "schema_version", "file", "format", "duration_seconds", "timed", "score", "label",
    "speakers", "metrics", "tags", "feedback",
}
SPEC_METRICS = {
    "seller_talk_share", "longest_seller_monologue_seconds", "longest_seller_monologue_words",
    "longest_buyer_story_seconds", "longest_buyer_story_words", "interactivity", "buyer_questions",
    "open_buyer_questions", "buyer_questions_per_10_minutes", "pitch_invites", "pitch_dumps",
    "pitch_pivots", "if_then_closes",
}


def _no_model_flag():
    """``--no-model`` when the command has it, so the score line does not depend on a shipped model."""
    names = {opt for p in main.commands["feedback"].params for opt in p.opts}
    return ["--no-model"] if "--no-model" in names else []


def test_cli_feedback_json_shape(runner):
    result = invoke(runner, "feedback", SAMPLE, "--json")
    data = json.loads(result.stdout)
    assert TOP_KEYS <= set(data)
    assert data["schema_version"] == 1
    assert (data["file"], data["format"], data["timed"], data["duration_seconds"]) == (str(SAMPLE), "txt", False, None)
    assert SPEC_METRICS <= set(data["metrics"])
    assert {s["name"] for s in data["speakers"]} == {"Priya Nair", "Tammy Boyd"}
    assert {t["tag"] for t in data["tags"]} <= set(TAG_NAMES)
    assert data["metrics"]["buyer_questions"] == sum(t["tag"] == "buyer_question" for t in data["tags"]) > 0


def test_cli_feedback_json_stdout_only_result(runner):
    result = invoke(runner, "feedback", SAMPLE, "--json")
    assert result.stderr == ""
    assert result.stdout.lstrip().startswith("{")


def test_cli_feedback_seller_given(runner):
    result = invoke(runner, "feedback", SAMPLE, "--json", "--seller", "priya nair")
    speakers = {s["name"]: (s["role"], s["role_source"]) for s in json.loads(result.stdout)["speakers"]}
    assert speakers == {"Priya Nair": ("seller", "given"), "Tammy Boyd": ("buyer", "inferred")}


def test_cli_feedback_roles_file(runner, tmp_path):
    roles = tmp_path / "roles.csv"
    roles.write_text("speaker,role\nPriya Nair,buyer\nTammy Boyd,seller\n", encoding="utf-8")
    result = invoke(runner, "feedback", SAMPLE, "--json", "--roles", roles)
    speakers = {s["name"]: s["role"] for s in json.loads(result.stdout)["speakers"]}
    assert speakers == {"Priya Nair": "buyer", "Tammy Boyd": "seller"}


def test_cli_feedback_human_report(runner):
    result = invoke(runner, "feedback", SAMPLE, "--seller", "Priya Nair", *_no_model_flag())
    out = result.stdout
    assert "callcoach - " in out and "01-payroll-dental-discovery.txt" in out
    assert "Score: none - no model is loaded" in out
    assert "Priya Nair" in out and "seller" in out
    assert "buyer question" in out


def test_cli_feedback_config_override(runner, tmp_path):
    config = tmp_path / "strict.cfg"
    config.write_text("[thresholds]\nseller_talk_share_max = 0.1\n", encoding="utf-8")
    result = invoke(runner, "feedback", SAMPLE, "--json", "--config", config)
    assert "CC101" in [f["code"] for f in json.loads(result.stdout)["feedback"]]


def test_cli_feedback_fail_on(runner, tmp_path):
    config = tmp_path / "strict.cfg"
    config.write_text("[thresholds]\nseller_talk_share_max = 0.1\n", encoding="utf-8")
    invoke(runner, "feedback", SAMPLE, "--json", "--config", config, "--fail-on", "warning", code=EXIT_FINDINGS)


def test_cli_feedback_malformed_transcript(runner, tmp_path):
    bad = tmp_path / "call.txt"
    bad.write_text("hello, nobody said this\nDana: Hi there.\n", encoding="utf-8")
    result = invoke(runner, "feedback", bad, code=EXIT_INPUT_ERROR)
    assert result.stdout == ""
    assert f"[E130] {bad}, line 1: expected a `Name: text` line" in result.stderr


def test_cli_feedback_missing_file(runner, tmp_path):
    result = invoke(runner, "feedback", tmp_path / "absent.vtt", code=EXIT_INPUT_ERROR)
    assert "absent.vtt" in result.stderr


def test_cli_feedback_unknown_seller(runner):
    result = invoke(runner, "feedback", SAMPLE, "--seller", "Dana Reyes", code=EXIT_INPUT_ERROR)
    assert "'Dana Reyes' is not a speaker in this call" in result.stderr
    assert "'Priya Nair', 'Tammy Boyd'" in result.stderr


def test_cli_feedback_bad_config(runner, tmp_path):
    config = tmp_path / "bad.cfg"
    config.write_text("[thresholds]\npitch_words = 3\n", encoding="utf-8")
    result = invoke(runner, "feedback", SAMPLE, "--config", config, code=EXIT_INPUT_ERROR)
    assert "[E301] unknown threshold 'pitch_words'" in result.stderr


def test_cli_feedback_bad_option_is_usage_error(runner):
    result = invoke(runner, "feedback", SAMPLE, "--format", "docx", code=2)
    assert "Invalid value for '--format'" in result.stderr


def test_cli_evaluate_json(runner):
    result = invoke(runner, "evaluate", SAMPLES, "--json")
    data = json.loads(result.stdout)
    assert data["errors"] == []
    assert data["calls"] == len(list(SAMPLES.glob("*.gold.json")))
    assert set(data["tags"]) == set(TAG_NAMES)
    for tag, figures in data["tags"].items():
        assert {"precision", "recall", "f1"} <= set(figures)
        assert figures["f1"] >= 0.85, tag


def test_cli_evaluate_table(runner):
    result = invoke(runner, "evaluate", SAMPLES)
    assert "buyer_question" in result.stdout
    assert "role inference accuracy" in result.stdout


def test_cli_evaluate_broken_gold(runner, tmp_path):
    (tmp_path / "call.txt").write_text("Dana: How do you run payroll?\nSam: By hand.\n", encoding="utf-8")
    gold = {"file": "call.txt", "roles": {"Dana": "seller", "Sam": "buyer"},
            "tags": [{"tag": "buyer_question", "speaker": "Dana", "quote": "Never said.", "open": True}]}
    (tmp_path / "call.txt.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    result = invoke(runner, "evaluate", tmp_path, "--json", code=EXIT_FINDINGS)
    assert json.loads(result.stdout)["calls"] == 0
    assert "[E406]" in result.stderr


def test_cli_evaluate_no_gold(runner, tmp_path):
    result = invoke(runner, "evaluate", tmp_path, code=EXIT_INPUT_ERROR)
    assert "no *.gold.json files found" in result.stderr


def test_cli_help_lists_commands(runner):
    result = invoke(runner, "--help")
    assert "feedback" in result.stdout and "evaluate" in result.stdout


def test_cli_python_m_analyzer_help():
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: ")
    assert "feedback" in proc.stdout and "evaluate" in proc.stdout


def test_cli_output_that_cannot_be_written_is_no_bug(runner, monkeypatch):
    """A full disk while the result is written is said in one line, as an input error, not as a bug."""
    import errno

    from analyzer.result import AnalysisResult

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AnalysisResult, "to_dict", full)
    result = runner.invoke(main, ["feedback", str(SAMPLES / "32-pilot-checkin-short.txt"), "--json", "--no-model"])
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert result.stderr.strip() == "callcoach: error: cannot go on: No space left on device"


def test_cli_interrupted_command_exits_130(runner, monkeypatch):
    from analyzer.analysis import Analyzer

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Analyzer, "analyze_transcript", interrupted)
    result = runner.invoke(main, ["feedback", str(SAMPLES / "32-pilot-checkin-short.txt"), "--no-model"])
    assert result.exit_code == 130 and "interrupted" in result.stderr
