"""Webhook delivery of the Youth Voice Bot API emulator: while a webhook is set, queued updates
are POSTed to it as JSON, as Telegram does, and posted again later when the answer is not 2xx.

Each chat's updates go one at a time and in order: a failed one holds back that chat's later
ones until it gets through, while other chats go on, with at most `max_connections` posts under
way. For tests the URL can stand for several backends, as behind a load balancer.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import re
from typing import Any, Literal, get_args

import aiohttp

from .params import ApiError, Params
from .world import QueuedUpdate, Webhook, World

JSON = dict[str, Any]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Spread = Literal["round_robin", "chat"]
SPREADS: tuple[Spread, ...] = get_args(Spread)
IDLE = 1.0  # seconds between looks at the queue when nothing wakes the sender
HTTPS_ONLY = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
# Telegram's rule for a webhook's secret token: 1 to 256 of these characters.
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def new_webhook(url: str, params: Params, old: Webhook | None) -> Webhook:
    """The webhook a setWebhook call asks for, or `ApiError` as Telegram refuses it. Unlike
    Telegram, http:// is accepted, on any port, so a test can serve it locally. Settings not
    given keep their old values."""
    if not url.startswith(("http://", "https://")):
        raise ApiError(400, HTTPS_ONLY)
    secret = params.text("secret_token")
    if secret is not None and not SECRET_TOKEN.fullmatch(secret):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    allowed = params.json("allowed_updates")
    if allowed is not None and not (
        isinstance(allowed, list) and all(isinstance(kind, str) for kind in allowed)
    ):
        raise ApiError(400, "Bad Request: can't parse allowed updates JSON object")
    hook = Webhook(url, secret or None)
    if old is not None:
        hook.max_connections, hook.allowed_updates = old.max_connections, old.allowed_updates
    connections = params.integer("max_connections")
    if connections is not None:
        hook.max_connections = min(100, max(1, connections))
    if allowed is not None:
        hook.allowed_updates = tuple(allowed)
    return hook


def webhook_info(world: World) -> JSON:
    """getWebhookInfo's answer: the fields Telegram leaves out when they have no value are
    left out too."""
    hook = world.webhook
    info: JSON = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": world.pending_updates,
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.allowed_updates:
            info["allowed_updates"] = list(hook.allowed_updates)
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


def chat_of(payload: JSON) -> int:
    """The chat an update belongs to (its sender's for a button press), 0 if it names none."""
    for key, value in payload.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        shown = value.get("message")
        message: JSON = shown if isinstance(shown, dict) else value
        for holder in (message.get("chat"), value.get("from"), value.get("user")):
            if isinstance(holder, dict) and isinstance(holder.get("id"), int):
                return int(holder["id"])
    return 0


class WebhookSender:
    """Posts queued updates to the webhook in `World.webhook`, from a task of its own.

    `timeout` is how many seconds a post may take before it counts as failed; a failed
    update waits `backoff[0]` seconds, doubling with each failure up to `backoff[1]` (real
    seconds, not the emulator's clock).
    """

    def __init__(
        self, world: World, *, timeout: float = 10.0, backoff: tuple[float, float] = (1.0, 30.0)
    ) -> None:
        self.world = world
        self.timeout = timeout
        self.backoff = backoff
        self.backends: list[str] = []
        self.spread: Spread = "round_robin"
        self._turn = itertools.count()
        self._answers_to_lose = 0
        self._task: asyncio.Task[None] | None = None
        self._posts: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    def use_backends(self, urls: list[str], spread: Spread = "round_robin") -> None:
        """Post each update to one of `urls` instead of the webhook's URL (empty: the URL).

        "round_robin" takes them in turn; "chat" sends a chat's updates to the same one, and
        each retry of an update to the next one (as a load balancer that takes a failing
        backend out would)."""
        if spread not in SPREADS:
            raise ValueError(f"no spread {spread!r}; choose one of {', '.join(SPREADS)}")
        if not all(url.startswith(("http://", "https://")) for url in urls):
            raise ValueError("each backend is an http:// or https:// URL")
        self.backends, self.spread = list(urls), spread

    def lose_answers(self, times: int) -> None:
        """The next `times` 2xx answers never reach the emulator: each counts as a timeout,
        so the update is posted again though the bot handled it."""
        self._answers_to_lose += times

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop posting; posts under way are cancelled and their updates stay queued."""
        tasks = [task for task in (self._task, *self._posts) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        for item in self.world.queued():
            item.posting = False
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            wait = self._launch(loop.time())
            await self.world.updates_signal.changed(wait)

    def _launch(self, now: float) -> float:
        """Start a post for each update that may go now; seconds until one may go next."""
        hook = self.world.webhook
        if hook is None:
            return IDLE
        queued = self.world.queued()
        posting = sum(item.posting for item in queued)
        seen: set[int] = set()
        wait = math.inf
        for item in queued:
            if not hook.allows(item.payload):
                self.world.forget(item)
                continue
            chat = chat_of(item.payload)
            if chat in seen:
                continue  # an earlier update of this chat goes first
            seen.add(chat)
            if item.posting:
                continue
            if item.not_before > now:
                wait = min(wait, item.not_before - now)
                continue
            if posting >= hook.max_connections:
                break
            item.posting = True
            posting += 1
            task = asyncio.create_task(self._post(item, hook))
            self._posts.add(task)
            task.add_done_callback(self._posts.discard)
        return min(wait, IDLE)

    def _target(self, item: QueuedUpdate, hook: Webhook) -> str:
        if not self.backends:
            return hook.url
        if self.spread == "chat":
            return self.backends[(chat_of(item.payload) + item.attempts) % len(self.backends)]
        return self.backends[next(self._turn) % len(self.backends)]

    async def _post(self, item: QueuedUpdate, hook: Webhook) -> None:
        assert self._session is not None
        url = self._target(item, hook)
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        self.world.stats.webhook_posts += 1
        error: str | None = None
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            async with self._session.post(
                url, json=item.payload, headers=headers, timeout=timeout
            ) as answer:
                if not 200 <= answer.status < 300:
                    error = f"Wrong response from the webhook: {answer.status} {answer.reason}"
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientConnectorError:
            error = "Connection refused"
        except aiohttp.ClientError:
            error = "Connection reset by peer"
        if error is None and self._answers_to_lose > 0:
            self._answers_to_lose -= 1
            error = "Read timeout expired"
        item.posting = False
        if error is None:
            self.world.stats.webhook_answered[url] += 1
            self.world.forget(item)
        else:
            self._failed(item, error)
        self.world.updates_signal.notify()

    def _failed(self, item: QueuedUpdate, error: str) -> None:
        self.world.stats.webhook_errors += 1
        item.attempts += 1
        first, most = self.backoff
        delay = min(most, first * 2 ** (item.attempts - 1))
        item.not_before = asyncio.get_running_loop().time() + delay
        hook = self.world.webhook
        if hook is not None:
            hook.last_error_date = int(self.world.clock())
            hook.last_error_message = error
