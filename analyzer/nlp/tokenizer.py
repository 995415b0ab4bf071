"""spaCy's tokenizer, remembered word by word.

A call repeats the same few thousand space-separated words ("so", "we're",
"yeah,", "okay.") tens of thousands of times. spaCy's tokenizer splits each
one again and then searches the whole text for its special cases; here each
distinct space-separated chunk is tokenized once, by spaCy's own tokenizer,
and the call's Doc is built from the remembered pieces. The tokens, their
whitespace and their norms are spaCy's own: a text with any whitespace other
than single spaces between words goes to spaCy's tokenizer whole.

One difference remains, on odd strings only: spaCy also makes a pass over the
whole text for its special cases, and where punctuation-only special cases
follow one another ("so:) :)so", "so’ ’’0"), or a lone mark comes just before
a special case that starts with one ("( ;)0", "' 'cause"), that pass can split
the second one, which it keeps whole when the word stands alone; here each
word is split as it is alone. On the project's 632 annotated calls, their unpunctuated rewrites
and the research sets (4 million words) the tokens are identical.
"""
from __future__ import annotations

import re
from itertools import chain
from operator import itemgetter
from typing import Any, Iterable

import numpy
from spacy.attrs import NORM
from spacy.tokens import Doc
from spacy.vocab import Vocab

#: Whitespace other than a space (a line break, a tab, a no-break space).
_OTHER_WHITESPACE = re.compile(r"[^\S ]")

_WORDS, _NORMS, _SPACES = itemgetter(0), itemgetter(1), itemgetter(2)

#: A chunk longer than this is no spoken word (a run of punctuation, a pasted
#: blob; no chunk of the project's calls reaches 300 characters). spaCy's
#: suffix search reads the whole rest of a chunk for every piece it splits
#: off, so a chunk of one mark repeated ("!!!!...", "<<<<...") takes time
#: quadratic in its length: 20 s for 10,000 characters, hours for a line at
#: the 200,000-character limit. Such a chunk is tokenized in pieces of
#: ``PIECE_CHARS``, which bounds the time per character.
MAX_CHUNK_CHARS = 1000
PIECE_CHARS = 64


def _single_spaced(text: str) -> bool:
    """Whether the only whitespace in ``text`` is one space between two words: the
    texts the chunk cache takes as they are. Other whitespace (line breaks, tabs,
    runs of spaces, a leading or a trailing space) spaCy keeps as tokens of its own.
    (The substring tests first: one scan of a long call for each, where a
    regular expression with all four would try each at every character.)"""
    return not ("  " in text or text.startswith(" ") or text.endswith(" ") or _OTHER_WHITESPACE.search(text))


class ChunkTokenizer:
    """Wraps a spaCy tokenizer; tokenizes each distinct chunk once.

    tokenizer: the tokenizer to wrap (``nlp.tokenizer``). Everything it does
        besides ``__call__`` and ``pipe`` (serialisation, rules, explain) is
        passed through to it.
    vocab (Vocab): the pipeline's vocabulary.
    max_chunks (int): how many distinct chunks are remembered; when full, the
        memory is emptied and filled again, so it stays bounded on any input.
    """

    def __init__(self, tokenizer: Any, vocab: Vocab, max_chunks: int = 50_000) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.max_chunks = max_chunks
        #: Each chunk's words (their string hashes), their norms and whether a
        #: space follows each (the last only).
        self._chunks: dict[str, tuple[list[int], list[int], list[bool]]] = {}
        self._flush = getattr(tokenizer, "_flush_cache", None)

    def __call__(self, text: str) -> Doc:
        if not text or not _single_spaced(text):
            return self.tokenizer(text)
        try:
            return self._build(text)
        except KeyError:
            # A word's string left the vocabulary since it was remembered (a
            # spaCy memory zone ended): every chunk is split again.
            self._chunks.clear()
            return self._build(text)

    def _build(self, text: str) -> Doc:
        get = self._chunks.get
        known = [get(chunk) or self._learn(chunk) for chunk in text.split(" ")]
        # (the lists joined by itertools, with no Python step per word)
        words = list(chain.from_iterable(map(_WORDS, known)))
        norms = list(chain.from_iterable(map(_NORMS, known)))
        spaces = list(chain.from_iterable(map(_SPACES, known)))
        spaces[-1] = False
        # The words as their string hashes: spaCy finds each lexeme by its
        # number instead of hashing the string again.
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.from_array([NORM], numpy.asarray(norms, dtype="uint64").reshape(-1, 1))
        return doc

    def _learn(self, chunk: str) -> tuple[list[int], list[int], list[bool]]:
        if len(self._chunks) >= self.max_chunks:
            self._chunks.clear()
        # spaCy's tokenizer keeps a cache of the pieces it split before, and on a
        # few odd strings (emoticons glued to words: "soso:))") its split depends on
        # what it saw earlier. Each chunk is split from an empty cache, so that a
        # chunk's tokens depend on the chunk alone.
        if self._flush is not None:
            self._flush()
        if len(chunk) <= MAX_CHUNK_CHARS:
            docs = [self.tokenizer(chunk)]
        else:
            docs = [self.tokenizer(chunk[i : i + PIECE_CHARS]) for i in range(0, len(chunk), PIECE_CHARS)]
        tokens = [t for doc in docs for t in doc]
        known = ([t.orth for t in tokens], [t.norm for t in tokens], [False] * (len(tokens) - 1) + [True])
        self._chunks[chunk] = known
        return known

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        # Only reached for what this class lacks: the wrapped tokenizer's own
        # attributes and methods (to_disk, from_bytes, rules, explain, ...).
        if name in ("tokenizer", "_flush"):  # not yet set (during unpickling)
            raise AttributeError(name)
        return getattr(self.tokenizer, name)
