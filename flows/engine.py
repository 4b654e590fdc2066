"""The survey engine: ``advance(survey, state, event)`` returns the next state and effects.

It never awaits, reads the clock, sends or touches SQL; the bot carries out its effects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flows.survey import PREFER_NOT, SKIPPED, Question, QuestionType, Survey

# Button values that are not answers of their own.
DONE = "~done"
Value = str | list[str]


@dataclass(frozen=True)
class State:
    """Where one person is in one survey. ``current`` is None once finished."""

    survey_id: str
    current: str | None
    answers: Mapping[str, Value] = field(default_factory=dict)
    picked: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "survey": self.survey_id,
            "current": self.current,
            "answers": dict(self.answers),
            "picked": list(self.picked),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> State:
        return cls(
            survey_id=str(data["survey"]),
            current=data.get("current"),
            answers=dict(data.get("answers", {})),
            picked=tuple(data.get("picked", ())),
        )


# Events: what the person did.
@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Press:
    question_id: str
    value: str


@dataclass(frozen=True)
class Resume:
    """The person asked to carry on (``/checkin``, or the Start button again)."""


@dataclass(frozen=True)
class Unreadable:
    """A sticker, photo, voice note or anything else that is not text or a button."""


Event = Text | Press | Resume | Unreadable


# Effects: what the bot should do.
@dataclass(frozen=True)
class Ask:
    """Show a question. ``refresh`` means update the message already showing it (multi ticks)."""

    question: Question
    number: int
    total: int
    picked: tuple[str, ...] = ()
    refresh: bool = False


@dataclass(frozen=True)
class Confirm:
    """Show on the question's message which answer was taken, and remove its buttons."""

    question: Question
    label: str


@dataclass(frozen=True)
class Say:
    """Send a message from the catalogue in ``flows.messages``."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Toast:
    """A small pop-up answer to a button press that changed nothing."""

    key: str


@dataclass(frozen=True)
class Finish:
    """The response is complete: store these answers anonymously."""

    answers: Mapping[str, Value]


Effect = Ask | Confirm | Say | Toast | Finish


def is_shown(question: Question, answers: Mapping[str, Value], *, hopeful: bool = False) -> bool:
    """Whether ``show_if`` lets this question be asked. ``hopeful`` counts unknowns as shown."""
    rule = question.show_if
    if rule is None:
        return True
    if rule.question not in answers:
        return hopeful
    given = answers[rule.question]
    chosen = given if isinstance(given, list) else [given]
    return any(value in rule.answer for value in chosen)


def _progress(survey: Survey, state: State, question: Question) -> tuple[int, int]:
    """("2 of 5"): a branch not yet decided counts, so the total can only shrink."""
    visible: list[Question] = []
    for q in survey.questions:
        rule = q.show_if
        # A branch on a question that will never be asked is decided: it is not taken.
        if (
            rule
            and rule.question not in state.answers
            and not any(v.id == rule.question for v in visible)
        ):
            continue
        if is_shown(q, state.answers, hopeful=True):
            visible.append(q)
    number = next(i for i, q in enumerate(visible, 1) if q.id == question.id)
    return number, len(visible)


def _ask(survey: Survey, state: State, *, refresh: bool = False) -> Ask:
    question = survey.question(state.current or "")
    assert question is not None, "state points at a question the survey does not have"
    number, total = _progress(survey, state, question)
    return Ask(question, number, total, state.picked, refresh)


def _next_question(survey: Survey, after: str | None, answers: Mapping[str, Value]) -> str | None:
    ids = [q.id for q in survey.questions]
    start = 0 if after is None else ids.index(after) + 1
    for question in survey.questions[start:]:
        if is_shown(question, answers):
            return question.id
    return None


def start(survey: Survey) -> tuple[State, list[Effect]]:
    """Begin a survey: the intro, then the first question."""
    state = State(survey.id, _next_question(survey, None, {}))
    return state, [
        Say("survey_intro", {"title": survey.title, "intro": survey.intro}),
        _ask(survey, state),
    ]


def _record(
    survey: Survey, state: State, question: Question, value: Value
) -> tuple[State, list[Effect]]:
    answers = {**state.answers, question.id: value}
    following = _next_question(survey, question.id, answers)
    state = replace(state, current=following, answers=answers, picked=())
    if following is None:
        return state, [Finish(answers), Say("survey_thanks", {"thanks": survey.thanks})]
    return state, [_ask(survey, state)]


def _label(question: Question, value: Value) -> str:
    return ", ".join(question.label_for(v) for v in (value if isinstance(value, list) else [value]))


def _press(
    survey: Survey, state: State, question: Question, value: str
) -> tuple[State, list[Effect]]:
    if (value == SKIPPED and question.optional) or (
        value == PREFER_NOT and question.prefer_not_to_say
    ):
        after, effects = _record(survey, state, question, value)
        return after, [Confirm(question, _label(question, value)), *effects]
    if question.type is QuestionType.MULTI:
        return _toggle(survey, state, question, value)
    if value in question.allowed_values():
        after, effects = _record(survey, state, question, value)
        return after, [Confirm(question, _label(question, value)), *effects]
    return state, [Toast("button_expired")]


def _toggle(
    survey: Survey, state: State, question: Question, value: str
) -> tuple[State, list[Effect]]:
    if value == DONE:
        if not state.picked:
            return state, [Toast("pick_one_first")]
        chosen = [v for v in question.allowed_values() if v in state.picked]
        after, effects = _record(survey, state, question, chosen)
        return after, [Confirm(question, _label(question, chosen)), *effects]
    if value not in question.allowed_values():
        return state, [Toast("button_expired")]
    picked = tuple(p for p in state.picked if p != value)
    if value not in state.picked:
        picked = (*picked, value)
    state = replace(state, picked=picked)
    return state, [_ask(survey, state, refresh=True)]


def _text(
    survey: Survey, state: State, question: Question, text: str
) -> tuple[State, list[Effect]]:
    if question.type is not QuestionType.TEXT:
        return state, [Say("use_buttons"), _ask(survey, state)]
    cleaned = text.strip()
    if not cleaned:
        return state, [Say("empty_text")]
    if len(cleaned) > question.text_cap:
        return state, [Say("too_long", {"limit": question.text_cap, "length": len(cleaned)})]
    return _record(survey, state, question, cleaned)


def advance(survey: Survey, state: State, event: Event) -> tuple[State, list[Effect]]:
    """Apply one event to one person's survey state."""
    question = survey.question(state.current) if state.current else None
    if question is None:
        return state, [Say("already_finished")]
    if isinstance(event, Resume):
        return state, [Say("welcome_back_survey"), _ask(survey, state)]
    if isinstance(event, Unreadable):
        return state, [Say("text_only"), _ask(survey, state)]
    if isinstance(event, Text):
        return _text(survey, state, question, event.text)
    if event.question_id != question.id:
        key = "already_answered" if event.question_id in state.answers else "button_expired"
        return state, [Toast(key)]
    return _press(survey, state, question, event.value)
