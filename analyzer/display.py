"""How file names and speaker names are shown, whatever bytes or characters they hold.

A file system allows names that are not text: bytes that are not UTF-8
(Python hands them over as lone surrogates, ``os.fsdecode``), control
characters, right-to-left overrides. None of them may crash a writer, rewrite
a terminal or reverse a page, and every output must still name the file.

- :func:`shown_path` is the one form of a path that every output, message
  and page uses (and that ``--resume`` matches rows by). A name of ordinary
  characters is unchanged; otherwise a byte that is not UTF-8 becomes
  ``\\xHH``, an ASCII control character ``\\xHH``, an invisible or
  direction-changing character (C1 controls, bidi controls, zero-width
  characters, line separators) ``\\uHHHH``, and a backslash ``\\\\`` (on
  systems where it is not the path separator), so two different names never
  show the same. The escaped name is plain UTF-8.
- :func:`shown_name` is a speaker name as a page or a terminal shows it:
  every bidi control and zero-width character made visible as ``<U+202E>``,
  so that a name can neither reverse the text after it nor hide a
  character. The data (JSON, rows) keeps the name as the transcript has it.
- :func:`shown_text` is a call's text as a terminal shows it: control
  characters (an escape sequence that would clear the screen or recolour
  what follows) written out as ``\\xHH``. The data keeps the text as the
  transcript has it.
- :func:`isolated` wraps that in a first-strong isolate when it holds a
  right-to-left letter or a direction control, so that such a run ends
  where the text ends; text that cannot change direction is left as it is
  (a pager such as ``less`` shows an isolate as ``<U+2068>``).
"""
from __future__ import annotations

import os
import re
import unicodedata

#: Characters that change text direction or are invisible: Arabic letter
#: mark, Mongolian vowel separator, zero-width space/joiners, LRM/RLM,
#: embeddings and overrides, word joiner and invisible operators, isolates,
#: the zero-width no-break space (BOM), and the interlinear annotation marks.
INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb"
_NAME_RE = re.compile(f"[{INVISIBLE}]")
_BACKSLASH = "\\\\" if os.sep != "\\" else ""
_PATH_RE = re.compile(f"[{_BACKSLASH}\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{INVISIBLE}\\ud800-\\udfff]")
#: Control characters other than a tab and a line break (which a message may hold).
_CONTROL_RE = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]")


def _escape(match: re.Match) -> str:
    c = match.group()
    o = ord(c)
    if c == "\\":
        return "\\\\"
    if 0xDC80 <= o <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{o - 0xDC00:02x}"
    if o < 0x80:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}"


def shown_path(path: str | bytes | os.PathLike) -> str:
    """``path`` as every output shows it: plain UTF-8, one form per name.

    path (str | bytes | PathLike): a path as the OS gave it.
    RETURNS (str): the path itself when it holds only ordinary characters;
        otherwise with the escapes of the module docstring.
    """
    text = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    if isinstance(text, bytes):  # a PathLike that gives bytes
        text = os.fsdecode(text)
    return _PATH_RE.sub(_escape, text) if _PATH_RE.search(text) else text


def shown_name(name: str) -> str:
    """A speaker name for a page or a terminal: bidi controls and zero-width
    characters made visible as ``<U+XXXX>``; any other name unchanged."""
    if not _NAME_RE.search(name):
        return name
    return _NAME_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", name)


def shown_text(text: str) -> str:
    """``text`` with its control characters other than a tab or a line break
    written out (``\\x1b``), so that no transcript can rewrite a terminal; any
    other text unchanged."""
    return _CONTROL_RE.sub(_escape, text) if _CONTROL_RE.search(text) else text


#: The bidirectional classes that can change the direction of what follows:
#: right-to-left letters, and the embeddings, overrides and isolates.
_DIRECTIONAL = frozenset({"R", "AL", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def isolated(text: str) -> str:
    """``text`` for a terminal: :func:`shown_text`, and, when it holds a
    right-to-left letter or a direction control, between a first-strong
    isolate and its pop (U+2068, U+2069), so that a terminal that lays out
    bidirectional text ends any embedding or override in it where the text
    ends. Other text is left without them: they change nothing there, and a
    pager or a file shows them."""
    shown = shown_text(text)
    if shown.isascii() or not any(unicodedata.bidirectional(c) in _DIRECTIONAL for c in shown):
        return shown
    return f"\u2068{shown}\u2069"
