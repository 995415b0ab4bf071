"""Files that are not transcripts: FIFOs, devices, links out of the folder, files too large to read."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from analyzer.errors import InputFileError, TranscriptFormatError
from analyzer.inputs import read_file

LIMIT = 1024 * 1024


def test_reliability_inputs_regular_file_read(tmp_path):
    path = tmp_path / "call.txt"
    path.write_bytes(b"Dana: hi\nSam: hello\n")
    assert read_file(path, max_bytes=LIMIT) == b"Dana: hi\nSam: hello\n"


def test_reliability_inputs_fifo_refused_without_blocking(tmp_path):
    fifo = tmp_path / "call.txt"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    with pytest.raises(InputFileError, match=r"^\[E601\] .*call\.txt: a FIFO \(named pipe\), not a regular file"):
        read_file(fifo, max_bytes=LIMIT)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("target,kind", [("/dev/zero", "a character device"), ("/dev/null", "a character device")])
def test_reliability_inputs_device_refused(tmp_path, target, kind):
    link = tmp_path / "call.txt"
    link.symlink_to(target)
    with pytest.raises(InputFileError, match=rf"\[E601\] .*{kind}"):
        read_file(link, max_bytes=LIMIT, follow_links=True)


def test_reliability_inputs_socket_and_folder_refused(tmp_path):
    import socket

    sock_path = tmp_path / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(sock_path))
        with pytest.raises(InputFileError, match=r"\[E601\] .*a socket"):
            read_file(sock_path, max_bytes=LIMIT)
    finally:
        sock.close()
    with pytest.raises(InputFileError, match=r"\[E601\] .*a folder"):
        read_file(tmp_path, max_bytes=LIMIT)


def test_reliability_inputs_link_out_of_the_folder_not_followed(tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    link = folder / "passwd.txt"
    link.symlink_to(secret)
    with pytest.raises(InputFileError) as info:
        read_file(link, max_bytes=LIMIT, roots=[str(folder)])
    assert info.value.code == "E602" and "root:x" not in str(info.value)
    assert read_file(link, max_bytes=LIMIT, roots=[str(folder)], follow_links=True).startswith(b"root:x")
    assert read_file(link, max_bytes=LIMIT).startswith(b"root:x")  # named directly: the caller's choice


def test_reliability_inputs_link_inside_the_folder_followed(tmp_path):
    folder = tmp_path / "calls"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "call.txt").write_bytes(b"Dana: hi\n")
    (folder / "link.txt").symlink_to(folder / "a" / "call.txt")
    assert read_file(folder / "link.txt", max_bytes=LIMIT, roots=[str(folder)]) == b"Dana: hi\n"


def test_reliability_inputs_size_checked_before_opening(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # 500 MB, sparse: no disk and no memory
        fh.truncate(500 * 1000 * 1000)
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    with pytest.raises(InputFileError, match=r"\[E603\] .*big\.txt: a file of 476\.8 MiB, over the limit of 1\.0 MiB"):
        read_file(big, max_bytes=LIMIT)
    assert opened == []


def test_reliability_inputs_read_bounded_when_the_size_lies():
    """/proc files report a size of 0 and hold more: the read stops one byte past the limit."""
    path = Path("/proc/self/maps")
    if not path.exists():
        pytest.skip("no /proc")
    with pytest.raises(InputFileError, match=r"\[E603\] .*holds more than the limit of 100 bytes"):
        read_file(path, max_bytes=100)


def test_reliability_inputs_missing_file_is_e100(tmp_path):
    with pytest.raises(TranscriptFormatError, match=r"\[E100\] .*nope\.txt: expected a readable file"):
        read_file(tmp_path / "nope.txt", max_bytes=LIMIT)


@pytest.mark.parametrize(
    "data,refused",
    [
        (b'{"segments": [' + b"{}," * 2000 + b"{}]}", True),
        (b"\xef\xbb\xbf  [" + b"1," * 2000 + b"1]", True),
        ("[".encode("utf-16") + ",".encode("utf-16-le") * 2000 + "]".encode("utf-16-le"), True),
        (b'{"segments": [' + b"{}," * 10 + b"{}]}", False),
        (b"Dana: " + b"yes, " * 5000, False),  # not JSON: commas in speech are not counted
    ],
    ids=["objects", "bom-array", "utf16", "small", "text"],
)
def test_reliability_inputs_json_values_bounded_before_parsing(data, refused):
    from analyzer.inputs import check_json_values

    if refused:
        with pytest.raises(InputFileError, match=r"\[E604\] call\.json: JSON of about [\d,]+ values"):
            check_json_values(data, "call.json", 1000)
    else:
        check_json_values(data, "call.json", 1000)


def _score(tmp_path: Path, *args: str):
    from click.testing import CliRunner

    from analyzer.cli import main

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, ["score", *args, "--workers", "1", "--no-model"])
    finally:
        os.chdir(old)


def _rows(path: Path) -> dict[str, dict]:
    import json

    return {json.loads(line)["path"]: json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()}


def test_reliability_inputs_batch_skips_what_is_not_a_call_with_a_reason(tmp_path):
    import shutil

    folder = tmp_path / "calls"
    folder.mkdir()
    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
    shutil.copy(sample, folder / "good.vtt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    with open(folder / "huge.txt", "wb") as fh:
        fh.truncate(500 * 1000 * 1000)
    (folder / "objects.json").write_bytes(b'{"segments": [' + b"{}," * 5000 + b"{}]}")
    (tmp_path / "small.cfg").write_text("[limits]\nmax_json_values = 1000\n", encoding="utf-8")
    t0 = time.perf_counter()
    result = _score(tmp_path, "calls", "-o", "out.jsonl", "--config", "small.cfg")
    assert time.perf_counter() - t0 < 120  # nothing hangs, nothing is read whole
    assert result.exit_code == 1, result.output
    rows = _rows(tmp_path / "out.jsonl")
    codes = {Path(p).name: (r["status"], (r["error"] or "")[:6]) for p, r in rows.items()}
    assert codes == {
        "good.vtt": ("ok", ""),
        "pipe.txt": ("error", "[E601]"),
        "zero.txt": ("error", "[E602]"),
        "passwd.txt": ("error", "[E602]"),
        "huge.txt": ("error", "[E603]"),
        "objects.json": ("error", "[E604]"),
    }
    assert "root:x" not in result.output and "root:x" not in (tmp_path / "out.jsonl").read_text(encoding="utf-8")

    followed = _score(tmp_path, "calls", "-o", "out2.jsonl", "--follow-links")
    assert followed.exit_code == 1, followed.output  # bad files are reported, the rest scored
    rows = _rows(tmp_path / "out2.jsonl")
    by_name = {Path(p).name: r for p, r in rows.items()}
    assert by_name["zero.txt"]["error"].startswith("[E601]")  # followed: a device, still never read
    assert not by_name["passwd.txt"]["error"].startswith("[E60")  # followed: read, and not a transcript


def test_reliability_inputs_links_to_folders_left_out_or_followed_once(tmp_path):
    """A link to a folder is counted among the files left out; --follow-links walks
    the folder it leads to, and a link back up is walked once, not forever."""
    import shutil

    from analyzer.batch import discover
    from analyzer.batch.leftout import LINKED_FOLDER, count_left_out

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
    root, elsewhere = tmp_path / "calls", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    shutil.copy(sample, root / "here.vtt")
    shutil.copy(sample, elsewhere / "there.vtt")
    (root / "ext").symlink_to(elsewhere)
    (elsewhere / "back").symlink_to(root)
    found = discover([root])
    assert [Path(p).name for p in found] == ["here.vtt"]
    assert count_left_out([root], found) == {LINKED_FOLDER: 1}
    followed = discover([root], follow_links=True)
    assert sorted(Path(p).name for p in followed) == ["here.vtt", "there.vtt"]
    assert count_left_out([root], followed, follow_links=True) == {}
    result = _score(tmp_path, "calls", "-o", "out.jsonl", "--follow-links")
    assert result.exit_code == 0, result.output
    assert sorted(Path(p).name for p in _rows(tmp_path / "out.jsonl")) == ["here.vtt", "there.vtt"]


def test_reliability_inputs_folder_that_cannot_be_read_is_said(tmp_path, monkeypatch):
    """A folder the scan cannot list is named on stderr, counted among what was left
    out, and the run exits 1: its files are not lost unseen (and no row stands for it)."""
    import json
    import shutil

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
    locked = tmp_path / "calls" / "locked"
    locked.mkdir(parents=True)
    shutil.copy(sample, tmp_path / "calls" / "good.vtt")
    shutil.copy(sample, locked / "hidden-from-us.vtt")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(os.fspath(path)).name == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = _score(tmp_path, "calls", "-o", "out.jsonl", "--json")
    assert result.exit_code == 1, result.output
    assert "cannot read the folder calls/locked (Permission denied): none of its files is scored" in result.stderr
    assert json.loads(result.stdout)["left_out"] == {"a folder that cannot be read": 1}
    assert [Path(p).name for p in _rows(tmp_path / "out.jsonl")] == ["good.vtt"]


def test_reliability_inputs_followed_link_never_renames_a_real_folder(tmp_path):
    """A link to a folder the scan walks anyway adds nothing: its files keep their real paths."""
    import shutil

    from analyzer.batch import discover

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
    (tmp_path / "calls" / "sub").mkdir(parents=True)
    shutil.copy(sample, tmp_path / "calls" / "sub" / "call.vtt")
    (tmp_path / "calls" / "alias").symlink_to(tmp_path / "calls" / "sub")  # sorts before the real folder
    assert discover([tmp_path / "calls"], follow_links=True) == [os.path.normpath(tmp_path / "calls" / "sub" / "call.vtt")]
