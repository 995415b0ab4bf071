"""What every callcoach tagger shares: find, then write (spaCy's SpanRuler shape)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Iterable

import numpy
from spacy.attrs import ORTH, SENT_START

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from ..extensions import TURN_INDEX, TurnRange, turn_table
from ..learned import UNKNOWN
from ..resources import Lexicon, load_lexicon



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


class Component:
    """Base of the callcoach components: ``__call__`` runs :meth:`match` then
    :meth:`set_annotations` (spaCy's ``SpanRuler`` shape).

    Errors go to the pipeline's error handler, so that
    ``nlp.set_error_handler`` can let a batch skip a bad document. The
    components keep their patterns and models in the installed package, so
    saving a pipeline writes nothing for them unless a subclass says otherwise.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.match(doc))
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

    def match(self, doc: Doc) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_annotations(self, doc: Doc, found: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        pass

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "Component":
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "Component":
        return self


class Tagger(Component):
    """Base of the taggers: :meth:`match` finds the spans of ``tag``, which
    :meth:`set_annotations` writes to ``doc.spans[tag]``.

    Subclasses set ``tag`` and implement ``match(doc) -> list[Span]``.
    """

    tag: str = ""

    def match(self, doc: Doc) -> list[Span]:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        """Write ``spans`` to ``doc.spans[self.tag]`` (replacing what was there)."""
        doc.spans[self.tag] = SpanGroup(doc, name=self.tag, spans=spans)


def threshold_defaults(keys: Iterable[str]) -> dict[str, Any]:
    """The default values of some thresholds, for a factory's ``default_config``."""
    from ...config import default_thresholds

    values = default_thresholds()
    return {key: getattr(values, key) for key in keys}


def checked_thresholds(component: str, **values: Any) -> dict[str, Any]:
    """The thresholds a factory was given, each checked as ``defaults.cfg`` checks it
    (type and range), so that a bad value in ``nlp.config`` is refused when the
    component is made, naming the component and the key.

    RAISES (ConfigError): E302 a value of the wrong type, E303 one out of range.
    """
    from ...config import _convert

    return {key: _convert(key, value, f"nlp.config [components.{component}]") for key, value in values.items()}


def _raise(name, component, docs, exc):
    raise exc


_WORDS = ("callcoach", "words")
_SENTS = ("callcoach", "sentence_starts")
_QENDS = ("callcoach", "question_ends")
_SEGMENTED = ("callcoach", "segmented_turns")
_QODDS = ("callcoach", "question_odds")
_HEADS = ("callcoach", "question_heads")
_TURN_SENTS = ("callcoach", "turn_sentences")


class _WordForms:
    """The lower-case text and the title, space and punctuation flags of every
    word form (``ORTH``) the pipelines of one language have met, kept across
    calls in arrays sorted by the form's hash, so that reading a Doc's words
    is a look-up of its forms rather than a string made for each token.

    All four are attributes of the form, not of the token, and an ``ORTH``
    hash is the hash of the text, the same in every vocabulary of the
    language. The arrays are replaced together, never changed in place, so a
    reader in another thread sees the old table or the new one whole.
    """

    #: Past this many forms the table starts again (a batch of very many calls
    #: meets new forms without end; the table stays a few tens of MB at most).
    LIMIT = 500_000

    def __init__(self) -> None:
        self.table = (numpy.zeros(0, dtype="uint64"), numpy.zeros(0, dtype=object), numpy.zeros((0, 3), dtype=bool))

    @property
    def keys(self) -> numpy.ndarray:
        return self.table[0]

    def read(self, doc: Doc) -> tuple[list[str], list[bool], list[bool], list[bool]]:
        orth = doc.to_array(ORTH).reshape(-1)
        table = self.table
        at, known = sorted_places(orth, table[0])
        if not known.all():
            table = self.table = self._grown(table, doc, orth)
            at = sorted_places(orth, table[0])[0]
        lower, flags = table[1][at], table[2][at]
        return lower.tolist(), flags[:, 0].tolist(), flags[:, 1].tolist(), flags[:, 2].tolist()

    def _grown(self, table: tuple, doc: Doc, orth: numpy.ndarray) -> tuple:
        """``table`` with the forms of ``orth`` it lacks (a new table when it would
        pass :attr:`LIMIT`)."""
        keys, lower, flags = table
        new = numpy.setdiff1d(orth, keys)
        if len(keys) + len(new) > self.LIMIT:
            keys, lower, flags = _WordForms().table
            new = numpy.unique(orth)
        lexemes = [doc.vocab[h] for h in new.tolist()]
        texts = numpy.empty(len(lexemes), dtype=object)
        texts[:] = [lx.lower_ for lx in lexemes]
        added = numpy.array([(lx.is_title, lx.is_space, lx.is_punct) for lx in lexemes], dtype=bool).reshape(-1, 3)
        keys = numpy.concatenate([keys, new])
        order = numpy.argsort(keys, kind="stable")
        return keys[order], numpy.concatenate([lower, texts])[order], numpy.concatenate([flags, added])[order]


#: One table of word forms a language.
_FORMS: dict[str, _WordForms] = {}


def doc_words(doc: Doc) -> tuple[list[str], list[bool], list[bool], list[bool]]:
    """Lower-case text, title case, space and punctuation flags of every token, read
    once per Doc (from the table of the word forms met so far, without making a
    Token object or a string per word) and shared by every component."""
    cached = doc.user_data.get(_WORDS)
    if cached is None:
        forms = _FORMS.get(doc.vocab.lang)
        if forms is None:
            forms = _FORMS[doc.vocab.lang] = _WordForms()
        cached = forms.read(doc)
        doc.user_data[_WORDS] = cached
    return cached


def sorted_places(values: numpy.ndarray, table: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Where each of ``values`` is in ``table`` (sorted, distinct), and whether it
    is there at all, by one binary search a value. (``numpy.isin`` sorts the
    values with the table once the table has more than a few dozen entries,
    several times slower on a call.)"""
    if not len(table):
        return numpy.zeros(len(values), dtype=numpy.intp), numpy.zeros(len(values), dtype=bool)
    at = numpy.searchsorted(table, values)
    numpy.minimum(at, len(table) - 1, out=at)
    return at, table[at] == values


def in_sorted(values: numpy.ndarray, table: numpy.ndarray) -> numpy.ndarray:
    """Whether each of ``values`` is in ``table`` (sorted, distinct): :func:`sorted_places`."""
    return sorted_places(values, table)[1]


def sentence_starts(doc: Doc) -> list[int]:
    """Token index of every sentence start, and ``len(doc)`` last (cached; a
    component that moves sentence boundaries calls :func:`forget_sentences`)."""
    starts = doc.user_data.get(_SENTS)
    if starts is None:
        flags = doc.to_array([SENT_START]).reshape(-1).astype("int64")
        starts = [int(i) for i in numpy.flatnonzero(flags == 1)]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        starts.append(len(doc))
        doc.user_data[_SENTS] = starts
    return starts


def forget_sentences(doc: Doc) -> None:
    """Drop the cached sentence starts (and what is counted by them) after the boundaries were changed."""
    doc.user_data.pop(_SENTS, None)
    doc.user_data.pop(_HEADS, None)
    doc.user_data.pop(_TURN_SENTS, None)


def turn_sentences(doc: Doc, turn: TurnRange | Span) -> list[tuple[int, int]]:
    """``(start, end)`` token ranges of the sentences of one turn, cut at its
    edges (cached by the turn's first token with the sentence starts, as
    several components read each turn's sentences: the list is shared, not
    to be changed)."""
    cache = doc.user_data.get(_TURN_SENTS)
    if cache is None:
        cache = doc.user_data[_TURN_SENTS] = {}
    found = cache.get(turn.start)
    if found is None or found[0] != turn.end:
        found = cache[turn.start] = (turn.end, _turn_sentences(doc, turn))
    return found[1]


def _turn_sentences(doc: Doc, turn: TurnRange | Span) -> list[tuple[int, int]]:
    starts = sentence_starts(doc)
    k = max(0, bisect.bisect_right(starts, turn.start) - 1)
    out = []
    while k < len(starts) - 1 and starts[k] < turn.end:
        s, e = max(starts[k], turn.start), min(starts[k + 1], turn.end)
        if s < e:
            out.append((s, e))
        k += 1
    return out


def mark_question_ends(doc: Doc, indices: Iterable[int]) -> None:
    """Record the words the segmenter found to end a question."""
    doc.user_data.setdefault(_QENDS, set()).update(indices)


def mark_segmented(doc: Doc, turn_starts: Iterable[int], odds: dict[int, float]) -> None:
    """Record the turns the segmenter split (by their first token) and, for the
    last word of each sentence it found, the probability that the sentence is a question."""
    doc.user_data.setdefault(_SEGMENTED, set()).update(turn_starts)
    doc.user_data.setdefault(_QODDS, {}).update(odds)


def segmented(doc: Doc, turn: TurnRange | Span) -> bool:
    """Whether ``turn`` lacked punctuation, its sentences found by the segmenter:
    there, a question's form cannot lean on its question mark."""
    return turn.start in doc.user_data.get(_SEGMENTED, ())


def question_odds(doc: Doc, start: int, end: int) -> float | None:
    """The segmenter's probability that the sentence ``start:end`` (in a segmented
    turn) is a question, stored at its last word; None where it did not judge."""
    found = doc.user_data.get(_QODDS)
    if not found:
        return None
    _, _, space, punct = doc_words(doc)
    last = next((i for i in range(end - 1, start - 1, -1) if not (space[i] or punct[i])), None)
    return found.get(last) if last is not None else None


def words_between(doc: Doc, start: int, end: int) -> tuple[list[str], list[bool]]:
    """Lower-case words and title-case flags of tokens ``start:end`` (spaces dropped).

    A sentence whose last word the segmenter found to end a question (in
    unpunctuated speech) reads as if it ended in ``?``.
    """
    lower, title, space, punct = doc_words(doc)
    if True in space[start:end]:
        idx = [i for i in range(start, end) if not space[i]]
        words = [lower[i] for i in idx]
        titles = [title[i] for i in idx]
    else:  # (most sentences: no space tokens, so the lists are cut as they are)
        idx = range(start, end)
        words, titles = lower[start:end], title[start:end]
    qends = doc.user_data.get(_QENDS)
    if qends and "?" not in words:
        last = next((i for i in reversed(idx) if not punct[i]), None)
        if last is not None and last in qends:
            words.append("?")
            titles.append(False)
    return words, titles


def one_per_turn(doc: Doc, spans: Iterable[Span]) -> list[Span]:
    """The accepted sentences of each turn as one span, from the first to the last.

    The guide gives a turn at most one invitation and at most one close ("the
    sentence or sentences that carry it"): a buyer who asks who the seller is,
    says why, and asks again has invited once, and a seller who names the
    condition, the price and then the ask has closed once. The annotated calls
    agree: no turn of them holds two of either.
    """
    by_turn: dict[int, tuple[int, int]] = {}
    for span in spans:
        turn = span._.get(TURN_INDEX)
        start, end = by_turn.get(turn, (span.start, span.end))
        by_turn[turn] = (min(start, span.start), max(end, span.end))
    return [doc[start:end] for start, end in sorted(by_turn.values())]


def sentence_words(span: Span) -> tuple[list[str], list[bool]]:
    """Lower-case words and title-case flags of a span's tokens (see :func:`words_between`)."""
    return words_between(span.doc, span.start, span.end)


#: How far into a reply its words are read (tokens), and how many of them
#: may speak of its speaker (:func:`reply_features`).
REPLY_TOKENS = 40
REPLY_SELF_WORDS = 20


def reply_features(
    doc: Doc, turn_index: int, end: int, *, prefix: str = "A:", answer: bool = False, lex: Lexicon | None = None
) -> list[str]:
    """Where a sentence that ends at token ``end`` of turn ``turn_index`` stands:
    whether it ends its turn (``A:turn_end=``) and, if it does, the role of
    who speaks next (``A:role=``), the one it was put to.

    A question about the buyer is put to the buyer, not to a colleague or a
    receptionist; an invitation is put to the seller; a question said in the
    middle of one's own talk is often not asked at all. The reply is read from the
    transcript, which is whole when a call is analysed. Where nothing can
    follow (text without turns, the last turn) the feature is ``A:unknown``,
    which weighs what the context adds on average (see
    :func:`analyzer.nlp.learned.fit_sentence_model`).

    With ``answer``, also how the other side answers it: the reply's first
    word and first two words (the lexicon's ``hesitations`` skipped:
    ``A:r1=``, ``A:r2=``), its length (``A:rlen=``: up to 3 tokens, up to 12,
    more) and whether its first words speak of its speaker (``A:rself=``: a
    word of ``reply_self``, "I", "we", "our"...). An
    invitation is what the seller then answers with the company, a close
    what the buyer answers with yes, no or a condition. A buyer question
    does not read them: it is one by what it asks, and "Badly." answers it
    as well as a long story does.
    """
    table = turn_table(doc)
    if table is None or turn_index + 1 >= len(table.starts):
        return [f"{prefix}{UNKNOWN}"]  # plain text, or the transcript's last turn
    if end < table.ends[turn_index]:
        return [f"{prefix}turn_end=False"]
    found = [f"{prefix}turn_end=True", f"{prefix}role={table.roles[turn_index + 1] or 'unknown'}"]
    if not answer or table.roles[turn_index + 1] == table.roles[turn_index]:
        return found
    lex = lex or load_lexicon()
    lower, _, space, punct = doc_words(doc)
    start, stop = table.starts[turn_index + 1], table.ends[turn_index + 1]
    said = [
        lower[i] for i in range(start, min(stop, start + REPLY_TOKENS))
        if not (space[i] or punct[i]) and lower[i] not in lex.hesitations
    ]  # fmt: skip
    size = stop - start
    return found + [
        f"{prefix}r1={said[0] if said else ''}",
        f"{prefix}r2={' '.join(said[:2])}",
        f"{prefix}rlen={1 if size <= 3 else 2 if size <= 12 else 3}",
        f"{prefix}rself={not lex.reply_self.isdisjoint(said[:REPLY_SELF_WORDS])}",
    ]


def echo_features(doc: Doc, turn_index: int, words: Iterable[str], *, prefix: str = "E:") -> list[str]:
    """How many content words of a sentence the other side said in the turn just
    before it (``E:echo=0``, ``1`` or ``2`` for two or more; ``same_side`` when
    that turn was the same side's, ``unknown`` in the first turn): a question
    that takes up the buyer's own words is about what the buyer said."""
    table = turn_table(doc)
    if table is None or turn_index == 0:
        return [f"{prefix}{UNKNOWN}"]  # nothing was said before
    starts, ends, roles = table.starts, table.ends, table.roles
    if roles[turn_index - 1] == roles[turn_index]:
        return [f"{prefix}echo=same_side"]
    cache = doc.user_data.setdefault(("callcoach", "turn_content"), {})
    said = cache.get(turn_index - 1)
    if said is None:
        lower, _, space, punct = doc_words(doc)
        said = cache[turn_index - 1] = frozenset(
            lower[i] for i in range(starts[turn_index - 1], ends[turn_index - 1])
            if not (space[i] or punct[i]) and len(lower[i]) > 2 and lower[i] not in STOP_WORDS
        )
    shared = len(said.intersection(words))
    return [f"{prefix}echo={min(shared, 2)}"]
