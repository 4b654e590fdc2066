"""The machinery of the SQLite backend: one aiosqlite connection, one transaction per call.

Several processes (the bot and the CLI) may share one file: WAL, a busy timeout and
``BEGIN IMMEDIATE`` let their writes queue up instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.base import StorageError
from storage.migrate import SCHEMA_VERSION, pending
from storage.sql import SQLITE, Conn, DatabasePlaceError, SqlBase

log = logging.getLogger(__name__)

# Indexes on columns that older databases gain only by migrating: made once they have them.
_LATE_INDEXES = (
    "CREATE INDEX IF NOT EXISTS progress_reply_due ON progress (reply_due)"
    " WHERE reply_due IS NOT NULL",
)
T = TypeVar("T")
# A checkpoint a reader blocked is tried again after this many seconds, then after twice as
# long each time, up to the longest wait; deleted sent messages are checkpointed this soon.
_RETRY_FIRST = 0.05
_RETRY_LONGEST = 5.0
_CHECKPOINT_SOON = 1.0
# secure_delete overwrites deleted rows with zeros, so a deleted progress row (a person's link
# and their unfinished answers) leaves no remnant in the database file.
_BUSY_TIMEOUT = "busy_timeout=5000"
_PRAGMAS = (_BUSY_TIMEOUT, "foreign_keys=ON", "synchronous=FULL", "secure_delete=ON")


# SQLite's error codes in plain words, each with what to do; anything else keeps its code.
_PLAIN = {
    "SQLITE_BUSY": "the database is busy (another program is writing to it); try again",
    "SQLITE_LOCKED": "the database is busy (another program is writing to it); try again",
    "SQLITE_FULL": "the disk is full; free some space and try again",
    "SQLITE_CORRUPT": "the database file is damaged; restore it from your backup",
    "SQLITE_NOTADB": "the file is not a Youth Voice database; check the database path",
    "SQLITE_IOERR": "the disk reported an error; check the disk and try again",
    "SQLITE_READONLY": "the database is read-only; make the file and its folder writable",
    "SQLITE_CANTOPEN": "the database file cannot be opened; check it and its folder exist "
    "and are writable",
    "SQLITE_PERM": "permission denied; make the database file and its folder writable",
}


def _plain(exc: sqlite3.Error) -> str:
    name = str(getattr(exc, "sqlite_errorname", type(exc).__name__))
    for code, words in _PLAIN.items():
        # Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY, ...) share a meaning.
        if name == code or name.startswith(code + "_"):
            return words
    return name


def _error(what: str, exc: sqlite3.Error) -> StorageError:
    """An error naming the operation and what SQLite's error code means: never a value from
    a row."""
    return StorageError(f"{what} failed: {_plain(exc)}")


async def _schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("SELECT value FROM meta WHERE key = 'schema_version'") as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


def _check_place(path: str) -> None:
    """Say plainly why a database file cannot be made or opened here, in words and with a fix,
    before SQLite tries (its own message would be "unable to open database file")."""
    if path == ":memory:":
        return
    place = Path(path).absolute()
    folder = place.parent
    if place.is_dir():
        raise DatabasePlaceError(
            f"the database path is a folder, not a file: {place}",
            f"Add a file name to it (such as {place / 'youthvoice.db'})",
        )
    if not folder.exists():
        raise DatabasePlaceError(
            f"cannot create the database in {folder}: the folder does not exist", "Create it"
        )
    if not folder.is_dir():
        raise DatabasePlaceError(
            f"cannot create the database in {folder}: that is a file, not a folder",
            "Check the path",
        )
    # The database needs its folder writable too: SQLite keeps the -wal and -shm files there.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabasePlaceError(
            f"cannot create the database in {folder}: the folder is not writable",
            "Make it writable for this user",
        )
    if place.exists() and not os.access(place, os.R_OK | os.W_OK):
        raise DatabasePlaceError(
            f"cannot open the database {place}: the file is not writable",
            "Make it writable for this user",
        )


# The database, its -wal and its -shm are readable and writable by the bot's user only. SQLite
# gives the -wal and -shm files the main file's permissions, so making that one private is enough.
PRIVATE = 0o600


def _make_private(path: str) -> None:
    """Create the database file private (0600) before SQLite does (it would use the umask,
    often world-readable), and take group and other access away from an existing one and
    from its -wal and -shm files."""
    if path == ":memory:":
        return
    # If it exists already this does nothing; if it cannot be made, SQLite's own try says why.
    with suppress(OSError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE))
    for name in (path, f"{path}-wal", f"{path}-shm"):
        with suppress(FileNotFoundError):
            mode = os.stat(name).st_mode & 0o777
            if not mode & 0o077:
                continue
            try:
                os.chmod(name, mode & 0o700)
            except PermissionError:
                log.warning(
                    "%s is open to other users and cannot be made private: chmod 600 it", name
                )
            else:
                log.warning("made %s readable by this user only (it was open to others)", name)


def _probe(path: str) -> None:
    _make_private(path)
    sqlite3.connect(path).close()


def _open_error(path: str, exc: sqlite3.Error) -> StorageError:
    """Opening failed after the checks: a place SQLite cannot write to (a read-only disk,
    say) is a setup problem; anything else is a plain database error."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")):
        folder = Path(path).absolute().parent
        return DatabasePlaceError(
            f"cannot open or create the database in {folder}: it cannot be written there",
            "Make the folder and the database file writable for this user",
        )
    return _error("open", exc)


class SqliteConn:
    """The ``Conn`` transaction bodies get, on SQLite's own connection (in its thread)."""

    dialect = SQLITE

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        return self._conn.executemany(sql, rows).rowcount

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        made = self._conn.execute(sql, tuple(params)).lastrowid
        if made is None:
            raise StorageError("insert returned no row id")
        return made


def stored_version(path: str | Path) -> int | None:
    """The schema version of the database file at ``path``, read without changing anything
    (None: there is no file, or it has no Youth Voice tables yet)."""
    place = Path(path)
    if str(path) == ":memory:":
        return None
    _check_place(str(path))
    if not place.exists():
        return None
    try:
        conn = sqlite3.connect(f"{place.absolute().as_uri()}?mode=ro", uri=True)
        try:
            tables = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchall()
            if not tables:
                return None
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise _error("reading the schema version", exc) from exc
    return None if row is None else int(row[0])


class SqliteBase(SqlBase):
    """Opening, closing, transactions and compaction on one SQLite file."""

    dialect = SQLITE

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        self._db: aiosqlite.Connection | None = None
        # aiosqlite runs one connection in one thread: without the lock, coroutines would
        # interleave inside each other's transactions.
        self._lock = asyncio.Lock()
        # Empties the log in the background after a checkpoint a reader blocked.
        self._flusher: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Connect, set the per-connection pragmas and create the schema if it is missing."""
        async with self._lock:
            if self._db is not None:
                return
            _check_place(self._path)
            try:
                # A plain connect first: a failed aiosqlite connect leaves its worker thread
                # to report to an event loop that may be gone (a traceback at exit).
                await asyncio.to_thread(_probe, self._path)
                db = await aiosqlite.connect(self._path, isolation_level=None)
            except sqlite3.Error as exc:
                raise _open_error(self._path, exc) from exc
            try:
                await self._prepare(db)
            except BaseException as exc:
                await db.close()
                if isinstance(exc, sqlite3.Error):
                    raise _open_error(self._path, exc) from exc
                raise
            self._db = db
        # A log a reader kept full when the store last closed is emptied now.
        await self._checkpoint()

    async def _prepare(self, db: aiosqlite.Connection) -> None:
        for pragma in _PRAGMAS:
            await db.execute_fetchall(f"PRAGMA {pragma}")
        if self._path != ":memory:":
            await db.execute_fetchall("PRAGMA journal_mode=WAL")
        schema = resources.files("storage").joinpath("schema.sql").read_text(encoding="utf-8")
        await db.executescript(
            f"BEGIN IMMEDIATE;\n{schema}\n"
            "INSERT OR IGNORE INTO meta (key, value) "
            f"VALUES ('schema_version', '{SCHEMA_VERSION}');\nCOMMIT;"
        )
        await db.execute("BEGIN IMMEDIATE")
        try:
            for migration in pending("sqlite", await _schema_version(db)):
                for statement in migration.statements:
                    await db.execute(statement)
                await db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    (str(migration.version),),
                )
                log.info("database upgraded to schema version %d", migration.version)
            for statement in _LATE_INDEXES:
                await db.execute(statement)
            found = await _schema_version(db)
            await db.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                await db.execute("ROLLBACK")
            raise
        if found != SCHEMA_VERSION:
            raise StorageError(f"database schema version {found}; expected {SCHEMA_VERSION}")

    async def close(self) -> None:
        """Close the connection once running calls finish (an open one keeps the process alive)."""
        flusher, self._flusher = self._flusher, None
        if flusher is not None:
            flusher.cancel()
            with suppress(asyncio.CancelledError):
                await flusher
        if not await self._try_checkpoint():
            log.warning(
                "the database log could not be emptied on closing: another program is reading "
                "the database; it is emptied the next time Youth Voice opens it"
            )
        async with self._lock:
            db, self._db = self._db, None
            if db is not None:
                await db.close()

    async def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it, outside a transaction.

        Deleted rows are zeroed in the database (secure_delete), but the ``-wal`` file keeps
        older page images, with the rows still in them, until a checkpoint. If another
        connection is reading, the log cannot be emptied now: a background task tries again,
        waiting longer each time (up to a few seconds), until it is.
        """
        if not await self._try_checkpoint():
            self._flush_later(_RETRY_FIRST)

    def _checkpoint_soon(self) -> None:
        """Empty the log within a moment: for deletions too frequent to each pay for a
        checkpoint (sent messages); several in that moment share one."""
        self._flush_later(_CHECKPOINT_SOON)

    def _flush_later(self, first_wait: float) -> None:
        if self._db is not None and (self._flusher is None or self._flusher.done()):
            self._flusher = asyncio.create_task(self._keep_flushing(first_wait))

    async def _keep_flushing(self, wait: float) -> None:
        while True:
            await asyncio.sleep(wait)
            if await self._try_checkpoint():
                return
            wait = min(wait * 2, _RETRY_LONGEST)

    async def _try_checkpoint(self) -> bool:
        """One checkpoint that does not wait for readers; whether the log is now empty."""

        def truncate(conn: sqlite3.Connection) -> bool:
            # Not waiting (busy_timeout 0) keeps the lock, and any writer, free: a blocked
            # try is retried in the background instead.
            conn.execute("PRAGMA busy_timeout=0")
            try:
                row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                conn.execute(f"PRAGMA {_BUSY_TIMEOUT}")
            return row is None or row[0] == 0

        async with self._lock:
            db = self._db
            if db is None:
                return True
            try:
                done = db._execute(truncate, db._conn)  # type: ignore[no-untyped-call]
                emptied = bool(await done)
            except sqlite3.Error as exc:
                log.debug("checkpoint failed: %s", _error("checkpoint", exc))
                return False
        if not emptied:
            log.debug("checkpoint not finished: another connection is reading the database")
        return emptied

    async def _atomic(self, what: str, work: Callable[[Conn], T], *, write: bool = True) -> T:
        """Run ``work`` as one transaction inside the database thread.

        aiosqlite hands every statement to its thread and back, which wakes the event loop each
        time; a button press's read and write are the bot's hottest path, so each runs whole in
        one hand-off. ``Connection._execute`` is aiosqlite's own way to run a function in its
        thread (private, hence the pinned version in pyproject.toml).
        """
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError(f"{what} failed: the store is not open")

            def transaction(conn: sqlite3.Connection) -> T:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    result = work(SqliteConn(conn))
                    conn.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT (disk full) can leave the transaction open: end it, or
                    # every later BEGIN on this shared connection would fail too.
                    if conn.in_transaction:
                        with suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    raise
                return result

            try:
                ran = db._execute(transaction, db._conn)  # type: ignore[no-untyped-call]
                return await ran  # type: ignore[no-any-return]
            except sqlite3.Error as exc:
                raise _error(what, exc) from exc

    async def compact(self) -> None:
        """Rewrite the whole file (VACUUM) and empty its log.

        VACUUM copies every live row, table by table in key order, into fresh pages: rows of
        WITHOUT ROWID tables no longer sit in the order they were written, and no free page
        keeps what was deleted. In WAL mode it writes through the log, so the log is emptied
        after it (retried in the background if a reader blocks it).
        """
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError("compact failed: the store is not open")
            try:
                await db.execute("VACUUM")
            except sqlite3.Error as exc:
                raise _error("compact", exc) from exc
        await self._checkpoint()
