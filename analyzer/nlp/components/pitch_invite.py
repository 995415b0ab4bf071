"""``callcoach_pitch_invite``: the buyer invites the seller to talk about themselves.

"Tell us a little about your company", "so what do you guys do?", "why
should we pick you?", "what makes you different?" - but not a request for
one part of the offer ("tell me about the pricing", "walk me through the
coverage"), whose answer is measured as a monologue instead.

Patterns are in ``patterns/pitch_invite.jsonl``. For the rules alone, those
labelled ``INVITE_STRICT`` must end their clause ("what do you guys do?" but
not "what do you do to exercise?"); with a trained model only a complement
rules one out, and any other following word is a signal the model weighs
("who are you lot?"). Those labelled ``INVITE`` are refused when the
invitation is narrowed to one thing (the word classes ``invite_*`` of
``patterns/lexicon.json``) ("about your company's pricing",
"an overview of the fees").

Span: the sentence that holds the invitation; a turn holds at most one, so
the sentences of one turn that invite are one span, from the first to the
last (:func:`~.base.one_per_turn`).
"""
from __future__ import annotations


from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import PITCH_INVITE, TurnRange, role_turns
from ..heads import asking_test
from ..resources import build_matchers, first_words, load_lexicon, load_patterns, match_labels
from ..learned import SentenceModel, load_models, person_features, ngrams
from ..questions import question_form
from .base import Candidate, Tagger, doc_words, one_per_turn, reply_features, turn_sentences, words_between


class PitchInviteTagger(Tagger):
    """Tags ``pitch_invite`` spans in buyer turns."""

    tag = PITCH_INVITE

    def __init__(
        self, nlp: Language, name: str = "callcoach_pitch_invite", *, model: SentenceModel | None = None
    ) -> None:
        super().__init__(nlp, name)
        patterns = load_patterns("pitch_invite")
        self.matchers = build_matchers(nlp, patterns)
        self.triggers = first_words(patterns, nlp)
        self.lex = load_lexicon()
        #: Words that can start an invitation without a second person ("who is
        #: Ironvault?", "give us the rundown": the lexicon's invite_cues) and the
        #: second-person words: with the question form, the cheap test for a candidate.
        self.cues = self.lex.invite_cues | self.lex.second_person
        #: The trained judge of the candidates; None keeps the rules' decision.
        self.model = model

    def rule_sentences(self, doc: Doc, turn: TurnRange) -> tuple[dict[int, str], set[int], set[int]]:
        """Start token of each sentence the phrase rules accept, with the pattern label;
        the starts of sentences where a strict pattern matched but was not followed
        by the end of its clause ("who are you lot?"); and of those where it was
        narrowed to one thing by a complement ("what do you do to exercise?",
        "what do you do for fun?")."""
        accepted: dict[int, str] = {}
        refused: set[int] = set()
        narrowed: set[int] = set()
        lower = doc_words(doc)[0]
        # Only sentences holding a word some pattern starts with go to the
        # matcher (a pattern matches within one sentence).
        for sent_start, sent_end in turn_sentences(doc, turn):
            if self.triggers is not None and self.triggers.isdisjoint(lower[sent_start:sent_end]):
                continue
            for label, _pid, _start, end in match_labels(doc[sent_start:sent_end], self.matchers, lower[sent_start:sent_end]):
                if self._accept(doc, label, end, turn.end):
                    accepted.setdefault(sent_start, label)
                elif label == "INVITE_STRICT":
                    (narrowed if self._complement(doc, end, sent_end) else refused).add(sent_start)
        return accepted, refused - accepted.keys(), narrowed - accepted.keys()

    def _complement(self, doc: Doc, end: int, limit: int) -> bool:
        """Whether a preposition or an infinitive's ``to`` (the lexicon's
        ``invite_complement_heads``) with words of its own follows token ``end``
        ("for fun", "to exercise"), not a stranded one ("who are you with?")."""
        if end + 1 >= limit or doc[end].lower_ not in self.lex.invite_complement_heads:
            return False
        after = doc[end + 1]
        return not after.is_punct and after.lower_ not in self.lex.invite_strict_followers

    def _one_part(self, words: list[str]) -> bool:
        """The guide's "request for one specific part of the offer": a second-person
        possessive followed closely by a part of the offer ("your pricing", "your
        company's fees", "walk me through your onboarding")."""
        for i, w in enumerate(words):
            if w in ("your", "yours", "y'all's") and any(x in self.lex.offer_parts for x in words[i + 1 : i + 4]):
                return True
        return False

    def candidates(self, doc: Doc) -> list[Candidate]:
        """Buyer sentences that could invite a pitch, with features and the rules' decision.

        A candidate the guide rules out by definition (a request for one part of
        the offer, or a strict invitation narrowed by a complement: "what do you
        do to exercise?") is marked ``veto``: no model can tag it. A strict
        invitation followed by any other word is only a feature
        (``R:refused``): whether its clause ends is read from the punctuation
        and a list of the words that may follow, and in speech without
        punctuation, or with a word the list lacks ("who are you lot?"), the
        test cannot tell.
        """
        found: list[Candidate] = []
        lower = doc_words(doc)[0]
        may_ask = asking_test(doc, self.lex)
        for ti, turn in role_turns(doc, "buyer"):
            rules, refused, narrowed = self.rule_sentences(doc, turn)
            for start, end in turn_sentences(doc, turn):
                if start not in rules and self.cues.isdisjoint(lower[start:end]):
                    continue
                words, titles = words_between(doc, start, end)
                rule = start in rules
                veto = not rule and (start in narrowed or self._one_part(words))
                feats = [f"R:rule={rule}", f"R:label={rules.get(start, '-')}", f"R:veto={veto}", f"R:refused={start in refused}"]
                # (no possible question head and no question mark: no form, unread)
                form = question_form(words, titles, lex=self.lex) if may_ask(start, end) else None
                feats.append(f"R:kind={form.kind if form else '-'}")
                if any(titles[i] for i in range(1, len(titles))):
                    feats.append("C:names_someone")
                feats += person_features(words) + ngrams(words, "W:") + reply_features(doc, ti, end, answer=True, lex=self.lex)
                found.append(Candidate(doc[start:end], feats, rule, veto=veto))
        return found

    def match(self, doc: Doc) -> list[Span]:
        cands = self.candidates(doc)
        keep = self.model.accept([c.features for c in cands]) if self.model is not None else [c.rule for c in cands]
        # An invitation said over several sentences of one turn is one tag.
        return one_per_turn(doc, (c.span for c, ok in zip(cands, keep) if ok and not c.veto))

    def _accept(self, doc: Doc, label: str, end: int, limit: int) -> bool:
        nxt = doc[end].lower_ if end < limit else ""
        if label == "INVITE_STRICT":
            return nxt == "" or doc[end].is_punct or nxt in self.lex.invite_strict_followers
        if nxt in self.lex.invite_narrowing:
            after = doc[end + 1].lower_ if end + 1 < limit else ""
            return after in self.lex.invite_self_after_narrowing
        return True


@Language.factory(
    "callcoach_pitch_invite",
    default_config={"models": "default"},
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
)
def make_pitch_invite(nlp: Language, name: str, models: str) -> PitchInviteTagger:
    """Create the ``callcoach_pitch_invite`` component.

    models (str): ``"default"`` (the shipped tagger models), a folder of
        models, or ``"none"`` for the rules alone.
    """
    return PitchInviteTagger(nlp, name, model=load_models(models).get(PITCH_INVITE))
