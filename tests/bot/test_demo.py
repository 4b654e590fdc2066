"""What ``youthvoice demo`` prints at the end: anonymous totals in the survey's own order, a
closing line that only talks about problems when messages were really lost, what faults did;
and the demo's simulated young person, who tries again when the pretend Telegram fails."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from bot.actions import plans
from bot.cli.demo import delivery_note, fault_note, print_totals
from bot.cli.participant import Pace, Participant, Walk
from flows.survey import load_surveys
from storage.base import Totals
from tests.conftest import Harness


def test_totals_list_scale_and_choice_answers_in_the_surveys_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Scale answers run from 1 to 5 and choices as the survey lists them, not by count."""
    survey = load_surveys()["weekly"]
    counts = {
        "mood": {"4": 9, "~skip": 3, "1": 3, "5": 4, "2": 12},
        "money": {"struggling": 7, "ok": 3, "tight": 5},
    }
    print_totals(survey, Totals(checkin_id=1, responses=31, counts=counts))
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]

    def block(title: str) -> list[str]:
        start = lines.index(title) + 1
        end = lines.index("", start) if "" in lines[start:] else len(lines)
        return [" ".join(line.split()) for line in lines[start:end]]

    assert block("How are you feeling this week?") == [
        "😞 Really bad 3",
        "🙁 Not great 12",
        "🙂 Good 9",
        "😄 Really good 4",
        "Skipped 3",
    ]
    assert block("How is money for you right now?") == [
        "I'm OK 3",
        "It's tight 5",
        "I'm struggling 7",
    ]


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
    assert (await yv.store.totals(checkin.id)).responses == 1
