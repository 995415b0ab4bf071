"""Given roles for a batch: :class:`RoleMap` (by name, and per file) and the roles files that fill it."""
from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..errors import RolesError

ROLE_NAMES = ("seller", "buyer", "other")


@dataclass(frozen=True)
class RoleMap:
    """Given roles for a batch of calls.

    speakers (Mapping[str, str]): speaker name to role, for every call in
        which that name speaks (a call without that speaker ignores it, so
        one file can list a whole team).
    files (Mapping[str, Mapping[str, str]]): a file (its path, or the end of
        its path such as ``team-a/acme.vtt`` or ``acme.vtt``) to the roles of
        that call; these win over ``speakers`` and must name speakers of the
        call.
    """

    speakers: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, role in list(self.speakers.items()) + [
            (n, r) for m in self.files.values() for n, r in m.items()
        ]:
            if str(role).strip().lower() not in ROLE_NAMES:
                raise RolesError(
                    f"role {role!r} for {name!r} is not one of {', '.join(ROLE_NAMES)}", code="E202"
                )
        # file keys by their last part, so that a call finds its entry without a scan
        by_name: dict[str, list[tuple[str, str]]] = {}
        for key in self.files:
            norm = os.path.normpath(key).replace(os.sep, "/")
            by_name.setdefault(norm.rsplit("/", 1)[-1], []).append((norm, key))
        object.__setattr__(self, "_by_name", by_name)

    def __bool__(self) -> bool:
        return bool(self.speakers or self.files)

    @classmethod
    def build(
        cls,
        *,
        sellers: Iterable[str] = (),
        buyers: Iterable[str] = (),
        others: Iterable[str] = (),
        roles: Mapping[str, str] | "RoleMap" | None = None,
    ) -> "RoleMap":
        """A role map from ``--seller``/``--buyer``/``--other`` names and a mapping or map.

        RAISES: RolesError when one name is given two roles (E203) or a role
            name is unknown (E202).
        """
        base = roles if isinstance(roles, RoleMap) else cls(speakers=dict(roles or {}))
        speakers: dict[str, str] = {}
        pairs = [(n, "seller") for n in sellers] + [(n, "buyer") for n in buyers] + [(n, "other") for n in others]
        pairs += [(n, str(r).strip().lower()) for n, r in base.speakers.items()]
        for name, role in pairs:
            key = name.strip()
            if speakers.get(key, role) != role:
                raise RolesError(f"{key!r} is given two roles: {speakers[key]} and {role}", code="E203")
            speakers[key] = role
        return cls(speakers=speakers, files=dict(base.files))

    def for_call(self, path: str, speakers: Sequence[str]) -> dict[str, str]:
        """The given roles of one call: name (as the call spells it) to role."""
        from ..speakers import name_key

        by_key: dict[str, list[str]] = {}
        for s in speakers:
            by_key.setdefault(name_key(s), []).append(s)

        def resolve(name: str) -> str | None:
            if name in speakers:
                return name
            found = by_key.get(name_key(name), [])
            return found[0] if len(found) == 1 else None

        out: dict[str, str] = {}
        for name, role in self.speakers.items():
            speaker = resolve(name)
            if speaker is not None:
                out[speaker] = role
        for name, role in self._file_roles(path).items():
            out[resolve(name) or name] = role  # an unknown name is the analyzer's E201
        return out

    def check_files(self, paths: Iterable[str | os.PathLike]) -> None:
        """Refuse a file entry that names more than one call of a run (``paths``)
        by the end of its path alone ("acme.vtt" where two folders hold one),
        as a manifest refuses it: which call it means is unknown.

        RAISES: RolesError (E207) naming the entry and the calls.
        """
        if not self.files:
            return
        meant: dict[str, list[str]] = {}
        for path in paths:
            entry = self._entry(os.fspath(path))
            if entry is not None:
                meant.setdefault(entry, []).append(os.fspath(path))
        for entry, found in sorted(meant.items()):
            if len(found) > 1:
                shown = ", ".join(sorted(found)[:3]) + (", ..." if len(found) > 3 else "")
                raise RolesError(
                    f"the roles file's entry {entry!r} names {len(found)} calls of this run ({shown}); "
                    "give more of its path",
                    code="E207",
                )

    def _file_roles(self, path: str) -> Mapping[str, str]:
        """The roles of the file entry that is the longest tail of ``path``."""
        entry = self._entry(path)
        return self.files[entry] if entry is not None else {}

    def _entry(self, path: str) -> str | None:
        """The file entry that is the longest tail of ``path`` (as the roles file writes it), or None."""
        norm = os.path.normpath(path).replace(os.sep, "/")
        best: tuple[str, str] | None = None
        for key, original in self._by_name.get(norm.rsplit("/", 1)[-1], ()):
            if norm == key or norm.endswith("/" + key) or os.path.abspath(norm) == os.path.abspath(key):
                if best is None or len(key) > len(best[0]):
                    best = (key, original)
        return best[1] if best is not None else None


def read_batch_roles(path: str | os.PathLike) -> RoleMap:
    """Read a roles file for a batch.

    Accepted shapes:

    - JSON ``{"Dana Reyes": "seller", ...}`` or ``{"speakers": {...}}``: roles
      by name, for every call (as :func:`analyzer.roles.read_roles_file`);
    - JSON ``{"files": {"calls/acme.vtt": {"Dana Reyes": "seller"}}, "speakers": {...}}``
      or ``{"calls/acme.vtt": {...}}``: roles per file, plus roles by name;
    - CSV with the header ``speaker,role``: roles by name;
    - CSV with the header ``file,speaker,role``: roles per file (an empty
      ``file`` cell means every call).

    RAISES: RolesError (E204 unreadable, E205 bad JSON, E206 bad CSV, E202
        unknown role).
    """
    from ..roles import read_roles_file, read_roles_text

    path = Path(path)
    text = read_roles_text(path)
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RolesError(
                f"{path}, line {exc.lineno}: expected a JSON object of speaker to role ({exc.msg})", code="E205"
            ) from None
        if not isinstance(data, dict):
            raise RolesError(f"{path}: expected a JSON object", code="E205")
        if "files" not in data and not any(isinstance(v, dict) for k, v in data.items() if k != "speakers"):
            return RoleMap(speakers=read_roles_file(path))
        # per-file roles: under "files", or top-level objects; top-level strings are roles by name
        files = data.get("files", {k: v for k, v in data.items() if k != "speakers" and isinstance(v, dict)})
        speakers = dict(data.get("speakers", {}))
        speakers.update({k: v for k, v in data.items() if k not in ("files", "speakers") and not isinstance(v, dict)})
        if not isinstance(files, dict) or not all(
            isinstance(m, dict) and all(isinstance(r, str) for r in m.values()) for m in files.values()
        ):
            raise RolesError(f"{path}: expected \"files\" to map file names to {{speaker: role}} objects", code="E205")
        if not all(isinstance(r, str) for r in speakers.values()):
            raise RolesError(f"{path}: expected speaker names to map to roles", code="E205")
        return RoleMap(speakers=speakers, files={k: dict(v) for k, v in files.items()})
    rows = list(csv.reader(io.StringIO(text)))
    header = [c.strip().lower() for c in rows[0][:3]] if rows else []
    if header != ["file", "speaker", "role"]:
        return RoleMap(speakers=read_roles_file(path))
    speakers: dict[str, str] = {}
    files: dict[str, dict[str, str]] = {}
    for n, row in enumerate(rows[1:], 2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 3:
            raise RolesError(f"{path}, line {n}: expected 'file,speaker,role', found {row!r}", code="E206")
        file, name, role = (c.strip() for c in row[:3])
        if file:
            files.setdefault(file, {})[name] = role
        else:
            speakers[name] = role
    return RoleMap(speakers=speakers, files=files)
