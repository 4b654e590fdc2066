"""Storage for check-ins and anonymous answers: progress, finishing, marks and totals.

A mixin of both stores: the ``CheckinStore``.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, replace
from typing import Any

from storage import release
from storage.audience import audience_sql
from storage.base import (
    Audience,
    Checkin,
    CheckinStore,
    CheckinView,
    NewCheckin,
    OutgoingMessage,
    Progress,
    ReplyDue,
    Totals,
)
from storage.contacts import CONTACT_COLUMNS, contact_from
from storage.outbox import insert_outbox
from storage.sql import Conn, SqlBase

_CHECKIN_COLUMNS = (
    "id, survey_id, cohort_id, opens_at, closes_at, remind_at, schedule_id, meeting_id, invited"
)
_NEWEST_FIRST = "ORDER BY opens_at DESC, id DESC"
# Whether a link finished a check-in (parameters: ``_finished(checkin_id, link)``): released
# with a batch, or finished and still waiting for one.
_FINISHED = (
    "(EXISTS (SELECT 1 FROM participation WHERE checkin_id = ? AND mark = ?)"
    " OR EXISTS (SELECT 1 FROM waiting WHERE checkin_id = ? AND link = ?))"
)


def _columns(table: str, columns: str) -> str:
    return ", ".join(f"{table}.{name.strip()}" for name in columns.split(","))


_CONTACT_WIDTH = len(CONTACT_COLUMNS.split(","))
# A contact's and a check-in's columns side by side, NULL where there is none (parameters:
# chat id, check-in id).
_PERSON_AND_CHECKIN = (
    f"SELECT {_columns('p', CONTACT_COLUMNS)}, {_columns('k', _CHECKIN_COLUMNS)}"
    " FROM (SELECT 1 AS one) AS here"
    " LEFT JOIN contacts p ON p.chat_id = ? LEFT JOIN checkins k ON k.id = ?"
)


def _finished(checkin_id: int, link: str) -> tuple[int, str, int, str]:
    return checkin_id, link, checkin_id, link


def _checkin(row: Sequence[Any]) -> Checkin:
    return Checkin(*row)


def _label(value: Any) -> str:
    """The key a value is counted under: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


class CheckinsMixin(SqlBase, CheckinStore):
    """Check-ins, progress and answers; each public method is one transaction."""

    async def open_checkin(
        self,
        new: NewCheckin,
        who: Audience,
        invitation: Callable[[Checkin], Mapping[str, Any]],
    ) -> tuple[Checkin | None, int]:
        def write(conn: Conn) -> Checkin | None:
            made = conn.execute(
                "INSERT INTO checkins (survey_id, cohort_id, opens_at, closes_at,"
                " remind_at, schedule_id, meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING RETURNING id",
                (
                    new.survey_id,
                    new.cohort_id,
                    new.opens_at,
                    new.closes_at,
                    new.remind_at,
                    new.schedule_id,
                    new.meeting_id,
                ),
            ).fetchone()
            if made is None:  # this schedule's check-in for this time already exists
                return None
            checkin = Checkin(int(made[0]), *astuple(new))
            # One statement for the whole audience: fast for tens of thousands of contacts.
            chats, params = audience_sql(who)
            cur = conn.execute(
                "INSERT INTO outbox (chat_id, payload, due_at, dedupe_key, expires_at)"
                " SELECT chat_id, ?, ?, 'checkin:' || ? || ':invite:' || chat_id, ?"
                f" FROM ({chats}) AS a WHERE true ON CONFLICT DO NOTHING",
                (json.dumps(invitation(checkin)), new.opens_at, checkin.id, new.closes_at, *params),
            )
            invited = cur.rowcount
            conn.execute("UPDATE checkins SET invited = ? WHERE id = ?", (invited, checkin.id))
            return replace(checkin, invited=invited)

        opened = await self._atomic("open_checkin", write)
        return (None, 0) if opened is None else (opened, opened.invited or 0)

    async def checkin_view(
        self, chat_id: int, checkin_id: int, link: str, who: Callable[[Checkin], Audience]
    ) -> CheckinView:
        def read(conn: Conn) -> CheckinView:
            # The person and the check-in in one statement: on PostgreSQL, one round trip.
            row = conn.execute(_PERSON_AND_CHECKIN, (chat_id, checkin_id)).fetchone()
            assert row is not None  # one row always, from the one-row table
            person, found = row[:_CONTACT_WIDTH], row[_CONTACT_WIDTH:]
            contact = None if person[0] is None else contact_from(person)
            if found[0] is None:
                return CheckinView(contact, None, False, None, False)
            checkin = _checkin(found)
            chats, params = audience_sql(who(checkin))
            invited, state, finished = conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM ({chats}) AS a WHERE chat_id = ?),"
                " (SELECT state FROM progress WHERE link = ? AND checkin_id = ?),"
                f" {_FINISHED}",
                (*params, chat_id, link, checkin_id, *_finished(checkin_id, link)),
            ).fetchone()
            progress = None if state is None else Progress(checkin_id, json.loads(state))
            return CheckinView(contact, checkin, bool(invited), progress, bool(finished))

        return await self._atomic("checkin_view", read, write=False)

    async def finished_marks(self, checkin_id: int) -> set[str]:
        sql = "SELECT mark FROM participation WHERE checkin_id = ?1"
        sql += " UNION ALL SELECT link FROM waiting WHERE checkin_id = ?1"
        return {str(row[0]) for row in await self._all("finished_marks", sql, (checkin_id,))}

    async def due_reminders(self, now: float) -> list[Checkin]:
        sql = (
            f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE reminded = 0 AND remind_at <= ?1"
            " AND (closes_at IS NULL OR ?1 < closes_at) ORDER BY remind_at"
        )
        return [_checkin(row) for row in await self._all("due_reminders", sql, (now,))]

    async def queue_reminders(self, checkin_id: int, messages: Sequence[OutgoingMessage]) -> int:
        def write(conn: Conn) -> int:
            cur = conn.execute(
                "UPDATE checkins SET reminded = 1 WHERE id = ? AND reminded = 0", (checkin_id,)
            )
            if cur.rowcount != 1:
                return 0
            return insert_outbox(conn, messages)

        return await self._atomic("queue_reminders", write)

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
        update_id: int,
        reply_due: float | None = None,
    ) -> bool:
        data, now = json.dumps(state), time.time()

        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, now):
                return False
            conn.execute(
                "INSERT INTO progress (link, checkin_id, state, updated_on, reply_due)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (link) DO UPDATE SET checkin_id = excluded.checkin_id,"
                " state = excluded.state, updated_on = excluded.updated_on,"
                " reply_due = excluded.reply_due",
                (link, checkin_id, data, today, reply_due),
            )
            return True

        return await self._atomic("save_progress", write)

    async def replies_due(self, now: float, limit: int) -> list[ReplyDue]:
        sql = (
            "SELECT link, checkin_id, reply_due FROM progress"
            " WHERE reply_due IS NOT NULL AND reply_due <= ? ORDER BY reply_due LIMIT ?"
        )
        return [ReplyDue(*row) for row in await self._all("replies_due", sql, (now, limit))]

    async def clear_replies(self, shown: Sequence[tuple[str, float]]) -> None:
        if not shown:
            return
        sql = "UPDATE progress SET reply_due = NULL WHERE link = ? AND reply_due = ?"
        await self._atomic("clear_replies", lambda conn: conn.executemany(sql, list(shown)))

    async def put_off_reply(self, link: str, due: float, new_due: float) -> None:
        sql = "UPDATE progress SET reply_due = ? WHERE link = ? AND reply_due = ?"
        await self._write("put_off_reply", sql, (new_due, link, due))

    async def progress_many(self, links: Sequence[str]) -> dict[str, Progress]:
        def read(conn: Conn) -> dict[str, Progress]:
            found: dict[str, Progress] = {}
            for start in range(0, len(links), 500):
                batch = links[start : start + 500]
                marks = ", ".join("?" for _ in batch)
                sql = f"SELECT link, checkin_id, state FROM progress WHERE link IN ({marks})"
                for link, checkin_id, state in conn.execute(sql, batch).fetchall():
                    found[link] = Progress(checkin_id, json.loads(state))
            return found

        return await self._atomic("progress_many", read, write=False)

    async def refresh_progress(
        self, states: Mapping[str, tuple[int, Mapping[str, Any]]], today: str
    ) -> int:
        rows = [
            (json.dumps(state), today, link, checkin_id)
            for link, (checkin_id, state) in states.items()
        ]
        if not rows:
            return 0
        sql = "UPDATE progress SET state = ?, updated_on = ? WHERE link = ? AND checkin_id = ?"
        return await self._atomic("refresh_progress", lambda conn: conn.executemany(sql, rows))

    async def finish_response(
        self,
        link: str,
        checkin_id: int,
        answers: Mapping[str, Any],
        today: str,
        update_id: int,
        *,
        batch: int,
    ) -> bool:
        """Keep the answers waiting under ``link`` and drop the progress; once ``batch`` wait,
        release them all (``storage.release``). A second finish with the same ``link`` raises
        ``StorageError`` and writes nothing.
        """
        now = time.time()

        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, now):
                return False
            conn.execute("DELETE FROM progress WHERE link = ?", (link,))
            release.hold(conn, link, checkin_id, answers, today, batch)
            return True

        if not await self._atomic("finish_response", write):
            return False
        # The -wal file still holds the progress row as it was, and after a release the
        # waiting rows: each of them a link with answers.
        await self._checkpoint()
        return True

    async def release_waiting(self, checkin_id: int, today: str) -> int:
        return await self._release(
            "release_waiting", lambda conn: release.release(conn, checkin_id, today)
        )

    async def release_closed(self, now: float, today: str) -> int:
        return await self._release(
            "release_closed", lambda conn: release.release_closed(conn, now, today)
        )

    async def _release(self, what: str, work: Callable[[Conn], int]) -> int:
        """Run a release in one transaction; then empty the log of the waiting rows."""
        released = await self._atomic(what, work)
        if released:
            await self._checkpoint()
        return released

    async def drop_closed_progress(self, now: float) -> int:
        sql = (
            "DELETE FROM progress WHERE checkin_id IN"
            " (SELECT id FROM checkins WHERE closes_at IS NOT NULL AND closes_at <= ?)"
        )
        dropped = await self._write("drop_closed_progress", sql, (now,))
        if dropped:
            await self._checkpoint()
        return dropped

    async def has_finished(self, checkin_id: int, mark: str) -> bool:
        found = await self._one("has_finished", f"SELECT {_FINISHED}", _finished(checkin_id, mark))
        return bool(found[0])

    async def totals(self, checkin_id: int) -> Totals:
        """Responses, and per question how often each value was given (list items one by one)."""

        def read(conn: Conn) -> tuple[list[Any], Any]:
            rows = conn.execute(
                "SELECT question_id, value FROM answers WHERE checkin_id = ?", (checkin_id,)
            ).fetchall()
            sql = "SELECT count(DISTINCT response_id) FROM answers WHERE checkin_id = ?"
            return rows, conn.execute(sql, (checkin_id,)).fetchone()

        rows, row = await self._atomic("totals", read, write=False)
        counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for question_id, value in rows:
            decoded = json.loads(value)
            for item in decoded if isinstance(decoded, list) else [decoded]:
                counts[question_id][_label(item)] += 1
        responses = 0 if row is None else int(row[0])
        return Totals(checkin_id, responses, {q: dict(c) for q, c in counts.items()})
