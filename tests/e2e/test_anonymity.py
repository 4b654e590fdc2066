"""Anonymity, checked the way an auditor would: read the database and the logs after real
chats, and look for anything that could tie an answer to a person (on SQLite, in the bytes of
its file and -wal too).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot import keys
from bot.cli.support import setup_logging
from bot.emulator import Emulator, SimUser
from tests.conftest import (
    TOKEN,
    Clock,
    Harness,
    chosen_database,
    finish_weekly,
    make_settings,
    start_invited,
)
from tests.database import Database, column_names, db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

ANSWER_TABLES = ("answers", "participation", "progress")
PEOPLE = [("Zebediah", "zeb_the_tester"), ("Marigold", "marigold_99"), ("Quentin", "q_u_e_n")]
# What people type; each unusual enough that finding it anywhere means it leaked.
TYPED = {
    "Zebediah": "PURPLE-ELEPHANT-ANSWER",
    "Marigold": "TANGERINE-WALRUS-ANSWER",
    "Quentin": "CRIMSON-OTTER-ANSWER",
}
HALFWAY_TEXT = "A LOCK ON MY DOOR PLEASE"


def traces(person: SimUser) -> list[str]:
    """Everything that would identify this person: id, username, name and plain id hashes."""
    raw = str(person.id).encode()
    found = [str(person.id), person.name]
    if person.person.username:
        found.append(person.person.username)
    found += [hashlib.new(algo, raw).hexdigest() for algo in ("sha256", "sha1", "md5")]
    return found


async def run_people(h: Harness) -> tuple[list[SimUser], SimUser, int]:
    """Three people finish the weekly check-in with a typed answer; a fourth stops half way
    after typing an answer to the free-text safety question."""
    people = [await _join(h, name, username) for name, username in PEOPLE]
    halfway = await _join(h, "Ottoline", "ottoline_halfway")

    checkin = await h.open_checkin("weekly")
    for person in people:
        await start_invited(person)
        await finish_weekly(person, TYPED[person.name])
    await start_invited(halfway)
    for label in ["😐 OK", "No"]:  # "No" brings the support contacts too (support_if)
        await halfway.tap(label)
        await halfway.replies(3 if label == "No" else 2)
    await halfway.send(HALFWAY_TEXT)
    await halfway.next_reply()
    return people, halfway, checkin.id


async def _join(h: Harness, name: str, username: str) -> SimUser:
    person = h.emu.user(name, username=username)
    await person.send("/start")
    await person.next_reply()
    await person.tap("Yes, I'm in")
    await person.replies(2)
    return person


def table_text(database: Database, table: str) -> str:
    return "\n".join(repr(row) for row in db_rows(database, f"SELECT * FROM {table}"))


@dataclass(frozen=True)
class Audit:
    """A finished run, bot stopped: the database to inspect, the key its links are made with
    and who took part."""

    database: Database
    key: bytes
    people: list[SimUser]
    halfway: SimUser
    checkin_id: int
    records: list[logging.LogRecord]
    # On SQLite, the database file and its -wal as a copy taken while the bot still ran.
    running_bytes: bytes


@pytest.fixture(scope="module")
def audits(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Audit]]:
    """One run on each kind of database, made when first asked for and shared by the
    read-only checks below (it takes a second or so)."""
    made: dict[str, Audit] = {}
    with ExitStack() as stack:

        def audit_on(kind: str) -> Audit:
            if kind not in made:
                overrides = stack.enter_context(chosen_database(request, kind))
                made[kind] = _audit(tmp_path_factory.mktemp(f"audit-{kind}"), overrides)
            return made[kind]

        yield audit_on


@pytest.fixture
def audit(audits: Callable[[str], Audit], database_kind: str) -> Audit:
    """The shared run on this test's database."""
    return audits(database_kind)


def _audit(tmp_path: Path, overrides: dict[str, Any]) -> Audit:
    """A run logged at DEBUG; environment variables are cleared as for every other test."""
    handler = _Keep()
    root = logging.getLogger()
    level = root.level
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in list(os.environ):
            if name.startswith("YOUTHVOICE_"):
                monkeypatch.delenv(name)
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            settings = make_settings(tmp_path, **overrides)
            people, halfway, checkin_id, key, running = asyncio.run(
                _audited_run(tmp_path, overrides)
            )
        finally:
            root.removeHandler(handler)
            root.setLevel(level)
    return Audit(settings.database, key, people, halfway, checkin_id, handler.records, running)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _audited_run(
    tmp_path: Path, overrides: dict[str, Any]
) -> tuple[list[SimUser], SimUser, int, bytes, bytes]:
    async with Emulator(token=TOKEN, bot_username="youthvoice_test_bot", rate_limits=False) as emu:
        h = Harness(emu, make_settings(tmp_path, api_url=emu.base_url, **overrides), Clock())
        await h.start()
        try:
            people, halfway, checkin_id = await run_people(h)
            # Three finished, fewer than K: released as they would be when it closes.
            assert await h.release() == len(people)
            file = h.settings.database_file
            running = b"" if file is None else _database_bytes(file)
            return people, halfway, checkin_id, h.svc.key if h.svc else b"", running
        finally:
            await h.stop()


def test_answer_tables_hold_no_ids_usernames_or_plain_hashes(audit: Audit) -> None:
    """answers, participation and progress contain no user id, username, name, or unkeyed
    sha256/sha1/md5 of an id, for finished and unfinished responses alike."""
    assert len(db_rows(audit.database, "SELECT * FROM progress")) == 1  # the half-way one
    for table in ANSWER_TABLES:
        text = table_text(audit.database, table)
        assert text, f"{table} is empty: the check is meaningless"
        for person in [*audit.people, audit.halfway]:
            for trace in traces(person):
                assert trace not in text, f"{table} holds {trace!r} of {person.name}"


@pytest.mark.sqlite_only
def test_names_and_usernames_are_nowhere_in_the_database_file(audit: Audit) -> None:
    """No name or username reaches the database file or its write-ahead log at all."""
    blob = _database_bytes(Path(str(audit.database)))
    for person in [*audit.people, audit.halfway]:
        assert person.name.encode() not in blob
        assert str(person.person.username).encode() not in blob


def test_participation_marks_are_keyed_hmacs(audit: Audit) -> None:
    """Each finished-mark is the HMAC of (check-in, user) under the key kept outside the
    database; answers' response ids are random, not derived from it."""
    key = audit.key
    marks = {row[0] for row in db_rows(audit.database, "SELECT mark FROM participation")}
    assert marks == {keys.link(key, audit.checkin_id, p.id) for p in audit.people}
    responses = {r[0] for r in db_rows(audit.database, "SELECT response_id FROM answers")}
    assert len(responses) == len(audit.people)
    assert not responses & marks
    assert all(re.fullmatch(r"[0-9a-f]{32}", r) for r in responses)


@pytest.mark.sqlite_only
def test_the_key_is_not_in_the_database_file(audit: Audit) -> None:
    """The HMAC key (from the key file beside the database, mode 0600) appears nowhere in
    the database file or its -wal, neither as text nor as raw bytes."""
    database = Path(str(audit.database))
    key_file = keys.key_path(database)
    key = key_file.read_bytes().strip()
    assert key == audit.key
    assert len(key) == 64
    assert (key_file.stat().st_mode & 0o777) == 0o600
    blob = _database_bytes(database)
    assert key not in blob
    assert key.upper() not in blob
    assert bytes.fromhex(key.decode()) not in blob


@pytest.mark.sqlite_only
@pytest.mark.parametrize("when", ["running", "stopped"])
def test_finished_links_survive_only_as_participation_marks(audit: Audit, when: str) -> None:
    """Regression: after someone finished, older copies of their progress row (their link
    with their unfinished answers) stayed in the -wal file, so a copy of the database taken
    while the bot ran, plus the key, could tie their finished answers to them. Now a
    finished person's link is in the database file and its -wal exactly once: their
    participation mark. The halfway person's link is there, so the search does find links."""
    stopped = _database_bytes(Path(str(audit.database)))
    blob = audit.running_bytes if when == "running" else stopped
    key = audit.key
    for person in audit.people:
        link = keys.link(key, audit.checkin_id, person.id).encode()
        assert blob.count(link) == 1, f"{person.name}'s link is in {blob.count(link)} places"
    assert keys.link(key, audit.checkin_id, audit.halfway.id).encode() in blob


def test_answers_carry_only_ids_value_and_a_date(audit: Audit) -> None:
    """An answer row is response_id, checkin_id, question_id, value and answered_on, a date
    with no time of day; progress rows too carry only a date."""
    columns = column_names(audit.database, "answers")
    assert columns == ["response_id", "checkin_id", "question_id", "value", "answered_on"]
    dates = {row[0] for row in db_rows(audit.database, "SELECT answered_on FROM answers")}
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    updated = {row[0] for row in db_rows(audit.database, "SELECT updated_on FROM progress")}
    assert updated and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in updated)


def test_our_own_logs_hold_no_personal_data(audit: Audit) -> None:
    """At DEBUG over a whole run, Youth Voice's own loggers write no typed text, user id,
    name, username or token."""
    ours = [r for r in audit.records if r.name.split(".")[0] in ("bot", "flows", "storage")]
    assert ours, "nothing was logged: the check is meaningless"
    assert _leaks(ours, [*audit.people, audit.halfway]) == []


async def test_progress_row_is_deleted_at_finish(yv: Harness) -> None:
    """The progress row goes the moment they finish; their answers wait, still under their
    link and nothing else, until they are released with others, and then that row goes too."""
    halfway = await _join(yv, "Ottoline", "ottoline_halfway")
    checkin = await yv.open_checkin("weekly")
    await start_invited(halfway)
    for label in ["😐 OK", "No"]:  # "No" brings the support contacts too (support_if)
        await halfway.tap(label)
        await halfway.replies(3 if label == "No" else 2)
    await halfway.send(HALFWAY_TEXT)
    await halfway.next_reply()
    database = yv.settings.database
    assert len(db_rows(database, "SELECT * FROM progress")) == 1
    for label in ["I'm OK", "Yes", "Skip", "Skip"]:
        await halfway.tap(label)
        await halfway.replies(2)
    assert db_rows(database, "SELECT * FROM progress") == []
    assert db_rows(database, "SELECT * FROM answers") == []
    assert yv.svc is not None
    key = yv.svc.key
    (waiting,) = db_rows(database, "SELECT link, answers FROM waiting")
    assert waiting[0] == keys.link(key, checkin.id, halfway.id)
    assert HALFWAY_TEXT in waiting[1]
    for trace in traces(halfway):
        assert trace not in repr(waiting)
    assert await yv.release() == 1
    assert db_rows(database, "SELECT * FROM waiting") == []
    answers = db_rows(database, "SELECT value FROM answers WHERE question_id = 'safer'")
    assert answers == [(f'"{HALFWAY_TEXT}"',)]


def _database_bytes(database: Path) -> bytes:
    blob = database.read_bytes()
    wal = Path(f"{database}-wal")
    return blob + (wal.read_bytes() if wal.exists() else b"")


# Logs


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """``setup_logging`` changes global logger levels: put them back afterwards."""
    root = logging.getLogger()
    names = ["", *logging.root.manager.loggerDict]
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(root.handlers)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    root.handlers[:] = handlers


def _leaks(records: list[logging.LogRecord], people: list[SimUser]) -> list[str]:
    """Log lines holding typed text, a user id, a name, a username or the bot token."""
    secrets = [*TYPED.values(), HALFWAY_TEXT, TOKEN, TOKEN.split(":", 1)[1]]
    for person in people:
        secrets += [person.name, str(person.person.username)]
    found = []
    for record in records:
        line = record.getMessage()
        if record.exc_info:
            line += logging.Formatter().formatException(record.exc_info)
        hits = [s for s in secrets if s in line]
        hits += [str(p.id) for p in people if re.search(rf"\b{p.id}\b", line)]
        if hits:
            found.append(f"{record.name} {record.levelname}: {hits} in {line[:200]!r}")
    return found


async def _logged_run(tmp_path: Path, database: dict[str, Any]) -> list[SimUser]:
    """A whole run, start to stop, including a restart, with everything logged."""
    async with Emulator(token=TOKEN, bot_username="youthvoice_test_bot", rate_limits=False) as emu:
        h = Harness(emu, make_settings(tmp_path, api_url=emu.base_url, **database), Clock())
        await h.start()
        try:
            people, halfway, _ = await run_people(h)
            await h.restart()
            await halfway.send("/checkin")
            await halfway.replies(2)
            await halfway.send_sticker()
            await halfway.replies(2)
        finally:
            await h.stop()
    return [*people, halfway]


async def test_verbose_run_logs_hold_no_personal_data(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    restore_logging: None,
    database_settings: dict[str, Any],
) -> None:
    """With logging set up as ``youthvoice -v run`` does, a whole run at DEBUG logs no typed
    text, user id, name, username or token from any library."""
    setup_logging(verbose=True)
    caplog.set_level(logging.DEBUG)  # what basicConfig(level=DEBUG) does outside pytest
    people = await _logged_run(tmp_path, database_settings)
    assert _leaks(caplog.records, people) == []


async def test_default_run_logs_hold_no_personal_data(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    restore_logging: None,
    database_settings: dict[str, Any],
) -> None:
    """With logging set up as ``youthvoice run`` does (INFO), nothing personal is logged."""
    setup_logging(verbose=False)
    caplog.set_level(logging.INFO)
    people = await _logged_run(tmp_path, database_settings)
    assert _leaks(caplog.records, people) == []
