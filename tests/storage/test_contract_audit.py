"""The storage contract, audit log part: staff actions come back newest first, as written."""

from __future__ import annotations

from storage.base import AuditEntry, Store
from tests.storage.contract import NOW


async def test_audit_entries_come_back_newest_first_and_limited(store: Store) -> None:
    """Entries are returned newest first, at most ``limit`` of them, with every field kept."""
    assert await store.audit_entries(10) == []
    for n in range(3):
        await store.add_audit(AuditEntry(NOW + n, "command line", f"action {n}", f"detail {n}"))
    entries = await store.audit_entries(2)
    assert entries == [
        AuditEntry(NOW + 2, "command line", "action 2", "detail 2"),
        AuditEntry(NOW + 1, "command line", "action 1", "detail 1"),
    ]
