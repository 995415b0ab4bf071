"""`callcoach train` and `callcoach evaluate --model` through click's CliRunner."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import EXIT_INPUT_ERROR, EXIT_OK, main

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("train")
    labels = tmp / "labels.csv"
    with open(labels, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "label", "confidence"])
        for gold in sorted(SAMPLES.glob("*.gold.json")):
            g = json.loads(gold.read_text(encoding="utf-8"))
            w.writerow([os.path.relpath(SAMPLES / g["file"], tmp), g["label"], g["label_confidence"]])
    out = tmp / "m.skops"
    result = CliRunner().invoke(main, ["train", str(labels), "--out", str(out), "--json", "--seed", "1"])
    return result, out, labels


def test_cli_train_writes_model_and_card(trained):
    result, out, _ = trained
    assert result.exit_code == EXIT_OK, result.stderr
    data = json.loads(result.stdout)
    assert data["calls"] == 33
    assert {c["name"] for c in data["candidates"]} >= {"logistic_regression", "directional_logistic_regression"}
    assert data["chosen"] in {c["name"] for c in data["candidates"]}
    for c in data["candidates"]:
        assert 0.0 <= c["roc_auc"] <= 1.0 and 0.0 <= c["brier"] <= 1.0
    assert out.is_file() and out.with_suffix(".md").is_file()
    card = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "## Cross-validated figures" in card and "seller_talk_share" in card


def test_cli_evaluate_with_trained_model_reports_labels(trained):
    _, out, _ = trained
    result = CliRunner().invoke(main, ["evaluate", str(SAMPLES), "--model", str(out), "--json"])
    assert result.exit_code == EXIT_OK, result.stderr
    labels = json.loads(result.stdout)["labels"]
    assert labels["calls"] >= 30  # calls with only one side speaking are not scored
    assert 0.0 <= labels["accuracy"] <= 1.0 and labels["roc_auc"] is not None and labels["brier"] is not None
    # the model was trained on these very calls, and the evaluation says so
    assert labels["calls_in_training_data"] == labels["calls"]


def test_cli_feedback_uses_given_model(trained):
    _, out, _ = trained
    result = CliRunner().invoke(main, ["feedback", str(SAMPLES / "06-farm-solar-intro.vtt"), "--model", str(out), "--json"])
    assert result.exit_code == EXIT_OK, result.stderr
    d = json.loads(result.stdout)
    assert 0.0 <= d["score"] <= 100.0 and d["label"] in ("buyer_centric", "seller_centric")


def test_cli_train_bad_labels_file(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("file,label\nnope.txt,buyer_centric\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["train", str(bad), "--out", str(tmp_path / "m.skops")])
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "[E515]" in result.stderr and "labels.csv, line 2" in result.stderr


def test_cli_feedback_refuses_tampered_model(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    bad = tmp_path / "bad.skops"
    sio.dump({"format": "callcoach-model", "model": FunctionTransformer(func=os.system)}, bad)
    result = CliRunner().invoke(main, ["feedback", str(SAMPLES / "06-farm-solar-intro.vtt"), "--model", str(bad)])
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "[E504]" in result.stderr and "refused" in result.stderr


@pytest.mark.parametrize(
    "rows, code",
    [
        ([("01-payroll-dental-discovery.txt", "buyer_centric", "g1"), ("02-commercial-insurance-renewal.txt", "seller_centric", "g1"),
          ("05-freight-brokerage-demo.vtt", "buyer_centric", "g1"), ("07-hr-analytics-demo.vtt", "seller_centric", "g1")], "E519"),
        ([("01-payroll-dental-discovery.txt", "buyer_centric", "g1"), ("05-freight-brokerage-demo.vtt", "buyer_centric", "g1"),
          ("02-commercial-insurance-renewal.txt", "seller_centric", "g2"), ("07-hr-analytics-demo.vtt", "seller_centric", "g2")], "E520"),
        ([("01-payroll-dental-discovery.txt", "buyer_centric", ""), ("02-commercial-insurance-renewal.txt", "seller_centric", "")], "E518"),
    ],
    ids=["one-group", "one-label-per-group", "too-few"],
)
def test_cli_train_refuses_unusable_groups(tmp_path, rows, code):
    labels = tmp_path / "labels.csv"
    with open(labels, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "label", "group"])
        for name, label, group in rows:
            w.writerow([os.path.relpath(SAMPLES / name, tmp_path), label, group])
    result = CliRunner().invoke(main, ["train", str(labels), "--out", str(tmp_path / "m.skops")])
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert f"[{code}] {labels}" in result.stderr
