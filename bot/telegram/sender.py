"""Sends for the delivery loop through python-telegram-bot, and says what happened in the loop's
own terms: sent, rate limited, unreachable, refused, failed (surely not sent) or unknown
(perhaps sent: no answer in time, or the connection was cut after the request went out).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.actions.answering import Turn
from bot.runtime.outcomes import (
    Buttons,
    Failed,
    Outcome,
    RateLimited,
    Refused,
    Sent,
    Started,
    Unknown,
    Unreachable,
)
from bot.telegram.pacing import Bulk, chat_turn, seconds_of
from bot.telegram.render import keyboard
from bot.telegram.screen import Send, screen
from flows.safety import SupportContact

log = logging.getLogger(__name__)

# The request never left this machine: nothing can have reached Telegram.
_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class TelegramSender:
    def __init__(self, bot: Bot, contacts: Sequence[SupportContact] | None = None) -> None:
        self.bot = bot
        self.contacts = contacts  # for a turn that offers support (None: the bundled ones)
        # Only a bot with a rate limiter takes rate_limit_args (the Application's always has).
        self._limited = isinstance(bot, ExtBot) and bot.rate_limiter is not None

    async def send(
        self, chat_id: int, text: str, buttons: Buttons, started: Started | None = None
    ) -> Outcome:
        """One outbox message, after any reply waiting for Telegram's overall limit;
        ``started`` is awaited just before the request leaves."""
        try:
            if self._limited:
                extra: dict[str, Any] = {"rate_limit_args": Bulk(started)}
            else:
                extra = {}
                if started is not None:
                    await started()
            message = await self.bot.send_message(
                chat_id, text, reply_markup=keyboard(buttons), **extra
            )
        except Exception as exc:
            return outcome_of(exc)
        return Sent(message.message_id)

    async def show_turn(self, chat_id: int, turn: Turn) -> Outcome:
        """A check-in turn's messages as a reply (ahead of bulk sends); stops at the first
        that does not get through. ``Sent.message_id`` is the message showing the question."""
        question: int | None = None
        ops = screen(turn.effects, turn.checkin_id, turn.language, False, self.contacts)
        sends = [op for op in ops if isinstance(op, Send)]
        # Taking buttons off an older copy is cosmetic: not worth a call here.
        for index, op in enumerate(sends):
            await chat_turn(index)
            try:
                sent = await self.bot.send_message(
                    chat_id, op.text, reply_markup=keyboard(op.buttons)
                )
            except Exception as exc:
                return outcome_of(exc)
            question = sent.message_id if op.question else question
        return Sent(question)


def outcome_of(exc: Exception) -> Outcome:
    """What a failed call means for the message it carried."""
    if isinstance(exc, RetryAfter):
        return RateLimited(seconds_of(exc.retry_after))
    if isinstance(exc, Forbidden):
        return Unreachable()
    if isinstance(exc, BadRequest):
        return Refused(exc.message)
    if isinstance(exc, NetworkError):  # includes TimedOut and Telegram's 5xx
        if isinstance(exc.__cause__, _NOT_SENT):
            return Failed(type(exc.__cause__).__name__)
        if isinstance(exc, TimedOut) or isinstance(exc.__cause__, aiohttp.ClientError):
            return Unknown(type(exc.__cause__ or exc).__name__)
        return Failed(type(exc).__name__)  # Telegram answered with an error: not sent
    # ChatMigrated, InvalidToken, ...: kept and tried again, never lost.
    log.error("sending a message failed: %s", type(exc).__name__)
    return Failed(type(exc).__name__)
