"""Compaction after a check-in closes: the backend rewrites what it keeps (SQLite the whole file,
PostgreSQL the tables of answers and links), so neither free space nor the order rows sit in
keeps any history.

A mixin of both stores: the ``Compaction`` protocol; each backend's base has ``compact``.
"""

from __future__ import annotations

from storage.base import Compaction
from storage.sql import SqlBase

# The closing time of the newest check-in whose close the database has been compacted after.
_COMPACTED = "compacted_through"


class CompactionMixin(SqlBase, Compaction):
    async def compact_after_close(self, now: float) -> bool:
        sql = (
            "SELECT max(closes_at) FROM checkins WHERE closes_at <= ? AND closes_at > coalesce("
            "(SELECT CAST(value AS DOUBLE PRECISION) FROM meta WHERE key = ?), 0)"
        )
        row = await self._one("compact_after_close", sql, (now, _COMPACTED))
        if row is None or row[0] is None:
            return False
        await self.compact()
        upsert = (
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        await self._write("compact_after_close", upsert, (_COMPACTED, repr(float(row[0]))))
        await self._checkpoint()
        return True
