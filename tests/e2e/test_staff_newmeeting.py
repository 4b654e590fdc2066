"""/newmeeting end to end: a worker adds a meeting step by step, young people get the
invitation with RSVP buttons, and the audit log names the worker."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.schedule import format_local
from tests.conftest import StaffBot, last_update_id
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

RSVP_BUTTONS = ["Going ✅", "Maybe 🤔", "Can't make it"]


async def say_each(person: SimUser, *texts: str) -> BotMessage:
    """Send each text in turn, waiting for the bot's reply to each; the last reply."""
    reply = None
    for text in texts:
        await person.send(text)
        reply = await person.next_reply()
    assert reply is not None
    return reply


def tomorrow_6pm(staff_bot: StaffBot) -> str:
    """How the bot reads "tomorrow 6pm" back, on the test's clock."""
    zone, now = staff_bot.yv.settings.zone, staff_bot.yv.clock()
    today = datetime.fromtimestamp(now, zone)
    at = datetime.combine(today.date() + timedelta(days=1), datetime.min.time(), zone)
    return format_local(at.replace(hour=18), zone, today)


async def test_a_worker_adds_a_meeting_and_young_people_are_invited(staff_bot: StaffBot) -> None:
    yv, wren = staff_bot.yv, staff_bot.worker
    forum = await yv.cohort("North forum")
    sam = await yv.joined("Sam", forum.invite_code)
    alex = await yv.joined("Alex")  # in no cohort: not invited to the forum's meeting

    await wren.send("/newmeeting")
    assert "Type its title" in (await wren.next_reply()).text
    await wren.send("Forum night")
    asked = await wren.next_reply()
    assert asked.text.startswith("✔ Title: Forum night"), wren.transcript()
    await wren.send("tomorrow 6pm")
    asked = await wren.next_reply()
    assert asked.text.startswith(f"✔ Date and time: {tomorrow_6pm(staff_bot)}"), wren.transcript()
    await wren.send("Youth centre, Hill Street")
    assert "Who is it for?" in (await wren.next_reply()).text
    await wren.tap("North forum")
    chosen, preview = await wren.replies(2)
    assert chosen.edited and chosen.text.endswith("✔ Who: North forum")
    assert "Forum night" in preview.text and "It will reach 1 person" in preview.text
    assert f"When: {tomorrow_6pm(staff_bot)}" in preview.text
    assert "Where: Youth centre, Hill Street" in preview.text
    assert "go: now" in preview.text
    await wren.tap("✅ Send invitations")
    _, done = await wren.replies(2)
    assert done.text == "Meeting 1 saved: 1 invitation queued, going now.", wren.transcript()

    invitation = await sam.next_reply()
    assert "Forum night" in invitation.text
    assert invitation.button_texts == RSVP_BUTTONS
    await alex.assert_no_reply()
    audit = db_rows(yv.settings.database, "SELECT who, action FROM audit_log")
    assert audit == [(f"staff {wren.id}", "added a meeting")]


async def test_typed_mistakes_are_asked_again_kindly(staff_bot: StaffBot) -> None:
    """A 4,000-character title, a past date, an unreadable one and a link without https://
    are each asked again with why; a sticker and an edit get a kind word; nothing is lost."""
    yv, wren = staff_bot.yv, staff_bot.worker
    await wren.send("/newmeeting")
    await wren.next_reply()
    await wren.send("x" * 4000)
    assert "please keep the title to 100 or fewer" in (await wren.next_reply()).text
    sent = await wren.send("Forum night")
    await wren.next_reply()
    await wren.edit(sent["message_id"], "Forum evening")
    assert "Editing a message doesn't change an answer" in (await wren.next_reply()).text
    await wren.send_sticker()
    assert "I can only read typed words here" in (await wren.next_reply()).text
    await wren.send("yesterday 6pm")
    assert "has already passed" in (await wren.next_reply()).text
    await wren.send("the day after the thing")
    assert "Please add a time too" in (await wren.next_reply()).text
    await wren.send("tomorrow 6pm")
    await wren.next_reply()
    await wren.send("www.example.org/forum")
    assert "should start with https://" in (await wren.next_reply()).text
    await wren.send("http://meet.example.org/forum")
    assert (await wren.next_reply()).text.startswith(
        "⚠ That link should start with https:// (an http:// link is not secure), like "
        "https://meet.example.org/forum.\n"
    )
    await wren.send("https://meet.example.org/forum")
    await wren.next_reply()
    await wren.send("Everyone")
    assert "please use the buttons above" in (await wren.next_reply()).text
    await wren.tap("Everyone who joined")
    _, preview = await wren.replies(2)
    assert "'Forum night'" in preview.text  # the edit changed nothing
    assert "Where: https://meet.example.org/forum" in preview.text
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM meetings") == [(0,)]


async def test_updates_telegram_sends_twice_change_nothing(staff_bot: StaffBot) -> None:
    """A typed answer or a press delivered again is not taken as the next step's answer."""
    yv, wren = staff_bot.yv, staff_bot.worker
    await wren.send("/newmeeting")
    await wren.next_reply()
    await wren.send("Forum night")
    await wren.next_reply()
    yv.emu.repeat_update(last_update_id(yv.emu))
    await wren.send("tomorrow 6pm")
    assert (await wren.next_reply()).text.startswith("✔ Date and time:"), wren.transcript()
    await wren.tap("Not decided yet")
    await wren.replies(2)
    yv.emu.repeat_update(last_update_id(yv.emu))
    await wren.tap("Everyone who joined")
    _, preview = await wren.replies(2)
    assert "Where: not decided yet" in preview.text
    await wren.assert_no_reply()


async def test_send_recounts_who_it_reaches(staff_bot: StaffBot) -> None:
    """Someone joins between the preview and Send: no invitation goes; the fresh preview says
    the new count, and Send invites them all."""
    yv, wren = staff_bot.yv, staff_bot.worker
    forum = await yv.cohort("North forum")
    sam = await yv.joined("Sam", forum.invite_code)
    await say_each(wren, "/newmeeting", "Forum night", "tomorrow 6pm", "Youth centre")
    await wren.tap("North forum")
    _, preview = await wren.replies(2)
    assert "It will reach 1 person" in preview.text
    jo = await yv.joined("Jo", forum.invite_code)
    await wren.tap("✅ Send invitations")
    _, fresh = await wren.replies(2)
    assert "it now reaches 2 people, not 1. Nothing was sent yet." in fresh.text
    assert "It will reach 2 people" in fresh.text
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM meetings") == [(0,)]
    await wren.tap("✅ Send invitations")
    _, done = await wren.replies(2)
    assert done.text == "Meeting 1 saved: 2 invitations queued, going now.", wren.transcript()
    for person in (sam, jo):
        assert "Forum night" in (await person.next_reply()).text


async def test_another_guided_flow_says_it_put_the_meeting_away(staff_bot: StaffBot) -> None:
    """/newcheckin typed half way through /newmeeting: the worker hears that the meeting's
    draft is put away (nothing sent), and the check-in's first question follows."""
    yv, wren = staff_bot.yv, staff_bot.worker
    asked = await say_each(wren, "/newmeeting", "Forum night", "/newcheckin")
    assert asked.text.startswith("(Your unfinished /newmeeting is put away: nothing from it"), (
        wren.transcript()
    )
    assert "Which survey?" in asked.text
    await wren.send("/newcheckin")  # and the same flow begun again
    again = await wren.next_reply()
    assert again.text.startswith("(Your unfinished /newcheckin is put away"), wren.transcript()
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM meetings") == [(0,)]
    await wren.tap("✖ Cancel")
    await wren.next_reply()
    await wren.send("/newmeeting")  # with nothing running, nothing is said to be put away
    fresh = await wren.next_reply()
    assert fresh.text.startswith("📣 New meeting. Type its title"), wren.transcript()


async def test_back_to_a_typed_answer_offers_to_keep_it(staff_bot: StaffBot) -> None:
    """Back at a step answered by typing: a Keep button carries the earlier words on, so they
    need not be typed again; typing new words still replaces them."""
    wren = staff_bot.worker
    await say_each(wren, "/newmeeting", "Forum night")
    await wren.tap("⬅ Back")
    _, title = await wren.replies(2)
    assert title.button_texts == ["Keep: Forum night", "✖ Cancel"], wren.transcript()
    await wren.tap("Keep: Forum night")
    kept, when = await wren.replies(2)
    assert kept.text.endswith("✔ Title: Forum night"), wren.transcript()
    assert "When does it start?" in when.text
    await wren.tap("⬅ Back")
    await wren.replies(2)
    await wren.send("Forum night with pizza and a film about the care system in the 1990s")
    renamed = await wren.next_reply()
    assert renamed.text.startswith("✔ Title: Forum night with pizza"), wren.transcript()
    await wren.send("tomorrow 6pm")
    await wren.next_reply()
    await wren.tap("⬅ Back")
    _, when = await wren.replies(2)
    assert when.button_texts[0] == f"Keep: {tomorrow_6pm(staff_bot)}", wren.transcript()
    await wren.tap("⬅ Back")
    _, title = await wren.replies(2)
    assert title.button_texts[0] == "Keep: Forum night with pizza and a film about…"
