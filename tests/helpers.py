"""Helpers shared by the tests (importable as ``helpers``; fixtures are in conftest.py)."""
from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from click.testing import CliRunner, Result

from analyzer.cli import EXIT_OK, main
from analyzer.roles import assign_roles
from analyzer.transcript import Cue, Transcript

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"

#: The speaker names the made-up calls use, and their roles. A call's
#: speakers that are named here get these roles as given roles; any other
#: speaker is inferred unless the test passes ``roles``.
DEFAULT_ROLES = {"Dana": "seller", "Sam": "buyer", "Kim": "seller", "Lee": "buyer", "Bot": "other"}

TurnSpec = Sequence[Any]  # (speaker, text) or (speaker, text, start, end)


def build_transcript(
    turns: Iterable[TurnSpec],
    roles: Mapping[str, str] | None = None,
    *,
    source: str = "<test>",
    format: str = "test",
    infer: bool = False,
) -> Transcript:
    """A transcript from ``(speaker, text[, start, end])`` tuples, with roles.

    roles (Mapping | None): given roles. Defaults to :data:`DEFAULT_ROLES`
        for the speakers of the call that it names.
    infer (bool): leave roles unassigned (``Transcript.from_cues`` only), for
        tests of role inference.
    """
    cues = []
    for n, spec in enumerate(turns, 1):
        speaker, text, *times = spec
        start, end = (times + [None, None])[:2]
        cues.append(Cue(speaker, text, start, end, line=n))
    transcript = Transcript.from_cues(cues, source=source, format=format)
    if infer:
        return transcript
    if roles is None:
        roles = {s: DEFAULT_ROLES[s] for s in transcript.speakers if s in DEFAULT_ROLES}
    return assign_roles(transcript, roles=roles)


def model_free(**kwargs: Any):
    """An analyzer that scores nothing: the tests of tags, metrics and feedback
    must not depend on whether a trained classifier is shipped in ``models/``."""
    from analyzer.analysis import Analyzer

    kwargs["model"] = None
    return Analyzer(**kwargs)


def cli_runner() -> CliRunner:
    """A CliRunner that keeps ``result.stderr`` apart from ``result.stdout``.

    click < 8.2 mixes stderr into the output unless told not to; later
    versions keep them apart and have no ``mix_stderr`` argument.
    """
    if "mix_stderr" in inspect.signature(CliRunner).parameters:
        return CliRunner(mix_stderr=False)
    return CliRunner()


def invoke(runner: CliRunner, *args: Any, code: int = EXIT_OK) -> Result:
    """``callcoach ARGS`` on a 200-column terminal; fails the test unless it exits with ``code``."""
    result = runner.invoke(main, [str(a) for a in args], env={"COLUMNS": "200"})
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr, result.exception)
    return result


def spawn_score(args: Sequence[Any], cwd: Path) -> subprocess.Popen:
    """``python -m analyzer score ARGS`` in a process (and session) of its own, for tests that kill it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "analyzer", "score", *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def sample_folder(tmp_path: Path, copies: int) -> Path:
    """``tmp_path/calls`` with ``copies`` copies of ``data/samples`` (``batch-0/``, ...; no gold sidecars)."""
    folder = tmp_path / "calls"
    for i in range(copies):
        shutil.copytree(SAMPLES, folder / f"batch-{i}", ignore=shutil.ignore_patterns("*.gold.json"))
    return folder


def complete_lines(path: Path) -> int:
    """How many lines ``path`` holds in full so far (a run's journal); 0 before it exists."""
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0
