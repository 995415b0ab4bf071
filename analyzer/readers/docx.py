"""Word transcripts (``.docx``): the file Microsoft Teams and Zoom offer for download.

A ``.docx`` is a zip of XML; :func:`docx_text` reads its paragraphs with
``python-docx`` and joins them with line breaks, which gives the text shape
of the same transcript saved as text (a Teams transcript: a head, then
``Name   0:03`` headers with the words below; Zoom's: ``Name: text``
lines). The text readers then read it as they read that shape, so a
``.docx`` has the same speakers, turns and times as its text export.

Tables are read where they stand among the paragraphs. Some tools lay a
transcript out as a table of speaker, time (a start, or a start and an
end) and text: each row becomes the line of the text shape that says the
same (``Name (0:03): text``, or ``[0:03] Name: text`` when the times come
first; ``Name: text`` without a time; an end time is not kept, as the text
shapes start a turn only), and a first row of column names (``Speaker |
Start Time | Text``) is no turn.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import TranscriptFormatError
from .csv import HEADER_NAMES, column_key

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
    lines: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables, in document order
        if hasattr(block, "rows"):
            lines += _table_lines(block)
        else:
            lines.append(block.text)
    return "\n".join(line.replace("\r", "") for line in lines)


def _table_lines(table) -> list[str]:
    """One line a row: a transcript table's row in the text shape it holds."""
    out: list[str] = []
    for k, row in enumerate(table.rows):
        cells = [c.text.strip() for c in row.cells if c.text.strip()]
        cells = list(dict.fromkeys(cells)) if len(cells) > 1 else cells  # (a merged cell repeats)
        if not cells or (k == 0 and all(column_key(c) in HEADER_NAMES for c in cells)):  # the CSV reader's names
            continue
        times = [i for i, c in enumerate(cells) if clock_seconds_or_none(c) is not None]
        if len(cells) in (3, 4) and times == list(range(1, len(cells) - 1)):  # speaker, start[, end], text
            out.append(f"{cells[0]} ({cells[1]}): {cells[-1]}")
        elif len(cells) in (3, 4) and times == list(range(len(cells) - 2)):  # start[, end], speaker, text
            out.append(f"[{cells[0]}] {cells[-2]}: {cells[-1]}")
        else:
            out.append(": ".join(cells))
    return out


def clock_seconds_or_none(text: str) -> float | None:
    """The seconds of a clock time cell (``0:03``, ``00:01:02``, ``[00:01:02]``), or None."""
    from .names import bracketed_clock

    try:
        return bracketed_clock(text)
    except ValueError:
        return None
