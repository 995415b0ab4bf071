"""``analyzer.evaluate``: the taggers measured against ``data/samples/*.gold.json``."""
from __future__ import annotations

import json
import shutil

import pytest

from analyzer.errors import GoldFormatError
from analyzer.evaluate import TagCounts, evaluate_paths, find_gold_files, load_gold, maximum_pairs
from analyzer.gold import overlap
from analyzer.nlp.extensions import TAG_NAMES
from helpers import ROOT, SAMPLES

#: The issue's requirement: F1 of every tag on the samples.
MIN_F1 = 0.85
GOLD_FILES = sorted(SAMPLES.glob("*.gold.json"))


@pytest.fixture(scope="module")
def evaluation(analyzer):
    return evaluate_paths([ROOT / "data" / "samples"], analyzer)


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.name[: -len(".gold.json")])
def test_evaluate_gold_parses(gold_path):
    gold = load_gold(gold_path)
    assert gold.transcript_path.exists()
    assert set(gold.roles.values()) <= {"seller", "buyer", "other"}
    assert all(t.tag in TAG_NAMES for t in gold.tags)


def test_evaluate_samples_have_no_errors(evaluation):
    assert evaluation.errors == []
    assert len(evaluation.calls) == len(GOLD_FILES) >= 30


def test_evaluate_samples_every_quote_found(evaluation):
    """No E406: every gold quote stands in a turn of its speaker (else the call would be an error)."""
    matched = sum(c.tp + c.fn for c in evaluation.totals().values())
    gold = sum(len(load_gold(p).tags) for p in GOLD_FILES)
    assert matched == gold


@pytest.mark.parametrize("tag", TAG_NAMES)
def test_evaluate_samples_tag_f1(evaluation, tag):
    counts = evaluation.totals()[tag]
    assert counts.tp + counts.fn > 0, f"no gold {tag} in the samples"
    assert counts.f1 >= MIN_F1, f"{tag}: {counts.to_dict()}"


def test_evaluate_samples_open_accuracy(evaluation):
    assert evaluation.open_accuracy() >= 0.9


def test_evaluate_to_dict_shape(evaluation):
    d = evaluation.to_dict()
    assert d["calls"] == len(GOLD_FILES)
    assert set(d["tags"]) == set(TAG_NAMES)
    assert all(set(c) == {"tp", "fp", "fn", "precision", "recall", "f1"} for c in d["tags"].values())
    assert len(d["per_call"]) == len(GOLD_FILES)
    assert json.loads(json.dumps(d)) == d


@pytest.mark.parametrize(
    "tp,fp,fn,expected",
    [(8, 2, 2, (0.8, 0.8, 0.8)), (0, 0, 0, (None, None, None)), (0, 3, 0, (0.0, None, None)), (0, 1, 1, (0.0, 0.0, 0.0))],
)
def test_evaluate_tag_counts(tp, fp, fn, expected):
    c = TagCounts(tp, fp, fn)
    got = tuple(None if x is None else round(x, 9) for x in (c.precision, c.recall, c.f1))
    assert got == expected


def test_evaluate_find_gold_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.gold.json").write_text("{}", encoding="utf-8")
    (tmp_path / "y.gold.json").write_text("{}", encoding="utf-8")
    (tmp_path / "z.json").write_text("{}", encoding="utf-8")
    assert find_gold_files([tmp_path]) == [tmp_path / "a" / "x.gold.json", tmp_path / "y.gold.json"]


def _copy_sample(tmp_path, stem, mutate=None):
    gold_src = SAMPLES / f"{stem}.gold.json"
    gold = json.loads(gold_src.read_text(encoding="utf-8"))
    shutil.copy(SAMPLES / gold["file"], tmp_path / gold["file"])
    if mutate:
        mutate(gold)
    (tmp_path / gold_src.name).write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path / gold_src.name


def test_evaluate_broken_gold_reported_and_run_goes_on(tmp_path, analyzer):
    def bad_quote(gold):
        gold["tags"][0]["quote"] = "Nobody ever said this sentence."

    _copy_sample(tmp_path, "01-payroll-dental-discovery", bad_quote)
    _copy_sample(tmp_path, "32-pilot-checkin-short")
    ev = evaluate_paths([tmp_path], analyzer)
    assert [c.file for c in ev.calls] == [str(tmp_path / "32-pilot-checkin-short.txt")]
    assert len(ev.errors) == 1
    assert ev.errors[0]["file"] == str(tmp_path / "01-payroll-dental-discovery.gold.json")
    assert "[E406]" in ev.errors[0]["error"]
    assert "'Nobody ever said this sentence.' is not in any turn of 'Priya Nair'" in ev.errors[0]["error"]


@pytest.mark.parametrize(
    "content,code,match",
    [
        ("{not json", "E402", r"line 1: expected JSON"),
        ("[]", "E402", r"expected a JSON object"),
        ('{"file": "absent.txt", "roles": {"A": "seller"}}', "E403", r"expected the transcript 'absent\.txt' beside it"),
        ('{"file": "call.txt", "roles": {}}', "E404", r"expected 'roles'"),
        ('{"file": "call.txt", "roles": {"A": "seller"}, "tags": [{"tag": "pitch", "speaker": "A", "quote": "x"}]}', "E405", r"tags\[0\]: expected tag"),
        ('{"file": "../call.txt", "roles": {"A": "seller"}}', "E403", r"expected 'file' to be the name of a transcript beside it \(no folder\)"),
        ('{"file": "call.txt", "roles": {"A": "seller"}, "tags": null}', "E405", r"expected 'tags' to be a list of tags, found None"),
        ('{"file": "call.txt", "roles": {"A": "seller"}, "tags": 0}', "E405", r"expected 'tags' to be a list"),
        ('{"file": "call.txt", "roles": {"A": "seller"}, "tags": [{"tag": "buyer_question", "speaker": "A", "quote": "x"}]}', "E405", r"tags\[0\]: .*open: true or false"),
        ('{"file": "call.txt", "roles": {"A": "seller"}, "tags": [{"tag": "buyer_question", "speaker": "A", "quote": "x", "open": "no"}]}', "E405", r"tags\[0\]"),
        ('{"file": "call.txt", "roles": {"A": "seller"}, "label": "meh"}', "E410", r"expected 'label' to be one of seller_centric, buyer_centric, found 'meh'"),
        ('{"file": "call.txt", "roles": {"A": "seller"}, "label_confidence": "sure"}', "E410", r"expected 'label_confidence'"),
    ],
    ids=["syntax", "not-object", "no-transcript", "no-roles", "bad-tag", "file-in-another-folder", "tags-null", "tags-not-a-list",
         "open-missing", "open-not-a-flag", "bad-label", "bad-confidence"],
)
def test_evaluate_load_gold_errors(tmp_path, content, code, match):
    (tmp_path / "call.txt").write_text("A: Hello there.\n", encoding="utf-8")
    path = tmp_path / "call.txt.gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFormatError, match=rf"\[{code}\] .*call\.txt\.gold\.json: {match}"):
        load_gold(path)


def test_evaluate_second_sidecar_of_a_call_is_an_error(tmp_path, analyzer):
    """A sidecar that names a call another sidecar names is reported (E409); the call counts once."""
    _copy_sample(tmp_path, "32-pilot-checkin-short", lambda gold: None)
    first = next(tmp_path.glob("*.gold.json"))
    (tmp_path / "zz-copy.gold.json").write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    ev = evaluate_paths([tmp_path], analyzer)
    assert len(ev.calls) == 1
    assert len(ev.errors) == 1 and ev.errors[0]["file"].endswith("zz-copy.gold.json")
    assert "[E409]" in ev.errors[0]["error"] and "a call has one sidecar" in ev.errors[0]["error"]


def test_evaluate_unknown_speaker_in_gold_is_an_error(tmp_path, analyzer):
    def drop_role(gold):
        gold["roles"].pop("Tammy Boyd")

    _copy_sample(tmp_path, "01-payroll-dental-discovery", drop_role)
    ev = evaluate_paths([tmp_path], analyzer)
    assert ev.calls == []
    assert "[E407]" in ev.errors[0]["error"] and "Tammy Boyd" in ev.errors[0]["error"]


@pytest.mark.parametrize(
    "content, code",
    [
        (b'\xff\xfe{"roles": {}}', "E402"),
        (b'{"file": ["a"], "roles": {"A": "seller"}}', "E403"),
        (b'{"roles": {"Dana": "seller"}, "tags": [{"tag": "buyer_question", "speaker": "Dana", "quote": 42}]}', "E405"),
    ],
    ids=["not-utf8", "file-not-a-name", "quote-not-text"],
)
def test_evaluate_malformed_gold_is_reported_not_raised(tmp_path, content, code):
    from analyzer.evaluate import evaluate_paths

    (tmp_path / "c.txt").write_text("Dana: How do you run payroll today?\nSam: By hand.\n", encoding="utf-8")
    (tmp_path / "c.gold.json").write_bytes(content)
    ev = evaluate_paths([tmp_path])
    assert len(ev.errors) == 1 and f"[{code}]" in ev.errors[0]["error"] and "c.gold.json" in ev.errors[0]["error"]


@pytest.mark.parametrize(
    "pairs, n_gold, n_pred, matched",
    [
        # The first gold question overlaps both predictions, the second only the
        # first: taking the first free overlap would leave the second unmatched.
        ([(0, 0), (0, 1), (1, 0)], 2, 2, 2),
        # One prediction spanning two gold questions matches one of them.
        ([(0, 0), (1, 0)], 2, 1, 1),
        ([], 3, 2, 0),
        ([(0, 1), (1, 2), (2, 0)], 3, 3, 3),
    ],
)
def test_evaluate_maximum_pairs(pairs, n_gold, n_pred, matched):
    found = maximum_pairs(pairs, n_gold, n_pred)
    assert len(found) == matched
    assert all((g, k) in pairs for g, k in found.items())
    assert len(set(found.values())) == len(found)


@pytest.mark.parametrize(
    "start, end, places, expected",
    [
        (0, 10, [(5, 20)], 5),
        (0, 10, [(10, 20)], 0),  # touching is not overlapping
        (0, 10, [], 0),
        (0, 10, [(8, 30), (2, 6)], 4),  # a quote said twice: its best place
        (3, 4, [(0, 10)], 1),
    ],
)
def test_evaluate_overlap_counts_the_characters_a_quote_covers(start, end, places, expected):
    assert overlap(start, end, places) == expected
