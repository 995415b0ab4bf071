"""Model files: safe to open, and their numbers the ones their card describes.

This module needs neither scikit-learn nor skops, so that ``callcoach
--version`` and the start of a batch run can name the model cheaply; loading
a model (:func:`analyzer.classifier.load_model`) uses it for every check.

- :func:`read_archive` reads a model file (a zip archive) as a bounded
  regular file and checks every entry's uncompressed size before anything is
  inflated: the declared size of each entry and of them all, then the real
  size, read in bounded chunks that stop at the first byte past what the
  entry declared (E521). A file whose ``schema.json`` inflates to gigabytes
  costs a few kilobytes of memory to refuse.
- :func:`parameters_digest` is the SHA-256 of a fitted model's parameters:
  every array, number and string of the estimators, in a fixed order
  (:func:`training_data_digest` is the one of its training calls' hashes).
  Training records both in the model's metadata and on its card; loading
  computes the digest again and refuses a model whose parameters are not the
  ones recorded (E522), or that records none (E523), so a model whose
  coefficients were edited (negated, say) is not used.
- :func:`card_digests` reads the digests a model card records: the
  Markdown card beside the model (``NAME.md``, or ``README.md`` in its
  folder, which is the shipped model's card).
- :func:`recorded_identity` gives a model's name and recorded digest from the
  archive's schema alone (JSON, no object is built): what ``--version`` and
  the start of a batch run show before a worker loads the model.

| limit | value |
| ----- | ----- |
| model file | 64 MiB |
| one entry, uncompressed | 64 MiB |
| all entries, uncompressed | 256 MiB |
| entries | 10,000 |
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import zipfile
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import CallcoachError, ModelArtifactError

#: The shipped model's file name, in ``models/`` (or the installed ``analyzer/models``).
DEFAULT_MODEL_NAME = "callcoach-classifier.skops"
MAX_MODEL_FILE_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 10_000
_CHUNK = 1024 * 1024

#: How a card records the digests: ``- parameters digest: `sha256:HEX` ``.
_CARD_RE = re.compile(r"^[-*]\s*(parameters|training data|linear form) digest:\s*`?sha256:([0-9a-f]{64})`?", re.M | re.I)


def read_archive(path: str | os.PathLike) -> bytes:
    """A model file's bytes, once every entry of the archive is within the limits.

    RAISES: ModelArtifactError: E502 no such file, E503 not a readable zip
        archive, E521 over a limit (the reason names which).
    """
    from .inputs import read_file

    src = str(path)
    try:
        data = read_file(path, max_bytes=MAX_MODEL_FILE_BYTES, name=src, setting=None)
    except CallcoachError as exc:
        code = "E521" if getattr(exc, "code", "") == "E603" else "E502"
        raise ModelArtifactError(src, f"not a model file that can be read: {_reason(exc)}", code=code) from None
    check_archive(data, src)
    return data


def check_archive(data: bytes, src: str) -> None:
    """Check every entry's size, declared and real, before any is inflated for use (E521)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ModelArtifactError(src, f"not a readable skops model file ({_reason(exc)})", code="E503") from None
    if len(entries) > MAX_ENTRIES:
        raise _too_big(src, f"{len(entries):,} entries in the archive (at most {MAX_ENTRIES:,})")
    declared = 0
    for info in entries:
        if info.file_size > MAX_ENTRY_BYTES:
            raise _too_big(src, f"the entry {info.filename!r} inflates to {_mib(info.file_size)} (at most {_mib(MAX_ENTRY_BYTES)})")
        declared += info.file_size
    if declared > MAX_TOTAL_BYTES:
        raise _too_big(src, f"the entries inflate to {_mib(declared)} in all (at most {_mib(MAX_TOTAL_BYTES)})")
    for info in entries:
        _check_entry(archive, info, src)


def _check_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, src: str) -> None:
    """Inflate one entry in bounded chunks; refuse it at the first byte past its declared size."""
    seen = 0
    try:
        with archive.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)  # inflates at most this much at a time
                if not chunk:
                    break
                seen += len(chunk)
                if seen > info.file_size:
                    raise _too_big(src, f"the entry {info.filename!r} inflates past the {info.file_size:,} bytes it declares")
    except ModelArtifactError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ModelArtifactError(src, f"not a readable skops model file ({_reason(exc)})", code="E503") from None


def _too_big(src: str, what: str) -> ModelArtifactError:
    return ModelArtifactError(src, f"refused before it was inflated: {what}", code="E521")


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MiB"


def _reason(exc: BaseException) -> str:
    """An exception's message, or its type when it has none (a MemoryError)."""
    text = str(exc).strip()
    if isinstance(exc, CallcoachError) and "] " in text:
        text = text.split("] ", 1)[1]
    return text or type(exc).__name__


def parameters_digest(model: Any) -> str:
    """The SHA-256 (hex) of a fitted model's parameters, in a fixed order.

    Every attribute of every estimator (fitted or not, private ones too:
    a boosted model's trees live there), every array's type, shape and bytes,
    every number's exact bits; the same model gives the same digest before
    saving and after loading.
    """
    h = hashlib.sha256()
    _feed(h, model, 0)
    return h.hexdigest()


def training_data_digest(hashes: Iterable[str]) -> str:
    """The SHA-256 (hex) of the sorted content hashes of a model's training calls."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode("ascii")).hexdigest()


#: Attributes that say how an object was made, not what it computes.
_SKIPPED = frozenset({"_sklearn_version", "_sklearn_output_config", "_metadata_request", "__sklearn_tags__"})


def _feed(h: "hashlib._Hash", x: Any, depth: int) -> None:  # noqa: C901 - one case per kind of value
    import numpy as np  # a model is only ever digested where numpy is loaded

    if depth > 64:
        raise ValueError("a model nested more than 64 levels deep")
    if x is None or isinstance(x, (bool, str)):
        h.update(f"{type(x).__name__}:{x!s};".encode("utf-8", "surrogatepass"))
    elif isinstance(x, (int, np.integer)):
        h.update(f"int:{int(x)};".encode())
    elif isinstance(x, (float, np.floating)):
        h.update(b"float:" + struct.pack("<d", float(x)))
    elif isinstance(x, np.ndarray):
        h.update(f"array:{x.dtype.str}:{x.shape};".encode())
        if x.dtype == object:
            for item in x.ravel():
                _feed(h, item, depth + 1)
        else:
            h.update(np.ascontiguousarray(x).tobytes())
    elif isinstance(x, np.dtype):
        h.update(f"dtype:{x.str};".encode())
    elif isinstance(x, Mapping):
        h.update(f"map:{len(x)};".encode())
        for key in sorted(x, key=str):
            _feed(h, str(key), depth + 1)
            _feed(h, x[key], depth + 1)
    elif isinstance(x, (list, tuple)):
        h.update(f"seq:{len(x)};".encode())
        for item in x:
            _feed(h, item, depth + 1)
    elif isinstance(x, (set, frozenset)):
        _feed(h, sorted(map(str, x)), depth + 1)
    elif isinstance(x, slice):
        _feed(h, (x.start, x.stop, x.step), depth + 1)
    elif hasattr(x, "__dict__"):
        h.update(f"object:{type(x).__module__}.{type(x).__qualname__};".encode())
        _feed(h, {k: v for k, v in vars(x).items() if k not in _SKIPPED and not callable(v)}, depth + 1)
    else:  # an extension object (a loss's compiled half): its type only, never a repr with an address
        h.update(f"value:{type(x).__module__}.{type(x).__qualname__};".encode())


def default_model_path() -> Path | None:
    """The shipped model: ``models/`` beside the package source, or inside the installed package."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "models" / DEFAULT_MODEL_NAME, package / "models" / DEFAULT_MODEL_NAME):
        if candidate.is_file():
            return candidate
    return None


def model_identity(model: Any) -> dict[str, Any] | None:
    """The name and recorded digest of the model a command will use: ``"default"``
    (the shipped one), a path, or None (no model, or none shipped)."""
    if model is None:
        return None
    path = default_model_path() if model == "default" else model
    return recorded_identity(path) if path is not None else None


def card_path(model_path: str | os.PathLike) -> Path | None:
    """The card beside a model: ``NAME.md``, else ``README.md`` in its folder that records digests."""
    path = Path(model_path)
    for candidate in (path.with_suffix(".md"), path.with_name("README.md")):
        if candidate.is_file() and candidate.stat().st_size <= 1024 * 1024:
            return candidate
    return None


def card_digests(model_path: str | os.PathLike) -> dict[str, str]:
    """The digests the card beside a model records: ``parameters``, ``training data`` and
    ``linear form`` (any may be missing)."""
    card = card_path(model_path)
    if card is None:
        return {}
    try:
        text = card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return {kind.lower(): digest for kind, digest in _CARD_RE.findall(text)}


def verify_parameters(model: Any, metadata: Mapping[str, Any], src: str, *, hint: str) -> str:
    """The model's parameters digest, once it matches what its card and metadata record.

    RAISES: ModelArtifactError E522 (a recorded digest differs), E523 (none recorded).
    """
    digest = parameters_digest(model)
    card = card_digests(src) if Path(src).exists() else {}
    recorded = {"the model file": metadata.get("parameters_sha256"), "its card": card.get("parameters")}
    recorded = {where: value for where, value in recorded.items() if value}
    if not recorded:
        raise ModelArtifactError(
            src, f"neither the model nor a card beside it records the digest of its parameters; {hint}", code="E523"
        )
    for where, value in recorded.items():
        if value != digest:
            raise ModelArtifactError(
                src,
                f"refused: its parameters (sha256:{digest[:12]}) are not the ones {where} records "
                f"(sha256:{str(value)[:12]}): the file was changed after training. {hint}",
                code="E522",
            )
    training = metadata.get("training_sha256")
    if card.get("training data") and training and training_data_digest(training) != card["training data"]:
        raise ModelArtifactError(src, f"refused: its card records other training data than the model; {hint}", code="E522")
    return digest


def recorded_identity(model_path: str | os.PathLike) -> dict[str, Any]:
    """A model's name and its recorded parameters digest, read from the archive's
    schema (plain JSON; no object is built) and its card. For display only:
    loading the model checks the digest. Raises ModelArtifactError as :func:`read_archive`."""
    meta = plain_payload(read_archive(model_path), str(model_path)).get("metadata")
    if not isinstance(meta, dict):
        raise ModelArtifactError(str(model_path), "not a callcoach model file", code="E506")
    name = str(meta.get("name") or Path(model_path).name)
    created = meta.get("created")
    digest = card_digests(model_path).get("parameters") or meta.get("parameters_sha256")
    return {"name": f"{name}@{created}" if created else name, "digest": digest, "path": str(model_path)}


def plain_payload(data: bytes, src: str) -> dict[str, Any]:
    """The entries of a model file's payload that are plain data (strings,
    numbers, and lists and dicts of them), read from the archive's schema as
    JSON: no object is built and no library but the standard one is needed.
    Entries and dict values that hold anything else (the fitted model itself)
    are left out.

    RAISES: ModelArtifactError E506 when the archive has no readable schema.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = json.loads(archive.read("schema.json"))["content"]
    except (KeyError, TypeError, ValueError, zipfile.BadZipFile):
        raise ModelArtifactError(src, "not a callcoach model file", code="E506") from None
    if not isinstance(content, dict):
        raise ModelArtifactError(src, "not a callcoach model file", code="E506")
    out: dict[str, Any] = {}
    for key, node in content.items():
        try:
            out[key] = _plain(node, 0)
        except (KeyError, TypeError, ValueError, RecursionError):
            continue
    return out


def _plain(node: Any, depth: int) -> Any:
    """A schema node as the plain value it stores; ValueError when it stores an object."""
    if depth > 32 or not isinstance(node, dict):
        raise ValueError("not plain data")
    loader = node.get("__loader__")
    if loader == "JsonNode" and node.get("is_json"):
        return json.loads(node["content"])
    if loader == "DictNode":  # a value that is not plain data is left out
        out = {}
        for k, v in node["content"].items():
            try:
                out[str(k)] = _plain(v, depth + 1)
            except ValueError:
                continue
        return out
    if loader == "ListNode":
        return [_plain(v, depth + 1) for v in node["content"]]
    raise ValueError("not plain data")
