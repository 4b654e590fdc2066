"""Exports: a check-in's results as files for a lead, the one use case behind
``youthvoice export`` and Telegram's /export, audit-logged as "exported results"."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.actions import audit, reach, update_views
from bot.actions import results as results_actions
from bot.actions.errors import ActionError
from bot.actions.review import review_of
from bot.reports.formats import FORMATS, WITH_RESPONSES
from bot.services import Services
from flows.results import CheckinResults

if TYPE_CHECKING:
    from bot.reports.export import ExportFile

__all__ = ["FORMATS", "SUMMARIES", "export", "hidden_reason", "picture"]

# The formats that are a summary for a board, and so say who we are hearing from.
SUMMARIES = ("docx", "md")


def hidden_reason(svc: Services, results: CheckinResults) -> str:
    """Why a check-in's results cannot be shown yet, in plain words."""
    if results.open_now:
        when = results_actions.waiting(svc, results.closes_at)
        return f"check-in {results.checkin_id} is still open. {when.rstrip('.')}"
    return (
        f"check-in {results.checkin_id} has fewer than {results.k} finished responses, so "
        "its results stay hidden until more people have taken part"
    )


def _question_words(svc: Services, question_id: str) -> str:
    """The words of the question a trend follows; refused if no survey asks it."""
    for survey in svc.surveys.values():
        question = survey.question(question_id)
        if question is not None:
            return question.text
    raise ActionError("question", f"no survey asks a question '{question_id}'", unknown=True)


async def export(
    svc: Services,
    checkin_id: int,
    fmt: str,
    who: str,
    *,
    with_responses: bool = False,
    trend_question: str | None = None,
    done: Sequence[str] | None = None,
) -> list[ExportFile]:
    """The files of one check-in's results in ``fmt``: counts and percentages per question by
    default; with ``with_responses`` the row-level responses too (csv and xlsx, and only from
    K responses); with ``trend_question`` that question across check-ins. ``done`` is what was
    done about it, line by line (by default, the "you said, we did" updates answering it).
    Refused (``ActionError``) for an unknown check-in or format, responses a format cannot
    hold, or results still hidden."""
    if fmt not in FORMATS:
        raise ActionError("format", f"no format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if with_responses and fmt not in WITH_RESPONSES:
        raise ActionError(
            "responses", f"row-level responses come only as {' or '.join(WITH_RESPONSES)}"
        )
    # The charting library takes about half a second and tens of megabytes to load: only
    # when someone exports, never at the bot's start.
    from bot.reports.export import Trend, make

    # Refusals that need no results come first, so a refused export logs nothing.
    words = _question_words(svc, trend_question) if trend_question is not None else ""
    # One export is one line in the audit log (below), not one per use case it calls.
    results = await results_actions.checkin_results(svc, checkin_id, who, log=False)
    if not results.shown:
        raise ActionError("checkin", hidden_reason(svc, results))
    table = None
    if with_responses:
        table = await results_actions.responses(svc, checkin_id, who, log=False)
    if done is None:
        done = await update_views.checkin_lines(svc.store, svc.settings, checkin_id, svc.now())
    trend = None
    if trend_question is not None:
        points = await results_actions.trend_results(svc, trend_question, who, log=False)
        trend = Trend(trend_question, words, tuple(points))
    # The board summaries (Word and Markdown) end with who we are hearing from.
    groups = await reach.reach(svc) if fmt in SUMMARIES else []
    # Drawing charts takes a second or two of CPU: off the event loop, so a running bot keeps
    # answering young people meanwhile.
    review = await review_of(svc, results)
    files = await asyncio.to_thread(
        make,
        fmt,
        results,
        svc.settings.zone,
        trend=trend,
        responses=table,
        done=done,
        review=review,
        reach=groups,
    )
    extras = (" with responses" if table else "") + (
        f" and the trend of {trend_question}" if trend else ""
    )
    await audit.record(
        svc.store, who, "exported results", f"check-in {checkin_id} as {fmt}{extras}", svc.now()
    )
    return files


async def picture(results: CheckinResults) -> bytes:
    """Every question of shown results in one PNG, drawn off the event loop."""
    from bot.reports.export import picture as draw

    return await asyncio.to_thread(draw, results)
