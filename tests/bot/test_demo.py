"""What ``youthvoice demo`` prints at the end: anonymous totals in the survey's own order, a
closing line that only talks about problems when messages were really lost, what faults did;
and the demo's simulated young person, who tries again when the pretend Telegram fails."""

from __future__ import annotations

import asyncio
import random
import time

import pytest
from click.testing import CliRunner

from bot.actions import plans
from bot.cli import main
from bot.cli.demo import delivery_note, demo_results, fault_note
from bot.cli.participant import Pace, Participant, Walk
from flows.survey import load_surveys
from tests.conftest import Harness


async def test_the_demo_shows_results_as_a_lead_sees_them_small_numbers_hidden(
    yv: Harness,
) -> None:
    """Regression: the demo printed its own totals and showed counts of 3 and 4 (its
    threshold was 3). It now prints what ``youthvoice results`` shows: with six answers, a
    choice picked by 2 reads "fewer than 5", and no count from 1 to 4 appears."""
    assert yv.svc is not None
    checkin = await yv.open_checkin(closes_in=86_400)
    picks = ["ok", "ok", "ok", "ok", "tight", "tight"]
    for n, money in enumerate(picks):
        finished = await yv.store.finish_response(
            f"link-{n}", checkin.id, {"money": money}, "2026-11-23", 900 + n, batch=5
        )
        assert finished
    await yv.store.release_waiting(checkin.id, "2026-11-23")  # the sixth, as at closing
    lines = await demo_results(yv.svc, checkin.id)
    start = next(i for i, line in enumerate(lines) if "How is money" in line)
    block = lines[start : start + 5]
    assert any("fewer than 5" in line for line in block), lines
    assert not any(f" {n} " in f" {line} " for line in block for n in range(1, 5)), block


def test_closing_line_says_every_message_arrived_without_alarming_numbers() -> None:
    """Telegram's slow-down replies are normal pacing: with nothing lost they go unmentioned."""
    note = delivery_note(12.34, lost=0, slow_downs=16)
    assert "Done in 12.3s" in note
    assert "Telegram's real limits" in note and "every message arrived" in note
    assert "429" not in note and "16" not in note and "rate-limit" not in note


def test_closing_line_names_lost_messages() -> None:
    """When messages were lost, the line says how many, and how often the bot was slowed."""
    note = delivery_note(20.0, lost=2, slow_downs=16)
    assert "2 messages could not be delivered" in note
    assert "slow down 16 times" in note
    assert "every message arrived" not in note
    assert "1 message could not" in delivery_note(20.0, lost=1, slow_downs=0)


def test_fault_note_counts_failed_calls_retries_and_who_finished() -> None:
    """Failed calls by kind, malformed updates, the people's retries, and who gave up."""
    walks = [Walk(finished=True, retries=2), Walk(finished=False, retries=1)]
    note = fault_note({"error": 3, "drop_after": 1}, 1, walks)
    assert note.splitlines() == [
        "",
        "The pretend Telegram failed 4 calls on purpose (drop_after 1, error 3).",
        "It sent the bot 1 update it cannot read.",
        "When the bot went quiet or said sorry, the young people tried again, 3 times in all.",
        "1 of 2 finished the check-in; 1 gave up.",
    ]
    calm = fault_note({"slow": 1}, 0, [Walk(finished=True)])
    assert calm.splitlines()[1:] == [
        "The pretend Telegram failed 1 call on purpose (slow 1).",
        "Every one of them finished the check-in.",
    ]


FAST = Pace(reading=(0.0, 0.05), pause=(0.2, 0.3), quiet=1.0, invitation=5.0)


@pytest.mark.timeout(60)
async def test_the_demo_person_tries_again_after_a_fault_and_finishes(yv: Harness) -> None:
    """Every sendMessage refused until the bot's welcome and its apology have failed: the
    person hears nothing, asks again, joins once the fault is over, and answers the whole
    check-in."""
    cohort = await yv.cohort("Demo forum")
    window = yv.emu.fault("error", ["sendMessage"], seconds=None)
    thanks = load_surveys()["weekly"].thanks
    until = time.monotonic() + 40
    person = Participant(
        yv.emu.user("Sam"), cohort.invite_code, thanks, random.Random(3), until, FAST
    )
    walking = asyncio.create_task(person.take_part())
    async with asyncio.timeout(10):
        while window.hits < 2:
            await asyncio.sleep(0.05)
    window.end()
    async with asyncio.timeout(20):
        while await plans.reach(yv.store, cohort.id) < 1:
            await asyncio.sleep(0.05)
    checkin = await yv.open_checkin(cohort=cohort)
    walk = await asyncio.wait_for(walking, 40)
    assert walk.finished, person.person.transcript()
    assert walk.retries >= 1
    assert await yv.store.release_waiting(checkin.id, "2026-11-23") == 1
    assert (await yv.store.totals(checkin.id)).responses == 1


@pytest.mark.parametrize("people", ["0", "-3", "101"])
def test_a_demo_for_nobody_or_a_crowd_is_refused_before_it_starts(people: str) -> None:
    """``demo --people 0`` (or -3, or more than 100) is click's usage error, exit 2, before the
    emulator starts: not ``max() arg is an empty sequence`` at the end of the run."""
    result = CliRunner().invoke(main, ["demo", "--people", people])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"Invalid value for '--people': {people} is not in the range 1<=x<=100." in (
        result.stderr
    )
    assert "Traceback" not in result.output
