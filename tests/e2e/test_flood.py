"""End to end: one person sending a flood gets one kind note and their extra messages are
dropped unread; everyone else is answered as quickly as ever."""

from __future__ import annotations

import time

import pytest

from bot.telegram.updates import BURST
from flows.messages import say
from tests.conftest import Harness

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]


async def test_a_flood_from_one_person_does_not_hold_up_anyone_else(yv_limited: Harness) -> None:
    flooder, pat = yv_limited.emu.user("Flood"), await yv_limited.joined("Pat")
    for _ in range(300):
        await flooder.send("/start")
    began = time.monotonic()
    await pat.send("/help")
    support = await pat.next_reply(timeout=10)  # the contacts; the list follows in its chat
    waited = time.monotonic() - began
    assert support.text.startswith(say("support_anytime", "en"))
    assert (await pat.next_reply(timeout=10)).text == say("help", "en")
    assert waited < 2.0, f"Pat waited {waited:.1f}s behind someone else's flood"
    # The flooder's share of welcomes, and the note, at Telegram's pace of about 1 a second.
    await flooder.wait_for(BURST + 1, timeout=45)
    await flooder.assert_no_reply(within=2.0)
    texts = [m.text for m in flooder.messages()]
    assert texts.count(say("slow_down", "en")) == 1
    assert len(texts) < 60, "most of the flood was dropped unread"


async def test_someone_tapping_quickly_through_a_question_is_not_slowed(
    yv_limited: Harness,
) -> None:
    """A burst of ordinary use (ten quick messages) is well inside anyone's share."""
    sam = await yv_limited.joined("Sam")
    for n in range(10):
        await sam.send(f"hello {n}")
    await sam.replies(10, timeout=20)
    assert say("slow_down", "en") not in sam.transcript()


async def test_a_flood_of_long_messages_does_not_hold_up_anyone_else(yv_limited: Harness) -> None:
    """Review: each message beyond someone's share is still read for signs of risk, and a long
    one takes a while to read; that work must cost the flooder, not everyone else."""
    flooder, pat = yv_limited.emu.user("Flood"), await yv_limited.joined("Pat")
    words = ["hello", "the", "weather", "today", "is", "nice", "and", "school", "with", "friend"]
    long = " ".join(words[n % len(words)] for n in range(900))[:4000]
    for _ in range(200):
        await flooder.send(long)
    began = time.monotonic()
    await pat.send("/help")
    support = await pat.next_reply(timeout=30)  # the contacts; the list follows in its chat
    waited = time.monotonic() - began
    assert support.text.startswith(say("support_anytime", "en"))
    assert (await pat.next_reply(timeout=30)).text == say("help", "en")
    assert waited < 2.0, f"Pat waited {waited:.1f}s behind someone else's flood"
