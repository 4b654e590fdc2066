"""End to end: updates the bot cannot use, straight from the Bot API. A private message
without a sender is ignored quietly; everyone else keeps being answered."""

from __future__ import annotations

import logging

import pytest

from flows.messages import say
from tests.conftest import Harness, assert_quiet

pytestmark = pytest.mark.timeout(30)


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
