"""Role inference with the trained speaker model: its features, its training,
and the guarantees the decision keeps whatever the model says."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analyzer.gold import find_gold_files
from analyzer.nlp.learned import SentenceModel, load_models
from analyzer.nlp.training import fit_roles, load_calls
from analyzer.config import default_thresholds
from analyzer.roles import ROLE_MODEL, assign_roles, infer_roles, role_model, seller_score, speaker_evidence, speaker_features
from analyzer.transcript import Role

from helpers import build_transcript

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

TURNS = [
    ("Recording", "This call may be recorded for quality and training purposes."),
    ("Priya Nair", "Thanks for taking the time today. How are you handling payroll at the moment?"),
    ("Tammy Boyd", "We're currently using spreadsheets, honestly. What do you guys do?"),
    ("Priya Nair", "We help dental groups run payroll. What made you look at this now?"),
    ("Tammy Boyd", "Our office manager is leaving and nobody else knows the sheets."),
]


@pytest.fixture(scope="module")
def sample_calls():
    calls, errors = load_calls(find_gold_files([SAMPLES]))
    assert not errors and len(calls) >= 30
    return calls


def test_roles_learned_features_hold_words_pairs_and_binned_signals():
    t = build_transcript(TURNS, infer=True)
    features = speaker_features(t)
    assert set(features) == set(t.speakers)
    priya = features["Priya Nair"]
    assert {"w:payroll", "b:how are", "E:order=1", "E:speakers=3"} <= set(priya)
    assert any(f.startswith("E:youq=") for f in priya) and any(f.startswith("E:share=") for f in priya)
    assert features == speaker_features(t)  # the same call, the same features
    assert not any("payroll" in f for f in features["Tammy Boyd"] if f.startswith("w:"))


def test_roles_learned_phrases_are_counted_within_turns():
    # A phrase counts in each turn it is said in, never across two turns of one speaker.
    whole = [("Priya Nair", "Thanks for taking the time."), ("Tammy Boyd", "Sure."), ("Priya Nair", "Thanks for taking the time!")]
    split = [("Priya Nair", "Thanks for taking"), ("Tammy Boyd", "Sure."), ("Priya Nair", "the time, really.")]
    assert speaker_evidence(build_transcript(whole, infer=True))["Priya Nair"]["SELLER"] == 2
    assert speaker_evidence(build_transcript(split, infer=True))["Priya Nair"]["SELLER"] == 0


def test_roles_learned_reads_at_most_words_read_of_a_speaker():
    # A speaker's turns are read in call order until role_words_read words are
    # read; later turns count towards the words (the share of the call) only.
    words_read = default_thresholds().role_words_read
    filler = "we looked at the numbers again this week and they held up fine"  # 13 words
    n = words_read // 13 + 1
    asks = ("Tammy Boyd", "What do you guys do? How much does it cost?")  # 10 words, buyer phrases
    long = [("Tammy Boyd", filler), ("Priya Nair", "Right.")] * n
    t = build_transcript(long + [asks], infer=True)
    ev = speaker_evidence(t)["Tammy Boyd"]
    assert ev["read"] == 13 * n and words_read <= ev["read"] < words_read + 13
    assert ev["words"] == 13 * n + 10
    assert ev["BUYER"] == 0  # the buyer phrases come after the words read
    features = speaker_features(t)["Tammy Boyd"]
    assert "w:guys" not in features and "w:numbers" in features
    # The same turn within the words read is counted.
    early = speaker_evidence(build_transcript([asks] + long, infer=True))["Tammy Boyd"]
    assert early["BUYER"] > 0 and early["words"] == ev["words"]
    # The limit is the configuration's: at 13 words only the first turn is read.
    first = speaker_evidence(t, dataclasses.replace(default_thresholds(), role_words_read=13))["Tammy Boyd"]
    assert first["read"] == 13 and first["words"] == ev["words"]


@pytest.mark.parametrize(
    "text",
    [
        "Our pricing is simple, and our team can help: this is the part where our product shines.",
        "Calling from Acme. I'm with the payroll team; we're reviewing our options.",
        "Thanks for taking the time. So, what does your team use today?",
        "Tour team and hour pricing are not phrases; our team is.",  # a letter before a phrase
        "Nothing here names anyone's job at all.",
    ],
)
def test_roles_learned_each_label_counts_every_phrase_of_a_turn(text):
    # The label counts equal each label's own phrases counted over the whole
    # turn, however many labels the turn holds and wherever the first begins.
    import re

    from analyzer.nlp.resources import load_patterns

    expected = {}
    for row in load_patterns("roles"):
        expected.setdefault(row["label"], set()).add(row["pattern"].lower())
    lower = text.lower()
    evidence = speaker_evidence(build_transcript([("Priya Nair", text), ("Tammy Boyd", "Sure.")], infer=True))["Priya Nair"]
    for label, phrases in expected.items():
        alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        direct = re.findall(r"(?<![a-z'])(?:" + alternation + r")(?![a-z'])", lower)
        assert evidence[label] == len(direct), label


def test_roles_learned_without_a_model_the_score_is_the_heuristic():
    t = assign_roles(build_transcript(TURNS, infer=True), model=None)
    evidence = speaker_evidence(t)
    assert t.role_scores == {s: seller_score(evidence[s]) for s in ("Priya Nair", "Tammy Boyd")}


@pytest.mark.parametrize("intercept", [10.0, -10.0])
def test_roles_learned_a_call_keeps_a_seller_and_a_buyer_whatever_the_model_says(intercept):
    """A model that calls everyone a seller (or nobody) still leaves the call one
    seller (the most seller-like) and one buyer (the least); 'other' stays with the rules."""
    extra = [("Lee Park", "Yeah, and the sheets break every month, to be fair.")]
    t = build_transcript(TURNS + extra, infer=True)
    roles = infer_roles(t, model=SentenceModel(ROLE_MODEL, {}, intercept))
    assert roles["Recording"] is Role.OTHER
    people = [roles[s] for s in ("Priya Nair", "Tammy Boyd", "Lee Park")]
    assert Role.SELLER in people and Role.BUYER in people


def test_roles_learned_given_roles_win_over_the_model():
    t = build_transcript(TURNS, infer=True)
    out = assign_roles(t, sellers=["Tammy Boyd"], model=SentenceModel(ROLE_MODEL, {"w:payroll": 9.0}, 0.0))
    assert out.roles["Tammy Boyd"] is Role.SELLER and out.roles["Priya Nair"] is Role.BUYER


def test_roles_learned_model_trained_on_gold_roles_tells_sellers_from_buyers(sample_calls):
    """Fitted on half the samples, the model finds the sellers and buyers of the other half."""
    train, test = sample_calls[::2], sample_calls[1::2]
    model = fit_roles(train)
    assert model.name == ROLE_MODEL and model.card["trained_on"]["candidates"] > 0
    correct = total = 0
    for call in test:
        roles = infer_roles(call.transcript, model=model)
        for speaker, gold in call.gold.roles.items():
            total += 1
            correct += roles[speaker].value == gold
    assert total >= 30 and correct / total >= 0.85, f"{correct}/{total}"


def test_roles_learned_fit_is_deterministic(sample_calls):
    a, b = fit_roles(sample_calls[:10]), fit_roles(sample_calls[:10])
    assert a.weights == b.weights and a.intercept == b.intercept


def test_roles_learned_model_is_found_beside_the_tagger_models(tmp_path, sample_calls):
    fit_roles(sample_calls[:10]).save(tmp_path / f"{ROLE_MODEL}.npz")
    assert isinstance(role_model(str(tmp_path)), SentenceModel)
    assert role_model("none") is None and role_model(None) is None
    assert ROLE_MODEL in load_models(tmp_path)


def test_roles_learned_cut_is_chosen_on_held_out_writers(sample_calls):
    """With three writers or more the cut is the one that infers most roles right on
    writers held out within the training calls; with fewer it stays 0.5."""
    from dataclasses import replace

    assert fit_roles(sample_calls[:12]).threshold == 0.5  # one writer
    grouped = [replace(c, writer=f"w{k % 3}") for k, c in enumerate(sample_calls)]
    tuned = fit_roles(grouped)
    assert 0.2 <= tuned.threshold <= 0.6
    assert fit_roles(grouped).threshold == tuned.threshold  # deterministic
    assert fit_roles(grouped, tune_threshold=False).threshold == 0.5


def test_roles_learned_scorer_equals_the_model_on_feature_strings(sample_calls, monkeypatch):
    """The speaker model's scores come from weights kept by word and word pair,
    summed exactly: the same as the model's decision over the feature strings,
    on calls whose words it has met and on those it has not, and after its
    memory starts again."""
    from analyzer import roles

    model = role_model("default")
    scorer = roles._SpeakerScorer(model)
    monkeypatch.setattr(roles._SpeakerScorer, "LIMIT", 2_000)
    seen = []
    for call in sample_calls[:12] + sample_calls[:2]:  # the last two met before
        t = call.transcript
        evidence, said = roles._read_speakers(t, default_thresholds().role_words_read)
        features = roles._features(t, evidence, said)
        expected = model.decision([features[s] for s in t.speakers]).tolist()
        got = scorer.decision(t, evidence, said, list(t.speakers))
        assert got == pytest.approx(expected, abs=1e-9)
        assert [round(x, 3) for x in got] == [round(x, 3) for x in expected]
        seen.append(len(scorer._words))
    assert min(seen[1:]) < max(seen)  # the memory passed its limit and started again
