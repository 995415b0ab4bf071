"""Worker processes and the script that starts them: refuse, before any work, a run they would repeat.

A worker process of the ``process`` engine (and of a local Dask cluster) is
spawned: it starts by importing the script that called
:func:`~analyzer.batch.frames.score_paths`. When that call sits at the
script's top level rather than under ``if __name__ == "__main__":``, every
worker would start the run again while it is still starting, and die.
:func:`check_main_guarded` finds that case from the script's own source
before a worker is started, and :class:`UnguardedScriptError` says how to
fix it in two lines.
"""
from __future__ import annotations

import ast
import multiprocessing
import os
import sys
from types import FrameType

from ..errors import CallcoachError


class UnguardedScriptError(CallcoachError, RuntimeError):
    """A run with worker processes was started from a script's top level, outside its main guard (E701)."""

    code = "E701"

    def __init__(self, script: str, line: int | None, what: str) -> None:
        self.script = script
        self.line = line
        where = f"{script}, line {line}" if line else script
        super().__init__(
            f"[E701] {where}: {what} was started at the top level of this script; each worker process "
            "starts by importing the script, so it would start the run again in every worker. Put the call "
            "under the main guard:\n\n"
            '    if __name__ == "__main__":\n'
            "        df = analyzer.score_paths(...)\n\n"
            "or pass workers=1 to score in this process."
        )


def check_main_guarded(what: str = "score_paths") -> None:
    """Raise :class:`UnguardedScriptError` when worker processes would re-run this run.

    That is: when this is itself a spawned worker importing the main script
    (the call was not guarded), or when the main script is running its top
    level and the line that led here is not under ``if __name__ == "__main__":``.
    Interactive sessions and notebooks (no script file) are fine.

    what (str): the call, as the message names it.
    """
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise UnguardedScriptError(script or "the main script", None, what)
    if main is None or not script or not os.path.isfile(script):
        return
    line = _top_level_line(sys._getframe(1), main.__dict__)
    if line is None:
        return
    try:
        with open(script, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), script)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return  # cannot tell: let the run go
    if not _under_main_guard(tree, line):
        raise UnguardedScriptError(script, line, what)


def _top_level_line(frame: FrameType | None, main_globals: dict) -> int | None:
    """The line of the main script's top level that is running now, if it is."""
    line = None
    while frame is not None:
        if frame.f_globals is main_globals and frame.f_code.co_name == "<module>":
            line = frame.f_lineno
        frame = frame.f_back
    return line


def _under_main_guard(tree: ast.Module, line: int) -> bool:
    """Whether ``line`` is inside an ``if`` that tests ``__name__`` against ``"__main__"``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _tests_main(node.test):
            end = getattr(node, "end_lineno", None) or line
            if node.lineno <= line <= end:
                return True
    return False


def _tests_main(test: ast.expr) -> bool:
    names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    strings = {n.value for n in ast.walk(test) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return "__name__" in names and "__main__" in strings
