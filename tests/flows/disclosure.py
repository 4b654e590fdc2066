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
# Beside a pick-several question's counts, ``PICKS + id`` holds how many picked exactly each
# set of options ("o0+o1"): a follow-up on two of its options is asked of their union, which
# the option counts alone do not decide. It is never given to ``summarise``.
PICKS = "picks:"


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


def _sets(options: Sequence[str], most: int | None = None) -> list[tuple[str, ...]]:
    """Every set of options one person could pick (one or more; at most ``most``)."""
    return [
        chosen
        for size in range(1, (most or len(options)) + 1)
        for chosen in itertools.combinations(options, size)
    ]


def question_tables(
    question: Question, base: int
) -> Iterator[tuple[dict[str, int], dict[str, int]]]:
    """Every set of counts one question asked of ``base`` people could have, each with how
    many picked exactly each set of options (pick-several questions; else empty)."""
    values = cell_values(question)
    if question.type is not QuestionType.MULTI:
        for counts in splits(base, len(values)):
            yield dict(zip(values, counts, strict=True)), {}
        return
    options = question.allowed_values()
    rest = values[len(options) :]
    sets = _sets(options, question.max_picks)
    for outer in splits(base, len(rest) + 1):
        answered, others = outer[0], dict(zip(rest, outer[1:], strict=True))
        # Each person who answered picked one set of options.
        for people in splits(answered, len(sets)):
            picks = {"+".join(chosen): n for chosen, n in zip(sets, people, strict=True)}
            counts = {
                o: sum(n for chosen, n in zip(sets, people, strict=True) if o in chosen)
                for o in options
            }
            yield {**counts, **others}, picks


def triggered(question: Question, table: Table) -> int:
    """How many were asked a follow-up: those who gave one of its trigger answers (for a
    pick-several question, who picked any of them: the union)."""
    rule = question.show_if
    assert rule is not None
    picks = table.get(PICKS + rule.question)
    if picks:
        return sum(n for chosen, n in picks.items() if set(chosen.split("+")) & set(rule.answer))
    return sum(table[rule.question].get(v, 0) for v in rule.answer)


def survey_tables(survey: Survey, responses: int) -> Iterator[Table]:
    """Every table of a survey (a follow-up's base is how many gave any of its triggers)."""

    def go(index: int, table: Table) -> Iterator[Table]:
        if index == len(survey.questions):
            yield dict(table)
            return
        question = survey.questions[index]
        for counts, picks in question_tables(question, base_of(question, table, responses)):
            table[question.id] = counts
            if picks:
                table[PICKS + question.id] = picks
            yield from go(index + 1, table)
        del table[question.id]
        table.pop(PICKS + question.id, None)

    yield from go(0, {})


def base_of(question: Question, table: Table, responses: int) -> int:
    if question.show_if is None:
        return responses
    return triggered(question, table)


def totals(survey: Survey, table: Table, responses: int) -> Totals:
    asked = {q.id: base_of(q, table, responses) for q in survey.questions}
    counts = {q.id: table[q.id] for q in survey.questions}
    return Totals(1, responses, counts, asked)


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
    found = [
        (q.question_id, c.value)
        for q in view.questions
        for c in q.cells
        if c.count is None and len({t[q.question_id][c.value] for t in alike}) < 2
    ]
    return found + small_groups(table, alike, k)


def small_groups(table: Table, alike: Sequence[Table], k: int) -> list[tuple[str, str]]:
    """Groups of 1 to K-1 people known by what they picked in a pick-several question: any
    mix of sets of options ("picked o0 but not o1") whose size is the same in every table
    that fits what is shown (as a follow-up's base next to its trigger counts can make it)."""
    found = []
    for key, picks in table.items():
        if not key.startswith(PICKS):
            continue
        names = sorted(picks)
        for size in range(1, len(names) + 1):
            for mix in itertools.combinations(names, size):
                sizes = {sum(t[key][n] for n in mix) for t in alike}
                if len(sizes) == 1 and 0 < next(iter(sizes)) < k:
                    found.append((key, " or ".join(mix)))
    return found
