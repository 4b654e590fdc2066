"""Staff commands for forum meetings: add, list (counts only), change, cancel, feedback.

They only write to the database; the running bot sends the invitations and notices.
"""

from __future__ import annotations

from datetime import datetime

import click

from bot.actions.notices import invitation, meeting_cancel, meeting_change, meeting_invitation
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
    if at <= clock():
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
@click.option("--dry-run", is_flag=True, help="Say who and when, and queue nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before a large send.")
def meeting_add(
    title: str,
    at_text: str,
    place: str | None,
    url: str | None,
    cohort_name: str | None,
    notes: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Add a meeting and invite the cohort, with Going / Maybe / Can't make it buttons."""
    settings = settings_or_exit()
    starts_at, now = _future(settings, at_text), clock()
    draft = Meeting(0, title, starts_at, place, _link(url), notes, None)

    async def reach(store: SqliteStore) -> tuple[int | None, int]:
        cohort_id = await cohort_id_for(store, cohort_name)
        return cohort_id, await store.count_contacts(cohort_id)

    cohort_id, count = with_store(settings, reach)
    who = f"{count} people in {cohort_name}" if cohort_name else f"{count} people (everyone)"
    reminders = _reminders(settings, starts_at, now)
    planned = ", ".join(f"{kind} reminder {local(settings, at)}" for kind, at in reminders)
    click.echo(
        f"'{title}' on {local(settings, starts_at)}: invitations to {who} now"
        + (f"; {planned}" if planned else "")
        + "."
    )
    if dry_run:
        click.echo("Dry run: nothing was queued.")
        return
    confirm_reach(count, "now", yes)

    async def work(store: SqliteStore) -> tuple[Meeting, int]:
        return await store.add_meeting(
            Meeting(0, title, starts_at, place, draft.link, notes, cohort_id),
            reminders,
            lambda m: meeting_invitation(m),
            now,
        )

    added, invited = with_store(settings, work)
    click.echo(f"Meeting {added.id} saved: {invited} invitations queued.")
    follow_delivery(settings, f"meeting:{added.id}:invite:", invited)


@meeting.command("list")
def meeting_list() -> None:
    """Meetings coming up, with RSVP counts (counts only, never names)."""
    settings = settings_or_exit()

    async def work(store: SqliteStore) -> list[tuple[Meeting, dict[str, int]]]:
        return [(m, await store.rsvp_counts(m.id)) for m in await store.meetings(clock())]

    rows = with_store(settings, work)
    if not rows:
        click.echo("No meetings coming up. Add one with: youthvoice meeting add TITLE --at ...")
    for m, counts in rows:
        click.echo(
            f"{m.id:>4}  {local(settings, m.starts_at):<18} {m.title}  "
            f"going {counts['going']}, maybe {counts['maybe']}, "
            f"can't {counts['no']}, no answer {counts['none']}"
        )


def _before_telling(
    settings: Settings,
    meeting_id: int,
    what: str,
    answers: tuple[str, ...],
    dry_run: bool,
    yes: bool,
) -> Meeting | None:
    """Say who a notice reaches (counted from the RSVPs), ask before a large one, and return
    the meeting, or None on --dry-run."""

    async def look(store: SqliteStore) -> tuple[Meeting, dict[str, int]]:
        found = await store.meeting(meeting_id)
        if found is None or found.cancelled:
            fail(f"no meeting {meeting_id}; see: youthvoice meeting list")
        return found, await store.rsvp_counts(meeting_id)

    found, counts = with_store(settings, look)
    reach = sum(counts[a] for a in answers)
    click.echo(
        f"{what} for '{found.title}' ({local(settings, found.starts_at)}): "
        f"up to {reach} people, now."
    )
    if dry_run:
        click.echo("Dry run: nothing was queued.")
        return None
    confirm_reach(reach, "now", yes)
    return found


EVERYONE_INVITED = ("going", "maybe", "no", "none")


@meeting.command("change")
@click.argument("meeting_id", type=int)
@click.option("--at", "at_text", help="New start, local time.")
@click.option("--where", "place", help="New place.")
@click.option("--link", "url", help="New online link.")
@click.option("--dry-run", is_flag=True, help="Say who would be told, and change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before telling many people.")
def meeting_change_command(
    meeting_id: int,
    at_text: str | None,
    place: str | None,
    url: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Change a meeting's time or place and tell everyone invited."""
    settings = settings_or_exit()
    if not (at_text or place or url):
        fail("say what changes: --at, --where or --link")
    now = clock()
    starts_at = _future(settings, at_text) if at_text else None
    link = _link(url)
    old = _before_telling(settings, meeting_id, "The change", EVERYONE_INVITED, dry_run, yes)
    if old is None:
        return
    start = starts_at or old.starts_at
    new = Meeting(
        old.id, old.title, start, place or old.place, link or old.link, old.notes, old.cohort_id
    )
    told = with_store(
        settings,
        lambda store: store.change_meeting(
            new,
            _reminders(settings, start, now),
            lambda m: meeting_change(m),
            now,
            urgent=_urgent(settings, min(old.starts_at, start), now),
        ),
    )
    click.echo(f"Meeting {meeting_id} changed; {told} people will be told.")


@meeting.command("cancel")
@click.argument("meeting_id", type=int)
@click.option("--dry-run", is_flag=True, help="Say who would be told, and cancel nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before telling many people.")
def meeting_cancel_command(meeting_id: int, dry_run: bool, yes: bool) -> None:
    """Cancel a meeting and tell everyone invited."""
    settings = settings_or_exit()
    now = clock()
    found = _before_telling(
        settings, meeting_id, "The cancellation", EVERYONE_INVITED, dry_run, yes
    )
    if found is None:
        return
    told = with_store(
        settings,
        lambda store: store.cancel_meeting(
            meeting_id,
            lambda m: meeting_cancel(m),
            now,
            urgent=_urgent(settings, found.starts_at, now),
        ),
    )
    click.echo(f"Meeting {meeting_id} cancelled; {told} people will be told.")


@meeting.command("feedback")
@click.argument("meeting_id", type=int)
@click.option("--survey", "survey_id", default="meeting_feedback", show_default=True)
@click.option("--open-for", "open_for_text", default="3d", show_default=True)
@click.option("--dry-run", is_flag=True, help="Say who would be asked, and queue nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before a large send.")
def meeting_feedback(
    meeting_id: int, survey_id: str, open_for_text: str, dry_run: bool, yes: bool
) -> None:
    """After a meeting: send the feedback check-in to those who said Going or Maybe."""
    settings = settings_or_exit()
    survey = load_survey_or_exit(settings, survey_id)
    open_for = parsed("--open-for", lambda: parse_duration(open_for_text))
    now = clock()
    found = _before_telling(
        settings, meeting_id, "The feedback check-in", ("going", "maybe"), dry_run, yes
    )
    if found is None:
        return
    if found.starts_at > now:
        fail(f"meeting {meeting_id} has not happened yet; send feedback after it")

    async def work(store: SqliteStore) -> int:
        if any(c.meeting_id == found.id for c in await store.open_checkins(now)):
            fail(f"a feedback check-in for meeting {meeting_id} is already open")
        new = NewCheckin(
            survey.id, found.cohort_id, now, now + open_for.total_seconds(), meeting_id=found.id
        )
        _, queued = await store.open_checkin(new, lambda c: invitation(c.id, survey.title))
        return queued

    queued = with_store(settings, work)
    click.echo(f"Feedback check-in open for {open_for_text}; {queued} invitations queued.")
