"""Starts and stops the bot: the Telegram application (polling, or a webhook server), the
delivery loop and the planner.

``BotRunner`` is used the same way by ``youthvoice run``, the demo and the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import time
from collections.abc import Callable

from bot.actions import answering, notices
from bot.actions.made_surveys import with_made_surveys
from bot.actions.safety import load_safety_net
from bot.keys import load_key, lock_key
from bot.runtime.delivery import Delivery
from bot.runtime.leadership import CHECK_EVERY, Leadership
from bot.runtime.planner import Planner
from bot.runtime.replies import ReplyRecovery
from bot.services import Services, make_store
from bot.settings import Settings
from bot.telegram.app import PACE_MARGIN, TelegramBot
from bot.telegram.webhook import WebhookOptions, WebhookServer
from flows.survey import load_surveys
from storage.base import StorageError

log = logging.getLogger(__name__)


class BotRunner:
    """Starts the bot (polling and delivery) on the current event loop, and stops it cleanly."""

    def __init__(
        self,
        svc: Services,
        *,
        poll_timeout: float = 10,
        delivery_idle: float = 0.5,
        planner_tick: float = 2.0,
        stop_timeout: float = 15,
        webhook: WebhookOptions | None = None,
        leader_check: float = CHECK_EVERY,
    ):
        self.svc = svc
        self.telegram = TelegramBot(svc)
        self.delivery = Delivery(
            svc.store,
            self.telegram.sender,
            rate=svc.settings.send_rate,
            chat_gap=svc.settings.chat_gap,
            clock=svc.clock,
            quiet=svc.settings.quiet,
            zone=svc.settings.zone,
            idle=delivery_idle,
            recovery=ReplyRecovery(svc, self.telegram.sender),
            needless=functools.partial(notices.needless, svc),
        )
        self.coordinator = svc.store.coordinator()
        self.leadership = Leadership(
            self.coordinator, svc.settings.send_rate, self._pace, every=leader_check
        )
        self.delivery.leading, self.delivery.claimer = self.leadership, self.coordinator.claimer
        self.planner = Planner(svc, tick=planner_tick, leading=self.leadership)
        self.poll_timeout = poll_timeout
        # With webhook options, updates come from Telegram's webhook instead of polling.
        self.webhook = (
            WebhookServer(self.telegram.app, svc.store, webhook) if webhook is not None else None
        )
        self.stop_timeout = stop_timeout
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def _pace(self, share: float) -> None:
        """This bot's share of Telegram's overall limit (see ``bot.runtime.leadership``)."""
        self.delivery.rate = share
        self.telegram.pacer.rate = share * PACE_MARGIN

    async def start(self) -> None:
        # Joined first: a person's updates wait for their lock from the first one on.
        await self.coordinator.start()
        key, coordinator = self.svc.key, self.coordinator
        self.telegram.processor.hold = lambda person: coordinator.person(lock_key(key, person))
        await self.leadership.check()
        username = await self.telegram.start(self.poll_timeout, polling=self.webhook is None)
        if self.webhook is not None:
            await self.webhook.start()
        # So `youthvoice cohorts add` can print a real invite link without calling Telegram.
        await self.svc.store.set_meta("bot_username", username)
        self._tasks = [
            asyncio.create_task(self.delivery.run(self._stop)),
            asyncio.create_task(self.planner.run(self._stop)),
            asyncio.create_task(self.leadership.run(self._stop)),
        ]
        log.info("Youth Voice is running")

    async def stop(self) -> None:
        if self.webhook is not None:
            await self.webhook.stop()  # first: updates being handled finish
        self._stop.set()
        for task in self._tasks:
            # wait_for cancels a loop that does not finish in time; Telegram must still stop.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=self.stop_timeout)
        await self.telegram.stop()
        await self.coordinator.close()  # the lead and the locks go to the other bots
        if self._tasks:  # it started; after a failed start, the error says enough
            try:
                await answering.keep_shown(self.svc)
            except StorageError as exc:  # cosmetic: older copies keep their buttons
                log.warning("could not save which messages show questions: %s", exc)
            log.info("Youth Voice stopped")


async def open_services(settings: Settings, clock: Callable[[], float] = time.time) -> Services:
    """Load surveys, open the database and load the key (in that order: a database folder
    that cannot be used is reported the same way as by every other command)."""
    surveys = load_surveys(settings.surveys)
    safety = load_safety_net(settings)
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    store = make_store(settings)
    await store.open()
    try:
        surveys = await with_made_surveys(store, surveys)
        key = load_key(secret, settings.database_file)
    except BaseException:
        await store.close()
        raise
    return Services(settings, store, surveys, key, clock, safety=safety)


async def serve(
    settings: Settings,
    clock: Callable[[], float] = time.time,
    webhook: WebhookOptions | None = None,
) -> None:
    """``youthvoice run``: poll (or take updates by webhook) until SIGINT or SIGTERM, then
    stop cleanly."""
    svc = await open_services(settings, clock)
    try:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner = BotRunner(svc, webhook=webhook)
        try:
            await runner.start()
            await stop.wait()
        finally:
            await runner.stop()
    finally:
        await svc.store.close()
