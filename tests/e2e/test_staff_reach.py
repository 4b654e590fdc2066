"""/checkins shows reach through the real bot: young people join a cohort and answer (or not)
in the chat, the check-in closes, and a lead reads the cohort's response rate and how many
joined but never answered, small counts hidden and no chat id anywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot import keys
from bot.emulator import Emulator, SimUser
from bot.telegram.results import GROUPS_SHOWN, reach_lines
from flows.reach import group_reach
from flows.results import CheckinSummary
from tests.conftest import TOKEN, Clock, Harness, finish_weekly, make_settings, start_invited

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]


@dataclass
class Staffed:
    bot: Harness
    lead: SimUser


@pytest.fixture
async def staffed(tmp_path: Path, database_settings: dict[str, Any]) -> AsyncIterator[Staffed]:
    """A running bot (no rate limits) whose settings name one simulated person a lead."""
    clock = Clock()
    emulator = Emulator(
        token=TOKEN, bot_username="youthvoice_test_bot", rate_limits=False, clock=clock
    )
    async with emulator as emu:
        lead = emu.user("Lee")
        settings = make_settings(
            tmp_path, api_url=emu.base_url, leads=str(lead.id), **database_settings
        )
        harness = Harness(emu, settings, clock)
        await harness.start()
        try:
            yield Staffed(harness, lead)
        finally:
            await harness.stop()


async def test_checkins_show_who_we_are_hearing_from(staffed: Staffed) -> None:
    """Seven join North; five finish the check-in in the chat, two never do. Once it has
    closed, /checkins gives North's rate (5 of 7) and the split of its people: the two who
    never answered are "fewer than 5", and the 5 who did are hidden too (7 - 5 = 2)."""
    bot = staffed.bot
    north = await bot.cohort("North", "NORTH234")
    people = [await bot.joined(f"Person {n}", "NORTH234") for n in range(7)]
    await bot.open_checkin(cohort=north, closes_in=600)
    for person in people[:5]:
        await start_invited(person)
        await finish_weekly(person, "More buses")
    await staffed.lead.send("/checkins")
    before = (await staffed.lead.next_reply()).text or ""
    # Still open: nothing closed yet, so nobody counts as asked.
    assert "- North: no closed check-in yet" in before.splitlines()
    bot.clock.advance(700)
    await staffed.lead.send("/checkins")
    text = (await staffed.lead.next_reply()).text or ""
    lines = text.splitlines()
    assert "Who we are hearing from (response rates, oldest first):" in lines
    at = lines.index("- North: response rates 71.4% (average 71.4%)")
    assert lines[at + 1] == (
        "7 joined. Answered at least once: hidden; joined but never answered: fewer than 5; "
        "not asked yet (joined since the last closed check-in): 0"
    )
    assert lines[-1].startswith("Never answered: joined before a closed check-in")
    for person in people:
        assert str(person.id) not in text


async def test_a_falling_cohort_is_listed_first(staffed: Staffed) -> None:
    """Three closed check-ins whose rates drop each time (finished written as the bot does,
    with each person's mark): the cohort is marked FALLING and comes before the others."""
    bot = staffed.bot
    steady = await bot.cohort("Steady", "STEADY23")
    north = await bot.cohort("North", "NORTH234")
    assert bot.svc is not None
    for n in range(10):
        await bot.store.join(1000 + n, north.id, "en", "2026-01-01", 50_000 + n)
        await bot.store.join(2000 + n, steady.id, "en", "2026-01-01", 60_000 + n)
    update = 70_000
    for finished in (9, 7, 5):
        for cohort, base, count in ((north, 1000, finished), (steady, 2000, 8)):
            checkin = await bot.open_checkin(cohort=cohort, closes_in=60)
            for chat in range(base, base + count):
                update += 1
                mark = keys.link(bot.svc.key, checkin.id, chat)
                answers = {"mood": "3"}
                await bot.store.finish_response(mark, checkin.id, answers, "x", update, batch=5)
            await bot.store.release_waiting(checkin.id, "x")  # the last batch, as at closing
        bot.clock.advance(120)
    await staffed.lead.send("/checkins")
    text = (await staffed.lead.next_reply()).text or ""
    lines = text.splitlines()
    first = lines.index("Who we are hearing from (response rates, oldest first):") + 1
    assert lines[first] == (
        "- North: response rates 90%, 70%, 50% (average 70%; FALLING: each of the last 3 lower"
        " than the one before)"
    )
    assert lines[first + 1] == (
        "10 joined. Answered at least once: hidden; joined but never answered: fewer than 5; "
        "not asked yet (joined since the last closed check-in): 0"
    )
    assert lines[first + 2] == "- Steady: response rates 80%, 80%, 80% (average 80%)"


def test_many_groups_fit_one_message() -> None:
    """Beyond six groups /checkins names how many more there are and where to see them all;
    falling ones are never the ones left out."""

    def line(n: int, rate: float) -> CheckinSummary:
        return CheckinSummary(n, "w", "W", float(n), n + 1.0, False, 20, int(rate / 5), rate)

    steady = [group_reach(f"Group {n}", n, [line(n, 50.0)], None, 5) for n in range(8)]
    down = [line(20, 90.0), line(21, 70.0), line(22, 50.0)]
    lines = reach_lines([*steady, group_reach("Last", 99, down, None, 5)], 5)
    assert lines[2].startswith("- Last: response rates 90%, 70%, 50%")
    assert sum(line.startswith("- ") for line in lines) == GROUPS_SHOWN
    assert "and 3 more: youthvoice results lists all." in lines
