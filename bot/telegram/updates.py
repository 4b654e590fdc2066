"""Runs different people's updates side by side, and one person's strictly in order.

A slow Telegram call for one young person never holds up the others, and two quick taps from
the same person can never race over their survey state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def _person(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        person = _person(update)
        lock = self._locks.setdefault(person, asyncio.Lock())
        self._waiting[person] = self._waiting.get(person, 0) + 1
        try:
            async with lock:  # asyncio.Lock is first come, first served
                await coroutine
        finally:
            self._waiting[person] -= 1
            if self._waiting[person] == 0:
                del self._waiting[person], self._locks[person]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
