"""``callcoach_sentencizer``: spaCy's rule-based sentence splitter, read from arrays.

The rule is spaCy's :class:`~spacy.pipeline.Sentencizer`'s, and so are its
options and its serialisation: a sentence starts at the first token after a
sentence mark (``punct_chars``) that is neither punctuation nor a mark, and
boundaries already set (every turn starts a sentence) are kept. spaCy's
version walks the Doc token by token, making a ``Token`` object for each;
this one reads the token texts and punctuation flags as two arrays and
finds every start at once, which matters on calls of 100,000 words and more.
The boundaries are the same.
"""
from __future__ import annotations

import numpy
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.pipeline.senter import senter_score
from spacy.strings import hash_string
from spacy.tokens import Doc

from .base import in_sorted


class ArraySentencizer(Sentencizer):
    """:class:`spacy.pipeline.Sentencizer` with its two steps done on arrays."""

    def __init__(self, name: str = "sentencizer", *, punct_chars=None, overwrite: bool = False, scorer=senter_score) -> None:
        super().__init__(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)
        self._marks_key: tuple | None = None  # what the two fields below were worked out for
        self._marks = numpy.zeros(0, dtype="uint64")
        self._marks_punct = False

    def _marks_for(self, doc: Doc) -> tuple[numpy.ndarray, bool]:
        """The sorted hashes of the sentence marks, and whether the vocabulary
        counts every mark as punctuation (then only punctuation is looked up)."""
        key = (frozenset(self.punct_chars), id(doc.vocab))
        if self._marks_key != key:
            is_punct = doc.vocab.lex_attr_getters.get(IS_PUNCT)
            self._marks_key = key
            self._marks = numpy.array(sorted({hash_string(c) for c in self.punct_chars}), dtype="uint64")
            self._marks_punct = is_punct is not None and all(is_punct(c) for c in self.punct_chars)
        return self._marks, self._marks_punct

    def predict(self, docs):
        """For each doc, a boolean array: True where a sentence starts (the first token always)."""
        guesses = []
        for doc in docs:
            n = len(doc)
            starts = numpy.zeros(n, dtype=bool)
            if n:
                marks, marks_punct = self._marks_for(doc)
                arr = doc.to_array([ORTH, IS_PUNCT])
                punct = arr[:, 1] != 0
                # Only punctuation can be a mark when every mark is punctuation.
                look = numpy.flatnonzero(punct) if marks_punct else numpy.arange(n)
                mark = numpy.zeros(n, dtype=bool)
                if len(look):
                    mark[look] = in_sorted(arr[look, 0], marks)
                word = ~mark & ~punct
                # Punctuation that is not a mark changes nothing; after a mark,
                # the next word starts a sentence.
                seen = numpy.flatnonzero(mark | word)
                after_mark = numpy.zeros(len(seen), dtype=bool)
                after_mark[1:] = mark[seen[:-1]]
                starts[seen[word[seen] & after_mark]] = True
                starts[0] = True
            guesses.append(starts)
        return guesses

    def set_annotations(self, docs, batch_tag_ids) -> None:
        """Set each token's sentence start where none is set yet (or everywhere, with ``overwrite``)."""
        if isinstance(docs, Doc):
            docs = [docs]
        for doc, starts in zip(docs, batch_tag_ids):
            if not len(doc):
                continue
            current = doc.to_array([SENT_START]).astype("int64").reshape(-1)
            guessed = numpy.where(numpy.asarray(starts, dtype=bool), 1, -1)
            values = guessed if self.overwrite else numpy.where(current == 0, guessed, current)
            doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))


@Language.factory(
    "callcoach_sentencizer",
    default_config={"punct_chars": None, "overwrite": False, "scorer": {"@scorers": "spacy.senter_scorer.v1"}},
    assigns=["token.is_sent_start", "doc.sents"],
)
def make_sentencizer(nlp: Language, name: str, punct_chars, overwrite: bool, scorer) -> ArraySentencizer:
    """Create the ``callcoach_sentencizer`` component (options as spaCy's ``sentencizer``)."""
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)
