"""Model files made to hurt: archives that inflate to gigabytes, edited coefficients, pickles, foreign types; each refused with its code, nothing scored."""
from __future__ import annotations

import io
import json
import pickle
import shutil
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import EXIT_INPUT_ERROR, EXIT_OK, main
from analyzer.classifier import load_model
from analyzer.errors import ModelArtifactError
from analyzer.modelfile import (
    MAX_ENTRY_BYTES,
    card_digests,
    default_model_path,
    parameters_digest,
    recorded_identity,
    training_data_digest,
)

SHIPPED = default_model_path()
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "06-farm-solar-intro.vtt"
pytestmark = pytest.mark.skipif(SHIPPED is None, reason="no shipped model")


def _payload():
    import skops.io as sio

    return sio.load(SHIPPED, trusted=sio.get_untrusted_types(file=SHIPPED))


def _dump(payload, path: Path) -> Path:
    import skops.io as sio

    sio.dump(payload, path)
    return path


def _rezip(path: Path, replace: dict[str, bytes]) -> None:
    """Write the archive again with some entries' content replaced (deflated)."""
    with zipfile.ZipFile(SHIPPED) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))


def test_reliability_model_shipped_one_checks_out_against_its_card():
    model = load_model(SHIPPED)
    card = card_digests(SHIPPED)
    assert model.digest == card["parameters"] == parameters_digest(model.model)
    assert card["training data"] == training_data_digest(model.metadata["training_sha256"])


def test_reliability_model_schema_that_inflates_past_the_limit_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.skops"
    _rezip(bomb, {"schema.json": b" " * (MAX_ENTRY_BYTES + 1)})
    assert bomb.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(ModelArtifactError, match=r"\[E521\] .*refused before it was inflated: the entry 'schema.json' inflates to 64\.0 MiB"):
        load_model(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - t0 < 2.0 and peak < 16 * 1024 * 1024


def test_reliability_model_entry_that_lies_about_its_size_refused(tmp_path):
    """The central directory says 1,000 bytes; the stream inflates to 8 MiB: reading stops at the lie."""
    liar = tmp_path / "liar.skops"
    _rezip(liar, {"schema.json": b"{" + b" " * (8 * 1024 * 1024)})
    data = bytearray(liar.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("schema.json")
    pos = 0
    while True:  # the central directory record of schema.json: uncompressed size at offset 24
        pos = data.find(b"PK\x01\x02", pos)
        name_len = struct.unpack("<H", data[pos + 28 : pos + 30])[0]
        if data[pos + 46 : pos + 46 + name_len] == b"schema.json":
            break
        pos += 4
    struct.pack_into("<I", data, pos + 24, 1000)
    liar.write_bytes(bytes(data))
    assert info.file_size > 1000
    with pytest.raises(ModelArtifactError, match=r"\[E5(03|21)\]"):
        load_model(liar)


def test_reliability_model_negated_coefficients_refused(tmp_path):
    payload = _payload()
    estimator = payload["model"].steps[-1][1]
    estimator.coef_ = -estimator.coef_
    payload["metadata"].pop("parameters_sha256", None)
    with pytest.raises(ModelArtifactError, match=r"\[E523\] .*records the digest of its parameters"):
        load_model(_dump(payload, tmp_path / "negated.skops"))  # no record anywhere: refused

    payload["metadata"]["parameters_sha256"] = card_digests(SHIPPED)["parameters"]
    with pytest.raises(ModelArtifactError, match=r"\[E522\] .*refused: its parameters .* the model file records"):
        load_model(_dump(payload, tmp_path / "negated2.skops"))  # the record it copied does not match


def test_reliability_model_edited_in_place_refused_by_its_card(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(SHIPPED, folder / SHIPPED.name)
    shutil.copy(SHIPPED.with_name("README.md"), folder / "README.md")
    assert load_model(folder / SHIPPED.name).digest  # an untouched copy beside its card loads
    payload = _payload()
    payload["model"].steps[-1][1].intercept_ = payload["model"].steps[-1][1].intercept_ + 5.0
    payload["metadata"].pop("parameters_sha256", None)  # only the card records it now
    _dump(payload, folder / SHIPPED.name)
    with pytest.raises(ModelArtifactError, match=r"\[E522\] .*its card records"):
        load_model(folder / SHIPPED.name)


def test_reliability_model_cli_refuses_an_edited_model_and_scores_nothing(tmp_path):
    payload = _payload()
    payload["model"].steps[-1][1].coef_ = -payload["model"].steps[-1][1].coef_
    payload["metadata"]["parameters_sha256"] = card_digests(SHIPPED)["parameters"]  # the record of the real one
    evil = _dump(payload, tmp_path / "evil.skops")
    fb = CliRunner().invoke(main, ["feedback", str(SAMPLE), "--model", str(evil)])
    assert fb.exit_code == EXIT_INPUT_ERROR and "[E522]" in fb.stderr and "Score" not in fb.stdout
    out = tmp_path / "rows.jsonl"
    sc = CliRunner().invoke(main, ["score", str(SAMPLE), "-o", str(out), "--model", str(evil), "--workers", "1"])
    assert sc.exit_code == EXIT_INPUT_ERROR and "[E522]" in sc.stderr
    assert not out.exists() or out.read_text() == ""


@pytest.mark.parametrize("kind", ["os.system", "builtins.eval", "pickle", "spoofed-node", "not-json"])
def test_reliability_model_crafted_files_refused(tmp_path, kind):
    import os

    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / f"{kind}.skops"
    if kind in ("os.system", "builtins.eval"):
        payload = _payload()
        payload["model"] = FunctionTransformer(func=os.system if kind == "os.system" else eval)
        _dump(payload, path)
        code = "E504"
    elif kind == "pickle":
        path.write_bytes(pickle.dumps({"format": "callcoach-model"}))
        code = "E503"
    elif kind == "spoofed-node":
        with zipfile.ZipFile(SHIPPED) as z:
            schema = json.loads(z.read("schema.json"))
        schema["content"]["model"]["__module__"] = "builtins"
        schema["content"]["model"]["__class__"] = "eval"
        _rezip(path, {"schema.json": json.dumps(schema).encode()})
        code = "E504"
    else:
        _rezip(path, {"schema.json": b"{not json"})
        code = "E503"
    with pytest.raises(ModelArtifactError) as info:
        load_model(path)
    assert info.value.code == code and str(info.value).split(": ", 1)[1].strip()  # a reason, never empty


def test_reliability_model_error_reason_never_empty():
    from analyzer.classifier.model import _reason

    assert _reason(MemoryError()) == "MemoryError"


def test_reliability_model_version_names_the_model_and_its_digest():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == EXIT_OK
    identity = recorded_identity(SHIPPED)
    assert identity["name"] in result.output and f"sha256:{identity['digest']}" in result.output


def test_reliability_model_every_batch_row_carries_the_digest(tmp_path):
    out = tmp_path / "rows.jsonl"
    result = CliRunner().invoke(main, ["score", str(SAMPLE), "-o", str(out), "--workers", "1"])
    assert result.exit_code == EXIT_OK, result.output
    digest = recorded_identity(SHIPPED)["digest"]
    assert result.stdout.startswith("model: ") and f"sha256:{digest}" in result.stdout.splitlines()[0]  # the top of the run
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(r["model_digest"] == digest for r in rows)


def test_reliability_model_named_in_the_runs_json(tmp_path):
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(main, ["score", str(SAMPLE), "-o", str(out), "--workers", "1", "--json"])
    assert result.exit_code == EXIT_OK, result.output
    run = json.loads(result.stdout)
    identity = recorded_identity(SHIPPED)
    assert run["model"] == {"name": identity["name"], "parameters_sha256": identity["digest"]}
