"""Staff commands for forum meetings: add, list (counts only), change, cancel, feedback.

Thin doors onto ``bot.actions.meetings``; the running bot sends the invitations and notices.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from bot.actions import audience, meetings, plans
from bot.actions.audit import COMMAND_LINE
from bot.actions.meetings import Clock
from bot.cli.support import (
    acted,
    clock,
    confirm_reach,
    confirm_small,
    count,
    follow_delivery,
    load_survey_or_exit,
    local,
    parsed,
    people,
    settings_or_exit,
    with_store,
)
from bot.settings import Settings
from flows.schedule import parse_duration
from storage.base import Audience, Meeting, Store


def _clock(settings: Settings) -> Clock:
    return Clock(settings.zone, settings.quiet, clock())


def _going(settings: Settings, at: Clock, urgent: bool = False) -> str:
    """When messages queued now really go: now (also in quiet hours when ``urgent``: the
    meeting is too soon to wait), or when quiet hours end."""
    released = at.released(at.now)
    if released - at.now < 60:
        return "now"
    if urgent:
        return "now, in quiet hours too: the meeting is too soon to wait"
    return f"at {local(settings, released)}, after quiet hours"


@click.group()
def meeting() -> None:
    """Forum meetings with RSVP buttons and reminders."""


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
    now = _clock(settings)
    starts_at = acted(lambda: meetings.start_time(at_text, now))
    acted(lambda: meetings.check_invitable(starts_at, now))
    acted(lambda: meetings.draft(title, starts_at, place, url, notes, None))

    async def reach(store: Store) -> tuple[int | None, int]:
        cohort_id = await plans.find_cohort(store, cohort_name)
        return cohort_id, await meetings.reach(store, cohort_id)

    cohort_id, reached = with_store(settings, reach)
    planned = meetings.draft(title, starts_at, place, url, notes, cohort_id)
    who = people(reached) + (f" in {cohort_name}" if cohort_name else " (everyone)")
    reminders = meetings.reminders(starts_at, now)
    said = ", ".join(f"{kind} reminder {local(settings, at)}" for kind, at in reminders)
    click.echo(
        f"'{planned.title}' on {local(settings, starts_at)}: invitations to {who} "
        f"{_going(settings, now)}" + (f"; {said}" if said else "") + "."
    )
    if dry_run:
        click.echo("Dry run: nothing was queued.")
        return
    confirm_reach(reached, _going(settings, now), yes)
    added, invited = with_store(
        settings, lambda store: meetings.add(store, planned, now, COMMAND_LINE)
    )
    click.echo(f"Meeting {added.id} saved: {count(invited, 'invitation')} queued.")
    follow_delivery(settings, f"meeting:{added.id}:invite:", invited)


@meeting.command("list")
def meeting_list() -> None:
    """Meetings coming up, with RSVP counts (counts only, never names)."""
    settings = settings_or_exit()

    rows = with_store(settings, lambda store: meetings.upcoming(store, clock()))
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
    who: Callable[[Meeting], Audience],
    dry_run: bool,
    yes: bool,
    soon: Callable[[Meeting], float] | None = None,
    asks: bool = False,
) -> Meeting | None:
    """Say who a notice reaches and when it goes, ask before a large one, and return the
    meeting, or None on --dry-run. ``soon`` gives the start that makes a notice urgent;
    ``asks`` means it is a check-in, which needs a yes for a very small audience too."""
    now = _clock(settings)

    async def look(store: Store) -> tuple[Meeting, int]:
        found = await meetings.find(store, meeting_id)
        return found, await meetings.told(store, who(found))

    found, reached = with_store(settings, look)
    going = _going(settings, now, soon is not None and meetings.urgent(soon(found), now))
    click.echo(
        f"{what} for '{found.title}' ({local(settings, found.starts_at)}): "
        f"up to {people(reached)}, {going}."
    )
    small = plans.small_audience(reached, settings.min_group) if asks else None
    if dry_run:
        if small:
            click.echo(small)
        click.echo("Dry run: nothing was queued.")
        return None
    confirm_small(small, yes)
    confirm_reach(reached, going, yes)
    return found


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
    now = _clock(settings)
    starts_at = acted(lambda: meetings.start_time(at_text, now)) if at_text else None
    acted(lambda: meetings.check_change(starts_at, place, url))
    old = _before_telling(
        settings,
        meeting_id,
        "The change",
        audience.told_of_changes,
        dry_run,
        yes,
        soon=lambda m: min(m.starts_at, starts_at or m.starts_at),
    )
    if old is None:
        return
    told = with_store(
        settings,
        lambda store: meetings.change(store, old, now, COMMAND_LINE, starts_at, place, url),
    )
    click.echo(f"Meeting {meeting_id} changed; {people(told)} will be told.")


@meeting.command("cancel")
@click.argument("meeting_id", type=int)
@click.option("--dry-run", is_flag=True, help="Say who would be told, and cancel nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before telling many people.")
def meeting_cancel_command(meeting_id: int, dry_run: bool, yes: bool) -> None:
    """Cancel a meeting and tell everyone invited."""
    settings = settings_or_exit()
    now = _clock(settings)
    found = _before_telling(
        settings,
        meeting_id,
        "The cancellation",
        audience.told_of_changes,
        dry_run,
        yes,
        soon=lambda m: m.starts_at,
    )
    if found is None:
        return
    told = with_store(settings, lambda store: meetings.cancel(store, found, now, COMMAND_LINE))
    click.echo(f"Meeting {meeting_id} cancelled; {people(told)} will be told.")


@meeting.command("feedback")
@click.argument("meeting_id", type=int)
@click.option("--survey", "survey_id", default="meeting_feedback", show_default=True)
@click.option("--open-for", "open_for_text", default="3d", show_default=True)
@click.option("--dry-run", is_flag=True, help="Say who would be asked, and queue nothing.")
@click.option("--yes", is_flag=True, help="Do not ask before a large or a very small send.")
def meeting_feedback(
    meeting_id: int, survey_id: str, open_for_text: str, dry_run: bool, yes: bool
) -> None:
    """After a meeting: send the feedback check-in to those who said Going or Maybe."""
    settings = settings_or_exit()
    survey = load_survey_or_exit(settings, survey_id)
    open_for = parsed("--open-for", lambda: parse_duration(open_for_text))
    now = _clock(settings)

    async def check(store: Store) -> None:
        # The dry run makes the same checks as the real send.
        found = await meetings.find(store, meeting_id)
        await meetings.check_feedback(store, found, open_for, now)

    with_store(settings, check)
    found = _before_telling(
        settings, meeting_id, "The feedback check-in", audience.reminded_of, dry_run, yes, asks=True
    )
    if found is None:
        return
    queued = with_store(
        settings,
        lambda store: meetings.ask_feedback(store, found, survey, open_for, now, COMMAND_LINE),
    )
    click.echo(f"Feedback check-in open for {open_for_text}; {count(queued, 'invitation')} queued.")
