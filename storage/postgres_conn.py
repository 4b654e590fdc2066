"""The connection PostgreSQL transaction bodies get: statements written for SQLite (``?`` and
``?N``) translated for psycopg once and cached, and psycopg's errors in plain words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg_pool import PoolTimeout

from storage.base import StorageError
from storage.sql import POSTGRESQL

# A string literal (kept, with any % doubled), a SQLite parameter (``?`` or ``?N``), or a %.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\?(\d*)|%")


@lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[int, ...] | None]:
    """A statement written for SQLite, for psycopg: each ``?`` or ``?N`` becomes ``%s``, and
    which parameter each ``%s`` takes (None: the statement has no parameters, and is sent as
    it is). A bare ``?`` takes the one after the largest used so far, as in SQLite."""
    order: list[int] = []

    def swap(found: re.Match[str]) -> str:
        text = found.group(0)
        if text.startswith("'"):
            return text.replace("%", "%%")
        if text == "%":
            return "%%"
        number = found.group(1)
        order.append(int(number) - 1 if number else max(order, default=-1) + 1)
        return "%s"

    translated = _TOKEN.sub(swap, sql)
    return (translated, tuple(order)) if order else (sql, None)


def _arranged(order: tuple[int, ...] | None, params: Sequence[Any]) -> tuple[Any, ...] | None:
    return None if order is None else tuple(params[i] for i in order)


class PgConn:
    """The ``Conn`` transaction bodies get, on one pooled psycopg connection."""

    dialect = POSTGRESQL

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        text, order = translate(sql)
        return self._conn.execute(text, _arranged(order, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        text, order = translate(sql)
        params = [_arranged(order, row) or () for row in rows]
        if not params:
            return 0
        with self._conn.cursor() as cur:
            cur.executemany(text, params)
            return max(cur.rowcount, 0)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        row = self.execute(f"{sql} RETURNING id", params).fetchone()
        if row is None:
            raise StorageError("insert returned no row id")
        return int(row[0])


# PostgreSQL's error classes (the first two characters of SQLSTATE) in plain words.
PLAIN = {
    "08": "the connection to the database server was lost; try again",
    "23": "a rule of the database was broken",
    "28": "the database server refused the user name or password",
    "3D": "the database named in YOUTHVOICE_DATABASE does not exist on the server",
    "40": "the database server undid the change because another clashed with it; try again",
    "53": "the database server ran out of disk space, memory or connections",
    "57": "the database server is shutting down or cancelled the request; try again",
}


def plain(exc: psycopg.Error) -> str:
    """What went wrong without the driver's message, which can quote a row's values (a
    clashing key) or the server's address."""
    if isinstance(exc, PoolTimeout):
        return "no database connection came free in time; is the server reachable?"
    state = exc.sqlstate or ""
    words = PLAIN.get(state[:2])
    name = f"{type(exc).__name__}" + (f" {state}" if state else "")
    return f"{words} ({name})" if words else name


def storage_error(what: str, exc: psycopg.Error) -> StorageError:
    return StorageError(f"{what} failed: {plain(exc)}")
