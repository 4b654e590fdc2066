"""The storage contract, whole-store part: update ids, errors, concurrency, opening and sharing.

Every backend in ``conftest.BACKENDS`` must pass it; see conftest.py to add one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from storage.base import Audience, ContactStatus, StorageError, Store
from tests.storage.conftest import Backend
from tests.storage.contract import CHAT, LINK, NOW, TODAY, K, new_checkin, snapshot

# Each call takes a variant (0 on the first call, 1 on the repeat) so the repeat asks for a change.
UpdateCall = Callable[[Store, int, int], Awaitable[bool]]
UPDATE_CALLS: dict[str, UpdateCall] = {
    "claim_update": lambda s, ck, v: s.claim_update(7, NOW + v),
    "join": lambda s, ck, v: s.join(CHAT, None, ("fr", "de")[v], TODAY, 7),
    "set_status": lambda s, ck, v: s.set_status(CHAT, ContactStatus.STOPPED, 7),
    "erase_person": lambda s, ck, v: s.erase_person(CHAT, [LINK], 7),
    "save_progress": lambda s, ck, v: s.save_progress(LINK, ck, {"step": 10 + v}, TODAY, 7),
    "finish_response": lambda s, ck, v: s.finish_response(LINK, ck, {"mood": v}, TODAY, 7, batch=K),
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


async def test_meta_values_round_trip(store: Store) -> None:
    """A named value reads back as last set; an unknown name is None."""
    assert await store.get_meta("bot_username") is None
    await store.set_meta("bot_username", "youthvoice_bot")
    await store.set_meta("bot_username", "youthvoice2_bot")
    assert await store.get_meta("bot_username") == "youthvoice2_bot"


async def test_claim_meta_sets_a_value_only_once(store: Store) -> None:
    """``claim_meta`` sets a value that has none and says so; it never overwrites one, whoever
    set it."""
    assert await store.claim_meta("greeted_group:-100", "1") is True
    assert await store.claim_meta("greeted_group:-100", "2") is False
    assert await store.get_meta("greeted_group:-100") == "1"
    await store.set_meta("bot_username", "youthvoice_bot")
    assert await store.claim_meta("bot_username", "other_bot") is False
    assert await store.get_meta("bot_username") == "youthvoice_bot"


async def test_concurrent_claims_of_one_meta_key_have_one_winner(store: Store) -> None:
    """Of many claims of one key at once, exactly one wins, and its value is the one kept."""
    claims = await asyncio.gather(
        *(store.claim_meta("greeted_group:-7", str(n)) for n in range(20))
    )
    assert claims.count(True) == 1
    assert await store.get_meta("greeted_group:-7") == str(claims.index(True))


async def test_constraint_violation_raises_storage_error(store: Store) -> None:
    """Database errors surface as StorageError (the driver's error chained as its cause),
    without the offending value in the message, and the call changes nothing."""
    await store.add_cohort("Care leavers 2025", "C1", TODAY)
    with pytest.raises(StorageError) as caught:
        await store.add_cohort("Care leavers 2025", "C2", TODAY)
    assert caught.value.__cause__ is not None
    assert not isinstance(caught.value.__cause__, StorageError)
    assert "Care leavers" not in str(caught.value)
    assert await store.cohort_by_code("C2") is None


async def test_concurrent_calls_on_one_store_do_not_interleave(store: Store) -> None:
    """Many coroutines sharing one store each get their own whole transaction."""
    results = await asyncio.gather(*(store.join(n, None, "en", TODAY, n) for n in range(50)))
    assert all(results)
    assert await store.count_audience(Audience()) == 50


async def test_closed_store_raises_storage_error(backend: Backend) -> None:
    """Calling a store that is not open is a StorageError, not a crash deep in the driver."""
    store = backend.make()
    with pytest.raises(StorageError):
        await store.cohorts()
    await store.open()
    await store.close()
    with pytest.raises(StorageError):
        await store.cohorts()


async def opened(backend: Backend) -> Store:
    store = backend.make()
    await store.open()
    return store


@pytest.mark.timeout(30)
async def test_two_stores_share_one_database(persistent_backend: Backend) -> None:
    """Two stores on one database (the bot and the CLI) see each other's writes, and an
    update id is claimed by only one of them."""
    bot, cli = await opened(persistent_backend), await opened(persistent_backend)
    try:
        cohort = await cli.add_cohort("North", "N1", TODAY)
        assert await bot.cohort_by_code("N1") == cohort
        joins = [bot.join(n, cohort.id, "en", TODAY, n) for n in range(0, 60, 2)]
        joins += [cli.join(n, cohort.id, "en", TODAY, n) for n in range(1, 60, 2)]
        assert all(await asyncio.gather(*joins))
        assert await cli.count_audience(Audience(cohort_id=cohort.id)) == 60
        claims = await asyncio.gather(bot.claim_update(999, NOW), cli.claim_update(999, NOW))
        assert sorted(claims) == [False, True]
        metas = await asyncio.gather(bot.claim_meta("once", "bot"), cli.claim_meta("once", "cli"))
        assert sorted(metas) == [False, True]
    finally:
        await bot.close()
        await cli.close()


async def test_reopening_keeps_data(persistent_backend: Backend) -> None:
    """Closing a store and opening the database again keeps what was stored."""
    first = await opened(persistent_backend)
    try:
        await first.add_cohort("North", "N1", TODAY)
    finally:
        await first.close()
    second = await opened(persistent_backend)
    try:
        assert [c.name for c in await second.cohorts()] == ["North"]
    finally:
        await second.close()


async def test_handled_update_ids_are_forgotten_after_a_day(persistent_backend: Backend) -> None:
    """Update ids are remembered for a day (as long as Telegram may offer one again), then
    pruned so the table stays small and keeps no history (at the latest by a run's first
    claim)."""
    day = 24 * 3600.0
    store = await opened(persistent_backend)
    try:
        assert await store.claim_update(1, NOW)
        assert await store.claim_update(2, NOW + 2 * day)
        assert not await store.claim_update(2, NOW + 3 * day - 60)  # within the day
    finally:
        await store.close()
    store = await opened(persistent_backend)
    try:
        assert await store.claim_update(3, NOW + 3 * day + 3600)  # a run's first claim prunes
        assert await store.claim_update(1, NOW + 3 * day + 3600)
        assert await store.claim_update(2, NOW + 3 * day + 3600)
    finally:
        await store.close()


async def test_a_quiet_bot_forgets_update_ids_after_a_day_too(store: Store) -> None:
    """Regression: ids were pruned only on a run's first claim and then every 1,000 claims, so
    a quiet service (ten updates a day) kept weeks of them. Claims prune by time now, and
    ``prune_updates`` (the planner's) forgets them even with no claim at all."""
    day = 24 * 3600.0
    for n in range(20):
        assert await store.claim_update(n, NOW + n * day / 10)  # ten a day, for two days
    last = NOW + 1.9 * day
    assert await store.claim_update(0, last + 60)  # the first day's ids are forgotten...
    assert not await store.claim_update(19, last + 120)  # ...the last day's are not
    assert await store.prune_updates(NOW + 4 * day) == 12  # ids 9 to 19 and 0 again
    assert await store.claim_update(19, NOW + 4 * day)
