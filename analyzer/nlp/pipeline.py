"""Build the spaCy pipeline and turn a transcript into one Doc.

This module is the only place that knows the order of the components:

1. ``sentencizer`` (spaCy's rule, or the base model's own sentence boundaries), then
   ``callcoach_segmenter`` - sentences and questions inside turns that lack
   punctuation (raw speech recognition);
2. ``callcoach_pitch_invite`` - buyer invitations to pitch;
3. ``callcoach_buyer_question`` - seller questions about the buyer;
4. ``callcoach_pitch_dump`` - the seller's answer to each invitation,
   tagged ``pitch_dump`` or ``pitch_pivot`` (needs 2 and 3);
5. ``callcoach_if_then_close`` - conditional closes.
"""
from __future__ import annotations

import dataclasses
import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from ..config import Thresholds, default_thresholds
from ..readers.limits import MAX_CALL_CHARACTERS, check_call_length
from ..transcript import Role, Transcript
from . import extensions as ext
from .tokenizer import ChunkTokenizer
from .components import buyer_question, if_then_close, pitch_dump, pitch_invite, segmenter, sentences, trackers  # noqa: F401  (registers the factories)


#: Component names in pipeline order.
COMPONENTS = (
    "callcoach_pitch_invite",
    "callcoach_buyer_question",
    "callcoach_pitch_dump",
    "callcoach_if_then_close",
)

#: The components that judge their candidates with a trained sentence model.
LEARNED_COMPONENTS = ("callcoach_pitch_invite", "callcoach_buyer_question", "callcoach_if_then_close")

#: The thresholds each component reads (each module declares its CONFIG_KEYS).
COMPONENT_THRESHOLDS: dict[str, tuple[str, ...]] = {
    "callcoach_pitch_invite": (),
    "callcoach_buyer_question": buyer_question.CONFIG_KEYS,
    "callcoach_pitch_dump": pitch_dump.CONFIG_KEYS,
    "callcoach_if_then_close": if_then_close.CONFIG_KEYS,
}


def build_nlp(
    thresholds: Thresholds | None = None,
    base: str | Language | None = None,
    *,
    learned: str = "default",
) -> Language:
    """The analysis pipeline.

    thresholds (Thresholds | None): the numbers the components use. Defaults
        to :func:`analyzer.config.default_thresholds`.
    base (str | Language | None): a spaCy pipeline (or its name, e.g.
        ``en_core_web_sm``) to add the components to. Defaults to
        ``spacy.blank("en")`` with a sentencizer: nothing is downloaded. A
        pipeline given is changed in place (its components added, as
        ``add_pipe`` does) and is the one returned.
    learned (str): the taggers' trained sentence models: ``"default"`` (the
        shipped ones), a folder written by ``callcoach train-taggers``, or
        ``"none"`` for the phrase rules alone.
    RETURNS (Language): the pipeline.
    RAISES: ConfigError (E322) for a pipeline that has callcoach's
        components already (one an analyzer was built on).
    """
    thresholds = thresholds or default_thresholds()
    if base is None:
        nlp = spacy.blank("en")
    elif isinstance(base, str):
        nlp = spacy.load(base, exclude=["ner", "lemmatizer", "textcat"])
    else:
        nlp = base
        ours = [name for name in nlp.pipe_names if name.startswith("callcoach_")]
        if ours:
            from ..errors import ConfigError

            raise ConfigError(
                f"the spaCy pipeline given as the base has callcoach's components already ({', '.join(ours)}): "
                "an analyzer adds them to the pipeline it is given; give each analyzer a pipeline of its own "
                "(spacy.blank(\"en\"), spacy.load(name)) or the pipeline's name",
                code="E322",
            )
    if not (nlp.has_pipe("sentencizer") or nlp.has_pipe("parser") or nlp.has_pipe("senter")):
        # spaCy's rule, read from arrays (analyzer.nlp.components.sentences).
        nlp.add_pipe("callcoach_sentencizer", name="sentencizer")
    if base is None:
        # Without a parser or NER, memory grows only linearly with the text:
        # allow calls far longer than spaCy's cautious default of 1,000,000.
        nlp.max_length = MAX_CALL_CHARACTERS
        # The same tokens, each distinct word tokenized once per process.
        nlp.tokenizer = ChunkTokenizer(nlp.tokenizer, nlp.vocab)
    values = dataclasses.asdict(thresholds)
    nlp.add_pipe("callcoach_segmenter", config={"models": str(learned)})
    for name in COMPONENTS:
        config = {key: values[key] for key in COMPONENT_THRESHOLDS[name]}
        if name in LEARNED_COMPONENTS:
            config["models"] = str(learned)
        nlp.add_pipe(name, config=config)
    nlp.add_pipe("callcoach_trackers")  # last: it reads turns and roles, never the tags
    return nlp


def transcript_to_doc(nlp: Language, transcript: Transcript) -> Doc:
    """One Doc for the whole call, before the pipeline runs.

    The turns' texts are joined with single spaces; ``doc.spans["turns"]``
    holds one span per turn, labelled with the speaker's name, and every turn
    starts a sentence. Roles go to ``doc._.callcoach_roles``.
    """
    texts = [t.text for t in transcript.turns]
    check_call_length(texts, transcript.source, nlp.max_length)
    text = " ".join(texts)
    doc = nlp.make_doc(text)
    spans = []
    pos = 0
    for turn in transcript.turns:
        span = doc.char_span(pos, pos + len(turn.text), label=turn.speaker, alignment_mode="expand")
        if span is None or len(span) == 0:  # pragma: no cover - turns are never empty
            raise ValueError(f"turn {turn.index} could not be aligned to tokens")
        spans.append(span)
        pos += len(turn.text) + 1
    # Every turn starts a sentence; the sentencizer fills in the rest. (Set
    # through an array: setting Token.is_sent_start one by one re-checks the
    # whole doc each time, which is quadratic in the length of the call.)
    sent_starts = numpy.zeros((len(doc), 1), dtype="uint64")
    for span in spans:
        sent_starts[span.start, 0] = 1
    doc.from_array([SENT_START], sent_starts)
    doc.spans[ext.TURNS_KEY] = SpanGroup(doc, name=ext.TURNS_KEY, spans=spans)
    doc._.set(ext.ROLES, {name: role.value for name, role in transcript.roles.items()})
    doc._.set(ext.TRANSCRIPT, transcript)
    return doc


def analyse_doc(nlp: Language, transcript: Transcript) -> Doc:
    """Build the Doc for ``transcript`` and run every pipeline component on it."""
    doc = transcript_to_doc(nlp, transcript)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
