"""Builds and runs the bot: the python-telegram-bot Application, its handlers and the delivery loop.

``BotRunner`` is used the same way by ``youthvoice run``, the demo and the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import buttons, handlers, meetings
from bot.delivery import Delivery
from bot.keys import load_key
from bot.planner import Planner
from bot.services import Services
from bot.settings import Settings
from bot.updates import PerPersonUpdateProcessor
from flows.survey import load_surveys
from storage.base import Store
from storage.sqlite import SqliteStore

log = logging.getLogger(__name__)

# Aim a little under the overall limit: at exactly the limit, any jitter in request timing
# draws a 429, and each 429 pauses every send for a second or more.
PACE_MARGIN = 0.97

COMMANDS = [
    ("checkin", "Answer the check-in that's open"),
    ("meetings", "Meetings coming up"),
    ("privacy", "What we keep and who sees it"),
    ("help", "What I can do"),
    ("stop", "Stop messages from me"),
    ("delete", "Remove yourself"),
]


def build_application(svc: Services) -> Application:  # type: ignore[type-arg]
    """The Application with every handler; private chats only, groups get one polite line."""
    settings = svc.settings
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    app = (
        Application.builder()
        .token(token)
        .base_url(settings.api_url)
        .rate_limiter(
            AIORateLimiter(overall_max_rate=settings.send_rate * PACE_MARGIN, max_retries=2)
        )
        .concurrent_updates(PerPersonUpdateProcessor())
        .build()
    )
    app.bot_data["services"] = svc
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(filters.ChatType.GROUPS, handlers.on_group))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED & private, handlers.on_edited))
    for name, callback in [
        ("start", handlers.on_start),
        ("help", handlers.on_help),
        ("privacy", handlers.on_privacy),
        ("stop", handlers.on_stop),
        ("delete", handlers.on_delete),
        ("checkin", handlers.on_checkin),
        ("meetings", meetings.on_meetings),
    ]:
        app.add_handler(CommandHandler(name, callback, filters=private))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_help))
    app.add_handler(MessageHandler(private & filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(private, handlers.on_unreadable))
    app.add_error_handler(handlers.on_error)
    return app


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
    ):
        self.svc = svc
        self.app = build_application(svc)
        self.delivery = Delivery(
            svc.store,
            self.app.bot,
            rate=svc.settings.send_rate,
            chat_gap=svc.settings.chat_gap,
            clock=svc.clock,
            quiet=svc.settings.quiet,
            zone=svc.settings.zone,
            idle=delivery_idle,
        )
        self.planner = Planner(svc, tick=planner_tick)
        self.poll_timeout = poll_timeout
        self.stop_timeout = stop_timeout
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS])
        # So `youthvoice cohorts add` can print a real invite link without calling Telegram.
        await self.svc.store.set_meta("bot_username", self.app.bot.username)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            poll_interval=0, timeout=int(self.poll_timeout), allowed_updates=Update.ALL_TYPES
        )
        self._tasks = [
            asyncio.create_task(self.delivery.run(self._stop)),
            asyncio.create_task(self.planner.run(self._stop)),
        ]
        log.info("Youth Voice is running")

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            # wait_for cancels a loop that does not finish in time; Telegram must still stop.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=self.stop_timeout)
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        log.info("Youth Voice stopped")


async def open_services(settings: Settings, clock: Callable[[], float] = time.time) -> Services:
    """Load surveys and the key, and open the database."""
    surveys = load_surveys(settings.surveys)
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    key = load_key(secret, settings.database)
    store: Store = SqliteStore(settings.database)
    await store.open()
    return Services(settings, store, surveys, key, clock)


async def serve(settings: Settings, clock: Callable[[], float] = time.time) -> None:
    """``youthvoice run``: poll until SIGINT or SIGTERM, then stop cleanly."""
    svc = await open_services(settings, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = BotRunner(svc)
    try:
        await runner.start()
        await stop.wait()
    finally:
        try:
            await runner.stop()
        finally:
            await svc.store.close()
