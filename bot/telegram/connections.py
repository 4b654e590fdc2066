"""The bot's connections to Telegram: python-telegram-bot's requests carried by aiohttp's client,
a pool of a few connections, and requests beyond them waiting their turn for one."""

from __future__ import annotations

import ssl
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# Plenty under Telegram's 30 messages a second, at Telegram's usual tens of milliseconds a call.
CONNECTIONS = 16
# How long a request may wait for a free connection when Telegram is slow. A request that
# waited this long was never sent, so it fails plainly and is tried again; it must not fail
# after a second (the library's own pool timeout) and drop a reply whose answer is stored.
POOL_WAIT = 30.0
# The library's defaults for the rest.
CONNECT_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0


class TelegramRequest(BaseRequest):
    """How python-telegram-bot reaches Telegram, on aiohttp's client instead of httpx's.

    With many people's updates handled side by side, httpx and httpcore cost the bot about a
    third of its CPU in the inbound benchmark: httpcore looks over every pooled connection for
    every waiting request, and asks the system about each idle one before and after every
    request. aiohttp keeps waiting requests in a queue and learns of a closed connection from
    the event loop. At most ``connections`` requests are in flight; the rest wait in turn, up
    to ``pool_wait`` seconds.

    A failure is the library's ``TimedOut`` or ``NetworkError``, caused by aiohttp's own error
    (``sender.outcome_of`` reads it to tell "surely not sent" from "perhaps sent"). Its text
    names only the error's kind: aiohttp's messages can carry the URL, and the URL the token.
    """

    def __init__(
        self,
        timeout: float = 5.0,
        connections: int = CONNECTIONS,
        pool_wait: float = POOL_WAIT,
    ) -> None:
        self._timeout = timeout  # for reading an answer, and for writing the request
        self._connections = connections
        self._pool_wait = pool_wait
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float:
        return self._timeout

    async def initialize(self) -> None:
        """Open the pool (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, ssl=_certificates()),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # Telegram sets none
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This TelegramRequest is not initialized")
        files = request_data.multipart_data if request_data is not None else None
        read = _given(read_timeout, self._timeout)
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if files else self._timeout)
        connect = _given(connect_timeout, CONNECT_TIMEOUT)
        pool = _given(pool_timeout, self._pool_wait)
        # aiohttp has no timeout for writing alone: the whole call is bounded by the sum.
        # Its ``connect`` counts waiting for a free connection as well as opening one.
        parts = (pool, connect, write, read)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method,
                url,
                data=_body(request_data, files),
                timeout=timeout,
                proxy=self._proxy_for(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are this too
            raise TimedOut(f"aiohttp.{type(exc).__name__}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}") from exc

    def _proxy_for(self, url: str) -> str | None:
        """The proxy the environment names for ``url`` (``HTTPS_PROXY``, ``NO_PROXY``, ...),
        as httpx's client takes it; looked up once for each host. (aiohttp's own
        ``trust_env`` looks it up again for every request: a quarter of the bot's CPU.)"""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            bypass = bool(key[1]) and urllib.request.proxy_bypass(key[1])
            self._proxies[key] = None if bypass else urllib.request.getproxies().get(key[0])
        return self._proxies[key]


def _certificates() -> ssl.SSLContext:
    """Telegram's certificate checked against certifi's authorities, as httpx checks it: the
    same on every machine, whatever the system's own list holds."""
    return ssl.create_default_context(cafile=certifi.where())


def _given(value: ODVInput[float], default: float) -> float | None:
    """A timeout the caller gave (None: no limit), or ``default``."""
    return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None, files: dict[str, Any] | None) -> Any:
    """The request's fields as a form; with files, as a multipart form."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, content_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form
