"""A test bot's database read as an auditor would, on SQLite or PostgreSQL alike: rows by plain
SQL (SQLite's ``?`` placeholders on both), its tables and columns, and a store opened on it."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
from pydantic import SecretStr

from storage.postgres import PostgresStore
from storage.postgres_conn import translate
from storage.sqlite import SqliteStore

# A database as tests name it: the settings' value (a file, or a PostgreSQL URL), or the
# text of YOUTHVOICE_DATABASE.
Database = Path | str | SecretStr


def postgres_url(database: Database) -> str | None:
    """The PostgreSQL URL ``database`` names, or None for a SQLite file."""
    if isinstance(database, SecretStr):
        return database.get_secret_value()
    text = str(database)
    return text if text.startswith(("postgresql://", "postgres://")) else None


def db_rows(database: Database, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows read straight from the database (not through the bot's store), as an auditor
    with sqlite3 or psql would see them."""
    url = postgres_url(database)
    if url is None:
        with closing(sqlite3.connect(database)) as db:  # type: ignore[arg-type]
            return list(db.execute(sql, params).fetchall())
    text, order = translate(sql)
    arranged = None if order is None else tuple(params[i] for i in order)
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as pg:
        return list(pg.execute(text.encode(), arranged).fetchall())


def table_names(database: Database) -> list[str]:
    """Every table Youth Voice made in the database."""
    if postgres_url(database) is None:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    return [str(row[0]) for row in db_rows(database, sql)]


def column_names(database: Database, table: str) -> list[str]:
    """The columns of ``table``, in order."""
    if postgres_url(database) is None:
        return [str(row[1]) for row in db_rows(database, f"PRAGMA table_info({table})")]
    sql = (
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
        " AND table_name = ? ORDER BY ordinal_position"
    )
    return [str(row[0]) for row in db_rows(database, sql, table)]


def assert_no_row_ties(
    database: Database, values: Collection[str], chat_ids: Collection[int]
) -> None:
    """No row of any table that holds one of ``values`` (an idea's code, a response id) also
    holds one of ``chat_ids``: nothing in the database ties those to a person."""
    for table in table_names(database):
        for row in db_rows(database, f"SELECT * FROM {table}"):
            cells = [str(cell) for cell in row]
            if any(value in cell for value in values for cell in cells):
                assert not any(str(chat) in cells for chat in chat_ids), (table, row)


def everything_stored(database: Database) -> bytes:
    """All the database holds: on SQLite the bytes of its file and of its -wal and journal
    (so old versions of rows too), on PostgreSQL every row of every table."""
    if postgres_url(database) is None:
        file = Path(str(database))
        beside = (path for path in file.parent.iterdir() if path.name.startswith(file.name))
        return b"".join(path.read_bytes() for path in beside)
    rows = (db_rows(database, f"SELECT * FROM {table}") for table in table_names(database))
    return "\n".join(repr(row) for found in rows for row in found).encode()


def store_at(database: Database) -> SqliteStore | PostgresStore:
    """The bot's store on ``database``, not yet opened (``async with store_at(...)``)."""
    url = postgres_url(database)
    return SqliteStore(Path(str(database))) if url is None else PostgresStore(url)
