"""The bot's connections to Telegram: a pool of a few, and never more requests handed to it
than it has connections, so waiting requests queue cheaply here instead of inside httpcore."""

from __future__ import annotations

import asyncio
import select
import ssl
import time
from collections.abc import Callable
from typing import Any

import httpcore
import httpx
from telegram.request import HTTPXRequest

# Plenty under Telegram's 30 messages a second, at Telegram's usual tens of milliseconds a call.
CONNECTIONS = 16

# A server closes a kept-alive connection after it has been idle for seconds (Telegram keeps
# them far longer, and httpx drops its own after 5 s): a connection seen open less than this ago
# is not asked again whether the server closed it.
SEEN_OPEN_FOR = 0.25


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
        self._connections = connections  # before the library builds its client
        super().__init__(
            connection_pool_size=connections,
            read_timeout=timeout,
            write_timeout=timeout,
            # Never waiting for a connection once past the gate; kept generous all the same.
            pool_timeout=30.0,
        )
        self._gate = asyncio.Semaphore(connections)

    def _build_client(self) -> httpx.AsyncClient:
        """The library's client, on a transport whose connections know their socket (a new
        one each time: the library builds its client again after a shutdown)."""
        kwargs = {**self._client_kwargs, "transport": KnownSocketTransport(self._connections)}
        return httpx.AsyncClient(**kwargs)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._gate:
            return await super().do_request(*args, **kwargs)


class KnownSocketTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (HTTP/1.1, the usual certificates), whose connections keep their
    socket at hand. (A proxy from the environment is the client's business, not this one's.)

    Before each request, and after each, httpcore asks every idle pooled connection whether
    the server closed it; anyio answers by building a table of the socket's details (among
    them its peer's address, a system call) just to hand over the socket. That was 8% of the
    bot's CPU in the inbound benchmark. httpx takes no network backend, so the pool it made
    is made again with one (``_pool``: httpx's name for it, checked by a test).
    """

    def __init__(self, connections: int) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        super().__init__(limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=KnownSocketBackend(),
        )


class KnownSocketBackend(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio backend (anyio), its streams wrapped in ``KnownSocketStream``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._backend = httpcore.AnyIOBackend()
        self._clock = clock

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(*args, **kwargs)
        return KnownSocketStream(stream, self._clock)

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(*args, **kwargs)
        return KnownSocketStream(stream, self._clock)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class KnownSocketStream(httpcore.AsyncNetworkStream):
    """A connection's stream that looked up its socket once, when it was made, and asks the
    system whether the server closed it at most once in ``SEEN_OPEN_FOR``.

    With many updates handled side by side, each request polled every idle connection twice
    (about 6% of the bot's CPU in the inbound benchmark), connections that had brought a
    response or been polled milliseconds before. A server closing one in between is the same
    race as one closing it just after a poll.
    """

    def __init__(
        self, stream: httpcore.AsyncNetworkStream, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stream = stream
        self._clock = clock
        # A socket, or asyncio's stand-in for one (``TransportSocket``): all that is used of it
        # is ``fileno``.
        self._socket: Any = stream.get_extra_info("socket")
        self._open_at = -SEEN_OPEN_FOR  # when it was last seen open (monotonic)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self._stream.read(max_bytes, timeout)
        if data:  # none: the server closed it
            self._open_at = self._clock()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        tls = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return KnownSocketStream(tls, self._clock)

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self._socket
        if info == "is_readable":
            now = self._clock()
            if now - self._open_at < SEEN_OPEN_FOR:
                return False
            if readable(self._socket):
                return True
            self._open_at = now
            return False
        return self._stream.get_extra_info(info)


def readable(sock: Any) -> bool:
    """Whether reading ``sock`` would not wait: for an idle connection, that the server closed
    it (or sent what it should not have); a socket closed here counts as readable too."""
    number = -1 if sock is None else sock.fileno()
    if number < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([number], [], [], 0)[0])
    poll = select.poll()
    poll.register(number, select.POLLIN)
    return bool(poll.poll(0))
