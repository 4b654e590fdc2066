"""Forum meetings: add one and invite its cohort, change or cancel it and tell everyone
invited, and after it send the feedback check-in to those who said Going or Maybe.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.actions import audience, audit
from bot.actions.errors import ActionError
from bot.actions.notices import invitation, meeting_cancel, meeting_change, meeting_invitation
from flows.dates import show_when
from flows.schedule import QuietHours, meeting_reminders, parse_at, release_time
from flows.survey import Survey
from storage.base import Audience, Meeting, NewCheckin, Store

# Feedback on a meeting may be asked for this long after it starts. Then its RSVPs (who said
# Going or Maybe: the feedback check-in's audience) are deleted, unless that check-in is still
# open; then they go when it closes.
FEEDBACK_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class Clock:
    """The deployment's time rules a meeting needs: its zone, quiet hours and now."""

    zone: ZoneInfo
    quiet: QuietHours | None
    now: float

    def local(self, timestamp: float) -> datetime:
        return datetime.fromtimestamp(timestamp, self.zone)

    def released(self, timestamp: float) -> float:
        """When a message queued at ``timestamp`` may go, quiet hours considered."""
        return release_time(self.local(timestamp), self.quiet, self.zone).timestamp()


def start_time(text: str, clock: Clock) -> float:
    """A meeting's start from the worker's words; raises unless it is a future local time."""
    try:
        at = parse_at(text, clock.zone).timestamp()
    except ValueError as exc:
        raise ActionError("at", str(exc)) from None
    if at <= clock.now:
        raise ActionError("at", f"{text} has already passed")
    return at


def check_invitable(starts_at: float, clock: Clock) -> None:
    """Refuse a meeting that starts before its invitations may go: held for quiet hours, they
    would expire at its start unsent, and nobody would be invited."""
    released = clock.released(clock.now)
    if starts_at <= released:
        until = show_when(clock.local(released), clock.zone, clock.now)
        raise ActionError(
            "at",
            f"it starts before quiet hours end ({until}), so nobody could be invited in time. "
            "Pick a later time",
        )


def checked_link(url: str | None) -> str | None:
    """A link young people may be sent: https:// and a web address. An http:// one is
    refused too: what is typed on its page travels unprotected."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() == "http":
        raise ActionError("link", "should start with https:// (an http:// link is not secure)")
    if parts.scheme.lower() != "https" or not parts.hostname or any(c.isspace() for c in url):
        raise ActionError("link", "should start with https://, then the web address")
    return url


def draft(
    title: str,
    starts_at: float,
    place: str | None,
    link: str | None,
    notes: str | None,
    cohort_id: int | None,
) -> Meeting:
    """A meeting to add; raises for a blank title or place, or a link that is not a web link."""
    if not title.strip():
        raise ActionError("title", "the meeting needs a title")
    if place is not None and not place.strip():
        raise ActionError("where", "the place is empty; leave --where out if there is none")
    return Meeting(0, title.strip(), starts_at, place, checked_link(link), notes, cohort_id)


def reminders(starts_at: float, clock: Clock) -> list[tuple[str, float]]:
    """The day-before and hour-before reminders still to come, out of quiet hours."""
    plan = meeting_reminders(
        clock.local(starts_at), clock.quiet, clock.zone, clock.local(clock.now)
    )
    return [(kind, when.timestamp()) for kind, when in plan]


def urgent(starts_at: float, clock: Clock) -> bool:
    """Whether a notice about a meeting starting at ``starts_at`` must go even in quiet hours:
    held until they end, it would arrive less than an hour before the start, or after it."""
    return starts_at < clock.released(clock.now) + 3600


async def reach(store: Store, cohort_id: int | None) -> int:
    """How many people a new meeting for this cohort (or everyone) would invite."""
    return await store.count_audience(audience.cohort(cohort_id))


async def add(store: Store, meeting: Meeting, clock: Clock, who: str) -> tuple[Meeting, int]:
    """Store the meeting, invite its cohort and plan its reminders; returns it and how many
    invitations were queued. ``who`` did it (for the audit log)."""
    added, invited = await store.add_meeting(
        meeting,
        audience.invited_to(meeting),
        reminders(meeting.starts_at, clock),
        partial(meeting_invitation, now=clock.now),
        clock.now,
    )
    detail = f"meeting {added.id}, {invited} invited"
    await audit.record(store, who, "added a meeting", detail, clock.now)
    return added, invited


async def upcoming(store: Store, now: float) -> list[tuple[Meeting, dict[str, int]]]:
    """Meetings to come, soonest first, each with its RSVP counts (counts only, never who)."""
    return [(m, await store.rsvp_counts(m.id)) for m in await store.meetings(now)]


async def find(store: Store, meeting_id: int) -> Meeting:
    """A meeting that is still on; raises for an unknown or cancelled one."""
    found = await store.meeting(meeting_id)
    if found is None or found.cancelled:
        raise ActionError("meeting", f"no meeting {meeting_id}", unknown=True)
    return found


async def told(store: Store, who: Audience) -> int:
    """How many people a notice or feedback check-in for ``who`` would reach now."""
    return await store.count_audience(who)


async def change(
    store: Store,
    old: Meeting,
    clock: Clock,
    who: str,
    starts_at: float | None = None,
    place: str | None = None,
    link: str | None = None,
) -> int:
    """Change the time, place or link and tell everyone invited; returns how many are told."""
    check_change(starts_at, place, link)
    start = starts_at or old.starts_at
    new = replace(
        old, starts_at=start, place=place or old.place, link=checked_link(link) or old.link
    )
    told = await store.change_meeting(
        new,
        audience.told_of_changes(old),
        reminders(start, clock),
        partial(meeting_change, now=clock.now),
        clock.now,
        urgent=urgent(min(old.starts_at, start), clock),
    )
    await audit.record(store, who, "changed a meeting", f"meeting {old.id}, {told} told", clock.now)
    return told


def check_change(starts_at: float | None, place: str | None, link: str | None) -> None:
    """Raises unless a change says what changes, with no blank place or bad link."""
    if starts_at is None and place is None and link is None:
        raise ActionError("change", "say what changes: --at, --where or --link")
    if place is not None and not place.strip():
        raise ActionError("where", "the place is empty")
    checked_link(link)


async def cancel(store: Store, meeting: Meeting, clock: Clock, who: str) -> int:
    """Cancel it and tell everyone invited; returns how many are told."""
    told = await store.cancel_meeting(
        meeting.id,
        audience.told_of_changes(meeting),
        partial(meeting_cancel, now=clock.now),
        clock.now,
        urgent=urgent(meeting.starts_at, clock),
    )
    detail = f"meeting {meeting.id}, {told} told"
    await audit.record(store, who, "cancelled a meeting", detail, clock.now)
    return told


async def check_feedback(store: Store, meeting: Meeting, open_for: timedelta, clock: Clock) -> None:
    """Raises unless feedback can be asked for now: after the meeting (within
    ``FEEDBACK_WITHIN``), not twice at once, and open past the end of quiet hours (or nobody
    could be asked). A dry run makes the same checks as the real send."""
    now = clock.now
    if clock.released(now) >= now + open_for.total_seconds():
        raise ActionError(
            "open_for",
            "the check-in would close before quiet hours end, so nobody could be asked. "
            "Keep it open for longer.",
        )
    if meeting.starts_at > now:
        raise ActionError(
            "feedback", f"meeting {meeting.id} has not happened yet; send feedback after it"
        )
    if meeting.starts_at + FEEDBACK_WITHIN.total_seconds() <= now:
        raise ActionError(
            "feedback",
            f"meeting {meeting.id} was more than {FEEDBACK_WITHIN.days} days ago; who came is "
            "no longer kept, so feedback can only be asked for within that time",
        )
    if any(c.meeting_id == meeting.id for c in await store.open_checkins(now)):
        raise ActionError(
            "feedback", f"a feedback check-in for meeting {meeting.id} is already open"
        )


async def ask_feedback(
    store: Store, meeting: Meeting, survey: Survey, open_for: timedelta, clock: Clock, who: str
) -> int:
    """Open the feedback check-in for those who said Going or Maybe; returns how many are
    invited."""
    await check_feedback(store, meeting, open_for, clock)
    now = clock.now
    new = NewCheckin(
        survey.id, meeting.cohort_id, now, now + open_for.total_seconds(), meeting_id=meeting.id
    )
    opened, queued = await store.open_checkin(
        new, audience.of_checkin(new), lambda c: invitation(c.id, survey.wording("title"))
    )
    checkin = opened.id if opened is not None else "?"
    detail = f"check-in {checkin} ({survey.id}) after meeting {meeting.id}, {queued} invited"
    await audit.record(store, who, "asked for meeting feedback", detail, now)
    return queued
