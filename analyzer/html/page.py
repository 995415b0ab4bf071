"""What both pages share: the Jinja2 environment, the Content-Security-Policy, and writing a page atomically."""
from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def env():
    """The templates of ``analyzer/templates``, autoescaped, strict about undefined names."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("analyzer", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["name"] = name_markup
    environment.filters["shown"] = _shown_text
    return environment


def _shown_text(value: object) -> str:
    """A name as plain text, its bidi controls made visible (for an attribute, where no ``<bdi>`` can go)."""
    from ..display import shown_name

    return shown_name(str(value))


def name_markup(value: object):
    """A speaker or file name as markup: escaped, its bidi controls and
    zero-width characters made visible (:func:`~analyzer.display.shown_name`),
    inside ``<bdi>`` so that whatever direction it runs in ends where it ends
    (the templates' ``|name`` filter)."""
    from markupsafe import Markup, escape

    from ..display import shown_name

    return Markup("<bdi>{}</bdi>").format(escape(shown_name(str(value))))


@lru_cache(maxsize=1)
def sort_script():
    """The dashboard's one script, static text from the templates folder."""
    from markupsafe import Markup

    source, _, _ = env().loader.get_source(env(), "sort.js.j2")
    return Markup(source.strip("\n"))


def sha256(text: str) -> str:
    """The base64 SHA-256 of ``text``, as a CSP script hash wants it."""
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def csp(*, script_hash: str | None) -> str:
    """No network at all; inline styles; one script by hash, or none."""
    script = f"script-src 'sha256-{script_hash}'" if script_hash else "script-src 'none'"
    return (
        "default-src 'none'; "
        "style-src 'unsafe-inline'; "
        "img-src data:; "
        f"{script}; "
        "base-uri 'none'; form-action 'none'"
    )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it (keeping its mode)."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
