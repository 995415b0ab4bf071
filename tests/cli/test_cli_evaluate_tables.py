"""Side-by-side tables keep every column readable when the output is a file or a pipe."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from analyzer.cli import main
from analyzer.cli.common import PIPED_TABLE_WIDTH

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_cli_evaluate_side_by_side_table_is_whole_when_piped():
    gold = [str(p) for p in sorted(SAMPLES.glob("0[1-2]-*.gold.json"))]
    result = CliRunner().invoke(main, ["evaluate", *gold, "--asr"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("unpunctuated" in line for line in lines) and not any("…" in line for line in lines)
    micro = next(line for line in lines if line.lstrip().startswith("all (micro)"))
    assert len([cell for cell in micro.split() if cell.replace(".", "").isdigit()]) == 7  # gold and six figures
    assert max(map(len, lines)) <= PIPED_TABLE_WIDTH
    assert "role inference accuracy: punctuated" in result.stdout


def test_cli_evaluate_details_list_both_forms_side_by_side():
    gold = [str(p) for p in sorted(SAMPLES.glob("0[1-2]-*.gold.json"))]
    result = CliRunner().invoke(main, ["evaluate", *gold, "--asr", "--details", "--taggers", "none", "--no-model"])
    assert result.exit_code == 0, result.output
    listed = [line for line in result.stdout.splitlines() if line.startswith(("MISS ", "FALSE "))]
    forms = {line.split()[1] for line in listed}
    assert forms == {"punctuated", "unpunctuated"}, listed
    # One line per error the table counts, in each form.
    as_json = CliRunner().invoke(main, ["evaluate", *gold, "--asr", "--details", "--taggers", "none", "--no-model", "--json"])
    data = json.loads(as_json.stdout)
    for form in ("punctuated", "unpunctuated"):
        errors = sum(len(c["misses"]) + len(c["false_alarms"]) for c in data[form]["per_call"])
        counted = sum(t["fn"] + t["fp"] for t in data[form]["tags"].values())
        assert errors == counted == sum(line.split()[1] == form for line in listed)


def test_cli_evaluate_refuses_options_it_would_leave_unused(tmp_path):
    gold = str(sorted(SAMPLES.glob("01-*.gold.json"))[0])
    manifest = tmp_path / "outcomes.csv"
    manifest.write_text("file,outcome\n", encoding="utf-8")
    cases = [
        (["--folds", "4"], "--folds goes with --cv"),
        (["--cv", "--details"], "with --cv each fold has its own"),
        (["--manifest", str(manifest), "--asr", "--details"], "takes no --asr, --details"),
    ]
    for options, message in cases:
        result = CliRunner().invoke(main, ["evaluate", gold, *options])
        assert result.exit_code == 2, (options, result.output)
        assert message in result.output, (options, result.output)
