"""Storage for "you said, we did": posted updates, feedback counts and anonymous notes.

A mixin of both stores: the ``UpdateStore``. Feedback is kept as counts per update
and value only, so nothing in the file (nor in the key) can tell who chose what.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from storage.audience import audience_sql
from storage.base import (
    FEEDBACK_VALUES,
    Audience,
    Checkin,
    FeedbackMove,
    NewUpdate,
    PostedUpdate,
    UpdateStatus,
    UpdateStore,
)
from storage.sql import Conn, Dialect, SqlBase


def _columns(dialect: Dialect) -> str:
    ids = dialect.list_ids.format("checkin_id")
    return (
        "u.id, u.you_said, u.we_did, u.status,"
        f" (SELECT {ids} FROM posted_update_checkins p WHERE p.posted_id = u.id),"
        " u.cohort_id, u.due_on, u.why, u.posted_by, u.posted_at, u.sent_to, u.status_at"
    )


_CHECKIN_COLUMNS = (
    "c.id, c.survey_id, c.cohort_id, c.opens_at, c.closes_at, c.remind_at, c.schedule_id,"
    " c.meeting_id, c.invited"
)


def _posted(row: Sequence[Any]) -> PostedUpdate:
    ids = tuple(sorted(int(i) for i in row[4].split(","))) if row[4] else ()
    return PostedUpdate(row[0], row[1], row[2], UpdateStatus(row[3]), ids, *row[5:])


def _reach_sql(who: Sequence[Audience]) -> tuple[str, tuple[Any, ...]]:
    """The chats in any of ``who``, each once (``UNION`` removes repeats)."""
    parts = [audience_sql(one) for one in who]
    if not parts:
        return "SELECT NULL AS chat_id WHERE 1 = 0", ()
    params: tuple[Any, ...] = tuple(p for _, ps in parts for p in ps)
    return " UNION ".join(sql for sql, _ in parts), params


class UpdatesMixin(SqlBase, UpdateStore):
    """Updates, their counts and notes; each public method is one transaction."""

    async def post_update(
        self,
        new: NewUpdate,
        who: Sequence[Audience],
        message: Callable[[PostedUpdate], Mapping[str, Any]],
        due_at: float,
    ) -> tuple[PostedUpdate, int]:
        def write(conn: Conn) -> tuple[PostedUpdate, int]:
            made = conn.insert(
                "INSERT INTO posted_updates (you_said, we_did, status, due_on, why, cohort_id,"
                " posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.you_said,
                    new.we_did,
                    new.status.value,
                    new.due_on,
                    new.why,
                    new.cohort_id,
                    new.posted_by,
                    new.posted_at,
                ),
            )
            ids = tuple(sorted(set(new.checkin_ids)))
            posted = PostedUpdate(
                made, new.you_said, new.we_did, new.status, ids, new.cohort_id,
                new.due_on, new.why, new.posted_by, new.posted_at, 0,
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO posted_update_checkins (posted_id, checkin_id) VALUES (?, ?)",
                [(posted.id, checkin_id) for checkin_id in ids],
            )
            chats, params = _reach_sql(who)
            sent = conn.execute(
                "INSERT INTO outbox (chat_id, payload, due_at, dedupe_key)"
                " SELECT chat_id, ?, ?, 'update:' || ? || ':' || chat_id"
                f" FROM ({chats}) AS a WHERE true ON CONFLICT DO NOTHING",
                (json.dumps(message(posted)), due_at, posted.id, *params),
            ).rowcount
            conn.execute("UPDATE posted_updates SET sent_to = ? WHERE id = ?", (sent, posted.id))
            return replace(posted, sent_to=sent), sent

        return await self._atomic("post_update", write)

    async def count_reach(self, who: Sequence[Audience]) -> int:
        chats, params = _reach_sql(who)
        row = await self._one("count_reach", f"SELECT count(*) FROM ({chats}) AS a", params)
        return int(row[0])

    async def posted_update(self, posted_id: int) -> PostedUpdate | None:
        sql = f"SELECT {_columns(self.dialect)} FROM posted_updates u WHERE u.id = ?"
        row = await self._one("posted_update", sql, (posted_id,))
        return None if row is None else _posted(row)

    async def posted_updates(self) -> list[PostedUpdate]:
        sql = (
            f"SELECT {_columns(self.dialect)} FROM posted_updates u"
            " ORDER BY u.posted_at DESC, u.id DESC"
        )
        return [_posted(row) for row in await self._all("posted_updates", sql)]

    async def set_update_status(
        self,
        posted_id: int,
        status: UpdateStatus,
        due_on: str | None,
        why: str | None,
        now: float,
    ) -> bool:
        sql = (
            "UPDATE posted_updates SET status = ?, due_on = ?, why = ?, status_at = ? WHERE id = ?"
        )
        changed = await self._write(
            "set_update_status", sql, (status.value, due_on, why, now, posted_id)
        )
        return changed == 1

    async def move_feedback(
        self, posted_id: int, to: str | None, from_: str | None, update_id: int | None, now: float
    ) -> FeedbackMove:
        for value in (to, from_):
            if value is not None and value not in FEEDBACK_VALUES:
                raise ValueError(f"not a feedback value: {value!r}")

        def write(conn: Conn) -> FeedbackMove:
            if from_ is not None:
                found = conn.execute(
                    "SELECT count FROM update_feedback WHERE posted_id = ? AND value = ?",
                    (posted_id, from_),
                ).fetchone()
                if found is None or found[0] < 1:
                    return FeedbackMove.STALE
            if update_id is not None and not self._claim_now(conn, update_id, now):
                return FeedbackMove.REPEATED
            if from_ is not None:
                conn.execute(
                    "UPDATE update_feedback SET count = count - 1"
                    " WHERE posted_id = ? AND value = ?",
                    (posted_id, from_),
                )
            if to is not None:
                conn.execute(
                    "INSERT INTO update_feedback (posted_id, value, count) VALUES (?, ?, 1)"
                    " ON CONFLICT (posted_id, value) DO UPDATE"
                    " SET count = update_feedback.count + 1",
                    (posted_id, to),
                )
            return FeedbackMove.MOVED

        return await self._atomic("move_feedback", write)

    async def feedback_counts(self, posted_id: int) -> dict[str, int]:
        sql = "SELECT value, count FROM update_feedback WHERE posted_id = ?"
        counts = dict.fromkeys(FEEDBACK_VALUES, 0)
        counts.update({v: int(n) for v, n in await self._all("feedback_counts", sql, (posted_id,))})
        return counts

    async def await_note(self, link: str, posted_id: int, until: float) -> None:
        sql = (
            "INSERT INTO update_notes_waiting (link, posted_id, until) VALUES (?, ?, ?)"
            " ON CONFLICT (link) DO UPDATE SET posted_id = excluded.posted_id,"
            " until = excluded.until"
        )
        await self._write("await_note", sql, (link, posted_id, until))

    async def waiting_note(self, link: str, now: float) -> int | None:
        sql = "SELECT posted_id FROM update_notes_waiting WHERE link = ? AND until > ?"
        row = await self._one("waiting_note", sql, (link, now))
        return None if row is None else int(row[0])

    async def save_note(
        self, link: str, posted_id: int, text: str, today: str, update_id: int
    ) -> bool:
        # Made here, never derived from the link: nothing ties the words to a person.
        note_id, now = secrets.token_hex(16), time.time()

        def write(conn: Conn) -> bool:
            if not self._claim_now(conn, update_id, now):
                return False
            conn.execute(
                "INSERT INTO update_notes (note_id, posted_id, text, written_on)"
                " VALUES (?, ?, ?, ?)",
                (note_id, posted_id, text, today),
            )
            conn.execute("DELETE FROM update_notes_waiting WHERE link = ?", (link,))
            return True

        if not await self._atomic("save_note", write):
            return False
        # The -wal file still holds the waiting row (the pseudonym next to the update).
        await self._checkpoint()
        return True

    async def drop_note_waits(self, now: float, links: Sequence[str] = ()) -> int:
        def write(conn: Conn) -> int:
            sql = "DELETE FROM update_notes_waiting WHERE until <= ?"
            dropped = conn.execute(sql, (now,)).rowcount
            if links:
                sql = "DELETE FROM update_notes_waiting WHERE link = ?"
                dropped += conn.executemany(sql, [(link,) for link in links])
            return dropped

        dropped = await self._atomic("drop_note_waits", write)
        if dropped:
            await self._checkpoint()  # the pseudonyms leave the -wal file too
        return dropped

    async def notes(self, posted_id: int) -> list[str]:
        sql = "SELECT text FROM update_notes WHERE posted_id = ? ORDER BY note_id"
        return [str(row[0]) for row in await self._all("notes", sql, (posted_id,))]

    async def update_checkins(self) -> dict[int, float]:
        sql = (
            "SELECT p.checkin_id, min(u.posted_at) FROM posted_update_checkins p"
            " JOIN posted_updates u ON u.id = p.posted_id GROUP BY p.checkin_id"
        )
        return {int(c): float(at) for c, at in await self._all("update_checkins", sql)}

    async def overdue_updates(self, today: str) -> list[PostedUpdate]:
        # A follow-up is a status change (which moves or clears due_on) or a later update on
        # any of the same check-ins.
        sql = (
            f"SELECT {_columns(self.dialect)} FROM posted_updates u"
            " WHERE u.status = 'planned' AND u.due_on < ?"
            " AND NOT EXISTS (SELECT 1 FROM posted_update_checkins mine"
            "   JOIN posted_update_checkins later ON later.checkin_id = mine.checkin_id"
            "   WHERE mine.posted_id = u.id AND later.posted_id > u.id)"
            " ORDER BY u.due_on, u.id"
        )
        return [_posted(row) for row in await self._all("overdue_updates", sql, (today,))]

    async def unanswered_checkins(self, closed_by: float) -> list[Checkin]:
        sql = (
            f"SELECT {_CHECKIN_COLUMNS} FROM checkins c"
            " WHERE c.closes_at IS NOT NULL AND c.closes_at <= ?"
            " AND coalesce(c.invited, 1) > 0"  # one that reached nobody owes nobody an update
            " AND NOT EXISTS (SELECT 1 FROM posted_update_checkins p WHERE p.checkin_id = c.id)"
            " ORDER BY c.closes_at, c.id"
        )
        return [Checkin(*row) for row in await self._all("unanswered_checkins", sql, (closed_by,))]
