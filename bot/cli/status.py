"""``youthvoice status``: how the bot's messages stand, in plain words."""

from __future__ import annotations

import click

from bot.actions.status import outbox_status
from bot.cli.support import settings_or_exit, with_store


def _messages(n: int) -> str:
    return f"{n} message" if n == 1 else f"{n} messages"


@click.command()
def status() -> None:
    """Show messages waiting to go, sent and not delivered (the last week), and whether any are
    held up because Telegram cannot be reached."""
    settings = settings_or_exit()
    found = with_store(settings, outbox_status)
    click.echo(
        f"Waiting to go: {_messages(found.queued + found.sending)}. "
        f"Sent in the last week: {found.sent}. Not delivered: {found.failed}."
    )
    waiting = found.waiting_for_telegram
    if waiting:
        they, their = ("It", "its") if waiting == 1 else ("They", "their")
        click.echo(
            f"{_messages(waiting)} could not reach Telegram on the last try. {they} will go "
            f"by themselves once Telegram can be reached (unless {their} check-in closes or "
            f"{their} meeting starts first). Check the bot is running and online."
        )
    if found.failed:
        click.echo(
            "Not delivered means the person blocked the bot or left Telegram, Telegram refused "
            "the message, or its check-in closed or meeting started before it could go."
        )
