"""The command line on PostgreSQL: ``YOUTHVOICE_DATABASE=postgresql://...`` chooses it, a bad
URL or an unreachable server is one line and exit code 2, and no line shows the password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services import make_store
from bot.settings import PostgresUrl, Settings
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from tests.conftest import run
from tests.postgres import PostgresServer

KEY = "6f1d2c9a7b3e5f8041a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718"
PASSWORD = "s3cret-Pa55word"


@pytest.fixture
def pg_env(env: dict[str, str], postgres_server: PostgresServer) -> Iterator[dict[str, str]]:
    """Settings for a ``youthvoice`` command on a fresh PostgreSQL database."""
    with postgres_server.database() as url:
        yield {**env, "YOUTHVOICE_DATABASE": url, "YOUTHVOICE_SECRET_KEY": KEY}


def test_a_postgresql_url_chooses_postgresql_and_a_path_sqlite(tmp_path: Path) -> None:
    """The URL's scheme decides the store; anything else is a SQLite file."""
    url = f"postgresql://yv:{PASSWORD}@db.example:5432/youthvoice"
    on_pg = Settings(_env_file=None, database=url, secret_key=KEY)  # type: ignore[call-arg]
    assert isinstance(on_pg.database, PostgresUrl)
    assert on_pg.database.get_secret_value() == url
    assert on_pg.database_file is None
    assert isinstance(make_store(on_pg), PostgresStore)
    on_file = Settings(_env_file=None, database=tmp_path / "x.db")  # type: ignore[call-arg]
    assert on_file.database_file == tmp_path / "x.db"
    assert isinstance(make_store(on_file), SqliteStore)


def test_the_password_never_shows(tmp_path: Path) -> None:
    """Settings and the store print the URL without its password, in the URL or its query."""
    for url in (
        f"postgresql://yv:{PASSWORD}@db.example/youthvoice",
        f"postgres://db.example/youthvoice?user=yv&password={PASSWORD}",
    ):
        settings = Settings(_env_file=None, database=url, secret_key=KEY)  # type: ignore[call-arg]
        shown = f"{settings!r} {settings.database} {make_store(settings)!r}"
        assert PASSWORD not in shown
        assert "db.example" in shown


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://yv@db.example/youthvoice", "'mysql://' is not a database Youth Voice knows"),
        (f"postgresql://yv:{PASSWORD}@db.example:port/yv", "not a PostgreSQL URL that can be read"),
        (f"postgresql://yv:{PASSWORD}@db.example/yv?colour=blue", "not a PostgreSQL URL"),
    ],
)
def test_a_bad_database_url_is_one_line_and_exit_2(
    env: dict[str, str], url: str, says: str
) -> None:
    """A URL that is neither a file nor a PostgreSQL URL stops every command in one line,
    without repeating the password."""
    result = run(
        {**env, "YOUTHVOICE_DATABASE": url, "YOUTHVOICE_SECRET_KEY": KEY}, "cohorts", "list"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"youthvoice: YOUTHVOICE_DATABASE: {says}")
    assert PASSWORD not in result.stderr


def test_postgresql_needs_the_secret_key_set(env: dict[str, str]) -> None:
    """With no folder beside the database for a key file, the key must be set."""
    url = "postgresql://yv@db.example/youthvoice"
    result = run({**env, "YOUTHVOICE_DATABASE": url}, "cohorts", "list")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "youthvoice: YOUTHVOICE_SECRET_KEY: needed with a PostgreSQL database"
    )


def test_a_server_that_is_not_there_is_one_line_and_exit_2(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Nothing listening where the URL points: one line saying so, no password, exit 2."""
    url = f"postgresql://yv:{PASSWORD}@/youthvoice?host={tmp_path}"
    result = run(
        {**env, "YOUTHVOICE_DATABASE": url, "YOUTHVOICE_SECRET_KEY": KEY}, "cohorts", "list"
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "youthvoice: cannot connect to the PostgreSQL server named in YOUTHVOICE_DATABASE. "
        "Check that it is running and can be reached from here or set YOUTHVOICE_DATABASE\n"
    )


def test_commands_keep_their_data_in_postgresql(pg_env: dict[str, str]) -> None:
    """Staff commands write to and read from the PostgreSQL database, one after another."""
    added = run(pg_env, "cohorts", "add", "North")
    assert added.exit_code == 0, added.output
    listed = run(pg_env, "cohorts", "list")
    assert listed.exit_code == 0, listed.output
    assert "North" in listed.stdout
