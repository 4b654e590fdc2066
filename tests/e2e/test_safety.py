"""End to end: a young person who writes something worrying gets support at once, before
anything else, whatever state they are in, and their words are never kept as an answer."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bot.actions.safety import bundled_safety_net
from flows.messages import say
from storage.base import StorageError
from tests.conftest import Harness, start_invited
from tests.database import db_rows, everything_stored

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

SUPPORT = bundled_safety_net().support("en")
ANYTIME = bundled_safety_net().support("en", anytime=True)  # /urgent and /help
# With nobody in YOUTHVOICE_SAFEGUARDING (as here): said honestly, with the contacts again.
NOBODY = f"{say('consent_nobody', 'en')}\n\n{bundled_safety_net().contact_list('en')}"
WORRYING = "i dont want to be alive anymore"


async def test_worrying_words_outside_a_checkin_bring_support_first(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    await sam.send(WORRYING)
    support, after = await sam.replies(2)
    assert support.text == SUPPORT
    assert "Samaritans" in support.text and "116 123" in support.text
    assert after.text == NOBODY


async def test_someone_who_has_not_joined_gets_support_too(yv: Harness) -> None:
    stranger = yv.emu.user("Stranger")
    await stranger.send("he hits me every night")
    support, after = await stranger.replies(2)
    assert support.text == SUPPORT
    assert after.text == NOBODY


async def test_urgent_works_before_joining_and_after_stop(yv: Harness) -> None:
    stranger = yv.emu.user("Stranger")
    await stranger.send("/urgent")
    assert (await stranger.next_reply()).text == ANYTIME
    sam = await yv.joined("Sam")
    await sam.send("/stop")
    await sam.next_reply()
    await sam.send("/urgent")
    assert (await sam.next_reply()).text == ANYTIME


async def test_worrying_words_in_a_checkin_bring_support_and_are_never_kept(yv: Harness) -> None:
    """A text answer that brings support is stored as a neutral note, not the words."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await start_invited(sam)
    for label in ["😐 OK", "Yes", "I'm OK", "Yes"]:
        await sam.tap(label)
        await sam.replies(2)
    await sam.tap("Help with money")
    await sam.next_reply()
    await sam.tap("Done ✔")
    await sam.replies(2)
    await sam.send("nobody cares, im going to end it all")
    support, after = await sam.replies(2)
    assert support.text == SUPPORT
    assert after.text == NOBODY  # no survey words, no cheerful thanks
    await sam.assert_no_reply(within=0.3)
    await sam.send("Nothing else, thanks")  # the question waited for what they say next
    assert (await sam.replies(2))[-1].text.startswith("Thank you."), sam.transcript()
    assert await yv.release() == 1
    rows = db_rows(
        yv.settings.database,
        "SELECT value FROM answers WHERE checkin_id = ? AND question_id = 'anything'",
        checkin.id,
    )
    assert [json.loads(v) for (v,) in rows] == ["Nothing else, thanks"]
    everything = everything_stored(yv.settings.database)
    assert b"end it all" not in everything


class BrokenStore:
    """Every storage call fails, as when the disk has gone."""

    def __getattr__(self, name: str) -> Any:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise StorageError(f"{name} failed: SQLITE_IOERR")

        return fail


async def test_support_goes_out_when_the_database_is_down(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    svc = yv.svc
    assert svc is not None
    store, svc.store = svc.store, BrokenStore()
    try:
        await sam.send("i was raped")
        assert [m.text for m in await sam.replies(2)] == [SUPPORT, NOBODY]
        await sam.send("/urgent")
        assert (await sam.next_reply()).text == ANYTIME
    finally:
        svc.store = store


async def test_a_flood_never_hides_a_worrying_message(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    for _ in range(60):
        await sam.send("hi")
    await sam.send(WORRYING)
    for _ in range(400):
        if SUPPORT in [m.text for m in sam.messages()]:
            break
        await asyncio.sleep(0.05)
    assert SUPPORT in [m.text for m in sam.messages()], "the worrying message was dropped"


async def test_a_worrying_caption_brings_support(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    await sam.send_photo(caption="he hits me")
    support, after = await sam.replies(2)
    assert support.text == SUPPORT
    assert after.text == NOBODY


async def test_support_gets_through_when_telegram_is_slowing_the_chat_down(
    yv_limited: Harness,
) -> None:
    """Review: after a few quick messages Telegram answers 429 in that chat; support waits
    only as long as Telegram asks, and still arrives."""
    sam = await yv_limited.joined("Sam")
    for words in ["hey", "are you there", "please"]:
        await sam.send(words)
    await sam.send(WORRYING)
    for _ in range(300):
        if SUPPORT in [m.text for m in sam.messages()]:
            break
        await asyncio.sleep(0.05)
    assert SUPPORT in [m.text for m in sam.messages()], sam.transcript()


async def test_support_follows_the_welsh_app_language_without_the_database(yv: Harness) -> None:
    """Support is sent without reading anyone's contact row, so it follows the language of the
    person's Telegram app: someone whose app is in Welsh gets the contacts, and what comes
    after them, in Welsh, even before joining."""
    cai = yv.emu.user("Cai", language_code="cy")
    await cai.send("i want to kill myself")
    first = await cai.next_reply()
    assert first.text == bundled_safety_net().support("cy")
    assert first.text != SUPPORT
    await cai.send("/urgent")
    replies = await cai.replies(2)
    assert bundled_safety_net().support("cy", anytime=True) in [r.text for r in replies]


@pytest.mark.parametrize(
    "command", ["/pause", "/checkin", "/mydata", "/updates", "/start", "/stop"]
)
async def test_worrying_words_after_a_command_bring_support_instead(
    yv: Harness, command: str
) -> None:
    """Regression: commands were never read as text, so "/pause i dont want to be alive
    anymore" got only the pause question. Support comes first, and the command is not
    carried out."""
    sam = await yv.joined("Sam")
    await sam.send(f"{command} i dont want to be alive anymore")
    first = await sam.next_reply()
    assert first.text == SUPPORT
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.status.value == "joined"  # /stop was not done
