"""``callcoach score``: every call under some paths, scored into one table.

The command parses options, calls :func:`analyzer.batch.score_to_file` and
renders: a progress bar on stderr (only when stderr is a terminal, and not
with ``--quiet``), the headline figures on stdout at the end, the failed
files on stderr. Exit codes are those of :mod:`analyzer.cli`: ``EXIT_OK``
when every call was scored, ``EXIT_FINDINGS`` when some file failed (its
row says why), ``EXIT_INPUT_ERROR`` for options the command cannot use.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

import click

from .common import EXIT_FINDINGS, EXIT_INPUT_ERROR, EXIT_INTERRUPTED, EXIT_OK, err, internal_error, load_limits, load_thresholds, model_arg, model_line
from .common import base_model_option, config_option, format_option, model_option, taggers_option, trackers_option

ERRORS_SHOWN = 10


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The output file: .csv, .parquet or .jsonl (by extension).")
@click.option("--include", "--glob", "globs", multiple=True, metavar="PATTERN", help="Take only files matching PATTERN in folders (repeatable); '!PATTERN' leaves files out. Default: *.txt *.vtt *.srt *.csv *.json *.docx.")
@click.option("--exclude", "excludes", multiple=True, metavar="PATTERN", help="Leave out files and folders matching PATTERN (repeatable).")
@click.option("--hidden", is_flag=True, help="Also take hidden files and folders (names starting with '.').")
@click.option("--follow-links", is_flag=True, help="Follow symbolic links in the folders that lead out of them (by default such a file is an error row, E602).")
@click.option("--roles", "roles_file", type=click.Path(dir_okay=False, path_type=Path), help="A roles file: JSON {name: role} or {\"files\": {file: {name: role}}}, or CSV speaker,role or file,speaker,role.")
@click.option("--seller", "sellers", multiple=True, metavar="NAME", help="A seller's name, for every call in which it speaks (repeatable).")
@click.option("--buyer", "buyers", multiple=True, metavar="NAME", help="A buyer's name, for every call in which it speaks (repeatable).")
@click.option("--other", "others", multiple=True, metavar="NAME", help="A speaker on neither side (a recording notice, an interpreter), for every call in which it speaks (repeatable).")
@format_option
@config_option
@base_model_option
@model_option
@click.option("--no-model", is_flag=True, help="Do not score the calls (measurements and tags only).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: every core).")
@click.option("--engine", type=click.Choice(["process", "dask", "sequential"]), help="process: a pool on this machine (the default for more than one worker); dask: a local Dask cluster; sequential: this process.")
@click.option("--scheduler", metavar="ADDRESS", help="Run on an existing Dask cluster (tcp://host:8786); paths must be readable on its workers.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary lines; errors only.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first file that cannot be scored.")
@click.option("--resume", is_flag=True, help="Keep the calls already in OUTPUT with the same content, score the rest.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write one row per seller (.csv, .parquet or .jsonl).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a dashboard page of the run.")
@click.option("--tags", "tags_path", type=click.Path(dir_okay=False, path_type=Path), callback=lambda ctx, param, value: _check_table(value, param), help="Also write the tags, one row per tagged moment (.csv, .parquet or .jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the run (counts, files left out by reason, headline figures) as JSON on stdout.")
@click.option("--reports", "reports_dir", type=click.Path(file_okay=False, path_type=Path), help="Also write one HTML report per call into this folder.")
@click.option("--raw-csv", is_flag=True, help="Write the text cells of CSV outputs as they are. By default a cell that begins with =, +, -, @, a tab or a carriage return (which a spreadsheet would run as a formula) gets a leading apostrophe; numbers are never changed. Give it again with --resume.")
@trackers_option
@taggers_option
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False, path_type=Path), help="A CSV of call metadata: a path or file column, and any of date, rep, team, call_type, outcome (won/lost), account.")
def score(
    trackers_path, manifest_path,
    paths, output, globs, excludes, hidden, follow_links, roles_file, sellers, buyers, others, fmt, config,
    base_model, model_path, no_model, workers, engine, scheduler, quiet, fail_fast, resume, summary_path,
    html_path, reports_dir, raw_csv=False,
    tags_path=None, as_json=False, taggers="default",
) -> None:  # fmt: skip
    """Score every call in PATHS (files, and folders searched recursively) into OUTPUT.

    One row a call: the flat result plus path, status (ok or error), error,
    sha256 of the file and analyzer version. A file that cannot be read
    becomes an error row and the run goes on; the exit code is 1 when any
    file failed.
    """
    from .. import batch
    from ..errors import CallcoachError

    try:
        options, files = _prepare(
            paths, output, globs, excludes, hidden, roles_file, sellers, buyers, others, fmt, config,
            base_model, engine, workers, scheduler, summary_path, html_path, reports_dir, follow_links,
        )  # fmt: skip
        options = _with_trackers_and_manifest(options, trackers_path, manifest_path, files)
        options = batch.with_model(options, model_arg(model_path, no_model))
        options = replace(options, follow_links=follow_links, taggers=taggers)  # (E320 for a --taggers folder without models)
        _check_outputs(paths, files, output, summary_path, html_path, reports_dir, globs, excludes, hidden, tags_path)
        lock = _lock([output, summary_path, html_path, tags_path])
    except (CallcoachError, ValueError, OSError, ImportError) as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    if not (quiet or as_json):  # the first line of the run's report: the model (each worker checks it against its card)
        click.echo(model_line(options.model))

    with lock:
        if reports_dir is not None:
            reports_dir.mkdir(parents=True, exist_ok=True)
        run = _run(
            files, output, options, csv_guard=not raw_csv, quiet=quiet, engine=engine, workers=workers, scheduler=scheduler,
            resume=resume, fail_fast=fail_fast, keep_rows=html_path is not None, tags=tags_path,
        )  # fmt: skip
        try:
            _write_extras(run, summary_path, html_path, reports_dir, csv_guard=not raw_csv)
        except OSError as exc:
            err(f"cannot write {exc.filename or ''}: {exc.strerror or exc}")
            sys.exit(EXIT_INPUT_ERROR)
    _tell(run, as_json, quiet, summary_path, html_path, reports_dir)
    _report_errors(run, output, files.unreadable)
    _notes(run, sellers, buyers, reports_dir)
    sys.exit(EXIT_FINDINGS if run.failed or files.unreadable else EXIT_OK)


def _run(files, output, options, *, csv_guard=True, quiet, engine, workers, scheduler, resume, fail_fast, keep_rows, tags=None):
    """Score the files into the output with a progress bar; exit with the right code when the run fails."""
    from .. import batch
    from ..errors import CallcoachError

    progress = _Progress(len(files), enabled=not quiet)
    try:
        with progress:
            run = batch.score_to_file(
                files,
                output,
                options,
                engine=engine,
                workers=workers,
                scheduler=scheduler,
                resume=resume,
                fail_fast=fail_fast,
                on_row=progress.update,
                keep_rows=keep_rows,
                tags=tags,
                lock=False,  # the command has checked and locked every output
                csv_guard=csv_guard,
            )
        run.left_out = dict(getattr(files, "left_out", {}))
    except KeyboardInterrupt:
        err("interrupted; the calls scored so far are kept: run the same command with --resume to finish")
        sys.exit(EXIT_INTERRUPTED)
    except (CallcoachError, OSError) as exc:
        err(str(exc))
        sys.exit(EXIT_INPUT_ERROR)
    except Exception:  # noqa: BLE001
        internal_error("scoring", note=_kept_note(output))
    return run


def _kept_note(output: Path) -> str:
    """What survives a run that stopped on an internal error, and how to finish it."""
    from .. import batch

    journal = batch.journal_path(output)
    if journal.exists() and journal.stat().st_size > 0:
        return f"The calls scored so far are kept in {journal}: run the same command with --resume to finish."
    return ""


def _write_extras(
    run, summary_path: Path | None, html_path: Path | None, reports_dir: Path | None, *, csv_guard: bool = True
) -> None:
    """The per-seller summary and the dashboard, when asked for."""
    from .. import batch

    if summary_path is not None:
        batch.write_table(run.summary.rows(), summary_path, batch.SUMMARY_COLUMNS, csv_guard=csv_guard)
    if html_path is not None:
        from ..html import write_dashboard

        reports = None
        if reports_dir is not None:  # a row's path -> its report, relative to the page
            # (only a report that is there: a resumed run writes none for the
            # calls it does not score again)
            written = ((r["path"], batch.report_path(reports_dir, r["path"])) for r in run.rows if r.get("status") == "ok")
            reports = {
                path: Path(os.path.relpath(report, html_path.parent)).as_posix() for path, report in written if report.exists()
            }
        write_dashboard(run.rows, html_path, reports=reports)


def _notes(run, sellers, buyers, reports_dir: Path | None) -> None:
    """The notes on stderr after a run: names that speak in no call, reports not written."""
    _note_unmatched_names(run, sellers, buyers)
    _note_unreported(run, reports_dir)


def _note_unreported(run, reports_dir: Path | None) -> None:
    """A note when a resumed run with ``--reports`` skipped calls: it wrote no
    report for them (the dashboard links only the reports that are there)."""
    if reports_dir is None or not run.skipped:
        return
    from ..wording import plural

    one = run.skipped == 1
    err(
        f"note: {plural(run.skipped, 'call')} already in the output {'was' if one else 'were'} not scored again, so "
        f"this run wrote no report for {'it' if one else 'them'} in {reports_dir} (the dashboard links only the "
        "reports that are there); run without --resume to write every report"
    )


def _note_unmatched_names(run, sellers, buyers) -> None:
    """A note for each --seller or --buyer name that is a speaker of no call
    scored (a misspelt name would otherwise change nothing, unseen)."""
    from ..speakers import name_key

    for option, names in (("--seller", sellers), ("--buyer", buyers)):
        for name in names:
            if run.ok and name_key(name) not in run.speakers:
                click.echo(f"callcoach: note: {option} {name!r} is a speaker of none of the calls scored; check its spelling", err=True)


def _report_errors(run, output: Path, unreadable=()) -> None:
    """The first failed calls on stderr, the folders the scan could not read, and how the run stopped."""
    from ..display import shown_path

    for _, message in run.errors[:ERRORS_SHOWN]:
        err(message)
    if run.failed > ERRORS_SHOWN:
        err(f"... and {run.failed - ERRORS_SHOWN} more failed calls: see the rows with status 'error' in {output}")
    for folder, why in unreadable:
        err(f"cannot read the folder {shown_path(folder)} ({why}): none of its files is scored")
    if run.stopped:
        err("stopped at the first failed call (--fail-fast); run again with --resume to go on")


def _prepare(
    paths, output, globs, excludes, hidden, roles_file, sellers, buyers, others, fmt, config,
    base_model, engine, workers, scheduler, summary_path, html_path, reports_dir, follow_links=False,
):  # fmt: skip
    """Check every option before any work starts; returns (options, files)."""
    from .. import batch

    batch.output_format(output)
    _check_table(output)
    _check_table(summary_path)
    if summary_path is not None:
        batch.output_format(summary_path)
    batch.resolve_engine(engine, workers, scheduler)
    if (engine == "dask" or scheduler) and importlib.util.find_spec("distributed") is None:
        raise ImportError("the dask engine needs Dask distributed: pip install 'callcoach[dask]'")
    if (html_path or reports_dir) and importlib.util.find_spec("analyzer.html") is None:
        raise ImportError("HTML output (--html, --reports) is not available in this version of callcoach")
    batch.start_workers_early(engine, workers, scheduler)  # they load while the files are found
    roles = batch.read_batch_roles(roles_file) if roles_file else None
    options = batch.BatchOptions(
        format=fmt,
        roles=batch.RoleMap.build(sellers=sellers, buyers=buyers, others=others, roles=roles),
        thresholds=load_thresholds(config) if config else None,
        base_model=base_model,
        reports_dir=str(reports_dir) if reports_dir is not None else None,
        max_file_bytes=load_limits(config).max_file_bytes,
        max_json_values=load_limits(config).max_json_values,
        roots=tuple(os.fspath(p) for p in paths if p.is_dir()),
    )
    from ..batch.leftout import UNREADABLE_FOLDER, count_left_out

    unreadable: list[tuple[str, str]] = []
    files = _Files(batch.discover(paths, include=globs, exclude=excludes, hidden=hidden, follow_links=follow_links, unreadable=unreadable))
    files.left_out = count_left_out(paths, files, include=globs, exclude=excludes, hidden=hidden, follow_links=follow_links)
    if unreadable:  # said after the run, and the run exits 1: those files are not scored
        files.unreadable = unreadable
        files.left_out = {**files.left_out, UNREADABLE_FOLDER: len(unreadable)}
    if not files:
        unread = "".join(f"; cannot read the folder {folder} ({why})" for folder, why in unreadable)
        raise ValueError("no transcript files found in " + ", ".join(map(str, paths)) + _filter_hint(globs, excludes) + unread)
    return options, files


def _check_outputs(paths, files, output, summary_path, html_path, reports_dir, globs, excludes, hidden, tags_path=None) -> None:
    """Refuse, before any work, an output the run may not write (E610-E615): nothing is written then."""
    from .. import batch

    targets = [("-o", output)]
    if batch.journal_path(output) != output:
        targets.append(("the journal of -o", batch.journal_path(output)))
    for label, path in (("--summary", summary_path), ("--html", html_path), ("--tags", tags_path)):
        if path is not None:
            targets.append((label, path))
    targets += [(f"the lock of {label}", batch.lock_path(path)) for label, path in targets if "journal" not in label]
    batch.check_outputs(
        targets,
        files,
        scanned=[p for p in paths if p.is_dir()],
        scan=batch.Scan(include=globs, exclude=excludes, hidden=hidden),
        folders=[("--reports", reports_dir)] if reports_dir is not None else (),
    )


def _lock(outputs):
    """The lock of every output, held (E616 when another run holds one); stale locks noted on stderr."""
    from .. import batch

    lock = batch.OutputLock([p for p in outputs if p is not None]).acquire()
    for line in lock.notes():
        click.echo(f"callcoach: note: {line}", err=True)
    return lock


def _with_trackers_and_manifest(options, trackers_path: str | None, manifest_path: Path | None, files=()):
    """``options`` with the trackers and the manifest read (and checked against the
    run's ``files``: E356 for a file name alone that two of them have, and E207
    for such an entry of the roles file) before any call is scored."""
    from ..callmeta import read_manifest
    from ..trackers import resolve_trackers

    manifest = read_manifest(manifest_path) if manifest_path is not None else None
    if manifest is not None:
        manifest.check_names(files)
    if options.roles is not None:
        options.roles.check_files(files)
    return replace(options, trackers=resolve_trackers(trackers_path) if trackers_path else None, manifest=manifest)


class _Files(list):
    """The files a run takes, and what it left out of the folders it was given (``left_out``)."""

    left_out: dict = {}
    unreadable: tuple = ()  # (folder, why) of each folder the scan could not list


def _check_table(path: Path | None, param=None) -> Path | None:
    """A table output's format by extension, and pyarrow for Parquet: checked before any call is scored."""
    from .. import batch

    if path is None:
        return None
    try:
        fmt = batch.output_format(path)
    except ValueError as exc:
        if param is not None:
            raise click.BadParameter(str(exc), param=param) from None
        raise
    if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
        message = f"writing {path} (Parquet) needs pyarrow, which is missing: pip install pyarrow (a dependency of callcoach: reinstall it)"
        if param is not None:
            raise click.BadParameter(message, param=param)
        raise ImportError(message)
    return path


def _filter_hint(globs, excludes) -> str:
    if globs or excludes:
        return " that match the --include/--exclude patterns"
    return " (looked for *.txt, *.vtt, *.srt, *.csv, *.json, *.docx; use --include to choose others)"


class _Progress:
    """A rich progress bar on stderr: calls done, failed, words per second, time left."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        from rich.console import Console

        console = Console(stderr=True)
        self.enabled = enabled and console.is_terminal
        self.total = total
        self.failed = 0
        self.words = 0
        self.t0 = time.perf_counter()
        self.bar = None
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("scoring"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("calls  [red]{task.fields[failed]} failed[/]  {task.fields[wps]} words/s"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self.task = self.bar.add_task("score", total=total, failed=0, wps="-")

    def __enter__(self) -> "_Progress":
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, row: Mapping[str, Any]) -> None:
        if row.get("status") == "error":
            self.failed += 1
        self.words += int(row.get("words") or 0)
        if self.bar is not None:
            elapsed = time.perf_counter() - self.t0
            wps = f"{self.words / elapsed:,.0f}" if elapsed > 0 else "-"
            self.bar.update(self.task, advance=1, failed=self.failed, wps=wps)


def _tell(run, as_json: bool, quiet: bool, summary_path, html_path, reports_dir) -> None:
    """The end of a run on stdout: its JSON (``--json``), or the headline (not with ``--quiet``)."""
    if as_json:
        import json

        click.echo(json.dumps(run.to_dict(), indent=2, ensure_ascii=False))
    elif not quiet:
        _headline(run, summary_path, html_path, reports_dir)


def _headline(run, summary_path, html_path, reports_dir) -> None:
    from ..batch.leftout import describe_left_out
    from ..wording import plural

    h = run.summary.headline()
    parts = [
        f"scored {plural(run.scored, 'call')} in {run.seconds:.1f} s "
        f"({run.calls_per_second:,.1f} calls a second, {run.words_per_second:,.0f} words a second)"
    ]
    if run.skipped:
        parts.append(f"{run.skipped:,} already in the output")
    if run.left_out:
        parts.append(describe_left_out(run.left_out))
    click.echo("; ".join(parts))
    click.echo(f"{run.output}: {plural(run.calls, 'call')}, {run.ok:,} ok, {run.failed:,} failed")
    if run.summary.roles_to_check:
        click.echo(
            f"roles to check: {plural(run.summary.roles_to_check, 'call')} with inferred roles that need a look "
            "(rows with roles_confidence 'low'; name the speakers with --seller, --buyer or --roles)"
        )
    if h["calls"]:
        score = f"{h['mean_score']:.1f}" if h["mean_score"] is not None else (
            "n/a (no call scored)" if run.model else "n/a (no model loaded)"
        )
        share = "n/a" if h["median_seller_talk_share"] is None else f"{h['median_seller_talk_share']:.0%}"
        click.echo(
            f"sellers: {h['sellers']:,}; mean score: {score}; median seller talk share: {share}; "
            f"per call: {h['buyer_questions_per_call']:.1f} buyer questions, "
            f"{h['pitch_dumps_per_call']:.2f} pitch dumps, {h['if_then_closes_per_call']:.2f} conditional closes"
        )
    if run.tag_rows is not None:
        click.echo(f"tags: {plural(run.tag_rows, 'tagged moment')}")
    for label, path in (("summary", summary_path), ("dashboard", html_path), ("reports", reports_dir)):
        if path is not None:
            click.echo(f"{label}: {path}")
