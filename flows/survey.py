"""Survey definitions: the pydantic models for survey YAML files, and loading and checking them.

A survey file is data a youth worker can edit; every mistake is reported as
``file: path.inside: what is wrong (and the fix)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from flows.datafile import explain, suggest, where, yaml_problem
from flows.locales import ENGLISH, READINGS, pick
from flows.messages import say
from flows.texts import words

SCHEMA_VERSION = 1
# Ids travel inside Telegram button data (64 bytes at most), so they stay short: at most 20
# characters, which bot/actions/button_data.py counts on (its tests check the longest fits).
ID_PATTERN = r"[a-z][a-z0-9_]{0,19}"
Id = Annotated[str, Field(pattern=rf"^{ID_PATTERN}$")]
# Answer values that are not option ids. Option ids cannot start with "~".
SKIPPED = "~skip"
PREFER_NOT = "~pns"
YES, NO = "yes", "no"
# Stored values shown in the catalogue's words rather than the survey's.
WORDS = {YES: "yes", NO: "no", SKIPPED: "skipped", PREFER_NOT: "prefer_not"}
MAX_TEXT_CAP = 2000
# Room for a question's details in one Telegram message (4,096 characters) beside its words.
MAX_DETAILS = 3000
# A typed answer longer than its cap is kept up to the cap: generous, so little is ever cut.
DEFAULT_TEXT_CAP = 1000


class QuestionType(StrEnum):
    CHOICE = "choice"
    MULTI = "multi"
    SCALE = "scale"
    YESNO = "yesno"
    TEXT = "text"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _has_words(label: str) -> str:
    """A button's label must carry words: a screen reader reads an emoji alone as its name."""
    if not any(character.isalnum() for character in label):
        raise ValueError("a button needs words, not only an emoji; add a word or two")
    return label


OptionLabel = Annotated[str, Field(min_length=1, max_length=60)]
ScaleLabel = Annotated[str, Field(min_length=1, max_length=30)]
Title = Annotated[str, Field(min_length=1, max_length=80)]
LongText = Annotated[str, Field(min_length=1, max_length=500)]


class Option(_Strict):
    id: Id
    label: OptionLabel

    _words = field_validator("label")(_has_words)


class ScalePoint(_Strict):
    label: ScaleLabel
    emoji: str | None = Field(default=None, max_length=8)

    _words = field_validator("label")(_has_words)


class QuestionWording(_Strict):
    """A question in another reading (``translations``): any of its words, by option id and
    by scale point (1 to 5); what is left out stays in the standard wording."""

    text: LongText | None = None
    options: dict[Id, OptionLabel] | None = None
    scale: dict[Annotated[int, Field(ge=1, le=5)], ScaleLabel] | None = None

    @field_validator("options", mode="before")
    @classmethod
    def _option_ids_as_text(cls, value: Any) -> Any:
        # YAML reads a bare `yes:` or `no:` key as true or false.
        if not isinstance(value, dict):
            return value
        return {_yaml_scalar_as_text(key): label for key, label in value.items()}


class SurveyWording(_Strict):
    """A survey in another reading: its title, intro, thanks and questions by id."""

    title: Title | None = None
    intro: LongText | None = None
    thanks: LongText | None = None
    questions: dict[str, QuestionWording] = Field(default_factory=dict)


class Translations(_Strict):
    """A survey's words for each other reading (see ``flows.locales``): Welsh, easy-read
    English and easy-read Welsh. Anything missing falls back to the standard wording."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    cy: SurveyWording | None = None
    en_easyread: SurveyWording | None = Field(default=None, alias="en@easyread")
    cy_easyread: SurveyWording | None = Field(default=None, alias="cy@easyread")

    @model_validator(mode="before")
    @classmethod
    def _known_readings(cls, data: Any) -> Any:
        for reading in data if isinstance(data, dict) else ():
            if reading not in READINGS:
                raise ValueError(
                    f"no reading '{reading}'{suggest(str(reading), READINGS)}; "
                    f"use {', '.join(READINGS)}"
                )
        return data

    def by_reading(self) -> dict[str, SurveyWording]:
        """The readings given, by their tag (``en@easyread``)."""
        return {
            (info.alias or name): wording
            for name, info in type(self).model_fields.items()
            if (wording := getattr(self, name)) is not None
        }


def _yaml_scalar_as_text(item: Any) -> Any:
    if isinstance(item, bool):
        return YES if item else NO
    return str(item) if isinstance(item, int) else item


def _answers_as_text(value: Any) -> Any:
    # YAML reads a bare `no` as false and `4` as a number, and authors naturally write
    # `answer: [no]` or `answer: [4, 5]`; turn them back into the values answers are stored as.
    if not isinstance(value, list):
        return value
    return [_yaml_scalar_as_text(item) for item in value]


class ShowIf(_Strict):
    """Show a question only when an earlier question's answer is one of ``answer``."""

    question: Id
    answer: list[str] = Field(min_length=1)

    _as_text = field_validator("answer", mode="before")(_answers_as_text)


class Question(_Strict):
    id: Id
    type: QuestionType
    text: str = Field(min_length=1, max_length=500)
    options: list[Option] | None = None
    scale: list[ScalePoint] | None = None
    max_length: int | None = Field(default=None, ge=1, le=MAX_TEXT_CAP)
    # A pick-several question may allow at most this many picks ("pick up to three").
    max_picks: int | None = Field(default=None, ge=1)
    # More words under the question, the same in every reading: a priorities round lists
    # young people's ideas here in their own words, longer than a button or a question holds.
    details: str | None = Field(default=None, min_length=1, max_length=MAX_DETAILS)
    optional: bool = False
    prefer_not_to_say: bool = False
    show_if: ShowIf | None = None
    # Answers that bring the support contacts at once, before the next question (written like
    # show_if's answers: `support_if: [no]`).
    support_if: list[str] | None = Field(default=None, min_length=1)
    # This question's words in other readings, by reading: set by its Survey.
    _wordings: dict[str, QuestionWording] = PrivateAttr(default_factory=dict)

    @field_validator("support_if", mode="before")
    @classmethod
    def _support_as_text(cls, value: Any) -> Any:
        # One answer may be written on its own: `support_if: no`.
        return _answers_as_text([value] if isinstance(value, str | int) else value)

    @model_validator(mode="after")
    def _fits_type(self) -> Question:
        needs_options = self.type in (QuestionType.CHOICE, QuestionType.MULTI)
        if needs_options and not self.options:
            raise ValueError(f"a '{self.type}' question needs 'options' (a list of id and label)")
        if not needs_options and self.options is not None:
            raise ValueError(f"a '{self.type}' question has no 'options'; remove them")
        if self.type is QuestionType.SCALE and (self.scale is None or len(self.scale) != 5):
            count = len(self.scale) if self.scale else 0
            raise ValueError(
                f"a 'scale' question needs exactly 5 points in 'scale', each with a label "
                f"(this one has {count})"
            )
        if self.type is not QuestionType.SCALE and self.scale is not None:
            raise ValueError(f"a '{self.type}' question has no 'scale'; remove it")
        if self.type is not QuestionType.TEXT and self.max_length is not None:
            raise ValueError("only 'text' questions have 'max_length'")
        if self.max_picks is not None:
            self._check_max_picks(self.max_picks)
        if self.options:
            ids = [o.id for o in self.options]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"option ids must be different; repeated: {', '.join(dupes)}")
        if self.support_if is not None:
            self._check_support_if(self.support_if)
        return self

    def _check_max_picks(self, most: int) -> None:
        if self.type is not QuestionType.MULTI:
            raise ValueError("only 'multi' questions have 'max_picks'; remove it")
        if most >= len(self.options or ()):
            raise ValueError(
                f"max_picks: {most} lets people pick every option; make it less than "
                f"{len(self.options or ())}, or leave it out"
            )

    def _check_support_if(self, values: list[str]) -> None:
        if self.type is QuestionType.TEXT:
            raise ValueError(
                "a 'text' question has no 'support_if' (typed words are checked for risk "
                "anyway); remove it"
            )
        allowed = self.allowed_values()
        for value in values:
            if value not in allowed:
                raise ValueError(
                    f"support_if: '{value}' is not an answer to this question"
                    f"{suggest(value, allowed)}; choose from {', '.join(allowed)}"
                )

    def brings_support(self, value: str | list[str]) -> bool:
        """Whether this answer (a list for a multi question) is one that ``support_if`` names."""
        chosen = value if isinstance(value, list) else [value]
        return any(item in (self.support_if or ()) for item in chosen)

    @property
    def text_cap(self) -> int:
        return self.max_length or DEFAULT_TEXT_CAP

    def allowed_values(self) -> list[str]:
        """Every button value that answers this question (not counting skip/prefer-not)."""
        if self.type is QuestionType.SCALE:
            return ["1", "2", "3", "4", "5"]
        if self.type is QuestionType.YESNO:
            return [YES, NO]
        if self.options:
            return [o.id for o in self.options]
        return []

    def in_order(self, values: Iterable[str]) -> list[str]:
        """Stored answer values in the order the survey defines them (a scale from 1 to 5,
        options as listed, yes before no), then prefer not to say, skipped, and any others."""
        known = [*self.allowed_values(), PREFER_NOT, SKIPPED]
        rank = {value: place for place, value in enumerate(known)}
        return sorted(values, key=lambda value: (rank.get(value, len(known)), value))

    def text_for(self, lang: str) -> str:
        """The question in the reading ``lang`` (falling back to the standard words)."""
        return pick(self._words(lambda w: w.text, self.text), lang)

    def label_for(self, value: str, lang: str = ENGLISH) -> str:
        """The words for a stored value in the reading ``lang``: an option, a scale point,
        yes/no, skipped or prefer not to say."""
        if self.type is QuestionType.SCALE and self.scale and value.isdigit():
            point = self.scale[int(value) - 1]
            scale = self._words(lambda w: (w.scale or {}).get(int(value)), point.label)
            label = pick(scale, lang)
            return f"{point.emoji} {label}" if point.emoji else label
        if self.options:
            for option in self.options:
                if option.id == value:
                    options = self._words(lambda w: (w.options or {}).get(value), option.label)
                    return pick(options, lang)
        return say(WORDS[value], lang) if value in WORDS else value

    def _words(
        self, field: Callable[[QuestionWording], str | None], standard: str
    ) -> dict[str, str]:
        found = {reading: field(wording) for reading, wording in self._wordings.items()}
        return {ENGLISH: standard, **{reading: w for reading, w in found.items() if w}}


class Survey(_Strict):
    schema_version: Literal[1]
    id: Id
    title: Title
    intro: LongText
    thanks: LongText
    questions: list[Question] = Field(min_length=1)
    translations: Translations = Field(default_factory=Translations)

    @model_validator(mode="after")
    def _hand_out_wordings(self) -> Survey:
        # Each question keeps its own words in other readings, so it can be shown alone.
        readings = self.translations.by_reading()
        for question in self.questions:
            question._wordings = {
                reading: wording.questions[question.id]
                for reading, wording in readings.items()
                if question.id in wording.questions
            }
        return self

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def wording(self, part: Literal["title", "intro", "thanks"]) -> dict[str, Any]:
        """The survey's ``part`` in every reading it has: a text (``flows.texts.words``)
        rendered for its reader when the message is sent."""
        found = {ENGLISH: str(getattr(self, part))}
        for reading, wording in self.translations.by_reading().items():
            if getattr(wording, part):
                found[reading] = str(getattr(wording, part))
        return words(found)


class SurveyError(Exception):
    """A survey file is wrong; ``str()`` is one line naming the file, the place and the fix."""


def _check_references(survey: Survey) -> list[str]:
    """Cross-question rules pydantic cannot see: unique ids and ``show_if`` targets."""
    problems: list[str] = []
    seen: dict[str, Question] = {}
    for index, question in enumerate(survey.questions):
        where = f"questions[{index}]"
        if question.id in seen:
            problems.append(
                f"{where}.id: '{question.id}' is used twice; give each question its own id"
            )
        rule = question.show_if
        if rule is not None:
            target = seen.get(rule.question)
            if target is None:
                later = rule.question in {q.id for q in survey.questions}
                hint = (
                    " (it must come earlier in the file)"
                    if later
                    else suggest(rule.question, [q.id for q in survey.questions])
                )
                problems.append(f"{where}.show_if: no earlier question '{rule.question}'{hint}")
            elif target.type is QuestionType.TEXT:
                problems.append(
                    f"{where}.show_if: '{rule.question}' is a text question; "
                    "branch on a question with buttons"
                )
            else:
                allowed = target.allowed_values()
                for value in rule.answer:
                    if value not in allowed:
                        problems.append(
                            f"{where}.show_if.answer: '{value}' is not an answer to "
                            f"'{rule.question}'{suggest(value, allowed)}; "
                            f"choose from {', '.join(allowed)}"
                        )
        seen.setdefault(question.id, question)
    return problems + _check_translations(survey)


def _check_translations(survey: Survey) -> list[str]:
    """Translations name only questions, options and scales the survey has."""
    problems: list[str] = []
    questions = {q.id: q for q in survey.questions}
    for reading, wording in survey.translations.by_reading().items():
        for question_id, given in wording.questions.items():
            where = f"translations.{reading}.questions.{question_id}"
            question = questions.get(question_id)
            if question is None:
                problems.append(
                    f"{where}: no question '{question_id}' in this survey"
                    f"{suggest(question_id, questions)}; use a question id"
                )
                continue
            if given.scale is not None and question.type is not QuestionType.SCALE:
                problems.append(f"{where}.scale: '{question_id}' has no scale; remove it")
            if given.options is not None and not question.options:
                problems.append(f"{where}.options: '{question_id}' has no options; remove them")
            known = [o.id for o in question.options or []]
            for option_id in (given.options or {}) if question.options else {}:
                if option_id not in known:
                    problems.append(
                        f"{where}.options.{option_id}: no option '{option_id}'"
                        f"{suggest(option_id, known)}; choose from {', '.join(known)}"
                    )
    return problems


def _read(text: str, name: str) -> tuple[Survey | None, list[str]]:
    """The survey in ``text`` and every problem found in it, one line each (naming ``name``).

    A file that is not YAML, not a mapping or of another schema version is one problem: the
    rest cannot be read. Otherwise every field error is listed, then, when the fields are
    right, every cross-question problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [yaml_problem(exc, name)]
    if not isinstance(data, dict):
        return None, [f"{name}: should be a mapping with schema_version, id, title, questions"]
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        found = "is missing" if version is None else f"is {version!r}"
        return None, [
            f"{name}: schema_version: {found}; this version of Youth Voice reads "
            f"schema_version: {SCHEMA_VERSION}"
        ]
    try:
        survey = Survey.model_validate(data)
    except ValidationError as exc:
        return None, [f"{name}: {where(e['loc'])}: {explain(e)}" for e in exc.errors()]
    return survey, [f"{name}: {problem}" for problem in _check_references(survey)]


def parse_survey(text: str, name: str) -> Survey:
    """Parse one survey file's text; ``name`` is used in error messages. The first problem
    found is raised (``check_surveys`` lists them all)."""
    survey, problems = _read(text, name)
    if problems or survey is None:
        raise SurveyError(problems[0])
    return survey


def load_survey(path: Path) -> Survey:
    return parse_survey(path.read_text(encoding="utf-8"), path.name)


def bundled_dir() -> Path:
    return Path(str(resources.files("flows") / "surveys"))


SUFFIXES = (".yaml", ".yml")
NO_FILES = "no survey files (*.yaml or *.yml) here"


def survey_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


def load_surveys(folder: Path | None = None) -> dict[str, Survey]:
    """Load every survey in ``folder`` (default: the bundled ones); the first error stops it."""
    folder = folder or bundled_dir()
    surveys: dict[str, Survey] = {}
    for path in survey_files(folder):
        survey = load_survey(path)
        if survey.id in surveys:
            raise SurveyError(f"{path.name}: id: '{survey.id}' is already used by another file")
        surveys[survey.id] = survey
    if not surveys:
        raise SurveyError(f"{folder}: {NO_FILES}")
    return surveys


def check_surveys(place: Path) -> list[str]:
    """Every problem in the survey file ``place``, or in every survey file of the folder
    ``place``, one line each; empty means all good."""
    if place.is_dir():
        files = survey_files(place)
        if not files:
            return [f"{place}: {NO_FILES}"]
    elif not place.exists():
        return [f"{place}: no such file or folder"]
    elif place.suffix not in SUFFIXES:
        return [f"{place.name}: not a survey file; survey files end in .yaml or .yml"]
    else:
        files = [place]
    problems: list[str] = []
    ids: dict[str, str] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path.name}: cannot be read ({type(exc).__name__})")
            continue
        survey, found = _read(text, path.name)
        problems += found
        if survey is None:
            continue
        if survey.id in ids:
            problems.append(f"{path.name}: id: '{survey.id}' is already used by {ids[survey.id]}")
        ids.setdefault(survey.id, path.name)
    return problems
