"""Tables for analysts: typed pandas DataFrames of calls and of tagged moments.

- :func:`typed_frame` gives a table of rows the dtypes their columns hold,
  nullable where a value can be missing: counts are ``Int64`` (never
  ``12.0`` because another row is an error), flags ``boolean``, measures
  ``float64``, text ``str``. Batch outputs (:func:`analyzer.score_paths`,
  Parquet files) use it.
- :func:`tags_frame` is the table of the tags themselves: one row per
  tagged moment, with the call's path, the tag, who said it, the turn, its
  times, its text and, for buyer questions, whether it is open. Each
  tracker mention is a row too, with the tag ``tracker`` and the tracker's
  name in ``tracker`` (null for the other tags).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: pandas dtypes by column kind (``analyzer.batch.columns.column_kinds``).
DTYPES = {"int": "Int64", "bool": "boolean", "float": "float64", "str": "str"}

#: The columns of :func:`tags_frame`, and their kinds.
TAG_COLUMNS: dict[str, str] = {
    "path": "str",
    "tag": "str",
    "speaker": "str",
    "turn": "int",
    "start": "float",
    "end": "float",
    "text": "str",
    "open": "bool",
    "tracker": "str",
}
#: The ``tag`` of a tracker mention's row.
TRACKER_TAG = "tracker"


def typed_frame(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], kinds: Mapping[str, str]
) -> "pd.DataFrame":
    """A DataFrame of ``rows`` with each column of a known kind in its nullable dtype.

    Parameters
    ----------
    rows : iterable of mapping
        One dict per row.
    columns : sequence of str
        The columns, in order (missing keys are null).
    kinds : mapping of str to str
        Column to ``int``, ``bool``, ``float`` or ``str``; other columns are
        left as pandas infers them.

    Returns
    -------
    pandas.DataFrame
        ``Int64`` counts, ``boolean`` flags, ``float64`` measures, ``str`` text.
    """
    import pandas as pd

    df = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for col in df.columns:
        kind = kinds.get(col)
        if kind is None:
            continue
        if kind == "str":
            df[col] = df[col].astype(object).where(df[col].notna(), None).astype(DTYPES["str"])
        elif kind == "float":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        else:
            df[col] = df[col].astype(DTYPES[kind])
    return df


def tag_rows(result: Any, path: str | None = None) -> list[dict[str, Any]]:
    """The tags and tracker mentions of one result as rows of :data:`TAG_COLUMNS`, by turn."""
    name = path if path is not None else result.file
    rows = [
        {
            "path": name,
            "tag": t.tag,
            "speaker": t.speaker,
            "turn": t.turn,
            "start": t.start,
            "end": t.end,
            "text": t.text,
            "open": t.open if t.tag == "buyer_question" else None,
            "tracker": None,
        }
        for t in result.tags
    ]
    rows += [
        {
            "path": name,
            "tag": TRACKER_TAG,
            "speaker": m.speaker,
            "turn": m.turn,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "open": None,
            "tracker": m.tracker,
        }
        for tracker in getattr(result, "trackers", ())
        for m in tracker.mentions
    ]
    rows.sort(key=lambda r: r["turn"])  # stable: tags before mentions within a turn
    return rows


def tags_frame(results: Any) -> "pd.DataFrame":
    """One row per tagged moment of one or more analysed calls.

    Parameters
    ----------
    results : AnalysisResult or iterable of AnalysisResult
        Analysed calls (from :func:`analyzer.analyze_file` or :class:`analyzer.Analyzer`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`TAG_COLUMNS`: ``path`` (the call, as its
        result names it), ``tag``, ``speaker``, ``turn`` (0-based, ``Int64``),
        ``start`` and ``end`` (seconds; null when untimed), ``text`` (the
        exact span) and ``open`` (``boolean``, null except for buyer questions).

    Examples
    --------
    >>> import analyzer
    >>> df = analyzer.tags_frame([analyzer.analyze_file("data/samples/01-payroll-dental-discovery.txt")])
    >>> int((df["tag"] == "buyer_question").sum()), str(df["turn"].dtype)
    (12, 'Int64')
    """
    if hasattr(results, "tags") and hasattr(results, "file"):
        results = [results]
    rows = [row for r in results for row in tag_rows(r)]
    return typed_frame(rows, list(TAG_COLUMNS), TAG_COLUMNS)
