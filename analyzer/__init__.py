"""callcoach: is a sales call about the buyer or about the seller?

Library use::

    import analyzer
    result = analyzer.analyze_file("call.vtt", sellers=["Dana Reyes"])
    result.to_dict()      # the JSON contract of spec/output.md
    result.to_row()       # one flat row for pandas

For many calls, build the pipeline once with :func:`load_analyzer`; for a
folder of calls, :func:`score_paths` gives a DataFrame.

What lives where (the README's Layout section has the whole tree):

- :mod:`analyzer.analysis`: the :class:`Analyzer` and its entry points;
  :mod:`analyzer.readers`, :mod:`analyzer.roles`, :mod:`analyzer.nlp`,
  :mod:`analyzer.metrics`, :mod:`analyzer.feedback` are its steps, and
  :mod:`analyzer.result` the result and its JSON;
- :mod:`analyzer.classifier`: the call classifier (scoring apart from training);
- :mod:`analyzer.gold` and :mod:`analyzer.evaluate`: gold sidecars and the
  taggers measured against them;
- :mod:`analyzer.batch`: many calls into one table; :mod:`analyzer.html`:
  the report and dashboard pages; :mod:`analyzer.cli`: the ``callcoach`` command.

This module imports nothing heavy: each name below is loaded on first use.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from .about import __version__

__all__ = [
    "__version__",
    "Analyzer",
    "AnalysisResult",
    "analyze_file",
    "analyze_text",
    "load_analyzer",
    "read_transcript",
    "score_dataframe",
    "score_paths",
    "TranscriptFormatError",
]


def __getattr__(name: str) -> Any:
    # Heavy imports (spaCy) happen on first use, so `callcoach --help` is quick.
    if name == "Analyzer":
        from .analysis import Analyzer

        return Analyzer
    if name == "AnalysisResult":
        from .result import AnalysisResult

        return AnalysisResult
    if name == "read_transcript":
        from .readers import read_transcript

        return read_transcript
    if name == "TranscriptFormatError":
        from .errors import TranscriptFormatError

        return TranscriptFormatError
    if name == "score_paths":
        from .batch import score_paths

        return score_paths
    if name == "score_dataframe":
        from .batch import score_dataframe

        return score_dataframe
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")


@lru_cache(maxsize=4)
def load_analyzer(base_model: str | None = None):
    """An :class:`Analyzer` with the default thresholds, built once and cached."""
    from .analysis import Analyzer

    return Analyzer(base_model=base_model)


def analyze_file(
    path: str | Path,
    *,
    format: str | None = None,
    sellers: Iterable[str] = (),
    buyers: Iterable[str] = (),
    others: Iterable[str] = (),
    roles: Mapping[str, str] | None = None,
):
    """Read and analyse one transcript; returns an :class:`AnalysisResult`."""
    return load_analyzer().analyze_file(
        path, format=format, sellers=sellers, buyers=buyers, others=others, roles=roles
    )


def analyze_text(
    text: str,
    *,
    source: str = "<text>",
    format: str | None = None,
    sellers: Iterable[str] = (),
    buyers: Iterable[str] = (),
    others: Iterable[str] = (),
    roles: Mapping[str, str] | None = None,
):
    """Analyse a transcript given as a string; returns an :class:`AnalysisResult`."""
    return load_analyzer().analyze_text(
        text, source=source, format=format, sellers=sellers, buyers=buyers, others=others, roles=roles
    )
