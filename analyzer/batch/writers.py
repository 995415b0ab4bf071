"""Output files of a batch: CSV, Parquet or JSON Lines by extension, always written atomically.

- :func:`output_format` tells the format by the file's extension;
- :func:`write_output` writes rows (as the journal holds them) to the
  output, :func:`write_table` a small table such as the per-seller summary;
- :func:`read_output_rows` reads a finished CSV or Parquet output back, with
  its column types (resume);
- :func:`guard_cell` keeps a spreadsheet from running a CSV cell as a
  formula (CSV injection): a text cell that begins with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe, as OWASP
  recommends; numbers are untouched, and :func:`unguard_cell` undoes it when
  a run reads its output back. ``callcoach score --raw-csv`` turns it off;
- :class:`atomic_file` is the temporary file beside the target that is
  renamed over it only when writing succeeded.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .columns import cell, column_kind, column_kinds, convert, scan_kinds

#: Output formats by file extension.
OUTPUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
#: Rows per Parquet row group.
ROW_GROUP_ROWS = 2048

_ARROW_TYPES = {"str": "string", "int": "int64", "float": "float64", "bool": "bool_"}
#: What a spreadsheet reads as the start of a formula in a CSV cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows rather than runs: a text cell that begins
    with one of :data:`FORMULA_STARTS` (after any apostrophes it already
    begins with) gets one more apostrophe in front. Numbers, and text that is
    a plain number (``-12.5``), are untouched."""
    if not isinstance(value, str) or not value.lstrip("'").startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def unguard_cell(value: Any) -> Any:
    """The cell :func:`guard_cell` was given (its inverse)."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


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


def write_output(
    lines: Iterable[tuple[bytes, dict[str, Any]]],
    output: Path,
    fmt: str,
    cols: Sequence[str],
    kinds: Mapping[str, str],
    on_row: Callable[[dict[str, Any]], None],
    *,
    csv_guard: bool = True,
) -> None:
    """Write rows to ``output`` in ``fmt``, atomically.

    lines (Iterable[tuple[bytes, dict]]): each row as its JSON line and as a
        dict (the journal holds both); JSON Lines output keeps the line as it is.
    cols (Sequence[str]): the columns of CSV and Parquet output, in order.
    kinds (Mapping[str, str]): the kind of each column (Parquet types).
    on_row (Callable): called with every row as it is written.
    csv_guard (bool): CSV text cells through :func:`guard_cell`. Defaults to True.
    """
    with atomic_file(output) as tmp:
        if fmt == "jsonl":
            with open(tmp, "wb") as fh:
                for line, row in lines:
                    fh.write(line if line.endswith(b"\n") else line + b"\n")
                    on_row(row)
        elif fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(cols), extrasaction="ignore")
                writer.writeheader()
                for _, row in lines:
                    writer.writerow({k: guard_cell(v) for k, v in row.items()} if csv_guard else row)
                    on_row(row)
        else:
            _write_parquet((row for _, row in lines), tmp, cols, kinds, on_row)


def json_line(row: Mapping[str, Any]) -> bytes:
    """One row as a line of UTF-8 JSON. A string that is not text (a lone
    surrogate) is written as a JSON escape rather than failing the run."""
    text = json.dumps(row, ensure_ascii=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(row, ensure_ascii=True) + "\n").encode("ascii")


def write_table(
    rows: Sequence[Mapping[str, Any]], path: str | os.PathLike, cols: Sequence[str], *, csv_guard: bool = True
) -> None:
    """Write a small table (the summary) by extension (CSV, Parquet, JSON Lines), atomically;
    ``csv_guard`` as for :func:`write_output`."""
    path = Path(path)
    lines = (
        (json_line({c: row.get(c) for c in cols}), dict(row))
        for row in rows
    )
    write_output(lines, path, output_format(path), cols, scan_kinds(rows, cols), on_row=lambda row: None, csv_guard=csv_guard)


def _write_parquet(
    rows: Iterable[dict[str, Any]],
    path: Path,
    cols: Sequence[str],
    kinds: Mapping[str, str],
    on_row: Callable[[dict[str, Any]], None],
) -> None:
    """Parquet in row groups of :data:`ROW_GROUP_ROWS`, so memory stays flat."""
    import pyarrow.parquet as pq

    writer = None
    group: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal writer
        table = arrow_table(group, cols, kinds)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        group.clear()

    try:
        for row in rows:
            group.append(row)
            on_row(row)
            if len(group) >= ROW_GROUP_ROWS:
                flush()
        if group or writer is None:
            flush()
    finally:
        if writer is not None:
            writer.close()


def arrow_table(rows: Sequence[Mapping[str, Any]], cols: Sequence[str], kinds: Mapping[str, str]):
    """A ``pyarrow.Table`` of ``rows``, each column typed by its kind."""
    import pyarrow as pa

    arrays = []
    for c in cols:
        kind = kinds.get(c, "str")
        arrays.append(pa.array([convert(r.get(c), kind) for r in rows], type=getattr(pa, _ARROW_TYPES[kind])()))
    return pa.Table.from_arrays(arrays, names=list(cols)).replace_schema_metadata(_pandas_metadata(tuple(cols), tuple(kinds.get(c, "str") for c in cols)))


@lru_cache(maxsize=8)
def _pandas_metadata(cols: tuple[str, ...], kinds: tuple[str, ...]) -> dict[bytes, bytes]:
    """The schema metadata that makes pandas read counts as ``Int64`` and flags as ``boolean``
    (nullable, as :func:`analyzer.tables.typed_frame` gives them), never as floats or objects."""
    import pandas as pd
    import pyarrow as pa

    from ..tables import DTYPES

    empty = pd.DataFrame({c: pd.Series([], dtype=DTYPES.get(k, "str")) for c, k in zip(cols, kinds)})
    return dict(pa.Schema.from_pandas(empty, preserve_index=False).metadata or {})


def read_output_rows(output: Path, fmt: str, *, csv_guard: bool = True) -> Iterator[dict[str, Any]]:
    """The rows of a finished CSV or Parquet output, each value of its column's type
    (CSV cells through :func:`unguard_cell` when the output was written with ``csv_guard``)."""
    unguard = unguard_cell if csv_guard else (lambda v: v)
    if fmt == "csv":
        kinds = column_kinds()
        with open(output, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                yield {k: cell(unguard(v), column_kind(k, kinds)) for k, v in row.items()}
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(output).iter_batches(batch_size=1024):
            yield from batch.to_pylist()


class atomic_file:
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
