"""``callcoach_pitch_invite``: the buyer invites the seller to talk about themselves.

"Tell us a little about your company", "so what do you guys do?", "why
should we pick you?", "what makes you different?" - but not a request for
one part of the offer ("tell me about the pricing", "walk me through the
coverage"), whose answer is measured as a monologue instead.

Patterns are in ``patterns/pitch_invite.jsonl``. Those labelled
``INVITE_STRICT`` must end their clause ("what do you guys do?" but not "what
do you do to exercise?"); those labelled ``INVITE`` are refused when the
invitation is narrowed to one thing (the word classes ``invite_*`` of
``patterns/lexicon.json``) ("about your company's pricing",
"an overview of the fees").

Span: the sentence that holds the invitation.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import PITCH_INVITE, role_turns
from ..resources import build_matchers, first_words, load_lexicon, load_patterns, match_labels
from .base import Tagger

class PitchInviteTagger(Tagger):
    """Tags ``pitch_invite`` spans in buyer turns."""

    tag = PITCH_INVITE

    def __init__(self, nlp: Language, name: str = "callcoach_pitch_invite") -> None:
        super().__init__(nlp, name)
        patterns = load_patterns("pitch_invite")
        self.matchers = build_matchers(nlp, patterns)
        self.triggers = first_words(patterns)
        self.lex = load_lexicon()

    def match(self, doc: Doc) -> list[Span]:
        found: list[Span] = []
        seen: set[int] = set()
        for _, turn in role_turns(doc, "buyer"):
            # Only turns holding a word some pattern starts with go to the matcher.
            if self.triggers is not None and not any(t.lower_ in self.triggers for t in turn):
                continue
            for label, _pid, start, end in match_labels(turn, self.matchers):
                found.extend(self._accepted(doc, turn, label, start, end, seen))
        return found

    def _accepted(
        self, doc: Doc, turn: Span, label: str, start: int, end: int, seen: set[int]
    ) -> list[Span]:
        """The sentence holding an accepted match, once per sentence."""
        if not self._accept(doc, label, end, turn.end):
            return []
        sent = doc[start].sent
        if sent.start in seen:
            return []
        seen.add(sent.start)
        return [doc[max(sent.start, turn.start) : min(sent.end, turn.end)]]

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
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
)
def make_pitch_invite(nlp: Language, name: str) -> PitchInviteTagger:
    """Create the ``callcoach_pitch_invite`` component."""
    return PitchInviteTagger(nlp, name)
