"""A brute-force attacker for small surveys: every table of counts that could lie behind what a
check-in's results show, so a test can see whether any hidden count is pinned to one value.

The reader knows the survey, K and what the labels mean, and sees everything shown: the shown
counts, the bases, which counts are hidden and why. A table fits what they see when its shown
counts and bases match and each hidden count is one its label allows.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from typing import Any

from flows.results import ANSWERED, CheckinResults, Hidden, summarise
from flows.survey import PREFER_NOT, SKIPPED, Question, QuestionType, Survey
from storage.values import Checkin, Totals

CHECKIN = Checkin(1, "t", None, 0.0, None, invited=None)
Table = dict[str, dict[str, int]]  # question id -> cell value -> count


def cell_values(question: Question) -> list[str]:
    values = [ANSWERED] if question.type is QuestionType.TEXT else question.allowed_values()
    if question.prefer_not_to_say:
        values.append(PREFER_NOT)
    if question.optional:
        values.append(SKIPPED)
    return values


def splits(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to write ``total`` as ``parts`` counts of 0 or more."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in splits(total - first, parts - 1):
            yield (first, *rest)


def question_tables(question: Question, base: int) -> Iterator[dict[str, int]]:
    """Every set of counts one question asked of ``base`` people could have."""
    values = cell_values(question)
    if question.type is not QuestionType.MULTI:
        for counts in splits(base, len(values)):
            yield dict(zip(values, counts, strict=True))
        return
    options = question.allowed_values()
    rest = values[len(options) :]
    for outer in splits(base, len(rest) + 1):
        answered, others = outer[0], dict(zip(rest, outer[1:], strict=True))
        for picks in itertools.product(range(answered + 1), repeat=len(options)):
            # Each person who answered picked one option or more, so the picks add up to
            # at least how many answered (and any such counts can happen).
            if answered and sum(picks) < answered:
                continue
            yield {**dict(zip(options, picks, strict=True)), **others}


def triggered(question: Question, parent: dict[str, int]) -> int | None:
    """How many were asked a follow-up, when the parent's counts alone decide it."""
    rule = question.show_if
    assert rule is not None
    return sum(parent.get(v, 0) for v in rule.answer)


def survey_tables(survey: Survey, responses: int) -> Iterator[Table]:
    """Every table of a survey whose follow-ups follow a single-answer question, or one answer
    of a pick-several question (so a follow-up's base is the sum of its trigger counts)."""

    def go(index: int, table: Table) -> Iterator[Table]:
        if index == len(survey.questions):
            yield dict(table)
            return
        question = survey.questions[index]
        for counts in question_tables(question, base_of(question, table, responses)):
            table[question.id] = counts
            yield from go(index + 1, table)
        del table[question.id]

    yield from go(0, {})


def base_of(question: Question, table: Table, responses: int) -> int:
    if question.show_if is None:
        return responses
    return triggered(question, table[question.show_if.question]) or 0


def totals(survey: Survey, table: Table, responses: int) -> Totals:
    asked = {q.id: base_of(q, table, responses) for q in survey.questions}
    return Totals(1, responses, table, asked)


def shown(results: CheckinResults) -> Any:
    """Everything a reader sees, as one comparable value."""
    return (
        results.responses,
        results.shown,
        tuple(
            (
                q.question_id,
                q.base,
                q.hidden_reason,
                tuple((c.value, c.count, c.hidden, c.percent) for c in q.cells),
            )
            for q in results.questions
        ),
    )


def results(survey: Survey, table: Table, responses: int, k: int) -> CheckinResults:
    return summarise(survey, CHECKIN, totals(survey, table, responses), {}, k, random.Random(0))


def _allowed(hidden: Hidden | None, count: int, k: int) -> bool:
    """Whether a hidden cell's label allows this count (a reader knows the labels' meaning)."""
    if hidden is Hidden.SMALL:
        return 0 < count < k
    return not 0 < count < k


def consistent(survey: Survey, view: CheckinResults, table: Table, responses: int) -> bool:
    """Whether ``table`` fits everything ``view`` shows, read with the rules a reader knows:
    a small count is 1 to K-1, no other count is; a shown pick-several option leaves no small
    group of those who answered but did not pick it, and is not answered by 1 to K-1."""
    k = view.k
    for result in view.questions:
        if result.hidden_reason is not None:
            continue
        question = survey.question(result.question_id)
        assert question is not None
        counts = table[question.id]
        if result.base != base_of(question, table, responses):
            return False
        answered = None
        if question.type is QuestionType.MULTI:
            options = set(question.allowed_values())
            answered = result.base - sum(c for v, c in counts.items() if v not in options)
            if 0 < answered < k:
                return False
        for cell in result.cells:
            count = counts[cell.value]
            if cell.count is not None:
                if count != cell.count:
                    return False
                option = answered is not None and cell.value in question.allowed_values()
                if option and 0 < (answered or 0) - count < k:
                    return False
            elif not _allowed(cell.hidden, count, k):
                return False
    return True


def pinned_cells(
    survey: Survey, responses: int, k: int, table: Table, tables: Sequence[Table]
) -> list[tuple[str, str]]:
    """The hidden counts in the results of ``table`` that take one value only in all the
    ``tables`` consistent with those results: counts a reader could work out."""
    view = results(survey, table, responses, k)
    alike = [t for t in tables if consistent(survey, view, t, responses)]
    assert table in alike, "the true table must fit its own results"
    return [
        (q.question_id, c.value)
        for q in view.questions
        for c in q.cells
        if c.count is None and len({t[q.question_id][c.value] for t in alike}) < 2
    ]
