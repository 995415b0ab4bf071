"""A whole run into one output file: :func:`score_to_file`, and what it did (:class:`BatchRun`).

The flow::

    files -> iter_rows (an engine) -> rows in path order -> the journal
          -> finalize: the output file (JSON Lines, CSV or Parquet), written atomically
          -> per-seller summary

``resume=True`` skips every call whose path is in the output (or journal)
with the same content hash (sha256 of the file's bytes), model and
settings, error rows included (the same bytes fail the same way; a file
that could not be read has no hash and is tried again); the final output
keeps one row per path, the newest, sorted by path.
"""
from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from ..speakers import cell_names, name_key
from .columns import ERROR, OK, SKIPPED, column_kind, columns, tracker_columns
from .engines import iter_rows
from .journal import Journal, iter_journal, journal_path, repair_tail, scan_journal, seed_journal
from .options import BatchOptions
from .outputs import OutputLock, check_outputs, lock_path
from .summary import SellerSummary
from .tagsout import TagSink
from .writers import output_format, write_output


@dataclass
class BatchRun:
    """What a run did (:func:`score_to_file`).

    output (Path): the file written.
    calls (int): rows in the output (one per call, this run's and earlier ones).
    ok, failed (int): of those, scored and failed.
    scored (int): calls analysed by this run (ok or error).
    skipped (int): calls already in the output with the same hash (resume).
    words (int): words in the calls this run scored.
    seconds (float): how long this run took.
    stopped (bool): the run stopped early at an error (``fail_fast``).
    errors (list[tuple[str, str]]): (path, message) of the first failed calls.
    summary (SellerSummary): per-seller figures over every ``ok`` row of the output.
    rows (list[dict] | None): every output row, when asked for (``keep_rows``).
    model, model_digest (str | None): the model that scored the output's
        calls: its name and the SHA-256 of its parameters, as the rows carry them.
    tag_rows (int | None): rows written to the tags table (``tags``).
    left_out (dict[str, int]): files of the folders given that the run did not
        take, by reason (set by the caller that discovered the files).
    speakers (set[str]): the sellers and buyers of the output's ``ok`` rows, in
        lower case, so that a name given for every call can be checked.
    """

    output: Path
    calls: int = 0
    ok: int = 0
    failed: int = 0
    scored: int = 0
    skipped: int = 0
    words: int = 0
    seconds: float = 0.0
    stopped: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)
    summary: SellerSummary = field(default_factory=SellerSummary)
    rows: list[dict[str, Any]] | None = None
    model: str | None = None
    model_digest: str | None = None
    tag_rows: int | None = None
    speakers: set[str] = field(default_factory=set)
    left_out: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The run as JSON (``callcoach score --json``): the model, counts, files left out by reason, the headline figures."""
        return {
            "output": str(self.output),
            "model": {"name": self.model, "parameters_sha256": self.model_digest},
            "calls": self.calls,
            "ok": self.ok,
            "failed": self.failed,
            "scored": self.scored,
            "already_in_output": self.skipped,
            "left_out": dict(self.left_out),
            "left_out_total": sum(self.left_out.values()),
            "roles_to_check": self.summary.roles_to_check,
            "words": self.words,
            "seconds": round(self.seconds, 3),
            "stopped": self.stopped,
            "tag_rows": self.tag_rows,
            "summary": self.summary.headline(),
            "errors": [{"path": p, "error": e} for p, e in self.errors],
        }

    @property
    def calls_per_second(self) -> float:
        return self.scored / self.seconds if self.seconds > 0 else 0.0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0


MAX_ERRORS_KEPT = 50


def score_to_file(
    files: Sequence[str],
    output: str | os.PathLike,
    options: BatchOptions | None = None,
    *,
    engine: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    fail_fast: bool = False,
    on_row: Callable[[Mapping[str, Any]], None] | None = None,
    keep_rows: bool = False,
    fsync_seconds: float = 1.0,
    tags: str | os.PathLike | None = None,
    lock: bool = True,
    csv_guard: bool = True,
) -> BatchRun:
    """Score ``files`` into ``output`` (JSON Lines, CSV or Parquet, by extension).

    Rows stream to the journal (:func:`journal_path`) as they come; at the
    end the output holds one row per call sorted by path, written atomically
    (or, for JSON Lines, appended to and only rewritten, through a temporary
    file, when a resumed run left it out of order). A run that is killed
    leaves the journal valid up to its last complete row: run again with
    ``resume=True`` to finish.

    files (Sequence[str]): the calls, sorted (:func:`discover`).
    output (str | PathLike): the output file.
    options (BatchOptions | None): the options for every call.
    engine, workers, scheduler: see :func:`iter_rows`.
    resume (bool): skip calls already in the output (or the journal of a
        killed run) with the same content hash. Defaults to False (the
        output is replaced).
    fail_fast (bool): stop at the first call that fails. Defaults to False.
    on_row (Callable | None): called with every row as it comes (progress),
        ``skipped`` rows included.
    keep_rows (bool): also return every output row (for the HTML dashboard).
    tags (str | PathLike | None): also write the tags table there, one row
        per tagged moment (:mod:`analyzer.batch.tagsout`).
    fsync_seconds (float): fsync the journal at least this often; 0 for
        every row. Defaults to 1.
    lock (bool): before any work, check the output (E610-E615: its folder,
        not one of ``files``) and hold its lock (E616: one run per output)
        until the run ends. Defaults to True; False when the caller does
        both itself (``callcoach score`` checks and locks every output).
    csv_guard (bool): in a CSV output, a text cell that a spreadsheet would
        run as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab
        or a carriage return) gets a leading apostrophe; numbers are
        untouched. Defaults to True; give the same value when resuming.
    RETURNS (BatchRun): counts, errors and the per-seller summary.
    RAISES: ValueError for an output of unknown format; OutputError (E61x)
        for an output the run may not write; OSError when the output cannot
        be written.
    """
    output = Path(output)
    fmt = output_format(output)
    journal_file = journal_path(output)
    held = contextlib.nullcontext()
    if lock:
        targets = [("output", output), ("lock", lock_path(output))]
        check_outputs(targets + ([("journal", journal_file)] if journal_file != output else []), files)
        held = OutputLock([output])
    with held:
        t0 = time.perf_counter()
        run = BatchRun(output=output)
        done = _already_scored(output, fmt, journal_file, csv_guard) if resume else {}
        if not resume and fmt != "jsonl":
            journal_file.unlink(missing_ok=True)
        journal = Journal(journal_file, fresh=not resume, fsync_seconds=fsync_seconds)
        sink, options, done = TagSink.open(tags, options, done, resume=resume)
        rows = iter_rows(files, options, engine=engine, workers=workers, scheduler=scheduler, done=done)
        rows = sink.strip(rows) if sink is not None else rows
        _stream(rows, journal, run, on_row, fail_fast)
        _finalize(journal_file, output, fmt, run, keep_rows, csv_guard, _tracker_names(options))
        run.tag_rows = sink.finish() if sink is not None else None
        run.seconds = time.perf_counter() - t0
    return run


def _stream(rows, journal: Journal, run: BatchRun, on_row, fail_fast: bool) -> None:
    """Rows to the journal as they come; the journal is valid whenever the run stops."""
    finished = False
    try:
        for row in rows:
            if row["status"] == SKIPPED:
                run.skipped += 1
            else:
                journal.write(row)
                run.scored += 1
                run.words += int(row.get("words") or 0)
            if on_row is not None:
                on_row(row)
            if fail_fast and row["status"] == ERROR:
                run.stopped = True
                break
        finished = True
    finally:
        rows.close()
        journal.close(create=finished)


def _already_scored(output: Path, fmt: str, journal_file: Path, csv_guard: bool) -> dict[str, tuple[str, Any, Any]]:
    """Resume: path to (sha256, model, settings) of each row already in the output or its journal."""
    if fmt != "jsonl" and not journal_file.exists() and output.exists():
        seed_journal(output, journal_file, csv_guard=csv_guard)
    if not journal_file.exists():
        return {}
    repair_tail(journal_file)
    index = scan_journal(journal_file)
    return {p: (sha, *index.work.get(p, (None, None))) for p, (_, _, sha) in index.offsets.items() if sha}


def _tracker_names(options: BatchOptions | None) -> tuple[str, ...]:
    """The names of the trackers every call of the run counts (the shipped set when unset)."""
    from ..trackers import default_tracker_names

    if options is None or options.trackers is None:
        return default_tracker_names()  # without importing spaCy: a run of refused files never needs it
    return options.trackers.names


def _finalize(
    journal_file: Path, output: Path, fmt: str, run: BatchRun, keep_rows: bool, csv_guard: bool, trackers: Sequence[str] = ()
) -> None:
    """Write the output from the journal (one row per path, sorted) and count what it holds;
    the columns of ``trackers`` are there even when no row holds them (every call failed)."""
    index = scan_journal(journal_file)
    if keep_rows:
        run.rows = []

    def account(row: dict[str, Any]) -> None:
        run.calls += 1
        if run.model_digest is None and row.get("model_digest"):
            run.model, run.model_digest = row.get("model"), row["model_digest"]
        if row.get("status") == OK:
            run.ok += 1
            run.summary.add(row)
            for column in ("sellers", "buyers"):
                run.speakers.update(name_key(name) for name in cell_names(row.get(column)))
        else:
            run.failed += 1
            if len(run.errors) < MAX_ERRORS_KEPT:
                run.errors.append((row.get("path"), row.get("error") or ""))
        if run.rows is not None:
            run.rows.append(row)

    if fmt == "jsonl" and index.clean:  # the journal is the output, already in order
        for _, row in iter_journal(journal_file, index):
            account(row)
        return
    counted = tracker_columns(trackers)
    cols = list(columns()) + counted + [c for c in index.extra_columns if c not in counted]
    kinds = index.column_kinds()
    kinds.update({c: column_kind(c, {}) for c in counted if c not in kinds})
    write_output(iter_journal(journal_file, index), output, fmt, cols, kinds, on_row=account, csv_guard=csv_guard)
    if fmt != "jsonl":
        journal_file.unlink(missing_ok=True)
