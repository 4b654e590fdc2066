"""SQLite storage for compaction: once a check-in closes, the whole file is rewritten (VACUUM)
and its log emptied, so neither free pages nor the order rows sit in keep any history.

A mixin of ``SqliteStore``: the SQLite ``Compaction``.
"""

from __future__ import annotations

import sqlite3

from storage.base import Compaction, StorageError
from storage.sqlite_base import SqliteBase, _error

# The closing time of the newest check-in whose close the file has been compacted after.
_COMPACTED = "compacted_through"


class CompactionMixin(SqliteBase, Compaction):
    async def compact_after_close(self, now: float) -> bool:
        sql = (
            "SELECT max(closes_at) FROM checkins WHERE closes_at <= ?"
            " AND closes_at > coalesce((SELECT CAST(value AS REAL) FROM meta WHERE key = ?), 0)"
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

    async def compact(self) -> None:
        # VACUUM copies every live row, table by table in key order, into fresh pages: rows
        # of WITHOUT ROWID tables no longer sit in the order they were written, and no free
        # page keeps what was deleted. In WAL mode it writes through the log, so the log is
        # emptied after it (retried in the background if a reader blocks it).
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError("compact failed: the store is not open")
            try:
                await db.execute("VACUUM")
            except sqlite3.Error as exc:
                raise _error("compact", exc) from exc
        await self._checkpoint()
