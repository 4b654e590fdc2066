"""Storage for staff wizards: each staff member's half-finished one, as JSON, so whichever bot
gets their next tap carries it on. Staff data only, never a young person's answers.

A mixin of both stores: the ``WizardStore``.
"""

from __future__ import annotations

from storage.base import WizardStore
from storage.sql import Conn, SqlBase


class WizardsMixin(SqlBase, WizardStore):
    async def load_wizard(self, user_id: int, since: float) -> str | None:
        def work(conn: Conn) -> str | None:
            conn.execute("DELETE FROM wizard_sessions WHERE touched < ?", (since,))
            row = conn.execute(
                "SELECT state FROM wizard_sessions WHERE user_id = ?", (user_id,)
            ).fetchone()
            return None if row is None else str(row[0])

        return await self._atomic("load_wizard", work)

    async def save_wizard(self, user_id: int, state: str, touched: float) -> None:
        await self._write(
            "save_wizard",
            "INSERT INTO wizard_sessions (user_id, state, touched) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state,"
            " touched = excluded.touched",
            (user_id, state, touched),
        )

    async def drop_wizard(self, user_id: int) -> None:
        await self._write(
            "drop_wizard", "DELETE FROM wizard_sessions WHERE user_id = ?", (user_id,)
        )
