"""Regression tests of issue 14, "the first hour of a real user": one section per finding.

Each test names the finding it covers (``test_issue14_<n>_<behaviour>``);
each failed before the change that it comes with.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, EXIT_OK, main
from helpers import ROOT, SAMPLES


def _labels_file(folder: Path, n_per_label: int) -> Path:
    """A labels file of the samples: ``n_per_label`` calls of each label, each its own group."""
    chosen: dict[str, list[str]] = {"buyer_centric": [], "seller_centric": []}
    for gold in sorted(SAMPLES.glob("*.gold.json")):
        g = json.loads(gold.read_text(encoding="utf-8"))
        if len(chosen[g["label"]]) < n_per_label:
            chosen[g["label"]].append(g["file"])
    path = folder / "labels.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "label"])
        for label, files in chosen.items():
            for f in files:
                w.writerow([os.path.relpath(SAMPLES / f, folder), label])
    return path


# -- 5. train on a small labels file -------------------------------------------------------


def test_issue14_5_train_refuses_too_few_calls_with_the_minimum(tmp_path):
    labels = _labels_file(tmp_path, 4)
    result = CliRunner().invoke(main, ["train", str(labels), "--out", str(tmp_path / "m.skops")])
    assert result.exit_code == EXIT_INPUT_ERROR, result.output
    assert "[E518]" in result.stderr and "at least 5 calls of each label" in result.stderr
    assert "Traceback" not in result.output


def test_issue14_5_train_adapts_its_folds_to_a_small_file(tmp_path):
    labels = _labels_file(tmp_path, 6)
    result = CliRunner().invoke(main, ["train", str(labels), "--out", str(tmp_path / "m.skops"), "--json"])
    assert result.exit_code == EXIT_OK, result.output
    assert json.loads(result.stdout)["calls"] == 12


def test_issue14_5_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch):
    import analyzer.classifier.training as training

    def broken(*args, **kwargs):
        raise ValueError("a bug deep inside")

    monkeypatch.setattr(training, "train", broken)
    labels = _labels_file(tmp_path, 5)
    args = ["train", str(labels), "--out", str(tmp_path / "m.skops")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_INTERNAL_ERROR, result.output
    assert "Traceback" not in result.stderr and "a bug deep inside" in result.stderr
    assert "--debug" in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    debug = CliRunner().invoke(main, args + ["--debug"])
    assert debug.exit_code == EXIT_INTERNAL_ERROR and "Traceback" in debug.stderr
    before = CliRunner().invoke(main, ["--debug"] + args)
    assert before.exit_code == EXIT_INTERNAL_ERROR and "Traceback" in before.stderr


def _run_script(tmp_path: Path, code: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run ``code`` as a script file in ``tmp_path`` (beside a ``calls/`` folder of two samples)."""
    calls = tmp_path / "calls"
    calls.mkdir(exist_ok=True)
    for name in ("01-payroll-dental-discovery.txt", "32-pilot-checkin-short.txt"):
        (calls / name).write_bytes((SAMPLES / name).read_bytes())
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=timeout, env=env
    )


# -- 1. parallel library calls from a plain script ----------------------------------------


def test_issue14_1_unguarded_script_fails_once_before_any_work(tmp_path):
    import time

    t0 = time.perf_counter()
    done = _run_script(tmp_path, """
        import analyzer
        df = analyzer.score_paths(["calls/"], workers=2)
        print("rows:", len(df))
    """)
    assert done.returncode != 0
    assert done.stderr.count("[E701]") == 1, done.stderr
    assert 'if __name__ == "__main__":' in done.stderr and "workers=1" in done.stderr
    assert "worker process died" not in done.stderr + done.stdout and "rows:" not in done.stdout
    assert time.perf_counter() - t0 < 60


def test_issue14_1_readme_library_example_runs_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    example = next(b for b in blocks if "score_paths" in b and "__main__" in b)
    done = _run_script(tmp_path, example)
    assert done.returncode == 0, done.stderr
    assert "[E701]" not in done.stderr


# -- 2. Parquet on the basic install ---------------------------------------------------------


def test_issue14_2_pyarrow_and_python_docx_are_dependencies():
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    requires = cfg["options"]["install_requires"]
    assert "pyarrow" in requires and "python-docx" in requires


def test_issue14_2_missing_pyarrow_is_reported_before_the_first_call(tmp_path, monkeypatch):
    import importlib.util

    import analyzer.cli  # noqa: F401

    score_cli = sys.modules["analyzer.cli.score"]

    real = importlib.util.find_spec
    monkeypatch.setattr(score_cli.importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "a.txt").write_bytes((SAMPLES / "32-pilot-checkin-short.txt").read_bytes())
    for args in (["-o", str(tmp_path / "s.parquet")], ["-o", str(tmp_path / "s.csv"), "--tags", str(tmp_path / "t.parquet")]):
        result = CliRunner().invoke(main, ["score", str(calls), "--engine", "sequential", *args])
        assert result.exit_code == EXIT_INPUT_ERROR, result.output
        assert "pip install pyarrow" in result.stderr
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob(".*jsonl"))


def test_issue14_2_an_internal_error_says_what_is_kept(tmp_path, monkeypatch):
    import analyzer.batch.run as run_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(run_module, "_finalize", broken)
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "a.txt").write_bytes((SAMPLES / "32-pilot-checkin-short.txt").read_bytes())
    result = CliRunner().invoke(main, ["score", str(calls), "-o", str(tmp_path / "s.csv"), "--engine", "sequential"])
    assert result.exit_code == EXIT_INTERNAL_ERROR, result.output
    assert "Traceback" not in result.stderr and "--resume" in result.stderr and ".s.csv.partial.jsonl" in result.stderr


# -- 3. roles: how sure, and the option that fixes them ------------------------------------

OFFICE = SAMPLES / "08-startup-office-furniture.vtt"
#: Two peers planning webinars: nothing in what they say tells a seller from a
#: buyer, and a recording notice opens the call, so neither is the one who
#: speaks first (which alone, to the speaker model, leans to the seller).
PEERS = ROOT / "tests" / "fixtures" / "roles" / "peers.txt"


@pytest.fixture(scope="module")
def peers():
    import analyzer

    return analyzer.analyze_file(PEERS)


def test_issue14_3_roles_check_names_the_fix(peers):
    # Two peers who sound alike: whichever the inference takes for the seller,
    # the fix names the other one.
    d = peers.to_dict()
    check = d["roles_check"]
    taken_for_buyer = next(s["name"] for s in d["speakers"] if s["role"] == "buyer")
    assert (check["confidence"], check["reason"], check["fix"]) == ("low", "close", f'--seller "{taken_for_buyer}"')
    assert "Maya Lind" in check["message"] and "Jonas Berg" in check["message"]


def test_issue14_3_roles_check_low_when_every_speaker_is_taken_for_other():
    """A call whose speakers are all taken for neither side has no seller: that is
    no sure reading, and the fix names the one who speaks most."""
    import analyzer

    text = "Recording: This call may be recorded for quality and training purposes.\nOperator: Please hold.\n"
    check = analyzer.analyze_text(text).to_dict()["roles_check"]
    assert (check["confidence"], check["reason"], check["fix"]) == ("low", "no_seller", "--seller Recording")
    assert "no seller and no buyer" in check["message"]


def test_issue14_3_terminal_and_html_show_the_fix(tmp_path):
    result = CliRunner().invoke(main, ["feedback", str(PEERS), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == EXIT_OK, result.output
    assert any('--seller "Maya Lind"' in line for line in result.stdout.splitlines())  # never broken across lines
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Check the roles." in html and "--seller &#34;Maya Lind&#34;" in html


def test_issue14_3_the_fix_fixes_the_roles():
    result = CliRunner().invoke(main, ["feedback", str(PEERS), "--seller", "Maya Lind", "--json"])
    d = json.loads(result.stdout)
    roles = {s["name"]: s["role"] for s in d["speakers"]}
    assert roles == {"Recording": "other", "Maya Lind": "seller", "Jonas Berg": "buyer"}
    assert d["roles_check"]["confidence"] == "high"  # (ten short lines: too few words to be scored)
    assert "CC101" not in {f["code"] for f in d["feedback"]}


def test_issue14_3_batch_rows_carry_roles_confidence_and_the_run_counts_them(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    for path in (PEERS, SAMPLES / "01-payroll-dental-discovery.txt"):
        (calls / path.name).write_bytes(path.read_bytes())
    result = CliRunner().invoke(main, ["score", str(calls), "-o", str(tmp_path / "s.jsonl"), "--engine", "sequential", "--json"])
    assert result.exit_code == EXIT_OK, result.output
    rows = {Path(r["path"]).name: r for r in map(json.loads, (tmp_path / "s.jsonl").read_text().splitlines())}
    assert rows["peers.txt"]["roles_confidence"] == "low"
    assert rows["01-payroll-dental-discovery.txt"]["roles_confidence"] == "high"
    assert json.loads(result.stdout)["roles_to_check"] == 1


@pytest.mark.parametrize("label", ["0", "A", "SPEAKER_00", "spk_0", "Speaker 1"])
def test_issue14_3_generic_labels_are_never_merged_across_calls(label):
    from analyzer import batch

    summary = batch.SellerSummary()
    for path in ("calls/a.json", "calls/b.json"):
        summary.add({"path": path, "status": "ok", "sellers": label, "score": 50.0, "seller_talk_share": 0.5})
    summary.add({"path": "calls/c.json", "status": "ok", "sellers": "Dana Reyes", "score": 50.0})
    summary.add({"path": "calls/d.json", "status": "ok", "sellers": "Dana Reyes", "score": 50.0})
    rows = {r["seller"]: r["calls"] for r in summary.rows()}
    assert rows == {"Dana Reyes": 2, f"unnamed {label} in calls/a.json": 1, f"unnamed {label} in calls/b.json": 1}


# -- 4. per-seller summaries: rounded, and the median where the headline says median --------


def test_issue14_4_summary_figures_are_rounded():
    from analyzer import batch

    summary = batch.SellerSummary()
    for share in (3.3449999999999998 / 10, 0.123456, 0.987654):
        summary.add({"path": f"{share}.txt", "status": "ok", "sellers": "Dana", "score": 33.333333, "seller_talk_share": share, "buyer_questions": 1})
    (row,) = summary.rows()
    assert row["mean_score"] == 33.3 and row["median_seller_talk_share"] == 0.334
    assert row["buyer_questions_per_call"] == 1.0


def test_issue14_4_dashboard_shows_the_median_talk_share():
    from analyzer.html import render_dashboard

    rows = [{"path": f"c{i}.txt", "status": "ok", "sellers": "Dana", "seller_talk_share": s, "buyer_questions": 1} for i, s in enumerate((0.1, 0.2, 0.9))]
    page = render_dashboard(rows)
    assert "Median talk share" in page and "Mean talk share" not in page
    assert ">20%<" in page  # the median of 10%, 20%, 90%; the mean would be 40%


# -- 6. reasons that explain -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_results():
    import analyzer

    paths = sorted(p for p in SAMPLES.iterdir() if not p.name.endswith(".gold.json"))
    return [analyzer.analyze_file(p) for p in paths]


def test_issue14_6_every_score_has_reasons_even_at_the_extremes(sample_results):
    scored = [r for r in sample_results if r.score is not None]
    extremes = [r for r in scored if r.score < 10 or r.score > 90]
    assert extremes, "the samples have calls scored near 0 and 100"
    for r in scored:
        assert len(r.reasons) == 3, r.file
        weights = [abs(x.log_odds) for x in r.reasons]
        assert weights == sorted(weights, reverse=True) and weights[-1] > 0
        for x in r.reasons:
            assert x.measured and x.target and x.text.endswith(".")
    for r in extremes:
        assert max(abs(x.log_odds) for x in r.reasons) >= 0.3, r.file


def test_issue14_6_reasons_on_the_terminal_say_value_and_target():
    result = CliRunner().invoke(main, ["feedback", str(SAMPLES / "24-nonprofit-accounting-discovery.json")])
    out = " ".join(result.stdout.split())
    assert "What moved it most" in out and "(weight +" in out or "(weight -" in out
    assert "1 points" not in out and " points" not in out.split("Score:")[1].split("Speakers")[0]


def test_issue14_6_questions_reason_reads_as_the_issue_asks():
    from analyzer.config import default_thresholds
    from analyzer.reasons import explain

    class R:
        timed = True

        class metrics:
            buyer_questions = 2

    measured, target = explain("buyer_questions_per_1000_words", 1.5, R, default_thresholds(), {"buyer_questions_per_1000_words": 7.25})
    assert measured.startswith("the seller asked 2 questions about the buyer")
    # the count of the target, and beside it the rate the score weighs, as the training calls have it
    assert target == "buyer-centric calls ask 11-14 in a discovery call of 30 minutes or more (typical of the training calls: 7.2 per 1,000 words)"


# -- 7. files left out, include/exclude, .docx -------------------------------------------------


def _docx_of(text: str, path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(path)
    return path


def test_issue14_7_docx_is_read_like_its_text(tmp_path):
    from analyzer import read_transcript

    teams = (ROOT / "tests" / "fixtures" / "readers" / "teams.txt").read_text(encoding="utf-8")
    word = read_transcript(_docx_of(teams, tmp_path / "teams.docx"))
    text = read_transcript(ROOT / "tests" / "fixtures" / "readers" / "teams.txt")
    assert [(t.speaker, t.text, t.start) for t in word.turns] == [(t.speaker, t.text, t.start) for t in text.turns]


@pytest.mark.parametrize(
    "header,rows,expected",
    [
        # speaker, time, text: the time is the turn's start, not words
        (None, [("Dana Reyes", "00:00:03", "Hi Sam, thanks for joining."), ("Sam Cho", "00:00:07", "Happy to be here.")],
         [("Dana Reyes", "Hi Sam, thanks for joining.", 3.0), ("Sam Cho", "Happy to be here.", 7.0)]),
        # time first
        (None, [("0:03", "Dana Reyes", "Hi Sam."), ("0:07", "Sam Cho", "Hello.")],
         [("Dana Reyes", "Hi Sam.", 3.0), ("Sam Cho", "Hello.", 7.0)]),
        # a row of column names is no turn
        (("Speaker", "Text"), [("Dana Reyes", "Hi Sam."), ("Sam Cho", "Hello.")],
         [("Dana Reyes", "Hi Sam.", None), ("Sam Cho", "Hello.", None)]),
        (("Speaker", "Start Time", "End Time", "Text"), [("Dana Reyes", "0:03", "0:05", "Hi Sam."), ("Sam Cho", "0:07", "0:08", "Hello.")],
         [("Dana Reyes", "Hi Sam.", 3.0), ("Sam Cho", "Hello.", 7.0)]),
    ],
)
def test_issue14_7_docx_transcript_table(tmp_path, header, rows, expected):
    """A Word transcript laid out as a table is read as the text shape its rows hold."""
    docx = pytest.importorskip("docx")
    from analyzer import read_transcript

    document = docx.Document()
    document.add_paragraph("Acme discovery - Transcript")  # a title, as a tool writes one
    body = ([header] if header else []) + rows
    table = document.add_table(rows=len(body), cols=len(body[0]))
    for row, cells in zip(table.rows, body):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.save(tmp_path / "call.docx")
    found = read_transcript(tmp_path / "call.docx")
    assert [(t.speaker, t.text, t.start) for t in found.turns] == expected


def test_issue14_7_docx_tables_are_read_where_they_stand(tmp_path):
    docx = pytest.importorskip("docx")
    from analyzer import read_transcript

    document = docx.Document()
    document.add_paragraph("Dana Reyes: Hi Sam, how are you handling renewals today?")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Sam Cho", "Badly, in spreadsheets."
    document.add_paragraph("Dana Reyes: Why is that?")
    document.save(tmp_path / "call.docx")
    assert [t.text for t in read_transcript(tmp_path / "call.docx").turns] == [
        "Hi Sam, how are you handling renewals today?", "Badly, in spreadsheets.", "Why is that?",
    ]


def test_issue14_7_the_run_says_what_it_left_out(tmp_path):
    calls = tmp_path / "calls"
    (calls / ".drafts").mkdir(parents=True)
    (calls / "a.vtt").write_bytes(OFFICE.read_bytes())
    (calls / "a.gold.json").write_text("{}", encoding="utf-8")
    (calls / "notes.md").write_text("# notes", encoding="utf-8")
    (calls / ".drafts" / "b.txt").write_text("Dana: hi", encoding="utf-8")
    _docx_of((SAMPLES / "32-pilot-checkin-short.txt").read_text(encoding="utf-8"), calls / "teams.docx")
    out = tmp_path / "s.jsonl"
    result = CliRunner().invoke(main, ["score", str(calls), "-o", str(out), "--engine", "sequential"])
    assert result.exit_code == EXIT_OK, result.output
    assert "scored 2 calls" in result.stdout
    assert "left out 3 files: " in result.stdout and "1 hidden" in result.stdout and "1 gold sidecar" in result.stdout
    assert "1 other extension (.md)" in result.stdout
    run = json.loads(CliRunner().invoke(main, ["score", str(calls), "-o", str(out), "--engine", "sequential", "--json"]).stdout)
    assert run["left_out"] == {"hidden": 1, "gold sidecar": 1, "other extension (.md)": 1} and run["left_out_total"] == 3
    only = CliRunner().invoke(main, ["score", str(calls), "-o", str(out), "--engine", "sequential", "--include", "*.docx", "--json"])
    assert json.loads(only.stdout)["calls"] == 1


# -- 8. analyst-ready tables -------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed") / "calls"
    root.mkdir()
    for name in ("01-payroll-dental-discovery.txt", "32-pilot-checkin-short.txt"):
        (root / name).write_bytes((SAMPLES / name).read_bytes())
    (root / "broken.txt").write_bytes(b"not a transcript\x00")
    return root


def test_issue14_8_score_paths_dtypes_with_an_error_row(mixed_folder):
    import analyzer

    df = analyzer.score_paths([mixed_folder])
    assert (df["status"] == "error").sum() == 1
    for col in ("buyer_questions", "pitch_dumps", "words", "speakers", "bytes"):
        assert str(df[col].dtype) == "Int64", col
    for col in ("timed", "roles_inferred"):
        assert str(df[col].dtype) == "boolean", col
    assert "file" not in df.columns and "path" in df.columns


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_issue14_8_outputs_keep_integers(mixed_folder, tmp_path, ext):
    import pandas as pd

    out = tmp_path / f"s{ext}"
    result = CliRunner().invoke(main, ["score", str(mixed_folder), "-o", str(out), "--engine", "sequential", "--tags", str(tmp_path / f"t{ext}")])
    assert result.exit_code == 1, result.output  # one file failed
    if ext == ".csv":
        import csv as csvmod

        rows = list(csvmod.DictReader(open(out, encoding="utf-8")))
        assert all("." not in r["buyer_questions"] for r in rows) and "file" not in rows[0]
    else:
        df = pd.read_parquet(out)
        assert str(df["buyer_questions"].dtype) == "Int64" and str(df["timed"].dtype) == "boolean"
        tags = pd.read_parquet(tmp_path / f"t{ext}")
        assert str(tags["turn"].dtype) == "Int64" and str(tags["open"].dtype) == "boolean"
        assert (tags["tag"] == "buyer_question").sum() == 12 + 2


def test_issue14_8_tags_frame_one_row_per_moment():
    import analyzer

    r = analyzer.analyze_file(SAMPLES / "01-payroll-dental-discovery.txt")
    df = analyzer.tags_frame([r])
    moments = df[df["tag"] != "tracker"] if "tracker" in df.columns else df
    assert len(moments) == len(r.tags) and {"path", "tag", "speaker", "turn", "start", "end", "text", "open"} <= set(df.columns)
    assert str(df["turn"].dtype) == "Int64" and str(df["open"].dtype) == "boolean"


# -- 9. spaCy and scikit-learn conventions ------------------------------------------------------


def test_issue14_9_tags_and_roles_on_the_doc():
    import warnings

    from spacy import displacy

    from analyzer import Analyzer, read_transcript

    doc = Analyzer(model=None).doc(read_transcript(SAMPLES / "01-payroll-dental-discovery.txt"))
    assert doc._.callcoach_roles == {"Priya Nair": "seller", "Tammy Boyd": "buyer"}
    assert len(doc.spans["buyer_question"]) == 12
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        displacy.render(doc, style="span", options={"spans_key": "buyer_question"})


def test_issue14_9_component_thresholds_are_in_nlp_config():
    from analyzer.config import default_thresholds
    from analyzer.nlp.pipeline import COMPONENT_THRESHOLDS, build_nlp

    nlp = build_nlp()
    th = default_thresholds()
    for name, keys in COMPONENT_THRESHOLDS.items():
        block = nlp.config["components"][name]
        assert {k: block[k] for k in keys} == {k: getattr(th, k) for k in keys}, name


def test_issue14_9_predict_proba_has_two_columns_and_classes():
    from analyzer.classifier.model import default_model_path, load_model
    from analyzer.features import call_features

    path = default_model_path()
    if path is None:
        pytest.skip("no shipped model")
    import analyzer

    model = load_model(path)
    rows = [call_features(analyzer.analyze_file(SAMPLES / n)) for n in ("01-payroll-dental-discovery.txt", "15-office-lease-push.txt")]
    proba = model.predict_proba(rows)
    assert proba.shape == (2, 2) and list(model.classes_) == ["seller_centric", "buyer_centric"]
    assert abs(proba.sum(axis=1) - 1).max() < 1e-9


def test_issue14_9_a_missing_file_is_file_not_found(tmp_path):
    import analyzer

    for call in (lambda p: analyzer.analyze_file(p), lambda p: analyzer.read_transcript(p)):
        with pytest.raises(FileNotFoundError, match=r"\[E100\]"):
            call(tmp_path / "gone.vtt")
        with pytest.raises(analyzer.TranscriptFormatError):
            call(tmp_path / "gone.vtt")


def test_issue14_9_dir_honours_all():
    import analyzer

    assert dir(analyzer) == sorted(analyzer.__all__)
    assert {"score_paths", "tags_frame", "analyze_file"} <= set(dir(analyzer))
    assert not {"Any", "Path", "lru_cache"} & set(dir(analyzer))
    for name in analyzer.__all__:
        getattr(analyzer, name)


def _public_api():
    import inspect

    import analyzer

    for name in analyzer.__all__:
        obj = getattr(analyzer, name)
        if callable(obj):
            yield name, obj
            if inspect.isclass(obj) and name == "Analyzer":
                for meth in ("analyze_file", "analyze_text", "analyze_transcript", "doc"):
                    yield f"Analyzer.{meth}", getattr(obj, meth)


@pytest.mark.parametrize("name,obj", list(_public_api()), ids=lambda x: x if isinstance(x, str) else "")
def test_issue14_9_numpy_docstrings_on_the_public_api(name, obj):
    import inspect

    doc = inspect.getdoc(obj) or ""
    sections = {"Parameters", "Examples"} if inspect.isclass(obj) else {"Parameters", "Returns", "Examples"}
    for section in sections:
        assert f"{section}\n{'-' * len(section)}" in doc, (name, section)


def _modules_with_examples() -> list[str]:
    """Every ``analyzer`` module whose source holds a ``>>>`` example."""
    package = ROOT / "analyzer"
    names = []
    for path in sorted(package.rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_issue14_9_docstring_examples_hold(monkeypatch):
    import doctest
    import importlib

    monkeypatch.chdir(ROOT)
    names = _modules_with_examples()
    assert {"analyzer", "analyzer.analysis", "analyzer.errors", "analyzer.result", "analyzer.nlp.components.trackers"} <= set(names)
    for name in names:
        module = importlib.import_module(name)
        failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert failed == 0 and tried > 0, name


# -- 10. words on the terminal and in JSON -------------------------------------------------------


def test_issue14_10_untimed_call_speaks_in_words_with_the_shared_target():
    result = CliRunner().invoke(main, ["feedback", str(SAMPLES / "01-payroll-dental-discovery.txt")])
    out = " ".join(result.stdout.split())
    assert "longest seller stretch 75 words; target: under 300 words (feedback flags over 375 words)" in out
    assert "under 2:30" not in out
    assert "12 in the call (9 open); target: 11-14 in a discovery call of 30 minutes or more" in out
    assert "Turns count from 0" in out


def test_issue14_10_timed_target_matches_the_html(tmp_path):
    result = CliRunner().invoke(main, ["feedback", str(SAMPLES / "05-freight-brokerage-demo.vtt"), "--html", str(tmp_path / "r.html")])
    out = " ".join(result.stdout.split())
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "target: under 2:00" in out and "Target: under 2:00" in html


@pytest.mark.parametrize("path", [OFFICE, PEERS], ids=["feedback", "roles-check"])
def test_issue14_10_lines_wrap_by_words_at_any_width(path):
    import io

    from rich.console import Console

    import analyzer
    from analyzer.render import report

    result = analyzer.analyze_file(path)
    messages = [f.message for f in result.feedback] + [result.roles_check.message or ""]
    words = set(" ".join(messages).split())
    assert len(words) > 10  # the page has long messages to wrap
    for width in (40, 63, 100):
        buf = io.StringIO()
        report(result, Console(file=buf, width=width, highlight=False, color_system=None))
        lines = buf.getvalue().splitlines()
        assert all(len(line) <= width for line in lines), width
        marks = dict.fromkeys(range(0x2066, 0x206A))  # bidi isolates around quoted text
        printed = set(" ".join(lines).translate(marks).split())
        assert {w.translate(marks) for w in words if len(w) < width - 10} <= printed, width


def test_issue14_10_no_talk_share_rule_on_a_one_sided_call():
    import analyzer

    voicemail = analyzer.analyze_file(SAMPLES / "03-voip-voicemail.txt")
    assert "CC101" not in {f.code for f in voicemail.feedback}


def test_issue14_10_cc102_reads_as_a_sentence_with_the_limit_that_fired(analyze):
    from helpers import build_transcript  # noqa: F401 - the made-up calls of conftest

    pitch = "Sure, so we were founded in 2014 and our platform serves our clients. " * 20
    invite = "So tell us a bit about your company, what do you guys do?"
    result = analyze([("Sam", invite, 0.0, 3.0), ("Dana", pitch, 3.0, 85.245), ("Sam", "Interesting, okay.", 85.245, 90.0)])
    (f,) = [f for f in result.feedback if f.code == "CC102"]
    assert (f.value, f.threshold) == (82.2, 60)
    assert "that asked the buyer nothing" not in f.message and "the buyer that" not in f.message
    assert "the answer ran 82 seconds" in f.message


def test_issue14_10_plurals():
    from analyzer.wording import plural

    assert (plural(1, "call"), plural(2, "call"), plural(1032, "word")) == ("1 call", "2 calls", "1,032 words")


# -- 11. the project's own docs, and a schema every result fits ------------------------------


def test_issue14_11_docs_exist_and_the_readme_links_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in ("docs/tags.md", "docs/output.md", "docs/gold-format.md", "docs/result.schema.json"):
        assert (ROOT / doc).is_file() and doc in readme, doc
    assert "spec/tags.md" not in readme and "spec/output.md" not in readme


@pytest.fixture(scope="module")
def schema():
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads((ROOT / "docs" / "result.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return jsonschema.Draft202012Validator(data)


def test_issue14_11_every_sample_result_fits_the_schema(schema, sample_results):
    from analyzer import Analyzer

    plain = Analyzer(model=None)
    for r in sample_results:
        errors = [e.message for e in schema.iter_errors(json.loads(json.dumps(r.to_dict())))]
        assert not errors, (r.file, errors[:3])
        unscored = plain.analyze_file(r.file).to_dict()
        assert not list(schema.iter_errors(json.loads(json.dumps(unscored)))), r.file


def test_issue14_11_the_schema_refuses_a_broken_result(schema, peers):
    good = json.loads(json.dumps(peers.to_dict()))
    assert schema.is_valid(good)
    for broken in (
        {**good, "timed": "yes"},
        {**good, "score": 120},
        {**good, "tags": [{"tag": "pitch", "speaker": "x", "turn": 0, "start": None, "end": None, "text": "t"}]},
        {k: v for k, v in good.items() if k != "metrics"},
    ):
        assert not schema.is_valid(broken)


# -- 13. smaller -----------------------------------------------------------------------------


def test_issue14_13_feedback_reads_standard_input():
    data = (SAMPLES / "01-payroll-dental-discovery.txt").read_bytes()
    result = CliRunner().invoke(main, ["feedback", "-", "--json"], input=data)
    assert result.exit_code == EXIT_OK, result.output
    d = json.loads(result.stdout)
    assert d["file"] == "<stdin>" and d["metrics"]["buyer_questions"] == 12


def test_issue14_13_score_takes_other(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "a.txt").write_bytes((SAMPLES / "32-pilot-checkin-short.txt").read_bytes())
    out = tmp_path / "s.jsonl"
    result = CliRunner().invoke(main, ["score", str(calls), "-o", str(out), "--engine", "sequential", "--other", "Marty Fenwick"])
    assert result.exit_code == EXIT_OK, result.output
    (row,) = map(json.loads, out.read_text().splitlines())
    assert row["buyers"] == "" and row["sellers"] == "Erin Cole"


def test_issue14_13_pytest_has_a_slow_option(request):
    assert request.config.getoption("--slow") in (True, False)


# -- 12. an existing Dask cluster and relative paths ------------------------------------------


@pytest.fixture(scope="module")
def far_cluster(tmp_path_factory):
    """A scheduler and a worker started as `dask scheduler` / `dask worker` would be, in another folder."""
    import socket
    import time

    pytest.importorskip("distributed")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    common = dict(cwd=elsewhere, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"], **common
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--nworkers", "1", "--dashboard-address", ":0"], **common
    )
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(1, timeout=30)
                break
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
        for proc in (worker, scheduler):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_issue14_12_relative_paths_on_a_cluster_started_elsewhere(far_cluster, monkeypatch):
    import analyzer

    monkeypatch.chdir(ROOT)
    paths = ["data/samples/01-payroll-dental-discovery.txt", "data/samples/08-startup-office-furniture.vtt"]
    remote = analyzer.score_paths(paths, scheduler=far_cluster)
    local = analyzer.score_paths(paths)
    assert list(remote["status"]) == ["ok", "ok"], list(remote["error"])
    assert list(remote["path"]) == paths
    import pandas as pd

    pd.testing.assert_frame_equal(remote, local)


@pytest.mark.parametrize(
    "given,reason,fix",
    [
        ({}, None, None),
        ({"sellers": ["Priya Nair"]}, None, None),
        # the buyer named as the seller: the seller, taken for a buyer by that, sounds like one
        ({"sellers": ["Tammy Boyd"]}, "buyer_sounds_like_seller", '--seller "Priya Nair"'),
        # the seller named as the buyer: the buyer, left for the seller, does not sound like one
        ({"buyers": ["Priya Nair"]}, "weak_seller", '--seller "Tammy Boyd"'),
    ],
)
def test_issue14_3_roles_check_low_when_a_role_goes_against_the_speakers_score(given, reason, fix):
    """A role that was not given but follows from the given ones (or is the
    likeliest of speakers none of whom sells) is checked against the speaker's
    own score: against it, the check is low and says so."""
    import analyzer

    check = analyzer.analyze_file(SAMPLES / "01-payroll-dental-discovery.txt", **given).roles_check
    assert (check.confidence, check.reason, check.fix) == (("low", reason, fix) if reason else ("high", None, None))


def test_issue14_3_roles_check_low_when_nobody_sounds_like_a_seller():
    """Two buyer-side colleagues waiting for a vendor who never joins: the one
    taken for the seller does not sound like one."""
    import analyzer

    text = (
        "Hannah Cole: Is the vendor joining? It's ten past already.\n"
        "Marcus Webb: No idea, I sent them the invite last week. Our budget meeting is at eleven, so we can't wait long.\n"
        "Hannah Cole: Let's give them five more minutes and then I'll email their account manager.\n"
        "Marcus Webb: Fine. I still need to ask them how much the extra seats cost us.\n"
    )
    check = analyzer.analyze_text(text).roles_check
    assert (check.confidence, check.reason) == ("low", "weak_seller")


def _tag_paths(path):
    import pandas as pd

    return pd.read_csv(path)["path"].value_counts().to_dict()


def test_issue14_8_resume_drops_the_tags_of_a_call_that_now_fails(tmp_path):
    """A call scored, then changed into bytes that are no transcript, then
    resumed: its row is an error, and the tags table holds none of its tags."""
    from analyzer.batch.tagsout import tags_journal_path

    calls = tmp_path / "calls"
    calls.mkdir()
    for name in ("01-payroll-dental-discovery.txt", "32-pilot-checkin-short.txt"):
        (calls / name).write_bytes((SAMPLES / name).read_bytes())
    out, tags = tmp_path / "s.csv", tmp_path / "t.csv"
    args = ["score", str(calls), "-o", str(out), "--engine", "sequential", "--tags", str(tags)]
    assert CliRunner().invoke(main, args).exit_code == EXIT_OK
    first = str(calls / "01-payroll-dental-discovery.txt")
    assert _tag_paths(tags).get(first, 0) > 0
    # as a run killed after both calls were journaled, before the table was written
    import json

    import pandas as pd

    table = pd.read_csv(tags)
    with open(tags_journal_path(tags), "w", encoding="utf-8") as fh:
        for path, rows in table.groupby("path"):
            fh.write(json.dumps({"path": path, "tags": json.loads(rows.to_json(orient="records"))}) + "\n")
    (calls / "01-payroll-dental-discovery.txt").write_bytes(b"not a transcript\x00")
    assert CliRunner().invoke(main, args + ["--resume"]).exit_code == 1  # the changed call fails
    assert first not in _tag_paths(tags) and str(calls / "32-pilot-checkin-short.txt") in _tag_paths(tags)


def test_issue14_8_resume_after_a_cut_tags_journal_line_keeps_every_call(tmp_path, monkeypatch):
    """A kill mid-write leaves half a line at the end of the tags journal: the
    resumed run drops it and journals the next call on a line of its own."""
    from analyzer.batch.tagsout import tags_journal_path

    calls = tmp_path / "calls"
    calls.mkdir()
    for name in ("01-payroll-dental-discovery.txt", "32-pilot-checkin-short.txt"):
        (calls / name).write_bytes((SAMPLES / name).read_bytes())
    out, tags = tmp_path / "s.jsonl", tmp_path / "t.csv"
    journal = tags_journal_path(tags)
    journal.write_text('{"path": "' + str(calls / "01-payroll-dental-discovery.txt") + '", "tags": [{"tag": "buy', encoding="utf-8")
    args = ["score", str(calls), "-o", str(out), "--engine", "sequential", "--tags", str(tags), "--resume"]
    assert CliRunner().invoke(main, args).exit_code == EXIT_OK
    found = _tag_paths(tags)
    assert found.get(str(calls / "01-payroll-dental-discovery.txt"), 0) > 0
    assert found.get(str(calls / "32-pilot-checkin-short.txt"), 0) > 0


def test_issue14_3_roles_check_says_named_for_buyers_the_caller_named():
    import analyzer

    text = "Recording: This call may be recorded.\nHannah Cole: Is the vendor joining today?\nMarcus Webb: No idea, I sent the invite last week.\n"
    check = analyzer.analyze_text(text, buyers=["Hannah Cole", "Marcus Webb"]).roles_check
    assert (check.confidence, check.reason) == ("low", "no_seller")
    assert check.message.startswith("No speaker is a seller (Hannah Cole and Marcus Webb named as buyers).")
