"""Engines: run the work function over many files and yield the rows in file order.

``sequential`` (this process), ``process`` (a ``ProcessPoolExecutor`` whose
workers are forked from a fork server that has loaded spaCy and the models
once, or spawned where there is none; an initializer, and a bounded
window of calls in flight, so memory stays flat) and ``dask`` (a
``LocalCluster`` or an existing scheduler). Every engine runs the same
:func:`~analyzer.batch.work.score_path`; rows come back in submission
order, which is path order, whatever the worker count.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import uuid
from collections import deque
from dataclasses import replace
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..display import shown_path
from .columns import error_row
from .guard import check_main_guarded
from .options import BatchOptions
from .work import AnalyzerSetupError, init_worker, score_path

ENGINES = ("sequential", "process", "dask")
#: Calls the process engine sends a worker at a time: each message between
#: processes costs the main process (which shares the cores with the
#: workers) about 0.15 ms of CPU, and the worker as much again.
CHUNK_CALLS = 4
#: ... but only while a run still has this many chunks for each worker, so
#: that the last calls are shared out evenly.
CHUNKS_PER_WORKER = 16


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
    done (Mapping[str, str] | None): path (as rows show it,
        :func:`~analyzer.display.shown_path`) to the content hash already in
        the output; those calls yield a ``skipped`` row when unchanged.
    window (int | None): calls in flight at most (memory stays flat).
        Defaults to 8 per worker, at least 16.
    YIELDS (dict): rows, as :func:`score_path` returns them.
    """
    options = options or BatchOptions()
    engine, n = resolve_engine(engine, workers, scheduler)
    if engine == "process" or (engine == "dask" and not scheduler):
        check_main_guarded(f"a run with {n} worker processes")  # before any worker starts
    n = max(1, min(n, len(files)))
    done = done or {}
    tasks = ((p, done.get(shown_path(p))) for p in files)
    window = window or max(16, 8 * n)
    if engine == "sequential":
        for path, expected in tasks:
            yield score_path(path, expected, options)
    elif engine == "process":
        chunk = max(1, min(CHUNK_CALLS, len(files) // (CHUNKS_PER_WORKER * n)))
        yield from _process_rows(tasks, options, n, window, chunk=chunk)
    else:
        yield from _dask_rows(tasks, options, n, scheduler, window)


def _process_rows(
    tasks: Iterable[tuple[str, str | None]],
    options: BatchOptions,
    workers: int,
    window: int,
    work: Callable[..., dict[str, Any]] = score_path,
    chunk: int = 1,
) -> Iterator[dict[str, Any]]:
    """Rows from a pool of worker processes (:func:`worker_context`), in task order.

    Each worker is sent ``chunk`` calls at a time, and about ``window``
    calls are in flight. If a worker process dies (killed for memory, or a
    crash in a library), the calls that were in flight are run again one at
    a time in a pool of their own: the one that kills its worker again
    becomes an error row, and the run goes on.
    """
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = worker_context()

    def new_pool(n: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=init_worker, initargs=(options, os.getpid()))

    pools = [new_pool(workers)]
    flight = _Window(_chunks(tasks, chunk), max(1, window // chunk))
    try:
        while flight.fill(lambda c: pools[0].submit(_work_chunk, work, c)):
            sent, future = flight.next()
            try:
                rows = future.result()
            except BrokenProcessPool:
                suspects = sent + [t for c in flight.clear() for t in c]
                pools[0].shutdown(wait=True, cancel_futures=True)
                pools[0] = new_pool(1)
                for t in suspects:  # one at a time: the call that kills its worker again is the culprit
                    try:
                        row = pools[0].submit(work, t[0], t[1]).result()
                    except BrokenProcessPool:
                        pools[0].shutdown(wait=True)
                        pools[0] = new_pool(1)
                        row = error_row(
                            t[0], "the worker process died while analysing this call (out of memory, or a crash)"
                        )
                    yield row
                pools[0].shutdown(wait=True)
                pools[0] = new_pool(workers)
                continue
            yield from rows
    finally:
        for _, future in flight.pending:
            future.cancel()
        pools[0].shutdown(wait=True, cancel_futures=True)


def start_workers_early(engine: str | None, workers: int | None, scheduler: str | None) -> None:
    """Start the process engine's fork server now, where the run will use one.

    The server loads the pipeline's modules and the tagger models (most of
    a run's start-up), so started before the caller finds the files and
    checks the outputs, it loads while they do; the run's pool forks its
    workers from it. Nothing happens for the other engines, and where there
    is no fork server.
    """
    engine, _ = resolve_engine(engine, workers, scheduler)
    ctx = worker_context() if engine == "process" else None
    if ctx is not None and ctx.get_start_method() == "forkserver":
        check_main_guarded("a run with worker processes")
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _chunks(tasks: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``tasks`` in lists of ``size`` (the last one shorter), in order."""
    tasks = iter(tasks)
    while chunk := list(itertools.islice(tasks, size)):
        yield chunk


def _work_chunk(work: Callable[..., dict[str, Any]], tasks: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Run in a worker: the row of each (path, expected hash) of ``tasks``, in order."""
    return [work(path, expected) for path, expected in tasks]


def worker_context() -> multiprocessing.context.BaseContext:
    """How the process engine starts its workers: forked from a fork server
    that has loaded :mod:`analyzer.batch.preload` once (where the system
    has one), else spawned. Either way a worker is never a copy of this
    process (which may hold threads and open outputs), and it imports the
    main script as a spawned one does."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["analyzer.batch.preload"])
        return ctx
    return multiprocessing.get_context("spawn")


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
    scheduler the client makes every path absolute (workers started in
    another folder resolve a relative path there), and the rows keep the
    paths as given; a file a worker cannot read at that path is an error row
    that says it must be readable on the workers (a shared mount).
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
    run = uuid.uuid4().hex[:12]
    keys = (f"callcoach-score-{run}-{i}" for i in itertools.count())
    flight = _Window(tasks, window)
    try:
        if scheduler:
            options = replace(options, roots=tuple(os.path.abspath(r) for r in options.roots))
        opts = client.scatter(options, broadcast=True, hash=False)

        def submit(t):
            path = os.path.abspath(t[0]) if scheduler else t[0]
            name = shown_path(t[0]) if scheduler else None
            return client.submit(score_path, path, t[1], opts, name, key=next(keys), pure=False)

        while flight.fill(submit):
            task, future = flight.next()
            try:
                row = future.result()
            except AnalyzerSetupError:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: one call, not the run
                row = error_row(task[0], f"the Dask task failed: {type(exc).__name__}: {exc}")
            future.release()
            if scheduler and row.get("status") == "error" and row.get("sha256") is None:
                row["error"] = (
                    f"{row.get('error')} (a Dask worker read {os.path.abspath(task[0])}: the file must be "
                    "readable on the workers at that path, e.g. on a shared mount)"
                )
            yield row
    finally:
        if flight.pending:
            client.cancel([f for _, f in flight.pending])
        client.close()
        if cluster is not None:
            cluster.close()


class _Window:
    """The calls in flight, at most ``size`` of them, handed back in the order they were submitted."""

    def __init__(self, tasks: Iterable[Any], size: int) -> None:
        self.tasks = iter(tasks)
        self.size = size
        self.pending: deque = deque()

    def fill(self, submit: Callable[[Any], Any]) -> bool:
        """Submit tasks until ``size`` are in flight; False when none is left in flight."""
        while len(self.pending) < self.size:
            task = next(self.tasks, None)
            if task is None:
                break
            self.pending.append((task, submit(task)))
        return bool(self.pending)

    def next(self) -> tuple[Any, Any]:
        """The oldest (task, future) in flight."""
        return self.pending.popleft()

    def clear(self) -> list[Any]:
        """Forget the tasks in flight, and return them."""
        tasks = [t for t, _ in self.pending]
        self.pending.clear()
        return tasks
