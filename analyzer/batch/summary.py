"""Per-seller figures over a batch: :class:`SellerSummary` (row by row) and :func:`summarize`."""
from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..speakers import cell_names, seller_key
from .columns import OK, number

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

NO_SELLER = "(no seller)"


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
    "roles_to_check",
)
#: Decimal places of the summary's figures: scores in points, shares as fractions, counts per call.
ROUNDING = {"mean_score": 1, "median_score": 1, "median_seller_talk_share": 3, "buyer_questions_per_call": 2,
            "pitch_dumps_per_call": 2, "if_then_closes_per_call": 2}  # fmt: skip


class SellerSummary:
    """Per-seller figures over the ``ok`` rows of a batch, built row by row.

    A call with two sellers counts for each of them; a call whose sellers
    column is empty counts for :data:`NO_SELLER`. A generic label from a
    speech service (``0``, ``A``, ``SPEAKER_00``, ``Speaker 1``) names nobody
    across calls, so it is counted for its own call only, as ``unnamed
    SPEAKER_00 in calls/a.json`` (:func:`analyzer.speakers.seller_key`).
    Scores and talk shares that are null are left out of their mean and
    median (a figure with no values is None). Figures are rounded
    (:data:`ROUNDING`). ``roles_to_check`` counts the calls whose inferred
    roles need a look (``roles_confidence`` low).
    """

    def __init__(self) -> None:
        self._sellers: dict[str, _Tally] = {}
        self._all = _Tally()

    def add(self, row: Mapping[str, Any]) -> None:
        if row.get("status") != OK:
            return
        call = str(row.get("path") or row.get("file") or "")
        names = [seller_key(name, call) for name in cell_names(row.get("sellers"))]
        self._all.add(row)
        for name in dict.fromkeys(names or [NO_SELLER]):
            self._sellers.setdefault(name, _Tally()).add(row)

    def rows(self) -> list[dict[str, Any]]:
        """One row per seller (:data:`SUMMARY_COLUMNS`), sorted by name."""
        return [{"seller": name, **self._sellers[name].figures()} for name in sorted(self._sellers)]

    def headline(self) -> dict[str, Any]:
        """The same figures over every call (each counted once), and the number of sellers."""
        return {"sellers": len([s for s in self._sellers if s != NO_SELLER]), **self._all.figures()}

    @property
    def roles_to_check(self) -> int:
        """Calls whose inferred roles need a look."""
        return self._all.roles_to_check


class _Tally:
    def __init__(self) -> None:
        self.calls = 0
        self.scores: list[float] = []
        self.shares: list[float] = []
        self.buyer_questions = 0
        self.pitch_dumps = 0
        self.if_then_closes = 0
        self.roles_to_check = 0

    def add(self, row: Mapping[str, Any]) -> None:
        self.calls += 1
        self.roles_to_check += row.get("roles_confidence") == "low"
        score = number(row.get("score"))
        if score is not None:
            self.scores.append(score)
        share = number(row.get("seller_talk_share"))
        if share is not None:
            self.shares.append(share)
        self.buyer_questions += int(number(row.get("buyer_questions")) or 0)
        self.pitch_dumps += int(number(row.get("pitch_dumps")) or 0)
        self.if_then_closes += int(number(row.get("if_then_closes")) or 0)

    def figures(self) -> dict[str, Any]:
        n = self.calls
        return _rounded({
            "calls": n,
            "mean_score": statistics.fmean(self.scores) if self.scores else None,
            "median_score": statistics.median(self.scores) if self.scores else None,
            "median_seller_talk_share": statistics.median(self.shares) if self.shares else None,
            "buyer_questions_per_call": self.buyer_questions / n if n else None,
            "pitch_dumps": self.pitch_dumps,
            "pitch_dumps_per_call": self.pitch_dumps / n if n else None,
            "if_then_closes": self.if_then_closes,
            "if_then_closes_per_call": self.if_then_closes / n if n else None,
            "roles_to_check": self.roles_to_check,
        })


def _rounded(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: (round(v, ROUNDING[k]) if k in ROUNDING and v is not None else v) for k, v in figures.items()}


def summarize(rows: Iterable[Mapping[str, Any]] | "pd.DataFrame") -> "pd.DataFrame":
    """The per-seller summary of batch rows.

    Parameters
    ----------
    rows : iterable of mapping, or pandas.DataFrame
        Batch rows (dicts), or the DataFrame of :func:`score_paths`.

    Returns
    -------
    pandas.DataFrame
        One row per seller (:data:`SUMMARY_COLUMNS`), figures rounded; a
        generic label (``SPEAKER_00``) is an entry of its own call only.

    Examples
    --------
    >>> import analyzer
    >>> rows = [{"path": "a.vtt", "status": "ok", "sellers": "Dana", "score": 80.0},
    ...         {"path": "b.vtt", "status": "ok", "sellers": "Dana", "score": 61.0}]
    >>> df = analyzer.summarize(rows)
    >>> df.loc[0, "seller"], int(df.loc[0, "calls"]), float(df.loc[0, "mean_score"])
    ('Dana', 2, 70.5)
    """
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    summary = SellerSummary()
    for row in rows:
        summary.add(row)
    return pd.DataFrame.from_records(summary.rows(), columns=list(SUMMARY_COLUMNS))
