"""Score many calls: discovery, one work function, engines, streaming output.

The flow of a batch run (``callcoach score``, :func:`score_to_file`)::

    discover(paths) -> sorted files
        -> iter_rows: score_path(path) on an engine (sequential | process | dask)
        -> rows in path order -> append-only JSON Lines journal
        -> finalize: the output file (JSON Lines, CSV or Parquet), written atomically
        -> per-seller summary

- **One work function.** :func:`score_path` turns one path into one flat row
  (``AnalysisResult.to_row()`` plus ``path``, ``status``, ``error``,
  ``sha256``, ``bytes`` and ``analyzer_version``). It never raises for a bad
  file: an unreadable, empty, binary, malformed or too long file becomes a
  row with ``status: "error"`` and the message. Every engine runs this same
  function; the :class:`~analyzer.analysis.Analyzer` (the spaCy pipeline and
  the classifier) is built once per worker process and cached at module
  level (:func:`analyzer_for`), never pickled per call.
- **Engines.** ``sequential`` (this process), ``process`` (a
  ``ProcessPoolExecutor`` with spawned workers, an initializer that builds
  the analyzer, and a bounded window of calls in flight, so memory stays
  flat) and ``dask`` (a ``LocalCluster`` or an existing scheduler). Rows come
  back in submission order, which is path order, whatever the worker count.
- **Nothing lost, nothing doubled.** Rows are appended to a JSON Lines
  journal as they come, one ``write`` per row, flushed at once and
  fsynced at least every ``fsync_seconds``: after a kill the journal is
  valid up to its last complete line. For JSON Lines output the journal is
  the output; for CSV and Parquet it is a hidden ``.NAME.partial.jsonl``
  beside it, converted at the end into a temporary file that is renamed
  over the output. ``resume=True`` skips every call whose path is in the
  output (or journal) with the same content hash (sha256 of the file's
  bytes), error rows included (the same bytes fail the same way; a file
  that could not be read has no hash and is tried again); the final output
  keeps one row per path, the newest, sorted by path.

The library entry points are :func:`score_paths` (paths in, DataFrame out)
and :func:`score_dataframe` (a table of cues in, one row per call out, for a
warehouse or Spark ``applyInPandas``).
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import statistics
import tempfile
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from . import __version__
from .errors import CallcoachError, RolesError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .analysis import Analyzer
    from .config import Thresholds

#: File extensions scored by default when a folder is given (case-insensitive).
TRANSCRIPT_EXTENSIONS = (".txt", ".vtt", ".srt", ".csv", ".json")
#: Gold annotation sidecars (``spec/gold-format.md``): never transcripts.
GOLD_SUFFIX = ".gold.json"
ENGINES = ("sequential", "process", "dask")
#: Output formats by file extension.
OUTPUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
#: The columns a batch adds in front of ``AnalysisResult.to_row()``.
BATCH_COLUMNS = ("path", "status", "error", "sha256", "bytes", "analyzer_version", "settings")
OK = "ok"
ERROR = "error"
SKIPPED = "skipped"  # resume: already in the output with the same hash (never written)
ROLE_NAMES = ("seller", "buyer", "other")
NO_SELLER = "(no seller)"


# ---------------------------------------------------------------------------
# Discovery


def discover(
    paths: Iterable[str | os.PathLike],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    hidden: bool = False,
    gold: bool = False,
    extensions: Sequence[str] = TRANSCRIPT_EXTENSIONS,
    skip: Iterable[str | os.PathLike] = (),
) -> list[str]:
    """The transcript files under ``paths``, sorted by path, each once.

    A file named in ``paths`` is always taken. A folder is walked
    recursively; a file in it is taken when it matches an ``include`` glob
    (or, with no ``include`` globs, has one of ``extensions``) and matches no
    ``exclude`` glob. Hidden files and folders (a name starting with ``.``)
    and gold sidecars (``*.gold.json``) are skipped unless ``hidden`` or
    ``gold`` is set.

    Globs are matched against the path relative to the folder given, with
    ``/`` separators: ``*`` and ``?`` stay within one folder, ``**`` crosses
    folders, and a glob without ``/`` matches the name at any depth
    (``*.vtt``, ``archive``). An ``include`` glob starting with ``!`` is an
    exclude glob.

    paths (Iterable[str | PathLike]): files and folders.
    include, exclude (Sequence[str]): globs.
    hidden (bool): also take hidden files and folders. Defaults to False.
    gold (bool): also take ``*.gold.json`` files. Defaults to False.
    extensions (Sequence[str]): the default filter. Defaults to
        :data:`TRANSCRIPT_EXTENSIONS`.
    skip (Iterable[str | PathLike]): files never to take (the output itself).
    RETURNS (list[str]): normalised paths, sorted.
    RAISES: FileNotFoundError for a path that does not exist.
    """
    includes = [g for g in include if not g.startswith("!")]
    excludes = list(exclude) + [g[1:] for g in include if g.startswith("!")]
    inc = [_Glob(g) for g in includes]
    exc = [_Glob(g) for g in excludes]
    exts = tuple(e.lower() for e in extensions)
    skip_real = {os.path.realpath(p) for p in skip}
    found: set[str] = set()

    def take(rel: str, name: str) -> bool:
        if not hidden and any(part.startswith(".") for part in rel.split("/")):
            return False
        if not gold and name.lower().endswith(GOLD_SUFFIX):
            return False
        if any(g.match(rel) for g in exc):
            return False
        if inc:
            return any(g.match(rel) for g in inc)
        return name.lower().endswith(exts)

    for given in paths:
        root = os.path.normpath(os.fspath(given))
        if os.path.isfile(root):
            found.add(root)
            continue
        if not os.path.isdir(root):
            raise FileNotFoundError(f"no such file or folder: {given}")
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = sorted(
                d
                for d in dirnames
                if (hidden or not d.startswith("."))
                and not any(g.match(rel_dir + d) for g in exc)
            )
            for name in filenames:
                if take(rel_dir + name, name):
                    found.add(os.path.normpath(os.path.join(dirpath, name)))
    if skip_real:
        found = {p for p in found if os.path.realpath(p) not in skip_real}
    return sorted(found)


class _Glob:
    """One glob, matched against a ``/``-separated relative path."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        pattern = pattern.replace(os.sep, "/").lstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        self.anchored = "/" in pattern.rstrip("/")
        if pattern.endswith("/"):  # a folder: everything in it
            pattern += "**"
        self.regex = re.compile(_glob_to_regex(pattern))

    def match(self, rel: str) -> bool:
        if self.anchored:
            return self.regex.match(rel) is not None
        return self.regex.match(rel.rsplit("/", 1)[-1]) is not None

    def __repr__(self) -> str:  # pragma: no cover
        return f"_Glob({self.pattern!r})"


def _glob_to_regex(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out) + r"\Z"


# ---------------------------------------------------------------------------
# Roles for a batch


@dataclass(frozen=True)
class RoleMap:
    """Given roles for a batch of calls.

    speakers (Mapping[str, str]): speaker name to role, for every call in
        which that name speaks (a call without that speaker ignores it, so
        one file can list a whole team).
    files (Mapping[str, Mapping[str, str]]): a file (its path, or the end of
        its path such as ``team-a/acme.vtt`` or ``acme.vtt``) to the roles of
        that call; these win over ``speakers`` and must name speakers of the
        call.
    """

    speakers: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, role in list(self.speakers.items()) + [
            (n, r) for m in self.files.values() for n, r in m.items()
        ]:
            if str(role).strip().lower() not in ROLE_NAMES:
                raise RolesError(
                    f"role {role!r} for {name!r} is not one of {', '.join(ROLE_NAMES)}", code="E202"
                )
        # file keys by their last part, so that a call finds its entry without a scan
        by_name: dict[str, list[tuple[str, str]]] = {}
        for key in self.files:
            norm = os.path.normpath(key).replace(os.sep, "/")
            by_name.setdefault(norm.rsplit("/", 1)[-1], []).append((norm, key))
        object.__setattr__(self, "_by_name", by_name)

    def __bool__(self) -> bool:
        return bool(self.speakers or self.files)

    @classmethod
    def build(
        cls,
        *,
        sellers: Iterable[str] = (),
        buyers: Iterable[str] = (),
        others: Iterable[str] = (),
        roles: Mapping[str, str] | "RoleMap" | None = None,
    ) -> "RoleMap":
        """A role map from ``--seller``/``--buyer``/``--other`` names and a mapping or map.

        RAISES: RolesError when one name is given two roles (E203) or a role
            name is unknown (E202).
        """
        base = roles if isinstance(roles, RoleMap) else cls(speakers=dict(roles or {}))
        speakers: dict[str, str] = {}
        pairs = [(n, "seller") for n in sellers] + [(n, "buyer") for n in buyers] + [(n, "other") for n in others]
        pairs += [(n, str(r).strip().lower()) for n, r in base.speakers.items()]
        for name, role in pairs:
            key = name.strip()
            if speakers.get(key, role) != role:
                raise RolesError(f"{key!r} is given two roles: {speakers[key]} and {role}", code="E203")
            speakers[key] = role
        return cls(speakers=speakers, files=dict(base.files))

    def for_call(self, path: str, speakers: Sequence[str]) -> dict[str, str]:
        """The given roles of one call: name (as the call spells it) to role."""
        by_lower: dict[str, list[str]] = {}
        for s in speakers:
            by_lower.setdefault(s.strip().lower(), []).append(s)

        def resolve(name: str) -> str | None:
            if name in speakers:
                return name
            found = by_lower.get(name.strip().lower(), [])
            return found[0] if len(found) == 1 else None

        out: dict[str, str] = {}
        for name, role in self.speakers.items():
            speaker = resolve(name)
            if speaker is not None:
                out[speaker] = role
        for name, role in self._file_roles(path).items():
            out[resolve(name) or name] = role  # an unknown name is the analyzer's E201
        return out

    def _file_roles(self, path: str) -> Mapping[str, str]:
        """The roles of the file entry that is the longest tail of ``path``."""
        norm = os.path.normpath(path).replace(os.sep, "/")
        best: tuple[str, str] | None = None
        for key, original in self._by_name.get(norm.rsplit("/", 1)[-1], ()):
            if norm == key or norm.endswith("/" + key) or os.path.abspath(norm) == os.path.abspath(key):
                if best is None or len(key) > len(best[0]):
                    best = (key, original)
        return self.files[best[1]] if best is not None else {}


def read_batch_roles(path: str | os.PathLike) -> RoleMap:
    """Read a roles file for a batch.

    Accepted shapes:

    - JSON ``{"Dana Reyes": "seller", ...}`` or ``{"speakers": {...}}``: roles
      by name, for every call (as :func:`analyzer.roles.read_roles_file`);
    - JSON ``{"files": {"calls/acme.vtt": {"Dana Reyes": "seller"}}, "speakers": {...}}``
      or ``{"calls/acme.vtt": {...}}``: roles per file, plus roles by name;
    - CSV with the header ``speaker,role``: roles by name;
    - CSV with the header ``file,speaker,role``: roles per file (an empty
      ``file`` cell means every call).

    RAISES: RolesError (E204 unreadable, E205 bad JSON, E206 bad CSV, E202
        unknown role).
    """
    from .roles import read_roles_file, read_roles_text

    path = Path(path)
    text = read_roles_text(path)
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RolesError(
                f"{path}, line {exc.lineno}: expected a JSON object of speaker to role ({exc.msg})", code="E205"
            ) from None
        if not isinstance(data, dict):
            raise RolesError(f"{path}: expected a JSON object", code="E205")
        if "files" not in data and not any(isinstance(v, dict) for k, v in data.items() if k != "speakers"):
            return RoleMap(speakers=read_roles_file(path))
        # per-file roles: under "files", or top-level objects; top-level strings are roles by name
        files = data.get("files", {k: v for k, v in data.items() if k != "speakers" and isinstance(v, dict)})
        speakers = dict(data.get("speakers", {}))
        speakers.update({k: v for k, v in data.items() if k not in ("files", "speakers") and not isinstance(v, dict)})
        if not isinstance(files, dict) or not all(
            isinstance(m, dict) and all(isinstance(r, str) for r in m.values()) for m in files.values()
        ):
            raise RolesError(f"{path}: expected \"files\" to map file names to {{speaker: role}} objects", code="E205")
        if not all(isinstance(r, str) for r in speakers.values()):
            raise RolesError(f"{path}: expected speaker names to map to roles", code="E205")
        return RoleMap(speakers=speakers, files={k: dict(v) for k, v in files.items()})
    rows = list(csv.reader(io.StringIO(text)))
    header = [c.strip().lower() for c in rows[0][:3]] if rows else []
    if header != ["file", "speaker", "role"]:
        return RoleMap(speakers=read_roles_file(path))
    speakers: dict[str, str] = {}
    files: dict[str, dict[str, str]] = {}
    for n, row in enumerate(rows[1:], 2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 3:
            raise RolesError(f"{path}, line {n}: expected 'file,speaker,role', found {row!r}", code="E206")
        file, name, role = (c.strip() for c in row[:3])
        if file:
            files.setdefault(file, {})[name] = role
        else:
            speakers[name] = role
    return RoleMap(speakers=speakers, files=files)


# ---------------------------------------------------------------------------
# Options and the work function


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs to score a call, sent to each worker once.

    format (str | None): force a transcript format (``analyzer.readers.FORMATS``).
    roles (RoleMap): given roles; calls and speakers it does not name are inferred.
    thresholds (Thresholds | None): defaults to ``analyzer/defaults.cfg``.
    base_model (str | None): an installed spaCy pipeline to build on.
    reports_dir (str | None): write one HTML report per call there
        (:func:`report_path`), from the worker that holds the result.
    model (str | None): the classifier: ``"default"`` (the shipped one), a
        model file, or None (no score). Each worker loads and checks it once
        (the parent stays light: it never imports the model's libraries).
    """

    format: str | None = None
    roles: RoleMap = field(default_factory=RoleMap)
    thresholds: "Thresholds | None" = None
    base_model: str | None = None
    reports_dir: str | None = None
    model: Any = "default"


def with_model(options: BatchOptions, model: Any) -> BatchOptions:
    """``options`` with the classifier ``model`` (``"default"``, a path, or None)."""
    if model is not None and not isinstance(model, str):
        model = os.fspath(model)
    return replace(options, model=model)


def _model_key(model: Any) -> Any:
    if model is None or isinstance(model, str):
        return model
    return ("artifact", getattr(model, "source", None), getattr(model, "name", None))


_ANALYZERS: dict[tuple, "Analyzer"] = {}
_ANALYZERS_LOCK = threading.Lock()
_WORKER_OPTIONS: BatchOptions | None = None


def analyzer_for(options: BatchOptions | None = None) -> "Analyzer":
    """The :class:`Analyzer` for ``options``, built once per process and cached.

    This is how every engine loads the pipeline once per worker: the first
    call in a process builds it, later calls reuse it.
    """
    options = options or BatchOptions()
    key = (options.thresholds, options.base_model, _model_key(options.model))
    found = _ANALYZERS.get(key)
    if found is not None:
        return found
    with _ANALYZERS_LOCK:
        if key not in _ANALYZERS:
            from .analysis import Analyzer

            if len(_ANALYZERS) >= 2:  # a long-lived worker fed other options
                _ANALYZERS.clear()
            try:
                _ANALYZERS[key] = Analyzer(
                    thresholds=options.thresholds, base_model=options.base_model, model=options.model
                )
            except Exception as exc:  # noqa: BLE001 - any reason, one message
                raise AnalyzerSetupError(f"cannot build the analyzer: {exc}") from None
        return _ANALYZERS[key]


class AnalyzerSetupError(CallcoachError):
    """The analyzer cannot be built (a base model that is not installed, a model
    file that cannot be used): no call can be scored, so the run stops."""


def settings_fingerprint(options: BatchOptions) -> str:
    """A short hash of everything besides the file and the model that decides a row.

    Resume keeps a row only when the file, the model and these settings (the
    thresholds, roles, forced format, base pipeline and analyzer version) are
    all the same as in this run.
    """
    thresholds = dataclasses.asdict(options.thresholds) if options.thresholds is not None else None
    key = json.dumps(
        [thresholds, repr(options.roles), options.format, options.base_model, __version__],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _same_work(expected: Any, digest: str, row: Mapping[str, Any]) -> bool:
    """Whether the row already in the output came from this file, model and settings."""
    if isinstance(expected, str):  # a bare hash: only the content is known
        return digest == expected
    sha, model, settings = expected
    return digest == sha and model == row.get("model") and settings == row.get("settings")


def _exit_with_parent(parent: int) -> None:
    """Stop this worker when the process that started it is gone (killed, say)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(options: BatchOptions) -> None:
    """Process-pool initializer: remember the options and build the analyzer.

    A daemon thread ends the worker if its parent dies, so a killed run leaves
    no orphaned workers holding memory and the caller's pipes.
    """
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = options
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        analyzer_for(options)
    except AnalyzerSetupError:
        pass  # raised again by the first call, in the parent, where it stops the run


def score_path(
    path: str | os.PathLike,
    expected_sha256: str | None = None,
    options: BatchOptions | None = None,
) -> dict[str, Any]:
    """Score one file: the work function of every engine. Never raises for a bad file.

    path (str | PathLike): the transcript file.
    expected_sha256 (str | None): the hash of the row already in the output
        (resume); when the file still has it, the call is not analysed again
        and the row is ``{"path", "status": "skipped", "sha256"}``.
    options (BatchOptions | None): defaults to the worker's (set by the pool
        initializer), else to the defaults.
    RETURNS (dict): one flat row (:func:`columns`); ``status`` is ``ok`` or
        ``error``, with the message in ``error``.
    """
    options = options or _WORKER_OPTIONS or BatchOptions()
    source = os.fspath(path)
    analyzer = analyzer_for(options)  # AnalyzerSetupError stops the run: no call could be scored
    row = _blank_row(source)
    row["model"] = getattr(getattr(analyzer, "model", None), "name", None)
    row["settings"] = settings_fingerprint(options)
    try:
        from .readers import read_bytes

        data = read_bytes(source)
        digest = hashlib.sha256(data).hexdigest()
        row["sha256"] = digest
        row["bytes"] = len(data)
        if expected_sha256 is not None and _same_work(expected_sha256, digest, row):
            return {"path": source, "status": SKIPPED, "sha256": digest}
        result = _analyse_bytes(analyzer, data, source, options)
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the run
        row["error"] = error_message(exc, source)
        return row
    row.update(result.to_row())
    row["status"] = OK
    if options.reports_dir:
        try:
            from .html import write_report

            write_report(result, report_path(options.reports_dir, source), thresholds=analyzer.thresholds)
        except Exception as exc:  # noqa: BLE001
            row["status"] = ERROR
            row["error"] = f"{source}: scored, but the HTML report was not written: {error_message(exc, source)}"
    return row


def _analyse_bytes(analyzer: "Analyzer", data: bytes, source: str, options: BatchOptions):
    from .readers import decode, read_text

    transcript = read_text(
        decode(data, source),
        source=source,
        format=options.format,
        speech_rate_words_per_second=analyzer.thresholds.speech_rate_words_per_second,
    )
    roles = options.roles.for_call(source, transcript.speakers) if options.roles else {}
    return analyzer.analyze_transcript(transcript, roles=roles or None)


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


def report_path(reports_dir: str | os.PathLike, path: str) -> Path:
    """Where ``--reports`` writes the HTML report of the call at ``path``."""
    norm = os.path.normpath(path).replace(os.sep, "/")
    tag = hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    norm = re.sub(r"^(\.\./|/)+", "", norm)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", norm.replace("/", "__"))
    # The readable name can collide ("a/b.csv" and "a__b.csv"); the hash of the
    # path cannot (in practice), so every call gets its own report.
    return Path(reports_dir) / f"{name}-{tag}.html"


# ---------------------------------------------------------------------------
# Columns


def result_columns() -> tuple[str, ...]:
    """The keys of ``AnalysisResult.to_row()``, in order, without analysing a call."""
    from .metrics import Metrics
    from .result import AnalysisResult

    metrics = Metrics(**{f.name: None for f in dataclasses.fields(Metrics)})
    kwargs: dict[str, Any] = {
        f.name: None
        for f in dataclasses.fields(AnalysisResult)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    kwargs.update(file="", format="", timed=False, speakers=(), metrics=metrics, tags=(), feedback=())
    return tuple(AnalysisResult(**kwargs).to_row())


_COLUMNS: tuple[str, ...] | None = None


def columns() -> tuple[str, ...]:
    """Every column of a batch row: :data:`BATCH_COLUMNS`, then the result's."""
    global _COLUMNS
    if _COLUMNS is None:
        _COLUMNS = BATCH_COLUMNS + tuple(c for c in result_columns() if c not in BATCH_COLUMNS)
    return _COLUMNS


def _blank_row(source: str) -> dict[str, Any]:
    from .result import SCHEMA_VERSION

    row: dict[str, Any] = dict.fromkeys(columns())
    row.update(path=source, status=ERROR, analyzer_version=__version__, schema_version=SCHEMA_VERSION, file=source)
    return row


def _error_row(source: str, message: str) -> dict[str, Any]:
    row = _blank_row(source)
    row["error"] = message if source in message else f"{source}: {message}"
    return row


def column_kinds() -> dict[str, str]:
    """The type of each known column: ``str``, ``int``, ``float`` or ``bool``."""
    from .metrics import Metrics

    kinds = {
        "path": "str", "status": "str", "error": "str", "sha256": "str", "bytes": "int",
        "analyzer_version": "str", "settings": "str", "schema_version": "int", "file": "str", "format": "str",
        "duration_seconds": "float", "timed": "bool", "score": "float", "label": "str",
        "model": "str", "speakers": "int", "sellers": "str", "buyers": "str",
        "roles_inferred": "bool", "words": "int", "feedback_codes": "str",
    }  # fmt: skip
    for f in dataclasses.fields(Metrics):
        kinds[f.name] = "float" if "float" in str(f.type) else "int"
    return kinds


# ---------------------------------------------------------------------------
# Engines


def resolve_engine(engine: str | None, workers: int | None, scheduler: str | None) -> tuple[str, int]:
    """The engine and worker count a run will use.

    No engine: ``dask`` with a scheduler address, else ``sequential`` for one
    worker and ``process`` for more. No worker count: every core.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    n = workers or _cpu_count()
    if scheduler:
        if engine not in (None, "dask"):
            raise ValueError(f"a scheduler address needs the dask engine, not {engine!r}")
        return "dask", n
    if engine is None:
        return ("sequential" if n == 1 else "process"), n
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    return engine, n


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def iter_rows(
    files: Sequence[str],
    options: BatchOptions | None = None,
    *,
    engine: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    done: Mapping[str, str] | None = None,
    window: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Score ``files`` and yield one row each, in the order of ``files``.

    files (Sequence[str]): the paths (:func:`discover` gives them sorted).
    options (BatchOptions | None): the options for every call.
    engine (str | None): ``sequential``, ``process`` or ``dask`` (see :func:`resolve_engine`).
    workers (int | None): worker processes. Defaults to every core.
    scheduler (str | None): the address of a Dask scheduler.
    done (Mapping[str, str] | None): path to the content hash already in the
        output; those calls yield a ``skipped`` row when unchanged.
    window (int | None): calls in flight at most (memory stays flat).
        Defaults to 8 per worker, at least 16.
    YIELDS (dict): rows, as :func:`score_path` returns them.
    """
    options = options or BatchOptions()
    engine, n = resolve_engine(engine, workers, scheduler)
    n = max(1, min(n, len(files)))
    done = done or {}
    tasks = ((p, done.get(p)) for p in files)
    window = window or max(16, 8 * n)
    if engine == "sequential":
        for path, expected in tasks:
            yield score_path(path, expected, options)
    elif engine == "process":
        yield from _process_rows(tasks, options, n, window)
    else:
        yield from _dask_rows(tasks, options, n, scheduler, window)


def _process_rows(
    tasks: Iterable[tuple[str, str | None]],
    options: BatchOptions,
    workers: int,
    window: int,
    work: Callable[..., dict[str, Any]] = score_path,
) -> Iterator[dict[str, Any]]:
    """Rows from a pool of spawned worker processes, in task order.

    At most ``window`` calls are in flight. If a worker process dies (killed
    for memory, or a crash in a library), the calls that were in flight are
    run again one at a time in a pool of their own: the one that kills its
    worker again becomes an error row, and the run goes on.
    """
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")

    def new_pool(n: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker, initargs=(options,))

    pools = [new_pool(workers)]
    pending: deque = deque()
    tasks = iter(tasks)
    try:
        while True:
            while len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    break
                pending.append((task, pools[0].submit(work, task[0], task[1])))
            if not pending:
                return
            task, future = pending.popleft()
            try:
                row = future.result()
            except BrokenProcessPool:
                suspects = [task] + [t for t, _ in pending]
                pending.clear()
                pools[0].shutdown(wait=True, cancel_futures=True)
                pools[0] = new_pool(1)
                for t in suspects:
                    try:
                        row = pools[0].submit(work, t[0], t[1]).result()
                    except BrokenProcessPool:
                        pools[0].shutdown(wait=True)
                        pools[0] = new_pool(1)
                        row = _error_row(
                            t[0], "the worker process died while analysing this call (out of memory, or a crash)"
                        )
                    yield row
                pools[0].shutdown(wait=True)
                pools[0] = new_pool(workers)
                continue
            yield row
    finally:
        for _, future in pending:
            future.cancel()
        pools[0].shutdown(wait=True, cancel_futures=True)


def _dask_rows(
    tasks: Iterable[tuple[str, str | None]],
    options: BatchOptions,
    workers: int,
    scheduler: str | None,
    window: int,
) -> Iterator[dict[str, Any]]:
    """Rows from Dask workers, in task order: a new ``LocalCluster``, or ``scheduler``.

    The options are scattered to every worker once; each worker builds its
    analyzer on its first call (:func:`analyzer_for`) and keeps it. With a
    remote cluster the paths must be readable on the workers (a shared
    mount, absolute paths).
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ImportError(
            "the dask engine needs Dask distributed: pip install 'callcoach[dask]'"
        ) from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
    pending: deque = deque()
    run = uuid.uuid4().hex[:12]
    tasks = iter(tasks)
    try:
        opts = client.scatter(options, broadcast=True, hash=False)
        i = 0
        while True:
            while len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    break
                key = f"callcoach-score-{run}-{i}"
                i += 1
                pending.append((task, client.submit(score_path, task[0], task[1], opts, key=key, pure=False)))
            if not pending:
                return
            task, future = pending.popleft()
            try:
                row = future.result()
            except AnalyzerSetupError:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: one call, not the run
                row = _error_row(task[0], f"the Dask task failed: {type(exc).__name__}: {exc}")
            future.release()
            yield row
    finally:
        if pending:
            client.cancel([f for _, f in pending])
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------
# Library entry points


def score_paths(
    paths: Iterable[str | os.PathLike],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    format: str | None = None,
    sellers: Iterable[str] = (),
    buyers: Iterable[str] = (),
    roles: Mapping[str, str] | RoleMap | str | os.PathLike | None = None,
    thresholds: "Thresholds | None" = None,
    base_model: str | None = None,
    workers: int | None = 1,
    engine: str | None = None,
    scheduler: str | None = None,
    model: Any = "default",
) -> "pd.DataFrame":
    """Score every transcript under ``paths``; one row a call, sorted by path.

    paths: files and folders (see :func:`discover` for ``include``/``exclude``).
    format (str | None): force a transcript format.
    sellers, buyers (Iterable[str]): names of sellers and buyers, for every
        call in which they speak.
    roles: a mapping of name to role, a :class:`RoleMap`, or a roles file
        (:func:`read_batch_roles`).
    thresholds (Thresholds | None): defaults to ``analyzer/defaults.cfg``.
    base_model (str | None): an installed spaCy pipeline to build on.
    workers (int | None): worker processes; None for every core. Defaults to 1
        (this process). Worker processes are spawned, so a script that asks
        for more than one must call this under ``if __name__ == "__main__":``.
    engine, scheduler: see :func:`iter_rows`.
    model: the classifier: ``"default"`` (the shipped one), a model file, a
        loaded model, or None for no score.
    RETURNS (pandas.DataFrame): :func:`columns`; bad files are rows with
        ``status == "error"``.
    """
    import pandas as pd

    if isinstance(roles, (str, os.PathLike)):
        roles = read_batch_roles(roles)
    options = BatchOptions(
        format=format,
        roles=RoleMap.build(sellers=sellers, buyers=buyers, roles=roles),
        thresholds=thresholds,
        base_model=base_model,
    )
    options = with_model(options, model)
    files = discover(paths, include=include, exclude=exclude)
    rows = list(iter_rows(files, options, engine=engine, workers=workers, scheduler=scheduler))
    return pd.DataFrame.from_records(rows, columns=list(columns()))


#: The columns :func:`score_dataframe` returns before the result's.
DATAFRAME_COLUMNS = ("call_id", "status", "error", "analyzer_version")


def score_dataframe(
    df: "pd.DataFrame",
    *,
    call_id: str = "call_id",
    speaker: str = "speaker",
    text: str = "text",
    start: str | None = "start",
    end: str | None = "end",
    role: str | None = None,
    sellers: Iterable[str] = (),
    buyers: Iterable[str] = (),
    roles: Mapping[str, str] | RoleMap | None = None,
    thresholds: "Thresholds | None" = None,
    base_model: str | None = None,
    analyzer: "Analyzer | None" = None,
) -> "pd.DataFrame":
    """Score transcripts that are already in a table, one row a cue.

    This is how a warehouse job hands calls over, or Spark:
    ``sdf.groupby("call_id").applyInPandas(score_dataframe, schema)``. The
    analyzer is built once per Python process (:func:`analyzer_for`).

    df (pandas.DataFrame): one row per cue (caption, segment or utterance).
    call_id, speaker, text (str): the columns of the call, the speaker's name
        and the spoken text.
    start, end (str | None): the columns of the cue's start and end in
        seconds; when the default names are not columns of ``df``, the calls
        are untimed. Within a call, cues are put in order of ``start`` when
        there is one (stable), else kept in table order.
    role (str | None): a column with each cue's speaker role (``seller``,
        ``buyer``, ``other``); empty cells leave the speaker to inference.
    sellers, buyers, roles: given roles by name, for every call (see :class:`RoleMap`).
    thresholds, base_model: for the analyzer; ignored when ``analyzer`` is given.
    analyzer (Analyzer | None): an analyzer to use instead.
    RETURNS (pandas.DataFrame): one row per call, sorted by call id:
        :data:`DATAFRAME_COLUMNS` then the result's columns. A call that
        cannot be analysed is a row with ``status == "error"``.
    RAISES: KeyError when a named column is missing.
    """
    import pandas as pd

    from .transcript import Cue, Transcript

    start_col = _optional_column(df, start, "start")
    end_col = _optional_column(df, end, "end")
    for name in (call_id, speaker, text) + ((role,) if role else ()):
        if name not in df.columns:
            raise KeyError(f"no column {name!r} in the DataFrame; its columns are: {', '.join(map(str, df.columns))}")
    role_map = RoleMap.build(sellers=sellers, buyers=buyers, roles=roles)
    analyzer = analyzer or analyzer_for(BatchOptions(thresholds=thresholds, base_model=base_model))
    result_cols = [c for c in result_columns() if c not in DATAFRAME_COLUMNS]
    out: list[dict[str, Any]] = []
    for cid, group in df.groupby(call_id, sort=True, dropna=False):
        if start_col is not None:
            group = group.sort_values(start_col, kind="stable", na_position="last")
        source = str(cid)
        row: dict[str, Any] = dict.fromkeys(list(DATAFRAME_COLUMNS) + result_cols)
        row.update(call_id=cid, status=ERROR, analyzer_version=__version__)
        try:
            cues = [
                Cue(
                    speaker=_cell_text(spk),
                    text=_cell_text(txt),
                    start=_cell_float(s),
                    end=_cell_float(e),
                    line=i,
                )
                for i, (spk, txt, s, e) in enumerate(
                    zip(
                        group[speaker],
                        group[text],
                        group[start_col] if start_col is not None else [None] * len(group),
                        group[end_col] if end_col is not None else [None] * len(group),
                    ),
                    1,
                )
            ]
            transcript = Transcript.from_cues(cues, source=source, format="dataframe")
            given = role_map.for_call(source, transcript.speakers)
            if role:
                for spk, r in zip(group[speaker], group[role]):
                    r = _cell_text(r).strip().lower()
                    if r:
                        given.setdefault(_cell_text(spk), r)
            result = analyzer.analyze_transcript(transcript, roles=given or None)
        except Exception as exc:  # noqa: BLE001 - one bad call must not stop the table
            row["error"] = error_message(exc, source)
        else:
            row.update({k: v for k, v in result.to_row().items() if k in row})
            row["status"] = OK
        out.append(row)
    return pd.DataFrame.from_records(out, columns=list(DATAFRAME_COLUMNS) + result_cols)


def _optional_column(df, name: str | None, default: str) -> str | None:
    if name is None:
        return None
    if name in df.columns:
        return name
    if name == default:
        return None
    raise KeyError(f"no column {name!r} in the DataFrame; its columns are: {', '.join(map(str, df.columns))}")


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _cell_float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


# ---------------------------------------------------------------------------
# Per-seller summary


SUMMARY_COLUMNS = (
    "seller",
    "calls",
    "mean_score",
    "median_score",
    "median_seller_talk_share",
    "buyer_questions_per_call",
    "pitch_dumps",
    "pitch_dumps_per_call",
    "if_then_closes",
    "if_then_closes_per_call",
)


class SellerSummary:
    """Per-seller figures over the ``ok`` rows of a batch, built row by row.

    A call with two sellers counts for each of them; a call whose sellers
    column is empty counts for :data:`NO_SELLER`. Scores and talk shares that
    are null are left out of their mean and median (a figure with no values
    is None).
    """

    def __init__(self) -> None:
        self._sellers: dict[str, _Tally] = {}
        self._all = _Tally()

    def add(self, row: Mapping[str, Any]) -> None:
        if row.get("status") != OK:
            return
        names = [s.strip() for s in str(row.get("sellers") or "").split(";") if s.strip()]
        self._all.add(row)
        for name in dict.fromkeys(names or [NO_SELLER]):
            self._sellers.setdefault(name, _Tally()).add(row)

    def rows(self) -> list[dict[str, Any]]:
        """One row per seller (:data:`SUMMARY_COLUMNS`), sorted by name."""
        return [{"seller": name, **self._sellers[name].figures()} for name in sorted(self._sellers)]

    def headline(self) -> dict[str, Any]:
        """The same figures over every call (each counted once), and the number of sellers."""
        return {"sellers": len([s for s in self._sellers if s != NO_SELLER]), **self._all.figures()}


class _Tally:
    def __init__(self) -> None:
        self.calls = 0
        self.scores: list[float] = []
        self.shares: list[float] = []
        self.buyer_questions = 0
        self.pitch_dumps = 0
        self.if_then_closes = 0

    def add(self, row: Mapping[str, Any]) -> None:
        self.calls += 1
        score = _number(row.get("score"))
        if score is not None:
            self.scores.append(score)
        share = _number(row.get("seller_talk_share"))
        if share is not None:
            self.shares.append(share)
        self.buyer_questions += int(_number(row.get("buyer_questions")) or 0)
        self.pitch_dumps += int(_number(row.get("pitch_dumps")) or 0)
        self.if_then_closes += int(_number(row.get("if_then_closes")) or 0)

    def figures(self) -> dict[str, Any]:
        n = self.calls
        return {
            "calls": n,
            "mean_score": statistics.fmean(self.scores) if self.scores else None,
            "median_score": statistics.median(self.scores) if self.scores else None,
            "median_seller_talk_share": statistics.median(self.shares) if self.shares else None,
            "buyer_questions_per_call": self.buyer_questions / n if n else None,
            "pitch_dumps": self.pitch_dumps,
            "pitch_dumps_per_call": self.pitch_dumps / n if n else None,
            "if_then_closes": self.if_then_closes,
            "if_then_closes_per_call": self.if_then_closes / n if n else None,
        }


def _number(value: Any) -> float | None:
    """A number from a row cell (CSV cells are strings); None for empty or NaN."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def summarize(rows: Iterable[Mapping[str, Any]] | "pd.DataFrame") -> "pd.DataFrame":
    """The per-seller summary of batch rows (dicts or the DataFrame of :func:`score_paths`)."""
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    summary = SellerSummary()
    for row in rows:
        summary.add(row)
    return pd.DataFrame.from_records(summary.rows(), columns=list(SUMMARY_COLUMNS))


def write_table(rows: Sequence[Mapping[str, Any]], path: str | os.PathLike, cols: Sequence[str]) -> None:
    """Write a small table (the summary) by extension (CSV, Parquet, JSON Lines), atomically."""
    path = Path(path)
    fmt = output_format(path)
    with _atomic_file(path) as tmp:
        if fmt == "jsonl":
            with open(tmp, "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps({c: row.get(c) for c in cols}, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(cols), extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
        else:
            import pyarrow.parquet as pq

            kinds = _scan_kinds(rows, cols)
            pq.write_table(_arrow_table(rows, cols, kinds), tmp)


# ---------------------------------------------------------------------------
# Writing a run: journal, resume, finalize


def output_format(path: str | os.PathLike) -> str:
    """``jsonl``, ``csv`` or ``parquet``, by the file's extension.

    RAISES: ValueError for another extension.
    """
    ext = Path(path).suffix.lower()
    if ext not in OUTPUT_FORMATS:
        raise ValueError(
            f"cannot tell the output format of {os.fspath(path)!r} by its extension; "
            f"use one of: {', '.join(OUTPUT_FORMATS)}"
        )
    return OUTPUT_FORMATS[ext]


def journal_path(output: str | os.PathLike) -> Path:
    """The append-only journal of a run writing ``output``: the output itself for JSON Lines."""
    output = Path(output)
    if output_format(output) == "jsonl":
        return output
    return output.with_name(f".{output.name}.partial.jsonl")


class _Journal:
    """Append-only JSON Lines: one ``write`` per row, flushed, fsynced every ``fsync_seconds``.

    A fresh journal replaces the file only when the first row comes, so a run
    that fails before scoring anything leaves an earlier output alone.
    """

    def __init__(self, path: Path, *, fresh: bool, fsync_seconds: float) -> None:
        if not fresh:
            _repair_tail(path)
        self.path = path
        self.mode = "wb" if fresh else "ab"
        self.fh: io.BufferedWriter | None = None
        self.fsync_seconds = fsync_seconds
        self.synced = time.monotonic()

    def write(self, row: Mapping[str, Any]) -> None:
        if self.fh is None:
            self.fh = open(self.path, self.mode)
        self.fh.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
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


def _repair_tail(path: Path) -> None:
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
class _Index:
    """Where each path's last row is in a journal, and what the rows hold."""

    offsets: dict[str, tuple[int, int, str | None]]  # path -> (offset, length, sha256)
    clean: bool  # sorted by path, one row per path, every line valid
    extra_columns: list[str]
    kinds: dict[str, str]
    work: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # path -> (model, settings)


def _scan(path: Path) -> _Index:
    offsets: dict[str, tuple[int, int, str | None]] = {}
    work: dict[str, tuple[Any, Any]] = {}
    known = set(columns())
    extra: dict[str, None] = {}
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
            for k, v in row.items():
                if k not in known:
                    extra.setdefault(k, None)
                if v is not None:
                    kinds[k] = _merge_kind(kinds.get(k), _kind_of(v))
            pos += n
    return _Index(offsets=offsets, clean=clean, extra_columns=list(extra), kinds=kinds, work=work)


def _kind_of(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return "str"


def _merge_kind(a: str | None, b: str) -> str:
    if a is None or a == b:
        return b
    if {a, b} == {"int", "float"}:
        return "float"
    return "str"


def _iter_journal(path: Path, index: _Index) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """The last row of each path, sorted by path, as (raw line, row)."""
    with open(path, "rb") as fh:
        for p in sorted(index.offsets):
            pos, n, _ = index.offsets[p]
            fh.seek(pos)
            line = fh.read(n)
            yield line, json.loads(line)


def _seed_journal(output: Path, journal: Path) -> None:
    """Copy the rows of a finished CSV or Parquet output into a new journal (resume)."""
    fmt = output_format(output)
    with _atomic_file(journal) as tmp, open(tmp, "wb") as out:
        for row in _read_output_rows(output, fmt):
            out.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))


def _read_output_rows(output: Path, fmt: str) -> Iterator[dict[str, Any]]:
    if fmt == "csv":
        kinds = column_kinds()
        with open(output, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                yield {k: _cell(v, kinds.get(k, "str")) for k, v in row.items()}
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(output).iter_batches(batch_size=1024):
            yield from batch.to_pylist()


class _atomic_file:
    """A temporary file beside ``path``, renamed over it when the block succeeds."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __enter__(self) -> Path:
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        os.close(fd)
        self.tmp = Path(name)
        os.chmod(self.tmp, 0o666 & ~_umask())  # as open() would create it, not mkstemp's 0600
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.tmp.unlink(missing_ok=True)
            return
        with open(self.tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.tmp, self.path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cell(value: str | None, kind: str) -> Any:
    """A CSV cell read back as the type its column holds (empty: None)."""
    if value is None or value == "":
        return None
    try:
        return _convert(value, kind)
    except ValueError:
        return value


def _convert(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "str":
        return value if isinstance(value, str) else str(value)
    if kind == "bool":
        return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1")
    if kind == "int":
        return int(float(value))
    return float(value)


_ARROW_TYPES = {"str": "string", "int": "int64", "float": "float64", "bool": "bool_"}


def _arrow_table(rows: Sequence[Mapping[str, Any]], cols: Sequence[str], kinds: Mapping[str, str]):
    import pyarrow as pa

    arrays = []
    for c in cols:
        kind = kinds.get(c, "str")
        arrays.append(pa.array([_convert(r.get(c), kind) for r in rows], type=getattr(pa, _ARROW_TYPES[kind])()))
    return pa.Table.from_arrays(arrays, names=list(cols))


def _scan_kinds(rows: Iterable[Mapping[str, Any]], cols: Sequence[str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for row in rows:
        for c in cols:
            v = row.get(c)
            if v is not None:
                kinds[c] = _merge_kind(kinds.get(c), _kind_of(v))
    return kinds


def _final_kinds(index: _Index) -> dict[str, str]:
    """The known kind of each column, widened by what the rows hold."""
    kinds = column_kinds()
    for col, seen in index.kinds.items():
        kinds[col] = _merge_kind(kinds.get(col), seen)
    return kinds


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
    fsync_seconds (float): fsync the journal at least this often; 0 for
        every row. Defaults to 1.
    RETURNS (BatchRun): counts, errors and the per-seller summary.
    RAISES: ValueError for an output of unknown format; OSError when the
        output cannot be written.
    """
    output = Path(output)
    fmt = output_format(output)
    journal_file = journal_path(output)
    t0 = time.perf_counter()
    run = BatchRun(output=output)
    done: dict[str, str] = {}
    if resume:
        if fmt != "jsonl" and not journal_file.exists() and output.exists():
            _seed_journal(output, journal_file)
        if journal_file.exists():
            _repair_tail(journal_file)
            index = _scan(journal_file)
            done = {
                p: (sha, *index.work.get(p, (None, None)))
                for p, (_, _, sha) in index.offsets.items()
                if sha
            }
    elif fmt != "jsonl":
        journal_file.unlink(missing_ok=True)
    journal = _Journal(journal_file, fresh=not resume, fsync_seconds=fsync_seconds)
    rows = iter_rows(files, options, engine=engine, workers=workers, scheduler=scheduler, done=done)
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
    _finalize(journal_file, output, fmt, run, keep_rows)
    run.seconds = time.perf_counter() - t0
    return run


ROW_GROUP_ROWS = 2048


def _finalize(journal_file: Path, output: Path, fmt: str, run: BatchRun, keep_rows: bool) -> None:
    index = _scan(journal_file)
    cols = list(columns()) + index.extra_columns
    kinds = _final_kinds(index)
    if keep_rows:
        run.rows = []

    def account(row: dict[str, Any]) -> None:
        run.calls += 1
        if row.get("status") == OK:
            run.ok += 1
            run.summary.add(row)
        else:
            run.failed += 1
            if len(run.errors) < MAX_ERRORS_KEPT:
                run.errors.append((row.get("path"), row.get("error") or ""))
        if run.rows is not None:
            run.rows.append(row)

    if fmt == "jsonl" and index.clean:
        for _, row in _iter_journal(journal_file, index):
            account(row)
        return
    with _atomic_file(output) as tmp:
        if fmt == "jsonl":
            with open(tmp, "wb") as fh:
                for line, row in _iter_journal(journal_file, index):
                    fh.write(line if line.endswith(b"\n") else line + b"\n")
                    account(row)
        elif fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
                writer.writeheader()
                for _, row in _iter_journal(journal_file, index):
                    writer.writerow(row)
                    account(row)
        else:
            import pyarrow.parquet as pq

            writer = None
            group: list[dict[str, Any]] = []
            try:
                for _, row in _iter_journal(journal_file, index):
                    group.append(row)
                    account(row)
                    if len(group) >= ROW_GROUP_ROWS:
                        table = _arrow_table(group, cols, kinds)
                        writer = writer or pq.ParquetWriter(tmp, table.schema)
                        writer.write_table(table)
                        group = []
                if group or writer is None:
                    table = _arrow_table(group, cols, kinds)
                    writer = writer or pq.ParquetWriter(tmp, table.schema)
                    writer.write_table(table)
            finally:
                if writer is not None:
                    writer.close()
    if fmt != "jsonl":
        journal_file.unlink(missing_ok=True)


__all__ = [
    "BATCH_COLUMNS",
    "BatchOptions",
    "AnalyzerSetupError",
    "BatchRun",
    "RoleMap",
    "SellerSummary",
    "analyzer_for",
    "columns",
    "discover",
    "iter_rows",
    "read_batch_roles",
    "report_path",
    "score_dataframe",
    "score_path",
    "score_paths",
    "score_to_file",
    "summarize",
]
