"""End to end: joining, declining, invite codes, /stop, /help and /privacy through the emulator."""

from __future__ import annotations

import pytest

from bot.actions.notices import invitation
from bot.actions.safety import bundled_safety_net
from flows.messages import say
from storage.base import ContactStatus, OutgoingMessage
from tests.conftest import Harness, assert_quiet, unknown
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

JOIN_BUTTONS = [say("join_yes", "en"), say("join_no", "en")]
WELCOME_BUTTONS = [*JOIN_BUTTONS, say("privacy_button", "en")]


async def test_start_welcome_is_short_with_privacy_details_one_tap_away(yv: Harness) -> None:
    """/start sends exactly the short welcome, with Join, No thanks and the privacy button."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    welcome = await sam.next_reply()
    assert welcome.text == say("welcome", "en")
    assert welcome.button_texts == WELCOME_BUTTONS
    assert await yv.store.contact(sam.id) is None  # nothing is kept until they say yes
    await assert_quiet(sam)


async def test_privacy_button_shows_the_details_with_the_join_buttons(yv: Harness) -> None:
    """The welcome's privacy button: the full details, then Join / No thanks under them; a
    person who joins from there is in the cohort of the link they came by."""
    cohort = await yv.cohort("North", "north1")
    sam = yv.emu.user("Sam")
    await sam.send("/start north1")
    await sam.next_reply()
    await sam.tap(say("privacy_button", "en"))
    cleared, details = await sam.replies(2)
    assert cleared.edited and cleared.buttons == []
    assert details.text == say("privacy", "en")
    assert details.button_texts == JOIN_BUTTONS
    await sam.tap("Yes, I'm in")
    await sam.replies(2)
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.cohort_id == cohort.id


async def test_no_thanks_stores_nothing_and_nothing_more_is_ever_sent(yv: Harness) -> None:
    """'No thanks' keeps no contact; a check-in opened later invites others but never them."""
    ash = await yv.joined("Ash")
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    await sam.next_reply()
    await sam.tap("No thanks")
    cleared, goodbye = await sam.replies(2)
    assert cleared.edited and cleared.buttons == []
    assert goodbye.text == say("not_joined", "en")
    assert await yv.store.contact(sam.id) is None
    assert db_rows(yv.settings.database, "SELECT * FROM contacts WHERE chat_id = ?", sam.id) == []

    await yv.open_checkin("weekly")
    invite = await ash.next_reply()  # the bot is delivering: Ash gets hers...
    assert invite.button_texts == ["Start"]
    await sam.assert_no_reply(within=0.3)  # ...and Sam gets nothing
    outbox = db_rows(yv.settings.database, "SELECT * FROM outbox WHERE chat_id = ?", sam.id)
    assert outbox == []


async def test_start_with_code_joins_that_cohort(yv: Harness) -> None:
    """/start CODE then 'Yes, I'm in' stores the contact in the cohort with that invite code."""
    await yv.cohort("Other", "OTHER999")
    forum = await yv.cohort("Forum", "FORUM123")
    sam = await yv.joined("Sam", "FORUM123")
    contact = await yv.store.contact(sam.id)
    assert contact is not None
    assert contact.cohort_id == forum.id
    assert contact.status is ContactStatus.JOINED


async def test_a_wrong_invite_link_joins_nobody_and_says_what_to_do(yv: Harness) -> None:
    """Regression: /start WRONGCODE offered to join and quietly joined into no group. Now the
    person hears the link did not work and to ask for a new one, with nothing to tap; the
    right link still works after it."""
    forum = await yv.cohort("Forum", "FORUM123")
    sam = yv.emu.user("Sam")
    await sam.send("/start NOSUCHCODE")
    reply = await sam.next_reply()
    assert reply.text == say("bad_link", "en")
    assert "ask" in reply.text and reply.buttons == []
    await assert_quiet(sam)
    assert await yv.store.contact(sam.id) is None
    await sam.send("/start FORUM123")
    assert "Do you want to join?" in (await sam.next_reply()).text
    await sam.tap("Yes, I'm in")
    _cleared, joined = await sam.replies(2)
    assert joined.text == say("joined", "en")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.cohort_id == forum.id


async def test_join_tap_sends_youre_in_and_removes_buttons(yv: Harness) -> None:
    """Joining removes the Join buttons from the welcome and says 'You're in' once."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    await sam.next_reply()
    await sam.tap("Yes, I'm in")
    cleared, joined = await sam.replies(2)
    assert cleared.edited and cleared.buttons == []
    assert joined.text == say("joined", "en")
    await assert_quiet(sam)


async def test_start_when_already_joined(yv: Harness) -> None:
    """/start from someone who already joined says so, with no welcome or buttons."""
    sam = await yv.joined("Sam")
    await sam.send("/start")
    reply = await sam.next_reply()
    assert reply.text == say("already_joined", "en")
    assert reply.buttons == []
    await assert_quiet(sam)


async def test_stop_then_start_rejoins(yv: Harness) -> None:
    """/stop marks the contact stopped; /start afterwards welcomes them back as joined."""
    sam = await yv.joined("Sam")
    await sam.send("/stop")
    assert (await sam.next_reply()).text == say("stopped", "en")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.status is ContactStatus.STOPPED
    await sam.send("/start")
    assert (await sam.next_reply()).text == say("joined_again", "en")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.status is ContactStatus.JOINED


async def test_stopped_person_gets_no_invitation(yv: Harness) -> None:
    """Someone who typed /stop is not invited to a check-in opened afterwards."""
    ash = await yv.joined("Ash")
    sam = await yv.joined("Sam")
    await sam.send("/stop")
    await sam.next_reply()
    await yv.open_checkin("weekly")
    await ash.next_reply()
    await sam.assert_no_reply(within=0.3)


async def test_stop_cancels_an_invitation_already_queued(yv: Harness) -> None:
    """An invitation queued (due later) before /stop is never delivered after it."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await sam.next_reply()  # the first invitation went out
    await yv.store.enqueue(_later_invite(sam.id, checkin.id, yv.clock() + 1))
    await sam.send("/stop")
    assert (await sam.next_reply()).text == say("stopped", "en")
    yv.clock.advance(5)
    await sam.assert_no_reply(within=0.3)
    assert db_rows(yv.settings.database, "SELECT * FROM outbox WHERE dedupe_key = 'later'") == []
    assert (await yv.store.outbox_counts())["failed"] == 1


def _later_invite(chat_id: int, checkin_id: int, due: float) -> list[OutgoingMessage]:
    return [OutgoingMessage(chat_id, invitation(checkin_id, "Later"), due, "later")]


async def test_help_privacy_and_unknown_commands(yv: Harness) -> None:
    """/help lists the commands (after the support contacts) and /privacy explains what is
    kept, joined or not; an unknown command such as /blah gets "I don't know /blah" and the
    command list (no support contacts)."""
    sam = yv.emu.user("Sam")
    await sam.send("/help")
    support, listed = await sam.replies(2)
    assert support.text.startswith(say("support_anytime", "en"))
    assert listed.text == say("help", "en")
    await sam.send("/blah")
    assert (await sam.next_reply()).text == unknown("/blah")
    await sam.send("/privacy")
    assert (await sam.next_reply()).text == say("privacy", "en")
    ash = await yv.joined("Ash")
    await ash.send("/privacy")
    assert (await ash.next_reply()).text == say("privacy", "en")


async def test_a_mistyped_command_gets_a_short_reply_without_the_crisis_contacts(
    yv: Harness,
) -> None:
    """Regression: /checkins (a typo) got the whole crisis-contacts message and the command
    list. Now it is "I don't know /checkins 🤔" and the list, in one message, in the reader's
    language; the safety net still reads words typed after an unknown command."""
    sam = await yv.joined("Sam")
    await sam.send("/checkins")
    reply = await sam.next_reply()
    assert reply.text.startswith("I don't know /checkins 🤔\n\nWhat I can do:\n/urgent")
    assert say("support_anytime", "en") not in sam.transcript()
    await sam.send("/Blah@YouthVoiceBot please")
    assert (await sam.next_reply()).text == unknown("/blah")
    await sam.send("/nope i want to kill myself")
    support = await sam.next_reply()
    assert support.text == bundled_safety_net().support("en")
    await sam.replies(1)  # what follows support
    cai = yv.emu.user("Cai", language_code="cy")
    await cai.send("/checkins")
    assert (await cai.next_reply()).text == unknown("/checkins", "cy")


async def test_text_from_someone_not_joined_points_to_start(yv: Harness) -> None:
    """Text from someone who never joined gets 'Type /start to join first.' and is not kept."""
    sam = yv.emu.user("Sam")
    await sam.send("hello?")
    assert (await sam.next_reply()).text == "Type /start to join first."
    assert await yv.store.contact(sam.id) is None


async def test_checkin_command_from_someone_not_joined(yv: Harness) -> None:
    """/checkin from someone who never joined points them to /start, even with one open."""
    await yv.open_checkin("weekly")
    sam = yv.emu.user("Sam")
    await sam.send("/checkin")
    assert (await sam.next_reply()).text == say("start_first", "en")


async def test_text_from_joined_person_with_nothing_open(yv: Harness) -> None:
    """A joined person's chat message with no check-in running gets a gentle pointer."""
    sam = await yv.joined("Sam")
    await sam.send("hi there")
    assert (await sam.next_reply()).text == say("nothing_to_answer", "en")


async def test_no_thanks_on_an_older_welcome_after_joining_changes_nothing(yv: Harness) -> None:
    """Regression: 'No thanks' on an older welcome, pressed after joining, said "I won't
    message you" and stopped them. Now it changes nothing: the old welcome loses its buttons,
    they hear they are still in and how to stop, and they are still invited."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    first = await sam.next_reply()
    await sam.send("/start")
    await sam.next_reply()
    await sam.tap("Yes, I'm in")  # on the newest welcome
    await sam.replies(2)
    for label, cleared in (("No thanks", True), ("Yes, I'm in", False)):
        button = first.button(label)
        assert button is not None
        await sam.tap_data(button.data, message_id=first.message_id)
        if cleared:  # the old welcome's buttons go with the first press
            edit = await sam.next_reply()
            assert edit.message_id == first.message_id and edit.buttons == []
        still_in = await sam.next_reply()
        assert still_in.text == "You're already in 🙂 To stop my messages, type /stop."
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.status is ContactStatus.JOINED
    await yv.open_checkin("weekly")
    assert (await sam.next_reply()).button_texts == ["Start"]


async def test_older_welcome_after_stop_keeps_messages_off(yv: Harness) -> None:
    """Someone who stopped and presses "Yes, I'm in" or "No thanks" on an older welcome stays
    stopped and hears how to turn messages on; /start does."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    await sam.send("/start")
    first, _ = await sam.replies(2)
    await sam.tap("Yes, I'm in")
    await sam.replies(2)
    await sam.send("/stop")
    assert (await sam.next_reply()).text == say("stopped", "en")
    for label in ("Yes, I'm in", "No thanks"):
        button = first.button(label)
        assert button is not None
        await sam.tap_data(button.data, message_id=first.message_id)
        off = (await sam.replies(2 if label == "Yes, I'm in" else 1))[-1]
        assert off.text == say("welcome_still_off", "en")
        assert "/start" in off.text
        contact = await yv.store.contact(sam.id)
        assert contact is not None and contact.status is ContactStatus.STOPPED
    await sam.send("/start")
    assert (await sam.next_reply()).text == say("joined_again", "en")


async def test_stale_welcome_button_speaks_welsh_to_a_welsh_reader(yv: Harness) -> None:
    """The answer to an older welcome's button is in the reader's language."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    first = await sam.next_reply()
    await sam.send("/start")
    await sam.next_reply()
    await sam.tap("Yes, I'm in")
    await sam.replies(2)
    assert await yv.store.set_reading(sam.id, "cy", None, 10**9)
    button = first.button("No thanks")
    assert button is not None
    await sam.tap_data(button.data, message_id=first.message_id)
    assert (await sam.replies(2))[-1].text == say("welcome_still_in", "cy")


async def test_bad_code_from_someone_already_in_says_the_code_did_not_work(yv: Harness) -> None:
    """/start WRONG from someone who joined says the link didn't work as well as that they're
    in, and leaves their cohort as it was."""
    forum = await yv.cohort("Forum", "FORUM123")
    sam = await yv.joined("Sam", "FORUM123")
    await sam.send("/start NOSUCHCODE")
    bad, still_in = await sam.replies(2)
    assert (bad.text, still_in.text) == (say("bad_link", "en"), say("already_joined", "en"))
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.cohort_id == forum.id


async def test_forged_join_button_with_an_unknown_code_expires(yv: Harness) -> None:
    """A join button with a code no cohort has ('j:XXXX') expires and joins nobody; the
    welcome's own button without a code ('j:') still joins, with no cohort."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    welcome = await sam.next_reply()
    await sam.tap_data("j:NOSUCHCODE", message_id=welcome.message_id)
    await assert_quiet(sam)
    assert sam.toasts() == [say("button_expired", "en")]
    assert await yv.store.contact(sam.id) is None
    await sam.tap_data("j:", message_id=welcome.message_id)
    _cleared, joined = await sam.replies(2)
    assert joined.text == say("joined", "en")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.cohort_id is None


async def test_joining_works_when_telegram_will_not_remove_the_buttons(yv: Harness) -> None:
    """Taking the buttons off the welcome is cosmetic: if Telegram refuses, the person is
    still in and told so, with no apology."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    await sam.next_reply()
    yv.emu.fail_next("editMessageReplyMarkup", status=400)
    await sam.tap("Yes, I'm in")
    assert (await sam.next_reply()).text == say("joined", "en")
    contact = await yv.store.contact(sam.id)
    assert contact is not None and contact.status == "joined"
