"""The SQLite backend of the ``Store``: the shared store (``storage.shared``) on one SQLite
file, whose connection, transactions and compaction live in ``storage.sqlite_base``."""

from __future__ import annotations

from storage.coordination import Solo
from storage.migrate import SCHEMA_VERSION
from storage.shared import SqlStore
from storage.sqlite_base import SqliteBase

__all__ = ["SCHEMA_VERSION", "SqliteStore"]


class SqliteStore(SqliteBase, SqlStore):
    """A ``Store`` kept in one SQLite file (or ``":memory:"`` for tests); one bot runs on it."""

    def coordinator(self) -> Solo:
        return Solo(self._path)
