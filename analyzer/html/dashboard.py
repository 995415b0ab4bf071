"""The view of a batch dashboard: plain data for ``dashboard.html.j2``, one function per part.

:func:`dashboard_view` puts the page together: the counts, the score and
talk-share distributions (:func:`histogram`), the per-seller table
(:func:`seller_views`), the reps over time and the trackers
(:mod:`analyzer.html.reps`), and every call, errors too (:func:`call_views`),
each linked to its report when there is one.
"""
from __future__ import annotations

import math
import os
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import quote

from ..config import default_thresholds
from ..render import clock
from ..speakers import cell_names, seller_key
from .format import css_percent, pct_text
from .reps import reps_view, tracker_panel

NO_SELLER = "(no seller identified)"


def dashboard_view(rows: Sequence[Mapping[str, Any]], reports: Mapping[str, str]) -> dict[str, Any]:
    """Everything ``dashboard.html.j2`` shows, as plain data."""
    ok = [r for r in rows if _status(r) == "ok"]
    scores = _numbers(ok, "score")
    shares = _numbers(ok, "seller_talk_share")
    folder = common_folder([_path(r) for r in rows])
    return {
        "total": len(rows),
        "ok_count": len(ok),
        "error_count": len(rows) - len(ok),
        "scored_count": len(scores),
        "labels": label_counts(ok),
        "score_hist": histogram(scores, 0.0, 100.0, 10, lambda lo, hi: f"{lo:.0f}-{hi:.0f}"),
        "share_hist": histogram([s * 100 for s in shares], 0.0, 100.0, 10, lambda lo, hi: f"{lo:.0f}-{hi:.0f}%"),
        "share_count": len(shares),
        "sellers": seller_views(ok),
        "calls": call_views(rows, reports, folder),
        "rep_view": reps_view(ok),
        "tracker_panel": tracker_panel(ok),
        "folder": folder,
        "has_reports": bool(reports),
    }


def call_views(rows: Sequence[Mapping[str, Any]], reports: Mapping[str, str], folder: str = "") -> list[dict[str, Any]]:
    """One table row per call, sorted by path, each cell as shown and as sorted.

    rows: the batch rows. reports: a row's path to its report's relative
    link. folder: the folder every path shares, left out of the names.
    """
    rate = default_thresholds().speech_rate_words_per_second
    return [_call_view(r, reports, folder, rate) for r in sorted(rows, key=_path)]


def _call_view(r: Mapping[str, Any], reports: Mapping[str, str], folder: str, rate: float) -> dict[str, Any]:
    path = _path(r)
    status = _status(r)
    is_ok = status == "ok"
    score = value(r, "score")
    share = value(r, "seller_talk_share")
    q = value(r, "buyer_questions") if is_ok else None
    mono_s = value(r, "longest_seller_monologue_seconds")
    mono_w = value(r, "longest_seller_monologue_words") if is_ok else None
    dur = value(r, "duration_seconds")
    words = value(r, "words")
    label = value(r, "label")
    href = reports.get(path)
    return {
        "path": path,
        "name": path[len(folder):] if folder else path,
        "href": safe_href(href) if href else None,
        "status": status,
        "ok": is_ok,
        "sellers": str(value(r, "sellers") or ""),
        "buyers": str(value(r, "buyers") or ""),
        "score": ("" if score is None else f"{score:.0f}"),
        "score_sort": "" if score is None else f"{score:.4f}",
        "label": (str(label).replace("_", "-") if label else ""),
        "share": pct_text(share) if share is not None else "",
        "share_sort": "" if share is None else f"{share:.4f}",
        "questions": "" if q is None else str(int(q)),
        "questions_sort": "" if q is None else str(int(q)),
        "monologue": clock(mono_s) if mono_s is not None else (f"{int(mono_w)} words" if mono_w is not None else ""),
        # Untimed calls sort by the time their words would take.
        "monologue_sort": (
            f"{mono_s:.3f}" if mono_s is not None else (f"{mono_w / rate:.3f}" if mono_w is not None else "")
        ),
        "duration": clock(dur) if dur is not None else ("untimed" if is_ok else ""),
        "duration_sort": "" if dur is None else f"{dur:.3f}",
        "words": f"{int(words):,}" if words is not None else "",
        "words_sort": "" if words is None else str(int(words)),
        "notes": str(value(r, "feedback_codes") or "") if is_ok else str(value(r, "error") or "unknown error"),
    }


def seller_views(ok: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per seller over the scored calls; a call with two sellers counts for each of them.

    The talk share is the median, as in the summary file and the headline; a
    generic label (``SPEAKER_00``) is an entry of its own call only.
    """
    sellers: dict[str, list[Mapping[str, Any]]] = {}
    for r in ok:
        names = [seller_key(name, _path(r)) for name in cell_names(value(r, "sellers"))]
        for name in names or [NO_SELLER]:
            sellers.setdefault(name, []).append(r)
    out = []
    for name in sorted(sellers, key=str.casefold):
        rs = sellers[name]
        sc = _numbers(rs, "score")
        mean_sc = _mean(sc)
        mean_sh = _median(_numbers(rs, "seller_talk_share"))
        mean_q = _mean([int(value(r, "buyer_questions")) for r in rs if value(r, "buyer_questions") is not None])
        out.append(
            {
                "name": name,
                "calls": len(rs),
                "score": "" if mean_sc is None else f"{mean_sc:.0f}",
                "score_sort": "" if mean_sc is None else f"{mean_sc:.4f}",
                "scored": len(sc),
                "share": "" if mean_sh is None else pct_text(mean_sh),
                "share_sort": "" if mean_sh is None else f"{mean_sh:.4f}",
                "questions": "" if mean_q is None else f"{mean_q:.1f}",
                "questions_sort": "" if mean_q is None else f"{mean_q:.4f}",
                "dumps": sum(int(value(r, "pitch_dumps") or 0) for r in rs),
                "closes": sum(int(value(r, "if_then_closes") or 0) for r in rs),
            }
        )
    return out


def label_counts(ok: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many scored calls fell on each side."""
    labels = {"buyer_centric": 0, "seller_centric": 0}
    for r in ok:
        lab = value(r, "label")
        if lab in labels:
            labels[lab] += 1
    return labels


def histogram(
    values: Sequence[float], lo: float, hi: float, bins: int, name: Callable[[float, float], str]
) -> list[dict[str, Any]]:
    """Counts of ``values`` in ``bins`` equal bins from ``lo`` to ``hi``, with bar heights in %."""
    counts = [0] * bins
    width = (hi - lo) / bins
    for v in values:
        i = int((v - lo) // width)
        counts[min(max(i, 0), bins - 1)] += 1
    top = max(counts) or 1
    return [
        {
            "range": name(lo + i * width, lo + (i + 1) * width),
            "count": c,
            "height": css_percent(c / top * 100),
        }
        for i, c in enumerate(counts)
    ]


def value(row: Mapping[str, Any], key: str) -> Any:
    """A row's value, with pandas' NaN and missing keys as None."""
    v = row.get(key)
    if isinstance(v, float) and math.isnan(v):
        return None
    try:  # pandas.NA and friends
        if v is not None and not isinstance(v, (str, bytes)) and v != v:
            return None
    except (TypeError, ValueError):
        pass
    return v


def safe_href(href: str) -> str:
    """A relative link to a report: percent-quoted, so no scheme survives."""
    return quote(str(href).replace(os.sep, "/"), safe="/._-~")


def common_folder(paths: Sequence[str]) -> str:
    """The folder all paths share ("" when none), with its trailing slash."""
    folders = [p.replace("\\", "/").rsplit("/", 1)[0] + "/" for p in paths if "/" in p.replace("\\", "/")]
    if not paths or len(folders) != len(paths):
        return ""
    prefix = os.path.commonprefix(folders)
    return prefix[: prefix.rfind("/") + 1]


def _path(r: Mapping[str, Any]) -> str:
    return str(value(r, "path") or value(r, "file") or "")


def _status(r: Mapping[str, Any]) -> str:
    return str(value(r, "status") or "ok")


def _numbers(rows: Sequence[Mapping[str, Any]], key: str) -> list[float]:
    return [float(value(r, key)) for r in rows if value(r, key) is not None]


def _median(xs: Sequence[float]) -> float | None:
    import statistics

    return statistics.median(xs) if xs else None


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None
