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
import secrets
from collections.abc import AsyncIterator
from typing import Any

import psycopg

from storage.base import StorageError
from storage.postgres_conn import plain
from storage.sql import (
    BOTS_LOCK,
    CLAIMERS_LOCK,
    LEADER,
    PEOPLE_LOCK,
    RUNNING,
    DatabasePlaceError,
)

log = logging.getLogger(__name__)

# A statement on the lock connection that takes longer than this means it is lost.
_STATEMENT_SECONDS = 5.0
_CONNECT_SECONDS = 10
# While another bot handles a person's update, look again this often, for up to this long
# (then handle it anyway: an update is never left unhandled).
_PERSON_POLL = 0.02
_PERSON_POLL_MOST = 0.25
_PERSON_WAIT = 30.0
# The server notices a bot whose network went silent within about 15 s (TCP keepalives and a
# user timeout, set for this session only), ending its session and so letting go of its
# locks; the bot notices from its side too (its statements time out).
_KEEPALIVES: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "options": "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2"
    " -c tcp_keepalives_count=3 -c tcp_user_timeout=10000",
}


class Solo:
    """One bot alone on a SQLite database: it always leads, and its own line per person
    (``bot.telegram.updates``) keeps each person's updates in order. While it runs it holds a
    lock (``flock``) on a file beside the database, ``<database>.lock``, so a second bot
    started on the same file by mistake is refused instead of sending everything again. (Not
    on the database file itself: closing any descriptor of that file would drop SQLite's own
    locks on it.)"""

    solo = True

    def __init__(self, path: str | None = None) -> None:
        self.path = None if path in (None, ":memory:") else f"{path}.lock"
        self.claimer = secrets.token_hex(8)
        self._held: int | None = None

    async def start(self) -> None:
        if self.path is None or self._held is not None:
            return
        try:
            held = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StorageError(f"could not open {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(held)
            raise DatabasePlaceError(
                "another Youth Voice bot is running on this database file",
                "Stop it first (several bots at once need PostgreSQL: README, Several instances)",
            ) from None
        self._held = held

    leading = True

    async def lead(self) -> bool:
        return True

    async def instances(self) -> int:
        return 1

    @contextlib.asynccontextmanager
    async def person(self, key: int) -> AsyncIterator[None]:
        yield

    async def close(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            os.close(held)  # the lock goes with it


class PostgresCoordinator:
    """The bots on one PostgreSQL database, through advisory locks on a connection of this
    bot's own (never through a pooler in transaction mode: a session lock needs a session).
    Each bot also holds a lock named by its ``claimer``, the name on its outbox claims, so
    another bot can tell that a claim's claimer is no longer running
    (``storage.sql.Dialect.live_claimers``)."""

    solo = False

    def __init__(
        self, url: str, *, person_wait: float = _PERSON_WAIT, person_poll: float = _PERSON_POLL
    ) -> None:
        self._url = url
        self.person_wait = person_wait
        self.person_poll = person_poll
        self._claimer = secrets.randbits(31)
        self.claimer = str(self._claimer)
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._leading = False
        self._using = asyncio.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<PostgreSQL database>)"  # the URL may hold a password

    @property
    def leading(self) -> bool:
        """Whether this bot holds the lead as far as it knows now: false as soon as its lock
        connection is found lost, without waiting for the next ``lead``."""
        return self._leading

    async def start(self) -> None:
        try:
            await self._connect()
        except psycopg.Error as exc:
            said = plain(exc)
            raise StorageError(f"could not join the other bots on the database: {said}") from None

    async def _connect(self) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self._url, autocommit=True, connect_timeout=_CONNECT_SECONDS, **_KEEPALIVES
        )
        try:
            await conn.execute("SELECT pg_advisory_lock_shared(%s, %s)", (BOTS_LOCK, RUNNING))
            await conn.execute("SELECT pg_advisory_lock(%s, %s)", (CLAIMERS_LOCK, self._claimer))
        except BaseException:
            await conn.close()
            raise
        self._conn, self._leading = conn, False

    async def _ask(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """One statement on the lock connection, its first column; ``None`` when the
        connection is lost (it is dropped, with every lock it held, and made again later).
        Cancelled part way, the connection is dropped too: a lock the server granted
        meanwhile must not stay held unknown to this bot."""
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
                await self._drop(conn)
                return None
            except BaseException:
                await self._drop(conn)
                raise

    async def _drop(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._conn, self._leading = None, False
        with contextlib.suppress(Exception):
            await conn.close()

    async def lead(self) -> bool:
        if self._leading and await self._ask("SELECT true") is True:
            return True  # still holding it
        if self._conn is None:  # lost (and with it the lead, if this bot had it): join again
            try:
                await self._connect()
            except psycopg.Error:
                return False  # the database is away: whoever leads, it is not us
        taken = await self._ask("SELECT pg_try_advisory_lock(%s, %s)", (BOTS_LOCK, LEADER))
        self._leading = taken is True
        return self._leading

    async def instances(self) -> int:
        found = await self._ask(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = %s AND objid = %s AND objsubid = 2",
            (BOTS_LOCK, RUNNING),
        )
        return max(1, int(found or 0))

    @contextlib.asynccontextmanager
    async def person(self, key: int) -> AsyncIterator[None]:
        taken_on = await self._take(key)
        try:
            yield
        finally:
            # Let go only on the connection that took it: a lost one let go of it already.
            if taken_on is not None and taken_on is self._conn:
                await self._ask("SELECT pg_advisory_unlock(%s, %s)", (PEOPLE_LOCK, key))

    async def _take(self, key: int) -> psycopg.AsyncConnection[Any] | None:
        """Take the person's lock, waiting while another bot holds it; the connection that
        holds it (None if the connection is lost or the wait runs out: the update is handled
        anyway). Looks again after a short pause, doubling up to ``_PERSON_POLL_MOST``."""
        loop = asyncio.get_running_loop()
        gives_up, pause = loop.time() + self.person_wait, self.person_poll
        while True:
            conn = self._conn
            taken = await self._ask("SELECT pg_try_advisory_lock(%s, %s)", (PEOPLE_LOCK, key))
            if taken is not False:
                return conn if taken is True and conn is self._conn else None
            if loop.time() >= gives_up:
                log.warning("another bot held a person's lock too long; handling the update")
                return None
            await asyncio.sleep(pause)
            pause = min(pause * 2, _PERSON_POLL_MOST)

    async def close(self) -> None:
        async with self._using:
            conn, self._conn, self._leading = self._conn, None, False
            if conn is not None:
                with contextlib.suppress(psycopg.Error):
                    await conn.close()
