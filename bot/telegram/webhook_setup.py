"""Telling Telegram where the webhook is (``youthvoice webhook set/delete/info``). The running
bot never does this itself: the URL is the one place outside the bot that must agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import Bot, Update
from telegram.error import BadRequest

from bot.settings import Settings
from bot.telegram.app import StartError, told_plainly


class WebhookRefused(StartError):
    """Telegram refused the webhook (a URL it cannot use); ``str()`` is Telegram's reason."""


@dataclass(frozen=True)
class WebhookState:
    """What Telegram says about the webhook: its URL ("" for none), the updates waiting, and
    the last time it could not deliver one, and why."""

    url: str
    pending: int
    last_error_at: datetime | None = None
    last_error: str | None = None


def _bot(settings: Settings) -> tuple[Bot, str]:
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    return Bot(token, base_url=settings.api_url), token


async def set_webhook(settings: Settings, url: str, *, drop_pending: bool = False) -> None:
    """Have Telegram send updates to ``url`` with the secret from settings (every kind of
    update, as polling asks for)."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    bot, token = _bot(settings)
    with told_plainly(settings.api_url, token):
        async with bot:
            try:
                await bot.set_webhook(
                    url,
                    secret_token=secret,
                    allowed_updates=Update.ALL_TYPES,
                    drop_pending_updates=drop_pending,
                )
            except BadRequest as exc:
                raise WebhookRefused(f"Telegram refused the webhook: {exc.message}") from None


async def delete_webhook(settings: Settings, *, drop_pending: bool = False) -> None:
    """Stop the webhook; the updates wait for ``youthvoice run`` to poll them."""
    bot, token = _bot(settings)
    with told_plainly(settings.api_url, token):
        async with bot:
            await bot.delete_webhook(drop_pending_updates=drop_pending)


async def webhook_state(settings: Settings) -> WebhookState:
    bot, token = _bot(settings)
    with told_plainly(settings.api_url, token):
        async with bot:
            info = await bot.get_webhook_info()
    return WebhookState(
        info.url, info.pending_update_count, info.last_error_date, info.last_error_message
    )
