"""The SQLite backend of the ``Store``: contacts, cohorts, check-ins and anonymous answers.

Outbox and planning tables live in mixins (``storage.outbox``, ``storage.plans``).
"""

from __future__ import annotations

import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple
from typing import Any

from storage.base import (
    Checkin,
    Cohort,
    Contact,
    ContactStatus,
    NewCheckin,
    OutgoingMessage,
    Progress,
    Totals,
)
from storage.outbox import OutboxMixin, insert_outbox
from storage.plans import PlansMixin
from storage.sqlite_base import SCHEMA_VERSION, rowid

__all__ = ["SCHEMA_VERSION", "SqliteStore"]

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


def _checkin(row: Sequence[Any]) -> Checkin:
    return Checkin(*row)


def _label(value: Any) -> str:
    """The key a value is counted under: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


class SqliteStore(OutboxMixin, PlansMixin):
    """A ``Store`` kept in one SQLite file (or ``":memory:"`` for tests)."""

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
        return Cohort(id=rowid(cur), name=name, invite_code=invite_code)

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
        await self._checkpoint()  # no older copy of what was deleted stays in the -wal file
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
            checkin = Checkin(rowid(cur), *astuple(new))
            # One statement for the whole audience: fast for tens of thousands of contacts.
            cur = await db.execute(
                "INSERT OR IGNORE INTO outbox (chat_id, payload, due_at, dedupe_key, expires_at)"
                f" SELECT chat_id, ?3, ?4, 'checkin:' || ?5 || ':invite:' || chat_id, ?6"
                f" FROM ({AUDIENCE_SQL})",
                (
                    new.cohort_id,
                    new.meeting_id,
                    json.dumps(invitation(checkin)),
                    new.opens_at,
                    checkin.id,
                    new.closes_at,
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
            return await insert_outbox(db, messages)

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
        self,
        link: str,
        checkin_id: int,
        state: Mapping[str, Any],
        today: str,
        update_id: int | None,
    ) -> bool:
        async with self._tx("save_progress") as db:
            if update_id is None:
                # A follow-up write: never bring back progress deleted meanwhile (finished,
                # erased, or closed by the planner).
                cur = await db.execute(
                    "UPDATE progress SET state = ?, updated_on = ?"
                    " WHERE link = ? AND checkin_id = ?",
                    (json.dumps(state), today, link, checkin_id),
                )
                return cur.rowcount == 1
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
        # The -wal file still holds the progress row as it was (the link with the answers).
        await self._checkpoint()
        return True

    async def drop_closed_progress(self, now: float) -> int:
        sql = (
            "DELETE FROM progress WHERE checkin_id IN"
            " (SELECT id FROM checkins WHERE closes_at IS NOT NULL AND closes_at <= ?)"
        )
        dropped = (await self._write("drop_closed_progress", sql, (now,))).rowcount
        if dropped:
            await self._checkpoint()
        return dropped

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
