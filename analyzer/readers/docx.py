"""Word transcripts (``.docx``): the file Microsoft Teams and Zoom offer for download.

A ``.docx`` is a zip of XML; :func:`docx_text` reads its paragraphs with
``python-docx`` and joins them with line breaks, which gives the text shape
of the same transcript saved as text (a Teams transcript: a head, then
``Name   0:03`` headers with the words below; Zoom's: ``Name: text``
lines). The text readers then read it as they read that shape, so a
``.docx`` has the same speakers, turns and times as its text export.

Table cells (some tools lay a transcript out as a table of speaker, time
and text) become one line each row, cells joined with ``: ``.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import TranscriptFormatError

#: The first bytes of a zip archive, and so of every ``.docx``.
ZIP_MAGIC = b"PK\x03\x04"
#: A ``.docx`` whose text would be larger than this is refused (E109's limit applies to the text too).
_WORD_PART = "word/document.xml"


def is_docx(data: bytes) -> bool:
    """Whether ``data`` is a Word document (a zip holding ``word/document.xml``)."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _WORD_PART in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def docx_text(data: bytes, source: str) -> str:
    """The text of a Word transcript: one line per paragraph (and per table row).

    data (bytes): the ``.docx`` file's bytes.
    source (str): the file name, for error messages.
    RETURNS (str): the paragraphs joined with ``\\n``.
    RAISES: TranscriptFormatError E158 when the document cannot be read, or
        ``python-docx`` is not installed.
    """
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - a dependency of callcoach
        raise TranscriptFormatError(
            source, None, "python-docx to read a Word transcript (pip install python-docx)", "a .docx file", code="E158"
        ) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any failure is a bad document
        raise TranscriptFormatError(
            source, None, "a Word document (.docx) that can be opened", f"{type(exc).__name__}: {exc}", code="E158"
        ) from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                lines.append(": ".join(cells))
    return "\n".join(line.replace("\r", "") for line in lines)
