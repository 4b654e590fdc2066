"""Storage for results: answer counts worked out in SQL, free text, and the rows of an
explicit row-level export.

A mixin of both stores: the ``ResultsStore``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from flows.results import ANSWERED
from flows.survey import PREFER_NOT, SKIPPED
from storage.base import ResultsStore, Totals
from storage.sql import Conn, SqlBase

# Stored answers are JSON: these are the stored forms of the values that are not typed words.
_NOT_TYPED = (json.dumps(SKIPPED), json.dumps(PREFER_NOT))


def _item(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


class ResultsMixin(SqlBase, ResultsStore):
    async def answer_counts(self, checkin_id: int, typed: Collection[str] = ()) -> Totals:
        # Both groupings follow the answers_by_question index, so nothing is sorted: buttons
        # by stored JSON (a pick-several answer is one group per combination picked, a few
        # hundred at most; Python spreads them), typed words by question alone.
        typed = list(typed)
        # PostgreSQL has no empty ``IN ()``.
        not_typed = f"question_id NOT IN ({_marks(len(typed))})" if typed else "true"
        skip, pns = _NOT_TYPED

        def read(conn: Conn) -> tuple[list[Any], list[Any], int]:
            buttons = conn.execute(
                "SELECT question_id, value, count(*) FROM answers WHERE checkin_id = ?"
                f" AND {not_typed} GROUP BY question_id, value",
                (checkin_id, *typed),
            ).fetchall()
            words = (
                typed
                and conn.execute(
                    "SELECT question_id, sum(CASE WHEN value = ? THEN 1 ELSE 0 END),"
                    " sum(CASE WHEN value = ? THEN 1 ELSE 0 END), count(*) FROM answers"
                    f" WHERE checkin_id = ? AND question_id IN ({_marks(len(typed))})"
                    " GROUP BY question_id",
                    (skip, pns, checkin_id, *typed),
                ).fetchall()
            )
            # In key order (response id first), so each response is met in one run: the
            # index would need a sort. "+" keeps SQLite's planner off the index.
            found = conn.execute(
                "SELECT count(*) FROM (SELECT DISTINCT response_id FROM answers"
                " WHERE +checkin_id = ?) AS r",
                (checkin_id,),
            ).fetchone()
            return buttons, words, int(found[0])

        buttons, words, responses = await self._atomic("answer_counts", read, write=False)
        counts: defaultdict[str, dict[str, int]] = defaultdict(dict)
        asked: defaultdict[str, int] = defaultdict(int)
        for question_id, given, count in buttons:
            asked[question_id] += count
            decoded = json.loads(given)
            for item in decoded if isinstance(decoded, list) else [decoded]:
                value = _item(item)
                counts[question_id][value] = counts[question_id].get(value, 0) + count
        for question_id, skipped, rather_not, count in words:
            skipped, rather_not, count = int(skipped), int(rather_not), int(count)
            asked[question_id] = count
            given = {
                ANSWERED: count - skipped - rather_not,
                SKIPPED: skipped,
                PREFER_NOT: rather_not,
            }
            counts[question_id] = {v: c for v, c in given.items() if c}
        return Totals(checkin_id, responses, dict(counts), dict(asked))

    async def typed_answers(
        self, checkin_id: int, question_ids: Collection[str], limit: int | None = None
    ) -> dict[str, list[str]]:
        sql = (
            "SELECT value FROM answers WHERE checkin_id = ? AND question_id = ?"
            " AND value NOT IN (?, ?) ORDER BY random()"
        )
        more = () if limit is None else (limit,)
        if limit is not None:
            sql += " LIMIT ?"

        def read(conn: Conn) -> dict[str, list[str]]:
            said: dict[str, list[str]] = {}
            for question_id in question_ids:
                params = (checkin_id, question_id, *_NOT_TYPED, *more)
                rows = conn.execute(sql, params).fetchall()
                said[question_id] = [_item(json.loads(value)) for (value,) in rows]
            return said

        return await self._atomic("typed_answers", read, write=False)

    async def response_counts(self) -> dict[int, int]:
        # Grouped by response id in key order first (no sort of every answer).
        sql = (
            "SELECT checkin_id, count(*) FROM (SELECT response_id, min(checkin_id) AS checkin_id"
            " FROM answers GROUP BY response_id) AS r GROUP BY checkin_id"
        )
        return {int(c): int(n) for c, n in await self._all("response_counts", sql)}

    async def responses(self, checkin_id: int) -> list[dict[str, Any]]:
        sql = (
            "SELECT response_id, question_id, value FROM answers WHERE checkin_id = ?"
            " ORDER BY response_id"
        )
        rows: dict[str, dict[str, Any]] = {}
        for response_id, question_id, value in await self._all("responses", sql, (checkin_id,)):
            rows.setdefault(response_id, {})[question_id] = json.loads(value)
        return list(rows.values())
