"""Finished responses written straight into a test database, as if young people had answered
the bundled weekly check-in: for the results and export tests."""

from __future__ import annotations

import asyncio
import itertools
import random
import sqlite3
from pathlib import Path
from typing import Any

from storage.base import Store
from storage.sqlite import SqliteStore

_update_ids = itertools.count(9_000_000)
# The default small-numbers threshold: the bot releases finished responses in batches this big.
K = 5


def weekly_answers(rng: random.Random) -> dict[str, Any]:
    """One young person's answers to the weekly check-in (a typed answer with a phone number
    now and then, to show redaction)."""
    safe = rng.choice(["yes", "yes", "yes", "no", "~pns"])
    answers: dict[str, Any] = {
        "mood": rng.choice(["2", "3", "3", "4", "4", "5"]),
        "safe_home": safe,
        "money": rng.choice(["ok", "tight", "tight", "struggling"]),
        "someone": rng.choice(["yes", "yes", "no"]),
        "help": rng.sample(["money", "housing", "talk", "study_work"], rng.randint(1, 2)),
        "anything": rng.choice(["~skip", "more bus passes", "ring me on 07700 900123"]),
    }
    if safe == "no":
        answers["safer"] = "a lock on my door"
    return answers


async def finished(store: Store, checkin_id: int, people: int, seed: int = 1) -> None:
    """``people`` finished responses to check-in ``checkin_id``, written through ``store``,
    all released (the last batch too, as when the check-in closes)."""
    rng = random.Random(seed)
    for n in range(people):
        link = f"seed-{checkin_id}-{seed}-{n}"
        answers = weekly_answers(rng)
        update_id = next(_update_ids)
        await store.finish_response(link, checkin_id, answers, "2026-11-23", update_id, batch=K)
    await store.release_waiting(checkin_id, "2026-11-23")


def finish(database: Path, checkin_id: int, people: int, seed: int = 1) -> None:
    """The same, for a command-line test: opens and closes the database itself."""

    async def go() -> None:
        store = SqliteStore(database)
        await store.open()
        try:
            await finished(store, checkin_id, people, seed)
        finally:
            await store.close()

    asyncio.run(go())


def close(database: Path, checkin_id: int, closed_at: float) -> None:
    """Move a check-in's closing time to ``closed_at`` (results show only once closed)."""
    with sqlite3.connect(database) as db:
        db.execute("UPDATE checkins SET closes_at = ? WHERE id = ?", (closed_at, checkin_id))
    db.close()
