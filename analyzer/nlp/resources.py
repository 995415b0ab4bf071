"""Loading the pattern and lexicon data files shipped in ``nlp/patterns/``.

Patterns follow spaCy's ``{"label", "pattern", "id"}`` shape: a string
pattern goes to a ``PhraseMatcher`` (matched on lower-case text), a list of
token dicts to a ``Matcher``. Word classes shared by several taggers live in
``lexicon.json``.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Sequence

import srsly
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from ..errors import ConfigError

PATTERNS_DIR = Path(__file__).with_name("patterns")


@dataclass(frozen=True)
class Opener:
    words: tuple[str, ...]
    open: bool | str | None  # None: asks nothing ("tell me if..."); "ask": announces a question


#: Punctuation as the question rules read it (a token that is none of a sentence's words).
PUNCT = frozenset(",.;:!?-—–…\"'()[]")


@dataclass(frozen=True)
class Lexicon:
    """Word classes (all lower case); see ``patterns/lexicon.json``.

    A field typed ``frozenset[str]`` holds single words; ``frozenset[tuple]``
    and ``tuple[tuple]`` hold word sequences (the tuple keeps the file's order).
    """

    filler: frozenset[str]
    filler_pairs: frozenset[tuple[str, ...]]
    wh: frozenset[str]
    wh_follow_no_qmark: frozenset[str]
    aux: frozenset[str]
    subject: frozenset[str]
    have_subject: frozenset[str]
    second_person: frozenset[str]
    self_reference: frozenset[str]
    product_praise: frozenset[str]
    tag_endings: tuple[tuple[str, ...], ...]
    openers: tuple[Opener, ...]
    opener_modal_prefix: tuple[tuple[str, ...], ...]
    opener_modal_verbs: frozenset[str]
    not_question_wh_pairs: frozenset[tuple[str, ...]]
    understanding_checks: tuple[tuple[str, ...], ...]
    summary_markers: tuple[tuple[str, ...], ...]
    relative_after_comma: frozenset[str]
    relative_verbs: frozenset[str]
    question_joiners: frozenset[str]
    inversion_aux: frozenset[str]
    inversion_subject: frozenset[str]
    echo_subjects: frozenset[str]
    greetings: frozenset[str]
    pleasantry_answers: frozenset[str]
    hand_back: frozenset[str]
    product_you_verbs: frozenset[str]
    we_words: frozenset[str]
    i_words: frozenset[str]
    you_words: frozenset[str]
    not_asking_aux: frozenset[str]
    presuming: tuple[tuple[str, ...], ...]
    invite_strict_followers: frozenset[str]
    invite_narrowing: frozenset[str]
    invite_self_after_narrowing: frozenset[str]
    invite_complement_heads: frozenset[str]
    other_name_words: frozenset[str]
    offer_parts: frozenset[str]
    condition_cues: frozenset[str]
    invite_cues: frozenset[str]
    offer_modals: frozenset[str]
    offer_subjects: frozenset[str]
    #: What a reply may open with before its first word (skipped by the reply features).
    hesitations: frozenset[str]
    #: The words by which a reply speaks of its speaker (``A:rself=``): the
    #: shipped models were trained on these, without the rarer "mine",
    #: "myself" and "ourselves" of ``self_reference`` ("mine" is as often the noun).
    reply_self: frozenset[str]

    # Indexes of the word sequences, worked out once per lexicon: a sentence is
    # then compared only with the sequences that can fit it.
    @cached_property
    def understanding_checks_by_first(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """:attr:`understanding_checks` by their first word."""
        return _by_word(self.understanding_checks, 0)

    @cached_property
    def not_content(self) -> frozenset[str]:
        """What a sentence says besides its content words: punctuation and fillers."""
        return PUNCT | self.filler

    @cached_property
    def tag_endings_by_last(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """:attr:`tag_endings` by their last word."""
        return _by_word(self.tag_endings, -1)


def _by_word(seqs: Iterable[tuple[str, ...]], at: int) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The sequences by their word at index ``at``, each group in the file's order
    (the lexicon's sequences are never empty)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for seq in seqs:
        index.setdefault(seq[at], []).append(seq)
    return {word: tuple(group) for word, group in index.items()}


@lru_cache(maxsize=None)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Read ``lexicon.json`` (or ``path``) once; every field of :class:`Lexicon` must be there."""
    source = Path(path or PATTERNS_DIR / "lexicon.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    values: dict[str, Any] = {}
    for f in fields(Lexicon):
        if f.name not in data:
            raise ConfigError(f"{source}: expected the word class {f.name!r}", code="E312")
        raw = data[f.name]
        kind = str(f.type)
        if f.name == "openers":
            values[f.name] = tuple(Opener(tuple(o["words"]), o["open"]) for o in raw)
        elif kind.startswith("tuple"):
            values[f.name] = tuple(tuple(p) for p in raw)
        elif "tuple" in kind:
            values[f.name] = frozenset(tuple(p) for p in raw)
        else:
            values[f.name] = frozenset(raw)
    return Lexicon(**values)


def load_patterns(*names: str) -> tuple[dict[str, Any], ...]:
    """Read ``patterns/<name>.jsonl`` for each name, concatenated."""
    return tuple(row for name in names for row in _load_patterns(name))


@lru_cache(maxsize=None)
def _load_patterns(name: str) -> tuple[dict[str, Any], ...]:
    """Read ``patterns/<name>.jsonl``: a tuple of ``{"label", "pattern", "id"}``."""
    path = PATTERNS_DIR / f"{name}.jsonl"
    rows = tuple(srsly.read_jsonl(path))
    for n, row in enumerate(rows, 1):
        if not {"label", "pattern", "id"} <= set(row):
            raise ConfigError(
                f"{path}, line {n}: expected a pattern with label, pattern and id, found {row!r}",
                code="E310",
            )
    return rows


class Matchers(NamedTuple):
    """A lower-case ``PhraseMatcher``, a token ``Matcher``, and what each token
    pattern needs (:func:`required_words`), so that a sentence without it skips
    the token matcher.

    ``keys`` maps each word of a pattern's most selective need (its smallest
    set) to the patterns that need it, so that only the patterns one of a
    sentence's words leads to are checked. ``always`` is set when some
    pattern needs no listed word: then the token matcher always runs.

    ``by_id`` holds a ``Matcher`` for each pattern id (``label|id``) alone, and
    ``id_of`` the index in ``by_id`` of each pattern: a sentence is matched
    only against the ids whose words it has, each with all its patterns, so
    that a match is found (and told apart from its duplicates) exactly as by
    the whole matcher.
    """

    phrase: PhraseMatcher
    token: Matcher
    needs: tuple[tuple[frozenset[str], ...], ...]
    keys: dict[str, tuple[int, ...]]
    always: bool
    by_id: tuple[Matcher, ...]
    id_of: tuple[int, ...]

    def token_can_match(self, words: Iterable[str]) -> bool:
        """Whether some token pattern finds every word it needs among ``words`` (lower case)."""
        return self.always or bool(self.token_ids(words))

    def token_ids(self, words: Iterable[str]) -> list[int]:
        """The indices in ``by_id`` of the pattern ids with a pattern that finds
        every word it needs among ``words`` (lower case), in order."""
        present = words if isinstance(words, (set, frozenset)) else set(words)
        found = set()
        for word in self.keys.keys() & present:  # (the few words that lead to a pattern)
            for k in self.keys[word]:
                if self.id_of[k] not in found and all(not present.isdisjoint(need) for need in self.needs[k]):
                    found.add(self.id_of[k])
        return sorted(found)


def _need_keys(needs: Sequence[Sequence[frozenset[str]]]) -> dict[str, tuple[int, ...]]:
    """Each word of every pattern's most selective need, to the patterns (by
    index) it leads to: the need whose words the fewest other patterns also
    need (so that "how", which all the greetings need, leads to none of them
    where "doing" or "going" can), then the smallest."""
    shared = Counter(word for pattern_needs in needs for word in set().union(*pattern_needs))
    keys: dict[str, list[int]] = {}
    for k, pattern_needs in enumerate(needs):
        if pattern_needs:
            for word in min(pattern_needs, key=lambda need: (sum(shared[w] for w in need), len(need))):
                keys.setdefault(word, []).append(k)
    return {word: tuple(ks) for word, ks in keys.items()}


def build_matchers(nlp: Language, patterns: Iterable[dict[str, Any]]) -> Matchers:
    """A lower-case ``PhraseMatcher`` for string patterns and a ``Matcher`` for token patterns.

    Match ids are the pattern ``label``; the pattern ``id`` is kept as the
    match's ``ent_id``-style key so that a tag can be traced to its pattern.
    """
    phrase = PhraseMatcher(nlp.vocab, attr="LOWER")
    token = Matcher(nlp.vocab)
    phrases: dict[str, list] = {}
    tokens: dict[str, list] = {}
    for row in patterns:
        key = f"{row['label']}|{row['id']}"
        if isinstance(row["pattern"], str):
            phrases.setdefault(key, []).append(nlp.make_doc(row["pattern"]))
        elif isinstance(row["pattern"], list):
            tokens.setdefault(key, []).append(row["pattern"])
        else:
            raise ConfigError(
                f"pattern {row['id']!r}: expected a string or a list of token dicts, "
                f"found {type(row['pattern']).__name__}",
                code="E311",
            )
    for key, docs in phrases.items():
        phrase.add(key, docs)
    by_id = []
    for key, pats in tokens.items():
        token.add(key, pats)
        alone = Matcher(nlp.vocab)
        alone.add(key, pats)
        by_id.append(alone)
    needs = tuple(required_words(pat) for pats in tokens.values() for pat in pats)
    id_of = tuple(k for k, pats in enumerate(tokens.values()) for _ in pats)
    return Matchers(phrase, token, needs, _need_keys(needs), any(not n for n in needs), tuple(by_id), id_of)


def required_words(pattern: list[dict[str, Any]]) -> tuple[frozenset[str], ...]:
    """What a token pattern cannot match without.

    For each of its tokens that must be there (:func:`_required`) and is
    tested on its ``LOWER`` text alone, the words that token
    may be: a match holds one word of each set. A token tested in another
    way (``IS_ALPHA``, ``IS_TITLE``) asks nothing here, so that the test only
    ever rules out sentences where the pattern cannot match.
    """
    needs = []
    for spec in pattern:
        if not _required(str(spec.get("OP", "1"))):
            continue
        lower = spec.get("LOWER")
        if isinstance(lower, str):
            needs.append(frozenset([lower]))
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            needs.append(frozenset(lower["IN"]))
    return tuple(needs)


def _required(op: str) -> bool:
    """Whether a token with operator ``op`` must be in every match: ``1``,
    ``+`` and ``{n}``, ``{n,}``, ``{n,m}`` with n at least 1 (not ``?``, ``*``,
    the negation ``!`` or a count that may be 0)."""
    if op in ("1", "+"):
        return True
    if op.startswith("{") and op.endswith("}"):
        low = op[1:-1].split(",")[0].strip()
        return low.isdigit() and int(low) > 0
    return False


def match_labels(doclike, matchers: Matchers, words: Iterable[str] | None = None) -> list[tuple[str, str, int, int]]:
    """All matches in a Doc or Span as ``(label, pattern_id, start, end)``, sorted by
    start and end (matches of the same tokens: the phrases first, then the
    token patterns in their ids' order).

    Offsets are token indices in the Doc, also when ``doclike`` is a Span.

    words: the lower-case words of ``doclike``, when the caller has them. The
        token matcher runs only when some pattern finds among them every word
        it needs (:meth:`Matchers.token_ids`), with those patterns alone.
    """
    run = [matchers.phrase] if len(matchers.phrase) else []
    if len(matchers.token):
        if words is None:
            words = {t.lower_ for t in doclike}
        if matchers.always:
            run.append(matchers.token)
        else:
            # Only the pattern ids whose words are all there (most sentences: none).
            run += [matchers.by_id[k] for k in matchers.token_ids(words)]
    out = []
    for matcher in run:
        for span in matcher(doclike, as_spans=True):
            label, _, pid = span.label_.partition("|")
            out.append((label, pid, span.start, span.end))
    out.sort(key=lambda m: (m[2], m[3]))
    return out


def first_words(patterns: Iterable[dict[str, Any]], nlp: Language | None = None) -> frozenset[str] | None:
    """Every lower-case word a pattern can start with, or None when some pattern
    can start with any word (then nothing can be skipped).

    nlp: the pipeline whose tokenizer splits the string patterns, as the
        ``PhraseMatcher`` does ("how're you" starts with "how"); without it a
        string pattern starts with its first blank-separated word.
    """
    words: set[str] = set()
    for row in patterns:
        pat = row["pattern"]
        if isinstance(pat, str):
            if nlp is not None:
                tokens = [t.lower_ for t in nlp.make_doc(pat) if not t.is_space]
                first = tokens[0] if tokens else ""
            else:
                first = pat.split()[0].lower() if pat.split() else ""
            if not first:
                return None
            words.add(first)
            continue
        head = pat[0] if pat else {}
        lower = head.get("LOWER")
        if head.get("OP") in ("?", "*") or lower is None:
            return None
        if isinstance(lower, str):
            words.add(lower)
        elif isinstance(lower, dict) and "IN" in lower:
            words.update(lower["IN"])
        else:
            return None
    return frozenset(words)


def real_commitment(doc, start: int, end: int) -> bool:
    """False for commitment look-alikes: "sign-ins", "sign off", "in order to", "deal with"."""
    first = doc[start].lower_
    nxt = doc[end].text if end < len(doc) else ""
    prev = doc[start - 1].lower_ if start > 0 else ""
    if first.startswith("sign") and nxt.lower() in ("-", "-ins", "ins", "off"):
        return False
    if first == "order" and prev == "in":
        return False
    if doc[end - 1].lower_ == "deal" and nxt.lower() == "with":
        return False
    return True
