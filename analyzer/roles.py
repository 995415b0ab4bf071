"""Who is the seller? Roles given by the caller, or inferred from the call.

Given roles win: ``sellers``/``buyers``/``others`` name speakers (exactly as
the transcript spells them, or the same name in other letter case), and a
roles file maps names to roles (JSON ``{"Dana Reyes": "seller"}`` or CSV
``speaker,role``). Speakers nobody named are inferred, and marked so
(``role_source: "inferred"``).

The inference heuristic, measured on ``data/samples/`` (see the README):

1. A speaker is ``other`` when the label names a role that takes no side
   ("Front Desk", "Operator", "Ana Ruiz (Interpreter)", "Recording": the word
   class ``other_name_words``); when they relay what others said, as an
   interpreter does ("she says...", "he's asking...", at least twice and
   more often than they use either side's phrases); or when they have at most
   ``other_max_word_share`` of the words and say something only a recording
   notice, operator or front desk says ("this call may be recorded", "I'll
   put you through").
2. Every remaining speaker gets a seller score: the phrases sellers use
   (self-introductions with a company, "our platform", "we help", "let me show
   you", questions about the listener's situation) count for, the phrases
   buyers use ("what do you guys do", "how much does it cost", "we're
   currently using", "I need to talk to my boss") count against; each
   question with "you"/"your" in it adds a third of a point. Phrases are in
   ``nlp/patterns/roles.jsonl``.
3. The highest scorer is a seller (ties: the one who speaks first). Another
   speaker is a seller too when their score is positive and at least half
   the top score, and they use more seller phrases than buyer phrases;
   everybody else is a buyer. A call with one speaker is that
   speaker's monologue: a seller.

With the trained speaker model (``speaker_role`` among the tagger models,
the default), step 2's score is the model's log-odds that the speaker is a
seller: a logistic regression over the words and word pairs the speaker
says and step 2's signals (phrase hits, questions to "you", how much they
address the other side, their share of the words, their place in the call),
trained on the annotated calls' gold roles (``callcoach train-taggers``).
Step 3 then makes a seller of every speaker the model calls one (the
highest scorer at least) and keeps at least one buyer when nobody is given.

How sure the inference is (:func:`analyzer.rolecheck.check_roles`): it is
``low`` when a call of two or more speakers ends with no buyer or no seller,
when the seller who scored lowest is within
:data:`ROLE_CONFIDENCE_MIN_MARGIN` points of the buyer who scored highest, or
when a role that was not given goes against the speaker's own score (a
seller under the model's cut, a buyer at or above it); the check then names
the roles and the option that fixes them (``--buyer "Tyler Osei"``).
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from .config import Thresholds, default_thresholds
from .errors import RolesError
from .nlp.learned import SentenceModel, load_models
from .nlp.resources import load_lexicon, load_patterns
from .speakers import name_key
from .transcript import Role, Transcript

GIVEN = "given"
INFERRED = "inferred"
#: How far apart (in seller-score points) the least seller-like seller and the
#: most seller-like buyer must be for inferred roles to count as sure. Measured
#: with the phrase score alone on the 344 calls with gold roles (samples and
#: training batches): below 1.0, 18 of the 26 calls flagged had a role wrong,
#: and 13 of the 15 two-speaker calls with a wrong role are flagged (with the
#: calls that end one-sided). With the speaker model the scores are log-odds:
#: on 407 calls, each scored by a model that never saw its writer, 41 had a
#: role wrong and a margin below 1.0 flagged one call, whose roles were right.
#: Of the 44 speakers it got wrong, 31 were sellers taken for buyers (33 of
#: the 44 in calls with two sellers) and 11 ``other`` voices taken for
#: buyers: mistakes no margin between a seller and a buyer shows.
ROLE_CONFIDENCE_MIN_MARGIN = 1.0
#: ``RoleCheck.confidence`` values.
CONFIDENCE_GIVEN, CONFIDENCE_HIGH, CONFIDENCE_LOW = "given", "high", "low"
#: The name of the trained speaker model among the tagger models.
ROLE_MODEL = "speaker_role"
_WORD = re.compile(r"[a-z']+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_YOU = re.compile(r"\byou(r|rs)?\b")
_NAME_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def assign_roles(
    transcript: Transcript,
    *,
    sellers: Iterable[str] = (),
    buyers: Iterable[str] = (),
    others: Iterable[str] = (),
    roles: Mapping[str, str | Role] | None = None,
    thresholds: Thresholds | None = None,
    model: SentenceModel | str | None = "default",
) -> Transcript:
    """A copy of ``transcript`` with a role for every speaker.

    sellers, buyers, others (str | Iterable[str]): speaker names the caller
        gives (a single string is one name).
    roles (Mapping | None): more given roles, speaker name to role name.
    thresholds (Thresholds | None): defaults to the packaged ones.
    model (SentenceModel | str | None): the speaker model that scores the
        speakers left to infer: ``"default"`` (the shipped one, if any), a
        folder of tagger models, a model, or None for the phrase score alone.
    RETURNS (Transcript): the transcript with ``roles`` and ``role_source`` set.
    RAISES: RolesError when a given name is not a speaker in the call, a role
        name is unknown, or one speaker is given two roles.
    """
    thresholds = thresholds or default_thresholds()
    given = _given_roles(transcript, sellers, buyers, others, roles or {})
    inferred, scores = _infer(transcript, given, thresholds, model)
    final = {name: given.get(name, inferred[name]) for name in transcript.speakers}
    source = {name: GIVEN if name in given else INFERRED for name in transcript.speakers}
    return transcript.with_roles(final, source, scores)


def one_or_many(names: "str | Iterable[str]") -> list[str]:
    """Speaker names given as one name or as several: ``"Dana"`` is one name,
    not four letters."""
    return [names] if isinstance(names, str) else list(names)


def _given_roles(transcript, sellers, buyers, others, mapping) -> dict[str, Role]:
    """Given names resolved to speakers: exactly as written; else ignoring case
    (and runs of whitespace); else by the name before an e-mail address
    (``Dana Reyes`` for ``Dana Reyes <dana@acme.io>``), or by the address
    itself. A name that fits more than one speaker at its step is an error."""
    speakers = transcript.speakers
    email = re.compile(r"\s*<([^<>\s@]+@[^<>\s]+)>\s*")

    by_key: dict[str, list[str]] = {}
    by_part: dict[str, list[str]] = {}  # name before the address, and the address
    for s in speakers:
        by_key.setdefault(name_key(s), []).append(s)
        m = email.search(s)
        if m is not None:
            for part in {name_key(email.sub(" ", s)), m.group(1).casefold()}:
                if part:
                    by_part.setdefault(part, []).append(s)

    def resolve(name: str) -> str:
        if name in speakers:
            return name
        for table in (by_key, by_part):
            found = table.get(name_key(name), [])
            if len(found) == 1:
                return found[0]
            if found:
                raise RolesError(
                    f"{transcript.source}: {name!r} is not a speaker in this call; it fits more than"
                    f" one: {', '.join(repr(s) for s in found)}; give the name as the call writes it",
                    code="E201",
                )
        raise RolesError(
            f"{transcript.source}: {name!r} is not a speaker in this call; "
            f"its speakers are: {', '.join(repr(s) for s in speakers)}",
            code="E201",
        )

    given: dict[str, Role] = {}
    pairs = [(n, Role.SELLER) for n in one_or_many(sellers)]
    pairs += [(n, Role.BUYER) for n in one_or_many(buyers)]
    pairs += [(n, Role.OTHER) for n in one_or_many(others)]
    pairs += [(name, role_of(name, role)) for name, role in mapping.items()]
    for name, role in pairs:
        speaker = resolve(name)
        if given.get(speaker, role) != role:
            raise RolesError(
                f"{speaker!r} is given two roles: {given[speaker].value} and {role.value}",
                code="E203",
            )
        given[speaker] = role
    return given


@lru_cache(maxsize=1)
def _phrase_regexes() -> tuple[re.Pattern[str], dict[str, re.Pattern[str]]]:
    """One regex for the role phrases of every label, and one for each label.

    The first finds where the first phrase of a text begins, whatever its
    label: a label's phrase is one of its alternatives, so a text it does not
    match holds no phrase, and no label's phrase begins before where it does.
    Most turns hold none, and are then read once instead of once per label.
    """
    groups: dict[str, list[str]] = {}
    for row in load_patterns("roles"):
        groups.setdefault(row["label"], []).append(row["pattern"].lower())
    every = _phrase_regex([p for phrases in groups.values() for p in phrases])
    return every, {label: _phrase_regex(phrases) for label, phrases in groups.items()}


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """A regex for ``phrases`` as whole words: no letter or apostrophe either side."""
    return re.compile(r"(?<![a-z'])" + _trie(phrases) + r"(?![a-z'])")


def _trie(phrases: Iterable[str]) -> str:
    """One regex alternation for ``phrases``, factored by common prefix so that
    each position of a text is tried against a character at a time, not
    against every phrase. Longer continuations are tried first, so a match
    is the longest phrase that fits (as with the phrases sorted longest first)."""
    root: dict = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alts.append("")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


def role_model(where: SentenceModel | str | None) -> SentenceModel | None:
    """The speaker model for ``where``: a model as it is; ``"default"`` the shipped
    one, a folder of tagger models its ``speaker_role`` model (None when there is
    none); None or ``"none"`` none. The folder's models are read once per
    process and shared with the taggers (:func:`~analyzer.nlp.learned.load_models`).

    RAISES (ConfigError): E320 for a folder that does not exist or a model file
        that cannot be used (see :meth:`SentenceModel.load`).
    """
    if where is None or isinstance(where, SentenceModel):
        return where
    where = str(where)
    if where.lower() in ("none", ""):
        return None
    return load_models(where).get(ROLE_MODEL)


def speaker_features(
    transcript: Transcript, evidence: Mapping[str, Mapping[str, float]] | None = None, thresholds: Thresholds | None = None
) -> dict[str, list[str]]:
    """What the speaker model reads of each speaker: the words and word pairs
    they say (each once, of the first ``role_words_read``), and the heuristic's
    signals in coarse bins."""
    found, said = _read_speakers(transcript, (thresholds or default_thresholds()).role_words_read)
    return _features(transcript, evidence if evidence is not None else found, said)


def _features(
    transcript: Transcript, evidence: Mapping[str, Mapping[str, float]], said: Mapping[str, "_Said"]
) -> dict[str, list[str]]:
    signals = _signals(transcript, evidence)
    out = {}
    for speaker in transcript.speakers:
        words, pairs = said[speaker]
        # Each distinct word and word pair once: the strings are made only for those.
        out[speaker] = sorted(_word_names(words) + _pair_names(pairs)) + signals[speaker]
    return out


def _word_names(words: Iterable[str]) -> list[str]:
    """The speaker model's feature of each word."""
    return ["w:" + w for w in words]


def _pair_names(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The speaker model's feature of each pair of neighbouring words."""
    return [f"b:{a} {b}" for a, b in pairs]


def _signals(transcript: Transcript, evidence: Mapping[str, Mapping[str, float]]) -> dict[str, list[str]]:
    """The heuristic's signals of each speaker in coarse bins (``E:`` features)."""
    total = sum(ev["words"] for ev in evidence.values()) or 1
    speakers = transcript.speakers
    out = {}
    for order, speaker in enumerate(speakers):
        ev = evidence[speaker]
        per = max(ev["read"], 50.0)  # the ratios are of the words read
        out[speaker] = [
            f"E:SELLER={min(int(ev['SELLER']), 4)}",
            f"E:BUYER={min(int(ev['BUYER']), 4)}",
            f"E:youq={min(int(200 * ev['you_questions'] / per), 6)}",
            f"E:addr={max(-3, min(3, round(10 * (ev['you'] - ev['self']) / per)))}",
            f"E:share={min(int(10 * ev['words'] / total), 9)}",
            f"E:order={min(order, 3)}",
            f"E:speakers={min(len(speakers), 5)}",
        ]
    return out


class _SpeakerScorer:
    """The speaker model's log-odds of speakers, as ``model.decision`` of their
    :func:`speaker_features` (equal to within rounding), without a feature
    string for every word and word pair a speaker says: the weight of each
    word and pair is looked up once and kept across calls (a call's speakers
    say mostly words met before), and each speaker's weights are summed
    exactly (``math.fsum``), so that the order they are read in changes
    nothing.
    """

    #: Past this many words (or word pairs) kept, the memory starts again (at
    #: most some 30 MB of a process; a call's speakers say a few thousand).
    LIMIT = 100_000

    def __init__(self, model: SentenceModel) -> None:
        self.model = model
        self._words: dict[str, float] = {}
        self._pairs: dict[tuple[str, str], float] = {}

    def decision(self, transcript: Transcript, evidence, said: Mapping[str, "_Said"], speakers: list[str]) -> list[float]:
        lookup = self.model.table.lookup
        signals = _signals(transcript, evidence)
        # The memories are replaced, never emptied in place, so that a call read
        # in another thread keeps the one it took.
        words, pairs = self._words, self._pairs
        if len(words) > self.LIMIT or len(pairs) > self.LIMIT:
            words, pairs = self._words, self._pairs = {}, {}
        out = []
        for speaker in speakers:
            heard, paired = said[speaker]
            weights = _known(list(heard), words, lambda new: lookup(_word_names(new)))
            weights += _known(list(paired), pairs, lambda new: lookup(_pair_names(new)))
            weights += lookup(signals[speaker]).tolist()
            out.append(self.model.intercept + math.fsum(weights))
        return out


def _known(keys: list, memory: dict, look_up) -> list[float]:
    """The weight of each of ``keys`` from ``memory``, those it lacks looked up
    (``look_up``, all at once) and kept there."""
    found = list(map(memory.get, keys))
    missing = [k for k, v in enumerate(found) if v is None]
    if missing:
        weights = look_up([keys[k] for k in missing]).tolist()
        for k, w in zip(missing, weights):
            found[k] = memory[keys[k]] = w
    return found


#: The scorer of the speaker model last used (one model serves a process).
_SCORER: _SpeakerScorer | None = None


def _scorer(model: SentenceModel) -> _SpeakerScorer:
    global _SCORER
    if _SCORER is None or _SCORER.model is not model:
        _SCORER = _SpeakerScorer(model)
    return _SCORER


def speaker_evidence(transcript: Transcript, thresholds: Thresholds | None = None) -> dict[str, dict[str, float]]:
    """Per speaker: words, words read (at most ``role_words_read``), and in what
    was read the phrase hits per label, questions to "you", we/you counts."""
    return _read_speakers(transcript, (thresholds or default_thresholds()).role_words_read)[0]


#: What a speaker says, as the speaker model reads it: how often each
#: lower-case word, and the pairs of words next to each other in a turn.
_Said = tuple[Counter, set[tuple[str, str]]]


def _read_speakers(transcript: Transcript, words_read: int) -> tuple[dict[str, dict[str, float]], dict[str, _Said]]:
    """:func:`speaker_evidence`, and what each speaker says (read once for the
    evidence and the speaker model's features): each speaker's turns in call
    order until ``words_read`` of their words are read (``read`` says how many
    were); later turns count towards ``words`` only."""
    every, regexes = _phrase_regexes()
    lex = load_lexicon()
    out: dict[str, dict[str, float]] = {}
    spoken: dict[str, tuple[list[str], set[tuple[str, str]]]] = {}
    for turn in transcript.turns:
        ev = out.get(turn.speaker)
        if ev is None:
            ev = out[turn.speaker] = {"words": 0, "read": 0, "SELLER": 0, "BUYER": 0, "OTHER": 0, "RELAY": 0, "you_questions": 0, "self": 0, "you": 0}
            spoken[turn.speaker] = ([], set())
        ev["words"] += turn.words
        if ev["read"] >= words_read:
            continue
        ev["read"] += turn.words
        text = turn.text.lower().replace("’", "'")
        first = every.search(text)
        if first is not None:
            # (findall from a position still sees the letter before it)
            start = first.start()
            for label, rx in regexes.items():
                ev[label] += len(rx.findall(text, start))
        if "?" in text:
            for sentence in _SENTENCE_END.split(text):
                if sentence.endswith("?") and _YOU.search(sentence):
                    ev["you_questions"] += 1
        words = _WORD.findall(text)
        heard, pairs = spoken[turn.speaker]
        heard += words
        pairs.update(zip(words, words[1:]))
    said: dict[str, _Said] = {}
    for speaker, (heard, pairs) in spoken.items():
        counts = Counter(heard)  # (counted at once: much quicker than turn by turn)
        out[speaker]["self"] = sum(counts[w] for w in lex.we_words)
        out[speaker]["you"] = sum(counts[w] for w in lex.you_words)
        said[speaker] = (counts, pairs)
    return out, said


def infer_roles(
    transcript: Transcript,
    *,
    given: Mapping[str, Role] | None = None,
    thresholds: Thresholds | None = None,
    model: SentenceModel | str | None = "default",
) -> dict[str, Role]:
    """Infer a role for every speaker (given roles are kept and inform the rest);
    ``model`` as for :func:`assign_roles`."""
    return _infer(transcript, dict(given or {}), thresholds or default_thresholds(), model)[0]


def _infer(
    transcript: Transcript, given: Mapping[str, Role], thresholds: Thresholds, model: SentenceModel | str | None = None
) -> tuple[dict[str, Role], dict[str, float]]:
    """Roles for every speaker, and the seller score of each speaker inferred by score
    (the log-odds of the speaker model :func:`role_model` finds for ``model``,
    read only when a speaker is left to score; else :func:`seller_score`)."""
    given = dict(given)
    speakers = transcript.speakers
    evidence, said = _read_speakers(transcript, thresholds.role_words_read)
    total_words = sum(ev["words"] for ev in evidence.values()) or 1
    roles: dict[str, Role] = dict(given)
    open_speakers = [s for s in speakers if s not in given]
    for s in list(open_speakers):
        if len(speakers) > 1 and _is_other(s, evidence[s], total_words, thresholds):
            roles[s] = Role.OTHER
            open_speakers.remove(s)
    if not open_speakers:
        return roles, {}
    has_seller = any(r is Role.SELLER for r in given.values())
    has_buyer = any(r is Role.BUYER for r in given.values())
    model = role_model(model)
    if model is not None:
        odds = _scorer(model).decision(transcript, evidence, said, open_speakers)
        scores = {s: round(x, 3) for s, x in zip(open_speakers, odds)}
    else:
        scores = {s: seller_score(evidence[s], thresholds) for s in open_speakers}
    if has_seller and not has_buyer:
        return {**roles, **{s: Role.BUYER for s in open_speakers}}, scores
    if has_buyer and not has_seller and len(open_speakers) == 1:
        return {**roles, open_speakers[0]: Role.SELLER}, scores
    if len(open_speakers) == 1 and not has_seller:
        return {**roles, open_speakers[0]: Role.SELLER}, scores
    ranked = sorted(open_speakers, key=lambda s: (-scores[s], speakers.index(s)))
    top = ranked[0]
    if not has_seller:
        roles[top] = Role.SELLER
    best = scores[top]
    for s in ranked:
        if s in roles:
            continue
        if model is not None:
            co_seller = scores[s] >= math.log(model.threshold / (1.0 - model.threshold))
        else:
            ev = evidence[s]
            co_seller = (
                best > 0
                and scores[s] > 0
                and scores[s] >= thresholds.role_co_seller_min_share * best
                and ev["SELLER"] > ev["BUYER"]
            )
        roles[s] = Role.SELLER if co_seller else Role.BUYER
    if model is not None and not has_buyer and not any(roles[s] is Role.BUYER for s in open_speakers):
        roles[ranked[-1]] = Role.BUYER  # a call of several speakers has a buyer: the least seller-like
    return roles, scores


def _is_other(name: str, ev: Mapping[str, float], total_words: float, thresholds: Thresholds) -> bool:
    """Step 1 of the heuristic: a role that takes neither side (see the module docstring)."""
    words = set(_NAME_WORD.findall(name.lower()))
    words |= {a + b for a, b in zip(_NAME_WORD.findall(name.lower()), _NAME_WORD.findall(name.lower())[1:])}
    if words & load_lexicon().other_name_words:
        return True
    if ev.get("RELAY", 0) >= 2 and ev["RELAY"] * 100 >= ev["read"] and ev["RELAY"] > max(ev["SELLER"], ev["BUYER"]):
        return True
    return ev["OTHER"] > 0 and ev["words"] / total_words <= thresholds.other_max_word_share


def seller_score(ev: Mapping[str, float], thresholds: Thresholds | None = None) -> float:
    """How much a speaker sounds like a seller (see the module docstring)."""
    t = thresholds or default_thresholds()
    addressing = t.role_addressing_points * (ev["you"] - ev["self"]) / max(ev["read"], 50.0)
    return (
        ev["SELLER"] - ev["BUYER"] + ev["you_questions"] * t.role_question_points + max(0.0, addressing)
    )


def read_roles_text(path: str | Path) -> str:
    """The text of a roles file (UTF-8, a BOM allowed); E204 when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RolesError(f"cannot read roles file {path}: {exc.strerror}", code="E204") from None
    except UnicodeDecodeError:
        raise RolesError(f"cannot read roles file {path}: expected UTF-8 text", code="E204") from None


def read_roles_file(path: str | Path) -> dict[str, str]:
    """Read a roles file: JSON ``{"name": "role"}`` or CSV with ``speaker,role`` columns."""
    path = Path(path)
    text = read_roles_text(path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            data = json.loads(text, object_pairs_hook=lambda pairs: _one_role_each(path, pairs))
        except json.JSONDecodeError as exc:
            raise RolesError(
                f"{path}, line {exc.lineno}: expected a JSON object of speaker to role ({exc.msg})",
                code="E205",
            ) from None
        if isinstance(data, dict) and isinstance(data.get("speakers"), dict):
            data = data["speakers"]
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise RolesError(
                f"{path}: expected a JSON object mapping speaker names to roles", code="E205"
            )
        for name, role in data.items():
            role_of(name, role, str(path))
        return dict(data)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["speaker", "role"]:
        raise RolesError(f"{path}, line 1: expected the header 'speaker,role'", code="E206")
    first: dict[str, tuple[str, Role, int]] = {}  # each name's role as written, as read, and its line
    for n, row in enumerate(rows[1:], 2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise RolesError(f"{path}, line {n}: expected 'speaker,role', found {row!r}", code="E206")
        name, role = row[0].strip(), row[1].strip()
        parsed = role_of(name, role, f"{path}, line {n}")
        written, seen, line = first.setdefault(name, (role, parsed, n))
        if seen is not parsed:
            raise RolesError(
                f"{path}, line {n}: {name!r} is given two roles: {written} (line {line}) and {role}", code="E203"
            )
    return {name: written for name, (written, _, _) in first.items()}


def _one_role_each(path: Path, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object of a roles file, refusing a name given two different roles
    (JSON itself keeps the last silently)."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        old = out.get(name)
        if isinstance(old, str) and isinstance(value, str) and _role_word(old) != _role_word(value):
            raise RolesError(f"{path}: {name!r} is given two roles: {old} and {value}", code="E203")
        out[name] = value
    return out


def _role_word(role: "str | Role") -> str:
    """A given role as :class:`Role` reads it: its value, stripped, in lower case."""
    return str(getattr(role, "value", role)).strip().lower()


def role_of(name: str, role: "str | Role", where: str = "") -> Role:
    """The role a caller or a roles file gives ``name`` (any case); E202, after
    ``where`` (a file, and its line), for one other than seller, buyer, other."""
    try:
        return Role(_role_word(role))
    except ValueError:
        raise RolesError(
            f"{where + ': ' if where else ''}role {role!r} for {name!r} is not one of seller, buyer, other", code="E202"
        ) from None
