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


#: How many word pairs a :class:`WindowScorer` remembers before it starts afresh.
CACHE_LIMIT = 200_000


class WindowScorer:
    """A trained word-window model's log-odds for every word of a turn, equal to
    ``model.decision(word_features(words))`` but without building eleven
    feature strings per word: each distinct word's and word pair's weights are
    looked up once (per scorer) into a row of an array, a turn's rows are
    gathered by index, and the sums are made with arrays, feature by feature
    in the order :func:`word_features` lists them.
    """

    def __init__(self, model: SentenceModel, lex=None) -> None:
        self.model = model
        self.lex = lex or load_lexicon()
        lookup = model.table.lookup
        self._pos = lookup([f"pos={k}" for k in range(5)])
        # The weight of each triple of word classes (c=A|B|C), by class number.
        k = len(WORD_CLASSES)
        self._class_weights = lookup([f"c={a}|{b}|{c}" for a in WORD_CLASSES for b in WORD_CLASSES for c in WORD_CLASSES]).reshape(k, k, k)
        self._clear()

    def _clear(self) -> None:
        self._word_index: dict[str, int] = {}
        self._words = numpy.zeros((1024, 5))  # w=, p1=, p2=, n1=, n2= of each word
        self._word_classes = numpy.zeros(1024, dtype=numpy.intp)
        self._pair_index: dict[tuple[str, str], int] = {}
        self._pairs = numpy.zeros((1024, 4))  # p1w=, p2p1=, wn1=, n1n2= of each pair

    def _add_words(self, new: list[str]) -> None:
        n = len(self._word_index)
        if n + len(new) > len(self._words):
            size = max(2 * len(self._words), n + len(new))
            self._words = numpy.resize(self._words, (size, 5))
            self._word_classes = numpy.resize(self._word_classes, size)
        names = [f"{kind}={x}" for x in new for kind in ("w", "p1", "p2", "n1", "n2")]
        self._words[n : n + len(new)] = self.model.table.lookup(names).reshape(len(new), 5)
        for k, x in enumerate(new, n):
            self._word_index[x] = k
            self._word_classes[k] = _CLASS_NUMBER[word_class(x, self.lex)]

    def _add_pairs(self, new: list[tuple[str, str]]) -> None:
        n = len(self._pair_index)
        if n + len(new) > len(self._pairs):
            self._pairs = numpy.resize(self._pairs, (max(2 * len(self._pairs), n + len(new)), 4))
        names = [f"{kind}={a}|{b}" for a, b in new for kind in ("p1w", "p2p1", "wn1", "n1n2")]
        self._pairs[n : n + len(new)] = self.model.table.lookup(names).reshape(len(new), 4)
        for k, pair in enumerate(new, n):
            self._pair_index[pair] = k

    def decision(self, words: Sequence[str]) -> numpy.ndarray:
        return self.model.intercept + self.sums(words)

    def classes(self, words: Sequence[str]) -> list[int]:
        """The class number (:data:`WORD_CLASSES`) of each word of a turn this
        scorer has just scored, from its cache."""
        index = self._word_index
        return self._word_classes[[index[w] for w in words]].tolist()

    def sums(self, words: Sequence[str]) -> numpy.ndarray:
        """The window features' weights of each word summed in their order,
        without the intercept."""
        n = len(words)
        if n == 0:
            return numpy.zeros(0)
        if len(self._pair_index) > CACHE_LIMIT:  # kept across calls; bounded for a long-lived worker
            self._clear()
        pad = ["<s>", "<s>", *words, "</s>", "</s>"]
        index = self._word_index
        new = [x for x in dict.fromkeys(pad) if x not in index]
        if new:
            self._add_words(new)
        pairs = list(zip(pad, pad[1:]))
        pair_index = self._pair_index
        new_pairs = [pair for pair in dict.fromkeys(pairs) if pair not in pair_index]
        if new_pairs:
            self._add_pairs(new_pairs)
        rows = numpy.fromiter((index[x] for x in pad), dtype=numpy.intp, count=n + 4)
        u = self._words[rows]  # one row per padded word
        b = self._pairs[numpy.fromiter((pair_index[pair] for pair in pairs), dtype=numpy.intp, count=n + 3)]
        classes = self._word_classes[rows]
        c = numpy.zeros(n)
        c[: n - 1] = self._class_weights[classes[1:n], classes[2 : n + 1], classes[3 : n + 2]]
        # Features a word lacks (those of the next words at the turn's end) add 0.0.
        wn1 = b[2 : n + 2, 2].copy()
        wn1[n - 1] = 0.0
        n1 = u[3 : n + 3, 3].copy()
        n1[n - 1] = 0.0
        n2 = u[4 : n + 4, 4].copy()
        n1n2 = b[3 : n + 3, 3].copy()
        n2[max(0, n - 2) :] = 0.0
        n1n2[max(0, n - 2) :] = 0.0
        total = numpy.zeros(n)
        for part in (u[2 : n + 2, 0], u[1 : n + 1, 1], u[0:n, 2], b[1 : n + 1, 0], b[0:n, 1], self._pos[numpy.minimum(numpy.arange(n), 4)], n1, wn1, c, n2, n1n2):
            total += part
        return total


class SentenceScorer:
    """The question model's log-odds for sentences of a turn, equal to
    ``model.decision`` of their :func:`sentence_features` but without building
    a feature string for every word and word pair of the sentence: the
    weights of each distinct word and word pair are looked up once (per
    scorer) into dictionaries, as are the strings of the last word's window
    and of the first words; the sums are made in the order the features are
    listed, so the figures are the same.
    """

    def __init__(self, model: SentenceModel, lex=None) -> None:
        self.model = model
        self.lex = lex or load_lexicon()
        self._clear()

    def _clear(self) -> None:
        self._word: dict[str, float] = {}  # sw=
        self._pair: dict[tuple[str, str], float] = {}  # sp=
        self._named: dict[str, float] = {}  # the window's and f1=, f1c=, f2=, f12=, fc12=

    def decision(self, words: Sequence[str], bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        """Log-odds of each sentence ``words[a:b]`` for ``(a, b)`` in ``bounds``."""
        if len(self._pair) > CACHE_LIMIT or len(self._named) > CACHE_LIMIT:
            self._clear()
        lookup = self.model.table.lookup
        lex = self.lex
        word, pair, named = self._word, self._pair, self._named
        new = [w for w in dict.fromkeys(words) if w not in word]
        if new:
            word.update(zip(new, lookup(["sw=" + w for w in new]).tolist()))
        pairs = list(zip(words, words[1:]))
        new_pairs = [q for q in dict.fromkeys(pairs) if q not in pair]
        if new_pairs:
            pair.update(zip(new_pairs, lookup([f"sp={a}|{b}" for a, b in new_pairs]).tolist()))
        heads = []
        for a, b in bounds:
            first = words[a]
            c1 = word_class(first, lex)
            names = _window(words, b - 1, lex) + [f"f1={first}", f"f1c={c1}"]
            if b - a > 1:
                second = words[a + 1]
                names += [f"f2={second}", f"f12={first}|{second}", f"fc12={c1}|{word_class(second, lex)}"]
            heads.append(names)
        new_names = [x for x in dict.fromkeys(name for names in heads for name in names) if x not in named]
        if new_names:
            named.update(zip(new_names, lookup(new_names).tolist()))
        out = []
        for (a, b), names in zip(bounds, heads):
            total = 0.0
            for name in names:
                total += named[name]
            for w in dict.fromkeys(words[a:b]):
                total += word[w]
            for q in dict.fromkeys(pairs[a : b - 1]):
                total += pair[q]
            out.append(total)
        return self.model.intercept + numpy.array(out)

    def probabilities(self, words: Sequence[str], bounds: Sequence[tuple[int, int]]) -> numpy.ndarray:
        return 1.0 / (1.0 + numpy.exp(-self.decision(words, bounds)))


class HistoryScorer:
    """The start model's decision left to right, each word with the
    :func:`history_features` of the sentence the model itself has started:
    equal to adding ``model.decision`` of those features to the window's
    log-odds word by word, but with the weights of the features that range
    over distances and classes read once into small arrays, those of each
    distinct word (and first word and word pair) once into a cache, so that
    the step per word is a few additions.
    """

    def __init__(self, model: SentenceModel) -> None:
        self.model = model
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
        self._first: dict[str, list[float]] = {}  # hfw= by class, for each first word
        self._at: dict[str, list[float]] = {}  # hd2= by distance, for each word
        self._pair: dict[tuple[str, str], float] = {}  # hfw1= of (first word, word)

    def _fill(self, words: Sequence[str]) -> None:
        """Look up, in a few batches, the weights of every word of a turn that
        has none cached, as a first word and at each distance."""
        k, d = len(WORD_CLASSES), MAX_DISTANCE + 1
        new = [w for w in dict.fromkeys(words) if w not in self._at]
        if not new:
            return
        lookup = self.model.table.lookup
        first = lookup([f"hfw={w}|{c}" for w in new for c in WORD_CLASSES]).reshape(len(new), k).tolist()
        at = lookup([f"hd2={dist}|{w}" for w in new for dist in range(d)]).reshape(len(new), d).tolist()
        self._first.update(zip(new, first))
        self._at.update(zip(new, at))

    def _pairs(self, first: str, words: Sequence[str]) -> None:
        """Look up, in one batch, the pair weights of a first word with the
        words after it that have none cached."""
        new = [(first, w) for w in dict.fromkeys(words) if (first, w) not in self._pair]
        if new:
            self._pair.update(zip(new, self.model.table.lookup([f"hfw1={a}|{b}" for a, b in new]).tolist()))

    def starts(self, words: Sequence[str], window: numpy.ndarray, cut: float, classes: Sequence[int]) -> numpy.ndarray:
        """Whether each word starts a sentence: the first always does, and each
        later one when its window log-odds (``window``) plus its history's
        weights reach ``cut``."""
        n = len(words)
        out = numpy.zeros(n, dtype=bool)
        if n == 0:
            return out
        out[0] = True
        if len(self._pair) > CACHE_LIMIT:
            self._clear()
        self._fill(words)
        distance, first_class, seen_weights = self._distance, self._first_class, self._seen
        # Each word's column there: its class and the next word's (none after the last).
        k = len(WORD_CLASSES) + 1
        column = [c * k + after for c, after in zip(classes, [*classes[1:], k - 1])]
        at, pair = self._at, self._pair
        score = window.tolist()
        last, seen = 0, 0
        first = words[0]
        first_weights, start_class = self._first[first], first_class[classes[0]]
        for i in range(1, n):
            seen |= 1 << classes[i - 1]
            c = classes[i]
            w = words[i]
            dist = i - last if i - last < MAX_DISTANCE else MAX_DISTANCE
            p = pair.get((first, w))
            if p is None:  # fetched a stretch ahead: most sentences end within it
                self._pairs(first, words[i : i + PAIR_AHEAD])
                p = pair[first, w]
            total = score[i] + distance[dist][c] + start_class[c] + first_weights[c] + seen_weights[seen][column[i]] + at[w][dist] + p
            if total >= cut:
                out[i] = True
                last, seen, first = i, 0, w
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
        self._scorers: dict[tuple[type, str], WindowScorer | HistoryScorer | SentenceScorer] = {}

    def _scorer(self, kind: type, model: SentenceModel):
        """The scorer of a kind for a model, made on first use and kept (and
        made again when the model is replaced): its look-ups of each distinct
        word serve every later call (the model's weights are read then too)."""
        scorer = self._scorers.get((kind, model.name))
        if scorer is None or scorer.model is not model:
            scorer = self._scorers[kind, model.name] = kind(model)  # with the shipped lexicon, as self.lex
        return scorer

    def sentence_starts(self, words: Sequence[str]) -> numpy.ndarray:
        """Whether each word of an unpunctuated turn (lower case) starts a
        sentence (a boolean array): the first does, and each later one when the
        start model, reading its window and the sentence so far, is at its cut
        (:class:`HistoryScorer`)."""
        model = self.start_model
        cut = math.log(model.threshold / (1.0 - model.threshold))
        scorer = self._scorer(WindowScorer, model)
        window = scorer.decision(words)
        history = self._scorer(HistoryScorer, model)
        if not history.active:
            starts = window >= cut
            starts[:1] = True
            return starts
        return history.starts(words, window, cut, scorer.classes(words))

    def unmarked_endings(self, doc: Doc, turns: Sequence[tuple[int, int]]) -> dict[int, float]:
        """For each turn of ``turns`` (token ranges) whose last sentence ends
        with no sentence mark (:func:`ends_with_mark`), the question model's
        probability that this sentence asks, keyed by its last word.

        The sentence is read as the model learned it, the last of its turn
        (with the two words before it for the window of a short one).
        """
        lower, _, space, punct = doc_words(doc)
        sentence_start = sentence_starts(doc)
        scorer = self._scorer(SentenceScorer, self.question_model)
        found: dict[int, float] = {}
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
            words = [lower[i] for i in before + idx]
            found[idx[-1]] = float(scorer.probabilities(words, [(len(before), len(words))])[0])
        return found

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
        for turn in todo:
            idx = [i for i in range(turn.start, turn.end) if not (space[i] or punct[i])]
            if not idx:
                continue
            done.append(turn.start)
            words = [lower[i] for i in idx]
            is_start = self.sentence_starts(words)
            starts[turn.start + 1 : turn.end, 0] = -1
            for k, i in enumerate(idx):
                if is_start[k]:
                    starts[i, 0] = 1
            if question_model is not None:
                first = numpy.flatnonzero(is_start).tolist()
                bounds = list(zip(first, first[1:] + [len(idx)]))
                prob = self._scorer(SentenceScorer, question_model).probabilities(words, bounds)
                cut = question_model.threshold
                for (_, b), p in zip(bounds, prob.tolist()):
                    last = idx[b - 1]  # the sentence's last word
                    odds[last] = p
                    if p >= cut:
                        ends.append(last)
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
