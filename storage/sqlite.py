"""The SQLite backend of the ``Store``: one aiosqlite connection, one transaction per call.

Several processes (the bot and the CLI) may share one file: WAL, a busy timeout and
``BEGIN IMMEDIATE`` let their writes queue up instead of failing.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import astuple
from importlib import resources
from pathlib import Path
from typing import Any, Self

import aiosqlite

from storage.base import (
    Checkin,
    Cohort,
    Contact,
    ContactStatus,
    NewCheckin,
    OutgoingMessage,
    Progress,
    QueuedMessage,
    StorageError,
    Totals,
)
from storage.plans import PlansMixin

SCHEMA_VERSION = 1
# Pruning handled update ids scans the table, so it runs once per this many claims.
_PRUNE_EVERY = 1000
_KEEP_UPDATES_SECONDS = 7 * 24 * 3600.0
_OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
_CHECKIN_COLUMNS = (
    "id, survey_id, cohort_id, opens_at, closes_at, remind_at, schedule_id, meeting_id"
)
# The joined contacts a check-in is for: its cohort (everyone when none), or a meeting's
# Going and Maybe. Parameters: ?1 cohort id, ?2 meeting id.
AUDIENCE_SQL = (
    "SELECT c.chat_id FROM contacts c WHERE c.status = 'joined' AND (CASE WHEN ?2 IS NULL"
    " THEN (?1 IS NULL OR c.cohort_id = ?1) ELSE EXISTS (SELECT 1 FROM rsvps r"
    " WHERE r.meeting_id = ?2 AND r.chat_id = c.chat_id AND r.answer IN ('going', 'maybe'))"
    " END)"
)
_NEWEST_FIRST = "ORDER BY opens_at DESC, id DESC"
_PRAGMAS = ("busy_timeout=5000", "foreign_keys=ON", "synchronous=FULL")


def _error(what: str, exc: sqlite3.Error) -> StorageError:
    """An error naming the operation and SQLite's error code only: never a value from a row."""
    return StorageError(f"{what} failed: {getattr(exc, 'sqlite_errorname', type(exc).__name__)}")


def _rowid(cursor: aiosqlite.Cursor) -> int:
    if cursor.lastrowid is None:
        raise StorageError("insert returned no row id")
    return cursor.lastrowid


def _checkin(row: Sequence[Any]) -> Checkin:
    return Checkin(*row)


def _label(value: Any) -> str:
    """The key a value is counted under: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


async def _insert_outbox(db: aiosqlite.Connection, messages: Sequence[OutgoingMessage]) -> int:
    """Queue messages in the caller's transaction; repeated dedupe keys are ignored."""
    if not messages:
        return 0
    rows = [
        (m.chat_id, json.dumps(m.payload), m.due_at, m.dedupe_key, int(m.urgent)) for m in messages
    ]
    cur = await db.executemany(
        "INSERT OR IGNORE INTO outbox (chat_id, payload, due_at, dedupe_key, urgent)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    return cur.rowcount


class SqliteStore(PlansMixin):
    """A ``Store`` kept in one SQLite file (or ``":memory:"`` for tests)."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        self._db: aiosqlite.Connection | None = None
        # aiosqlite runs one connection in one thread: without the lock, coroutines would
        # interleave inside each other's transactions.
        self._lock = asyncio.Lock()
        self._claims = 0

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def open(self) -> None:
        """Connect, set the per-connection pragmas and create the schema if it is missing."""
        async with self._lock:
            if self._db is not None:
                return
            try:
                db = await aiosqlite.connect(self._path, isolation_level=None)
            except sqlite3.Error as exc:
                raise _error("open", exc) from exc
            try:
                await self._prepare(db)
            except BaseException as exc:
                await db.close()
                if isinstance(exc, sqlite3.Error):
                    raise _error("open", exc) from exc
                raise
            self._db = db

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
        async with db.execute("SELECT value FROM meta WHERE key = 'schema_version'") as cur:
            row = await cur.fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            found = "none" if row is None else row[0]
            raise StorageError(f"database schema version {found}; expected {SCHEMA_VERSION}")

    async def close(self) -> None:
        """Close the connection once running calls finish (an open one keeps the process alive)."""
        async with self._lock:
            db, self._db = self._db, None
            if db is not None:
                await db.close()

    @asynccontextmanager
    async def _tx(self, what: str, *, write: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """Run the body as one transaction under the lock, translating database errors."""
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError(f"{what} failed: the store is not open")
            try:
                # IMMEDIATE takes the write lock up front, so busy_timeout applies; a deferred
                # read-then-write transaction can fail at once with SQLITE_BUSY.
                await db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield db
                await db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    with suppress(sqlite3.Error):
                        await db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _error(what, exc) from exc
                raise

    async def _claim(self, db: aiosqlite.Connection, update_id: int, now: float | None) -> bool:
        """Record ``update_id`` as handled; False (nothing written) if it already was."""
        stamp = time.time() if now is None else now
        cur = await db.execute(
            "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
            (update_id, stamp),
        )
        if cur.rowcount != 1:
            return False
        if self._claims % _PRUNE_EVERY == 0:
            await db.execute(
                "DELETE FROM handled_updates WHERE handled_at < ?", (stamp - _KEEP_UPDATES_SECONDS,)
            )
        self._claims += 1
        return True

    async def _one(self, what: str, sql: str, params: Iterable[Any] = ()) -> Any:
        """The first row of a read-only query, or None."""
        async with self._tx(what, write=False) as db, db.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _all(self, what: str, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self._tx(what, write=False) as db:
            return list(await db.execute_fetchall(sql, tuple(params)))

    async def _write(self, what: str, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        """Run one writing statement as its own transaction."""
        async with self._tx(what) as db:
            return await db.execute(sql, tuple(params))

    async def claim_update(self, update_id: int, now: float) -> bool:
        async with self._tx("claim_update") as db:
            return await self._claim(db, update_id, now)

    async def get_meta(self, key: str) -> str | None:
        row = await self._one("get_meta", "SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        sql = (
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        await self._write("set_meta", sql, (key, value))

    # Cohorts and contacts

    async def add_cohort(self, name: str, invite_code: str, today: str) -> Cohort:
        sql = "INSERT INTO cohorts (name, invite_code, created_on) VALUES (?, ?, ?)"
        cur = await self._write("add_cohort", sql, (name, invite_code, today))
        return Cohort(id=_rowid(cur), name=name, invite_code=invite_code)

    async def cohorts(self) -> list[Cohort]:
        rows = await self._all("cohorts", "SELECT id, name, invite_code FROM cohorts ORDER BY id")
        return [Cohort(*row) for row in rows]

    async def cohort_by_code(self, invite_code: str) -> Cohort | None:
        sql = "SELECT id, name, invite_code FROM cohorts WHERE invite_code = ?"
        row = await self._one("cohort_by_code", sql, (invite_code,))
        return None if row is None else Cohort(*row)

    async def cohort_by_name(self, name: str) -> Cohort | None:
        sql = "SELECT id, name, invite_code FROM cohorts WHERE name = ?"
        row = await self._one("cohort_by_name", sql, (name,))
        return None if row is None else Cohort(*row)

    async def contact(self, chat_id: int) -> Contact | None:
        sql = "SELECT chat_id, cohort_id, language, status FROM contacts WHERE chat_id = ?"
        row = await self._one("contact", sql, (chat_id,))
        return None if row is None else Contact(row[0], row[1], row[2], ContactStatus(row[3]))

    async def join(
        self, chat_id: int, cohort_id: int | None, language: str, today: str, update_id: int
    ) -> bool:
        async with self._tx("join") as db:
            if not await self._claim(db, update_id, None):
                return False
            await db.execute(
                "INSERT INTO contacts (chat_id, cohort_id, language, status, joined_on)"
                " VALUES (?, ?, ?, 'joined', ?) ON CONFLICT (chat_id) DO UPDATE SET"
                " cohort_id = coalesce(excluded.cohort_id, contacts.cohort_id),"
                " language = excluded.language, status = 'joined', joined_on = excluded.joined_on",
                (chat_id, cohort_id, language, today),
            )
            return True

    async def set_status(self, chat_id: int, status: ContactStatus, update_id: int | None) -> bool:
        async with self._tx("set_status") as db:
            if update_id is not None and not await self._claim(db, update_id, None):
                return False
            sql = "UPDATE contacts SET status = ? WHERE chat_id = ?"
            await db.execute(sql, (ContactStatus(status).value, chat_id))
            if status is not ContactStatus.JOINED:
                # Someone who stopped gets nothing more, not even what was already queued.
                await db.execute(
                    "UPDATE outbox SET status = 'failed', error = ?"
                    " WHERE chat_id = ? AND status = 'queued'",
                    (ContactStatus(status).value, chat_id),
                )
            return True

    async def mark_unreachable(self, chat_ids: Sequence[int]) -> None:
        params = [(chat_id,) for chat_id in chat_ids]
        async with self._tx("mark_unreachable") as db:
            await db.executemany(
                "UPDATE contacts SET status = 'unreachable' WHERE chat_id = ?", params
            )
            await db.executemany(
                "UPDATE outbox SET status = 'failed', error = 'unreachable'"
                " WHERE chat_id = ? AND status = 'queued'",
                params,
            )

    async def count_contacts(self, cohort_id: int | None) -> int:
        sql = (
            "SELECT count(*) FROM contacts WHERE status = 'joined'"
            " AND (?1 IS NULL OR cohort_id = ?1)"
        )
        row = await self._one("count_contacts", sql, (cohort_id,))
        return int(row[0])

    async def erase_person(self, chat_id: int, links: Sequence[str], update_id: int) -> bool:
        async with self._tx("erase_person") as db:
            if not await self._claim(db, update_id, None):
                return False
            await db.execute("DELETE FROM contacts WHERE chat_id = ?", (chat_id,))
            # Sent and failed rows go too: they hold the chat id and nothing else needs them.
            await db.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))
            await db.execute("DELETE FROM rsvps WHERE chat_id = ?", (chat_id,))
            marks = [(link,) for link in links]
            await db.executemany("DELETE FROM progress WHERE link = ?", marks)
            await db.executemany("DELETE FROM participation WHERE mark = ?", marks)
            return True

    # Check-ins and answers

    async def open_checkin(
        self, new: NewCheckin, invitation: Callable[[Checkin], Mapping[str, Any]]
    ) -> tuple[Checkin | None, int]:
        async with self._tx("open_checkin") as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO checkins (survey_id, cohort_id, opens_at, closes_at,"
                " remind_at, schedule_id, meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    new.survey_id,
                    new.cohort_id,
                    new.opens_at,
                    new.closes_at,
                    new.remind_at,
                    new.schedule_id,
                    new.meeting_id,
                ),
            )
            if cur.rowcount != 1:  # this schedule's check-in for this time already exists
                return None, 0
            checkin = Checkin(_rowid(cur), *astuple(new))
            # One statement for the whole audience: fast for tens of thousands of contacts.
            cur = await db.execute(
                "INSERT OR IGNORE INTO outbox (chat_id, payload, due_at, dedupe_key)"
                f" SELECT chat_id, ?3, ?4, 'checkin:' || ?5 || ':invite:' || chat_id"
                f" FROM ({AUDIENCE_SQL})",
                (
                    new.cohort_id,
                    new.meeting_id,
                    json.dumps(invitation(checkin)),
                    new.opens_at,
                    checkin.id,
                ),
            )
            return checkin, cur.rowcount

    async def audience(self, checkin: Checkin) -> list[int]:
        rows = await self._all("audience", AUDIENCE_SQL, (checkin.cohort_id, checkin.meeting_id))
        return [int(row[0]) for row in rows]

    async def finished_marks(self, checkin_id: int) -> set[str]:
        sql = "SELECT mark FROM participation WHERE checkin_id = ?"
        return {str(row[0]) for row in await self._all("finished_marks", sql, (checkin_id,))}

    async def due_reminders(self, now: float) -> list[Checkin]:
        sql = (
            f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE reminded = 0 AND remind_at <= ?1"
            " AND (closes_at IS NULL OR ?1 < closes_at) ORDER BY remind_at"
        )
        return [_checkin(row) for row in await self._all("due_reminders", sql, (now,))]

    async def queue_reminders(self, checkin_id: int, messages: Sequence[OutgoingMessage]) -> int:
        async with self._tx("queue_reminders") as db:
            cur = await db.execute(
                "UPDATE checkins SET reminded = 1 WHERE id = ? AND reminded = 0", (checkin_id,)
            )
            if cur.rowcount != 1:
                return 0
            return await _insert_outbox(db, messages)

    async def checkin(self, checkin_id: int) -> Checkin | None:
        sql = f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE id = ?"
        row = await self._one("checkin", sql, (checkin_id,))
        return None if row is None else _checkin(row)

    async def checkins(self) -> list[Checkin]:
        sql = f"SELECT {_CHECKIN_COLUMNS} FROM checkins {_NEWEST_FIRST}"
        return [_checkin(row) for row in await self._all("checkins", sql)]

    async def open_checkins(self, now: float) -> list[Checkin]:
        sql = (
            f"SELECT {_CHECKIN_COLUMNS} FROM checkins"
            f" WHERE opens_at <= ?1 AND (closes_at IS NULL OR ?1 < closes_at) {_NEWEST_FIRST}"
        )
        return [_checkin(row) for row in await self._all("open_checkins", sql, (now,))]

    async def progress(self, link: str) -> Progress | None:
        sql = "SELECT checkin_id, state FROM progress WHERE link = ?"
        row = await self._one("progress", sql, (link,))
        return None if row is None else Progress(checkin_id=row[0], state=json.loads(row[1]))

    async def save_progress(
        self, link: str, checkin_id: int, state: Mapping[str, Any], today: str, update_id: int
    ) -> bool:
        async with self._tx("save_progress") as db:
            if not await self._claim(db, update_id, None):
                return False
            await db.execute(
                "INSERT INTO progress (link, checkin_id, state, updated_on) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (link) DO UPDATE SET checkin_id = excluded.checkin_id,"
                " state = excluded.state, updated_on = excluded.updated_on",
                (link, checkin_id, json.dumps(state), today),
            )
            return True

    async def finish_response(
        self,
        link: str,
        checkin_id: int,
        answers: Mapping[str, Any],
        today: str,
        update_id: int,
    ) -> bool:
        """Write the answers under a fresh random id, mark participation and drop the progress.

        A second finish with the same ``link`` raises ``StorageError`` and writes nothing.
        """
        async with self._tx("finish_response") as db:
            if not await self._claim(db, update_id, None):
                return False
            # Made here, never derived from the link: nothing ties answers to a person.
            response_id = secrets.token_hex(16)
            await db.executemany(
                "INSERT INTO answers (response_id, checkin_id, question_id, value, answered_on)"
                " VALUES (?, ?, ?, ?, ?)",
                [(response_id, checkin_id, q, json.dumps(v), today) for q, v in answers.items()],
            )
            await db.execute(
                "INSERT INTO participation (checkin_id, mark) VALUES (?, ?)", (checkin_id, link)
            )
            await db.execute("DELETE FROM progress WHERE link = ?", (link,))
            return True

    async def drop_closed_progress(self, now: float) -> int:
        sql = (
            "DELETE FROM progress WHERE checkin_id IN"
            " (SELECT id FROM checkins WHERE closes_at IS NOT NULL AND closes_at <= ?)"
        )
        return (await self._write("drop_closed_progress", sql, (now,))).rowcount

    async def has_finished(self, checkin_id: int, mark: str) -> bool:
        sql = "SELECT 1 FROM participation WHERE checkin_id = ? AND mark = ?"
        return await self._one("has_finished", sql, (checkin_id, mark)) is not None

    async def totals(self, checkin_id: int) -> Totals:
        """Responses, and per question how often each value was given (list items one by one)."""
        async with self._tx("totals", write=False) as db:
            rows = await db.execute_fetchall(
                "SELECT question_id, value FROM answers WHERE checkin_id = ?", (checkin_id,)
            )
            sql = "SELECT count(DISTINCT response_id) FROM answers WHERE checkin_id = ?"
            async with db.execute(sql, (checkin_id,)) as cur:
                row = await cur.fetchone()
        counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for question_id, value in rows:
            decoded = json.loads(value)
            for item in decoded if isinstance(decoded, list) else [decoded]:
                counts[question_id][_label(item)] += 1
        responses = 0 if row is None else int(row[0])
        return Totals(checkin_id, responses, {q: dict(c) for q, c in counts.items()})

    # Outbox

    async def enqueue(self, messages: Sequence[OutgoingMessage]) -> int:
        if not messages:
            return 0
        async with self._tx("enqueue") as db:
            return await _insert_outbox(db, messages)

    async def requeue_inflight(self) -> int:
        sql = "UPDATE outbox SET status = 'queued' WHERE status = 'sending'"
        return (await self._write("requeue_inflight", sql)).rowcount

    async def claim_due(
        self, now: float, limit: int, urgent_only: bool = False
    ) -> list[QueuedMessage]:
        async with self._tx("claim_due") as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT id, chat_id, payload, due_at, attempts FROM outbox"
                    " WHERE status = 'queued' AND due_at <= ? AND (urgent = 1 OR NOT ?)"
                    " ORDER BY due_at, id LIMIT ?",
                    (now, urgent_only, limit),
                )
            )
            await db.executemany(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
                [(row[0],) for row in rows],
            )
        return [QueuedMessage(r[0], r[1], json.loads(r[2]), r[3], r[4] + 1) for r in rows]

    async def mark_sent(self, ids: Sequence[int], now: float) -> None:
        if not ids:
            return
        async with self._tx("mark_sent") as db:
            await db.executemany(
                "UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?",
                [(now, message_id) for message_id in ids],
            )

    async def retry_later(
        self, message_id: int, due_at: float, error: str, attempted: bool = True
    ) -> None:
        sql = (
            "UPDATE outbox SET status = 'queued', due_at = ?, error = ?,"
            " attempts = attempts - ? WHERE id = ?"
        )
        await self._write("retry_later", sql, (due_at, error, int(not attempted), message_id))

    async def mark_failed(self, message_id: int, error: str) -> None:
        sql = "UPDATE outbox SET status = 'failed', error = ? WHERE id = ?"
        await self._write("mark_failed", sql, (error, message_id))

    async def outbox_progress(self, dedupe_prefix: str) -> int:
        sql = (
            "SELECT count(*) FROM outbox WHERE substr(dedupe_key, 1, length(?1)) = ?1"
            " AND status IN ('sent', 'failed')"
        )
        row = await self._one("outbox_progress", sql, (dedupe_prefix,))
        return int(row[0])

    async def outbox_counts(self) -> dict[str, int]:
        """Messages per status, every status present (zero when none)."""
        sql = "SELECT status, count(*) FROM outbox GROUP BY status"
        counts = dict.fromkeys(_OUTBOX_STATUSES, 0)
        counts.update({status: int(n) for status, n in await self._all("outbox_counts", sql)})
        return counts
