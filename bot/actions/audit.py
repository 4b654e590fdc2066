"""The audit log: every staff action from Telegram or the command line, with who did it and
when. It names staff (by Telegram id) and never a young person or anything they said."""

from __future__ import annotations

from storage.base import AuditEntry, Store

COMMAND_LINE = "command line"


def staff(user_id: int) -> str:
    """How a staff member acting in Telegram is named in the log."""
    return f"staff {user_id}"


async def record(store: Store, who: str, action: str, detail: str, now: float) -> None:
    """Log one staff action. ``action`` is a short verb phrase ("opened check-in"), ``detail``
    plain words about what it was for (ids, titles, counts): never a young person's id."""
    await store.add_audit(AuditEntry(now, who, action, detail))


async def entries(store: Store, limit: int) -> list[AuditEntry]:
    """The latest ``limit`` actions, newest first."""
    return await store.audit_entries(limit)
