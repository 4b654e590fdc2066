"""SQLite storage for looking after one person: pausing their messages (/pause), what is held
about them (/mydata), and the safeguarding alerts they asked for.

A mixin of ``SqliteStore``: the SQLite ``CareStore``.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.base import (
    CareStore,
    ContactStatus,
    HeldMeeting,
    OutgoingMessage,
    PersonData,
    Rsvp,
)
from storage.outbox import insert_outbox
from storage.sqlite_base import SqliteBase


class CareMixin(SqliteBase, CareStore):
    async def set_pause(self, chat_id: int, until: float | None, update_id: int) -> bool:
        async with self._tx("set_pause") as db:
            if not await self._claim(db, update_id, None):
                return False
            sql = "UPDATE contacts SET paused_until = ? WHERE chat_id = ?"
            await db.execute(sql, (until, chat_id))
            return True

    async def paused_until(self, chat_id: int) -> float | None:
        sql = "SELECT paused_until FROM contacts WHERE chat_id = ?"
        row = await self._one("paused_until", sql, (chat_id,))
        return None if row is None or row[0] is None else float(row[0])

    async def person_data(self, chat_id: int, links: Sequence[str]) -> PersonData | None:
        async with self._tx("person_data", write=False) as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT cohorts.name, language, status, joined_on, paused_until"
                    " FROM contacts LEFT JOIN cohorts ON cohorts.id = contacts.cohort_id"
                    " WHERE chat_id = ?",
                    (chat_id,),
                )
            )
            if not rows:
                return None
            held: dict[str, list[str]] = {"progress": [], "waiting": []}
            for table, found in held.items():
                for link in links:  # one keyed lookup each: the links are HMACs, not a column
                    surveys = await db.execute_fetchall(
                        f"SELECT checkins.survey_id FROM {table} JOIN checkins"
                        f" ON checkins.id = {table}.checkin_id WHERE link = ?",
                        (link,),
                    )
                    found.extend(str(row[0]) for row in surveys)
            meetings = await db.execute_fetchall(
                "SELECT title, starts_at, answer FROM rsvps JOIN meetings"
                " ON meetings.id = rsvps.meeting_id WHERE chat_id = ? ORDER BY starts_at",
                (chat_id,),
            )
        name, language, status, joined_on, paused = rows[0]
        return PersonData(
            name,
            language,
            ContactStatus(status),
            joined_on,
            None if paused is None else float(paused),
            tuple(held["progress"]),
            tuple(HeldMeeting(t, s, Rsvp(a) if a else None) for t, s, a in meetings),
            tuple(held["waiting"]),
        )

    async def raise_alert(
        self, chat_id: int, today: str, messages: Sequence[OutgoingMessage], update_id: int
    ) -> bool:
        async with self._tx("raise_alert") as db:
            if not await self._claim(db, update_id, None):
                return False
            await db.execute(
                "INSERT INTO safeguarding_alerts (chat_id, raised_on, recipients) VALUES (?, ?, ?)",
                (chat_id, today, len(messages)),
            )
            await insert_outbox(db, messages)
            return True
