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

import threading as _threading
from functools import lru_cache as _lru_cache
from typing import TYPE_CHECKING as _TYPE_CHECKING

from .about import __version__

if _TYPE_CHECKING:  # pragma: no cover
    import os
    from typing import Iterable, Mapping

    import pandas as pd

    from .analysis import Analyzer
    from .result import AnalysisResult
    from .transcript import Transcript

__all__ = [
    "__version__",
    "Analyzer",
    "AnalysisResult",
    "CallcoachError",
    "ConfigError",
    "ModelArtifactError",
    "RolesError",
    "TranscriptFileNotFoundError",
    "TranscriptFormatError",
    "analyze_file",
    "analyze_text",
    "load_analyzer",
    "read_transcript",
    "score_dataframe",
    "score_paths",
    "summarize",
    "tags_frame",
]

#: Names loaded on first use (spaCy and pandas are heavy), by the module that defines them.
_LAZY = {
    "Analyzer": "analysis",
    "AnalysisResult": "result",
    "CallcoachError": "errors",
    "ConfigError": "errors",
    "ModelArtifactError": "errors",
    "RolesError": "errors",
    "TranscriptFormatError": "errors",
    "TranscriptFileNotFoundError": "errors",
    "score_paths": "batch",
    "score_dataframe": "batch",
    "summarize": "batch",
    "tags_frame": "tables",
}


def __getattr__(name: str):
    # Heavy imports (spaCy) happen on first use, so `callcoach --help` is quick.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


#: Held while an analyzer is built, so that threads asking at once share one.
_BUILDING = _threading.Lock()


def load_analyzer(base_model: str | None = None) -> "Analyzer":
    """An :class:`Analyzer` with the default thresholds, built once and cached.

    Parameters
    ----------
    base_model : str or None, default=None
        An installed spaCy pipeline to build on; None for a blank English one.

    Returns
    -------
    Analyzer
        The same object for the same ``base_model`` on every call.

    Raises
    ------
    OSError
        When ``base_model`` is not installed.

    Examples
    --------
    >>> import analyzer
    >>> analyzer.load_analyzer() is analyzer.load_analyzer()
    True
    """
    with _BUILDING:
        return _analyzer_for(base_model)


@_lru_cache(maxsize=4)
def _analyzer_for(base_model: str | None) -> "Analyzer":
    from .analysis import Analyzer

    return Analyzer(base_model=base_model)


def analyze_file(
    path: "str | os.PathLike",
    *,
    format: str | None = None,
    sellers: "Iterable[str]" = (),
    buyers: "Iterable[str]" = (),
    others: "Iterable[str]" = (),
    roles: "Mapping[str, str] | None" = None,
) -> "AnalysisResult":
    """Read and analyse one transcript.

    Parameters
    ----------
    path : str or PathLike
        The transcript: plain text, WebVTT, SRT, Otter, CSV, JSON from the
        speech services, or a Word (.docx) transcript.
    format : str or None, default=None
        Force a reader (``analyzer.readers.FORMATS``); None detects it.
    sellers, buyers, others : iterable of str, default=()
        Speakers the caller names; the others' roles are inferred, except that
        with sellers named and no buyer every other speaker is a buyer (but
        one taken for ``other``): name every seller.
    roles : mapping of str to str or None, default=None
        More given roles, speaker name to ``seller``, ``buyer`` or ``other``.

    Returns
    -------
    AnalysisResult
        ``to_dict()`` is the JSON of ``docs/output.md``, ``to_row()`` one
        flat row.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist (:class:`TranscriptFileNotFoundError`, E100).
    TranscriptFormatError
        When the file cannot be read as a transcript; the message has a code and the line.
    RolesError
        When a given name is not a speaker in the call.

    Examples
    --------
    >>> import analyzer
    >>> r = analyzer.analyze_file("data/samples/01-payroll-dental-discovery.txt", sellers=["Priya Nair"])
    >>> r.metrics.buyer_questions, r.speakers[0].role_source
    (12, 'given')
    """
    return load_analyzer().analyze_file(
        path, format=format, sellers=sellers, buyers=buyers, others=others, roles=roles
    )


def analyze_text(
    text: str,
    *,
    source: str = "<text>",
    format: str | None = None,
    sellers: "Iterable[str]" = (),
    buyers: "Iterable[str]" = (),
    others: "Iterable[str]" = (),
    roles: "Mapping[str, str] | None" = None,
) -> "AnalysisResult":
    """Analyse a transcript given as a string.

    Parameters
    ----------
    text : str
        The transcript in any text format.
    source : str, default="<text>"
        The call's name in the result and in error messages.
    format, sellers, buyers, others, roles
        As for :func:`analyze_file`.

    Returns
    -------
    AnalysisResult

    Raises
    ------
    TranscriptFormatError
        When the text is not a transcript of a known shape.

    Examples
    --------
    >>> import analyzer
    >>> r = analyzer.analyze_text("Dana: How are you handling renewals today?\\nSam: Badly.", sellers=["Dana"])
    >>> r.metrics.buyer_questions
    1
    """
    return load_analyzer().analyze_text(
        text, source=source, format=format, sellers=sellers, buyers=buyers, others=others, roles=roles
    )


def read_transcript(
    path: "str | os.PathLike", format: str | None = None, *, speech_rate_words_per_second: float | None = None
) -> "Transcript":
    """Read a transcript file into turns, without analysing it.

    Parameters
    ----------
    path : str or PathLike
        The transcript file.
    format : str or None, default=None
        Force a reader; None detects the format by content.
    speech_rate_words_per_second : float or None, default=None
        The rate that ends turns where a format gives start times only.

    Returns
    -------
    Transcript
        The speakers and turns (no roles yet).

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist (:class:`TranscriptFileNotFoundError`, E100).
    TranscriptFormatError
        When the file cannot be read as a transcript.

    Examples
    --------
    >>> import analyzer
    >>> analyzer.read_transcript("data/samples/01-payroll-dental-discovery.txt").speakers
    ('Priya Nair', 'Tammy Boyd')
    """
    from .errors import missing_path_as_not_found
    from .readers import read_transcript as _read

    with missing_path_as_not_found(path):
        return _read(path, format, speech_rate_words_per_second=speech_rate_words_per_second)
