"""Two runs on one output, and runs killed with SIGKILL then resumed: nothing lost, nothing twice."""
from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import batch
from analyzer.cli import EXIT_INPUT_ERROR, EXIT_OK, main
from helpers import ROOT, complete_lines, sample_folder, spawn_score


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    return pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])


def _wait_for(predicate, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("output", ["scores.csv", "scores.jsonl", "scores.parquet"])
def test_reliability_runs_second_run_on_one_output_refused_at_once(tmp_path, output):
    folder = sample_folder(tmp_path, 2)
    files = batch.discover([folder])
    lock = batch.lock_path(tmp_path / output)
    first = spawn_score(["calls", "-o", output, "--workers", "1", "-q", "--no-model"], tmp_path)
    _wait_for(lambda: lock.exists() and lock.stat().st_size > 0, first)
    assert first.poll() is None, first.communicate()

    t0 = time.monotonic()
    second = spawn_score(["calls", "-o", output, "--workers", "1", "-q", "--no-model"], tmp_path)
    _, err2 = second.communicate(timeout=120)
    refused_in = time.monotonic() - t0
    assert first.poll() is None, "the first run should still be running when the second is refused"
    assert second.returncode == EXIT_INPUT_ERROR, err2.decode()
    assert "[E616]" in err2.decode() and f"process {first.pid} " in err2.decode()
    assert refused_in < 30

    _, err1 = first.communicate(timeout=600)
    assert first.returncode == EXIT_OK, err1.decode()
    df = _read(tmp_path / output)
    assert list(df["path"]) == [os.path.relpath(p, tmp_path) for p in files]  # the first run's whole result
    assert lock.read_bytes() == b""  # released: no record left


@pytest.mark.parametrize(
    "output,engine_args",
    [
        ("scores.csv", ["--workers", "2"]),
        pytest.param(
            "scores.jsonl", ["--engine", "dask", "--workers", "2"],
            marks=pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs dask distributed"),
        ),
    ],
)  # fmt: skip
def test_reliability_runs_kill_9_then_resume_every_call_once_as_a_clean_run(tmp_path, output, engine_args):
    folder = sample_folder(tmp_path, 4)
    files = batch.discover([folder])
    journal = batch.journal_path(tmp_path / output)
    proc = spawn_score(["calls", "-o", output, "-q", *engine_args], tmp_path)
    _wait_for(lambda: complete_lines(journal) >= 10, proc, seconds=300)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers
    proc.wait()
    at_kill = complete_lines(journal)
    assert 10 <= at_kill < len(files), "the run should be killed part-way"

    done = spawn_score(["calls", "-o", output, "--resume", *engine_args], tmp_path)
    out, err = done.communicate(timeout=600)
    assert done.returncode == EXIT_OK, err.decode()
    assert f"left by process {proc.pid}" in err.decode() and "no longer running" in err.decode()
    assert "already in the output" in out.decode()
    df = _read(tmp_path / output)
    assert list(df["path"]) == [os.path.relpath(p, tmp_path) for p in files]  # every call once, in order

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        clean = CliRunner().invoke(main, ["score", "calls", "-o", "clean" + Path(output).suffix, "--workers", "1", "-q"])
    finally:
        os.chdir(old)
    assert clean.exit_code == EXIT_OK, clean.output
    pd.testing.assert_frame_equal(df, _read(tmp_path / ("clean" + Path(output).suffix)))


def test_reliability_runs_library_refuses_an_output_held_by_another_run(tmp_path):
    folder = sample_folder(tmp_path, 1)
    out = tmp_path / "scores.jsonl"
    with batch.OutputLock([out]):
        child = subprocess.run(
            [sys.executable, "-c", "from analyzer import batch; "
             f"batch.score_to_file(batch.discover([{str(folder)!r}]), {str(out)!r})"],
            env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, timeout=120,
        )  # fmt: skip
    assert child.returncode != 0
    assert b"[E616]" in child.stderr and f"process {os.getpid()} ".encode() in child.stderr
    assert not out.exists()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _workers(pid: int) -> list[int]:
    """The run's worker processes: spawned ones are its children; forked ones
    are the children of its fork server."""
    out = []
    for child in _children(pid):
        if "spawn_main" in _cmdline(child):
            out.append(child)
        elif "forkserver" in _cmdline(child):
            out.extend(_children(child))
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_reliability_runs_kill_9_of_a_worker_loses_no_call(tmp_path):
    folder = sample_folder(tmp_path, 2)
    files = batch.discover([folder])
    proc = spawn_score(["calls", "-o", "scores.jsonl", "--workers", "2", "-q"], tmp_path)
    _wait_for(lambda: complete_lines(tmp_path / "scores.jsonl") >= 5, proc, seconds=300)
    workers = _workers(proc.pid)
    assert workers, "the run should have worker processes"
    os.kill(workers[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode in (EXIT_OK, 1), err.decode()
    df = _read(tmp_path / "scores.jsonl")
    assert sorted(df["path"]) == sorted(os.path.relpath(p, tmp_path) for p in files)  # every call once
    assert (df["status"] == "ok").sum() >= len(files) - 1  # at most the call in the killed worker's hands is an error row
