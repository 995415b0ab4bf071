"""The words of a Doc as every component reads them (``doc_words``)."""
import pytest
import spacy

from analyzer.nlp.components import base


def _per_token(doc):
    return (
        [t.lower_ for t in doc],
        [t.is_title for t in doc],
        [t.is_space for t in doc],
        [t.is_punct for t in doc],
    )


TEXTS = [
    "Hello   World ,\n so how are you handling renewals today?",
    "’Tis the ÉCOLE 2024 plan... Really?! \t  O'Brien said no--",
    "hello world so How ARE you, Dr. Müller? — fine.",
]


@pytest.fixture
def forms(monkeypatch):
    """A table of word forms of its own, so that earlier tests do not fill it."""
    table = base._WordForms()
    monkeypatch.setitem(base._FORMS, "en", table)
    return table


def test_doc_words_match_each_token(forms):
    nlp = spacy.blank("en")
    for text in TEXTS:  # each Doc brings forms the table has not met yet
        doc = nlp(text)
        assert base.doc_words(doc) == _per_token(doc)
    assert len(forms.keys) == len(set(forms.keys.tolist()))
    assert forms.keys.tolist() == sorted(forms.keys.tolist())


def test_doc_words_same_in_another_vocabulary(forms):
    """Forms met in one pipeline's vocabulary are read right in another's."""
    first, second = spacy.blank("en"), spacy.blank("en")
    base.doc_words(first(TEXTS[0]))
    doc = second(TEXTS[0] + " " + TEXTS[1])
    assert base.doc_words(doc) == _per_token(doc)


def test_doc_words_table_starts_again_past_its_limit(forms, monkeypatch):
    monkeypatch.setattr(base._WordForms, "LIMIT", 12)
    nlp = spacy.blank("en")
    for text in TEXTS:
        doc = nlp(text)
        assert base.doc_words(doc) == _per_token(doc)
    # The last Doc alone has more than 12 forms: the table holds just its forms.
    assert sorted(forms.keys.tolist()) == sorted({t.orth for t in doc})


def test_doc_words_empty_doc(forms):
    doc = spacy.blank("en")("")
    assert base.doc_words(doc) == ([], [], [], [])


def test_doc_words_from_several_threads(forms):
    """Threads that meet new forms at once each read their own Doc right."""
    from concurrent.futures import ThreadPoolExecutor

    nlp = spacy.blank("en")
    docs = [nlp(f"{TEXTS[k % 3]} word{k} Word{k}? w{k}-{k}") for k in range(60)]
    with ThreadPoolExecutor(4) as pool:
        read = list(pool.map(base.doc_words, docs))
    assert read == [_per_token(doc) for doc in docs]
