"""The storage contract for ``CareStore`` and ``RetentionStore``: pauses that hold the outbox,
what /mydata shows, safeguarding alerts, and retention by date.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

from storage.base import (
    PAUSED_FOREVER,
    Audience,
    ContactStatus,
    HeldMeeting,
    Meeting,
    OutgoingMessage,
    PersonData,
    Removed,
    Rsvp,
    Store,
)
from tests.storage.contract import CHAT, LINK, NOW, TODAY, K, later, new_checkin

DAY = 24 * 3600.0
KEEP = {"unfinished_days": 7, "answer_days": 730, "contact_days": 90, "alert_days": 365}


async def test_a_pause_holds_messages_until_it_ends_and_loses_none(store: Store) -> None:
    """While paused, a person's queued messages are not claimed (others' are); after the pause
    they are, in order. A message that expires meanwhile lapses."""
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.join(7, None, "en", TODAY, 2)
    assert await store.set_pause(CHAT, NOW + DAY, 3)
    assert not await store.set_pause(CHAT, NOW + DAY, 3)  # a repeated update changes nothing
    assert await store.paused_until(CHAT) == NOW + DAY
    await store.enqueue(
        [
            OutgoingMessage(CHAT, {"text": "lapses"}, NOW, "a", expires_at=NOW + DAY / 2),
            OutgoingMessage(CHAT, {"text": "held"}, NOW, "b"),
            OutgoingMessage(7, {"text": "other"}, NOW, "c"),
        ]
    )
    # "other" is claimed by a bot still sending it a day later (its claim holds that long).
    claimed = await store.claim_due(NOW, 10, lease=2 * DAY)
    assert [m.payload["text"] for m in claimed] == ["other"]
    assert await store.claim_due(NOW + DAY - 1, 10) == []
    assert [m.payload["text"] for m in await store.claim_due(NOW + DAY, 10)] == ["held"]
    assert [e.dedupe_key for e in await store.outbox_entries()] == ["b", "c"]  # "a" lapsed


async def test_until_i_say_holds_until_resumed(store: Store) -> None:
    """``PAUSED_FOREVER`` holds messages until the pause is cleared (``None``)."""
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.set_pause(CHAT, PAUSED_FOREVER, 2)
    await store.enqueue([OutgoingMessage(CHAT, {"text": "held"}, NOW)])
    assert await store.claim_due(NOW + 3650 * DAY, 10) == []
    assert await store.set_pause(CHAT, None, 3)
    assert await store.paused_until(CHAT) is None
    assert len(await store.claim_due(NOW, 10)) == 1


async def test_an_alert_is_never_held_by_a_pause(store: Store) -> None:
    """A safeguarding lead who also paused still gets an alert (dedupe key ``alert:``)."""
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.set_pause(CHAT, PAUSED_FOREVER, 2)
    alert = OutgoingMessage(CHAT, {"text": "alert"}, NOW, "alert:9:1", urgent=True)
    assert await store.raise_alert(55, TODAY, [alert], 3)
    assert [m.payload["text"] for m in await store.claim_due(NOW, 10, urgent_only=True)] == [
        "alert"
    ]


async def test_raising_an_alert_queues_it_once(store: Store) -> None:
    """One call queues every lead's message; the same update again does nothing."""
    messages = [OutgoingMessage(lead, {"text": "a"}, NOW, f"alert:9:{lead}") for lead in (1, 2)]
    assert await store.raise_alert(CHAT, TODAY, messages, 9)
    assert not await store.raise_alert(CHAT, TODAY, messages, 9)
    assert sorted(e.chat_id for e in await store.outbox_entries()) == [1, 2]


async def test_person_data_shows_what_is_held(store: Store) -> None:
    """Group, language, status, joined date, pause, unfinished check-ins by survey (found by
    the person's links), meetings with their answers, and finished check-ins whose answers
    still wait for release; nothing for a stranger."""
    north = await store.add_cohort("North", "N1", TODAY)
    await store.join(CHAT, north.id, "cy", TODAY, 1)
    checkin = await new_checkin(store)
    await store.save_progress(LINK, checkin.id, {"a": 1}, TODAY, 2)
    done = await new_checkin(store)
    await store.finish_response("link-done", done.id, {"a": 1}, TODAY, 5, batch=K)
    draft = Meeting(0, "Forum", NOW + DAY, None, None, None, None)
    meeting, _ = await store.add_meeting(draft, Audience(), [], lambda m: {}, NOW)
    await store.set_rsvp(meeting.id, CHAT, Rsvp.GOING, 3)
    await store.set_pause(CHAT, NOW + DAY, 4)
    assert await store.person_data(CHAT, [LINK, "link-done", "not-theirs"]) == PersonData(
        "North",
        "cy",
        ContactStatus.JOINED,
        TODAY,
        NOW + DAY,
        ("weekly",),
        (HeldMeeting("Forum", NOW + DAY, Rsvp.GOING),),
        ("weekly",),  # finished, waiting for its batch
    )
    await store.release_waiting(done.id, TODAY)
    found = await store.person_data(CHAT, [LINK, "link-done"])
    assert found is not None and found.waiting == ()
    assert await store.person_data(CHAT + 1, []) is None


async def test_retention_deletes_each_kind_after_its_time_and_twice_changes_nothing(
    store: Store,
) -> None:
    """Unfinished responses after 7 days, answers after the answer days, people who stopped
    90 days after a pass first saw them stopped, alerts after a year; a second run that day
    removes nothing."""
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.join(7, None, "en", TODAY, 2)
    checkin = await new_checkin(store)
    await store.save_progress(LINK, checkin.id, {"a": 1}, TODAY, 3)
    await store.finish_response("done", checkin.id, {"q": "yes"}, TODAY, 4, batch=K)
    await store.release_waiting(checkin.id, TODAY)
    await store.raise_alert(7, TODAY, [], 5)
    await store.set_status(CHAT, ContactStatus.STOPPED, 6)
    assert await store.apply_retention(TODAY, **KEEP) == Removed()  # marks CHAT stopped today
    assert await store.apply_retention(later(8), **KEEP) == Removed(unfinished=1)
    assert await store.progress(LINK) is None
    assert await store.apply_retention(later(91), **KEEP) == Removed(contacts=1)
    assert await store.contact(CHAT) is None and await store.contact(7) is not None
    assert await store.apply_retention(later(366), **KEEP) == Removed(alerts=1)
    assert await store.apply_retention(later(731), **KEEP) == Removed(answers=1)
    assert (await store.totals(checkin.id)).responses == 0
    assert await store.apply_retention(later(731), **KEEP) == Removed()


async def test_retention_keeps_a_waiting_response_as_long_as_answers(store: Store) -> None:
    """A finished response still waiting for its batch is not unfinished: the 7-day pass keeps
    it (still finished, still released later); it goes with the answers of its day, each
    answer counted."""
    checkin = await new_checkin(store)
    await store.finish_response(LINK, checkin.id, {"q": "yes", "r": 2}, TODAY, 1, batch=K)
    assert await store.apply_retention(later(8), **KEEP) == Removed()
    assert await store.has_finished(checkin.id, LINK)
    assert await store.apply_retention(later(731), **KEEP) == Removed(answers=2)
    assert not await store.has_finished(checkin.id, LINK)
    assert await store.release_waiting(checkin.id, later(731)) == 0
    assert (await store.totals(checkin.id)).responses == 0


async def test_rejoining_restarts_the_count_for_someone_who_stopped(store: Store) -> None:
    """Stopping, a pass, rejoining and stopping again: the 90 days count from the second stop."""
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.set_status(CHAT, ContactStatus.STOPPED, 2)
    await store.apply_retention(TODAY, **KEEP)
    await store.join(CHAT, None, "en", later(80), 3)
    await store.set_status(CHAT, ContactStatus.STOPPED, 4)
    await store.apply_retention(later(85), **KEEP)
    assert (await store.apply_retention(later(100), **KEEP)).contacts == 0
    assert (await store.apply_retention(later(176), **KEEP)).contacts == 1
