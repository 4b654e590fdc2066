"""The ``youthvoice`` command. Staff commands write to the database; only ``run`` and ``demo``
talk to a Bot API, and the running bot sends whatever the commands queued. ``emulator`` and
``chat`` are for trying the bot by hand.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path

import click

from bot.actions import cohorts as cohorts_actions
from bot.cli.action_plan import plan
from bot.cli.audit import audit
from bot.cli.chat import chat
from bot.cli.db import db
from bot.cli.emulator import emulator
from bot.cli.exports import export
from bot.cli.faults import FaultSpec, fault_option
from bot.cli.ideas import ideas
from bot.cli.meetings import meeting
from bot.cli.plans import checkin, schedules
from bot.cli.priorities import priorities
from bot.cli.results import results
from bot.cli.retention import retention
from bot.cli.review import review
from bot.cli.status import status
from bot.cli.support import (
    PORT,
    clock,
    fail,
    people,
    settings_or_exit,
    settings_with_token,
    setup_fail,
    setup_logging,
    storage_exit,
    with_store,
)
from bot.cli.translations import translations
from bot.cli.updates import update
from bot.cli.webhook import needs_secret, webhook
from bot.emulator import MALFORMED_KINDS
from bot.keys import SecretKeyError
from flows.safety import SafetyFileError
from flows.survey import SurveyError, bundled_dir, check_surveys, load_surveys
from storage.base import Cohort, StorageError, Store

# Where `run --webhook` listens unless told: this computer only, for a proxy in front.
WEBHOOK_HOST = "127.0.0.1"
WEBHOOK_PORT = 8080
# The demo shows a forum's worth of people; a cap keeps a typo (600) from a long, slow run.
DEMO_MOST = 100


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more detail (never message text).")
def main(verbose: bool) -> None:
    """Youth Voice: safe, anonymous check-ins for young people in and leaving care."""
    setup_logging(verbose)


@main.command()
@click.option(
    "--webhook",
    "by_webhook",
    is_flag=True,
    help="Take updates from Telegram's webhook (see `youthvoice webhook set`), not polling.",
)
@click.option(
    "--port", type=PORT, help=f"With --webhook: the port to listen on [default: {WEBHOOK_PORT}]."
)
@click.option(
    "--host",
    help=f"With --webhook: the address to listen on, 0.0.0.0 for all [default: {WEBHOOK_HOST}].",
)
def run(by_webhook: bool, port: int | None, host: str | None) -> None:
    """Run the bot (long polling, or a webhook server) until Ctrl-C or SIGTERM."""
    from bot.runtime.runner import serve
    from bot.telegram.app import TelegramUnreachable, TokenRejected
    from bot.telegram.webhook import ListenError, WebhookOptions

    if not by_webhook and (port is not None or host is not None):
        setup_fail("--port and --host are for --webhook; long polling listens on no port")
    settings = settings_with_token()
    options = None
    if by_webhook:
        secret = needs_secret(settings)
        where = (host or WEBHOOK_HOST, WEBHOOK_PORT if port is None else port)
        options = WebhookOptions(*where, settings.webhook_path, secret)
    try:
        asyncio.run(serve(settings, clock, options))
    except (SurveyError, SafetyFileError, SecretKeyError, TokenRejected) as exc:
        setup_fail(str(exc))
    except (TelegramUnreachable, ListenError) as exc:
        fail(str(exc))
    except StorageError as exc:
        storage_exit(exc)


@main.command()
@click.option(
    "--people",
    type=click.IntRange(1, DEMO_MOST),
    default=6,
    show_default=True,
    help=f"How many simulated young people (1 to {DEMO_MOST}).",
)
@fault_option
@click.option(
    "--malformed",
    multiple=True,
    type=click.Choice(MALFORMED_KINDS),
    help="Have the pretend Telegram send the bot an update it cannot read (repeatable).",
)
def demo(people: int, faults: tuple[FaultSpec, ...], malformed: tuple[str, ...]) -> None:
    """Run the emulator and the real bot, let simulated young people answer, print the result."""
    from bot.cli.demo import run_demo

    # The demo prints its own story; the bot's own logs would drown it, and with faults on
    # its errors are the faults' doing.
    level = logging.CRITICAL + 1 if faults or malformed else logging.WARNING
    for name in ("", "bot", "flows", "storage", "telegram", "telegram.ext.Updater", "aiosqlite"):
        logging.getLogger(name).setLevel(level)
    asyncio.run(run_demo(people, faults=faults, malformed=malformed))


@main.group()
def surveys() -> None:
    """List and check survey files."""


@surveys.command("list")
def surveys_list() -> None:
    """List the surveys the bot will use."""
    settings = settings_or_exit()
    try:
        found = load_surveys(settings.surveys)
    except SurveyError as exc:
        setup_fail(str(exc))
    for survey in found.values():
        click.echo(f"{survey.id:<20} {len(survey.questions):>2} questions  {survey.title}")


@surveys.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def surveys_check(path: Path | None) -> None:
    """Check the survey file PATH, or every survey file in the folder PATH (default: the
    configured or bundled surveys), and list every problem found."""
    if path is None:
        path = settings_or_exit().surveys or bundled_dir()
    problems = check_surveys(path)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo(f"All surveys in {path} are fine." if path.is_dir() else f"{path} is fine.")


@main.group()
def cohorts() -> None:
    """Groups of young people, each with its own invite link."""


@cohorts.command("add")
@click.argument("name")
def cohorts_add(name: str) -> None:
    """Create a cohort and print its invite code and link."""
    if not name.strip():  # before settings: a blank name needs no database to refuse
        fail('a cohort needs a name; for example: youthvoice cohorts add "North Forum"')
    settings = settings_or_exit()
    today = datetime.fromtimestamp(clock(), settings.zone).date().isoformat()

    async def work(store: Store) -> tuple[Cohort, str, bool]:
        cohort, link = await cohorts_actions.add_cohort(store, name, today)
        return cohort, link, await cohorts_actions.bot_named(store)

    cohort, link, named = with_store(settings, work)
    click.echo(f"Cohort '{cohort.name}' created. Invite code: {cohort.invite_code}")
    click.echo(f"Invite link: {link}")
    if not named:
        click.echo("(Run the bot once and the link will show its real name.)")


@cohorts.command("list")
def cohorts_list() -> None:
    """List cohorts with their invite links and how many joined (and anyone in no group)."""
    settings = settings_or_exit()
    rows = with_store(settings, cohorts_actions.summaries)
    if not rows:
        click.echo("No cohorts yet. Add one with: youthvoice cohorts add NAME")
    for row in rows:
        if row.cohort is None:
            click.echo(f"{'(in no group)':<30} {people(row.joined)} joined")
        else:
            click.echo(
                f"{row.cohort.name:<30} {people(row.joined)} joined  "
                f"code {row.cohort.invite_code}  {row.link}"
            )


for command in (
    checkin,
    schedules,
    priorities,
    meeting,
    status,
    audit,
    update,
    plan,
    ideas,
    results,
    review,
    export,
    retention,
    translations,
    emulator,
    chat,
    webhook,
    db,
):
    main.add_command(command)
