"""The work function of every engine: one path in, one flat row out.

:func:`score_path` reads the file's bytes (to hash them, so that a resumed
run can skip a call it has already scored), hands them to the one entry
point of the analysis, :meth:`Analyzer.analyze_source
<analyzer.analysis.Analyzer.analyze_source>`, and turns the result, or
the coded error, into a row. It never raises for a bad file.

The :class:`~analyzer.analysis.Analyzer` (the spaCy pipeline and the
classifier) is built once per worker process and cached here
(:func:`analyzer_for`), never pickled per call. It is built by the first
call that passes the file checks, so a run whose files are all refused
(too large, not regular files, not decodable) or already scored (resume)
never loads a pipeline.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
from typing import TYPE_CHECKING, Any, Mapping

from ..display import shown_path
from ..callmeta import call_meta
from ..errors import CallcoachError
from .columns import ERROR, OK, SKIPPED, blank_row
from .options import BatchOptions, settings_fingerprint
from .reports import report_path

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis import Analyzer
    from ..transcript import Transcript

#: The key under which a row carries its call's tags to the run (never written as a column).
TAGS_KEY = "_tags"

_ANALYZERS: dict[tuple, "Analyzer"] = {}
_ANALYZERS_LOCK = threading.Lock()
_WORKER_OPTIONS: BatchOptions | None = None
_IDENTITIES: dict[Any, tuple[str | None, str | None]] = {}


class AnalyzerSetupError(CallcoachError):
    """The analyzer cannot be built (a base model that is not installed, a model
    file that cannot be used): no call can be scored, so the run stops."""


def analyzer_for(options: BatchOptions | None = None) -> "Analyzer":
    """The :class:`Analyzer` for ``options``, built once per process and cached.

    This is how every engine loads the pipeline once per worker: the first
    call in a process builds it, later calls reuse it.
    """
    options = options or BatchOptions()
    key = _analyzer_key(options)
    found = _ANALYZERS.get(key)
    if found is not None:
        return found
    with _ANALYZERS_LOCK:
        if key not in _ANALYZERS:
            from ..analysis import Analyzer

            if len(_ANALYZERS) >= 2:  # a long-lived worker fed other options
                _ANALYZERS.clear()
            try:
                _ANALYZERS[key] = Analyzer(
                    thresholds=options.thresholds,
                    base_model=options.base_model,
                    model=options.model,
                    trackers=options.trackers if options.trackers is not None else "default",
                    taggers=options.taggers,
                )
            except Exception as exc:  # noqa: BLE001 - any reason, one message
                raise AnalyzerSetupError(f"cannot build the analyzer: {exc}") from None
        return _ANALYZERS[key]


def _analyzer_key(options: BatchOptions) -> tuple:
    trackers = options.trackers.fingerprint() if options.trackers is not None else "default"
    return (options.thresholds, options.base_model, _model_key(options.model), trackers, options.taggers)


def _model_key(model: Any) -> Any:
    if model is None or isinstance(model, str):
        return model
    return ("artifact", getattr(model, "source", None), getattr(model, "name", None))


def _exit_with_parent(parent: int, run_pid: int | None = None) -> None:
    """Stop this worker when the process that started it, or the run's, is gone (killed, say)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent or (run_pid is not None and not _alive(run_pid)):
            os._exit(1)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # (Linux: a killed process whose parent has not reaped it yet is a zombie)
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().split(b") ", 1)[-1][:1] != b"Z"
    except OSError:
        return True


def init_worker(options: BatchOptions, run_pid: int | None = None) -> None:
    """Process-pool initializer: remember the options (the analyzer is built by
    the first call that needs it, see :func:`score_path`).

    A daemon thread ends the worker if its parent dies, or the run's own
    process (``run_pid``: a worker forked from a fork server has the server
    for its parent, which outlives a run killed with ``kill -9``), so a killed
    run leaves no orphaned workers holding memory and the caller's pipes.
    """
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = options
    threading.Thread(target=_exit_with_parent, args=(os.getppid(), run_pid), daemon=True).start()


def model_columns(options: BatchOptions) -> tuple[str | None, str | None]:
    """The ``model`` and ``model_digest`` of a row: those of the analyzer when this
    process has built it, else what the model's file and card record (read once
    per process), so a row refused before any analysis names the run's model too.
    Building the analyzer checks the recorded digest against the parameters."""
    built = _ANALYZERS.get(_analyzer_key(options))
    if built is not None:
        model = getattr(built, "model", None)
        return getattr(model, "name", None), getattr(model, "digest", None)
    key = _model_key(options.model)
    if key not in _IDENTITIES:
        from ..modelfile import model_identity

        try:
            found = model_identity(options.model)
        except CallcoachError:
            found = None  # building the analyzer refuses the model with its code
        _IDENTITIES[key] = (found["name"], found["digest"]) if found else (None, None)
    return _IDENTITIES[key]


def score_path(
    path: str | os.PathLike,
    expected_sha256: str | None = None,
    options: BatchOptions | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Score one file: the work function of every engine. Never raises for a bad file.

    path (str | PathLike): the transcript file. Rows, messages and reports
        name it by :func:`~analyzer.display.shown_path` (any name a file
        system allows becomes plain UTF-8).
    expected_sha256 (str | None): the hash of the row already in the output
        (resume); when the file still has it, the call is not analysed again
        and the row is ``{"path", "status": "skipped", "sha256"}``.
    options (BatchOptions | None): defaults to the worker's (set by the pool
        initializer), else to the defaults.
    name (str | None): the call's name in the row when the file is read by
        another path (a Dask worker reads the absolute path the client
        resolved; the row keeps the path as it was given).
    RETURNS (dict): one flat row (:func:`~analyzer.batch.columns.columns`);
        ``status`` is ``ok`` or ``error``, with the message in ``error``.
    """
    from ..inputs import check_json_values, read_file

    options = options or _WORKER_OPTIONS or BatchOptions()
    source = os.fspath(path)
    shown = name if name is not None else shown_path(source)
    row = blank_row(shown)
    row.update(call_meta(source, None, None, options.manifest).to_row())
    row["model"], row["model_digest"] = model_columns(options)
    row["settings"] = settings_fingerprint(options)
    try:
        data = read_file(
            source, max_bytes=_limit(options, "max_file_bytes"), name=shown, roots=options.roots,
            follow_links=options.follow_links,
        )
        check_json_values(data, shown, _limit(options, "max_json_values"))
        digest = hashlib.sha256(data).hexdigest()
        row["sha256"] = digest
        row["bytes"] = len(data)
        if expected_sha256 is not None and _same_work(expected_sha256, digest, row):
            return {"path": shown, "status": SKIPPED, "sha256": digest}
        transcript = _read_call(data, shown, options)  # a refused call costs no pipeline
        given = options.roles.for_call(source, transcript.speakers) if options.roles else None
        analyzer = analyzer_for(options)  # AnalyzerSetupError stops the run: no call could be scored
        row["model"], row["model_digest"] = model_columns(options)  # now checked against the parameters
        result = analyzer.analyze_transcript(transcript, roles=given)
    except AnalyzerSetupError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the run
        row["error"] = error_message(exc, shown)
        return row
    row.update(result.to_row())
    row.update(call_meta(source, data, result.format, options.manifest).to_row())
    row.pop("file", None)  # the row's one path column is `path`
    row["status"] = OK
    if options.tags:
        from ..tables import tag_rows

        row[TAGS_KEY] = tag_rows(result, shown)
    if options.reports_dir:
        try:
            from ..html import write_report

            write_report(result, report_path(options.reports_dir, shown), thresholds=analyzer.thresholds)
        except Exception as exc:  # noqa: BLE001
            row["status"] = ERROR
            row["error"] = f"{shown}: scored, but the HTML report was not written: {error_message(exc, shown)}"
    return row


def _read_call(data: bytes, shown: str, options: BatchOptions) -> "Transcript":
    """The call in ``data``, read and checked against every limit (E108 included)."""
    from ..config import default_thresholds
    from ..readers import read_call

    thresholds = options.thresholds or default_thresholds()
    return read_call(
        data, shown, format=options.format, speech_rate_words_per_second=thresholds.speech_rate_words_per_second
    )


def _limit(options: BatchOptions, name: str) -> int:
    """A limit of the run's options, else the default of ``[limits]``."""
    value = getattr(options, name)
    if value is not None:
        return value
    from ..config import default_limits

    return getattr(default_limits(), name)


def _same_work(expected: Any, digest: str, row: Mapping[str, Any]) -> bool:
    """Whether the row already in the output came from this file, model and settings."""
    if isinstance(expected, str):  # a bare hash: only the content is known
        return digest == expected
    sha, model, settings = expected
    return digest == sha and model == row.get("model") and settings == row.get("settings")


def error_message(exc: BaseException, source: str) -> str:
    """The message of an error row: the error's own text, naming the file."""
    if isinstance(exc, CallcoachError):
        msg = str(exc)
    elif isinstance(exc, UnicodeError):
        msg = f"cannot decode the text: {exc}"
    elif isinstance(exc, OSError):
        msg = f"cannot read: {exc.strerror or exc}"
    elif isinstance(exc, MemoryError):
        msg = "out of memory while analysing this call"
    else:
        msg = f"internal error ({type(exc).__name__}: {exc}); please report this"
    return msg if source in msg else f"{source}: {msg}"
