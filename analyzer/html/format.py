"""Small formatting helpers of the HTML pages: numbers in, plain strings out.

Every string made here is text for the templates to escape, or a
percentage of plain digits for a style attribute (:func:`css_percent`);
none is ever marked safe.
"""
from __future__ import annotations

from ..render import TAG_LABEL
from ..result import Tag

#: One letter per tag for the timeline markers (the legend spells them out).
TAG_LETTER = {
    "pitch_invite": "I",
    "pitch_dump": "D",
    "pitch_pivot": "P",
    "buyer_question": "Q",
    "if_then_close": "C",
}


def pct_text(x: float | None, digits: int = 0) -> str:
    """A share as a percentage (``"43%"``); ``"n/a"`` for None."""
    return "n/a" if x is None else f"{x * 100:.{digits}f}%"


def num_text(x: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals; ``"n/a"`` for None."""
    return "n/a" if x is None else f"{x:.{digits}f}"


def clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, x))


def css_percent(x: float) -> str:
    """A percentage for a style attribute (plain digits, never user text)."""
    return f"{clamp(x):.3f}".rstrip("0").rstrip(".")


def tag_label(tag: Tag) -> str:
    """A tag's name in words, with open or closed for a buyer question."""
    label = TAG_LABEL.get(tag.tag, tag.tag.replace("_", " "))
    if tag.tag == "buyer_question" and tag.open is not None:
        label += " (open)" if tag.open else " (closed)"
    return label


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
