"""The store both backends share: every protocol's mixin in one class, and the update log here.

Contacts, check-ins, the outbox, plans, the audit log, "you said, we did" updates, care
(pause, /mydata, alerts), retention, the agenda (ideas, action plan, made surveys),
compaction and reach live in ``storage.contacts``, ``storage.checkins``, ``storage.outbox``,
``storage.plans``, ``storage.audit``, ``storage.updates``, ``storage.care``,
``storage.retention``, ``storage.agenda``, ``storage.compaction`` and ``storage.reach``. A
backend puts its base (connections, transactions, ``compact``) first: ``storage.sqlite``,
``storage.postgres``.
"""

from __future__ import annotations

from storage.agenda import AgendaMixin
from storage.audit import AuditMixin
from storage.base import Store
from storage.care import CareMixin
from storage.checkins import CheckinsMixin
from storage.compaction import CompactionMixin
from storage.contacts import ContactsMixin
from storage.outbox import OutboxMixin
from storage.plans import PlansMixin
from storage.reach import ReachMixin
from storage.results import ResultsMixin
from storage.retention import RetentionMixin
from storage.updates import UpdatesMixin
from storage.wizards import WizardsMixin


class SqlStore(
    ContactsMixin,
    CheckinsMixin,
    OutboxMixin,
    PlansMixin,
    AuditMixin,
    ResultsMixin,
    CareMixin,
    RetentionMixin,
    UpdatesMixin,
    AgendaMixin,
    CompactionMixin,
    ReachMixin,
    WizardsMixin,
    Store,
):
    """Every ``Store`` method, written once over ``storage.sql.Conn``; the ``UpdateLog``
    methods are here, the other protocols come from the mixins."""

    async def claim_update(self, update_id: int, now: float) -> bool:
        return await self._atomic(
            "claim_update", lambda conn: self._claim_now(conn, update_id, now)
        )

    async def get_meta(self, key: str) -> str | None:
        row = await self._one("get_meta", "SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        sql = (
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        await self._write("set_meta", sql, (key, value))

    async def claim_meta(self, key: str, value: str) -> bool:
        sql = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING"
        return await self._write("claim_meta", sql, (key, value)) == 1
