"""Runs different people's updates side by side, and one person's strictly in order, with a fair
share each.

A slow Telegram call for one young person never holds up the others, and two quick taps from
the same person can never race over their survey state. Someone sending a flood gets one kind
"slow down" note, and their extra updates are dropped unread, so nobody else waits for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from flows.messages import say
from storage.base import DEFAULT_LANGUAGE

log = logging.getLogger(__name__)

# Each person may send a burst of this many updates, then about this many a second.
BURST = 20
PER_SECOND = 2.0
# After a "slow down" note, the next one comes no sooner than this.
NOTE_EVERY = 60.0


@dataclass
class _Share:
    """One person's token bucket (event loop time), and when they were last told to slow down."""

    tokens: float
    stamp: float
    told_at: float = -1e18

    def take(self, now: float) -> bool:
        self.tokens = min(BURST, self.tokens + (now - self.stamp) * PER_SECOND)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


def _person(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0


@contextlib.asynccontextmanager
async def _nothing_held(person: int) -> AsyncIterator[None]:
    yield


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    """``always_read`` marks updates never dropped, however many came before (a message that
    may need support). The library's limit on updates in hand is set high: one person's
    updates wait in their own line, and a flood beyond their share is dropped at once."""

    def __init__(
        self,
        max_concurrent_updates: int = 2048,
        always_read: Callable[[Update], bool] = lambda update: False,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._shares: dict[int, _Share] = {}
        self._checking: dict[int, asyncio.Lock] = {}
        self.always_read = always_read
        # Held around each update besides the person's own line here: with several bots on
        # one database, the person's lock there (``storage.base.Coordinator.person``).
        self.hold: Callable[[int], contextlib.AbstractAsyncContextManager[None]] = _nothing_held

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        person = _person(update)
        if not self._within_share(person) and not await self._must_read(person, update):
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # dropped unread: never started
            await self._note(person, update)
            return
        lock = self._locks.setdefault(person, asyncio.Lock())
        self._waiting[person] = self._waiting.get(person, 0) + 1
        try:
            async with lock, self.hold(person):  # asyncio.Lock: first come, first served
                await coroutine
        finally:
            self._waiting[person] -= 1
            if self._waiting[person] == 0:
                del self._waiting[person], self._locks[person]

    def _within_share(self, person: int) -> bool:
        """Whether this update is within the person's share (spending it)."""
        now = asyncio.get_running_loop().time()
        share = self._shares.get(person)
        if share is None:
            if len(self._shares) > 10_000:  # forget full buckets: they start full anyway
                self._shares = {
                    p: s
                    for p, s in self._shares.items()
                    if s.tokens + (now - s.stamp) * PER_SECOND < BURST
                    or now - s.told_at < NOTE_EVERY
                }
            share = self._shares[person] = _Share(BURST, now)
        return share.take(now)

    async def _must_read(self, person: int, update: object) -> bool:
        """Whether an update beyond the person's share must be read all the same. The check
        runs in a worker thread, one at a time for each person, so a flood of long messages
        costs the flooder time, not everyone else."""
        if not isinstance(update, Update):
            return False
        lock = self._checking.setdefault(person, asyncio.Lock())
        try:
            async with lock:
                return await asyncio.to_thread(self.always_read, update)
        finally:
            if not lock.locked() and self._checking.get(person) is lock:
                del self._checking[person]

    async def _note(self, person: int, update: object) -> None:
        """Tell someone in a private chat, once in a while, that they are going too fast."""
        share = self._shares.get(person)
        now = asyncio.get_running_loop().time()
        chat = update.effective_chat if isinstance(update, Update) else None
        if share is None or chat is None or chat.type != "private":
            return
        if now - share.told_at < NOTE_EVERY:
            return
        share.told_at = now
        log.info("someone sent a flood of messages; extra ones are dropped for a while")
        try:
            await chat.send_message(say("slow_down", DEFAULT_LANGUAGE))
        except TelegramError as exc:
            log.warning("could not send a slow-down note: %s", type(exc).__name__)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
