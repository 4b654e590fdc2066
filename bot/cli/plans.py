"""Staff commands that plan check-ins: open one now or schedule it, list and cancel schedules.

They only write to the database; the running bot's planner and delivery loop do the sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click

from bot.actions.notices import invitation
from bot.cli.support import (
    clock,
    cohort_id_for,
    confirm_reach,
    fail,
    follow_delivery,
    load_survey_or_exit,
    local,
    parsed,
    settings_or_exit,
    with_store,
)
from bot.runtime.planner import Occurrence, occurrence
from bot.settings import Settings
from flows.schedule import (
    parse_at,
    parse_duration,
    parse_every,
)
from flows.survey import Survey
from storage.base import NewCheckin, Schedule
from storage.sqlite import SqliteStore

# A one-off check-in without --open-for closes after this, so its unfinished answers are dropped.
ONE_OFF_OPEN = timedelta(days=7)


@dataclass(frozen=True)
class Plan:
    """A check-in as the options describe it: a draft schedule and its first opening."""

    survey: Survey
    draft: Schedule
    when: Occurrence
    later: bool  # opens at a set time (--at or --every), so it is saved as a schedule
    default_close: bool  # closes after ONE_OFF_OPEN because --open-for was not given


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
@click.option("--yes", is_flag=True, help="Do not ask before a large send.")
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
    plan = _parse(settings, survey, at_text, every_text, open_for_text, remind_text)

    async def audience(store: SqliteStore) -> tuple[int | None, int]:
        cohort_id = await cohort_id_for(store, cohort_name)
        return cohort_id, await store.count_contacts(cohort_id)

    cohort_id, reach = with_store(settings, audience)
    if _confirm(settings, plan, cohort_name, reach, dry_run, yes):
        _write(settings, plan, cohort_id)


def _parse(
    settings: Settings,
    survey: Survey,
    at_text: str | None,
    every_text: str | None,
    open_for_text: str | None,
    remind_text: str | None,
) -> Plan:
    """The timing options as a plan, or one line naming the option that is wrong."""
    zone = settings.zone
    at = parsed("--at", lambda: parse_at(at_text, zone)) if at_text else None
    every = parsed("--every", lambda: parse_every(every_text)) if every_text else None
    open_for = (
        parsed("--open-for", lambda: parse_duration(open_for_text)) if open_for_text else None
    )
    remind = parsed("--remind-after", lambda: parse_duration(remind_text)) if remind_text else None
    now = clock()
    if at is not None and at.timestamp() <= now:
        fail(f"--at: {at_text} has already passed")
    first = at or (every.next_after(datetime.fromtimestamp(now, zone), zone) if every else None)
    if every is not None and first is None:
        fail("--every: that rule never happens")
    default_close = open_for is None and every is None
    if default_close:
        open_for = ONE_OFF_OPEN
    draft = Schedule(
        0,
        survey.id,
        None,
        first.timestamp() if first else now,
        every.spec if every else None,
        open_for.total_seconds() if open_for else None,
        remind.total_seconds() if remind else None,
    )
    return Plan(survey, draft, occurrence(draft, zone), first is not None, default_close)


def _confirm(
    settings: Settings,
    plan: Plan,
    cohort_name: str | None,
    reach: int,
    dry_run: bool,
    yes: bool,
) -> bool:
    """Say who and when; whether to go ahead (not on --dry-run, nor if a large send is refused)."""
    who = f"{reach} people in {cohort_name}" if cohort_name else f"{reach} people (everyone)"
    click.echo(_plan_line(settings, plan, who))
    if dry_run:
        click.echo("Dry run: nothing was queued.")
        return False
    confirm_reach(reach, local(settings, plan.when.opens_at) if plan.later else "now", yes)
    return True


def _write(settings: Settings, plan: Plan, cohort_id: int | None) -> None:
    """Save the schedule, or open the check-in now and queue its invitations."""
    survey, draft, when = plan.survey, plan.draft, plan.when
    if plan.later:
        schedule = with_store(
            settings,
            lambda s: s.add_schedule(
                survey.id, cohort_id, when.opens_at, draft.every, draft.open_for, draft.remind_after
            ),
        )
        click.echo(f"Schedule {schedule.id} saved. The running bot opens it on time.")
        return
    new = NewCheckin(survey.id, cohort_id, when.opens_at, when.closes_at, when.remind_at)
    created, queued = with_store(
        settings, lambda s: s.open_checkin(new, lambda c: invitation(c.id, survey.title))
    )
    assert created is not None
    click.echo(
        f"Check-in {created.id} ({survey.title}) is open. Queued {queued} invitations; "
        "the running bot sends them within a few seconds."
    )
    follow_delivery(settings, f"checkin:{created.id}:invite:", queued)


def _plan_line(settings: Settings, plan: Plan, who: str) -> str:
    when = plan.when
    parts = [f"'{plan.survey.title}' for {who}: opens {local(settings, when.opens_at)}"]
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
    rows = with_store(settings, lambda s: s.schedules())
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
    if not with_store(settings, lambda s: s.cancel_schedule(schedule_id)):
        fail(f"no active schedule {schedule_id}; see: youthvoice schedules list")
    click.echo(f"Schedule {schedule_id} cancelled.")
