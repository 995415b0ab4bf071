"""Trackers: named lists of phrases a team wants counted on every call.

A tracker has a ``name`` (lower-case letters, digits and underscores: it
becomes the batch columns ``tracker_<name>_seller`` and
``tracker_<name>_buyer``), ``phrases`` (matched case-insensitively, word by
word), optional spaCy token ``patterns`` (for what a phrase list cannot say,
such as "per" followed by "seat" or "user"), a ``side`` (``seller``,
``buyer`` or ``any``: whose turns it counts), and an optional
``description``. The ``callcoach_trackers`` component matches them
(:mod:`analyzer.nlp.components.trackers`).

Two file formats, told by the extension (``.toml``; ``.jsonl``, ``.ndjson``
or ``.json`` for JSON Lines) or else by the first character:

TOML, one ``[[tracker]]`` table each::

    [[tracker]]
    name = "pricing"
    side = "any"
    phrases = ["price", "pricing", "discount"]
    patterns = [[{LOWER = "per"}, {LOWER = {IN = ["seat", "user"]}}]]

JSON Lines, one tracker a line::

    {"name": "competitors", "side": "buyer", "phrases": ["Gong", "Chorus"]}

The shipped set (:func:`default_trackers`) is ``nlp/patterns/trackers.jsonl``.
A file that cannot be used raises :class:`~analyzer.errors.ConfigError`
with a code (E340-E348) and the line of the tracker at fault.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import ConfigError

DEFAULT_PATH = Path(__file__).parent / "nlp" / "patterns" / "trackers.jsonl"
SIDES = ("seller", "buyer", "any")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEYS = frozenset({"name", "side", "phrases", "patterns", "description"})
#: Limits that keep a hostile or mistaken file from costing memory or time.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TRACKERS = 1_000
MAX_PHRASES = 50_000
MAX_PHRASE_CHARS = 200
MAX_PATTERNS = 1_000
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")


@dataclass(frozen=True)
class Tracker:
    """One tracker.

    name (str): its name, also its ``doc.spans["trackers"]`` label.
    phrases (tuple[str, ...]): phrases matched case-insensitively.
    patterns (tuple): spaCy ``Matcher`` token patterns (lists of token dicts).
    side (str): ``seller``, ``buyer`` or ``any``: whose turns it counts.
    description (str): what it is for, in words.
    line (int | None): the line of the file where it is defined.
    """

    name: str
    phrases: tuple[str, ...] = ()
    patterns: tuple[Any, ...] = field(default=(), compare=False)
    side: str = "any"
    description: str = ""
    line: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "side": self.side, "phrases": list(self.phrases)}
        if self.patterns:
            out["patterns"] = [list(p) for p in self.patterns]
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True)
class TrackerSet:
    """The trackers of a run, in file order.

    source (str): ``"default"``, ``"none"`` or the file they were read from.
    """

    trackers: tuple[Tracker, ...]
    source: str = "default"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.trackers)

    def fingerprint(self) -> str:
        """A short hash of what the trackers match (not where they came from)."""
        data = json.dumps([t.to_dict() for t in self.trackers], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def __len__(self) -> int:
        return len(self.trackers)


NO_TRACKERS = TrackerSet((), source="none")


@lru_cache(maxsize=1)
def default_trackers() -> TrackerSet:
    """The shipped trackers (``nlp/patterns/trackers.jsonl``), read once."""
    return TrackerSet(parse_jsonl(DEFAULT_PATH.read_text(encoding="utf-8"), str(DEFAULT_PATH)), source="default")


@lru_cache(maxsize=1)
def default_tracker_names() -> tuple[str, ...]:
    """The shipped trackers' names, in file order, read without checking their
    token patterns (which imports spaCy): a batch's column names need only these."""
    lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line)["name"] for line in lines if line.strip())


def resolve_trackers(spec: "str | os.PathLike | TrackerSet | None") -> TrackerSet:
    """A tracker set for ``"default"`` (or None), ``"none"``, a file path, or a set."""
    if isinstance(spec, TrackerSet):
        return spec
    if spec is None or spec == "default":
        return default_trackers()
    if spec == "none":
        return NO_TRACKERS
    return load_trackers(spec)


def load_trackers(path: str | os.PathLike) -> TrackerSet:
    """Read a trackers file (TOML or JSON Lines).

    RAISES (ConfigError): E340 a file that cannot be read; E341 a file that
        is not valid TOML or JSON; E342-E348 a tracker that cannot be used
        (the message names the line).
    """
    source = os.fspath(path)
    try:
        size = os.path.getsize(source)
        if size > MAX_FILE_BYTES:
            raise ConfigError(
                f"{source}: a trackers file of at most {MAX_FILE_BYTES // 1024 // 1024} MiB expected, "
                f"found {size:,} bytes",
                code="E340",
            )
        with open(source, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read trackers file {source}: {exc.strerror or exc}", code="E340") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{source}: a trackers file must be UTF-8 text", code="E340") from None
    if _is_jsonl(source, text):
        trackers = parse_jsonl(text, source)
    else:
        trackers = parse_toml(text, source)
    return TrackerSet(trackers, source=source)


def _is_jsonl(source: str, text: str) -> bool:
    suffix = Path(source).suffix.lower()
    if suffix == ".toml":
        return False
    if suffix in JSONL_SUFFIXES:
        return True
    return text.lstrip().startswith("{")


def parse_jsonl(text: str, source: str) -> tuple[Tracker, ...]:
    """Trackers from JSON Lines text, one object a line (blank lines skipped)."""
    rows: list[tuple[int, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except (ValueError, RecursionError) as exc:
            raise ConfigError(f"{source}, line {n}: expected one JSON object (a tracker), {exc}", code="E341") from None
    return _build(rows, source)


def parse_toml(text: str, source: str) -> tuple[Tracker, ...]:
    """Trackers from TOML text: an array of ``[[tracker]]`` tables."""
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        line = _toml_error_line(str(exc), text)
        where = f"{source}, line {line}" if line else source
        raise ConfigError(f"{where}: not valid TOML: {exc}", code="E341") from None
    unknown = sorted(set(data) - {"tracker"})
    if unknown:
        raise ConfigError(
            f"{source}: expected only [[tracker]] tables, found {unknown[0]!r}; write each tracker as "
            '[[tracker]] with name = "...", phrases = [...]',
            code="E346",
        )
    tables = data.get("tracker", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{source}: expected [[tracker]] tables (an array), found [tracker]", code="E346")
    lines = [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*tracker\s*\]\]", line)]
    rows = [(lines[k] if k < len(lines) else None, table) for k, table in enumerate(tables)]
    return _build(rows, source)


def _toml_error_line(message: str, text: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    if m:
        return int(m.group(1))
    return max(1, len(text.splitlines())) if "end of document" in message else None


def _build(rows: Iterable[tuple[int | None, Any]], source: str) -> tuple[Tracker, ...]:
    trackers: list[Tracker] = []
    seen: dict[str, int | None] = {}
    phrases = 0
    for line, row in rows:
        tracker = _tracker(row, source, line)
        if tracker.name in seen:
            raise ConfigError(
                f"{_where(source, line)}: tracker {tracker.name!r} is defined twice "
                f"(first on line {seen[tracker.name]})",
                code="E342",
            )
        seen[tracker.name] = line
        phrases += len(tracker.phrases)
        if len(trackers) >= MAX_TRACKERS or phrases > MAX_PHRASES:
            raise ConfigError(
                f"{_where(source, line)}: at most {MAX_TRACKERS:,} trackers and {MAX_PHRASES:,} phrases "
                "in all expected",
                code="E348",
            )
        trackers.append(tracker)
    return tuple(trackers)


def _where(source: str, line: int | None) -> str:
    return f"{source}, line {line}" if line else source


def _tracker(row: Any, source: str, line: int | None) -> Tracker:
    where = _where(source, line)
    if not isinstance(row, Mapping):
        raise ConfigError(f"{where}: expected a tracker (an object with name and phrases), found {_shown(row)}", code="E346")
    unknown = sorted(set(row) - KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r} in a tracker; known keys: {', '.join(sorted(KEYS))}", code="E346"
        )
    name = row.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ConfigError(
            f"{where}: expected a tracker name of lower-case letters, digits and underscores "
            f"(at most 40, starting with a letter), like 'next_steps', found {_shown(name)}",
            code="E342",
        )
    side = row.get("side", "any")
    if side not in SIDES:
        raise ConfigError(f"{where}: tracker {name!r}: side must be one of {', '.join(SIDES)}, found {_shown(side)}", code="E343")
    phrases = _phrases(row.get("phrases", []), where, name)
    patterns = _patterns(row.get("patterns", []), where, name)
    if not phrases and not patterns:
        raise ConfigError(f"{where}: tracker {name!r} has no phrases or patterns to match", code="E347")
    description = row.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{where}: tracker {name!r}: description must be text, found {_shown(description)}", code="E346")
    return Tracker(name=name, phrases=phrases, patterns=patterns, side=side, description=description, line=line)


def _phrases(raw: Any, where: str, name: str) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: tracker {name!r}: phrases must be a list of text, found {_shown(raw)}", code="E344")
    out: list[str] = []
    seen: set[str] = set()
    for p in raw:
        if not isinstance(p, str) or not p.strip() or len(p) > MAX_PHRASE_CHARS or not p.isprintable():
            raise ConfigError(
                f"{where}: tracker {name!r}: each phrase must be printable text of 1 to {MAX_PHRASE_CHARS} "
                f"characters, found {_shown(p)}",
                code="E344",
            )
        phrase = " ".join(p.split())
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            out.append(phrase)
    return tuple(out)


def _regex_problems(pattern: list) -> list[str]:
    """What is wrong with the regular expressions (``{"REGEX": ...}``, at any
    depth: under an attribute, ``FUZZY`` or ``_``) of a token pattern that
    spaCy's schema accepts: the matcher compiles them only when the tracker
    is built."""
    out = []

    def visit(where: str, value: Any) -> None:
        if not isinstance(value, dict):
            return
        for key, inner in value.items():
            if key == "REGEX":
                try:
                    re.compile(inner)
                except (re.error, TypeError) as exc:
                    out.append(f"{where}: bad regular expression {inner!r} ({exc})")
            else:
                visit(f"{where}.{key}" if where else key, inner)

    for token in pattern:
        visit("", token)
    return out


def _patterns(raw: Any, where: str, name: str) -> tuple[Any, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_PATTERNS:
        raise ConfigError(
            f"{where}: tracker {name!r}: patterns must be a list (at most {MAX_PATTERNS:,}) of token patterns, "
            f"found {_shown(raw)}",
            code="E345",
        )
    from spacy.schemas import validate_token_pattern

    for k, pattern in enumerate(raw):
        problems = validate_token_pattern(pattern) if isinstance(pattern, list) and pattern else ["an empty pattern"]
        problems = problems or _regex_problems(pattern)
        if problems:
            raise ConfigError(
                f"{where}: tracker {name!r}, pattern {k + 1}: expected a spaCy token pattern "
                f"(a list of token dicts such as {{\"LOWER\": \"per\"}}): {problems[0]}",
                code="E345",
            )
    return tuple(raw)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
