"""How the segmenter scores words and sentences: its trained models' log-odds,
figured from arrays of word numbers instead of feature strings.

A :class:`Vocabulary` numbers each word and each pair of neighbouring words
the segmenter meets (kept across calls, bounded); each scorer looks up a
number's weights in its model once. The start model's window of every word
of a call's unpunctuated turns (:class:`WindowScorer`) and the question
model's every sentence (:class:`SentenceScorer`) are then summed with arrays,
in the order the features are listed, so the figures are those of the
model's own ``decision`` on the feature strings
(:func:`~analyzer.nlp.components.segmenter.word_features`,
:func:`~analyzer.nlp.components.segmenter.sentence_features`). The start
decisions, which read the sentence the model itself has started, go left
to right word by word (:class:`HistoryScorer`).
"""
from __future__ import annotations

from itertools import repeat
from typing import Sequence

import numpy

from ..learned import SentenceModel
from ..resources import load_lexicon

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


#: How far back the last sentence start can be told apart, in words.
MAX_DISTANCE = 10
#: How many words ahead :class:`HistoryScorer` looks up a first word's pairs at once.
PAIR_AHEAD = 32


def _seen_name(mask: int) -> str:
    """The history feature's name of a set of word classes, given as a bit
    mask over :data:`WORD_CLASSES`: their names in sorted order, run together."""
    return "".join(sorted(name for k, name in enumerate(WORD_CLASSES) if mask >> k & 1))


#: How many word pairs a segmenter's :class:`Vocabulary` remembers before it starts afresh.
CACHE_LIMIT = 200_000
#: Word numbers are below this (a pair's key is ``first * _PAIR_KEY + second``).
_PAIR_KEY = 1 << 31


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


def _window_weights(model: SentenceModel) -> tuple[numpy.ndarray, numpy.ndarray]:
    """A model's weights of the window features that range over positions
    (pos=, by place up to 4) and over triples of word classes (c=A|B|C, by
    class number)."""
    lookup, k = model.table.lookup, len(WORD_CLASSES)
    position = lookup([f"pos={j}" for j in range(5)])
    classes3 = lookup([f"c={a}|{b}|{c}" for a in WORD_CLASSES for b in WORD_CLASSES for c in WORD_CLASSES]).reshape(k, k, k)
    return position, classes3


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
        self._pos, self._class_weights = _window_weights(model)

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
        self._pos, self._class_weights = _window_weights(model)
        self._first_class = lookup([f"f1c={a}" for a in WORD_CLASSES])
        self._first_classes = lookup([f"fc12={a}|{b}" for a in WORD_CLASSES for b in WORD_CLASSES]).reshape(k, k)

    def decision(self, words: Sequence[str], bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        """Log-odds of each sentence ``words[a:b]`` of one turn for ``(a, b)`` in ``bounds``."""
        return self.decisions(self.vocabulary.turns([words]), bounds)

    def probabilities(self, words: Sequence[str], bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        return self.probabilities_of(self.vocabulary.turns([words]), bounds)

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
