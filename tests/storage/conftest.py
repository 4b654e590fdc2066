"""Backends for the storage contract suite: each contract test runs once per backend here.

To run the contract (``test_contract_*.py``) against a new backend, write a fixture named
``<name>_backend`` that returns a ``Backend`` for a fresh, empty database (set it up and
tear it down there; it may be async), and add ``<name>`` to ``BACKENDS``. Then
``pytest tests/storage`` runs every contract test against it too, ``-k <name>`` only it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.base import Store
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from tests.postgres import PostgresServer


@dataclass(frozen=True)
class Backend:
    """How the suite makes stores of one backend for one test."""

    make: Callable[[], Store]
    """A new store, not yet opened, on this test's database."""
    persistent: bool
    """Whether every store ``make`` returns in one test shares that database (what one
    store wrote, another sees, also after closing and opening again)."""


BACKENDS = ["sqlite_memory", "sqlite_file", "postgresql"]
# The backends whose stores in one test share one database (what one wrote, the next sees).
PERSISTENT = ["sqlite_file", "postgresql"]


@pytest.fixture
def sqlite_memory_backend() -> Backend:
    """SQLite in memory: each store is its own database, gone when it closes."""
    return Backend(make=lambda: SqliteStore(":memory:"), persistent=False)


@pytest.fixture
def sqlite_file_backend(tmp_path: Path) -> Backend:
    """SQLite in one file (WAL): every store of the test opens the same file."""
    path = tmp_path / "t.db"
    return Backend(make=lambda: SqliteStore(path), persistent=True)


@pytest.fixture
def postgresql_backend(postgres_server: PostgresServer) -> Iterator[Backend]:
    """PostgreSQL: a fresh database on the session's throwaway server, dropped afterwards."""
    with postgres_server.database() as url:
        yield Backend(make=lambda: PostgresStore(url), persistent=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend in turn."""
    found: Backend = request.getfixturevalue(f"{request.param}_backend")
    return found


@pytest.fixture(params=PERSISTENT)
def persistent_backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend whose data outlives a store, for tests of sharing and reopening."""
    found: Backend = request.getfixturevalue(f"{request.param}_backend")
    assert found.persistent
    return found


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    """An open store on a fresh database of each backend, closed afterwards."""
    opened = backend.make()
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()
