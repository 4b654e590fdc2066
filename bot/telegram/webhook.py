"""Telegram's webhook, served by aiohttp's web server, and ``/health`` for a load balancer.

An update is answered 200 only once it has been handled and recorded: if the bot dies first,
Telegram sends it again, and the store's claim on each update id keeps a repeat from being
handled twice (a repeat of one this process handled lately is not even handled again). Each
update goes through the same per-person line as polled ones.
"""

from __future__ import annotations

import asyncio
import collections
import hmac
import json
import logging
import math
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.telegram.polling import read_update, update_id_of
from storage.base import StorageError, Store

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/health"
# A getMe that worked this recently says Telegram answers; older, health asks again, waiting
# this long for the database and for Telegram.
TELEGRAM_FRESH = 60.0
HEALTH_WAIT = 5.0
# Seconds updates being handled get to finish when the server stops.
FINISH_WAIT = 10.0
REMEMBERED = 10_000  # update ids kept to answer a repeat without handling it again
# Refused calls (a wrong secret: a scanner, or a secret changed on one side only) are logged at
# once, then summed up at most this often, so a flood of them cannot fill the log.
REFUSALS_EVERY = 60.0


class RefusalLog:
    """Logs the first refused call at once, and later ones as a count at most once every
    ``every`` seconds (``clock`` is injectable for tests). The count is written with the
    next refused call after that time: one still unwritten when the calls stop stays so."""

    def __init__(self, every: float = REFUSALS_EVERY, clock: Callable[[], float] = time.monotonic):
        self.every = every
        self.clock = clock
        self._logged_at = -math.inf
        self._unlogged = 0

    def refused(self) -> None:
        now = self.clock()
        if now - self._logged_at < self.every:
            self._unlogged += 1
            return
        if self._unlogged:
            log.warning(
                "refused %d webhook calls with a missing or wrong secret token in the last "
                "%d seconds",
                self._unlogged + 1,
                round(now - self._logged_at),
            )
        else:
            log.warning("refused a webhook call: missing or wrong secret token")
        self._logged_at, self._unlogged = now, 0


class ListenError(Exception):
    """The webhook server could not listen; ``str()`` is one line."""


@dataclass(frozen=True)
class WebhookOptions:
    """Where ``run --webhook`` listens, and the secret Telegram must send (never logged)."""

    host: str
    port: int
    path: str
    secret: str

    def __repr__(self) -> str:
        return f"WebhookOptions(host={self.host!r}, port={self.port}, path={self.path!r})"


class WebhookServer:
    """Takes updates at ``options.path`` (POST) and answers ``/health`` (GET): 200 when the
    database answers a small query and Telegram answered getMe in the last
    ``telegram_fresh`` seconds (or answers one now), else 503."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        store: Store,
        options: WebhookOptions,
        *,
        telegram_fresh: float = TELEGRAM_FRESH,
    ) -> None:
        self.app = app
        self.store = store
        self.options = options
        self.port = options.port
        self._secret = options.secret.encode()
        self.telegram_fresh = telegram_fresh
        self._telegram_ok_at = -math.inf
        self._runner: web.AppRunner | None = None
        # Updates being handled, and the last ones handled: a repeat of one (Telegram did not
        # get our 200) is not handled again. The store's claims cover what this forgets.
        self._handling: dict[int, asyncio.Task[None]] = {}
        self._recent: collections.deque[int] = collections.deque(maxlen=REMEMBERED)
        self._handled: set[int] = set()
        self._refusals = RefusalLog()

    @property
    def url(self) -> str:
        """The local URL updates are taken at (for a test, or a proxy in front)."""
        return f"http://{self.options.host}:{self.port}{self.options.path}"

    async def start(self) -> None:
        server = web.Application()
        server.router.add_post(self.options.path, self._on_update)
        server.router.add_get(HEALTH_PATH, self._on_health)
        runner = web.AppRunner(
            server, handle_signals=False, access_log=None, shutdown_timeout=FINISH_WAIT
        )
        await runner.setup()
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.options.host, self.options.port))
        except OSError as exc:
            await runner.cleanup()
            where = f"{self.options.host}:{self.options.port}"
            raise ListenError(f"could not listen on {where}: {exc.strerror}") from None
        self.port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self._telegram_ok_at = time.monotonic()  # the bot called getMe to start
        log.info("taking Telegram's updates at port %d, path %s", self.port, self.options.path)

    async def stop(self) -> None:
        """Stop taking updates; those being handled get ``FINISH_WAIT`` seconds to finish."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _on_update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self._refusals.refused()
            return web.Response(status=403)
        if not self.app.running:
            return web.Response(status=503)  # stopping: Telegram sends it again later
        try:
            data = json.loads(await request.read())
        except ValueError:
            # Answered 200, or Telegram would send it again for ever.
            log.warning("skipped a webhook call whose body is not JSON")
            return web.Response()
        update_id = update_id_of(data)
        update = None if update_id is None else read_update(data, update_id, self.app.bot)
        if update_id is None or update is None or set(data) == {"update_id"}:
            return web.Response()  # logged, if it could not be read
        handling = self._handling.get(update_id)
        if handling is None:
            if update_id in self._handled:
                return web.Response()  # our 200 was lost on the way: it is done
            handling = asyncio.create_task(self._handle(update))
            self._handling[update_id] = handling
            handling.add_done_callback(lambda task: self._finished(update_id, task))
        # A repeat that comes while the first is still being handled waits for it.
        await asyncio.shield(handling)
        return web.Response()

    async def _handle(self, update: Update) -> None:
        # The same line polled updates go through: one person's in order, floods dropped.
        await self.app.update_processor.process_update(update, self.app.process_update(update))

    def _finished(self, update_id: int, task: asyncio.Task[None]) -> None:
        del self._handling[update_id]
        if task.cancelled() or task.exception() is not None:
            return  # answered 500: Telegram sends it again
        if len(self._recent) == self._recent.maxlen:
            self._handled.discard(self._recent[0])
        self._recent.append(update_id)
        self._handled.add(update_id)

    async def _on_health(self, request: web.Request) -> web.Response:
        checks = self._database_answers(), self._telegram_answers()
        database, telegram = await asyncio.gather(*checks)
        body = {"database": _word(database), "telegram": _word(telegram)}
        return web.json_response(body, status=200 if database and telegram else 503)

    async def _database_answers(self) -> bool:
        try:
            async with asyncio.timeout(HEALTH_WAIT):
                await self.store.get_meta("bot_username")
        except (StorageError, TimeoutError):
            return False
        return True

    async def _telegram_answers(self) -> bool:
        if time.monotonic() - self._telegram_ok_at < self.telegram_fresh:
            return True
        try:
            async with asyncio.timeout(HEALTH_WAIT):
                await self.app.bot.get_me()
        except (TelegramError, TimeoutError):
            return False
        self._telegram_ok_at = time.monotonic()
        return True


def _word(ok: bool) -> str:
    return "ok" if ok else "unreachable"
