"""Staff commands that plan check-ins: open one now or schedule it, list and cancel schedules.

They only write to the database; the running bot's planner and delivery loop do the sending.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import TypeVar

import click

from bot.cli_support import (
    LARGE_SEND,
    cohort_id_for,
    confirm_reach,
    fail,
    load_survey_or_exit,
    local,
    parsed,
    settings_or_exit,
    with_store,
)
from bot.planner import Occurrence, occurrence
from bot.render import invitation
from bot.settings import Settings
from flows.schedule import (
    parse_at,
    parse_duration,
    parse_every,
)
from flows.survey import Survey
from storage.base import NewCheckin, Schedule
from storage.sqlite import SqliteStore

T = TypeVar("T")


def follow_delivery(settings: Settings, prefix: str, total: int) -> None:
    """A progress bar while the running bot sends, for people at a terminal."""
    if total <= LARGE_SEND or not sys.stdout.isatty():
        return

    async def done(store: SqliteStore) -> int:
        return await store.outbox_progress(prefix)

    with click.progressbar(length=total, label="Sending") as bar:
        seen, quiet_since = 0, time.monotonic()
        while seen < total:
            time.sleep(1)
            now_done = with_store(settings, done)
            if now_done > seen:
                bar.update(now_done - seen)
                seen, quiet_since = now_done, time.monotonic()
            elif time.monotonic() - quiet_since > 30:
                click.echo("\nNothing sent for 30 s: is the bot running (or is it quiet hours)?")
                click.echo("The messages stay queued and go out when it can send them.")
                return


@click.command()
@click.argument("survey_id")
@click.option("--cohort", "cohort_name", help="Only this cohort (default: everyone who joined).")
@click.option("--at", "at_text", help='First opening, local time: "2026-12-01 18:00".')
@click.option("--every", "every_text", help='Repeat: "mon 18:00", "daily 18:00" or a cron rule.')
@click.option("--open-for", "open_for_text", help="How long each stays open, like 3d or 12h.")
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
    zone = settings.zone
    survey = load_survey_or_exit(settings, survey_id)
    at = parsed("--at", lambda: parse_at(at_text, zone)) if at_text else None
    every = parsed("--every", lambda: parse_every(every_text)) if every_text else None
    open_for = (
        parsed("--open-for", lambda: parse_duration(open_for_text)) if open_for_text else None
    )
    remind = parsed("--remind-after", lambda: parse_duration(remind_text)) if remind_text else None
    now = time.time()
    if at is not None and at.timestamp() <= now:
        fail(f"--at: {at_text} has already passed")
    first = at or (every.next_after(datetime.fromtimestamp(now, zone), zone) if every else None)
    if every is not None and first is None:
        fail("--every: that rule never happens")
    opens_at = first.timestamp() if first else now
    draft = Schedule(
        0,
        survey.id,
        None,
        opens_at,
        every.spec if every else None,
        open_for.total_seconds() if open_for else None,
        remind.total_seconds() if remind else None,
    )
    when = occurrence(draft, zone)

    async def count(store: SqliteStore) -> tuple[int | None, int]:
        cohort_id = await cohort_id_for(store, cohort_name)
        return cohort_id, await store.count_contacts(cohort_id)

    cohort_id, reach = with_store(settings, count)
    who = f"{reach} people in {cohort_name}" if cohort_name else f"{reach} people (everyone)"
    click.echo(_plan_line(settings, survey, who, when, every is not None))
    if dry_run:
        click.echo("Dry run: nothing was queued.")
        return
    confirm_reach(reach, "now" if first is None else local(settings, opens_at), yes)
    if first is not None:
        schedule = with_store(
            settings,
            lambda s: s.add_schedule(
                survey.id, cohort_id, opens_at, draft.every, draft.open_for, draft.remind_after
            ),
        )
        click.echo(f"Schedule {schedule.id} saved. The running bot opens it on time.")
        return
    new = NewCheckin(survey.id, cohort_id, now, when.closes_at, when.remind_at)
    created, queued = with_store(
        settings, lambda s: s.open_checkin(new, lambda c: invitation(c.id, survey.title))
    )
    assert created is not None
    click.echo(
        f"Check-in {created.id} ({survey.title}) is open. Queued {queued} invitations; "
        "the running bot sends them within a few seconds."
    )
    follow_delivery(settings, f"checkin:{created.id}:invite:", queued)


def _plan_line(
    settings: Settings, survey: Survey, who: str, when: Occurrence, repeats: bool
) -> str:
    parts = [f"'{survey.title}' for {who}: opens {local(settings, when.opens_at)}"]
    parts.append(f"closes {local(settings, when.closes_at)}")
    if when.remind_at:
        parts.append(f"one reminder {local(settings, when.remind_at)}")
    if repeats:
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
