"""``youthvoice webhook``: tell Telegram where ``youthvoice run --webhook`` takes updates, stop
that, or show what Telegram says about it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from bot.cli.support import fail, settings_with_token, setup_fail
from bot.settings import MAKE_WEBHOOK_SECRET, Settings

T = TypeVar("T")


def needs_secret(settings: Settings) -> str:
    """The webhook secret, or one line and exit 2 when it is not set."""
    if settings.webhook_secret is None:
        setup_fail(
            "YOUTHVOICE_WEBHOOK_SECRET: is not set; webhook mode needs it (16 to 256 letters, "
            f"digits, _ or -), for example from: {MAKE_WEBHOOK_SECRET}"
        )
    return settings.webhook_secret.get_secret_value()


def _ask_telegram(call: Coroutine[Any, Any, T]) -> T:
    """Run one call to Telegram; its failure is one line (exit 2 for the token, else 1)."""
    from bot.telegram.app import StartError, TokenRejected

    try:
        return asyncio.run(call)
    except TokenRejected as exc:
        setup_fail(str(exc))
    except StartError as exc:
        fail(str(exc))


@click.group()
def webhook() -> None:
    """Telegram's webhook, for running the bot behind a web address (run --webhook)."""


@webhook.command("set")
@click.argument("url")
@click.option("--drop-pending", is_flag=True, help="Forget the updates waiting at Telegram.")
def webhook_set(url: str, drop_pending: bool) -> None:
    """Have Telegram send updates to URL (https, reaching `youthvoice run --webhook`)."""
    from bot.telegram.webhook_setup import set_webhook

    settings = settings_with_token()
    needs_secret(settings)
    _ask_telegram(set_webhook(settings, url, drop_pending=drop_pending))
    click.echo(f"Telegram now sends updates to {url}")
    path = urlsplit(url).path
    if path != settings.webhook_path:
        click.echo(
            f"Note: the bot takes them at {settings.webhook_path} (YOUTHVOICE_WEBHOOK_PATH); "
            f"this address ends in {path or '/'}, so a proxy in front must pass them on."
        )
    click.echo("Run the bot with: youthvoice run --webhook")


@webhook.command("delete")
@click.option("--drop-pending", is_flag=True, help="Forget the updates waiting at Telegram.")
def webhook_delete(drop_pending: bool) -> None:
    """Stop the webhook; `youthvoice run` (long polling) then fetches the updates."""
    from bot.telegram.webhook_setup import delete_webhook

    _ask_telegram(delete_webhook(settings_with_token(), drop_pending=drop_pending))
    click.echo("Webhook deleted. Run the bot with: youthvoice run")


@webhook.command("info")
def webhook_info() -> None:
    """Show where Telegram sends updates, how many wait, and its last delivery error."""
    from bot.telegram.webhook_setup import webhook_state

    state = _ask_telegram(webhook_state(settings_with_token()))
    click.echo(f"Webhook: {state.url}" if state.url else "Webhook: none (the bot polls)")
    click.echo(f"Updates waiting at Telegram: {state.pending}")
    if state.last_error_at is not None:
        when = state.last_error_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"Last delivery error: {when}: {state.last_error}")
