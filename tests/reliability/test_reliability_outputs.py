"""Outputs aimed at inputs, at the scanned folder, at folders that cannot be written: refused before any work, nothing written."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import batch
from analyzer.cli import EXIT_INPUT_ERROR, EXIT_OK, main
from analyzer.errors import OutputError

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
CALLS = ("06-farm-solar-intro.vtt", "16-fleet-telematics-discovery.csv", "01-payroll-dental-discovery.txt")


@pytest.fixture
def work(tmp_path, monkeypatch):
    folder = tmp_path / "calls"
    folder.mkdir()
    for name in CALLS:
        shutil.copy(SAMPLES / name, folder / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _score(*args: str):
    return CliRunner().invoke(main, ["score", *args, "--workers", "1", "-q", "--no-model"])


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (root ignores permissions, so /sys then)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):
        try:
            fd, probe = tempfile.mkstemp(dir=candidate)
        except OSError:
            return candidate
        os.close(fd)
        os.unlink(probe)
    pytest.skip("no folder here refuses writes to this user")


@pytest.mark.parametrize(
    "args,code",
    [
        (["calls", "-o", "calls/16-fleet-telematics-discovery.csv"], "E612"),
        (["calls", "-o", "out.csv", "--summary", "calls/16-fleet-telematics-discovery.csv"], "E612"),
        (["calls", "-o", "out.jsonl", "--html", "calls/01-payroll-dental-discovery.txt"], "E612"),
        (["calls", "-o", "out.jsonl", "--tags", "calls/16-fleet-telematics-discovery.csv"], "E612"),
        (["calls/06-farm-solar-intro.vtt", "-o", "out.csv", "--html", "calls/06-farm-solar-intro.vtt"], "E612"),
        (["calls", "-o", "calls/scores.csv"], "E613"),
        (["calls", "-o", "calls/deep/../scores.json.csv"], "E613"),
        (["calls", "-o", "out.csv", "--reports", "calls/reports", "--glob", "*"], "E613"),
        (["calls", "-o", "out.csv", "--summary", "out.csv"], "E615"),
        (["calls", "-o", "out.csv", "--reports", "out.csv"], "E615"),
        (["calls", "-o", "out.csv", "--html", "d.html", "--reports", "d.html"], "E615"),
        (["calls", "-o", "nowhere/out.csv"], "E610"),
        (["calls", "-o", "out.csv", "--html", "nowhere/d.html"], "E610"),
    ],
    ids=[
        "o-is-an-input", "summary-is-an-input", "html-is-an-input", "tags-is-an-input", "html-is-the-named-file", "o-inside-the-scan",
        "o-inside-the-scan-dotted", "reports-inside-the-scan", "two-outputs-one-file",
        "reports-is-the-output", "reports-is-the-dashboard", "no-folder", "html-no-folder",
    ],
)
def test_reliability_outputs_refused_before_any_work(work, args, code):
    (work / "calls" / "deep").mkdir()
    before = _digest(work / "calls")
    result = _score(*args)
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert f"[{code}]" in result.stderr
    assert _digest(work / "calls") == before  # no input touched
    assert sorted(p.name for p in work.iterdir()) == ["calls"]  # nothing written
    assert not list((work / "calls").glob(".*"))  # no journal, no lock


def test_reliability_outputs_inside_the_scan_allowed_when_left_out(work):
    result = _score("calls", "-o", "calls/scores.csv", "--exclude", "scores.csv")
    assert result.exit_code == EXIT_OK, result.output
    again = _score("calls", "-o", "calls/scores.csv", "--exclude", "scores.csv")
    assert again.exit_code == EXIT_OK, again.output
    assert "scores.csv" not in (work / "calls" / "scores.csv").read_text(encoding="utf-8")


def test_reliability_outputs_symlink_to_an_input_refused_and_kept(work):
    link = work / "out.csv"
    link.symlink_to(work / "calls" / "16-fleet-telematics-discovery.csv")
    before = _digest(work / "calls")
    result = _score("calls", "-o", "out.csv")
    assert result.exit_code == EXIT_INPUT_ERROR and "[E612]" in result.stderr
    assert link.is_symlink() and _digest(work / "calls") == before


def test_reliability_outputs_unwritable_folder_refused_before_scoring(work):
    folder = _unwritable_folder(work)
    for option in ("--summary", "--html"):
        name = "s.csv" if option == "--summary" else "d.html"
        result = _score("calls", "-o", "out.csv", option, str(folder / name))
        assert result.exit_code == EXIT_INPUT_ERROR, result.output
        assert "[E611]" in result.stderr and "cannot write in the folder" in result.stderr
        assert not (work / "out.csv").exists() and not (work / ".out.csv.partial.jsonl").exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_reliability_outputs_that_are_not_files_refused(work, kind):
    target = work / "out.csv"
    os.mkfifo(target) if kind == "fifo" else None
    if kind == "folder":
        result = _score("calls", "-o", "out.csv", "--html", str(work / "calls"))
    else:
        result = _score("calls", "-o", "out.csv")
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert "[E614]" in result.stderr or "is a directory" in result.stderr


@pytest.mark.parametrize("html", ["X.txt", "link.html"])
def test_reliability_outputs_feedback_html_onto_its_own_call_refused(work, html):
    call = work / "X.txt"
    shutil.copy(SAMPLES / "01-payroll-dental-discovery.txt", call)
    if html == "link.html":
        (work / html).symlink_to(call)
    before = call.read_bytes()
    result = CliRunner().invoke(main, ["feedback", "X.txt", "--no-model", "--html", html])
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert "[E612]" in result.stderr
    assert call.read_bytes() == before


def test_reliability_outputs_library_refuses_an_input_as_output(tmp_path):
    call = tmp_path / "call.csv"
    shutil.copy(SAMPLES / "16-fleet-telematics-discovery.csv", call)
    with pytest.raises(OutputError, match=r"\[E612\]"):
        batch.score_to_file([str(call)], call)
    assert call.read_bytes() == (SAMPLES / "16-fleet-telematics-discovery.csv").read_bytes()
