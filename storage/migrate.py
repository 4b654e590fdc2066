"""The schema's history: numbered migration files per database (``storage/migrations/``),
and which of them a database at a given version still lacks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from storage.base import StorageError

# The version new databases are made at, and the one every older database is brought to.
SCHEMA_VERSION = 6
# The version each database's first schema had: there are no files below it.
FIRST_VERSION = {"sqlite": 1, "postgresql": 4}
_FILE = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")


class NewerDatabaseError(StorageError):
    """The database was upgraded by a newer Youth Voice than this one."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"the database is at schema version {found}, made by a newer Youth Voice (this "
            f"one knows versions up to {SCHEMA_VERSION}): install that newer version"
        )
        self.found = found


@dataclass(frozen=True)
class Migration:
    """One file: the statements that bring a database to ``version``."""

    version: int
    name: str
    statements: tuple[str, ...]


def statements_of(text: str) -> tuple[str, ...]:
    """A migration file's statements: ``--`` comments dropped, split at each ``;``."""
    code = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
    return tuple(part.strip() for part in code.split(";") if part.strip())


def migrations(dialect: str) -> list[Migration]:
    """Every migration file of ``dialect`` (``sqlite`` or ``postgresql``), in order."""
    folder = resources.files("storage").joinpath("migrations", dialect)
    found = []
    for entry in folder.iterdir() if folder.is_dir() else ():
        match = _FILE.fullmatch(entry.name)
        if match is not None:
            text = entry.read_text(encoding="utf-8")
            found.append(Migration(int(match[1]), match[2], statements_of(text)))
    return sorted(found, key=lambda migration: migration.version)


def pending(dialect: str, version: int) -> list[Migration]:
    """The migrations a database at ``version`` lacks; raises if it is newer than this code."""
    if version > SCHEMA_VERSION:
        raise NewerDatabaseError(version)
    return [m for m in migrations(dialect) if version < m.version <= SCHEMA_VERSION]
