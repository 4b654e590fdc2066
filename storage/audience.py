"""The one query that turns an ``Audience`` into the chats it names, for every store method
that reaches people (counting, checking one person, queueing to all)."""

from __future__ import annotations

from typing import Any

from storage.base import Audience


def audience_sql(who: Audience) -> tuple[str, tuple[Any, ...]]:
    """``SELECT chat_id`` of the joined contacts in ``who``, and its parameters."""
    sql = "SELECT c.chat_id FROM contacts c WHERE c.status = 'joined'"
    if who.meeting_id is None:
        if who.cohort_id is None:
            return sql, ()
        return sql + " AND c.cohort_id = ?", (who.cohort_id,)
    marks = ", ".join("?" for _ in who.answers) or "NULL"
    sql += (
        " AND EXISTS (SELECT 1 FROM rsvps r WHERE r.meeting_id = ? AND r.chat_id = c.chat_id"
        f" AND coalesce(r.answer, 'none') IN ({marks}))"
    )
    return sql, (who.meeting_id, *who.answers)
