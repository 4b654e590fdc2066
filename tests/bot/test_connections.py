"""The bot's requests to Telegram: never more in flight than its connections, all answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.emulator import Emulator
from bot.telegram.connections import (
    GatedRequest,
    KnownSocketBackend,
    KnownSocketTransport,
    readable,
)
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


async def test_the_connections_know_their_socket_and_see_the_server_close(emu: Emulator) -> None:
    """The bot's client runs on the transport whose connections keep their socket (httpx's
    pool, made again with that backend), and an idle connection the server closed shows as
    readable, so httpcore drops it and the next request opens another."""
    request = GatedRequest(5.0, 2)
    transport = request._client._transport
    assert isinstance(transport, KnownSocketTransport)
    assert isinstance(transport._pool._network_backend, KnownSocketBackend)

    closed = asyncio.Event()

    async def answer_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await closed.wait()
        writer.close()

    server = await asyncio.start_server(answer_then_close, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        stream = await KnownSocketBackend().connect_tcp("127.0.0.1", port, timeout=5)
        assert stream.get_extra_info("socket").fileno() >= 0
        assert stream.get_extra_info("is_readable") is False  # open and quiet
        closed.set()
        async with asyncio.timeout(5):
            while not stream.get_extra_info("is_readable"):
                await asyncio.sleep(0.01)
        await stream.aclose()
        assert readable(None) is True
    finally:
        server.close()
        await server.wait_closed()
    # And the whole path works: a message goes through, then again after a shutdown.
    sam = emu.user("Sam")
    for _ in range(2):
        async with Bot(TOKEN, base_url=emu.base_url, request=request) as bot:
            await bot.send_message(sam.id, "hello")
    assert [m.text for m in sam.messages()] == ["hello", "hello"]
