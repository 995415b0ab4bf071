"""Where a run may write, checked before any work, and one run per output.

:func:`check_outputs` looks at every file a command is about to write (the
``-o`` output, its journal and lock, ``--summary``, ``--html``, the
``--reports`` folder) before anything is read or scored, and refuses, with
exit code 2 and nothing written:

| code | refusal |
| ---- | ------- |
| E610 | the output's folder does not exist |
| E611 | the output's folder cannot be written (read-only, no permission) |
| E612 | the output is one of the run's own inputs (the same file, links resolved) |
| E613 | the output is inside a scanned folder where the scan would take it as a call |
| E614 | the output exists and is not a regular file (a folder, a FIFO, a device) |
| E615 | two outputs are the same file |

:class:`OutputLock` holds a lock beside each output (``.NAME.lock``, with
:mod:`filelock`) for the length of a run: a second run on the same output
refuses at once (E616), naming the process that holds it. The lock is the
operating system's (``flock``), so it goes with its process however that
ends, ``kill -9`` included; a run that finds the record of a process that
no longer holds the lock reports the stale lock and takes it over.
"""
from __future__ import annotations

import json
import os
import socket
import stat
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..display import shown_path
from ..errors import OutputError
from .discover import Scan

#: ``(label, path)``: an output as the command line names it (``-o``, ``--html``).
Target = tuple[str, Path]


def lock_path(output: str | os.PathLike) -> Path:
    """The lock beside ``output``: ``.NAME.lock``, hidden."""
    output = Path(output)
    return output.with_name(f".{output.name}.lock")


def check_outputs(
    outputs: Sequence[Target],
    inputs: Iterable[str | os.PathLike] = (),
    *,
    scanned: Sequence[str | os.PathLike] = (),
    scan: Scan | None = None,
    folders: Sequence[Target] = (),
) -> None:
    """Refuse, before any work, an output the run may not write (see the module's table).

    outputs (Sequence[tuple[str, Path]]): the files to write, with the
        option that names each (for the message).
    inputs (Iterable[str | PathLike]): the files the run reads.
    scanned (Sequence[str | PathLike]): the folders the run scans, with
        ``scan`` the rules it scans them by: an output the scan would take
        is refused (E613) unless those rules leave it out.
    folders (Sequence[tuple[str, Path]]): folders to write into (``--reports``).
    RAISES: OutputError with its code.
    """
    seen: dict[tuple[int, int] | str, str] = {}
    existing: list[tuple[str, Path, os.stat_result]] = []
    for label, path in outputs:
        shown = _shown(label, path)
        st = _stat(path)
        if st is not None:
            if not stat.S_ISREG(st.st_mode):
                raise OutputError(shown, f"is {_kind(st.st_mode)}; an output must be a file", code="E614")
            existing.append((shown, path, st))
        _check_folder(shown, path.parent)
        key: Any = (st.st_dev, st.st_ino) if st is not None else os.path.realpath(path)
        if key in seen:
            raise OutputError(shown, f"is also given as {seen[key]}; each output needs its own file", code="E615")
        seen[key] = label
    if existing:
        _check_not_inputs(existing, inputs)
    for label, path in outputs:
        _check_scanned(_shown(label, path), path, scanned, scan)
    for label, folder in folders:
        shown = _shown(label, folder)
        st = _stat(folder)
        clash = seen.get((st.st_dev, st.st_ino)) if st is not None else None
        clash = clash or seen.get(os.path.realpath(folder))
        if clash:
            raise OutputError(shown, f"is also given as {clash}; each output needs its own path", code="E615")
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise OutputError(shown, f"is {_kind(st.st_mode)}, not a folder", code="E614")
        _check_folder(shown, folder if st is not None else _existing_ancestor(folder))
        _check_scanned(shown, folder / "report.html", scanned, scan)


def _shown(label: str, path: Path) -> str:
    return f"{shown_path(path)} ({label})"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(shown_path(path), f"cannot be checked: {exc.strerror}", code="E611") from None


def _kind(mode: int) -> str:
    from ..inputs import file_kind

    return file_kind(mode)


def _existing_ancestor(folder: Path) -> Path:
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _check_folder(shown: str, folder: Path) -> None:
    """E610 a folder that does not exist, E611 one this process cannot create a file in."""
    folder = folder if str(folder) else Path(".")
    if not folder.is_dir():
        raise OutputError(shown, f"the folder {shown_path(folder)} does not exist", code="E610")
    try:  # the only sure test: create a file (permissions, read-only mounts, quotas, ACLs)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".callcoach-probe-")
    except OSError as exc:
        raise OutputError(shown, f"cannot write in the folder {shown_path(folder)}: {exc.strerror}", code="E611") from None
    os.close(fd)
    os.unlink(probe)


def _check_scanned(shown: str, path: Path, scanned: Sequence[str | os.PathLike], scan: Scan | None) -> None:
    """E613 when a scan of one of the ``scanned`` folders would take ``path`` as a call."""
    if scan is None:
        return
    target = os.path.join(os.path.realpath(path.parent), path.name)
    for root in scanned:
        real_root = os.path.realpath(root)
        if not target.startswith(real_root.rstrip(os.sep) + os.sep):
            continue
        rel = os.path.relpath(target, real_root).replace(os.sep, "/")
        if scan.takes(rel):
            raise OutputError(
                shown,
                f"is inside the scanned folder {shown_path(root)}, where it would be read as a call; "
                f"write it elsewhere, or leave it out of the scan (--exclude '{shown_path(path.name)}')",
                code="E613",
            )


def _check_not_inputs(existing: Sequence[tuple[str, Path, os.stat_result]], inputs: Iterable[str | os.PathLike]) -> None:
    """E612 when an output that exists is one of the inputs (the same file, links resolved)."""
    ids = {(st.st_dev, st.st_ino): shown for shown, _, st in existing}
    for source in inputs:
        try:
            st = os.stat(source)
        except OSError:
            continue
        shown = ids.get((st.st_dev, st.st_ino))
        if shown is not None:
            raise OutputError(
                shown,
                f"is an input of this run ({shown_path(source)}): writing it would destroy the call; "
                "choose another output",
                code="E612",
            )


@dataclass
class OutputLock:
    """A lock beside each output, held for the length of a run.

    outputs (Iterable[Path]): the outputs; each gets ``.NAME.lock`` beside it.
    stale (list[dict]): records of earlier runs that had died holding a lock
        (filled when the lock is taken), for the caller to report.

    RAISES (on entering): OutputError E616 when another run holds a lock;
        the message names its process.
    """

    outputs: Iterable[str | os.PathLike]
    stale: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.paths = sorted({lock_path(os.path.abspath(p)) for p in self.outputs})
        self._held: list[Any] = []

    def __enter__(self) -> "OutputLock":
        return self.acquire()

    def acquire(self) -> "OutputLock":
        """Take every lock (once; a lock already held is kept)."""
        from filelock import FileLock, Timeout

        if self._held:
            return self
        try:
            for path in self.paths:
                lock = FileLock(str(path), timeout=0)
                try:
                    lock.acquire()
                except Timeout:
                    raise OutputError(_output_of(path), _held_message(path), code="E616") from None
                self._held.append((lock, path))
                previous = _read_record(path)
                if previous and previous.get("pid") is not None:
                    self.stale.append({**previous, "lock": str(path), "alive": _alive(previous)})
                _write_record(path, _record())
        except BaseException:
            self.release()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def release(self) -> None:
        while self._held:
            lock, path = self._held.pop()
            try:
                _write_record(path, None)
            finally:
                lock.release()

    def notes(self) -> list[str]:
        """One line per stale lock taken over."""
        out = []
        for r in self.stale:
            state = "no longer running" if r.get("alive") is False else "it no longer held the lock"
            out.append(
                f"took over the lock {shown_path(r['lock'])} left by process {r.get('pid')} "
                f"on {r.get('host')} (started {r.get('started')}; {state})"
            )
        return out


def _output_of(lock: Path) -> str:
    name = lock.name[1:-len(".lock")] if lock.name.startswith(".") and lock.name.endswith(".lock") else lock.name
    return shown_path(lock.with_name(name))


def _record() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(["callcoach"] + [shown_path(a) for a in sys.argv[1:]]),
    }


def _write_record(path: Path, record: dict[str, Any] | None) -> None:
    """The owner record in the lock file (empty once released); the file itself stays."""
    data = b"" if record is None else json.dumps(record).encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        os.ftruncate(fd, 0)
        os.write(fd, data)
    finally:
        os.close(fd)


def _read_record(path: Path) -> dict[str, Any] | None:
    for _ in range(5):  # the holder may be between truncating and writing
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                data = os.read(fd, 4096)
            finally:
                os.close(fd)
        except OSError:
            return None
        try:
            record = json.loads(data) if data else None
        except ValueError:
            record = None
        if record is not None or not data:
            return record if isinstance(record, dict) else None
        time.sleep(0.02)
    return None


def _alive(record: dict[str, Any]) -> bool | None:
    """Whether the record's process runs (None when it ran on another host)."""
    if record.get("host") != socket.gethostname():
        return None
    try:
        os.kill(int(record["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, TypeError, OverflowError):
        return True
    return True


def _held_message(path: Path) -> str:
    record = None
    for _ in range(10):  # the holder writes its record just after taking the lock
        record = _read_record(path)
        if record:
            break
        time.sleep(0.05)
    if not record:
        who = "another callcoach run (its process could not be told)"
    else:
        who = (
            f"another callcoach run: process {record.get('pid')} on {record.get('host')}, "
            f"started {record.get('started')} (`{shown_path(str(record.get('command', '')))}`)"
        )
    return f"is being written by {who}. Wait for that run to end, or stop it; its lock is {shown_path(path)}"
