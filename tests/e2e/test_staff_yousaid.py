"""/yousaid end to end: a lead picks a closed check-in, takes the suggested "you said" from its
results, types "we did", sets a date, sees the preview with the number reached, and confirms;
everyone the check-in was for gets the update, nobody else. Young people and workers trying
/yousaid get the ordinary unknown-command reply and nothing changes."""

from __future__ import annotations

from datetime import datetime

import pytest

from flows.schedule import format_date
from tests.conftest import StaffBot, unknown
from tests.database import db_rows
from tests.e2e.test_staff_newcheckin import tap_on

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

HOUR = 3600.0
BIG = 10**12  # update ids for answers written straight to the store: never a real update's


async def test_a_lead_posts_an_update_to_everyone_the_checkin_was_for(staff_bot: StaffBot) -> None:
    yv, lee = staff_bot.yv, staff_bot.lead
    forum = await yv.cohort("North forum")
    sam = await yv.joined("Sam", forum.invite_code)
    jo = await yv.joined("Jo", forum.invite_code)
    alex = await yv.joined("Alex")
    checkin = await yv.open_checkin(cohort=forum, closes_in=HOUR)
    for person in (sam, jo):
        assert "new check-in" in (await person.next_reply()).text
    for n in range(15):  # fifteen finished (as if by 15 people): figures can be shown
        money = "tight" if n < 10 else "ok"
        answers = {"mood": "3" if n < 8 else "4", "money": money}
        assert await yv.store.finish_response(f"l{n}", checkin.id, answers, "x", BIG + n, batch=5)
    yv.clock.advance(2 * HOUR)

    await lee.send("/yousaid")
    assert "check-ins that have closed, or a theme" in (await lee.next_reply()).text
    listed = await tap_on(lee, "About check-ins")
    assert "Which check-ins does it answer?" in listed
    label = next(t for t in lee.last_message().button_texts if t.startswith("How are things?"))
    await lee.tap(label)
    await lee.next_reply()  # ticked, on the same message
    asked = await tap_on(lee, "Done ✔")
    assert "From the results" in asked, lee.transcript()
    assert '7 in 10 of you said "It\'s tight"' in asked, lee.transcript()
    assert "We did" in await tap_on(lee, "✅ Use 1")
    await lee.send("We asked the council for a bigger grant")
    assert "Where does it stand?" in (await lee.next_reply()).text
    assert "By when?" in await tap_on(lee, "📅 Planned, by a date")
    await lee.send("31/2")
    assert "couldn't read" in (await lee.next_reply()).text
    due = datetime.fromtimestamp(yv.clock() + 30 * 86400, yv.settings.zone).date()
    await lee.send(f"{due.day}/{due.month}")
    preview = await lee.next_reply()
    assert f"Status: planned by {due.isoformat()}" in preview.text, lee.transcript()
    assert "It will reach 2 people" in preview.text
    await lee.tap("✅ Send it")
    _, done = await lee.replies(2)
    assert done.text == "Update 1 posted: sent to 2 people, within a few seconds."

    for person in (sam, jo):
        got = await person.next_reply()
        assert "We asked the council for a bigger grant" in got.text, person.transcript()
        assert f"📅 We plan to do it by {format_date(due)}." in got.text
    await alex.assert_no_reply()
    audit = db_rows(yv.settings.database, "SELECT who, action FROM audit_log")
    assert (f"staff {lee.id}", "posted an update") in audit


async def test_young_people_and_workers_cannot_post_updates(staff_bot: StaffBot) -> None:
    yv, wren = staff_bot.yv, staff_bot.worker
    sam = await yv.joined("Sam")
    for person in (sam, wren):
        await person.send("/yousaid")
        assert (await person.next_reply()).text == unknown("/yousaid"), person.transcript()
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM posted_updates") == [(0,)]


async def test_a_theme_for_a_group_that_could_not_be_done(staff_bot: StaffBot) -> None:
    """No check-in: a theme for one cohort, written by the lead, "couldn't do it" with why;
    Back returns to the step before; only that cohort gets it."""
    yv, lee = staff_bot.yv, staff_bot.lead
    forum = await yv.cohort("North forum")
    sam = await yv.joined("Sam", forum.invite_code)
    alex = await yv.joined("Alex")
    await lee.send("/yousaid")
    assert "No check-in has closed yet" in (await lee.next_reply()).text
    assert "Who is it for?" in await tap_on(lee, "A theme, not about one check-in")
    asked = await tap_on(lee, "North forum")
    assert asked.startswith("💬 You said: type what young people told you")
    await lee.send("   ")
    assert "That's empty" in (await lee.next_reply()).text
    await lee.send("You said the youth club closes too early")
    assert "We did" in (await lee.next_reply()).text
    await lee.send("We asked to keep it open later")
    await lee.next_reply()
    assert "Why couldn't it be done?" in await tap_on(lee, "😔 Couldn't do it")
    assert "Where does it stand?" in await tap_on(lee, "⬅ Back")
    await tap_on(lee, "😔 Couldn't do it")
    await lee.send("The building closes at 8")
    preview = await lee.next_reply()
    assert "Status: couldn't: The building closes at 8" in preview.text, lee.transcript()
    assert "For: North forum (1 person now)" in preview.text
    await lee.tap("✅ Send it")
    await lee.replies(2)
    got = await sam.next_reply()
    assert "😔 We couldn't do it. This is why: The building closes at 8" in got.text
    await alex.assert_no_reply()
