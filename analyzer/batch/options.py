"""What every call of a batch is scored with: :class:`BatchOptions`, and its fingerprint for resume."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..about import __version__
from .rolemap import RoleMap

if TYPE_CHECKING:  # pragma: no cover
    from ..callmeta import Manifest
    from ..config import Thresholds
    from ..trackers import TrackerSet


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs to score a call, sent to each worker once.

    format (str | None): force a transcript format (``analyzer.readers.FORMATS``).
    roles (RoleMap): given roles; calls and speakers it does not name are inferred.
    thresholds (Thresholds | None): defaults to ``analyzer/defaults.cfg``.
    base_model (str | None): an installed spaCy pipeline to build on.
    reports_dir (str | None): write one HTML report per call there
        (:func:`report_path`), from the worker that holds the result.
    model (str | None): the classifier: ``"default"`` (the shipped one), a
        model file, or None (no score). Each worker loads and checks it once
        (the parent stays light: it never imports the model's libraries).
    trackers (TrackerSet | None): the trackers counted on every call; None
        for the shipped set (:func:`analyzer.trackers.resolve_trackers`).
    manifest (Manifest | None): call metadata by path (``--manifest``); the
        date, rep, team, call type, outcome and account columns
        (:mod:`analyzer.callmeta`).
    max_file_bytes (int | None): the largest file read (E603 past it).
        Defaults to ``[limits] max_file_bytes`` of ``defaults.cfg``.
    max_json_values (int | None): the most values a JSON file may hold
        (E604 past it). Defaults to ``[limits] max_json_values``.
    roots (tuple[str, ...]): the folders being scanned: a link found in one
        that leads out of it is not followed (E602) unless ``follow_links``.
    follow_links (bool): follow such links. Defaults to False.
    tags (bool): also send each call's tags back with its row (``--tags``).
    taggers (str): the taggers' sentence models: ``"default"`` (the shipped
        ones), a folder from ``callcoach train-taggers``, or ``"none"``.

    RAISES (ConfigError): E320 for a ``taggers`` folder that does not exist
        or holds no model.
    """

    format: str | None = None
    roles: RoleMap = field(default_factory=RoleMap)
    thresholds: "Thresholds | None" = None
    base_model: str | None = None
    reports_dir: str | None = None
    model: Any = "default"
    trackers: "TrackerSet | None" = None
    manifest: "Manifest | None" = None
    max_file_bytes: int | None = None
    max_json_values: int | None = None
    roots: tuple[str, ...] = ()
    follow_links: bool = False
    tags: bool = False
    taggers: str = "default"

    def __post_init__(self) -> None:
        if self.taggers != "default":
            taggers_fingerprint(self.taggers)  # a folder that does not exist or holds no model: E320 before any work


def with_model(options: BatchOptions, model: Any) -> BatchOptions:
    """``options`` with the classifier ``model`` (``"default"``, a path, or None)."""
    if model is not None and not isinstance(model, str):
        model = os.fspath(model)
    return replace(options, model=model)


def settings_fingerprint(options: BatchOptions) -> str:
    """A short hash of everything besides the file and the model that decides a row.

    Resume keeps a row only when the file, the model and these settings (the
    thresholds, roles, forced format, base pipeline, analyzer version, trackers,
    manifest and tagger models) are all the same as in this run.
    """
    thresholds = dataclasses.asdict(options.thresholds) if options.thresholds is not None else None
    trackers = _trackers_key(options.trackers)
    manifest = options.manifest.fingerprint() if options.manifest is not None else None
    settings = [thresholds, repr(options.roles), options.format, options.base_model, __version__, trackers, manifest]
    if options.taggers != "default":  # (runs with the shipped taggers keep the fingerprint they had)
        settings.append(taggers_fingerprint(options.taggers))
    key = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def taggers_fingerprint(taggers: str) -> Any:
    """What identifies a folder of tagger models without reading them: each
    model file's name, size and modification time (``"none"`` as it is).

    RAISES (ConfigError): E320 for a folder that does not exist or holds no model.
    """
    from ..nlp.learned import model_files

    return [taggers] + [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in model_files(taggers)]


def _trackers_key(trackers: "TrackerSet | None") -> str:
    """The trackers as the fingerprint holds them: ``default`` for the shipped
    set however it was given (None, or the set itself, as the library passes
    it), so that a run from Python and one from the command line with the
    same settings share their rows."""
    if trackers is None:
        return "default"
    from ..trackers import default_trackers

    found = trackers.fingerprint()
    return "default" if found == default_trackers().fingerprint() else found
