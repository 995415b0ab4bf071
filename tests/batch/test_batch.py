"""Batch scoring as a library: discovery, error rows, writers, resume, roles, summary."""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
from pathlib import Path

import pandas as pd
import pytest

from analyzer import batch
from analyzer.batch import engines, writers
from analyzer.errors import RolesError
from analyzer.readers import read_transcript

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
#: A few samples of every format, small to large.
GOOD = (
    "01-payroll-dental-discovery.txt",
    "03-voip-voicemail.txt",
    "05-freight-brokerage-demo.vtt",
    "09-used-car-phone.srt",
    "16-fleet-telematics-discovery.csv",
    "21-kitchen-remodel-consult.json",
    "32-pilot-checkin-short.txt",
)
#: name -> (content, what the error message says)
BAD = {
    "corrupt.json": (b'{"utterances": [{"speaker": "A", "text": "hi"', "[E150]"),
    "empty.txt": (b"", "[E104]"),
    "blank.vtt": (b"  \n\n \t\n", "[E104]"),
    "binary.vtt": (bytes(range(256)) * 8, "[E106]"),
    "latin1.txt": ("Ana: olá, ¿qué tal?\n".encode("latin-1"), "[E105]"),
    "no-speaker.txt": (b"just some words without a label\n", "[E130]"),
}
HUGE = "huge.txt"  # about 5 MB of valid transcript: over the pipeline's length limit


def make_huge(path: Path, megabytes: float = 5.0) -> None:
    text = (SAMPLES / GOOD[0]).read_text(encoding="utf-8")
    path.write_text("\n".join([text] * (int(megabytes * 2**20) // len(text) + 1)), encoding="utf-8")


def make_folder(root: Path, *, bad: bool = True, huge: bool = True) -> dict[str, list[str]]:
    """Good samples spread over nested folders, bad files among them, and files to skip."""
    good, failing = [], []
    for i, name in enumerate(GOOD):
        sub = root / ("team-a" if i % 2 else "team-b/east")
        sub.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / name, sub / name)
        good.append(os.path.normpath(sub / name))
        gold = SAMPLES / name.replace(Path(name).suffix, ".gold.json")
        if gold.exists():
            shutil.copy(gold, sub / gold.name)  # skipped: a gold sidecar
    if bad:
        for name, (content, _) in BAD.items():
            (root / "team-a" / name).write_bytes(content)
            failing.append(os.path.normpath(root / "team-a" / name))
    if huge:
        make_huge(root / "team-b" / HUGE)
        failing.append(os.path.normpath(root / "team-b" / HUGE))
    (root / "team-a" / ".hidden.txt").write_text("Dana: hello\n")
    (root / ".cache").mkdir()
    (root / ".cache" / "old.vtt").write_text("WEBVTT\n")
    (root / "README.md").write_text("# calls\n")
    return {"good": sorted(good), "bad": sorted(failing)}


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "calls"
    return root, make_folder(root)


@pytest.fixture(scope="module")
def good_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("good") / "calls"
    return root, make_folder(root, bad=False, huge=False)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- discovery ---------------------------------------------------------------


def test_batch_discover_recursive_sorted_skips_gold_hidden_and_others(folder):
    root, expected = folder
    found = batch.discover([root])
    assert found == sorted(expected["good"] + expected["bad"])
    assert not any(p.endswith((".gold.json", ".md")) or "/." in p for p in found)


def test_batch_discover_explicit_file_and_duplicates(folder):
    root, expected = folder
    readme = root / "README.md"
    found = batch.discover([root / "team-a", readme, root / "team-a"])
    assert os.path.normpath(readme) in found
    assert len(found) == len(set(found))


@pytest.mark.parametrize(
    "include,exclude,expected",
    [
        (("*.vtt",), (), {"05-freight-brokerage-demo.vtt", "binary.vtt", "blank.vtt"}),
        (("team-b/**",), (), {"01-payroll-dental-discovery.txt", "05-freight-brokerage-demo.vtt",
                              "16-fleet-telematics-discovery.csv", "32-pilot-checkin-short.txt", HUGE}),
        (("*.txt", "!team-a/**"), (), {"01-payroll-dental-discovery.txt", "32-pilot-checkin-short.txt", HUGE}),
        ((), ("team-a", "huge.*"), {"01-payroll-dental-discovery.txt", "05-freight-brokerage-demo.vtt",
                                   "16-fleet-telematics-discovery.csv", "32-pilot-checkin-short.txt"}),
        (("team-?/*.csv",), (), set()),
        (("team-?/**/*.csv",), (), {"16-fleet-telematics-discovery.csv"}),
        (("**/east/*.[st][rx][tt]",), (), {"01-payroll-dental-discovery.txt", "32-pilot-checkin-short.txt"}),
    ],
)  # fmt: skip
def test_batch_discover_globs(folder, include, exclude, expected):
    root, _ = folder
    found = batch.discover([root], include=include, exclude=exclude)
    assert {Path(p).name for p in found} == expected


def test_batch_discover_hidden_and_skip(folder):
    root, _ = folder
    with_hidden = batch.discover([root], hidden=True)
    assert os.path.normpath(root / "team-a" / ".hidden.txt") in with_hidden
    assert os.path.normpath(root / ".cache" / "old.vtt") in with_hidden
    skipped = batch.discover([root], skip=[root / "team-a" / "empty.txt"])
    assert os.path.normpath(root / "team-a" / "empty.txt") not in skipped


def test_batch_discover_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        batch.discover([tmp_path / "nope"])


# --- the work function -------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BAD))
def test_batch_score_path_bad_file_is_an_error_row(tmp_path, name):
    content, code = BAD[name]
    path = tmp_path / name
    path.write_bytes(content)
    row = batch.score_path(path)
    assert row["status"] == "error"
    assert code in row["error"] and str(path) in row["error"]
    assert row["sha256"] and row["bytes"] == len(content)
    assert list(row) == list(batch.columns())
    assert row["words"] is None and row["seller_talk_share"] is None


def test_batch_score_path_huge_file_is_an_error_row(tmp_path):
    path = tmp_path / HUGE
    make_huge(path)
    assert path.stat().st_size > 5_000_000
    row = batch.score_path(path)
    assert row["status"] == "error"
    assert "[E108]" in row["error"] and "2,000,000 characters" in row["error"]


def test_batch_score_path_unreadable_file(tmp_path):
    row = batch.score_path(tmp_path / "gone.vtt")
    assert row["status"] == "error" and "[E100]" in row["error"] and row["sha256"] is None


def test_batch_score_path_good_file_matches_analyze_file():
    import analyzer

    path = str(SAMPLES / GOOD[2])
    row = batch.score_path(path)
    assert row["status"] == "ok" and row["error"] is None
    assert row["analyzer_version"] == analyzer.__version__
    expected = analyzer.analyze_file(path).to_row()  # the default analyzer, model included
    assert row["path"] == expected.pop("file") and "file" not in row  # one path column
    assert {k: row[k] for k in expected} == expected
    import hashlib

    assert row["sha256"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_batch_score_path_skips_an_unchanged_call():
    path = str(SAMPLES / GOOD[0])
    sha = batch.score_path(path)["sha256"]
    assert batch.score_path(path, sha) == {"path": path, "status": "skipped", "sha256": sha}
    assert batch.score_path(path, "0" * 64)["status"] == "ok"


# --- engines and library entry points ----------------------------------------


def test_batch_score_paths_one_path_as_a_string(folder):
    """A single path (str or Path) is one path, not a list of its letters."""
    root, _ = folder
    expected = batch.score_paths([root])
    for one in (str(root), Path(root)):
        assert batch.score_paths(one).equals(expected)


def test_batch_score_paths_every_good_call_scored_every_bad_one_an_error(folder):
    root, expected = folder
    df = batch.score_paths([root])
    # the batch columns, then the trackers' (tracker_<name>_seller, tracker_<name>_buyer)
    assert list(df.columns)[: len(batch.columns())] == list(batch.columns())
    assert all(c.startswith("tracker_") for c in list(df.columns)[len(batch.columns()) :])
    assert list(df["path"]) == sorted(expected["good"] + expected["bad"])
    status = dict(zip(df["path"], df["status"]))
    assert all(status[p] == "ok" for p in expected["good"])
    assert all(status[p] == "error" for p in expected["bad"])
    assert df.loc[df.status == "ok", "error"].isna().all()
    assert df.loc[df.status == "error", "error"].str.len().gt(0).all()


def test_batch_score_paths_has_the_tracker_columns_when_every_call_fails(tmp_path):
    # the frame's columns and dtypes do not depend on whether a call was scored
    (tmp_path / "empty.txt").write_bytes(b"")
    failed = batch.score_paths([tmp_path / "empty.txt"])
    scored = batch.score_paths([SAMPLES / GOOD[0]])
    assert list(failed["status"]) == ["error"]
    assert list(failed.columns) == list(scored.columns)
    assert dict(failed.dtypes) == dict(scored.dtypes)
    assert str(failed["tracker_pricing_seller"].dtype) == "Int64" and failed["tracker_pricing_seller"].isna().all()
    assert not any(c.startswith("tracker_") for c in batch.score_paths([tmp_path / "empty.txt"], trackers="none").columns)


def test_batch_worker_count_does_not_change_the_output(good_folder, tmp_path):
    root, _ = good_folder
    files = batch.discover([root])
    one = batch.score_to_file(files, tmp_path / "one.jsonl", engine="sequential")
    two = batch.score_to_file(files, tmp_path / "two.jsonl", engine="process", workers=2)
    small_window = list(batch.iter_rows(files, engine="process", workers=2, window=2))
    assert one.calls == two.calls == len(files)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert small_window == read_jsonl(tmp_path / "one.jsonl")


def crash_on_marker(path, expected=None, options=None):
    """A work function whose worker process dies on one file (for the pool's recovery)."""
    if Path(path).name.startswith("crash"):
        os._exit(1)
    return batch.score_path(path, expected, options)


def test_batch_process_pool_sends_calls_in_chunks_and_keeps_their_order(good_folder):
    root, _ = good_folder
    files = batch.discover([root])
    tasks = [(p, None) for p in files]
    one_by_one = list(batch.iter_rows(files, engine="sequential"))
    for chunk, window in ((3, 4), (2, 16), (len(files) + 1, 16)):
        assert list(engines._process_rows(tasks, batch.BatchOptions(), 2, window, chunk=chunk)) == one_by_one
    assert list(engines._chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(engines._chunks([], 3)) == []


@pytest.mark.parametrize("chunk", [1, 3])
def test_batch_process_pool_survives_a_dying_worker(good_folder, tmp_path, chunk):
    root, _ = good_folder
    crash = tmp_path / "crash.txt"
    crash.write_text("Dana: hello\n")
    files = sorted(batch.discover([root]) + [str(crash)])
    tasks = [(p, None) for p in files]
    rows = list(engines._process_rows(tasks, batch.BatchOptions(), 2, 4, work=crash_on_marker, chunk=chunk))
    assert [r["path"] for r in rows] == files
    by_path = {r["path"]: r for r in rows}
    assert by_path[str(crash)]["status"] == "error"
    assert "worker process died" in by_path[str(crash)]["error"]
    assert sum(r["status"] == "ok" for r in rows) == len(files) - 1


def test_batch_analyzer_setup_error_stops_the_run(good_folder, tmp_path):
    root, _ = good_folder
    options = batch.BatchOptions(base_model="en_no_such_pipeline")
    with pytest.raises(batch.AnalyzerSetupError, match="en_no_such_pipeline"):
        batch.score_to_file(batch.discover([root]), tmp_path / "out.jsonl", options, engine="sequential")
    assert not (tmp_path / "out.jsonl").exists()


def test_batch_resolve_engine():
    assert batch.resolve_engine(None, 1, None) == ("sequential", 1)
    assert batch.resolve_engine(None, 3, None) == ("process", 3)
    assert batch.resolve_engine(None, 2, "tcp://h:8786") == ("dask", 2)
    with pytest.raises(ValueError, match="dask engine"):
        batch.resolve_engine("process", 2, "tcp://h:8786")
    with pytest.raises(ValueError, match="at least 1"):
        batch.resolve_engine(None, 0, None)


@pytest.mark.skipif("forkserver" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork server here")
def test_batch_workers_fork_from_a_server_that_loaded_the_pipeline_modules_once():
    import subprocess
    import sys

    assert engines.worker_context().get_start_method() == "forkserver"
    code = (
        "import sys\n"
        "import analyzer.batch.preload\n"
        "from analyzer.nlp.learned import load_models\n"
        "models = load_models('default')\n"
        "assert models and all('not read yet' not in repr(m) for m in models.values())\n"
        "print(sorted(m for m in ('spacy', 'sklearn', 'scipy', 'pandas', 'skops') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['spacy']"  # what scoring needs, and nothing only training needs



@pytest.mark.skipif("forkserver" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork server here")
def test_batch_start_workers_early_starts_the_fork_server_only_for_the_process_engine():
    import subprocess
    import sys

    code = (
        "import multiprocessing.forkserver as fs\n"
        "from analyzer import batch\n"
        "if __name__ == '__main__':\n"
        "    batch.start_workers_early('sequential', 1, None)\n"
        "    batch.start_workers_early(None, 1, None)\n"
        "    before = fs._forkserver._forkserver_pid\n"
        "    batch.start_workers_early(None, 2, None)\n"
        "    print(before is None, fs._forkserver._forkserver_pid is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]


# --- writers -------------------------------------------------------------------


def _read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".jsonl":
        return pd.DataFrame(read_jsonl(path))
    if path.suffix == ".csv":
        return pd.read_csv(path)
    return pd.read_parquet(path)


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".parquet"])
def test_batch_score_to_file_formats(folder, tmp_path, ext):
    root, expected = folder
    out = tmp_path / f"scores{ext}"
    run = batch.score_to_file(batch.discover([root]), out, engine="sequential")
    assert (run.calls, run.ok, run.failed) == (len(expected["good"]) + len(expected["bad"]), len(expected["good"]), len(expected["bad"]))
    df = _read_output(out)
    assert list(df.columns)[: len(batch.columns())] == list(batch.columns())
    assert all(c.startswith("tracker_") for c in list(df.columns)[len(batch.columns()) :])  # then each tracker's
    assert list(df["path"]) == sorted(expected["good"] + expected["bad"])
    assert set(df.loc[df.status == "error", "path"]) == set(expected["bad"])
    ok = df[df.status == "ok"].set_index("path")
    reference = batch.score_paths(expected["good"]).set_index("path")
    assert (ok["words"].astype(int) == reference["words"].astype(int)).all()
    assert ok["seller_talk_share"].astype(float).round(4).tolist() == reference["seller_talk_share"].round(4).tolist()
    # No journal or temporary file left behind; the lock file stays, empty of any
    # run's record (an flock lock file is not removed: see analyzer/batch/outputs.py).
    assert not [p for p in tmp_path.glob(".*") if not p.name.endswith(".lock")]


def test_batch_parquet_types_and_row_groups(good_folder, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    root, expected = good_folder
    monkeypatch.setattr(writers, "ROW_GROUP_ROWS", 3)
    out = tmp_path / "scores.parquet"
    batch.score_to_file(batch.discover([root]), out, engine="sequential")
    meta = pq.ParquetFile(out)
    assert meta.metadata.num_row_groups == -(-len(expected["good"]) // 3)
    schema = meta.schema_arrow
    assert str(schema.field("words").type) == "int64"
    assert str(schema.field("score").type) == "double"
    assert str(schema.field("timed").type) == "bool"
    assert str(schema.field("error").type) == "string"


def test_batch_jsonl_is_valid_after_every_row(good_folder, tmp_path):
    root, _ = good_folder
    out = tmp_path / "scores.jsonl"
    seen: list[int] = []

    def check(row):
        seen.append(len(read_jsonl(out)))  # every line parses, at every step

    batch.score_to_file(batch.discover([root]), out, engine="sequential", on_row=check, fsync_seconds=0)
    assert seen == list(range(1, len(seen) + 1))


def test_batch_unknown_output_extension(tmp_path):
    with pytest.raises(ValueError, match="output format"):
        batch.output_format(tmp_path / "scores.xlsx")


# --- resume --------------------------------------------------------------------


def test_batch_resume_skips_unchanged_calls_and_rescores_changed_ones(good_folder, tmp_path):
    root, expected = good_folder
    calls = tmp_path / "calls"
    shutil.copytree(root, calls)
    out = tmp_path / "scores.jsonl"
    batch.score_to_file(batch.discover([calls]), out, engine="sequential")
    first = {r["path"]: r for r in read_jsonl(out)}
    changed = Path(sorted(first)[1])
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    added = calls / "team-a" / "zz-added.txt"
    shutil.copy(SAMPLES / "13-staffing-cold-call.txt", added)
    statuses: dict[str, str] = {}
    run = batch.score_to_file(
        batch.discover([calls]), out, engine="sequential", resume=True, on_row=lambda r: statuses.update({r["path"]: r["status"]})
    )
    assert statuses[str(changed)] == "ok" and statuses[os.path.normpath(added)] == "ok"
    assert run.skipped == len(first) - 1 and run.scored == 2
    rows = read_jsonl(out)
    paths = [r["path"] for r in rows]
    assert paths == sorted(set(paths)) and len(paths) == len(first) + 1  # once each, in order
    assert {r["path"]: r["sha256"] for r in rows}[str(changed)] != first[str(changed)]["sha256"]


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".parquet"])
def test_batch_resume_after_a_kill_loses_and_repeats_nothing(good_folder, tmp_path, ext):
    """A run killed part-way: the journal has some rows and half a line; resume finishes it."""
    root, _ = good_folder
    files = batch.discover([root])
    clean = tmp_path / f"clean{ext}"
    batch.score_to_file(files, clean, engine="sequential")
    ref = tmp_path / "ref.jsonl"
    batch.score_to_file(files, ref, engine="sequential")
    lines = ref.read_bytes().splitlines(keepends=True)
    out = tmp_path / f"scores{ext}"
    journal = batch.journal_path(out)
    journal.write_bytes(b"".join(lines[:3]) + lines[3][:40])  # three rows, then a row cut short
    run = batch.score_to_file(files, out, engine="sequential", resume=True)
    assert run.skipped == 3 and run.scored == len(files) - 3
    assert _read_output(out).equals(_read_output(clean))
    assert not journal.exists() or ext == ".jsonl"


def test_batch_resume_from_a_finished_csv_keeps_its_rows(good_folder, tmp_path):
    root, _ = good_folder
    files = batch.discover([root])
    out = tmp_path / "scores.csv"
    batch.score_to_file(files[:3], out, engine="sequential")
    run = batch.score_to_file(files, out, engine="sequential", resume=True)
    assert (run.skipped, run.scored, run.calls) == (3, len(files) - 3, len(files))
    assert list(pd.read_csv(out)["path"]) == files


def test_batch_fail_fast_stops_at_the_first_error(folder, tmp_path):
    root, expected = folder
    files = batch.discover([root])
    out = tmp_path / "scores.jsonl"
    run = batch.score_to_file(files, out, engine="sequential", fail_fast=True)
    first_bad = next(i for i, p in enumerate(files) if p in expected["bad"])
    assert run.stopped and run.failed == 1
    assert [r["path"] for r in read_jsonl(out)] == files[: first_bad + 1]


# --- roles ---------------------------------------------------------------------


def test_batch_roles_by_name_apply_where_the_name_speaks(tmp_path):
    path = str(SAMPLES / "01-payroll-dental-discovery.txt")
    speakers = read_transcript(path).speakers
    roles = batch.RoleMap.build(sellers=["priya nair", "Someone Else"], buyers=["Nobody Here"])
    assert roles.for_call(path, speakers) == {"Priya Nair": "seller"}
    row = batch.score_path(path, options=batch.BatchOptions(roles=roles))
    assert row["status"] == "ok" and row["sellers"] == "Priya Nair"


def test_batch_roles_file_per_file(tmp_path):
    a = str(SAMPLES / "01-payroll-dental-discovery.txt")
    b = str(SAMPLES / "32-pilot-checkin-short.txt")
    roles_file = tmp_path / "roles.json"
    roles_file.write_text(json.dumps({
        "speakers": {"Priya Nair": "buyer", "Erin Cole": "buyer"},
        "files": {"samples/32-pilot-checkin-short.txt": {"erin cole": "seller", "Marty Fenwick": "buyer"}},
    }))  # fmt: skip
    roles = batch.read_batch_roles(roles_file)
    assert roles.for_call(a, read_transcript(a).speakers) == {"Priya Nair": "buyer"}
    assert roles.for_call(b, read_transcript(b).speakers) == {"Erin Cole": "seller", "Marty Fenwick": "buyer"}
    rows = batch.score_paths([a, b], roles=roles_file).set_index("path")
    assert (rows["status"] == "ok").all()
    assert rows.loc[a, "buyers"] == "Priya Nair" and rows.loc[a, "sellers"] == "Tammy Boyd"
    assert rows.loc[b, "sellers"] == "Erin Cole" and not rows.loc[b, "roles_inferred"]


def test_batch_roles_file_csv_with_files(tmp_path):
    f = tmp_path / "roles.csv"
    f.write_text("file,speaker,role\nacme.vtt,Dana,seller\n,Sam,buyer\n")
    roles = batch.read_batch_roles(f)
    assert roles.speakers == {"Sam": "buyer"} and roles.files == {"acme.vtt": {"Dana": "seller"}}
    assert roles.for_call("calls/x/acme.vtt", ("Dana", "Sam")) == {"Dana": "seller", "Sam": "buyer"}
    assert roles.for_call("calls/x/other.vtt", ("Dana", "Sam")) == {"Sam": "buyer"}


@pytest.mark.parametrize(
    "content,suffix,code",
    [
        ('{"Dana": "boss"}', ".json", "E202"),
        ('{"Dana": ', ".json", "E205"),
        ("name,part\nDana,seller\n", ".csv", "E206"),
        ('{"files": {"a.vtt": {"Dana": 3}}}', ".json", "E205"),
    ],
)
def test_batch_roles_file_errors(tmp_path, content, suffix, code):
    f = tmp_path / f"roles{suffix}"
    f.write_text(content)
    with pytest.raises(RolesError, match=code):
        batch.read_batch_roles(f)


def test_batch_roles_conflict():
    with pytest.raises(RolesError, match="E203"):
        batch.RoleMap.build(sellers=["Dana"], buyers=["Dana"])


def test_batch_per_file_roles_naming_a_stranger_is_an_error_row(tmp_path):
    path = str(SAMPLES / "01-payroll-dental-discovery.txt")
    roles = batch.RoleMap(files={"01-payroll-dental-discovery.txt": {"Not A Speaker": "seller"}})
    row = batch.score_path(path, options=batch.BatchOptions(roles=roles))
    assert row["status"] == "error" and "E201" in row["error"]


# --- score_dataframe -------------------------------------------------------------


def _cue_table(names: list[str]) -> pd.DataFrame:
    rows = []
    for name in names:
        t = read_transcript(SAMPLES / name)
        for turn in t.turns:
            rows.append({"call": name, "who": turn.speaker, "said": turn.text, "start": turn.start, "end": turn.end})
    return pd.DataFrame(rows)


def test_batch_score_dataframe_matches_the_file_analysis(analyzer):
    names = ["05-freight-brokerage-demo.vtt", "01-payroll-dental-discovery.txt"]
    df = _cue_table(names).sample(frac=1.0, random_state=3)  # order within a call comes from start
    timed = df[df.call == names[0]]
    untimed = df[df.call == names[1]].sort_index().drop(columns=["start", "end"])
    out = batch.score_dataframe(timed, call_id="call", speaker="who", text="said")
    assert list(out.columns[: len(batch.DATAFRAME_COLUMNS)]) == list(batch.DATAFRAME_COLUMNS)
    row = out.iloc[0]
    ref = analyzer.analyze_file(SAMPLES / names[0]).to_row()
    assert row["status"] == "ok"
    for key in ("words", "speakers", "sellers", "buyers", "buyer_questions", "pitch_dumps", "if_then_closes"):
        assert row[key] == ref[key], key
    assert row["seller_talk_share"] == pytest.approx(ref["seller_talk_share"], abs=0.02)
    out2 = batch.score_dataframe(untimed, call_id="call", speaker="who", text="said")
    ref2 = analyzer.analyze_file(SAMPLES / names[1]).to_row()
    assert out2.iloc[0]["words"] == ref2["words"] and out2.iloc[0]["seller_talk_share"] == ref2["seller_talk_share"]
    assert bool(out2.iloc[0]["timed"]) is False


def test_batch_score_dataframe_one_row_per_call_and_error_rows():
    df = pd.DataFrame(
        {
            "call_id": ["b", "b", "a", "a", "c"],
            "speaker": ["Dana", "Sam", "Dana", "Sam", "Dana"],
            "text": ["Hi Sam, how is the rollout going?", "Slowly, we lack people.", "Hello!", "Hi there.", "   "],
            "role": ["seller", "buyer", None, None, None],
        }
    )
    out = batch.score_dataframe(df, role="role")
    assert list(out["call_id"]) == ["a", "b", "c"]
    assert list(out["status"]) == ["ok", "ok", "error"]
    assert "E102" in out.iloc[2]["error"]
    b = out.set_index("call_id").loc["b"]
    assert b["sellers"] == "Dana" and b["buyers"] == "Sam"
    assert not b["roles_inferred"] and not b["timed"]
    assert out.set_index("call_id").loc["a", "roles_inferred"]


@pytest.mark.parametrize(
    "start,end,code",
    [
        ([0.0, 2.0], [-1.0, 3.0], r"\[E120\] x, line 1: expected a time in seconds in column 'end'"),
        (["soon", "later"], [1.0, 3.0], r"\[E120\] x, line 1: expected a time in seconds in column 'start'"),
        ([0.0, float("inf")], [1.0, float("inf")], r"\[E120\] x, line 2: .*column 'start'"),
        ([0.0, 5.0], [1.0, 3.0], r"\[E121\] x, line 2: expected an end time after the start time"),
    ],
    ids=["negative", "not-a-number", "infinite", "end-before-start"],
)
def test_batch_score_dataframe_bad_times_are_error_rows(start, end, code):
    """Times a CSV transcript refuses (E120, E121) make an error row, not a call timed with them."""
    df = pd.DataFrame({"call_id": ["x", "x", "y"], "speaker": ["Dana", "Sam", "Dana"],
                       "text": ["How do you track renewals today?", "In a spreadsheet.", "Hello there."],
                       "start": start + [0.0], "end": end + [1.0]})
    out = batch.score_dataframe(df).set_index("call_id")
    assert out.loc["x", "status"] == "error"
    assert re.search(code, out.loc["x", "error"]), out.loc["x", "error"]
    assert out.loc["y", "status"] == "ok"


@pytest.mark.parametrize(
    "speaker,code",
    [
        (None, r"\[E124\] x, line 2: expected a speaker name, found 'In a spreadsheet\.'"),
        ("   ", r"\[E124\] x, line 2: expected a speaker name"),
        ("Sa\x1bm", r"\[E125\] x, line 2: expected a speaker name of printable characters, found 'a control character"),
    ],
    ids=["missing", "blank", "control-character"],
)
def test_batch_score_dataframe_cue_without_a_speaker_is_an_error_row(speaker, code):
    """A cue whose words name no speaker, or a name a CSV transcript refuses (E124, E125),
    makes an error row, not a speaker with no name."""
    df = pd.DataFrame({"call_id": ["x", "x", "x", "y", "y"], "speaker": ["Dana", speaker, "Dana", "Dana", None],
                       "text": ["How do you track renewals today?", "In a spreadsheet.", "Who owns it?", "Hello there.", ""]})
    out = batch.score_dataframe(df).set_index("call_id")
    assert out.loc["x", "status"] == "error"
    assert re.search(code, out.loc["x", "error"]), out.loc["x", "error"]
    assert out.loc["y", "status"] == "ok"  # a row with neither words nor a speaker loses nothing


def test_batch_score_dataframe_cues_without_a_call_id_are_an_error_row():
    """Cues whose call id is empty belong to no known call: one error row
    (E127) that counts them, not a call named "nan" made of them."""
    df = pd.DataFrame({"call_id": ["x", "x", None, float("nan"), "  "], "speaker": ["Dana", "Sam", "Dana", "Sam", "Dana"],
                       "text": ["How do you track renewals today?", "In a spreadsheet.", "Hi.", "Hello.", "Bye."]})
    out = batch.score_dataframe(df)
    assert sorted(out["status"]) == ["error", "error", "ok"]
    errors = sorted(out.loc[out["status"] == "error", "error"])
    assert re.search(r"\[E127\] <no call id>: expected a call id on every cue .*found '1 cue with an empty call id'", errors[0])
    assert re.search(r"found '2 cues with an empty call id'", errors[1])


def test_batch_score_dataframe_has_the_tracker_columns_of_to_row(analyzer):
    df = pd.DataFrame(
        {
            "call_id": ["a", "a", "b"],
            "speaker": ["Dana", "Sam", "Dana"],
            "text": ["What would the price be per seat for your team?", "We'd want a discount.", "   "],
        }
    )
    out = batch.score_dataframe(df, sellers=["Dana"]).set_index("call_id")
    ref = analyzer.analyze_text("Dana: What would the price be per seat for your team?\nSam: We'd want a discount.", sellers=["Dana"]).to_row()
    trackers = [k for k in ref if k.startswith("tracker_")]
    assert trackers and all(c in out.columns for c in trackers)
    assert {k: int(out.loc["a", k]) for k in trackers} == {k: ref[k] for k in trackers}
    assert out.loc["a", "tracker_pricing_seller"] == 2 and out.loc["a", "tracker_pricing_buyer"] == 1
    assert str(out["tracker_pricing_seller"].dtype) == "Int64" and pd.isna(out.loc["b", "tracker_pricing_seller"])


def test_batch_score_dataframe_missing_column():
    with pytest.raises(KeyError, match="speaker"):
        batch.score_dataframe(pd.DataFrame({"call_id": [1], "text": ["x"]}))
    with pytest.raises(KeyError, match="begin"):
        batch.score_dataframe(pd.DataFrame({"call_id": [1], "speaker": ["A"], "text": ["x"]}), start="begin")


def test_batch_lazy_exports():
    import analyzer

    assert analyzer.score_paths is batch.score_paths
    assert analyzer.score_dataframe is batch.score_dataframe
    assert {"score_paths", "score_dataframe"} <= set(analyzer.__all__)


# --- summary ---------------------------------------------------------------------


SUMMARY_ROWS = [
    {"status": "ok", "sellers": "Dana", "score": 20.0, "seller_talk_share": 0.70, "buyer_questions": 1, "pitch_dumps": 2, "if_then_closes": 0},
    {"status": "ok", "sellers": "Dana", "score": 60.0, "seller_talk_share": 0.50, "buyer_questions": 4, "pitch_dumps": 0, "if_then_closes": 1},
    {"status": "ok", "sellers": "Dana; Kim", "score": 40.0, "seller_talk_share": 0.62, "buyer_questions": 3, "pitch_dumps": 1, "if_then_closes": 2},
    {"status": "ok", "sellers": "Kim", "score": None, "seller_talk_share": None, "buyer_questions": 0, "pitch_dumps": 0, "if_then_closes": 0},
    {"status": "ok", "sellers": "", "score": 90.0, "seller_talk_share": 0.2, "buyer_questions": 5, "pitch_dumps": 0, "if_then_closes": 0},
    {"status": "error", "sellers": None, "score": None, "error": "bad"},
]  # fmt: skip


def test_batch_summary_figures_against_hand_computed():
    summary = batch.SellerSummary()
    for row in SUMMARY_ROWS:
        summary.add(row)
    rows = {r["seller"]: r for r in summary.rows()}
    assert list(rows) == [batch.NO_SELLER, "Dana", "Kim"]
    dana = rows["Dana"]
    # Dana: scores 20, 60, 40 -> mean 40, median 40; shares .70 .50 .62 -> median .62;
    # questions 1+4+3 = 8 over 3 calls; pitch dumps 3 (1 a call); closes 3 (1 a call)
    assert dana == {
        "seller": "Dana", "calls": 3, "mean_score": 40.0, "median_score": 40.0,
        "median_seller_talk_share": 0.62, "buyer_questions_per_call": 2.67,
        "pitch_dumps": 3, "pitch_dumps_per_call": 1.0, "if_then_closes": 3, "if_then_closes_per_call": 1.0,
        "roles_to_check": 0,
    }  # fmt: skip
    kim = rows["Kim"]
    # Kim: one call with a score of 40 and one with none: mean = median = 40;
    # talk share .62 only; questions 3 over 2 calls; 1 pitch dump; 2 closes
    assert kim["calls"] == 2 and kim["mean_score"] == 40.0 and kim["median_score"] == 40.0
    assert kim["median_seller_talk_share"] == 0.62 and kim["buyer_questions_per_call"] == 1.5
    assert (kim["pitch_dumps"], kim["if_then_closes"]) == (1, 2)
    head = summary.headline()
    # every ok call once: scores 20 60 40 90 -> mean 52.5, median 50; shares .7 .5 .62 .2 -> median .56
    assert head["calls"] == 5 and head["sellers"] == 2
    assert head["mean_score"] == 52.5 and head["median_score"] == 50.0
    assert head["median_seller_talk_share"] == pytest.approx(0.56)
    assert head["buyer_questions_per_call"] == round(13 / 5, 2) and head["pitch_dumps"] == 3 and head["if_then_closes"] == 3


def test_batch_summary_of_a_run_matches_its_rows(good_folder, tmp_path):
    root, _ = good_folder
    run = batch.score_to_file(batch.discover([root]), tmp_path / "s.jsonl", engine="sequential")
    rows = read_jsonl(tmp_path / "s.jsonl")
    df = batch.summarize(pd.DataFrame(rows))
    # (pandas holds a missing mean score as NaN, the summary as None)
    expected = pd.DataFrame(run.summary.rows(), columns=df.columns)
    pd.testing.assert_frame_equal(df.reset_index(drop=True), expected, check_dtype=False)
    from analyzer.speakers import seller_key

    for seller in df.itertuples():
        mine = [r for r in rows if seller.seller in [seller_key(n, r["path"]) for n in r["sellers"].split("; ")]]
        assert seller.calls == len(mine)
        assert seller.median_seller_talk_share == round(statistics.median(r["seller_talk_share"] for r in mine), 3)
        assert seller.pitch_dumps == sum(r["pitch_dumps"] for r in mine)


@pytest.mark.parametrize("ext", [".csv", ".jsonl", ".parquet"])
def test_batch_write_summary_table(tmp_path, ext):
    summary = batch.SellerSummary()
    for row in SUMMARY_ROWS:
        summary.add(row)
    out = tmp_path / f"summary{ext}"
    batch.write_table(summary.rows(), out, batch.SUMMARY_COLUMNS)
    df = _read_output(out)
    assert list(df.columns) == list(batch.SUMMARY_COLUMNS)
    assert list(df["seller"]) == [batch.NO_SELLER, "Dana", "Kim"]
    assert df.set_index("seller").loc["Dana", "mean_score"] == 40.0


def test_batch_report_paths_do_not_collide(tmp_path):
    names = ["col/a/b.csv", "col/a__b.csv", "col/x y.csv", "col/x_y.csv"]
    paths = {batch.report_path(tmp_path, n) for n in names}
    assert len(paths) == len(names)


_KILLED_RUN = """
import os, signal, sys
from concurrent.futures import ProcessPoolExecutor
from analyzer.batch.engines import worker_context
from analyzer.batch.options import BatchOptions
from analyzer.batch.work import init_worker

if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, mp_context=worker_context(), initializer=init_worker, initargs=(BatchOptions(), os.getpid()))
    print(pool.submit(os.getpid).result(), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # as `kill -9` of a run, with its pool running
"""


def test_batch_workers_end_when_the_run_is_killed(tmp_path):
    """A run killed with SIGKILL cannot stop its pool: each worker sees the
    run's process gone and ends itself (a worker forked from a fork server
    has the server, not the run, for its parent)."""
    import subprocess
    import sys
    import time

    from analyzer.batch.work import _alive

    script = tmp_path / "run.py"
    script.write_text(_KILLED_RUN, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 30  # (the worker looks once a second)
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker)


def test_batch_alive_tells_a_running_process_from_an_ended_one():
    import subprocess
    import sys

    from analyzer.batch.work import _alive

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert _alive(os.getpid()) and not _alive(child.pid)


def test_batch_settings_fingerprint_of_the_shipped_trackers_however_given():
    """The library passes the shipped trackers as a set, the command line as
    none: the same settings, the same fingerprint (and rows one run resumes)."""
    from analyzer.batch.options import BatchOptions, settings_fingerprint
    from analyzer.trackers import resolve_trackers

    shipped = settings_fingerprint(BatchOptions())
    assert settings_fingerprint(BatchOptions(trackers=resolve_trackers("default"))) == shipped
    assert settings_fingerprint(BatchOptions(trackers=resolve_trackers("none"))) != shipped


def test_batch_roles_file_entry_that_names_two_calls_is_refused(tmp_path):
    """A roles file's entry by file name alone, where two folders of the run
    hold a call of that name, could mean either: refused before any call is
    scored (E207), as a manifest's is; its folder makes it one call's."""
    from analyzer.errors import RolesError

    name = "01-payroll-dental-discovery.txt"
    for folder in ("a", "b"):
        (tmp_path / "calls" / folder).mkdir(parents=True)
        shutil.copy(SAMPLES / name, tmp_path / "calls" / folder / name)
    with pytest.raises(RolesError, match=r"\[E207\] the roles file's entry '01-payroll-dental-discovery.txt' names 2 calls"):
        batch.score_paths([tmp_path / "calls"], roles=batch.RoleMap(files={name: {"Priya Nair": "seller"}}))
    df = batch.score_paths([tmp_path / "calls"], roles=batch.RoleMap(files={f"a/{name}": {"Priya Nair": "seller"}}))
    assert list(df["status"]) == ["ok", "ok"]
