"""``callcoach_buyer_question``: a seller's question about the buyer.

A seller sentence is tagged when :func:`analyzer.nlp.questions.question_form`
finds a question in it and nothing shows it to be about something other
than the buyer:

- check-ins and logistics ("can you see my screen?", "does Tuesday work?"),
  checks of the buyer's understanding ("does that make sense?"), greetings by
  formula ("how's your week going?"), small talk about the world, questions
  about the seller's offer ("did you get a chance to look at our deck?") and
  commitment questions ("are you ready to sign?") - phrase lists in
  ``patterns/buyer_question.jsonl``, matched from the question's head on;
- tag questions on a claim that is not about the buyer ("the fastest
  check-in flow on the market, right?");
- questions about the seller's own side with no word for the buyer in them
  ("should we get going?", "can I send that over?").

The rules alone tag a question in which none of these is found. Where a
trained model ships, each finding is one of its features, and it weighs them
with the sentence's words and context; a question put to a colleague by
name, a pleasantry handed back ("Good, and you?") and a question that is
nothing but phrases of the lists ("Can you see my screen?") are ruled out
whatever it says (:data:`VETOES`). A sentence that asks two questions joined
by "and" is judged as two (:func:`analyzer.nlp.questions.question_parts`).

Span: the question sentence. ``span._.callcoach_open`` says whether it is open:
the question form's answer (:func:`analyzer.nlp.questions.question_form`),
or, where a trained open model ships, that model's, which reads the form
among the sentence's other features.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import BUYER_QUESTION, OPEN, ROLES, TurnRange, role_turns, turn_table
from ..heads import asking_test
from ..questions import CLAUSE_BREAKS, QuestionForm, question_form, question_parts
from ..resources import Lexicon, build_matchers, load_lexicon, load_patterns, match_labels, real_commitment
from ..learned import SentenceModel, load_models, person_features, ngrams
from .base import Candidate, Tagger, checked_thresholds, doc_words, echo_features, reply_features, question_odds, segmented, threshold_defaults, turn_sentences, words_between


#: Phrase-list labels of the guide's exclusions: check-ins and logistics,
#: requests to repeat, pleasantries, small talk, the offer, commitment asks.
EXCLUSIONS = frozenset(
    {"LOGISTICS", "COMMIT", "OFFER", "OFFER_HEAD", "CHECK", "PLEASANTRY", "REQUEST", "SMALLTALK", "REPAIR"}
)
#: What rules a question out whatever the model says: it is put to a colleague
#: on the seller's side by name, it hands a pleasantry back ("Good, and you?"),
#: or it is nothing but phrases of the guide's exclusions (``R:excl_whole``:
#: "Can you see my screen?", "Sorry, what was that?"). A phrase inside a
#: question that asks more is a signal the model weighs: "how does cash work
#: for you over the winter?" holds a scheduling phrase and asks about the buyer.
VETOES = frozenset({"R:to_colleague", "R:hand_back", "R:excl_whole"})
#: Name of the model that says whether a buyer question is open (it reads the
#: same features as the tagger's model).
OPEN_MODEL = "question_open"
#: The thresholds the component reads (``analyzer/defaults.cfg``).
CONFIG_KEYS = ("buyer_question_min_question_odds",)


class _Question(NamedTuple):
    """A seller sentence in question form, described before the phrase lists run."""

    start: int  # its tokens (a Span is made only for those the prune keeps)
    end: int
    form: QuestionForm
    words: list[str]
    strict: bool  # in question form as written (not only once a lost "?" is assumed)
    signals: list[str]
    others: list[str]  # what rules it out, the phrase lists apart
    rest: list[str]  # its words, persons and context


class BuyerQuestionTagger(Tagger):
    """Tags ``buyer_question`` spans in seller turns."""

    tag = BUYER_QUESTION

    def __init__(
        self,
        nlp: Language,
        name: str = "callcoach_buyer_question",
        *,
        model: SentenceModel | None = None,
        open_model: SentenceModel | None = None,
        buyer_question_min_question_odds: float = 0.0,
    ) -> None:
        super().__init__(nlp, name)
        self.lex = load_lexicon()
        #: The segmenter's question probability under which a sentence with no
        #: question form as written is no candidate (``analyzer/defaults.cfg``).
        self.min_question_odds = buyer_question_min_question_odds
        patterns = load_patterns("buyer_question", "commitment")
        self.matchers = build_matchers(nlp, patterns)
        #: Every label a phrase list can give (each adds its feature ``R:excl=LABEL``).
        self.labels = frozenset(row["label"] for row in patterns)
        #: The trained judge of the candidates; None keeps the rules' decision.
        self.model = model
        #: The trained judge of open or closed; None keeps the question form's.
        self.open_model = open_model

    def candidates(self, doc: Doc, *, prune: bool = False, min_odds: float = 0.0) -> list[Candidate]:
        """Every seller sentence in question form, with its features and the rules' decision.

        prune (bool): leave out the unmarked sentences of unpunctuated turns
            that the model rejects whatever the phrase lists find in them
            (its log-odds without their features, plus the most those can
            add, stays under its cut), so that the lists run only where they
            can matter; what is tagged is the same. Training takes every
            candidate.
        min_odds (float): leave out the sentences with no question form as
            written whose question probability from the segmenter is below
            this (``buyer_question_min_question_odds`` when a call is
            analysed: in speech without punctuation most sentences are
            statements).
        """
        colleagues = _colleague_names(doc, self.lex)
        table = turn_table(doc)
        found: list[Candidate] = []
        questions: list[_Question] = []
        bound = self._prune_bound() if prune and self.model is not None else None
        may_ask = asking_test(doc, self.lex)
        for ti, turn in role_turns(doc, "seller"):
            unpunctuated = segmented(doc, turn)
            # In a punctuated turn a sentence with no possible question head
            # and no question mark asks nothing (analyzer.nlp.heads): its words
            # are not read. In a turn without punctuation every sentence is read.
            asking = None if unpunctuated else may_ask
            for start, end, sent_end, words, titles, unmarked in _question_parts(doc, turn, self.lex, unpunctuated, asking):
                if "?" not in words and len(words) < 2:
                    continue
                # A sentence of a turn without punctuation is read first as
                # written; with no possible question head (analyzer.nlp.heads)
                # and no "?", it has no form as written, and only the reading
                # with its question mark lost is left.
                as_written = not unmarked or "?" in words or may_ask(start, end)
                # One the segmenter is all but sure is a statement (under the
                # floor) is read only as written: it is no candidate unless its
                # words alone make a question.
                odds = question_odds(doc, start, end) if unmarked else None
                lost_mark = unmarked and not (odds is not None and odds < min_odds)
                form, strict = self._form(words, titles, lost_mark, as_written)
                if form is None:
                    continue
                others = []  # what rules a question out, the phrase lists apart
                if not about_buyer(words, form, self.lex):
                    others.append("R:not_about_buyer")
                co_sellers = colleagues.get(table.speakers[ti], frozenset()) if table is not None else frozenset()
                if len(words) > 2 and words[1] == "," and words[0] in co_sellers:
                    others.append("R:to_colleague")  # "Kim, can you show them the manager view?"
                if _pleasantry_hand_back(doc, turn.start, end, words, self.lex):
                    others.append("R:hand_back")  # "Good, and you?" after "how are you?"
                signals = [f"R:kind={form.kind}", f"R:open={form.open}", f"R:qmark={'?' in words}"]
                if not strict:
                    signals += ["R:form=unmarked", f"R:qend={-1 if odds is None else int(odds * 5)}"]
                if start == turn.start:
                    signals.append("C:turn_start")
                content = words[form.head :]
                rest = person_features(words) + ngrams(words, "W:") + ngrams(content[:6], "H:", n=2)
                rest += reply_features(doc, ti, sent_end) + echo_features(doc, ti, content)
                questions.append(_Question(start, end, form, words, strict, signals, others, rest))
        if bound is not None:
            # An unmarked sentence is never a rule's question (R:rule=False).
            unmarked = [k for k, q in enumerate(questions) if not q.strict]
            odds = self.model.decision([
                questions[k].signals + ["R:rule=False"] + questions[k].others + questions[k].rest for k in unmarked
            ])
            dropped = {k for k, o in zip(unmarked, odds) if o < bound}
            questions = [q for k, q in enumerate(questions) if k not in dropped]
        for start, end, form, words, strict, signals, others, rest in questions:
            sent = doc[start:end]
            # The phrase lists run only on the sentences that are questions.
            found_phrases = self._excluded(sent, form, words, match_labels(sent, self.matchers, words))
            findings = [f"R:excl={label}" for label, _, _ in found_phrases] + others
            if _only_phrases(sent, form, found_phrases, self.lex):
                findings.append("R:excl_whole")
            rule = strict and not findings
            veto = not VETOES.isdisjoint(findings)
            feats = signals + [f"R:rule={rule}"] + findings + rest
            found.append(Candidate(sent, feats, rule, form.open, veto=veto))
        return found

    def _prune_bound(self) -> float:
        """The model's log-odds under which a candidate is rejected whatever the
        phrase lists find in it: its cut less the most their features can add
        (their positive weights; a label counts once), less a hair, so that
        summing in another order never decides a case."""
        threshold = self.model.threshold
        most = float(self.model.table.lookup([f"R:excl={label}" for label in self.labels]).clip(min=0.0).sum())
        return math.log(threshold / (1.0 - threshold)) - most - 1e-9

    def _form(self, words: list[str], titles: list[bool], unmarked: bool, as_written: bool = True) -> tuple[QuestionForm | None, bool]:
        """The sentence's question form, and whether it has it as written (strict).

        In speech without punctuation, and in a sentence that ends a turn with
        no mark at all (``unmarked``), every sentence is a candidate as if its
        question mark had been lost, described by its form and by the
        segmenter's question probability; the rules alone do not tag it, the
        model decides.

        as_written (bool): False where the caller knows the sentence has no
            form as written (no possible question head and no "?"): only the
            reading with its mark lost is made.
        """
        form = question_form(words, titles, lex=self.lex) if as_written else None
        if form is not None or not unmarked or "?" in words:
            return form, form is not None
        form = question_form(words + ["?"], titles + [False], lex=self.lex)
        if form is not None and form.kind == "declarative" and any(w in self.lex.wh for w in words):
            # Its wh-word was not where a punctuated question puts it ("and for
            # you personally what does success look like"), but a question
            # that names one asks for more than yes or no.
            form = QuestionForm(open=True, head=form.head, kind="declarative")
        return form, False

    def match(self, doc: Doc) -> list[Span]:
        cands = self.candidates(doc, prune=True, min_odds=self.min_question_odds)
        keep = self.model.accept([c.features for c in cands]) if self.model is not None else [c.rule for c in cands]
        kept = [cand for cand, ok in zip(cands, keep) if ok and not cand.veto]
        if self.open_model is not None:
            opens = self.open_model.accept([c.features for c in kept]).tolist()
        else:
            opens = [c.open for c in kept]
        for cand, is_open in zip(kept, opens):
            cand.span._.set(OPEN, bool(is_open))
        return [cand.span for cand in kept]

    def _excluded(self, sent: Span, form: QuestionForm, words: list[str], matches) -> list[tuple[str, int, int]]:
        """The phrase-list matches that count, as ``(label, start, end)`` token ranges."""
        # A phrase counts when it lies in the sentence from the question's head
        # on ("Okay, makes sense, and how do you..." keeps its question). A
        # commitment phrase counts only in a yes/no question about now or later
        # ("will you sign?", not "when did you buy it?").
        head_token = _token_at_word(sent, form.head)
        counted: list[tuple[str, int, int]] = []
        for label, _pid, start, end in matches:
            if start < head_token or end > sent.end:
                continue
            if label == "OFFER_HEAD" and start != head_token:
                continue  # "would you like to see..." offers only as the question itself
            if label == "COMMIT":
                # Only a commitment asked of the buyer: "will you sign?", "are you
                # ready to move forward?" - not "is corporate telling you what to buy?"
                subj = words[form.head + 1] if form.head + 1 < len(words) else ""
                if (
                    form.kind in ("aux", "declarative")
                    and words[form.head] not in self.lex.not_asking_aux
                    and (form.kind == "declarative" or subj in ("you", "we", "y'", "ya"))
                    and real_commitment(sent.doc, start, end)
                ):
                    counted.append((label, start, end))
                continue
            counted.append((label, start, end))
        return counted


def _only_phrases(sent: Span, form: QuestionForm, found: list[tuple[str, int, int]], lex: Lexicon) -> bool:
    """Whether the question, from its head on, is nothing but phrases of the guide's
    exclusions: every word is in one, or frames the question (a wh-word, an
    auxiliary, its subject: "can you" of "can you see my screen?"), or is a
    filler, punctuation or a name said to the buyer."""
    spans = [(start, end) for label, start, end in found if label in EXCLUSIONS]
    if not spans:
        return False
    lower, title, space, punct = doc_words(sent.doc)
    head = _token_at_word(sent, form.head)
    for i in range(head, sent.end):
        w = lower[i]
        if space[i] or punct[i] or w in lex.filler or (title[i] and i > head):
            continue
        if w in lex.wh or w in lex.aux or w in lex.subject:  # the subjects include "n't", "not"
            continue
        if not any(start <= i < end for start, end in spans):
            return False
    return True


def _question_parts(doc: Doc, turn: TurnRange, lex: Lexicon, unpunctuated: bool = False, asking=None):
    """Each sentence of ``turn`` cut into the questions it asks (:func:`question_parts`):
    ``(start, end, sentence_end, words, titles, unmarked)`` per part.

    An earlier part asks with its sentence's question mark (it ends at the word
    before the joining "and"); every part is answered where its sentence ends.
    In a turn that lacks punctuation (``unpunctuated``) every sentence is read
    as if its question mark had been lost (``unmarked``), and so is the last
    sentence of another turn when it ends with no mark at all (the segmenter
    judged it: :func:`~analyzer.nlp.components.base.question_odds`).
    ``asking(start, end)``, when given, says which of the other sentences may
    ask at all; the rest are passed over unread.
    """
    space = doc_words(doc)[2]
    for start, end in turn_sentences(doc, turn):
        unmarked = unpunctuated or (end == turn.end and question_odds(doc, start, end) is not None)
        if asking is not None and not unmarked and not asking(start, end):
            continue
        words, titles = words_between(doc, start, end)
        cuts = question_parts(words, titles, lex=lex, asks=unmarked or None)
        if not cuts:
            yield start, end, end, words, titles, unmarked
            continue
        idx = [i for i in range(start, end) if not space[i]]
        asks = ["?"] if words[-1] == "?" else []
        bounds = [0, *cuts, len(words)]
        for a, b in zip(bounds, bounds[1:]):
            if b == len(words):
                yield idx[a], end, end, words[a:], titles[a:], unmarked
                continue
            stop = b - 1 if words[b - 1] in CLAUSE_BREAKS else b
            yield (start if a == 0 else idx[a]), idx[stop], end, words[a:stop] + asks, titles[a:stop] + [False] * len(asks), unmarked


def _colleague_names(doc: Doc, lex: Lexicon) -> dict[str, frozenset[str]]:
    """For each seller-side speaker, the lower-case first names by which they
    may address a colleague on their side (a vocative: "Kim, can you show
    them..."): the other sellers' first names, but a name a speaker of the
    other side has too (then it may be the buyer who is addressed) and a
    first name that is also a word that opens a sentence by itself ("So,
    how are you...": the lexicon's fillers)."""
    roles = doc._.get(ROLES) or {}
    firsts = {name: name.split()[0].lower() for name in roles if name.split()}
    others = {firsts[name] for name, role in roles.items() if role != "seller" and name in firsts}
    sellers = [name for name, role in roles.items() if role == "seller" and name in firsts]
    return {
        name: frozenset(
            firsts[other] for other in sellers
            if firsts[other] != firsts[name] and firsts[other] not in others and firsts[other] not in lex.filler
        )
        for name in sellers
    }  # fmt: skip


def _token_at_word(sent: Span, word_index: int) -> int:
    space = doc_words(sent.doc)[2]
    k = -1
    for i in range(sent.start, sent.end):
        if space[i]:
            continue
        k += 1
        if k == word_index:
            return i
    return sent.end


def about_buyer(words: list[str], form: QuestionForm, lex: Lexicon) -> bool:
    """False for questions that are plainly about the seller's side or the world."""
    h = form.head
    checks = lex.understanding_checks_by_first.get(words[h], ()) if h < len(words) else ()
    if any(_starts_with(words, h, check) for check in checks):
        return True  # "did I get that right?": checks the seller understood the buyer
    # A tag question ("..., right?") counts only on a summary of what the buyer
    # said ("So the water main, that's new for you guys, isn't it?"), not on a
    # claim ("Pretty strong track record, right?", "You deserve it, right?").
    body_end = _tag_body_end(words, lex)
    if body_end is not None:
        start = _first_content(words, lex)
        if not any(_starts_with(words, start, m) or _starts_with(words, 0, m) for m in lex.summary_markers):
            return False
    # "Can I send that over?", "What can I tell you?", "Should we get going?":
    # the seller's own side.
    if form.kind in ("aux", "wh"):
        subj = words[h + 1] if h + 1 < len(words) else ""
        if form.kind == "wh" and subj in lex.aux and h + 2 < len(words):
            subj = words[h + 2]
        if subj in ("i", "we"):
            return False
    return True


def _starts_with(words: list[str], i: int, seq: tuple[str, ...]) -> bool:
    return tuple(words[i : i + len(seq)]) == seq


def _first_content(words: list[str], lex: Lexicon) -> int:
    for i, w in enumerate(words):
        if w not in (",", "um", "uh", "okay", "well", "oh"):
            return i
    return 0


def _tag_body_end(words: list[str], lex: Lexicon) -> int | None:
    """Where the body of a tag question ends (the comma before ``right?``), if any.

    A tag is one of the listed endings (``right``, ``huh``, ``you know``) or an
    auxiliary and a pronoun (``does it``, ``isn't it``, ``don't they``).
    """
    end = len(words)
    while end and words[end - 1] in ("?", ".", "!"):
        end -= 1
    # (only a tag that ends with the sentence's last word can fit)
    for tag in lex.tag_endings_by_last.get(words[end - 1], ()) if end else ():
        k = len(tag)
        if end - k - 1 >= 1 and tuple(words[end - k : end]) == tag and words[end - k - 1] == ",":
            return end - k - 1
    for k in (2, 3):
        tail = words[end - k : end]
        if end - k - 1 >= 1 and words[end - k - 1] == "," and tail and tail[0] in lex.aux:
            rest = [w for w in tail[1:] if w not in ("n't", "not")]
            if len(rest) == 1 and rest[0] in lex.echo_subjects and len(tail) == k:
                return end - k - 1
    return None


def _pleasantry_hand_back(doc: Doc, start: int, end: int, words: list[str], lex: Lexicon) -> bool:
    """ "Good, and you?" / "Fine, thanks. How about yourself?": a greeting handed back.

    The question holds nothing but hand-back words and the words of a
    greeting's answers ("Can't complain, and you?"), and the seller's turn
    has just answered a greeting (``good``, ``fine``, ``not bad``...).
    """
    if not any(w in ("you", "yourself") for w in words):
        return False
    if any(w not in lex.hand_back and w not in _answer_words(lex) for w in words):
        return False
    said = doc_words(doc)[0][start:end]
    # (an answer of two words, "not bad", "ca n't complain", is found as a run of them)
    joined = f" {' '.join(said)} "
    return any(f" {answer} " in joined for answer in lex.pleasantry_answers)


@lru_cache(maxsize=4)
def _answer_words(lex: Lexicon) -> frozenset[str]:
    """Every word of the lexicon's answers to a greeting ("ca", "n't", "complain")."""
    return frozenset(w for answer in lex.pleasantry_answers for w in answer.split())


@Language.factory(
    "callcoach_buyer_question",
    default_config={**threshold_defaults(CONFIG_KEYS), "models": "default"},
    assigns=["doc.spans", f"span._.{OPEN}"],
    requires=["token.is_sent_start"],
)
def make_buyer_question(nlp: Language, name: str, buyer_question_min_question_odds: float, models: str) -> BuyerQuestionTagger:
    """Create the ``callcoach_buyer_question`` component.

    models (str): ``"default"`` (the shipped tagger models), a folder of
        models, or ``"none"`` for the rules alone.
    """
    values = checked_thresholds(name, buyer_question_min_question_odds=buyer_question_min_question_odds)
    found = load_models(models)
    return BuyerQuestionTagger(nlp, name, model=found.get(BUYER_QUESTION), open_model=found.get(OPEN_MODEL), **values)
