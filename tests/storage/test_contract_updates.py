"""The storage contract, "you said, we did" part: updates reach the whole audience of their
check-ins once each, feedback is counts only, and notes keep no link to anyone."""

from __future__ import annotations

from storage.base import (
    Audience,
    Checkin,
    ContactStatus,
    FeedbackMove,
    NewCheckin,
    NewUpdate,
    PostedUpdate,
    Store,
    UpdateStatus,
)
from tests.storage.contract import INVITE, NOW, TODAY

DAY = 86400.0


def MESSAGE(posted: PostedUpdate) -> dict[str, object]:
    return {"text": f"update {posted.id}: {posted.we_did}"}


async def closed_checkin(store: Store, cohort_id: int | None, closes_at: float) -> Checkin:
    new = NewCheckin("weekly", cohort_id, closes_at - 7 * DAY, closes_at)
    checkin, _ = await store.open_checkin(new, Audience(cohort_id=cohort_id), INVITE)
    assert checkin is not None
    return checkin


async def two_cohorts(store: Store) -> tuple[int, int]:
    """Cohort A holds chats 1, 2 and 3 (and 7, who stopped), B holds 4 and 5; chat 6 is in no
    cohort."""
    a = await store.add_cohort("A", "CODEA", TODAY)
    b = await store.add_cohort("B", "CODEB", TODAY)
    for chat, cohort in [(1, a.id), (2, a.id), (3, a.id), (4, b.id), (5, b.id), (6, None)]:
        await store.join(chat, cohort, "en", TODAY, 1000 + chat)
    await store.join(7, a.id, "en", TODAY, 1007)
    await store.set_status(7, ContactStatus.STOPPED, None)
    return a.id, b.id


def update(*checkins: int, status: UpdateStatus = UpdateStatus.DONE, **more: object) -> NewUpdate:
    return NewUpdate(
        "Money is tight",
        "We asked for a bigger grant",
        status,
        checkins,
        posted_by="command line",
        posted_at=NOW,
        **more,  # type: ignore[arg-type]
    )


async def test_an_update_is_queued_once_to_everyone_its_checkins_were_for(store: Store) -> None:
    """The union of the audiences, each chat once, joined people only; the row keeps its
    fields and how many it was sent to."""
    a, b = await two_cohorts(store)
    first = await closed_checkin(store, a, NOW - DAY)
    second = await closed_checkin(store, b, NOW - DAY)
    again = await closed_checkin(store, a, NOW - 2 * DAY)
    who = [Audience(cohort_id=a), Audience(cohort_id=b), Audience(cohort_id=a)]
    assert await store.count_reach(who) == 5
    posted, queued = await store.post_update(
        update(first.id, second.id, again.id), who, MESSAGE, NOW + 60
    )
    assert queued == 5 and posted.sent_to == 5
    entries = await store.outbox_entries(f"update:{posted.id}:")
    assert sorted(e.chat_id for e in entries) == [1, 2, 3, 4, 5]
    assert {e.due_at for e in entries} == {NOW + 60}
    assert entries[0].payload == MESSAGE(posted)
    stored = await store.posted_update(posted.id)
    assert stored == posted
    assert stored.checkin_ids == tuple(sorted((first.id, second.id, again.id)))
    assert await store.posted_updates() == [posted]
    assert await store.posted_update(posted.id + 1) is None


async def test_a_theme_for_everyone_reaches_everyone_who_joined(store: Store) -> None:
    await two_cohorts(store)
    posted, queued = await store.post_update(update(), [Audience()], MESSAGE, NOW)
    assert queued == 6 and posted.checkin_ids == () and posted.cohort_id is None


async def test_feedback_moves_one_count_and_a_repeated_update_changes_nothing(
    store: Store,
) -> None:
    """A first choice adds one; a change moves one; a repeated update id, a stale old choice
    and an undo (no update id) behave as promised; counts never go below 0."""
    posted, _ = await store.post_update(update(), [Audience()], MESSAGE, NOW)
    pid = posted.id
    assert await store.feedback_counts(pid) == {"helps": 0, "not_enough": 0}
    assert await store.move_feedback(pid, "helps", None, 1, NOW) is FeedbackMove.MOVED
    assert await store.move_feedback(pid, "helps", None, 1, NOW) is FeedbackMove.REPEATED
    assert await store.move_feedback(pid, "helps", None, 2, NOW) is FeedbackMove.MOVED
    assert await store.feedback_counts(pid) == {"helps": 2, "not_enough": 0}
    assert await store.move_feedback(pid, "not_enough", "helps", 3, NOW) is FeedbackMove.MOVED
    assert await store.feedback_counts(pid) == {"helps": 1, "not_enough": 1}
    # An undo: back from not_enough to helps, claiming nothing.
    assert await store.move_feedback(pid, "helps", "not_enough", None, NOW) is FeedbackMove.MOVED
    assert await store.feedback_counts(pid) == {"helps": 2, "not_enough": 0}
    # Nobody's choice is "not enough" now: a press claiming it was is stale, and not claimed.
    assert await store.move_feedback(pid, "helps", "not_enough", 4, NOW) is FeedbackMove.STALE
    assert await store.claim_update(4, NOW)
    assert await store.feedback_counts(pid) == {"helps": 2, "not_enough": 0}


async def test_a_note_is_kept_without_its_link_and_ends_the_wait(store: Store) -> None:
    posted, _ = await store.post_update(update(), [Audience()], MESSAGE, NOW)
    assert await store.waiting_note("link-a", NOW) is None
    await store.await_note("link-a", posted.id, NOW + DAY)
    await store.await_note("link-b", posted.id, NOW + 10)
    assert await store.waiting_note("link-a", NOW) == posted.id
    assert await store.waiting_note("link-b", NOW + 10) is None  # ran out
    assert await store.save_note("link-a", posted.id, "More buses please", TODAY, 50)
    assert not await store.save_note("link-a", posted.id, "More buses please", TODAY, 50)
    assert await store.notes(posted.id) == ["More buses please"]
    assert await store.waiting_note("link-a", NOW) is None
    await store.await_note("link-c", posted.id, NOW + DAY)
    assert await store.drop_note_waits(NOW + 20, links=["link-c"]) == 2
    assert await store.waiting_note("link-c", NOW) is None


async def test_promises_overdue_and_checkins_without_an_update(store: Store) -> None:
    """A planned update past its date is overdue until its status changes or a later update
    answers one of its check-ins; a closed check-in with no update is listed by closing."""
    a, _ = await two_cohorts(store)
    old = await closed_checkin(store, a, NOW - 40 * DAY)
    recent = await closed_checkin(store, a, NOW - DAY)
    open_one, _ = await store.open_checkin(NewCheckin("weekly", a, NOW, None), Audience(), INVITE)
    assert open_one is not None
    empty = await store.add_cohort("Empty", "CODEE", TODAY)
    await closed_checkin(store, empty.id, NOW - 50 * DAY)  # it invited nobody
    assert [c.id for c in await store.unanswered_checkins(NOW - 28 * DAY)] == [old.id]
    planned, _ = await store.post_update(
        update(old.id, status=UpdateStatus.PLANNED, due_on="2025-02-01"),
        [Audience(cohort_id=a)],
        MESSAGE,
        NOW,
    )
    theme, _ = await store.post_update(
        update(status=UpdateStatus.PLANNED, due_on="2025-02-10"), [Audience()], MESSAGE, NOW
    )
    assert await store.unanswered_checkins(NOW - 28 * DAY) == []
    assert (await store.update_checkins()) == {old.id: NOW}
    assert [u.id for u in await store.overdue_updates("2025-02-01")] == []
    assert [u.id for u in await store.overdue_updates(TODAY)] == [planned.id, theme.id]
    # A later update on the same check-in is a follow-up.
    await store.post_update(update(old.id, recent.id), [Audience()], MESSAGE, NOW + 5)
    assert [u.id for u in await store.overdue_updates(TODAY)] == [theme.id]
    # So is a change of status.
    assert await store.set_update_status(theme.id, UpdateStatus.DONE, None, None, NOW + 9)
    changed = await store.posted_update(theme.id)
    assert changed is not None and changed.status is UpdateStatus.DONE
    assert changed.status_at == NOW + 9
    assert await store.overdue_updates(TODAY) == []
    assert not await store.set_update_status(999, UpdateStatus.DONE, None, None, NOW)
