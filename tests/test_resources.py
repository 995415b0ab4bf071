"""``analyzer.nlp.resources``: the packaged phrase lists and word classes."""
from __future__ import annotations

import spacy

from analyzer.nlp.resources import Matchers, build_matchers, first_words, match_labels, required_words


def test_first_words_are_the_tokenizers_first_tokens():
    """A component skips its lists on a sentence with none of the words a phrase
    starts with; a string phrase starts with its first token as the tokenizer
    splits it (the ``PhraseMatcher`` matches tokens), not its first blank-separated word."""
    nlp = spacy.blank("en")
    rows = [
        {"label": "PLEASANTRY", "pattern": "how're you", "id": "a"},
        {"label": "COMMIT", "pattern": "we're good to go", "id": "b"},
        {"label": "LOGISTICS", "pattern": [{"LOWER": {"IN": ["monday", "friday"]}}, {"LOWER": "work"}], "id": "c"},
    ]
    assert first_words(rows, nlp) == {"how", "we", "monday", "friday"}
    assert first_words(rows) == {"how're", "we're", "monday", "friday"}
    # a token pattern that can start with any word: nothing can be skipped
    assert first_words(rows + [{"label": "X", "pattern": [{"IS_ALPHA": True}], "id": "d"}], nlp) is None
    assert first_words(rows + [{"label": "X", "pattern": [{"LOWER": "so", "OP": "?"}, {"LOWER": "x"}], "id": "e"}], nlp) is None


def test_required_words_leave_out_tokens_that_may_be_absent():
    """Only tokens every match holds count: not ``?``, ``*``, ``!`` or a count from 0,
    nor a token tested on something else than its lower-case text."""
    pattern = [
        {"LOWER": {"IN": ["can", "could"]}},
        {"LOWER": "you", "OP": "+"},
        {"LOWER": "all", "OP": "?"},
        {"IS_ALPHA": True, "OP": "{0,3}"},
        {"LOWER": "please", "OP": "!"},
        {"LOWER": "just", "OP": "*"},
        {"LOWER": {"IN": ["send", "email"]}, "OP": "{1,2}"},
        {"IS_TITLE": True},
    ]
    assert required_words(pattern) == (frozenset({"can", "could"}), frozenset({"you"}), frozenset({"send", "email"}))


def _raw(nlp, matcher, doc) -> list[tuple[str, str, int, int]]:
    """A spaCy matcher's own matches as ``(label, pattern_id, start, end)``."""
    return [(*nlp.vocab.strings[m].partition("|")[::2], s, e) for m, s, e in matcher(doc)]


def test_token_matcher_is_skipped_only_where_it_cannot_match():
    """A sentence without the words a token pattern needs gets no token match
    either way; where it has them, the matches are the full matcher's."""
    nlp = spacy.blank("en")
    rows = [
        {"label": "LOGISTICS", "pattern": [{"LOWER": {"IN": ["monday", "friday"]}}, {"IS_ALPHA": True, "OP": "{0,3}"}, {"LOWER": "works"}], "id": "day"},
        {"label": "SMALLTALK", "pattern": "the game", "id": "game"},
    ]
    matchers = build_matchers(nlp, rows)
    assert isinstance(matchers, Matchers)
    texts = [
        "Does Monday at ten works for you?",
        "Did you watch the game on Friday?",
        "Friday works.",
        "Monday and the game.",
        "What works for your team on a Friday?",
    ]
    for text in texts:
        doc = nlp(text)
        words = {t.lower_ for t in doc}
        full = sorted(_raw(nlp, matchers.token, doc) + _raw(nlp, matchers.phrase, doc), key=lambda m: (m[2], m[3]))
        assert match_labels(doc, matchers) == full
        assert match_labels(doc, matchers, words) == full
        assert matchers.token_can_match(words) == ({"monday", "friday"} & words != set() and "works" in words)
    assert matchers.token_can_match({"monday", "works"}) and not matchers.token_can_match({"works", "game"})
    # a pattern that needs no listed word always runs
    loose = build_matchers(nlp, rows + [{"label": "X", "pattern": [{"IS_TITLE": True}], "id": "t"}])
    assert loose.token_can_match(set())


def test_token_can_match_agrees_with_the_plain_test_on_every_subset():
    """The keyed test answers as checking every pattern's needs would."""
    nlp = spacy.blank("en")
    rows = [
        {"label": "A", "pattern": [{"LOWER": {"IN": ["how", "what"]}}, {"LOWER": "are"}, {"LOWER": "you"}], "id": "a"},
        {"label": "B", "pattern": [{"LOWER": "catch"}, {"IS_ALPHA": True, "OP": "{0,3}"}, {"LOWER": {"IN": ["game", "match"]}}], "id": "b"},
        {"label": "C", "pattern": [{"LOWER": {"IN": ["monday", "friday", "today"]}}, {"LOWER": "works", "OP": "?"}], "id": "c"},
    ]
    matchers = build_matchers(nlp, rows)
    vocab = ["how", "what", "are", "you", "catch", "game", "match", "monday", "works", "the"]
    for mask in range(1 << len(vocab)):
        words = {w for i, w in enumerate(vocab) if mask >> i & 1}
        plain = any(all(words & need for need in needs) for needs in matchers.needs)
        assert matchers.token_can_match(words) == plain, words


def test_token_patterns_run_by_id_find_what_the_whole_matcher_finds():
    """A sentence is matched only against the pattern ids whose words it has, each
    with all its patterns: the same matches as the whole token matcher, a match
    two patterns of one id both reach counted once, in start and end order."""
    nlp = spacy.blank("en")
    rows = [
        {"label": "COMMIT", "pattern": [{"LOWER": "sign"}, {"LOWER": "today"}], "id": "sign"},
        {"label": "COMMIT", "pattern": [{"LOWER": "sign"}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": "today"}], "id": "sign"},
        {"label": "LOGISTICS", "pattern": [{"LOWER": {"IN": ["monday", "friday"]}}, {"LOWER": "works"}], "id": "day"},
        {"label": "CHECK", "pattern": [{"LOWER": "make"}, {"LOWER": "sense"}], "id": "sense"},
    ]
    matchers = build_matchers(nlp, rows)
    assert len(matchers.by_id) == 3 and matchers.id_of == (0, 0, 1, 2)
    sentences = ("Can you sign today if Friday works, does that make sense?", "Will you sign it today?", "Monday works.", "Nothing here.")
    for doc in nlp.pipe(sentences):
        whole = sorted(_raw(nlp, matchers.token, doc))
        found = match_labels(doc, matchers, {t.lower_ for t in doc})
        assert sorted(found) == whole
        assert [m[2:] for m in found] == sorted(m[2:] for m in found)
    assert match_labels(nlp("Can you sign today?"), matchers) == [("COMMIT", "sign", 2, 4)]
    assert matchers.token_ids({"sign", "today", "make"}) == [0]
    assert matchers.token_ids({"friday", "works", "make", "sense"}) == [1, 2]
