"""getUpdates: an update the library cannot read becomes its bare id, and each is read once."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from telegram import Update
from telegram.error import Conflict, NetworkError

from bot.telegram.polling import (
    ANOTHER_POLLER,
    SAY_AGAIN_AFTER,
    WEBHOOK_SET,
    PollingTrouble,
    SkippingBot,
    SkippingRequest,
)

MESSAGE = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}
READABLE = {"update_id": 1, "message": MESSAGE}


class CannedRequest(SkippingRequest):
    """A getUpdates request answered with ``answer``; the read timeouts asked for are kept."""

    def __init__(self, answer: Any) -> None:
        super().__init__()
        self.answer = answer
        self.waits: list[float | None] = []

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.waits.append(kwargs.get("read_timeout"))
        return 200, json.dumps(self.answer).encode()


def canned(updates: list[Any]) -> tuple[SkippingBot, CannedRequest]:
    request = CannedRequest({"ok": True, "result": updates})
    return SkippingBot("1:token", base_url="http://127.0.0.1:9/bot", reader=request), request


@pytest.mark.parametrize(
    ("update", "kept", "warning"),
    [
        (READABLE, READABLE, None),
        ({"update_id": 2}, {"update_id": 2}, None),
        ({"update_id": 3, "message": "private words"}, {"update_id": 3}, "update 3 (message)"),
        ({"update_id": 4, "poll": {"id": "p"}}, {"update_id": 4}, "update 4 (poll)"),
        ({"message": {"text": "private words"}}, None, "without an update id"),
        ({"update_id": "5", "message": "private words"}, None, "without an update id"),
        ("private words", None, "without an update id"),
    ],
)
async def test_each_update_is_kept_reduced_to_its_id_or_left_out(
    caplog: pytest.LogCaptureFixture, update: Any, kept: Any, warning: str | None
) -> None:
    """A readable update is kept as it is; an unreadable one with an id becomes the bare id
    (so the offset still moves past it); one without even an id is left out. Each skip is one
    warning with no content, and nothing else logs it either, the library included."""
    caplog.set_level(logging.DEBUG)
    bot, _ = canned([update])
    result = [u.to_dict() for u in await bot.get_updates()]
    assert result == ([] if kept is None else [Update.de_json(kept).to_dict()])
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.polling"]
    assert len(messages) == (0 if warning is None else 1), messages
    assert all(warning in m for m in messages)
    assert "private words" not in caplog.text


async def test_updates_are_read_once_with_the_bot_for_replies() -> None:
    """The updates the request read are the ones handed on, with the bot set, so shortcuts
    such as ``message.reply_text`` work on them."""
    bot, request = canned([READABLE, {"update_id": 2, "message": "private words"}])
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [1, 2]
    assert updates[0].message is not None and updates[0].message.get_bot() is bot
    assert request.take({"update_id": 1}, bot).message is None  # taken already: not kept


async def test_the_long_poll_wait_is_added_to_the_read_timeout() -> None:
    """As in the library: the request waits for the long poll plus its own read timeout."""
    bot, request = canned([])
    await bot.get_updates(offset=7, timeout=10)
    await bot.get_updates(timeout=10, read_timeout=2)
    assert request.waits == [15.0, 12.0]


class TickingClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_polling_trouble_is_one_plain_line_and_not_said_over_and_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another poller, a webhook, a network error: each its own line with what to do, never a
    traceback, and the same one again only after a minute."""
    clock = TickingClock()
    trouble = PollingTrouble(clock)
    other = Conflict("Conflict: terminated by other getUpdates request; make sure ...")
    hooked = Conflict("Conflict: can't use getUpdates method while webhook is active; ...")
    with caplog.at_level(logging.WARNING, logger="bot.telegram.polling"):
        for exc in (other, other, hooked, NetworkError("down"), other):
            trouble(exc)
            clock.now += 10
        clock.now += SAY_AGAIN_AFTER
        trouble(other)
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        ANOTHER_POLLER,
        WEBHOOK_SET,
        "polling Telegram failed (NetworkError); trying again",
        ANOTHER_POLLER,
    ]
    assert all(r.exc_info is None for r in caplog.records)
    assert "youthvoice webhook delete" in WEBHOOK_SET and "stop the other one" in ANOTHER_POLLER
