"""Shared values and helpers of the storage contract suite; public ``Store`` methods only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from storage.base import Audience, Checkin, Meeting, NewCheckin, Rsvp, Store

TODAY = "2025-03-01"
NOW = 1_700_000_000.0
CHAT = 4242424242
LINK = "link-5f0c3a"
INVITE_PAYLOAD = {"text": "How was your week?", "buttons": [[{"text": "Start", "data": "c:1"}]]}
STARTS = NOW + 3 * 24 * 3600.0
# Finished responses are released once this many of a check-in wait (the bot passes its
# small-numbers threshold); tests that read answers sooner release them with release_waiting.
K = 5


def later(days: int) -> str:
    """The date ``days`` after ``TODAY`` (2025-03-01)."""
    return (date.fromisoformat(TODAY) + timedelta(days=days)).isoformat()


def INVITE(checkin: Checkin) -> dict[str, object]:
    return {**INVITE_PAYLOAD, "checkin": checkin.id}


def NOTICE(meeting: Meeting) -> dict[str, object]:
    return {"text": f"{meeting.title} v{meeting.version}"}


async def new_checkin(store: Store, cohort_id: int | None = None) -> Checkin:
    checkin, _ = await store.open_checkin(
        NewCheckin("weekly", cohort_id, NOW, None), Audience(cohort_id=cohort_id), INVITE
    )
    assert checkin is not None
    return checkin


async def snapshot(
    store: Store, chats: tuple[int, ...] = (CHAT,), links: tuple[str, ...] = (LINK,)
) -> dict[str, Any]:
    """All that the store shows about these people and every check-in and message, to prove
    that a call changed nothing."""
    checkins = await store.checkins()
    return {
        "cohorts": await store.cohorts(),
        "contacts": [await store.contact(chat) for chat in chats],
        "joined": await store.count_audience(Audience()),
        "checkins": checkins,
        "progress": [await store.progress(link) for link in links],
        "marks": [await store.finished_marks(c.id) for c in checkins],
        "totals": [await store.totals(c.id) for c in checkins],
        "outbox": await store.outbox_entries(),
    }


def everyone_invited(meeting: Meeting) -> Audience:
    """Everyone invited to ``meeting``, whatever they answered."""
    return Audience(meeting_id=meeting.id, answers=("going", "maybe", "no", "none"))


def coming(meeting: Meeting) -> Audience:
    """Those invited to ``meeting`` who said Going or Maybe."""
    return Audience(meeting_id=meeting.id, answers=("going", "maybe"))


async def meeting_for_three(store: Store) -> Meeting:
    """A meeting (24h and 1h reminders) for chats 1, 2 and 3, who then all say Going."""
    for chat in (1, 2, 3):
        await store.join(chat, None, "en", TODAY, chat)
    draft = Meeting(0, "Forum", STARTS, "Youth centre", None, None, None)
    reminders = [("24h", STARTS - 86400), ("1h", STARTS - 3600)]
    meeting, invited = await store.add_meeting(draft, Audience(), reminders, NOTICE, NOW)
    assert invited == 3
    for chat in (1, 2, 3):
        assert await store.set_rsvp(meeting.id, chat, Rsvp.GOING, 100 + chat)
    return meeting
