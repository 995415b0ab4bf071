"""``analyzer.roles``: given roles, roles files, and inference."""
from __future__ import annotations

import json

import pytest

from analyzer.config import Thresholds
from analyzer.errors import RolesError
from analyzer.readers import read_transcript
from analyzer.roles import assign_roles, infer_roles, read_roles_file
from analyzer.transcript import Role
from helpers import SAMPLES, build_transcript

CALL = [
    ("Bot", "This call may be recorded."),
    (
        "Priya Nair",
        "Hi Tammy, thanks for taking the time today. I'm with Payline, and we help dental groups run "
        "payroll across offices. How are things going on your side? What got you looking at payroll right now?",
    ),
    (
        "Tammy Boyd",
        "Honestly, our payroll person is leaving in March and we're currently using spreadsheets for all "
        "four offices, which is a mess every other Friday. How much does it cost?",
    ),
    (
        "Priya Nair",
        "Our platform starts at four dollars a head per month. How many people do you have across the "
        "offices, and who approves the hours today?",
    ),
    (
        "Tammy Boyd",
        "About sixty people, and the office managers approve hours. I need to talk to my boss before we decide anything.",
    ),
]


@pytest.fixture
def call():
    return build_transcript(CALL, source="call.txt", infer=True)


def _roles(transcript):
    return {name: role.value for name, role in transcript.roles.items()}


# given roles -----------------------------------------------------------------


def test_roles_given_exact_name(call):
    out = assign_roles(call, sellers=["Tammy Boyd"])
    assert out.roles["Tammy Boyd"] is Role.SELLER
    assert out.role_source == {"Bot": "inferred", "Priya Nair": "inferred", "Tammy Boyd": "given"}


def test_roles_given_one_name_as_a_string(call):
    """A single string is one name, not a list of its letters."""
    out = assign_roles(call, sellers="Tammy Boyd", buyers="Priya Nair")
    assert (out.roles["Tammy Boyd"], out.roles["Priya Nair"]) == (Role.SELLER, Role.BUYER)
    assert out.role_source == {"Bot": "inferred", "Priya Nair": "given", "Tammy Boyd": "given"}


@pytest.mark.parametrize("name", ["priya nair", "PRIYA NAIR", " Priya nair "])
def test_roles_given_name_case_insensitive(call, name):
    out = assign_roles(call, buyers=[name])
    assert out.roles["Priya Nair"] is Role.BUYER
    assert out.role_source["Priya Nair"] == "given"


def test_roles_name_in_decomposed_unicode_is_the_composed_name():
    """A file made on macOS may write "Zoë" as "e" and a combining accent: the
    same speaker as "Zoë" composed, and matched by a name typed either way."""
    import unicodedata

    from analyzer.readers import read_text

    nfd = unicodedata.normalize("NFD", "Zoë Martin")
    text = f"{nfd}: Hi José, how are you handling renewals today?\nJosé Núñez: Badly.\nZoë Martin: Why is that?\n"
    transcript = read_text(text, format="txt")
    assert transcript.speakers == ("Zoë Martin", "José Núñez")
    for typed in ("Zoë Martin", nfd, "zoë martin"):
        assert assign_roles(transcript, sellers=[typed]).roles["Zoë Martin"] is Role.SELLER


def test_roles_given_seller_makes_the_rest_buyers(call):
    out = assign_roles(call, sellers=["Priya Nair"])
    assert _roles(out) == {"Bot": "other", "Priya Nair": "seller", "Tammy Boyd": "buyer"}


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({"roles": {"Bot": "Other", "Priya Nair": "SELLER", "Tammy Boyd": "buyer"}}, ("other", "seller", "buyer")),
        ({"roles": {"Priya Nair": Role.BUYER}, "sellers": ["Tammy Boyd"], "others": ["Bot"]}, ("other", "buyer", "seller")),
    ],
)
def test_roles_given_mapping(call, kwargs, expected):
    out = assign_roles(call, **kwargs)
    assert tuple(_roles(out)[s] for s in ("Bot", "Priya Nair", "Tammy Boyd")) == expected
    assert set(out.role_source.values()) == {"given"}


def test_roles_unknown_name_lists_speakers(call):
    with pytest.raises(RolesError, match=r"\[E201\] call\.txt: 'Dana' is not a speaker in this call; "
                       r"its speakers are: 'Bot', 'Priya Nair', 'Tammy Boyd'"):
        assign_roles(call, sellers=["Dana"])


def test_roles_conflicting_roles(call):
    with pytest.raises(RolesError, match=r"\[E203\] 'Priya Nair' is given two roles: seller and buyer"):
        assign_roles(call, sellers=["Priya Nair"], buyers=["priya nair"])


def test_roles_same_role_twice_is_fine(call):
    out = assign_roles(call, sellers=["Priya Nair"], roles={"priya nair": "seller"})
    assert out.roles["Priya Nair"] is Role.SELLER


def test_roles_unknown_role_name(call):
    with pytest.raises(RolesError, match=r"\[E202\] role 'manager' for 'Priya Nair' is not one of seller, buyer, other"):
        assign_roles(call, roles={"Priya Nair": "manager"})


def test_roles_ambiguous_case_insensitive_name():
    transcript = build_transcript([("Sam", "Hello there."), ("SAM", "Hi, who is this?")], infer=True)
    with pytest.raises(RolesError, match="'sam' is not a speaker"):
        assign_roles(transcript, sellers=["sam"])


# roles files -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("roles.json", '{"Priya Nair": "seller", "Tammy Boyd": "buyer"}', {"Priya Nair": "seller", "Tammy Boyd": "buyer"}),
        ("roles.json", '{"speakers": {"Priya Nair": "seller"}}', {"Priya Nair": "seller"}),
        ("roles.txt", '\ufeff  {"Priya Nair": "seller"}', {"Priya Nair": "seller"}),
        ("roles.csv", "speaker,role\nPriya Nair,seller\n\nTammy Boyd , buyer\n", {"Priya Nair": "seller", "Tammy Boyd": "buyer"}),
        ("roles.csv", "Speaker,Role,notes\nBot,other,the recording\n", {"Bot": "other"}),
    ],
    ids=["json", "json-speakers-key", "json-by-content", "csv", "csv-extra-column"],
)
def test_roles_file_good(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert read_roles_file(path) == expected


@pytest.mark.parametrize(
    "name,content,match",
    [
        ("roles.json", '{"Priya Nair": "seller",\n}', r"\[E205\] .*roles\.json, line 2: expected a JSON object of speaker to role"),
        ("roles.json", '["Priya Nair", "seller"]', r"\[E205\] .*roles\.json: expected a JSON object mapping speaker names to roles"),
        ("roles.json", '{"Priya Nair": 1}', r"\[E205\] .*expected a JSON object mapping speaker names to roles"),
        ("roles.csv", "name,side\nPriya Nair,seller\n", r"\[E206\] .*roles\.csv, line 1: expected the header 'speaker,role'"),
        ("roles.csv", "", r"\[E206\] .*line 1: expected the header 'speaker,role'"),
        ("roles.csv", "speaker,role\nPriya Nair,seller\nTammy Boyd\n", r"\[E206\] .*roles\.csv, line 3: expected 'speaker,role', found \['Tammy Boyd'\]"),
        ("roles.json", '{"Priya Nair": "boss"}', r"\[E202\] .*roles\.json: role 'boss' for 'Priya Nair' is not one of seller, buyer, other"),
        ("roles.csv", "speaker,role\nPriya Nair,seller\nTammy Boyd,customer\n", r"\[E202\] .*roles\.csv, line 3: role 'customer' for 'Tammy Boyd' is not one of"),
        ("roles.json", '{"Priya Nair": "seller", "Priya Nair": "buyer"}', r"\[E203\] .*roles\.json: 'Priya Nair' is given two roles: seller and buyer"),
        ("roles.csv", "speaker,role\nPriya Nair,seller\nTammy Boyd,buyer\nPriya Nair,buyer\n", r"\[E203\] .*roles\.csv, line 4: 'Priya Nair' is given two roles: seller \(line 2\) and buyer"),
    ],
    ids=["json-syntax", "json-list", "json-not-strings", "csv-header", "csv-empty", "csv-short-row", "json-bad-role", "csv-bad-role", "json-two-roles", "csv-two-roles"],
)
def test_roles_file_broken(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RolesError, match=match):
        read_roles_file(path)


def test_roles_file_missing(tmp_path):
    with pytest.raises(RolesError, match=r"\[E204\] cannot read roles file .*nope\.json: No such file"):
        read_roles_file(tmp_path / "nope.json")


def test_roles_file_unknown_speaker_at_assignment(tmp_path, call):
    path = tmp_path / "roles.csv"
    path.write_text("speaker,role\nDana Reyes,seller\n", encoding="utf-8")
    with pytest.raises(RolesError, match="'Dana Reyes' is not a speaker"):
        assign_roles(call, roles=read_roles_file(path))


# inference -------------------------------------------------------------------


def test_roles_infer_small_call(call):
    assert {s: r.value for s, r in infer_roles(call).items()} == {
        "Bot": "other",
        "Priya Nair": "seller",
        "Tammy Boyd": "buyer",
    }


def test_roles_infer_marks_source(call):
    out = assign_roles(call)
    assert set(out.role_source.values()) == {"inferred"}


def test_roles_infer_recording_notice_is_other(call):
    assert infer_roles(call)["Bot"] is Role.OTHER


def test_roles_infer_recording_notice_with_many_words_is_not_other():
    """A speaker with more than other_max_word_share of the words is a person, whatever they say."""
    call = build_transcript([("Sam Lee", CALL[0][1]), *CALL[1:]], infer=True)
    assert infer_roles(call, thresholds=Thresholds.from_defaults(other_max_word_share=0.01))["Sam Lee"] is not Role.OTHER


@pytest.mark.parametrize("name", ["Front Desk", "Operator", "Ana Ruiz (Interpreter)", "Recording", "Reception"])
def test_roles_infer_label_naming_a_role_without_side_is_other(name):
    call = build_transcript([(name, "Good morning, how can I help?"), *CALL[1:]], infer=True)
    assert infer_roles(call)[name] is Role.OTHER


def test_roles_infer_interpreter_by_what_they_say():
    turns = [
        *CALL[1:3],
        ("Luis Ortega", "Bueno, queremos saber cuánto cuesta y cuándo pueden empezar."),
        ("Marta Diaz", "He says they want to know what it costs. And he is asking when you could start."),
        ("Luis Ortega", "Y si funciona con nuestro sistema actual."),
        ("Marta Diaz", "He wants to know if it works with the system they have now."),
    ]
    roles = infer_roles(build_transcript(turns, infer=True))
    assert roles["Marta Diaz"] is Role.OTHER and roles["Priya Nair"] is Role.SELLER


def test_roles_infer_buyer_reporting_what_someone_said_is_not_other():
    turns = [
        *CALL[1:3],
        ("Tammy Boyd", "My office manager, she says the old system lost two weeks of hours last spring, "
         "and she says nobody could tell her why. We spent the whole month fixing records by hand, "
         "calling every hygienist, checking every timesheet, and it was honestly the worst month of the year."),
    ]
    assert infer_roles(build_transcript(turns, infer=True))["Tammy Boyd"] is Role.BUYER


def test_roles_infer_order_does_not_decide(call):
    reordered = build_transcript([CALL[2], CALL[1], CALL[4], CALL[3]], infer=True)
    assert {s: r.value for s, r in infer_roles(reordered).items()} == {"Priya Nair": "seller", "Tammy Boyd": "buyer"}


@pytest.mark.parametrize(
    "text",
    ["Welcome, everyone. Today I will walk you through our quarterly plan.", "Mm-hmm."],
)
def test_roles_infer_one_speaker_is_seller(text):
    transcript = build_transcript([("Solo", text)], infer=True)
    assert infer_roles(transcript) == {"Solo": Role.SELLER}


def test_roles_infer_given_buyer_makes_the_other_a_seller():
    transcript = build_transcript([("A", "Hi, how much does it cost?"), ("B", "Hello, what do you guys do?")], infer=True)
    assert assign_roles(transcript, buyers=["A"]).roles == {"A": Role.BUYER, "B": Role.SELLER}


def _sample_accuracy():
    correct = total = 0
    misses = []
    for gold_path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        transcript = read_transcript(gold_path.parent / gold["file"])
        inferred = assign_roles(transcript)
        for speaker in transcript.speakers:
            total += 1
            if inferred.roles[speaker].value == gold["roles"][speaker]:
                correct += 1
            else:
                misses.append(f"{gold_path.name}: {speaker} {inferred.roles[speaker].value} != {gold['roles'][speaker]}")
    return correct, total, misses


def test_roles_infer_samples_accuracy():
    correct, total, misses = _sample_accuracy()
    accuracy = correct / total
    assert total >= 70
    assert accuracy >= 0.85, f"role inference accuracy {accuracy:.3f} ({correct}/{total}); misses: {misses}"
