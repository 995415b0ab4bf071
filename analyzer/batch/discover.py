"""Which files a batch scores: :func:`discover` walks files and folders with globs (the rules of :class:`Scan`)."""
from __future__ import annotations

import os
import re
from typing import Iterable, Iterator, Sequence

from ..display import shown_path

#: File extensions scored by default when a folder is given (case-insensitive).
TRANSCRIPT_EXTENSIONS = (".txt", ".vtt", ".srt", ".csv", ".json", ".docx")
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
    follow_links: bool = False,
    unreadable: list[tuple[str, str]] | None = None,
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
    follow_links (bool): also walk the folders that links in a folder lead
        to, when the walk of the real folders did not reach them (so that a
        file keeps its real path). Defaults to False: such a link is left
        out (:func:`~analyzer.batch.leftout.count_left_out` counts it).
    unreadable (list | None): where to add ``(folder, why)`` for each folder
        the walk could not list, so that a run can say so.
    RETURNS (list[str]): normalised paths, sorted as rows show them
        (:func:`~analyzer.display.shown_path`), so that the output's order is
        the order they are scored in.
    RAISES: FileNotFoundError for a path that does not exist.
    """
    scan = Scan(include=include, exclude=exclude, hidden=hidden, gold=gold, extensions=extensions)
    skip_real = {os.path.realpath(p) for p in skip}
    found: set[str] = set()
    for given in paths:
        root = os.path.normpath(os.fspath(given))
        if os.path.isfile(root):
            found.add(root)
            continue
        if not os.path.isdir(root):
            raise FileNotFoundError(f"no such file or folder: {shown_path(given)}")
        found.update(scan.walk(root, follow_links=follow_links, unreadable=unreadable))
    if skip_real:
        found = {p for p in found if os.path.realpath(p) not in skip_real}
    return sorted(found, key=shown_path)


class Scan:
    """Which files a walk of a folder takes (the rules of :func:`discover`).

    :meth:`takes` answers for one path relative to the folder, so that a
    run can tell whether an output it is about to write would be taken as a
    call by the next scan of the same folder.
    """

    def __init__(
        self,
        *,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        hidden: bool = False,
        gold: bool = False,
        extensions: Sequence[str] = TRANSCRIPT_EXTENSIONS,
    ) -> None:
        self.include = [_Glob(g) for g in include if not g.startswith("!")]
        self.exclude = [_Glob(g) for g in exclude] + [_Glob(g[1:]) for g in include if g.startswith("!")]
        self.hidden = hidden
        self.gold = gold
        self.extensions = tuple(e.lower() for e in extensions)

    def takes(self, rel: str) -> bool:
        """Whether a walk takes the file at ``rel`` (``/``-separated, relative to the folder)."""
        parts = rel.split("/")
        for i in range(1, len(parts)):
            if self._prunes("/".join(parts[:i]), parts[i - 1]):
                return False
        return self._takes(rel, parts[-1])

    def walk(
        self, root: str, *, follow_links: bool = False, unreadable: list[tuple[str, str]] | None = None
    ) -> Iterator[str]:
        """The files under ``root`` this scan takes. The real folders are walked
        first; with ``follow_links`` the folders that links lead to are walked
        after, each once and only when no walk reached them yet, so that a
        file found both ways keeps its real path and a link back up ends.
        ``unreadable`` gets ``(folder, why)`` for each folder that cannot be listed."""
        seen: set[str] = set()
        pending = [root]
        while pending:
            top = pending.pop(0)
            if os.path.realpath(top) in seen:
                continue
            for dirpath, dirnames, filenames in os.walk(top, onerror=lambda exc: _note(exc, unreadable)):
                seen.add(os.path.realpath(dirpath))
                rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
                rel_dir = "" if rel_dir == "." else rel_dir + "/"
                dirnames[:] = sorted(d for d in dirnames if not self._prunes(rel_dir + d, d))
                if follow_links:  # (os.walk lists links to folders and does not enter them)
                    dirnames[:] = [d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) not in seen]
                    pending += [os.path.join(dirpath, d) for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
                for name in filenames:
                    if self._takes(rel_dir + name, name):
                        yield os.path.normpath(os.path.join(dirpath, name))

    def _prunes(self, rel_dir: str, name: str) -> bool:
        return (not self.hidden and name.startswith(".")) or any(g.match(rel_dir) for g in self.exclude)

    def _takes(self, rel: str, name: str) -> bool:
        if not self.hidden and any(part.startswith(".") for part in rel.split("/")):
            return False
        if not self.gold and name.lower().endswith(GOLD_SUFFIX):
            return False
        if any(g.match(rel) for g in self.exclude):
            return False
        if self.include:
            return any(g.match(rel) for g in self.include)
        return name.lower().endswith(self.extensions)


def _note(exc: OSError, unreadable: list[tuple[str, str]] | None) -> None:
    """Keep a folder a walk could not list, and why."""
    if unreadable is not None and exc.filename is not None:
        unreadable.append((os.path.normpath(os.fspath(exc.filename)), exc.strerror or str(exc)))


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
