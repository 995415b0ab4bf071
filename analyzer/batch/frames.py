"""The library's batch entry points, both returning a pandas DataFrame.

- :func:`score_paths`: transcript files and folders in, one row a call out
  (the rows of ``callcoach score``);
- :func:`score_dataframe`: transcripts already in a table, one row a cue
  (a warehouse query, or a Spark ``applyInPandas`` group), in; one row a
  call out.
"""
from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..about import __version__
from ..errors import TranscriptFormatError
from ..readers.csv import cell_seconds
from ..readers.names import cell_speaker
from .columns import ERROR, OK, column_kind, column_kinds, columns, result_columns, scan_kinds, tracker_columns
from .discover import discover
from .engines import iter_rows
from .options import BatchOptions, with_model
from .rolemap import RoleMap, read_batch_roles
from .work import analyzer_for, error_message

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..analysis import Analyzer
    from ..callmeta import Manifest
    from ..config import Thresholds
    from ..trackers import TrackerSet
    from ..transcript import Transcript

#: The columns :func:`score_dataframe` returns before the result's.
DATAFRAME_COLUMNS = ("call_id", "status", "error", "analyzer_version", "model_digest")


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
    trackers: "str | os.PathLike | TrackerSet" = "default",
    manifest: "str | os.PathLike | Manifest | None" = None,
    taggers: "str | os.PathLike" = "default",
) -> "pd.DataFrame":
    """Score every transcript under ``paths``; one row a call, sorted by path.

    Parameters
    ----------
    paths : str, PathLike or iterable of them
        Files and folders (searched recursively; ``include``/``exclude`` globs as for :func:`discover`).
    format, sellers, buyers, roles, thresholds, base_model, model
        As for ``callcoach score``: a forced format, names given roles in
        every call they speak in, a mapping or roles file, the thresholds,
        a spaCy base, the classifier (``"default"``, a file, or None).
    trackers, manifest
        The trackers counted on every call, and a manifest of call metadata.
    taggers : str or PathLike, default="default"
        The taggers' models: a folder from ``callcoach train-taggers``, or ``"none"``.
    workers : int or None, default=1
        Worker processes (None: every core). They import the calling script,
        so a call with more than one outside ``if __name__ == "__main__":``
        stops before any starts (:class:`~analyzer.batch.guard.UnguardedScriptError`, E701).
    engine, scheduler : str or None
        See :func:`iter_rows`; paths sent to a scheduler are made absolute
        here, and the rows keep them as given.

    Returns
    -------
    pandas.DataFrame
        :func:`columns` (``path`` the one path column), counts ``Int64`` and
        flags ``boolean``, so an error row (``status == "error"``, its
        message in ``error``) leaves them null rather than making them floats.

    Raises
    ------
    FileNotFoundError
        When a path does not exist.
    ConfigError
        When ``taggers`` is a folder that does not exist or holds no model (E320).

    Examples
    --------
    >>> import analyzer
    >>> df = analyzer.score_paths(["data/samples/01-payroll-dental-discovery.txt"])
    >>> df.loc[0, "status"], int(df.loc[0, "buyer_questions"]), str(df["buyer_questions"].dtype)
    ('ok', 12, 'Int64')
    """
    from ..roles import one_or_many

    if isinstance(roles, (str, os.PathLike)):
        roles = read_batch_roles(roles)
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)  # one path, not its letters
    options = BatchOptions(
        format=format,
        roles=RoleMap.build(sellers=one_or_many(sellers), buyers=one_or_many(buyers), roles=roles),
        thresholds=thresholds,
        base_model=base_model,
        roots=tuple(os.fspath(p) for p in paths if os.path.isdir(p)),  # links out of them are not followed
        taggers=os.fspath(taggers) if taggers is not None else "none",
        **_trackers_and_manifest(trackers, manifest),
    )
    options = with_model(options, model)
    files = _discovered(paths, include, exclude, options.manifest, options.roles)
    rows = list(iter_rows(files, options, engine=engine, workers=workers, scheduler=scheduler))
    return rows_frame(rows, trackers=options.trackers.names)


def _discovered(
    paths: list, include: Sequence[str], exclude: Sequence[str], manifest: "Manifest | None", roles: "RoleMap | None" = None
) -> list[str]:
    """:func:`discover`, with a warning for each folder that cannot be read, and
    the manifest and the roles file checked against the files (E356, E207)."""
    unreadable: list[tuple[str, str]] = []
    files = discover(paths, include=include, exclude=exclude, unreadable=unreadable)
    for folder, why in unreadable:
        warnings.warn(f"cannot read the folder {folder} ({why}): none of its files is scored", stacklevel=3)
    if manifest is not None:
        manifest.check_names(files)
    if roles is not None:
        roles.check_files(files)
    return files


def _trackers_and_manifest(trackers: Any, manifest: Any) -> dict[str, Any]:
    """The ``trackers`` and ``manifest`` of :class:`BatchOptions`, read from files where given as paths."""
    from ..callmeta import Manifest, read_manifest
    from ..trackers import resolve_trackers

    if manifest is not None and not isinstance(manifest, Manifest):
        manifest = read_manifest(manifest)
    return {"trackers": resolve_trackers(trackers), "manifest": manifest}


def rows_frame(rows: Sequence[Mapping[str, Any]], trackers: Sequence[str] = ()) -> "pd.DataFrame":
    """Batch rows as a DataFrame with nullable dtypes: :func:`columns`, the columns of
    the ``trackers`` named (there even when every row is an error), then any other
    columns the rows add, in the order they first appear."""
    from ..tables import typed_frame

    cols = list(columns()) + tracker_columns(trackers)
    known = set(cols)
    extra = list(dict.fromkeys(k for r in rows for k in r if k not in known and not k.startswith("_")))
    kinds = {**scan_kinds(rows, extra), **column_kinds(), **{c: column_kind(c, {}) for c in tracker_columns(trackers)}}
    return typed_frame(rows, cols + extra, kinds)


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

    Parameters
    ----------
    df : pandas.DataFrame
        One row per cue (caption, segment or utterance).
    call_id, speaker, text : str
        The columns of the call, the speaker's name and the spoken text.
    start, end : str or None, default="start", "end"
        The columns of the cue's start and end in seconds; when the default
        names are not columns of ``df``, the calls are untimed. Within a
        call, cues are put in order of ``start`` when there is one (stable),
        else kept in table order.
    role : str or None, default=None
        A column with each cue's speaker role (``seller``, ``buyer``,
        ``other``); empty cells leave the speaker to inference.
    sellers, buyers, roles, thresholds, base_model
        Given roles by name for every call (:class:`RoleMap`), and the
        analyzer's settings (ignored when ``analyzer``, one to use, is given).

    Returns
    -------
    pandas.DataFrame
        One row per call, sorted by call id: :data:`DATAFRAME_COLUMNS` then
        the result's columns (``AnalysisResult.to_row()``, the analyzer's
        tracker counts included), counts ``Int64`` and flags ``boolean``. A call
        that cannot be analysed is a row with ``status == "error"``.

    Raises
    ------
    KeyError
        When a named column is missing.

    Examples
    --------
    >>> import pandas as pd, analyzer
    >>> cues = pd.DataFrame({"call_id": [1, 1], "speaker": ["Dana", "Sam"],
    ...                      "text": ["How do you track renewals today?", "In a spreadsheet."]})
    >>> int(analyzer.score_dataframe(cues, sellers=["Dana"]).loc[0, "buyer_questions"])
    1
    """
    import pandas as pd

    start_col = _optional_column(df, start, "start")
    end_col = _optional_column(df, end, "end")
    for name in (call_id, speaker, text) + ((role,) if role else ()):
        if name not in df.columns:
            raise KeyError(f"no column {name!r} in the DataFrame; its columns are: {', '.join(map(str, df.columns))}")
    cols = _CueColumns(speaker=speaker, text=text, start=start_col, end=end_col, role=role)
    role_map = RoleMap.build(sellers=sellers, buyers=buyers, roles=roles)
    analyzer = analyzer or analyzer_for(BatchOptions(thresholds=thresholds, base_model=base_model))
    names = _dataframe_columns(analyzer)
    out = [
        _call_row(cid, group, cols, role_map, analyzer, names)
        for cid, group in df.groupby(call_id, sort=True, dropna=False)
    ]
    from ..tables import typed_frame

    known = column_kinds()
    return typed_frame(out, names, {k: column_kind(k, known) for k in names if k != "call_id"})


def _dataframe_columns(analyzer: "Analyzer") -> list[str]:
    """The columns of :func:`score_dataframe`: :data:`DATAFRAME_COLUMNS`, the result's,
    then the analyzer's trackers' as ``to_row()`` adds them."""
    names = list(DATAFRAME_COLUMNS) + [c for c in result_columns() if c not in DATAFRAME_COLUMNS]
    return names + tracker_columns(analyzer.trackers.names)


@dataclass(frozen=True)
class _CueColumns:
    """The columns of a cue table that :func:`score_dataframe` reads (None: absent)."""

    speaker: str
    text: str
    start: str | None
    end: str | None
    role: str | None


def _call_row(
    cid: Any, group: "pd.DataFrame", cols: _CueColumns, role_map: RoleMap, analyzer: "Analyzer", names: list[str]
) -> dict[str, Any]:
    """One call's row: its cues analysed as one transcript, or an error row saying why they cannot be."""
    if cols.start is not None:
        group = group.sort_values(cols.start, kind="stable", na_position="last")
    source = "<no call id>" if _missing(cid) else str(cid)
    row: dict[str, Any] = dict.fromkeys(names)
    row.update(call_id=cid, status=ERROR, analyzer_version=__version__, model_digest=getattr(analyzer.model, "digest", None))
    try:
        if _missing(cid):
            from ..errors import TranscriptFormatError

            raise TranscriptFormatError(
                source, None, "a call id on every cue (which call a cue belongs to)",
                f"{len(group)} {'cue' if len(group) == 1 else 'cues'} with an empty call id", code="E127",
            )  # fmt: skip
        transcript = _transcript_of(group, cols, source)
        given = role_map.for_call(source, transcript.speakers)
        if cols.role:
            for spk, r in zip(group[cols.speaker], group[cols.role]):
                r = _cell_text(r).strip().lower()
                if r:
                    given.setdefault(" ".join(_cell_text(spk).split()), r)  # the name as the cue has it
        result = analyzer.analyze_transcript(transcript, roles=given or None)
    except Exception as exc:  # noqa: BLE001 - one bad call must not stop the table
        row["error"] = error_message(exc, source)
    else:
        row.update({k: v for k, v in result.to_row().items() if k in row})
        row["status"] = OK
    return row


def _missing(value: Any) -> bool:
    """Whether a call id is missing (None, NaN, pandas' NA, or blank text)."""
    import pandas as pd

    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # (a value pandas cannot judge is there)
        return False


def _transcript_of(group: "pd.DataFrame", cols: _CueColumns, source: str) -> "Transcript":
    """The cues of one call, in table order, as a transcript."""
    from ..transcript import Cue, Transcript

    untimed = [None] * len(group)
    cues = []
    for i, (spk, txt, s, e) in enumerate(
        zip(
            group[cols.speaker],
            group[cols.text],
            group[cols.start] if cols.start is not None else untimed,
            group[cols.end] if cols.end is not None else untimed,
        ),
        1,
    ):
        start = _cue_time(s, source, i, cols.start)
        end = _cue_time(e, source, i, cols.end)
        if start is not None and end is not None and end < start:
            raise TranscriptFormatError(
                source, i, f"an end time after the start time (column {cols.end!r})", f"{start:g} to {end:g}", code="E121"
            )
        said = _cell_text(txt)
        # A cue with words names its speaker, as a CSV transcript's row must (E124, E125).
        name = cell_speaker(_cell_text(spk), source, i, said) if said.strip() else _cell_text(spk)
        cues.append(Cue(speaker=name, text=said, start=start, end=end, line=i))
    return Transcript.from_cues(cues, source=source, format="dataframe")


def _cue_time(value: Any, source: str, line: int, column: str | None) -> float | None:
    """A cue's time in seconds, read as a CSV transcript's time cell is
    (:func:`~analyzer.readers.csv.cell_seconds`: E120 for one that is not a
    time from 0 to 168 hours); None for an empty cell. The line is the cue's
    place in the call, in order of start."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return cell_seconds(str(value), source, line, column or "")


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
