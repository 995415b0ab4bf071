"""The Analyzer's entry points: one call from a path or from its bytes."""
from __future__ import annotations

import codecs

import pytest

from analyzer.errors import RolesError, TranscriptFormatError
from helpers import SAMPLES

CALL = SAMPLES / "01-payroll-dental-discovery.txt"


@pytest.mark.parametrize(
    "encode",
    [lambda t: t.encode("utf-8"), lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")],
    ids=["utf-8", "utf-16"],
)
def test_analysis_analyze_source_bytes_and_path_agree(analyzer, encode):
    from_path = analyzer.analyze_source(CALL)
    data = encode(CALL.read_text(encoding="utf-8"))
    from_bytes = analyzer.analyze_source(data, name=str(CALL))
    assert from_bytes.to_dict() == from_path.to_dict()
    assert from_path.to_dict() == analyzer.analyze_file(CALL).to_dict()


def test_analysis_analyze_source_bytes_without_a_name(analyzer):
    result = analyzer.analyze_source(b"Kim: hello there\nDana: hi Kim\n")
    assert result.file == "<bytes>" and result.format == "txt"


@pytest.mark.parametrize(
    "source,code",
    [("missing.vtt", "E100"), (b"", "E104"), (b"Dana: hi\x00\x01", "E106")],
)
def test_analysis_analyze_source_raises_the_coded_error(analyzer, tmp_path, source, code):
    if isinstance(source, str):
        source = tmp_path / source
    with pytest.raises(TranscriptFormatError, match=rf"\[{code}\]"):
        analyzer.analyze_source(source)


def test_analysis_analyze_source_roles_from_the_speakers(analyzer):
    seen = []

    def roles_for(speakers):
        seen.append(tuple(speakers))
        return {speakers[-1]: "seller"}

    call = b"Kim: hello there\nDana: hi Kim, how is the week going\n"
    result = analyzer.analyze_source(call, name="call.txt", roles=roles_for)
    assert seen == [("Kim", "Dana")]
    assert {s.name: (s.role, s.role_source) for s in result.speakers}["Dana"] == ("seller", "given")
    assert result.file == "call.txt"


def test_analysis_analyze_source_given_role_for_a_stranger(analyzer):
    with pytest.raises(RolesError, match=r"\[E201\]"):
        analyzer.analyze_source(b"Kim: hello\nDana: hi\n", roles={"Nobody": "seller"})


@pytest.mark.parametrize(
    "given",
    [{}, {"sellers": ["Sam"]}, {"roles": {"Sam": "seller", "Dana": "buyer"}}],
    ids=["roles-kept", "seller-given", "roles-given"],
)
@pytest.mark.parametrize("infer", [False, True], ids=["with-roles", "without-roles"])
def test_analysis_doc_and_result_assign_the_same_roles(analyzer, make_transcript, given, infer):
    transcript = make_transcript([("Dana", "How do you run payroll today?"), ("Sam", "By hand, every other Friday.")], infer=infer)
    doc_roles = analyzer.doc(transcript, **given)._.callcoach_roles
    result = analyzer.analyze_transcript(transcript, **given)
    assert doc_roles == {s.name: s.role for s in result.speakers}
    if not infer and not given:  # a transcript with roles, given none, is read as it is
        assert doc_roles == {"Dana": "seller", "Sam": "buyer"}
        assert {s.role_source for s in result.speakers} == {"given"}
    if given:
        assert doc_roles["Sam"] == "seller" and {s.name: s.role_source for s in result.speakers}["Sam"] == "given"


def test_analysis_collector_is_paused_during_an_analysis_and_enabled_after(analyzer, monkeypatch):
    import gc

    from analyzer import analysis

    seen = []
    real = analysis.analyse_doc
    monkeypatch.setattr(analysis, "analyse_doc", lambda nlp, t: (seen.append(gc.isenabled()), real(nlp, t))[1])
    assert gc.isenabled()
    analyzer.analyze_file(CALL)
    assert seen == [False] and gc.isenabled()
    monkeypatch.setattr(analysis, "analyse_doc", lambda nlp, t: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        analyzer.analyze_file(CALL)
    assert gc.isenabled()  # enabled again however the analysis ends
    gc.disable()
    try:
        with analysis.collector_paused():
            pass
        assert not gc.isenabled()  # the caller's choice is left as it was
    finally:
        gc.enable()


def test_analysis_leaves_no_reference_cycles_behind(analyzer):
    # Why pausing the collector costs no memory: reference counting frees
    # everything an analysis makes.
    import gc

    from analyzer.asr import transcript_as_asr
    from analyzer.readers import read_transcript

    written = read_transcript(CALL)
    calls = [written, transcript_as_asr(written)]
    for t in calls:
        analyzer.analyze_transcript(t)  # caches filled once
    gc.collect()
    gc.disable()
    try:
        for t in calls:
            analyzer.analyze_transcript(t).to_dict()
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_analysis_analyze_file_takes_a_path_as_bytes(analyzer):
    import os

    assert analyzer.analyze_file(os.fsencode(CALL)).to_dict() == analyzer.analyze_file(CALL).to_dict()


@pytest.mark.parametrize("source", ["", None])
def test_analysis_analyze_text_names_the_call_without_a_source(analyzer, source):
    assert analyzer.analyze_text("Dana: How do you track renewals today?\nSam: Badly.", source=source).file == "<text>"


def test_analysis_base_pipeline_with_the_components_already_is_refused():
    import spacy

    from analyzer import Analyzer
    from analyzer.errors import ConfigError

    base = spacy.blank("en")
    Analyzer(base_model=base, model=None)
    assert "callcoach_buyer_question" in base.pipe_names  # given, it is the analyzer's pipeline
    with pytest.raises(ConfigError, match=r"\[E322\] the spaCy pipeline given as the base has callcoach's components"):
        Analyzer(base_model=base, model=None)


def test_analysis_load_analyzer_builds_one_for_threads_asking_at_once(monkeypatch):
    import threading

    import analyzer as package

    built = []

    class Slow:
        def __init__(self, base_model=None):
            built.append(self)
            threading.Event().wait(0.05)  # long enough for every thread to ask while it is built

    monkeypatch.setattr("analyzer.analysis.Analyzer", Slow)
    package._analyzer_for.cache_clear()
    try:
        start = threading.Barrier(6)
        got = []

        def ask():
            start.wait()
            got.append(package.load_analyzer())

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        package._analyzer_for.cache_clear()
    assert len(built) == 1 and len(got) == 6 and all(a is built[0] for a in got)


def test_analysis_errors_a_caller_catches_are_exported():
    import analyzer as package
    from analyzer import errors

    for name in ("CallcoachError", "ConfigError", "ModelArtifactError", "RolesError", "TranscriptFormatError"):
        assert getattr(package, name) is getattr(errors, name) and name in dir(package)


def test_analysis_refused_model_leaves_the_base_pipeline_as_it_was(tmp_path):
    """A model file that cannot be used is refused before the pipeline given is changed,
    so the same pipeline serves the corrected call."""
    import spacy

    from analyzer import Analyzer
    from analyzer.errors import ModelArtifactError

    base = spacy.blank("en")
    with pytest.raises(ModelArtifactError, match=r"\[E502\]"):
        Analyzer(base_model=base, model=tmp_path / "missing.skops")
    assert base.pipe_names == []
    assert "callcoach_buyer_question" in Analyzer(base_model=base, model=None).nlp.pipe_names


@pytest.mark.parametrize("text", ["Hi İlker. How are you? Fine.", "ÀB, çd. Straße!", "plain text, no change"])
def test_analysis_asr_rewrite_keeps_each_cue_at_its_words(text):
    """Rewriting a turn as speech-recognition output moves each cue's offset
    to where its words now start, a letter that lower-cases to two
    characters ("İ") included."""
    from analyzer.asr import strip_speech

    out, where = strip_speech(text)
    for i, ch in enumerate(text):
        if ch.isalpha():
            assert out[where[i] : where[i] + len(ch.lower())] == ch.lower()


def test_analysis_tags_in_reading_order_in_an_untimed_call():
    """Two tags in one turn of an untimed call come in the order they are said."""
    from analyzer.analysis import Analyzer

    text = (
        "Dana: If we can get the price down to forty thousand, can you sign by Friday? "
        "And separately, how are you handling renewals today?\nSam: Badly.\n"
    )
    result = Analyzer(model=None).analyze_text(text, sellers=["Dana"])
    assert [t.tag for t in result.tags] == ["if_then_close", "buyer_question"]


def test_analysis_too_short_a_call_is_not_scored():
    """A few lines ("Is now a bad time?") are no sales conversation the
    classifier can judge: no score, and the report says why; its length is
    no reason of a score either."""
    import io

    from rich.console import Console

    from analyzer.analysis import Analyzer
    from analyzer.render import report

    analyzer = Analyzer()
    short = analyzer.analyze_text("Dev: Hi, is now a bad time?\nAnn: A bit, call me next week.\nDev: Will do, thanks.\n", sellers=["Dev"])
    assert short.score is None and short.model is not None
    out = io.StringIO()
    report(short, Console(file=out, width=200, color_system=None))
    assert "too short to be scored (15 words from the seller and the buyer; at least 100)" in out.getvalue()
    scored = analyzer.analyze_file(SAMPLES / "07-hr-analytics-demo.vtt")
    assert scored.score is not None and "log_words" not in [r.feature for r in scored.reasons]
