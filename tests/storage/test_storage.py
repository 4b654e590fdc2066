"""The storage contract suite: every ``Store`` backend must pass each of these tests."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from storage.base import (
    Checkin,
    ContactStatus,
    Meeting,
    NewCheckin,
    OutgoingMessage,
    Progress,
    StorageError,
    Store,
)
from storage.sqlite import SCHEMA_VERSION, SqliteStore

TODAY = "2025-03-01"
NOW = 1_700_000_000.0
CHAT = 4242424242
LINK = "link-5f0c3a"
INVITE_PAYLOAD = {"text": "How was your week?", "buttons": [[{"text": "Start", "data": "c:1"}]]}


def INVITE(checkin: Checkin) -> dict[str, object]:
    return {**INVITE_PAYLOAD, "checkin": checkin.id}


TABLES = ("cohorts", "contacts", "checkins", "progress", "answers", "participation", "outbox")


@pytest.fixture(params=["memory", "file"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Each backend, opened empty."""
    path = ":memory:" if request.param == "memory" else tmp_path / "t.db"
    async with SqliteStore(path) as opened:
        yield opened


async def peek(store: Store, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows straight from the backend, for what the protocol deliberately cannot show."""
    assert isinstance(store, SqliteStore)
    return [tuple(row) for row in await store._all("peek", sql, params)]


async def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row, to prove that a call changed nothing."""
    tables = (*TABLES, "handled_updates")
    return {t: sorted(await peek(store, f"SELECT * FROM {t}"), key=repr) for t in tables}


async def seed_contacts(store: Store, cohort_id: int, count: int) -> None:
    """Many joined contacts at once (calling ``join`` 10,000 times only tests the thread hop)."""
    assert isinstance(store, SqliteStore)
    async with store._tx("seed") as db:
        await db.executemany(
            "INSERT INTO contacts (chat_id, cohort_id, language, status, joined_on)"
            " VALUES (?, ?, 'en', 'joined', ?)",
            [(1_000_000 + n, cohort_id, TODAY) for n in range(count)],
        )


async def new_checkin(store: Store, cohort_id: int | None = None) -> Checkin:
    checkin, _ = await store.open_checkin(NewCheckin("weekly", cohort_id, NOW, None), INVITE)
    return checkin


# Update dedupe -------------------------------------------------------------------------------

# Each call takes a variant (0 on the first call, 1 on the repeat) so the repeat asks for a change.
UpdateCall = Callable[[Store, int, int], Awaitable[bool]]
UPDATE_CALLS: dict[str, UpdateCall] = {
    "claim_update": lambda s, ck, v: s.claim_update(7, NOW + v),
    "join": lambda s, ck, v: s.join(CHAT, None, ("fr", "de")[v], TODAY, 7),
    "set_status": lambda s, ck, v: s.set_status(CHAT, ContactStatus.STOPPED, 7),
    "erase_person": lambda s, ck, v: s.erase_person(CHAT, [LINK], 7),
    "save_progress": lambda s, ck, v: s.save_progress(LINK, ck, {"step": 10 + v}, TODAY, 7),
    "finish_response": lambda s, ck, v: s.finish_response(LINK, ck, {"mood": v}, TODAY, 7),
}


@pytest.mark.parametrize("method", UPDATE_CALLS)
async def test_repeated_update_id_changes_nothing(store: Store, method: str) -> None:
    """A method given an update id already handled returns False and writes nothing at all."""
    cohort = await store.add_cohort("North", "N1", TODAY)
    checkin = await new_checkin(store, cohort.id)
    call = UPDATE_CALLS[method]

    async def fresh_person() -> None:
        await store.join(CHAT, cohort.id, "en", TODAY, update_id=next(ids))
        await store.save_progress(LINK, checkin.id, {"step": 1}, TODAY, update_id=next(ids))

    ids = iter(range(100, 200))
    await fresh_person()
    assert await call(store, checkin.id, 0) is True
    if method == "finish_response":
        await store.erase_person(CHAT, [LINK], update_id=next(ids))  # lets a second finish write
    await fresh_person()
    before = await snapshot(store)
    assert await call(store, checkin.id, 1) is False
    assert await snapshot(store) == before


async def test_set_status_without_update_id_always_applies(store: Store) -> None:
    """``set_status(..., update_id=None)`` skips the claim and changes the status."""
    await store.join(CHAT, None, "en", TODAY, 1)
    assert await store.set_status(CHAT, ContactStatus.STOPPED, None) is True
    assert await store.set_status(CHAT, ContactStatus.STOPPED, None) is True
    contact = await store.contact(CHAT)
    assert contact is not None and contact.status is ContactStatus.STOPPED


# Cohorts and contacts ------------------------------------------------------------------------


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


async def test_count_contacts_counts_joined_members_only(store: Store) -> None:
    """Stopped and unreachable contacts are not counted; None counts every cohort."""
    north = await store.add_cohort("North", "N1", TODAY)
    south = await store.add_cohort("South", "S1", TODAY)
    for chat_id, cohort_id in [(1, north.id), (2, north.id), (3, north.id), (4, south.id)]:
        await store.join(chat_id, cohort_id, "en", TODAY, chat_id)
    await store.set_status(2, ContactStatus.STOPPED, None)
    await store.mark_unreachable([3])
    assert await store.count_contacts(north.id) == 1
    assert await store.count_contacts(south.id) == 1
    assert await store.count_contacts(None) == 2


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
    await store.finish_response("link-done", first.id, {"mood": "ok"}, TODAY, 3)
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


# Check-ins -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOW - 11, []),
        (NOW - 1, ["early"]),
        (NOW, ["later", "early"]),
        (NOW + 99, ["later", "early"]),
        (NOW + 100, ["early"]),
        (NOW + 10**6, ["early"]),
    ],
)
async def test_open_checkins_by_time(store: Store, now: float, expected: list[str]) -> None:
    """A check-in is open from ``opens_at`` until before ``closes_at``; newest first."""
    await store.open_checkin(NewCheckin("early", None, NOW - 10, None), INVITE)
    await store.open_checkin(NewCheckin("later", None, NOW, NOW + 100), INVITE)
    assert [c.survey_id for c in await store.open_checkins(now)] == expected


async def test_checkins_lists_newest_first(store: Store) -> None:
    """All check-ins come back newest (latest opening) first and one can be fetched by id."""
    old, _ = await store.open_checkin(NewCheckin("a", None, NOW, None), INVITE)
    new, _ = await store.open_checkin(NewCheckin("b", None, NOW + 5, NOW + 9), INVITE)
    assert await store.checkins() == [new, old]
    assert await store.checkin(new.id) == Checkin(new.id, "b", None, NOW + 5, NOW + 9)
    assert await store.checkin(new.id + 100) is None


async def test_open_checkin_invites_joined_members_of_the_cohort(store: Store) -> None:
    """Invitations go to joined members of the cohort only, due when the check-in opens."""
    north = await store.add_cohort("North", "N1", TODAY)
    south = await store.add_cohort("South", "S1", TODAY)
    for chat_id, cohort_id in [(1, north.id), (2, north.id), (3, north.id), (4, north.id)]:
        await store.join(chat_id, cohort_id, "en", TODAY, chat_id)
    await store.join(5, south.id, "en", TODAY, 5)
    await store.set_status(3, ContactStatus.STOPPED, None)
    await store.mark_unreachable([4])

    checkin, queued = await store.open_checkin(NewCheckin("weekly", north.id, NOW, None), INVITE)

    assert queued == 2
    assert await store.claim_due(NOW - 1, 10) == []
    due = await store.claim_due(NOW, 10)
    assert sorted(m.chat_id for m in due) == [1, 2]
    assert all(m.payload == INVITE(checkin) and m.due_at == NOW for m in due)
    keys = await peek(store, "SELECT dedupe_key FROM outbox ORDER BY chat_id")
    assert keys == [(f"checkin:{checkin.id}:invite:1",), (f"checkin:{checkin.id}:invite:2",)]
    _, everyone = await store.open_checkin(NewCheckin("weekly", None, NOW, None), INVITE)
    assert everyone == 3


@pytest.mark.timeout(30)
async def test_open_checkin_for_ten_thousand_contacts(store: Store) -> None:
    """Opening a check-in for 10,000 contacts queues 10,000 invitations in one quick step."""
    cohort = await store.add_cohort("Everyone", "E1", TODAY)
    await seed_contacts(store, cohort.id, 10_000)
    _, queued = await store.open_checkin(NewCheckin("weekly", cohort.id, NOW, None), INVITE)
    assert queued == 10_000
    assert (await store.outbox_counts())["queued"] == 10_000


# Answers -------------------------------------------------------------------------------------


async def test_progress_round_trip_and_upsert(store: Store) -> None:
    """Saved progress comes back decoded; saving again replaces it."""
    checkin = await new_checkin(store)
    assert await store.progress(LINK) is None
    await store.save_progress(LINK, checkin.id, {"step": 1, "answers": {"a": [1]}}, TODAY, 1)
    assert await store.progress(LINK) == Progress(checkin.id, {"step": 1, "answers": {"a": [1]}})
    await store.save_progress(LINK, checkin.id, {"step": 2}, TODAY, 2)
    assert await store.progress(LINK) == Progress(checkin.id, {"step": 2})


async def test_follow_up_progress_write_claims_nothing_and_never_brings_a_row_back(
    store: Store,
) -> None:
    """Saving with no update id (the message id, written after sending) updates the row
    without a claim, and writes nothing once the row is gone (finished, erased or closed)."""
    checkin = await new_checkin(store)
    assert not await store.save_progress(LINK, checkin.id, {"step": 0}, TODAY, None)
    assert await store.progress(LINK) is None
    await store.save_progress(LINK, checkin.id, {"step": 1}, TODAY, 1)
    assert await store.save_progress(LINK, checkin.id, {"step": 1, "message": 5}, TODAY, None)
    assert await store.progress(LINK) == Progress(checkin.id, {"step": 1, "message": 5})
    assert await store.save_progress(LINK, checkin.id, {"step": 2}, TODAY, 2)  # 2 is unclaimed


async def test_finish_response_writes_answers_marks_and_drops_progress(store: Store) -> None:
    """Finishing writes each answer under one random response id, adds the participation mark
    and deletes the progress row."""
    checkin = await new_checkin(store)
    await store.save_progress(LINK, checkin.id, {"step": 3}, TODAY, 1)
    answers = {"mood": "good", "topics": ["school", "housing"], "note": "thanks"}

    assert await store.finish_response(LINK, checkin.id, answers, TODAY, 2)

    assert await store.progress(LINK) is None
    assert await store.has_finished(checkin.id, LINK)
    assert not await store.has_finished(checkin.id, "someone-else")
    rows = await peek(store, "SELECT response_id, question_id, answered_on FROM answers")
    assert sorted(q for _, q, _ in rows) == sorted(answers)
    assert len({r for r, _, _ in rows}) == 1 and {d for _, _, d in rows} == {TODAY}
    response_id = rows[0][0]
    assert len(response_id) == 32 and int(response_id, 16) >= 0
    await store.finish_response("link-2", checkin.id, answers, TODAY, 3)
    assert len({r for r, *_ in await peek(store, "SELECT response_id FROM answers")}) == 2


async def test_finish_twice_for_one_link_writes_nothing(store: Store) -> None:
    """A second finish for the same participation mark fails as a whole: no answers, no claim."""
    checkin = await new_checkin(store)
    await store.finish_response(LINK, checkin.id, {"mood": "good"}, TODAY, 1)
    before = await snapshot(store)
    with pytest.raises(StorageError):
        await store.finish_response(LINK, checkin.id, {"mood": "bad"}, TODAY, 2)
    assert await snapshot(store) == before


async def test_answers_cannot_be_traced_to_a_person(store: Store) -> None:
    """No answer row holds the link or the chat id, and the anonymous tables are WITHOUT ROWID,
    so their storage order follows the random key, not the order of writing."""
    checkin = await new_checkin(store)
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.finish_response(LINK, checkin.id, {"mood": "good", "age": 17}, TODAY, 2)
    for row in await peek(store, "SELECT * FROM answers"):
        for column in row:
            assert LINK not in str(column) and str(CHAT) not in str(column)
    for table in ("answers", "participation", "progress"):
        with pytest.raises(StorageError):
            await peek(store, f"SELECT rowid FROM {table}")


async def test_totals_count_each_item_of_multi_answers(store: Store) -> None:
    """Totals count finished responses, and per question each value, list items one by one."""
    checkin = await new_checkin(store)
    other = await new_checkin(store)
    given: list[dict[str, Any]] = [
        {"mood": "good", "topics": ["school", "housing"], "age": 17},
        {"mood": "good", "topics": ["school"], "age": 18},
        {"mood": "bad", "topics": []},
    ]
    for n, answers in enumerate(given):
        await store.finish_response(f"link-{n}", checkin.id, answers, TODAY, n)
    await store.finish_response("link-x", other.id, {"mood": "bad"}, TODAY, 99)

    totals = await store.totals(checkin.id)

    assert totals.responses == 3
    assert totals.counts == {
        "mood": {"good": 2, "bad": 1},
        "topics": {"school": 2, "housing": 1},
        "age": {"17": 1, "18": 1},
    }
    assert (await store.totals(other.id + 1)).responses == 0


# Outbox --------------------------------------------------------------------------------------


async def test_outbox_lifecycle(store: Store) -> None:
    """Queued -> sending (claimed) -> sent, retried later, or failed; counts follow."""
    await store.enqueue([OutgoingMessage(n, {"text": str(n)}, NOW) for n in (1, 2, 3)])
    claimed = await store.claim_due(NOW, 10)
    assert [(m.chat_id, m.attempts, m.payload) for m in claimed] == [
        (1, 1, {"text": "1"}),
        (2, 1, {"text": "2"}),
        (3, 1, {"text": "3"}),
    ]
    assert await store.claim_due(NOW, 10) == []
    await store.mark_sent([claimed[0].id, claimed[1].id], NOW + 1)
    await store.retry_later(claimed[2].id, NOW + 30, "429")
    assert await store.outbox_counts() == {"queued": 1, "sending": 0, "sent": 2, "failed": 0}
    assert await store.claim_due(NOW + 29, 10) == []
    (again,) = await store.claim_due(NOW + 30, 10)
    assert (again.id, again.attempts, again.due_at) == (claimed[2].id, 2, NOW + 30)
    await store.mark_failed(again.id, "403")
    assert await store.outbox_counts() == {"queued": 0, "sending": 0, "sent": 2, "failed": 1}
    sent = await peek(store, "SELECT sent_at FROM outbox WHERE status = 'sent'")
    assert sent == [(NOW + 1,), (NOW + 1,)]


async def test_requeue_inflight_returns_sending_messages(store: Store) -> None:
    """After a crash, messages left 'sending' are queued again; sent ones are not."""
    await store.enqueue([OutgoingMessage(n, {}, NOW) for n in (1, 2, 3)])
    first, *rest = await store.claim_due(NOW, 10)
    await store.mark_sent([first.id], NOW)
    assert await store.requeue_inflight() == 2
    assert [m.id for m in await store.claim_due(NOW, 10)] == [m.id for m in rest]
    assert await store.requeue_inflight() == 2
    assert await store.requeue_inflight() == 0


async def test_enqueue_ignores_a_repeated_dedupe_key(store: Store) -> None:
    """A message whose dedupe key was queued or sent before is not queued again."""
    message = OutgoingMessage(1, {"text": "hi"}, NOW, dedupe_key="reminder:1:1")
    assert await store.enqueue([message]) == 1
    assert await store.enqueue([message, OutgoingMessage(2, {}, NOW)]) == 1
    claimed = await store.claim_due(NOW, 10)
    await store.mark_sent([m.id for m in claimed], NOW)
    assert await store.enqueue([message]) == 0
    assert await store.enqueue([OutgoingMessage(1, {}, NOW), OutgoingMessage(1, {}, NOW)]) == 2
    assert await store.enqueue([]) == 0


async def test_claim_due_order_and_limit(store: Store) -> None:
    """Claims take the earliest due first (then the oldest), up to the limit, never the future."""
    await store.enqueue(
        [
            OutgoingMessage(1, {}, NOW + 20),
            OutgoingMessage(2, {}, NOW + 10),
            OutgoingMessage(3, {}, NOW + 10),
            OutgoingMessage(4, {}, NOW + 999),
        ]
    )
    assert [m.chat_id for m in await store.claim_due(NOW + 20, 2)] == [2, 3]
    assert [m.chat_id for m in await store.claim_due(NOW + 20, 2)] == [1]
    assert await store.claim_due(NOW + 20, 2) == []


async def test_one_chats_messages_are_claimed_one_at_a_time_in_queue_order(store: Store) -> None:
    """Regression: pacing held a person's first message back (a later due time) and their
    second, still due earlier, went out first. Only each chat's oldest unsent message can be
    claimed; an urgent one in quiet hours is not held behind ordinary ones."""
    await store.enqueue([OutgoingMessage(1, {"n": n}, NOW) for n in range(3)])
    await store.enqueue([OutgoingMessage(2, {}, NOW), OutgoingMessage(2, {}, NOW, urgent=True)])
    first = await store.claim_due(NOW, 10)
    assert [(m.chat_id, m.payload) for m in first] == [(1, {"n": 0}), (2, {})]
    assert await store.claim_due(NOW, 10) == []  # each chat's first is still sending
    held = first[0]
    await store.retry_later(held.id, NOW + 5, "paced", attempted=False)
    assert [m.chat_id for m in await store.claim_due(NOW + 1, 10)] == []
    assert [m.payload for m in await store.claim_due(NOW + 5, 10)] == [{"n": 0}]
    await store.retry_later(first[1].id, NOW + 99, "paced", attempted=False)
    urgent = await store.claim_due(NOW + 5, 10, urgent_only=True)
    assert [(m.chat_id, m.id) for m in urgent] == [(2, first[1].id + 1)]


async def test_expired_messages_are_failed_and_never_claimed(store: Store) -> None:
    """A message still queued when it expires is failed ('expired') by the claim that finds it,
    urgent or not, while messages without an expiry or not yet expired are claimed."""
    await store.enqueue(
        [
            OutgoingMessage(1, {}, NOW, expires_at=NOW + 10),
            OutgoingMessage(2, {}, NOW, urgent=True, expires_at=NOW + 10),
            OutgoingMessage(3, {}, NOW, expires_at=NOW + 11),
            OutgoingMessage(4, {}, NOW),
        ]
    )
    assert [m.chat_id for m in await store.claim_due(NOW + 10, 10, urgent_only=True)] == []
    assert [m.chat_id for m in await store.claim_due(NOW + 10, 10)] == [3, 4]
    assert await store.outbox_counts() == {"queued": 0, "sending": 2, "sent": 0, "failed": 2}
    failed = await peek(store, "SELECT chat_id, error FROM outbox WHERE status = 'failed'")
    assert sorted(failed) == [(1, "expired"), (2, "expired")]


async def test_invitations_expire_when_the_checkin_closes(store: Store) -> None:
    """Regression: invitations still queued when their check-in closed (the bot was down, or
    quiet hours held them) were sent anyway, to a check-in nobody could answer."""
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.open_checkin(NewCheckin("weekly", None, NOW, NOW + 3600), INVITE)
    await store.open_checkin(NewCheckin("weekly", None, NOW, None), INVITE)
    assert len(await store.claim_due(NOW + 3600, 10)) == 1
    assert (await store.outbox_counts())["failed"] == 1


async def test_prune_outbox_forgets_sent_and_failed_messages_after_a_week(store: Store) -> None:
    """Regression: sent and failed messages were kept for ever, with their chat ids and keys
    such as ``checkin:N:remind:<chat>`` that tell who had not finished by reminder time."""
    week = 7 * 24 * 3600.0
    await store.enqueue([OutgoingMessage(n, {}, NOW, f"checkin:1:remind:{n}") for n in (1, 2, 3)])
    await store.enqueue([OutgoingMessage(4, {}, NOW + 2 * week)])
    sent, failed, kept = await store.claim_due(NOW, 3)
    await store.mark_sent([sent.id], NOW)
    await store.mark_failed(failed.id, "unreachable")
    await store.retry_later(kept.id, NOW, "429")
    assert await store.prune_outbox(NOW + week) == 0
    assert await store.prune_outbox(NOW + week + 1) == 2
    assert await store.outbox_counts() == {"queued": 2, "sending": 0, "sent": 0, "failed": 0}
    assert await store.prune_outbox(NOW + 3 * week) == 0


FORGET_PROGRESS: dict[str, Callable[[Store, int], Awaitable[object]]] = {
    "finish_response": lambda s, ck: s.finish_response(LINK, ck, {"note": "FINAL"}, TODAY, 3),
    "erase_person": lambda s, ck: s.erase_person(CHAT, [LINK], 3),
    "drop_closed_progress": lambda s, ck: s.drop_closed_progress(NOW + 100),
}


@pytest.mark.parametrize("forget", FORGET_PROGRESS)
async def test_a_deleted_progress_row_leaves_no_remnant_in_the_file_or_wal(
    tmp_path: Path, forget: str
) -> None:
    """Regression: a progress row deleted at finish (the link with the unfinished answers)
    stayed readable in older page images in the -wal file until a checkpoint; now deleted
    rows are zeroed (secure_delete) and the log is emptied after each such delete."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        # Some SQLite builds have it on by default, others not: the store must ask for it.
        assert await peek(store, "PRAGMA secure_delete") == [(1,)]
        closing, _ = await store.open_checkin(NewCheckin("weekly", None, NOW, NOW + 100), INVITE)
        assert closing is not None
        staying = await new_checkin(store)
        await store.save_progress("link-other", staying.id, {"note": "STILL-GOING"}, TODAY, 1)
        await store.save_progress(LINK, closing.id, {"note": "HALF-WAY-SECRET"}, TODAY, 2)
        await FORGET_PROGRESS[forget](store, closing.id)
        assert await store.progress(LINK) is None
        wal = Path(f"{path}-wal")
        blob = path.read_bytes() + wal.read_bytes()
        assert b"STILL-GOING" in blob  # the search finds what is there
        assert b"HALF-WAY-SECRET" not in blob
        marks = 1 if forget == "finish_response" else 0  # the participation mark, by design
        assert blob.count(LINK.encode()) == marks
        assert wal.stat().st_size == 0


# Meetings ------------------------------------------------------------------------------------

STARTS = NOW + 3 * 24 * 3600.0


def NOTICE(meeting: Meeting) -> dict[str, object]:
    return {"text": f"{meeting.title} v{meeting.version}"}


async def meeting_for_three(store: Store) -> Meeting:
    """A meeting (24h and 1h reminders) for chats 1, 2 and 3, who then all say Going."""
    for chat in (1, 2, 3):
        await store.join(chat, None, "en", TODAY, chat)
    draft = Meeting(0, "Forum", STARTS, "Youth centre", None, None, None)
    reminders = [("24h", STARTS - 86400), ("1h", STARTS - 3600)]
    meeting, invited = await store.add_meeting(draft, reminders, NOTICE, NOW)
    assert invited == 3
    assert isinstance(store, SqliteStore)
    async with store._tx("seed") as db:
        await db.execute("UPDATE rsvps SET answer = 'going'")
    return meeting


async def outbox_rows(store: Store, kind: str) -> list[tuple[Any, ...]]:
    sql = "SELECT chat_id, urgent, expires_at FROM outbox WHERE dedupe_key LIKE ? ORDER BY 1"
    return await peek(store, sql, f"meeting:%:{kind}%")


@pytest.mark.parametrize("told", ["change", "cancel"])
async def test_meeting_notices_go_only_to_people_still_joined(store: Store, told: str) -> None:
    """Regression: change and cancel notices went to everyone ever invited, so people who had
    said /stop (or could no longer be reached) were written to again."""
    meeting = await meeting_for_three(store)
    await store.set_status(2, ContactStatus.STOPPED, None)
    await store.mark_unreachable([3])
    if told == "change":
        moved = Meeting(meeting.id, "Forum", STARTS + 60, "Town hall", None, None, None)
        assert await store.change_meeting(moved, [], NOTICE, NOW) == 1
    else:
        assert await store.cancel_meeting(meeting.id, NOTICE, NOW) == 1
    assert [row[0] for row in await outbox_rows(store, told)] == [1]


async def test_meeting_messages_expire_at_the_start_and_notices_can_be_urgent(
    store: Store,
) -> None:
    """Invitations, reminders, change and cancel notices expire when the meeting starts (the
    new start, for a change); a change or cancel notice is urgent when asked."""
    meeting = await meeting_for_three(store)
    assert await store.queue_meeting_reminder(meeting.id, "24h", {"text": "r"}, False, NOW) == 3
    moved = Meeting(meeting.id, "Forum", STARTS + 60, "Town hall", None, None, None)
    assert await store.change_meeting(moved, [], NOTICE, NOW, urgent=True) == 3
    assert await store.cancel_meeting(meeting.id, NOTICE, NOW, urgent=False) == 3
    assert await outbox_rows(store, "invite") == [(c, 0, STARTS) for c in (1, 2, 3)]
    assert await outbox_rows(store, "v1:remind") == [(c, 0, STARTS) for c in (1, 2, 3)]
    assert await outbox_rows(store, "change") == [(c, 1, STARTS + 60) for c in (1, 2, 3)]
    assert await outbox_rows(store, "cancel") == [(c, 0, STARTS + 60) for c in (1, 2, 3)]
    assert await store.claim_due(STARTS + 60, 100) == []


async def test_a_skipped_meeting_reminder_is_no_longer_due(store: Store) -> None:
    """A reminder skipped as too late is done: not due again, and never queued later."""
    meeting = await meeting_for_three(store)
    due = await store.due_meeting_reminders(STARTS - 1800)
    assert [kind for _, kind in due] == ["24h", "1h"]
    assert await store.skip_meeting_reminder(meeting.id, "24h")
    assert not await store.skip_meeting_reminder(meeting.id, "24h")
    assert [kind for _, kind in await store.due_meeting_reminders(STARTS - 1800)] == ["1h"]
    assert await store.queue_meeting_reminder(meeting.id, "24h", {}, False, NOW) == 0


# The SQLite backend itself -------------------------------------------------------------------


async def test_constraint_violation_raises_storage_error(store: Store) -> None:
    """Database errors surface as StorageError, without the offending value in the message."""
    await store.add_cohort("Care leavers 2025", "C1", TODAY)
    with pytest.raises(StorageError) as caught:
        await store.add_cohort("Care leavers 2025", "C2", TODAY)
    assert not isinstance(caught.value, sqlite3.Error)
    assert isinstance(caught.value.__cause__, sqlite3.Error)
    assert "Care leavers" not in str(caught.value)
    assert await store.cohort_by_code("C2") is None


async def test_concurrent_calls_on_one_store_do_not_interleave(store: Store) -> None:
    """Many coroutines sharing one store each get their own whole transaction."""
    results = await asyncio.gather(*(store.join(n, None, "en", TODAY, n) for n in range(50)))
    assert all(results)
    assert await store.count_contacts(None) == 50


async def test_closed_store_raises_storage_error() -> None:
    """Calling a store that is not open is a StorageError, not a crash deep in the driver."""
    store = SqliteStore(":memory:")
    with pytest.raises(StorageError):
        await store.cohorts()
    await store.open()
    await store.close()
    with pytest.raises(StorageError):
        await store.cohorts()


@pytest.mark.timeout(30)
async def test_two_processes_share_one_file(tmp_path: Path) -> None:
    """Two stores on one file (the bot and the CLI) see each other's writes, in WAL mode, and
    an update id is claimed by only one of them."""
    path = tmp_path / "shared.db"
    async with SqliteStore(path) as bot, SqliteStore(path) as cli:
        cohort = await cli.add_cohort("North", "N1", TODAY)
        assert await bot.cohort_by_code("N1") == cohort
        joins = [bot.join(n, cohort.id, "en", TODAY, n) for n in range(0, 60, 2)]
        joins += [cli.join(n, cohort.id, "en", TODAY, n) for n in range(1, 60, 2)]
        assert all(await asyncio.gather(*joins))
        assert await cli.count_contacts(cohort.id) == 60
        claims = await asyncio.gather(bot.claim_update(999, NOW), cli.claim_update(999, NOW))
        assert sorted(claims) == [False, True]
        assert await peek(bot, "PRAGMA journal_mode") == [("wal",)]


async def test_reopening_a_file_keeps_data_and_schema_version(tmp_path: Path) -> None:
    """The schema version is recorded once; reopening the file keeps what was stored."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as first:
        await first.add_cohort("North", "N1", TODAY)
    async with SqliteStore(path) as second:
        assert [c.name for c in await second.cohorts()] == ["North"]
        version = await peek(second, "SELECT value FROM meta WHERE key = 'schema_version'")
        assert version == [(str(SCHEMA_VERSION),)]


async def test_a_version_1_database_gains_the_outbox_expiry_column(tmp_path: Path) -> None:
    """A database made before messages could expire is brought up to date on opening."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as first:
        await first.enqueue([OutgoingMessage(1, {"text": "a"}, NOW)])
    with sqlite3.connect(path) as old:
        old.execute("ALTER TABLE outbox DROP COLUMN expires_at")
        old.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    old.close()
    async with SqliteStore(path) as second:
        assert await peek(second, "SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(SCHEMA_VERSION),)
        ]
        await second.enqueue([OutgoingMessage(2, {}, NOW, expires_at=NOW + 1)])
        assert [m.chat_id for m in await second.claim_due(NOW + 1, 10)] == [1]


CLI_JOINS = """
import asyncio, sys
from storage.sqlite import SqliteStore

async def main() -> None:
    async with SqliteStore(sys.argv[1]) as store:
        print("open", flush=True)
        for n in range(1, 200, 2):
            assert await store.join(n, None, "en", "2025-03-01", n)

asyncio.run(main())
"""


@pytest.mark.timeout(30)
async def test_another_process_writes_at_the_same_time(tmp_path: Path) -> None:
    """A second OS process writing to the same file meanwhile makes neither side fail."""
    path = tmp_path / "shared.db"
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    async with SqliteStore(path) as bot:
        cli = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI_JOINS, str(path), env=env, stdout=asyncio.subprocess.PIPE
        )
        assert cli.stdout is not None
        assert await cli.stdout.readline() == b"open\n"
        for n in range(0, 200, 2):
            assert await bot.join(n, None, "en", TODAY, n)
        assert await cli.wait() == 0
        assert await bot.count_contacts(None) == 200


async def test_handled_update_ids_are_forgotten_after_a_week(tmp_path: Path) -> None:
    """Update ids are remembered for seven days, then pruned so the table stays small."""
    path, day = tmp_path / "t.db", 24 * 3600.0
    async with SqliteStore(path) as store:
        assert await store.claim_update(1, NOW)
        assert await store.claim_update(2, NOW + 2 * day)
    async with SqliteStore(path) as store:
        assert await store.claim_update(3, NOW + 8 * day)  # a run's first claim prunes
        assert await store.claim_update(1, NOW + 8 * day)
        assert not await store.claim_update(2, NOW + 8 * day)


@pytest.mark.parametrize(
    ("place", "says"),
    [("folder", "the database path is a folder"), ("missing/x.db", "does not exist")],
)
async def test_a_database_that_cannot_be_opened_is_one_clear_error(
    tmp_path: Path, place: str, says: str
) -> None:
    """A folder where the file should be, or a missing folder, is a StorageError in words."""
    (tmp_path / "folder").mkdir()
    store = SqliteStore(tmp_path / place)
    with pytest.raises(StorageError, match=says):
        await store.open()
