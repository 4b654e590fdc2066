"""What every handler needs, built once at start-up: settings, the store (SQLite or
PostgreSQL, as ``YOUTHVOICE_DATABASE`` says), surveys, key, clock, and the safety net."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.actions.safety import Conversations, SafetyNet, bundled_safety_net
from bot.actions.shown import RecentChoices, ShownQuestions, ShownReplies
from bot.settings import PostgresUrl, Settings
from flows.survey import Survey
from storage import postgres, sqlite_base
from storage.base import Store
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore


def make_store(settings: Settings) -> Store:
    """The store ``YOUTHVOICE_DATABASE`` names, not yet opened: a ``postgresql://`` URL is
    a PostgreSQL database, anything else a SQLite file."""
    if isinstance(settings.database, PostgresUrl):
        return PostgresStore(settings.database.get_secret_value())
    return SqliteStore(settings.database)


async def stored_version(settings: Settings) -> int | None:
    """The schema version of the database ``YOUTHVOICE_DATABASE`` names, read without
    upgrading it (None: not made yet)."""
    if isinstance(settings.database, PostgresUrl):
        url = settings.database.get_secret_value()
        return await asyncio.to_thread(postgres.stored_version, url)
    return await asyncio.to_thread(sqlite_base.stored_version, settings.database)


@dataclass
class Services:
    settings: Settings
    store: Store
    surveys: dict[str, Survey]
    key: bytes
    clock: Callable[[], float] = time.time
    shown: ShownQuestions = field(default_factory=ShownQuestions)
    replies: ShownReplies = field(default_factory=ShownReplies)
    choices: RecentChoices = field(default_factory=RecentChoices)
    safety: SafetyNet = field(default_factory=bundled_safety_net)
    # Who was asked about getting in touch, in the running bot's memory (bot/actions/safety.py).
    talks: Conversations = field(default_factory=Conversations)

    def now(self) -> float:
        return self.clock()

    def today(self) -> str:
        """The local date only: answers never carry a time of day."""
        return datetime.fromtimestamp(self.clock(), self.settings.zone).date().isoformat()
