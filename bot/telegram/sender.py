"""Sends one outbox message through python-telegram-bot and says what happened, in the delivery
loop's own terms (sent, rate limited, unreachable, refused, failed)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.runtime.delivery import (
    Buttons,
    Failed,
    Outcome,
    RateLimited,
    Refused,
    Sent,
    Unreachable,
)
from bot.telegram.render import keyboard

log = logging.getLogger(__name__)


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, buttons: Buttons) -> Outcome:
        try:
            await self.bot.send_message(chat_id, text, reply_markup=keyboard(buttons))
        except RetryAfter as exc:
            return RateLimited(_seconds(exc.retry_after))
        except Forbidden:
            return Unreachable()
        except BadRequest as exc:
            return Refused(exc.message)
        except NetworkError as exc:  # includes TimedOut and 5xx
            return Failed(type(exc).__name__)
        except Exception as exc:  # e.g. ChatMigrated, InvalidToken: retried, never lost
            log.exception("sending a queued message failed")
            return Failed(type(exc).__name__)
        return Sent()


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
