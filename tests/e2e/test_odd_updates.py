"""End to end: updates the bot cannot use, straight from the Bot API. One that
python-telegram-bot cannot read is skipped after one short log line (its id and kind, never its
content); a private message without a sender is ignored quietly; another program polling with
the bot's token is one plain warning. Everyone else keeps being answered."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from telegram import Bot

from bot.telegram.polling import ANOTHER_POLLER
from flows.messages import say
from tests.conftest import TOKEN, Harness, assert_quiet

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

SECRET = "Secretname"


def unreadable(kind: str, chat_id: int, date: int) -> Any:
    """An update body of ``kind`` that python-telegram-bot 22 cannot parse, carrying SECRET."""
    person = {"id": chat_id, "is_bot": False, "first_name": SECRET}
    chat = {"id": chat_id, "type": "private", "first_name": SECRET}
    if kind == "message":
        return f"{SECRET} says hi"  # a string, not a Message
    if kind == "chat_member":  # the new member has no status
        old = {"user": person, "status": "member"}
        return {
            "chat": chat,
            "from": person,
            "date": date,
            "old_chat_member": old,
            "new_chat_member": {"user": person},
        }
    assert kind == "poll"  # no question, no options
    return {
        "id": "p1",
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "explanation": SECRET,
    }


async def confirmed(yv: Harness) -> None:
    """Wait until the bot has fetched and confirmed every queued update (offset past them)."""
    async with asyncio.timeout(5):
        while yv.emu.pending_updates:
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("kind", ["message", "chat_member", "poll"])
async def test_unreadable_update_is_skipped_after_one_short_log_line(
    yv: Harness, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    """An update the library cannot parse is skipped once, logged in one line with its id and
    kind and nothing of its content, and the person writing next is answered at once. It is
    the last of its batch, so only an offset moved past it keeps it from coming back."""
    sam = await yv.joined("Sam")
    caplog.set_level(logging.DEBUG)
    update_id = yv.emu.world.push_update(kind, unreadable(kind, sam.id, int(yv.clock())))
    await confirmed(yv)
    await sam.send("/help")
    assert (await sam.replies(2, timeout=2))[1].text == say("help", "en")
    await sam.send("/privacy")
    assert (await sam.next_reply(timeout=2)).text == say("privacy", "en")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"skipped update {update_id} ({kind}):"), warnings
    everything = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert SECRET not in everything


async def test_private_message_without_a_sender_is_ignored_quietly(
    yv: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A private message with no ``from`` (no one to answer as) gets no reply, no apology and
    no error in the log; the person writing next is answered as usual."""
    sam = await yv.joined("Sam")
    caplog.set_level(logging.INFO)
    chat = {"id": sam.id, "type": "private", "first_name": "Sam"}
    command = [{"type": "bot_command", "offset": 0, "length": 8}]
    for text, entities in [("hello", []), ("/checkin", command)]:
        message = {"message_id": 9000, "date": int(yv.clock()), "chat": chat, "text": text}
        yv.emu.world.push_update("message", {**message, "entities": entities})
    await assert_quiet(sam)
    assert say("sorry_error", "en") not in sam.transcript()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_people_around_an_unreadable_update_in_one_batch_are_answered(
    yv: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Alex, an unreadable update and Sam arrive in one batch: both people are answered and
    the unreadable one costs one warning, however the batch is split."""
    sam, alex = await yv.joined("Sam"), yv.emu.user("Alex")
    caplog.set_level(logging.INFO)
    await alex.send("/help")
    yv.emu.world.push_update("poll", unreadable("poll", sam.id, int(yv.clock())))
    await sam.send("/privacy")
    assert (await alex.replies(2, timeout=2))[1].text == say("help", "en")
    assert (await sam.next_reply(timeout=2)).text == say("privacy", "en")
    await confirmed(yv)
    await assert_quiet(sam)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("skipped update"), warnings


async def test_another_program_polling_the_token_is_one_plain_warning(
    yv: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A stray copy polling with the bot's token ends the bot's waiting poll (409 Conflict, as
    on Telegram): the bot says so in one line with what to do, no traceback, polls again and
    answers as before."""
    sam = await yv.joined("Sam")
    caplog.set_level(logging.INFO)
    async with Bot(TOKEN, base_url=yv.emu.base_url) as stray:
        await asyncio.sleep(0.2)  # the bot's poll is waiting
        await stray.get_updates(timeout=0)  # not waiting: nothing can end it
    async with asyncio.timeout(5):
        while not any(r.getMessage() == ANOTHER_POLLER for r in caplog.records):
            await asyncio.sleep(0.05)
    await sam.send("/help")
    assert (await sam.replies(2, timeout=5))[1].text == say("help", "en")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [ANOTHER_POLLER]
    assert all(r.exc_info is None for r in caplog.records)
