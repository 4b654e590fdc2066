"""What only the SQLite backend shows: its file and log, pragmas, schema, and OS processes.

Not part of the contract: these tests open ``SqliteStore`` directly and may read its rows.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from storage.base import (
    Audience,
    ContactStatus,
    NewCheckin,
    OutgoingMessage,
    StorageError,
    Store,
)
from storage.sqlite import SCHEMA_VERSION, SqliteStore
from tests.conftest import back_to_version_1
from tests.storage.contract import CHAT, INVITE, LINK, NOW, TODAY, K, new_checkin


@pytest.fixture(params=["memory", "file"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqliteStore]:
    """A SQLite store in memory and in a file, opened empty."""
    path = ":memory:" if request.param == "memory" else tmp_path / "t.db"
    async with SqliteStore(path) as opened:
        yield opened


async def peek(store: SqliteStore, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows straight from the store's own connection, for what the protocol cannot show."""
    return [tuple(row) for row in await store._all("peek", sql, params)]


async def test_each_response_has_one_random_id_and_the_day(store: SqliteStore) -> None:
    """Finishing writes each answer under one random 128-bit response id, with the day."""
    checkin = await new_checkin(store)
    answers = {"mood": "good", "topics": ["school", "housing"], "note": "thanks"}
    await store.finish_response(LINK, checkin.id, answers, TODAY, 2, batch=K)
    await store.release_waiting(checkin.id, TODAY)
    rows = await peek(store, "SELECT response_id, question_id, answered_on FROM answers")
    assert sorted(q for _, q, _ in rows) == sorted(answers)
    assert len({r for r, _, _ in rows}) == 1 and {d for _, _, d in rows} == {TODAY}
    response_id = rows[0][0]
    assert len(response_id) == 32 and int(response_id, 16) >= 0
    await store.finish_response("link-2", checkin.id, answers, TODAY, 3, batch=K)
    await store.release_waiting(checkin.id, TODAY)
    assert len({r for r, *_ in await peek(store, "SELECT response_id FROM answers")}) == 2


async def test_answers_cannot_be_traced_to_a_person(store: SqliteStore) -> None:
    """No answer row holds the link or the chat id, and the anonymous tables are WITHOUT ROWID,
    so no row number counts them in the order they were written (their order in the file is
    the work of the shuffled release: see test_release_attacks.py)."""
    checkin = await new_checkin(store)
    await store.join(CHAT, None, "en", TODAY, 1)
    await store.finish_response(LINK, checkin.id, {"mood": "good", "age": 17}, TODAY, 2, batch=K)
    await store.release_waiting(checkin.id, TODAY)
    for row in await peek(store, "SELECT * FROM answers"):
        for column in row:
            assert LINK not in str(column) and str(CHAT) not in str(column)
    for table in ("answers", "participation", "progress", "waiting"):
        with pytest.raises(StorageError):
            await peek(store, f"SELECT rowid FROM {table}")


async def test_a_database_error_is_chained_as_the_storage_error_cause(store: SqliteStore) -> None:
    """The StorageError raised for a constraint violation is not itself a sqlite3 error, and
    carries the sqlite3 error as its cause."""
    await store.add_cohort("North", "C1", TODAY)
    with pytest.raises(StorageError) as caught:
        await store.add_cohort("North", "C2", TODAY)
    assert not isinstance(caught.value, sqlite3.Error)
    assert isinstance(caught.value.__cause__, sqlite3.Error)


FORGET_PROGRESS: dict[str, Callable[[Store, int], Awaitable[object]]] = {
    "finish_response": lambda s, ck: s.finish_response(
        LINK, ck, {"note": "FINAL"}, TODAY, 3, batch=K
    ),
    "erase_person": lambda s, ck: s.erase_person(CHAT, [LINK], 3),
    "drop_closed_progress": lambda s, ck: s.drop_closed_progress(NOW + 100),
}


@pytest.mark.parametrize("forget", FORGET_PROGRESS)
async def test_a_deleted_progress_row_leaves_no_remnant_in_the_file_or_wal(
    tmp_path: Path, forget: str
) -> None:
    """Regression: a progress row deleted at finish (the link with the unfinished answers)
    stayed readable in older page images in the -wal file until a checkpoint; now deleted
    rows are zeroed (secure_delete) and the log is emptied after each such delete."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        # Some SQLite builds have it on by default, others not: the store must ask for it.
        assert await peek(store, "PRAGMA secure_delete") == [(1,)]
        closing, _ = await store.open_checkin(
            NewCheckin("weekly", None, NOW, NOW + 100), Audience(), INVITE
        )
        assert closing is not None
        staying = await new_checkin(store)
        await store.save_progress("link-other", staying.id, {"note": "STILL-GOING"}, TODAY, 1)
        await store.save_progress(LINK, closing.id, {"note": "HALF-WAY-SECRET"}, TODAY, 2)
        await FORGET_PROGRESS[forget](store, closing.id)
        assert await store.progress(LINK) is None
        wal = Path(f"{path}-wal")
        blob = path.read_bytes() + wal.read_bytes()
        assert b"STILL-GOING" in blob  # the search finds what is there
        assert b"HALF-WAY-SECRET" not in blob
        # The waiting response, by design: it stays under the link until its batch goes.
        marks = 1 if forget == "finish_response" else 0
        assert blob.count(LINK.encode()) == marks
        assert wal.stat().st_size == 0


async def test_retention_leaves_nothing_it_deleted_readable_in_the_file_or_wal(
    tmp_path: Path,
) -> None:
    """Answers, unfinished responses, stopped contacts and alerts deleted by retention are
    zeroed in the database (secure_delete) and the write-ahead log is emptied afterwards."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        await store.join(CHAT, None, "en", TODAY, 1)
        checkin = await new_checkin(store)
        await store.save_progress(LINK, checkin.id, {"note": "HALF-WAY-SECRET"}, TODAY, 2)
        await store.finish_response(
            "done", checkin.id, {"q": "OLD-ANSWER-SECRET"}, TODAY, 3, batch=K
        )
        await store.release_waiting(checkin.id, TODAY)
        # A response that waited for its batch all that time goes with the answers of its day.
        await store.finish_response(
            "link-waits", checkin.id, {"q": "OLD-WAITING-SECRET"}, TODAY, 6, batch=K
        )
        await store.raise_alert(987654321, TODAY, [], 4)
        await store.set_status(CHAT, ContactStatus.STOPPED, 5)
        keep = {"unfinished_days": 7, "answer_days": 30, "contact_days": 90, "alert_days": 365}
        await store.apply_retention(TODAY, **keep)
        removed = await store.apply_retention("2026-06-01", **keep)
        assert removed.total() == 5
        wal = Path(f"{path}-wal")
        blob = path.read_bytes() + wal.read_bytes()
        assert b"weekly" in blob  # the search finds what is there
        secrets = (b"HALF-WAY-SECRET", b"OLD-ANSWER-SECRET", b"OLD-WAITING-SECRET", b"link-waits")
        for secret in (*secrets, LINK.encode()):
            assert secret not in blob
        assert (987654321).to_bytes(4, "big") not in blob
        assert CHAT.to_bytes(5, "big") not in blob
        assert wal.stat().st_size == 0


async def test_a_shared_file_is_in_wal_mode(tmp_path: Path) -> None:
    """A file store uses the write-ahead log, so the bot and the CLI can share it."""
    async with SqliteStore(tmp_path / "shared.db") as bot:
        assert await peek(bot, "PRAGMA journal_mode") == [("wal",)]


async def test_the_schema_version_is_recorded_once(tmp_path: Path) -> None:
    """The schema version is recorded when the file is made and kept on reopening."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as first:
        assert await first.get_meta("schema_version") == str(SCHEMA_VERSION)
    async with SqliteStore(path) as second:
        version = await peek(second, "SELECT value FROM meta WHERE key = 'schema_version'")
        assert version == [(str(SCHEMA_VERSION),)]


async def test_a_version_1_database_is_brought_up_to_date_on_opening(tmp_path: Path) -> None:
    """A database made before messages could expire (version 1), and so before unsure sends
    and reply marks (version 3) and invitation counts and pauses (version 4), gains every
    later column on opening, its rows kept."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as first:
        await first.enqueue([OutgoingMessage(1, {"text": "a"}, NOW)])
    back_to_version_1(path)
    async with SqliteStore(path) as second:
        assert await peek(second, "SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(SCHEMA_VERSION),)
        ]
        await second.enqueue([OutgoingMessage(2, {}, NOW, expires_at=NOW + 1)])
        assert [m.chat_id for m in await second.claim_due(NOW + 1, 10)] == [1]
        assert await second.requeue_inflight() == 1  # uses the unsure column
        assert await second.replies_due(NOW, 10) == []  # and the reply marks
        checkin = await new_checkin(second)
        assert checkin.invited == 0
        assert await second.checkins() == [checkin]  # and the invitation count
        columns = await peek(second, "SELECT name FROM pragma_table_info('contacts')")
        assert {("paused_until",), ("easy_read",), ("stopped_on",)} <= set(columns)


CLI_JOINS = """
import asyncio, sys
from storage.sqlite import SqliteStore

async def main() -> None:
    async with SqliteStore(sys.argv[1]) as store:
        print("open", flush=True)
        for n in range(1, 200, 2):
            assert await store.join(n, None, "en", "2025-03-01", n)

asyncio.run(main())
"""


@pytest.mark.timeout(30)
async def test_another_process_writes_at_the_same_time(tmp_path: Path) -> None:
    """A second OS process writing to the same file meanwhile makes neither side fail."""
    path = tmp_path / "shared.db"
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    async with SqliteStore(path) as bot:
        cli = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI_JOINS, str(path), env=env, stdout=asyncio.subprocess.PIPE
        )
        assert cli.stdout is not None
        assert await cli.stdout.readline() == b"open\n"
        for n in range(0, 200, 2):
            assert await bot.join(n, None, "en", TODAY, n)
        assert await cli.wait() == 0
        assert await bot.count_audience(Audience()) == 200


@pytest.mark.parametrize(
    ("place", "says"),
    [("folder", "the database path is a folder"), ("missing/x.db", "does not exist")],
)
async def test_a_database_that_cannot_be_opened_is_one_clear_error(
    tmp_path: Path, place: str, says: str
) -> None:
    """A folder where the file should be, or a missing folder, is a StorageError in words."""
    (tmp_path / "folder").mkdir()
    store = SqliteStore(tmp_path / place)
    with pytest.raises(StorageError, match=says):
        await store.open()


async def test_database_files_are_private_to_the_bots_user(tmp_path: Path) -> None:
    """The database and its -wal and -shm files are created readable by this user only, even
    under a permissive umask; SQLite gives the -wal and -shm the main file's mode."""
    path = tmp_path / "private.db"
    old = os.umask(0o022)
    try:
        async with SqliteStore(path) as store:
            await store.enqueue([OutgoingMessage(1, {"text": "a"}, NOW)])
            modes = {
                name: Path(f"{path}{name}").stat().st_mode & 0o777 for name in ("", "-wal", "-shm")
            }
    finally:
        os.umask(old)
    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


async def test_an_existing_database_open_to_others_is_made_private(tmp_path: Path) -> None:
    """A database file left readable by other users (made by an older version, or copied) is
    made private when opened."""
    path = tmp_path / "old.db"
    async with SqliteStore(path):
        pass
    path.chmod(0o644)
    async with SqliteStore(path):
        assert path.stat().st_mode & 0o777 == 0o600


async def test_handled_updates_keep_no_time_finer_than_the_hour(tmp_path: Path) -> None:
    """The times kept against repeated updates are whole hours, so a copy of the file cannot
    tell who was active at which minute."""
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        for n, at in enumerate((NOW, NOW + 61.5, NOW + 3599)):
            assert await store.claim_update(n, at)
        times = await peek(store, "SELECT handled_at FROM handled_updates")
    assert {t % 3600 for (t,) in times} == {0}
