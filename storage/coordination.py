"""Several bots on one database (see ``storage.base.Coordinator``). On SQLite one bot runs
alone and always leads; on PostgreSQL each bot holds session advisory locks on a connection
of its own: one shared lock says it is running, one exclusive lock makes it the leader, and
one per person is held while it handles that person's update. A bot that dies lets go of all
of them at once, as the server ends its session.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import psycopg

from storage.base import StorageError
from storage.postgres_conn import plain
from storage.sql import DatabasePlaceError

log = logging.getLogger(__name__)

# The advisory lock keys (two 32-bit numbers each) Youth Voice uses; the first tells them
# apart from any other program's locks on the same database.
_BOTS = 1_498_830_401  # with _RUNNING: every running bot; with _LEADER: the leader
_PEOPLE = 1_498_830_402  # with a person's key: a bot handling their update
_RUNNING, _LEADER = 1, 2
# A statement on the lock connection that takes longer than this means it is lost.
_STATEMENT_SECONDS = 5.0
_CONNECT_SECONDS = 10
# While another bot handles a person's update, look again this often, for up to this long
# (then handle it anyway: an update is never left unhandled).
_PERSON_POLL = 0.02
_PERSON_WAIT = 30.0


def person_key(person: int) -> int:
    """A person's Telegram id folded into a signed 32-bit lock key: two people sharing one
    only wait for each other now and then."""
    folded = (person ^ (person >> 31)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded


class Solo:
    """One bot alone on a SQLite database: it always leads, and its own line per person
    (``bot.telegram.updates``) keeps each person's updates in order. While it runs it holds a
    lock on the file (``flock``, apart from SQLite's own locks), so a second bot started on
    the same file by mistake is refused instead of sending everything again."""

    solo = True

    def __init__(self, path: str | None = None) -> None:
        self.path = None if path in (None, ":memory:") else path
        self._held: int | None = None

    async def start(self) -> None:
        if self.path is None or self._held is not None:
            return
        try:
            held = os.open(self.path, os.O_RDONLY)
        except OSError as exc:
            raise StorageError(f"could not open the database file: {exc.strerror}") from None
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(held)
            raise DatabasePlaceError(
                "another Youth Voice bot is running on this database file",
                "Stop it first (several bots at once need PostgreSQL: README, Several instances)",
            ) from None
        self._held = held

    async def lead(self) -> bool:
        return True

    async def instances(self) -> int:
        return 1

    @contextlib.asynccontextmanager
    async def person(self, person: int) -> AsyncIterator[None]:
        yield

    async def close(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            os.close(held)  # the lock goes with it


class PostgresCoordinator:
    """The bots on one PostgreSQL database, through advisory locks on a connection of this
    bot's own (never through a pooler in transaction mode: a session lock needs a session)."""

    solo = False

    def __init__(
        self, url: str, *, person_wait: float = _PERSON_WAIT, person_poll: float = _PERSON_POLL
    ) -> None:
        self._url = url
        self.person_wait = person_wait
        self.person_poll = person_poll
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._leading = False
        self._using = asyncio.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<PostgreSQL database>)"  # the URL may hold a password

    async def start(self) -> None:
        try:
            await self._connect()
        except psycopg.Error as exc:
            said = plain(exc)
            raise StorageError(f"could not join the other bots on the database: {said}") from None

    async def _connect(self) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self._url, autocommit=True, connect_timeout=_CONNECT_SECONDS
        )
        await conn.execute("SELECT pg_advisory_lock_shared(%s, %s)", (_BOTS, _RUNNING))
        self._conn, self._leading = conn, False

    async def _ask(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """One statement on the lock connection, its first column; ``None`` when the
        connection is lost (it is dropped, with every lock it held, and made again later)."""
        async with self._using:
            conn = self._conn
            if conn is None:
                return None
            try:
                async with asyncio.timeout(_STATEMENT_SECONDS):
                    row = await (await conn.execute(sql.encode(), params)).fetchone()
                return None if row is None else row[0]
            except (psycopg.Error, TimeoutError) as exc:
                log.warning("lost the connection holding this bot's locks: %s", type(exc).__name__)
                self._conn, self._leading = None, False
                with contextlib.suppress(Exception):
                    await conn.close()
                return None

    async def lead(self) -> bool:
        if self._leading and await self._ask("SELECT true") is True:
            return True  # still holding it
        if self._conn is None:  # lost (and with it the lead, if this bot had it): join again
            try:
                await self._connect()
            except psycopg.Error:
                return False  # the database is away: whoever leads, it is not us
        taken = await self._ask("SELECT pg_try_advisory_lock(%s, %s)", (_BOTS, _LEADER))
        self._leading = taken is True
        return self._leading

    async def instances(self) -> int:
        found = await self._ask(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = %s AND objid = %s AND objsubid = 2",
            (_BOTS, _RUNNING),
        )
        return max(1, int(found or 0))

    @contextlib.asynccontextmanager
    async def person(self, person: int) -> AsyncIterator[None]:
        key = person_key(person)
        held = await self._take(key)
        try:
            yield
        finally:
            if held:
                await self._ask("SELECT pg_advisory_unlock(%s, %s)", (_PEOPLE, key))

    async def _take(self, key: int) -> bool:
        """Take the person's lock, waiting while another bot holds it; whether it was taken
        (not, if the connection is lost or the wait runs out: the update is handled anyway)."""
        loop = asyncio.get_running_loop()
        gives_up = loop.time() + self.person_wait
        while True:
            taken = await self._ask("SELECT pg_try_advisory_lock(%s, %s)", (_PEOPLE, key))
            if taken is not False:
                return taken is True
            if loop.time() >= gives_up:
                log.warning("another bot held a person's lock too long; handling the update")
                return False
            await asyncio.sleep(self.person_poll)

    async def close(self) -> None:
        async with self._using:
            conn, self._conn, self._leading = self._conn, None, False
            if conn is not None:
                with contextlib.suppress(psycopg.Error):
                    await conn.close()
