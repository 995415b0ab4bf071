"""Gold annotation sidecars (``NAME.gold.json``, ``spec/gold-format.md``): finding and reading them.

A sidecar gives one call's roles, its label and confidence, and its tags as
quotes. Both the measurement of the taggers (:mod:`analyzer.evaluate`) and
training (:mod:`analyzer.classifier.training`, the taggers' sentence models)
read gold files through this module, so they agree on what a sidecar means:

- :func:`find_gold_files` lists the sidecars under some files and folders;
- :func:`load_gold` parses and checks one (a bad file raises
  :class:`~analyzer.errors.GoldFormatError` with a stable code, E401-E405,
  E410 for a label that is none); :func:`check_one_sidecar` refuses a
  second sidecar of one call (E409);
- :func:`gold_ranges` finds where a gold quote stands in the call (E406 when
  it is nowhere), in the character offsets of :func:`turn_offsets`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .classifier.model import CONFIDENCES, LABELS
from .errors import GoldFormatError
from .nlp.extensions import TAG_NAMES
from .transcript import Transcript

GOLD_SUFFIX = ".gold.json"


@dataclass(frozen=True)
class GoldTag:
    tag: str
    speaker: str
    quote: str
    open: bool | None = None


@dataclass(frozen=True)
class Gold:
    """One parsed sidecar."""

    path: Path
    transcript_path: Path
    format: str | None
    roles: dict[str, str]
    label: str | None
    label_confidence: str | None
    tags: tuple[GoldTag, ...]


def find_gold_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every ``*.gold.json`` in the given files and folders (recursively), sorted."""
    found: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found.update(p.rglob(f"*{GOLD_SUFFIX}"))
        elif p.name.endswith(GOLD_SUFFIX):
            found.add(p)
    return sorted(found)


def load_gold(path: str | Path, *, check_values: bool = True) -> Gold:
    """Parse and check one sidecar (not yet against its transcript).

    check_values (bool): also refuse a label or confidence that is none of
        the guide's (E410) and a buyer question without ``open`` true or
        false (E405). A form checker that lists every problem of a sidecar
        reads it without, and names those itself.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise GoldFormatError(str(path), f"cannot read: {exc.strerror}", code="E401") from None
    except json.JSONDecodeError as exc:
        raise GoldFormatError(str(path), f"line {exc.lineno}: expected JSON ({exc.msg})", code="E402") from None
    except UnicodeDecodeError:
        raise GoldFormatError(str(path), "expected UTF-8 JSON text", code="E402") from None
    if not isinstance(data, dict):
        raise GoldFormatError(str(path), "expected a JSON object", code="E402")
    name = data.get("file")
    if not name:
        # No "file": the one transcript beside it with the same stem.
        stem = path.name[: -len(GOLD_SUFFIX)]
        beside = sorted(p.name for p in path.parent.glob(f"{stem}.*") if not p.name.endswith(GOLD_SUFFIX))
        name = beside[0] if len(beside) == 1 else stem
    if not isinstance(name, str) or name in (".", "..") or "/" in name or "\\" in name:
        raise GoldFormatError(
            str(path), f"expected 'file' to be the name of a transcript beside it (no folder), found {name!r}", code="E403"
        )
    transcript_path = path.parent / name
    if not transcript_path.exists():
        raise GoldFormatError(str(path), f"expected the transcript {name!r} beside it", code="E403")
    roles = data.get("roles")
    if not isinstance(roles, dict) or not roles:
        raise GoldFormatError(str(path), "expected 'roles', an object of speaker to role", code="E404")
    for key, allowed in (("label", LABELS), ("label_confidence", CONFIDENCES)) if check_values else ():
        if key in data and data[key] not in allowed:
            raise GoldFormatError(str(path), f"expected '{key}' to be one of {', '.join(allowed)}, found {data[key]!r}", code="E410")
    raw_tags = data.get("tags", [])
    if not isinstance(raw_tags, list):
        raise GoldFormatError(str(path), f"expected 'tags' to be a list of tags, found {raw_tags!r}", code="E405")
    tags = []
    for i, t in enumerate(raw_tags):
        if (
            not isinstance(t, dict)
            or t.get("tag") not in TAG_NAMES
            or not isinstance(t.get("speaker"), str)
            or not isinstance(t.get("quote"), str)
            or not t["speaker"]
            or not t["quote"]
            or (check_values and t["tag"] == "buyer_question" and not isinstance(t.get("open"), bool))
        ):
            raise GoldFormatError(
                str(path),
                f"tags[{i}]: expected tag (one of {', '.join(TAG_NAMES)}), speaker and quote "
                f"(and, for a buyer_question, open: true or false), found {t!r}",
                code="E405",
            )
        tags.append(GoldTag(t["tag"], t["speaker"], t["quote"], t.get("open")))
    return Gold(
        path=path,
        transcript_path=transcript_path,
        format=data.get("format"),
        roles={k: str(v) for k, v in roles.items()},
        label=data.get("label"),
        label_confidence=data.get("label_confidence"),
        tags=tuple(tags),
    )


def check_one_sidecar(gold: Gold, seen: dict[Path, Path]) -> None:
    """E409 when a sidecar read before (in ``seen``, transcript to sidecar)
    names the same transcript as ``gold``: a call is counted once."""
    key = gold.transcript_path.resolve()
    if key in seen:
        raise GoldFormatError(
            str(gold.path),
            f"names the transcript {gold.transcript_path.name!r}, as {seen[key]} does; a call has one sidecar",
            code="E409",
        )
    seen[key] = gold.path


def sidecar_of(call: Path) -> Path:
    """Where the gold sidecar of the call at ``call`` is (it may not exist)."""
    return call.with_name(call.name.rsplit(".", 1)[0] + GOLD_SUFFIX)


def turn_offsets(transcript: Transcript) -> list[int]:
    """Where each turn starts in the turns' texts joined by one space."""
    offs, pos = [], 0
    for t in transcript.turns:
        offs.append(pos)
        pos += len(t.text) + 1
    return offs


def overlap(start: int, end: int, places: list[tuple[int, int]]) -> int:
    """How many characters of ``start:end`` a gold quote covers at its best place
    among ``places`` (as :func:`gold_ranges` gives them); 0 when it overlaps
    none. A prediction and a gold tag match when this is above 0; training
    lets each gold question stand for the candidate it covers most."""
    return max([0] + [min(end, ge) - max(start, gs) for gs, ge in places])


def gold_ranges(gold: Gold, gt: GoldTag, transcript: Transcript, offs: list[int]) -> list[tuple[int, int]]:
    """Where a gold quote stands in the call (every place, for a quote said twice)."""
    out = []
    for turn, off in zip(transcript.turns, offs):
        if turn.speaker != gt.speaker:
            continue
        i = turn.text.find(gt.quote)
        while i >= 0:
            out.append((off + i, off + i + len(gt.quote)))
            i = turn.text.find(gt.quote, i + 1)
    if not out:
        raise GoldFormatError(
            str(gold.path),
            f"the {gt.tag} quote {gt.quote!r} is not in any turn of {gt.speaker!r}",
            code="E406",
        )
    return out
