"""``callcoach_trackers``: the phrases a team tracks, and the seller's filler words.

Two kinds of mention, matched case-insensitively over the whole call:

- the trackers of a :class:`~analyzer.trackers.TrackerSet` (``"default"``:
  the shipped set in ``patterns/trackers.jsonl``; ``"none"``; or a TOML or
  JSON Lines file), their phrases through a ``PhraseMatcher`` and their
  token patterns through a ``Matcher``. A tracker whose side is ``seller``
  or ``buyer`` counts only that side's turns; ``any`` counts both. Speakers
  with the role ``other`` are never counted. Where one tracker's phrases
  overlap ("price", "price point"), the longest counts once.
  Spans go to ``doc.spans["trackers"]``, labelled with the tracker's name.
- filler words ("um", "uh", "er", "erm", "you know", "I mean", "sort of",
  "kind of", "like" set off by a comma), from ``patterns/fillers.jsonl``. A row may refuse a match by
  the word before it (``not_after``: "do you know" asks something) or after
  it (``not_before``: "uh-huh" is a backchannel), or ask for a comma beside
  it (``needs_comma``: "like, forty seats" but not "we'd like forty
  seats"). Spans go to ``doc.spans["fillers"]``.

The component reads the turns and roles only; it never reads or changes the
tags, so the taggers' results are the same with or without it.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> _ = nlp.add_pipe("callcoach_trackers")
    >>> doc = nlp("Um, what would the price be, you know, per seat?")
    >>> [(s.label_, s.text) for s in doc.spans["trackers"]]
    [('pricing', 'price'), ('pricing', 'per seat')]
    >>> [s.text for s in doc.spans["fillers"]]
    ['Um', 'you know']
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import srsly
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup

from ...trackers import TrackerSet, parse_jsonl, resolve_trackers
from ..extensions import TURNS_KEY, turn_index_of, turn_table
from ..resources import load_patterns
from .base import Component

#: ``doc.spans`` keys this component writes.
TRACKERS_KEY = "trackers"
FILLERS_KEY = "fillers"
#: The file a saved pipeline keeps its trackers in (``to_disk``).
TRACKERS_FILE = "trackers.jsonl"


class TrackerMatcher(Component):
    """Finds tracker and filler mentions; ``__call__`` runs :meth:`match` then :meth:`set_annotations`.

    nlp (Language): the pipeline (its vocab and tokenizer make the phrase docs).
    name (str): the component's name. Defaults to ``callcoach_trackers``.
    trackers (TrackerSet | str): the trackers, or ``"default"``, ``"none"`` or
        a file path. Defaults to the shipped set.
    """

    def __init__(self, nlp: Language, name: str = "callcoach_trackers", *, trackers: "TrackerSet | str" = "default") -> None:
        super().__init__(nlp, name)
        self.filler_rules = {row["id"]: row for row in load_patterns("fillers")}
        self.filler_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for pid, row in self.filler_rules.items():
            self.filler_matcher.add(pid, [nlp.make_doc(row["pattern"])])
        self.set_trackers(resolve_trackers(trackers))

    def set_trackers(self, trackers: TrackerSet) -> None:
        """Match ``trackers`` from now on (replacing the set there was)."""
        self.trackers = trackers
        self.sides = {t.name: t.side for t in trackers.trackers}
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.token_matcher = Matcher(self.nlp.vocab)
        for t in trackers.trackers:
            if t.phrases:
                self.phrase_matcher.add(t.name, list(self.nlp.tokenizer.pipe(t.phrases)))
            if t.patterns:
                self.token_matcher.add(t.name, [list(p) for p in t.patterns])

    def match(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """The tracker mentions and the filler words of ``doc``, each sorted by position."""
        return self.tracker_spans(doc), self.filler_spans(doc)

    def tracker_spans(self, doc: Doc) -> list[Span]:
        """Tracker mentions on the side each tracker counts, the longest of overlapping ones."""
        found: dict[str, list[tuple[int, int]]] = {}
        strings = doc.vocab.strings
        for matcher in (self.phrase_matcher, self.token_matcher):
            if len(matcher) == 0:
                continue
            for key, start, end in matcher(doc):
                name = strings[key]
                if _one_turn(doc, start, end) and self._counts(doc, start, self.sides.get(name, "any")):
                    found.setdefault(name, []).append((start, end))
        spans = []
        for name, ranges in found.items():
            spans += [Span(doc, s, e, label=name) for s, e in _longest_first(ranges)]
        spans.sort(key=lambda s: (s.start, s.end, s.label_))
        return spans

    def filler_spans(self, doc: Doc) -> list[Span]:
        """Filler words, each checked against its row's context rules."""
        spans = []
        strings = doc.vocab.strings
        for key, start, end in self.filler_matcher(doc):
            row = self.filler_rules[strings[key]]
            if _one_turn(doc, start, end) and _filler_in_context(doc, start, end, row):
                spans.append(Span(doc, start, end, label="filler"))
        return _longest_first_spans(spans)

    def set_annotations(self, doc: Doc, matches: tuple[list[Span], list[Span]]) -> None:
        """Write the mentions to ``doc.spans["trackers"]`` and ``doc.spans["fillers"]``."""
        trackers, fillers = matches
        doc.spans[TRACKERS_KEY] = SpanGroup(doc, name=TRACKERS_KEY, spans=trackers)
        doc.spans[FILLERS_KEY] = SpanGroup(doc, name=FILLERS_KEY, spans=fillers)

    def _counts(self, doc: Doc, start: int, side: str) -> bool:
        """Whether a mention at token ``start`` is in a turn the tracker counts."""
        if TURNS_KEY not in doc.spans:
            return True
        i = turn_index_of(doc, start)
        role = turn_table(doc).roles[i] if i is not None else None
        if role not in ("seller", "buyer"):
            return role is None
        return side == "any" or side == role

    # A saved pipeline keeps its trackers beside the config (as spaCy's
    # SpanRuler keeps its patterns), so that it loads with the same set.
    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / TRACKERS_FILE, [t.to_dict() for t in self.trackers.trackers])

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "TrackerMatcher":
        file = Path(path) / TRACKERS_FILE
        if file.exists():
            self.set_trackers(resolve_trackers(file))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return "".join(srsly.json_dumps(t.to_dict()) + "\n" for t in self.trackers.trackers).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "TrackerMatcher":
        self.set_trackers(TrackerSet(parse_jsonl(data.decode("utf-8"), "<bytes>"), source="<bytes>"))
        return self


def _one_turn(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens ``start:end`` lie in one turn (a phrase is said by one speaker)."""
    return turn_index_of(doc, start) == turn_index_of(doc, end - 1)


def _filler_in_context(doc: Doc, start: int, end: int, row: dict[str, Any]) -> bool:
    """Whether a filler's neighbours in its own turn allow it (the words of
    the turn before or after are another speaker's)."""
    turn = turn_index_of(doc, start)
    table = turn_table(doc) if turn is not None else None
    first, stop = (table.starts[turn], table.ends[turn]) if table is not None else (0, len(doc))
    before = doc[start - 1].lower_ if start > first else ""
    after = doc[end].lower_ if end < stop else ""
    if before in row.get("not_after", ()) or after in row.get("not_before", ()):
        return False
    if row.get("needs_comma") and before != "," and after != ",":
        return False
    return True


def _longest_first(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping ranges, the longer kept where two overlap, in order."""
    kept: list[tuple[int, int]] = []
    taken: set[int] = set()
    for s, e in sorted(set(ranges), key=lambda r: (r[0] - r[1], r[0])):
        if not any(i in taken for i in range(s, e)):
            kept.append((s, e))
            taken.update(range(s, e))
    return sorted(kept)


def _longest_first_spans(spans: list[Span]) -> list[Span]:
    keep = set(_longest_first([(s.start, s.end) for s in spans]))
    return sorted((s for s in spans if (s.start, s.end) in keep), key=lambda s: s.start)


@Language.factory(
    "callcoach_trackers",
    default_config={"trackers": "default"},
    assigns=["doc.spans"],
    requires=[],
)
def make_trackers(nlp: Language, name: str, trackers: str) -> TrackerMatcher:
    """Create the ``callcoach_trackers`` component.

    trackers (str): ``"default"`` (the shipped set), ``"none"``, or the path
        of a TOML or JSON Lines trackers file.
    """
    return TrackerMatcher(nlp, name, trackers=trackers)
