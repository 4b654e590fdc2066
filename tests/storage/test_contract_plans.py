"""The storage contract for ``PlanStore``: schedules, meetings, RSVPs and meeting reminders.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

from typing import Any

import pytest

from storage.base import Audience, ContactStatus, Meeting, NewCheckin, Rsvp, Store
from tests.storage.contract import (
    INVITE,
    NOTICE,
    NOW,
    STARTS,
    coming,
    everyone_invited,
    meeting_for_three,
)


async def outbox_rows(store: Store, meeting: Meeting, kind: str) -> list[tuple[Any, ...]]:
    """Chat, urgency and expiry of the meeting's messages of one kind (dedupe key prefix)."""
    entries = await store.outbox_entries(f"meeting:{meeting.id}:{kind}:")
    return sorted((e.chat_id, int(e.urgent), e.expires_at) for e in entries)


@pytest.mark.parametrize("told", ["change", "cancel"])
async def test_meeting_notices_go_only_to_people_still_joined(store: Store, told: str) -> None:
    """Regression: change and cancel notices went to everyone ever invited, so people who had
    said /stop (or could no longer be reached) were written to again."""
    meeting = await meeting_for_three(store)
    await store.set_status(2, ContactStatus.STOPPED, None)
    await store.mark_unreachable([3])
    if told == "change":
        moved = Meeting(meeting.id, "Forum", STARTS + 60, "Town hall", None, None, None)
        assert await store.change_meeting(moved, everyone_invited(meeting), [], NOTICE, NOW) == 1
    else:
        assert await store.cancel_meeting(meeting.id, everyone_invited(meeting), NOTICE, NOW) == 1
    assert [row[0] for row in await outbox_rows(store, meeting, told)] == [1]


async def test_meeting_messages_expire_at_the_start_and_notices_can_be_urgent(
    store: Store,
) -> None:
    """Invitations, reminders, change and cancel notices expire when the meeting starts (the
    new start, for a change); a change or cancel notice is urgent when asked."""
    meeting = await meeting_for_three(store)
    assert (
        await store.queue_meeting_reminder(
            meeting.id, "24h", coming(meeting), {"text": "r"}, False, NOW
        )
        == 3
    )
    moved = Meeting(meeting.id, "Forum", STARTS + 60, "Town hall", None, None, None)
    assert (
        await store.change_meeting(moved, everyone_invited(meeting), [], NOTICE, NOW, urgent=True)
        == 3
    )
    assert (
        await store.cancel_meeting(meeting.id, everyone_invited(meeting), NOTICE, NOW, urgent=False)
        == 3
    )
    assert await outbox_rows(store, meeting, "invite") == [(c, 0, STARTS) for c in (1, 2, 3)]
    assert await outbox_rows(store, meeting, "v1:remind") == [(c, 0, STARTS) for c in (1, 2, 3)]
    assert await outbox_rows(store, meeting, "change") == [(c, 1, STARTS + 60) for c in (1, 2, 3)]
    assert await outbox_rows(store, meeting, "cancel") == [(c, 0, STARTS + 60) for c in (1, 2, 3)]
    assert await store.claim_due(STARTS + 60, 100) == []


async def test_a_skipped_meeting_reminder_is_no_longer_due(store: Store) -> None:
    """A reminder skipped as too late is done: not due again, and never queued later."""
    meeting = await meeting_for_three(store)
    due = await store.due_meeting_reminders(STARTS - 1800)
    assert [kind for _, kind in due] == ["24h", "1h"]
    assert await store.skip_meeting_reminder(meeting.id, "24h")
    assert not await store.skip_meeting_reminder(meeting.id, "24h")
    assert [kind for _, kind in await store.due_meeting_reminders(STARTS - 1800)] == ["1h"]
    assert (
        await store.queue_meeting_reminder(meeting.id, "24h", coming(meeting), {}, False, NOW) == 0
    )


async def test_rsvps_are_deleted_once_the_meeting_and_its_feedback_are_over(store: Store) -> None:
    """RSVPs name who said Going or Maybe (a feedback check-in's audience): deleted once the
    meeting started before the given time, but kept while its feedback check-in is open; a
    cancelled meeting's go once its time has passed."""
    meeting = await meeting_for_three(store)
    later = STARTS + 10 * 86400
    assert await store.prune_rsvps(STARTS, NOW) == 0  # not started before STARTS
    feedback = NewCheckin("meeting_feedback", None, STARTS, later, meeting_id=meeting.id)
    await store.open_checkin(feedback, coming(meeting), INVITE)
    assert await store.prune_rsvps(STARTS + 1, later - 1) == 0  # the feedback is still open
    assert await store.rsvp(meeting.id, 1) is Rsvp.GOING
    assert await store.prune_rsvps(STARTS + 1, later) == 3
    assert await store.rsvp_counts(meeting.id) == {"going": 0, "maybe": 0, "no": 0, "none": 0}
    assert await store.prune_rsvps(STARTS + 1, later) == 0

    draft = Meeting(0, "Cancelled", STARTS, None, None, None, None)
    cancelled, _ = await store.add_meeting(draft, Audience(), [], NOTICE, NOW)
    await store.cancel_meeting(cancelled.id, everyone_invited(cancelled), NOTICE, NOW)
    assert await store.prune_rsvps(NOW, STARTS) == 0
    assert await store.prune_rsvps(NOW, STARTS + 1) == 3
