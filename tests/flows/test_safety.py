"""Unit tests for flows.safety's risk phrases: every worrying message in the fixture is caught in
its category, no everyday answer is, the borderline figures of speech go as decided in
risk_phrases.yaml, every phrase in the bundled file is caught on its own, and a broken phrase
file is refused in one line naming the file and the line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.safety import (
    Risk,
    RiskPhrases,
    SafetyFileError,
    bundled_risk_phrases,
    check_risk_phrases,
    load_risk_phrases,
)
from flows.safety.matching import squeeze, tokens
from flows.safety.phrases import read_risk_phrases

FIXTURE = yaml.safe_load((Path(__file__).parent / "safety_messages.yaml").read_text("utf-8"))
BUNDLED = yaml.safe_load(bundled_risk_phrases().read_text(encoding="utf-8"))
PHRASES = load_risk_phrases()


def worrying() -> Iterator[Any]:
    for category, messages in FIXTURE["worrying"].items():
        for message in messages:
            yield pytest.param(message, Risk(category), id=message[:40])


# --- the fixtures -------------------------------------------------------------------------


def test_fixtures_are_big_enough_and_hold_the_2018_disclosures() -> None:
    """At least 60 worrying messages, among them disclosures of the kind children's mental
    health apps were shown to miss in 2018 (forced sex at 12, an eating disorder with
    self-harm), and at least 40 everyday answers, among them the typical check-in ones."""
    messages = [m for ms in FIXTURE["worrying"].values() for m in ms]
    assert len(messages) >= 60
    assert "I'm being forced to have sex and I'm only 12 years old" in messages
    assert "i make myself sick after i eat so i stay thin" in messages
    assert set(FIXTURE["worrying"]) == {str(risk) for risk in Risk}
    ordinary = FIXTURE["ordinary"]
    assert len(ordinary) >= 40
    typical = ["money is tight", "I'm ok", "need help with housing", "my PA is great"]
    assert {*typical, "college is hard"} <= set(ordinary)


@pytest.mark.parametrize(("message", "category"), list(worrying()))
def test_worrying_message_is_caught_in_its_category(message: str, category: Risk) -> None:
    """Misspelt, in slang, without punctuation or spaces: each is caught, as what it is."""
    assert PHRASES.check(message) is category


@pytest.mark.parametrize("message", FIXTURE["ordinary"])
def test_ordinary_answer_is_not_caught(message: str) -> None:
    """Everyday check-in answers (money, housing, college, staff) bring no support reply."""
    assert PHRASES.check(message) is None


@pytest.mark.parametrize("message", FIXTURE["borderline"]["flagged"])
def test_borderline_flagged_on_purpose(message: str) -> None:
    """Figures of speech where a false alarm is kinder than a miss (see risk_phrases.yaml)."""
    assert PHRASES.check(message) is not None


@pytest.mark.parametrize("message", FIXTURE["borderline"]["not_flagged"])
def test_borderline_left_alone(message: str) -> None:
    """Everyday figures of speech decided safe in risk_phrases.yaml ("dying to see")."""
    assert PHRASES.check(message) is None


def test_every_borderline_phrase_is_written_down_in_the_data_file() -> None:
    """Each borderline decision the tests hold the bot to is explained in the phrase file."""
    text = bundled_risk_phrases().read_text(encoding="utf-8").casefold()
    for phrase in ["dying to see", "survey is killing me", "mum will kill me", "kmsl"]:
        assert phrase in text


# --- the bundled phrase file --------------------------------------------------------------


def bundled_phrases() -> Iterator[Any]:
    for category, phrases in BUNDLED["phrases"].items():
        for phrase in phrases:
            yield pytest.param(phrase, Risk(category), id=f"{category}:{phrase}")


@pytest.mark.parametrize(("phrase", "category"), list(bundled_phrases()))
def test_every_phrase_in_the_file_is_caught_on_its_own(phrase: str, category: Risk) -> None:
    """Each phrase, sent as a message by itself, is caught in its own category."""
    assert category in PHRASES.risks(phrase)


@pytest.mark.parametrize("idiom", BUNDLED["safe_idioms"])
def test_every_safe_idiom_on_its_own_is_not_caught(idiom: str) -> None:
    """Each safe idiom, sent by itself, brings no support reply."""
    assert PHRASES.check(idiom) is None


def test_a_safe_idiom_does_not_hide_another_phrase_in_the_same_message() -> None:
    """Only the phrase inside the idiom is let off: the rest of the message still counts."""
    assert PHRASES.check("I'm dying to see my sister") is None
    assert PHRASES.check("I'm dying to see my sister but I want to die") is Risk.SUICIDE_SELF_HARM
    assert PHRASES.check("this survey is killing me and i want to kms") is Risk.SUICIDE_SELF_HARM


def test_bundled_file_has_every_category_and_a_clean_check() -> None:
    """The bundled file lists every category and passes its own checks."""
    assert set(BUNDLED["phrases"]) == {str(risk) for risk in Risk}
    assert check_risk_phrases(bundled_risk_phrases()) == []


# --- what check returns -------------------------------------------------------------------


def test_check_returns_only_the_category_never_the_words() -> None:
    """The result is a category name and nothing else, so a caller can only log that."""
    found = PHRASES.check("i want to die")
    assert type(found) is Risk
    assert str(found) == "suicide_self_harm"
    assert {str(r) for r in Risk} == {
        "suicide_self_harm",
        "sexual_abuse",
        "abuse",
        "violence",
        "exploitation",
        "nowhere_safe_tonight",
    }


def test_several_kinds_of_risk_give_the_first_in_order() -> None:
    """With more than one kind in a message, check gives the first in Risk's order, and
    risks gives them all."""
    message = "i have nowhere to sleep and i want to die"
    assert PHRASES.risks(message) == {Risk.NOWHERE_SAFE_TONIGHT, Risk.SUICIDE_SELF_HARM}
    assert PHRASES.check(message) is Risk.SUICIDE_SELF_HARM


def test_a_longer_phrase_decides_over_one_inside_it() -> None:
    """ "kicked me out" is about a home, though "kicked me" is listed for abuse."""
    assert PHRASES.risks("my mum kicked me out") == {Risk.NOWHERE_SAFE_TONIGHT}


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "!!!", "12345", "ok"])
def test_empty_and_wordless_messages_are_not_caught(text: str) -> None:
    assert PHRASES.check(text) is None


# --- evening out the spelling -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm", ["im"]),
        ("I’m", ["im"]),  # noqa: RUF001 (a curly apostrophe)
        ("don‘t", ["dont"]),  # noqa: RUF001
        ("KILL!!!", ["kill"]),
        ("k1ll mys3lf", ["kill", "myself"]),
        ("$uicide", ["suicide"]),
        ("k!ll", ["kill"]),
        ("i.want.to.die", ["i", "want", "to", "die"]),
        ("self-harm", ["self", "harm"]),
        ("i want 2 die", ["i", "want", "2", "die"]),
        ("only 12 years", ["only", "12", "years"]),
        ("help! 😭", ["help"]),
    ],
)
def test_tokens_even_out_case_apostrophes_look_alikes_and_punctuation(
    text: str, expected: list[str]
) -> None:
    """Lower case, apostrophes dropped, look-alikes inside words become letters (numbers on
    their own stay numbers), punctuation and emoji split words."""
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("word", "keep", "expected"),
    [("killlll", 1, "kil"), ("killlll", 2, "kill"), ("kill", 2, "kill"), ("dieeee", 2, "diee")],
)
def test_squeeze_cuts_repeated_letters(word: str, keep: int, expected: str) -> None:
    assert squeeze(word, keep) == expected


@pytest.mark.parametrize(
    "message",
    [
        "i want to die",
        "I WANT TO DIE",
        "i want to dieeeee",
        "i want to diee",
        "i wanna die",
        "i wana die",
        "i want 2 die",
        "iwanttodie",
        "i wantto die",
        "I want to d i e",
        "I W A N T T O D I E",
        "i-want-to-die",
        "omgiwanttodie",
        "i want to dye",
        "i wanted to die",
    ],
)
def test_one_phrase_however_it_is_typed(message: str) -> None:
    """ "want to die" is caught in capitals, stretched, in slang, with spaces missing or
    added, run into other words, and misspelt."""
    assert PHRASES.check(message) is Risk.SUICIDE_SELF_HARM


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("sucide", Risk.SUICIDE_SELF_HARM),  # a letter missing
        ("suicdal", Risk.SUICIDE_SELF_HARM),
        ("i feel suicidel", Risk.SUICIDE_SELF_HARM),  # a letter wrong
        ("im homless", Risk.NOWHERE_SAFE_TONIGHT),
        ("kill myslef", Risk.SUICIDE_SELF_HARM),  # letters swapped, in a phrase
        ("kil my self", Risk.SUICIDE_SELF_HARM),  # a double letter missing, a space added
        ("i was stabed", Risk.VIOLENCE),
        ("treatened me", Risk.ABUSE),
    ],
)
def test_misspellings_of_longer_words_are_caught(message: str, category: Risk) -> None:
    assert PHRASES.check(message) is category


@pytest.mark.parametrize(
    "message",
    [
        "I want to diet",  # one letter off "want to die", but short phrases must be exact
        "I'm filling in the form",  # "killing" with another first letter
        "she cooked me pasta",  # ordinary_words: not "choked"
        "my therapist",  # "rapist" is not looked for inside a longer word
        "I rapped at the talent show",  # a meaningful double letter is kept
        "I want to leave my placement",  # two letters off "want to live"
    ],
)
def test_near_misses_that_are_everyday_words_are_not_caught(message: str) -> None:
    assert PHRASES.check(message) is None


def test_same_as_turns_short_forms_into_what_they_stand_for() -> None:
    """A phrase and a short form in the message meet through same_as, both ways round."""
    phrases = RiskPhrases(
        {Risk.ABUSE: ["scared of my dad"]}, same_as={"afraid": "scared", "da": "dad"}
    )
    assert phrases.check("im afraid of my da") is Risk.ABUSE
    assert phrases.check("Afraid of my dad!") is Risk.ABUSE
    assert phrases.check("scaredofmyda") is Risk.ABUSE


def test_phrases_built_in_code_need_no_file() -> None:
    """RiskPhrases can be built directly (a deployment's own list, or a test's)."""
    phrases = RiskPhrases({Risk.VIOLENCE: ["zombie knife"]}, safe_idioms=["zombie knife film"])
    assert phrases.check("he has a zombieknife") is Risk.VIOLENCE
    assert phrases.check("that zombie knife film was rubbish") is None


# --- a broken phrase file -----------------------------------------------------------------

GOOD = """\
schema_version: 1
phrases:
  suicide_self_harm:
    - want to die
  sexual_abuse:
    - raped
  abuse:
    - hit me
  exploitation:
    - county lines
  violence:
    - got stabbed
  nowhere_safe_tonight:
    - nowhere to sleep
safe_idioms:
  - hit me up
same_as:
  wanna: want to
ordinary_words:
  - rapped
"""


def problems_in(text: str) -> list[str]:
    return read_risk_phrases(text, "risk_phrases.yaml")[1]


def test_a_good_small_file_reads() -> None:
    phrases, problems = read_risk_phrases(GOOD, "risk_phrases.yaml")
    assert problems == []
    assert phrases is not None and phrases.check("i wanna die") is Risk.SUICIDE_SELF_HARM


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "  violence:\n",
            "  violense:\n",
            "risk_phrases.yaml: line 11: phrases.violense: not a category (did you mean "
            "'violence'?); use one of suicide_self_harm, sexual_abuse, abuse, exploitation, "
            "violence, nowhere_safe_tonight",
            id="misspelt-category",
        ),
        pytest.param(
            "    - raped\n",
            "    - raped\n    - ab\n",
            "risk_phrases.yaml: line 7: phrases.sexual_abuse: 'ab' is too short; "
            "it would match too much",
            id="too-short",
        ),
        pytest.param(
            "    - want to die\n",
            "    - want to die\n    - Wanna DIE!\n",
            "risk_phrases.yaml: line 5: phrases.suicide_self_harm: 'Wanna DIE!' is the same as "
            "'want to die' (line 4) once spelling is evened out; keep one",
            id="duplicate-after-evening-out",
        ),
        pytest.param(
            "    - nowhere to sleep\n",
            "    - nowhere to sleep\n    - - a list\n",
            "risk_phrases.yaml: line 15: phrases.nowhere_safe_tonight[1]: should be words; "
            "put it in quotes if it has a colon",
            id="not-words",
        ),
        pytest.param(
            "    - county lines\n",
            "    - county lines\n    -\n",
            "risk_phrases.yaml: line 11: phrases.exploitation[1]: is empty; write the words, "
            "or remove the line",
            id="empty-phrase",
        ),
        pytest.param(
            "  - hit me up\n",
            "  - hit me up\n  - see you later\n",
            "risk_phrases.yaml: line 17: safe_idioms: 'see you later' contains no risk phrase, "
            "so it changes nothing",
            id="idiom-covering-nothing",
        ),
        pytest.param(
            "  - hit me up\n",
            "  - hit me up\n  - got stabbed\n",
            "risk_phrases.yaml: line 12: phrases.violence: 'got stabbed' would never be "
            "flagged because the safe idiom 'got stabbed' covers it",
            id="phrase-hidden-by-idiom",
        ),
        pytest.param(
            "  wanna: want to\n",
            "  wanna: want to\n  gonna wanna: going to\n",
            "risk_phrases.yaml: line 19: same_as.gonna wanna: should be one word (the short form)",
            id="same_as-two-words",
        ),
        pytest.param(
            "  wanna: want to\n",
            "  wanna: want to\n  wana: wanna\n",
            "risk_phrases.yaml: line 19: same_as.wana: 'wanna' is itself in same_as; "
            "write the words it stands for",
            id="same_as-chain",
        ),
        pytest.param(
            "ordinary_words:\n",
            "ordinary_wrods:\n",
            "risk_phrases.yaml: line 19: ordinary_wrods: unknown field (did you mean "
            "'ordinary_words'?); check the spelling",
            id="unknown-field",
        ),
        pytest.param(
            "  violence:\n    - got stabbed\n",
            "",
            "risk_phrases.yaml: line 3: phrases.violence: is missing; every category needs phrases",
            id="missing-category",
        ),
    ],
)
def test_bad_phrase_file_names_the_file_the_line_and_the_fix(
    old: str, new: str, expected: str
) -> None:
    """A broken phrase file is refused, each problem one line: file, line, place, fix."""
    assert old in GOOD
    problems = problems_in(GOOD.replace(old, new, 1))
    assert problems[0] == expected
    assert all("\n" not in problem for problem in problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "schema_version: 1\nphrases: [\n",
            "risk_phrases.yaml: line 3 is not valid YAML; check indentation and quotes",
        ),
        (
            "- want to die\n",
            "risk_phrases.yaml: should be a mapping with schema_version, phrases, safe_idioms, "
            "same_as, ordinary_words",
        ),
        (
            GOOD.replace("schema_version: 1", "schema_version: 2"),
            "risk_phrases.yaml: schema_version: is '2'; this version of Youth Voice reads "
            "schema_version: 1",
        ),
    ],
)
def test_unreadable_phrase_file_is_one_line(text: str, expected: str) -> None:
    assert problems_in(text) == [expected]


def test_load_raises_the_first_problem_naming_the_file(tmp_path: Path) -> None:
    """load_risk_phrases refuses a broken file with a SafetyFileError under its own name;
    check_risk_phrases lists every problem."""
    path = tmp_path / "our_phrases.yaml"
    path.write_text(GOOD.replace("    - raped\n", "    - ab\n    - xy\n"), encoding="utf-8")
    with pytest.raises(SafetyFileError, match=r"^our_phrases\.yaml: line 6: .*'ab' is too short"):
        load_risk_phrases(path)
    assert len(check_risk_phrases(path)) == 2
    assert check_risk_phrases(tmp_path / "missing.yaml") == [
        "missing.yaml: cannot be read (FileNotFoundError)"
    ]


def test_load_reads_a_deployments_own_file(tmp_path: Path) -> None:
    path = tmp_path / "phrases.yaml"
    path.write_text(GOOD, encoding="utf-8")
    phrases = load_risk_phrases(path)
    assert phrases.check("got stabbed") is Risk.VIOLENCE
    assert phrases.check("hit me up later") is None
    assert phrases.check("i rapped") is None
