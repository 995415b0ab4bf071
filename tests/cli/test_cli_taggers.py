"""`callcoach train-taggers` and `callcoach evaluate --taggers/--asr/--cv` through click's CliRunner."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import EXIT_INPUT_ERROR, EXIT_OK, main
from analyzer.nlp.learned import load_models

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def gold_folder(tmp_path_factory):
    """A few calls by each of three writers (the folder name stands for the writer)."""
    root = tmp_path_factory.mktemp("gold")
    picks = {"samples": ["01-*", "04-*", "07-*"], "train": ["ta-001.*", "tb-004.*", "td-001.*", "td-004.*"]}
    for folder, globs in picks.items():
        for pattern in globs:
            for f in (DATA / folder).glob(pattern):
                shutil.copy(f, root / f.name)
    return root


@pytest.fixture(scope="module")
def trained(gold_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "taggers"
    result = CliRunner().invoke(main, ["train-taggers", str(gold_folder), "--out", str(out), "--no-cv", "--json"])
    return result, out


def test_cli_train_taggers_writes_every_model_with_a_card(trained):
    result, out = trained
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads(result.stdout)
    assert set(data["models"]) == {
        "pitch_invite", "buyer_question", "question_open", "if_then_close", "segment_start", "segment_question", "speaker_role",
    }
    assert 0 < data["models"]["question_open"]["positives"] < data["models"]["question_open"]["candidates"]
    assert data["models"]["speaker_role"]["positives"] > 0
    assert data["models"]["buyer_question"]["positives"] > 0
    assert (out / "CARD.md").read_text(encoding="utf-8").startswith("# Tagger models")
    assert set(load_models(out)) == set(data["models"])


def test_cli_train_taggers_is_deterministic(trained, gold_folder, tmp_path):
    _, out = trained
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["train-taggers", str(gold_folder), "--out", str(again), "--no-cv"])
    assert result.exit_code == EXIT_OK, result.output
    first, second = load_models(out), load_models(again)
    for name, model in first.items():
        assert model.weights == second[name].weights and model.intercept == second[name].intercept


def test_cli_train_taggers_without_gold_is_an_input_error(tmp_path):
    result = CliRunner().invoke(main, ["train-taggers", str(tmp_path)])
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "no *.gold.json" in result.stderr


def test_cli_evaluate_with_trained_taggers_and_rules_only(trained, gold_folder):
    _, out = trained
    for taggers in (str(out), "none"):
        result = CliRunner().invoke(main, ["evaluate", str(gold_folder), "--no-model", "--json", "--taggers", taggers])
        assert result.exit_code == EXIT_OK, result.output
        data = json.loads(result.stdout)
        assert data["calls"] == 7 and data["tags"]["buyer_question"]["tp"] > 0


def test_cli_feedback_and_score_take_trained_taggers(trained, tmp_path):
    """The folder train-taggers writes is used by feedback and score as by evaluate:
    the same tags from each, and a row like the one of the analyzer built on it."""
    from analyzer import Analyzer

    _, out = trained
    call = DATA / "samples" / "01-payroll-dental-discovery.txt"
    expected = Analyzer(model=None, taggers=str(out)).analyze_file(call).to_dict()
    result = CliRunner().invoke(main, ["feedback", str(call), "--no-model", "--json", "--taggers", str(out)])
    assert result.exit_code == EXIT_OK, result.output
    assert json.loads(result.stdout)["tags"] == expected["tags"]
    rows = tmp_path / "rows.jsonl"
    result = CliRunner().invoke(main, ["score", str(call), "-o", str(rows), "--no-model", "-q", "--engine", "sequential", "--taggers", str(out)])
    assert result.exit_code == EXIT_OK, result.output
    row = json.loads(rows.read_text(encoding="utf-8").splitlines()[0])
    assert row["buyer_questions"] == expected["metrics"]["buyer_questions"]


@pytest.mark.parametrize("command", ["feedback", "score", "evaluate"])
def test_cli_taggers_folder_without_models_is_an_input_error(command, tmp_path):
    """A --taggers folder with no model in it is refused (E320), not taken for the phrase rules."""
    empty = tmp_path / "empty"
    empty.mkdir()
    call = DATA / "samples" / "01-payroll-dental-discovery.txt"
    args = {"feedback": [str(call)], "score": [str(call), "-o", str(tmp_path / "o.csv")], "evaluate": [str(DATA / "samples")]}
    result = CliRunner().invoke(main, [command, *args[command], "--no-model", "--taggers", str(empty)])
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert "[E320]" in result.stderr and "found none" in result.stderr


def test_cli_evaluate_cv_with_too_few_calls_is_an_input_error(tmp_path):
    """A fold whose training calls give a model only one class says so (E408), as an input error."""
    for pattern in ("32-*", "07-*"):
        for f in (DATA / "samples").glob(pattern):
            shutil.copy(f, tmp_path / f.name)
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path), "--cv", "--no-model"])
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert "[E408]" in result.stderr and "more gold calls are needed" in result.stderr


def test_cli_evaluate_asr_prints_punctuated_beside_unpunctuated(gold_folder):
    result = CliRunner().invoke(main, ["evaluate", str(gold_folder), "--no-model", "--asr", "--json"])
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"punctuated", "unpunctuated"}
    gold = data["punctuated"]["tags"]["buyer_question"]
    plain = data["unpunctuated"]["tags"]["buyer_question"]
    assert gold["tp"] + gold["fn"] == plain["tp"] + plain["fn"]  # the same gold questions, found in the rewrite


@pytest.mark.slow
def test_cli_evaluate_cv_holds_out_writers(gold_folder):
    result = CliRunner().invoke(main, ["evaluate", str(gold_folder), "--cv", "--json"])
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads(result.stdout)
    assert {"rules", "learned", "writers", "per_writer"} <= set(data)
    assert data["rules"]["calls"] == data["learned"]["calls"] == 7


@pytest.mark.slow
def test_cli_evaluate_cv_folds_hold_out_groups_of_writers(gold_folder):
    result = CliRunner().invoke(main, ["evaluate", str(gold_folder), "--cv", "--folds", "2", "--json"])
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads(result.stdout)
    assert len(data["folds"]) == 2 and sorted(w for g in data["folds"] for w in g) == sorted(data["writers"])
    assert data["learned"]["calls"] == 7


def test_cli_evaluate_folds_must_be_at_least_two(gold_folder):
    result = CliRunner().invoke(main, ["evaluate", str(gold_folder), "--cv", "--folds", "1"])
    assert result.exit_code != EXIT_OK
    assert "--folds" in result.output
