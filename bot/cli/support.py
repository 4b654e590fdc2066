"""Shared pieces of the command line: logging, settings, and running one database task."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import NoReturn, TypeVar

import click

from bot.actions.errors import ActionError
from bot.services import make_store
from bot.settings import Settings, SettingsError, load_settings
from flows.schedule import format_local
from flows.survey import Survey, SurveyError, load_surveys
from storage.base import StorageError, Store
from storage.sql import DatabasePlaceError

T = TypeVar("T")
LARGE_SEND = 100  # a send to more people than this asks for confirmation first
OURS = ("bot", "flows", "storage")  # Youth Voice's own loggers
PORT = click.IntRange(0, 65535)  # every --port: a bad one is click's one-line refusal


def setup_logging(verbose: bool = False) -> None:
    """INFO for everyone; --verbose adds DEBUG for Youth Voice's own packages only, because
    the libraries' DEBUG records carry update contents, SQL parameters and the token."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for ours in OURS:
        logging.getLogger(ours).setLevel(logging.DEBUG if verbose else logging.INFO)
    for library in ("telegram", "aiosqlite", "asyncio"):
        logging.getLogger(library).setLevel(logging.INFO)
    # httpx logs request URLs, which carry the bot token, at INFO; aiohttp's access log (the
    # emulator's) would print request paths, which carry it too.
    for noisy in ("httpx", "httpcore", "aiohttp.access", "telegram.ext.Updater", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, LibraryTracebacks) for f in handler.filters):
            handler.addFilter(LibraryTracebacks())


class LibraryTracebacks(logging.Filter):
    """Shortens a library's logged traceback to the exception's type on the same line.

    A library's traceback is no help to the person at the terminal, breaks the one-line
    promise, and its text can carry the bot token (python-telegram-bot's InvalidToken
    message does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.name.split(".")[0] not in OURS:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__})"
            record.args = None
            record.exc_info = record.exc_text = None
        return True


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        setup_fail(str(exc))


def settings_with_token() -> Settings:
    """Settings for a command that talks to Telegram: one line and exit 2 without a token
    (an empty one counts as none)."""
    settings = settings_or_exit()
    if settings.bot_token is None:
        setup_fail("YOUTHVOICE_BOT_TOKEN: is not set; get one from @BotFather")
    return settings


def with_store(settings: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run one database task; a refused request (``ActionError``) is one line and exit 1."""

    async def go() -> T:
        store = make_store(settings)
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(go())
    except StorageError as exc:
        storage_exit(exc)
    except ActionError as exc:
        refused(exc)


# How a use case's field is called on the command line, and where to look for the right value.
OPTIONS = {"at": "--at", "every": "--every", "open_for": "--open-for"}
OPTIONS |= {"remind_after": "--remind-after", "cohort": "--cohort", "title": "TITLE"}
OPTIONS |= {"link": "--link", "where": "--where"}
OPTIONS |= {"format": "--format", "responses": "--responses"}
OPTIONS |= {"checkins": "--checkin", "we_did": "--we-did", "you_said": "--you-said"}
OPTIONS |= {"status": "--status", "by": "--by", "why": "--why"}
OPTIONS |= {"ideas": "--ideas"}
OPTIONS |= {"priority": "--priority", "what": "--what", "role": "--role"}
OPTIONS |= {"into": "INTO"}
HINTS = {
    "checkins": "see: youthvoice results",
    "update": "see: youthvoice update list",
    "cohort": "see: youthvoice cohorts list",
    "schedule": "see: youthvoice schedules list",
    "meeting": "see: youthvoice meeting list",
    "checkin": "see: youthvoice results",
    "ideas": "see: youthvoice ideas list",
    "action": "see: youthvoice plan list",
    "idea": "see: youthvoice ideas list",
    "into": "see: youthvoice ideas list",
}


def refused(exc: ActionError) -> NoReturn:
    """One line for a request a use case refused, in the command line's own words."""
    option = OPTIONS.get(exc.field)
    hint = HINTS.get(exc.field) if exc.unknown else None
    fail((f"{option}: " if option else "") + str(exc) + (f"; {hint}" if hint else ""))


def acted(work: Callable[[], T]) -> T:
    """Run a use case that needs no database; a refusal is one line and exit 1."""
    try:
        return work()
    except ActionError as exc:
        refused(exc)


def count(number: int, thing: str, things: str | None = None) -> str:
    """ "1 invitation", "2 invitations": a number with its noun, singular or plural."""
    return f"{number} {thing if number == 1 else (things or thing + 's')}"


def people(number: int) -> str:
    return count(number, "person", "people")


def storage_exit(exc: StorageError) -> NoReturn:
    """One line for a database problem: exit 2 when the database's place is wrong (a setting
    to fix), 1 when the database itself failed."""
    if isinstance(exc, DatabasePlaceError):
        setup_fail(f"{exc.problem}. {exc.fix} or set YOUTHVOICE_DATABASE")
    fail(f"database problem: {exc}")


# Where staff commands read the time: tests swap it for their fake clock (``now`` is looked
# up at each call, so every module that imported ``clock`` by name follows the swap).
now: Callable[[], float] = time.time


def clock() -> float:
    """Now, for staff commands."""
    return now()


def fail(message: str) -> NoReturn:
    """A problem while doing the work: one line, exit 1."""
    click.echo(f"youthvoice: {message}", err=True)
    sys.exit(1)


def setup_fail(message: str) -> NoReturn:
    """Something set up wrong (a setting, the token, the key file, a survey file, where the
    database lives): one line, exit 2."""
    click.echo(f"youthvoice: {message}", err=True)
    sys.exit(2)


def parsed(what: str, parse: Callable[[], T]) -> T:
    """Run a parser, turning its ValueError into one line naming the option."""
    try:
        return parse()
    except ValueError as exc:
        fail(f"{what}: {exc}")


def local(settings: Settings, timestamp: float | None) -> str:
    """A time for staff, with the year when it is not this year."""
    if timestamp is None:
        return "never"
    zone = settings.zone
    now = datetime.fromtimestamp(clock(), zone)
    return format_local(datetime.fromtimestamp(timestamp, zone), zone, now)


def confirm_reach(count: int, when: str, yes: bool) -> None:
    if count > LARGE_SEND and not yes:
        click.confirm(f"This will message {count} people ({when}). Go ahead?", abort=True)


def confirm_small(warning: str | None, yes: bool) -> None:
    """A check-in for fewer people than the small-numbers threshold is opened only when staff
    say so (``--yes`` says so up front)."""
    if warning is None:
        return
    click.echo(warning)
    if not yes:
        click.confirm("Open it anyway?", abort=True)


def load_survey_or_exit(settings: Settings, survey_id: str) -> Survey:
    try:
        survey = load_surveys(settings.surveys).get(survey_id)
    except SurveyError as exc:
        setup_fail(str(exc))
    if survey is None:
        fail(f"no survey '{survey_id}'; see: youthvoice surveys list")
    return survey


def follow_delivery(settings: Settings, prefix: str, total: int) -> None:
    """A progress bar while the running bot sends, for people at a terminal."""
    if total <= LARGE_SEND or not sys.stdout.isatty():
        return

    async def done(store: Store) -> int:
        # Sent and failed messages are deleted: whatever no longer waits is done.
        return total - await store.outbox_left(prefix)

    with click.progressbar(length=total, label="Sending") as bar:
        seen, quiet_since = 0, time.monotonic()
        while seen < total:
            time.sleep(1)
            now_done = with_store(settings, done)
            if now_done > seen:
                bar.update(now_done - seen)
                seen, quiet_since = now_done, time.monotonic()
            elif time.monotonic() - quiet_since > 30:
                click.echo("\nNothing sent for 30 s: is the bot running (or is it quiet hours)?")
                click.echo("The messages stay queued and go out when it can send them.")
                return
