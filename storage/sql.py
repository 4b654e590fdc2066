"""What the SQLite and PostgreSQL stores share: the connection a transaction body is given, the
few SQL phrases that differ between the two, and the base class the store's mixins build on.

Each transaction is one plain function of a ``Conn``, written once: SQLite runs it in
aiosqlite's thread, PostgreSQL on a pooled psycopg connection in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

from storage.base import StorageError

T = TypeVar("T")

# Telegram offers an unanswered update again for up to a day, so ids are kept that long (plus
# the hour their time is rounded down by); a finer time or a longer list would only help
# someone with a copy of the database tell when each person was active.
KEEP_UPDATES_SECONDS = 25 * 3600.0
UPDATE_TIME_STEP = 3600.0
# Pruning handled update ids scans the table, so a claim prunes at most once this often (and
# the planner calls ``prune_updates`` too, so a quiet bot forgets them on time as well).
_PRUNE_EVERY_SECONDS = 600.0


class DatabasePlaceError(StorageError):
    """The database cannot be created or opened where it is configured to be: a setup
    problem, not a fault in the data. ``problem`` and ``fix`` are each a plain sentence."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}. {fix}")
        self.problem = problem
        self.fix = fix


@dataclass(frozen=True)
class Dialect:
    """The SQL that is written differently in SQLite and PostgreSQL; everything else is the
    same text in both."""

    name: str
    # The comma-separated ids of a grouped integer column (``{}``: the column).
    list_ids: str
    # The day (days since 1970, UTC) of a time in seconds, rounded down (``{}``: the time).
    day: str
    # Ends a SELECT whose rows are about to be claimed: rows another transaction is claiming
    # are passed over (``{}``: the table's name or alias).
    skip_locked: str
    # The outbox claimers of the bots running now, as a subquery (see
    # ``storage.coordination``); and a condition true while the bot whose claimer is the
    # statement's parameter holds the lead (one ``?``).
    live_claimers: str
    leads: str


# The advisory lock keys (two 32-bit numbers each) of the bots on one PostgreSQL database
# (``storage.coordination``); the first tells them apart from any other program's locks.
BOTS_LOCK = 1_498_830_401  # with RUNNING: every running bot; with LEADER: the leader
PEOPLE_LOCK = 1_498_830_402  # with a person's key (``bot.keys.lock_key``): their update
CLAIMERS_LOCK = 1_498_830_404  # with a bot's claimer number: that bot is running
RUNNING, LEADER = 1, 2
_THIS_DATABASE = "(SELECT oid FROM pg_database WHERE datname = current_database())"

# SQLite has one writer at a time, nothing to pass over, and one bot (``storage.coordination``):
# it leads, and any claimer but its own is gone.
SQLITE = Dialect(
    "sqlite",
    list_ids="group_concat({})",
    day="CAST({} / 86400 AS INTEGER)",
    skip_locked="",
    live_claimers="SELECT '' WHERE 0",
    leads="(? IS NOT NULL)",
)
POSTGRESQL = Dialect(
    "postgresql",
    list_ids="string_agg(CAST({} AS text), ',')",
    day="CAST(floor({} / 86400) AS bigint)",
    skip_locked=" FOR UPDATE OF {} SKIP LOCKED",
    live_claimers=(
        "SELECT CAST(objid AS text) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        f" AND database = {_THIS_DATABASE} AND classid = {CLAIMERS_LOCK} AND objsubid = 2"
    ),
    # The session holding the claimer's lock holds the leader's too.
    leads=(
        "EXISTS (SELECT 1 FROM pg_locks AS c JOIN pg_locks AS l ON l.pid = c.pid"
        " WHERE c.locktype = 'advisory' AND c.granted AND c.database = l.database"
        f" AND c.database = {_THIS_DATABASE} AND c.classid = {CLAIMERS_LOCK}"
        " AND c.objsubid = 2 AND CAST(c.objid AS text) = ?"
        f" AND l.locktype = 'advisory' AND l.granted AND l.classid = {BOTS_LOCK}"
        f" AND l.objid = {LEADER} AND l.objsubid = 2)"
    ),
)


class Rows(Protocol):
    """A statement's result: its rows, or how many rows it changed."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Conn(Protocol):
    """The connection a transaction body runs on. Statements use ``?`` (or ``?1`` to repeat
    a parameter), as SQLite does; the PostgreSQL connection translates them."""

    dialect: Dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Run ``sql`` once per row; how many rows it changed in all."""
        ...

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT`` of one row into a table with an ``id`` column; the new id."""
        ...


class SqlBase:
    """Transactions and the update log's shared statements; a backend provides ``_atomic``."""

    dialect: Dialect
    _pruned_at: float = float("-inf")

    async def open(self) -> None:
        """Connect, and make or upgrade the schema."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _atomic(self, what: str, work: Callable[[Conn], T], *, write: bool = True) -> T:
        """Run ``work`` as one transaction, translating the driver's errors into
        ``StorageError`` naming ``what``."""
        raise NotImplementedError

    async def _checkpoint(self) -> None:
        """Make sure deleted rows leave no older copy behind where the backend can: SQLite
        empties its write-ahead log; PostgreSQL's own log is the server's (README)."""

    def _checkpoint_soon(self) -> None:
        """``_checkpoint`` within a moment, for deletions too frequent to each pay for one."""

    async def _one(self, what: str, sql: str, params: Iterable[Any] = ()) -> Any:
        """The first row of a read-only query, or None."""
        values = tuple(params)
        return await self._atomic(what, lambda c: c.execute(sql, values).fetchone(), write=False)

    async def _all(self, what: str, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        values = tuple(params)
        return await self._atomic(what, lambda c: c.execute(sql, values).fetchall(), write=False)

    async def _write(self, what: str, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one writing statement as its own transaction; how many rows it changed."""
        values = tuple(params)
        return await self._atomic(what, lambda c: c.execute(sql, values).rowcount)

    def _claim_now(self, conn: Conn, update_id: int, now: float) -> bool:
        """Record ``update_id`` as handled in the caller's transaction; False (nothing
        written) if it already was."""
        cur = conn.execute(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            (update_id, now // UPDATE_TIME_STEP * UPDATE_TIME_STEP),
        )
        if cur.rowcount != 1:
            return False
        if now - self._pruned_at >= _PRUNE_EVERY_SECONDS:
            self._prune_updates_now(conn, now)
        return True

    def _prune_updates_now(self, conn: Conn, now: float) -> int:
        self._pruned_at = now
        cur = conn.execute(
            "DELETE FROM handled_updates WHERE handled_at < ?", (now - KEEP_UPDATES_SECONDS,)
        )
        return cur.rowcount

    async def prune_updates(self, now: float) -> int:
        """Forget handled update ids older than a day; how many were forgotten."""
        forgot = await self._atomic(
            "prune_updates", lambda conn: self._prune_updates_now(conn, now)
        )
        if forgot:
            await self._checkpoint()
        return forgot
