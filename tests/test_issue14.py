"""Regression tests of issue 14, "the first hour of a real user": one section per finding.

Each test names the finding it covers (``test_issue14_<n>_<behaviour>``);
each failed before the change that it comes with.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, EXIT_OK, main
from helpers import ROOT, SAMPLES


def _labels_file(folder: Path, n_per_label: int) -> Path:
    """A labels file of the samples: ``n_per_label`` calls of each label, each its own group."""
    chosen: dict[str, list[str]] = {"buyer_centric": [], "seller_centric": []}
    for gold in sorted(SAMPLES.glob("*.gold.json")):
        g = json.loads(gold.read_text(encoding="utf-8"))
        if len(chosen[g["label"]]) < n_per_label:
            chosen[g["label"]].append(g["file"])
    path = folder / "labels.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "label"])
        for label, files in chosen.items():
            for f in files:
                w.writerow([os.path.relpath(SAMPLES / f, folder), label])
    return path


# -- 5. train on a small labels file -------------------------------------------------------


def test_issue14_5_train_refuses_too_few_calls_with_the_minimum(tmp_path):
    labels = _labels_file(tmp_path, 4)
    result = CliRunner().invoke(main, ["train", str(labels), "--out", str(tmp_path / "m.skops")])
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert "[E518]" in result.stderr and "at least 5 calls of each label" in result.stderr
    assert "Traceback" not in result.output


def test_issue14_5_train_adapts_its_folds_to_a_small_file(tmp_path):
    labels = _labels_file(tmp_path, 6)
    result = CliRunner().invoke(main, ["train", str(labels), "--out", str(tmp_path / "m.skops"), "--json"])
    assert result.exit_code == EXIT_OK, result.output
    assert json.loads(result.stdout)["calls"] == 12


def test_issue14_5_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch):
    import analyzer.classifier.training as training

    def broken(*args, **kwargs):
        raise ValueError("a bug deep inside")

    monkeypatch.setattr(training, "train", broken)
    labels = _labels_file(tmp_path, 5)
    args = ["train", str(labels), "--out", str(tmp_path / "m.skops")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_INTERNAL_ERROR, result.output
    assert "Traceback" not in result.stderr and "a bug deep inside" in result.stderr
    assert "--debug" in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    debug = CliRunner().invoke(main, args + ["--debug"])
    assert debug.exit_code == EXIT_INTERNAL_ERROR and "Traceback" in debug.stderr
    before = CliRunner().invoke(main, ["--debug"] + args)
    assert before.exit_code == EXIT_INTERNAL_ERROR and "Traceback" in before.stderr
