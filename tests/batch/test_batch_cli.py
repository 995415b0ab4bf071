"""``callcoach score``: exit codes, outputs, summary, resume after a killed run."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import batch
from analyzer.cli import EXIT_FINDINGS, EXIT_INPUT_ERROR, EXIT_OK, main
from helpers import SAMPLES, complete_lines, sample_folder, spawn_score

GOOD = (
    "01-payroll-dental-discovery.txt",
    "05-freight-brokerage-demo.vtt",
    "09-used-car-phone.srt",
    "16-fleet-telematics-discovery.csv",
    "21-kitchen-remodel-consult.json",
)


def make_folder(root: Path, *, bad: bool = True) -> tuple[list[str], list[str]]:
    """(good paths, bad paths) of a folder of samples, with bad files among them when asked."""
    (root / "in").mkdir(parents=True)
    good = []
    for i, name in enumerate(GOOD):
        target = root / ("in" if i % 2 else ".") / name
        shutil.copy(SAMPLES / name, target)
        good.append(os.path.normpath(target))
    bad_files = {"in/corrupt.json": b'{"segments": [', "empty.txt": b"", "in/binary.srt": b"\x00\xff\x00\x10" * 64}
    failing = []
    if bad:
        for rel, content in bad_files.items():
            (root / rel).write_bytes(content)
            failing.append(os.path.normpath(root / rel))
    return sorted(good), sorted(failing)


def invoke(args, cwd: Path):
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, ["score", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def calls(tmp_path):
    good, bad = make_folder(tmp_path / "calls")
    return tmp_path, good, bad


def test_batch_cli_bad_files_are_error_rows_and_exit_1(calls):
    tmp, good, bad = calls
    res = invoke(["calls", "-o", "out.jsonl", "--engine", "sequential"], tmp)
    assert res.exit_code == EXIT_FINDINGS, res.output
    rows = read_jsonl(tmp / "out.jsonl")
    rel = lambda p: os.path.relpath(p, tmp)  # noqa: E731
    assert [r["path"] for r in rows] == sorted(rel(p) for p in good + bad)
    assert {r["path"] for r in rows if r["status"] == "error"} == {rel(p) for p in bad}
    assert f"out.jsonl: {len(rows)} calls, {len(good)} ok, {len(bad)} failed" in res.stdout
    for p in bad:
        assert rel(p) in res.stderr  # each failure is named on stderr
    assert "[E106]" in res.stderr and "[E104]" in res.stderr and "[E150]" in res.stderr


def test_batch_cli_all_good_exit_0_with_summary_and_headline(tmp_path):
    make_folder(tmp_path / "calls", bad=False)
    res = invoke(["calls", "-o", "out.csv", "--workers", "1", "--summary", "sellers.csv"], tmp_path)
    assert res.exit_code == EXIT_OK, res.output
    df = pd.read_csv(tmp_path / "out.csv")
    assert len(df) == len(GOOD) and (df.status == "ok").all()
    summary = pd.read_csv(tmp_path / "sellers.csv")
    assert list(summary.columns) == list(batch.SUMMARY_COLUMNS)
    assert summary["calls"].sum() >= len(GOOD)
    assert "median seller talk share" in res.stdout and "summary: sellers.csv" in res.stdout
    # No progress bar when stderr is not a terminal: only the line naming the model.
    assert all(line.startswith("callcoach: model: ") for line in res.stderr.splitlines())


def test_batch_cli_quiet(calls):
    tmp, _, _ = calls
    res = invoke(["calls", "-o", "out.parquet", "--engine", "sequential", "-q"], tmp)
    assert res.exit_code == EXIT_FINDINGS
    assert res.stdout == ""
    assert "[E106]" in res.stderr


def test_batch_cli_fail_fast(calls):
    tmp, good, bad = calls
    res = invoke(["calls", "-o", "out.jsonl", "--engine", "sequential", "--fail-fast"], tmp)
    assert res.exit_code == EXIT_FINDINGS
    rows = read_jsonl(tmp / "out.jsonl")
    assert rows[-1]["status"] == "error" and sum(r["status"] == "error" for r in rows) == 1
    assert "--fail-fast" in res.stderr


def test_batch_cli_workers_do_not_change_the_output(tmp_path):
    make_folder(tmp_path / "calls")
    one = invoke(["calls", "-o", "one.csv", "--engine", "sequential"], tmp_path)
    two = invoke(["calls", "-o", "two.csv", "--workers", "2"], tmp_path)
    assert one.exit_code == two.exit_code == EXIT_FINDINGS
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_batch_cli_globs_and_roles(tmp_path):
    make_folder(tmp_path / "calls")
    (tmp_path / "roles.csv").write_text("speaker,role\nPriya Nair,buyer\nTammy Boyd,seller\nNot In Any Call,seller\n")
    res = invoke(
        ["calls", "-o", "out.jsonl", "--engine", "sequential", "--glob", "*.txt", "--glob", "!empty.*", "--roles", "roles.csv"],
        tmp_path,
    )
    assert res.exit_code == EXIT_OK, res.output
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [Path(r["path"]).name for r in rows] == ["01-payroll-dental-discovery.txt"]
    assert rows[0]["sellers"] == "Tammy Boyd" and rows[0]["roles_inferred"] is False


def test_batch_cli_seller_option(tmp_path):
    make_folder(tmp_path / "calls", bad=False)
    res = invoke(["calls", "-o", "out.jsonl", "--engine", "sequential", "--seller", "tammy boyd"], tmp_path)
    assert res.exit_code == EXIT_OK
    row = next(r for r in read_jsonl(tmp_path / "out.jsonl") if r["path"].endswith("01-payroll-dental-discovery.txt"))
    assert row["sellers"] == "Tammy Boyd" and row["buyers"] == "Priya Nair"


@pytest.mark.parametrize(
    "args,message",
    [
        (["calls", "-o", "out.xlsx"], "output format"),
        (["calls", "-o", "out.csv", "--summary", "s.txt"], "output format"),
        (["calls", "-o", "nowhere/out.csv"], "does not exist"),
        (["calls", "-o", "out.csv", "--glob", "*.mp3"], "no transcript files"),
        (["calls", "-o", "out.csv", "--roles", "missing.json"], "E204"),
        (["calls", "-o", "out.csv", "--seller", "A", "--buyer", "A"], "E203"),
        (["calls", "-o", "out.csv", "--engine", "process", "--scheduler", "tcp://127.0.0.1:1"], "dask engine"),
        (["calls", "-o", "out.csv", "--engine", "sequential", "--base-model", "en_no_such_pipeline"], "cannot build the analyzer"),
    ],
)
def test_batch_cli_bad_options_exit_2(tmp_path, args, message):
    make_folder(tmp_path / "calls", bad=False)
    res = invoke(args, tmp_path)
    assert res.exit_code == EXIT_INPUT_ERROR, res.output
    assert message in res.stderr


def test_batch_cli_output_inside_the_folder_is_refused_unless_left_out(tmp_path):
    make_folder(tmp_path / "calls", bad=False)
    res = invoke(["calls", "-o", "calls/scores.csv", "--engine", "sequential"], tmp_path)
    assert res.exit_code == EXIT_INPUT_ERROR and "[E613]" in res.stderr
    assert not (tmp_path / "calls" / "scores.csv").exists()
    for _ in range(2):
        res = invoke(
            ["calls", "-o", "calls/scores.csv", "--engine", "sequential", "--summary", "calls/sellers.csv",
             "--exclude", "scores.csv", "--exclude", "sellers.csv"],
            tmp_path,
        )  # fmt: skip
        assert res.exit_code == EXIT_OK, res.output
    assert len(pd.read_csv(tmp_path / "calls" / "scores.csv")) == len(GOOD)


@pytest.mark.skipif(importlib.util.find_spec("analyzer.html") is None, reason="analyzer.html is not there yet")
def test_batch_cli_html_dashboard_and_reports(calls):
    tmp, good, bad = calls
    res = invoke(["calls", "-o", "out.jsonl", "--engine", "sequential", "--html", "dash.html", "--reports", "reports"], tmp)
    assert res.exit_code == EXIT_FINDINGS, res.output
    reports = sorted((tmp / "reports").glob("*.html"))
    assert len(reports) == len(good)
    page = (tmp / "dash.html").read_text(encoding="utf-8")
    assert "reports/" in page
    for p in good:
        assert batch.report_path(tmp / "reports", os.path.relpath(p, tmp)).exists()


@pytest.mark.skipif(importlib.util.find_spec("analyzer.html") is None, reason="analyzer.html is not there yet")
def test_batch_cli_resumed_reports_link_only_what_is_there(calls):
    """A run without --reports, resumed with them, scores no call again: the
    dashboard links no report that was not written, and stderr says why."""
    tmp, good, bad = calls
    assert invoke(["calls", "-o", "out.jsonl", "--engine", "sequential"], tmp).exit_code == EXIT_FINDINGS
    res = invoke(["calls", "-o", "out.jsonl", "--engine", "sequential", "--resume", "--html", "dash.html", "--reports", "reports"], tmp)
    assert res.exit_code == EXIT_FINDINGS, res.output
    assert not list((tmp / "reports").glob("*.html"))
    assert "reports/" not in (tmp / "dash.html").read_text(encoding="utf-8")
    assert "calls already in the output were not scored again" in res.stderr and "without --resume" in res.stderr


# --- a run killed part-way, then resumed -----------------------------------------


@pytest.mark.parametrize(
    "output,engine_args",
    [("scores.jsonl", ["--engine", "sequential"]), ("scores.parquet", ["--workers", "2"])],
)
def test_batch_cli_killed_run_resumes_without_losing_or_repeating_a_call(tmp_path, output, engine_args):
    folder = sample_folder(tmp_path, 8)  # 264 calls: long enough to be killed part-way
    files = batch.discover([folder])
    expected = [os.path.relpath(p, tmp_path) for p in files]
    journal = batch.journal_path(tmp_path / output)

    proc = spawn_score(["calls", "-o", output, "--quiet", *engine_args], tmp_path)
    deadline = time.monotonic() + 120
    while complete_lines(journal) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers, mid-run
    proc.wait()
    at_kill = complete_lines(journal)
    assert proc.returncode == -signal.SIGKILL
    assert 20 <= at_kill < len(files), "the run should be killed part-way"
    assert not (tmp_path / output).exists() or output.endswith(".jsonl")  # no half-written Parquet

    done = spawn_score(["calls", "-o", output, "--resume", *engine_args], tmp_path)
    out, err = done.communicate(timeout=300)
    assert done.returncode == EXIT_OK, err.decode()
    assert "already in the output" in out.decode()
    df = pd.read_parquet(tmp_path / output) if output.endswith(".parquet") else pd.DataFrame(read_jsonl(tmp_path / output))
    assert list(df["path"]) == expected  # every call exactly once, in order
    assert (df["status"] == "ok").all()
    assert not journal.exists() or journal == tmp_path / output

    clean = invoke(["calls", "-o", "clean" + Path(output).suffix, "--engine", "sequential", "-q"], tmp_path)
    assert clean.exit_code == EXIT_OK
    ref = pd.read_parquet(tmp_path / "clean.parquet") if output.endswith(".parquet") else pd.DataFrame(read_jsonl(tmp_path / "clean.jsonl"))
    pd.testing.assert_frame_equal(df, ref)


def test_batch_cli_no_model_leaves_scores_empty(tmp_path):
    import json as _json

    from click.testing import CliRunner

    from analyzer.cli import main

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
    out = tmp_path / "rows.jsonl"
    result = CliRunner().invoke(main, ["score", str(sample), "-o", str(out), "--no-model", "--quiet", "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    row = _json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert row["status"] == "ok" and row["score"] is None and row["model"] is None


def test_batch_cli_bad_model_is_an_input_error(tmp_path):
    from click.testing import CliRunner

    from analyzer.cli import main

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
    result = CliRunner().invoke(main, ["score", str(sample), "-o", str(tmp_path / "r.csv"), "--model", str(tmp_path / "nope.skops")])
    assert result.exit_code == 2
    assert "[E502]" in result.stderr


def test_batch_cli_resume_rescores_when_the_model_changed(tmp_path):
    import json as _json

    from click.testing import CliRunner

    from analyzer.cli import main

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
    out = tmp_path / "rows.jsonl"
    first = CliRunner().invoke(main, ["score", str(sample), "-o", str(out), "--no-model", "-q", "--workers", "1"])
    assert first.exit_code == 0, first.stderr
    again = CliRunner().invoke(main, ["score", str(sample), "-o", str(out), "--resume", "-q", "--workers", "1"])
    assert again.exit_code == 0, again.stderr
    rows = [_json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and rows[0]["score"] is not None and rows[0]["model"]


def test_batch_cli_resume_of_a_csv_run_writes_the_dashboard(tmp_path):
    from click.testing import CliRunner

    from analyzer.cli import main

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    out = tmp_path / "s.csv"
    files = [str(samples / "06-farm-solar-intro.vtt"), str(samples / "09-used-car-phone.srt")]
    assert CliRunner().invoke(main, ["score", *files, "-o", str(out), "-q", "--workers", "1"]).exit_code == 0
    result = CliRunner().invoke(main, ["score", *files, "-o", str(out), "--resume", "-q", "--workers", "1", "--html", str(tmp_path / "d.html")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "d.html").read_text(encoding="utf-8").count("06-farm-solar-intro") >= 1


def test_batch_cli_notes_a_given_name_that_speaks_in_no_call(tmp_path):
    """A --seller or --buyer name that is a speaker of no call scored is noted (a
    misspelt name would otherwise change nothing, unseen); a name that speaks is not."""
    shutil.copy(SAMPLES / "01-payroll-dental-discovery.txt", tmp_path / "call.txt")
    result = invoke(["call.txt", "-o", "out.jsonl", "--no-model", "-q", "--seller", "priya nair", "--buyer", "Tammy Boid"], tmp_path)
    assert result.exit_code == EXIT_OK, result.output
    assert "note: --buyer 'Tammy Boid' is a speaker of none of the calls scored; check its spelling" in result.stderr
    assert "--seller" not in result.stderr


def test_batch_cli_resume_with_other_trackers_keeps_only_their_columns(tmp_path):
    """A run resumed with other trackers scores every call again: the output's
    tracker columns are those of the trackers counted, not all-empty columns
    of the trackers of the run before."""
    make_folder(tmp_path / "calls", bad=False)
    assert invoke(["calls", "-o", "s.csv", "--engine", "sequential"], tmp_path).exit_code == EXIT_OK
    assert any(c.startswith("tracker_") for c in pd.read_csv(tmp_path / "s.csv").columns)
    res = invoke(["calls", "-o", "s.csv", "--engine", "sequential", "--resume", "--trackers", "none"], tmp_path)
    assert res.exit_code == EXIT_OK, res.output
    assert not [c for c in pd.read_csv(tmp_path / "s.csv").columns if c.startswith("tracker_")]
