"""End to end: the running bot's planner applies retention once a day, on the test clock."""

from __future__ import annotations

import pytest

from tests.conftest import PlanHarness, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

DAY = 24 * 3600.0


async def test_the_planner_deletes_unfinished_answers_and_people_who_stopped(
    yvp: PlanHarness,
) -> None:
    """Sam's unfinished response goes after 7 days; Ash, who stopped, 90 days after the first
    daily pass that found her stopped; Sam, still in, stays."""
    sam, ash = await yvp.joined("Sam"), await yvp.joined("Ash")
    await yvp.open_checkin("weekly")
    await start_invited(sam)
    await sam.tap("😐 OK")
    await sam.replies(2)
    await ash.next_reply()  # her invitation
    await ash.send("/stop")
    await ash.next_reply()
    database = yvp.settings.database
    assert len(db_rows(database, "SELECT * FROM progress")) == 1
    yvp.clock.advance(DAY)
    await yvp.plan()  # a new day: Ash is found stopped
    yvp.clock.advance(7 * DAY)
    await yvp.plan()
    assert db_rows(database, "SELECT * FROM progress") == []
    assert len(db_rows(database, "SELECT * FROM contacts")) == 2
    yvp.clock.advance(84 * DAY)  # 91 days after she was found stopped
    await yvp.plan()
    assert db_rows(database, "SELECT chat_id FROM contacts") == [(sam.id,)]
    await yvp.plan()  # the same day again: nothing more
    assert db_rows(database, "SELECT chat_id FROM contacts") == [(sam.id,)]
