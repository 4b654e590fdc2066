"""``youthvoice db status`` and ``db upgrade``: which schema version the database is at, and
bringing an older one up to date (the bot also does that as it starts)."""

from __future__ import annotations

import asyncio
import sys

import click

from bot.cli.support import fail, settings_or_exit, storage_exit, with_store
from bot.services import stored_version
from bot.settings import Settings
from storage.base import StorageError, Store
from storage.migrate import SCHEMA_VERSION, NewerDatabaseError, pending


def _where(settings: Settings) -> str:
    """The database in words: its file, or PostgreSQL (never the URL: it may hold a password)."""
    path = settings.database_file
    return "in PostgreSQL" if path is None else f"at {path}"


def _dialect(settings: Settings) -> str:
    return "sqlite" if settings.database_file is not None else "postgresql"


def _found(settings: Settings) -> int | None:
    """The database's schema version, read without changing it; a newer one than this code
    knows is one line and exit 1."""
    try:
        found = asyncio.run(stored_version(settings))
    except StorageError as exc:
        storage_exit(exc)
    if found is not None and found > SCHEMA_VERSION:
        fail(str(NewerDatabaseError(found)))
    return found


@click.group()
def db() -> None:
    """The database's schema version, and upgrading an older database."""


@db.command("status")
def db_status() -> None:
    """Say which schema version the database is at, changing nothing. Exits 0 when it is up to
    date, 1 when it needs `youthvoice db upgrade` (or does not exist yet)."""
    settings = settings_or_exit()
    found, where = _found(settings), _where(settings)
    if found is None:
        click.echo(
            f"No Youth Voice database {where} yet. `youthvoice db upgrade` makes one, and so "
            "does the bot when it first starts."
        )
        sys.exit(1)
    if found == SCHEMA_VERSION:
        click.echo(f"The database {where} is up to date: schema version {found}.")
        return
    click.echo(
        f"The database {where} is at schema version {found}; this Youth Voice uses "
        f"{SCHEMA_VERSION}. Waiting to be applied:"
    )
    for migration in pending(_dialect(settings), found):
        click.echo(f"  {migration.version}: {migration.name.replace('_', ' ')}")
    click.echo("Run `youthvoice db upgrade` (the bot also upgrades it when it starts).")
    sys.exit(1)


async def _nothing(store: Store) -> None:
    """Opening the store is the upgrade."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the database up to this Youth Voice's schema version (or make it), keeping every
    row. Safe to run while the bot runs, and more than once."""
    settings = settings_or_exit()
    before, where = _found(settings), _where(settings)
    with_store(settings, _nothing)
    if before is None:
        click.echo(f"Made a new database {where} (schema version {SCHEMA_VERSION}).")
    elif before == SCHEMA_VERSION:
        click.echo(f"The database {where} was already up to date: schema version {before}.")
    else:
        click.echo(
            f"Upgraded the database {where} from schema version {before} to {SCHEMA_VERSION}."
        )
