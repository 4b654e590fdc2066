"""Storage for looking after one person: pausing their messages (/pause), what is held
about them (/mydata), and the safeguarding alerts they asked for.

A mixin of both stores: the ``CareStore``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from storage.base import (
    CareStore,
    ContactStatus,
    HeldMeeting,
    OutgoingMessage,
    PersonData,
    Rsvp,
)
from storage.outbox import insert_outbox
from storage.sql import Conn, SqlBase


class CareMixin(SqlBase, CareStore):
    async def set_pause(self, chat_id: int, until: float | None, update_id: int) -> bool:
        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, time.time()):
                return False
            conn.execute("UPDATE contacts SET paused_until = ? WHERE chat_id = ?", (until, chat_id))
            return True

        return await self._atomic("set_pause", write)

    async def paused_until(self, chat_id: int) -> float | None:
        sql = "SELECT paused_until FROM contacts WHERE chat_id = ?"
        row = await self._one("paused_until", sql, (chat_id,))
        return None if row is None or row[0] is None else float(row[0])

    async def person_data(self, chat_id: int, links: Sequence[str]) -> PersonData | None:
        def read(conn: Conn) -> tuple[Any, dict[str, list[str]], list[Any]] | None:
            person = conn.execute(
                "SELECT cohorts.name, language, status, joined_on, paused_until"
                " FROM contacts LEFT JOIN cohorts ON cohorts.id = contacts.cohort_id"
                " WHERE chat_id = ?",
                (chat_id,),
            ).fetchone()
            if person is None:
                return None
            held: dict[str, list[str]] = {"progress": [], "waiting": []}
            for table, found in held.items():
                for link in links:  # one keyed lookup each: the links are HMACs, not a column
                    surveys = conn.execute(
                        f"SELECT checkins.survey_id FROM {table} JOIN checkins"
                        f" ON checkins.id = {table}.checkin_id WHERE link = ?",
                        (link,),
                    ).fetchall()
                    found.extend(str(row[0]) for row in surveys)
            meetings = conn.execute(
                "SELECT title, starts_at, answer FROM rsvps JOIN meetings"
                " ON meetings.id = rsvps.meeting_id WHERE chat_id = ? ORDER BY starts_at",
                (chat_id,),
            ).fetchall()
            return person, held, meetings

        found = await self._atomic("person_data", read, write=False)
        if found is None:
            return None
        (name, language, status, joined_on, paused), held, meetings = found
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
        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, time.time()):
                return False
            conn.execute(
                "INSERT INTO safeguarding_alerts (chat_id, raised_on, recipients) VALUES (?, ?, ?)",
                (chat_id, today, len(messages)),
            )
            insert_outbox(conn, messages)
            return True

        return await self._atomic("raise_alert", write)
