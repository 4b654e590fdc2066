"""Polling that survives an update python-telegram-bot cannot read: the update is skipped with
one log line naming its id and kind (never its content), and everyone else is still answered.
The webhook server reads each update it is sent with the same ``read_update``. A failed poll
is one plain log line (``PollingTrouble``), never a traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, cast

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.error import Conflict, TelegramError
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import BaseRequest

from bot.telegram.connections import TelegramRequest
from bot.telegram.pacing import Bulk

log = logging.getLogger(__name__)

# The same trouble is said again no sooner than this while polling keeps failing.
SAY_AGAIN_AFTER = 60.0
WEBHOOK_SET = (
    "Telegram has a webhook set for this bot, so polling gets no updates: run "
    "'youthvoice run --webhook', or remove the webhook with 'youthvoice webhook delete'"
)
ANOTHER_POLLER = (
    "another program is polling Telegram with this bot's token (409 Conflict), so each gets "
    "only some of the updates: stop the other one (only one may poll; several instances "
    "take updates by webhook)"
)


class PollingTrouble:
    """What the bot says when a poll fails (python-telegram-bot then tries again): one line,
    never a traceback, message text or the token; the same trouble at most once in
    ``SAY_AGAIN_AFTER``. A conflict says what to do about it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._said: dict[str, float] = {}

    def __call__(self, exc: TelegramError) -> None:
        if isinstance(exc, Conflict):
            words = WEBHOOK_SET if "webhook" in exc.message.lower() else ANOTHER_POLLER
        else:
            words = f"polling Telegram failed ({type(exc).__name__}); trying again"
        now = self._clock()
        if now - self._said.get(words, -SAY_AGAIN_AFTER) < SAY_AGAIN_AFTER:
            return
        self._said[words] = now
        log.warning(words)


class SkippingRequest(TelegramRequest):
    """The request object for ``getUpdates`` only: it reads each update of a batch on its own.

    python-telegram-bot reads a whole batch at once: one unreadable update (a ``message`` that
    is not an object, a ``poll`` without its question) makes it log the whole batch, names and
    text included, and fetch the same batch again, for ever. Here one that fails becomes the
    bare ``{"update_id": n}``, which no handler takes, so the offset still moves past it
    (dropped, it would come back if it was the batch's last), before the library sees or logs
    the batch. The updates read are kept for ``SkippingBot``, which would otherwise read each
    one again: reading one is a good share of the bot's work for a button press.
    """

    def __init__(self) -> None:
        # As the library's own for getUpdates: one connection, its default timeouts (the
        # long-poll wait is added to the read timeout per call).
        super().__init__(timeout=5.0, connections=1, pool_wait=1.0)
        self.bot: Bot | None = None
        self._read: dict[int, Update] = {}

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        data = BaseRequest.parse_json_payload(payload)
        if isinstance(data, dict) and isinstance(data.get("result"), list):
            self._read, kept = {}, []
            for item in data["result"]:
                update_id = update_id_of(item)
                if update_id is None:
                    continue
                update = read_update(item, update_id, self.bot)
                if update is not None:
                    self._read[update_id] = update
                kept.append(item if update is not None else {"update_id": update_id})
            data["result"] = kept
        return data

    def take(self, data: JSONDict, bot: Bot) -> Update:
        """The update ``data`` (one of the last batch, as kept) as read with ``bot``."""
        update = self._read.pop(data["update_id"], None)
        return update if update is not None else Update.de_json(data, bot)


class SkippingBot(ExtBot[Bulk | str]):
    """The bot, reading updates with ``SkippingRequest``: each update once, and an unreadable
    one skipped. Built without the library's builder, which has no place for a bot class."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "https://api.telegram.org/bot",
        request: BaseRequest | None = None,
        rate_limiter: BaseRateLimiter[Bulk | str] | None = None,
        reader: SkippingRequest | None = None,
    ) -> None:
        reader = SkippingRequest() if reader is None else reader
        super().__init__(
            token,
            base_url=base_url,
            request=request,
            get_updates_request=reader,
            rate_limiter=rate_limiter,
        )
        reader.bot = self
        with self._unfrozen():  # the library's objects are frozen once made
            self._reader = reader

    async def initialize(self) -> None:
        """The library's, closing the connections it opened when that fails (``getMe``
        refused or unanswered): the library shuts down only a bot that started."""
        try:
            await super().initialize()
        except BaseException:
            await asyncio.gather(self._reader.shutdown(), self.request.shutdown())
            raise

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """The library's ``get_updates``, taking the updates its request has read."""
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # As the library does: the long-poll wait is added to the read timeout.
        if isinstance(read_timeout, DefaultValue):
            waiting = self._reader.read_timeout or 0.0
        else:
            waiting = read_timeout or 0.0
        if isinstance(timeout, dtm.timedelta):
            waiting += timeout.total_seconds()
        elif timeout:
            waiting += timeout
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=waiting,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        updates = [self._reader.take(item, self) for item in cast("list[JSONDict]", result)]
        for update in updates:
            self.insert_callback_data(update)
        return tuple(updates)


def update_id_of(data: object) -> int | None:
    """The update id of an update as Telegram sent it (None, logged: it has none)."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if type(update_id) is not int:
        log.warning("skipped an update without an update id")
        return None
    return update_id


def read_update(data: Any, update_id: int, bot: Bot | None) -> Update | None:
    """The update as the library reads it (None, logged with its id and kind only: it cannot
    be read)."""
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # the library's own parsing: any failure means unreadable
        kind = next((key for key in data if key != "update_id"), "nothing")
        log.warning("skipped update %d (%s): unreadable, %s", update_id, kind, type(exc).__name__)
        return None
