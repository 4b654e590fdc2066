"""SQLite storage for results: answer counts worked out in SQL, free text, and the rows of an
explicit row-level export.

A mixin of ``SqliteStore``: the SQLite ``ResultsStore``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from flows.results import ANSWERED
from flows.survey import PREFER_NOT, SKIPPED
from storage.base import Checkin, ResultsStore, Totals
from storage.checkins import _CHECKIN_COLUMNS, _NEWEST_FIRST, _checkin
from storage.sqlite_base import SqliteBase

# Stored answers are JSON: these are the stored forms of the values that are not typed words.
_NOT_TYPED = (json.dumps(SKIPPED), json.dumps(PREFER_NOT))


def _item(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


class ResultsMixin(SqliteBase, ResultsStore):
    async def answer_counts(self, checkin_id: int, typed: Collection[str] = ()) -> Totals:
        # Grouped on the stored JSON, so a pick-several answer is one group per combination
        # picked (a few hundred at most) and a typed answer is one group per question: the
        # database does the counting, Python only spreads the few lists.
        typed = list(typed)
        collapse = (
            f"CASE WHEN question_id IN ({_marks(len(typed))}) AND value NOT IN (?, ?)"
            " THEN ? ELSE value END"
            if typed
            else "value"
        )
        params = (*typed, *_NOT_TYPED, json.dumps(ANSWERED)) if typed else ()
        async with self._tx("answer_counts", write=False) as db:
            rows = await db.execute_fetchall(
                f"SELECT question_id, {collapse} AS given, count(*) FROM answers"
                " WHERE checkin_id = ? GROUP BY question_id, given",
                (*params, checkin_id),
            )
            found = await db.execute_fetchall(
                "SELECT count(*) FROM (SELECT DISTINCT response_id FROM answers"
                " WHERE checkin_id = ?)",
                (checkin_id,),
            )
        counts: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
        asked: defaultdict[str, int] = defaultdict(int)
        for question_id, given, count in rows:
            asked[question_id] += count
            decoded = json.loads(given)
            for item in decoded if isinstance(decoded, list) else [decoded]:
                counts[question_id][_item(item)] += count
        responses = int(next(iter(found))[0])
        return Totals(checkin_id, responses, {q: dict(c) for q, c in counts.items()}, dict(asked))

    async def typed_answers(
        self, checkin_id: int, question_ids: Collection[str]
    ) -> dict[str, list[str]]:
        if not question_ids:
            return {}
        ids = list(question_ids)
        rows = await self._all(
            "typed_answers",
            f"SELECT question_id, value FROM answers WHERE checkin_id = ?"
            f" AND question_id IN ({_marks(len(ids))}) AND value NOT IN (?, ?)",
            (checkin_id, *ids, *_NOT_TYPED),
        )
        said: dict[str, list[str]] = {q: [] for q in ids}
        for question_id, value in rows:
            said[question_id].append(_item(json.loads(value)))
        return said

    async def checkins_asking(self, question_id: str) -> list[Checkin]:
        sql = (
            f"SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE id IN"
            f" (SELECT DISTINCT checkin_id FROM answers WHERE question_id = ?) {_NEWEST_FIRST}"
        )
        return [_checkin(row) for row in await self._all("checkins_asking", sql, (question_id,))]

    async def response_counts(self) -> dict[int, int]:
        sql = (
            "SELECT checkin_id, count(*) FROM"
            " (SELECT DISTINCT checkin_id, response_id FROM answers) GROUP BY checkin_id"
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
