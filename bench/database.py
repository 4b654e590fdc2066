"""Where a benchmark's bot keeps its data: a fresh SQLite file, or a fresh database on a
throwaway PostgreSQL server started for the run (tests/postgres.py's) and stopped at its end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.procs import family_cpu_seconds
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from tests.postgres import PostgresServer, running_server

SQLITE, POSTGRESQL = "sqlite", "postgresql"
KINDS = (SQLITE, POSTGRESQL)
LABELS = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}


@dataclass(frozen=True)
class Place:
    """One fresh database: what ``YOUTHVOICE_DATABASE`` names, and which kind it is."""

    setting: str
    kind: str

    def store(self) -> SqliteStore | PostgresStore:
        """The store on it, as the bot opens it (use with ``async with``)."""
        if self.kind == POSTGRESQL:
            return PostgresStore(self.setting)
        return SqliteStore(Path(self.setting))


@dataclass(frozen=True)
class Databases:
    """Makes fresh databases of one kind: files in a benchmark's folder, or databases on the
    run's PostgreSQL server."""

    kind: str
    server: PostgresServer | None = None

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def title(self, name: str) -> str:
        """A benchmark's name in the table: on SQLite as ever, on PostgreSQL marked."""
        return name if self.kind == SQLITE else f"{name}, {self.label}"

    def server_cpu(self) -> float:
        """CPU seconds the PostgreSQL server has used so far (0 for SQLite, whose work is
        in the bot's own process)."""
        if self.server is None:
            return 0.0
        pid = int((self.server.data / "postmaster.pid").read_text().split()[0])
        return family_cpu_seconds(pid)

    @contextmanager
    def fresh(self, folder: Path) -> Iterator[Place]:
        """A new, empty database, dropped when the block ends (a file goes with its folder)."""
        if self.server is None:
            yield Place(str(folder / "yv.db"), self.kind)
            return
        with self.server.database() as url:
            yield Place(url, self.kind)


@contextmanager
def databases(kinds: list[str]) -> Iterator[dict[str, Databases]]:
    """Each kind asked for; PostgreSQL's server is started first (durable, as in production:
    every commit flushed, like SQLite's ``synchronous=FULL``) and always stopped at the end."""
    with ExitStack() as stack:
        made = {}
        for kind in kinds:
            server = (
                stack.enter_context(running_server(durable=True)) if kind == POSTGRESQL else None
            )
            made[kind] = Databases(kind, server)
        yield made
