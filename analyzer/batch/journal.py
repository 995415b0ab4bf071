"""The append-only journal of a run, and reading it back for resume and the final output.

Rows are appended to a JSON Lines journal as they come, one ``write`` per
row, flushed at once and fsynced at least every ``fsync_seconds``: after a
kill the journal is valid up to its last complete line
(:func:`repair_tail` cuts a partial one). For JSON Lines output the journal
is the output; for CSV and Parquet it is a hidden ``.NAME.partial.jsonl``
beside it (:func:`journal_path`). :func:`scan_journal` indexes where each
path's last row is, so a resumed run knows what it can skip and the final
output keeps one row per path, sorted by path.
"""
from __future__ import annotations

import io
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from .columns import column_kinds, columns, kind_of, merge_kind
from .writers import atomic_file, json_line, output_format, read_output_rows


def journal_path(output: str | os.PathLike) -> Path:
    """The append-only journal of a run writing ``output``: the output itself for JSON Lines."""
    output = Path(output)
    if output_format(output) == "jsonl":
        return output
    return output.with_name(f".{output.name}.partial.jsonl")


class Journal:
    """Append-only JSON Lines: one ``write`` per row, flushed, fsynced every ``fsync_seconds``.

    A fresh journal replaces the file only when the first row comes, so a run
    that fails before scoring anything leaves an earlier output alone.
    """

    def __init__(self, path: Path, *, fresh: bool, fsync_seconds: float) -> None:
        if not fresh:
            repair_tail(path)
        self.path = path
        self.mode = "wb" if fresh else "ab"
        self.fh: io.BufferedWriter | None = None
        self.fsync_seconds = fsync_seconds
        self.synced = time.monotonic()

    def write(self, row: Mapping[str, Any]) -> None:
        if self.fh is None:
            self.fh = open(self.path, self.mode)
        self.fh.write(json_line(row))
        self.fh.flush()
        now = time.monotonic()
        if now - self.synced >= self.fsync_seconds:
            os.fsync(self.fh.fileno())
            self.synced = now

    def close(self, *, create: bool = True) -> None:
        """Flush and fsync; ``create`` makes the file even when no row came."""
        if self.fh is None:
            if not create:
                return
            self.fh = open(self.path, self.mode)
        if not self.fh.closed:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()


def repair_tail(path: Path) -> None:
    """Cut a partial last line (a run killed mid-write) off a journal."""
    if not path.exists():
        return
    with open(path, "rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return
        pos = size
        while pos > 0:
            step = min(65536, pos)
            fh.seek(pos - step)
            chunk = fh.read(step)
            i = chunk.rfind(b"\n")
            if i != -1:
                fh.truncate(pos - step + i + 1)
                return
            pos -= step
        fh.truncate(0)


@dataclass
class JournalIndex:
    """Where each path's last row is in a journal, and what the rows hold."""

    offsets: dict[str, tuple[int, int, str | None]]  # path -> (offset, length, sha256)
    clean: bool  # sorted by path, one row per path, every line valid
    extra_columns: list[str]
    kinds: dict[str, str]
    work: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # path -> (model, settings)

    def column_kinds(self) -> dict[str, str]:
        """The known kind of each column, widened by what the rows hold."""
        kinds = column_kinds()
        for col, seen in self.kinds.items():
            kinds[col] = merge_kind(kinds.get(col), seen)
        return kinds


def scan_journal(path: Path) -> JournalIndex:
    """Index a journal: each path's last valid row, the columns and kinds its rows hold."""
    offsets: dict[str, tuple[int, int, str | None]] = {}
    work: dict[str, tuple[Any, Any]] = {}
    known = set(columns())
    # (per path, the columns beyond the known ones its row gives a value: the
    # output keeps those of the rows it keeps, not of rows a later one replaced)
    extra: dict[str, tuple[str, ...]] = {}
    kinds: dict[str, str] = {}
    clean = True
    last: str | None = None
    pos = 0
    with open(path, "rb") as fh:
        for line in fh:
            n = len(line)
            try:
                row = json.loads(line)
                p = row["path"]
                if not isinstance(p, str) or not line.endswith(b"\n"):
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                clean = False
                pos += n
                continue
            if p in offsets or (last is not None and p <= last):
                clean = False
            last = p
            offsets[p] = (pos, n, row.get("sha256"))
            work[p] = (row.get("model"), row.get("settings"))
            extra.pop(p, None)  # (in the order the kept rows come)
            extra[p] = tuple(k for k, v in row.items() if k not in known and v is not None)
            for k, v in row.items():
                if v is not None:
                    kinds[k] = merge_kind(kinds.get(k), kind_of(v))
            pos += n
    extra_columns = list(dict.fromkeys(k for keys in extra.values() for k in keys))
    return JournalIndex(offsets=offsets, clean=clean, extra_columns=extra_columns, kinds=kinds, work=work)


def iter_journal(path: Path, index: JournalIndex) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """The last row of each path, sorted by path, as (raw line, row)."""
    with open(path, "rb") as fh:
        for p in sorted(index.offsets):
            pos, n, _ = index.offsets[p]
            fh.seek(pos)
            line = fh.read(n)
            yield line, json.loads(line)


def seed_journal(output: Path, journal: Path, *, csv_guard: bool = True) -> None:
    """Copy the rows of a finished CSV or Parquet output into a new journal (resume);
    ``csv_guard``: the CSV output's text cells were guarded (:func:`~analyzer.batch.writers.guard_cell`)."""
    fmt = output_format(output)
    with atomic_file(journal) as tmp, open(tmp, "wb") as out:
        for row in read_output_rows(output, fmt, csv_guard=csv_guard):
            out.write(json_line(row))
