"""The action plan end to end: a lead adds actions on the command line, changes a status in
Telegram with buttons and is offered the pre-filled "you said, we did" update (into /yousaid's
preview), which reaches the action's cohort only; a young person's /plan shows the actions,
then marks only what changed since they last looked (Welsh and easy read too); stale,
forged, repeated and unknown presses change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import SimUser
from flows.messages import say
from tests.conftest import (
    Harness,
    StaffBot,
    assert_quiet,
    last_update_id,
    settle,
    unknown,
)
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]

MINUTE = 60.0


async def cli(yv: Harness, *args: str) -> Any:
    """``youthvoice ARGS`` on the running bot's database, on its clock (in a thread: click's
    runner runs its own loop)."""
    result = await yv.cli(*args)
    assert result.exit_code == 0, result.output
    return result


async def two_actions(yv: Harness) -> tuple[SimUser, SimUser]:
    """Sam joins North, Alex no cohort; the plan has an action for everyone (1) and one for
    North (2), added on the command line."""
    north = await yv.cohort("North", "NORTH123")
    sam = await yv.joined("Sam", north.invite_code)
    alex = await yv.joined("Alex")
    await cli(yv, "plan", "add", "--priority", "Money", "--what", "Run a budgeting session",
              "--role", "Leaving care manager", "--by", "2099-01-31")  # fmt: skip
    await cli(yv, "plan", "add", "--priority", "Home", "--what", "Visit every flat",
              "--role", "Housing officer", "--cohort", "North")  # fmt: skip
    return sam, alex


async def open_action(lead: SimUser, label: str) -> str:
    """/actionplan, then one action's button: returns the card with its status buttons."""
    await lead.send("/actionplan")
    listing = await lead.next_reply()
    assert listing.text.startswith("📋 The action plan: 2 actions."), lead.transcript()
    await lead.tap(label)
    card = await lead.next_reply()
    return card.text


async def test_a_lead_changes_a_status_and_sends_the_offered_update(staff_bot: StaffBot) -> None:
    yv, lee = staff_bot.yv, staff_bot.lead
    sam, alex = await two_actions(yv)
    card = await open_action(lee, "2 · Visit every flat (planned)")
    assert card.startswith("Action 2: Home: Visit every flat\nwho: Housing officer · no date")
    assert lee.last_message().button_texts == [
        "⏳ In progress", "✅ Done", "😔 Couldn't do it", "⬅ Back to the plan",
    ]  # fmt: skip
    await lee.tap("✅ Done")
    edited, offer = await lee.replies(2)
    assert edited.edited and edited.text == "✔ Action 2 is now: done (was: planned)."
    assert offer.text.startswith('📣 Tell young people? This "you said, we did" update is ready')
    assert 'You said: "Home" should be a priority.\nWe did: Visit every flat' in offer.text
    assert "For: North" in offer.text
    assert offer.button_texts == ["📣 Check it and send", "Not now"]
    await lee.tap("📣 Check it and send")
    _, preview = await lee.replies(2)
    assert preview.text.startswith("Please check:"), lee.transcript()
    assert "Status: done" in preview.text and "For: North (1 person now)" in preview.text
    await lee.tap("✅ Send it")
    _, done = await lee.replies(2)
    assert done.text == "Update 1 posted: sent to 1 person, within a few seconds."
    got = await sam.next_reply()
    assert got.text.startswith("📣 You said, we did"), sam.transcript()
    assert '"Home" should be a priority.' in got.text and "Visit every flat" in got.text
    await alex.assert_no_reply()
    audit = db_rows(yv.settings.database, "SELECT who, action, detail FROM audit_log")
    staff = f"staff {lee.id}"
    assert (staff, "changed a plan action's status", "action 2 from planned to done") in audit
    assert (staff, "posted an update") in [(who, action) for who, action, _ in audit]


async def test_a_couldnt_asks_why_and_back_changes_the_words(staff_bot: StaffBot) -> None:
    """For "couldn't do it" the pre-filled update stops at "why"; Back reaches the words."""
    yv, lee = staff_bot.yv, staff_bot.lead
    await two_actions(yv)
    await open_action(lee, "1 · Run a budgeting session (planned)")
    await lee.tap("😔 Couldn't do it")
    await lee.replies(2)
    await lee.tap("📣 Check it and send")
    _, why = await lee.replies(2)
    assert "Why couldn't it be done?" in why.text, lee.transcript()
    await lee.send("The room was not free")
    preview = await lee.next_reply()
    assert "Status: couldn't: The room was not free" in preview.text
    assert "For: everyone" in preview.text
    await lee.tap("⬅ Back")
    await lee.replies(2)  # "↩ Back" on the preview, then the why step again
    await lee.tap("⬅ Back")
    _, status = await lee.replies(2)
    assert "Where does it stand?" in status.text, lee.transcript()


async def test_stale_repeated_forged_and_unknown_presses_change_nothing(
    staff_bot: StaffBot,
) -> None:
    yv, lee, wren = staff_bot.yv, staff_bot.lead, staff_bot.worker
    sam, _ = await two_actions(yv)
    await open_action(lee, "1 · Run a budgeting session (planned)")
    card = lee.last_message()
    # Meanwhile the status changes on the command line: the card's buttons are stale.
    await cli(yv, "plan", "status", "1", "in_progress")
    await lee.tap("✅ Done")
    fresh = await lee.next_reply()
    assert fresh.edited and fresh.text.startswith("⚠ It changed meanwhile: it is now in progress.")
    assert "⏳ In progress" not in fresh.button_texts
    assert lee.toasts()[-1] == "That button was from before a change. Nothing was changed."
    assert db_rows(yv.settings.database, "SELECT status FROM plan_actions WHERE id = 1") == [
        ("in_progress",)
    ]
    # Now it takes; Telegram then sends the same press again: nothing more happens.
    await lee.tap("✅ Done")
    await lee.replies(2)
    tap = last_update_id(yv.emu)
    yv.emu.repeat_update(tap)
    await settle(lee)
    changes = "SELECT COUNT(*) FROM audit_log WHERE action = 'changed a plan action''s status'"
    assert db_rows(yv.settings.database, changes) == [(2,)]
    # The offer, once the action has moved on, is out of date.
    await cli(yv, "plan", "status", "1", "planned")
    await lee.tap("📣 Check it and send")
    old = await lee.next_reply()
    assert old.text == "⚠ Action 1 is now planned: this update is out of date.", lee.transcript()
    # A made-up action, a young person's and a worker's press: nothing.
    await lee.tap_data("1pl:99:o", card.message_id)
    await settle(lee)
    assert lee.toasts()[-1].startswith("That action is not in the plan.")
    before = db_rows(yv.settings.database, "SELECT * FROM plan_actions")
    for person in (sam, wren):
        await person.tap_data("1pl:1:s:d:p")
        await settle(person)
        assert person.toasts()[-1] == say("button_expired", "en")
        await person.send("/actionplan")
        assert (await person.next_reply()).text == unknown("/actionplan"), person.transcript()
    assert db_rows(yv.settings.database, "SELECT * FROM plan_actions") == before
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM posted_updates") == [(0,)]


async def test_plan_marks_only_what_changed_since_the_last_look(staff_bot: StaffBot) -> None:
    yv = staff_bot.yv
    sam, alex = await two_actions(yv)
    await sam.send("/plan")
    first = (await sam.next_reply()).text
    assert first.startswith("📋 The plan: what we're doing about what young people said.")
    assert "• Run a budgeting session\n📅 Planned, to be done by Sat 31 Jan 2099" in first
    assert (
        "• Visit every flat\n📅 Planned, not started yet\n👤 Who's doing it: Housing officer"
        in (first)
    )
    assert "🆕" not in first
    await alex.send("/plan")
    theirs = (await alex.next_reply()).text
    assert "Run a budgeting session" in theirs and "Visit every flat" not in theirs
    yv.clock.advance(MINUTE)
    await cli(yv, "plan", "status", "1", "done")
    await cli(yv, "plan", "add", "--priority", "Money", "--what", "Ask for a bigger grant",
              "--role", "Corporate parenting lead")  # fmt: skip
    yv.clock.advance(MINUTE)
    await sam.send("/plan")
    second = (await sam.next_reply()).text
    assert "🆕 marks what's new or changed since you last looked." in second
    assert "🆕 Changed: Run a budgeting session\n✅ Done" in second
    assert "🆕 New: Ask for a bigger grant" in second
    assert "• Visit every flat" in second
    await sam.send("/plan")
    third = (await sam.next_reply()).text
    assert "Nothing has changed since you last looked." in third and "🆕" not in third
    # Telegram sends /plan again: no second answer.
    yv.emu.repeat_update(last_update_id(yv.emu))
    await assert_quiet(sam)


async def test_plan_in_welsh_and_easy_read_and_before_joining(staff_bot: StaffBot) -> None:
    yv = staff_bot.yv
    sam, _ = await two_actions(yv)
    cara = yv.emu.user("Cara", language_code="cy")
    await cara.send("/plan")
    assert (await cara.next_reply()).text == say("start_first", "cy")
    await cara.send("/start NORTH123")
    await cara.next_reply()
    await cara.tap(say("join_yes", "cy"))
    await cara.replies(2)
    await cara.send("/plan")
    welsh = (await cara.next_reply()).text
    assert welsh.startswith("📋 Y cynllun: beth rydyn ni'n ei wneud")
    assert "💬 Dwedoch chi fod hyn yn bwysig: Home" in welsh
    await sam.send("/easyread")
    await sam.replies(3)
    yv.clock.advance(MINUTE)
    await cli(yv, "plan", "status", "2", "in_progress")
    yv.clock.advance(MINUTE)
    await sam.send("/plan")
    # Easy read: the heading, then each action, a message each.
    heading, first, second = [m.text for m in await sam.replies(3)]
    assert heading.startswith("📋 The plan.\nThis is what we are doing about what young people")
    assert first.startswith("💬 You said this matters: Money\n• Run a budgeting session\n")
    assert second == (
        "💬 You said this matters: Home\n• Visit every flat\n⏳ Started.\nWe are working on it\n"
        "👤 Who is doing it: Housing officer"
    )
    # Their first look, so nothing is marked even though action 2 just changed.
    assert not any("🆕" in text for text in (heading, first, second))


async def test_the_lead_sees_an_empty_plan_and_goes_back_to_the_list(staff_bot: StaffBot) -> None:
    yv, lee = staff_bot.yv, staff_bot.lead
    await lee.send("/actionplan")
    assert (await lee.next_reply()).text.startswith("The plan has no actions yet.")
    await two_actions(yv)
    await open_action(lee, "2 · Visit every flat (planned)")
    await lee.tap("⬅ Back to the plan")
    back = await lee.next_reply()
    assert back.edited and back.text.startswith("📋 The action plan: 2 actions.")
    await lee.tap("1 · Run a budgeting session (planned)")
    assert (await lee.next_reply()).text.startswith("Action 1: Money: Run a budgeting session")
