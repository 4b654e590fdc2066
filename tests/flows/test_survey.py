"""Unit tests for flows.survey: the bundled surveys load, and every mistake in a survey file
gives one line naming the file, the place in it and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.messages import say
from flows.survey import (
    NO,
    PREFER_NOT,
    SKIPPED,
    YES,
    Question,
    QuestionType,
    Survey,
    SurveyError,
    check_surveys,
    load_survey,
    load_surveys,
    parse_survey,
)

BUNDLED = {"weekly", "meeting_feedback"}


def minimal() -> dict[str, Any]:
    """A small valid survey: a scale, a yes/no, a choice and a text question."""
    return {
        "schema_version": 1,
        "id": "weekly",
        "title": "How are things?",
        "intro": "Hi",
        "thanks": "Thanks",
        "questions": [
            {
                "id": "mood",
                "type": "scale",
                "text": "How are you?",
                "scale": [{"label": str(n)} for n in range(1, 6)],
            },
            {"id": "safe", "type": "yesno", "text": "Do you feel safe?"},
            {
                "id": "money",
                "type": "choice",
                "text": "How is money?",
                "options": [{"id": "ok", "label": "OK"}, {"id": "tight", "label": "Tight"}],
            },
            {"id": "more", "type": "text", "text": "Anything else?", "optional": True},
        ],
    }


def survey_text(tweak: Callable[[dict[str, Any]], object] | None = None) -> str:
    """The minimal survey as YAML, after ``tweak`` has changed it in place."""
    data = minimal()
    if tweak is not None:
        tweak(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def error_for(text: str, name: str = "weekly.yaml") -> str:
    with pytest.raises(SurveyError) as caught:
        parse_survey(text, name)
    return str(caught.value)


def q(data: dict[str, Any], index: int) -> dict[str, Any]:
    question: dict[str, Any] = data["questions"][index]
    return question


# --- the bundled surveys ------------------------------------------------------------------


def test_bundled_surveys_load() -> None:
    """Both bundled surveys load from the package, keyed by their ids."""
    surveys = load_surveys()
    assert set(surveys) == BUNDLED
    assert all(isinstance(s, Survey) for s in surveys.values())


@pytest.mark.parametrize("survey_id", sorted(BUNDLED))
def test_bundled_question_ids_are_unique(survey_id: str) -> None:
    """Answers are keyed on question ids, so no bundled survey repeats one."""
    ids = [question.id for question in load_surveys()[survey_id].questions]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("survey_id", sorted(BUNDLED))
def test_bundled_button_labels_fit_a_phone(survey_id: str) -> None:
    """Scale points and options are phone buttons, so their labels stay at 30 characters."""
    for question in load_surveys()[survey_id].questions:
        labels = [p.label for p in question.scale or []] + [o.label for o in question.options or []]
        assert all(len(label) <= 30 for label in labels), question.id


@pytest.mark.parametrize("survey_id", sorted(BUNDLED))
def test_bundled_every_question_can_be_skipped(survey_id: str) -> None:
    """The intro says you can skip what you like: each question is optional or prefer-not-to-say."""
    for question in load_surveys()[survey_id].questions:
        assert question.optional or question.prefer_not_to_say, question.id


def test_weekly_asks_what_would_help_only_if_not_safe() -> None:
    """The 'what would help you feel safer' follow-up is shown only after a 'no' to feeling safe."""
    weekly = load_surveys()["weekly"]
    follow_ups = [question for question in weekly.questions if question.show_if]
    assert [(f.show_if.question, f.show_if.answer) for f in follow_ups if f.show_if] == [
        ("safe_home", ["no"])
    ]
    assert follow_ups[0].type is QuestionType.TEXT and follow_ups[0].optional


def test_check_surveys_passes_the_bundled_folder() -> None:
    """check_surveys finds nothing wrong with the surveys we ship."""
    from flows.survey import bundled_dir

    assert check_surveys(bundled_dir()) == []


# --- one-line errors for bad survey files -------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A tweak that sets ``questions[i].key`` (as "i.key") or a top-level key to ``value``."""

    def tweak(data: dict[str, Any]) -> None:
        if "." in path:
            index, key = path.split(".", 1)
            q(data, int(index))[key] = value
        else:
            data[path] = value

    return tweak


def _append(question: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["questions"].append(question)


ERRORS = [
    pytest.param(
        _set("3.show_if", {"question": "mood2", "answer": ["1"]}),
        "weekly.yaml: questions[3].show_if: no earlier question 'mood2' (did you mean 'mood'?)",
        id="show_if-missing-question",
    ),
    pytest.param(
        _set("0.show_if", {"question": "safe", "answer": ["yes"]}),
        "weekly.yaml: questions[0].show_if: no earlier question 'safe' "
        "(it must come earlier in the file)",
        id="show_if-later-question",
    ),
    pytest.param(
        _set("1.show_if", {"question": "mood", "answer": ["6"]}),
        "weekly.yaml: questions[1].show_if.answer: '6' is not an answer to 'mood'; "
        "choose from 1, 2, 3, 4, 5",
        id="show_if-answer-out-of-scale",
    ),
    pytest.param(
        _set("3.show_if", {"question": "money", "answer": ["tite"]}),
        "weekly.yaml: questions[3].show_if.answer: 'tite' is not an answer to 'money' "
        "(did you mean 'tight'?); choose from ok, tight",
        id="show_if-answer-typo",
    ),
    pytest.param(
        _append(
            {
                "id": "why",
                "type": "text",
                "text": "Why?",
                "show_if": {"question": "more", "answer": ["x"]},
            }
        ),
        "weekly.yaml: questions[4].show_if: 'more' is a text question; "
        "branch on a question with buttons",
        id="show_if-on-text",
    ),
    pytest.param(
        _set("3.optinal", True),
        "weekly.yaml: questions[3].optinal: unknown field 'optinal'; "
        "check the spelling or remove it",
        id="unknown-field",
    ),
    pytest.param(
        _set("schema_version", 2),
        "weekly.yaml: schema_version: is 2; this version of Youth Voice reads schema_version: 1",
        id="wrong-schema-version",
    ),
    pytest.param(
        lambda data: data.pop("schema_version"),
        "weekly.yaml: schema_version: is missing; "
        "this version of Youth Voice reads schema_version: 1",
        id="missing-schema-version",
    ),
    pytest.param(
        lambda data: q(data, 0)["scale"].pop(),
        "weekly.yaml: questions[0]: a 'scale' question needs exactly 5 points in 'scale', "
        "each with a label (this one has 4)",
        id="scale-with-4-points",
    ),
    pytest.param(
        _set("2.options", []),
        "weekly.yaml: questions[2]: a 'choice' question needs 'options' (a list of id and label)",
        id="choice-without-options",
    ),
    pytest.param(
        _set("2.options", [{"id": "ok", "label": "OK"}, {"id": "ok", "label": "Fine"}]),
        "weekly.yaml: questions[2]: option ids must be different; repeated: ok",
        id="duplicate-option-ids",
    ),
    pytest.param(
        _set("3.id", "mood"),
        "weekly.yaml: questions[3].id: 'mood' is used twice; give each question its own id",
        id="duplicate-question-ids",
    ),
    pytest.param(
        _set("0.id", "Mood!"),
        "weekly.yaml: questions[0].id: 'Mood!' is not a valid id; use lower-case letters, "
        "numbers and _, starting with a letter, at most 20 characters",
        id="bad-question-id",
    ),
    pytest.param(
        _set("id", "Weekly Survey"),
        "weekly.yaml: id: 'Weekly Survey' is not a valid id; use lower-case letters, "
        "numbers and _, starting with a letter, at most 20 characters",
        id="bad-survey-id",
    ),
    pytest.param(
        lambda data: q(data, 1).pop("text"),
        "weekly.yaml: questions[1].text: is missing; add it",
        id="missing-text",
    ),
    pytest.param(
        _set("title", ""),
        "weekly.yaml: title: is empty; write something here",
        id="empty-title",
    ),
    pytest.param(
        _set("2.options", [{"id": "ok", "label": False}]),
        "weekly.yaml: questions[2].options[0].label: should be words, not False; "
        'put it in quotes, like "Yes"',
        id="label-read-as-boolean",
    ),
    pytest.param(
        _set("1.max_length", 100),
        "weekly.yaml: questions[1]: only 'text' questions have 'max_length'",
        id="max_length-on-yesno",
    ),
    pytest.param(
        _set("1.support_if", ["nope"]),
        "weekly.yaml: questions[1]: support_if: 'nope' is not an answer to this question "
        "(did you mean 'no'?); choose from yes, no",
        id="support_if-not-an-answer",
    ),
    pytest.param(
        _set("2.support_if", ["struggle"]),
        "weekly.yaml: questions[2]: support_if: 'struggle' is not an answer to this question; "
        "choose from ok, tight",
        id="support_if-not-an-option",
    ),
    pytest.param(
        _set("3.support_if", ["help"]),
        "weekly.yaml: questions[3]: a 'text' question has no 'support_if' (typed words are "
        "checked for risk anyway); remove it",
        id="support_if-on-text",
    ),
    pytest.param(
        _set("1.max_picks", 2),
        "weekly.yaml: questions[1]: only 'multi' questions have 'max_picks'; remove it",
        id="max_picks-on-yesno",
    ),
    pytest.param(
        lambda data: data["questions"].append(
            {
                "id": "help",
                "type": "multi",
                "text": "What would help?",
                "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
                "max_picks": 2,
            }
        ),
        "weekly.yaml: questions[4]: max_picks: 2 lets people pick every option; make it less "
        "than 2, or leave it out",
        id="max_picks-every-option",
    ),
    pytest.param(
        _set("1.support_if", []),
        "weekly.yaml: questions[1].support_if: needs at least 1 item(s)",
        id="support_if-empty",
    ),
]


@pytest.mark.parametrize(("tweak", "expected"), ERRORS)
def test_bad_survey_gives_one_line_with_file_place_and_fix(
    tweak: Callable[[dict[str, Any]], object], expected: str
) -> None:
    """A broken survey is refused with exactly one readable line: file, place in it, fix."""
    message = error_for(survey_text(tweak))
    assert message == expected
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "schema_version: 1\nid: weekly\nquestions: [\n  - id: mood\n",
            "weekly.yaml: line 4 is not valid YAML; check indentation and quotes",
            id="unclosed-bracket",
        ),
        pytest.param(
            "schema_version: 1\nid: weekly\n  title: oops\n",
            "weekly.yaml: line 3 is not valid YAML; check indentation and quotes",
            id="bad-indent",
        ),
        pytest.param(
            "",
            "weekly.yaml: should be a mapping with schema_version, id, title, questions",
            id="empty-file",
        ),
        pytest.param(
            "- mood\n- safe\n",
            "weekly.yaml: should be a mapping with schema_version, id, title, questions",
            id="list-not-mapping",
        ),
    ],
)
def test_unreadable_file_gives_one_line(text: str, expected: str) -> None:
    """A file that is not YAML, or not a mapping, is refused in one line (with the line number)."""
    assert error_for(text) == expected


@pytest.mark.parametrize(
    ("target", "answer_yaml", "expected"),
    [
        pytest.param("safe", "[no]", ["no"], id="bare-no"),
        pytest.param("safe", "[yes]", ["yes"], id="bare-yes"),
        pytest.param("mood", "[4, 5]", ["4", "5"], id="bare-numbers"),
        pytest.param("mood", '["1"]', ["1"], id="quoted-number"),
    ],
)
def test_show_if_answer_written_without_quotes(
    target: str, answer_yaml: str, expected: list[str]
) -> None:
    """YAML reads bare no/yes as true/false and 4 as a number; show_if still means "no", "4"."""
    text = survey_text() + (
        "- id: why\n  type: text\n  text: Why?\n"
        f"  show_if: {{question: {target}, answer: {answer_yaml}}}\n"
    )
    survey = parse_survey(text, "weekly.yaml")
    rule = survey.questions[-1].show_if
    assert rule is not None and rule.answer == expected


def test_load_survey_names_the_file(tmp_path: Path) -> None:
    """load_survey reports errors under the file's own name, not its full path."""
    path = tmp_path / "mine.yaml"
    path.write_text(survey_text(_set("schema_version", 3)), encoding="utf-8")
    with pytest.raises(SurveyError, match=r"^mine\.yaml: schema_version: is 3;"):
        load_survey(path)


# --- checking a folder --------------------------------------------------------------------


def test_check_surveys_good_folder_is_empty(tmp_path: Path) -> None:
    """A folder of good surveys gives no problems, and load_surveys loads them all."""
    (tmp_path / "weekly.yaml").write_text(survey_text(), encoding="utf-8")
    (tmp_path / "other.yml").write_text(survey_text(_set("id", "other")), encoding="utf-8")
    assert check_surveys(tmp_path) == []
    assert set(load_surveys(tmp_path)) == {"weekly", "other"}


def test_check_surveys_one_line_per_bad_file(tmp_path: Path) -> None:
    """Every bad file gets its own line (not just the first); good files add nothing."""
    (tmp_path / "a.yaml").write_text(survey_text(_set("3.optinal", True)), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: [\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(survey_text(_set("id", "good")), encoding="utf-8")
    assert check_surveys(tmp_path) == [
        "a.yaml: questions[3].optinal: unknown field 'optinal'; check the spelling or remove it",
        "b.yaml: line 2 is not valid YAML; check indentation and quotes",
    ]


def test_check_surveys_flags_two_files_with_the_same_id(tmp_path: Path) -> None:
    """Two files may not share a survey id; the second is named, with the file it clashes with."""
    (tmp_path / "a.yaml").write_text(survey_text(), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(survey_text(), encoding="utf-8")
    assert check_surveys(tmp_path) == ["b.yaml: id: 'weekly' is already used by a.yaml"]
    with pytest.raises(SurveyError, match=r"^b\.yaml: id: 'weekly' is already used"):
        load_surveys(tmp_path)


def test_check_surveys_lists_every_problem_in_one_file(tmp_path: Path) -> None:
    """All field errors of a file are listed, not just the first; ``parse_survey`` (what the
    bot uses) still stops at the first of them."""

    def two_mistakes(data: dict[str, Any]) -> None:
        data["title"] = ""
        q(data, 1)["optinal"] = True

    (tmp_path / "a.yml").write_text(survey_text(two_mistakes), encoding="utf-8")
    assert check_surveys(tmp_path) == [
        "a.yml: title: is empty; write something here",
        "a.yml: questions[1].optinal: unknown field 'optinal'; check the spelling or remove it",
    ]
    assert error_for(survey_text(two_mistakes), "a.yml") == check_surveys(tmp_path)[0]


def test_check_surveys_takes_one_file_and_yml(tmp_path: Path) -> None:
    """A single .yml or .yaml file can be checked; other files and missing paths are one line."""
    (tmp_path / "a.yml").write_text(survey_text(), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert check_surveys(tmp_path / "a.yml") == []
    assert load_surveys(tmp_path).keys() == {"weekly"}
    assert check_surveys(tmp_path / "notes.txt") == [
        "notes.txt: not a survey file; survey files end in .yaml or .yml"
    ]
    assert check_surveys(tmp_path / "b.yaml") == [f"{tmp_path / 'b.yaml'}: no such file or folder"]


def test_check_surveys_empty_folder(tmp_path: Path) -> None:
    """A folder with no survey files is itself a problem, so a wrong path is not silently OK."""
    assert check_surveys(tmp_path) == [f"{tmp_path}: no survey files (*.yaml or *.yml) here"]
    with pytest.raises(SurveyError, match="no survey files"):
        load_surveys(tmp_path)


@pytest.mark.parametrize(
    ("value", "key"), [(YES, "yes"), (NO, "no"), (SKIPPED, "skipped"), (PREFER_NOT, "prefer_not")]
)
def test_label_for_words_come_from_the_message_catalogue(value: str, key: str) -> None:
    """Yes, No, Skipped and Prefer not to say are the catalogue's words, so a translation
    covers them; option labels still come from the survey."""
    question = Question(id="q", type=QuestionType.YESNO, text="Q?", optional=True)
    assert question.label_for(value) == say(key, "en")


@pytest.mark.parametrize(
    ("question_id", "values", "ordered"),
    [
        ("mood", ["5", "~skip", "1", "3", "~pns", "2"], ["1", "2", "3", "5", "~pns", "~skip"]),
        ("money", ["struggling", "ok", "tight"], ["ok", "tight", "struggling"]),
        ("safe_home", ["~skip", "no", "yes"], ["yes", "no", "~skip"]),
        ("money", ["gone", "tight"], ["tight", "gone"]),  # an option since removed goes last
    ],
)
def test_answer_values_in_the_surveys_own_order(
    question_id: str, values: list[str], ordered: list[str]
) -> None:
    """A scale runs 1 to 5 and options come as listed, whatever the counts or the alphabet."""
    question = load_surveys()["weekly"].question(question_id)
    assert question is not None
    assert question.in_order(values) == ordered


@pytest.mark.parametrize(
    ("target", "support_yaml", "expected"),
    [
        pytest.param(1, "[no]", ["no"], id="bare-no-in-a-list"),
        pytest.param(1, "no", ["no"], id="bare-no-alone"),
        pytest.param(1, '"yes"', ["yes"], id="quoted-yes-alone"),
        pytest.param(0, "[1, 2]", ["1", "2"], id="scale-points"),
        pytest.param(2, "[tight]", ["tight"], id="option-id"),
    ],
)
def test_support_if_written_the_ways_authors_write_it(
    target: int, support_yaml: str, expected: list[str]
) -> None:
    """support_if takes the answers a question stores, written like show_if's (bare no, 4),
    one on its own or a list."""
    data = yaml.safe_load(survey_text())
    q(data, target)["support_if"] = yaml.safe_load(support_yaml)
    survey = parse_survey(yaml.safe_dump(data), "weekly.yaml")
    question = survey.questions[target]
    assert question.support_if == expected
    assert question.brings_support(expected[0])
    assert question.brings_support(["other", expected[-1]])
    assert not question.brings_support("other")


def test_weekly_no_to_feeling_safe_carries_the_support_flag() -> None:
    """In the bundled weekly check-in, only "No" to "Do you feel safe where you live?"
    brings the support contacts."""
    flagged = {
        (question.id, value)
        for survey in load_surveys().values()
        for question in survey.questions
        for value in question.allowed_values()
        if question.brings_support(value)
    }
    assert flagged == {("safe_home", NO)}


# --- translations: Welsh and easy-read words by question and option id -----------------------


def _translations(readings: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def tweak(data: dict[str, Any]) -> None:
        data["translations"] = readings

    return tweak


TRANSLATION_ERRORS = [
    pytest.param(
        {"cy@easyred": {"title": "Sut mae?"}},
        "weekly.yaml: translations: no reading 'cy@easyred' (did you mean 'cy@easyread'?); "
        "use cy, en@easyread, cy@easyread",
        id="unknown-reading",
    ),
    pytest.param(
        {"cy": {"titel": "Sut mae?"}},
        "weekly.yaml: translations.cy.titel: unknown field 'titel'; "
        "check the spelling or remove it",
        id="unknown-field",
    ),
    pytest.param(
        {"cy": {"questions": {"mod": {"text": "Sut wyt ti?"}}}},
        "weekly.yaml: translations.cy.questions.mod: no question 'mod' in this survey "
        "(did you mean 'mood'?); use a question id",
        id="unknown-question",
    ),
    pytest.param(
        {"en@easyread": {"questions": {"money": {"options": {"tigth": "Hard"}}}}},
        "weekly.yaml: translations.en@easyread.questions.money.options.tigth: no option "
        "'tigth' (did you mean 'tight'?); choose from ok, tight",
        id="unknown-option",
    ),
    pytest.param(
        {"cy": {"questions": {"safe": {"scale": {1: "Gwael"}}}}},
        "weekly.yaml: translations.cy.questions.safe.scale: 'safe' has no scale; remove it",
        id="scale-on-yesno",
    ),
    pytest.param(
        {"cy": {"questions": {"mood": {"options": {"ok": "Iawn"}}}}},
        "weekly.yaml: translations.cy.questions.mood.options: 'mood' has no options; remove them",
        id="options-on-scale",
    ),
    pytest.param(
        {"cy": {"questions": {"money": {"options": {"ok": "x" * 61}}}}},
        "weekly.yaml: translations.cy.questions.money.options.ok: is too long; "
        "at most 60 characters",
        id="label-too-long",
    ),
    pytest.param(
        {"cy": {"questions": {"mood": {"text": ""}}}},
        "weekly.yaml: translations.cy.questions.mood.text: is empty; write something here",
        id="empty-text",
    ),
]


@pytest.mark.parametrize(("readings", "expected"), TRANSLATION_ERRORS)
def test_a_bad_translation_gives_one_line_with_file_place_and_fix(
    readings: dict[str, Any], expected: str
) -> None:
    """Translations are checked as strictly as the rest: a typo in a reading, field, question
    or option id is refused with the file, the place and the fix."""
    assert error_for(survey_text(_translations(readings))) == expected


def test_translations_fall_back_to_the_standard_words() -> None:
    """Each reading uses its own words where the file gives them, then the standard words of
    its language, then English; option ids written as bare yes/no still read."""
    survey = parse_survey(
        survey_text(
            _translations(
                {
                    "cy": {
                        "title": "Sut mae pethau?",
                        "questions": {
                            "money": {"text": "Sut mae arian?", "options": {"ok": "Iawn"}},
                            "mood": {"scale": {1: "Gwael", 5: "Gwych"}},
                        },
                    },
                    "en@easyread": {"questions": {"money": {"text": "Money?"}}},
                }
            )
        ),
        "weekly.yaml",
    )
    money, mood = survey.question("money"), survey.question("mood")
    assert money is not None and mood is not None
    assert money.text_for("cy") == money.text_for("cy@easyread") == "Sut mae arian?"
    assert money.text_for("en@easyread") == "Money?"
    assert money.text_for("en") == "How is money?"
    assert [money.label_for(v, "cy") for v in ("ok", "tight")] == ["Iawn", "Tight"]
    assert [mood.label_for(v, "cy") for v in ("1", "3", "5")] == ["Gwael", "3", "Gwych"]
    assert survey.wording("title") == {"words": {"en": "How are things?", "cy": "Sut mae pethau?"}}
    assert survey.wording("intro") == {"words": {"en": "Hi"}}


@pytest.mark.parametrize("survey_id", sorted(BUNDLED))
@pytest.mark.parametrize("reading", ["cy", "en@easyread", "cy@easyread"])
def test_bundled_surveys_are_translated_into_welsh_and_easy_read(
    survey_id: str, reading: str
) -> None:
    """Every question of both bundled surveys has its Welsh words (options and scale too),
    and every button label in every reading fits a phone."""
    survey = load_surveys()[survey_id]
    welsh = survey.translations.cy
    assert welsh is not None and welsh.title and welsh.intro and welsh.thanks
    for question in survey.questions:
        assert question.text_for("cy") != question.text, question.id
        for value in question.allowed_values():
            if question.options or question.scale:
                label = question.label_for(value, reading)
                assert len(label) <= 30, (question.id, value, label)
                if question.options or (question.scale and value != "3"):
                    assert question.label_for(value, "cy") != question.label_for(value, "en")
