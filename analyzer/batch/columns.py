"""The columns of a batch row, their types, and the row statuses.

A row is ``AnalysisResult.to_row()`` with :data:`BATCH_COLUMNS` in front.
Every writer and reader of rows (journal, CSV, Parquet) takes the column
names and kinds from here, so a row read back keeps its types.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Iterable, Mapping, Sequence

from ..about import __version__

#: The columns a batch adds in front of ``AnalysisResult.to_row()``.
BATCH_COLUMNS = ("path", "status", "error", "sha256", "bytes", "analyzer_version", "settings", "model_digest")
OK = "ok"
ERROR = "error"
SKIPPED = "skipped"  # resume: already in the output with the same hash (never written)


def result_columns() -> tuple[str, ...]:
    """The keys of ``AnalysisResult.to_row()``, in order, without analysing a call."""
    from ..metrics import Metrics
    from ..result import AnalysisResult

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
    """Every column of a batch row: :data:`BATCH_COLUMNS`, then the result's, then the call's
    metadata (:data:`analyzer.callmeta.META_COLUMNS`). Tracker columns follow, from the rows."""
    global _COLUMNS
    if _COLUMNS is None:
        from ..callmeta import META_COLUMNS

        # `path` is the one path column: the result's `file` would repeat it
        result = tuple(c for c in result_columns() if c not in BATCH_COLUMNS and c != "file")
        _COLUMNS = BATCH_COLUMNS + result + META_COLUMNS
    return _COLUMNS


def tracker_columns(names: Iterable[str]) -> list[str]:
    """The batch columns of trackers named ``names``: ``tracker_<name>_seller`` and
    ``tracker_<name>_buyer`` each, in that order, as ``AnalysisResult.to_row()`` adds them."""
    return [f"tracker_{name}_{side}" for name in names for side in ("seller", "buyer")]


def blank_row(source: str) -> dict[str, Any]:
    """A row of :func:`columns` for ``source``, all empty, with status ``error`` until it is scored."""
    from ..result import SCHEMA_VERSION

    row: dict[str, Any] = dict.fromkeys(columns())
    row.update(path=source, status=ERROR, analyzer_version=__version__, schema_version=SCHEMA_VERSION)
    return row


def error_row(source: str, message: str) -> dict[str, Any]:
    """The row of a call that could not be scored, its message naming the file."""
    row = blank_row(source)
    row["error"] = message if source in message else f"{source}: {message}"
    return row


def column_kinds() -> dict[str, str]:
    """The type of each known column: ``str``, ``int``, ``float`` or ``bool``."""
    from ..metrics import Metrics

    kinds = {
        "path": "str", "status": "str", "error": "str", "sha256": "str", "bytes": "int",
        "analyzer_version": "str", "settings": "str", "schema_version": "int", "file": "str", "format": "str",
        "duration_seconds": "float", "timed": "bool", "score": "float", "label": "str",
        "model": "str", "model_digest": "str", "speakers": "int", "sellers": "str", "buyers": "str",
        "roles_inferred": "bool", "roles_confidence": "str", "words": "int", "feedback_codes": "str",
    }  # fmt: skip
    for f in dataclasses.fields(Metrics):
        kinds[f.name] = "float" if "float" in str(f.type) else "int"
    kinds.update(dict.fromkeys(("date", "rep", "team", "call_type", "outcome", "account"), "str"))
    return kinds


def column_kind(name: str, kinds: Mapping[str, str]) -> str:
    """The kind of a column: a known one's, ``int`` for a tracker count
    (``tracker_<name>_seller``, ``tracker_<name>_buyer``), else ``str``."""
    if name in kinds:
        return kinds[name]
    if name.startswith("tracker_") and name.endswith(("_seller", "_buyer")):
        return "int"
    return "str"


def kind_of(v: Any) -> str:
    """The kind of one value: ``str``, ``int``, ``float`` or ``bool``."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return "str"


def merge_kind(a: str | None, b: str) -> str:
    """The kind of a column holding values of kinds ``a`` and ``b``."""
    if a is None or a == b:
        return b
    if {a, b} == {"int", "float"}:
        return "float"
    return "str"


def scan_kinds(rows: Iterable[Mapping[str, Any]], cols: Sequence[str]) -> dict[str, str]:
    """The kind of each column of ``cols``, by the values the rows hold."""
    kinds: dict[str, str] = {}
    for row in rows:
        for c in cols:
            v = row.get(c)
            if v is not None:
                kinds[c] = merge_kind(kinds.get(c), kind_of(v))
    return kinds


def cell(value: str | None, kind: str) -> Any:
    """A CSV cell read back as the type its column holds (empty: None)."""
    if value is None or value == "":
        return None
    try:
        return convert(value, kind)
    except ValueError:
        return value


def convert(value: Any, kind: str) -> Any:
    """``value`` as ``kind`` (None stays None)."""
    if value is None:
        return None
    if kind == "str":
        return value if isinstance(value, str) else str(value)
    if kind == "bool":
        return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1")
    if kind == "int":
        return int(float(value))
    return float(value)


def number(value: Any) -> float | None:
    """A number from a cell (CSV cells are strings); None for empty, NaN, a bool or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x
