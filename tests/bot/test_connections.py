"""The bot's requests to Telegram: never more in flight than its connections, all answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.emulator import Emulator
from bot.telegram.connections import GatedRequest
from tests.conftest import clock_start

TOKEN = "123456:TEST-token"
pytestmark = pytest.mark.timeout(20)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(TOKEN, rate_limits=False, clock=clock_start) as emulator:
        yield emulator


async def test_many_sends_at_once_wait_their_turn_and_all_arrive(emu: Emulator) -> None:
    """Twelve messages sent at once through two connections to a slow Telegram: never more
    than two requests in flight, and every message arrives once, none failed."""
    sam = emu.user("Sam")
    emu.fault("slow", "sendMessage", seconds=60, delay=0.1)
    async with Bot(TOKEN, base_url=emu.base_url, request=GatedRequest(5.0, 2)) as bot:
        sent = await asyncio.gather(*(bot.send_message(sam.id, f"note {n}") for n in range(12)))
        assert len(sent) == 12
        assert emu.stats.most_in_flight == 2
        assert sorted(m.text for m in sam.messages()) == sorted(f"note {n}" for n in range(12))
        # Failed requests give their place back: the next ones still go.
        emu.fail_next("sendMessage", 3)
        tried = await asyncio.gather(
            *(bot.send_message(sam.id, f"late {n}") for n in range(5)), return_exceptions=True
        )
    assert sum(isinstance(result, Exception) for result in tried) == 3
    assert len(sam.messages()) == 14
