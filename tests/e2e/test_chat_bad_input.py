"""End to end: what the bot does with input it did not ask for, or cannot trust.

Typed text where a button is expected, stale and forged buttons, double taps, media, overlong
text, edited messages, repeated updates and group chats. None of it may change a stored answer.
"""

from __future__ import annotations

import json

import pytest

from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.messages import say
from tests.conftest import Harness, assert_quiet, last_update_id, settle, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

MOOD_Q = "1 of 6\n\nHow are you feeling this week?"
SAFE_Q = "2 of 6\n\nDo you feel safe where you live?"
TEXT_ONLY = "I can only read text and buttons here."
EXPIRED = say("button_expired", "en")
MEDIA = ["sticker", "photo", "voice"]


async def answers(yv: Harness) -> dict[str, object]:
    """Every answer, question id to decoded value (one response expected), once what waits
    for a batch is released."""
    await yv.release()
    rows = db_rows(yv.settings.database, "SELECT response_id, question_id, value FROM answers")
    assert len({r[0] for r in rows}) <= 1, rows
    return {q: json.loads(v) for _, q, v in rows}


def progress_rows(yv: Harness) -> list[tuple[object, ...]]:
    return db_rows(yv.settings.database, "SELECT checkin_id, state FROM progress")


async def begin(yv: Harness, name: str = "Sam") -> tuple[SimUser, BotMessage, int]:
    """A joined person looking at the first question of an open weekly check-in."""
    sam = await yv.joined(name)
    checkin = await yv.open_checkin("weekly")
    first = await start_invited(sam)
    assert first.text == MOOD_Q
    return sam, first, checkin.id


async def answer(sam: SimUser, label: str) -> None:
    await sam.tap(label)
    await sam.replies(2)


async def to_safer_question(yv: Harness) -> tuple[SimUser, int]:
    """A person on the free-text 'What would help you feel safer?' question."""
    sam, _, checkin_id = await begin(yv)
    await answer(sam, "😐 OK")
    await sam.tap("No")
    await sam.replies(3)  # the tick, the support contacts (support_if), the follow-up
    assert sam.messages()[-1].text.startswith("2 of 6\n\nWhat would help you feel safer?")
    return sam, checkin_id


async def to_anything_question(yv: Harness) -> SimUser:
    """A person on the last question, 'Is there anything else you want to tell us?'."""
    sam, _, _ = await begin(yv)
    for label in ["😐 OK", "Yes", "I'm OK", "Yes"]:
        await answer(sam, label)
    await answer(sam, "Skip")
    assert sam.messages()[-1].text.startswith("6 of 6\n\nIs there anything else")
    return sam


async def finish_from_money(sam: SimUser) -> None:
    """From the money question, answer the rest quickly."""
    for label in ["I'm OK", "Yes", "Skip", "Skip"]:
        await answer(sam, label)


async def test_text_where_a_button_is_expected_asks_again(yv: Harness) -> None:
    """Typing on a button question gets a gentle line and the same question again."""
    sam, first, _ = await begin(yv)
    await settle(sam)
    state_before = progress_rows(yv)
    await sam.send("I'm fine I guess")
    nudge, older, again = await sam.replies(3)
    assert nudge.text == say("use_buttons", "en")
    assert older.edited and older.message_id == first.message_id and older.buttons == []
    assert again.text == MOOD_Q
    assert again.button_texts == first.button_texts
    assert progress_rows(yv) == state_before
    await answer(sam, "🙂 Good")
    assert sam.messages()[-1].text == SAFE_Q


async def test_stale_button_from_an_earlier_question_changes_nothing(yv: Harness) -> None:
    """A press on an already-answered question's button gets a toast; the answer stays."""
    sam, first, checkin_id = await begin(yv)
    await answer(sam, "🙂 Good")
    await settle(sam)
    state_before = progress_rows(yv)
    await sam.tap_data(f"a:{checkin_id}:mood:1", message_id=first.message_id)
    await assert_quiet(sam)
    assert sam.toasts() == [say("already_answered", "en")]
    assert progress_rows(yv) == state_before


async def test_stale_copy_of_the_question_after_resume_cannot_answer_twice(yv: Harness) -> None:
    """After /checkin shows a question again, the older copy loses its buttons, and its old
    buttons can't answer it again."""
    sam, _, _ = await begin(yv)
    await answer(sam, "🙂 Good")
    older = sam.messages()[-1]
    await sam.send("/checkin")
    _, cleared, newest = await sam.replies(3)
    assert cleared.message_id == older.message_id and cleared.buttons == []
    assert newest.text == SAFE_Q and newest.button_texts == older.button_texts
    await answer(sam, "Yes")  # on the newest copy
    no = older.button("No")
    assert no is not None
    await sam.tap_data(no.data, message_id=older.message_id)
    await assert_quiet(sam)
    assert sam.toasts()[-1] == say("already_answered", "en")
    await finish_from_money(sam)
    assert (await answers(yv))["safe_home"] == "yes"


FORGED = [
    "a:999:mood:1",  # no such check-in
    "a:1:mood:9",  # no such value
    "a:1:money:ok",  # a question not reached yet
    "a:1:mood",
    "a:1",
    "a:x:mood:1",
    "a:99999999999999999999:mood:1",  # too big for the database
    "a:²:mood:1",  # a digit to str.isdigit(), not to int()
    "c:999",
    "c:99999999999999999999",
    "c:²",
    "c:",
    "d:maybe",
    "zzz",
    "🙂",
]


async def test_forged_or_garbage_button_data_expires(yv: Harness) -> None:
    """Button data the bot never sent gets the "button doesn't work any more" pop-up; nothing
    changes."""
    sam, _, checkin_id = await begin(yv)
    assert checkin_id == 1
    await settle(sam)
    state_before = progress_rows(yv)
    for data in FORGED:
        await sam.tap_data(data)
    await assert_quiet(sam)
    assert sam.toasts() == [EXPIRED] * len(FORGED)
    assert progress_rows(yv) == state_before
    assert await answers(yv) == {}


async def test_forged_meeting_button_data_expires(yv: Harness) -> None:
    """Forged meeting (RSVP) button data gets the "button doesn't work any more" pop-up,
    and no apology."""
    sam = await yv.joined("Sam")
    forged = [
        "m:999:going",
        "m:x:going",
        "m:1:perhaps",
        "m:²:going",
        "m:99999999999999999999:going",
    ]
    for data in forged:
        await sam.tap_data(data)
    await assert_quiet(sam)
    assert sam.toasts() == [EXPIRED] * len(forged)


async def test_forged_answer_button_from_someone_not_joined(yv: Harness) -> None:
    """An answer button pressed by someone who never joined expires and stores nothing."""
    await begin(yv)
    eve = yv.emu.user("Eve")
    await eve.tap_data("a:1:mood:1")
    await assert_quiet(eve)
    assert eve.toasts() == [EXPIRED]
    assert await answers(yv) == {}


async def test_double_tap_records_one_answer(yv: Harness) -> None:
    """Two quick presses on the same question (same or other value) keep the first only."""
    sam, first, checkin_id = await begin(yv)
    await sam.tap("🙂 Good")
    await sam.tap_data(f"a:{checkin_id}:mood:1", message_id=first.message_id)
    await sam.tap_data(f"a:{checkin_id}:mood:4", message_id=first.message_id)
    confirmed, safe = await sam.replies(2)
    assert confirmed.text.endswith("✔ 🙂 Good")
    assert safe.text == SAFE_Q
    await assert_quiet(sam)
    assert sam.toasts() == [say("already_answered", "en")] * 2
    await answer(sam, "Yes")
    await finish_from_money(sam)
    assert (await answers(yv))["mood"] == "4"


async def test_double_tapped_start_shows_the_first_question_once(yv: Harness) -> None:
    """Start pressed twice quickly (two updates) shows the intro and the first question once;
    the second press is answered with a pop-up pointing to it, and nothing else is sent."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    invite = await sam.next_reply()
    start = invite.button("Start")
    assert start is not None
    first_press = await sam.tap("Start")
    second_press = await sam.tap_data(start.data, message_id=invite.message_id)
    intro, first = await sam.replies(2)
    assert intro.text.startswith("How are things?")
    assert first.text == MOOD_Q
    await assert_quiet(sam)
    assert sam.toasts() == [say("question_below", "en")]
    assert yv.emu.world.callbacks[first_press].answered
    assert yv.emu.world.callbacks[second_press].answered
    assert say("sorry_error", "en") not in sam.transcript()
    await answer(sam, "🙂 Good")
    assert sam.messages()[-1].text == SAFE_Q


async def shown_again(sam: SimUser, first: BotMessage) -> None:
    """The bot welcomes the person back, takes the buttons off ``first`` and shows the first
    question again, with no pop-up."""
    back, cleared, again = await sam.replies(3)
    assert back.text == say("welcome_back_survey", "en")
    assert cleared.message_id == first.message_id and cleared.buttons == []
    assert again.text == MOOD_Q
    assert sam.toasts() == []


async def test_start_pressed_again_later_shows_the_question_again(yv: Harness) -> None:
    """Start pressed again well after the question was shown (it may have scrolled away)
    shows it again, and the older copy loses its buttons."""
    sam, first, _ = await begin(yv)
    yv.clock.advance(31)
    await sam.tap("Start")
    await shown_again(sam, first)


async def test_start_after_a_restart_shows_the_question_again(yv: Harness) -> None:
    """After a restart the bot does not know when the question was shown (it may be gone from
    the chat), so even a quick Start shows it again."""
    sam, first, _ = await begin(yv)
    await yv.restart()
    await sam.tap("Start")
    await shown_again(sam, first)


async def test_media_during_a_checkin_says_text_and_buttons_only(yv: Harness) -> None:
    """A sticker, photo or voice note mid check-in gets the plain line and the question again."""
    sam, _, _ = await begin(yv)
    for kind in MEDIA:
        await _send_media(sam, kind)
        line, older, again = await sam.replies(3)
        assert line.text == TEXT_ONLY, kind
        assert older.edited and older.buttons == [], kind
        assert again.text == MOOD_Q, kind
    assert await answers(yv) == {}


async def test_media_outside_a_checkin(yv: Harness) -> None:
    """Media from a joined person with nothing to answer, or from a stranger, gets one line."""
    sam = await yv.joined("Sam")
    stranger = yv.emu.user("Alex")
    for person in (sam, stranger):
        for kind in MEDIA:
            await _send_media(person, kind)
            assert (await person.next_reply()).text == TEXT_ONLY, kind
        await assert_quiet(person)


async def _send_media(person: SimUser, kind: str) -> None:
    if kind == "sticker":
        await person.send_sticker()
    elif kind == "photo":
        await person.send_photo()
    else:
        await person.send_voice()


async def test_photo_caption_on_a_text_question_is_not_an_answer(yv: Harness) -> None:
    """A photo with a caption on the free-text question is refused; the caption is not kept."""
    sam, _ = await to_safer_question(yv)
    await sam.send_photo(caption="secret caption")
    line, _, again = await sam.replies(3)
    assert line.text == TEXT_ONLY
    assert again.text.startswith("2 of 6")
    await sam.send("A lock")
    await sam.replies(2)
    await finish_from_money(sam)
    assert (await answers(yv))["safer"] == "A lock"
    assert "secret caption" not in json.dumps(progress_rows(yv))


async def test_very_long_text_is_kept_up_to_the_cap_never_sent_back(yv: Harness) -> None:
    """4,000 characters on the last question: the first 1,000 are kept, the person is told so
    warmly, and the check-in finishes; nothing asks them to write it again."""
    sam = await to_anything_question(yv)
    await sam.send("x" * 4000)
    replies = await sam.replies(3)
    texts = [reply.text for reply in replies]
    assert say("long_kept", "en") in texts
    assert texts[-1].startswith("Thank you.")
    await assert_quiet(sam)
    assert (await answers(yv))["anything"] == "x" * 1000


async def test_text_at_exactly_the_limit_is_taken(yv: Harness) -> None:
    """The 1,000-character cap on the safer question includes 1,000 itself: no note."""
    sam, _ = await to_safer_question(yv)
    await sam.send("y" * 1000)
    assert (await sam.replies(2))[1].text.startswith("3 of 6")
    await finish_from_money(sam)
    assert (await answers(yv))["safer"] == "y" * 1000


async def test_edited_answer_never_changes_what_was_stored(yv: Harness) -> None:
    """Editing a text answer says kindly that the first version is kept; it stays stored."""
    sam, _ = await to_safer_question(yv)
    sent = await sam.send("A lock on my door")
    await sam.replies(2)  # Skip taken off the question, then the money question
    await sam.edit(sent["message_id"], "Actually, nothing")
    kind = await sam.next_reply()
    assert kind.text == say("edited", "en")
    await assert_quiet(sam)
    await finish_from_money(sam)
    assert (await answers(yv))["safer"] == "A lock on my door"


async def test_editing_the_last_answer_after_finishing_changes_nothing(yv: Harness) -> None:
    """Editing the message that finished the check-in leaves the stored response alone."""
    sam = await to_anything_question(yv)
    sent = await sam.send("my first words")
    await sam.replies(2)  # Skip taken off the question, then thanks
    await sam.edit(sent["message_id"], "my second words")
    assert (await sam.next_reply()).text == say("edited", "en")
    assert (await answers(yv))["anything"] == "my first words"


async def test_repeated_answer_tap_is_handled_once(yv: Harness) -> None:
    """The same callback update delivered twice answers once and replies once."""
    sam, _, _ = await begin(yv)
    await sam.tap("🙂 Good")
    tap_update = last_update_id(yv.emu)
    await sam.replies(2)
    toasts = sam.toasts()
    yv.emu.repeat_update(tap_update)
    await assert_quiet(sam)
    assert sam.toasts() == toasts
    await answer(sam, "Yes")
    await finish_from_money(sam)
    assert (await answers(yv))["mood"] == "4"


async def test_repeated_multi_toggle_does_not_untick(yv: Harness) -> None:
    """A repeated press on a multi-choice option is not a second toggle."""
    sam, _, _ = await begin(yv)
    for label in ["😐 OK", "Yes", "I'm OK", "Yes"]:
        await answer(sam, label)
    await sam.tap("Help with health")
    toggle = last_update_id(yv.emu)
    ticked = await sam.next_reply()
    assert "✅ Help with health" in ticked.button_texts
    yv.emu.repeat_update(toggle)
    await assert_quiet(sam)
    await answer(sam, "Done ✔")
    await sam.send("bye")
    await sam.replies(2)
    assert (await answers(yv))["help"] == ["health"]


async def test_repeated_text_answer_is_handled_once(yv: Harness) -> None:
    """The same text update delivered twice is taken as one answer with one reply."""
    sam, _ = await to_safer_question(yv)
    await sam.send("A lock")
    text_update = last_update_id(yv.emu)
    await sam.replies(2)
    yv.emu.repeat_update(text_update)
    await assert_quiet(sam)
    await finish_from_money(sam)
    assert (await answers(yv))["safer"] == "A lock"


async def test_repeated_finishing_update_stores_one_response(yv: Harness) -> None:
    """Repeating the update that finished the check-in stores no second response."""
    sam = await to_anything_question(yv)
    await sam.send("the end")
    finishing = last_update_id(yv.emu)
    await sam.replies(2)
    yv.emu.repeat_update(finishing)
    await assert_quiet(sam)
    assert await yv.release() == 1
    rows = db_rows(yv.settings.database, "SELECT count(DISTINCT response_id) FROM answers")
    assert rows == [(1,)]


async def test_repeated_start_and_join_are_handled_once(yv: Harness) -> None:
    """Repeated /start and 'Yes, I'm in' updates send nothing more."""
    sam = yv.emu.user("Sam")
    await sam.send("/start")
    start = last_update_id(yv.emu)
    await sam.next_reply()
    yv.emu.repeat_update(start)
    await assert_quiet(sam)
    await sam.tap("Yes, I'm in")
    join = last_update_id(yv.emu)
    await sam.replies(2)
    yv.emu.repeat_update(join)
    await assert_quiet(sam)


async def test_group_chat_gets_one_polite_line_only(yv: Harness) -> None:
    """In a group the bot says once that it only talks one to one, then stays quiet."""
    group = yv.emu.group("Care leavers forum")
    sam = await yv.joined("Sam")
    alex = yv.emu.user("Alex")
    await sam.send_in_group(group, "hello bot")
    line = await group.next_reply()
    assert line.text == say("group", "en")
    await alex.send_in_group(group, "/start")
    await sam.send_in_group(group, "/checkin")
    await group.assert_no_reply()
    assert [m.text for m in group.messages()] == [say("group", "en")]
    await sam.assert_no_reply(within=0)
    await alex.assert_no_reply(within=0)
    assert await yv.store.contact(alex.id) is None


async def test_two_people_writing_in_a_new_group_at_once_get_one_greeting(yv: Harness) -> None:
    """Two group messages handled side by side (different people) still get one polite line:
    the greeting is claimed in the database, not checked and then set."""
    group = yv.emu.group("Youth forum")
    sam, alex = yv.emu.user("Sam"), yv.emu.user("Alex")
    await sam.send_in_group(group, "hello bot")
    await alex.send_in_group(group, "hi")
    assert (await group.next_reply()).text == say("group", "en")
    await group.assert_no_reply()
    assert [m.text for m in group.messages()] == [say("group", "en")]


async def test_group_is_not_greeted_again_after_a_restart(yv: Harness) -> None:
    """The one polite line per group is remembered in the database, not just in memory."""
    group = yv.emu.group("Youth forum")
    sam = yv.emu.user("Sam")
    await sam.send_in_group(group, "hello bot")
    assert (await group.next_reply()).text == say("group", "en")
    await yv.restart()
    await sam.send_in_group(group, "hello again")
    await group.assert_no_reply()


async def test_forged_start_for_another_cohorts_checkin_expires(yv: Harness) -> None:
    """Start and answer buttons for a check-in of a cohort the person is not in get 'This
    button has expired.': nothing starts and nothing is recorded."""
    other = await yv.cohort("Other", "OTHER999")
    await yv.cohort("Forum", "FORUM123")
    sam = await yv.joined("Sam", "FORUM123")
    checkin = await yv.open_checkin("weekly", cohort=other)
    await sam.tap_data(f"c:{checkin.id}")
    await sam.tap_data(f"a:{checkin.id}:mood:1")
    await assert_quiet(sam)
    assert sam.toasts() == [EXPIRED, EXPIRED]
    assert progress_rows(yv) == []
    assert await answers(yv) == {}


async def test_answer_after_moving_to_another_cohort_expires(yv: Harness) -> None:
    """Someone who started their cohort's check-in and then moved to another cohort (with its
    invite link) can no longer answer the first one: it is not for them now."""
    forum = await yv.cohort("Forum", "FORUM123")
    await yv.cohort("Other", "OTHER999")
    sam = await yv.joined("Sam", "FORUM123")
    checkin = await yv.open_checkin("weekly", cohort=forum)
    await start_invited(sam)
    await settle(sam)
    before = progress_rows(yv)
    await sam.send("/start OTHER999")
    assert (await sam.next_reply()).text == say("already_joined", "en")
    await sam.tap_data(f"a:{checkin.id}:mood:4")
    await assert_quiet(sam)
    assert sam.toasts() == [EXPIRED]
    assert progress_rows(yv) == before


async def test_a_question_telegram_will_not_edit_still_moves_on(yv: Harness) -> None:
    """Marking the answer on its question is cosmetic: if Telegram refuses the edit (too old to
    edit), the answer is kept and the next question still comes, with no apology."""
    sam, first, _checkin = await begin(yv)
    assert first.text == MOOD_Q
    yv.emu.fail_next("editMessageText", status=400)
    await sam.tap("😐 OK")
    question = await sam.next_reply()
    assert question.text == SAFE_Q
    await assert_quiet(sam)
    state = json.loads(str(progress_rows(yv)[0][1]))
    assert state["answers"] == {"mood": "3"}
