"""Reading a file a command was pointed at, so that no file can hang, flood or mislead it.

:func:`read_file` is how ``callcoach`` reads a transcript (and a config
file) from disk:

- only a regular file is read. A FIFO (which blocks for ever), a socket, a
  character or block device (``/dev/zero`` never ends) or a folder is
  refused with its kind named (E601). The file is opened with
  ``O_NONBLOCK``, and checked again once open, so that a file swapped for a
  FIFO between the check and the open cannot block the run either;
- a symbolic link found in a folder being scanned that leads out of that
  folder is not followed (E602) unless the caller allows it
  (``--follow-links``): a folder of calls cannot make a run read
  ``/etc/passwd`` and quote its first line in an error. A file named
  directly is the caller's choice and is followed;
- the size is checked with ``stat`` before the file is opened, and again on
  the open file; the read itself stops one byte past the limit (E603). A
  file that grows while it is read, or one that reports no size (``/proc``),
  costs at most the limit in memory, and a file over it costs nothing;
- :func:`check_json_values` bounds what parsing JSON can cost: a file that
  starts like JSON and holds more values (objects, arrays, items) than the
  limit is refused before it is parsed (E604). An empty object takes three
  bytes of input and about 150 bytes of memory once parsed, so the byte
  limit alone would let a 32 MiB file take 1.7 GB.

Other OS errors (no such file, permission denied) are the readers' E100,
with the OS's reason.
"""
from __future__ import annotations

import os
import stat
from typing import Sequence

from .display import shown_path
from .errors import InputFileError, TranscriptFormatError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_CHUNK = 16 * 1024 * 1024


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words (for a file that is not regular)."""
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def read_file(
    path: str | os.PathLike,
    *,
    max_bytes: int,
    name: str | None = None,
    roots: Sequence[str] = (),
    follow_links: bool = False,
    setting: str | None = "[limits] max_file_bytes",
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    path (str | PathLike): the file.
    max_bytes (int): the size limit (``[limits] max_file_bytes``).
    name (str | None): the file as messages show it. Defaults to
        :func:`~analyzer.display.shown_path` of ``path``.
    roots (Sequence[str]): the folders being scanned; a link under one of
        them that leads out of it is refused unless ``follow_links``.
    follow_links (bool): follow such links. Defaults to False.
    setting (str | None): what sets ``max_bytes``, as messages name it
        (None for a limit no setting changes).
    RETURNS (bytes): the file's content.
    RAISES: InputFileError: E601 not a regular file, E602 a link out of the
        scanned folder, E603 over the size limit; TranscriptFormatError E100
        for any other OS error.
    """
    source = os.fspath(path)
    name = name or shown_path(source)
    try:
        st = os.lstat(source)
        link = stat.S_ISLNK(st.st_mode)
        if link:
            if not follow_links:
                _check_link(source, name, roots)
            st = os.stat(source)
        _check_stat(st, name, max_bytes, setting)
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        if not link:  # the name was no link when checked: it may not become one
            flags |= getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(source, flags)
        try:
            st = os.fstat(fd)
            _check_stat(st, name, max_bytes, setting)
            data = _read_bounded(fd, max_bytes, st.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        raise TranscriptFormatError(name, None, "a readable file", exc.strerror or str(exc), code="E100") from None
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes, grew=True, setting=setting)
    return data


def check_json_values(data: bytes, name: str, max_values: int) -> None:
    """E604 when ``data`` starts like JSON and holds more than ``max_values`` values.

    The count is of ``{``, ``[`` and ``,`` bytes (a C-speed count, never a
    parse): each object, array and item after the first of a container is
    one. Braces and commas inside strings count too, so the count errs
    high, never low. A file in another format is not counted.
    """
    head = data[:256].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    if not head.startswith((b"{", b"[")):
        return
    count = data.count(b"{") + data.count(b"[") + data.count(b",")
    if count > max_values:
        raise InputFileError(
            name,
            f"JSON of about {count:,} values (objects, arrays and items), over the limit of {max_values:,} "
            "([limits] max_json_values); refused before it is parsed",
            code="E604",
        )


def too_large(
    name: str, size: int, max_bytes: int, *, grew: bool = False, setting: str | None = "[limits] max_file_bytes"
) -> InputFileError:
    """The E603 error of a file of ``size`` bytes over ``max_bytes`` (``setting``:
    what sets that limit, None for a fixed one)."""
    limit = f"the limit of {_size(max_bytes)}" + (f" ({setting})" if setting else "")
    if grew:
        return InputFileError(name, f"a file that holds more than {limit}; refused, read no further", code="E603")
    return InputFileError(name, f"a file of {_size(size)}, over {limit}; refused without reading it", code="E603")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _check_stat(st: os.stat_result, name: str, max_bytes: int, setting: str | None = "[limits] max_file_bytes") -> None:
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(name, f"{file_kind(st.st_mode)}, not a regular file", code="E601")
    if st.st_size > max_bytes:
        raise too_large(name, st.st_size, max_bytes, setting=setting)


def _check_link(source: str, name: str, roots: Sequence[str]) -> None:
    """E602 when ``source`` is under a scanned folder and its target is not."""
    path = os.path.abspath(source)
    for root in roots:
        top = os.path.abspath(root)
        if path.startswith(top.rstrip(os.sep) + os.sep):
            real_top = os.path.realpath(top)
            target = os.path.realpath(path)
            if not target.startswith(real_top.rstrip(os.sep) + os.sep):
                raise InputFileError(
                    name,
                    f"a symbolic link to a file outside {shown_path(root)}: not followed "
                    "(--follow-links follows such links)",
                    code="E602",
                )
            return


def _read_bounded(fd: int, max_bytes: int, size: int) -> bytes:
    """At most ``max_bytes + 1`` bytes: enough to know that a file is over the limit.
    Each read asks for what the file's ``size`` says is left (and one byte), at
    least 64 KiB and at most 16 MiB, so a small file never costs a large buffer."""
    want = max_bytes + 1
    chunks: list[bytes] = []
    total = 0
    while total < want:
        chunk = os.read(fd, min(want - total, _CHUNK, max(size + 1 - total, 65536)))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
