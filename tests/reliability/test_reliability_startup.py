"""A refused call costs no pipeline: every check that can refuse a call runs
before the spaCy pipeline is built, in a batch worker and in ``feedback``."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.batch import BatchOptions
from analyzer.batch import work
from analyzer.errors import TranscriptFormatError
from analyzer.readers import read_call
from analyzer.readers.limits import MAX_CALL_CHARACTERS, check_call_length

ROOT = Path(__file__).resolve().parents[2]


def _long_call(path: Path) -> Path:
    """A call within every reader limit but longer than the pipeline accepts (E108)."""
    turn = "word " * 3_000
    lines = [f"{'Sam' if k % 2 else 'Dana'}: {turn}" for k in range(MAX_CALL_CHARACTERS // len(turn) + 2)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reliability_startup_call_length_counts_the_joined_turns():
    assert check_call_length(["ab", "cd"], "x", limit=5) == 5
    with pytest.raises(TranscriptFormatError, match=r"^\[E108\] x: expected a call of at most 4 characters"):
        check_call_length(["ab", "cd"], "x", limit=4)


def test_reliability_startup_read_call_refuses_a_call_too_long_for_the_pipeline(tmp_path):
    path = _long_call(tmp_path / "long.txt")
    with pytest.raises(TranscriptFormatError, match=r"\[E108\]"):
        read_call(path.read_bytes(), "long.txt")


@pytest.mark.parametrize(
    "content,code",
    [
        (b"\xff\xfe\x00\xd8", "E10"),  # not text
        (b"Dana: " + b"x" * 300_000 + b"\n", "E110"),  # a line too long
        (None, "E108"),  # longer than the pipeline accepts
    ],
)
def test_reliability_startup_refused_call_builds_no_analyzer(tmp_path, monkeypatch, content, code):
    path = tmp_path / "call.txt"
    if content is None:
        _long_call(path)
    else:
        path.write_bytes(content)
    monkeypatch.setattr(work, "_ANALYZERS", {})
    row = work.score_path(path, options=BatchOptions(model=None))
    assert row["status"] == "error" and f"[{code}" in row["error"]
    assert work._ANALYZERS == {}


def test_reliability_startup_refused_row_names_the_model_as_a_scored_row_does(tmp_path, monkeypatch):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\xd8")
    good = tmp_path / "good.txt"
    good.write_text("Dana: Tell me about your team?\nSam: We are five people.\n", encoding="utf-8")
    monkeypatch.setattr(work, "_ANALYZERS", {})
    monkeypatch.setattr(work, "_IDENTITIES", {})
    options = BatchOptions(model="default")
    refused = work.score_path(bad, options=options)  # before the analyzer is built: from the model's card
    scored = work.score_path(good, options=options)  # after: from the loaded model
    assert scored["status"] == "ok" and refused["status"] == "error"
    assert (refused["model"], refused["model_digest"]) == (scored["model"], scored["model_digest"])
    assert scored["model_digest"]


def test_reliability_startup_score_of_refused_files_never_imports_spacy(tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    (folder / "big.txt").write_bytes(b"Dana: " + b"x" * 300_000 + b"\n")
    _long_call(folder / "long.txt")
    out = tmp_path / "out.csv"
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from analyzer.cli import main\n"
        "try:\n"
        f"    main(['score', {str(folder)!r}, '-o', {str(out)!r}, '--workers', '1', '--quiet'], prog_name='callcoach')\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, 'spacy' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.stdout.split() == ["1", "False"], proc.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 3 and all(",error," in r for r in rows[1:])
    assert "[E110]" in rows[1] and "[E108]" in rows[2]
