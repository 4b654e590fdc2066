"""The storage contract for ``OutboxStore``: queueing, claiming, sending, retrying and pruning.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

from storage.base import Audience, NewCheckin, OutgoingMessage, Store
from tests.storage.contract import CHAT, INVITE, NOW, TODAY


async def test_outbox_lifecycle(store: Store) -> None:
    """Queued -> sending (claimed) -> sent, retried later, or failed; counts follow, and a sent
    or failed message is deleted (its row names the person): only the counts stay."""
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
    assert await store.outbox_entries() == []


async def test_requeue_inflight_returns_sending_messages(store: Store) -> None:
    """After a crash, messages left 'sending' are queued again; sent ones are not."""
    await store.enqueue([OutgoingMessage(n, {}, NOW) for n in (1, 2, 3)])
    first, *rest = await store.claim_due(NOW, 10)
    await store.mark_sent([first.id], NOW)
    assert await store.requeue_inflight() == 2
    assert [m.id for m in await store.claim_due(NOW, 10)] == [m.id for m in rest]
    assert await store.requeue_inflight() == 2
    assert await store.requeue_inflight() == 0


async def test_requeue_counts_only_started_sends_as_perhaps_sent(store: Store) -> None:
    """Review: a claim that was never tried (a crash, or a failed pass, before its request left)
    is queued again as it was; only a started one counts as a try of unknown outcome, and a
    second such try takes it as sent. A crash loop can never turn unsent messages into
    'unconfirmed' ones."""
    await store.enqueue([OutgoingMessage(n, {}, NOW) for n in (1, 2)])
    for _ in range(3):  # three crashes in a row, each before any request left
        await store.claim_due(NOW, 10)
        assert await store.requeue_inflight() == 2
    entries = await store.outbox_entries()
    assert [(e.status, e.attempts, e.error) for e in entries] == [("queued", 0, None)] * 2
    for _ in range(2):  # now two crashes with the first message's request in flight
        started, _ = await store.claim_due(NOW, 10)
        await store.mark_started(started.id)
        await store.requeue_inflight()
    entries = await store.outbox_entries()
    assert [(e.chat_id, e.status, e.error) for e in entries] == [(2, "queued", None)]
    assert (await store.outbox_counts())["sent"] == 1


async def test_enqueue_ignores_a_repeated_dedupe_key(store: Store) -> None:
    """A message whose dedupe key is still waiting (queued or being sent) is not queued again.
    A sent one is deleted, key and all: ``once`` (a meta key set in the same transaction)
    keeps a repeated call from sending again after that."""
    message = OutgoingMessage(1, {"text": "hi"}, NOW, dedupe_key="reminder:1:1")
    assert await store.enqueue([message], once="reminders:1") == 1
    assert await store.enqueue([message, OutgoingMessage(2, {}, NOW)]) == 1
    claimed = await store.claim_due(NOW, 10)
    assert await store.enqueue([message]) == 0  # still being sent
    await store.mark_sent([m.id for m in claimed], NOW)
    assert await store.outbox_entries() == []
    assert await store.enqueue([message], once="reminders:1") == 0
    assert await store.enqueue([], once="nothing:1") == 0
    assert await store.get_meta("nothing:1") is not None
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
    """A message still queued when it expires is failed (deleted, counted) by the claim that
    finds it, urgent or not, while messages without an expiry or not yet expired are claimed."""
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
    assert [e.chat_id for e in await store.outbox_entries()] == [3, 4]


async def test_invitations_expire_when_the_checkin_closes(store: Store) -> None:
    """Regression: invitations still queued when their check-in closed (the bot was down, or
    quiet hours held them) were sent anyway, to a check-in nobody could answer."""
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.open_checkin(NewCheckin("weekly", None, NOW, NOW + 3600), Audience(), INVITE)
    await store.open_checkin(NewCheckin("weekly", None, NOW, None), Audience(), INVITE)
    assert len(await store.claim_due(NOW + 3600, 10)) == 1
    assert (await store.outbox_counts())["failed"] == 1


async def test_sent_and_failed_messages_are_deleted_and_only_counted_for_a_week(
    store: Store,
) -> None:
    """Regression: sent and failed messages were kept a week, with their chat ids and keys
    such as ``checkin:N:remind:<chat>`` that tell who had not finished by reminder time. Now
    they go at once; their counts (by the day they were due) are forgotten after a week."""
    week, day = 7 * 24 * 3600.0, 24 * 3600.0
    await store.enqueue([OutgoingMessage(n, {}, NOW, f"checkin:1:remind:{n}") for n in (1, 2, 3)])
    await store.enqueue([OutgoingMessage(4, {}, NOW + 2 * week)])
    sent, failed, kept = await store.claim_due(NOW, 3)
    await store.mark_sent([sent.id], NOW)
    await store.mark_failed(failed.id, "unreachable")
    await store.retry_later(kept.id, NOW, "429")
    assert [e.chat_id for e in await store.outbox_entries("checkin:1:remind:")] == [3]
    assert await store.outbox_left("checkin:1:remind:") == 1
    assert await store.prune_outbox(NOW + week) == 0
    assert await store.outbox_counts() == {"queued": 2, "sending": 0, "sent": 1, "failed": 1}
    assert await store.prune_outbox(NOW + week + day) == 0
    assert await store.outbox_counts() == {"queued": 2, "sending": 0, "sent": 0, "failed": 0}


async def test_outbox_entries_show_each_message_as_queued(store: Store) -> None:
    """Entries show every message in queue order, or those whose dedupe key has a prefix."""
    await store.enqueue(
        [
            OutgoingMessage(2, {"text": "a"}, NOW, "checkin:1:invite:2", expires_at=NOW + 9),
            OutgoingMessage(1, {"text": "b"}, NOW + 5, "meeting:1:invite:1", urgent=True),
            OutgoingMessage(3, {}, NOW),
        ]
    )
    first, second, third = await store.outbox_entries()
    assert (first.chat_id, first.payload, first.due_at, first.expires_at) == (
        2,
        {"text": "a"},
        NOW,
        NOW + 9,
    )
    assert (second.status, second.attempts, second.urgent, second.dedupe_key) == (
        "queued",
        0,
        True,
        "meeting:1:invite:1",
    )
    assert third.dedupe_key is None and not third.urgent
    assert [e.chat_id for e in await store.outbox_entries("checkin:1:")] == [2]
    assert await store.outbox_entries("nothing:") == []
    (claimed,) = await store.claim_due(NOW, 1)
    await store.retry_later(claimed.id, NOW + 60, "paced")
    entry = (await store.outbox_entries("checkin:1:"))[0]
    assert (entry.status, entry.due_at, entry.error, entry.attempts) == (
        "queued",
        NOW + 60,
        "paced",
        1,
    )


async def test_a_bot_requeues_only_its_own_claims_after_a_failed_pass(store: Store) -> None:
    """A bot whose pass failed queues again only what it claimed, and its next claim does not
    take its own claims back from it (they are still being sent)."""
    await store.enqueue([OutgoingMessage(n, {}, NOW) for n in (1, 2, 3)])
    mine = await store.claim_due(NOW, 1, claimer="bot-a")
    assert [m.chat_id for m in mine] == [1]
    assert await store.claim_due(NOW, 10, claimer="bot-a") != []  # 2 and 3; 1 stays claimed
    statuses = {e.chat_id: e.status for e in await store.outbox_entries()}
    assert statuses == {1: "sending", 2: "sending", 3: "sending"}
    assert await store.requeue_inflight("bot-a") == 3
    assert await store.requeue_inflight("bot-b") == 0


async def test_claims_of_a_bot_no_longer_running_are_taken_up(store: Store) -> None:
    """A bot that died mid-send never marks its claims: at start (``requeue_inflight()``)
    and at every other bot's claim, claims whose bot is not running are queued again (a
    started one as a try of unknown outcome, as after a crash). Without a coordinator, as
    here, no claimer counts as running."""
    await store.enqueue([OutgoingMessage(n, {}, NOW) for n in (1, 2, 3)])
    dead = await store.claim_due(NOW, 2, claimer="dead")
    await store.mark_started(dead[0].id)
    again = await store.claim_due(NOW, 10, claimer="alive")
    assert [(m.chat_id, m.attempts) for m in again] == [(1, 2), (2, 1), (3, 1)]
    assert await store.requeue_inflight() == 3


async def test_a_bots_own_claims_are_never_taken_back_by_its_later_claims(store: Store) -> None:
    """Its own claims are never taken back by a bot's later claims, however long a send
    waits (a clock that jumped, a long pause): only a failed pass or a restart requeues them."""
    await store.enqueue([OutgoingMessage(1, {}, NOW)])
    await store.claim_due(NOW, 10, claimer="bot-a", lease=60)
    assert await store.claim_due(NOW + 3600, 10, claimer="bot-a") == []


async def test_a_bot_changes_only_messages_it_still_holds(store: Store) -> None:
    """A bot taken for dead (its claims were taken up by another) cannot undo the other's
    send: its marks change nothing once the claim is someone else's."""
    await store.enqueue([OutgoingMessage(1, {}, NOW), OutgoingMessage(2, {}, NOW)])
    first, second = await store.claim_due(NOW, 10, claimer="slow")
    retaken = await store.claim_due(NOW, 10, claimer="other")  # "slow" taken for dead
    assert [m.id for m in retaken] == [first.id, second.id]
    await store.mark_sent([first.id], NOW, claimer="slow")
    await store.retry_later(second.id, NOW + 60, "rate limited", claimer="slow")
    await store.mark_failed(second.id, "refused", claimer="slow")
    assert not await store.mark_unsure(second.id, NOW, "no answer", NOW, claimer="slow")
    entries = {e.id: (e.status, e.due_at) for e in await store.outbox_entries()}
    assert entries == {first.id: ("sending", NOW), second.id: ("sending", NOW)}
    await store.mark_sent([first.id, second.id], NOW, claimer="other")
    assert await store.outbox_entries() == []
