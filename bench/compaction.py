"""The compaction benchmark: what rewriting the database after a check-in closes (VACUUM, then
the log emptied) costs on a big database, and how long the bot's other database calls wait.

The database is the results benchmark's (1,000,000 answers by default) plus 10,000 contacts;
a tenth of the answers are deleted first, as retention would, so there is something to free.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.figures import Row
from bench.results import build
from storage.sqlite import SqliteStore

CONTACTS = 10_000


def _grow(path: Path) -> None:
    """Contacts, and a tenth of the answers deleted (free pages to reclaim)."""
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO contacts (chat_id, status, joined_on) VALUES (?, 'joined', '2025-11-01')",
            [(5_000_000 + n,) for n in range(CONTACTS)],
        )
        db.execute("DELETE FROM answers WHERE response_id < '1a'")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def _compact(path: Path) -> tuple[float, float]:
    """Seconds compaction took, and the longest a small call made meanwhile waited."""
    async with SqliteStore(path) as store:
        began = time.perf_counter()
        job = asyncio.create_task(store.compact())
        await asyncio.sleep(0.01)  # a call arriving just after compaction started
        asked = time.perf_counter()
        await store.get_meta("schema_version")
        waited = time.perf_counter() - asked
        await job
        return time.perf_counter() - began, waited


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.0f} MB"


def measure(responses: int = 50_000, questions: int = 20) -> list[Row]:
    name = "9 compaction"
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp), responses, questions)
        _grow(path)
        before = _mb(path)
        with sqlite3.connect(path) as db:
            free = db.execute("PRAGMA freelist_count").fetchone()[0]
        took, waited = asyncio.run(_compact(path))
        after = _mb(path)
        wal = Path(f"{path}-wal")
        left = wal.stat().st_size if wal.exists() else 0
    answers = responses * questions
    return [
        Row(
            name,
            f"{answers:,} answers less a tenth, {CONTACTS:,} contacts: file before / after",
            f"{before} ({free:,} free pages) / {after}",
        ),
        Row(name, "VACUUM and emptying the log (the -wal left)", f"{took:.1f} s ({left} bytes)"),
        Row(name, "a small database call made meanwhile waited", f"{waited:.1f} s"),
    ]
