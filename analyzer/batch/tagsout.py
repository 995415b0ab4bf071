"""The tags table of a batch (``callcoach score ... --tags tags.parquet``): one row per tagged moment.

Rows of a run with ``BatchOptions.tags`` carry their call's tags under
:data:`~analyzer.batch.work.TAGS_KEY`. :class:`TagSink` takes them off each
row before the row is journaled, appends them to a journal of their own
(``.NAME.partial.jsonl`` beside the tags output, one line per call), and at
the end writes the table (CSV, Parquet or JSON Lines, by extension) with the
tags of every call of the output, sorted by path, with
:data:`analyzer.tables.TAG_COLUMNS`. A resumed run scores again the calls
whose tags its journal does not hold.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..tables import TAG_COLUMNS
from .columns import ERROR
from .journal import repair_tail
from .work import TAGS_KEY
from .writers import output_format, write_output


def tags_journal_path(tags: str | os.PathLike) -> Path:
    """The journal of a tags output: a hidden ``.NAME.partial.jsonl`` beside it."""
    tags = Path(tags)
    return tags.with_name(f".{tags.name}.partial.jsonl")


class TagSink:
    """Take the tags off a run's rows into their journal, then write the tags table."""

    def __init__(self, target: str | os.PathLike, *, resume: bool) -> None:
        self.target = Path(target)
        self.fmt = output_format(self.target)
        self.journal = tags_journal_path(self.target)
        if not resume:
            self.journal.unlink(missing_ok=True)
        else:
            repair_tail(self.journal)  # a line cut by a kill is dropped, not written onto
        self.rows = 0

    @classmethod
    def open(cls, tags, options, done, *, resume: bool):
        """(sink, options, done) for a run: no sink without ``tags``; else options
        that make rows carry their tags, and ``done`` cut to the calls whose tags
        the journal holds (the others are scored again)."""
        if tags is None:
            return None, options, done
        from dataclasses import replace

        from .options import BatchOptions

        sink = cls(tags, resume=resume)
        known = sink.known_paths()
        return sink, replace(options or BatchOptions(), tags=True), {p: v for p, v in done.items() if p in known}

    def known_paths(self) -> set[str]:
        """The calls whose tags the journal holds (a resumed run may skip only these)."""
        return set(self._last().keys())

    def strip(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Yield the rows without their tags, journaling the tags of each scored call."""
        try:
            with open(self.journal, "a", encoding="utf-8") as fh:
                for row in rows:
                    tags = row.pop(TAGS_KEY, None)
                    if tags is not None or row.get("status") == ERROR:
                        # (a call that failed has no tags: an entry of none
                        # replaces what an earlier run journaled of it)
                        fh.write(json.dumps({"path": row["path"], "tags": tags or []}, ensure_ascii=False) + "\n")
                        fh.flush()
                    yield row
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()

    def finish(self, paths: Iterable[str] | None = None) -> int:
        """Write the table with the tags of ``paths`` (default: every call journaled); returns its rows."""
        last = self._last()
        wanted = sorted(last if paths is None else (p for p in set(paths) if p in last))
        lines = (
            ((json.dumps(tag, ensure_ascii=False) + "\n").encode("utf-8"), tag)
            for p in wanted
            for tag in last[p]
        )
        count = [0]

        def on_row(_row: dict[str, Any]) -> None:
            count[0] += 1

        write_output(lines, self.target, self.fmt, list(TAG_COLUMNS), TAG_COLUMNS, on_row=on_row)
        self.journal.unlink(missing_ok=True)
        self.rows = count[0]
        return self.rows

    def _last(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        if not self.journal.exists():
            return out
        with open(self.journal, encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                    out[entry["path"]] = entry["tags"]
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a kill
        return out
