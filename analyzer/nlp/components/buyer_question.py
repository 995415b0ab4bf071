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

Span: the question sentence. ``span._.callcoach_open`` says whether it is open.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import BUYER_QUESTION, OPEN, role_turns
from ..questions import QuestionForm, question_form
from ..resources import Lexicon, build_matchers, load_lexicon, load_patterns, match_labels
from .base import Tagger, sentence_words


class BuyerQuestionTagger(Tagger):
    """Tags ``buyer_question`` spans in seller turns."""

    tag = BUYER_QUESTION

    def __init__(self, nlp: Language, name: str = "callcoach_buyer_question") -> None:
        super().__init__(nlp, name)
        self.lex = load_lexicon()
        self.matchers = build_matchers(nlp, load_patterns("buyer_question"))

    def match(self, doc: Doc) -> list[Span]:
        exclusions = match_labels(doc, self.matchers)
        excluded_starts = [m[2] for m in exclusions]
        found: list[Span] = []
        for _, turn in role_turns(doc, "seller"):
            for sent in turn.sents:
                words, titles = sentence_words(sent)
                if "?" not in words and len(words) < 2:
                    continue
                form = question_form(words, titles, lex=self.lex)
                if form is None:
                    continue
                if self._excluded(sent, form, exclusions, excluded_starts):
                    continue
                if not about_buyer(words, form, self.lex):
                    continue
                span = doc[sent.start : sent.end]
                span._.set(OPEN, form.open)
                found.append(span)
        return found

    @staticmethod
    def _excluded(sent: Span, form: QuestionForm, exclusions, starts) -> bool:
        # An exclusion counts when it lies in the sentence, from the question's
        # head on ("Makes sense. How do you..." keeps its question).
        head_token = _token_at_word(sent, form.head)
        for label, _pid, start, end in exclusions:
            if start >= sent.end:
                break
            if start >= head_token and end <= sent.end:
                return True
        return False


def _token_at_word(sent: Span, word_index: int) -> int:
    k = -1
    for t in sent:
        if t.is_space:
            continue
        k += 1
        if k == word_index:
            return t.i
    return sent.end


def about_buyer(words: list[str], form: QuestionForm, lex: Lexicon) -> bool:
    """False for questions that are plainly about the seller's side or the world."""
    has_you = any(w in lex.second_person for w in words)
    # A tag question ("..., right?") on a claim with no word for the buyer in it.
    body_end = _tag_body_end(words, lex)
    if body_end is not None:
        body = words[:body_end]
        if not any(w in lex.second_person for w in body) and (
            any(w in lex.self_reference for w in body) or any(w in lex.product_praise for w in body)
        ):
            return False
    # "Should we get going?", "Can I send that over?": the seller's own side.
    h = form.head
    if form.kind in ("aux", "wh") and not has_you:
        subj = words[h + 1] if h + 1 < len(words) else ""
        if form.kind == "wh" and subj in lex.aux and h + 2 < len(words):
            subj = words[h + 2]
        if subj in ("i", "we"):
            return False
    return True


def _tag_body_end(words: list[str], lex: Lexicon) -> int | None:
    """Where the body of a tag question ends (the comma before ``right?``), if any."""
    end = len(words)
    while end and words[end - 1] in ("?", ".", "!"):
        end -= 1
    for tag in lex.tag_endings:
        k = len(tag)
        if end - k - 1 >= 1 and tuple(words[end - k : end]) == tag and words[end - k - 1] == ",":
            return end - k - 1
    return None


@Language.factory(
    "callcoach_buyer_question",
    assigns=["doc.spans", f"span._.{OPEN}"],
    requires=["token.is_sent_start"],
)
def make_buyer_question(nlp: Language, name: str) -> BuyerQuestionTagger:
    """Create the ``callcoach_buyer_question`` component."""
    return BuyerQuestionTagger(nlp, name)
