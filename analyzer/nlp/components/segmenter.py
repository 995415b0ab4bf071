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
import re
import threading
from typing import Sequence

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import QEND, TRANSCRIPT, TurnRange, turn_table
from ..learned import SentenceModel, load_models
from ..resources import load_lexicon
from .base import Component, doc_words, forget_sentences, mark_question_ends, mark_segmented, sentence_starts
from .segment_scores import (
    _CLASS_NUMBER,
    MAX_DISTANCE,
    WORD_CLASSES,
    HistoryScorer,
    SentenceScorer,
    Turns,
    Vocabulary,
    WindowScorer,
    _seen_name,
    word_class,
)

#: A turn with fewer sentence marks (``. ? !``) than one per this many words
#: lacks punctuation.
WORDS_PER_MARK = 25
#: Turns shorter than this are not split ("yeah okay sure"); a last sentence
#: with no mark is still judged (:meth:`Segmenter.unmarked_endings`).
MIN_WORDS = 6
SENTENCE_MARKS = frozenset(".?!")
#: What may close a sentence after its mark: a quotation's or a bracket's end
#: (``... the one who decides."``).
CLOSERS = frozenset(['"', "'", ")", "]", "\u201d", "\u2019", "\u00bb"])
#: A point between digits is a decimal point ("1.5 percent"), no sentence mark.
_DECIMAL_RE = re.compile(r"\d\.\d")
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
    points = text.count(".")
    marks = points + text.count("?") + text.count("!") - 3 * text.count("...")
    if points and marks * WORDS_PER_MARK >= words:
        marks -= len(_DECIMAL_RE.findall(text))
    return marks * WORDS_PER_MARK < words


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
        # The vocabulary and the scorers grow as calls come: one call at a time
        # reads and grows them, so that threads sharing a pipeline number each
        # word once and get the sentences one thread alone gets.
        self._lock = threading.RLock()

    def __call__(self, doc: Doc) -> Doc:
        with self._lock:
            return super().__call__(doc)

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
            mark = last  # (the sentence's mark stands before a closing quote or bracket)
            while mark > start and (space[mark] or lower[mark] in CLOSERS):
                mark -= 1
            if last < start or (punct[mark] and ends_with_mark(lower[mark])):
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
