"""A staff member's half-finished wizard is kept in the database: a bot started afresh on it
(a restart, or another instance that gets the next update) carries the wizard on to the end,
and Back still goes through what was chosen before."""

from __future__ import annotations

import json

import pytest

from tests.conftest import StaffBot
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]


async def test_a_wizard_started_on_one_bot_is_finished_on_a_new_one(staff_bot: StaffBot) -> None:
    yv, wren = staff_bot.yv, staff_bot.worker
    forum = await yv.cohort("North forum")
    sam = await yv.joined("Sam", forum.invite_code)

    await wren.send("/newmeeting")
    assert "Type its title" in (await wren.next_reply()).text
    await wren.send("Forum night")
    await wren.next_reply()
    await wren.send("tomorrow 6pm")  # a time with its zone: kept as one
    await wren.next_reply()
    await yv.restart()  # a new bot: nothing of the first one's memory
    await wren.send("Youth centre, Hill Street")
    assert "Who is it for?" in (await wren.next_reply()).text
    [(state,)] = db_rows(yv.settings.database, "SELECT state FROM wizard_sessions")
    assert json.loads(state)["wizard"] == "meeting"

    await yv.restart()
    await wren.tap("⬅ Back")  # Back goes through what the first bot was told
    _stripped, place = await wren.replies(2)
    assert place.text.startswith("📍 Where is it?"), wren.transcript()
    await wren.send("Youth centre, Hill Street")
    assert "Who is it for?" in (await wren.next_reply()).text
    await yv.restart()
    await wren.tap("North forum")
    _chosen, preview = await wren.replies(2)
    assert "Forum night" in preview.text and "Where: Youth centre, Hill Street" in preview.text
    await yv.restart()
    await wren.tap("✅ Send invitations")
    _, done = await wren.replies(2)
    assert done.text == "Meeting 1 saved: 1 invitation queued, going now.", wren.transcript()
    assert "Forum night" in (await sam.next_reply()).text
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM wizard_sessions") == [(0,)]


async def test_only_staff_messages_look_for_a_wizard(
    staff_bot: StaffBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A young person's message reads nothing of the wizards (no cost for the many); a staff
    member's does, and /cancel forgets theirs."""
    yv, wren = staff_bot.yv, staff_bot.worker
    sam = await yv.joined("Sam")
    store = yv.store
    looked_for: list[int] = []
    load = store.load_wizard

    async def spy(user_id: int, since: float) -> str | None:
        looked_for.append(user_id)
        return await load(user_id, since)

    monkeypatch.setattr(store, "load_wizard", spy)
    await wren.send("/newmeeting")
    await wren.next_reply()
    await sam.send("hello")
    assert await sam.next_reply()
    assert sam.id not in looked_for
    await wren.send("/cancel")
    assert "Cancelled" in (await wren.next_reply()).text
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM wizard_sessions") == [(0,)]
    assert looked_for and set(looked_for) == {wren.id}
