"""Several bots on one database (``storage.coordination``): one leads at a time and a standby
takes over when it goes; each person's updates are handled by one bot at a time; claims of the
outbox never overlap. On PostgreSQL's throwaway server; SQLite's bot is alone and leads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from storage.base import OutgoingMessage
from storage.coordination import PostgresCoordinator, Solo
from storage.postgres import PostgresStore
from storage.sql import DatabasePlaceError
from storage.sqlite import SqliteStore
from tests.postgres import PostgresServer
from tests.storage.contract import NOW

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def url(postgres_server: PostgresServer) -> Iterator[str]:
    with postgres_server.database() as made:
        yield made


@pytest.fixture
async def bots(url: str) -> AsyncIterator[list[PostgresCoordinator]]:
    """Two bots' coordinators on one database, started."""
    made = [PostgresCoordinator(url, person_wait=10) for _ in range(2)]
    for bot in made:
        await bot.start()
    yield made
    for bot in made:
        await bot.close()


@pytest.fixture
async def stored_bots(
    url: str,
) -> AsyncIterator[tuple[list[PostgresStore], list[PostgresCoordinator]]]:
    """Two bots on one database, each its store and its coordinator, open and started."""
    stores = [PostgresStore(url), PostgresStore(url)]
    bots = [store.coordinator() for store in stores]
    for store, bot in zip(stores, bots, strict=True):
        await store.open()
        await bot.start()
    yield stores, bots
    for store, bot in zip(stores, bots, strict=True):
        await bot.close()
        await store.close()


async def takes_the_lead(bot: PostgresCoordinator, within: float = 5.0) -> bool:
    """Whether ``bot`` leads within ``within`` seconds, asking as its leadership loop does."""
    async with asyncio.timeout(within):
        while not await bot.lead():
            await asyncio.sleep(0.05)
    return True


async def test_a_bot_alone_on_sqlite_always_leads_and_a_second_bot_is_refused(
    tmp_path: Path,
) -> None:
    """A SQLite file has one bot: it leads; a second started on the same file by mistake
    (which would send everything again) is refused with one line saying what to do, until
    the first has stopped. Commands that do not run the bot are not held up."""
    path = tmp_path / "youthvoice.db"
    async with SqliteStore(path) as store:
        solo = store.coordinator()
        await solo.start()
        assert solo.solo and await solo.lead() and await solo.instances() == 1
        async with solo.person(1), solo.person(1):  # nothing to wait for
            pass
        second = store.coordinator()
        with pytest.raises(DatabasePlaceError, match="another Youth Voice bot is running"):
            await second.start()
        assert await store.get_meta("schema_version") is not None  # a command still works
        await solo.close()
        await second.start()
        await second.close()
    in_memory = Solo(":memory:")
    await in_memory.start()
    await in_memory.close()


async def test_one_bot_leads_and_a_standby_takes_over_when_it_leaves(
    bots: list[PostgresCoordinator],
) -> None:
    first, second = bots
    assert await first.lead() is True
    assert await second.lead() is False
    assert await first.lead() is True  # still leading: asked again, nothing changes
    assert [await first.instances(), await second.instances()] == [2, 2]
    await first.close()
    assert await takes_the_lead(second)  # the server ends the session a moment later
    assert await second.instances() == 1


async def test_a_leader_whose_connection_is_cut_stops_leading_and_the_standby_leads(
    bots: list[PostgresCoordinator], url: str
) -> None:
    """The server ends a dead bot's session (kill -9, a lost network): every lock it held
    goes at once. The bot itself notices at its next check and does not lead any more."""
    first, second = bots
    assert await first.lead() and not await second.lead()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND objid = 2 AND granted"
        )
    assert await takes_the_lead(second)
    assert await first.lead() is False  # reconnected, and found the lead taken
    assert await first.instances() == 2


async def test_one_persons_updates_are_handled_by_one_bot_at_a_time(
    bots: list[PostgresCoordinator],
) -> None:
    first, second = bots
    order: list[str] = []
    holding = asyncio.Event()

    async def handle_first() -> None:
        async with first.person(42):
            holding.set()
            await asyncio.sleep(0.3)
            order.append("first done")

    async def handle_second() -> None:
        await holding.wait()
        async with second.person(42):
            order.append("second started")
        async with second.person(43):  # someone else: no wait
            pass

    await asyncio.wait_for(asyncio.gather(handle_first(), handle_second()), timeout=10)
    assert order == ["first done", "second started"]


async def test_an_update_is_handled_anyway_when_the_lock_is_held_too_long(url: str) -> None:
    """A lock held past the wait (a stuck bot) never leaves an update unhandled."""
    holder, waiter = PostgresCoordinator(url), PostgresCoordinator(url, person_wait=0.2)
    await holder.start()
    await waiter.start()
    try:
        async with holder.person(7), asyncio.timeout(5), waiter.person(7):
            handled = True
        assert handled
    finally:
        await holder.close()
        await waiter.close()


async def test_only_the_leader_claims_bulk_and_a_running_bots_claims_stay_its_own(
    stored_bots: tuple[list[PostgresStore], list[PostgresCoordinator]],
) -> None:
    """In the claim itself: bulk messages go to a claimer whose bot holds the lead at that
    moment (so a leader that lost its hold a moment ago claims none), urgent ones to any bot;
    a running bot's claims are never taken up by another, a stopped bot's are at once."""
    stores, bots = stored_bots
    leader, standby = bots
    assert await leader.lead() and not await standby.lead()
    urgent = {2}
    await stores[0].enqueue([OutgoingMessage(n, {}, NOW, urgent=n in urgent) for n in (1, 2, 3, 4)])

    async def claim(n: int, limit: int = 10) -> list[int]:
        found = await stores[n].claim_due(NOW, limit, claimer=bots[n].claimer, must_lead=True)
        return [m.chat_id for m in found]

    assert await claim(1) == [2]  # the standby: urgent only
    assert await claim(0, 1) == [1]
    assert await claim(1) == []  # the leader's claim on 1 stays its own
    await stores[0].close()
    await leader.close()  # the leader stops: its claim on 1 is taken up, the lead is free
    assert await claim(1) == []  # not leading yet: bulk waits
    assert await takes_the_lead(standby)
    assert sorted(await claim(1)) == [1, 3, 4]


async def test_two_bots_claiming_at_once_never_claim_one_message_twice(
    stored_bots: tuple[list[PostgresStore], list[PostgresCoordinator]],
) -> None:
    """Claims by two running bots, two at a time each, never overlap: each claim passes over
    rows another is claiming (FOR UPDATE SKIP LOCKED), and writing transactions take their
    turn (storage.postgres); either alone keeps them apart, neither would not."""
    stores, bots = stored_bots
    await stores[0].enqueue([OutgoingMessage(n, {}, NOW) for n in range(1, 401)])
    claimed: list[int] = []

    async def claim(store: PostgresStore, name: str) -> None:
        while batch := await store.claim_due(NOW, 7, claimer=name):
            claimed.extend(m.id for m in batch)

    claimers = [claim(s, b.claimer) for s, b in zip(stores, bots, strict=True)] * 2
    await asyncio.wait_for(asyncio.gather(*claimers), 30)
    assert len(claimed) == 400 and len(set(claimed)) == 400
