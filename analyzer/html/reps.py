"""The dashboard's reps over time and its trackers panel: plain data (and SVG geometry) for ``dashboard.html.j2``.

:func:`reps_view` gives one card per rep: the rep's median score and seller
talk share by week (or by month, when the calls span more than
:data:`WEEKS_MAX` weeks) as a small line chart, and the rep's median score
against the scores of the team's calls (a strip of the team's calls with
the rep's median marked, and its percentile). Each card holds one variant
per call type, so that the page can filter by call type without
recomputing; the cards carry their team, to filter by team.

A call's rep is its ``rep`` column (a manifest, or a Gong export), else each
seller who speaks in it. Calls without a date are counted, but not plotted.

:func:`tracker_panel` sums the ``tracker_<name>_seller`` and
``tracker_<name>_buyer`` columns over the calls.

Every coordinate is a number made here; no text from a call goes into a
style or a path.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any, Callable, Mapping, Sequence

from ..speakers import cell_names, seller_key

#: Calls spanning more weeks than this are plotted by month.
WEEKS_MAX = 26
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NO_TEAM = ""
#: The line chart's box (SVG user units) and margins.
CHART_W, CHART_H = 320, 132
LEFT, RIGHT, TOP, BOTTOM = 30, 10, 8, 22
#: The percentile strip's box.
STRIP_W, STRIP_H = 320, 30


def value(row: Mapping[str, Any], key: str) -> Any:
    """A row's value, with NaN (pandas' missing) as None."""
    v = row.get(key)
    try:
        if v is not None and not isinstance(v, (str, bytes)) and v != v:
            return None
    except (TypeError, ValueError):
        pass
    return v


def rep_names(row: Mapping[str, Any]) -> list[str]:
    """Who a call counts for: its ``rep``, else each of its sellers, a generic
    label (``SPEAKER_00``) as an entry of its own call only, as in the
    per-seller summary (:func:`~analyzer.speakers.seller_key`)."""
    rep = value(row, "rep")
    if rep:
        return [str(rep)]
    call = str(value(row, "path") or value(row, "file") or "")
    return [seller_key(name, call) for name in cell_names(value(row, "sellers"))]


def _date(row: Mapping[str, Any]) -> dt.date | None:
    raw = value(row, "date")
    try:
        return dt.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def periods_of(dates: Sequence[dt.date]) -> tuple[str, Callable[[dt.date], dt.date], list[dt.date]]:
    """The period (``week`` or ``month``), the function from a date to its period's first day,
    and every period from the first call's to the last's."""
    if not dates:
        return "week", _week, []
    first, last = min(dates), max(dates)
    unit, start = ("week", _week) if (last - first).days <= WEEKS_MAX * 7 else ("month", _month)
    out, p = [], start(first)
    while p <= last:
        out.append(p)
        p = p + dt.timedelta(days=7) if unit == "week" else _month(p + dt.timedelta(days=32))
    return unit, start, out


def _week(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _month(d: dt.date) -> dt.date:
    return d.replace(day=1)


def period_label(p: dt.date, unit: str) -> str:
    return f"{MONTHS[p.month - 1]} {p.day}" if unit == "week" else f"{MONTHS[p.month - 1]} {p.year}"


def reps_view(ok: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Everything the reps section shows: filters, periods, and one card per rep (most calls first)."""
    by_rep: dict[str, list[Mapping[str, Any]]] = {}
    for r in ok:
        for name in rep_names(r):
            by_rep.setdefault(name, []).append(r)
    dates = [d for d in (_date(r) for r in ok) if d is not None]
    unit, start, periods = periods_of(dates)
    call_types = sorted({str(value(r, "call_type")) for r in ok if value(r, "call_type")}, key=str.casefold)
    teams = sorted({str(value(r, "team")) for r in ok if value(r, "team")}, key=str.casefold)
    by_team: dict[str, list[Mapping[str, Any]]] = {}
    for r in ok:
        by_team.setdefault(str(value(r, "team") or NO_TEAM), []).append(r)
    cards = []
    for name in sorted(by_rep, key=lambda n: (-len(by_rep[n]), n.casefold())):
        rows = by_rep[name]
        team = _team(rows)
        team_rows = by_team.get(team, []) if team else list(ok)
        variants = [
            _variant(name, rows, team_rows, c, unit, start, periods) for c in [""] + call_types
        ]
        cards.append({"name": name, "team": team, "calls": len(rows), "variants": variants})
    return {
        "reps": cards,
        "teams": teams,
        "call_types": call_types,
        "unit": unit,
        "period_count": len(periods),
        "undated": sum(1 for r in ok if _date(r) is None),
        "dated": len(dates),
    }


def _team(rows: Sequence[Mapping[str, Any]]) -> str:
    teams = Counter(str(value(r, "team")) for r in rows if value(r, "team"))
    return teams.most_common(1)[0][0] if teams else NO_TEAM


def _numbers(rows: Sequence[Mapping[str, Any]], key: str) -> list[float]:
    return [float(value(r, key)) for r in rows if value(r, key) is not None]


def _median(xs: Sequence[float]) -> float | None:
    return statistics.median(xs) if xs else None


def percentile(x: float, population: Sequence[float]) -> float | None:
    """Where ``x`` stands in ``population``: the share below it, ties counted half, in percent."""
    if not population:
        return None
    below = sum(1 for p in population if p < x)
    equal = sum(1 for p in population if p == x)
    return 100.0 * (below + 0.5 * equal) / len(population)


def _variant(name, rows, team_rows, call_type, unit, start, periods) -> dict[str, Any]:
    if call_type:
        rows = [r for r in rows if str(value(r, "call_type") or "") == call_type]
        team_rows = [r for r in team_rows if str(value(r, "call_type") or "") == call_type]
    scores, shares = _numbers(rows, "score"), _numbers(rows, "seller_talk_share")
    med_score, med_share = _median(scores), _median(shares)
    team_scores = _numbers(team_rows, "score")
    pct = percentile(med_score, team_scores) if med_score is not None else None
    series = _series(rows, start, periods)
    return {
        "call_type": call_type,
        "label": call_type or "all call types",
        "kind": f"{call_type} " if call_type else "",
        "calls": len(rows),
        "dated": sum(1 for r in rows if _date(r) is not None),
        "score": "" if med_score is None else f"{med_score:.0f}",
        "share": "" if med_share is None else f"{med_share * 100:.0f}%",
        "percentile": "" if pct is None else _ordinal(int(pct + 0.5)),
        "team_calls": len(team_scores),
        "chart": _chart(series, unit, periods),
        "strip": _strip(team_scores, med_score),
        "table": [
            {"period": period_label(p, unit), "calls": n, "score": "" if s is None else f"{s:.0f}", "share": "" if h is None else f"{h:.0f}%"}
            for p, n, s, h in series
            if n
        ],
        "summary": _summary(name, call_type, unit, series, med_score, med_share, pct),
    }


def _series(rows, start, periods) -> list[tuple[dt.date, int, float | None, float | None]]:
    """Per period: calls, median score, median talk share (in %)."""
    buckets: dict[dt.date, list[Mapping[str, Any]]] = {p: [] for p in periods}
    for r in rows:
        d = _date(r)
        if d is not None and start(d) in buckets:
            buckets[start(d)].append(r)
    out = []
    for p in periods:
        b = buckets[p]
        s = _median(_numbers(b, "score"))
        h = _median(_numbers(b, "seller_talk_share"))
        out.append((p, len(b), s, None if h is None else h * 100))
    return out


def _x(i: int, n: int) -> float:
    inner = CHART_W - LEFT - RIGHT
    return LEFT + (inner / 2 if n <= 1 else i * inner / (n - 1))


def _y(v: float) -> float:
    return TOP + (100 - max(0.0, min(100.0, v))) / 100 * (CHART_H - TOP - BOTTOM)


def _chart(series, unit: str, periods) -> dict[str, Any] | None:
    """Polylines (broken where a period has no call) and points of the score and the talk share."""
    n = len(periods)
    if not any(cnt for _, cnt, _, _ in series):
        return None
    lines: dict[str, list[str]] = {"score": [], "share": []}
    points: dict[str, list[dict[str, str]]] = {"score": [], "share": []}
    for key, idx in (("score", 2), ("share", 3)):
        run: list[str] = []
        for i, item in enumerate(series):
            v = item[idx]
            if v is None:
                if len(run) > 1:
                    lines[key].append(" ".join(run))
                run = []
                continue
            x, y = _x(i, n), _y(v)
            run.append(f"{x:.1f},{y:.1f}")
            points[key].append({"x": f"{x:.1f}", "y": f"{y:.1f}", "title": f"{period_label(item[0], unit)}: {v:.0f}" + ("%" if key == "share" else "")})
        if len(run) > 1:
            lines[key].append(" ".join(run))
    labels = sorted({0, n // 2, n - 1}) if n > 2 else list(range(n))
    return {
        "w": CHART_W,
        "h": CHART_H,
        "lines": lines,
        "points": points,
        "grid": [{"y": f"{_y(v):.1f}", "label": str(v)} for v in (0, 50, 100)],
        "x0": LEFT,
        "x1": CHART_W - RIGHT,
        "xlabels": [
            {"x": f"{_x(i, n):.1f}", "text": period_label(periods[i], unit), "anchor": _anchor(i, n)} for i in labels
        ],
        "label_y": CHART_H - 6,
    }


def _anchor(i: int, n: int) -> str:
    if n > 1 and i == 0:
        return "start"
    return "end" if n > 1 and i == n - 1 else "middle"


def _strip(team_scores: Sequence[float], rep_median: float | None) -> dict[str, Any] | None:
    if not team_scores:
        return None
    right = 26  # room for the "100" label
    inner = STRIP_W - LEFT - right

    def x(v: float) -> str:
        return f"{LEFT + max(0.0, min(100.0, v)) / 100 * inner:.1f}"

    return {
        "w": STRIP_W,
        "h": STRIP_H,
        "ticks": [x(s) for s in team_scores],
        "rep": None if rep_median is None else x(rep_median),
        "x0": LEFT,
        "x1": STRIP_W - right,
    }


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _summary(name, call_type, unit, series, med_score, med_share, pct) -> str:
    """The chart in one sentence, for its accessible name."""
    kind = f"{call_type} calls" if call_type else "calls"
    plotted = [(p, s) for p, n, s, _ in series if n and s is not None]
    trend = ""
    if len(plotted) >= 2:
        trend = f"; median score {plotted[0][1]:.0f} in the first {unit} with calls, {plotted[-1][1]:.0f} in the last"
    score = "not scored" if med_score is None else f"median score {med_score:.0f}"
    share = "" if med_share is None else f", median talk share {med_share * 100:.0f}%"
    where = "" if pct is None else f", {_ordinal(int(pct + 0.5))} percentile of the team's calls"
    return f"{name}, {kind}: {score}{share}{where}{trend}."


def tracker_panel(ok: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per tracker over the calls: calls with a mention, mentions per side, mentions per call."""
    names: dict[str, None] = {}
    for r in ok:
        for k in r:
            if k.startswith("tracker_") and k.endswith("_seller"):
                names.setdefault(k[len("tracker_") : -len("_seller")], None)
    out = []
    n = len(ok) or 1
    for name in names:
        seller = [int(value(r, f"tracker_{name}_seller") or 0) for r in ok]
        buyer = [int(value(r, f"tracker_{name}_buyer") or 0) for r in ok]
        calls = sum(1 for s, b in zip(seller, buyer) if s + b)
        out.append(
            {
                "name": name,
                "calls": calls,
                "share": f"{calls / n * 100:.0f}%",
                "share_sort": f"{calls / n:.4f}",
                "width": f"{calls / n * 100:.1f}",
                "seller": sum(seller),
                "buyer": sum(buyer),
                "per_call": f"{(sum(seller) + sum(buyer)) / n:.1f}",
            }
        )
    return out
