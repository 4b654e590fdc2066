"""SQLite storage for what is planned ahead: check-in schedules, meetings, RSVPs and reminders.

A mixin of ``SqliteStore``: the SQLite ``PlanStore``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import aiosqlite

from storage.audience import audience_sql
from storage.base import Audience, Meeting, OutgoingMessage, PlanStore, Rsvp, Schedule, StorageError
from storage.outbox import insert_outbox
from storage.sqlite_base import SqliteBase, rowid

_SCHEDULE_COLUMNS = "id, survey_id, cohort_id, next_at, every, open_for, remind_after, cancelled"
_MEETING_COLUMNS = "id, title, starts_at, place, link, notes, cohort_id, cancelled, version"


def _schedule(row: Sequence[Any]) -> Schedule:
    schedule_id, survey_id, cohort_id, next_at, every, open_for, remind_after, cancelled = row
    return Schedule(
        schedule_id, survey_id, cohort_id, next_at, every, open_for, remind_after, bool(cancelled)
    )


def _meeting(row: Sequence[Any]) -> Meeting:
    meeting_id, title, starts_at, place, link, notes, cohort_id, cancelled, version = row
    return Meeting(
        meeting_id, title, starts_at, place, link, notes, cohort_id, bool(cancelled), int(version)
    )


async def _queue(
    db: aiosqlite.Connection,
    chat_ids: Iterable[int],
    payload: Mapping[str, Any],
    now: float,
    key: str,
    meeting: Meeting,
    urgent: bool = False,
) -> int:
    """Queue one meeting message to many chats in the caller's transaction (dedupe
    ``key:chat``); it expires when the meeting starts."""
    messages = [
        OutgoingMessage(chat, payload, now, f"{key}:{chat}", urgent, expires_at=meeting.starts_at)
        for chat in chat_ids
    ]
    return await insert_outbox(db, messages)


async def _fetch_meeting(db: aiosqlite.Connection, meeting_id: int) -> Meeting:
    """The meeting, read in the caller's transaction."""
    sql = f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id = ?"
    async with db.execute(sql, (meeting_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise StorageError("no such meeting")
    return _meeting(row)


async def _column(db: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> list[int]:
    return [int(row[0]) for row in await db.execute_fetchall(sql, tuple(params))]


async def _replace_reminders(
    db: aiosqlite.Connection, meeting_id: int, reminders: Sequence[tuple[str, float]]
) -> None:
    await db.execute(
        "DELETE FROM meeting_reminders WHERE meeting_id = ? AND done = 0", (meeting_id,)
    )
    await db.executemany(
        "INSERT OR REPLACE INTO meeting_reminders (meeting_id, kind, due_at, done)"
        " VALUES (?, ?, ?, 0)",
        [(meeting_id, kind, due_at) for kind, due_at in reminders],
    )


class PlansMixin(SqliteBase, PlanStore):
    """Schedules, meetings and RSVPs; each public method is one transaction."""

    # Schedules

    async def add_schedule(
        self,
        survey_id: str,
        cohort_id: int | None,
        next_at: float,
        every: str | None,
        open_for: float | None,
        remind_after: float | None,
    ) -> Schedule:
        values = (survey_id, cohort_id, next_at, every, open_for, remind_after)
        async with self._tx("add_schedule") as db:
            cur = await db.execute(
                "INSERT INTO schedules (survey_id, cohort_id, next_at, every, open_for,"
                " remind_after) VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
            return Schedule(rowid(cur), *values)

    async def schedules(self) -> list[Schedule]:
        sql = f"SELECT {_SCHEDULE_COLUMNS} FROM schedules ORDER BY id"
        return [_schedule(row) for row in await self._all("schedules", sql)]

    async def cancel_schedule(self, schedule_id: int) -> bool:
        async with self._tx("cancel_schedule") as db:
            cur = await db.execute(
                "UPDATE schedules SET cancelled = 1 WHERE id = ? AND cancelled = 0", (schedule_id,)
            )
            return cur.rowcount == 1

    async def due_schedules(self, now: float) -> list[Schedule]:
        sql = (
            f"SELECT {_SCHEDULE_COLUMNS} FROM schedules"
            " WHERE cancelled = 0 AND next_at IS NOT NULL AND next_at <= ? ORDER BY next_at"
        )
        return [_schedule(row) for row in await self._all("due_schedules", sql, (now,))]

    async def advance_schedule(self, schedule_id: int, next_at: float | None) -> None:
        async with self._tx("advance_schedule") as db:
            await db.execute(
                "UPDATE schedules SET next_at = ? WHERE id = ?", (next_at, schedule_id)
            )

    # Meetings

    async def add_meeting(
        self,
        meeting: Meeting,
        who: Audience,
        reminders: Sequence[tuple[str, float]],
        invitation: Callable[[Meeting], Mapping[str, Any]],
        now: float,
    ) -> tuple[Meeting, int]:
        async with self._tx("add_meeting") as db:
            cur = await db.execute(
                "INSERT INTO meetings (title, starts_at, place, link, notes, cohort_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    meeting.title,
                    meeting.starts_at,
                    meeting.place,
                    meeting.link,
                    meeting.notes,
                    meeting.cohort_id,
                ),
            )
            stored = Meeting(
                rowid(cur),
                *(
                    getattr(meeting, f)
                    for f in ("title", "starts_at", "place", "link", "notes", "cohort_id")
                ),
            )
            invited = await _column(db, *audience_sql(who))
            await db.executemany(
                "INSERT INTO rsvps (meeting_id, chat_id) VALUES (?, ?)",
                [(stored.id, chat_id) for chat_id in invited],
            )
            await _replace_reminders(db, stored.id, reminders)
            queued = await _queue(
                db, invited, invitation(stored), now, f"meeting:{stored.id}:invite", stored
            )
            return stored, queued

    async def meeting(self, meeting_id: int) -> Meeting | None:
        sql = f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id = ?"
        row = await self._one("meeting", sql, (meeting_id,))
        return None if row is None else _meeting(row)

    async def meetings(self, since: float) -> list[Meeting]:
        sql = (
            f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE cancelled = 0 AND starts_at >= ?"
            " ORDER BY starts_at, id"
        )
        return [_meeting(row) for row in await self._all("meetings", sql, (since,))]

    async def change_meeting(
        self,
        meeting: Meeting,
        who: Audience,
        reminders: Sequence[tuple[str, float]],
        notice: Callable[[Meeting], Mapping[str, Any]],
        now: float,
        urgent: bool = False,
    ) -> int:
        async with self._tx("change_meeting") as db:
            await db.execute(
                "UPDATE meetings SET starts_at = ?, place = ?, link = ?, notes = ?,"
                " version = version + 1 WHERE id = ?",
                (meeting.starts_at, meeting.place, meeting.link, meeting.notes, meeting.id),
            )
            changed = await _fetch_meeting(db, meeting.id)
            await _replace_reminders(db, changed.id, reminders)
            invited = await _column(db, *audience_sql(who))
            key = f"meeting:{changed.id}:change:{changed.version}"
            return await _queue(db, invited, notice(changed), now, key, changed, urgent)

    async def cancel_meeting(
        self,
        meeting_id: int,
        who: Audience,
        notice: Callable[[Meeting], Mapping[str, Any]],
        now: float,
        urgent: bool = False,
    ) -> int:
        async with self._tx("cancel_meeting") as db:
            cur = await db.execute(
                "UPDATE meetings SET cancelled = 1 WHERE id = ? AND cancelled = 0", (meeting_id,)
            )
            if cur.rowcount != 1:
                return 0
            await db.execute("DELETE FROM meeting_reminders WHERE meeting_id = ?", (meeting_id,))
            cancelled = await _fetch_meeting(db, meeting_id)
            invited = await _column(db, *audience_sql(who))
            key = f"meeting:{meeting_id}:cancel"
            return await _queue(db, invited, notice(cancelled), now, key, cancelled, urgent)

    async def rsvp(self, meeting_id: int, chat_id: int) -> Rsvp | None:
        sql = "SELECT answer FROM rsvps WHERE meeting_id = ? AND chat_id = ?"
        row = await self._one("rsvp", sql, (meeting_id, chat_id))
        return None if row is None or row[0] is None else Rsvp(row[0])

    async def set_rsvp(self, meeting_id: int, chat_id: int, answer: Rsvp, update_id: int) -> bool:
        async with self._tx("set_rsvp") as db:
            if not await self._claim(db, update_id, None):
                return False
            await db.execute(
                "INSERT INTO rsvps (meeting_id, chat_id, answer) VALUES (?, ?, ?)"
                " ON CONFLICT (meeting_id, chat_id) DO UPDATE SET answer = excluded.answer",
                (meeting_id, chat_id, Rsvp(answer).value),
            )
            return True

    async def rsvp_counts(self, meeting_id: int) -> dict[str, int]:
        sql = "SELECT coalesce(answer, 'none'), count(*) FROM rsvps WHERE meeting_id = ? GROUP BY 1"
        counts = dict.fromkeys(("going", "maybe", "no", "none"), 0)
        counts.update(
            {str(a): int(n) for a, n in await self._all("rsvp_counts", sql, (meeting_id,))}
        )
        return counts

    async def due_meeting_reminders(self, now: float) -> list[tuple[Meeting, str]]:
        sql = (
            f"SELECT {', '.join('m.' + c.strip() for c in _MEETING_COLUMNS.split(','))}, r.kind"
            " FROM meeting_reminders r JOIN meetings m ON m.id = r.meeting_id"
            " WHERE r.done = 0 AND r.due_at <= ?1 AND m.cancelled = 0 AND m.starts_at > ?1"
            " ORDER BY r.due_at"
        )
        rows = await self._all("due_meeting_reminders", sql, (now,))
        return [(_meeting(row[:9]), str(row[9])) for row in rows]

    async def queue_meeting_reminder(
        self,
        meeting_id: int,
        kind: str,
        who: Audience,
        payload: Mapping[str, Any],
        urgent: bool,
        now: float,
    ) -> int:
        async with self._tx("queue_meeting_reminder") as db:
            cur = await db.execute(
                "UPDATE meeting_reminders SET done = 1"
                " WHERE meeting_id = ? AND kind = ? AND done = 0",
                (meeting_id, kind),
            )
            if cur.rowcount != 1:
                return 0
            # A meeting moved after a reminder went out gets that reminder again: key on version.
            meeting = await _fetch_meeting(db, meeting_id)
            coming = await _column(db, *audience_sql(who))
            key = f"meeting:{meeting_id}:v{meeting.version}:remind:{kind}"
            return await _queue(db, coming, payload, now, key, meeting, urgent)

    async def skip_meeting_reminder(self, meeting_id: int, kind: str) -> bool:
        sql = "UPDATE meeting_reminders SET done = 1 WHERE meeting_id = ? AND kind = ? AND done = 0"
        return (await self._write("skip_meeting_reminder", sql, (meeting_id, kind))).rowcount == 1

    async def prune_rsvps(self, started_before: float, now: float) -> int:
        sql = (
            "DELETE FROM rsvps WHERE meeting_id IN (SELECT id FROM meetings m"
            " WHERE (m.starts_at < ?1 OR (m.cancelled = 1 AND m.starts_at < ?2))"
            " AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.meeting_id = m.id"
            " AND (c.closes_at IS NULL OR c.closes_at > ?2)))"
        )
        gone = (await self._write("prune_rsvps", sql, (started_before, now))).rowcount
        if gone:
            await self._checkpoint()  # no older copy of who said what stays in the -wal file
        return gone
