"""End to end: joining, consenting and answering a check-in through the emulator."""

from __future__ import annotations

import pytest

from tests.conftest import Harness, finish_weekly

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]


async def test_start_shows_welcome_and_privacy_then_joins(yv: Harness) -> None:
    """/start says nobody sees who said what (the details one tap away) and asks to join;
    joining stores a contact with no name."""
    sam = yv.emu.user("Sam", username="sam_the_tester")
    await sam.send("/start")
    welcome = await sam.next_reply()
    assert "Nobody sees who said what" in (welcome.text or "")
    assert welcome.button_texts[:2] == ["Yes, I'm in", "No thanks"]
    await sam.tap("Yes, I'm in")
    replies = await sam.replies(2)
    assert "You're in" in (replies[-1].text or "")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.status == "joined"


async def test_weekly_checkin_end_to_end(yv: Harness) -> None:
    """An invited young person answers every kind of question and the totals count it."""
    forum = await yv.cohort("Forum", "FORUM123")
    sam = await yv.joined("Sam", "FORUM123")
    checkin = await yv.open_checkin("weekly", forum)
    invite = await sam.next_reply()
    assert "new check-in" in (invite.text or "")
    await sam.tap("Start")
    intro, first = await sam.replies(2)
    assert "How are things?" in (intro.text or "")
    assert (first.text or "").startswith("1 of ")
    await finish_weekly(sam)
    assert (await yv.store.totals(checkin.id)).responses == 0  # waiting for K, or the close
    assert await yv.release() == 1
    totals = await yv.store.totals(checkin.id)
    assert totals.responses == 1
    assert totals.counts["mood"] == {"3": 1}
    assert totals.counts["help"] == {"money": 1}
