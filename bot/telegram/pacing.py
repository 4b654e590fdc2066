"""Telegram's overall send limit, shared by replies and bulk sends, replies first: a large send
never holds up the next question of someone who is answering a check-in.

Replaces python-telegram-bot's ``AIORateLimiter``, which serves every request in turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bulk:
    """``rate_limit_args`` for a call that waits behind every reply (the outbox's sends);
    ``started`` is awaited once its turn has come, just before the request leaves (if it
    raises, the request is not sent)."""

    started: Callable[[], Awaitable[None]] | None = None


BULK = Bulk()
# ... or on a call that never waits for others: support for someone who may be in danger.
URGENT = "urgent"
URGENT_TRIES = 4
# Requests that may go at once after a quiet spell. From idle, the first second may carry the
# burst plus the steady rate (about 39 in all): more than 30, as the library's own limiter also
# allowed (about 58). Telegram answers a real excess with a 429, which pauses only its chat.
BURST = 10.0
# One chat takes a short burst of messages at once, then about one a second (Telegram's
# guidance; the emulator holds the bot to it): a reply of several messages (easy read sends
# one idea a message) spaces those after the burst.
CHAT_BURST = 3
CHAT_GAP = 1.0


async def chat_turn(sent: int) -> None:
    """Wait, if need be, before a reply's next message to one chat, ``sent`` having gone."""
    if sent >= CHAT_BURST:
        await asyncio.sleep(CHAT_GAP)


class Pacer(BaseRateLimiter[Bulk | str]):
    """At most ``rate`` requests a second to chats, with bursts of up to ``burst`` after a
    quiet spell: a token bucket. A reply takes the next token at once, reserving one ahead if
    none is left; a bulk send takes a token only when one is there and no reply is waiting,
    one bulk send waiting at a time, so a reply never queues behind more than one of them.
    Answers to button presses and calls to no chat (``getUpdates``) are not counted, as
    Telegram does not count them; ``URGENT`` calls (support) never wait.

    A 429 pauses the requests to its chat for its ``retry_after`` (one person's flood must not
    hold up everyone's replies); a reply is then tried again, up to ``retries`` times, and a
    bulk send is handed back to the outbox, which pauses all of its sends."""

    def __init__(self, rate: float, burst: float = BURST, retries: int = 2) -> None:
        self.rate = rate
        self.burst = burst
        self.retries = retries
        self._tokens = burst  # below zero: replies have reserved tokens still to come
        self._stamp: float | None = None  # the event loop time of the last refill
        self._paused: dict[int | str, float] = {}  # chat: event loop time its pause ends
        self._bulk = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Bulk | str | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat = data.get("chat_id")
        if chat is None:
            return await callback(*args, **kwargs)
        if rate_limit_args == URGENT:
            return await self._urgent(callback, args, kwargs)
        bulk = isinstance(rate_limit_args, Bulk)
        tries = 0
        while True:
            await self._wait_for(chat)
            await (self._bulk_turn() if bulk else self._reply_turn())
            if isinstance(rate_limit_args, Bulk) and rate_limit_args.started is not None:
                await rate_limit_args.started()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                loop_now = asyncio.get_running_loop().time()
                until = loop_now + seconds_of(exc.retry_after)
                if len(self._paused) > 1000:  # forget pauses long over
                    self._paused = {c: t for c, t in self._paused.items() if t > loop_now}
                self._paused[chat] = max(self._paused.get(chat, 0.0), until)
                if bulk or tries >= self.retries:
                    raise
                tries += 1
                log.info("Telegram asked to slow down in one chat; trying a reply again")

    async def _urgent(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | JSONDict | list[JSONDict]:
        """At once, whatever else is waiting; after a 429 (Telegram slowing this chat down),
        as soon as Telegram allows, a few times over."""
        for _ in range(URGENT_TRIES - 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                await asyncio.sleep(seconds_of(exc.retry_after))
        return await callback(*args, **kwargs)

    async def _wait_for(self, chat: int | str) -> None:
        """Wait out a pause Telegram asked for in this chat."""
        until = self._paused.get(chat)
        if until is None:
            return
        left = until - asyncio.get_running_loop().time()
        if left > 0:
            await asyncio.sleep(left)
        if self._paused.get(chat) == until:
            del self._paused[chat]

    def _refill(self) -> None:
        now = asyncio.get_running_loop().time()
        if self._stamp is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def _reply_turn(self) -> None:
        self._refill()
        self._tokens -= 1.0
        if self._tokens < 0:
            await asyncio.sleep(-self._tokens / self.rate)

    async def _bulk_turn(self) -> None:
        async with self._bulk:
            while True:
                self._refill()
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await asyncio.sleep((1.0 - self._tokens) / self.rate)


def seconds_of(value: object) -> float:
    """``retry_after`` as seconds (python-telegram-bot gives an int or a timedelta)."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
