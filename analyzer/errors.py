"""Errors and warnings with stable codes.

Every message the analyzer raises for bad input has a code (``E1xx`` for
transcripts, ``E2xx`` for roles, ``E3xx`` for configuration, ``E4xx`` for
gold files, ``E5xx`` for models and labels files, ``E6xx`` for the files a
command reads and writes: inputs that are not regular files or too large,
outputs it may not write). Codes are never reused; the code is part of the
message so that a user can search for it.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator


class CallcoachError(Exception):
    """Base class of every error the analyzer raises on purpose.

    Each has a stable ``code`` (``E`` and three digits) at the start of its
    message, so that a caller can catch them all in one place.

    Parameters
    ----------
    *args
        As for :class:`Exception` (each subclass says what it takes).

    Examples
    --------
    >>> issubclass(RolesError, CallcoachError), RolesError("no such speaker").code
    (True, 'E201')
    """

    code = "E000"


class TranscriptFormatError(CallcoachError, ValueError):
    """A transcript could not be read.

    Parameters
    ----------
    source : str
        The file (or other source name) that was being read.
    line : int or None
        The 1-based line where the problem is, when known.
    expected : str
        What the reader expected to find there.
    found : str or None, default=None
        What it found instead (shortened to 80 characters).
    code : str, default="E101"
        A stable error code (the table in ``analyzer/readers/__init__.py``).

    Examples
    --------
    >>> str(TranscriptFormatError("call.vtt", 4, "a cue timing line", "00:00:01 -> 4", code="E132"))
    "[E132] call.vtt, line 4: expected a cue timing line, found '00:00:01 -> 4'"
    """

    def __init__(
        self,
        source: str,
        line: int | None,
        expected: str,
        found: str | None = None,
        *,
        code: str = "E101",
    ) -> None:
        self.source = source
        self.line = line
        self.expected = expected
        self.found = found
        self.code = code
        super().__init__(self._format())

    def _format(self) -> str:
        where = f"{self.source}, line {self.line}" if self.line else str(self.source)
        msg = f"[{self.code}] {where}: expected {self.expected}"
        if self.found is not None:
            found = self.found if len(self.found) <= 80 else self.found[:77] + "..."
            msg += f", found {found!r}"
        return msg


class TranscriptFileNotFoundError(TranscriptFormatError, FileNotFoundError):
    """A transcript path that does not exist (E100).

    Both a :class:`TranscriptFormatError` (its code and message, as every
    file that cannot be read) and a :class:`FileNotFoundError` (``errno``,
    ``filename``), so ``except FileNotFoundError`` catches it as Python users
    expect.

    Parameters
    ----------
    source : str
        The path that does not exist.

    Examples
    --------
    >>> isinstance(TranscriptFileNotFoundError("gone.vtt"), FileNotFoundError)
    True
    """

    def __init__(self, source: str) -> None:
        import errno
        import os

        super().__init__(source, None, "a readable file", os.strerror(errno.ENOENT), code="E100")
        self.errno = errno.ENOENT
        self.strerror = os.strerror(errno.ENOENT)
        self.filename = source

    def __str__(self) -> str:
        return self._format()


@contextmanager
def missing_path_as_not_found(path: str | os.PathLike) -> Iterator[None]:
    """Raise an E100 for a ``path`` that does not exist as a :class:`TranscriptFileNotFoundError`.

    Any other error (E100 for a path that exists but cannot be read, every
    other code) passes as it is.

    Examples
    --------
    >>> from analyzer.readers import read_bytes
    >>> try:
    ...     with missing_path_as_not_found("gone.vtt"):
    ...         read_bytes("gone.vtt")
    ... except FileNotFoundError as exc:
    ...     print(exc)
    [E100] gone.vtt: expected a readable file, found 'No such file or directory'
    """
    try:
        yield
    except TranscriptFormatError as exc:
        if exc.code == "E100" and not os.path.lexists(path):
            raise TranscriptFileNotFoundError(os.fspath(path)) from None
        raise


class RolesError(CallcoachError, ValueError):
    """The roles a caller gave do not fit the transcript.

    Parameters
    ----------
    message : str
        What does not fit (a name that is not a speaker, an unknown role).
    code : str, default="E201"
        A stable error code (E201-E206).

    Examples
    --------
    >>> str(RolesError("'Bob' is not a speaker in this call"))
    "[E201] 'Bob' is not a speaker in this call"
    """

    code = "E201"

    def __init__(self, message: str, *, code: str = "E201") -> None:
        self.code = code
        super().__init__(f"[{code}] {message}")


class ConfigError(CallcoachError, ValueError):
    """A threshold or option is unknown or has a bad value.

    Parameters
    ----------
    message : str
        Which setting, and what is wrong with it.
    code : str, default="E301"
        A stable error code (E301-E355).

    Examples
    --------
    >>> ConfigError("models: expected a folder of tagger models", code="E320").code
    'E320'
    """

    code = "E301"

    def __init__(self, message: str, *, code: str = "E301") -> None:
        self.code = code
        super().__init__(f"[{code}] {message}")


class GoldFormatError(CallcoachError, ValueError):
    """A gold annotation sidecar is malformed or does not fit its transcript."""

    code = "E401"

    def __init__(self, source: str, message: str, *, code: str = "E401") -> None:
        self.source = source
        self.code = code
        super().__init__(f"[{code}] {source}: {message}")


class ModelArtifactError(CallcoachError, ValueError):
    """A model file cannot be used: unsafe, malformed, or from other library versions.

    Parameters
    ----------
    source : str
        The model file.
    message : str
        Why it cannot be used (and how to retrain it).
    code : str, default="E501"
        A stable error code (E501-E522).

    Examples
    --------
    >>> str(ModelArtifactError("model.skops", "expected a callcoach model file"))
    '[E501] model.skops: expected a callcoach model file'
    """

    code = "E501"

    def __init__(self, source: str, message: str, *, code: str = "E501") -> None:
        self.source = source
        self.code = code
        super().__init__(f"[{code}] {source}: {message}")


class LabelsError(CallcoachError, ValueError):
    """A labels file is malformed."""

    code = "E510"

    def __init__(self, source: str, line: int | None, message: str, *, code: str = "E510") -> None:
        self.source = source
        self.line = line
        self.code = code
        where = f"{source}, line {line}" if line else source
        super().__init__(f"[{code}] {where}: {message}")


class InputFileError(CallcoachError, ValueError):
    """A file a command was given is not one it reads: not a regular file, a
    link out of the folder being scanned, or over the size limit (E601-E603).

    source (str): the file, as shown (:func:`analyzer.display.shown_path`).
    """

    code = "E601"

    def __init__(self, source: str, message: str, *, code: str = "E601") -> None:
        self.source = source
        self.code = code
        super().__init__(f"[{code}] {source}: {message}")


class OutputError(CallcoachError, ValueError):
    """An output a command may not write: a missing or read-only folder, one
    of its own inputs, a file inside the folder it scans, or an output another
    run holds (E610-E616). Raised before any work, so that nothing is written.

    target (str): the output, as shown.
    """

    code = "E610"

    def __init__(self, target: str, message: str, *, code: str = "E610") -> None:
        self.target = target
        self.code = code
        super().__init__(f"[{code}] {target}: {message}")
