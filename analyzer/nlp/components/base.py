"""What every callcoach tagger shares: find, then write (spaCy's SpanRuler shape)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from ..extensions import QEND


@dataclass
class Candidate:
    """A sentence a tagger considers, described for its trained model.

    span (Span): the sentence (or sentences) that would be tagged.
    features (list[str]): feature strings for :class:`analyzer.nlp.learned.SentenceModel`.
    rule (bool): the decision of the rules alone.
    open (bool | None): for questions, whether the question is open.
    veto (bool): the annotation guide rules it out by definition, whatever the
        model says.
    """

    span: Span
    features: list[str]
    rule: bool
    open: bool | None = None
    veto: bool = False


class Tagger:
    """Base of the taggers: ``__call__`` runs :meth:`match` then :meth:`set_annotations`.

    Subclasses set ``tag`` (the ``doc.spans`` key they write) and implement
    ``match(doc) -> list[Span]``. Errors go to the pipeline's error handler,
    so that ``nlp.set_error_handler`` can let a batch skip a bad document.
    """

    tag: str = ""

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            spans = self.match(doc)
            self.set_annotations(doc, spans)
        except Exception as exc:  # noqa: BLE001 - handed to spaCy's handler
            error_handler(self.name, self, [doc], exc)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def get_error_handler(self):
        return getattr(self, "_error_handler", None) or _raise

    def set_error_handler(self, handler) -> None:
        self._error_handler = handler

    def match(self, doc: Doc) -> list[Span]:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        """Write ``spans`` to ``doc.spans[self.tag]`` (replacing what was there)."""
        doc.spans[self.tag] = SpanGroup(doc, name=self.tag, spans=spans)

    # spaCy calls these when a pipeline is saved or loaded; the taggers keep
    # their patterns in the installed package, so there is nothing to write.
    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        pass

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "Tagger":
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "Tagger":
        return self


def threshold_defaults(keys: Iterable[str]) -> dict[str, Any]:
    """The default values of some thresholds, for a factory's ``default_config``."""
    from ...config import default_thresholds

    values = default_thresholds()
    return {key: getattr(values, key) for key in keys}


def _raise(name, component, docs, exc):
    raise exc


def sentence_words(span: Span) -> tuple[list[str], list[bool]]:
    """Lower-case words and title-case flags of a span's tokens (spaces dropped).

    A sentence whose last word the segmenter found to end a question (in
    unpunctuated speech) reads as if it ended in ``?``.
    """
    words, titles = [], []
    last = None
    for t in span:
        if t.is_space:
            continue
        words.append(t.lower_)
        titles.append(t.is_title)
        if not t.is_punct:
            last = t
    if last is not None and last._.get(QEND) and "?" not in words:
        words.append("?")
        titles.append(False)
    return words, titles
