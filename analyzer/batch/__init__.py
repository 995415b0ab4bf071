"""Score many calls: discovery, one work function, engines, streaming output.

The flow of a batch run (``callcoach score``, :func:`score_to_file`)::

    discover(paths) -> sorted files
        -> iter_rows: score_path(path) on an engine (sequential | process | dask)
        -> rows in path order -> append-only JSON Lines journal
        -> finalize: the output file (JSON Lines, CSV or Parquet), written atomically
        -> per-seller summary

What lives where (each module does one thing):

- :mod:`~analyzer.batch.discover`: which files a run takes (:func:`discover`, globs, :class:`Scan`);
- :mod:`~analyzer.batch.rolemap`: given roles for a batch (:class:`RoleMap`)
  and the roles files that fill it (:func:`read_batch_roles`);
- :mod:`~analyzer.batch.options`: what every call is scored with
  (:class:`BatchOptions`) and its fingerprint for resume;
- :mod:`~analyzer.batch.work`: the work function :func:`score_path`, which
  calls the one analysis entry point ``Analyzer.analyze_source`` and never
  raises for a bad file; the analyzer cached once per worker
  (:func:`analyzer_for`);
- :mod:`~analyzer.batch.engines`: ``sequential``, ``process`` and ``dask``
  (:func:`iter_rows`), rows back in file order;
- :mod:`~analyzer.batch.columns`: the columns of a row, their types, the statuses;
- :mod:`~analyzer.batch.journal`: the append-only journal and resume's index of it;
- :mod:`~analyzer.batch.writers`: CSV, Parquet and JSON Lines outputs, written atomically;
- :mod:`~analyzer.batch.outputs`: every output checked before any work
  (:func:`check_outputs`: its folder, never an input, never inside the
  scanned folder unless left out of the scan) and one run per output
  (:class:`OutputLock`);
- :mod:`~analyzer.batch.run`: a whole run into one file (:func:`score_to_file`, :class:`BatchRun`);
- :mod:`~analyzer.batch.summary`: per-seller figures (:class:`SellerSummary`, :func:`summarize`);
- :mod:`~analyzer.batch.reports`: where ``--reports`` writes each call's HTML report;
- :mod:`~analyzer.batch.frames`: the library entry points that return a
  DataFrame, :func:`score_paths` (paths in) and :func:`score_dataframe`
  (a table of cues in, for a warehouse or Spark ``applyInPandas``).

The names below are the package's public API; the modules import each
other directly, never this package.
"""
from __future__ import annotations

from .columns import BATCH_COLUMNS, ERROR, OK, SKIPPED, column_kinds, columns, result_columns
from .discover import GOLD_SUFFIX, TRANSCRIPT_EXTENSIONS, Scan, discover
from .engines import ENGINES, iter_rows, resolve_engine, start_workers_early
from .frames import DATAFRAME_COLUMNS, score_dataframe, score_paths
from .journal import journal_path
from .options import BatchOptions, settings_fingerprint, with_model
from .outputs import OutputLock, check_outputs, lock_path
from .reports import report_path
from .rolemap import ROLE_NAMES, RoleMap, read_batch_roles
from .run import MAX_ERRORS_KEPT, BatchRun, score_to_file
from .summary import NO_SELLER, SUMMARY_COLUMNS, SellerSummary, summarize
from .work import AnalyzerSetupError, analyzer_for, error_message, score_path
from .writers import OUTPUT_FORMATS, output_format, write_table

__all__ = [
    "BATCH_COLUMNS",
    "DATAFRAME_COLUMNS",
    "ENGINES",
    "ERROR",
    "GOLD_SUFFIX",
    "MAX_ERRORS_KEPT",
    "NO_SELLER",
    "OK",
    "OUTPUT_FORMATS",
    "ROLE_NAMES",
    "SKIPPED",
    "SUMMARY_COLUMNS",
    "TRANSCRIPT_EXTENSIONS",
    "AnalyzerSetupError",
    "BatchOptions",
    "BatchRun",
    "OutputLock",
    "RoleMap",
    "Scan",
    "SellerSummary",
    "analyzer_for",
    "check_outputs",
    "column_kinds",
    "columns",
    "discover",
    "error_message",
    "iter_rows",
    "journal_path",
    "lock_path",
    "output_format",
    "read_batch_roles",
    "report_path",
    "result_columns",
    "resolve_engine",
    "score_dataframe",
    "score_path",
    "score_paths",
    "score_to_file",
    "settings_fingerprint",
    "start_workers_early",
    "summarize",
    "with_model",
    "write_table",
]
