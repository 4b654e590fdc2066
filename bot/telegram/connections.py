"""The bot's connections to Telegram: a pool of a few, and never more requests handed to it
than it has connections, so waiting requests queue cheaply here instead of inside httpcore."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest

# Plenty under Telegram's 30 messages a second, at Telegram's usual tens of milliseconds a call.
CONNECTIONS = 16


class GatedRequest(HTTPXRequest):
    """python-telegram-bot's request object (every call but ``getUpdates``), with at most
    ``connections`` requests in flight.

    httpcore looks over every pooled connection, for every request waiting for one, each
    time any request starts or ends: with the updates of many people handled side by side,
    hundreds of requests waited there (about a tenth of the bot's CPU in the inbound
    benchmark). Here they wait in a semaphore's queue, in turn. No wait here is limited by
    a timeout: each request in flight is (``timeout``), so a place is always freed.
    """

    def __init__(self, timeout: float, connections: int = CONNECTIONS) -> None:
        super().__init__(
            connection_pool_size=connections,
            read_timeout=timeout,
            write_timeout=timeout,
            # Never waiting for a connection once past the gate; kept generous all the same.
            pool_timeout=30.0,
        )
        self._gate = asyncio.Semaphore(connections)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._gate:
            return await super().do_request(*args, **kwargs)
