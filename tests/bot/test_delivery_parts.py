"""The delivery loop and easy read: a queued message goes to an easy-read reader in parts, one
idea each, in order, its buttons on the last, and is marked sent only once its last part went.
A Telegram error between parts costs nothing twice and loses nothing: the message goes on from
the part that did not get through. Someone who reads the standard words gets one message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot

from bot.emulator import Emulator, RateLimits, SimUser
from bot.runtime.delivery import Delivery
from bot.runtime.outcomes import Buttons, Outcome, Started
from bot.telegram.connections import TelegramRequest
from bot.telegram.sender import TelegramSender
from storage.base import OutgoingMessage
from storage.sqlite import SqliteStore
from tests.bot.test_delivery import deliver_all, outbox
from tests.bot.test_delivery import delivery as tuned
from tests.conftest import TOKEN, clock_start

pytestmark = pytest.mark.timeout(60)

START = [[{"text": "Start", "data": "c:1"}]]
THREE_IDEAS = "First idea.\nStill the first.\n\nSecond idea.\n\nThird idea: tap Start."
PARTS = ["First idea.\nStill the first.", "Second idea.", "Third idea: tap Start."]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, rate_limits=False) as emulator:
        yield emulator


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    async with SqliteStore(tmp_path / "parts.db") as opened:
        yield opened


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    # The bot's own request object: a failed call is read as the bot reads it.
    async with Bot(TOKEN, base_url=emu.base_url, request=TelegramRequest()) as started:
        yield started


class FaultOnCall(TelegramSender):
    """The real sender, with the emulator told to fail the ``nth`` send (from 1) ``times``
    times: a Telegram error just there, between parts."""

    def __init__(self, bot: Bot, emu: Emulator, nth: int, times: int = 1, **fault: Any):
        super().__init__(bot)
        self.emu, self.nth, self.times, self.fault, self.calls = emu, nth, times, fault, 0

    async def send(
        self, chat_id: int, text: str, buttons: Buttons, started: Started | None = None
    ) -> Outcome:
        self.calls += 1
        if self.calls == self.nth:
            self.emu.fail_next("sendMessage", times=self.times, **self.fault)
        return await super().send(chat_id, text, buttons, started)


def delivery(store: SqliteStore, sender: TelegramSender, **options: Any) -> Delivery:
    """``tests.bot.test_delivery``'s loop tuned for tests, sending through ``sender``."""
    return replace(tuned(store, sender.bot, **options), sender=sender)


async def reader(store: SqliteStore, person: SimUser, easy_read: bool) -> None:
    await store.join(person.id, None, "en", "2026-11-23", person.id)
    await store.set_reading(person.id, None, easy_read, person.id + 1)


async def queue(store: SqliteStore, person: SimUser, text: str = THREE_IDEAS) -> None:
    message = OutgoingMessage(person.id, {"text": text, "buttons": START}, clock_start())
    assert await store.enqueue([message]) == 1


def shown(person: SimUser) -> list[tuple[str, list[str]]]:
    return [(m.text, m.button_texts) for m in person.messages()]


async def test_an_easy_read_reader_gets_one_message_an_idea_with_the_buttons_on_the_last(
    emu: Emulator, store: SqliteStore, bot: Bot, tmp_path: Path
) -> None:
    """Three paragraphs, three messages in order; only the last has the Start button; the
    message is counted sent once, when its last part went."""
    sam = emu.user("Sam")
    await reader(store, sam, easy_read=True)
    await queue(store, sam)
    await deliver_all(delivery(store, TelegramSender(bot)), store)
    assert shown(sam) == [(PARTS[0], []), (PARTS[1], []), (PARTS[2], ["Start"])]
    assert outbox(tmp_path / "parts.db") == []
    assert (await store.outbox_counts())["sent"] == 1


async def test_a_standard_reader_gets_the_same_message_whole(
    emu: Emulator, store: SqliteStore, bot: Bot
) -> None:
    alex = emu.user("Alex")
    await reader(store, alex, easy_read=False)
    await queue(store, alex)
    await deliver_all(delivery(store, TelegramSender(bot)), store)
    assert shown(alex) == [(THREE_IDEAS, ["Start"])]


@pytest.mark.parametrize(
    "fault",
    [{"status": 500}, {"drop": True}],
    ids=["server error", "no connection"],
)
async def test_a_telegram_error_between_parts_sends_nothing_twice_and_loses_nothing(
    emu: Emulator, store: SqliteStore, bot: Bot, tmp_path: Path, fault: dict[str, Any]
) -> None:
    """The second part fails (surely not sent): the first is not sent again, the message goes
    on from the second, and it is marked sent only after the third."""
    sam = emu.user("Sam")
    await reader(store, sam, easy_read=True)
    await queue(store, sam)
    run = delivery(store, FaultOnCall(bot, emu, nth=2, **fault))
    await run.deliver_once()
    assert shown(sam) == [(PARTS[0], [])]
    assert [row[2] for row in outbox(tmp_path / "parts.db")] == ["queued"]  # not sent yet
    await deliver_all(run, store)
    assert shown(sam) == [(PARTS[0], []), (PARTS[1], []), (PARTS[2], ["Start"])]
    assert (await store.outbox_counts())["sent"] == 1
    assert run.progress == {}


async def test_a_429_between_parts_pauses_and_the_message_goes_on_from_that_part(
    emu: Emulator, store: SqliteStore, bot: Bot
) -> None:
    """Telegram slows the chat down at the third part (a chat holding only two at once): the
    outbox waits as told, then sends the third part, not the first two again."""
    emu.rate_limits = RateLimits(chat_capacity=2, chat_per_second=2)
    sam = emu.user("Sam")
    await reader(store, sam, easy_read=True)
    await queue(store, sam)
    await deliver_all(delivery(store, TelegramSender(bot)), store)
    assert emu.stats.too_many_requests >= 1
    assert shown(sam) == [(PARTS[0], []), (PARTS[1], []), (PARTS[2], ["Start"])]
    assert (await store.outbox_counts())["sent"] == 1


async def test_a_part_with_no_answer_is_tried_once_more_and_the_message_goes_on(
    emu: Emulator, store: SqliteStore, bot: Bot
) -> None:
    """A part whose outcome is unknown (Telegram took it, the answer was lost) twice over is
    taken as sent: it arrives at most twice, and the parts after it still come."""
    sam = emu.user("Sam")
    await reader(store, sam, easy_read=True)
    await queue(store, sam)
    run = delivery(store, FaultOnCall(bot, emu, nth=2, times=2, after_delivery=True))
    await deliver_all(run, store)
    assert [text for text, _ in shown(sam)] == [PARTS[0], PARTS[1], PARTS[1], PARTS[2]]
    assert (await store.outbox_counts())["sent"] == 1


async def test_more_parts_than_a_burst_follow_at_the_chats_pace(
    emu: Emulator, store: SqliteStore, bot: Bot
) -> None:
    """Each part counts as a message for the chat's pace: after a burst of three, the rest
    of the message waits for the chat gap, and nothing else for that person comes between."""
    sam = emu.user("Sam")
    await reader(store, sam, easy_read=True)
    five = "\n\n".join(f"Idea {n}." for n in range(1, 6))
    await queue(store, sam, five)
    await store.enqueue([OutgoingMessage(sam.id, {"text": "Next message."}, clock_start())])
    run = delivery(store, TelegramSender(bot), chat_gap=0.3)
    await run.deliver_once()
    assert [text for text, _ in shown(sam)] == ["Idea 1.", "Idea 2.", "Idea 3."]
    await deliver_all(run, store)
    texts = [text for text, _ in shown(sam)]
    assert texts == [f"Idea {n}." for n in range(1, 6)] + ["Next message."]
    assert shown(sam)[4][1] == ["Start"]
    stamps = emu.stats.deliveries[sam.id]
    gaps = [later - earlier for earlier, later in pairwise(stamps)]
    assert gaps[2] >= 0.25 * 3  # three parts are three messages of the chat's pace


async def test_after_a_restart_part_way_a_message_starts_again_from_its_first_part_once(
    emu: Emulator, store: SqliteStore, bot: Bot
) -> None:
    """Which parts went is kept in memory only: a bot restarted part way sends the message
    again from its first part. The parts that had gone arrive twice, none three times."""
    sam = emu.user("Sam")
    await reader(store, sam, easy_read=True)
    await queue(store, sam, "\n\n".join(f"Idea {n}." for n in range(1, 6)))
    await delivery(store, TelegramSender(bot), chat_gap=0.3).deliver_once()
    await deliver_all(delivery(store, TelegramSender(bot)), store)  # a new process
    texts = [text for text, _ in shown(sam)]
    assert texts == [f"Idea {n}." for n in (1, 2, 3, 1, 2, 3, 4, 5)]
    assert (await store.outbox_counts())["sent"] == 1
