"""Speaker and file names that a spreadsheet would run as formulas: neutralised in every CSV output, numbers untouched."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.batch.writers import guard_cell, unguard_cell
from analyzer.cli import EXIT_OK, main

SELLER = '=HYPERLINK("http://x","y")'
BUYER = "+1+cmd|' /C calc'!A0"
TURNS = [
    (SELLER, "Hi, thanks for taking the call. How are you handling renewals today?"),
    (BUYER, "Mostly by hand in spreadsheets, honestly, and it takes most of a week every quarter."),
    (SELLER, "What happens when a renewal slips through? Who notices first, and what does it cost you?"),
    (BUYER, "Finance notices at month end. We lost two accounts that way last year, which hurt."),
]


@pytest.mark.parametrize(
    "value,guarded",
    [
        ("=1+1", "'=1+1"), ("+1+cmd", "'+1+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("'=1", "''=1"), ("Dana", "Dana"), ("'quoted", "'quoted"),
        ("-12.5", "-12.5"), ("+3", "+3"), (-12.5, -12.5), (3, 3), (None, None), ("", ""),
    ],
)
def test_reliability_csv_guard_cell(value, guarded):
    assert guard_cell(value) == guarded
    assert unguard_cell(guard_cell(value)) == value


def _call(tmp_path: Path) -> Path:
    path = tmp_path / "=cmd.json"
    turns = [{"speaker": s, "text": t} for s, t in TURNS]
    path.write_text(json.dumps({"callcoach": 1, "turns": turns}), encoding="utf-8")
    return path


def _cells(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_reliability_csv_formulas_neutralised_in_output_and_summary(tmp_path, monkeypatch):
    _call(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["score", "=cmd.json", "-o", "out.csv", "--summary", "sellers.csv", "--seller", SELLER, "--workers", "1", "-q", "--no-model"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_OK, result.output
    row = _cells(tmp_path / "out.csv")[0]
    assert row["path"] == "'=cmd.json"
    assert row["sellers"] == "'" + SELLER and row["buyers"] == "'" + BUYER
    assert int(row["words"]) > 0 and float(row["seller_talk_share"]) > 0  # numbers as numbers
    summary = _cells(tmp_path / "sellers.csv")[0]
    assert summary["seller"] == "'" + SELLER and summary["calls"] == "1"
    for table in (tmp_path / "out.csv", tmp_path / "sellers.csv"):
        for cells in _cells(table):
            assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in cells.values())

    again = CliRunner().invoke(main, [*args, "--resume"])
    assert again.exit_code == EXIT_OK, again.output
    assert _cells(tmp_path / "out.csv") == [row]  # read back and matched by its real path: kept, not scored twice


def test_reliability_csv_raw_option_writes_text_as_it_is(tmp_path, monkeypatch):
    _call(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["score", "=cmd.json", "-o", "out.csv", "--seller", SELLER, "--workers", "1", "-q", "--no-model", "--raw-csv"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_OK, result.output
    row = _cells(tmp_path / "out.csv")[0]
    assert row["path"] == "=cmd.json" and row["sellers"] == SELLER and row["buyers"] == BUYER
