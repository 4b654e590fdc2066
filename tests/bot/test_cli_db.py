"""``youthvoice db status`` and ``db upgrade``, and the migration files behind them: an older
database is brought up to date in place, its rows kept, and ends up like a new one."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage.migrate import FIRST_VERSION, SCHEMA_VERSION, migrations, statements_of
from tests.conftest import back_to_version_1, run
from tests.postgres import PostgresServer

KEY = "6f1d2c9a7b3e5f8041a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718"


def version(path: Path) -> str:
    with closing(sqlite3.connect(path)) as db:
        return str(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])


def schema(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each table's columns (name and type), and the indexes, of a SQLite file."""
    with closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {
            t: sorted((r[1], r[2]) for r in db.execute(f"PRAGMA table_info('{t}')")) for t in tables
        }
        found["(indexes)"] = sorted(
            (str(r[0]), str(r[1]))
            for r in db.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type='index'"
                " AND name NOT LIKE 'sqlite_autoindex%'"
            )
        )
    return found


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_migration_files_number_every_version_once(dialect: str) -> None:
    """Each database's files run from its first version to SCHEMA_VERSION with no gap."""
    numbers = [m.version for m in migrations(dialect)]
    assert numbers == list(range(FIRST_VERSION[dialect] + 1, SCHEMA_VERSION + 1))
    assert all(m.statements for m in migrations(dialect))


def test_a_migration_file_is_split_into_its_statements() -> None:
    text = "-- a note; with a semicolon\nALTER TABLE a ADD COLUMN b REAL;\n\nSELECT 1; -- done\n"
    assert statements_of(text) == ("ALTER TABLE a ADD COLUMN b REAL", "SELECT 1")


def test_status_and_upgrade_of_a_database_not_made_yet(env: dict[str, str]) -> None:
    """No file yet: status says so (exit 1) and makes nothing; upgrade makes it."""
    path = Path(env["YOUTHVOICE_DATABASE"])
    status = run(env, "db", "status")
    assert status.exit_code == 1
    assert status.stdout.startswith(f"No Youth Voice database at {path} yet.")
    assert not path.exists()
    made = run(env, "db", "upgrade")
    assert made.exit_code == 0, made.output
    assert made.stdout == f"Made a new database at {path} (schema version {SCHEMA_VERSION}).\n"
    again = run(env, "db", "status")
    assert again.exit_code == 0
    assert again.stdout == (
        f"The database at {path} is up to date: schema version {SCHEMA_VERSION}.\n"
    )


def test_an_older_database_is_upgraded_in_place_and_ends_like_a_new_one(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A version 1 file: status lists what is waiting and changes nothing; upgrade applies it,
    keeps the rows, and leaves the same tables, columns and indexes as a new database."""
    path = Path(env["YOUTHVOICE_DATABASE"])
    assert run(env, "cohorts", "add", "North").exit_code == 0
    back_to_version_1(path)
    status = run(env, "db", "status")
    assert status.exit_code == 1
    assert status.stdout.splitlines() == [
        f"The database at {path} is at schema version 1; this Youth Voice uses "
        f"{SCHEMA_VERSION}. Waiting to be applied:",
        "  2: outbox expiry",
        "  3: unsure sends and reply marks",
        "  4: invitations pause easy read",
        "  5: outbox claims",
        "  6: wizard sessions",
        "Run `youthvoice db upgrade` (the bot also upgrades it when it starts).",
    ]
    assert version(path) == "1"
    upgraded = run(env, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout == (
        f"Upgraded the database at {path} from schema version 1 to {SCHEMA_VERSION}.\n"
    )
    assert "North" in run(env, "cohorts", "list").stdout
    fresh = tmp_path / "fresh.db"
    assert run({**env, "YOUTHVOICE_DATABASE": str(fresh)}, "db", "upgrade").exit_code == 0
    assert schema(path) == schema(fresh)


def test_a_database_from_a_newer_version_is_left_alone(env: dict[str, str]) -> None:
    """A schema version this code does not know: one line and exit 1, nothing changed."""
    path = Path(env["YOUTHVOICE_DATABASE"])
    assert run(env, "db", "upgrade").exit_code == 0
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    for command in ("status", "upgrade"):
        result = run(env, "db", command)
        assert result.exit_code == 1
        assert result.stderr == (
            f"youthvoice: the database is at schema version {SCHEMA_VERSION + 1}, made by a "
            f"newer Youth Voice (this one knows versions up to {SCHEMA_VERSION}): install "
            "that newer version\n"
        )
    assert version(path) == str(SCHEMA_VERSION + 1)


def test_status_and_upgrade_on_postgresql(
    env: dict[str, str], postgres_server: PostgresServer
) -> None:
    """The same commands on a fresh PostgreSQL database, which never names its URL."""
    with postgres_server.database() as url:
        pg = {**env, "YOUTHVOICE_DATABASE": url, "YOUTHVOICE_SECRET_KEY": KEY}
        status = run(pg, "db", "status")
        assert (status.exit_code, status.stdout) == (
            1,
            "No Youth Voice database in PostgreSQL yet. `youthvoice db upgrade` makes one, "
            "and so does the bot when it first starts.\n",
        )
        assert run(pg, "db", "upgrade").exit_code == 0
        again = run(pg, "db", "status")
        assert (again.exit_code, again.stdout) == (
            0,
            f"The database in PostgreSQL is up to date: schema version {SCHEMA_VERSION}.\n",
        )
