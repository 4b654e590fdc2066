"""``youthvoice results``: every check-in's response figures, one check-in's results as text,
or one question across check-ins. Small numbers are hidden as everywhere (flows.results)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from bot.actions import reach as reach_actions
from bot.actions import results as results_actions
from bot.actions import review as review_actions
from bot.actions import update_views
from bot.actions.audit import COMMAND_LINE
from bot.actions.made_surveys import with_made_surveys
from bot.cli.support import clock, local, settings_or_exit, setup_fail, with_store
from bot.cli.updates import update_lines
from bot.keys import SecretKeyError, saved_key
from bot.services import Services
from bot.settings import Settings
from flows.priorities import ranking, ranking_lines
from flows.reach import GroupReach, group_lines, note
from flows.results import (
    Cell,
    CheckinResults,
    CheckinSummary,
    QuestionResult,
    TrendPoint,
    findings,
    finished_words,
    when_shown,
)
from flows.review import ReviewView, review_lines
from flows.survey import SurveyError, load_surveys
from storage.base import Store

T = TypeVar("T")


def with_services(
    settings: Settings, work: Callable[[Services], Awaitable[T]], *, key: bool = False
) -> T:
    """Run a use case on the database and the surveys. Results never need the secret key
    (answers are anonymous), so none is read or made; reach (``key``) reads it if it exists,
    to tell who ever finished, and never makes one."""
    try:
        surveys = load_surveys(settings.surveys)
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        found = saved_key(secret, settings.database_file) if key else b""
    except (SurveyError, SecretKeyError) as exc:
        setup_fail(str(exc))

    async def go(store: Store) -> T:
        every = await with_made_surveys(store, surveys)
        return await work(Services(settings, store, every, found, clock))

    return with_store(settings, go)


def _finished(row: CheckinSummary, k: int) -> str:
    rate = f" ({row.rate:g}%)" if row.rate is not None else ""
    return f"finished {finished_words(row.finished, k, row.stepped)}{rate}"


def _overview_line(settings: Settings, row: CheckinSummary) -> str:
    if row.open_now:
        state = f"open until {local(settings, row.closes_at)}" if row.closes_at else "open"
    else:
        state = f"closed {local(settings, row.closes_at)}"
    invited = "invited ?" if row.invited is None else f"invited {row.invited}"
    return (
        f"{row.checkin_id:>4}  {row.title}: opened {local(settings, row.opens_at)}, {state}; "
        f"{invited}, {_finished(row, settings.min_group)}"
    )


def _cell_line(cell: Cell, k: int) -> str:
    share = f"  {cell.percent:g}%" if cell.percent is not None else ""
    return f"   {cell.label:<32} {cell.shown(k)}{share}"


def _question_lines(number: int, result: QuestionResult, k: int) -> list[str]:
    if result.hidden_reason is not None:
        return [f"{number}. {result.text}", f"   hidden: {result.hidden_reason}"]
    lines = [f"{number}. {result.text} (asked {result.base})"]
    lines += [_cell_line(cell, k) for cell in result.cells]
    if result.texts:
        lines.append("   What they wrote (contact details removed, in no order):")
        lines += [f'   - "{said}"' for said in result.texts]
    return lines


def summary_text(
    settings: Settings, found: CheckinResults, review: ReviewView | None = None
) -> list[str]:
    """One check-in's results as lines a lead can read; a joint review's actions beside the
    plan's status come first, gaps at the top."""
    k = found.k
    invited = "" if found.invited is None else f" Invited {found.invited}."
    done = finished_words(found.responses, k, found.open_now)
    lines = [
        f"Check-in {found.checkin_id}: {found.title}",
        f"Opened {local(settings, found.opens_at)}, closes {local(settings, found.closes_at)}."
        f"{invited} Finished {done}.",
    ]
    if found.open_now:
        closes = local(settings, found.closes_at) if found.closes_at is not None else None
        return [*lines, when_shown(closes, k)]
    if not found.shown:
        return [*lines, f"Results show once at least {k} have finished."]
    lines.append(
        f'Counts from 1 to {k - 1} show as "fewer than {k}"; "hidden" counts are hidden so '
        "that those cannot be worked out."
    )
    main = findings(found) if review is None else []  # a review's lines are its findings
    if review is not None:
        lines += ["", *review_lines(review, k)]
    if main:
        lines += ["", "Main findings:", *(f"- {sentence}" for sentence in main)]
    ranked = ranking(found)
    if ranked is not None:
        lines += ["", *ranking_lines(ranked)]
    for number, result in enumerate(found.questions, start=1):
        lines += ["", *_question_lines(number, result, k)]
    return lines


def trend_text(settings: Settings, question_id: str, points: list[TrendPoint], k: int) -> list[str]:
    many = "check-in" if len(points) == 1 else "check-ins"
    lines = [f"Question '{question_id}' across {len(points)} closed {many} (oldest first):"]
    for point in points:
        when = local(settings, point.opens_at)
        if point.base is None:
            # No reason given: "too few answered" would tell that someone did.
            lines.append(f"check-in {point.checkin_id} ({when}): hidden")
            continue
        cells = "; ".join(f"{c.label} {c.shown(k)}" for c in point.cells)
        lines.append(f"check-in {point.checkin_id} ({when}): asked {point.base}: {cells}")
    return lines


def reach_text(groups: list[GroupReach], k: int, keyed: bool) -> list[str]:
    """Reach after the list: each cohort's rates over time and who never answered."""
    if not groups:
        return []
    lines = ["", "Who we are hearing from (response rates oldest to newest):"]
    for group in groups:
        first, *rest = group_lines(group, k)
        lines += [f"  {first}", *(f"    {line}" for line in rest)]
    if not keyed:
        lines.append(
            "  Who never answered shows once the bot has run with this database (its key is"
            " not here)."
        )
    return [*lines, note(k)]


@click.command()
@click.argument("checkin_id", required=False, type=int)
@click.option("--trend", "question_id", help="One question (by id) across the check-ins.")
def results(checkin_id: int | None, question_id: str | None) -> None:
    """Show every check-in's response figures, or one check-in's results (CHECKIN), or one
    question across check-ins (--trend QUESTION). Counts from 1 to K-1 are hidden."""
    if question_id is not None and checkin_id is not None:
        raise click.UsageError("give a check-in or --trend QUESTION, not both")
    settings = settings_or_exit()
    k = settings.min_group
    if question_id is not None:
        points = with_services(
            settings, lambda svc: results_actions.trend_results(svc, question_id, COMMAND_LINE)
        )
        click.echo("\n".join(trend_text(settings, question_id, points, k)))
    elif checkin_id is not None:

        async def one(
            svc: Services,
        ) -> tuple[CheckinResults, ReviewView | None, list[update_views.UpdateLine]]:
            found = await results_actions.checkin_results(svc, checkin_id, COMMAND_LINE)
            review = await review_actions.review_of(svc, found)
            posted = await update_views.listing(svc.store, svc.settings, svc.now(), checkin_id)
            return found, review, posted

        found, review, posted = with_services(settings, one)
        text = summary_text(settings, found, review) + update_lines(settings, posted)
        click.echo("\n".join(text))
    else:

        async def every(
            svc: Services,
        ) -> tuple[list[CheckinSummary], dict[int, float], list[GroupReach], bool]:
            rows = await results_actions.overview(svc)
            answered = await update_views.answered(svc.store)
            return rows, answered, await reach_actions.reach(svc), bool(svc.key)

        rows, answered, groups, keyed = with_services(settings, every, key=True)
        if not rows:
            click.echo("No check-ins yet. Open one with: youthvoice checkin SURVEY_ID")
        for row in rows:
            came = update_views.answered_words(row.closes_at, answered.get(row.checkin_id), clock())
            click.echo(f"{_overview_line(settings, row)}; {came}")
        if rows:
            click.echo("\n".join(reach_text(groups, k, keyed)))
