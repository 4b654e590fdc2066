"""The stage most benchmarks run on: an emulator with a crowd of people who joined one cohort, and
Youth Voice running against it as its own process, on SQLite or PostgreSQL, all stopped and
removed at the end.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import crowd
from bench.database import Databases, Place
from bench.procs import TOKEN, BotProcess, bot_env, youthvoice_argv
from bot.emulator import Emulator, RateLimits, SimUser


@dataclass
class Scene:
    emu: Emulator
    people: list[SimUser]
    cohort: int
    database: Place
    bot: BotProcess


@asynccontextmanager
async def scene(
    name: str,
    count: int,
    databases: Databases,
    *,
    rate_limits: bool | RateLimits,
    send_rate: float,
    profile_to: Path | None = None,
) -> AsyncIterator[Scene]:
    """``count`` joined people and Youth Voice polling, in a fresh folder and database. The
    emulator's stats stay readable after the block ends."""
    with (
        tempfile.TemporaryDirectory(prefix=f"yv-bench-{name}-") as folder,
        databases.fresh(Path(folder)) as database,
    ):
        path = Path(folder)
        async with Emulator(token=TOKEN, rate_limits=rate_limits) as emu:
            people = crowd.crowd(emu, count)
            cohort = await crowd.seed_contacts(database, [p.chat_id for p in people])
            env = bot_env(emu, database.setting, send_rate=send_rate)
            async with BotProcess(youthvoice_argv(profile_to), env, path, "youthvoice") as bot:
                await bot.wait_polling(emu)
                yield Scene(emu, people, cohort, database, bot)
