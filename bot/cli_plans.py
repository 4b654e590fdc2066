"""Staff commands that plan messages: check-ins (now or scheduled), schedules and meetings.

They only write to the database; the running bot's planner and delivery loop do the sending.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import click

from bot.cli_support import fail, settings_or_exit, with_store
from bot.planner import Occurrence, occurrence
from bot.render import invitation, meeting_cancel, meeting_change, meeting_invitation
from bot.settings import Settings
from flows.schedule import (
    format_local,
    meeting_reminders,
    parse_at,
    parse_duration,
    parse_every,
)
from flows.survey import Survey, SurveyError, load_surveys
from storage.base import Meeting, NewCheckin, Schedule
from storage.sqlite import SqliteStore

T = TypeVar("T")
LARGE_SEND = 100  # a send to more people than this asks for confirmation


def parsed(what: str, parse: Callable[[], T]) -> T:
    """Run a parser, turning its ValueError into one line naming the option."""
    try:
        return parse()
    except ValueError as exc:
        fail(f"{what}: {exc}")


def local(settings: Settings, timestamp: float | None) -> str:
    if timestamp is None:
        return "never"
    return format_local(datetime.fromtimestamp(timestamp, settings.zone), settings.zone)


async def cohort_id_for(store: SqliteStore, name: str | None) -> int | None:
    if not name:
        return None
    cohort = await store.cohort_by_name(name)
    if cohort is None:
        fail(f"no cohort '{name}'; see: youthvoice cohorts list")
    return cohort.id


def confirm_reach(count: int, when: str, yes: bool) -> None:
    if count > LARGE_SEND and not yes:
        click.confirm(f"This will message {count} people ({when}). Go ahead?", abort=True)


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


def load_survey_or_exit(settings: Settings, survey_id: str) -> Survey:
    try:
        survey = load_surveys(settings.surveys).get(survey_id)
    except SurveyError as exc:
        fail(str(exc))
    if survey is None:
        fail(f"no survey '{survey_id}'; see: youthvoice surveys list")
    return survey


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


@click.group()
def meeting() -> None:
    """Forum meetings with RSVP buttons and reminders."""


def _reminders(settings: Settings, starts_at: float, now: float) -> list[tuple[str, float]]:
    zone = settings.zone
    start = datetime.fromtimestamp(starts_at, zone)
    plan = meeting_reminders(start, settings.quiet, zone, datetime.fromtimestamp(now, zone))
    return [(kind, when.timestamp()) for kind, when in plan]


def _future(settings: Settings, at_text: str) -> float:
    at = parsed("--at", lambda: parse_at(at_text, settings.zone)).timestamp()
    if at <= time.time():
        fail(f"--at: {at_text} has already passed")
    return at


def _link(url: str | None) -> str | None:
    if url is not None and not url.startswith(("https://", "http://")):
        fail("--link: should start with https://")
    return url


@meeting.command("add")
@click.argument("title")
@click.option("--at", "at_text", required=True, help='Start, local time: "2026-12-01 18:00".')
@click.option("--where", "place", help="Where it is.")
@click.option("--link", "url", help="A link to join online.")
@click.option("--cohort", "cohort_name", help="Only this cohort (default: everyone).")
@click.option("--notes", help="Anything else to know (food, travel costs paid, ...).")
@click.option("--yes", is_flag=True, help="Do not ask before a large send.")
def meeting_add(
    title: str,
    at_text: str,
    place: str | None,
    url: str | None,
    cohort_name: str | None,
    notes: str | None,
    yes: bool,
) -> None:
    """Add a meeting and invite the cohort, with Going / Maybe / Can't make it buttons."""
    settings = settings_or_exit()
    starts_at, now = _future(settings, at_text), time.time()
    draft = Meeting(0, title, starts_at, place, _link(url), notes, None)

    async def work(store: SqliteStore) -> tuple[Meeting, int]:
        cohort_id = await cohort_id_for(store, cohort_name)
        confirm_reach(await store.count_contacts(cohort_id), "now", yes)
        return await store.add_meeting(
            Meeting(0, title, starts_at, place, draft.link, notes, cohort_id),
            _reminders(settings, starts_at, now),
            lambda m: meeting_invitation(m, settings.zone),
            now,
        )

    added, invited = with_store(settings, work)
    click.echo(
        f"Meeting {added.id} '{title}' on {local(settings, starts_at)}: "
        f"{invited} invitations queued."
    )


@meeting.command("list")
def meeting_list() -> None:
    """Meetings coming up, with RSVP counts (counts only, never names)."""
    settings = settings_or_exit()

    async def work(store: SqliteStore) -> list[tuple[Meeting, dict[str, int]]]:
        return [(m, await store.rsvp_counts(m.id)) for m in await store.meetings(time.time())]

    rows = with_store(settings, work)
    if not rows:
        click.echo("No meetings coming up. Add one with: youthvoice meeting add TITLE --at ...")
    for m, counts in rows:
        click.echo(
            f"{m.id:>4}  {local(settings, m.starts_at):<18} {m.title}  "
            f"going {counts['going']}, maybe {counts['maybe']}, "
            f"can't {counts['no']}, no answer {counts['none']}"
        )


@meeting.command("change")
@click.argument("meeting_id", type=int)
@click.option("--at", "at_text", help="New start, local time.")
@click.option("--where", "place", help="New place.")
@click.option("--link", "url", help="New online link.")
def meeting_change_command(
    meeting_id: int, at_text: str | None, place: str | None, url: str | None
) -> None:
    """Change a meeting's time or place and tell everyone invited."""
    settings = settings_or_exit()
    if not (at_text or place or url):
        fail("say what changes: --at, --where or --link")
    now = time.time()

    async def work(store: SqliteStore) -> int:
        old = await store.meeting(meeting_id)
        if old is None or old.cancelled:
            fail(f"no meeting {meeting_id}; see: youthvoice meeting list")
        starts_at = _future(settings, at_text) if at_text else old.starts_at
        new = Meeting(
            old.id,
            old.title,
            starts_at,
            place or old.place,
            _link(url) or old.link,
            old.notes,
            old.cohort_id,
        )
        return await store.change_meeting(
            new,
            _reminders(settings, starts_at, now),
            lambda m: meeting_change(m, settings.zone),
            now,
        )

    told = with_store(settings, work)
    click.echo(f"Meeting {meeting_id} changed; {told} people will be told.")


@meeting.command("cancel")
@click.argument("meeting_id", type=int)
def meeting_cancel_command(meeting_id: int) -> None:
    """Cancel a meeting and tell everyone invited."""
    settings = settings_or_exit()
    told = with_store(
        settings,
        lambda s: s.cancel_meeting(
            meeting_id, lambda m: meeting_cancel(m, settings.zone), time.time()
        ),
    )
    if told == 0 and with_store(settings, lambda s: s.meeting(meeting_id)) is None:
        fail(f"no meeting {meeting_id}; see: youthvoice meeting list")
    click.echo(f"Meeting {meeting_id} cancelled; {told} people will be told.")


@meeting.command("feedback")
@click.argument("meeting_id", type=int)
@click.option("--survey", "survey_id", default="meeting_feedback", show_default=True)
@click.option("--open-for", "open_for_text", default="3d", show_default=True)
def meeting_feedback(meeting_id: int, survey_id: str, open_for_text: str) -> None:
    """After a meeting: send the feedback check-in to those who said Going or Maybe."""
    settings = settings_or_exit()
    survey = load_survey_or_exit(settings, survey_id)
    open_for = parsed("--open-for", lambda: parse_duration(open_for_text))
    now = time.time()

    async def work(store: SqliteStore) -> int:
        found = await store.meeting(meeting_id)
        if found is None or found.cancelled:
            fail(f"no meeting {meeting_id}; see: youthvoice meeting list")
        if any(c.meeting_id == found.id for c in await store.open_checkins(now)):
            fail(f"a feedback check-in for meeting {meeting_id} is already open")
        new = NewCheckin(
            survey.id, found.cohort_id, now, now + open_for.total_seconds(), meeting_id=found.id
        )
        _, queued = await store.open_checkin(new, lambda c: invitation(c.id, survey.title))
        return queued

    queued = with_store(settings, work)
    click.echo(f"Feedback check-in open for {open_for_text}; {queued} invitations queued.")


def register(main: click.Group) -> None:
    for command in (checkin, schedules, meeting):
        main.add_command(command)
