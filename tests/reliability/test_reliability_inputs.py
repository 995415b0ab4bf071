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
