"""The PostgreSQL backend of the ``Store``: the shared store (``storage.shared``) on a pool of
psycopg connections, each transaction body run whole in a worker thread.

The bodies are the same plain functions SQLite runs in aiosqlite's thread, so they are
shared verbatim: a synchronous ``psycopg_pool.ConnectionPool`` and two threads of the store's
own, rather than the async pool and a second, awaiting copy of every transaction. Their
connection (statements translated, errors in plain words) is ``storage.postgres_conn``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from importlib import resources
from typing import Any, TypeVar

import psycopg
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from storage.base import StorageError
from storage.coordination import PostgresCoordinator
from storage.migrate import SCHEMA_VERSION, pending
from storage.postgres_conn import PLAIN, PgConn, plain, storage_error
from storage.shared import SqlStore
from storage.sql import POSTGRESQL, Conn, DatabasePlaceError, SqlBase

log = logging.getLogger(__name__)
T = TypeVar("T")
Pool = ConnectionPool[psycopg.Connection[Any]]
# Up to this many connections for reading and as many for writing; a call waits this long for
# a free one.
_POOL_SIZE = 4
# Transactions run on one thread of their own. Each hands Python's lock back and forth at
# every round trip, and the event loop waits for it after each of its own sends: with
# asyncio's default six threads, Youth Voice's inbound rate on PostgreSQL was 0.52x to 0.77x
# its rate on SQLite; with two, 0.60x to 0.84x. Once reads ran outside a transaction, two
# threads gave 0.68x and 0.71x, one thread 0.70x and 0.73x (benchmarks on a quiet machine).
_THREADS = 1
_WAIT_SECONDS = 30.0
_CONNECT_SECONDS = 10
# Transactions that write take turns, whichever bot or command runs them (a lock held until
# commit): each sees the others' writes whole, as on SQLite, so a transaction that reads, then
# writes what it read (a merge of ideas, a claim) never interleaves with another.
# BEGIN goes with it, in one round trip (a string of statements without parameters).
_BEGIN_WRITE = b"BEGIN; SELECT pg_advisory_xact_lock(1498830403)"
# Reads run on connections of their own that can only read, one statement at a time, with no
# BEGIN and COMMIT round trips: at PostgreSQL's READ COMMITTED each statement of a transaction
# sees its own snapshot anyway, so a read gives up nothing by running outside one.
_READ_ONLY = "-c default_transaction_read_only=on"
# Instances starting together take turns to create the tables (a transaction-scoped lock).
_SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(hashtext('youthvoice schema'))"
# The tables SQLite keeps WITHOUT ROWID (ordered by a random key or a pseudonym): compaction
# rewrites them in key order, as SQLite's VACUUM does, so row order keeps no history.
_KEYED_TABLES = (
    "progress",
    "answers",
    "waiting",
    "participation",
    "update_notes",
    "update_notes_waiting",
    "ideas",
    "idea_waits",
)

# The tables whose deleted rows named or linked a person: a moment after such a deletion (a
# release, /delete, retention, a sent message), one VACUUM removes their dead row versions.
_LINKED_TABLES = (
    "progress",
    "waiting",
    "participation",
    "update_notes_waiting",
    "idea_waits",
    "contacts",
    "outbox",
    "rsvps",
    "plan_seen",
    "handled_updates",
    "safeguarding_alerts",
)
_VACUUM_AFTER = 2.0
_VACUUM_TIMEOUT = "30s"


def _version(conn: psycopg.Connection[Any]) -> int:
    """The schema version recorded in ``meta`` (0: none yet)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return 0 if row is None else int(row[0])


def stored_version(url: str) -> int | None:
    """The schema version of the database at ``url``, read without changing anything (None:
    it has no Youth Voice tables yet)."""
    try:
        with psycopg.connect(url, connect_timeout=_CONNECT_SECONDS) as conn:
            row = conn.execute("SELECT to_regclass('meta')").fetchone()
            return None if row is None or row[0] is None else (_version(conn) or None)
    except psycopg.Error as exc:
        raise _unreachable(exc) from exc


def _unreachable(exc: psycopg.Error) -> StorageError:
    """Connecting failed: a server that cannot be reached, or refuses us, is a setup problem
    (the setting or the server), said without the address or the password. libpq gives no
    error code for a refused connection, so its (English) words are looked at, never shown."""
    state, said = exc.sqlstate or "", str(exc)
    if state[:2] == "3D" or ("FATAL" in said and "database" in said and "does not exist" in said):
        return DatabasePlaceError(PLAIN["3D"], "Create it")
    if state[:2] == "28" or "authentication failed" in said or "pg_hba.conf" in said:
        return DatabasePlaceError(PLAIN["28"], "Check them")
    if "FATAL" in said:
        return DatabasePlaceError(
            "the PostgreSQL server named in YOUTHVOICE_DATABASE refused the connection",
            "Check its log",
        )
    if not state:
        return DatabasePlaceError(
            "cannot connect to the PostgreSQL server named in YOUTHVOICE_DATABASE",
            "Check that it is running and can be reached from here",
        )
    return storage_error("open", exc)


class _BrokenBeforeBegin(Exception):
    """The connection was found broken at BEGIN, before anything was done on it."""

    def __init__(self, cause: psycopg.OperationalError) -> None:
        super().__init__("broken before BEGIN")
        self.cause = cause


def _write(conn: psycopg.Connection[Any], work: Callable[[Conn], T]) -> T:
    """``work`` between BEGIN (with the writing turn) and COMMIT, or ROLLBACK if it fails."""
    try:
        conn.execute(_BEGIN_WRITE)
    except psycopg.OperationalError as exc:
        if conn.broken:
            raise _BrokenBeforeBegin(exc) from exc
        raise
    try:
        result = work(PgConn(conn))
        conn.execute(b"COMMIT")
    except BaseException:
        # Left open, the pool would roll it back; done here, the connection goes back clean.
        if not conn.broken and conn.info.transaction_status != TransactionStatus.IDLE:
            with suppress(psycopg.Error):
                conn.execute(b"ROLLBACK")
        raise
    return result


class PostgresBase(SqlBase):
    """Opening, closing, transactions and compaction on a PostgreSQL database."""

    dialect = POSTGRESQL

    def __init__(self, url: str) -> None:
        self._url = url
        # Two pools of autocommit connections: (for reading, for writing).
        self._pool: tuple[Pool, Pool] | None = None
        self._opening = asyncio.Lock()
        self._threads: ThreadPoolExecutor | None = None
        # Vacuums the linked tables in the background after deletions (see _checkpoint).
        self._vacuumer: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<PostgreSQL database>)"  # the URL may hold a password

    async def open(self) -> None:
        """Connect, create the tables if they are missing and check the schema version."""
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncio.to_thread(self._connect)
                self._threads = ThreadPoolExecutor(_THREADS, "youthvoice-db")

    def _connect(self) -> tuple[Pool, Pool]:
        try:
            # One plain connection first: its error says why (the pool's would only time out).
            with psycopg.connect(self._url, connect_timeout=_CONNECT_SECONDS) as conn:
                self._prepare(conn)
        except psycopg.Error as exc:
            raise _unreachable(exc) from exc
        pools: list[Pool] = []
        try:
            for name, options in (("youthvoice-read", _READ_ONLY), ("youthvoice-write", None)):
                kwargs: dict[str, Any] = {"connect_timeout": _CONNECT_SECONDS, "autocommit": True}
                if options:
                    kwargs["options"] = options
                pool: Pool = ConnectionPool(
                    self._url,
                    min_size=1,
                    max_size=_POOL_SIZE,
                    timeout=_WAIT_SECONDS,
                    kwargs=kwargs,
                    open=False,
                    name=name,
                )
                pools.append(pool)
                pool.open(wait=True, timeout=_WAIT_SECONDS)
        except psycopg.Error as exc:
            for pool in pools:
                pool.close()
            raise _unreachable(exc) from exc
        return pools[0], pools[1]

    def _prepare(self, conn: psycopg.Connection[Any]) -> None:
        schema = resources.files("storage").joinpath("schema_pg.sql").read_text(encoding="utf-8")
        with conn.transaction():
            conn.execute(_SCHEMA_LOCK)
            conn.execute(schema.encode())
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', %s)"
                " ON CONFLICT DO NOTHING",
                (str(SCHEMA_VERSION),),
            )
            found = _version(conn)
            for migration in pending("postgresql", found):
                for statement in migration.statements:
                    conn.execute(statement.encode())
                conn.execute(
                    "UPDATE meta SET value = %s WHERE key = 'schema_version'",
                    (str(migration.version),),
                )
                log.info("database upgraded to schema version %d", migration.version)
            found = _version(conn)
        if found != SCHEMA_VERSION:
            raise StorageError(f"database schema version {found}; expected {SCHEMA_VERSION}")

    async def close(self) -> None:
        """Close every connection (running calls finish first, for up to the usual wait)."""
        vacuumer, self._vacuumer = self._vacuumer, None
        if vacuumer is not None:
            vacuumer.cancel()  # a VACUUM already running finishes first
            with suppress(asyncio.CancelledError):
                await vacuumer
        async with self._opening:
            pools, self._pool = self._pool, None
            threads, self._threads = self._threads, None
            for pool in pools or ():
                await asyncio.to_thread(pool.close, _WAIT_SECONDS)
            if threads is not None:
                threads.shutdown(wait=False)  # idle by now: each ends at once

    async def _atomic(self, what: str, work: Callable[[Conn], T], *, write: bool = True) -> T:
        """Run ``work`` as one transaction on a pooled connection, in a worker thread (a read:
        statement by statement, on a connection that can only read)."""
        pools, threads = self._pool, self._threads
        if pools is None or threads is None:
            raise StorageError(f"{what} failed: the store is not open")
        pool = pools[1] if write else pools[0]

        def transaction() -> T:
            # A connection the server ended (a restart, a proxy's idle timeout) shows itself
            # at its first statement, before anything is done: it is dropped (the pool keeps
            # no broken one) and the next one tried. Checking each connection as it leaves the
            # pool would cost one more round trip on every transaction.
            tries_left = _POOL_SIZE
            while True:
                with pool.connection() as conn:
                    try:
                        return _write(conn, work) if write else work(PgConn(conn))
                    except _BrokenBeforeBegin as broken:
                        if not tries_left:
                            raise broken.cause from None
                    except psycopg.OperationalError:
                        # A read changes nothing, so it may start again on another connection.
                        if write or not (conn.broken and tries_left):
                            raise
                tries_left -= 1

        try:
            return await asyncio.get_running_loop().run_in_executor(threads, transaction)
        except psycopg.Error as exc:
            raise storage_error(what, exc) from exc

    async def _checkpoint(self) -> None:
        """PostgreSQL's counterpart of emptying SQLite's log: soon after rows that named or
        linked a person are deleted, VACUUM removes their dead row versions from the tables.
        (Their bytes may stay in free space until it is reused, and in the server's own
        write-ahead log: README, "PostgreSQL".)"""
        self._checkpoint_soon()

    def _checkpoint_soon(self) -> None:
        if self._pool is not None and (self._vacuumer is None or self._vacuumer.done()):
            self._vacuumer = asyncio.create_task(self._vacuum_later())

    async def _vacuum_later(self) -> None:
        await asyncio.sleep(_VACUUM_AFTER)  # deletions in this moment share one VACUUM
        running = asyncio.ensure_future(asyncio.to_thread(self._vacuum))
        try:
            await asyncio.shield(running)
        except asyncio.CancelledError:
            await running  # the store is closing: the statement is bounded by its timeout
            raise

    def _vacuum(self) -> None:
        try:
            with psycopg.connect(
                self._url, autocommit=True, connect_timeout=_CONNECT_SECONDS
            ) as conn:
                conn.execute(f"SET statement_timeout = '{_VACUUM_TIMEOUT}'".encode())
                conn.execute(f"VACUUM {', '.join(_LINKED_TABLES)}".encode())
        except psycopg.Error as exc:  # autovacuum comes by anyway; the next deletion retries
            log.debug("vacuum after deletions failed: %s", plain(exc))

    async def compact(self) -> None:
        """Rewrite the answer and link tables in key order (CLUSTER), then VACUUM the rest.

        CLUSTER writes every live row into a new file in the order of its random key, so
        the rows no longer sit in the order they were written and the old file, with its
        dead rows, is dropped; VACUUM frees what other tables deleted for reuse.
        """
        if self._pool is None:
            raise StorageError("compact failed: the store is not open")

        def rewrite() -> None:
            # VACUUM cannot run inside a transaction: a connection of its own, autocommit.
            with psycopg.connect(
                self._url, autocommit=True, connect_timeout=_CONNECT_SECONDS
            ) as conn:
                for table in _KEYED_TABLES:
                    conn.execute(f"CLUSTER {table} USING {table}_pkey".encode())
                conn.execute(b"VACUUM")

        try:
            await asyncio.to_thread(rewrite)
        except psycopg.Error as exc:
            raise storage_error("compact", exc) from exc


class PostgresStore(PostgresBase, SqlStore):
    """A ``Store`` kept in a PostgreSQL database, named by a ``postgresql://`` URL; several
    bots may run on it."""

    def coordinator(self) -> PostgresCoordinator:
        return PostgresCoordinator(self._url)
