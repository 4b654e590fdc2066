"""Shuffled, batched release, end to end: the person is thanked at once, their answers wait
(still counted as finished) until K have finished or the check-in closes, then go in together.
"""

from __future__ import annotations

import json

import pytest

from bot.emulator import SimUser
from flows.messages import say
from tests.conftest import PlanFactory, PlanHarness, finish_weekly, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]

HOUR = 3600.0


def count(yv: PlanHarness, table: str) -> int:
    return int(db_rows(yv.settings.database, f"SELECT count(*) FROM {table}")[0][0])


async def finish(yv: PlanHarness, person: SimUser, words: str) -> None:
    await start_invited(person)
    await finish_weekly(person, words)  # thanked at once, batch or no batch


async def test_answers_wait_until_the_checkin_closes_then_go_in_together(
    yvp: PlanHarness,
) -> None:
    """Two of K=5 finish: each is thanked at once and counts as finished (/checkin says
    already done, nobody is reminded), but no answer is written. The planner's pass after
    the close releases both, dated the day of the release."""
    sam, ash = await yvp.joined("Sam"), await yvp.joined("Ash")
    checkin = await yvp.open_checkin(closes_in=HOUR)
    for person, words in ((sam, "first words"), (ash, "second words")):
        await finish(yvp, person, words)
    assert (count(yvp, "waiting"), count(yvp, "answers"), count(yvp, "participation")) == (2, 0, 0)
    await sam.send("/checkin")
    assert (await sam.next_reply()).text == say("already_done", "en")

    await yvp.plan()  # still open: nothing released
    assert count(yvp, "answers") == 0
    yvp.clock.advance(2 * HOUR)
    await yvp.plan()

    assert (count(yvp, "waiting"), count(yvp, "participation")) == (0, 2)
    rows = db_rows(
        yvp.settings.database,
        "SELECT value, answered_on FROM answers WHERE question_id = 'anything'",
    )
    assert sorted(json.loads(value) for value, _ in rows) == ["first words", "second words"]
    assert yvp.svc is not None
    assert {day for _, day in rows} == {yvp.svc.today()}
    assert (await yvp.store.totals(checkin.id)).responses == 2


async def test_the_kth_to_finish_releases_the_batch_at_once(plan_harness: PlanFactory) -> None:
    """With K=3, the third person's finish writes all three responses in the same step, with
    no planner pass; a fourth waits for the next batch."""
    yv = await plan_harness(min_group=3)
    people = [await yv.joined(name) for name in ("Sam", "Ash", "Jo", "Lee")]
    await yv.open_checkin()
    for n, person in enumerate(people[:2]):
        await finish(yv, person, f"words {n}")
    assert (count(yv, "waiting"), count(yv, "answers")) == (2, 0)
    await finish(yv, people[2], "words 2")
    assert count(yv, "waiting") == 0
    responses = db_rows(yv.settings.database, "SELECT DISTINCT response_id FROM answers")
    assert len(responses) == 3
    await finish(yv, people[3], "words 3")
    assert count(yv, "waiting") == 1
