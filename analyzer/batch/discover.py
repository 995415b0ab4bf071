"""Which files a batch scores: :func:`discover` walks files and folders with globs."""
from __future__ import annotations

import os
import re
from typing import Iterable, Sequence

from ..display import shown_path

#: File extensions scored by default when a folder is given (case-insensitive).
TRANSCRIPT_EXTENSIONS = (".txt", ".vtt", ".srt", ".csv", ".json")
#: Gold annotation sidecars (``spec/gold-format.md``): never transcripts.
GOLD_SUFFIX = ".gold.json"


def discover(
    paths: Iterable[str | os.PathLike],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    hidden: bool = False,
    gold: bool = False,
    extensions: Sequence[str] = TRANSCRIPT_EXTENSIONS,
    skip: Iterable[str | os.PathLike] = (),
) -> list[str]:
    """The transcript files under ``paths``, sorted by path, each once.

    A file named in ``paths`` is always taken. A folder is walked
    recursively; a file in it is taken when it matches an ``include`` glob
    (or, with no ``include`` globs, has one of ``extensions``) and matches no
    ``exclude`` glob. Hidden files and folders (a name starting with ``.``)
    and gold sidecars (``*.gold.json``) are skipped unless ``hidden`` or
    ``gold`` is set.

    Globs are matched against the path relative to the folder given, with
    ``/`` separators: ``*`` and ``?`` stay within one folder, ``**`` crosses
    folders, and a glob without ``/`` matches the name at any depth
    (``*.vtt``, ``archive``). An ``include`` glob starting with ``!`` is an
    exclude glob.

    paths (Iterable[str | PathLike]): files and folders.
    include, exclude (Sequence[str]): globs.
    hidden (bool): also take hidden files and folders. Defaults to False.
    gold (bool): also take ``*.gold.json`` files. Defaults to False.
    extensions (Sequence[str]): the default filter. Defaults to
        :data:`TRANSCRIPT_EXTENSIONS`.
    skip (Iterable[str | PathLike]): files never to take (the output itself).
    RETURNS (list[str]): normalised paths, sorted as rows show them
        (:func:`~analyzer.display.shown_path`), so that the output's order is
        the order they are scored in.
    RAISES: FileNotFoundError for a path that does not exist.
    """
    includes = [g for g in include if not g.startswith("!")]
    excludes = list(exclude) + [g[1:] for g in include if g.startswith("!")]
    inc = [_Glob(g) for g in includes]
    exc = [_Glob(g) for g in excludes]
    exts = tuple(e.lower() for e in extensions)
    skip_real = {os.path.realpath(p) for p in skip}
    found: set[str] = set()

    def take(rel: str, name: str) -> bool:
        if not hidden and any(part.startswith(".") for part in rel.split("/")):
            return False
        if not gold and name.lower().endswith(GOLD_SUFFIX):
            return False
        if any(g.match(rel) for g in exc):
            return False
        if inc:
            return any(g.match(rel) for g in inc)
        return name.lower().endswith(exts)

    for given in paths:
        root = os.path.normpath(os.fspath(given))
        if os.path.isfile(root):
            found.add(root)
            continue
        if not os.path.isdir(root):
            raise FileNotFoundError(f"no such file or folder: {given}")
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = sorted(
                d
                for d in dirnames
                if (hidden or not d.startswith("."))
                and not any(g.match(rel_dir + d) for g in exc)
            )
            for name in filenames:
                if take(rel_dir + name, name):
                    found.add(os.path.normpath(os.path.join(dirpath, name)))
    if skip_real:
        found = {p for p in found if os.path.realpath(p) not in skip_real}
    return sorted(found, key=shown_path)


class _Glob:
    """One glob, matched against a ``/``-separated relative path."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        pattern = pattern.replace(os.sep, "/").lstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        self.anchored = "/" in pattern.rstrip("/")
        if pattern.endswith("/"):  # a folder: everything in it
            pattern += "**"
        self.regex = re.compile(_glob_to_regex(pattern))

    def match(self, rel: str) -> bool:
        if self.anchored:
            return self.regex.match(rel) is not None
        return self.regex.match(rel.rsplit("/", 1)[-1]) is not None

    def __repr__(self) -> str:  # pragma: no cover
        return f"_Glob({self.pattern!r})"


def _glob_to_regex(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out) + r"\Z"
