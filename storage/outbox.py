"""Storage for the outbox: messages the bot starts, waiting to be sent.

A message is deleted once it is sent, or can never be (failed, expired): its row names the
person (the chat, and a key such as a reminder's, which tells who had not finished). Only
plain counts per day are kept, for status views. A mixin of both stores: the ``OutboxStore``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storage.base import (
    DEFAULT_LANGUAGE,
    NO_CONNECTION,
    OutboxEntry,
    OutboxStore,
    OutgoingMessage,
    QueuedMessage,
)
from storage.sql import Conn, SqlBase

_OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
# How the dedupe key of a safeguarding alert starts: never held by a pause.
ALERT_PREFIX = "alert:"
# How long a claim holds: a send is done well within it (two tries of at most a minute), so a
# claim still held after it belongs to a bot that died.
OUTBOX_LEASE = 300.0
# Counts of sent and failed messages are kept for the week status views speak of.
_KEEP_DONE_SECONDS = 7 * 24 * 3600.0
_DAY = 86400
_ENTRY_COLUMNS = (
    "id, chat_id, payload, due_at, status, attempts, dedupe_key, urgent, expires_at, error, sent_at"
)


def insert_outbox(conn: Conn, messages: Sequence[OutgoingMessage]) -> int:
    """Queue messages in the caller's transaction; repeated dedupe keys are ignored."""
    if not messages:
        return 0
    rows = [
        (m.chat_id, json.dumps(m.payload), m.due_at, m.dedupe_key, int(m.urgent), m.expires_at)
        for m in messages
    ]
    return conn.executemany(
        "INSERT INTO outbox (chat_id, payload, due_at, dedupe_key, urgent, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        rows,
    )


def settle(conn: Conn, outcome: str, where: str, params: Sequence[Any]) -> int:
    """Delete the messages ``where`` picks (in the caller's transaction), counting them as
    ``outcome`` ('sent' or 'failed') on the day each was due; returns how many."""
    day = conn.dialect.day.format("due_at")
    conn.execute(
        "INSERT INTO outbox_done (day, outcome, count)"
        f" SELECT {day}, ?, count(*) FROM outbox WHERE {where} GROUP BY 1"
        " ON CONFLICT (day, outcome) DO UPDATE SET count = outbox_done.count + excluded.count",
        (outcome, *params),
    )
    return conn.execute(f"DELETE FROM outbox WHERE {where}", tuple(params)).rowcount


def requeue(conn: Conn, where: str, params: Sequence[Any]) -> tuple[int, int]:
    """Queue again the claimed messages ``where`` picks (an SQL tail starting with AND), in the
    caller's transaction: one whose request had started is a try of unknown outcome (after a
    second, taken as sent); one never started goes back as it was. How many were taken as sent,
    and how many queued again."""
    started_twice = f"status = 'sending' AND started = 1 AND unsure >= 1{where}"
    gone = settle(conn, "sent", started_twice, params)
    cur = conn.execute(
        "UPDATE outbox SET unsure = unsure + started, status = 'queued',"
        " attempts = attempts - 1 + started, started = 0, claimed_by = NULL, lease_until = NULL"
        f" WHERE status = 'sending'{where}",
        tuple(params),
    )
    return gone, cur.rowcount


def _mine(claimer: str | None) -> tuple[str, tuple[str, ...]]:
    """An SQL tail (and its parameter) keeping a change to rows ``claimer`` holds, so a bot
    that lost a claim to another (it was taken for dead) cannot undo the other's send."""
    return ("", ()) if claimer is None else (" AND claimed_by = ?", (claimer,))


class OutboxMixin(SqlBase, OutboxStore):
    """Queueing, claiming and recording sends; each public method is one transaction."""

    async def enqueue(self, messages: Sequence[OutgoingMessage], once: str | None = None) -> int:
        if not messages and once is None:
            return 0

        def write(conn: Conn) -> int:
            if once is not None:
                cur = conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, 'done') ON CONFLICT DO NOTHING",
                    (once,),
                )
                if cur.rowcount != 1:
                    return 0
            return insert_outbox(conn, messages)

        return await self._atomic("enqueue", write)

    async def requeue_inflight(self, claimer: str | None = None) -> int:
        # A started one was perhaps sent: one try of unknown outcome (a second means it is taken
        # as sent). One never started is queued again, and its claim is not counted as a try.
        if claimer is not None:
            return await self._requeue("requeue_inflight", " AND claimed_by = ?", (claimer,))
        live = self.dialect.live_claimers
        gone = f" AND (claimed_by IS NULL OR claimed_by NOT IN ({live}))"
        return await self._requeue("requeue_inflight", gone, ())

    async def _requeue(self, what: str, where: str, params: tuple[Any, ...]) -> int:
        def write(conn: Conn) -> tuple[int, int]:
            return requeue(conn, where, params)

        gone, requeued = await self._atomic(what, write)
        if gone:
            self._checkpoint_soon()
        return gone + requeued

    async def mark_started(self, message_id: int, claimer: str | None = None) -> None:
        mine, params = _mine(claimer)
        sql = f"UPDATE outbox SET started = 1 WHERE id = ? AND status = 'sending'{mine}"
        await self._write("mark_started", sql, (message_id, *params))

    async def mark_unsure(
        self, message_id: int, due_at: float, error: str, now: float, claimer: str | None = None
    ) -> bool:
        mine, params = _mine(claimer)

        def write(conn: Conn) -> tuple[int, int]:
            # A second unknown outcome: taken as sent, so nobody gets it a third time.
            taken_as_sent = settle(
                conn, "sent", f"id = ? AND unsure >= 1{mine}", (message_id, *params)
            )
            if taken_as_sent:
                return taken_as_sent, 0
            cur = conn.execute(
                "UPDATE outbox SET unsure = unsure + 1, due_at = ?, status = 'queued',"
                f" error = ? WHERE id = ?{mine}",
                (due_at, error, message_id, *params),
            )
            return taken_as_sent, cur.rowcount

        taken_as_sent, requeued = await self._atomic("mark_unsure", write)
        if taken_as_sent:
            self._checkpoint_soon()
        return requeued == 1

    async def claim_due(
        self,
        now: float,
        limit: int,
        urgent_only: bool = False,
        claimer: str = "",
        lease: float = OUTBOX_LEASE,
        must_lead: bool = False,
    ) -> list[QueuedMessage]:
        live = self.dialect.live_claimers
        # Another bot's claim whose bot is no longer running, or whose lease ran out (a live
        # bot finishes a send well within it): queued again before this claim.
        gone = (
            " AND (claimed_by IS NULL OR (claimed_by <> ?"
            f" AND (claimed_by NOT IN ({live}) OR lease_until <= ?)))"
        )
        # Bulk messages only while this bot holds the lead (checked here, in the claim, so a
        # bot that lost its hold on the database a moment ago claims none).
        bulk = f"NOT ? AND {self.dialect.leads}" if must_lead else "NOT ?"
        bulk_params = (claimer,) if must_lead else ()

        def write(conn: Conn) -> tuple[int, list[Any]]:
            taken_as_sent, _ = requeue(conn, gone, (claimer, now))
            # Too late to be of use: an invitation after the check-in closed, a meeting
            # reminder after the start.
            expired = settle(conn, "failed", "status = 'queued' AND expires_at <= ?", (now,))
            rows = conn.execute(
                # Only each chat's oldest unsent message, so one person's messages
                # arrive in the order they were queued even when pacing holds one back.
                "SELECT id, chat_id, payload, due_at, attempts,"
                " (SELECT language FROM contacts WHERE contacts.chat_id = o.chat_id),"
                " (SELECT easy_read FROM contacts WHERE contacts.chat_id = o.chat_id)"
                " FROM outbox AS o"
                f" WHERE status = 'queued' AND due_at <= ? AND (urgent = 1 OR ({bulk}))"
                " AND NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.chat_id = o.chat_id"
                "   AND e.status IN ('queued', 'sending') AND e.id < o.id"
                "   AND (e.urgent = 1 OR NOT ?))"
                # A paused person's messages wait, still queued, until the pause ends;
                # a safeguarding alert never waits (its reader is on the team).
                f" AND (substr(o.dedupe_key, 1, {len(ALERT_PREFIX)}) = '{ALERT_PREFIX}'"
                "   OR NOT EXISTS (SELECT 1 FROM contacts AS c"
                "   WHERE c.chat_id = o.chat_id AND c.paused_until > ?))"
                " ORDER BY due_at, id LIMIT ?"
                # Rows another bot is claiming right now are passed over, not waited for.
                f"{conn.dialect.skip_locked.format('o')}",
                (now, urgent_only, *bulk_params, urgent_only, now, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, started = 0,"
                " claimed_by = ?, lease_until = ? WHERE id = ?",
                [(claimer, now + lease, row[0]) for row in rows],
            )
            return taken_as_sent + expired, rows

        deleted, rows = await self._atomic("claim_due", write)
        if deleted:
            self._checkpoint_soon()
        return [
            QueuedMessage(
                r[0], r[1], json.loads(r[2]), r[3], r[4] + 1, r[5] or DEFAULT_LANGUAGE, bool(r[6])
            )
            for r in rows
        ]

    async def mark_sent(self, ids: Sequence[int], now: float, claimer: str | None = None) -> None:
        if not ids:
            return
        marks, (mine, params) = ", ".join("?" for _ in ids), _mine(claimer)
        where, values = f"id IN ({marks}){mine}", (*ids, *params)
        await self._atomic("mark_sent", lambda conn: settle(conn, "sent", where, values))
        self._checkpoint_soon()

    async def retry_later(
        self,
        message_id: int,
        due_at: float,
        error: str,
        attempted: bool = True,
        claimer: str | None = None,
    ) -> None:
        mine, params = _mine(claimer)
        sql = (
            "UPDATE outbox SET status = 'queued', due_at = ?, error = ?,"
            f" attempts = attempts - ? WHERE id = ?{mine}"
        )
        values = (due_at, error, int(not attempted), message_id, *params)
        await self._write("retry_later", sql, values)

    async def mark_failed(self, message_id: int, error: str, claimer: str | None = None) -> None:
        # Why it failed is not kept: the message is gone, and the log said why.
        mine, params = _mine(claimer)
        where, values = f"id = ?{mine}", (message_id, *params)
        await self._atomic("mark_failed", lambda conn: settle(conn, "failed", where, values))
        self._checkpoint_soon()

    async def outbox_left(self, dedupe_prefix: str) -> int:
        sql = (
            "SELECT count(*) FROM outbox WHERE substr(dedupe_key, 1, ?) = ?"
            " AND status IN ('queued', 'sending')"
        )
        row = await self._one("outbox_left", sql, (len(dedupe_prefix), dedupe_prefix))
        return int(row[0])

    async def prune_outbox(self, now: float) -> int:
        def write(conn: Conn) -> int:
            # Rows a version that kept sent and failed messages left behind.
            gone = settle(conn, "sent", "status = 'sent'", ())
            gone += settle(conn, "failed", "status = 'failed'", ())
            oldest = int((now - _KEEP_DONE_SECONDS) // _DAY)
            conn.execute("DELETE FROM outbox_done WHERE day < ?", (oldest,))
            return gone

        gone = await self._atomic("prune_outbox", write)
        if gone:
            await self._checkpoint()
        return gone

    async def outbox_counts(self) -> dict[str, int]:
        """Messages per status, every status present (zero when none): those waiting as they
        stand, sent and failed ones from the counts of the last week."""
        sql = (
            "SELECT status, count(*) FROM outbox WHERE status IN ('queued', 'sending')"
            " GROUP BY status UNION ALL SELECT outcome, sum(count) FROM outbox_done"
            " GROUP BY outcome"
        )
        counts = dict.fromkeys(_OUTBOX_STATUSES, 0)
        for status, n in await self._all("outbox_counts", sql):
            counts[status] += int(n)
        return counts

    async def outbox_waiting(self) -> int:
        sql = (
            "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending') AND attempts > 0"
            " AND substr(error, 1, ?) = ?"
        )
        row = await self._one("outbox_waiting", sql, (len(NO_CONNECTION), NO_CONNECTION))
        return int(row[0])

    async def outbox_entries(self, dedupe_prefix: str | None = None) -> list[OutboxEntry]:
        sql = f"SELECT {_ENTRY_COLUMNS} FROM outbox"
        params: tuple[Any, ...] = ()
        if dedupe_prefix is not None:
            sql, params = (
                sql + " WHERE substr(dedupe_key, 1, ?) = ?",
                (len(dedupe_prefix), dedupe_prefix),
            )
        rows = await self._all("outbox_entries", sql + " ORDER BY id", params)
        return [
            OutboxEntry(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6], bool(r[7]), *r[8:])
            for r in rows
        ]
