"""Storage for reach: who joined which cohort and when, for counting who was heard.

A mixin of both stores: the ``ReachStore``.
"""

from __future__ import annotations

from storage.base import Member, ReachStore
from storage.sql import SqlBase


class ReachMixin(SqlBase, ReachStore):
    async def members(self) -> list[Member]:
        sql = "SELECT chat_id, cohort_id, joined_on FROM contacts WHERE status = 'joined'"
        rows = await self._all("members", sql)
        return [Member(int(chat), cohort, str(joined)) for chat, cohort, joined in rows]
