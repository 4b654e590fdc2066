"""The joint review (flows.review): the survey it makes, the gap rule, and the view that puts
each action's (suppressed) answers beside the plan's status, gaps first."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from flows.results import Cell, Hidden, QuestionResult, summarise
from flows.review import (
    GAP_RULE,
    WHAT_CAP,
    ReviewView,
    action_of,
    gap,
    is_review,
    line_words,
    question_id,
    review_lines,
    review_survey,
    review_view,
)
from flows.survey import Survey
from storage.values import Checkin, Totals


@dataclass(frozen=True)
class Act:
    id: int
    what: str
    role: str = "Leaving care manager"
    status: str = "done"


def result(
    counts: dict[str, int | None], base: int | None = None, hidden: str = ""
) -> QuestionResult:
    """A review question's result: ``None`` is a hidden count (small when ``hidden`` names it)."""
    if base is None:
        base = sum(c or 0 for c in counts.values())
    cells = tuple(
        Cell(
            value,
            value,
            count,
            None if count is not None else (Hidden.SMALL if value in hidden else Hidden.PROTECTS),
            None,
        )
        for value, count in counts.items()
    )
    return QuestionResult("act_1", "Q", "choice", base, cells, None)


def answers(
    yes: int | None, a_bit: int | None, no: int | None, dont: int | None
) -> dict[str, int | None]:
    return {"yes": yes, "a_bit": a_bit, "no": no, "dont_know": dont}


def test_the_survey_asks_one_question_per_action_in_every_reading() -> None:
    survey = review_survey("review_1", [Act(4, "Ask for a bigger grant"), Act(12, "A drop-in")])
    assert [q.id for q in survey.questions] == ["act_4", "act_12"]
    first = survey.questions[0]
    assert first.text == "Ask for a bigger grant\n\nIs this happening?"
    assert [first.label_for(v) for v in first.allowed_values()] == [
        "Yes",
        "A bit",
        "No",
        "Don't know",
    ]
    assert first.text_for("cy").endswith("Ydy hyn yn digwydd?")
    assert [first.label_for(v, "cy") for v in first.allowed_values()] == [
        "Ydy",
        "Ychydig",
        "Nac ydy",
        "Ddim yn gwybod",
    ]
    assert first.text_for("en@easyread").startswith("We said we would do this:\n")
    assert first.label_for("dont_know", "en@easyread") == "I don't know"
    assert first.label_for("dont_know", "cy@easyread") == "Dw i ddim yn gwybod"
    assert is_review(survey)
    # Kept as JSON and read back (as made surveys are), it is the same survey.
    body = survey.model_dump_json(by_alias=True, exclude_none=True)
    assert Survey.model_validate_json(body) == survey


def test_long_action_words_are_cut_to_fit_a_question() -> None:
    survey = review_survey("review_2", [Act(1, "word " * 200)])
    text = survey.questions[0].text
    assert len(text) <= 500 and "…\n\nIs this happening?" in text
    assert len(text.split("\n\n")[0]) <= WHAT_CAP + 1


def test_question_ids_find_their_action_again() -> None:
    assert action_of(question_id(123)) == 123
    assert action_of("mood") is None and action_of("act_") is None and action_of("act_1x") is None


@pytest.mark.parametrize(
    ("status", "counts", "base", "hidden", "expected"),
    [
        # More than half of those with a view said No, and the plan says it is happening.
        ("done", answers(3, 0, 4, 0), None, "", True),
        ("in_progress", answers(3, 0, 4, 0), None, "", True),
        # Exactly half is not "most".
        ("done", answers(4, 0, 4, 0), None, "", False),
        # A bit counts as a view that it is happening (at least partly).
        ("done", answers(0, 5, 4, 0), None, "", False),
        # Don't know is left out of those with a view: 4 No of 7 with a view.
        ("done", answers(3, 0, 4, 6), None, "", True),
        # Don't know hidden: everyone asked is the base (fewer gaps, never more). 4 of 11.
        ("done", answers(3, 0, 4, None), 11, "dont_know", False),
        # The plan says planned or couldn't: what young people say is no gap.
        ("planned", answers(0, 0, 9, 0), None, "", False),
        ("couldnt", answers(0, 0, 9, 0), None, "", False),
        # No hidden: nobody can tell.
        ("done", answers(6, 0, None, 0), 8, "no", None),
        ("done", answers(None, 0, 6, None), 10, "", True),
    ],
)
def test_the_gap_rule(
    status: str, counts: dict[str, int | None], base: int | None, hidden: str, expected: bool | None
) -> None:
    assert gap(status, result(counts, base, hidden)) is expected


def test_a_question_hidden_whole_cannot_tell() -> None:
    whole = QuestionResult("act_1", "Q", "choice", None, (), "fewer than 5 answered it")
    assert gap("done", whole) is None
    assert gap("planned", whole) is False
    line = review_view_of([Act(1, "Grant")], {"act_1": answers(7, 0, 0, 0)}).lines[0]
    assert line.gap is False
    # All alike in a group under 2K is hidden whole (flows.results), so it cannot tell either.
    line = review_view_of([Act(1, "Grant")], {"act_1": answers(5, 0, 0, 0)}).lines[0]
    assert line.result.hidden_reason is not None and line.gap is None


def review_view_of(
    actions: list[Act], table: dict[str, dict[str, int | None]], k: int = 3
) -> ReviewView:
    """The view of a closed review of ``actions`` whose answers are ``table``."""
    survey = review_survey("review_1", actions)
    responses = sum(c or 0 for c in next(iter(table.values())).values())
    totals = Totals(
        1, responses, {q: {v: c or 0 for v, c in t.items()} for q, t in table.items()}, {}
    )
    checkin = Checkin(1, "review_1", None, 0.0, 1.0, invited=None)
    results = summarise(survey, checkin, totals, {}, k, random.Random(0), now=2.0)
    return review_view(results, {a.id: a for a in actions})


def test_the_view_puts_gaps_first_then_the_plan_in_order() -> None:
    actions = [
        Act(1, "Training", status="planned"),
        Act(2, "Drop-in", status="in_progress"),
        Act(3, "Grant", status="done"),
    ]
    table = {
        "act_1": answers(0, 0, 7, 0),
        "act_2": answers(7, 0, 0, 0),
        "act_3": answers(3, 0, 4, 0),
    }
    view = review_view_of(actions, table)
    assert [line.action_id for line in view.lines] == [3, 1, 2]
    assert [line.action_id for line in view.gaps] == [3]
    words = review_lines(view, 3)
    assert words[1].startswith("1 action has a gap")
    assert words[2].startswith("- GAP: the plan says done, but most young people said No.")
    assert words[-1] == GAP_RULE


def test_an_action_gone_from_the_plan_is_shown_with_its_question_words() -> None:
    view = review_view_of([Act(1, "Grant")], {"act_1": answers(0, 0, 6, 0)})
    gone = review_view(
        summarise(
            review_survey("review_1", [Act(1, "Grant")]),
            Checkin(1, "review_1", None, 0.0, 1.0, invited=None),
            Totals(1, 6, {"act_1": {"no": 6}}, {}),
            {},
            3,
            random.Random(0),
            now=2.0,
        ),
        {},
    )
    assert view.lines[0].gap is True
    assert gone.lines[0].status is None and gone.lines[0].gap is False
    assert "no longer in the plan" in line_words(gone.lines[0], 3)


def test_small_counts_in_the_view_say_fewer_than_k_and_the_gap_cannot_be_told() -> None:
    """Two said No of eight: "fewer than 3", and no gap is claimed or denied."""
    view = review_view_of([Act(1, "Grant")], {"act_1": answers(6, 0, 2, 0)})
    (line,) = view.lines
    assert line.gap is None
    words = line_words(line, 3)
    assert "No fewer than 3" in words and "Too few answers show" in words
    assert " 2" not in words.replace("(asked 8)", "")


def test_hidden_results_make_no_lines() -> None:
    survey = review_survey("review_1", [Act(1, "Grant")])
    checkin = Checkin(1, "review_1", None, 0.0, 1.0, invited=None)
    results = summarise(
        survey, checkin, Totals(1, 2, {"act_1": {"no": 2}}, {}), {}, 3, random.Random(0), now=2.0
    )
    assert review_view(results, {1: Act(1, "Grant")}).lines == ()


def test_the_heading_never_says_no_gaps_when_some_could_not_be_checked() -> None:
    actions = [Act(1, "Grant"), Act(2, "Drop-in"), Act(3, "Training")]
    table = {
        "act_1": answers(6, 0, 2, 0),  # No is 2: fewer than 3, cannot tell
        "act_2": answers(3, 0, 5, 0),  # a gap
        "act_3": answers(8, 0, 0, 0),  # no gap
    }
    assert review_lines(review_view_of(actions, table), 3)[1] == (
        "1 action has a gap: the plan says it is happening, but most young people said No. "
        "1 action the plan calls happening could not be checked: too few answers show."
    )
    del table["act_2"]
    view = review_view_of([actions[0], actions[2]], table)
    assert review_lines(view, 3)[1] == (
        "No gap can be shown yet. 1 action the plan calls happening could not be checked: too few "
        "answers show."
    )
    clear = review_view_of([actions[2]], {"act_3": answers(8, 0, 0, 0)})
    assert review_lines(clear, 3)[1].startswith("No gaps:")


def test_a_chat_line_shortens_long_action_words() -> None:
    long = "Ask the council for a bigger grant " * 10
    view = review_view_of([Act(1, long)], {"act_1": answers(3, 0, 5, 0)})
    short = line_words(view.lines[0], 3, what_cap=40)
    assert "Action 1: Ask the council for a bigger grant Ask…" in short
    assert short.endswith("(asked 8).") and len(short) < 300
