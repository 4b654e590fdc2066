"""Storage for what is planned ahead: check-in schedules, meetings, RSVPs and reminders.

A mixin of both stores: the ``PlanStore``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from storage.audience import audience_sql
from storage.base import Audience, Meeting, OutgoingMessage, PlanStore, Rsvp, Schedule, StorageError
from storage.outbox import insert_outbox
from storage.sql import Conn, SqlBase

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


def _queue(
    conn: Conn,
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
    return insert_outbox(conn, messages)


def _fetch_meeting(conn: Conn, meeting_id: int) -> Meeting:
    """The meeting, read in the caller's transaction."""
    sql = f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id = ?"
    row = conn.execute(sql, (meeting_id,)).fetchone()
    if row is None:
        raise StorageError("no such meeting")
    return _meeting(row)


def _column(conn: Conn, sql: str, params: Sequence[Any]) -> list[int]:
    return [int(row[0]) for row in conn.execute(sql, params).fetchall()]


def _replace_reminders(conn: Conn, meeting_id: int, reminders: Sequence[tuple[str, float]]) -> None:
    conn.execute("DELETE FROM meeting_reminders WHERE meeting_id = ? AND done = 0", (meeting_id,))
    conn.executemany(
        "INSERT INTO meeting_reminders (meeting_id, kind, due_at, done) VALUES (?, ?, ?, 0)"
        " ON CONFLICT (meeting_id, kind) DO UPDATE SET due_at = excluded.due_at, done = 0",
        [(meeting_id, kind, due_at) for kind, due_at in reminders],
    )


class PlansMixin(SqlBase, PlanStore):
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
        sql = (
            "INSERT INTO schedules (survey_id, cohort_id, next_at, every, open_for,"
            " remind_after) VALUES (?, ?, ?, ?, ?, ?)"
        )
        made = await self._atomic("add_schedule", lambda conn: conn.insert(sql, values))
        return Schedule(made, *values)

    async def schedules(self) -> list[Schedule]:
        sql = f"SELECT {_SCHEDULE_COLUMNS} FROM schedules ORDER BY id"
        return [_schedule(row) for row in await self._all("schedules", sql)]

    async def cancel_schedule(self, schedule_id: int) -> bool:
        sql = "UPDATE schedules SET cancelled = 1 WHERE id = ? AND cancelled = 0"
        return await self._write("cancel_schedule", sql, (schedule_id,)) == 1

    async def due_schedules(self, now: float) -> list[Schedule]:
        sql = (
            f"SELECT {_SCHEDULE_COLUMNS} FROM schedules"
            " WHERE cancelled = 0 AND next_at IS NOT NULL AND next_at <= ? ORDER BY next_at"
        )
        return [_schedule(row) for row in await self._all("due_schedules", sql, (now,))]

    async def advance_schedule(self, schedule_id: int, next_at: float | None) -> None:
        sql = "UPDATE schedules SET next_at = ? WHERE id = ?"
        await self._write("advance_schedule", sql, (next_at, schedule_id))

    # Meetings

    async def add_meeting(
        self,
        meeting: Meeting,
        who: Audience,
        reminders: Sequence[tuple[str, float]],
        invitation: Callable[[Meeting], Mapping[str, Any]],
        now: float,
    ) -> tuple[Meeting, int]:
        def write(conn: Conn) -> tuple[Meeting, int]:
            made = conn.insert(
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
                made,
                *(
                    getattr(meeting, f)
                    for f in ("title", "starts_at", "place", "link", "notes", "cohort_id")
                ),
            )
            invited = _column(conn, *audience_sql(who))
            conn.executemany(
                "INSERT INTO rsvps (meeting_id, chat_id) VALUES (?, ?)",
                [(stored.id, chat_id) for chat_id in invited],
            )
            _replace_reminders(conn, stored.id, reminders)
            queued = _queue(
                conn, invited, invitation(stored), now, f"meeting:{stored.id}:invite", stored
            )
            return stored, queued

        return await self._atomic("add_meeting", write)

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
        def write(conn: Conn) -> int:
            conn.execute(
                "UPDATE meetings SET starts_at = ?, place = ?, link = ?, notes = ?,"
                " version = version + 1 WHERE id = ?",
                (meeting.starts_at, meeting.place, meeting.link, meeting.notes, meeting.id),
            )
            changed = _fetch_meeting(conn, meeting.id)
            _replace_reminders(conn, changed.id, reminders)
            invited = _column(conn, *audience_sql(who))
            key = f"meeting:{changed.id}:change:{changed.version}"
            return _queue(conn, invited, notice(changed), now, key, changed, urgent)

        return await self._atomic("change_meeting", write)

    async def cancel_meeting(
        self,
        meeting_id: int,
        who: Audience,
        notice: Callable[[Meeting], Mapping[str, Any]],
        now: float,
        urgent: bool = False,
    ) -> int:
        def write(conn: Conn) -> int:
            cur = conn.execute(
                "UPDATE meetings SET cancelled = 1 WHERE id = ? AND cancelled = 0", (meeting_id,)
            )
            if cur.rowcount != 1:
                return 0
            conn.execute("DELETE FROM meeting_reminders WHERE meeting_id = ?", (meeting_id,))
            cancelled = _fetch_meeting(conn, meeting_id)
            invited = _column(conn, *audience_sql(who))
            key = f"meeting:{meeting_id}:cancel"
            return _queue(conn, invited, notice(cancelled), now, key, cancelled, urgent)

        return await self._atomic("cancel_meeting", write)

    async def rsvp(self, meeting_id: int, chat_id: int) -> Rsvp | None:
        sql = "SELECT answer FROM rsvps WHERE meeting_id = ? AND chat_id = ?"
        row = await self._one("rsvp", sql, (meeting_id, chat_id))
        return None if row is None or row[0] is None else Rsvp(row[0])

    async def set_rsvp(self, meeting_id: int, chat_id: int, answer: Rsvp, update_id: int) -> bool:
        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, time.time()):
                return False
            conn.execute(
                "INSERT INTO rsvps (meeting_id, chat_id, answer) VALUES (?, ?, ?)"
                " ON CONFLICT (meeting_id, chat_id) DO UPDATE SET answer = excluded.answer",
                (meeting_id, chat_id, Rsvp(answer).value),
            )
            return True

        return await self._atomic("set_rsvp", write)

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
        def write(conn: Conn) -> int:
            cur = conn.execute(
                "UPDATE meeting_reminders SET done = 1"
                " WHERE meeting_id = ? AND kind = ? AND done = 0",
                (meeting_id, kind),
            )
            if cur.rowcount != 1:
                return 0
            # A meeting moved after a reminder went out gets that reminder again: key on version.
            meeting = _fetch_meeting(conn, meeting_id)
            coming = _column(conn, *audience_sql(who))
            key = f"meeting:{meeting_id}:v{meeting.version}:remind:{kind}"
            return _queue(conn, coming, payload, now, key, meeting, urgent)

        return await self._atomic("queue_meeting_reminder", write)

    async def skip_meeting_reminder(self, meeting_id: int, kind: str) -> bool:
        sql = "UPDATE meeting_reminders SET done = 1 WHERE meeting_id = ? AND kind = ? AND done = 0"
        return await self._write("skip_meeting_reminder", sql, (meeting_id, kind)) == 1

    async def prune_rsvps(self, started_before: float, now: float) -> int:
        sql = (
            "DELETE FROM rsvps WHERE meeting_id IN (SELECT id FROM meetings m"
            " WHERE (m.starts_at < ?1 OR (m.cancelled = 1 AND m.starts_at < ?2))"
            " AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.meeting_id = m.id"
            " AND (c.closes_at IS NULL OR c.closes_at > ?2)))"
        )
        gone = await self._write("prune_rsvps", sql, (started_before, now))
        if gone:
            await self._checkpoint()  # no older copy of who said what stays in the -wal file
        return gone
