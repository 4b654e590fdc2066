"""The survey engine: ``advance(survey, state, event)`` returns the next state and effects.

It never awaits, reads the clock, sends or touches SQL; the bot carries out its effects.

Progress ("2 of 6") counts the questions everyone is asked. A follow-up that only some answers
open (a question with ``show_if``) shares the number of the question before it, so the total is
fixed from the first question and the number never goes back: nothing jumps when a branch is
taken or passed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flows.survey import NO, PREFER_NOT, SKIPPED, YES, Question, QuestionType, Survey

# Button values that are not answers of their own.
DONE = "~done"
Value = str | list[str]
# Typed words taken as a yes/no answer, after lower-casing and dropping all but letters.
TYPED_YESNO = {
    **dict.fromkeys(["yes", "y", "yeah", "yea", "yep", "yup", "ya", "yes please"], YES),
    **dict.fromkeys(["no", "n", "nope", "nah", "no thanks"], NO),
    # Welsh answers a question with its own verb: "Wyt ti...?" "Ydw", "Oes...?" "Oes".
    **dict.fromkeys(["ie", "ydw", "ydy", "yndw", "oes", "do", "byddwn"], YES),
    **dict.fromkeys(["na", "nage", "naddo", "nac ydw", "nac ydy", "nac oes", "na fyddwn"], NO),
}


@dataclass(frozen=True)
class State:
    """Where one person is in one survey. ``current`` is None once finished. ``message_id`` is
    the chat message showing the newest copy of the current question, once the bot reports it
    (see ``shown``); older copies of the question are stale."""

    survey_id: str
    current: str | None
    answers: Mapping[str, Value] = field(default_factory=dict)
    picked: tuple[str, ...] = ()
    message_id: int | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "survey": self.survey_id,
            "current": self.current,
            "answers": dict(self.answers),
            "picked": list(self.picked),
            "message": self.message_id,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> State:
        return cls(
            survey_id=str(data["survey"]),
            current=data.get("current"),
            answers=dict(data.get("answers", {})),
            picked=tuple(data.get("picked", ())),
            message_id=data.get("message"),
        )


# Events: what the person did.
@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Press:
    """A button under a question; ``message_id`` is the message it was on, when known."""

    question_id: str
    value: str
    message_id: int | None = None


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
    """Show a question. ``refresh`` means update the message already showing it (multi ticks).
    ``replaces`` is an older copy of the same question whose buttons should go."""

    question: Question
    number: int
    total: int
    picked: tuple[str, ...] = ()
    refresh: bool = False
    replaces: int | None = None


@dataclass(frozen=True)
class Confirm:
    """Show on the question's message which answer was taken, and remove its buttons. For a
    typed answer there is no pressed message: ``message_id`` is the question's, when known."""

    question: Question
    label: str
    message_id: int | None = None
    # The answer itself, so the label can be shown in the reader's words (``label`` is the
    # standard English, which is what effects are compared by).
    value: Value | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Say:
    """Send a message from the catalogue in ``flows.messages``."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Toast:
    """A small pop-up answer to a button press that changed nothing."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Support:
    """Show the support contacts now (``flows.safety.support_message``). From the engine: an
    answer its question's ``support_if`` names, just recorded; the gentle wording. ``urgent``
    is for a message with signs of risk (``flows.safety``), which the bot checks itself."""

    urgent: bool = False


@dataclass(frozen=True)
class Finish:
    """The response is complete: store these answers anonymously."""

    answers: Mapping[str, Value]


Effect = Ask | Confirm | Say | Toast | Support | Finish


def is_shown(question: Question, answers: Mapping[str, Value]) -> bool:
    """Whether ``show_if`` lets this question be asked, given the answers so far."""
    rule = question.show_if
    if rule is None:
        return True
    if rule.question not in answers:
        return False
    given = answers[rule.question]
    chosen = given if isinstance(given, list) else [given]
    return any(value in rule.answer for value in chosen)


def _progress(survey: Survey, question: Question) -> tuple[int, int]:
    """("2 of 6"): see the module docstring. A follow-up keeps the number before it."""
    main = [q.id for q in survey.questions if q.show_if is None]
    ids = [q.id for q in survey.questions]
    before = ids[: ids.index(question.id) + 1]
    number = sum(1 for i in before if i in main)
    return max(number, 1), len(main)


def _ask(survey: Survey, state: State, *, refresh: bool = False) -> Ask:
    question = survey.question(state.current or "")
    assert question is not None, "state points at a question the survey does not have"
    number, total = _progress(survey, question)
    return Ask(question, number, total, state.picked, refresh)


def _again(survey: Survey, state: State, first: str) -> tuple[State, list[Effect]]:
    """Say ``first``, then show the current question as a new message: the older copy loses
    its buttons, and until the bot reports the new copy's message any copy may answer."""
    ask = replace(_ask(survey, state), replaces=state.message_id)
    return replace(state, message_id=None), [Say(first), ask]


def reshow(survey: Survey, state: State) -> list[Effect]:
    """The current question again, as a new message (the older copy, if known, loses its
    buttons): for a reply that may not have reached the person. Nothing once finished."""
    if state.current is None or survey.question(state.current) is None:
        return []
    return [replace(_ask(survey, state), replaces=state.message_id)]


def shown(state: State, message_id: int) -> State:
    """The state once the bot reports which message shows the current question's newest copy."""
    return replace(state, message_id=message_id)


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
        Say(
            "survey_intro",
            {"title": survey.wording("title"), "intro": survey.wording("intro")},
        ),
        _ask(survey, state),
    ]


def _record(
    survey: Survey, state: State, question: Question, value: Value
) -> tuple[State, list[Effect]]:
    answers = {**state.answers, question.id: value}
    following = _next_question(survey, question.id, answers)
    state = replace(state, current=following, answers=answers, picked=(), message_id=None)
    # The support line comes at once: after the answer is taken, before anything else is asked.
    support: list[Effect] = [Support()] if question.brings_support(value) else []
    if following is None:
        return state, [
            Finish(answers),
            *support,
            Say("survey_thanks", {"thanks": survey.wording("thanks")}),
        ]
    return state, [*support, _ask(survey, state)]


def answer_label(question: Question, value: Value, lang: str = "en") -> str:
    """An answer in words for the reading ``lang``: a multi answer's labels joined by commas."""
    chosen = value if isinstance(value, list) else [value]
    return ", ".join(question.label_for(v, lang) for v in chosen)


def _label(question: Question, value: Value) -> str:
    return answer_label(question, value)


def _press(
    survey: Survey, state: State, question: Question, value: str
) -> tuple[State, list[Effect]]:
    if (value == SKIPPED and question.optional) or (
        value == PREFER_NOT and question.prefer_not_to_say
    ):
        after, effects = _record(survey, state, question, value)
        return after, [Confirm(question, _label(question, value), value=value), *effects]
    if question.type is QuestionType.MULTI:
        return _toggle(survey, state, question, value)
    if value in question.allowed_values():
        after, effects = _record(survey, state, question, value)
        return after, [Confirm(question, _label(question, value), value=value), *effects]
    return state, [Toast("button_expired")]


def _toggle(
    survey: Survey, state: State, question: Question, value: str
) -> tuple[State, list[Effect]]:
    if value == DONE:
        if not state.picked:
            return state, [Toast("pick_one_first")]
        chosen = [v for v in question.allowed_values() if v in state.picked]
        after, effects = _record(survey, state, question, chosen)
        return after, [Confirm(question, _label(question, chosen), value=chosen), *effects]
    if value not in question.allowed_values():
        return state, [Toast("button_expired")]
    picked = tuple(p for p in state.picked if p != value)
    if value not in state.picked:
        most = question.max_picks
        if most is not None and len(state.picked) >= most:
            # Nothing is lost: the picks so far stay, and unticking one makes room.
            return state, [Toast("max_picks", {"most": most})]
        picked = (*picked, value)
    state = replace(state, picked=picked)
    return state, [_ask(survey, state, refresh=True)]


def typed_yesno(text: str) -> str | None:
    """ "Yes", "y", "Yeah!", " NOPE " and friends as ``yes`` or ``no``; anything else None."""
    words = " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split())
    return TYPED_YESNO.get(words)


def _typed(
    survey: Survey, state: State, question: Question, value: Value
) -> tuple[State, list[Effect]]:
    """Record a typed answer; its question's buttons (Skip, Yes/No) go."""
    after, effects = _record(survey, state, question, value)
    return after, [Confirm(question, _label(question, value), state.message_id, value), *effects]


def _text(
    survey: Survey, state: State, question: Question, text: str
) -> tuple[State, list[Effect]]:
    if question.type is QuestionType.YESNO and (answer := typed_yesno(text)) is not None:
        return _typed(survey, state, question, answer)
    if question.type is not QuestionType.TEXT:
        return _again(survey, state, "use_buttons")
    cleaned = text.strip()
    if not cleaned:
        return state, [Say("empty_text")]
    if len(cleaned) <= question.text_cap:
        return _typed(survey, state, question, cleaned)
    # Never sent back to be rewritten: the first part is kept, and the person told so warmly
    # before the next question.
    after, effects = _typed(survey, state, question, keep_what_fits(cleaned, question.text_cap))
    return after, [effects[0], Say("long_kept"), *effects[1:]]


def keep_what_fits(text: str, cap: int) -> str:
    """The start of ``text``, at most ``cap`` characters, cut at a space when one is near the
    end so no word is left half-written."""
    cut = text[:cap]
    space = cut.rfind(" ", cap - 40)
    return (cut[:space] if space > 0 else cut).rstrip()


def advance(survey: Survey, state: State, event: Event) -> tuple[State, list[Effect]]:
    """Apply one event to one person's survey state."""
    question = survey.question(state.current) if state.current else None
    if question is None:
        return state, [Say("already_finished")]
    if isinstance(event, Resume):
        return _again(survey, state, "welcome_back_survey")
    if isinstance(event, Unreadable):
        return _again(survey, state, "text_only")
    if isinstance(event, Text):
        return _text(survey, state, question, event.text)
    if event.question_id != question.id:
        if event.question_id not in state.answers:
            return state, [Toast("button_expired")]
        if state.message_id is not None:  # their current question is on screen, just below
            return state, [Toast("already_answered")]
        # Not known to be on screen (the reply showing it may have been lost): show it again
        # rather than leave them at a dead end.
        return state, [Toast("already_answered"), _ask(survey, state)]
    after, effects = _press(survey, state, question, event.value)
    stale = (
        None not in (event.message_id, state.message_id) and event.message_id != state.message_id
    )
    if stale and after != state:
        # A real answer, but on an older copy of the question (shown again since): only the
        # newest copy answers, so its ticks and the answer always show on the same message.
        return state, [Toast("use_newest")]
    return after, effects
