"""Storage for cohorts and contacts: joining, status, and erasing a person.

A mixin of both stores: the ``ContactStore``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from storage.audience import audience_sql
from storage.base import Audience, Cohort, Contact, ContactStatus, ContactStore
from storage.outbox import settle
from storage.sql import Conn, SqlBase

# A contact as ``contact_from`` reads it.
CONTACT_COLUMNS = "chat_id, cohort_id, language, status, easy_read"

_UPSERT_CONTACT = (
    "INSERT INTO contacts (chat_id, cohort_id, language, status, joined_on)"
    " VALUES (?, ?, ?, 'joined', ?) ON CONFLICT (chat_id) DO UPDATE SET"
    " cohort_id = coalesce(excluded.cohort_id, contacts.cohort_id),"
    " language = excluded.language, status = 'joined', joined_on = excluded.joined_on,"
    " stopped_on = NULL"
)


class ContactsMixin(SqlBase, ContactStore):
    """Cohorts and contacts; each public method is one transaction."""

    async def add_cohort(self, name: str, invite_code: str, today: str) -> Cohort:
        sql = "INSERT INTO cohorts (name, invite_code, created_on) VALUES (?, ?, ?)"
        made = await self._atomic("add_cohort", lambda c: c.insert(sql, (name, invite_code, today)))
        return Cohort(id=made, name=name, invite_code=invite_code)

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
        sql = f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE chat_id = ?"
        row = await self._one("contact", sql, (chat_id,))
        return None if row is None else contact_from(row)

    async def set_reading(
        self, chat_id: int, language: str | None, easy_read: bool | None, update_id: int
    ) -> bool:
        # Stored as 0 or 1 in both databases: PostgreSQL will not mix a boolean and a number.
        easy = None if easy_read is None else int(easy_read)

        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, time.time()):
                return False
            conn.execute(
                "UPDATE contacts SET language = coalesce(?, language),"
                " easy_read = coalesce(?, easy_read) WHERE chat_id = ?",
                (language, easy, chat_id),
            )
            return True

        return await self._atomic("set_reading", write)

    async def join(
        self, chat_id: int, cohort_id: int | None, language: str, today: str, update_id: int
    ) -> bool:
        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, time.time()):
                return False
            conn.execute(_UPSERT_CONTACT, (chat_id, cohort_id, language, today))
            return True

        return await self._atomic("join", write)

    async def join_many(
        self, chat_ids: Sequence[int], cohort_id: int | None, language: str, today: str
    ) -> int:
        rows = [(chat_id, cohort_id, language, today) for chat_id in chat_ids]
        if not rows:
            return 0
        # One executemany: joining one by one would mostly time the thread hand-off.
        await self._atomic("join_many", lambda conn: conn.executemany(_UPSERT_CONTACT, rows))
        return len(rows)

    async def set_status(self, chat_id: int, status: ContactStatus, update_id: int | None) -> bool:
        def write(conn: Conn) -> int | None:
            if update_id is not None and not self._claim_now(conn, update_id, time.time()):
                return None
            sql = "UPDATE contacts SET status = ? WHERE chat_id = ?"
            conn.execute(sql, (ContactStatus(status).value, chat_id))
            if status is ContactStatus.JOINED:
                return 0
            # Someone who stopped gets nothing more, not even what was already queued.
            return settle(conn, "failed", "chat_id = ? AND status = 'queued'", (chat_id,))

        dropped = await self._atomic("set_status", write)
        if dropped is None:
            return False
        if dropped:
            self._checkpoint_soon()
        return True

    async def mark_unreachable(self, chat_ids: Sequence[int]) -> None:
        if not chat_ids:
            return
        params = [(chat_id,) for chat_id in chat_ids]
        marks = ", ".join("?" for _ in chat_ids)

        def write(conn: Conn) -> int:
            conn.executemany("UPDATE contacts SET status = 'unreachable' WHERE chat_id = ?", params)
            where = f"chat_id IN ({marks}) AND status = 'queued'"
            return settle(conn, "failed", where, chat_ids)

        if await self._atomic("mark_unreachable", write):
            self._checkpoint_soon()

    async def contact_counts(self) -> dict[int | None, int]:
        sql = "SELECT cohort_id, count(*) FROM contacts WHERE status = 'joined' GROUP BY 1"
        return {row[0]: int(row[1]) for row in await self._all("contact_counts", sql, ())}

    async def audience(self, who: Audience) -> list[int]:
        sql, params = audience_sql(who)
        return [int(row[0]) for row in await self._all("audience", sql, params)]

    async def count_audience(self, who: Audience) -> int:
        sql, params = audience_sql(who)
        row = await self._one("count_audience", f"SELECT count(*) FROM ({sql}) AS a", params)
        return int(row[0])

    async def in_audience(self, who: Audience, chat_id: int) -> bool:
        sql, params = audience_sql(who)
        found = await self._one(
            "in_audience", f"SELECT 1 FROM ({sql}) AS a WHERE chat_id = ?", (*params, chat_id)
        )
        return found is not None

    async def erase_person(self, chat_id: int, links: Sequence[str], update_id: int) -> bool:
        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, time.time()):
                return False
            conn.execute("DELETE FROM contacts WHERE chat_id = ?", (chat_id,))
            # Anything still waiting for them goes too (sent and failed ones are gone already).
            conn.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))
            conn.execute("DELETE FROM rsvps WHERE chat_id = ?", (chat_id,))
            conn.execute("DELETE FROM plan_seen WHERE chat_id = ?", (chat_id,))
            marks = [(link,) for link in links]
            conn.executemany("DELETE FROM progress WHERE link = ?", marks)
            conn.executemany("DELETE FROM waiting WHERE link = ?", marks)
            conn.executemany("DELETE FROM participation WHERE mark = ?", marks)
            return True

        if not await self._atomic("erase_person", write):
            return False
        await self._checkpoint()  # no older copy of what was deleted stays in the -wal file
        return True


def contact_from(row: Sequence[Any]) -> Contact:
    """A contact from a row of ``CONTACT_COLUMNS``."""
    chat_id, cohort_id, language, status, easy_read = row
    return Contact(chat_id, cohort_id, language, ContactStatus(status), bool(easy_read))
