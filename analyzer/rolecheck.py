"""How sure a call's roles are (``roles_check``), and what to do when they are not.

:func:`check_roles` reads a transcript after :func:`analyzer.roles.assign_roles`:
its roles, where each came from (given or inferred) and the speakers'
seller scores. It is ``low`` when a call of two or more speakers ends with
no buyer or no seller, when the seller who scored lowest is within
:data:`~analyzer.roles.ROLE_CONFIDENCE_MIN_MARGIN` points of the buyer who
scored highest, or when a role that was not given goes against the
speaker's own score; it then names the roles and the option that fixes them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from .nlp.learned import SentenceModel
from .roles import CONFIDENCE_GIVEN, CONFIDENCE_HIGH, CONFIDENCE_LOW, INFERRED, ROLE_CONFIDENCE_MIN_MARGIN, role_model
from .speakers import role_option
from .transcript import Role, Transcript


@dataclass(frozen=True)
class RoleCheck:
    """How sure a call's roles are, and what to do when they are not.

    confidence (str): ``given`` (the caller named every speaker), ``high``
        or ``low`` (inferred, and worth a look).
    reason (str | None): why it is low: ``no_buyer``, ``no_seller``,
        ``close`` (a seller and a buyer scored alike), ``weak_seller`` (the
        seller does not sound like one) or ``buyer_sounds_like_seller``.
    message (str | None): a sentence that names the inferred roles and the fix.
    fix (str | None): the option that fixes the roles if the guess is wrong,
        e.g. ``--buyer "Tyler Osei"`` (for ``weak_seller`` with no likelier
        seller, the option that confirms the one taken).
    """

    confidence: str
    reason: str | None = None
    message: str | None = None
    fix: str | None = None

    @property
    def needs_look(self) -> bool:
        """Whether a person should check the roles."""
        return self.confidence == CONFIDENCE_LOW

    def to_dict(self) -> dict[str, str | None]:
        return {"confidence": self.confidence, "reason": self.reason, "message": self.message, "fix": self.fix}


def check_roles(
    transcript: Transcript,
    *,
    questions: Mapping[str, int] | None = None,
    margin: float = ROLE_CONFIDENCE_MIN_MARGIN,
    model: SentenceModel | str | None = "default",
) -> RoleCheck:
    """How sure the roles of a call with roles are (see the module docstring).

    transcript (Transcript): a transcript after :func:`assign_roles`.
    questions (Mapping[str, int] | None): buyer questions each speaker asked
        (the tags); when every speaker was taken for a seller, the one who
        asked the fewest about the other side is the likeliest buyer.
    margin (float): seller-score points between a seller and a buyer below
        which inferred roles are unsure.
    model (SentenceModel | str | None): the speaker model the scores came
        from (as for :func:`assign_roles`): a speaker it scores at or above
        its cut sounds like a seller (with none, a phrase score above 0).
    RETURNS (RoleCheck): the confidence, and for ``low`` the message and fix.
    """
    inferred = [s for s in transcript.speakers if transcript.role_source.get(s, INFERRED) == INFERRED]
    if not inferred:
        return RoleCheck(CONFIDENCE_GIVEN)
    speaking = [t.speaker for t in transcript.turns if t.words > 0]
    speakers = list(dict.fromkeys(speaking))
    roles = {s: transcript.roles.get(s, Role.BUYER) for s in speakers}
    sellers = [s for s in speakers if roles[s] is Role.SELLER]
    buyers = [s for s in speakers if roles[s] is Role.BUYER]
    scores = transcript.role_scores
    if len(speakers) < 2:
        return RoleCheck(CONFIDENCE_HIGH)
    if not buyers and len(sellers) >= 2:
        candidates = [s for s in sellers if s in inferred] or sellers
        asked = questions or {}
        buyer = min(candidates, key=lambda s: (asked.get(s, 0), scores.get(s, 0.0), -speakers.index(s)))
        fix = role_option("buyer", buyer)
        return RoleCheck(
            CONFIDENCE_LOW, "no_buyer",
            f"Roles were inferred and every speaker was taken for a seller ({_names(sellers)}), so the call "
            f"has no buyer. If {buyer} is the buyer, run again with {fix}.",
            fix,
        )  # fmt: skip
    if not sellers and not buyers:
        words: dict[str, int] = {}
        for t in transcript.turns:
            words[t.speaker] = words.get(t.speaker, 0) + t.words
        seller = max([s for s in speakers if s in inferred] or speakers, key=lambda s: (words.get(s, 0), -speakers.index(s)))
        fix = role_option("seller", seller)
        return RoleCheck(
            CONFIDENCE_LOW, "no_seller",
            f"Roles were inferred and every speaker was taken for neither side ({_names(speakers)} as other), so "
            f"the call has no seller and no buyer. If {seller} is the seller, run again with {fix}.",
            fix,
        )  # fmt: skip
    if not sellers and buyers:
        return _no_seller(buyers, inferred, scores, speakers)
    scored_sellers = [s for s in sellers if s in scores]
    scored_buyers = [s for s in buyers if s in scores]
    if scored_sellers and scored_buyers:
        seller = min(scored_sellers, key=lambda s: scores[s])
        buyer = max(scored_buyers, key=lambda s: scores[s])
        if scores[seller] - scores[buyer] < margin:
            fix = role_option("seller", buyer)
            return RoleCheck(
                CONFIDENCE_LOW, "close",
                f"Roles were inferred, and {buyer} (taken for a buyer) sounds almost as much like a seller as "
                f"{seller} (taken for a seller). If {buyer} is the seller, run again with {fix}; "
                f"{role_option('seller', seller)} confirms the guess.",
                fix,
            )  # fmt: skip
    return _against_the_scores(transcript, sellers, buyers, inferred, _seller_cut(model)) or RoleCheck(CONFIDENCE_HIGH)


def _no_seller(buyers: list[str], inferred: list[str], scores: Mapping[str, float], speakers: list[str]) -> RoleCheck:
    """``low`` for a call of buyers and no seller, the likeliest seller named in the fix."""
    candidates = [s for s in buyers if s in inferred] or buyers
    seller = max(candidates, key=lambda s: (scores.get(s, 0.0), -speakers.index(s)))
    fix = role_option("seller", seller)
    # (buyers the caller named were not taken for anything: they were named)
    if set(buyers) & set(inferred):
        lead = f"No speaker was taken for a seller ({_names(buyers)} as buyers)."
    else:
        lead = f"No speaker is a seller ({_names(buyers)} named as buyers)."
    return RoleCheck(CONFIDENCE_LOW, "no_seller", f"{lead} If {seller} is the seller, run again with {fix}.", fix)


def _seller_cut(model: SentenceModel | str | None) -> float:
    """The seller score at or above which a speaker sounds like a seller: the
    speaker model's cut as log-odds, or 0 for the phrase score."""
    found = role_model(model)
    return math.log(found.threshold / (1.0 - found.threshold)) if found is not None else 0.0


def _against_the_scores(
    transcript: Transcript, sellers: list[str], buyers: list[str], inferred: list[str], cut: float
) -> RoleCheck | None:
    """``low`` when a role that was not given goes against the speaker's own
    score: a seller who does not sound like one (the likeliest of speakers
    none of whom sells, or the one left when the others were named buyers),
    or a buyer who sounds like a seller (every speaker not named when the
    sellers were named is a buyer). None when the scores agree."""
    scores = transcript.role_scores
    for s in sellers:
        if s in inferred and s in scores and scores[s] < cut:
            others = [b for b in buyers if b in scores]
            best = max(others, key=lambda b: scores[b], default=None)
            fix = role_option("seller", best) if best is not None and scores[best] > scores[s] else None
            hint = f"If {best} is the seller, run again with {fix}; if" if fix else "If"
            return RoleCheck(
                CONFIDENCE_LOW, "weak_seller",
                f"{s} was taken for the seller, but does not sound like one. "
                f"{hint} {s} is the seller, {role_option('seller', s)} confirms it; a call with no seller "
                "in it cannot be scored as a sales call.",
                fix or role_option("seller", s),
            )  # fmt: skip
    named = any(s not in inferred for s in sellers)
    for b in buyers:
        if b in inferred and b in scores and scores[b] >= cut:
            fix = role_option("seller", b)
            why = " (with sellers named, every speaker not named is taken for a buyer)" if named else ""
            return RoleCheck(
                CONFIDENCE_LOW, "buyer_sounds_like_seller",
                f"{b} was taken for a buyer{why}, but sounds like a seller. If {b} is on the seller side, "
                f"run again with {fix}" + (" as well" if named else "")
                + f"; if on neither side (an assistant, an operator), with {role_option('other', b)}.",
                fix,
            )  # fmt: skip
    return None


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
