"""End to end over Telegram's webhook: the real bot serves ``run --webhook`` on a local port and
the emulator POSTs updates to it as Telegram does, retrying what is not answered 200.

A young person joins and answers; a wrong or missing secret is refused and the update comes
again; a repeat is handled once; a bot that was down gets the update when it is back; /health
tells a load balancer whether the database and Telegram answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.emulator import SECRET_HEADER, Emulator, SimUser
from bot.runtime.runner import BotRunner, open_services
from bot.telegram.webhook import WebhookOptions
from bot.telegram.webhook_setup import set_webhook
from tests.conftest import (
    TOKEN,
    Clock,
    Harness,
    assert_quiet,
    finish_weekly,
    last_update_id,
    make_settings,
    start_invited,
)

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(40), pytest.mark.both_databases]

SECRET = "webhook-secret_0123456789abcdef"


@dataclass
class WebhookHarness(Harness):
    """A Harness whose bot takes updates by webhook on a local port (the same one after a
    restart, as a real server's)."""

    port: int = 0

    async def start(self) -> None:
        self.svc = await open_services(self.settings, self.clock)
        options = WebhookOptions("127.0.0.1", self.port, self.settings.webhook_path, SECRET)
        self.runner = BotRunner(self.svc, delivery_idle=0.05, webhook=options)
        await self.runner.start()
        assert self.runner.webhook is not None
        self.port = self.runner.webhook.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.settings.webhook_path}"

    async def point_webhook(self, secret: str | None = SECRET) -> None:
        """What `youthvoice webhook set` does, with this secret (None: no secret at all)."""
        value = SecretStr(secret) if secret is not None else None
        await set_webhook(self.settings.model_copy(update={"webhook_secret": value}), self.url)

    async def health(self) -> tuple[int, Any]:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{self.port}/health") as answer,
        ):
            return answer.status, await answer.json()


@pytest.fixture
async def yvw(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[WebhookHarness]:
    """The bot in webhook mode, the emulator posting to it (retrying within half a second)."""
    clock = Clock()
    emulator = Emulator(
        token=TOKEN,
        bot_username="youthvoice_test_bot",
        rate_limits=False,
        clock=clock,
        webhook_backoff=(0.05, 0.4),
    )
    async with emulator as emu:
        settings = make_settings(
            tmp_path, api_url=emu.base_url, webhook_secret=SECRET, **database_settings
        )
        harness = WebhookHarness(emu, settings, clock)
        await harness.start()
        try:
            await harness.point_webhook()
            yield harness
        finally:
            await harness.stop()


async def until(ready: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not ready():
            await asyncio.sleep(0.01)


async def welcomed(person: SimUser) -> None:
    """Wait for the welcome after /start, then check nothing else came before /help's answer."""
    welcome = await person.next_reply()
    assert "Do you want to join?" in (welcome.text or ""), person.transcript()
    await assert_quiet(person)


async def test_a_young_person_joins_and_answers_a_checkin_over_webhooks(
    yvw: WebhookHarness,
) -> None:
    """Joining and a whole check-in go through webhooks; the bot never polls."""
    forum = await yvw.cohort("Forum", "FORUM123")
    sam = await yvw.joined("Sam", "FORUM123")
    checkin = await yvw.open_checkin("weekly", forum)
    await start_invited(sam)
    await finish_weekly(sam)
    assert await yvw.release() == 1
    assert (await yvw.store.totals(checkin.id)).responses == 1
    assert yvw.emu.stats.calls["getUpdates"] == 0
    assert yvw.emu.stats.calls["deleteWebhook"] == 0
    assert yvw.emu.stats.webhook_answered[yvw.url] >= 10


async def test_the_200_comes_once_the_update_is_handled_and_recorded(
    yvw: WebhookHarness,
) -> None:
    """When Telegram has its 200 (the update is off its queue), the reply has gone and the
    step is in the database: a bot that died after answering would lose nothing."""
    sam = yvw.emu.user("Sam")
    await sam.send("/start")
    await until(lambda: not yvw.emu.pending_updates)
    assert sam.messages() != []
    await sam.tap("Yes, I'm in")
    await until(lambda: not yvw.emu.pending_updates)
    contact = await yvw.store.contact(sam.id)
    assert contact is not None and contact.status == "joined"


async def test_a_wrong_or_missing_secret_is_refused_and_the_update_comes_again_once(
    yvw: WebhookHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot answers 403 to a wrong or missing secret token without logging it; Telegram
    keeps the update and, once the secret is right, it is handled once."""
    await yvw.point_webhook("a-wrong-secret-0123456789")
    sam = yvw.emu.user("Sam")
    with caplog.at_level(logging.INFO):
        await sam.send("/start")
        await until(lambda: yvw.emu.stats.webhook_errors >= 2)
        await yvw.point_webhook(None)
        errors = yvw.emu.stats.webhook_errors
        await until(lambda: yvw.emu.stats.webhook_errors >= errors + 2)
    assert yvw.emu.webhook is not None
    assert yvw.emu.webhook.last_error_message == "Wrong response from the webhook: 403 Forbidden"
    assert sam.messages() == []
    assert "a-wrong-secret" not in caplog.text and SECRET not in caplog.text
    assert "missing or wrong secret token" in caplog.text
    await yvw.point_webhook()
    await welcomed(sam)


async def test_an_update_whose_answer_was_lost_is_handled_once(yvw: WebhookHarness) -> None:
    """The bot handled /start and answered 200, but the answer never reached Telegram: the
    same update comes again and is not handled again; so with a tap."""
    sam = yvw.emu.user("Sam")
    yvw.emu.lose_webhook_answers(1)
    await sam.send("/start")
    await welcomed(sam)
    await until(lambda: not yvw.emu.pending_updates)  # /help's 200 is back too
    yvw.emu.lose_webhook_answers(1)
    posts = yvw.emu.stats.webhook_posts
    await sam.tap("Yes, I'm in")
    await sam.replies(2)  # the keyboard removed, then "You're in"
    await until(lambda: yvw.emu.stats.webhook_posts >= posts + 2 and not yvw.emu.pending_updates)
    await assert_quiet(sam)
    contact = await yvw.store.contact(sam.id)
    assert contact is not None and contact.status == "joined"


async def test_a_bot_that_was_down_gets_the_update_when_it_is_back(yvw: WebhookHarness) -> None:
    """While the bot is down Telegram cannot connect and keeps the update; it comes when the
    bot listens again."""
    await yvw.stop()
    sam = yvw.emu.user("Sam")
    await sam.send("/start")
    await until(lambda: yvw.emu.stats.webhook_errors >= 1)
    assert yvw.emu.webhook is not None
    assert yvw.emu.webhook.last_error_message == "Connection refused"
    await yvw.start()
    await welcomed(sam)


async def test_an_unreadable_body_is_answered_200_and_logged_without_content(
    yvw: WebhookHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """An update the library cannot read, or a body that is not JSON, is answered 200 (else
    Telegram would send it for ever) with a log line naming no content."""
    with caplog.at_level(logging.INFO):
        update_id = yvw.emu.push_malformed("message_string")
        await until(lambda: yvw.emu.pending_updates == 0)
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                yvw.url, data=b"Secretname {not json", headers={SECRET_HEADER: SECRET}
            ) as answer,
        ):
            assert answer.status == 200
    assert f"skipped update {update_id} (message): unreadable" in caplog.text
    assert "skipped a webhook call whose body is not JSON" in caplog.text
    assert "hello" not in caplog.text and "Secretname" not in caplog.text
    assert yvw.emu.stats.webhook_errors == 0
    sam = yvw.emu.user("Sam")
    await sam.send("/start")
    await welcomed(sam)


async def test_health_says_whether_the_database_and_telegram_answer(yvw: WebhookHarness) -> None:
    """200 while both answer; 503 naming the one that does not."""
    assert await yvw.health() == (200, {"database": "ok", "telegram": "ok"})
    assert yvw.runner is not None and yvw.runner.webhook is not None
    yvw.runner.webhook.telegram_fresh = 0  # ask Telegram on every check
    window = yvw.emu.fault("error", ["getMe"], seconds=None)
    assert await yvw.health() == (503, {"database": "ok", "telegram": "unreachable"})
    window.end()
    assert await yvw.health() == (200, {"database": "ok", "telegram": "ok"})
    await yvw.store.close()
    assert await yvw.health() == (503, {"database": "unreachable", "telegram": "ok"})


async def test_a_repeat_after_a_restart_is_handled_once(yvw: WebhookHarness) -> None:
    """A process that never saw the first copy still handles a repeat once: the store's claim
    on the update id holds across restarts."""
    sam = await yvw.joined("Sam")
    tap = last_update_id(yvw.emu)
    await until(lambda: not yvw.emu.pending_updates)
    await yvw.restart()
    yvw.emu.repeat_update(tap)
    await until(lambda: not yvw.emu.pending_updates)
    await assert_quiet(sam)
    contact = await yvw.store.contact(sam.id)
    assert contact is not None and contact.status == "joined"
