"""/newcheckin end to end: a worker opens a check-in now (invitations reach the cohort), or
schedules a repeating one after the plan's refusal sends them back to fix a step; Back,
Cancel, a bad date and stale buttons; the audit log names the worker."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.actions.made_surveys import keep_made_survey
from bot.emulator import SimUser
from flows.priorities import build_round
from flows.schedule import format_local
from tests.conftest import StaffBot, clock_start, staff_running
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

WEEKLY = "How are things?"


async def tap_on(person: SimUser, label: str) -> str:
    """Press a wizard button; returns the new message it brings (the pressed one is edited)."""
    await person.tap(label)
    _edited, shown = await person.replies(2)
    return shown.text


async def weekly_now_for(wren: SimUser, who: str) -> str:
    """/newcheckin: the weekly survey for ``who``, now, 7 days, no reminder; returns what the
    last tap brings (the preview, or its refusal)."""
    await wren.send("/newcheckin")
    await wren.next_reply()
    for label in (WEEKLY, who, "Now (once)", "7 days"):
        await tap_on(wren, label)
    return await tap_on(wren, "No reminder")


async def test_a_worker_opens_a_check_in_now_for_a_cohort(staff_bot: StaffBot) -> None:
    yv, wren = staff_bot.yv, staff_bot.worker
    forum = await yv.cohort("North forum")
    sam = await yv.joined("Sam", forum.invite_code)
    jo = await yv.joined("Jo", forum.invite_code)
    alex = await yv.joined("Alex")

    await wren.send("/newcheckin")
    first = await wren.next_reply()
    assert "Which survey?" in first.text and WEEKLY in first.button_texts
    assert "⬅ Back" not in first.button_texts and "✖ Cancel" in first.button_texts
    assert "Who is it for?" in await tap_on(wren, WEEKLY)
    assert "When should it open?" in await tap_on(wren, "North forum")
    assert "How long should it stay open?" in await tap_on(wren, "Now (once)")
    assert "reminder" in await tap_on(wren, "3 days")
    preview = await tap_on(wren, "After 1 day")
    assert f"Please check: '{WEEKLY}'" in preview
    assert "For: North forum (2 people now)" in preview
    assert "Invitations go: within a few seconds" in preview
    assert "It will reach 2 people" in preview
    assert "⚠ Only 2 people would be asked. With fewer than 5" in preview  # MIN_GROUP
    await wren.tap("✅ Send")
    _, done = await wren.replies(2)
    assert done.text == "Check-in 1 is open: 2 invitations queued, going within a few seconds."

    for person in (sam, jo):
        assert "new check-in" in (await person.next_reply()).text
    await alex.assert_no_reply()
    rows = db_rows(yv.settings.database, "SELECT survey_id, cohort_id FROM checkins")
    assert rows == [("weekly", forum.id)]
    audit = db_rows(yv.settings.database, "SELECT who, action FROM audit_log")
    assert audit == [(f"staff {wren.id}", "opened a check-in")]

    # The confirm button again (a double tap, or later): a kind word, nothing more.
    await wren.tap_data(_data_of(wren, "✅ Send"))
    assert "plan that's finished" in (await wren.next_reply()).text
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM checkins") == [(1,)]


def _data_of(person: SimUser, label: str) -> str:
    """The data a button had, even after it was taken off its message (from the transcript
    of what the bot sent)."""
    for event in reversed(person.chat.events):
        for row in event.buttons:
            for button in row:
                if button.text == label:
                    return button.data
    raise AssertionError(f"no button {label!r} was ever shown")


async def test_a_check_in_now_for_nobody_is_refused_with_a_way_back(
    staff_bot: StaffBot,
) -> None:
    """Regression: a check-in opening now for a cohort nobody had joined was offered ("Send it
    anyway?") and opened for nobody. The preview now refuses it, as the command line does,
    with a button back to "who"; nothing is opened."""
    yv, wren = staff_bot.yv, staff_bot.worker
    await yv.cohort("Tiny")
    refused = await weekly_now_for(wren, "Tiny")
    assert refused == (
        "⚠ Nobody has joined 'Tiny' yet, so nobody would be asked; share its invite link first."
    )
    assert "Who is it for?" in await tap_on(wren, "✏️ Change the who")
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM checkins") == [(0,)]


async def test_a_refused_plan_goes_back_to_the_step_to_fix(staff_bot: StaffBot) -> None:
    """A daily check-in is offered only a day open (never a choice the preview would refuse);
    a bad date is asked again; a date that passes before the preview is refused in plain
    words with a button back to it; the schedule is saved once it fits."""
    yv, wren = staff_bot.yv, staff_bot.worker
    await wren.send("/newcheckin")
    await wren.next_reply()
    await tap_on(wren, WEEKLY)
    await tap_on(wren, "Everyone who joined")
    asked_date = await tap_on(wren, "Pick a date and time (once or repeating)")
    assert "Type the date and time" in asked_date
    await wren.send("31/2 18:00")
    assert "couldn't read" in (await wren.next_reply()).text
    soon = datetime.fromtimestamp(yv.clock() + 600, yv.settings.zone)
    await wren.send(f"{soon.day}/{soon.month} {soon:%H:%M}")
    asked = await wren.next_reply()
    shown = asked.text.split("\n")[0].removeprefix("✔ Date and time: ")
    daily = f"Daily at {soon:%H:%M}"
    assert "Should it repeat?" in asked.text and daily in asked.button_texts
    await wren.tap(daily)
    _, open_for = await wren.replies(2)
    assert "(It opens again after 1 day, so 1 day at most.)" in open_for.text
    assert "1 day" in open_for.button_texts
    assert "3 days" not in open_for.button_texts and "7 days" not in open_for.button_texts
    await tap_on(wren, "1 day")
    yv.clock.advance(20 * 60)  # the time passes while the worker thinks
    refused = await tap_on(wren, "No reminder")
    passed = f"⚠ {shown} has already passed. Please pick a later time."
    assert refused.startswith(passed) and "✅ Send" not in refused
    assert "Type the date and time" in await tap_on(wren, "✏️ Change the date and time")
    await wren.send("tomorrow 6pm")
    await wren.next_reply()
    await tap_on(wren, "Daily at 18:00")
    await wren.tap("1 day")
    _, reminders = await wren.replies(2)
    # Only reminders that come before a one-day check-in closes are offered.
    assert reminders.button_texts[:3] == ["No reminder", "After 4 hours", "After 12 hours"]
    preview = await tap_on(wren, "After 12 hours")
    assert "Repeats: daily 18:00, next on" in preview and "Invitations go:" in preview
    assert "Reminder: " in preview and "Reminder: none" not in preview
    assert "Nobody has joined that group yet; it opens for whoever has by then." in preview
    await wren.tap("✅ Send")
    _, done = await wren.replies(2)
    assert done.text.startswith("Saved (schedule 1). It opens "), wren.transcript()
    rows = db_rows(yv.settings.database, "SELECT every, open_for FROM schedules")
    assert rows == [("0 18 * * *", 86400.0)]
    audit = db_rows(yv.settings.database, "SELECT who, action FROM audit_log")
    assert audit == [(f"staff {wren.id}", "scheduled a check-in")]


async def test_a_weekly_check_in_may_stay_open_any_time_offered(staff_bot: StaffBot) -> None:
    """Weekly leaves every time open on offer, with no note about the repeat."""
    wren = staff_bot.worker
    await wren.send("/newcheckin")
    await wren.next_reply()
    await tap_on(wren, WEEKLY)
    await tap_on(wren, "Everyone who joined")
    await tap_on(wren, "Pick a date and time (once or repeating)")
    await wren.send("tomorrow 6pm")
    asked = await wren.next_reply()
    weekly = next(b for b in asked.button_texts if b.startswith("Weekly, every "))
    await wren.tap(weekly)
    _, open_for = await wren.replies(2)
    assert open_for.text == "⏳ How long should it stay open?"
    assert open_for.button_texts[:3] == ["1 day", "3 days", "7 days"]


async def test_back_cancel_and_stale_buttons(staff_bot: StaffBot) -> None:
    yv, lee = staff_bot.yv, staff_bot.lead  # leads plan check-ins too
    await lee.send("/newcheckin")
    await lee.next_reply()
    await tap_on(lee, WEEKLY)
    again = await tap_on(lee, "⬅ Back")
    assert "Which survey?" in again
    await tap_on(lee, WEEKLY)
    # A button on an older message of the same run: pointed to the newest one.
    await lee.tap_data(_data_of(lee, WEEKLY), message_id=2)
    await lee.assert_no_reply()
    assert "use the newest one" in lee.toasts()[-1]
    await lee.tap("✖ Cancel")
    cancelled = await lee.next_reply()
    assert cancelled.edited and cancelled.text.endswith("Cancelled. Nothing was sent or saved.")
    # Any button of the cancelled run: kind words, nothing changes.
    await lee.tap_data(_data_of(lee, "Everyone who joined"))
    stale = await lee.next_reply()
    assert "plan that's finished or was put away" in stale.text
    assert "/newcheckin" in stale.text
    for table in ("checkins", "schedules", "audit_log"):
        assert db_rows(yv.settings.database, f"SELECT COUNT(*) FROM {table}") == [(0,)]


async def test_a_wizard_left_for_half_an_hour_is_put_away(staff_bot: StaffBot) -> None:
    yv, wren = staff_bot.yv, staff_bot.worker
    await wren.send("/newcheckin")
    await wren.next_reply()
    yv.clock.advance(31 * 60)
    await wren.tap(WEEKLY)
    _stripped, stale = await wren.replies(2)
    assert "after 30 minutes without a tap" in stale.text
    # Words typed for a wizard put away: staff hear that, not that they need an invite link.
    await wren.send("Forum night")
    said = (await wren.next_reply()).text
    assert "set up as staff" in said and "put away after 30 minutes" in said, said
    assert "invite link" not in said
    await wren.send("/start")
    assert "set up as staff" in (await wren.next_reply()).text
    # Once joined as young people do (to see what they see), their words pass on as theirs.
    forum = await yv.cohort("Forum")
    await wren.send(f"/start {forum.invite_code}")
    await wren.next_reply()
    await wren.tap("Yes, I'm in")
    await wren.replies(2)
    await wren.send("hello")
    assert "set up as staff" not in (await wren.next_reply()).text, wren.transcript()


async def test_the_preview_says_invitations_wait_for_quiet_hours_to_end(
    tmp_path: Path, database_settings: dict[str, Any]
) -> None:
    """Opened now inside quiet hours: the preview and the confirmation say when they really go."""
    zone = ZoneInfo("Europe/London")
    now = datetime.fromtimestamp(clock_start(), zone)
    start, end = now - timedelta(hours=1), now + timedelta(hours=2)
    quiet = f"{start:%H:%M}-{end:%H:%M}"
    async with staff_running(tmp_path, quiet_hours=quiet, **database_settings) as staff:
        wren = staff.worker
        await staff.yv.joined("Sam")  # a check-in opening now needs someone to ask
        preview = await weekly_now_for(wren, "Everyone who joined")
        released = format_local(end.replace(second=0, microsecond=0), zone, now)
        assert f"Invitations go: at {released}, when quiet hours end" in preview
        await wren.tap("✅ Send")
        _, done = await wren.replies(2)
        assert done.text.endswith(f"going at {released}, when quiet hours end."), done.text


async def test_a_uk_dotted_time_is_read_as_typed(staff_bot: StaffBot) -> None:
    """ "tomorrow 6.30pm" is 6:30pm tomorrow (it once became the current time of day), and an
    impossible time is refused kindly and asked again."""
    wren = staff_bot.worker
    zone = ZoneInfo("Europe/London")
    now = datetime.fromtimestamp(clock_start(), zone)
    await wren.send("/newcheckin")
    await wren.next_reply()
    await tap_on(wren, WEEKLY)
    await tap_on(wren, "Everyone who joined")
    await tap_on(wren, "Pick a date and time (once or repeating)")
    await wren.send("tomorrow 18:60")
    refused = (await wren.next_reply()).text
    assert "18:60 is not a time; try 6:30pm or 18:30" in refused
    assert "Type the date and time" in refused
    await wren.send("tomorrow 6.30pm")
    asked = await wren.next_reply()
    tomorrow = (now + timedelta(days=1)).replace(hour=18, minute=30, second=0, microsecond=0)
    assert f"✔ Date and time: {format_local(tomorrow, zone, now)}" in asked.text
    assert "6:30pm" in asked.text
    assert "Daily at 18:30" in asked.button_texts


async def test_send_recounts_who_it_reaches(staff_bot: StaffBot) -> None:
    """Someone joins between the preview and Send: nothing is sent; the fresh preview says
    the new count (the small-group warning gone now there are enough), and Send sends that."""
    yv, wren = staff_bot.yv, staff_bot.worker
    forum = await yv.cohort("North forum")
    for name in ("Sam", "Jo", "Alex", "Kai"):
        await yv.joined(name, forum.invite_code)
    await wren.send("/newcheckin")
    await wren.next_reply()
    await tap_on(wren, WEEKLY)
    await tap_on(wren, "North forum")
    await tap_on(wren, "Now (once)")
    await tap_on(wren, "3 days")
    preview = await tap_on(wren, "No reminder")
    assert "It will reach 4 people" in preview and "⚠ Only 4 people" in preview
    await yv.joined("Rae", forum.invite_code)
    fresh = await tap_on(wren, "✅ Send")
    assert "⚠ Since you checked, people joined or left: it now reaches 5 people, not 4." in fresh
    assert "It will reach 5 people" in fresh and "⚠ Only" not in fresh
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM checkins") == [(0,)]
    await wren.tap("✅ Send")
    _, done = await wren.replies(2)
    assert done.text == "Check-in 1 is open: 5 invitations queued, going within a few seconds."


async def test_newcheckin_offers_no_survey_the_bot_made(staff_bot: StaffBot) -> None:
    """Regression: /newcheckin listed the surveys the bot made for a priorities round or a
    joint review beside the bundled ones, so a round could be sent again by hand, out of
    its own command. Now it offers the bundled surveys only."""
    yv, lee = staff_bot.yv, staff_bot.lead
    assert yv.svc is not None
    await keep_made_survey(yv.svc, build_round("priorities_1", []), "priorities")
    await lee.send("/newcheckin")
    first = await lee.next_reply()
    assert "Which survey?" in first.text and WEEKLY in first.button_texts
    assert "What matters most" not in first.button_texts
