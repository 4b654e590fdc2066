"""The PostgreSQL backend of the ``Store``: the shared store (``storage.shared``) on a pool of
psycopg connections, each transaction body run whole in a worker thread.

The bodies are the same plain functions SQLite runs in aiosqlite's thread, so they are
shared verbatim: a synchronous ``psycopg_pool.ConnectionPool`` and ``asyncio.to_thread``,
rather than the async pool and a second, awaiting copy of every transaction.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from storage.base import StorageError
from storage.shared import SqlStore
from storage.sql import POSTGRESQL, Conn, DatabasePlaceError, SqlBase
from storage.sqlite_base import SCHEMA_VERSION

T = TypeVar("T")
# Up to this many transactions at once; a call waits this long for a free connection.
_POOL_SIZE = 8
_WAIT_SECONDS = 30.0
_CONNECT_SECONDS = 10
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

# A string literal (kept, with any % doubled), a SQLite parameter (``?`` or ``?N``), or a %.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\?(\d*)|%")


@lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[int, ...] | None]:
    """A statement written for SQLite, for psycopg: each ``?`` or ``?N`` becomes ``%s``, and
    which parameter each ``%s`` takes (None: the statement has no parameters, and is sent as
    it is). A bare ``?`` takes the one after the largest used so far, as in SQLite."""
    order: list[int] = []

    def swap(found: re.Match[str]) -> str:
        text = found.group(0)
        if text.startswith("'"):
            return text.replace("%", "%%")
        if text == "%":
            return "%%"
        number = found.group(1)
        order.append(int(number) - 1 if number else max(order, default=-1) + 1)
        return "%s"

    translated = _TOKEN.sub(swap, sql)
    return (translated, tuple(order)) if order else (sql, None)


def _arranged(order: tuple[int, ...] | None, params: Sequence[Any]) -> tuple[Any, ...] | None:
    return None if order is None else tuple(params[i] for i in order)


class PgConn:
    """The ``Conn`` transaction bodies get, on one pooled psycopg connection."""

    dialect = POSTGRESQL

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        text, order = translate(sql)
        return self._conn.execute(text, _arranged(order, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        text, order = translate(sql)
        params = [_arranged(order, row) or () for row in rows]
        if not params:
            return 0
        with self._conn.cursor() as cur:
            cur.executemany(text, params)
            return max(cur.rowcount, 0)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        row = self.execute(f"{sql} RETURNING id", params).fetchone()
        if row is None:
            raise StorageError("insert returned no row id")
        return int(row[0])


# PostgreSQL's error classes (the first two characters of SQLSTATE) in plain words.
_PLAIN = {
    "08": "the connection to the database server was lost; try again",
    "23": "a rule of the database was broken",
    "28": "the database server refused the user name or password",
    "3D": "the database named in YOUTHVOICE_DATABASE does not exist on the server",
    "40": "the database server undid the change because another clashed with it; try again",
    "53": "the database server ran out of disk space, memory or connections",
    "57": "the database server is shutting down or cancelled the request; try again",
}


def _plain(exc: psycopg.Error) -> str:
    """What went wrong without the driver's message, which can quote a row's values (a
    clashing key) or the server's address."""
    if isinstance(exc, PoolTimeout):
        return "no database connection came free in time; is the server reachable?"
    state = exc.sqlstate or ""
    words = _PLAIN.get(state[:2])
    name = f"{type(exc).__name__}" + (f" {state}" if state else "")
    return f"{words} ({name})" if words else name


def _error(what: str, exc: psycopg.Error) -> StorageError:
    return StorageError(f"{what} failed: {_plain(exc)}")


def _unreachable(exc: psycopg.Error) -> StorageError:
    """Connecting failed: a server that cannot be reached, or refuses us, is a setup problem
    (the setting or the server), said without the address or the password. libpq gives no
    error code for a refused connection, so its (English) words are looked at, never shown."""
    state, said = exc.sqlstate or "", str(exc)
    if state[:2] == "3D" or ("FATAL" in said and "database" in said and "does not exist" in said):
        return DatabasePlaceError(_PLAIN["3D"], "Create it")
    if state[:2] == "28" or "authentication failed" in said or "pg_hba.conf" in said:
        return DatabasePlaceError(_PLAIN["28"], "Check them")
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
    return _error("open", exc)


class PostgresBase(SqlBase):
    """Opening, closing, transactions and compaction on a PostgreSQL database."""

    dialect = POSTGRESQL

    def __init__(self, url: str) -> None:
        self._url = url
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._opening = asyncio.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<PostgreSQL database>)"  # the URL may hold a password

    async def __aenter__(self) -> PostgresBase:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def open(self) -> None:
        """Connect, create the tables if they are missing and check the schema version."""
        async with self._opening:
            if self._pool is None:
                self._pool = await asyncio.to_thread(self._connect)

    def _connect(self) -> ConnectionPool[psycopg.Connection[Any]]:
        try:
            # One plain connection first: its error says why (the pool's would only time out).
            with psycopg.connect(self._url, connect_timeout=_CONNECT_SECONDS) as conn:
                self._prepare(conn)
        except psycopg.Error as exc:
            raise _unreachable(exc) from exc
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            self._url,
            min_size=1,
            max_size=_POOL_SIZE,
            timeout=_WAIT_SECONDS,
            kwargs={"connect_timeout": _CONNECT_SECONDS},
            check=ConnectionPool.check_connection,
            open=False,
            name="youthvoice",
        )
        try:
            pool.open(wait=True, timeout=_WAIT_SECONDS)
        except psycopg.Error as exc:
            pool.close()
            raise _unreachable(exc) from exc
        return pool

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
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        found = 0 if row is None else int(row[0])
        if found != SCHEMA_VERSION:
            raise StorageError(f"database schema version {found}; expected {SCHEMA_VERSION}")

    async def close(self) -> None:
        """Close every connection (running calls finish first, for up to the usual wait)."""
        async with self._opening:
            pool, self._pool = self._pool, None
            if pool is not None:
                await asyncio.to_thread(pool.close, _WAIT_SECONDS)

    async def _atomic(self, what: str, work: Callable[[Conn], T], *, write: bool = True) -> T:
        """Run ``work`` as one transaction on a pooled connection, in a worker thread."""
        pool = self._pool
        if pool is None:
            raise StorageError(f"{what} failed: the store is not open")

        def transaction() -> T:
            # The pool commits when the block ends, and rolls back if ``work`` raised.
            with pool.connection() as conn:
                conn.read_only = not write
                return work(PgConn(conn))

        try:
            return await asyncio.to_thread(transaction)
        except psycopg.Error as exc:
            raise _error(what, exc) from exc

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
            raise _error("compact", exc) from exc


class PostgresStore(PostgresBase, SqlStore):
    """A ``Store`` kept in a PostgreSQL database, named by a ``postgresql://`` URL."""
