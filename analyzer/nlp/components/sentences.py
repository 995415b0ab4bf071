"""``callcoach_sentencizer``: spaCy's rule-based sentence splitting, on arrays.

The pipeline's own calls have no parser, so their sentences come from
punctuation, as spaCy's ``sentencizer`` finds them: after a sentence mark
(``. ? !`` and the other marks of :attr:`spacy.pipeline.Sentencizer.default_punct_chars`),
the next token that is not punctuation starts a sentence. spaCy's component
makes a :class:`~spacy.tokens.Token` object for every token to ask that;
this one reads the Doc's ``ORTH`` and ``IS_PUNCT`` columns once and decides
every token with array operations, so a call costs a few array passes
instead of one Python step per token. Its decisions are spaCy's, token for
token (``tests/components/test_sentences.py`` checks them against it).

Like spaCy's, it leaves a boundary already set (each turn's first token)
as it is, unless ``overwrite`` is set.
"""
from __future__ import annotations

from typing import Iterable

import numpy
import srsly
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import ensure_path


class ArraySentencizer:
    """Sets ``token.is_sent_start`` on every token as spaCy's ``Sentencizer`` would."""

    def __init__(self, name: str = "sentencizer", *, punct_chars: Iterable[str] | None = None, overwrite: bool = False) -> None:
        self.name = name
        self.punct_chars = set(punct_chars or Sentencizer.default_punct_chars)
        self.overwrite = overwrite
        # The hash of each mark as a token's ORTH holds it (the same in every vocab).
        self._marks = numpy.array(sorted(get_string_id(c) for c in self.punct_chars), dtype="uint64")

    def starts(self, doc: Doc) -> numpy.ndarray:
        """Whether each token starts a sentence, by the marks alone (a boolean array)."""
        arr = doc.to_array([ORTH, IS_PUNCT])
        mark = numpy.isin(arr[:, 0], self._marks)
        # Punctuation that is no sentence mark (a quote, a comma, "...") is
        # passed over: after a mark, the next token that is neither starts.
        seen = numpy.flatnonzero(mark | (arr[:, 1] == 0))
        after_mark = mark[seen]
        out = numpy.zeros(len(doc), dtype=bool)
        if len(doc):
            out[0] = True
            out[seen[1:][after_mark[:-1] & ~after_mark[1:]]] = True
        return out

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        guesses = self.starts(doc)
        current = doc.to_array([SENT_START]).astype("int64")
        todo = numpy.ones(len(doc), dtype=bool) if self.overwrite else current == 0
        current[todo] = numpy.where(guesses[todo], 1, -1)
        doc.from_array([SENT_START], current.astype("uint64"))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return srsly.msgpack_dumps({"punct_chars": sorted(self.punct_chars), "overwrite": self.overwrite})

    def from_bytes(self, bytes_data: bytes, *, exclude=tuple()) -> "ArraySentencizer":
        cfg = srsly.msgpack_loads(bytes_data)
        self.__init__(self.name, punct_chars=cfg.get("punct_chars"), overwrite=cfg.get("overwrite", False))
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path).with_suffix(".json")
        srsly.write_json(path, {"punct_chars": sorted(self.punct_chars), "overwrite": self.overwrite})

    def from_disk(self, path, *, exclude=tuple()) -> "ArraySentencizer":
        cfg = srsly.read_json(ensure_path(path).with_suffix(".json"))
        self.__init__(self.name, punct_chars=cfg.get("punct_chars"), overwrite=cfg.get("overwrite", False))
        return self


@Language.factory(
    "callcoach_sentencizer",
    default_config={"punct_chars": None, "overwrite": False},
    assigns=["token.is_sent_start"],
)
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None, overwrite: bool) -> ArraySentencizer:
    """Create the ``callcoach_sentencizer`` component (spaCy's ``sentencizer``, on arrays).

    punct_chars (list[str] | None): the sentence marks; None for spaCy's defaults.
    overwrite (bool): replace boundaries already set.
    """
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite)
