"""The Dask engine: the same rows as a single-process run, on a two-process LocalCluster."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from click.testing import CliRunner  # noqa: E402

from analyzer import batch  # noqa: E402
from analyzer.batch import work  # noqa: E402
from analyzer.cli import EXIT_FINDINGS, main  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
GOOD = ("03-voip-voicemail.txt", "09-used-car-phone.srt", "32-pilot-checkin-short.txt", "08-startup-office-furniture.vtt")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    ) as c:
        yield c


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask") / "calls"
    (root / "sub").mkdir(parents=True)
    for i, name in enumerate(GOOD):
        shutil.copy(SAMPLES / name, root / ("sub" if i % 2 else ".") / name)
    (root / "sub" / "broken.json").write_bytes(b'{"callcoach": 1, "turns": [')
    (root / "empty.vtt").write_bytes(b"")
    return root


def test_dask_rows_equal_the_single_process_run(cluster, calls):
    files = batch.discover([calls])
    expected = list(batch.iter_rows(files, engine="sequential"))
    got = list(batch.iter_rows(files, engine="dask", scheduler=cluster.scheduler_address, window=3))
    assert got == expected
    assert [r["status"] for r in got].count("error") == 2


def test_dask_workers_keep_one_analyzer_each(cluster, calls):
    files = batch.discover([calls])
    list(batch.iter_rows(files, engine="dask", scheduler=cluster.scheduler_address))
    with distributed.Client(cluster.scheduler_address) as client:
        counts = client.run(lambda: len(work._ANALYZERS))
    assert set(counts.values()) <= {0, 1}  # built lazily, once per worker process
    assert sum(counts.values()) >= 1


def test_dask_cli_scheduler_output_equals_sequential(cluster, calls, tmp_path):
    runner = CliRunner()
    seq = tmp_path / "seq.jsonl"
    dsk = tmp_path / "dask.jsonl"
    a = runner.invoke(main, ["score", str(calls), "-o", str(seq), "--engine", "sequential", "-q"])
    b = runner.invoke(main, ["score", str(calls), "-o", str(dsk), "--scheduler", cluster.scheduler_address, "-q"])
    assert a.exit_code == b.exit_code == EXIT_FINDINGS, b.output
    assert seq.read_bytes() == dsk.read_bytes()
    rows = [json.loads(line) for line in dsk.read_text().splitlines()]
    assert [r["path"] for r in rows] == batch.discover([calls])


def test_dask_local_engine(calls, tmp_path):
    """``--engine dask``: a LocalCluster of its own, then the same rows."""
    files = batch.discover([calls])
    expected = list(batch.iter_rows(files[:3], engine="sequential"))
    assert list(batch.iter_rows(files[:3], engine="dask", workers=2)) == expected
