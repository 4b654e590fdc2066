"""Staff commands that plan check-ins: open one now or schedule it, list and cancel schedules.

Thin doors onto ``bot.actions.plans``; the running bot's planner and delivery loop send.
"""

from __future__ import annotations

import click

from bot.actions import plans
from bot.actions.audit import COMMAND_LINE
from bot.actions.plans import ONE_OFF_OPEN, CheckinPlan, CheckinRequest
from bot.cli.support import (
    acted,
    clock,
    confirm_reach,
    confirm_small,
    count,
    follow_delivery,
    load_survey_or_exit,
    local,
    people,
    settings_or_exit,
    with_store,
)
from bot.settings import Settings
from storage.base import Store


@click.command()
@click.argument("survey_id")
@click.option("--cohort", "cohort_name", help="Only this cohort (default: everyone who joined).")
@click.option("--at", "at_text", help='First opening, local time: "2026-12-01 18:00".')
@click.option("--every", "every_text", help='Repeat: "mon 18:00", "daily 18:00" or a cron rule.')
@click.option(
    "--open-for",
    "open_for_text",
    help="How long each stays open, like 3d or 12h (default: 7d, or until the next if repeating).",
)
@click.option("--remind-after", "remind_text", help="One reminder to non-finishers after, like 2d.")
@click.option("--dry-run", is_flag=True, help="Say who and when, and queue nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before a large or a very small send.")
def checkin(
    survey_id: str,
    cohort_name: str | None,
    at_text: str | None,
    every_text: str | None,
    open_for_text: str | None,
    remind_text: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Open a check-in now, or schedule it (--at, --every), inviting every member."""
    settings = settings_or_exit()
    survey = load_survey_or_exit(settings, survey_id)
    request = CheckinRequest(at_text, every_text, open_for_text, remind_text)
    plan = acted(
        lambda: plans.plan_checkin(survey, request, settings.zone, settings.quiet, clock())
    )

    async def audience(store: Store) -> tuple[int | None, int]:
        cohort_id = await plans.find_cohort(store, cohort_name)
        return cohort_id, await plans.checked_reach(store, cohort_id, opens_now=not plan.later)

    cohort_id, reach = with_store(settings, audience)
    who = people(reach) + (f" in {cohort_name}" if cohort_name else " (everyone)")
    click.echo(plan_line(settings, plan, who))
    small = plans.small_audience(reach, settings.min_group)
    if dry_run:
        if small:
            click.echo(small)
        click.echo("Dry run: nothing was queued.")
        return
    confirm_small(small, yes)
    confirm_reach(reach, going(settings, plan), yes)
    if plan.later:
        schedule = with_store(
            settings, lambda s: plans.save_schedule(s, plan, cohort_id, COMMAND_LINE, clock())
        )
        click.echo(f"Schedule {schedule.id} saved. The running bot opens it on time.")
        return
    created, queued = with_store(
        settings, lambda s: plans.open_now(s, plan, cohort_id, COMMAND_LINE, clock())
    )
    click.echo(
        f"Check-in {created.id} ({survey.title}) is open. Queued {count(queued, 'invitation')}; "
        f"the running bot sends them {going(settings, plan)}."
    )
    follow_delivery(settings, f"checkin:{created.id}:invite:", queued)


def going(settings: Settings, plan: CheckinPlan) -> str:
    """When the invitations really go, in words: soon, or when quiet hours end."""
    if plan.invitations_at - plan.when.opens_at < 60:
        return "within a few seconds" if not plan.later else local(settings, plan.when.opens_at)
    return f"at {local(settings, plan.invitations_at)}, when quiet hours end"


def plan_line(settings: Settings, plan: CheckinPlan, who: str) -> str:
    when = plan.when
    parts = [f"'{plan.survey.title}' for {who}: opens {local(settings, when.opens_at)}"]
    if plan.invitations_at - when.opens_at >= 60:
        parts.append(f"invitations go {going(settings, plan)}")
    closes = f"closes {local(settings, when.closes_at)}"
    if plan.default_close:
        closes += f" ({ONE_OFF_OPEN.days} days; change with --open-for)"
    parts.append(closes)
    if when.remind_at:
        parts.append(f"one reminder {local(settings, when.remind_at)}")
    if plan.draft.every:
        parts.append(f"then again {local(settings, when.next_at)}")
    return ", ".join(parts) + "."


@click.group()
def schedules() -> None:
    """Scheduled check-ins."""


@schedules.command("list")
def schedules_list() -> None:
    """Every schedule, with its next opening."""
    settings = settings_or_exit()
    rows = with_store(settings, plans.schedules)
    if not rows:
        click.echo("No schedules. Add one with: youthvoice checkin SURVEY --at ... or --every ...")
    for row in rows:
        state = "cancelled" if row.cancelled else f"next {local(settings, row.next_at)}"
        repeat = f", repeats '{row.every}'" if row.every else ""
        click.echo(f"{row.id:>4}  {row.survey_id:<18} {state}{repeat}")


@schedules.command("cancel")
@click.argument("schedule_id", type=int)
def schedules_cancel(schedule_id: int) -> None:
    """Stop a schedule; check-ins it already opened stay open."""
    settings = settings_or_exit()
    with_store(settings, lambda s: plans.cancel_schedule(s, schedule_id, COMMAND_LINE, clock()))
    click.echo(f"Schedule {schedule_id} cancelled.")
