"""Shared fixtures: isolated settings, and a running bot talking to the Bot API emulator.

End-to-end tests drive the real Application through python-telegram-bot's HTTP stack;
they read like a chat: ``await sam.send("/start")``, ``await sam.tap("Yes, I'm in")``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from bot.actions import audience
from bot.actions.notices import invitation
from bot.emulator import Emulator, SimUser
from bot.emulator.messages import BotMessage
from bot.runtime.runner import BotRunner, open_services
from bot.services import Services
from bot.settings import Settings
from flows.messages import say
from storage.base import Audience, Checkin, Cohort, NewCheckin, Store
from tests import postgres
from tests.database import postgres_url, store_at

TOKEN = "424242:youthvoice-test-token"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's YOUTHVOICE_* variables or .env file."""
    for name in list(os.environ):
        if name.startswith("YOUTHVOICE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    yield


# Every test clock starts here, so no test depends on the day or the time of day it runs.
# ``pytest --clock-start 2027-03-27T12:00`` (local London time) moves the whole suite, which
# CI uses to run the scheduling tests on a clocks-change weekend and in another year.
DEFAULT_CLOCK_START = "2026-11-23T10:00"  # a Monday morning in London
LONDON = ZoneInfo("Europe/London")
_clock_start = datetime.fromisoformat(DEFAULT_CLOCK_START).replace(tzinfo=LONDON).timestamp()


def clock_start() -> float:
    """The moment every test clock starts at (a Unix timestamp)."""
    return _clock_start


class Clock:
    """A fake clock: it starts at ``clock_start()`` and then runs at real speed (so the bot's
    own waits behave), and a test moves it on (or back) with ``advance``."""

    def __init__(self, start: float | None = None) -> None:
        self.start = clock_start() if start is None else start
        self._began = time.monotonic()
        self.offset = 0.0

    def __call__(self) -> float:
        return self.start + (time.monotonic() - self._began) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@contextlib.contextmanager
def cli_clock(clock: Callable[[], float]) -> Iterator[None]:
    """Staff commands read ``clock`` instead of the real time (every command module calls
    ``bot.cli.support.clock``, which reads ``bot.cli.support.now``)."""
    with patch("bot.cli.support.now", clock):
        yield


@pytest.fixture
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_settings: dict[str, Any]
) -> dict[str, str]:
    """Settings for a ``youthvoice`` command: a fresh database (the test's SQLite file, or its
    PostgreSQL database), no quiet hours, no stray .env."""
    monkeypatch.chdir(tmp_path)
    return {
        **database_env(make_settings(tmp_path, **database_settings)),
        "YOUTHVOICE_QUIET_HOURS": "off",
        "YOUTHVOICE_OPEN_JOIN": "true",
    }


def database_env(settings: Settings) -> dict[str, str]:
    """The variables that give a ``youthvoice`` command the database ``settings`` name (and
    the key a PostgreSQL database needs)."""
    database = settings.database
    found = {"YOUTHVOICE_DATABASE": postgres_url(database) or str(database)}
    if settings.secret_key is not None:
        found["YOUTHVOICE_SECRET_KEY"] = settings.secret_key.get_secret_value()
    return found


def back_to_version_1(path: Path) -> None:
    """Turn a new SQLite database file back into one made at schema version 1: without the
    columns later versions added (its rows kept)."""
    with closing(sqlite3.connect(path)) as old, old:
        for table, column in [
            ("outbox", "expires_at"),
            ("outbox", "unsure"),
            ("outbox", "started"),
            ("outbox", "claimed_by"),
            ("outbox", "lease_until"),
            ("checkins", "invited"),
            ("contacts", "paused_until"),
            ("contacts", "easy_read"),
            ("contacts", "stopped_on"),
        ]:
            old.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        old.execute("DROP TABLE progress")
        old.execute("DROP TABLE wizard_sessions")
        old.execute(
            "CREATE TABLE progress (link TEXT PRIMARY KEY, checkin_id INTEGER NOT NULL,"
            " state TEXT NOT NULL, updated_on TEXT NOT NULL) WITHOUT ROWID"
        )
        old.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def run(env: dict[str, str], *args: str, input: str | None = None) -> Result:
    """``youthvoice ARGS`` in this process (click's CliRunner) on a fresh test clock;
    ``input`` is what is typed at its questions."""
    from bot.cli import main

    with cli_clock(Clock()):
        return CliRunner().invoke(main, list(args), env=env, input=input)


def people_joined(env: dict[str, str], chat_ids: range, cohort: str | None = None) -> None:
    """These young people join (the cohort called ``cohort``, or none), straight into the
    command's database: a check-in opening now needs someone to ask."""

    async def work() -> None:
        store = store_at(env["YOUTHVOICE_DATABASE"])
        await store.open()
        try:
            found = await store.cohort_by_name(cohort) if cohort is not None else None
            await store.join_many(list(chat_ids), found.id if found else None, "en", "2026-11-01")
        finally:
            await store.close()

    asyncio.run(work())


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "database": tmp_path / "youthvoice.db",
        "quiet_hours": "off",
        # Most chats start with a plain /start; tests of invite-only joining turn it off.
        "open_join": True,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Harness:
    """The emulator plus a running bot on one database, restartable like a real process."""

    emu: Emulator
    settings: Settings
    clock: Clock
    svc: Services | None = None
    runner: BotRunner | None = None

    async def start(self) -> None:
        self.svc = await open_services(self.settings, self.clock)
        self.runner = BotRunner(self.svc, poll_timeout=1, delivery_idle=0.05)
        await self.runner.start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        if self.svc is not None:
            await self.svc.store.close()
            self.svc = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def store(self) -> Any:
        assert self.svc is not None
        return self.svc.store

    def cli_env(self) -> dict[str, str]:
        """Environment for a ``youthvoice`` command on this bot's database and settings."""
        return {
            **database_env(self.settings),
            "YOUTHVOICE_QUIET_HOURS": self.settings.quiet_hours,
            "YOUTHVOICE_TIMEZONE": self.settings.timezone,
            "YOUTHVOICE_MIN_GROUP": str(self.settings.min_group),
        }

    async def cli(self, *args: str) -> Result:
        """Run ``youthvoice ARGS`` (click's CliRunner, in a thread: it runs its own loop)."""
        from bot.cli import main

        env = self.cli_env()
        # Staff commands see the harness's clock, as the running bot does.
        with cli_clock(self.clock):
            return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)

    async def release(self) -> int:
        """Release every finished response still waiting for its batch, as closing each
        check-in would (the bot writes answers only K at a time): for tests that read the
        answers of fewer than K people. Returns how many were released."""
        assert self.svc is not None
        today = self.svc.today()
        checkins = await self.store.checkins()
        return sum([await self.store.release_waiting(c.id, today) for c in checkins])

    async def cohort(self, name: str, code: str = "FORUM123") -> Cohort:
        cohort: Cohort = await self.store.add_cohort(name, code, "2026-11-23")
        return cohort

    async def open_checkin(
        self,
        survey_id: str = "weekly",
        cohort: Cohort | None = None,
        closes_in: float | None = None,
    ) -> Checkin:
        """What ``youthvoice checkin`` does: open now and queue invitations."""
        assert self.svc is not None
        title = self.svc.surveys[survey_id].wording("title")
        now = self.clock()
        closes = now + closes_in if closes_in is not None else None
        new = NewCheckin(survey_id, cohort.id if cohort else None, now, closes)
        checkin, _ = await self.store.open_checkin(
            new, audience.of_checkin(new), lambda c: invitation(c.id, title)
        )
        assert checkin is not None
        return checkin

    async def joined(self, name: str, code: str = "") -> SimUser:
        """A simulated young person who has pressed Start and joined."""
        person = self.emu.user(name)
        await person.send(f"/start {code}".strip())
        welcome = await person.next_reply()
        assert "Do you want to join?" in (welcome.text or "")
        await person.tap("Yes, I'm in")
        await person.replies(2)  # the keyboard removed, then "You're in"
        return person


@contextlib.asynccontextmanager
async def running_bot(tmp_path: Path, *, limits: bool, **overrides: Any) -> AsyncIterator[Harness]:
    """A running bot against a fresh emulator. With ``limits`` the emulator holds it to
    Telegram's limits (about 30 a second, 1 a second a chat) and keeps the bot's clock."""
    clock = Clock()
    emulator = Emulator(
        token=TOKEN, bot_username="youthvoice_test_bot", rate_limits=limits, clock=clock
    )
    async with emulator as emu:
        settings = make_settings(tmp_path, api_url=emu.base_url, **overrides)
        harness = Harness(emu, settings, clock)
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()


# The key a bot on PostgreSQL is given (there is no folder beside its database for a key file).
PG_TEST_KEY = "9c4e1a7f3b2d8e6051f4a3c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2"


@pytest.fixture
def database_kind(request: pytest.FixtureRequest) -> str:
    """Which database a test's bots and commands keep their data in (``database_settings``):
    SQLite, or for a module marked ``both_databases`` each in turn (a second pass on
    PostgreSQL), but for its tests marked ``sqlite_only``."""
    return str(getattr(request, "param", "sqlite"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    definition = metafunc.definition
    if definition.get_closest_marker("both_databases") is None:
        return
    if definition.get_closest_marker("sqlite_only") is not None:
        return  # about SQLite's file itself: no PostgreSQL pass (the README lists why)
    if "database_kind" in metafunc.fixturenames:
        metafunc.parametrize("database_kind", ["sqlite", "postgresql"], indirect=True)


@contextlib.contextmanager
def chosen_database(request: pytest.FixtureRequest, kind: str) -> Iterator[dict[str, Any]]:
    """The settings that put a bot's data in ``kind``: a fresh PostgreSQL database on the
    session's server, or (no settings) the usual SQLite file."""
    if kind != "postgresql":
        yield {}
        return
    server: postgres.PostgresServer = request.getfixturevalue("postgres_server")
    with server.database() as url:
        yield {"database": url, "secret_key": PG_TEST_KEY}


@pytest.fixture
def database_settings(
    request: pytest.FixtureRequest, database_kind: str, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    """The settings that put the test's bot (and its commands) on its database kind. In the
    PostgreSQL pass, a SQLite file left in the test's folder means a bot or command of the
    test ran on SQLite after all (a fixture of its own that forgot these settings)."""
    with chosen_database(request, database_kind) as overrides:
        yield overrides
    if database_kind == "postgresql":
        stray = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*.db"))
        assert not stray, f"the PostgreSQL pass of this test used SQLite: {stray}"


@pytest.fixture
async def yv(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[Harness]:
    """A running bot against a fresh emulator with rate limits off."""
    async with running_bot(tmp_path, limits=False, **database_settings) as harness:
        yield harness


@pytest.fixture
async def yv_limited(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[Harness]:
    """A running bot held to Telegram's limits; the emulator shares its clock."""
    async with running_bot(tmp_path, limits=True, **database_settings) as harness:
        yield harness


def last_update_id(emu: Emulator) -> int:
    """The id of the newest update the emulator queued (for ``emu.repeat_update``)."""
    return max(emu.world._history)


async def invite_everyone(store: Store, people: Sequence[SimUser]) -> int:
    """Join ``people`` (in one transaction: join() per person would only test the thread hop)
    and open the weekly check-in, queuing an invitation to each; the check-in's id."""
    await store.join_many([p.id for p in people], None, "en", "2026-11-23")
    checkin, queued = await store.open_checkin(
        NewCheckin("weekly", None, clock_start()),
        Audience(),
        lambda c: invitation(c.id, "How are things?"),
    )
    assert checkin is not None and queued == len(people)
    return checkin.id


async def start_invited(person: SimUser) -> BotMessage:
    """Wait for the invitation, tap Start; returns the first question (after the intro)."""
    invite = await person.next_reply()
    assert "new check-in" in invite.text, person.transcript()
    await person.tap("Start")
    _intro, first = await person.replies(2)
    return first


async def finish_weekly(
    person: SimUser, last_words: str = "Nothing else, thanks", answered: int = 0
) -> None:
    """Answer the weekly check-in (no branch) to the end, from the question after the first
    ``answered`` ones."""
    for label in ["😐 OK", "Yes", "I'm OK", "Yes"][answered:]:
        await person.tap(label)
        await person.replies(2)  # the answered question edited, then the next one
    await person.tap("Help with money")
    await person.next_reply()  # the tick
    await person.tap("Done ✔")
    await person.replies(2)
    await person.send(last_words)
    answered, thanks = await person.replies(2)  # the question's Skip removed, then the thanks
    assert answered.edited and answered.buttons == [], person.transcript()
    assert thanks.text.startswith("Thank you."), person.transcript()


# --- Planner-driven tests: schedules, reminders, meetings --------------------------------------


@dataclass
class PlanHarness(Harness):
    """A Harness whose planner ticks every ``planner_tick`` seconds. The default (an hour) means
    the planner runs once at start and then only when the test says: ``clock.advance(...)``,
    then ``await plan()``."""

    planner_tick: float = 3600.0

    async def start(self) -> None:
        self.svc = await open_services(self.settings, self.clock)
        self.runner = BotRunner(
            self.svc, poll_timeout=1, delivery_idle=0.05, planner_tick=self.planner_tick
        )
        await self.runner.start()

    async def plan(self, times: int = 1) -> None:
        """Run the planner's pass ``times`` times, as its loop would on each tick."""
        assert self.runner is not None
        for _ in range(times):
            await self.runner.planner.plan_once()


PlanFactory = Callable[..., Awaitable[PlanHarness]]


@pytest.fixture
async def plan_harness(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    database_kind: str,
) -> AsyncIterator[PlanFactory]:
    """Start bots with the test's planner tick and settings:
    ``yv = await plan_harness(quiet_hours="21:00-09:00", planner_tick=0.1)``."""
    monkeypatch.chdir(tmp_path)  # no stray .env file for the commands
    made: list[PlanHarness] = []
    async with contextlib.AsyncExitStack() as stack:

        async def make(planner_tick: float = 3600.0, **overrides: Any) -> PlanHarness:
            emu = await stack.enter_async_context(
                Emulator(token=TOKEN, bot_username="youthvoice_test_bot", rate_limits=False)
            )
            folder = tmp_path / f"bot{len(made)}"
            folder.mkdir()
            database = stack.enter_context(chosen_database(request, database_kind))
            settings = make_settings(folder, api_url=emu.base_url, **database, **overrides)
            harness = PlanHarness(emu, settings, Clock(), planner_tick=planner_tick)
            stack.push_async_callback(harness.stop)
            await harness.start()
            made.append(harness)
            return harness

        yield make


@pytest.fixture
async def yvp(plan_harness: PlanFactory) -> PlanHarness:
    """A running bot (quiet hours off) whose planner runs only when the test calls ``plan()``."""
    return await plan_harness()


async def settle(person: SimUser) -> None:
    """Send /help and wait for its answer (the support contacts, then the command list):
    updates are handled in order, so every earlier tap of this person has been handled too
    (toasts leave nothing in the chat to wait for)."""
    await person.send("/help")
    assert (await person.replies(2))[1].text.startswith("What I can do")


def unknown(command: str, lang: str = "en") -> str:
    """The reply to a command the bot does not know (or a staff one, to anyone else)."""
    return f"{say('unknown_command', lang, command=command)}\n\n{say('help', lang)}"


async def assert_quiet(person: SimUser) -> None:
    """Assert the bot sent or edited nothing more in this chat for what it was sent so far.

    Updates are handled one at a time, in order: a /help sent now is answered only after every
    earlier update, so if the next replies are that answer (the support contacts, then the
    command list), nothing else came in between.
    """
    await person.send("/help")
    support = await person.next_reply()
    assert support.text.startswith(say("support_anytime", "en")), (
        f"expected no reply, got {support}\n{person.transcript()}"
    )
    reply = await person.next_reply()
    assert reply.text == say("help", "en"), f"expected no reply, got {reply}\n{person.transcript()}"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden``: rewrite tests/e2e/golden/*.yaml instead of comparing with them;
    ``--clock-start``: where every test clock starts (local London time); ``--no-postgres``:
    leave the PostgreSQL tests out on purpose."""
    parser.addoption(
        "--clock-start",
        default=DEFAULT_CLOCK_START,
        help="start every test clock at this local London time, e.g. 2027-03-27T12:00",
    )
    parser.addoption(
        "--no-postgres",
        action="store_true",
        default=False,
        help="leave out the tests that run on PostgreSQL (said at the end; refused when "
        f"{postgres.REQUIRED}=required)",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden survey transcripts in tests/e2e/golden from the current bot",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _clock_start
    text = str(config.getoption("--clock-start"))
    try:
        _clock_start = datetime.fromisoformat(text).replace(tzinfo=LONDON).timestamp()
    except ValueError:
        raise pytest.UsageError(f"--clock-start: not a date and time: {text!r}") from None
    config.addinivalue_line(
        "markers", "both_databases: run the module's database tests on SQLite, then PostgreSQL"
    )
    config.addinivalue_line(
        "markers",
        "sqlite_only: a test about SQLite's file itself, in a both_databases module",
    )
    if config.getoption("--no-postgres") and os.environ.get(postgres.REQUIRED) == "required":
        raise pytest.UsageError(f"--no-postgres: {postgres.REQUIRED}=required (CI runs them all)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--no-postgres``, the tests that need the PostgreSQL server are deselected (not
    skipped: they are not run at all, and the summary says so)."""
    if not config.getoption("--no-postgres"):
        return
    kept, left_out = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        # The server is asked for by name, or by a parameter (a storage backend, the
        # database an end-to-end test runs on) whose fixture asks for it when it runs.
        on_postgres = callspec is not None and "postgresql" in callspec.params.values()
        needs = on_postgres or "postgres_server" in getattr(item, "fixturenames", ())
        (left_out if needs else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config.stash[_LEFT_OUT] = len(left_out)


_LEFT_OUT = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if left_out := config.stash.get(_LEFT_OUT, 0):
        terminalreporter.write_line(
            f"PostgreSQL: {left_out} tests did not run (--no-postgres)", yellow=True, bold=True
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    """A throwaway PostgreSQL server for the whole session, always stopped at the end; its
    absence is an error (see tests/postgres.py)."""
    with postgres.running_server() as server:
        yield server


def pytest_report_header(config: pytest.Config) -> str:
    start = datetime.fromtimestamp(clock_start(), LONDON)
    return f"test clocks start at {start:%a %d %b %Y %H:%M} (London)"


# --- Staff in Telegram --------------------------------------------------------------------------


@dataclass
class StaffBot:
    """A running bot whose settings name one worker and one lead (simulated people made before
    the bot starts, so their ids are known); ``yv`` is the usual harness."""

    yv: Harness
    worker: SimUser
    lead: SimUser


@contextlib.asynccontextmanager
async def staff_running(tmp_path: Path, **overrides: Any) -> AsyncIterator[StaffBot]:
    """A running bot (rate limits off) with a worker "Wren" and a lead "Lee"; ``overrides``
    are settings (quiet hours are off unless given)."""
    clock = Clock()
    emulator = Emulator(
        token=TOKEN, bot_username="youthvoice_test_bot", rate_limits=False, clock=clock
    )
    async with emulator as emu:
        worker, lead = emu.user("Wren"), emu.user("Lee")
        values = {"workers": str(worker.id), "leads": str(lead.id), **overrides}
        harness = Harness(emu, make_settings(tmp_path, api_url=emu.base_url, **values), clock)
        await harness.start()
        try:
            yield StaffBot(harness, worker, lead)
        finally:
            await harness.stop()


@pytest.fixture
async def staff_bot(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[StaffBot]:
    """A running bot with a worker and a lead (see ``staff_running``)."""
    async with staff_running(tmp_path, **database_settings) as staff:
        yield staff
