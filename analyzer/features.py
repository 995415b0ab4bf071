"""Per-call features for the classifier: interpretable numbers from the analysis.

Every feature is computed from what the pipeline measured (metrics and tags)
and from the seller's and buyer's words; none reads a file or a model.
:data:`FEATURES` lists them with their meaning and the direction a
buyer-centric call is expected to push them (used to check the model, never
to force it). :func:`feature_matrix` turns analysis results (or feature mappings) into
the matrix a model reads. The scikit-learn transformer that does the same
inside a ``Pipeline``, ``CallFeaturizer``, lives in
:mod:`analyzer.classifier.featurizer` (also ``analyzer.classifier.CallFeaturizer``),
so that scoring a call never imports scikit-learn.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .metrics import role_switches
from .nlp.resources import load_lexicon
from .transcript import Role

_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Feature:
    """One feature: its name, what it means, and its expected direction.

    direction (int): +1 when more of it is expected of a buyer-centric call,
        -1 when of a seller-centric one, 0 when either.
    """

    name: str
    description: str
    direction: int


FEATURES: tuple[Feature, ...] = (
    Feature("seller_talk_share", "seller talk share (time, or words when untimed)", -1),
    Feature("longest_monologue_share", "longest seller monologue, as a share of the call's words", -1),
    Feature("longest_story_share", "longest buyer story, as a share of the call's words", +1),
    Feature("interactivity_per_100_words", "seller-buyer switches per 100 words", +1),
    Feature("buyer_questions_per_1000_words", "buyer questions per 1,000 words", +1),
    Feature("buyer_question_turn_share", "share of the seller's turns that ask about the buyer", +1),
    Feature("open_question_share", "share of buyer questions that are open (smoothed)", +1),
    Feature("pitch_dumps", "pitch dumps", -1),
    Feature("pitch_pivots", "pitch pivots", +1),
    Feature("if_then_closes", "conditional closes", -1),
    Feature("seller_self_reference_share", "how much the seller says we/our/I against you/your", -1),
    Feature("seller_you_per_100_words", "you/your per 100 seller words", 0),
    Feature("buyer_words_per_turn", "words per buyer turn", +1),
    Feature("seller_words_per_turn", "words per seller turn", -1),
    Feature("buyer_questions_asked_per_1000_words", "questions the buyer asks per 1,000 words", 0),
    Feature("seller_backchannel_share", "share of the seller's turns that are backchannels (listening)", +1),
    Feature("log_words", "length of the call (log of its words)", 0),
)

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
#: Features that describe the call rather than what the seller does: they
#: enter the score, but are never named as a reason for it (no seller can act
#: on the length of a call).
CONTEXT_FEATURES: frozenset[str] = frozenset({"log_words"})
FEATURE_BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}


def call_features(result: Any, *, backchannel_max_words: int = 3) -> dict[str, float]:
    """The features of one analysed call (an :class:`~analyzer.result.AnalysisResult`).

    ``result.transcript`` must be present (it is on every fresh result).
    """
    transcript = result.transcript
    if transcript is None:
        raise ValueError(
            f"{result.file}: the result carries no transcript; features need the turns "
            "(analyse the call again rather than loading its JSON)"
        )
    m = result.metrics
    roles = transcript.roles
    seller_turns = [t for t in transcript.turns if roles.get(t.speaker) is Role.SELLER]
    buyer_turns = [t for t in transcript.turns if roles.get(t.speaker) is Role.BUYER]
    seller_words = sum(t.words for t in seller_turns)
    buyer_words = sum(t.words for t in buyer_turns)
    words = max(1, seller_words + buyer_words)
    questions = [t for t in result.tags if t.tag == "buyer_question"]
    n_q = len(questions)
    open_q = sum(1 for q in questions if q.open)
    question_turns = {q.turn for q in questions}
    seller_full = [t for t in seller_turns if t.words > backchannel_max_words]
    buyer_full = [t for t in buyer_turns if t.words > backchannel_max_words]
    lex = load_lexicon()
    self_refs = you_refs = 0
    for t in seller_turns:
        for w in _WORD.findall(t.text.lower().replace("’", "'")):
            if w in lex.we_words or w in lex.i_words:
                self_refs += 1
            elif w in lex.you_words:
                you_refs += 1
    buyer_asks = sum(t.text.count("?") for t in buyer_turns)
    share = m.seller_talk_share if m.seller_talk_share is not None else seller_words / words
    return {
        "seller_talk_share": float(share),
        "longest_monologue_share": m.longest_seller_monologue_words / words,
        "longest_story_share": m.longest_buyer_story_words / words,
        "interactivity_per_100_words": role_switches(transcript, backchannel_max_words=backchannel_max_words) * 100.0 / words,
        "buyer_questions_per_1000_words": n_q * 1000.0 / words,
        "buyer_question_turn_share": len(question_turns) / max(1, len(seller_full)),
        "open_question_share": (open_q + 1.0) / (n_q + 2.0),
        "pitch_dumps": float(m.pitch_dumps),
        "pitch_pivots": float(m.pitch_pivots),
        "if_then_closes": float(m.if_then_closes),
        "seller_self_reference_share": (self_refs + 1.0) / (self_refs + you_refs + 2.0),
        "seller_you_per_100_words": you_refs * 100.0 / max(1, seller_words),
        "buyer_words_per_turn": buyer_words / max(1, len(buyer_full)),
        "seller_words_per_turn": seller_words / max(1, len(seller_full)),
        "buyer_questions_asked_per_1000_words": buyer_asks * 1000.0 / words,
        "seller_backchannel_share": (len(seller_turns) - len(seller_full)) / max(1, len(seller_turns)),
        "log_words": math.log1p(words),
    }


def feature_matrix(rows: Iterable[Any], names: Sequence[str]) -> np.ndarray:
    """One row of the named features per item: an analysed call (its features
    are computed) or a mapping of feature name to value.

    RAISES: ValueError for a bare string (a path or a transcript, not an
        analysed call) and for a mapping that lacks one of ``names``.
    """
    if isinstance(rows, (str, bytes)):
        raise ValueError("a sequence of analysed calls (or feature mappings) was expected, a string was received")
    names = list(names)
    out = []
    for item in rows:
        values = item if isinstance(item, Mapping) else call_features(item)
        try:
            out.append([float(values[n]) for n in names])
        except KeyError as exc:
            raise ValueError(f"a feature mapping lacks {exc.args[0]!r}") from None
    return np.asarray(out, dtype=float).reshape(len(out), len(names))
