"""The HTML pages: one call's report and a batch dashboard.

Both pages are single self-contained files: styles are inline, the report has
no script at all, the dashboard has one small inline script (table sorting),
and a Content-Security-Policy meta tag forbids every network request, so a
page opened from a mail attachment fetches nothing and runs nothing else.

Safe by construction: this package turns a result into plain data (numbers,
strings, nested lists) and the Jinja2 templates in ``analyzer/templates``
render it with autoescaping on. No transcript text, speaker name or file
name is ever concatenated into markup here; the only strings marked safe are
the static sorting script, the CSP computed from it, and the templates'
``|name`` filter, which escapes a name before it wraps it in ``<bdi>``.

Names cannot turn a page around: every speaker and file name is shown in
``<bdi>`` with its bidi controls and zero-width characters made visible
(``<U+202E>``), and quoted transcript text and feedback messages sit in
``<bdi>`` too, so a right-to-left override in them ends where they end.

Formatting only: every number shown was computed by the analyzer. Wording
follows :mod:`analyzer.render` (the terminal report).

What lives where:

- this module: the public API, :func:`render_report`, :func:`write_report`,
  :func:`render_dashboard`, :func:`write_dashboard`;
- :mod:`~analyzer.html.report`: the report's view, one function per part of
  the page (header, gauge, moments, feedback, transcript), over a
  :class:`~analyzer.html.context.ReportContext`;
- :mod:`~analyzer.html.timeline`: the talk-time timeline (lanes, markers,
  axis) and its legend; :mod:`~analyzer.html.targets`: the metrics beside
  their targets, one card each;
- :mod:`~analyzer.html.spans`: where each tag's text is in the turns, and a
  turn's text as nested highlights;
- :mod:`~analyzer.html.dashboard`: the dashboard's view (distributions,
  sellers, calls);
- :mod:`~analyzer.html.page`: the Jinja2 environment, the CSP, atomic writes;
  :mod:`~analyzer.html.format`: number and label formatting.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..config import Thresholds, default_thresholds
from ..result import AnalysisResult
from .dashboard import dashboard_view
from .page import csp, env, sha256, sort_script, write_atomic
from .report import report_view

__all__ = ["render_report", "write_report", "render_dashboard", "write_dashboard"]


def render_report(result: AnalysisResult, *, thresholds: Thresholds | None = None) -> str:
    """The report of one call as a self-contained HTML page.

    result (AnalysisResult): an analysed call; its ``transcript`` must be set
        (every result of :class:`analyzer.analysis.Analyzer` has it).
    thresholds (Thresholds | None): where the targets come from; defaults to
        ``analyzer/defaults.cfg``.
    RETURNS (str): the page.
    """
    if result.transcript is None:
        raise ValueError("render_report needs result.transcript (the analysed turns)")
    view = report_view(result, thresholds or default_thresholds())
    return env().get_template("report.html.j2").render(csp=csp(script_hash=None), **view)


def write_report(result: AnalysisResult, path: str | os.PathLike, *, thresholds: Thresholds | None = None) -> None:
    """Write :func:`render_report` to ``path`` atomically (temp file, then rename)."""
    write_atomic(Path(path), render_report(result, thresholds=thresholds))


def render_dashboard(rows: Sequence[Mapping[str, Any]], *, reports: Mapping[str, str] | None = None) -> str:
    """A batch of calls as one self-contained HTML page.

    rows (Sequence[Mapping]): one flat dict a call, as
        :meth:`AnalysisResult.to_row` makes it, plus ``path``, ``status``
        (``"ok"`` or ``"error"``) and ``error`` (the message, for error rows).
    reports (Mapping[str, str] | None): a row's ``path`` to the relative path
        of its HTML report (POSIX separators), for the row's link.
    RETURNS (str): the page.
    """
    script = sort_script()
    view = dashboard_view(rows, reports or {})
    return env().get_template("dashboard.html.j2").render(
        csp=csp(script_hash=sha256(script)), sort_script=script, **view
    )


def write_dashboard(
    rows: Sequence[Mapping[str, Any]], path: str | os.PathLike, *, reports: Mapping[str, str] | None = None
) -> None:
    """Write :func:`render_dashboard` to ``path`` atomically."""
    write_atomic(Path(path), render_dashboard(rows, reports=reports))
