"""Storage for the audit log: what staff did, by whom and when.

A mixin of both stores: the ``AuditLog``.
"""

from __future__ import annotations

from storage.base import AuditEntry, AuditLog
from storage.sql import SqlBase


class AuditMixin(SqlBase, AuditLog):
    async def add_audit(self, entry: AuditEntry) -> None:
        sql = "INSERT INTO audit_log (at, who, action, detail) VALUES (?, ?, ?, ?)"
        await self._write("add_audit", sql, (entry.at, entry.who, entry.action, entry.detail))

    async def audit_entries(self, limit: int) -> list[AuditEntry]:
        rows = await self._all(
            "audit_entries",
            "SELECT at, who, action, detail FROM audit_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [AuditEntry(float(at), who, action, detail) for at, who, action, detail in rows]
