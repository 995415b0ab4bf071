"""Is a sentence a question, and is it open? Pure functions over tokens.

Speech recognition often drops the question mark (a third of the real
questions in Switchboard have none), so the form of the sentence decides as
much as its punctuation:

- a wh-word (``what``, ``how``, ...) at the head of a clause, followed by a
  word that makes it interrogative (``how are you handling``, ``what made
  you``) - open;
- an auxiliary followed by a subject (``do you``, ``is the team``,
  ``have you``) - closed;
- an opener that asks without a question form (``tell me about``, ``walk me
  through``, ``I'm curious how``) - open, unless it asks ``if``/``whether``;
- anything else that ends in ``?`` (a declarative question, ``so you're on
  Salesforce?``) - closed.

The head of a clause is found after fillers and discourse markers (``so``,
``okay``, ``got it``, ``um``), and after a comma (``That's great, how long
have you been doing that?``). The word classes live in
``patterns/lexicon.json``.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Sequence

from .resources import PUNCT, Lexicon, load_lexicon

#: Content words a lead-in clause may have before a question without "?".
MAX_LEAD_IN_WORDS = 4
CLAUSE_BREAKS = frozenset({",", ";", ":", "-", "—", "–", "--", "..."})


@dataclass(frozen=True)
class QuestionForm:
    """What :func:`question_form` found.

    open (bool): True when the question cannot be answered by yes or no.
    head (int): index of the token that makes it a question.
    kind (str): ``wh``, ``aux``, ``opener`` or ``declarative``.
    """

    open: bool
    head: int
    kind: str


_OPENERS_BY_FIRST: dict[int, tuple[Lexicon, dict[str, tuple]]] = {}


def _openers_at(lex: Lexicon, word: str) -> tuple:
    """The openers that start with ``word``, in the lexicon's order (indexed once per lexicon)."""
    entry = _OPENERS_BY_FIRST.get(id(lex))
    index = entry[1] if entry is not None and entry[0] is lex else None
    if index is None:
        grouped: dict[str, list] = {}
        for opener in lex.openers:
            grouped.setdefault(opener.words[0] if opener.words else "", []).append(opener)
        index = {k: tuple(v) for k, v in grouped.items()}
        _OPENERS_BY_FIRST[id(lex)] = (lex, index)
    return index.get(word, ())


def _starts_with(words: Sequence[str], i: int, seq: Sequence[str]) -> bool:
    return tuple(words[i : i + len(seq)]) == tuple(seq)


def skip_fillers(words: Sequence[str], i: int, lex: Lexicon) -> int:
    """Index of the first word at or after ``i`` that is not a filler or punctuation."""
    n = len(words)
    while i < n:
        w = words[i]
        if w in PUNCT or w in lex.filler:
            i += 1
            continue
        pair = tuple(words[i : i + 2])
        if pair in lex.filler_pairs:
            i += 2
            continue
        break
    return i


def _clause_heads(words: Sequence[str], lex: Lexicon) -> list[int]:
    heads = [skip_fillers(words, 0, lex)]
    if CLAUSE_BREAKS.isdisjoint(words):
        return heads
    for i, w in enumerate(words):
        if w in CLAUSE_BREAKS:
            h = skip_fillers(words, i + 1, lex)
            if h < len(words) and h != heads[-1]:
                heads.append(h)
    return heads


def _form_at(
    words: Sequence[str], titles: Sequence[bool], h: int, has_qmark: bool, lex: Lexicon
) -> QuestionForm | None:
    n = len(words)
    if h >= n:
        return None
    w = words[h]
    nxt = words[h + 1] if h + 1 < n else ""
    for opener in _openers_at(lex, w):
        if _starts_with(words, h, opener.words):
            after = h + len(opener.words)
            if opener.open is None:
                return None
            if opener.open == "ask":
                # "Can I ask what worries you most?" asks; "let me ask you this." announces.
                if after < n and words[after] in lex.wh:
                    return QuestionForm(open=True, head=h, kind="opener")
                if after < n and words[after] in ("if", "whether"):
                    return QuestionForm(open=False, head=h, kind="opener")
                return None
            is_open = opener.open
            if is_open and after < n and words[after] in ("if", "whether"):
                is_open = False
            return QuestionForm(open=is_open, head=h, kind="opener")
    for prefix in lex.opener_modal_prefix:
        if prefix and prefix[0] == w and _starts_with(words, h, prefix):
            after = h + len(prefix)
            if after < n and words[after] in lex.opener_modal_verbs:
                return QuestionForm(open=True, head=h, kind="opener")
    if w in lex.wh:
        if has_qmark:
            return QuestionForm(open=True, head=h, kind="wh")
        if (w, nxt) in lex.not_question_wh_pairs:
            return None
        if nxt in lex.wh_follow_no_qmark:
            return QuestionForm(open=True, head=h, kind="wh")
        # "what shape are they in", "how important is it": wh + one word + auxiliary
        if w in ("what", "how") and h + 2 < n and words[h + 2] in lex.aux and nxt not in lex.subject and nxt not in lex.filler:
            return QuestionForm(open=True, head=h, kind="wh")
        return None
    if w in lex.aux:
        j = h + 1
        if j < n and words[j] in ("n't", "not"):
            j += 1
        subj_ok = j < n and (
            words[j] in (lex.have_subject if w in ("have", "has", "had") else lex.subject)
            or titles[j]
        )
        if subj_ok or (has_qmark and j < n):
            return QuestionForm(open=False, head=h, kind="aux")
    return None


def question_form(
    words: Sequence[str],
    titles: Sequence[bool] | None = None,
    *,
    lex: Lexicon | None = None,
) -> QuestionForm | None:
    """Classify one sentence.

    words (Sequence[str]): the sentence's tokens, lower-cased, punctuation kept.
    titles (Sequence[bool] | None): whether each token is capitalised in the
        source (a proper noun after an auxiliary, ``is Dana joining``). Defaults
        to all False.
    lex (Lexicon | None): word classes; defaults to the packaged lexicon.
    RETURNS (QuestionForm | None): the question's form, or None when the
        sentence is not a question.
    """
    lex = lex or load_lexicon()
    if titles is None:
        titles = [False] * len(words)
    end = len(words)
    while end and words[end - 1] in PUNCT and words[end - 1] != "?":
        end -= 1
    has_qmark = end > 0 and words[end - 1] == "?"
    words = words[:end]
    not_content = lex.not_content
    content = [w for w in words if w not in not_content]
    if not content:
        return None
    if len(content) == 1 and has_qmark and content[0] not in lex.second_person:
        # "Really?", "Sorry?", "Right?": backchannels and repairs, not questions.
        if content[0] not in lex.wh:
            return None
    if len(content) <= 3 and _is_echo(words[skip_fillers(words, 0, lex) :], lex):
        return None  # "Oh, did you?", "have you?", "So do I.": echoes, not questions
    heads = _clause_heads(words, lex)
    lead_in: list[int] | None = None  # content words before each index, counted once
    for k, h in enumerate(heads):
        if k > 0:
            w = words[h]
            nxt = words[h + 1] if h + 1 < len(words) else ""
            after = words[h + 2] if h + 2 < len(words) else ""
            if w in lex.relative_after_comma and nxt in lex.relative_verbs and after not in lex.inversion_subject:
                continue  # ", which is basically...": a relative clause (not "which would it be?")
            # Without a question mark a later clause counts after a short lead-in
            # ("And the barn roofs, what shape are they in") or when it inverts
            # ("..., what does a normal Tuesday look like"); after a whole
            # statement, "who's picking up" is part of the statement.
            if not has_qmark:
                if lead_in is None:
                    lead_in = _content_before(words, lex)
                if lead_in[h] > MAX_LEAD_IN_WORDS and not _inverted_wh(words, h, lex):
                    continue
        form = _form_at(words, titles, h, has_qmark, lex)
        if form is not None:
            return form
    if has_qmark:
        body = [i for i, w in enumerate(words) if w not in not_content]
        greeted = any(w in lex.greetings for w in words[: body[0]]) if body else False
        if greeted and all(titles[i] for i in body):
            return None  # "Hi, Dr. Farouk?": a name said as a question
        return QuestionForm(open=False, head=heads[0], kind="declarative")
    return None


def question_parts(
    words: Sequence[str], titles: Sequence[bool] | None = None, *, lex: Lexicon | None = None, asks: bool | None = None
) -> list[int]:
    """Where each later question of a sentence that asks two or more begins.

    The guide counts two questions joined by "and" in one sentence as two
    when each is a question on its own: "What's your runway, and is there a
    milestone this trial has to hit?". A part begins at a joining word
    (``question_joiners``) followed by a question's own head - a wh-word that
    asks, an auxiliary and its subject, an opener - when the words before it
    ask a question without needing a question mark. "Or" joins the halves of
    one alternative question ("is it the cost, or the time?") and a comma
    alone mostly joins a question to its rewording ("how's the team, like,
    who does what?"), so neither cuts.

    A later part that ends in the sentence's question mark may begin with any
    wh-word that starts a clause of its own ("..., and who on your team owns
    that process?"), not with one that only begins a clause inside it ("and
    who you work with?", "and why?").

    asks (bool | None): whether the sentence's last part asks by its mark;
        ``None`` reads it from a final ``?``. Unpunctuated speech, whose marks
        were lost, passes True.
    RETURNS (list[int]): the index of the joining word of each later part, in
        order (a comma before it stays with the earlier part).
    """
    lex = lex or load_lexicon()
    if lex.question_joiners.isdisjoint(words):
        return []  # (most sentences: nothing can join two questions)
    if titles is None:
        titles = [False] * len(words)
    if asks is None:
        asks = bool(words) and words[-1] == "?"
    cuts: list[int] = []
    last = 0
    for i in range(1, len(words) - 1):
        if words[i] not in lex.question_joiners:
            continue
        h = skip_fillers(words, i + 1, lex)
        if h >= len(words) or words[i + 1] == "or":
            continue
        later = _form_at(words, titles, h, False, lex)
        if later is None and asks and _wh_clause_at(words, h, lex):
            later = QuestionForm(open=True, head=h, kind="wh")
        if later is None or later.kind == "declarative":
            continue
        end = i - 1 if words[i - 1] in CLAUSE_BREAKS else i
        earlier = question_form(words[last:end], titles[last:end], lex=lex)
        if earlier is None or earlier.kind == "declarative":
            continue
        cuts.append(i)
        last = i
    return cuts


def _wh_clause_at(words: Sequence[str], h: int, lex: Lexicon) -> bool:
    """A wh-word at ``h`` that begins a question clause: a word follows it that
    is neither punctuation nor a subject (which would make it an embedded
    clause, "who you work with")."""
    if words[h] not in lex.wh or h + 1 >= len(words):
        return False
    nxt = words[h + 1]
    return nxt not in PUNCT and nxt not in lex.subject and (words[h], nxt) not in lex.not_question_wh_pairs


def _is_echo(words: Sequence[str], lex: Lexicon) -> bool:
    """An auxiliary and a pronoun alone (``did you``, ``isn't it``, ``so do I``)."""
    rest = [w for w in words if w not in PUNCT and w not in ("n't", "not", "neither", "nor")]
    return len(rest) == 2 and rest[0] in lex.aux and rest[1] in lex.echo_subjects


def _inverted_wh(words: Sequence[str], h: int, lex: Lexicon) -> bool:
    """wh-word, auxiliary, subject: "what does a normal Tuesday look like"."""
    return (
        words[h] in lex.wh
        and words[h] != "which"
        and h + 2 < len(words)
        and words[h + 1] in lex.inversion_aux
        and words[h + 2] in lex.inversion_subject
    )


def _content_before(words: Sequence[str], lex: Lexicon) -> list[int]:
    """The number of content words (not punctuation, not fillers) before each index."""
    not_content = lex.not_content
    return list(accumulate((w not in not_content for w in words), initial=0))
