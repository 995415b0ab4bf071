"""Where ``--reports`` writes each call's HTML report: one file per call, never two calls in one."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path


def report_path(reports_dir: str | os.PathLike, path: str) -> Path:
    """Where ``--reports`` writes the HTML report of the call at ``path``."""
    norm = os.path.normpath(path).replace(os.sep, "/")
    tag = hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    norm = re.sub(r"^(\.\./|/)+", "", norm)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", norm.replace("/", "__"))
    # The readable name can collide ("a/b.csv" and "a__b.csv"); the hash of the
    # path cannot (in practice), so every call gets its own report.
    return Path(reports_dir) / f"{name}-{tag}.html"
