"""``callcoach_segmenter``: sentences and questions inside unpunctuated turns.

Many call recorders deliver lower-case speech with no punctuation, and a
turn then runs on for several sentences: ``okay great so how are you
handling renewals today and who on your team owns that process``. For each
turn that lacks punctuation (fewer sentence marks than one per
:data:`WORDS_PER_MARK` words), a trained model decides where a new sentence
starts, word by word from left to right, reading a window of words and what
the sentence it last started holds so far; and a second model, reading each sentence so found as a
whole, which of them are questions; the turn's sentence boundaries are
replaced by those, and the last word of each
question is flagged (``token._.callcoach_qend``) so that the taggers read
the sentence as if it ended in ``?``.

Punctuated turns keep the sentences the sentencizer found. Where such a
turn (or a turn too short to count its marks) ends on a sentence with no
mark at all (``And who decides which one is the master copy``, ``Worried
how``, ``is it the branch staff or the--``), the writer or the recorder left
out the mark that says whether it asks, and the question model judges that
last sentence as it judges the sentences of an unpunctuated turn; the rest
costs one look at each turn's last token. It learns from the project's own
punctuated calls with the punctuation stripped (the original punctuation is
the label): ``callcoach train-taggers``.
"""
from __future__ import annotations

import bisect
import math
from itertools import repeat
from typing import Sequence

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import QEND, TRANSCRIPT, TurnRange, turn_table
from ..learned import SentenceModel, load_models
from ..resources import load_lexicon
from .base import Component, doc_words, forget_sentences, mark_question_ends, mark_segmented, sentence_starts

#: A turn with fewer sentence marks (``. ? !``) than one per this many words
#: lacks punctuation.
WORDS_PER_MARK = 25
#: Turns shorter than this are not split ("yeah okay sure"); a last sentence
#: with no mark is still judged (:meth:`Segmenter.unmarked_endings`).
MIN_WORDS = 6
SENTENCE_MARKS = frozenset(".?!")
#: Names of the two models in a tagger-model folder.
START_MODEL = "segment_start"
QUESTION_MODEL = "segment_question"


def ends_with_mark(last: str) -> bool:
    """Whether a sentence whose last token is ``last`` ends with a sentence mark
    (``.``, ``?``, ``!`` or a run of them); an ellipsis trails off, as a dash
    does, and marks nothing (as :func:`lacks_punctuation` counts)."""
    return bool(last) and all(c in SENTENCE_MARKS for c in last) and last != "..."


def lacks_punctuation(text: str | Span, words: int | None = None) -> bool:
    """True for a turn of at least :data:`MIN_WORDS` words with too few sentence marks.

    Counted on the text with string methods, so that punctuated calls pay
    almost nothing for the segmenter.

    words: the text's number of whitespace-separated words, where the caller
        has it counted (a transcript's turn).
    """
    text = text if isinstance(text, str) else text.text
    if words is None:
        words = len(text.split())
    if words < MIN_WORDS:
        return False
    marks = text.count(".") + text.count("?") + text.count("!") - 3 * text.count("...")
    return marks * WORDS_PER_MARK < words


#: The coarse word classes of :func:`word_class`, numbered by their place here.
WORD_CLASSES = ("WH", "AUX", "FIL", "SUBJ", "-")
_CLASS_NUMBER = {name: k for k, name in enumerate(WORD_CLASSES)}


def word_class(w: str, lex) -> str:
    """The coarse class of a word the window features use: wh-word, auxiliary,
    filler, subject pronoun, or ``-``."""
    if w in lex.wh:
        return "WH"
    if w in lex.aux:
        return "AUX"
    if w in lex.filler:
        return "FIL"
    if w in lex.subject:
        return "SUBJ"
    return "-"


def word_features(words: Sequence[str], lex=None) -> list[list[str]]:
    """Window features of each word of an unpunctuated turn (lower-cased words)."""
    lex = lex or load_lexicon()
    return [_window(words, i, lex) for i in range(len(words))]


def _window(words: Sequence[str], i: int, lex) -> list[str]:
    """The window features of word ``i`` of a turn: it, the two words before it
    and the two after it, their pairs, its position, and the classes of it and
    its neighbours."""
    n = len(words)

    def at(k: int) -> str:
        return words[k] if 0 <= k < n else ("<s>" if k < 0 else "</s>")

    p2, p1, w = at(i - 2), at(i - 1), words[i]
    row = [f"w={w}", f"p1={p1}", f"p2={p2}", f"p1w={p1}|{w}", f"p2p1={p2}|{p1}", f"pos={min(i, 4)}"]
    # No feature marks the end of the turn: the end of a turn is always the
    # end of a sentence, and a model that learned "the turn ends here, so a
    # question ends here" would call every turn's last words a question.
    if i + 1 < n:
        n1 = words[i + 1]
        row += [f"n1={n1}", f"wn1={w}|{n1}", f"c={word_class(p1, lex)}|{word_class(w, lex)}|{word_class(n1, lex)}"]
        if i + 2 < n:
            n2 = words[i + 2]
            row += [f"n2={n2}", f"n1n2={n1}|{n2}"]
    return row


def sentence_features(words: Sequence[str], start: int, end: int, lex=None) -> list[str]:
    """Features of ``words[start:end]`` as one sentence of its turn, for the
    question model: the window of its last word (:func:`word_features`), its
    first two words and their classes, and every word and word pair in it.
    Whether a sentence asks something shows mostly at its start and in its
    body (a wh-word or an auxiliary up front, "you" after it), often far from
    its last word.
    """
    lex = lex or load_lexicon()
    first = words[start]
    row = _window(words, end - 1, lex) + [f"f1={first}", f"f1c={word_class(first, lex)}"]
    if end - start > 1:
        second = words[start + 1]
        row += [f"f2={second}", f"f12={first}|{second}", f"fc12={word_class(first, lex)}|{word_class(second, lex)}"]
    body = words[start:end]
    row += [f"sw={w}" for w in dict.fromkeys(body)]
    row += [f"sp={a}|{b}" for a, b in dict.fromkeys(zip(body, body[1:]))]
    return row


#: How far back the last sentence start can be told apart, in words.
MAX_DISTANCE = 10
#: How many words ahead :class:`HistoryScorer` looks up a first word's pairs at once.
PAIR_AHEAD = 32


def _seen_name(mask: int) -> str:
    """The history feature's name of a set of word classes, given as a bit
    mask over :data:`WORD_CLASSES`: their names in sorted order, run together."""
    return "".join(sorted(name for k, name in enumerate(WORD_CLASSES) if mask >> k & 1))


def history_features(words: Sequence[str], classes: Sequence[int], i: int, start: int, seen: int) -> list[str]:
    """What the sentence so far holds, as features of word ``i`` when the last
    sentence start was word ``start``: how far back that was, its first word and
    that word's class, and the set of word classes seen since (``seen``, a bit
    mask), each with word ``i`` or its class (``classes`` are class numbers);
    and the set seen with the classes of word ``i`` and of the next word.

    A sentence that already holds a wh-word, an auxiliary and a subject (a
    whole question) is likelier over than one three words in, all the more
    before "and who ..."; and a sentence that began with "if" is rarely over
    before its "then".
    """
    d = min(i - start, MAX_DISTANCE)
    c = WORD_CLASSES[classes[i]]
    first = words[start]
    row = [
        f"hd={d}",
        f"hdc={d}|{c}",
        f"hf={WORD_CLASSES[classes[start]]}|{c}",
        f"hfw={first}|{c}",
        f"hs={_seen_name(seen)}|{c}",
        f"hfw1={first}|{words[i]}",
        f"hd2={d}|{words[i]}",
    ]
    if i + 1 < len(words):  # as in the window, nothing marks the turn's end
        row.append(f"hsn={_seen_name(seen)}|{c}|{WORD_CLASSES[classes[i + 1]]}")
    return row


def training_rows(
    turn_words: Sequence[tuple[str, bool, bool]], lex=None
) -> tuple[list[list[str]], list[int], list[list[str]], list[int]]:
    """Rows and labels from one punctuated turn.

    turn_words: ``(word, starts_sentence, ends_question)`` for each word, the
        punctuation already removed.
    RETURNS: for the start model, one feature row per word after the first
        (the first always starts a sentence) and whether it starts one, each
        with the :func:`history_features` of the true sentence so far (the
        segmenter decides left to right and gives its own earlier starts);
        for the question model, one row per sentence
        (:func:`sentence_features`) and whether it is a question.
    """
    lex = lex or load_lexicon()
    words = [w for w, _, _ in turn_words]
    starts = [k for k, (_, s, _) in enumerate(turn_words) if s or k == 0]
    bounds = list(zip(starts, starts[1:] + [len(words)]))
    classes = [_CLASS_NUMBER[word_class(w, lex)] for w in words]
    rows = word_features(words, lex)
    last, seen = 0, 0
    for i in range(1, len(words)):
        seen |= 1 << classes[i - 1]
        rows[i] += history_features(words, classes, i, last, seen)
        if turn_words[i][1]:
            last, seen = i, 0
    return (
        rows[1:],
        [int(s) for _, s, _ in turn_words[1:]],
        [sentence_features(words, a, b, lex) for a, b in bounds],
        [int(turn_words[b - 1][2]) for _, b in bounds],
    )


#: How many word pairs a segmenter's :class:`Vocabulary` remembers before it starts afresh.
CACHE_LIMIT = 200_000


class Vocabulary:
    """Numbers for the words and word pairs the segmenter has read, kept across
    calls (and bounded, for a long-lived worker), so that a turn's window and
    sentence features are gathered from arrays by number instead of built as
    strings: each scorer looks up a word's or a pair's weights once, when it
    first meets its number.

    ``<s>`` and ``</s>`` (the turn's edges) are numbers 0 and 1.
    """

    def __init__(self, lex=None) -> None:
        self.lex = lex or load_lexicon()
        self.generation = 0
        self.clear()

    def clear(self) -> None:
        self.generation += 1
        self.index: dict[str, int] = {}
        self.strings: list[str] = []
        self.classes = numpy.zeros(1024, dtype=numpy.intp)  # by word number
        self.pair_index: dict[int, int] = {}  # first * _PAIR_KEY + second -> pair number
        self.pair_words: list[tuple[int, int]] = []
        self.ids(["<s>", "</s>"])

    def ids(self, words: Sequence[str]) -> numpy.ndarray:
        """The number of each word, numbering the new ones."""
        index = self.index
        found = numpy.fromiter(map(index.get, words, repeat(-1)), dtype=numpy.intp, count=len(words))
        if not (found < 0).any():  # (mostly, once a few calls have been read)
            return found
        new = [w for w in dict.fromkeys(words) if w not in index]
        n = len(self.strings)
        if n + len(new) > len(self.classes):
            self.classes = numpy.resize(self.classes, max(2 * len(self.classes), n + len(new)))
        lex = self.lex
        for k, w in enumerate(new, n):
            index[w] = k
            self.classes[k] = _CLASS_NUMBER[word_class(w, lex)]
        self.strings += new
        return numpy.fromiter(map(index.__getitem__, words), dtype=numpy.intp, count=len(words))

    def pair_ids(self, first: numpy.ndarray, second: numpy.ndarray) -> numpy.ndarray:
        """The number of each pair of word numbers, numbering the new ones."""
        keys = (first * _PAIR_KEY + second).tolist()
        index = self.pair_index
        found = numpy.fromiter(map(index.get, keys, repeat(-1)), dtype=numpy.intp, count=len(keys))
        if not (found < 0).any():
            return found
        new = [k for k in dict.fromkeys(keys) if k not in index]
        n = len(self.pair_words)
        for k, key in enumerate(new, n):
            index[key] = k
        self.pair_words += [divmod(key, _PAIR_KEY) for key in new]
        return numpy.fromiter(map(index.__getitem__, keys), dtype=numpy.intp, count=len(keys))

    def turns(self, turns: Sequence[Sequence[str]]) -> "Turns":
        """The turns' words as numbers, ready for the scorers (:class:`Turns`)."""
        if len(self.pair_words) > CACHE_LIMIT:
            self.clear()
        return Turns(self, turns)


#: Word numbers are below this (a pair's key is ``first * _PAIR_KEY + second``).
_PAIR_KEY = 1 << 31


class Turns:
    """Several turns' words (lower case, no punctuation) as word numbers of a
    :class:`Vocabulary`, one after another.

    words: each word's number, the turns run together.
    padded: the same with two ``<s>`` before and two ``</s>`` after each
        turn, the window's edges; ``pairs``: the pair number of each word
        of ``padded`` and the next.
    base: where each word's window begins in ``padded`` (the word two before it).
    at: each word's place in its turn; ``after``: how many words follow it there.
    offsets: where each turn begins in ``words``.
    """

    def __init__(self, vocabulary: Vocabulary, turns: Sequence[Sequence[str]]) -> None:
        self.vocabulary = vocabulary
        lengths = numpy.fromiter(map(len, turns), dtype=numpy.intp, count=len(turns))
        self.offsets = numpy.concatenate(([0], numpy.cumsum(lengths)))
        self.words = vocabulary.ids([w for turn in turns for w in turn])
        n = len(self.words)
        turn_of = numpy.repeat(numpy.arange(len(turns)), lengths)
        self.at = numpy.arange(n) - self.offsets[turn_of]
        self.after = lengths[turn_of] - 1 - self.at
        self.base = numpy.arange(n) + 4 * turn_of
        padded = numpy.zeros(n + 4 * len(turns), dtype=numpy.intp)  # <s> is 0
        padded[self.base + 2] = self.words
        ends = self.offsets[1:] + 4 * numpy.arange(len(turns)) + 2
        padded[ends] = padded[ends + 1] = 1  # </s>
        self.padded = padded
        self.pairs = vocabulary.pair_ids(padded[:-1], padded[1:])
        self.classes = vocabulary.classes[self.words]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def turn(self, k: int) -> slice:
        """Turn ``k``'s words in :attr:`words`."""
        return slice(int(self.offsets[k]), int(self.offsets[k + 1]))


class _Weights:
    """A model's weights of the features named after each word and each word
    pair of a :class:`Vocabulary`, one column per feature kind, looked up
    for the numbers it has not met yet."""

    def __init__(self, model: SentenceModel, vocabulary: Vocabulary, word_kinds: Sequence[str], pair_kinds: Sequence[str]) -> None:
        self.model, self.vocabulary = model, vocabulary
        self.word_kinds, self.pair_kinds = tuple(word_kinds), tuple(pair_kinds)
        self.generation = -1

    def arrays(self) -> tuple[numpy.ndarray, numpy.ndarray]:
        vocabulary = self.vocabulary
        if self.generation != vocabulary.generation:
            self.generation = vocabulary.generation
            self.words = numpy.zeros((0, len(self.word_kinds)))
            self.pairs = numpy.zeros((0, len(self.pair_kinds)))
        lookup = self.model.table.lookup
        have, strings = len(self.words), vocabulary.strings
        if have < len(strings):
            new = strings[have:]
            rows = lookup([f"{kind}={w}" for w in new for kind in self.word_kinds]).reshape(len(new), -1)
            self.words = numpy.concatenate((self.words, rows)) if have else rows
        have, pairs = len(self.pairs), vocabulary.pair_words
        if have < len(pairs):
            new = [f"{strings[a]}|{strings[b]}" for a, b in pairs[have:]]
            rows = lookup([f"{kind}={p}" for p in new for kind in self.pair_kinds]).reshape(len(new), -1)
            self.pairs = numpy.concatenate((self.pairs, rows)) if have else rows
        return self.words, self.pairs


def _window_terms(turns: Turns, at: numpy.ndarray, words: numpy.ndarray, pairs: numpy.ndarray, position, classes3):
    """The weights of the window features (:func:`_window`) of the words ``at``
    (places in ``turns.words``), in :func:`_window`'s order, each with the
    mask of the words that have it: ``words`` has the columns w=, p1=, p2=,
    n1=, n2= and ``pairs`` p1w=, p2p1=, wn1=, n1n2=; ``position`` is the pos=
    weights, ``classes3`` the c= weights by three class numbers."""
    padded, pair, cls = turns.padded, turns.pairs, turns.vocabulary.classes
    b = turns.base[at]
    after = turns.after[at]
    one, two = after >= 1, after >= 2
    always = None
    return [
        (words[padded[b + 2], 0], always),
        (words[padded[b + 1], 1], always),
        (words[padded[b], 2], always),
        (pairs[pair[b + 1], 0], always),
        (pairs[pair[b], 1], always),
        (position[numpy.minimum(turns.at[at], 4)], always),
        (words[padded[b + 3], 3], one),
        (pairs[pair[b + 2], 2], one),
        (classes3[cls[padded[b + 1]], cls[padded[b + 2]], cls[padded[b + 3]]], one),
        (words[padded[b + 4], 4], two),
        (pairs[pair[b + 3], 3], two),
    ]


class WindowScorer:
    """A trained word-window model's log-odds for every word of a turn, equal to
    ``model.decision(word_features(words))`` but without building eleven
    feature strings per word: the weights of each word and word pair of a
    :class:`Vocabulary` are looked up once, and the turns' sums are made with
    arrays, feature by feature in the order :func:`word_features` lists them.
    """

    def __init__(self, model: SentenceModel, lex=None, vocabulary: Vocabulary | None = None) -> None:
        self.model = model
        self.vocabulary = vocabulary or Vocabulary(lex)
        self._weights = _Weights(model, self.vocabulary, ("w", "p1", "p2", "n1", "n2"), ("p1w", "p2p1", "wn1", "n1n2"))
        lookup = model.table.lookup
        self._pos = lookup([f"pos={k}" for k in range(5)])
        # The weight of each triple of word classes (c=A|B|C), by class number.
        k = len(WORD_CLASSES)
        self._class_weights = lookup([f"c={a}|{b}|{c}" for a in WORD_CLASSES for b in WORD_CLASSES for c in WORD_CLASSES]).reshape(k, k, k)

    def decision(self, words: Sequence[str]) -> numpy.ndarray:
        """Log-odds of each word of one turn."""
        return self.decisions(self.vocabulary.turns([words]))

    def decisions(self, turns: Turns) -> numpy.ndarray:
        """Log-odds of each word of ``turns``, the turns run together."""
        words, pairs = self._weights.arrays()
        total = numpy.zeros(len(turns.words))
        at = numpy.arange(len(turns.words))
        for part, mask in _window_terms(turns, at, words, pairs, self._pos, self._class_weights):
            total += part if mask is None else numpy.where(mask, part, 0.0)
        return self.model.intercept + total


class SentenceScorer:
    """The question model's log-odds for sentences of turns, equal to
    ``model.decision`` of their :func:`sentence_features` but without building
    a feature string for every word and word pair of the sentence: the
    weights of each word and word pair of a :class:`Vocabulary` are looked
    up once, and each sentence's weights are summed in the order the
    features are listed (as ``model.decision`` sums them), so the figures
    are the same.
    """

    def __init__(self, model: SentenceModel, lex=None, vocabulary: Vocabulary | None = None) -> None:
        self.model = model
        self.vocabulary = vocabulary or Vocabulary(lex)
        self._weights = _Weights(model, self.vocabulary, ("w", "p1", "p2", "n1", "n2", "f1", "f2", "sw"), ("p1w", "p2p1", "wn1", "n1n2", "f12", "sp"))
        lookup = model.table.lookup
        k = len(WORD_CLASSES)
        self._pos = lookup([f"pos={j}" for j in range(5)])
        self._class_weights = lookup([f"c={a}|{b}|{c}" for a in WORD_CLASSES for b in WORD_CLASSES for c in WORD_CLASSES]).reshape(k, k, k)
        self._first_class = lookup([f"f1c={a}" for a in WORD_CLASSES])
        self._first_classes = lookup([f"fc12={a}|{b}" for a in WORD_CLASSES for b in WORD_CLASSES]).reshape(k, k)

    def decision(self, words: Sequence[str], bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        """Log-odds of each sentence ``words[a:b]`` of one turn for ``(a, b)`` in ``bounds``."""
        return self.decisions(self.vocabulary.turns([words]), bounds)

    def probabilities(self, words: Sequence[str], bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        return 1.0 / (1.0 + numpy.exp(-self.decision(words, bounds)))

    def decisions(self, turns: Turns, bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        """Log-odds of each sentence ``(a, b)`` of ``bounds``: places in
        ``turns.words``, ``a`` to ``b - 1``, all in one turn."""
        count = len(bounds)
        if not count:
            return numpy.zeros(0)
        words, pairs = self._weights.arrays()
        cls = turns.vocabulary.classes
        start, end = (numpy.array(x, dtype=numpy.intp) for x in zip(*bounds))
        sentence = numpy.arange(count)
        bins, terms = [], []

        def add(values: numpy.ndarray, mask: numpy.ndarray | None = None, which: numpy.ndarray = sentence) -> None:
            bins.append(which if mask is None else which[mask])
            terms.append(values if mask is None else values[mask])

        # The last word's window, then the first words.
        for part, mask in _window_terms(turns, end - 1, words[:, :5], pairs[:, :4], self._pos, self._class_weights):
            add(part, mask)
        first = turns.words[start]
        add(words[first, 5])
        add(self._first_class[cls[first]])
        longer = end - start > 1
        second_at = numpy.where(longer, start + 1, start)
        second = turns.words[second_at]
        add(words[second, 6], longer)
        add(pairs[turns.pairs[turns.base[start] + 2], 4], longer)
        add(self._first_classes[cls[first], cls[second]], longer)
        # Every word of the sentence and every pair of neighbours, each once, in order.
        lengths = end - start
        of = numpy.repeat(sentence, lengths)
        place = numpy.arange(len(of)) - numpy.repeat(numpy.cumsum(lengths) - lengths, lengths) + start[of]
        numbers = turns.words[place]
        once = _first_seen(of, numbers)
        add(words[numbers[once], 7], which=of[once])
        paired = place < end[of] - 1
        of, place = of[paired], place[paired]
        numbers = turns.pairs[turns.base[place] + 2]
        once = _first_seen(of, numbers)
        add(pairs[numbers[once], 5], which=of[once])
        sums = numpy.bincount(numpy.concatenate(bins), weights=numpy.concatenate(terms), minlength=count)
        return self.model.intercept + sums

    def probabilities_of(self, turns: Turns, bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        return 1.0 / (1.0 + numpy.exp(-self.decisions(turns, bounds)))


def _first_seen(group: numpy.ndarray, values: numpy.ndarray) -> numpy.ndarray:
    """The places (in order) where a value appears for the first time in its group."""
    if not len(values):
        return numpy.zeros(0, dtype=numpy.intp)
    keys = group.astype(numpy.int64) * (int(values.max()) + 1) + values
    return numpy.sort(numpy.unique(keys, return_index=True)[1])


class HistoryScorer:
    """The start model's decision left to right, each word with the
    :func:`history_features` of the sentence the model itself has started:
    equal to adding ``model.decision`` of those features to the window's
    log-odds word by word, but with the weights of the features that range
    over distances and classes read once into small arrays, those of each
    distinct word (and first word and word pair) once into a cache, so that
    the step per word is a few additions.
    """

    def __init__(self, model: SentenceModel, lex=None, vocabulary: Vocabulary | None = None) -> None:
        self.model = model
        self.vocabulary = vocabulary or Vocabulary(lex)
        lookup = model.table.lookup
        d, k = MAX_DISTANCE + 1, len(WORD_CLASSES)
        names = [(dist, c) for dist in range(d) for c in WORD_CLASSES]
        distance = (lookup([f"hd={dist}" for dist, _ in names]) + lookup([f"hdc={dist}|{c}" for dist, c in names])).reshape(d, k)
        first_class = lookup([f"hf={a}|{b}" for a in WORD_CLASSES for b in WORD_CLASSES]).reshape(k, k)
        # hs= of each set seen and class, plus hsn= of the set, the class and the
        # next word's class (the last column, no next word, adds 0.0 to hs=).
        seen = numpy.zeros((1 << k, k, k + 1))
        seen[:, :, :k] = lookup(
            [f"hsn={_seen_name(m)}|{a}|{b}" for m in range(1 << k) for a in WORD_CLASSES for b in WORD_CLASSES]
        ).reshape(1 << k, k, k)
        seen += lookup([f"hs={_seen_name(m)}|{c}" for m in range(1 << k) for c in WORD_CLASSES]).reshape(1 << k, k, 1)
        #: Whether the model learned from history at all; if not, the window decides alone.
        self.active = bool(distance.any() or first_class.any() or seen.any())
        self._distance, self._first_class = distance.tolist(), first_class.tolist()
        self._seen = seen.reshape(1 << k, k * (k + 1)).tolist()  # by set seen, then (class, next class)
        self._clear()

    def _clear(self) -> None:
        self._generation = self.vocabulary.generation
        self._first: list[list[float]] = []  # hfw= by class, by word number (as a first word)
        self._at: list[list[float]] = []  # hd2= by distance, by word number
        self._pair: dict[int, float] = {}  # hfw1= by pair key (first word, word)

    def _fill(self) -> None:
        """Look up, in a few batches, the weights of the vocabulary's words
        met since the last time, as a first word and at each distance."""
        k, d = len(WORD_CLASSES), MAX_DISTANCE + 1
        if self._generation != self.vocabulary.generation or len(self._pair) > CACHE_LIMIT:
            self._clear()
        new = self.vocabulary.strings[len(self._at) :]
        if not new:
            return
        lookup = self.model.table.lookup
        self._first += lookup([f"hfw={w}|{c}" for w in new for c in WORD_CLASSES]).reshape(len(new), k).tolist()
        self._at += lookup([f"hd2={dist}|{w}" for w in new for dist in range(d)]).reshape(len(new), d).tolist()

    def _pairs(self, first: int, words: Sequence[int]) -> None:
        """Look up, in one batch, the pair weights of a first word with the
        words after it that have none cached (word numbers)."""
        key = first * _PAIR_KEY
        new = [w for w in dict.fromkeys(words) if key + w not in self._pair]
        if new:
            strings = self.vocabulary.strings
            head = f"hfw1={strings[first]}|"
            weights = self.model.table.lookup([head + strings[w] for w in new]).tolist()
            self._pair.update(zip([key + w for w in new], weights))

    def starts(self, words: Sequence[int], window: numpy.ndarray, cut: float, classes: Sequence[int]) -> numpy.ndarray:
        """Whether each word of a turn (word numbers of :attr:`vocabulary`)
        starts a sentence: the first always does, and each later one when
        its window log-odds (``window``) plus its history's weights reach
        ``cut``."""
        n = len(words)
        out = numpy.zeros(n, dtype=bool)
        if n == 0:
            return out
        out[0] = True
        self._fill()
        distance, first_class, seen_weights = self._distance, self._first_class, self._seen
        # Each word's column there: its class and the next word's (none after the last).
        k = len(WORD_CLASSES) + 1
        column = [c * k + after for c, after in zip(classes, [*classes[1:], k - 1])]
        bits = [1 << c for c in classes]
        at, pair = self._at, self._pair
        score = window.tolist()
        last, seen = 0, 0
        first = words[0]
        key = first * _PAIR_KEY
        first_weights, start_class = self._first[first], first_class[classes[0]]
        for i in range(1, n):
            seen |= bits[i - 1]
            c = classes[i]
            w = words[i]
            dist = i - last
            if dist > MAX_DISTANCE:
                dist = MAX_DISTANCE
            p = pair.get(key + w)
            if p is None:  # fetched a stretch ahead: most sentences end within it
                self._pairs(first, words[i : i + PAIR_AHEAD])
                p = pair[key + w]
            total = score[i] + distance[dist][c] + start_class[c] + first_weights[c] + seen_weights[seen][column[i]] + at[w][dist] + p
            if total >= cut:
                out[i] = True
                last, seen, first = i, 0, w
                key = first * _PAIR_KEY
                first_weights, start_class = self._first[w], first_class[c]
        return out


class Segmenter(Component):
    """Replaces the sentence boundaries of unpunctuated turns."""

    def __init__(
        self,
        nlp: Language,
        name: str = "callcoach_segmenter",
        *,
        start_model: SentenceModel | None = None,
        question_model: SentenceModel | None = None,
    ) -> None:
        super().__init__(nlp, name)
        self.lex = load_lexicon()
        self.start_model = start_model
        self.question_model = question_model
        #: The words the scorers have met, shared by them and kept across calls.
        self.vocabulary = Vocabulary(self.lex)
        self._scorers: dict[tuple[type, str], WindowScorer | HistoryScorer | SentenceScorer] = {}

    def _scorer(self, kind: type, model: SentenceModel):
        """The scorer of a kind for a model, made on first use and kept (and
        made again when the model is replaced): its look-ups of each distinct
        word serve every later call (the model's weights are read then too)."""
        scorer = self._scorers.get((kind, model.name))
        if scorer is None or scorer.model is not model:
            scorer = kind(model, vocabulary=self.vocabulary)
            self._scorers[kind, model.name] = scorer
        return scorer

    def sentence_starts(self, words: Sequence[str]) -> numpy.ndarray:
        """Whether each word of an unpunctuated turn (lower case) starts a
        sentence (a boolean array): the first does, and each later one when the
        start model, reading its window and the sentence so far, is at its cut
        (:class:`HistoryScorer`)."""
        (starts,) = self.turn_starts(self.vocabulary.turns([words]))
        return starts

    def turn_starts(self, turns: Turns) -> list[numpy.ndarray]:
        """:meth:`sentence_starts` of each of several turns, their windows scored together."""
        model = self.start_model
        cut = math.log(model.threshold / (1.0 - model.threshold))
        window = self._scorer(WindowScorer, model).decisions(turns)
        history = self._scorer(HistoryScorer, model)
        classes, numbers = turns.classes.tolist(), turns.words.tolist()
        out = []
        for k in range(len(turns)):
            part = turns.turn(k)
            if history.active:
                out.append(history.starts(numbers[part], window[part], cut, classes[part]))
            else:
                starts = window[part] >= cut
                starts[:1] = True
                out.append(starts)
        return out

    def unmarked_endings(self, doc: Doc, turns: Sequence[tuple[int, int]]) -> dict[int, float]:
        """For each turn of ``turns`` (token ranges) whose last sentence ends
        with no sentence mark (:func:`ends_with_mark`), the question model's
        probability that this sentence asks, keyed by its last word.

        The sentence is read as the model learned it, the last of its turn
        (with the two words before it for the window of a short one).
        """
        lower, _, space, punct = doc_words(doc)
        sentence_start = sentence_starts(doc)
        read: list[list[str]] = []
        bounds: list[tuple[int, int]] = []
        lasts: list[int] = []
        offset = 0
        for start, end in turns:
            last = end - 1
            while last >= start and space[last]:
                last -= 1
            if last < start or (punct[last] and ends_with_mark(lower[last])):
                continue
            first = max(start, sentence_start[bisect.bisect_right(sentence_start, last) - 1])
            before: list[int] = []
            i = first - 1
            while i >= start and len(before) < 2:
                if not (space[i] or punct[i]):
                    before.insert(0, i)
                i -= 1
            idx = [i for i in range(first, last + 1) if not (space[i] or punct[i])]
            if not idx:
                continue
            read.append([lower[i] for i in before + idx])
            bounds.append((offset + len(before), offset + len(read[-1])))
            offset += len(read[-1])
            lasts.append(idx[-1])
        if not read:
            return {}
        scorer = self._scorer(SentenceScorer, self.question_model)
        odds = scorer.probabilities_of(self.vocabulary.turns(read), bounds)
        return dict(zip(lasts, odds.tolist()))

    def match(self, doc: Doc) -> tuple[numpy.ndarray | None, list[int], list[int], dict[int, float]] | None:
        """The sentence starts of the whole doc, with those of the turns that lack
        punctuation replaced (None when none does); the tokens that end a
        question there, or end another turn's last sentence that has no mark
        (:meth:`unmarked_endings`) and is a question; the first token of each
        turn segmented; and the question probability of the last word of each
        sentence judged. None when there is nothing to change (or no model)."""
        table = turn_table(doc) if self.start_model is not None else None
        if table is None:
            return None
        transcript = doc._.get(TRANSCRIPT)
        bounds = list(zip(table.starts, table.ends))
        if transcript is not None and len(transcript.turns) == len(bounds):
            texts = [(turn.text, turn.words) for turn in transcript.turns]
        else:
            texts = [(doc[s:e], None) for s, e in bounds]
        todo: list[TurnRange] = []
        rest: list[tuple[int, int]] = []
        for (s, e), (text, words) in zip(bounds, texts):
            if lacks_punctuation(text, words):
                todo.append(TurnRange(s, e))
            else:
                rest.append((s, e))
        question_model = self.question_model
        odds = self.unmarked_endings(doc, rest) if question_model is not None else {}
        ends = [i for i, p in odds.items() if p >= question_model.threshold] if odds else []
        if not todo:
            return (None, ends, [], odds) if odds else None
        lower, _, space, punct = doc_words(doc)
        starts = doc.to_array([SENT_START]).reshape(-1, 1).astype("int64")
        done: list[int] = []
        places: list[int] = []  # the doc's token of each word read
        read: list[list[str]] = []
        for turn in todo:
            idx = [i for i in range(turn.start, turn.end) if not (space[i] or punct[i])]
            if not idx:
                continue
            done.append(turn.start)
            starts[turn.start + 1 : turn.end, 0] = -1
            places += idx
            read.append([lower[i] for i in idx])
        if not read:
            return starts, ends, done, odds
        turns = self.vocabulary.turns(read)
        is_start = numpy.concatenate(self.turn_starts(turns))
        token = numpy.array(places)
        starts[token[is_start], 0] = 1
        if question_model is not None:
            # Each sentence runs to the next start: a turn's first word starts one.
            first = numpy.flatnonzero(is_start)
            last = numpy.append(first[1:], len(token)) - 1
            prob = self._scorer(SentenceScorer, question_model).probabilities_of(turns, list(zip(first.tolist(), (last + 1).tolist())))
            cut = question_model.threshold
            for i, p in zip(token[last].tolist(), prob.tolist()):
                odds[i] = p  # at the sentence's last word
                if p >= cut:
                    ends.append(i)
        return starts, ends, done, odds

    def set_annotations(self, doc: Doc, found: tuple[numpy.ndarray | None, list[int], list[int], dict[int, float]] | None) -> None:
        """Write the sentence starts and the question ends :meth:`match` found,
        and which turns it segmented."""
        if found is None:
            return
        starts, ends, done, odds = found
        if starts is not None:
            doc.from_array([SENT_START], starts.astype("uint64"))
            forget_sentences(doc)
        mark_segmented(doc, done, odds)
        mark_question_ends(doc, ends)
        for i in ends:
            doc[i]._.set(QEND, True)


@Language.factory(
    "callcoach_segmenter",
    default_config={"models": "default"},
    assigns=["token.is_sent_start", f"token._.{QEND}"],
    requires=["token.is_sent_start"],
)
def make_segmenter(nlp: Language, name: str, models: str) -> Segmenter:
    """Create the ``callcoach_segmenter`` component.

    models (str): ``"default"`` (the shipped models), a folder of models, or
        ``"none"`` (then the component changes nothing).
    """
    found = load_models(models)
    return Segmenter(nlp, name, start_model=found.get(START_MODEL), question_model=found.get(QUESTION_MODEL))
