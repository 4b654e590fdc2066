"""A joint review: a survey with one "Is this happening?" question per action of the plan, and
the gap between where a lead says each action stands and what young people say, worked out
from shown (suppressed) counts only.

The gap rule: an action has a gap when the lead's status says it is happening ("done" or "in
progress") and more than half of the young people who gave a view said "No". Those who gave a
view are everyone asked minus those who said "Don't know"; when the "Don't know" count is
hidden, everyone asked (so a gap is claimed less often, never more). When the "No" count or
the whole question is hidden, nobody can tell, and the view says so instead of guessing. The
rule reads only what a lead is shown, so it gives away nothing the counts do not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from flows.locales import ENGLISH, READINGS
from flows.messages import say
from flows.results import CheckinResults, QuestionResult
from flows.survey import Survey

# The answers to every review question, in button order, with their message keys.
YES, A_BIT, NO, DONT_KNOW = "yes", "a_bit", "no", "dont_know"
ANSWERS = {
    YES: "review_yes",
    A_BIT: "review_a_bit",
    NO: "review_no",
    DONT_KNOW: "review_dont_know",
}
# Statuses in which a lead says an action is happening (UpdateStatus values).
HAPPENING = ("done", "in_progress")
STATUS_WORDS = {
    "done": "done",
    "in_progress": "in progress",
    "planned": "planned",
    "couldnt": "couldn't happen",
}
# Each question is "act_" and the action's number, so results find the action again.
_QUESTION = re.compile(r"^act_([0-9]{1,16})$")
# An action's words in the question, at most: the question (500 at most) has words around them.
WHAT_CAP = 380


class Action(Protocol):
    """What a review needs of a plan action (``storage.values.PlanAction`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def what(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def status(self) -> str: ...


def question_id(action_id: int) -> str:
    return f"act_{action_id}"


def action_of(question: str) -> int | None:
    """The plan action a review question asks about (``None``: not a review question)."""
    found = _QUESTION.match(question)
    return int(found.group(1)) if found else None


def _cut(what: str) -> str:
    """An action's words short enough for a question (cut at a space, with an ellipsis)."""
    what = " ".join(what.split())
    if len(what) <= WHAT_CAP:
        return what
    return what[:WHAT_CAP].rsplit(" ", 1)[0] + "…"


def _wording(reading: str, actions: Sequence[Action]) -> dict[str, Any]:
    options = {value: say(key, reading) for value, key in ANSWERS.items()}
    return {
        "title": say("review_title", reading),
        "intro": say("review_intro", reading),
        "thanks": say("review_thanks", reading),
        "questions": {
            question_id(action.id): {
                "text": say("review_question", reading, what=_cut(action.what)),
                "options": options,
            }
            for action in actions
        },
    }


def review_survey(survey_id: str, actions: Sequence[Action]) -> Survey:
    """The review of ``actions``: one question each, in every reading (the action's own words
    stay as staff wrote them)."""
    english = _wording(ENGLISH, actions)
    questions = [
        {
            "id": question_id(action.id),
            "type": "choice",
            "text": english["questions"][question_id(action.id)]["text"],
            "options": [
                {"id": value, "label": label}
                for value, label in english["questions"][question_id(action.id)]["options"].items()
            ],
        }
        for action in actions
    ]
    return Survey.model_validate(
        {
            "schema_version": 1,
            "id": survey_id,
            "title": english["title"],
            "intro": english["intro"],
            "thanks": english["thanks"],
            "questions": questions,
            "translations": {reading: _wording(reading, actions) for reading in READINGS},
        }
    )


def is_review(survey: Survey) -> bool:
    """Whether every question of ``survey`` asks about a plan action."""
    return all(action_of(question.id) is not None for question in survey.questions)


def gap(status: str | None, result: QuestionResult) -> bool | None:
    """The gap rule (see the module's docstring): True for a gap, False for none, ``None``
    when the shown figures cannot tell."""
    if status not in HAPPENING:
        return False
    if result.hidden_reason is not None or result.base is None:
        return None
    counts = {cell.value: cell.count for cell in result.cells}
    no = counts.get(NO)
    if no is None:
        return None
    dont_know = counts.get(DONT_KNOW)
    with_view = result.base - dont_know if dont_know is not None else result.base
    return 2 * no > with_view


@dataclass(frozen=True)
class ReviewLine:
    """One action beside what young people said of it."""

    action_id: int
    what: str  # the action's words now (the question's, if it is no longer in the plan)
    role: str | None
    status: str | None  # the lead's status now; None if the action is gone
    result: QuestionResult
    gap: bool | None  # see ``gap``


@dataclass(frozen=True)
class ReviewView:
    """A review's results: gaps first, then the other actions in plan order."""

    lines: tuple[ReviewLine, ...]

    @property
    def gaps(self) -> tuple[ReviewLine, ...]:
        return tuple(line for line in self.lines if line.gap)


def review_view(results: CheckinResults, plan: Mapping[int, Action]) -> ReviewView:
    """Each question of shown review results beside its action's status now (empty while the
    results are hidden)."""
    lines = []
    for result in results.questions:
        action_id = action_of(result.question_id)
        if action_id is None:
            continue
        action = plan.get(action_id)
        status = str(action.status) if action is not None else None
        lines.append(
            ReviewLine(
                action_id,
                action.what if action is not None else result.text,
                action.role if action is not None else None,
                status,
                result,
                gap(status, result),
            )
        )
    ordered = [line for line in lines if line.gap] + [line for line in lines if not line.gap]
    return ReviewView(tuple(ordered))


def answers_words(result: QuestionResult, k: int) -> str:
    """What young people said, as a lead reads it: "Yes 6, A bit fewer than 5, No hidden"."""
    if result.hidden_reason is not None:
        return f"hidden: {result.hidden_reason}"
    said = ", ".join(f"{cell.label} {cell.shown(k)}" for cell in result.cells)
    return f"{said} (asked {result.base})"


def line_words(line: ReviewLine, k: int, what_cap: int | None = None) -> str:
    """One action in a lead's words: the verdict first when there is one. ``what_cap``
    shortens the action's words (a chat message has room for less than a file)."""
    status = STATUS_WORDS.get(line.status or "", "no longer in the plan")
    role = f" ({line.role})" if line.role else ""
    what = " ".join(line.what.split())
    if what_cap is not None and len(what) > what_cap:
        what = what[:what_cap].rsplit(" ", 1)[0] + "…"
    head = f"Action {line.action_id}: {what}{role}. Lead's status: {status}."
    said = f"Young people: {answers_words(line.result, k)}."
    if line.gap:
        return f"GAP: the plan says {status}, but most young people said No. {head} {said}"
    if line.gap is None:
        return f"{head} {said} Too few answers show to tell whether there is a gap."
    return f"{head} {said}"


# The gap rule in a lead's words, under every review view.
GAP_RULE = (
    "A gap: the plan says done or in progress, and more than half of the young people who "
    "gave a view (Yes, A bit or No) said No."
)


def gaps_heading(view: ReviewView) -> str:
    """One line on the gaps, for the top of every results view: how many, and how many
    actions the plan calls happening could not be checked because too few answers show."""
    found = len(view.gaps)
    unsure = sum(1 for line in view.lines if line.gap is None)
    if found:
        actions = "1 action has a gap" if found == 1 else f"{found} actions have a gap"
        words = f"{actions}: the plan says it is happening, but most young people said No."
    elif unsure:
        # Not "no gap": the hidden figures may hide one (nobody said Yes or A bit, say).
        words = "No gap can be shown yet."
    else:
        return "No gaps: no action the plan calls done or in progress got mostly No."
    if unsure:
        more = "1 action" if unsure == 1 else f"{unsure} actions"
        words += f" {more} the plan calls happening could not be checked: too few answers show."
    return words


def review_lines(view: ReviewView, k: int) -> list[str]:
    """The review as lines a lead reads, gaps first: a heading, one line per action, the rule."""
    return [
        "Joint review: what young people said beside the plan's own status.",
        gaps_heading(view),
        *(f"- {line_words(line, k)}" for line in view.lines),
        GAP_RULE,
    ]
