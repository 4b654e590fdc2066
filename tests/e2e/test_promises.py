"""The weekly promise reminders, with a fake clock: leads hear once a week, across restarts,
of planned updates past their date and check-ins closed 4 weeks with no update, until they
act."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator import SimUser
from tests.conftest import PlanHarness

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(40), pytest.mark.both_databases]

HOUR, DAY, WEEK = 3600.0, 86400.0, 7 * 86400.0


REMINDER = "Youth Voice: promises to keep"


async def reminders(yv: PlanHarness, lead: SimUser) -> list[str]:
    """Every promise reminder the lead has been sent so far, once none is left to send (a
    sent message leaves the outbox, so the lead's chat is what tells)."""
    for _ in range(100):
        if not await yv.store.outbox_entries("promises:"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("a promise reminder was still waiting to be sent after 5 s")
    return [m.text for m in lead.messages() if m.text.startswith(REMINDER)]


async def lead_for(yv: PlanHarness) -> SimUser:
    """A lead who has started the bot, named in YOUTHVOICE_LEADS; the bot restarted to read it."""
    lead = yv.emu.user("Lee")
    yv.settings = yv.settings.model_copy(update={"leads": frozenset({lead.id})})
    await yv.restart()
    return lead


async def test_leads_are_reminded_weekly_until_they_act(yvp: PlanHarness) -> None:
    lead = await lead_for(yvp)
    await yvp.joined("Sam")
    first = await yvp.open_checkin(closes_in=HOUR)
    yvp.clock.advance(2 * HOUR)
    result = await yvp.cli(
        "update", "add", "--checkin", str(first.id), "--we-did", "We will ask for more drop-ins",
        "--you-said", "You said weekends are lonely", "--status", "planned", "--by",
        _date(yvp, 6 * DAY), "--yes",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    await yvp.plan()
    assert await reminders(yvp, lead) == []  # nothing is late yet
    # A week later the date has passed with no follow-up: the lead hears, once.
    yvp.clock.advance(WEEK)
    await yvp.plan(3)
    assert len(await reminders(yvp, lead)) == 1
    told = await lead.next_reply()
    assert "Planned updates past their date" in told.text
    assert "Update 1" in told.text and "We will ask for more drop-ins" in told.text
    await yvp.restart()
    await yvp.plan()
    assert len(await reminders(yvp, lead)) == 1  # once a week, across restarts
    # Still not followed up a week later: told again.
    yvp.clock.advance(WEEK)
    await yvp.plan()
    assert len(await reminders(yvp, lead)) == 2
    await lead.next_reply()
    # The lead follows it up: no more reminders about it.
    result = await yvp.cli("update", "status", "1", "done")
    assert result.exit_code == 0, result.output
    yvp.clock.advance(WEEK)
    await yvp.plan()
    assert len(await reminders(yvp, lead)) == 2


async def test_a_checkin_closed_four_weeks_with_no_update_is_raised(yvp: PlanHarness) -> None:
    lead = await lead_for(yvp)
    await yvp.joined("Sam")  # a check-in that invited nobody owes nobody an update
    checkin = await yvp.open_checkin(closes_in=HOUR)
    yvp.clock.advance(3 * WEEK)
    await yvp.plan()
    assert await reminders(yvp, lead) == []  # closed 3 weeks: not yet
    yvp.clock.advance(WEEK + DAY)
    await yvp.plan()
    told = await lead.next_reply()
    assert f"Check-in {checkin.id} (How are things?)" in told.text, lead.transcript()
    assert len(await reminders(yvp, lead)) == 1
    result = await yvp.cli(
        "update", "add", "--checkin", str(checkin.id), "--we-did", "Nothing yet, sorry",
        "--you-said", "You told us about money", "--status", "couldnt", "--why",
        "Too few answers to act on", "--yes",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    yvp.clock.advance(WEEK)
    await yvp.plan()
    assert len(await reminders(yvp, lead)) == 1


def _date(yv: PlanHarness, later: float) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(yv.clock() + later, yv.settings.zone).date().isoformat()
