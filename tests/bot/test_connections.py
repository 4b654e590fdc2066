"""The bot's requests to Telegram on aiohttp: never more in flight than its connections, all
answered, files carried, and each failure told as "surely not sent" or "perhaps sent"."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aiohttp
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.emulator import Emulator
from bot.runtime.outcomes import Failed, Unknown
from bot.telegram.connections import TelegramRequest
from bot.telegram.sender import TelegramSender, outcome_of
from tests.conftest import clock_start

TOKEN = "123456:TEST-token"
pytestmark = pytest.mark.timeout(20)

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
ANSWER = b'{"ok":true,"result":true}'


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(TOKEN, rate_limits=False, clock=clock_start) as emulator:
        yield emulator


@asynccontextmanager
async def server(handler: Handler) -> AsyncIterator[str]:
    """A local server running ``handler`` for each connection; yields its bot API address."""
    listening = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/bot{TOKEN}"
    finally:
        listening.close()
        await listening.wait_closed()


async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read one request, answer it (keeping the connection alive), then close."""
    await reader.readuntil(b"\r\n\r\n")
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(ANSWER)}"
    writer.write(head.encode() + b"\r\nConnection: keep-alive\r\n\r\n" + ANSWER)
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.close()


async def test_many_sends_at_once_wait_their_turn_and_all_arrive(emu: Emulator) -> None:
    """Twelve messages sent at once through two connections to a slow Telegram: never more
    than two requests in flight, and every message arrives once, none failed."""
    sam = emu.user("Sam")
    emu.fault("slow", "sendMessage", seconds=60, delay=0.1)
    async with Bot(TOKEN, base_url=emu.base_url, request=TelegramRequest(5.0, 2)) as bot:
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


async def test_files_go_as_a_form_and_the_pool_opens_again_after_a_shutdown(
    emu: Emulator,
) -> None:
    """A document and a photo arrive with their names (a multipart form), a plain message
    with its buttons (a form), and the same request object works after a shutdown."""
    sam = emu.user("Sam")
    request = TelegramRequest(5.0, 2)
    for turn in range(2):
        async with Bot(TOKEN, base_url=emu.base_url, request=request) as bot:
            await bot.send_document(sam.id, b"a,b\n1,2\n", filename=f"results{turn}.csv")
            await bot.send_message(sam.id, f"hello {turn}")
    texts = [m.text for m in sam.messages() if m.text]
    assert texts == ["hello 0", "hello 1"]
    names = [m.document.filename for m in sam.messages() if m.document]
    assert names == ["results0.csv", "results1.csv"]


async def test_a_connection_the_server_closed_is_not_used_again() -> None:
    """The server answers each request and then closes the connection: each next request
    opens a new one and is answered, none fails."""
    connections = 0

    async def count(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await answer_once(reader, writer)

    async with server(count) as base:
        request = TelegramRequest(5.0, 1)
        await request.initialize()
        try:
            for _ in range(3):
                assert await request.post(f"{base}/getMe") is True
                await asyncio.sleep(0.2)  # the server has closed it by now
        finally:
            await request.shutdown()
    assert connections == 3


async def test_no_answer_is_perhaps_sent_and_never_names_the_token() -> None:
    """A server that reads the request and never answers: TimedOut, which the delivery loop
    takes as "perhaps sent"; no error text carries the address (and so the token)."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(10)

    async with server(silent) as base:
        request = TelegramRequest(0.3, 1)
        await request.initialize()
        try:
            with pytest.raises(TimedOut) as caught:
                await request.post(f"{base}/sendMessage", read_timeout=0.3)
        finally:
            await request.shutdown()
    assert isinstance(caught.value.__cause__, aiohttp.SocketTimeoutError)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert isinstance(outcome_of(caught.value), Unknown)


async def test_nothing_listening_and_no_free_connection_are_surely_not_sent() -> None:
    """Connection refused, and a request that waited longer than ``pool_wait`` (and the
    connect timeout: aiohttp counts the two together) behind a request that never ends: both
    failed before anything left, so the delivery loop may send again at once."""
    async with server(answer_once) as base:
        pass  # closed: nothing listens at that port now
    request = TelegramRequest(5.0, 1, pool_wait=0.2)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as refused:
            await request.post(f"{base}/sendMessage")
    finally:
        await request.shutdown()
    assert isinstance(refused.value.__cause__, aiohttp.ClientConnectorError)
    assert TOKEN not in str(refused.value)
    assert isinstance(outcome_of(refused.value), Failed)

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(10)

    async with server(hold) as base:
        request = TelegramRequest(10.0, 1, pool_wait=0.2)
        await request.initialize()
        first = asyncio.create_task(request.post(f"{base}/sendMessage"))
        try:
            await asyncio.sleep(0.1)  # the only connection is taken
            with pytest.raises(TimedOut) as waited:
                await request.post(f"{base}/sendMessage", connect_timeout=0.1)
        finally:
            first.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await first
            await request.shutdown()
    assert isinstance(waited.value.__cause__, aiohttp.ConnectionTimeoutError)
    assert isinstance(outcome_of(waited.value), Failed)


async def test_a_request_before_initialize_is_refused_plainly() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await TelegramRequest().do_request("http://127.0.0.1:9/bot/getMe", "POST")


async def test_the_sender_sends_through_it(emu: Emulator) -> None:
    """The delivery loop's sender on this request object: sent, with its message id."""
    sam = emu.user("Sam")
    async with Bot(TOKEN, base_url=emu.base_url, request=TelegramRequest(5.0, 2)) as bot:
        outcome = await TelegramSender(bot).send(sam.id, "hello", ())
    assert getattr(outcome, "message_id", None) == sam.messages()[-1].message_id


async def test_a_proxy_from_the_environment_carries_the_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``HTTP_PROXY`` names a proxy (here a local server standing in for one): requests go
    through it, asking it for the whole address. A host in ``NO_PROXY`` is reached
    directly."""
    asked: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        asked.append((await reader.readline()).strip())
        await answer_once(reader, writer)

    async with server(proxy) as base:
        port = base.split(":")[2].split("/")[0]
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        request = TelegramRequest(5.0, 1)
        await request.initialize()
        try:
            far = f"http://telegram.invalid/bot{TOKEN}/getMe"
            assert await request.post(far) is True
            assert await request.post(f"{base}/getMe") is True  # in NO_PROXY: straight there
        finally:
            await request.shutdown()
    assert asked == [f"POST {far} HTTP/1.1".encode(), f"POST /bot{TOKEN}/getMe HTTP/1.1".encode()]
