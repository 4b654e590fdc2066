"""Staff commands for forum meetings: add, list (counts only), change, cancel, feedback.

They only write to the database; the running bot sends the invitations and notices.
"""

from __future__ import annotations

import time
from datetime import datetime

import click

from bot.cli_support import (
    cohort_id_for,
    confirm_reach,
    fail,
    load_survey_or_exit,
    local,
    parsed,
    settings_or_exit,
    with_store,
)
from bot.render import invitation, meeting_cancel, meeting_change, meeting_invitation
from bot.settings import Settings
from flows.schedule import meeting_reminders, parse_at, parse_duration, release_time
from storage.base import Meeting, NewCheckin
from storage.sqlite import SqliteStore


@click.group()
def meeting() -> None:
    """Forum meetings with RSVP buttons and reminders."""


def _reminders(settings: Settings, starts_at: float, now: float) -> list[tuple[str, float]]:
    zone = settings.zone
    start = datetime.fromtimestamp(starts_at, zone)
    plan = meeting_reminders(start, settings.quiet, zone, datetime.fromtimestamp(now, zone))
    return [(kind, when.timestamp()) for kind, when in plan]


def _urgent(settings: Settings, starts_at: float, now: float) -> bool:
    """Whether a notice about a meeting starting at ``starts_at`` must go even in quiet hours:
    held until they end, it would arrive less than an hour before the start, or after it."""
    zone = settings.zone
    released = release_time(datetime.fromtimestamp(now, zone), settings.quiet, zone)
    return starts_at < released.timestamp() + 3600


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
            urgent=_urgent(settings, min(old.starts_at, starts_at), now),
        )

    told = with_store(settings, work)
    click.echo(f"Meeting {meeting_id} changed; {told} people will be told.")


@meeting.command("cancel")
@click.argument("meeting_id", type=int)
def meeting_cancel_command(meeting_id: int) -> None:
    """Cancel a meeting and tell everyone invited."""
    settings = settings_or_exit()
    now = time.time()

    async def work(store: SqliteStore) -> int:
        found = await store.meeting(meeting_id)
        if found is None:
            fail(f"no meeting {meeting_id}; see: youthvoice meeting list")
        return await store.cancel_meeting(
            meeting_id,
            lambda m: meeting_cancel(m, settings.zone),
            now,
            urgent=_urgent(settings, found.starts_at, now),
        )

    told = with_store(settings, work)
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
