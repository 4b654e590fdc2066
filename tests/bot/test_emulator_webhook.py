"""The emulator's webhooks: setWebhook, getWebhookInfo and deleteWebhook as Telegram answers
them, updates POSTed in order with the secret token, retried with back-off, spread over
backends."""

from __future__ import annotations

import asyncio
import collections
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict

from bot.emulator import SECRET_HEADER, Emulator

TOKEN = "123456:TEST-token"
SECRET = "a-secret_token-0123456789"
pytestmark = pytest.mark.timeout(20)

JSON = dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Receiver:
    """A tiny webhook server: keeps what it was posted and answers what the test queued
    (200 once the queue is empty)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.posts: list[tuple[JSON, str | None]] = []
        self.answers: collections.deque[int] = collections.deque()
        self.refusing: set[str] = set()  # message texts answered 500 for now
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def texts(self) -> list[str]:
        return [update["message"]["text"] for update, _ in self.posts if "message" in update]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.posts.append((update, request.headers.get(SECRET_HEADER)))
        if update.get("message", {}).get("text") in self.refusing:
            return web.Response(status=500)
        return web.Response(status=self.answers.popleft() if self.answers else 200)


async def until(ready: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until `ready()`, failing after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not ready():
            await asyncio.sleep(0.01)


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(TOKEN, webhook_backoff=(0.05, 0.2), webhook_timeout=2.0) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url) as client:
        yield client


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    await rec.start()
    yield rec
    await rec.stop()


async def test_set_info_and_delete_as_telegram_answers(bot: Bot, emu: Emulator) -> None:
    """setWebhook shows in getWebhookInfo; getUpdates is a 409 Conflict while it is set;
    deleteWebhook brings getUpdates back, with the updates that waited."""
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    port = free_port()  # nothing listens: updates wait
    url = f"http://127.0.0.1:{port}/hook"
    assert await bot.set_webhook(url, secret_token=SECRET, max_connections=5)
    await emu.user("Sam").send("hello")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await until(lambda: emu.webhook is not None and emu.webhook.last_error_message is not None)
    info = await bot.get_webhook_info()
    assert info.url == url and info.max_connections == 5 and not info.has_custom_certificate
    assert info.pending_update_count == 1
    assert info.last_error_message == "Connection refused" and info.last_error_date is not None
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.text == "hello"


async def test_a_waiting_get_updates_ends_in_conflict_when_a_webhook_is_set(
    bot: Bot, emu: Emulator, receiver: Receiver
) -> None:
    """A long poll under way when the webhook is set answers 409 at once."""
    poll = asyncio.create_task(bot.get_updates(timeout=10, read_timeout=15))
    await asyncio.sleep(0.1)
    await bot.set_webhook(receiver.url)
    with pytest.raises(Conflict):
        await poll


async def test_bad_webhooks_are_refused(bot: Bot) -> None:
    """A URL that is not http(s), or a secret token with other characters, is a 400."""
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("ftp://example.org/hook")
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook("https://example.org/hook", secret_token="not allowed!")
    assert (await bot.get_webhook_info()).url == ""


async def test_updates_are_posted_in_order_with_the_secret(
    bot: Bot, emu: Emulator, receiver: Receiver
) -> None:
    """Each update is POSTed as JSON python-telegram-bot reads, with the secret header, in
    the order they happened; a 2xx answer takes it off the queue."""
    sam, alex = emu.user("Sam"), emu.user("Alex")
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    for text in ("one", "two", "three"):
        await sam.send(text)
    await alex.send("hi")
    await until(lambda: len(receiver.posts) == 4)
    assert all(secret == SECRET for _, secret in receiver.posts)
    assert [t for t in receiver.texts if t != "hi"] == ["one", "two", "three"]
    update = Update.de_json(receiver.posts[0][0], bot)
    assert update.message is not None and update.message.from_user is not None
    await until(lambda: emu.pending_updates == 0)
    assert emu.stats.webhook_answered[receiver.url] == 4
    assert (await bot.get_webhook_info()).last_error_message is None


async def test_a_refused_update_is_posted_again_and_holds_back_its_chat(
    bot: Bot, emu: Emulator, receiver: Receiver
) -> None:
    """A non-2xx answer is recorded as the last error and the update is posted again later;
    the same chat's next update waits for it, another chat's does not."""
    sam, alex = emu.user("Sam"), emu.user("Alex")
    receiver.refusing.add("first")
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    await sam.send("first")
    await sam.send("second")
    await alex.send("other chat")
    await until(lambda: "other chat" in receiver.texts and receiver.texts.count("first") >= 3)
    assert "second" not in receiver.texts
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    receiver.refusing.clear()
    await until(lambda: "second" in receiver.texts)
    texts = receiver.texts
    assert texts.index("second") > max(i for i, t in enumerate(texts) if t == "first")
    assert emu.stats.webhook_errors == texts.count("first") - 1
    await until(lambda: emu.pending_updates == 0)


async def test_a_webhook_that_is_down_gets_the_updates_when_it_is_back(
    bot: Bot, emu: Emulator
) -> None:
    """Connection refused: the updates wait, and go when the server listens again."""
    receiver = Receiver()
    await bot.set_webhook(receiver.url)
    sam = emu.user("Sam")
    await sam.send("while down")
    await until(lambda: emu.stats.webhook_errors >= 2)
    await receiver.start()
    try:
        await sam.send("after")
        await until(lambda: receiver.texts == ["while down", "after"])
    finally:
        await receiver.stop()


async def test_a_lost_answer_means_the_update_comes_again(
    bot: Bot, emu: Emulator, receiver: Receiver
) -> None:
    """When the bot's 200 is lost on the way back, the same update (same id) comes again."""
    emu.lose_webhook_answers(1)
    await bot.set_webhook(receiver.url)
    await emu.user("Sam").send("once")
    await until(lambda: len(receiver.posts) == 2 and emu.pending_updates == 0)
    assert receiver.posts[0][0] == receiver.posts[1][0]
    assert (await bot.get_webhook_info()).last_error_message == "Read timeout expired"


async def test_drop_pending_and_allowed_updates(
    bot: Bot, emu: Emulator, receiver: Receiver
) -> None:
    """drop_pending_updates forgets what waited; allowed_updates leaves out other kinds."""
    sam = emu.user("Sam")
    await sam.send("before")
    await bot.set_webhook(receiver.url, drop_pending_updates=True, allowed_updates=["message"])
    await sam.send("kept")
    emu.push_raw({"edited_message": {"bad": True}})
    await until(lambda: emu.pending_updates == 0)
    assert receiver.texts == ["kept"]
    assert (await bot.get_webhook_info()).allowed_updates == ("message",)


async def test_backends_share_the_updates(bot: Bot, emu: Emulator) -> None:
    """Round robin spreads updates over every backend; by chat keeps a chat on one backend,
    and a retry moves to the next one."""
    first, second = Receiver(), Receiver()
    await first.start()
    await second.start()
    try:
        emu.webhook_backends([first.url, second.url])
        await bot.set_webhook("https://bot.example.org/telegram")
        sam = emu.user("Sam")
        for text in ("a", "b", "c", "d"):
            await sam.send(text)
        await until(lambda: emu.pending_updates == 0)
        assert len(first.posts) == len(second.posts) == 2
        emu.webhook_backends([first.url, second.url], spread="chat")
        for text in ("e", "f"):
            await sam.send(text)
        await until(lambda: emu.pending_updates == 0)
        home, other = (first, second) if "e" in first.texts else (second, first)
        assert home.texts[-2:] == ["e", "f"] and "e" not in other.texts
        home.answers.append(500)
        await sam.send("g")
        await until(lambda: "g" in other.texts)
        assert home.texts[-1] == "g"
        with pytest.raises(ValueError, match="no spread"):
            emu.webhook_backends([first.url], spread="random")  # type: ignore[arg-type]
    finally:
        await first.stop()
        await second.stop()


async def test_control_api_sets_backends_and_loses_answers(
    emu: Emulator, bot: Bot, receiver: Receiver
) -> None:
    """Another process sets the backends and loses answers through /_emulator/webhook."""
    await bot.set_webhook("https://bot.example.org/telegram", secret_token=SECRET)
    async with aiohttp.ClientSession() as http:
        body = {"backends": [receiver.url], "spread": "chat"}
        async with http.post(f"{emu.url}/_emulator/webhook", json=body) as answer:
            shown = (await answer.json())["result"]
        assert shown["url"] == "https://bot.example.org/telegram"
        assert shown["backends"] == [receiver.url] and shown["spread"] == "chat"
        async with http.post(f"{emu.url}/_emulator/webhook/lose", json={"times": 1}) as answer:
            assert answer.status == 200
        async with http.post(f"{emu.url}/_emulator/webhook", json={"spread": "x"}) as answer:
            assert answer.status == 400
        await emu.user("Sam").send("hi")
        await until(lambda: len(receiver.posts) == 2 and emu.pending_updates == 0)
        async with http.get(f"{emu.url}/_emulator/stats") as answer:
            stats = (await answer.json())["result"]
        assert stats["webhook_posts"] == 2 and stats["webhook_errors"] == 1


async def test_stop_cancels_posts_and_leaves_nothing_running() -> None:
    """Stopping the emulator mid-post leaves no task behind."""
    before = asyncio.all_tasks()
    slow_port = free_port()

    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", slow)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", slow_port).start()
    emulator = Emulator(TOKEN)
    await emulator.start()
    try:
        async with Bot(TOKEN, base_url=emulator.base_url) as client:
            await client.set_webhook(f"http://127.0.0.1:{slow_port}/hook")
        await emulator.user("Sam").send("hi")
        await until(lambda: emulator.stats.webhook_posts == 1)
    finally:
        await emulator.stop()
        release.set()
        await runner.cleanup()
    assert emulator.pending_updates == 1
    assert asyncio.all_tasks() - before == set()
