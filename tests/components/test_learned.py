"""The taggers' trained sentence models: features, fitting, files, and how components use them."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from analyzer.errors import ConfigError
from analyzer.nlp import learned
from analyzer.nlp.learned import SentenceModel, fit_sentence_model, load_models, ngrams, person_features
from analyzer.nlp.pipeline import LEARNED_COMPONENTS, analyse_doc, build_nlp

from helpers import build_transcript

ROWS = [["W:what", "R:kind=wh"], ["W:can", "R:excl=CHECKIN"], ["W:how", "R:kind=wh"], ["W:see", "R:excl=CHECKIN"]] * 5
LABELS = [1, 0, 1, 0] * 5


def _constant(name: str, intercept: float) -> SentenceModel:
    """A model that keeps every candidate (intercept > 0) or none (< 0)."""
    return SentenceModel(name, {}, intercept)


@pytest.mark.parametrize(
    "n,expected",
    [
        (1, ["H:how", "H:are", "H:0"]),
        (2, ["H:how", "H:are", "H:0", "H:<s> how", "H:how are", "H:are 0", "H:0 </s>"]),
        (4, ["H:how", "H:are", "H:0", "H:<s> how", "H:how are", "H:are 0", "H:0 </s>",
             "H:<s> how are", "H:how are 0", "H:are 0 </s>", "H:<s> how are 0", "H:how are 0 </s>"]),
    ],
)
def test_learned_ngrams_in_order_of_length_then_place(n, expected):
    # The order is the order the model sums their weights in.
    assert ngrams(["how", "are", "7"], "H:", n=n) == expected
    assert ngrams([], "H:", n=n) == ([] if n == 1 else ["H:<s> </s>"])


@pytest.mark.parametrize(
    "words,expected",
    [
        (["how", "are", "you"], {"W:how", "W:are you", "W:<s> how are", "W:you </s>"}),
        (["call", "me", "at", "5"], {"W:0", "W:at 0"}),
    ],
)
def test_learned_ngrams_hold_words_bigrams_trigrams_and_fold_digits(words, expected):
    assert expected <= set(ngrams(words, "W:"))


@pytest.mark.parametrize(
    "words,expected",
    [
        (["what", "does", "your", "team", "use"], ["P:you", "P:first=you"]),
        (["we", "can", "help", "you"], ["P:we", "P:you", "P:first=we"]),
        (["sounds", "good"], ["P:none"]),
    ],
)
def test_learned_person_features_name_who_a_sentence_speaks_of(words, expected):
    assert person_features(words) == expected


def test_learned_fit_is_deterministic_for_a_seed():
    a = fit_sentence_model("buyer_question", ROWS, LABELS, seed=3)
    b = fit_sentence_model("buyer_question", ROWS, LABELS, seed=3)
    assert a.weights == b.weights and a.intercept == b.intercept
    assert list(a.accept([["W:what", "R:kind=wh"], ["W:can", "R:excl=CHECKIN"]])) == [True, False]


def test_learned_fit_weighs_only_features_seen_in_enough_rows():
    rows = ROWS + [["W:what", "R:kind=wh", "W:once"]]
    model = fit_sentence_model("buyer_question", rows, LABELS + [1])
    assert "W:once" not in model.weights and "W:what" in model.weights
    assert "W:once" in fit_sentence_model("buyer_question", rows, LABELS + [1], min_count=1).weights


def test_learned_models_of_a_folder_are_read_once_until_they_change(tmp_path):
    fit_sentence_model("buyer_question", ROWS, LABELS).save(tmp_path / "buyer_question.npz")
    first, again = load_models(tmp_path), load_models(tmp_path)
    assert first["buyer_question"] is again["buyer_question"] and first is not again
    fit_sentence_model("buyer_question", ROWS, LABELS, threshold=0.3).save(tmp_path / "buyer_question.npz")
    os.utime(tmp_path / "buyer_question.npz", ns=(1, 1))  # a new file, whatever the clock's resolution
    assert load_models(tmp_path)["buyer_question"].threshold == 0.3


def test_learned_fit_refuses_one_class():
    with pytest.raises(ValueError, match="only one class"):
        fit_sentence_model("buyer_question", ROWS, [0] * len(ROWS))


def test_learned_save_and_load_round_trip(tmp_path):
    model = fit_sentence_model("buyer_question", ROWS, LABELS, threshold=0.4, card={"trained_on": {"calls": 2}})
    model.save(tmp_path / "buyer_question.npz")
    back = SentenceModel.load(tmp_path / "buyer_question.npz")
    assert back.threshold == 0.4 and back.card["trained_on"] == {"calls": 2}
    assert np.allclose(back.decision(ROWS[:4]), model.decision(ROWS[:4]), atol=1e-5)
    assert set(load_models(tmp_path)) == {"buyer_question"}


def test_learned_file_stores_feature_strings_joined_and_reads_the_json_list_of_older_files(tmp_path):
    """The strings are written joined by NUL; a file written as a JSON list
    (earlier versions, or a string holding a NUL) reads to the same model."""
    model = fit_sentence_model("buyer_question", ROWS, LABELS)
    model.save(tmp_path / "new.npz")
    with np.load(tmp_path / "new.npz") as z:
        assert "features_joined" in z.files and "features" not in z.files
        names = z["features_joined"].tobytes().decode("utf-8").split("\0")
        weights = z["weights"]
        older = {k: z[k] for k in z.files if k != "features_joined"}
    assert names == sorted(model.weights)
    older["features"] = np.frombuffer(json.dumps(names).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(tmp_path / "old.npz", **older)
    new, old = SentenceModel.load(tmp_path / "new.npz"), SentenceModel.load(tmp_path / "old.npz")
    assert new.weights == old.weights == dict(zip(names, weights.astype(float).tolist()))
    assert new.decision(ROWS).tolist() == old.decision(ROWS).tolist()

    odd = SentenceModel("buyer_question", {"W:a\0b": 1.5, "W:c": -0.5}, 0.25)
    odd.save(tmp_path / "odd.npz")
    with np.load(tmp_path / "odd.npz") as z:
        assert "features" in z.files and "features_joined" not in z.files
    assert SentenceModel.load(tmp_path / "odd.npz").weights == {"W:a\0b": 1.5, "W:c": -0.5}
    SentenceModel("buyer_question", {}, 0.25).save(tmp_path / "empty.npz")
    assert SentenceModel.load(tmp_path / "empty.npz").weights == {}


def test_learned_scores_are_the_sum_of_each_rows_distinct_weights():
    weights = {"W:what": 0.1, "W:how": 0.7, "R:kind=wh": 1.3, "W:can": -2.25, "R:excl=CHECKIN": -0.3}
    model = SentenceModel("buyer_question", weights, -0.5)
    rows = [["W:what", "R:kind=wh", "W:what"], [], ["W:never", "W:seen"], ["W:can", "R:excl=CHECKIN", "W:how"]]
    expected = [-0.5 + sum(weights.get(f, 0.0) for f in dict.fromkeys(row)) for row in rows]
    assert model.decision(rows).tolist() == expected  # the same sums, added in the same order
    assert model.table.lookup(["W:how", "W:never", "R:kind=wh"]).tolist() == [0.7, 0.0, 1.3]
    assert SentenceModel("buyer_question", {}, 0.25).decision([["W:how"], []]).tolist() == [0.25, 0.25]


def test_learned_model_sent_to_another_process_scores_the_same(tmp_path):
    """The weight table is keyed by this process's string hashes: a pickled
    model rebuilds it where it lands (another hash seed)."""
    import pickle
    import subprocess
    import sys

    model = fit_sentence_model("buyer_question", ROWS, LABELS)
    model.decision(ROWS[:4])  # the table is built here first
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(model))
    code = (
        "import pickle, sys; m = pickle.loads(open(sys.argv[1], 'rb').read()); "
        "print(m.decision([['W:what', 'R:kind=wh'], ['W:can', 'R:excl=CHECKIN']]).tolist())"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m.pkl")], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == str(model.decision([["W:what", "R:kind=wh"], ["W:can", "R:excl=CHECKIN"]]).tolist())


def test_learned_load_refuses_other_feature_versions(tmp_path, monkeypatch):
    fit_sentence_model("buyer_question", ROWS, LABELS).save(tmp_path / "m.npz")
    monkeypatch.setattr(learned, "FEATURE_VERSION", learned.FEATURE_VERSION + 1)
    with pytest.raises(ConfigError, match="E320.*retrain"):
        SentenceModel.load(tmp_path / "m.npz")


def test_learned_load_refuses_pickled_content(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, features=np.array([object()], dtype=object), weights=np.zeros(1), intercept=np.zeros(1),
             threshold=np.array([0.5]), feature_version=np.array([learned.FEATURE_VERSION]))
    with pytest.raises(ConfigError, match="E320"):
        SentenceModel.load(path)


def test_learned_load_refuses_malformed_weights(tmp_path):
    path = tmp_path / "bad.npz"
    features = np.frombuffer(b'["W:a", "W:b"]', dtype=np.uint8)
    np.savez(path, features=features, weights=np.array([1.0, np.nan]), intercept=np.zeros(1),
             threshold=np.array([0.5]), feature_version=np.array([learned.FEATURE_VERSION]))
    with pytest.raises(ConfigError, match="E320.*malformed"):
        SentenceModel.load(path)


def test_learned_load_reads_the_feature_strings_on_first_use(tmp_path):
    model = fit_sentence_model("buyer_question", ROWS, LABELS)
    model.save(tmp_path / "m.npz")
    loaded = SentenceModel.load(tmp_path / "m.npz")
    assert "not read yet" in repr(loaded)
    assert np.allclose(loaded.decision([["W:what"]]), model.decision([["W:what"]]), atol=1e-6)  # float32 on disk
    assert "not read yet" not in repr(loaded) and loaded == SentenceModel.load(tmp_path / "m.npz")


def test_learned_table_read_from_a_file_weighs_as_its_weights(tmp_path):
    model = fit_sentence_model("buyer_question", ROWS, LABELS)
    model.save(tmp_path / "m.npz")
    loaded = SentenceModel.load(tmp_path / "m.npz")
    table = loaded.table  # built from the file's strings and weights, with no dictionary
    weights = SentenceModel.load(tmp_path / "m.npz").weights
    names = sorted(weights)
    assert len(table) == len(weights) > 0
    assert table.lookup(names + ["W:never-seen"]).tolist() == [weights[n] for n in names] + [0.0]
    assert loaded.weights == weights and loaded.table is table
    assert table._values.dtype == np.float32  # the file's float32 weights, held exactly


def test_learned_table_finds_every_weight_past_collisions_and_the_wrap():
    """Half the slots taken, so probes collide (and may run past the last slot
    to the first); a lookup of many strings (passes over all at once) and of a
    few (one by one) both give each its weight, and 0.0 to strings not in it."""
    rng = np.random.default_rng(7)
    weights = {f"W:{i} {rng.integers(1 << 40)}": float(rng.normal()) for i in range(20_000)}
    table = learned.WeightTable(weights)
    assert len(table) == 20_000
    names = list(weights)
    unseen = [f"H:{i}" for i in range(20_000)]
    mixed = [x for pair in zip(names, unseen) for x in pair]
    expected = [x for n in names for x in (weights[n], 0.0)]
    assert table.lookup(mixed).tolist() == expected
    for k in range(0, 400, 40):  # under the vectorised passes' floor
        assert table.lookup(mixed[k : k + 7]).tolist() == expected[k : k + 7]
    # the slots hold every feature once and at most half are taken
    keys = table._keys[table._keys != table.EMPTY]
    assert len(keys) == len(set(keys.tolist())) == 20_000 and len(table._keys) >= 40_000
    assert table._values.dtype == np.float64  # weights float32 would round
    assert learned.WeightTable({}).lookup(["W:a"]).tolist() == [0.0]


def test_learned_load_refuses_feature_strings_malformed_or_changed_on_disk(tmp_path):
    path = tmp_path / "bad.npz"
    features = np.frombuffer(b'["W:a", 3]', dtype=np.uint8)
    np.savez(path, features=features, weights=np.array([1.0, 2.0]), intercept=np.zeros(1),
             threshold=np.array([0.5]), feature_version=np.array([learned.FEATURE_VERSION]))
    with pytest.raises(ConfigError, match="E320.*feature strings are malformed"):
        SentenceModel.load(path).weights
    fit_sentence_model("buyer_question", ROWS, LABELS).save(tmp_path / "m.npz")
    loaded = SentenceModel.load(tmp_path / "m.npz")
    fit_sentence_model("buyer_question", ROWS[:8], LABELS[:8]).save(tmp_path / "m.npz")
    with pytest.raises(ConfigError, match="E320.*changed on disk"):
        loaded.weights


def test_learned_scoring_imports_no_scikit_learn(tmp_path):
    """Analysis with the models needs no scikit-learn (a scoring worker starts fast)."""
    import subprocess
    import sys

    code = (
        "import sys; from analyzer.nlp.learned import load_models; "
        "m = load_models('default')['buyer_question']; m.accept([['W:how', 'R:kind=wh']]); "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_learned_load_models_none_and_missing_folder(tmp_path):
    assert load_models("none") == {}
    assert load_models(None) == {}
    with pytest.raises(ConfigError, match="E320"):
        load_models(tmp_path / "nowhere")


def test_learned_shipped_models_load_from_the_package_without_network():
    models = load_models("default")
    assert {"buyer_question", "question_open", "pitch_invite", "if_then_close", "segment_start", "segment_question", "speaker_role"} <= set(models)
    for model in models.values():
        assert model.card["trained_on"]["calls"] > 0 and 0 < model.threshold < 1
    nlp = build_nlp()
    assert all(nlp.get_pipe(name).model is not None for name in LEARNED_COMPONENTS)


@pytest.mark.parametrize("intercept,expected", [(10.0, 2), (-10.0, 0)])
def test_learned_buyer_question_follows_its_model_within_the_guide(intercept, expected):
    """The model decides among the candidates (keep-all tags the rules' reject too),
    but the guide's own exclusions bind it: the screen check is never tagged."""
    nlp = build_nlp(learned="none")
    nlp.get_pipe("callcoach_buyer_question").model = _constant("buyer_question", intercept)
    t = build_transcript(
        [("Dana", "How do you handle renewals today? Should we get going? Can you see my screen?")], {"Dana": "seller"}
    )
    doc = analyse_doc(nlp, t)
    assert len(doc.spans["buyer_question"]) == expected
    assert "Can you see my screen?" not in [s.text for s in doc.spans["buyer_question"]]


def test_learned_buyer_question_exclusion_phrase_inside_a_question_is_the_models():
    """A question that is nothing but an exclusion phrase (with its wh-word, auxiliary
    and subject) is never tagged; one that holds such a phrase and asks more is
    the model's to judge, the phrase one of its features."""
    nlp = build_nlp(learned="none")
    tagger = nlp.get_pipe("callcoach_buyer_question")
    tagger.model = _constant("buyer_question", 10.0)
    t = build_transcript(
        [("Dana", "How does cash work for you over the winter? Does Tuesday work for you? Sorry, what was that, Sam?")],
        {"Dana": "seller"},
    )
    doc = analyse_doc(nlp, t)
    assert [s.text for s in doc.spans["buyer_question"]] == ["How does cash work for you over the winter?"]
    cands = {c.span.text: c for c in tagger.candidates(doc)}
    winter = cands["How does cash work for you over the winter?"]
    assert "R:excl=LOGISTICS" in winter.features and not winter.veto
    assert cands["Does Tuesday work for you?"].veto
    assert cands["Sorry, what was that, Sam?"].veto


def test_learned_pitch_invite_joins_adjacent_sentences_into_one_tag():
    nlp = build_nlp(learned="none")
    nlp.get_pipe("callcoach_pitch_invite").model = _constant("pitch_invite", 10.0)
    t = build_transcript(
        [("Sam", "Before we start. Who are you guys? What do you do?")], {"Sam": "buyer"}
    )
    doc = analyse_doc(nlp, t)
    assert [s.text for s in doc.spans["pitch_invite"]] == ["Who are you guys? What do you do?"]


def test_learned_rules_only_pipeline_keeps_rule_decisions():
    nlp = build_nlp(learned="none")
    assert all(nlp.get_pipe(name).model is None for name in LEARNED_COMPONENTS)
    t = build_transcript([("Dana", "How do you handle renewals today? Can you see my screen?")], {"Dana": "seller"})
    doc = analyse_doc(nlp, t)
    assert [s.text for s in doc.spans["buyer_question"]] == ["How do you handle renewals today?"]


def _doc(turns, roles):
    nlp = build_nlp(learned="none")
    return analyse_doc(nlp, build_transcript(turns, roles))


ROLES_DS = {"Dana": "seller", "Sam": "buyer"}


def test_learned_reply_features_say_whether_a_sentence_ends_its_turn_and_who_speaks_next():
    from analyzer.nlp.components.base import reply_features

    doc = _doc(
        [
            ("Dana", "Thanks for the time. How do you handle renewals today?"),
            ("Sam", "Well, we mostly do them by hand in a big shared spreadsheet every quarter."),
            ("Dana", "Got it."),
        ],
        ROLES_DS,
    )
    turns = doc.spans["turns"]
    first_sentence_end = next(iter(doc[turns[0].start : turns[0].end].sents)).end
    assert reply_features(doc, 0, first_sentence_end) == ["A:turn_end=False"]
    assert reply_features(doc, 0, turns[0].end) == ["A:turn_end=True", "A:role=buyer"]
    assert reply_features(doc, 2, turns[2].end) == ["A:unknown"]  # the last turn: nothing follows


def test_learned_echo_features_count_the_other_sides_words_taken_up():
    from analyzer.nlp.components.base import echo_features

    doc = _doc(
        [
            ("Sam", "Our renewals are handled manually by the finance team."),
            ("Dana", "Which part of the manual renewals hurts most?"),
            ("Kim", "And the weather there?"),
        ],
        {**ROLES_DS, "Kim": "seller"},
    )
    assert echo_features(doc, 1, ["which", "part", "of", "the", "manual", "renewals", "hurts", "most", "?"]) == ["E:echo=1"]
    assert echo_features(doc, 1, ["how", "do", "the", "renewals", "get", "handled", "manually", "?"]) == ["E:echo=2"]
    assert echo_features(doc, 1, ["and", "the", "weather", "?"]) == ["E:echo=0"]
    assert echo_features(doc, 2, ["and", "the", "weather", "?"]) == ["E:echo=same_side"]
    assert echo_features(doc, 0, ["our", "renewals"]) == ["E:unknown"]  # the first turn


@pytest.mark.parametrize("intercept,expected", [(10.0, [True, True]), (-10.0, [False, False]), (None, [True, False])])
def test_learned_open_model_decides_open_where_it_ships(intercept, expected):
    """With an open model, ``open`` is its decision; without one, the question form's."""
    nlp = build_nlp(learned="none")
    tagger = nlp.get_pipe("callcoach_buyer_question")
    tagger.model = _constant("buyer_question", 10.0)
    tagger.open_model = None if intercept is None else _constant("question_open", intercept)
    t = build_transcript([("Dana", "How do you handle renewals today? Do you use a spreadsheet?")], {"Dana": "seller"})
    doc = analyse_doc(nlp, t)
    assert [s._.callcoach_open for s in doc.spans["buyer_question"]] == expected


def test_learned_unknown_context_weighs_the_class_balanced_mean_of_known_contexts():
    rows = [["W:what", "A:turn_end=True", "A:role=buyer"], ["W:nice", "A:turn_end=False"],
            ["W:what", "A:turn_end=False"], ["W:nice", "A:turn_end=True", "A:role=seller"], ["W:what", "A:unknown"],
            ["W:so", "A:turn_end=False"], ["W:ok", "A:turn_end=False"]] * 4
    y = [1, 0, 1, 0, 1, 0, 0] * 4  # the tag is the rarer class among the known contexts (8 of 24)
    model = fit_sentence_model("buyer_question", rows, y)
    w = model.weights

    def mean_add(label):
        adds = [sum(w.get(f, 0.0) for f in row if f.startswith("A:")) for row, t in zip(rows, y) if t == label and "A:unknown" not in row]
        return sum(adds) / len(adds)

    assert w["A:unknown"] == pytest.approx((mean_add(0) + mean_add(1)) / 2)
    known = [sum(w.get(f, 0.0) for f in row if f.startswith("A:")) for row in rows if "A:unknown" not in row]
    assert w["A:unknown"] > sum(known) / len(known)  # not pulled towards the commoner class
    assert model.decision([["W:what", "A:unknown"]])[0] == pytest.approx(model.intercept + w["W:what"] + w["A:unknown"])


def test_learned_open_model_is_fitted_on_the_gold_questions_attribute():
    from analyzer.nlp.training import CallCandidates, fit_open_model

    rows = [["R:open=True", "W:what"], ["R:open=False", "W:do"], ["R:open=True", "W:how"], ["R:open=False", "W:or"]] * 3
    opens = [True, False, True, False] * 3
    call = CallCandidates("x.gold.json", "w", rows={"buyer_question": rows + [["W:weather"]]},
                          opens={"buyer_question": opens + [None]})
    model = fit_open_model([call])
    assert model.card["trained_on"]["candidates"] == 12  # the candidate with no gold question is left out
    assert model.card["trained_on"]["positives"] == 6
    assert model.accept([["R:open=True", "W:what"], ["R:open=False", "W:or"]]).tolist() == [True, False]


def test_learned_reply_features_read_the_answer_for_invitations_and_closes():
    """With ``answer`` the other side's reply is read: its first words (hesitations
    skipped), its length and whether it speaks of its speaker; never a reply of
    the same side."""
    from analyzer.nlp.components.base import reply_features

    doc = _doc(
        [
            ("Dana", "If I knock ten percent off, can we get this signed by Friday?"),
            ("Sam", "Um, yes, we can do that."),
            ("Dana", "Great."),
            ("Lee", "I'll send it over."),
            ("Sam", "Thanks."),
        ],
        dict(ROLES_DS, Lee="seller"),
    )
    turns = doc.spans["turns"]
    base = ["A:turn_end=True", "A:role=buyer"]
    assert reply_features(doc, 0, turns[0].end, answer=True) == base + ["A:r1=yes", "A:r2=yes we", "A:rlen=2", "A:rself=True"]
    assert reply_features(doc, 1, turns[1].end, answer=True) == ["A:turn_end=True", "A:role=seller", "A:r1=great", "A:r2=great", "A:rlen=1", "A:rself=False"]
    assert reply_features(doc, 2, turns[2].end, answer=True) == ["A:turn_end=True", "A:role=seller"]  # the same side goes on
    assert reply_features(doc, 0, turns[0].end) == base  # a buyer question reads no answer
    nlp = build_nlp(learned="none")
    doc = analyse_doc(nlp, build_transcript([("Dana", "If I knock ten percent off, can we get this signed by Friday?"), ("Sam", "Um, yes, we can do that.")], ROLES_DS))
    (close,) = nlp.get_pipe("callcoach_if_then_close").candidates(doc)
    assert "A:r2=yes we" in close.features


@pytest.mark.parametrize("reply", ["Badly.", "Honestly? It's a mess: three people, two spreadsheets and a lot of chasing every single quarter."])
def test_learned_what_the_buyer_answers_does_not_decide(reply):
    """A question is a buyer question by what it asks: who takes the next turn may
    count, what they say may not (the guide's definition; "Badly." answers a
    buyer question as well as a long story does)."""
    nlp = build_nlp()
    doc = analyse_doc(nlp, build_transcript(
        [("Dana", "Thanks for making the time. How are you handling renewals today?"), ("Sam", reply), ("Dana", "I see.")],
        ROLES_DS,
    ))
    tagger = nlp.get_pipe("callcoach_buyer_question")
    (cand,) = [c for c in tagger.candidates(doc) if c.span.text.startswith("How")]
    assert not [f for f in cand.features if f.startswith("A:") and not f.startswith(("A:turn_end=", "A:role="))]
    assert [(s.text, s._.callcoach_open) for s in doc.spans["buyer_question"]] == [("How are you handling renewals today?", True)]


def test_learned_writer_folds_group_whole_writers_by_calls():
    from types import SimpleNamespace

    from analyzer.nlp.training import writer_folds

    calls = [SimpleNamespace(writer=w) for w, n in (("ta", 5), ("tb", 4), ("tc", 3), ("td", 2), ("te", 1)) for _ in range(n)]
    assert writer_folds(calls) == [["ta"], ["tb"], ["tc"], ["td"], ["te"]]
    folds = writer_folds(calls, 2)
    assert folds == [["ta", "td", "te"], ["tb", "tc"]]  # 8 and 7 calls
    assert writer_folds(calls, 9) == writer_folds(calls)  # more folds than writers: one each
    with pytest.raises(ValueError):
        writer_folds(calls, 1)


@pytest.mark.parametrize(
    "spans, golds, expected",
    [
        # A question cut in two: the piece that holds most of it stands for it, the other is no question.
        ([(0, 40), (41, 55)], [[(0, 55)]], [0, None]),
        ([(0, 10), (11, 55)], [[(0, 55)]], [None, 0]),
        # Two questions, two candidates: one each, in order.
        ([(0, 20), (21, 40)], [[(0, 20)], [(21, 40)]], [0, 1]),
        # One candidate over two questions stands for the first; the second goes unmatched.
        ([(0, 40)], [[(0, 20)], [(21, 40)]], [0]),
        # A candidate apart from every question, and a question said twice (two places).
        ([(0, 10), (50, 60), (100, 110)], [[(50, 60), (100, 110)]], [None, 0, None]),
        # Equal overlaps: the earlier candidate.
        ([(0, 10), (10, 20)], [[(5, 15)]], [0, None]),
    ],
)
def test_learned_each_gold_question_stands_for_one_candidate(spans, golds, expected):
    from analyzer.nlp.training import _one_each

    assert _one_each(spans, golds) == expected


def test_learned_inner_folds_are_writer_folds():
    from types import SimpleNamespace

    from analyzer.nlp.training import INNER_FOLDS, _writer_folds, writer_folds

    calls = [SimpleNamespace(writer=w) for w, n in (("ta", 5), ("tb", 4), ("tc", 3), ("td", 2), ("te", 1), ("tf", 1)) for _ in range(n)]
    folds = _writer_folds(calls)
    assert folds == [set(g) for g in writer_folds(calls, INNER_FOLDS)]
    assert len(folds) == INNER_FOLDS
    # Whole writers, each in one fold, and folds of about the same number of calls.
    assert sorted(w for f in folds for w in f) == ["ta", "tb", "tc", "td", "te", "tf"]
    # (largest writer first, each to the fold with the fewest calls: 5 | 4 | 3+1 | 2+1)
    assert sorted(sum(c.writer in f for c in calls) for f in folds) == [3, 4, 4, 5]
    assert _writer_folds(calls[:9]) == []  # two writers: no inner folds
