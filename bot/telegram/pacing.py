"""Telegram's overall send limit, shared by replies and bulk sends, replies first: a large send
never holds up the next question of someone who is answering a check-in.

Replaces python-telegram-bot's ``AIORateLimiter``, which serves every request in turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Pass as ``rate_limit_args`` on a call that may wait for every reply (the outbox's sends).
BULK = "bulk"


class Pacer(BaseRateLimiter[str]):
    """At most ``rate`` requests a second to chats, spaced evenly. A reply takes the next free
    slot at once; a bulk send takes a slot only when it is free now, one bulk send waiting at a
    time, so a reply never queues behind more than one of them. Answers to button presses and
    calls to no chat (``getUpdates``) are not counted, as Telegram does not count them.

    A 429 pauses every counted request for its ``retry_after``; a reply is tried again up to
    ``retries`` times, a bulk send is handed back to the outbox, which keeps it queued."""

    def __init__(self, rate: float, retries: int = 2) -> None:
        self.gap = 1.0 / rate
        self.retries = retries
        self._next = 0.0  # the event loop time at which the next counted request may start
        self._paused_until = 0.0
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
        rate_limit_args: str | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if data.get("chat_id") is None:
            return await callback(*args, **kwargs)
        bulk = rate_limit_args == BULK
        tries = 0
        while True:
            await (self._bulk_turn() if bulk else self._reply_turn())
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._pause(seconds_of(exc.retry_after))
                if bulk or tries >= self.retries:
                    raise
                tries += 1
                log.info("Telegram asked to slow down; trying a reply again (%s)", endpoint)

    def _pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)

    async def _reply_turn(self) -> None:
        now = asyncio.get_running_loop().time()
        start = max(now, self._next, self._paused_until)
        self._next = start + self.gap
        if start > now:
            await asyncio.sleep(start - now)

    async def _bulk_turn(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._bulk:
            while True:
                now = loop.time()
                start = max(self._next, self._paused_until)
                if start <= now:
                    self._next = now + self.gap
                    return
                await asyncio.sleep(start - now)


def seconds_of(value: object) -> float:
    """``retry_after`` as seconds (python-telegram-bot gives an int or a timedelta)."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
