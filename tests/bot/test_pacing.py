"""The pacer: replies go before bulk sends within Telegram's overall limit, answers to presses
are not counted, and a 429 in one chat holds up only that chat."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.pacing import BULK, Pacer

pytestmark = pytest.mark.timeout(10)


class Calls:
    """Records the order requests reached Telegram; ``fail`` maps a chat to 429s to give."""

    def __init__(self, fail: dict[int, int] | None = None) -> None:
        self.order: list[str] = []
        self.fail = fail or {}

    def request(self, name: str, chat: int | None) -> Any:
        async def call() -> bool:
            if chat is not None and self.fail.get(chat, 0) > 0:
                self.fail[chat] -= 1
                raise RetryAfter(1)
            self.order.append(name)
            return True

        return call


async def send(pacer: Pacer, calls: Calls, name: str, chat: int | None, bulk: bool = False) -> Any:
    data = {} if chat is None else {"chat_id": chat}
    return await pacer.process_request(
        calls.request(name, chat), (), {}, "sendMessage", data, BULK if bulk else None
    )


async def test_a_reply_goes_before_bulk_sends_already_waiting() -> None:
    pacer, calls = Pacer(rate=20, burst=1), Calls()
    bulk = [
        asyncio.create_task(send(pacer, calls, f"bulk{n}", 100 + n, bulk=True)) for n in range(6)
    ]
    await asyncio.sleep(0.06)  # the first bulk sends have gone; the rest wait
    await send(pacer, calls, "reply", 1)
    await asyncio.gather(*bulk)
    assert calls.order.index("reply") <= 3, calls.order


async def test_answers_to_presses_are_not_paced() -> None:
    pacer, calls = Pacer(rate=1, burst=1), Calls()
    await send(pacer, calls, "first", 1)
    loop = asyncio.get_running_loop()
    began = loop.time()
    for n in range(5):
        await send(pacer, calls, f"answer{n}", None)  # no chat: answerCallbackQuery, getUpdates
    assert loop.time() - began < 1.0  # paced, five would take five seconds


async def test_a_429_in_one_chat_holds_up_only_that_chat() -> None:
    pacer, calls = Pacer(rate=100), Calls(fail={1: 1})
    slow = asyncio.create_task(send(pacer, calls, "to the flooded chat", 1))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(send(pacer, calls, "to someone else", 2), timeout=0.5)
    assert calls.order == ["to someone else"]
    await asyncio.wait_for(slow, timeout=3)  # tried again after retry_after
    assert calls.order == ["to someone else", "to the flooded chat"]


async def test_a_quiet_spell_allows_a_small_burst_then_the_steady_rate() -> None:
    pacer, calls = Pacer(rate=10, burst=3), Calls()
    loop = asyncio.get_running_loop()
    began = loop.time()
    for n in range(3):
        await send(pacer, calls, f"burst{n}", n)
    assert loop.time() - began < 0.2  # the burst: at the rate alone, 0.2 s
    for n in range(3):
        await send(pacer, calls, f"steady{n}", n)
    assert 0.25 <= loop.time() - began < 1.0  # then the rate: never faster


async def test_bulk_sends_keep_the_full_rate_when_they_wake_late() -> None:
    """A bulk send that wakes late loses no time: tokens build up meanwhile (up to the burst)."""
    pacer, calls = Pacer(rate=50, burst=2), Calls()
    loop = asyncio.get_running_loop()
    began = loop.time()
    for n in range(50):
        await send(pacer, calls, f"bulk{n}", n, bulk=True)
    assert 0.95 <= loop.time() - began < 1.5


async def test_a_bulk_send_hands_a_429_back_to_the_outbox() -> None:
    pacer, calls = Pacer(rate=100), Calls(fail={1: 1})
    with pytest.raises(RetryAfter):
        await send(pacer, calls, "bulk", 1, bulk=True)
