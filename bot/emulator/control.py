"""A small HTTP control API for the Youth Voice Bot API emulator, for other processes.

POST /_emulator/users {"name"}, POST /_emulator/send {"user_id", "text"},
POST /_emulator/tap {"user_id", "text"} or {"user_id", "data", "message_id"?},
GET /_emulator/messages?chat_id=..., GET /_emulator/events?chat_id=...&after=N&wait=S (what the
bot did in a chat after the first N events, waiting up to S seconds for one; with
&toasts_after=T, the pop-ups shown to its person after the first T too), GET
/_emulator/stats; faults: POST /_emulator/faults {"kind", "methods"?, "seconds"?, "start"?,
"status"?, "delay"?}, GET and DELETE /_emulator/faults, POST /_emulator/malformed {"kind"};
webhooks: GET /_emulator/webhook (the webhook and its backends), POST /_emulator/webhook
{"backends": [URL, ...], "spread"?: "round_robin"|"chat"}, POST /_emulator/webhook/lose
{"times"?}. Answers are {"ok": true, "result"}.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .people import SimUser
from .webhook import webhook_info
from .world import Chat

MAX_WAIT = 10.0  # seconds an events request may wait for something to happen

if TYPE_CHECKING:
    from .server import Emulator

JSON = dict[str, Any]


class ControlApi:
    """Lets a separate process add people, speak as them and read the bot's replies."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.users: dict[int, SimUser] = {}

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/_emulator/users", self.add_user)
        app.router.add_post("/_emulator/send", self.send)
        app.router.add_post("/_emulator/tap", self.tap)
        app.router.add_get("/_emulator/messages", self.messages)
        app.router.add_get("/_emulator/events", self.events)
        app.router.add_get("/_emulator/stats", self.stats)
        app.router.add_post("/_emulator/faults", self.add_fault)
        app.router.add_get("/_emulator/faults", self.list_faults)
        app.router.add_delete("/_emulator/faults", self.clear_faults)
        app.router.add_post("/_emulator/malformed", self.malformed)
        app.router.add_get("/_emulator/webhook", self.webhook)
        app.router.add_post("/_emulator/webhook", self.webhook_backends)
        app.router.add_post("/_emulator/webhook/lose", self.lose_webhook_answers)

    def _user(self, body: JSON) -> SimUser:
        try:
            return self.users[int(body["user_id"])]
        except (KeyError, TypeError, ValueError):
            raise web.HTTPBadRequest(text="unknown or missing user_id") from None

    async def add_user(self, request: web.Request) -> web.Response:
        body = await _body(request)
        name, started = str(body.get("name", "Sam")), bool(body.get("started", True))
        language = body.get("language_code", "en")
        language_code = str(language) if language else None
        user = self.emulator.user(name, language_code=language_code, started=started)
        self.users[user.id] = user
        return _ok({"user_id": user.id, "chat_id": user.chat_id})

    async def send(self, request: web.Request) -> web.Response:
        body = await _body(request)
        return _ok(await self._user(body).send(str(body.get("text", ""))))

    async def tap(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self._user(body)
        if "data" in body:
            message_id = body.get("message_id")
            message_id = int(message_id) if message_id is not None else None
            return _ok(await user.tap_data(str(body["data"]), message_id))
        try:
            return _ok(await user.tap(str(body.get("text", "")), timeout=0))
        except AssertionError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None

    def _chat(self, request: web.Request) -> Chat:
        try:
            chat = self.emulator.world.chats.get(int(request.query.get("chat_id", "")))
        except ValueError:
            chat = None
        if chat is None:
            raise web.HTTPNotFound(text="chat not found")
        return chat

    async def messages(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        shown = [m.snapshot() for m in chat.messages.values() if m.from_bot and not m.deleted]
        return _ok([dataclasses.asdict(m) for m in shown])

    async def events(self, request: web.Request) -> web.Response:
        """New messages, edits and deletes by the bot in one chat, in order, after the first
        `after`; a long poll: with none yet, waits up to `wait` seconds for one.

        Answers {"events": [BotMessage as a dict, with "event": new|edit|delete], "next": N};
        pass N as `after` next time. A button is a [text, callback data] pair. With
        `toasts_after` T, a pop-up (answerCallbackQuery text) ends the wait too, and the
        answer adds {"toasts": [[text, shown as an alert], ...], "toasts_next": M}.
        """
        chat, world = self._chat(request), self.emulator.world
        try:
            after = max(0, int(request.query.get("after", "0")))
            wait = min(MAX_WAIT, max(0.0, float(request.query.get("wait", "0"))))
            asked = request.query.get("toasts_after")
            toasts_after = None if asked is None else max(0, int(asked))
        except ValueError:
            raise web.HTTPBadRequest(text="after, wait and toasts_after must be numbers") from None

        def news() -> bool:
            popped = len(world.toasts.get(chat.id, [])) > (toasts_after or 0)
            return len(chat.events) > after or (toasts_after is not None and popped)

        await chat.signal.wait_until(news, wait)
        fresh = chat.events[after:]
        answer: JSON = {"events": [dataclasses.asdict(m) for m in fresh]}
        answer["next"] = after + len(fresh)
        if toasts_after is not None:
            toasts = world.toasts.get(chat.id, [])  # a private chat's id is its person's
            answer["toasts"] = [list(toast) for toast in toasts[toasts_after:]]
            answer["toasts_next"] = len(toasts)
        return _ok(answer)

    async def stats(self, request: web.Request) -> web.Response:
        counts = self.emulator.stats
        summary = {
            "calls": dict(counts.calls),
            "delivered": counts.delivered,
            "edits": counts.edits,
            "too_many_requests": counts.too_many_requests,
            "send_rate": counts.send_rate(),
            "fault_hits": dict(counts.fault_hits),
            "late_answers": counts.late_answers,
            "webhook_posts": counts.webhook_posts,
            "webhook_errors": counts.webhook_errors,
            "webhook_answered": dict(counts.webhook_answered),
        }
        return _ok(summary)

    async def add_fault(self, request: web.Request) -> web.Response:
        """Switch a fault window on, as `Emulator.fault` does; answers the window."""
        body = await _body(request)
        try:
            window = self.emulator.fault(
                body.get("kind", ""),
                body.get("methods", ["sendMessage"]),
                _number(body, "seconds", 15.0),
                _number(body, "start", None),
                status=int(body.get("status", 500)),
                delay=_number(body, "delay", 0.0) or 0.0,
            )
        except (TypeError, ValueError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return _ok(window.to_json())

    async def list_faults(self, request: web.Request) -> web.Response:
        return _ok([window.to_json() for window in self.emulator.faults.windows()])

    async def clear_faults(self, request: web.Request) -> web.Response:
        return _ok({"ended": self.emulator.clear_faults()})

    async def malformed(self, request: web.Request) -> web.Response:
        body = await _body(request)
        try:
            update_id = self.emulator.push_malformed(str(body.get("kind", "")))
        except ValueError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return _ok({"update_id": update_id})

    async def webhook(self, request: web.Request) -> web.Response:
        """What getWebhookInfo says, with the backends the URL stands for and how they share."""
        info = webhook_info(self.emulator.world)
        sender = self.emulator.webhooks
        return _ok({**info, "backends": sender.backends, "spread": sender.spread})

    async def webhook_backends(self, request: web.Request) -> web.Response:
        body = await _body(request)
        urls = body.get("backends", [])
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise web.HTTPBadRequest(text="backends is a list of URLs")
        try:
            self.emulator.webhook_backends(urls, body.get("spread", "round_robin"))
        except ValueError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return await self.webhook(request)

    async def lose_webhook_answers(self, request: web.Request) -> web.Response:
        body = await _body(request)
        times = body.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise web.HTTPBadRequest(text="times is a whole number, at least 1")
        self.emulator.lose_webhook_answers(times)
        return _ok({"times": times})


async def _body(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="send a JSON object")
    return body


def _number(body: JSON, name: str, default: float | None) -> float | None:
    """A number field of a JSON body; null stands for None."""
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number")
    return float(value)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})
