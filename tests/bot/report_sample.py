"""Results for the report tests: a small hand-built check-in (a hidden count, a count hidden to
protect it, a question hidden whole, free text), a trend, and random check-ins made by the real
results model from random counts, for property tests."""

from __future__ import annotations

import random

from flows.results import (
    ANSWERED,
    Cell,
    CheckinResults,
    Hidden,
    QuestionResult,
    TrendPoint,
    summarise,
)
from flows.survey import PREFER_NOT, SKIPPED, QuestionType, Survey, load_surveys
from storage.values import Checkin, Totals

K = 5
OPENS = 1_795_000_000.0  # 18 Nov 2026, 09:46 in London
DAY = 86_400.0


def cell(value: str, label: str, count: int | None, percent: float | None = None) -> Cell:
    if count is None:
        return Cell(value, label, None, Hidden.SMALL, None)
    return Cell(value, label, count, None, percent)


def protected(value: str, label: str) -> Cell:
    return Cell(value, label, None, Hidden.PROTECTS, None)


MOOD = QuestionResult(
    "mood",
    "How are you feeling this week?",
    "scale",
    24,
    (
        cell("1", "Awful", None),
        cell("2", "Not great", 6, 25.0),
        cell("3", "OK", 9, 37.5),
        cell("4", "Good", 5, 20.8),
        protected("5", "Great"),
        cell(SKIPPED, "Skipped", None),
    ),
    None,
)
MONEY = QuestionResult(
    "money",
    "How is money for you right now?",
    "choice",
    24,
    (
        cell("ok", "I'm OK", 7, 29.2),
        cell("tight", "It's tight | very", 17, 70.8),
        cell(PREFER_NOT, "Prefer not to say", 0, 0.0),
    ),
    None,
)
SAFER = QuestionResult(
    "safer", "What would help you feel safer?", "text", None, (), "fewer than 5 were asked it"
)
ANYTHING = QuestionResult(
    "anything",
    "Anything else you want to tell us?",
    "text",
    24,
    (cell(ANSWERED, "Answered", 10, 41.7), cell(SKIPPED, "Skipped", 14, 58.3)),
    None,
    ("More bus passes please", "Call me on [phone number]"),
)


def results(**changes: object) -> CheckinResults:
    values: dict[str, object] = {
        "checkin_id": 3,
        "survey_id": "weekly",
        "title": "How are things?",
        "opens_at": OPENS,
        "closes_at": OPENS + 7 * DAY,
        "invited": 40,
        "responses": 24,
        "k": K,
        "shown": True,
        "questions": (MOOD, MONEY, SAFER, ANYTHING),
    }
    values.update(changes)
    return CheckinResults(**values)  # type: ignore[arg-type]


def hidden_results() -> CheckinResults:
    """Fewer than K finished: the model shows nothing but that."""
    return results(responses=None, shown=False, questions=())


TREND = (
    TrendPoint(4, OPENS - 21 * DAY, None, ()),  # fewer than K took part: nothing shown
    TrendPoint(
        1,
        OPENS - 14 * DAY,
        20,
        (cell("ok", "I'm OK", 8, 40.0), cell("tight", "It's tight", 12, 60.0)),
    ),
    TrendPoint(
        2, OPENS - 7 * DAY, 6, (cell("ok", "I'm OK", None), protected("tight", "It's tight"))
    ),
    TrendPoint(
        3, OPENS, 24, (cell("ok", "I'm OK", 7, 29.2), cell("tight", "It's tight", 17, 70.8))
    ),
)


def weekly() -> Survey:
    return load_surveys(None)["weekly"]


def random_totals(survey: Survey, rng: random.Random, checkin_id: int = 1) -> Totals:
    """Random counts shaped like real ones: many small, a branch question asked only of those
    who gave its trigger answer, pick-several options counted one by one."""
    responses = rng.choice([0, 1, 3, 4, 5, 6, 9, 12, 25, 60])
    counts: dict[str, dict[str, int]] = {}
    asked: dict[str, int] = {}
    for question in survey.questions:
        base = responses
        if question.show_if is not None:
            trigger = counts.get(question.show_if.question, {})
            base = sum(trigger.get(v, 0) for v in question.show_if.answer)
        asked[question.id] = base
        if question.type is QuestionType.MULTI:
            values = [o.id for o in question.options or ()]
            counts[question.id] = {v: rng.randint(0, base) for v in values}
            continue
        if question.type is QuestionType.TEXT:
            values = ["something typed", "more words", SKIPPED]
        else:
            values = question.allowed_values()
            if question.prefer_not_to_say:
                values.append(PREFER_NOT)
            if question.optional:
                values.append(SKIPPED)
        given: dict[str, int] = {}
        for _ in range(base):
            value = rng.choice(values[: rng.randint(1, len(values))])
            given[value] = given.get(value, 0) + 1
        counts[question.id] = given
    return Totals(checkin_id, responses, counts, asked)


def random_results(rng: random.Random, k: int = K) -> CheckinResults:
    survey = weekly()
    totals = random_totals(survey, rng)
    checkin = Checkin(1, "weekly", None, OPENS, OPENS + 7 * DAY, invited=totals.responses + 10)
    texts = {"anything": ["a thought", "call 07700 900123"], "safer": ["a lock"]}
    return summarise(survey, checkin, totals, texts, k, rng)
