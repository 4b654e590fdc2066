"""Storage for the agenda young people set: ideas, the action plan, and the surveys the
bot makes (priorities rounds, joint reviews).

A mixin of both stores: the ``AgendaStore``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Collection, Sequence
from typing import Any

from storage.base import (
    AgendaStore,
    Idea,
    IdeaStatus,
    NewPlanAction,
    PlanAction,
    UpdateStatus,
)
from storage.sql import Conn, SqlBase

_IDEA_COLUMNS = "id, text, status, suggested_on, decided_on, merged_into, why, backers"
_ACTION_COLUMNS = (
    "id, priority, what, role, due_on, status, cohort_id, added_by, added_at, changed_at"
)
# Idea codes: easy to read out and type (no 0/O, 1/l/I), 6 characters: about 10^9 codes.
_CODE_LETTERS = "23456789abcdefghjkmnpqrstuvwxyz"
_CODE_LENGTH = 6


def _idea(row: Sequence[Any]) -> Idea:
    code, text, status, suggested_on, decided_on, merged_into, why, backers = row
    return Idea(
        code, text, IdeaStatus(status), suggested_on, decided_on, merged_into, why, int(backers)
    )


def _action(row: Sequence[Any]) -> PlanAction:
    action_id, priority, what, role, due_on, status, cohort_id, added_by, added_at, changed = row
    return PlanAction(
        action_id,
        priority,
        what,
        role,
        due_on,
        UpdateStatus(status),
        cohort_id,
        added_by,
        float(added_at),
        float(changed),
    )


def new_idea_code() -> str:
    return "".join(secrets.choice(_CODE_LETTERS) for _ in range(_CODE_LENGTH))


class AgendaMixin(SqlBase, AgendaStore):
    """Ideas, plan actions and made surveys; each public method is one transaction."""

    async def add_idea(
        self, text: str, today: str, update_id: int, *, waited: str | None = None
    ) -> str | None:
        now = time.time()

        def write(conn: Conn) -> str | None:
            if not self._claim_now(conn, update_id, now):
                return None
            if waited is not None:
                conn.execute("DELETE FROM idea_waits WHERE link = ?", (waited,))
            while True:  # a clash of random codes is rare; draw again
                code = new_idea_code()
                cur = conn.execute(
                    "INSERT INTO ideas (id, text, suggested_on) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (code, text, today),
                )
                if cur.rowcount == 1:
                    return code

        code = await self._atomic("add_idea", write)
        if code is not None and waited is not None:
            # The -wal file still holds the waiting row (the pseudonym) beside the idea.
            await self._checkpoint()
        return code

    async def await_idea(self, link: str, until: float) -> None:
        sql = (
            "INSERT INTO idea_waits (link, until) VALUES (?, ?)"
            " ON CONFLICT (link) DO UPDATE SET until = excluded.until"
        )
        await self._write("await_idea", sql, (link, until))

    async def awaiting_idea(self, link: str, now: float) -> bool:
        sql = "SELECT 1 FROM idea_waits WHERE link = ? AND until > ?"
        return await self._one("awaiting_idea", sql, (link, now)) is not None

    async def drop_idea_waits(self, now: float, links: Sequence[str] = ()) -> int:
        def write(conn: Conn) -> int:
            dropped = conn.execute("DELETE FROM idea_waits WHERE until <= ?", (now,)).rowcount
            if links:
                sql = "DELETE FROM idea_waits WHERE link = ?"
                dropped += conn.executemany(sql, [(link,) for link in links])
            return dropped

        return await self._atomic("drop_idea_waits", write)

    async def ideas(self, statuses: Collection[IdeaStatus] = ()) -> list[Idea]:
        wanted = [s.value for s in statuses]
        where = f" WHERE status IN ({', '.join('?' for _ in wanted)})" if wanted else ""
        sql = f"SELECT {_IDEA_COLUMNS} FROM ideas{where} ORDER BY id"
        return [_idea(row) for row in await self._all("ideas", sql, wanted)]

    async def idea(self, idea_id: str) -> Idea | None:
        row = await self._one("idea", f"SELECT {_IDEA_COLUMNS} FROM ideas WHERE id = ?", (idea_id,))
        return None if row is None else _idea(row)

    async def idea_counts(self) -> dict[IdeaStatus, int]:
        sql = "SELECT status, count(*) FROM ideas GROUP BY status"
        return {IdeaStatus(s): int(n) for s, n in await self._all("idea_counts", sql)}

    async def decide_idea(
        self,
        idea_id: str,
        status: IdeaStatus,
        today: str,
        *,
        into: str | None = None,
        why: str | None = None,
    ) -> Idea | None:
        def write(conn: Conn) -> Idea | None:
            found = conn.execute(
                f"SELECT {_IDEA_COLUMNS} FROM ideas WHERE id = ?", (idea_id,)
            ).fetchone()
            if found is None:
                return None
            idea = _idea(found)
            if status is IdeaStatus.MERGED:
                if into is None or into == idea_id:
                    return None
                target = conn.execute(
                    "UPDATE ideas SET backers = backers + ? WHERE id = ?"
                    " AND status IN ('new', 'approved')",
                    (idea.backers, into),
                )
                if target.rowcount != 1:
                    return None
            conn.execute(
                "UPDATE ideas SET status = ?, decided_on = ?, merged_into = ?, why = ?,"
                " backers = CASE WHEN ? = 'merged' THEN 0 ELSE backers END WHERE id = ?",
                (status.value, today, into, why, status.value, idea_id),
            )
            row = conn.execute(
                f"SELECT {_IDEA_COLUMNS} FROM ideas WHERE id = ?", (idea_id,)
            ).fetchone()
            return _idea(row)

        return await self._atomic("decide_idea", write)

    async def add_plan_action(self, new: NewPlanAction) -> PlanAction:
        sql = (
            "INSERT INTO plan_actions (priority, what, role, due_on, status, cohort_id,"
            " added_by, added_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        values = (
            new.priority,
            new.what,
            new.role,
            new.due_on,
            new.status.value,
            new.cohort_id,
            new.added_by,
            new.added_at,
            new.added_at,
        )
        action_id = await self._atomic("add_plan_action", lambda conn: conn.insert(sql, values))
        return PlanAction(
            action_id,
            new.priority,
            new.what,
            new.role,
            new.due_on,
            new.status,
            new.cohort_id,
            new.added_by,
            new.added_at,
            new.added_at,
        )

    async def plan_actions(self, cohort_id: int | None = None) -> list[PlanAction]:
        params: tuple[int, ...] = ()
        if cohort_id is None:
            sql = f"SELECT {_ACTION_COLUMNS} FROM plan_actions ORDER BY id"
        else:
            sql = (
                f"SELECT {_ACTION_COLUMNS} FROM plan_actions"
                " WHERE cohort_id IS NULL OR cohort_id = ? ORDER BY id"
            )
            params = (cohort_id,)
        return [_action(row) for row in await self._all("plan_actions", sql, params)]

    async def plan_action(self, action_id: int) -> PlanAction | None:
        sql = f"SELECT {_ACTION_COLUMNS} FROM plan_actions WHERE id = ?"
        row = await self._one("plan_action", sql, (action_id,))
        return None if row is None else _action(row)

    async def set_plan_status(
        self, action_id: int, status: UpdateStatus, now: float
    ) -> PlanAction | None:
        def write(conn: Conn) -> PlanAction | None:
            conn.execute(
                "UPDATE plan_actions SET status = ?, changed_at = ? WHERE id = ? AND status != ?",
                (status.value, now, action_id, status.value),
            )
            row = conn.execute(
                f"SELECT {_ACTION_COLUMNS} FROM plan_actions WHERE id = ?", (action_id,)
            ).fetchone()
            return None if row is None else _action(row)

        return await self._atomic("set_plan_status", write)

    async def reword_plan_action(
        self, action_id: int, what: str, role: str, due_on: str | None, now: float
    ) -> PlanAction | None:
        def write(conn: Conn) -> PlanAction | None:
            sql = f"SELECT {_ACTION_COLUMNS} FROM plan_actions WHERE id = ?"
            row = conn.execute(sql, (action_id,)).fetchone()
            if row is None:
                return None
            before = _action(row)
            if (before.what, before.role, before.due_on) == (what, role, due_on):
                return before
            conn.execute(
                "UPDATE plan_actions SET what = ?, role = ?, due_on = ?, changed_at = ?"
                " WHERE id = ?",
                (what, role, due_on, now, action_id),
            )
            return _action(conn.execute(sql, (action_id,)).fetchone())

        return await self._atomic("reword_plan_action", write)

    async def plan_seen(self, chat_id: int) -> float | None:
        row = await self._one(
            "plan_seen", "SELECT seen_at FROM plan_seen WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else float(row[0])

    async def see_plan(self, chat_id: int, now: float) -> None:
        sql = (
            "INSERT INTO plan_seen (chat_id, seen_at) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET seen_at = excluded.seen_at"
        )
        await self._write("see_plan", sql, (chat_id, now))

    async def save_made_survey(self, survey_id: str, kind: str, body: str) -> bool:
        sql = "INSERT INTO made_surveys (id, kind, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
        return await self._write("save_made_survey", sql, (survey_id, kind, body)) == 1

    async def made_surveys(self) -> dict[str, tuple[str, str]]:
        rows = await self._all("made_surveys", "SELECT id, kind, body FROM made_surveys")
        return {str(i): (str(k), str(b)) for i, k, b in rows}
