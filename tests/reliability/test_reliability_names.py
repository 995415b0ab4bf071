"""File names a file system allows but that are not text: every output names them, and --resume gets past them."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer.cli import EXIT_FINDINGS, EXIT_OK, main
from analyzer.display import shown_path, shown_name

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
BAD_NAME = b"bad\xff\xfe.txt"
CALL = "Dana: Hi Sam, thanks for making the time today.\nSam: Sure, glad to. What do you have for us?\n"


def _bad_folder(root: Path) -> Path:
    folder = root / "calls"
    folder.mkdir()
    shutil.copy(SAMPLES / "06-farm-solar-intro.vtt", folder / "06-farm-solar-intro.vtt")
    try:
        with open(os.path.join(os.fsencode(folder), BAD_NAME), "wb") as fh:
            fh.write(CALL.encode("utf-8"))
        with open(os.path.join(os.fsencode(folder), b"ctl\x1b[31m.txt"), "wb") as fh:
            fh.write(b"\x00\x01binary")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    return folder


def _rows(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False).to_dict("records")
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_dict("records")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    "name,expected",
    [
        (b"calls/bad\xff\xfe.txt", "calls/bad\\xff\\xfe.txt"),
        ("José Núñez.vtt", "José Núñez.vtt"),
        ("a\\b.txt", "a\\\\b.txt"),
        ("ctl\x1b[31m.txt", "ctl\\x1b[31m.txt"),
        ("rlo\u202etxt.exe", "rlo\\u202etxt.exe"),
        ("c1\x85.txt", "c1\\u0085.txt"),
    ],
)
def test_reliability_names_shown_path(name, expected):
    assert shown_path(name) == expected
    assert shown_path(os.fsdecode(name) if isinstance(name, bytes) else name).encode("utf-8")


def test_reliability_names_shown_path_is_one_to_one():
    names = [b"a\xff", b"a\\xff", b"a\\\\xff", "a\x7f".encode(), "a\u007f\\".encode(), b"a\xc2\x85", b"a\x85"]
    shown = [shown_path(n) for n in names]
    assert len(set(shown)) == len(names)


def test_reliability_names_speaker_controls_made_visible():
    assert shown_name("Dana\u202e Reyes\u200b") == "Dana<U+202E> Reyes<U+200B>"
    assert shown_name("王伟 (Ops)") == "王伟 (Ops)"


@pytest.mark.parametrize("ext", [".csv", ".jsonl", ".parquet"])
def test_reliability_names_not_utf8_scored_in_every_format_and_resumed(tmp_path, ext):
    folder = _bad_folder(tmp_path)
    out = tmp_path / f"scores{ext}"
    runner = CliRunner()
    first = runner.invoke(main, ["score", str(folder), "-o", str(out), "--workers", "1", "-q", "--no-model"])
    assert first.exit_code == EXIT_FINDINGS, first.output  # the binary file is an error row
    rows = _rows(out)
    by_path = {os.path.basename(r["path"]): r for r in rows}
    assert set(by_path) == {"06-farm-solar-intro.vtt", "bad\\xff\\xfe.txt", "ctl\\x1b[31m.txt"}
    assert by_path["bad\\xff\\xfe.txt"]["status"] == "ok"
    assert by_path["ctl\\x1b[31m.txt"]["status"] == "error"
    assert "\x1b" not in first.stderr  # no escape sequence reaches the terminal

    again = runner.invoke(main, ["score", str(folder), "-o", str(out), "--workers", "1", "--resume", "--no-model"])
    assert again.exit_code == EXIT_FINDINGS, again.output
    assert "3 already in the output" in again.stdout  # every call, the bad name among them
    assert [r["path"] for r in _rows(out)] == [r["path"] for r in rows]


def test_reliability_names_html_and_reports_for_a_name_that_is_not_utf8(tmp_path):
    folder = _bad_folder(tmp_path)
    out = tmp_path / "scores.jsonl"
    result = CliRunner().invoke(
        main,
        ["score", str(folder), "-o", str(out), "--workers", "1", "-q", "--no-model",
         "--html", str(tmp_path / "dash.html"), "--reports", str(tmp_path / "reports")],
    )  # fmt: skip
    assert result.exit_code == EXIT_FINDINGS, result.output
    assert "bad\\xff\\xfe.txt" in (tmp_path / "dash.html").read_text(encoding="utf-8")
    assert len(list((tmp_path / "reports").glob("*.html"))) == 2


def test_reliability_names_feedback_html_for_a_name_that_is_not_utf8(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), BAD_NAME)
    try:
        with open(path, "wb") as fh:
            fh.write(CALL.encode("utf-8"))
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    page = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["feedback", os.fsdecode(path), "--no-model", "--html", str(page)])
    assert result.exit_code == EXIT_OK, result.output
    assert "bad\\xff\\xfe.txt" in result.stdout
    assert "bad\\xff\\xfe.txt" in page.read_text(encoding="utf-8")
