"""Results for staff: a check-in's results, the list of check-ins with response figures, a
question's trend, and the rows of an explicit row-level export. Every count passes through
``flows.results``, so small numbers are hidden the same way behind every door."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.actions import audit
from bot.actions.errors import ActionError
from bot.services import Services
from flows.redact import redact
from flows.results import (
    MAX_TEXTS,
    CheckinResults,
    CheckinSummary,
    TrendPoint,
    checkin_summary,
    closed,
    summarise,
    trend,
    when_shown,
)
from flows.schedule import format_local
from flows.survey import Question, QuestionType, Survey
from storage.base import Checkin

__all__ = [
    "CheckinResults",
    "CheckinSummary",
    "ResponseTable",
    "TrendPoint",
    "checkin_results",
    "overview",
    "responses",
    "trend_results",
    "waiting",
]


@dataclass(frozen=True)
class ResponseTable:
    """Row-level responses: a made-up id per row, one column per question (answers in words,
    typed words redacted), rows shuffled. No Telegram id, date or time."""

    checkin_id: int
    question_ids: tuple[str, ...]
    headers: tuple[str, ...]  # "response", then each question's words
    rows: tuple[tuple[str, ...], ...]


async def _checkin(svc: Services, checkin_id: int) -> tuple[Checkin, Survey]:
    checkin = await svc.store.checkin(checkin_id)
    if checkin is None:
        raise ActionError("checkin", f"no check-in {checkin_id}", unknown=True)
    survey = svc.surveys.get(checkin.survey_id)
    if survey is None:
        raise ActionError(
            "checkin",
            f"check-in {checkin_id} used the survey '{checkin.survey_id}', which is not loaded;"
            " put its file back in the surveys folder",
        )
    return checkin, survey


async def _release_closed(svc: Services) -> None:
    """Release what waits for check-ins that have closed, as the planner does on its next
    pass: results read while the bot is stopped still count everyone who finished."""
    await svc.store.release_closed(svc.now(), svc.today())


def _typed(survey: Survey) -> list[str]:
    return [q.id for q in survey.questions if q.type is QuestionType.TEXT]


def waiting(svc: Services, closes_at: float | None) -> str:
    """Why an open check-in's results are not shown yet, and when they will be."""
    closes = None
    if closes_at is not None:
        zone = svc.settings.zone
        now = datetime.fromtimestamp(svc.now(), zone)
        closes = format_local(datetime.fromtimestamp(closes_at, zone), zone, now)
    return when_shown(closes, svc.settings.min_group)


async def checkin_results(
    svc: Services, checkin_id: int, who: str, *, log: bool = True
) -> CheckinResults:
    """One check-in's results with small numbers hidden, nothing per question until it has
    closed; logs that ``who`` viewed them (unless ``log`` is off: an export logs itself)."""
    checkin, survey = await _checkin(svc, checkin_id)
    await _release_closed(svc)
    typed = _typed(survey)
    counts = await svc.store.answer_counts(checkin_id, typed)
    k, now = svc.settings.min_group, svc.now()
    texts = {}
    if counts.responses >= k and closed(checkin, now):
        texts = await svc.store.typed_answers(checkin_id, typed, limit=MAX_TEXTS)
    results = summarise(survey, checkin, counts, texts, k, random.SystemRandom(), now=now)
    if log:
        await audit.record(svc.store, who, "viewed results", f"check-in {checkin_id}", now)
    return results


def _title(svc: Services, checkin: Checkin) -> str:
    survey = svc.surveys.get(checkin.survey_id)
    return survey.title if survey is not None else checkin.survey_id


async def overview(svc: Services) -> list[CheckinSummary]:
    """Every check-in, newest first: invited, finished (hidden from 1 to K-1) and the rate."""
    await _release_closed(svc)
    finished = await svc.store.response_counts()
    now, k = svc.now(), svc.settings.min_group
    return [
        checkin_summary(c, _title(svc, c), finished.get(c.id, 0), k, now)
        for c in await svc.store.checkins()
    ]


async def trend_results(
    svc: Services, question_id: str, who: str, *, log: bool = True
) -> list[TrendPoint]:
    """A question across every closed check-in whose survey asks it, oldest first, each
    hidden as in its own results; logs that ``who`` viewed it (unless ``log`` is off).

    Check-ins are chosen from the surveys, never from which answers exist: a follow-up listed
    only where someone answered it would tell that someone in a hidden group was asked it."""
    points = []
    now = svc.now()
    await _release_closed(svc)
    for checkin in await svc.store.checkins():
        survey = svc.surveys.get(checkin.survey_id)
        if survey is None or survey.question(question_id) is None or not closed(checkin, now):
            continue
        counts = await svc.store.answer_counts(checkin.id, _typed(survey))
        points.append((survey, checkin, counts))
    if not points:
        raise ActionError(
            "question", f"no closed check-in asked a question '{question_id}'", unknown=True
        )
    if log:
        await audit.record(svc.store, who, "viewed a trend", f"question {question_id}", now)
    return trend(question_id, points, svc.settings.min_group)


def _words(question: Question, answer: Any) -> str:
    if isinstance(answer, list):
        return "; ".join(question.label_for(str(v)) for v in answer)
    if question.type is QuestionType.TEXT and answer not in ("~skip", "~pns"):
        return redact(str(answer))
    return question.label_for(str(answer))


async def responses(svc: Services, checkin_id: int, who: str, *, log: bool = True) -> ResponseTable:
    """Row-level responses for a lead who asked for them; refused until the check-in has
    closed with at least K finished. Logs that ``who`` took them (unless ``log`` is off)."""
    checkin, survey = await _checkin(svc, checkin_id)
    if not closed(checkin, svc.now()):
        raise ActionError(
            "responses", f"check-in {checkin_id} is still open. {waiting(svc, checkin.closes_at)}"
        )
    await _release_closed(svc)
    answers = await svc.store.responses(checkin_id)
    k = svc.settings.min_group
    if len(answers) < k:
        raise ActionError(
            "responses", f"check-in {checkin_id} has fewer than {k} responses; nothing to show"
        )
    shuffle = random.SystemRandom()
    shuffle.shuffle(answers)
    rows = tuple(
        (
            secrets.token_hex(8),  # 16 hex digits: no two rows alike, even among 50,000
            *(_words(q, given[q.id]) if q.id in given else "" for q in survey.questions),
        )
        for given in answers
    )
    if log:
        where = f"check-in {checkin_id}"
        await audit.record(svc.store, who, "took row-level responses", where, svc.now())
    return ResponseTable(
        checkin.id,
        tuple(q.id for q in survey.questions),
        ("response", *(q.text for q in survey.questions)),
        rows,
    )
