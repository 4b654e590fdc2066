"""What only the PostgreSQL backend shows: statements translated from SQLite's, tables made once
by stores opening together, releases at once that never write a response twice, compaction,
and errors that name the problem without the URL.

Not part of the contract: these tests open ``PostgresStore`` on the session's server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psycopg
import pytest

from storage.base import StorageError
from storage.postgres import PostgresStore
from storage.postgres_conn import translate
from storage.sql import Conn, DatabasePlaceError
from tests.postgres import PostgresMissing, PostgresServer, programs
from tests.storage.contract import CHAT, LINK, TODAY, new_checkin

pytestmark = pytest.mark.timeout(60)
PASSWORD = "s3cret-Pa55word"


@pytest.fixture
def url(postgres_server: PostgresServer) -> Iterator[str]:
    with postgres_server.database() as made:
        yield made


@pytest.mark.parametrize(
    ("sqlite", "postgresql", "order"),
    [
        ("SELECT 1", "SELECT 1", None),
        ("SELECT ? + ?", "SELECT %s + %s", (0, 1)),
        (
            "WHERE a = ?1 AND (b IS NULL OR b < ?1)",
            "WHERE a = %s AND (b IS NULL OR b < %s)",
            (0, 0),
        ),
        ("WHERE k = ?2 AND c = ?1", "WHERE k = %s AND c = %s", (1, 0)),
        ("WHERE x LIKE 'a%?' AND y = ?", "WHERE x LIKE 'a%%?' AND y = %s", (0,)),
        ("SELECT 'it''s ?', ? % 2", "SELECT 'it''s ?', %s %% 2", (0,)),
        ("SELECT '100%'", "SELECT '100%'", None),
    ],
)
def test_statements_are_translated_for_psycopg(
    sqlite: str, postgresql: str, order: tuple[int, ...] | None
) -> None:
    """Each ``?`` or ``?N`` outside a string becomes ``%s`` taking the right parameter; a %
    is doubled only where psycopg will read the statement for parameters."""
    assert translate(sqlite) == (postgresql, order)


async def test_stores_opening_together_make_the_tables_once(url: str) -> None:
    """Instances starting at once take turns to make the tables (no clash, one schema)."""
    stores = [PostgresStore(url) for _ in range(4)]
    await asyncio.gather(*(store.open() for store in stores))
    try:
        await stores[0].add_cohort("North", "N1", TODAY)
        for store in stores:
            assert [c.name for c in await store.cohorts()] == ["North"]
    finally:
        await asyncio.gather(*(store.close() for store in stores))


async def test_finishes_at_once_release_each_response_exactly_once(url: str) -> None:
    """Many people finishing at once, on as many connections, with batches of 3: every
    response is released once, none twice, whatever the interleaving."""
    async with PostgresStore(url) as store:
        checkin = await new_checkin(store)
        people = 40
        await asyncio.gather(
            *(
                store.finish_response(f"link-{n}", checkin.id, {"mood": "ok"}, TODAY, n, batch=3)
                for n in range(people)
            )
        )
        await store.release_waiting(checkin.id, TODAY)
        totals = await store.totals(checkin.id)
        assert totals.responses == people
        assert totals.counts == {"mood": {"ok": people}}
        assert len(await store.finished_marks(checkin.id)) == people


async def test_writing_transactions_take_turns_as_on_sqlite(url: str) -> None:
    """A transaction that reads, then writes what it read, never interleaves with another
    (at READ COMMITTED alone, two would read the same value and one write would be lost):
    every store on the database, in any bot or command, takes its turn."""
    stores = [PostgresStore(url) for _ in range(2)]
    for store in stores:
        await store.open()
    try:
        await stores[0].set_meta("count", "0")

        def add_one(conn: Conn) -> None:
            (value,) = conn.execute("SELECT value FROM meta WHERE key = 'count'").fetchone()
            conn.execute("UPDATE meta SET value = ? WHERE key = 'count'", (str(int(value) + 1),))

        await asyncio.wait_for(
            asyncio.gather(*(s._atomic("add_one", add_one) for s in stores * 20)), 30
        )
        assert await stores[1].get_meta("count") == "40"
    finally:
        for store in stores:
            await store.close()


async def test_reads_cannot_write_and_a_failed_write_leaves_nothing(url: str) -> None:
    """Reads run outside a transaction on connections that can only read; a write that fails
    part way is undone whole, and its connection serves the next write clean."""
    async with PostgresStore(url) as store:
        await store.set_meta("count", "0")

        def sneaky(conn: Conn) -> None:
            conn.execute("UPDATE meta SET value = '9' WHERE key = 'count'")

        with pytest.raises(StorageError, match="sneaky failed"):
            await store._atomic("sneaky", sneaky, write=False)

        def half(conn: Conn) -> None:
            conn.execute("UPDATE meta SET value = '1' WHERE key = 'count'")
            conn.execute("INSERT INTO meta (key, value) VALUES ('count', 'again')")

        for _ in range(6):  # more than the pool's connections: each went back clean
            with pytest.raises(StorageError, match="half failed"):
                await store._atomic("half", half)
        assert await store.get_meta("count") == "0"
        await store.set_meta("count", "2")
        assert await store.get_meta("count") == "2"


async def test_compaction_rewrites_the_tables_and_keeps_every_row(url: str) -> None:
    """``compact`` (CLUSTER and VACUUM) runs on a live store and loses nothing."""
    async with PostgresStore(url) as store:
        checkin = await new_checkin(store)
        for n in range(5):
            await store.finish_response(f"link-{n}", checkin.id, {"mood": n}, TODAY, n, batch=5)
        await store.compact()
        assert (await store.totals(checkin.id)).responses == 5
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid"
                " WHERE i.indisclustered ORDER BY relname"
            ).fetchall()
        assert ("answers_pkey",) in row


async def test_deletions_are_vacuumed_soon_after(url: str) -> None:
    """After /delete, a VACUUM of the tables that named or linked the person follows within
    a few seconds (the counterpart of emptying SQLite's log)."""
    async with PostgresStore(url) as store:
        await store.join(CHAT, None, "en", TODAY, 1)
        assert await store.erase_person(CHAT, [LINK], 2)
        with psycopg.connect(url, autocommit=True) as conn:
            for _ in range(100):
                row = conn.execute(
                    "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'contacts'"
                ).fetchone()
                if row is not None and row[0] > 0:
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("contacts was not vacuumed within 10 s of the deletion")


async def test_connections_the_server_dropped_are_replaced_unseen(url: str) -> None:
    """After the server ends every connection the store holds (a restart, a proxy's idle
    timeout), the next calls, reads and writes, succeed on new connections."""
    async with PostgresStore(url) as store:
        await store.add_cohort("Care leavers 2025", "C1", TODAY)
        await asyncio.gather(*(store.contact_counts() for _ in range(8)))  # several pooled
        with psycopg.connect(url, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert ended is not None and ended[0] >= 2
        counts = await asyncio.gather(*(store.contact_counts() for _ in range(8)))
        assert counts == [{}] * 8
        await store.join(CHAT, None, "en", TODAY, 1)
        assert await store.contact_counts() == {None: 1}


async def test_a_missing_database_is_a_setup_error_without_the_password(
    postgres_server: PostgresServer,
) -> None:
    """A database that is not on the server: a setup problem in plain words, no URL."""
    missing = postgres_server.url("no_such_db").replace("postgres@", f"postgres:{PASSWORD}@")
    with pytest.raises(DatabasePlaceError) as caught:
        await PostgresStore(missing).open()
    assert "does not exist on the server" in str(caught.value)
    assert PASSWORD not in str(caught.value) and "no_such_db" not in str(caught.value)


async def test_a_failed_statement_names_the_call_and_the_error_class_only(url: str) -> None:
    """A broken rule is reported by the call's name and PostgreSQL's error class; the
    driver's own text (which quotes the clashing value) stays in the chained cause."""
    async with PostgresStore(url) as store:
        await store.add_cohort("Care leavers 2025", "C1", TODAY)
        with pytest.raises(StorageError) as caught:
            await store.add_cohort("Care leavers 2025", "C2", TODAY)
    assert str(caught.value) == (
        "add_cohort failed: a rule of the database was broken (UniqueViolation 23505)"
    )
    assert "Care leavers" in str(caught.value.__cause__)


def test_missing_programs_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    """Without initdb and pg_ctl the PostgreSQL tests fail, saying how to get them."""
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    with pytest.raises(PostgresMissing, match="apt-get install -y postgresql"):
        programs()
