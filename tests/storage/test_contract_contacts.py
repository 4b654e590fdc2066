"""The storage contract for ``ContactStore``: cohorts, joining, status and erasure.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

import pytest

from storage.base import Audience, ContactStatus, Meeting, OutgoingMessage, Progress, Rsvp, Store
from tests.storage.contract import CHAT, LINK, NOW, TODAY, K, new_checkin


async def test_cohorts_are_found_by_code_and_name(store: Store) -> None:
    """Added cohorts are listed in order and found by invite code or name."""
    north = await store.add_cohort("North", "N1", TODAY)
    south = await store.add_cohort("South", "S1", TODAY)
    assert await store.cohorts() == [north, south]
    assert await store.cohort_by_code("S1") == south
    assert await store.cohort_by_name("North") == north
    assert await store.cohort_by_code("nope") is None
    assert await store.cohort_by_name("nope") is None


async def test_rejoin_without_cohort_keeps_the_old_one(store: Store) -> None:
    """Re-joining makes a stopped contact joined again; a None cohort keeps the old cohort."""
    north = await store.add_cohort("North", "N1", TODAY)
    south = await store.add_cohort("South", "S1", TODAY)
    assert await store.join(CHAT, north.id, "en", TODAY, 1)
    await store.set_status(CHAT, ContactStatus.STOPPED, 2)
    assert await store.join(CHAT, None, "fr", TODAY, 3)
    contact = await store.contact(CHAT)
    assert contact is not None
    assert (contact.cohort_id, contact.language, contact.status) == (north.id, "fr", "joined")
    assert await store.join(CHAT, south.id, "fr", TODAY, 4)
    contact = await store.contact(CHAT)
    assert contact is not None and contact.cohort_id == south.id
    assert await store.contact(CHAT + 1) is None


async def test_set_reading_keeps_language_and_easy_read_once_per_update(store: Store) -> None:
    """Language and easy read change separately (``None`` keeps that part), survive a
    re-join, reach the outbox with each claimed message, and a repeated update changes
    nothing."""
    assert await store.join(CHAT, None, "en", TODAY, 1)
    contact = await store.contact(CHAT)
    assert contact is not None and (contact.language, contact.easy_read) == ("en", False)
    assert await store.set_reading(CHAT, "cy", None, 2)
    assert await store.set_reading(CHAT, None, True, 3)
    assert not await store.set_reading(CHAT, "en", False, 3)  # the same update again
    contact = await store.contact(CHAT)
    assert contact is not None and (contact.language, contact.easy_read) == ("cy", True)
    assert contact.locale == "cy@easyread"
    assert await store.join(CHAT, None, "cy", TODAY, 4)
    await store.enqueue([OutgoingMessage(CHAT, {"text": "a"}, NOW)])
    [claimed] = await store.claim_due(NOW, 10)
    assert (claimed.language, claimed.easy_read, claimed.locale) == ("cy", True, "cy@easyread")
    assert await store.set_reading(CHAT + 1, "cy", True, 5)  # nobody there: nothing happens
    assert await store.contact(CHAT + 1) is None


async def test_count_contacts_counts_joined_members_only(store: Store) -> None:
    """Stopped and unreachable contacts are not counted; None counts every cohort."""
    north = await store.add_cohort("North", "N1", TODAY)
    south = await store.add_cohort("South", "S1", TODAY)
    for chat_id, cohort_id in [(1, north.id), (2, north.id), (3, north.id), (4, south.id)]:
        await store.join(chat_id, cohort_id, "en", TODAY, chat_id)
    await store.set_status(2, ContactStatus.STOPPED, None)
    await store.mark_unreachable([3])
    assert await store.count_audience(Audience(cohort_id=north.id)) == 1
    assert await store.count_audience(Audience(cohort_id=south.id)) == 1
    assert await store.count_audience(Audience()) == 2


async def test_mark_unreachable_fails_their_queued_messages(store: Store) -> None:
    """Unreachable contacts' queued messages fail; other people's stay queued."""
    await store.join(1, None, "en", TODAY, 1)
    await store.join(2, None, "en", TODAY, 2)
    await store.enqueue([OutgoingMessage(1, {"text": "a"}, NOW), OutgoingMessage(2, {}, NOW)])
    await store.mark_unreachable([1])
    contact = await store.contact(1)
    assert contact is not None and contact.status is ContactStatus.UNREACHABLE
    assert await store.outbox_counts() == {"queued": 1, "sending": 0, "sent": 0, "failed": 1}
    assert [m.chat_id for m in await store.claim_due(NOW, 10)] == [2]


async def test_erase_person_keeps_answers(store: Store) -> None:
    """Erasing deletes the contact, their queued messages, progress and participation marks, but
    not the anonymous answers, and nothing of anyone else."""
    first, second = await new_checkin(store), await new_checkin(store)
    other_link = "link-other"
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.join(CHAT + 1, None, "en", TODAY, 2)
    await store.finish_response("link-done", first.id, {"mood": "ok"}, TODAY, 3, batch=K)
    assert await store.release_waiting(first.id, TODAY) == 1
    await store.save_progress(LINK, second.id, {"step": 2}, TODAY, 4)
    await store.save_progress(other_link, second.id, {"step": 1}, TODAY, 5)
    await store.enqueue([OutgoingMessage(CHAT, {}, NOW + 60), OutgoingMessage(CHAT + 1, {}, NOW)])

    assert await store.erase_person(CHAT, ["link-done", LINK], 6)

    assert await store.contact(CHAT) is None
    assert await store.progress(LINK) is None
    assert not await store.has_finished(first.id, "link-done")
    assert [m.chat_id for m in await store.claim_due(NOW + 3600, 10)] == [CHAT + 1]
    assert (await store.totals(first.id)).responses == 1
    assert await store.progress(other_link) == Progress(second.id, {"step": 1})
    assert await store.contact(CHAT + 1) is not None


async def test_erase_person_deletes_a_response_still_waiting(store: Store) -> None:
    """A finished response not yet released is still under the person's link: erasing them
    deletes it (it is never released), and leaves others' waiting responses alone."""
    checkin = await new_checkin(store)
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.finish_response(LINK, checkin.id, {"mood": "theirs"}, TODAY, 2, batch=K)
    await store.finish_response("link-other", checkin.id, {"mood": "other"}, TODAY, 3, batch=K)

    assert await store.erase_person(CHAT, [LINK], 4)

    assert not await store.has_finished(checkin.id, LINK)
    assert await store.finished_marks(checkin.id) == {"link-other"}
    assert await store.release_waiting(checkin.id, TODAY) == 1
    assert (await store.totals(checkin.id)).counts == {"mood": {"other": 1}}


@pytest.mark.timeout(30)
async def test_join_many_joins_or_rejoins_everyone_at_once(store: Store) -> None:
    """``join_many`` joins new people and re-joins stopped ones, in the given cohort."""
    north = await store.add_cohort("North", "N1", TODAY)
    await store.join(1, None, "fr", TODAY, 1)
    await store.set_status(1, ContactStatus.STOPPED, None)
    assert await store.join_many([1, 2, 3], north.id, "en", TODAY) == 3
    assert await store.count_audience(Audience(cohort_id=north.id)) == 3
    contact = await store.contact(1)
    assert contact is not None
    assert (contact.cohort_id, contact.language, contact.status) == (north.id, "en", "joined")
    assert await store.join_many([], north.id, "en", TODAY) == 0
    assert await store.join_many(range(10, 10_010), None, "en", TODAY) == 10_000
    assert await store.count_audience(Audience()) == 10_003


async def test_each_kind_of_audience_names_joined_people_only(store: Store) -> None:
    """Everyone, one cohort, and a meeting's invited by answer ("none": no answer yet); the
    list, the count and the one-person check agree, and nobody who stopped is in any."""
    north = await store.add_cohort("North", "N1", TODAY)
    south = await store.add_cohort("South", "S1", TODAY)
    for chat, cohort in [(1, north.id), (2, north.id), (3, south.id), (4, None), (5, north.id)]:
        await store.join(chat, cohort, "en", TODAY, chat)
    await store.set_status(5, ContactStatus.STOPPED, None)
    draft = Meeting(0, "Forum", 2e9, None, None, None, north.id)
    meeting, invited = await store.add_meeting(
        draft, Audience(cohort_id=north.id), [], lambda m: {}, 0
    )
    assert invited == 2  # 1 and 2: 5 stopped
    assert await store.set_rsvp(meeting.id, 1, Rsvp.GOING, 101)
    cases = {
        Audience(): [1, 2, 3, 4],
        Audience(cohort_id=north.id): [1, 2],
        Audience(cohort_id=south.id): [3],
        Audience(meeting_id=meeting.id, answers=("going", "maybe")): [1],
        Audience(meeting_id=meeting.id, answers=("none",)): [2],
        Audience(meeting_id=meeting.id, answers=("going", "maybe", "no", "none")): [1, 2],
        Audience(meeting_id=meeting.id, answers=()): [],
    }
    for who, chats in cases.items():
        assert sorted(await store.audience(who)) == chats, who
        assert await store.count_audience(who) == len(chats), who
        for chat in range(1, 6):
            assert await store.in_audience(who, chat) == (chat in chats), (who, chat)


async def test_contact_counts_include_people_in_no_group(store: Store) -> None:
    """Joined people per cohort, with ``None`` for those who joined with no group."""
    north = await store.add_cohort("North", "N1", TODAY)
    for chat, cohort in [(1, north.id), (2, None), (3, None), (4, north.id)]:
        await store.join(chat, cohort, "en", TODAY, chat)
    await store.set_status(4, ContactStatus.STOPPED, None)
    assert await store.contact_counts() == {north.id: 1, None: 2}
