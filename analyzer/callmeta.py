"""Call metadata: when a call was, whose it was, and how it ended.

Six fields, each a batch column (:data:`META_COLUMNS`): ``date`` (ISO
``YYYY-MM-DD``), ``rep``, ``team``, ``call_type``, ``outcome`` (``won`` or
``lost``) and ``account``. They come from, in this order (the first that has
a field wins):

1. a manifest (``callcoach score DIR --manifest calls.csv``): a CSV file with
   a ``path`` or ``file`` column (relative to the manifest's folder, or a
   file name alone when that name is unique in the manifest) and any of the
   six fields (:func:`read_manifest`);
2. what an export already carries: a Gong call's date (``metaData.started``,
   or ``scheduled``) and its rep (the party who is the call's primary user,
   else its first party from the company) (:func:`meta_from_export`);
3. a date in the file name, such as ``2026-11-03 Acme discovery.vtt`` or
   ``acme_20261103.json`` (:func:`date_from_name`).

A manifest that cannot be used raises :class:`ManifestError` (E350-E355)
naming the line.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import CallcoachError
from .readers.csv import column_key

#: The metadata columns of a batch row, in order.
META_COLUMNS = ("date", "rep", "team", "call_type", "outcome", "account")
#: Outcome words and what they mean.
OUTCOMES = {
    "won": "won", "win": "won", "closed won": "won", "closed-won": "won", "closed_won": "won",
    "lost": "lost", "loss": "lost", "closed lost": "lost", "closed-lost": "lost", "closed_lost": "lost",
}  # fmt: skip
PATH_COLUMNS = ("path", "file")
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_FIELD_CHARS = 200
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_. ]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")
_ISO_DATE = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?\s*$")


class ManifestError(CallcoachError, ValueError):
    """A manifest file cannot be used; the message names the file and line."""

    code = "E350"

    def __init__(self, source: str, line: int | None, message: str, *, code: str = "E350") -> None:
        self.source = source
        self.line = line
        self.code = code
        where = f"{source}, line {line}" if line else source
        super().__init__(f"[{code}] {where}: {message}")


@dataclass(frozen=True)
class CallMeta:
    """The metadata of one call; None where nothing says."""

    date: str | None = None
    rep: str | None = None
    team: str | None = None
    call_type: str | None = None
    outcome: str | None = None
    account: str | None = None

    def or_else(self, other: "CallMeta") -> "CallMeta":
        """This call's fields, with ``other``'s where this one has none."""
        return replace(self, **{f.name: getattr(other, f.name) for f in fields(self) if getattr(self, f.name) is None})

    def to_row(self) -> dict[str, str | None]:
        return asdict(self)


NO_META = CallMeta()


@dataclass(frozen=True)
class Manifest:
    """A manifest's calls: resolved path (and file name) to metadata.

    source (str): the file it was read from.
    by_path (Mapping[str, CallMeta]): absolute, normalised path to metadata.
    by_name (Mapping[str, CallMeta]): file name to metadata, for the rows
        that give a file name alone (no folder), each once in the manifest.
    name_lines (Mapping[str, int]): the line of each of those rows.
    """

    source: str
    by_path: Mapping[str, CallMeta]
    by_name: Mapping[str, CallMeta]
    digest: str = ""
    name_lines: Mapping[str, int] = field(default_factory=dict)

    def lookup(self, path: str | os.PathLike) -> CallMeta:
        """The metadata of the call at ``path`` (NO_META when the manifest does not name it)."""
        key = _key(path)
        found = self.by_path.get(key)
        if found is None:
            found = self.by_name.get(Path(os.fspath(path)).name)
        return found or NO_META

    def check_names(self, files: Iterable[str | os.PathLike]) -> None:
        """Refuse a row that gives a file name alone when two of ``files`` (the
        calls of a run) have that name and neither is named by its path.

        RAISES: ManifestError (E356) naming the row and the files.
        """
        by_name: dict[str, list[str]] = {}
        for f in files:
            name = Path(os.fspath(f)).name
            if name in self.by_name and _key(f) not in self.by_path:
                by_name.setdefault(name, []).append(os.fspath(f))
        for name, found in sorted(by_name.items()):
            if len(found) > 1:
                shown = ", ".join(sorted(found)[:3]) + (", ..." if len(found) > 3 else "")
                raise ManifestError(
                    self.source,
                    self.name_lines.get(name),
                    f"{name!r} alone names {len(found)} calls of this run ({shown}); give its folder too",
                    code="E356",
                )

    def fingerprint(self) -> str:
        return self.digest

    def __len__(self) -> int:
        return len(self.by_path)


def _key(path: str | os.PathLike) -> str:
    return os.path.normcase(os.path.abspath(os.fspath(path)))


def read_manifest(path: str | os.PathLike) -> Manifest:
    """Read a manifest CSV (see the module docstring).

    RAISES (ManifestError): E350 a file that cannot be read; E351 no ``path``
        or ``file`` column, or a row without one; E352 a date that is not a
        date; E353 an outcome other than won or lost; E354 a path named twice;
        E355 a field too long or with control characters.
    """
    source = os.fspath(path)
    try:
        if os.path.getsize(source) > MAX_MANIFEST_BYTES:
            raise ManifestError(source, None, f"a manifest of at most {MAX_MANIFEST_BYTES // 1024 // 1024} MiB expected", code="E350")
        with open(source, "rb") as fh:
            text = fh.read().decode("utf-8-sig")
    except OSError as exc:
        raise ManifestError(source, None, f"cannot read the manifest: {exc.strerror or exc}", code="E350") from None
    except UnicodeDecodeError:
        raise ManifestError(source, None, "a manifest must be UTF-8 text (CSV)", code="E350") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ManifestError(source, None, "expected a header line with a path or file column", code="E351") from None
    except csv.Error as exc:
        raise ManifestError(source, 1, f"not valid CSV: {exc}", code="E350") from None
    columns = [column_key(h) for h in header]
    path_col = next((columns.index(c) for c in PATH_COLUMNS if c in columns), None)
    if path_col is None:
        raise ManifestError(
            source, 1, f"expected a 'path' or 'file' column, found {', '.join(repr(h) for h in header) or 'none'}", code="E351"
        )
    wanted = {c: columns.index(c) for c in META_COLUMNS if c in columns}
    folder = Path(source).resolve().parent
    by_path: dict[str, CallMeta] = {}
    lines: dict[str, int] = {}
    names: dict[str, list[CallMeta]] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cell = row[path_col].strip() if path_col < len(row) else ""
            if not cell:
                raise ManifestError(source, line, f"expected a file in the '{columns[path_col]}' column", code="E351")
            meta = CallMeta(**{c: _field(source, line, c, row[i] if i < len(row) else "") for c, i in wanted.items()})
            key = _key(folder / cell)
            if key in by_path:
                raise ManifestError(source, line, f"{cell!r} is named twice (first on line {lines[key]})", code="E354")
            by_path[key], lines[key] = meta, line
            if Path(cell).name == cell:  # a file name alone: it names the call of that name anywhere
                names.setdefault(cell, []).append((meta, line))
    except csv.Error as exc:
        raise ManifestError(source, reader.line_num, f"not valid CSV: {exc}", code="E350") from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    once = {n: m[0] for n, m in names.items() if len(m) == 1}
    return Manifest(source, by_path, {n: meta for n, (meta, _) in once.items()}, digest, {n: line for n, (_, line) in once.items()})


def _field(source: str, line: int, column: str, raw: str) -> str | None:
    value = " ".join(raw.split())
    if not value:
        return None
    if len(value) > MAX_FIELD_CHARS or not value.isprintable():
        raise ManifestError(
            source, line, f"expected printable text of at most {MAX_FIELD_CHARS} characters in '{column}'", code="E355"
        )
    if column == "date":
        date = parse_date(value)
        if date is None:
            raise ManifestError(
                source, line, f"expected a date like 2026-11-03 (from 1900 to 2099) in 'date', found {value!r}", code="E352"
            )
        return date
    if column == "outcome":
        outcome = OUTCOMES.get(value.lower())
        if outcome is None:
            raise ManifestError(source, line, f"expected 'won' or 'lost' in 'outcome', found {value!r}", code="E353")
        return outcome
    return value


def parse_date(text: str) -> str | None:
    """An ISO date (``2026-11-03``, ``2026/11/03``, or a date and time) as
    ``YYYY-MM-DD``, from 1900 to 2099 as in file names; None otherwise (a
    year no call was made in is a typing slip, not a date to chart)."""
    m = _ISO_DATE.match(text)
    if not m or not 1900 <= int(m.group(1)) <= 2099:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def date_from_name(name: str) -> str | None:
    """A date written in a file name (``2026-11-03``, ``2026_11_03``, ``20261103``), or None."""
    for m in _NAME_DATE.finditer(Path(name).name):
        try:
            return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4))).isoformat()
        except ValueError:
            continue
    return None


def meta_from_export(data: bytes, format: str | None) -> CallMeta:
    """What a transcript export says about its call: a Gong call's date and rep.

    Gong's call data keeps the date in ``metaData.started`` (or
    ``scheduled``) and the participants in ``parties``, each with its
    ``affiliation`` (``Internal`` for the company's own people) and
    ``userId``; ``metaData.primaryUserId`` names the call's owner. The
    metadata sits at the top of the file, or in ``calls[0]``.
    """
    if format not in ("json", "gong") or (b'"metaData"' not in data and b'"parties"' not in data):
        return NO_META
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return NO_META
    if not isinstance(doc, dict):
        return NO_META
    calls = doc.get("calls")
    call = calls[0] if isinstance(calls, list) and calls and isinstance(calls[0], dict) else doc
    meta = call.get("metaData") if isinstance(call.get("metaData"), dict) else {}
    if not meta and isinstance(doc.get("metaData"), dict):
        meta = doc["metaData"]
    parties = call.get("parties") if isinstance(call.get("parties"), list) else doc.get("parties")
    date = next((parse_date(v) for v in (meta.get("started"), meta.get("scheduled")) if isinstance(v, str) and parse_date(v)), None)
    return CallMeta(date=date, rep=_gong_rep(parties, meta.get("primaryUserId")))


def _gong_rep(parties: Any, primary: Any) -> str | None:
    if not isinstance(parties, list):
        return None
    people = [p for p in parties if isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"].strip()]
    owner = next((p for p in people if primary is not None and p.get("userId") == primary), None)
    internal = next((p for p in people if str(p.get("affiliation", "")).lower() == "internal"), None)
    chosen = owner or internal
    if chosen is None:
        return None
    name = " ".join(chosen["name"].split())
    return name if name.isprintable() and len(name) <= MAX_FIELD_CHARS else None


def call_meta(path: str, data: bytes | None, format: str | None, manifest: Manifest | None) -> CallMeta:
    """Everything known about one call: the manifest, then its export, then its file name."""
    found = manifest.lookup(path) if manifest is not None else NO_META
    if data is not None:
        found = found.or_else(meta_from_export(data, format))
    return found.or_else(CallMeta(date=date_from_name(path)))
