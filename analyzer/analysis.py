"""The analysis, end to end: transcript -> roles -> Doc -> tags -> metrics -> feedback -> score.

:class:`Analyzer` holds what is costly to build (the spaCy pipeline and the
classifier) so that it is built once and reused for every call. Its entry
points all return an :class:`~analyzer.result.AnalysisResult`:

- :meth:`Analyzer.analyze_source`: a call as a file path or as the file's
  bytes (what the batch work function calls);
- :meth:`Analyzer.analyze_file` and :meth:`Analyzer.analyze_text`: a path,
  or a transcript as a string;
- :meth:`Analyzer.analyze_transcript`: a transcript already read.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from . import feedback as fb
from .config import Thresholds, default_thresholds
from .errors import missing_path_as_not_found
from .metrics import compute_metrics, cue_intervals, union_seconds
from .nlp import extensions as ext
from .nlp.pipeline import analyse_doc, build_nlp
from .readers import read_bytes, read_call, read_text
from .mentions import TRACKERS_PIPE, seller_filler_count, tracker_results
from .result import AnalysisResult, SpeakerSummary, Tag
from .rolecheck import check_roles
from .roles import assign_roles, role_model
from .side_questions import buyer_side_questions
from .trackers import TrackerSet, resolve_trackers
from .transcript import Role, Transcript

if TYPE_CHECKING:
    from .classifier.model import ModelArtifact


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a call is analysed.

    An analysis makes hundreds of thousands of short-lived lists, tuples and
    dictionaries (features, candidates, spans), each freed by reference
    counting as soon as it is done with, and it leaves no reference cycles
    behind (``gc.collect()`` after analysing the benchmark calls finds
    none). The collector's passes over them find nothing to free, yet each
    pass over the older generations walks every object the process holds:
    on a call of 200,000 words they took 15% of the time. The collector is
    enabled again when the analysis ends, however it ends; a collector that
    was already off (by the caller's choice) is left as it is.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Analyzer:
    """Analyse calls with one pipeline, built once.

    Parameters
    ----------
    thresholds : Thresholds or None, default=None
        Every number the analysis uses; None reads ``analyzer/defaults.cfg``.
    base_model : str or Language or None, default=None
        A spaCy pipeline to build on (its name, or the pipeline, which gets
        the analysis components added and becomes ``nlp``); None is
        ``spacy.blank("en")`` with a sentencizer (nothing is downloaded).
    model : str or Path or ModelArtifact or None, default="default"
        The classifier that scores calls: ``"default"`` loads the shipped
        model when there is one, a path loads that file, None scores nothing
        (``score`` and ``label`` stay None).
    taggers : str or Path, default="default"
        The taggers' trained sentence models: ``"default"`` (the shipped
        ones), a folder written by ``callcoach train-taggers``, or ``"none"``
        for the phrase rules alone.
    trackers : str or Path or TrackerSet, default="default"
        The phrases counted on every call: ``"default"`` (the shipped set),
        ``"none"``, a TOML or JSON Lines trackers file, or a
        :class:`~analyzer.trackers.TrackerSet`.

    Attributes
    ----------
    thresholds : Thresholds
    nlp : spacy.language.Language
        The pipeline; its components' thresholds are in ``nlp.config``.
    model : ModelArtifact or None

    Raises
    ------
    ModelArtifactError
        When the model file cannot be used (the message says how to retrain).
    ConfigError
        When ``base_model`` is a pipeline that has the analysis components
        already (E322).
    OSError
        When ``base_model`` is not an installed spaCy pipeline.

    Examples
    --------
    >>> an = Analyzer()
    >>> result = an.analyze_file("data/samples/07-hr-analytics-demo.vtt")
    >>> result.label in ("buyer_centric", "seller_centric")
    True
    """

    def __init__(
        self,
        thresholds: Thresholds | None = None,
        base_model: str | Language | None = None,
        model: "str | Path | ModelArtifact | None" = "default",
        taggers: str | Path = "default",
        trackers: "str | Path | TrackerSet" = "default",
    ) -> None:
        self.thresholds = thresholds or default_thresholds()
        # What can be refused (a model file, a trackers file, a folder of tagger
        # models) is read before a pipeline given as the base is changed.
        self.trackers = resolve_trackers(trackers)
        self.model = resolve_model(model)
        #: The trained speaker model of role inference, from the same folder as
        #: the tagger models (None: the phrase score alone).
        self.role_model = role_model(str(taggers))
        self.nlp = build_nlp(self.thresholds, base_model, learned=str(taggers))
        if self.nlp.has_pipe(TRACKERS_PIPE):
            pipe = self.nlp.get_pipe(TRACKERS_PIPE)
            if pipe.trackers.fingerprint() != self.trackers.fingerprint():
                pipe.set_trackers(self.trackers)

    def analyze_file(
        self,
        path: str | Path,
        *,
        format: str | None = None,
        sellers: Iterable[str] = (),
        buyers: Iterable[str] = (),
        others: Iterable[str] = (),
        roles: Mapping[str, str] | None = None,
    ) -> AnalysisResult:
        """Read and analyse one transcript file.

        Parameters
        ----------
        path : str or Path
            The transcript (any format of ``analyzer.readers.FORMATS``); a
            path as ``bytes`` too, as :func:`open` takes one (the bytes of a
            call go to :meth:`analyze_source`).
        format : str or None, default=None
            Force a reader; None detects the format by content.
        sellers, buyers, others : iterable of str
            Speakers the caller names (as the transcript spells them, any case).
            With sellers named and no buyer, every speaker not named is a
            buyer (but one taken for ``other``): name every seller.
        roles : mapping of str to str or None
            More given roles, speaker name to ``seller``, ``buyer`` or ``other``.

        Returns
        -------
        AnalysisResult
            The analysed call; ``result.to_dict()`` is the JSON of ``docs/output.md``.

        Raises
        ------
        FileNotFoundError
            When ``path`` does not exist (a :class:`TranscriptFileNotFoundError`, code E100).
        TranscriptFormatError
            When the file cannot be read as a transcript (the message has the code and line).
        RolesError
            When a given name is not a speaker of the call.

        Examples
        --------
        >>> an = Analyzer(model=None)
        >>> an.analyze_file("data/samples/01-payroll-dental-discovery.txt").metrics.buyer_questions
        12
        """
        if isinstance(path, (bytes, bytearray)):
            path = os.fsdecode(bytes(path))  # a path as the OS gives it, as open() takes it; bytes of a call go to analyze_source
        return self.analyze_source(path, format=format, sellers=sellers, buyers=buyers, others=others, roles=roles)

    def analyze_source(
        self,
        source: bytes | str | os.PathLike,
        *,
        name: str | None = None,
        format: str | None = None,
        sellers: Iterable[str] = (),
        buyers: Iterable[str] = (),
        others: Iterable[str] = (),
        roles: Mapping[str, str] | Callable[[Sequence[str]], Mapping[str, str]] | None = None,
    ) -> AnalysisResult:
        """Read and analyse one call, given as a file or as the file's bytes.

        source (bytes | str | PathLike): the transcript file's path, or its
            bytes (UTF-8, or UTF-16 with a byte-order mark). A ``str`` is a
            path; a transcript held as text goes to :meth:`analyze_text`.
        name (str | None): the call's name in the result and in error
            messages, and the extension hint of format detection. Defaults
            to the path, or ``"<bytes>"``.
        format (str | None): one of ``analyzer.readers.FORMATS`` to force a
            reader. Defaults to None (detected).
        sellers, buyers, others (Iterable[str]): speaker names the caller gives.
        roles (Mapping | Callable | None): more given roles, speaker name to
            role; or a function from the call's speakers to its given roles
            (a batch's roles by name apply only to the calls they speak in).
        RETURNS (AnalysisResult): the analysed call.
        RAISES: TranscriptFormatError with its code (E100 a file that cannot
            be read, E104-E107 bytes that are not text, E108 a call that is
            too long, and each format's own); RolesError for given roles that
            do not fit the call; ValueError for an unknown format name.
        """
        if isinstance(source, (bytes, bytearray, memoryview)):
            name = name or "<bytes>"
            data = bytes(source)
        else:
            name = name or os.fspath(source)
            with missing_path_as_not_found(source):  # a FileNotFoundError too
                data = read_bytes(source)
        transcript = read_call(
            data, name, format=format, speech_rate_words_per_second=self.thresholds.speech_rate_words_per_second
        )
        given = roles(transcript.speakers) if callable(roles) else roles
        return self.analyze_transcript(transcript, sellers=sellers, buyers=buyers, others=others, roles=given)

    def analyze_text(
        self,
        text: str,
        *,
        source: str = "<text>",
        format: str | None = None,
        sellers: Iterable[str] = (),
        buyers: Iterable[str] = (),
        others: Iterable[str] = (),
        roles: Mapping[str, str] | None = None,
    ) -> AnalysisResult:
        """Analyse a transcript given as a string.

        Parameters
        ----------
        text : str
            The transcript, in any text format.
        source : str, default="<text>"
            The call's name in the result and in error messages.
        format, sellers, buyers, others, roles
            As for :meth:`analyze_file`.

        Returns
        -------
        AnalysisResult

        Raises
        ------
        TranscriptFormatError, RolesError
            As for :meth:`analyze_file`.

        Examples
        --------
        >>> an = Analyzer(model=None)
        >>> r = an.analyze_text("Dana: How are you handling renewals today?\\nSam: Badly.", sellers=["Dana"])
        >>> r.metrics.buyer_questions
        1
        """
        transcript = read_text(
            text,
            source=source,
            format=format,
            speech_rate_words_per_second=self.thresholds.speech_rate_words_per_second,
        )
        return self.analyze_transcript(
            transcript, sellers=sellers, buyers=buyers, others=others, roles=roles
        )

    def analyze_transcript(
        self,
        transcript: Transcript,
        *,
        sellers: Iterable[str] = (),
        buyers: Iterable[str] = (),
        others: Iterable[str] = (),
        roles: Mapping[str, str] | None = None,
    ) -> AnalysisResult:
        """Analyse a transcript that is already read.

        Parameters
        ----------
        transcript : Transcript
            From :func:`analyzer.read_transcript`; roles are inferred for the
            speakers it has none for, unless given here.
        sellers, buyers, others, roles
            As for :meth:`analyze_file`.

        Returns
        -------
        AnalysisResult

        Raises
        ------
        RolesError
            When a given name is not a speaker of the call.

        Examples
        --------
        >>> from analyzer import read_transcript
        >>> t = read_transcript("data/samples/01-payroll-dental-discovery.txt")
        >>> Analyzer(model=None).analyze_transcript(t).timed
        False
        """
        with collector_paused():
            transcript = self._with_roles(transcript, sellers=sellers, buyers=buyers, others=others, roles=roles)
            return self.result_from_doc(analyse_doc(self.nlp, transcript), transcript)

    def doc(
        self,
        transcript: Transcript,
        *,
        sellers: Iterable[str] = (),
        buyers: Iterable[str] = (),
        others: Iterable[str] = (),
        roles: Mapping[str, str] | None = None,
    ) -> Doc:
        """The analysed spaCy Doc of a call, for other pipelines.

        Roles are assigned first, as :meth:`analyze_transcript` does (given
        ones, the rest inferred), so the Doc carries them.

        Parameters
        ----------
        transcript : Transcript
            A transcript, with or without roles.
        sellers, buyers, others, roles
            As for :meth:`analyze_file`.

        Returns
        -------
        spacy.tokens.Doc
            One Doc for the call: the turns in ``doc.spans["turns"]``
            (labelled with the speaker), each tag in ``doc.spans[<tag>]``,
            and the roles in ``doc._.callcoach_roles``.

        Examples
        --------
        >>> from analyzer import read_transcript
        >>> doc = Analyzer(model=None).doc(read_transcript("data/samples/01-payroll-dental-discovery.txt"))
        >>> len(doc.spans["buyer_question"]) > 0, doc._.callcoach_roles["Priya Nair"]
        (True, 'seller')
        """
        with collector_paused():
            transcript = self._with_roles(transcript, sellers=sellers, buyers=buyers, others=others, roles=roles)
            return analyse_doc(self.nlp, transcript)

    def _with_roles(self, transcript: Transcript, **given: Any) -> Transcript:
        """The transcript with every speaker's role: the given ones (``sellers``,
        ``buyers``, ``others``, ``roles`` as for :meth:`analyze_file`), the rest
        inferred (:func:`~analyzer.roles.assign_roles`); one that has roles and is
        given none, as it is."""
        if transcript.roles and not any(given.values()):
            return transcript
        return assign_roles(transcript, thresholds=self.thresholds, model=self.role_model, **given)

    def result_from_doc(self, doc: Doc, transcript: Transcript) -> AnalysisResult:
        tags = tags_from_doc(doc, transcript)
        counts: dict[str, int] = {}
        for t in tags:
            counts[t.tag] = counts.get(t.tag, 0) + 1
        open_q = sum(1 for t in tags if t.tag == ext.BUYER_QUESTION and t.open)
        metrics = compute_metrics(
            transcript,
            counts,
            open_q,
            self.thresholds,
            buyer_side_questions=len(buyer_side_questions(doc)),
            seller_fillers=seller_filler_count(doc, transcript),
        )
        ctx = fb.Context(transcript=transcript, metrics=metrics, tags=tags, thresholds=self.thresholds)
        findings = fb.check_all(ctx)
        result = AnalysisResult(
            file=transcript.source,
            format=transcript.format,
            duration_seconds=_round(transcript.duration_seconds),
            timed=transcript.timed,
            score=None,
            label=None,
            speakers=speaker_summaries(transcript),
            metrics=metrics,
            tags=tuple(tags),
            feedback=tuple(findings),
            model=None,
            transcript=transcript,
            roles_check=check_roles(transcript, questions=_questions_by_speaker(tags), model=self.role_model),
            trackers=tracker_results(doc, transcript, self.trackers),
        )
        if self.model is None:
            return result
        if not scorable(result, self.thresholds):
            return replace(result, model=self.model.name)
        score, label, reasons = self.model.score(
            result, backchannel_max_words=self.thresholds.backchannel_max_words, thresholds=self.thresholds
        )
        return replace(result, score=score, label=label, reasons=reasons, model=self.model.name)


def _questions_by_speaker(tags: list[Tag]) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in tags:
        if t.tag == ext.BUYER_QUESTION:
            out[t.speaker] = out.get(t.speaker, 0) + 1
    return out


def scorable(result: AnalysisResult, thresholds: Thresholds | None = None) -> bool:
    """A call is scored only when both a seller and a buyer speak in it, and
    they say ``min_scored_words`` words or more between them.

    The classifier judges how a seller treats a buyer; a voicemail, a call
    whose roles put everyone on one side, or an exchange of a few lines gives
    it nothing to judge, and a confident number there would be invented.
    """
    return unscored_because(result, thresholds) is None


def unscored_because(result: AnalysisResult, thresholds: Thresholds | None = None) -> str | None:
    """Why the classifier does not score a call (a phrase for "the call ..."), or None when it does."""
    roles = {s.role for s in result.speakers if s.words > 0}
    if "seller" not in roles or "buyer" not in roles:
        return "needs both a seller and a buyer speaking to be scored"
    least = (thresholds or default_thresholds()).min_scored_words
    words = sum(s.words for s in result.speakers if s.role in ("seller", "buyer"))
    if words < least:
        return f"is too short to be scored ({words} words from the seller and the buyer; at least {least})"
    return None


def resolve_model(model: "str | Path | ModelArtifact | None") -> "ModelArtifact | None":
    """A loaded model for ``"default"``, a path, or a model; None for None."""
    from .classifier.model import ModelArtifact, default_model_path, load_scoring_model

    if model is None or isinstance(model, ModelArtifact):
        return model
    if model == "default":
        path = default_model_path()
        return load_scoring_model(path) if path is not None else None
    return load_scoring_model(model)


def _round(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(x, nd)


def speaker_summaries(transcript: Transcript) -> tuple[SpeakerSummary, ...]:
    """Role, words, seconds and turns of every speaker, in order of appearance."""
    timed = transcript.timed
    stats: dict[str, list] = {s: [0, [], 0] for s in transcript.speakers}
    for turn in transcript.turns:
        st = stats[turn.speaker]
        st[0] += turn.words
        st[1].extend(cue_intervals(turn))
        st[2] += 1
    return tuple(
        SpeakerSummary(
            name=name,
            role=transcript.roles.get(name, Role.BUYER).value,
            role_source=transcript.role_source.get(name, "inferred"),
            words=st[0],
            seconds=round(union_seconds(st[1]), 3) if timed else None,
            turns=st[2],
        )
        for name, st in stats.items()
    )


def tags_from_doc(doc: Doc, transcript: Transcript) -> list[Tag]:
    """Every tag span of the doc as a :class:`Tag`, in reading order."""
    turn_chars = ext.turn_table(doc).start_chars
    out: list[Tag] = []
    at: list[int] = []  # each tag's first token: reading order, timed or not
    for name in ext.TAG_NAMES:
        if name not in doc.spans:
            continue
        for span in doc.spans[name]:
            first = ext.turn_index_of(doc, span.start)
            last = ext.turn_index_of(doc, max(span.start, span.end - 1))
            t0, t1 = transcript.turns[first], transcript.turns[last]
            start = t0.time_at(span.start_char - turn_chars[first])
            end = t1.time_at(span.end_char - turn_chars[last])
            # (within one turn, its text cut from the turn's: Span.text makes a Token of each token)
            text = t0.text[span.start_char - turn_chars[first] : span.end_char - turn_chars[first]] if first == last else span.text
            out.append(
                Tag(
                    tag=name,
                    speaker=t0.speaker,
                    turn=first,
                    start=start,
                    end=end,
                    text=text,
                    open=span._.get(ext.OPEN) if name == ext.BUYER_QUESTION else None,
                )
            )
            at.append(span.start)
    order = sorted(range(len(out)), key=lambda k: (out[k].turn, at[k], ext.TAG_NAMES.index(out[k].tag)))
    return [out[k] for k in order]
