"""``callcoach score --trackers --manifest`` and ``evaluate --manifest``: tracker and metadata columns,
the dashboard's reps, resume, coded errors, and the score against outcomes.

The slow test scores 300 calls with 20 trackers (``pytest --slow``).
"""
from __future__ import annotations

import csv
import re
import json
import shutil
from pathlib import Path

import pytest

from analyzer.cli import EXIT_INPUT_ERROR
from helpers import SAMPLES, invoke, model_free

CALLS = ("01-payroll-dental-discovery.txt", "07-hr-analytics-demo.vtt", "21-kitchen-remodel-consult.json")
REPS = (("Priya Nair", "East", "discovery", "won"), ("Jordan Blake", "West", "demo", "lost"), ("Dana Reyes", "East", "discovery", "won"))


def twenty_trackers(path: Path) -> Path:
    """20 trackers, the first few with words the sample calls say."""
    words = ["payroll", "price", "budget", "timeline", "demo", "renewal", "kitchen", "security", "integration", "team"]
    lines = [{"name": f"t{i:02d}_{w}", "phrases": [w, f"{w}s"]} for i, w in enumerate(words)]
    lines += [{"name": f"t{i:02d}_unused", "side": "buyer", "phrases": [f"nothing{i}"]} for i in range(10, 20)]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    for name in CALLS:
        shutil.copy(SAMPLES / name, calls / name)
    shutil.copy(SAMPLES / "05-freight-brokerage-demo.vtt", calls / "2026-11-17 freight demo.vtt")  # dated by its name
    manifest = tmp_path / "calls.csv"
    with open(manifest, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "date", "rep", "team", "call_type", "outcome", "account"])
        for k, (name, (rep, team, kind, outcome)) in enumerate(zip(CALLS, REPS)):
            w.writerow([f"calls/{name}", f"2026-11-{3 + 7 * k:02d}", rep, team, kind, outcome, f"Account {k}"])
    return calls, manifest, twenty_trackers(tmp_path / "trackers.jsonl")


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {Path(r["path"]).name: r for r in csv.DictReader(fh)}


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_batch_tracker_columns_when_every_call_fails(runner, folder, tmp_path, ext):
    _, _, trackers = folder
    calls = tmp_path / "broken"
    calls.mkdir()
    (calls / "empty.txt").write_bytes(b"")
    out = tmp_path / f"scores.{ext}"
    invoke(runner, "score", calls, "-o", out, "--trackers", trackers, "--no-model", "--workers", "1", "-q", code=1)
    if ext == "csv":
        with open(out, newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
    else:
        import pandas as pd

        frame = pd.read_parquet(out)
        header = list(frame.columns)
        assert str(frame["tracker_t00_payroll_seller"].dtype) == "Int64"
    tracker_cols = [c for c in header if c.startswith("tracker_")]
    assert len(tracker_cols) == 40 and tracker_cols[:2] == ["tracker_t00_payroll_seller", "tracker_t00_payroll_buyer"]
    assert header.index("account") < header.index(tracker_cols[0])


def test_batch_default_tracker_names_are_the_shipped_set():
    from analyzer.trackers import default_tracker_names, default_trackers

    assert default_tracker_names() == default_trackers().names


def test_batch_trackers_and_manifest_columns(runner, folder, tmp_path):
    calls, manifest, trackers = folder
    out = tmp_path / "scores.csv"
    invoke(runner, "score", calls, "-o", out, "--trackers", trackers, "--manifest", manifest, "--no-model", "--workers", "1", "-q")
    rows = read_csv(out)
    assert len(rows) == 4
    header = list(next(iter(rows.values())))
    tracker_cols = [c for c in header if c.startswith("tracker_")]
    assert len(tracker_cols) == 40 and tracker_cols[:2] == ["tracker_t00_payroll_seller", "tracker_t00_payroll_buyer"]
    assert header.index("account") < header.index(tracker_cols[0])
    dental = rows["01-payroll-dental-discovery.txt"]
    assert (dental["date"], dental["rep"], dental["team"], dental["call_type"], dental["outcome"], dental["account"]) == (
        "2026-11-03", "Priya Nair", "East", "discovery", "won", "Account 0",
    )  # fmt: skip
    assert rows["2026-11-17 freight demo.vtt"]["date"] == "2026-11-17" and rows["2026-11-17 freight demo.vtt"]["rep"] == ""
    # the counts are the library's, call by call
    analyzer = model_free(trackers=trackers)
    result = analyzer.analyze_file(calls / "01-payroll-dental-discovery.txt")
    expected = {f"tracker_{t.name}_{side}": str(getattr(t, side)) for t in result.trackers for side in ("seller", "buyer")}
    assert {k: dental[k] for k in expected} == expected
    assert int(dental["tracker_t00_payroll_seller"]) + int(dental["tracker_t00_payroll_buyer"]) > 0


def test_batch_trackers_change_the_settings_on_resume(runner, folder, tmp_path):
    calls, manifest, trackers = folder
    out = tmp_path / "scores.jsonl"
    invoke(runner, "score", calls, "-o", out, "--no-model", "--workers", "1", "-q")
    again = invoke(runner, "score", calls, "-o", out, "--no-model", "--workers", "1", "--resume", "--json")
    assert json.loads(again.stdout)["already_in_output"] == 4
    other = invoke(runner, "score", calls, "-o", out, "--no-model", "--workers", "1", "--resume", "--trackers", trackers, "--json")
    assert json.loads(other.stdout)["already_in_output"] == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all("tracker_t00_payroll_seller" in r for r in rows)


@pytest.mark.parametrize(
    "option,name,text,error",
    [
        ("--trackers", "bad.toml", '[[tracker]]\nname = "ok"\nphrases = ["x"]\n\n[[tracker]]\nname = "Bad Name"\nphrases = ["y"]\n', "[E342] {}, line 5"),
        ("--manifest", "m.csv", "path,date\ncalls/a.vtt,2026-11-03\ncalls/b.vtt,next tuesday\n", "[E352] {}, line 3"),
    ],
    ids=["trackers-bad-name", "manifest-bad-date"],
)
def test_batch_bad_side_file_stops_before_any_work(runner, folder, tmp_path, option, name, text, error):
    calls, _, _ = folder
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "scores.csv"
    result = invoke(runner, "score", calls, "-o", out, option, bad, "--no-model", code=EXIT_INPUT_ERROR)
    assert error.format(bad) in result.stderr and not out.exists()


def test_batch_dashboard_shows_reps_and_trackers(runner, folder, tmp_path):
    calls, manifest, trackers = folder
    page = tmp_path / "dashboard.html"
    invoke(runner, "score", calls, "-o", tmp_path / "s.csv", "--trackers", trackers, "--manifest", manifest, "--html", page, "--no-model", "--workers", "1", "-q")
    html = page.read_text(encoding="utf-8")
    assert 'id="reps"' in html and 'id="tracker-table"' in html
    assert html.count('<article class="rep"') == 4  # three reps from the manifest, and the dated call's seller
    for rep in ("Priya Nair", "Jordan Blake", "Dana Reyes", "Marisol Vega"):
        assert re.search(rf'<h3 id="rep-\d+-h">(<bdi>)?{rep}(</bdi>)?</h3>', html), rep
    assert html.count('<tr>\n<th scope="row" data-col="name" data-value="t') == 20


def test_batch_evaluate_outcomes(runner, folder):
    calls, manifest, _ = folder
    data = json.loads(invoke(runner, "evaluate", calls, "--manifest", manifest, "--json", "--no-model").stdout)
    assert (data["calls"], data["won"], data["lost"], data["auc"], data["errors"]) == (3, 2, 1, None, [])
    assert data["median_talk_share_won"] is not None


def test_batch_evaluate_outcomes_needs_one(runner, folder, tmp_path):
    calls, _, _ = folder
    m = tmp_path / "m.csv"
    m.write_text("path,rep\ncalls/01-payroll-dental-discovery.txt,Priya\n", encoding="utf-8")
    result = invoke(runner, "evaluate", calls, "--manifest", m, "--no-model", code=EXIT_INPUT_ERROR)
    assert "no call" in result.stderr and "outcome" in result.stderr


@pytest.mark.slow
def test_batch_300_calls_20_trackers(runner, tmp_path):
    """Done when: a trackers file with 20 trackers works on a folder of 300 calls, with the figures in the
    CSV, the JSON and the dashboard."""
    sources = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.endswith(".gold.json"))
    calls = tmp_path / "calls"
    calls.mkdir()
    for i in range(300):
        src = sources[i % len(sources)]
        shutil.copy(src, calls / f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} call{i:03d}{src.suffix}")
    trackers = twenty_trackers(tmp_path / "t.jsonl")
    out_csv, out_jsonl, page = tmp_path / "s.csv", tmp_path / "s.jsonl", tmp_path / "d.html"
    invoke(runner, "score", calls, "-o", out_csv, "--trackers", trackers, "--html", page, "--no-model", "--workers", "2", "-q")
    invoke(runner, "score", calls, "-o", out_jsonl, "--trackers", trackers, "--no-model", "--workers", "2", "-q")
    rows = read_csv(out_csv)
    jsonl = {Path(r["path"]).name: r for r in map(json.loads, out_jsonl.read_text(encoding="utf-8").splitlines())}
    assert len(rows) == len(jsonl) == 300
    ok = [n for n, r in rows.items() if r["status"] == "ok"]
    assert len(ok) == 300
    for name in ok:
        for col in (c for c in rows[name] if c.startswith("tracker_")):
            assert int(rows[name][col]) == jsonl[name][col]
    assert all(rows[n]["date"] for n in ok)
    html = page.read_text(encoding="utf-8")
    assert 'id="tracker-table"' in html and 'id="reps"' in html
