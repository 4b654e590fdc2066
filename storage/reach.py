"""SQLite storage for reach: who joined which cohort and when, for counting who was heard.

A mixin of ``SqliteStore``: the SQLite ``ReachStore``.
"""

from __future__ import annotations

from storage.base import Member, ReachStore
from storage.sqlite_base import SqliteBase


class ReachMixin(SqliteBase, ReachStore):
    async def members(self) -> list[Member]:
        sql = "SELECT chat_id, cohort_id, joined_on FROM contacts WHERE status = 'joined'"
        rows = await self._all("members", sql)
        return [Member(int(chat), cohort, str(joined)) for chat, cohort, joined in rows]
