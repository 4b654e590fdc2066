"""Property tests of small-number suppression over random small surveys and answers: no shown
count from 1 to K-1, no hidden count a reader could work out (checked by brute force over every
table that fits what is shown), and percentages that come from shown counts only; the same
for reach's people counts."""

from __future__ import annotations

import functools
import itertools
import os
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.reach import ANSWERED as REACH_ANSWERED
from flows.reach import NEVER, NOT_ASKED, participation
from flows.results import ANSWERED, Hidden
from flows.review import line_words, review_survey, review_view
from flows.suppression import could_be, partition_ranges, pinned
from flows.survey import Question, QuestionType, Survey
from tests.flows.disclosure import Table, pinned_cells, results, shown, survey_tables

pytestmark = pytest.mark.timeout(600)
# HYPOTHESIS_EXAMPLES=5000 hunts harder (minutes); the suite's default takes seconds.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "150"))


def question(qid: str, kind: str, options: int, optional: bool, pns: bool, **more: Any) -> Question:
    data: dict[str, Any] = {"id": qid, "type": kind, "text": f"Question {qid}"}
    if kind in ("choice", "multi"):
        data["options"] = [{"id": f"o{i}", "label": f"Option {i}"} for i in range(options)]
    if kind == "scale":
        data["scale"] = [{"label": f"point {i}"} for i in range(5)]
    return Question.model_validate({**data, "optional": optional, "prefer_not_to_say": pns, **more})


def survey(*questions: Question) -> Survey:
    return Survey(
        schema_version=1, id="t", title="T", intro="i", thanks="t", questions=list(questions)
    )


@st.composite
def small_surveys(draw: st.DrawFn) -> Survey:
    """One or two questions, small enough to try every table; the second may follow the first
    (on one or two of its answers; for a pick-several question, two triggers make its base
    the union of who picked them)."""
    kind = draw(st.sampled_from(["choice", "yesno", "text", "multi"]))
    options = draw(st.integers(2, 3))
    # A pick-several question may have a cap ("pick up to 2"), as a priorities round does.
    cap = draw(st.sampled_from([None, *range(1, options)])) if kind == "multi" else None
    first = question(
        "a",
        kind,
        options,
        draw(st.booleans()),
        draw(st.booleans()),
        **({"max_picks": cap} if cap else {}),
    )
    if kind == "text" or not draw(st.booleans()):
        return survey(first)
    trigger = first.allowed_values()[: draw(st.integers(1, 2))]
    follow = question(
        "b", "yesno", 0, draw(st.booleans()), False, show_if={"question": "a", "answer": trigger}
    )
    return survey(first, follow)


@functools.lru_cache(maxsize=64)
def every_table(shape: str, responses: int) -> list[Table]:
    return list(survey_tables(Survey.model_validate_json(shape), responses))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_surveys(), st.integers(3, 5), st.integers(0, 9), st.data())
def test_no_hidden_count_can_be_worked_out(
    shape: Survey, k: int, extra: int, data: st.DataObject
) -> None:
    """For any small survey and answers, every hidden count could still be two values or more
    given what is shown, no shown count is from 1 to K-1, each percentage is its shown
    count over the shown base, and no question under 2K asked shows everyone alike."""
    # Three options picked in every combination make many tables: fewer people then.
    wide = any(q.type is QuestionType.MULTI and len(q.options or ()) == 3 for q in shape.questions)
    responses = k + (min(extra, 1) if wide else extra)
    tables = every_table(shape.model_dump_json(by_alias=True), responses)
    table = data.draw(st.sampled_from(tables))
    view = results(shape, table, responses, k)
    assert view.shown and view.responses == responses
    for result in view.questions:
        if result.kind != QuestionType.TEXT.value and result.base and result.base < 2 * k:
            assert all(cell.count != result.base for cell in result.cells)
        for cell in result.cells:
            if cell.count is None:
                assert cell.percent is None and cell.hidden is not None
                assert (cell.hidden is Hidden.SMALL) == (
                    0 < table[result.question_id][cell.value] < k
                )
            else:
                assert not 0 < cell.count < k
                assert result.base is not None
                assert cell.percent == (
                    round(100 * cell.count / result.base, 1) if result.base else 0.0
                )
    assert pinned_cells(shape, responses, k, table, tables) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 5), st.integers(1, 30), st.data())
def test_too_few_responses_show_nothing(k: int, responses: int, data: st.DataObject) -> None:
    """Until K have finished, no question is shown, and 1 to K-1 responses is itself hidden."""
    shape = survey(question("a", "choice", 3, True, True))
    tables = list(survey_tables(shape, min(responses, 6)))
    table = data.draw(st.sampled_from(tables))
    view = results(shape, table, min(responses, 6), k)
    if min(responses, 6) < k:
        assert view.questions == () and not view.shown and view.responses is None
    else:
        assert view.shown and view.responses == min(responses, 6)


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 10), st.lists(st.integers(0, 400), min_size=2, max_size=7))
def test_big_tables_hide_every_small_count(k: int, counts: list[int]) -> None:
    """On tables too big to try every case, no shown count is from 1 to K-1 and the checker
    finds no hidden count it could work out."""

    shape = survey(question("a", "choice", len(counts), False, False))
    table = {"a": {f"o{i}": c for i, c in enumerate(counts)}}
    total = sum(counts)
    view = results(shape, table, total, k)
    if total < k:
        return
    (result,) = view.questions
    if result.hidden_reason is not None:
        return
    shown = {c.value: c.count for c in result.cells if c.count is not None}
    assert all(not 0 < c < k for c in shown.values())
    hidden = {c.value: could_be(c.hidden, k, total) for c in result.cells if c.hidden}
    assert not pinned(partition_ranges(total, shown, hidden))
    assert ANSWERED not in shown
    assert all(q.kind != QuestionType.TEXT.value for q in view.questions)


@settings(max_examples=EXAMPLES // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(6, 8), st.data())
def test_follow_up_on_two_picks_gives_away_no_small_group(
    responses: int, data: st.DataObject
) -> None:
    """A follow-up on two of three options of a pick-several question is asked of everyone who
    picked either (a union): next to the option counts its base must not pin down a group of
    1 to K-1 (such as who picked one trigger but not the other)."""
    first = question("a", "multi", 3, False, False)
    follow = question(
        "b", "yesno", 0, False, False, show_if={"question": "a", "answer": ["o0", "o1"]}
    )
    shape = survey(first, follow)
    tables = every_table(shape.model_dump_json(by_alias=True), responses)
    table = data.draw(st.sampled_from(tables))
    assert pinned_cells(shape, responses, 3, table, tables) == []


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(3, 5), st.integers(0, 3), st.booleans(), st.data())
def test_pick_up_to_two_gives_away_nothing(
    k: int, extra: int, optional: bool, data: st.DataObject
) -> None:
    """A pick-up-to-N question (a priorities round): the reader also knows nobody picked more
    than N, so the picks add up to N per person at most. No hidden count may be worked out
    from that, nor a group of 1 to K-1 (such as those who picked fewer than N)."""
    shape = survey(question("a", "multi", 3, optional, False, max_picks=2))
    responses = k + extra
    tables = every_table(shape.model_dump_json(by_alias=True), responses)
    table = data.draw(st.sampled_from(tables))
    view = results(shape, table, responses, k)
    for result in view.questions:
        assert all(c.count is None or not 0 < c.count < k for c in result.cells)
    assert pinned_cells(shape, responses, k, table, tables) == []


# --- The joint review (flows.review): each action's answers beside the plan's status -------


@dataclass(frozen=True)
class _Act:
    id: int
    what: str
    role: str
    status: str


REVIEW = review_survey("review_1", [_Act(1, "A bigger grant", "Manager", "done")])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(3, 5),
    st.integers(0, 5),
    st.sampled_from(["done", "in_progress", "planned", "couldnt"]),
    st.data(),
)
def test_review_view_hides_small_counts_and_its_gap_says_nothing_more(
    k: int, extra: int, status: str, data: st.DataObject
) -> None:
    """A review question's answers are hidden as any check-in's: no shown count from 1 to
    K-1 and no hidden count that can be worked out. The gap is read from shown figures only,
    so every table that fits what is shown gets the same verdict; a gap claimed is true of the
    real answers (more than half of those with a view said No)."""
    responses = k + extra
    tables = every_table(REVIEW.model_dump_json(by_alias=True), responses)
    table = data.draw(st.sampled_from(tables))
    plan = {1: _Act(1, "A bigger grant", "Manager", status)}
    view = results(REVIEW, table, responses, k)
    (line,) = review_view(view, plan).lines
    for cell in line.result.cells:
        assert cell.count is None or not 0 < cell.count < k
    assert pinned_cells(REVIEW, responses, k, table, tables) == []
    words = line_words(line, k)
    for cell in line.result.cells:
        if cell.count is None:
            assert f"{cell.label} {table['act_1'][cell.value]} " not in words + " "
    # Every table whose view looks the same gets the same verdict: it adds nothing.
    same = [v for t in tables if shown(v := results(REVIEW, t, responses, k)) == shown(view)]
    verdicts = {review_view(v, plan).lines[0].gap for v in same}
    assert verdicts == {line.gap}
    real = table["act_1"]
    if line.gap:
        assert status in ("done", "in_progress")
        assert 2 * real["no"] > real["yes"] + real["a_bit"] + real["no"]
    if status in ("planned", "couldnt"):
        assert line.gap is False


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(3, 6), st.lists(st.integers(0, 14), min_size=3, max_size=3))
def test_reach_people_counts_give_no_small_group_away(k: int, counts: list[int]) -> None:
    """A group's people split into answered, never answered and not asked yet, beside the
    joined total: no shown count is from 1 to K-1, and every hidden count could be two values
    or more among all the splits that fit what is shown (tried one by one)."""
    table = dict(zip((REACH_ANSWERED, NEVER, NOT_ASKED), counts, strict=True))
    people = participation(table, k)
    assert people.joined == sum(counts)
    if not people.cells:
        return  # hidden whole: only the joined total is shown
    for cell in people.cells:
        assert cell.count is None or not 0 < cell.count < k
        if cell.count is not None:
            assert cell.count == table[cell.value]
        elif cell.hidden is Hidden.SMALL:
            assert 0 < table[cell.value] < k
    fits = [
        split
        for split in itertools.product(range(people.joined + 1), repeat=3)
        if sum(split) == people.joined
        and all(
            split[i] == c.count
            if c.count is not None
            else split[i] in _label_allows(c.hidden, k, people.joined)
            for i, c in enumerate(people.cells)
        )
    ]
    for i, cell in enumerate(people.cells):
        if cell.count is None:
            assert len({split[i] for split in fits}) >= 2, (table, people.cells)


def _label_allows(hidden: Hidden | None, k: int, top: int) -> set[int]:
    """The values a reader who knows the rules allows a hidden count by its label."""
    return {v for lo, hi in could_be(hidden or Hidden.PROTECTS, k, top) for v in range(lo, hi + 1)}
