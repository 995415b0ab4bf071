"""What a batch left out of the folders it was given, by reason, so that a run can say so.

:func:`count_left_out` walks the same folders as
:func:`~analyzer.batch.discover.discover` and counts every file it did not
take: hidden ones (a name starting with ``.``, a hidden folder counted once),
gold sidecars, files excluded by a pattern, files that match no
``--include`` pattern, files of other extensions (by extension, so that a
folder of ``.md`` notes or ``.m4a`` recordings says so), and links to folders
a run does not follow (each counted once).
"""
from __future__ import annotations

import os
from collections import Counter
from typing import Iterable, Sequence

from .discover import GOLD_SUFFIX, TRANSCRIPT_EXTENSIONS, _Glob

HIDDEN = "hidden"
GOLD = "gold sidecar"
EXCLUDED = "excluded by a pattern"
NOT_INCLUDED = "matching no include pattern"
SKIPPED_OUTPUT = "an output of this run"
LINKED_FOLDER = "a link to a folder (--follow-links follows it)"
UNREADABLE_FOLDER = "a folder that cannot be read"


def count_left_out(
    paths: Iterable[str | os.PathLike],
    taken: Iterable[str],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    hidden: bool = False,
    gold: bool = False,
    extensions: Sequence[str] = TRANSCRIPT_EXTENSIONS,
    follow_links: bool = False,
) -> dict[str, int]:
    """The files under the folders of ``paths`` that were not ``taken``, counted by reason.

    Parameters
    ----------
    paths : iterable of str or PathLike
        The files and folders given to the run (files given by name are always taken).
    taken : iterable of str
        The files the run takes (:func:`discover`).
    include, exclude, hidden, gold, extensions, follow_links
        As for :func:`discover`.

    Returns
    -------
    dict of str to int
        Reason to count, largest first; a file of another extension counts
        under ``"other extension (.md)"``. Empty when nothing was left out.
    """
    includes = [_Glob(g) for g in include if not g.startswith("!")]
    excludes = [_Glob(g) for g in exclude] + [_Glob(g[1:]) for g in include if g.startswith("!")]
    exts = tuple(e.lower() for e in extensions)
    taken_real = {os.path.realpath(p) for p in taken}
    counts: Counter[str] = Counter()
    for given in paths:
        root = os.path.normpath(os.fspath(given))
        if not os.path.isdir(root):
            continue
        seen = {os.path.realpath(root)}
        for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_links):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            keep = []
            for d in sorted(dirnames):
                if not hidden and d.startswith("."):
                    counts[HIDDEN] += 1
                elif any(g.match(rel_dir + d) for g in excludes):
                    counts[EXCLUDED] += 1
                elif not follow_links and os.path.islink(os.path.join(dirpath, d)):
                    counts[LINKED_FOLDER] += 1
                elif not follow_links or _first_visit(os.path.join(dirpath, d), seen):
                    keep.append(d)
            dirnames[:] = keep
            for name in filenames:
                path = os.path.join(dirpath, name)
                if os.path.realpath(path) in taken_real:
                    continue
                counts[_reason(rel_dir + name, name, includes, excludes, exts, hidden, gold)] += 1
    return dict(counts.most_common())


def _reason(rel: str, name: str, includes, excludes, exts, hidden: bool, gold: bool) -> str:
    low = name.lower()
    if not hidden and name.startswith("."):
        return HIDDEN
    if not gold and low.endswith(GOLD_SUFFIX):
        return GOLD
    if any(g.match(rel) for g in excludes):
        return EXCLUDED
    if includes:
        return NOT_INCLUDED if not any(g.match(rel) for g in includes) else SKIPPED_OUTPUT
    if not low.endswith(exts):
        ext = os.path.splitext(low)[1] or "no extension"
        return f"other extension ({ext})"
    return SKIPPED_OUTPUT


def describe_left_out(counts: dict[str, int]) -> str:
    """``"left out 3 files: 1 hidden, 1 gold sidecar, 1 other extension (.md)"``; empty for none."""
    total = sum(counts.values())
    if not total:
        return ""
    parts = ", ".join(f"{n:,} {reason}" for reason, n in counts.items())
    return f"left out {total:,} file{'' if total == 1 else 's'}: {parts}"


def _first_visit(folder: str, seen: set[str]) -> bool:
    """True the first time a walk reaches ``folder`` (by its real path)."""
    real = os.path.realpath(folder)
    if real in seen:
        return False
    seen.add(real)
    return True
