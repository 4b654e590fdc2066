"""Storage for retention: deleting unfinished responses, answers, people who stopped and
safeguarding alerts once they have been kept as long as they may be.

A mixin of both stores: the ``RetentionStore``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from storage.base import Removed, RetentionStore
from storage.sql import Conn, SqlBase


def _before(today: str, days: int) -> str:
    """The first date still kept when things are kept for ``days`` days after ``today``'s."""
    return (date.fromisoformat(today) - timedelta(days=days)).isoformat()


class RetentionMixin(SqlBase, RetentionStore):
    async def apply_retention(
        self,
        today: str,
        *,
        unfinished_days: int,
        answer_days: int,
        contact_days: int,
        alert_days: int,
    ) -> Removed:
        def write(conn: Conn) -> Removed:
            # The days of someone who stopped count from the first pass that sees them so.
            conn.execute(
                "UPDATE contacts SET stopped_on = ?"
                " WHERE status != 'joined' AND stopped_on IS NULL",
                (today,),
            )
            gone = conn.execute(
                "DELETE FROM progress WHERE updated_on < ?", (_before(today, unfinished_days),)
            )
            unfinished = gone.rowcount
            kept_from = (_before(today, answer_days),)
            answers = conn.execute("DELETE FROM answers WHERE answered_on < ?", kept_from).rowcount
            # A finished response still waiting for its batch (a check-in that never closes
            # and that few finish) is not unfinished: it goes when its answers would.
            waited = conn.execute(
                "DELETE FROM waiting WHERE finished_on < ? RETURNING answers", kept_from
            ).fetchall()
            answers += sum(len(json.loads(row[0])) for row in waited)
            stopped = (_before(today, contact_days),)
            left = "SELECT chat_id FROM contacts WHERE status != 'joined' AND stopped_on < ?"
            conn.execute(f"DELETE FROM outbox WHERE chat_id IN ({left})", stopped)
            conn.execute(f"DELETE FROM rsvps WHERE chat_id IN ({left})", stopped)
            conn.execute(f"DELETE FROM plan_seen WHERE chat_id IN ({left})", stopped)
            contacts = conn.execute(
                "DELETE FROM contacts WHERE status != 'joined' AND stopped_on < ?", stopped
            ).rowcount
            alerts = conn.execute(
                "DELETE FROM safeguarding_alerts WHERE raised_on < ?", (_before(today, alert_days),)
            ).rowcount
            return Removed(unfinished, answers, contacts, alerts)

        removed = await self._atomic("apply_retention", write)
        if removed.total():
            await self._checkpoint()  # no older copy of what was deleted stays in the -wal file
        return removed
