"""The bot's requests to Telegram: never more in flight than its connections, all answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpcore
import pytest
from telegram import Bot

from bot.emulator import Emulator
from bot.telegram.connections import (
    SEEN_OPEN_FOR,
    GatedRequest,
    KnownSocketBackend,
    KnownSocketTransport,
    readable,
)
from tests.conftest import clock_start

TOKEN = "123456:TEST-token"
pytestmark = pytest.mark.timeout(20)


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def connected(
    handler: Handler, clock: Callable[[], float] = time.monotonic
) -> AsyncIterator[httpcore.AsyncNetworkStream]:
    """A connection of the bot's backend to a local server that runs ``handler``."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        stream = await KnownSocketBackend(clock).connect_tcp("127.0.0.1", port, timeout=5)
        try:
            yield stream
        finally:
            await stream.aclose()
    finally:
        server.close()
        await server.wait_closed()


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

    async with connected(answer_then_close) as stream:
        assert stream.get_extra_info("socket").fileno() >= 0
        assert stream.get_extra_info("is_readable") is False  # open and quiet
        closed.set()
        async with asyncio.timeout(5):
            while not stream.get_extra_info("is_readable"):
                await asyncio.sleep(0.01)
    assert readable(None) is True
    # And the whole path works: a message goes through, then again after a shutdown.
    sam = emu.user("Sam")
    for _ in range(2):
        async with Bot(TOKEN, base_url=emu.base_url, request=request) as bot:
            await bot.send_message(sam.id, "hello")
    assert [m.text for m in sam.messages()] == ["hello", "hello"]


async def test_a_connection_seen_open_moments_ago_is_not_polled_again() -> None:
    """Whether the server closed an idle connection is asked of the system at most once in
    ``SEEN_OPEN_FOR``, counted from the last poll that found it open or the last bytes read:
    a close shows at the first question after that."""
    now = [100.0]
    said = asyncio.Event()

    async def say_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"hello")
        await writer.drain()
        await said.wait()
        writer.close()

    async with connected(say_then_close, lambda: now[0]) as stream:
        assert await stream.read(5, timeout=5) == b"hello"  # seen open at 100.0
        said.set()
        await closed_by_server(stream)
        now[0] = 100.0 + SEEN_OPEN_FOR / 2
        assert stream.get_extra_info("is_readable") is False  # not asked: read moments ago
        now[0] = 100.0 + SEEN_OPEN_FOR
        assert stream.get_extra_info("is_readable") is True  # asked, and the server closed it

    quiet = asyncio.Event()

    async def stay_open(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await quiet.wait()
        writer.close()

    async with connected(stay_open, lambda: now[0]) as stream:
        now[0] = 200.0
        assert stream.get_extra_info("is_readable") is False  # asked: open, so seen at 200.0
        quiet.set()
        await closed_by_server(stream)
        now[0] = 200.0 + SEEN_OPEN_FOR * 0.9
        assert stream.get_extra_info("is_readable") is False
        now[0] = 200.0 + SEEN_OPEN_FOR * 1.1
        assert stream.get_extra_info("is_readable") is True


async def closed_by_server(stream: httpcore.AsyncNetworkStream) -> None:
    """Wait until the system shows the server's close on ``stream``'s socket."""
    async with asyncio.timeout(5):
        while not readable(stream.get_extra_info("socket")):
            await asyncio.sleep(0.01)
