"""End to end: joining is by invite only unless YOUTHVOICE_OPEN_JOIN is on. Someone who merely
finds the bot cannot join "everyone" and see where meetings are."""

from __future__ import annotations

import pytest

from bot.actions.button_data import Join, encode
from flows.messages import say
from tests.conftest import PlanFactory, assert_quiet
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]


async def test_a_plain_start_joins_nobody_by_default(plan_harness: PlanFactory) -> None:
    """With the default settings a plain /start says how to join, offers no join button and
    keeps nothing; /meetings still shows nothing; the invite link works."""
    yv = await plan_harness(open_join=False)
    await yv.cohort("Forum", "FORUM123")
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    reply = await sam.next_reply()
    assert reply.text == say("invite_only", "en")
    assert reply.buttons == []
    await sam.send("/meetings")  # no "type /start": it would join nobody
    assert (await sam.next_reply()).text == say("invite_only", "en")
    assert db_rows(yv.settings.database, "SELECT * FROM contacts") == []
    await assert_quiet(sam)

    joined = await yv.joined("Ash", "FORUM123")
    assert await yv.store.contact(joined.id) is not None


async def test_an_old_join_button_without_a_code_joins_nobody(plan_harness: PlanFactory) -> None:
    """A join button with no invite code (from before the setting changed, or forged) says how
    to join and keeps nothing."""
    yv = await plan_harness(open_join=False)
    sam = yv.emu.user("Sam")
    await sam.send("/start CODE-THAT-IS-NOT")  # any message, to have a chat to tap in
    await sam.next_reply()
    await sam.tap_data(encode(Join("")))
    await assert_quiet(sam)
    assert sam.toasts() == [say("invite_only", "en")]
    assert db_rows(yv.settings.database, "SELECT * FROM contacts") == []


async def test_someone_who_joined_can_come_back_with_a_plain_start(
    plan_harness: PlanFactory,
) -> None:
    """Invite only is about joining: someone who joined by a link and stopped can rejoin with
    a plain /start, so that is what they are told."""
    yv = await plan_harness(open_join=False)
    await yv.cohort("Forum", "FORUM123")
    sam = await yv.joined("Sam", "FORUM123")
    await sam.send("/stop")
    await sam.next_reply()
    await sam.send("/pause")
    assert (await sam.next_reply()).text == say("start_first", "en")
    await sam.send("/start")
    assert (await sam.next_reply()).text == say("joined_again", "en")


async def test_open_join_lets_a_plain_start_join(plan_harness: PlanFactory) -> None:
    """YOUTHVOICE_OPEN_JOIN=true: a plain /start gets the welcome and can join, in no group."""
    yv = await plan_harness(open_join=True)
    sam = await yv.joined("Sam")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.cohort_id is None


async def test_advice_on_coming_back_and_joining_is_true_when_joining_is_by_invite(
    plan_harness: PlanFactory,
) -> None:
    """Regression: after /delete the bot said "Type /start if you ever want to come back",
    and /mydata and /language told strangers to type /start, though a plain /start joins
    nobody. Now they are told to ask their worker for an invite link, and that works."""
    yv = await plan_harness(open_join=False)
    await yv.cohort("Forum", "FORUM123")
    sam = await yv.joined("Sam", "FORUM123")
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    done = (await sam.replies(2))[1].text
    assert done.endswith("If you want to come back, ask your worker for an invite link.")
    assert "/start" not in done
    await sam.send("/mydata")
    nothing = (await sam.next_reply()).text
    assert nothing == (
        "We don't keep anything about you right now. To join, ask your worker for an invite link."
    )
    for command in ("/language", "/easyread", "/pause", "/checkin", "/idea", "hello"):
        await sam.send(command)
        assert (await sam.next_reply()).text == say("invite_only", "en"), command
    assert "Type /start" not in sam.transcript()
    await sam.send("/start FORUM123")  # the invite link, tapped again
    await sam.next_reply()
    await sam.tap("Yes, I'm in")
    assert (await sam.replies(2))[1].text == say("joined", "en")


async def test_no_thanks_says_the_invite_link_still_works(plan_harness: PlanFactory) -> None:
    """'No thanks' on the welcome points back to the invite link (a plain /start would join
    nobody), and the link does work again."""
    yv = await plan_harness(open_join=False)
    await yv.cohort("Forum", "FORUM123")
    sam = yv.emu.user("Sam")
    await sam.send("/start FORUM123")
    await sam.next_reply()
    await sam.tap("No thanks")
    goodbye = (await sam.replies(2))[1].text
    assert "tap your invite link again" in goodbye and "/start" not in goodbye
    await sam.send("/start FORUM123")
    assert (await sam.next_reply()).text == say("welcome", "en")
