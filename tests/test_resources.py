"""``analyzer.nlp.resources``: the packaged phrase lists and word classes."""
from __future__ import annotations

import spacy

from analyzer.nlp.resources import first_words


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
