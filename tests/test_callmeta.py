"""``analyzer.callmeta``: manifests, dates in file names, Gong's call date and rep, and coded errors."""
from __future__ import annotations

import json
import re

import pytest

from analyzer.callmeta import NO_META, CallMeta, ManifestError, call_meta, date_from_name, meta_from_export, read_manifest


def write(tmp_path, text, name="calls.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MANIFEST = """\
path,date,rep,team,call_type,outcome,account,notes
calls/a.vtt,2026-11-03,Dana Reyes,East,discovery,won,Acme,first call
calls/b.vtt,2026/11/10T14:00:00Z,Kim Lee,West,demo,Closed Lost,Globex,
other/c.txt,,,,,,,
"""


def test_callmeta_manifest_by_path(tmp_path):
    m = read_manifest(write(tmp_path, MANIFEST))
    assert len(m) == 3
    assert m.lookup(tmp_path / "calls" / "a.vtt") == CallMeta("2026-11-03", "Dana Reyes", "East", "discovery", "won", "Acme")
    assert m.lookup(tmp_path / "calls" / "b.vtt") == CallMeta("2026-11-10", "Kim Lee", "West", "demo", "lost", "Globex")
    assert m.lookup(tmp_path / "other" / "c.txt") == NO_META


def test_callmeta_manifest_by_unique_file_name(tmp_path):
    m = read_manifest(write(tmp_path, "file,rep\na.vtt,Dana\nx/b.vtt,Kim\ny/b.vtt,Lee\n"))
    assert m.lookup("/anywhere/else/a.vtt").rep == "Dana"
    assert m.lookup("/elsewhere/b.vtt") == NO_META  # two rows name b.vtt: ambiguous
    m = read_manifest(write(tmp_path, "file,rep\nx/c.vtt,Kim\n"))
    assert m.lookup("/elsewhere/c.vtt") == NO_META  # a row with a folder names that file alone


def test_callmeta_manifest_name_alone_of_two_calls_is_refused(tmp_path):
    """A row that gives a file name alone, when two calls of the run have that name
    and no row names either by its path, is refused (E356): which call it means is unknown."""
    m = read_manifest(write(tmp_path, "file,rep\nrep.txt,Kim\na.vtt,Dana\n"))
    m.check_names([tmp_path / "x" / "a.vtt", tmp_path / "y" / "b.vtt"])  # once: fine
    with pytest.raises(ManifestError, match=r"\[E356\] .*, line 3: 'a.vtt' alone names 2 calls of this run .*give its folder too"):
        m.check_names([tmp_path / "x" / "a.vtt", tmp_path / "y" / "a.vtt"])


def test_callmeta_manifest_headers_are_forgiving(tmp_path):
    m = read_manifest(write(tmp_path, "\ufeffFile, Call Type ,REP\na.vtt,Discovery,Dana\n"))
    assert m.lookup(tmp_path / "a.vtt") == CallMeta(rep="Dana", call_type="Discovery")


@pytest.mark.parametrize(
    "text,code,line",
    [
        ("rep,date\nDana,2026-11-03\n", "E351", 1),
        ("path,rep\n,Dana\n", "E351", 2),
        ("path,date\na.vtt,2026-11-03\nb.vtt,03/11/2026\n", "E352", 3),
        ("path,date\na.vtt,2026-02-30\n", "E352", 2),
        ("path,date\na.vtt,9999-12-31\n", "E352", 2),
        ("path,outcome\na.vtt,maybe\n", "E353", 2),
        ("path,rep\na.vtt,Dana\nb.vtt,Kim\na.vtt,Lee\n", "E354", 4),
        ("path,rep\na.vtt,Dana\x07\n", "E355", 2),
        ("", "E351", None),
    ],
    ids=["no-path-column", "empty-path", "bad-date", "impossible-date", "year-out-of-range", "bad-outcome", "named-twice", "control-character", "empty"],
)
def test_callmeta_manifest_errors_name_the_line(tmp_path, text, code, line):
    path = write(tmp_path, text)
    where = f"{path}, line {line}" if line else f"{path}:"
    with pytest.raises(ManifestError, match=rf"\[{code}\] {re.escape(where)}"):
        read_manifest(path)


def test_callmeta_manifest_missing_file(tmp_path):
    with pytest.raises(ManifestError, match="E350.*cannot read"):
        read_manifest(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    "name,date",
    [
        ("2026-11-03 Acme discovery.vtt", "2026-11-03"),
        ("calls/acme_2026_11_03.json", "2026-11-03"),
        ("acme-20261103-demo.txt", "2026-11-03"),
        ("2026.11.03 acme.srt", "2026-11-03"),
        ("acme discovery.vtt", None),
        ("acme-2026-13-03.vtt", None),  # no 13th month
        ("acme-2026-02-30.vtt", None),  # no February 30th
        ("ticket-120261103999.vtt", None),  # digits inside a longer number
        ("2026-11/03 acme.vtt", None),  # the folder is not part of the name
    ],
)
def test_callmeta_date_from_name(name, date):
    assert date_from_name(name) == date


GONG = {
    "metaData": {"id": "77", "started": "2026-11-03T15:30:00-08:00", "primaryUserId": "u2"},
    "parties": [
        {"speakerId": "1", "name": "Sam Buyer", "affiliation": "External"},
        {"speakerId": "2", "name": "Kim Lee", "affiliation": "Internal", "userId": "u1"},
        {"speakerId": "3", "name": "Dana  Reyes", "affiliation": "Internal", "userId": "u2"},
    ],
    "callTranscripts": [{"callId": "77", "transcript": []}],
}


def test_callmeta_gong_date_and_primary_user():
    assert meta_from_export(json.dumps(GONG).encode(), "json") == CallMeta(date="2026-11-03", rep="Dana Reyes")


def test_callmeta_gong_first_internal_party_without_primary_user():
    doc = {"calls": [{"metaData": {"scheduled": "2026-10-01T09:00:00Z"}, "parties": GONG["parties"][:2]}]}
    assert meta_from_export(json.dumps(doc).encode(), "json") == CallMeta(date="2026-10-01", rep="Kim Lee")


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'{"parties": 3, "metaData": "x"}', b'{"utterances": []}'])
def test_callmeta_export_without_metadata(data):
    assert meta_from_export(data, "json") == NO_META


def test_callmeta_other_formats_are_not_read():
    assert meta_from_export(json.dumps(GONG).encode(), "vtt") == NO_META


def test_callmeta_precedence_manifest_then_export_then_name(tmp_path):
    manifest = read_manifest(write(tmp_path, "path,team,rep\n2026-01-05 call.json,East,Manifest Rep\n"))
    path = str(tmp_path / "2026-01-05 call.json")
    meta = call_meta(path, json.dumps(GONG).encode(), "json", manifest)
    assert (meta.rep, meta.team, meta.date) == ("Manifest Rep", "East", "2026-11-03")
    assert call_meta(path, b"Dana: hi", "txt", None) == CallMeta(date="2026-01-05")
