"""``analyzer.errors``: the coded errors, and a missing path raised as FileNotFoundError."""
from __future__ import annotations

import pytest

from analyzer import read_transcript
from analyzer.errors import TranscriptFileNotFoundError, TranscriptFormatError, missing_path_as_not_found
from analyzer.readers import read_bytes


def test_errors_missing_path_is_file_not_found(tmp_path):
    path = tmp_path / "gone.vtt"
    with pytest.raises(TranscriptFileNotFoundError, match=r"\[E100\] .*gone\.vtt: expected a readable file") as caught:
        with missing_path_as_not_found(path):
            read_bytes(path)
    assert isinstance(caught.value, FileNotFoundError) and caught.value.filename == str(path)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize(
    "error",
    [TranscriptFormatError("here", None, "a readable file", "Is a directory", code="E100"), TranscriptFormatError("gone.vtt", 3, "a cue", code="E132")],
    ids=["E100-path-exists", "other-code"],
)
def test_errors_other_errors_pass_as_they_are(tmp_path, error):
    with pytest.raises(TranscriptFormatError) as caught:
        with missing_path_as_not_found(tmp_path if error.code == "E100" else tmp_path / "gone.vtt"):
            raise error
    assert caught.value is error and not isinstance(caught.value, FileNotFoundError)


@pytest.mark.parametrize(
    "read",
    [lambda an, p: read_transcript(p), lambda an, p: an.analyze_source(p)],
    ids=["read_transcript", "analyze_source"],
)
def test_errors_entry_points_agree_on_a_missing_file(analyzer, tmp_path, read):
    with pytest.raises(TranscriptFileNotFoundError, match=r"\[E100\]"):
        read(analyzer, tmp_path / "gone.vtt")
