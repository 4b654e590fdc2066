"""SQLite storage for retention: deleting unfinished responses, answers, people who stopped and
safeguarding alerts once they have been kept as long as they may be.

A mixin of ``SqliteStore``: the SQLite ``RetentionStore``.
"""

from __future__ import annotations

from datetime import date, timedelta

from storage.base import Removed, RetentionStore
from storage.sqlite_base import SqliteBase


def _before(today: str, days: int) -> str:
    """The first date still kept when things are kept for ``days`` days after ``today``'s."""
    return (date.fromisoformat(today) - timedelta(days=days)).isoformat()


class RetentionMixin(SqliteBase, RetentionStore):
    async def apply_retention(
        self,
        today: str,
        *,
        unfinished_days: int,
        answer_days: int,
        contact_days: int,
        alert_days: int,
    ) -> Removed:
        async with self._tx("apply_retention") as db:
            # The days of someone who stopped count from the first pass that sees them so.
            await db.execute(
                "UPDATE contacts SET stopped_on = ?"
                " WHERE status != 'joined' AND stopped_on IS NULL",
                (today,),
            )
            gone = await db.execute(
                "DELETE FROM progress WHERE updated_on < ?", (_before(today, unfinished_days),)
            )
            unfinished = gone.rowcount
            kept_from = (_before(today, answer_days),)
            gone = await db.execute("DELETE FROM answers WHERE answered_on < ?", kept_from)
            answers = gone.rowcount
            # A finished response still waiting for its batch (a check-in that never closes
            # and that few finish) is not unfinished: it goes when its answers would.
            waited = "SELECT answers FROM waiting WHERE finished_on < ?"
            async with db.execute(
                f"SELECT count(*) FROM ({waited}), json_each(answers)", kept_from
            ) as cur:
                row = await cur.fetchone()
            answers += 0 if row is None else int(row[0])
            await db.execute("DELETE FROM waiting WHERE finished_on < ?", kept_from)
            stopped = (_before(today, contact_days),)
            left = "SELECT chat_id FROM contacts WHERE status != 'joined' AND stopped_on < ?"
            await db.execute(f"DELETE FROM outbox WHERE chat_id IN ({left})", stopped)
            await db.execute(f"DELETE FROM rsvps WHERE chat_id IN ({left})", stopped)
            await db.execute(f"DELETE FROM plan_seen WHERE chat_id IN ({left})", stopped)
            gone = await db.execute(
                "DELETE FROM contacts WHERE status != 'joined' AND stopped_on < ?", stopped
            )
            contacts = gone.rowcount
            gone = await db.execute(
                "DELETE FROM safeguarding_alerts WHERE raised_on < ?", (_before(today, alert_days),)
            )
            alerts = gone.rowcount
        removed = Removed(unfinished, answers, contacts, alerts)
        if removed.total():
            await self._checkpoint()  # no older copy of what was deleted stays in the -wal file
        return removed
