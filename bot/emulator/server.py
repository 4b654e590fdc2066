"""The HTTP face of the Youth Voice Bot API emulator, and `Emulator`, the object tests hold.

Serves `/bot<TOKEN>/<method>` in Telegram's wire format, plus a small control API under
`/_emulator/` for driving it from another process.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from .control import ControlApi
from .faults import Fault, FaultKind, Faults, FaultWindow, malformed_update
from .limits import RateLimiter, RateLimits
from .methods import BotApi, scope_key
from .params import ApiError, Params, Upload
from .people import SimGroup, SimUser
from .webhook import Spread, WebhookSender
from .world import Stats, Webhook, World

JSON = dict[str, Any]
MAX_UPLOAD = 50 * 1024 * 1024


def error_reply(status: int, description: str, parameters: JSON | None = None) -> web.Response:
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def read_params(request: web.Request) -> dict[str, Any]:
    """Query string, JSON, form or multipart parameters; uploads become `Upload`s."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON body") from None
        if isinstance(body, dict):
            params.update(body)
        return params
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            data = value.file.read()
            params[name] = Upload(value.filename, len(data), value.content_type, data)
        else:
            params[name] = value if isinstance(value, str) else bytes(value).decode()
    return params


def _drop(request: web.Request) -> web.Response:
    """Cut the connection without an answer, as a flaky network would."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)


class Emulator:
    """A local Telegram Bot API with simulated people, Telegram's limits and fault injection.

    `clock` is the emulator's now (seconds): message dates, fault windows and the age of a
    button press go by it, so a test can pass a fake one. The rate limits keep their own
    monotonic clock. `callback_answer_limit` is how old a press may be when the bot answers it
    (None: any age). `webhook_timeout` is how long a webhook may take to answer, and
    `webhook_backoff` the first and the longest wait before a failed update is posted again
    (real seconds).
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        bot_username: str = "youthvoice_bot",
        bot_name: str = "Youth Voice",
        rate_limits: bool | RateLimits = True,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        callback_answer_limit: float | None = 15.0,
        webhook_timeout: float = 10.0,
        webhook_backoff: tuple[float, float] = (1.0, 30.0),
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        head = (token or "").split(":", 1)[0]
        bot: JSON = {
            "id": int(head) if head.isdigit() else 7_000_000_001,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.clock = clock
        self.world = World(bot, clock)
        self.limiter = RateLimiter(None)
        self.rate_limits = rate_limits
        self.api = BotApi(self.world, self.limiter, callback_answer_limit)
        self.faults = Faults(clock)
        self.webhooks = WebhookSender(self.world, timeout=webhook_timeout, backoff=webhook_backoff)
        self._runner: web.AppRunner | None = None

    @property
    def rate_limits(self) -> RateLimits | None:
        """The limits in force, or None when off; set True, False or a `RateLimits`."""
        return self.limiter.limits

    @rate_limits.setter
    def rate_limits(self, value: bool | RateLimits | None) -> None:
        if value is True:
            value = RateLimits()
        self.limiter.configure(value or None)

    @property
    def callback_answer_limit(self) -> float | None:
        """Seconds the bot has to answer a button press before Telegram calls it too old."""
        return self.api.callback_answer_limit

    @callback_answer_limit.setter
    def callback_answer_limit(self, seconds: float | None) -> None:
        self.api.callback_answer_limit = seconds

    @property
    def stats(self) -> Stats:
        return self.world.stats

    @property
    def url(self) -> str:
        """Root URL of the running server, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to give python-telegram-bot's `base_url` (it appends the token)."""
        return f"{self.url}/bot"

    async def start(self) -> None:
        """Serve on `host`, on a free port unless one was given."""
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        ControlApi(self).mount(app)
        self.world.closing = False
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0, access_log=None)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner
        await self.webhooks.start()

    async def stop(self) -> None:
        """Answer waiting long polls, close connections and stop serving."""
        self.world.closing = True
        self.world.updates_signal.notify()
        await self.webhooks.stop()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def user(
        self,
        name: str = "Sam",
        *,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = True,
    ) -> SimUser:
        """A new simulated person; `started=False` means they never pressed Start."""
        return SimUser(self.world, self.world.add_person(name, username, language_code, started))

    def group(self, title: str, *, kind: str = "supergroup") -> SimGroup:
        """A new group chat (`supergroup` or `group`)."""
        return SimGroup(self.world, self.world.add_group(title, kind))

    def repeat_update(self, update_id: int) -> None:
        """Deliver an update again with the same id and content, as Telegram may."""
        self.world.repeat_update(update_id)

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 500,
        drop: bool = False,
        after_delivery: bool = False,
    ) -> None:
        """Make the next `times` calls of `method` fail (before any fault window applies).

        By default they answer HTTP `status` without doing anything. `drop=True` cuts the
        connection instead; `after_delivery=True` does the work first, then cuts it (the bot
        sees a network error though the message went out).
        """
        kind: FaultKind = "drop_after" if after_delivery else "drop" if drop else "error"
        self.faults.fail_next(method, times, Fault(kind, status))

    def fault(
        self,
        kind: FaultKind,
        methods: str | Iterable[str] = ("sendMessage",),
        seconds: float | None = 15.0,
        start: float | None = None,
        *,
        status: int = 500,
        delay: float = 0.0,
    ) -> FaultWindow:
        """Fail every call of `methods` ("*": all of them, getUpdates too) from `start`
        (emulator clock; default now) for `seconds` (None: until ended); `.end()` stops it.

        Kinds: "error" answers HTTP `status` and does nothing; "drop" cuts the connection
        before doing anything; "drop_after" does the work, then cuts it; "slow" does the work,
        then waits `delay` real seconds before answering, so a client that times out first
        cannot know the call took effect. Windows may overlap: the newest one covering a call
        decides. ValueError for an unknown kind or method, or a value that makes no sense.
        """
        return self.faults.open(Fault(kind, status, delay), methods, seconds, start)

    def clear_faults(self) -> int:
        """Switch every fault off (windows and `fail_next`); returns how many windows ended."""
        return self.faults.clear()

    def push_malformed(self, kind: str) -> int:
        """Queue an update python-telegram-bot cannot parse; returns its update id.

        Kinds (`bot.emulator.MALFORMED_KINDS`): "message_string" (a message that is a string),
        "chat_member_missing_fields", "poll_missing_fields".
        """
        return self.world.push_payload(malformed_update(kind))

    def push_raw(self, fields: JSON) -> int:
        """Queue an update made of `fields` exactly as given, under the next update id."""
        return self.world.push_payload(fields)

    def commands(self) -> list[JSON]:
        """Commands set with setMyCommands for the default scope."""
        return self.world.commands.get(scope_key({"type": "default"}, ""), [])

    def menu(self, user: SimUser) -> list[str]:
        """The command names `user` sees in the menu of their private chat with the bot, found
        as a Telegram app finds them: their chat's scope, then all private chats, then the
        default, each first in their language and then for any language."""
        language = user.person.language_code or ""
        scopes: list[JSON] = [
            {"type": "chat", "chat_id": user.id},
            {"type": "all_private_chats"},
            {"type": "default"},
        ]
        for scope in scopes:
            for lang in dict.fromkeys([language, ""]):
                found = self.world.commands.get(scope_key(scope, lang))
                if found is not None:
                    return [str(command["command"]) for command in found]
        return []

    @property
    def pending_updates(self) -> int:
        return self.world.pending_updates

    @property
    def webhook(self) -> Webhook | None:
        """The webhook setWebhook set (URL, secret token, last error), or None."""
        return self.world.webhook

    def webhook_backends(self, urls: Iterable[str], spread: Spread = "round_robin") -> None:
        """For tests: the webhook's URL stands for these backends, as behind a load balancer;
        each update goes to one of them ("round_robin": in turn; "chat": a chat's updates to
        the same one, and each retry to the next). No URLs: post to the URL itself again."""
        self.webhooks.use_backends(list(urls), spread)

    def lose_webhook_answers(self, times: int = 1) -> None:
        """The bot's next `times` 2xx answers to webhook posts are lost on the way back: the
        emulator takes each for a timeout and posts that update again later."""
        self.webhooks.lose_answers(times)

    def file_bytes(self, file_id: str) -> bytes:
        """The bytes of a document or photo the bot sent (KeyError if it sent none by that id)."""
        return self.world.files[file_id][1]

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """A file by the `file_path` getFile gave, as Telegram's file server serves it."""
        if self.token is not None and request.match_info["token"] != self.token:
            return error_reply(401, "Unauthorized")
        wanted = request.match_info["path"]
        for path, data in self.world.files.values():
            if path == wanted:
                return web.Response(body=data, content_type="application/octet-stream")
        return error_reply(404, "Not Found")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        stats = self.world.stats
        stats.in_flight += 1
        stats.most_in_flight = max(stats.most_in_flight, stats.in_flight)
        try:
            return await self._answer(request)
        finally:
            stats.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if self.token is not None and request.match_info["token"] != self.token:
            return error_reply(401, "Unauthorized")
        self.world.stats.calls[method] += 1
        fault = self.faults.take(method)
        if fault is not None:
            self.world.stats.fault_hits[fault.kind] += 1
            if fault.kind == "drop":
                return _drop(request)
            if fault.kind == "error":
                self.world.stats.errors[fault.status] += 1
                return error_reply(fault.status, fault.description)
        try:
            result = await self.api.call(method, Params(await read_params(request)))
            reply = web.json_response({"ok": True, "result": result})
        except ApiError as exc:
            self.world.stats.errors[exc.status] += 1
            reply = error_reply(exc.status, exc.description, exc.parameters)
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.kind == "drop_after":
            return _drop(request)
        return reply
