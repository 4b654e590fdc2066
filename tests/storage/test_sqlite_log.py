"""Nothing left behind in the SQLite files: the write-ahead log is emptied after deletions even
while another connection reads, and the file is compacted when a check-in closes.

Not part of the contract: these tests open ``SqliteStore`` on real files and read their bytes.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from storage.base import Audience, NewCheckin, OutgoingMessage
from storage.sqlite import SqliteStore
from tests.storage.contract import CHAT, LINK, NOW, TODAY, new_checkin

pytestmark = pytest.mark.timeout(60)


def wal_of(path: Path) -> Path:
    return Path(f"{path}-wal")


def file_bytes(path: Path) -> bytes:
    wal = wal_of(path)
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A second, real connection holding a read transaction until the block ends."""
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM contacts").fetchall()
        yield reader
        reader.execute("COMMIT")
    finally:
        reader.close()


async def until_emptied(path: Path, secret: bytes, within: float = 20.0) -> float:
    """Seconds until the -wal is empty and ``secret`` is in neither file (fails after
    ``within``)."""
    started = time.monotonic()
    while wal_of(path).stat().st_size or secret in file_bytes(path):
        assert time.monotonic() - started < within, "the log was never emptied"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_an_erasure_blocked_by_a_reader_is_emptied_from_the_log_once_it_lets_go(
    tmp_path: Path,
) -> None:
    """Regression: while another connection held a read transaction, the checkpoint after an
    erasure failed and the -wal kept the erased person's unfinished answers until some later
    event. Now the erasure does not wait for the reader, and the store keeps trying on its own:
    once the reader lets go, the log is emptied with nothing else happening."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        await store.join(CHAT, None, "en", TODAY, 1)
        checkin = await new_checkin(store)
        await store.save_progress(LINK, checkin.id, {"note": "ERASE-ME-SECRET"}, TODAY, 2)
        with reading(path):
            started = time.monotonic()
            assert await store.erase_person(CHAT, [LINK], 3)
            assert time.monotonic() - started < 3.0, "the erasure waited for the reader"
            await asyncio.sleep(0.5)  # several retries, all blocked
            assert b"ERASE-ME-SECRET" in wal_of(path).read_bytes(), "the reader did not block"
        await until_emptied(path, b"ERASE-ME-SECRET")
        assert await store.contact(CHAT) is None


async def test_a_prune_blocked_by_a_reader_is_emptied_from_the_log_once_it_lets_go(
    tmp_path: Path,
) -> None:
    """The same for retention's prune of an unfinished response a reader was holding in the
    log: gone from both files once the reader lets go, with no other event."""
    path = tmp_path / "t.db"
    keep = {"unfinished_days": 7, "answer_days": 30, "contact_days": 90, "alert_days": 365}
    async with SqliteStore(path) as store:
        checkin = await new_checkin(store)
        await store.save_progress(LINK, checkin.id, {"note": "PRUNE-ME-SECRET"}, TODAY, 2)
        with reading(path):
            removed = await store.apply_retention("2026-06-01", **keep)
            assert removed.unfinished == 1
            await asyncio.sleep(0.3)
            assert b"PRUNE-ME-SECRET" in wal_of(path).read_bytes(), "the reader did not block"
        await until_emptied(path, b"PRUNE-ME-SECRET")


async def test_a_store_closed_while_a_reader_blocks_its_log_says_so_and_closes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Closing does not hang on a reader: one warning (no data in it); the next open empties
    the log."""
    path = tmp_path / "t.db"
    store = SqliteStore(path)
    await store.open()
    checkin = await new_checkin(store)
    await store.save_progress(LINK, checkin.id, {"note": "CLOSING-SECRET"}, TODAY, 2)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM contacts").fetchall()
        await store.erase_person(CHAT, [LINK], 3)
        await store.close()
        reader.execute("COMMIT")
        assert "could not be emptied" in caplog.text and "SECRET" not in caplog.text
        assert b"CLOSING-SECRET" in wal_of(path).read_bytes()
        # The reader's connection stays open, so SQLite does not empty the log on its own.
        async with SqliteStore(path):
            await until_emptied(path, b"CLOSING-SECRET", within=5.0)
    finally:
        reader.close()


async def test_a_sent_reminder_leaves_no_key_naming_the_person_in_the_file_or_log(
    tmp_path: Path,
) -> None:
    """Regression: sent messages stayed in the outbox a week, and a reminder's dedupe key
    (``checkin:N:remind:<chat>``) told who had not finished. Now the row goes once sent, and
    within a moment neither the file nor its -wal holds the key."""
    path = tmp_path / "t.db"
    key = "checkin:7:remind:4242424242"
    async with SqliteStore(path) as store:
        await store.enqueue([OutgoingMessage(CHAT, {"text": "REMINDER-TEXT"}, NOW, key)])
        (claimed,) = await store.claim_due(NOW, 10)
        assert key.encode() in file_bytes(path)  # the search finds what is there
        await store.mark_sent([claimed.id], NOW)
        await until_emptied(path, key.encode(), within=10.0)
        assert b"REMINDER-TEXT" not in file_bytes(path)
        assert (await store.outbox_counts())["sent"] == 1


async def test_sent_messages_an_older_version_kept_are_deleted_and_counted(
    tmp_path: Path,
) -> None:
    """A database from a version that kept sent and failed rows a week: the planner's prune
    deletes them at once, counted, and empties the log."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        await store.enqueue([OutgoingMessage(n, {}, NOW, f"old:{n}") for n in (1, 2, 3)])
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE outbox SET status = 'sent' WHERE chat_id < 3")
        db.execute("UPDATE outbox SET status = 'failed' WHERE chat_id = 3")
    async with SqliteStore(path) as store:
        assert await store.prune_outbox(NOW) == 3
        assert await store.outbox_entries() == []
        assert await store.outbox_counts() == {"queued": 0, "sending": 0, "sent": 2, "failed": 1}
        await until_emptied(path, b"old:1", within=5.0)


def offsets(blob: bytes, names: list[str]) -> list[int]:
    return [blob.index(name.encode()) for name in names]


async def test_compaction_puts_rows_in_key_order_and_keeps_no_free_pages(tmp_path: Path) -> None:
    """Inside a page, rows sit in the order they were written, even in a WITHOUT ROWID table:
    byte offsets give that order away. Compaction (VACUUM, then an emptied log) rewrites every
    table in key order, leaves no free page, and shrinks the file after deletions."""
    path = tmp_path / "t.db"
    names = [f"link-{n:02d}" for n in range(12)]
    written = names[:]
    random.Random(3).shuffle(written)
    async with SqliteStore(path) as store:
        checkin = await new_checkin(store)
        for update_id, link in enumerate(written, start=1):
            state = {"note": f"STATE-OF-{link}", "pad": "x" * 2000}
            await store.save_progress(link, checkin.id, state, TODAY, update_id)
        await store._checkpoint()
        before = offsets(path.read_bytes(), [f"STATE-OF-{link}" for link in names])
        by_key = sorted(range(len(names)), key=lambda i: before[i])
        assert by_key not in (list(range(12)), list(range(12))[::-1]), "write order shows"
        for update_id, link in enumerate(names[:6], start=100):
            await store.erase_person(CHAT, [link], update_id)
        await store._checkpoint()
        size = path.stat().st_size
        await store.compact()
        assert wal_of(path).stat().st_size == 0
        blob = path.read_bytes()
        after = offsets(blob, [f"STATE-OF-{link}" for link in names[6:]])
        assert after in (sorted(after), sorted(after, reverse=True)), "not in key order"
        assert path.stat().st_size < size
        rows = await store._all("peek", "PRAGMA freelist_count")
        assert rows[0][0] == 0


async def test_the_file_is_compacted_once_after_each_checkin_closes(tmp_path: Path) -> None:
    """``compact_after_close`` compacts when a check-in has closed since the last time, and
    not again until another closes."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        for closes in (NOW + 100, NOW + 200):
            await store.open_checkin(
                NewCheckin("weekly", None, NOW, closes), Audience(), lambda c: {"text": "hi"}
            )
        assert not await store.compact_after_close(NOW + 99)
        assert await store.compact_after_close(NOW + 100)
        assert not await store.compact_after_close(NOW + 150)
        assert await store.compact_after_close(NOW + 250)
        assert not await store.compact_after_close(NOW + 10_000)
    async with SqliteStore(path) as again:  # remembered across restarts
        assert not await again.compact_after_close(NOW + 10_000)
