"""/checkins in Telegram: workers and leads see open and recent check-ins with invited,
finished and the response rate (small numbers hidden); a young person gets the ordinary
reply to a command the bot does not know, and nothing changes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import Emulator, SimUser
from storage.base import NO_CONNECTION, OutgoingMessage
from tests.conftest import TOKEN, Clock, Harness, last_update_id, make_settings, unknown

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]
TODAY = "2026-11-23"


@dataclass
class Staffed:
    bot: Harness
    worker: SimUser
    lead: SimUser
    young: SimUser


@pytest.fixture
async def staffed(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[Staffed]:
    """A running bot whose settings name one simulated person a worker and one a lead."""
    clock = Clock()
    emulator = Emulator(token=TOKEN, bot_username="youthvoice_test_bot", clock=clock)
    async with emulator as emu:
        worker, lead, young = emu.user("Wren"), emu.user("Lee"), emu.user("Sam")
        settings = make_settings(
            tmp_path,
            api_url=emu.base_url,
            workers=str(worker.id),
            leads=str(lead.id),
            **database_settings,
        )
        harness = Harness(emu, settings, clock)
        await harness.start()
        try:
            yield Staffed(harness, worker, lead, young)
        finally:
            await harness.stop()


async def finish(bot: Harness, checkin_id: int, count: int) -> None:
    """``count`` people finish, in batches of K; the last batch is released too (as it
    would be when the check-in closes)."""
    k = bot.settings.min_group
    for n in range(count):
        link, update = f"link-{checkin_id}-{n}", 10_000 * checkin_id + n
        await bot.store.finish_response(link, checkin_id, {"mood": "3"}, TODAY, update, batch=k)
    await bot.store.release_waiting(checkin_id, TODAY)


async def test_staff_see_checkins_with_small_numbers_hidden(staffed: Staffed) -> None:
    """A worker and a lead each get one message: the open check-in first, then the closed
    one; 7 finished shows, 2 finished is 'fewer than 5'."""
    bot = staffed.bot
    closed = await bot.open_checkin(closes_in=60)
    await finish(bot, closed.id, 7)
    bot.clock.advance(120)
    opened = await bot.open_checkin()
    await finish(bot, opened.id, 2)
    for person in (staffed.worker, staffed.lead):
        await person.send("/checkins")
        message = await person.next_reply()
        lines = (message.text or "").splitlines()
        assert lines[0] == "Check-ins (newest first):"
        assert lines[1] == f"{opened.id}. How are things?, open: 0 invited, fewer than 5 finished"
        assert lines[2].startswith(f"{closed.id}. How are things?, closed ")
        assert lines[2].endswith(": 0 invited, 7 finished")
        assert lines[3] == (
            "Counts below 5 are hidden; while a check-in is open, finished goes up in steps of 5."
        )


async def test_open_checkin_finished_count_goes_up_in_steps_of_k(staffed: Staffed) -> None:
    """Regression: /checkins showed an open check-in's exact finished count, so staff could
    watch it tick up one person at a time (and read each new answer off the results). While
    open it shows "at least 10" for 12, and nothing new at 13 or 14."""
    bot = staffed.bot
    opened = await bot.open_checkin()
    await finish(bot, opened.id, 12)
    seen = []
    for more in range(2):
        await staffed.lead.send("/checkins")
        seen.append(((await staffed.lead.next_reply()).text or "").splitlines()[1])
        link, update = f"more-{more}", 90_000 + more
        k = bot.settings.min_group
        await bot.store.finish_response(link, opened.id, {"mood": "3"}, TODAY, update, batch=k)
    assert seen == [f"{opened.id}. How are things?, open: 0 invited, at least 10 finished"] * 2


async def test_a_young_person_gets_the_ordinary_reply(staffed: Staffed) -> None:
    """/checkins from a young person is answered as any unknown command (the help text), the
    same as /nosuchcommand, and leaves no trace in the audit log."""
    bot = staffed.bot
    checkin = await bot.open_checkin()
    await finish(bot, checkin.id, 6)
    await staffed.young.send("/nosuchcommand")
    assert (await staffed.young.next_reply()).text == unknown("/nosuchcommand")
    await staffed.young.send("/checkins")
    assert (await staffed.young.next_reply()).text == unknown("/checkins")
    await asyncio.sleep(0.2)
    assert await bot.store.audit_entries(10) == []
    assert len(staffed.young.chat.events) == 2  # one reply each, nothing more


async def test_no_checkins_yet(staffed: Staffed) -> None:
    await staffed.worker.send("/checkins")
    assert (await staffed.worker.next_reply()).text == "No check-ins yet."


async def test_a_repeated_update_is_answered_once(staffed: Staffed) -> None:
    """Telegram may send an update twice: the list goes once."""
    await staffed.worker.send("/checkins")
    await staffed.worker.next_reply()
    staffed.bot.emu.repeat_update(last_update_id(staffed.bot.emu))
    await staffed.worker.send("/checkins")
    await staffed.worker.next_reply()
    await asyncio.sleep(0.3)
    assert len(staffed.worker.chat.events) == 2


async def test_checkins_says_how_many_messages_wait_for_telegram(staffed: Staffed) -> None:
    """A message that could not reach Telegram on its last try is counted in /checkins too,
    as in ``youthvoice status``."""
    store, now = staffed.bot.store, staffed.bot.clock()
    await store.enqueue([OutgoingMessage(staffed.young.id, {"text": "hi"}, now + 3600)])
    # Claimed and tried as the running bot (another claimer's claim it would take for dead).
    assert staffed.bot.runner is not None
    claimer = staffed.bot.runner.delivery.claimer
    [queued] = await store.claim_due(now + 3600, 10, claimer=claimer)
    error = f"{NO_CONNECTION}: could not connect"
    await store.retry_later(queued.id, now + 7200, error, claimer=claimer)
    await staffed.worker.send("/checkins")
    text = (await staffed.worker.next_reply()).text or ""
    assert text.startswith("No check-ins yet.")
    assert "1 message could not reach Telegram on the last try" in text
