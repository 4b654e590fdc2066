"""End to end: /help gives the support contacts in every state; /pause holds every message the
bot starts until the pause ends (nothing lost); /mydata says plainly what is held."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.actions.safety import bundled_safety_net
from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.messages import say
from storage.base import PAUSED_FOREVER, StorageError
from tests.conftest import Harness, assert_quiet, finish_weekly, start_invited

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

ANYTIME = bundled_safety_net().support("en", anytime=True)
HELP = say("help", "en")
WEEK = 7 * 24 * 3600.0


async def helped(person: SimUser) -> None:
    """/help: the support contacts first, then what the bot can do."""
    await person.send("/help")
    assert [m.text for m in await person.replies(2)] == [ANYTIME, HELP]


async def test_help_before_joining_and_after_stop(yv: Harness) -> None:
    await helped(yv.emu.user("Stranger"))
    sam = await yv.joined("Sam")
    await sam.send("/stop")
    await sam.next_reply()
    await helped(sam)


async def test_help_mid_checkin_leaves_the_checkin_where_it_was(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await sam.tap("😐 OK")
    await sam.replies(2)
    await helped(sam)
    await sam.tap("Yes")
    assert (await sam.replies(2))[1].text.startswith("3 of 6")


async def test_help_while_paused(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    await pause(sam, "pause_forever")
    await helped(sam)


async def test_help_is_read_in_a_flood(yv: Harness) -> None:
    """Someone sending too fast still gets support for /help (their other messages drop)."""
    sam = await yv.joined("Sam")
    for _ in range(60):
        await sam.send("hi")
    await sam.send("/help")
    for _ in range(400):
        if ANYTIME in [m.text for m in sam.messages()]:
            break
        await asyncio.sleep(0.05)
    assert ANYTIME in [m.text for m in sam.messages()], "the /help was dropped"


class BrokenStore:
    """Every storage call fails, as when the disk has gone."""

    def __getattr__(self, name: str) -> Any:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise StorageError(f"{name} failed: SQLITE_IOERR")

        return fail


async def test_help_gives_support_when_the_database_is_down(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    svc = yv.svc
    assert svc is not None
    store, svc.store = svc.store, BrokenStore()
    try:
        await sam.send("/help")
        support, sorry = await sam.replies(2)
        assert support.text == ANYTIME
        assert sorry.text == say("sorry_error", "en")
    finally:
        svc.store = store


async def pause(person: SimUser, choice: str) -> str:
    """/pause and a choice; the reply's words."""
    await person.send("/pause")
    asked = await person.next_reply()
    assert asked.text == say("pause_ask", "en")
    assert asked.button_texts == [
        say(key, "en") for key in ("pause_week", "pause_month", "pause_forever", "pause_cancel")
    ]
    await person.tap(say(choice, "en"))
    return (await person.replies(2))[1].text or ""


async def test_a_paused_person_gets_the_invitation_after_the_week_not_before(
    yv: Harness,
) -> None:
    """An invitation queued while Sam is paused for a week waits; Ash gets hers at once; Sam
    gets it once the week is over."""
    ash = await yv.joined("Ash")
    sam = await yv.joined("Sam")
    said = await pause(sam, "pause_week")
    assert said.startswith("Okay, I won't send you anything until ")
    await yv.open_checkin("weekly")
    assert (await ash.next_reply()).button_texts == ["Start"]
    await sam.assert_no_reply(within=0.5)
    yv.clock.advance(WEEK - 60)
    await sam.assert_no_reply(within=0.5)
    yv.clock.advance(120)
    assert (await sam.next_reply()).button_texts == ["Start"]


async def test_until_i_say_holds_messages_until_resume(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    assert await pause(sam, "pause_forever") == say("paused_open", "en")
    await yv.open_checkin("weekly")
    yv.clock.advance(400 * 24 * 3600.0)
    await sam.assert_no_reply(within=0.5)
    await sam.send("/resume")
    assert (await sam.next_reply()).text == say("resumed", "en")
    assert (await sam.next_reply()).button_texts == ["Start"]
    await sam.send("/resume")
    assert (await sam.next_reply()).text == say("not_paused", "en")


async def test_keep_them_coming_changes_nothing(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    assert await pause(sam, "pause_cancel") == say("pause_kept", "en")
    await yv.open_checkin("weekly")
    assert (await sam.next_reply()).button_texts == ["Start"]


async def test_pause_before_joining_says_join_first(yv: Harness) -> None:
    stranger = yv.emu.user("Stranger")
    await stranger.send("/pause")
    assert (await stranger.next_reply()).text == say("start_first", "en")
    await assert_quiet(stranger)


async def test_mydata_says_what_is_held_in_plain_words(yv: Harness) -> None:
    """Group, language, joined date, messages, the unfinished check-in and meetings; and
    for someone never joined, that nothing is held."""
    await yv.cohort("North Forum", "NORTH1")
    sam = await yv.joined("Sam", "NORTH1")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await sam.send("/mydata")
    held = (await sam.next_reply()).text or ""
    assert held.startswith("What we keep about you:")
    for words in ["Group: North Forum", "Language: English", "Joined: Mon 23 Nov 2026"]:
        assert words in held
    assert "Messages: on" in held and "Meetings: none" in held
    assert "Unfinished check-ins: How are things?" in held or "Unfinished check-ins: " in held
    assert "/delete" in held
    await pause(sam, "pause_forever")
    await sam.send("/mydata")
    assert "Messages: paused until you say" in ((await sam.next_reply()).text or "")
    stranger = yv.emu.user("Stranger")
    await stranger.send("/mydata")
    assert (await stranger.next_reply()).text == say("mydata_nothing", "en")


async def test_mydata_says_finished_answers_still_waiting_are_theirs(yv: Harness) -> None:
    """Finished answers not yet released with others are not unfinished, but are still
    theirs: /mydata says so, and how /delete removes them; once released, it says nothing
    of them."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await finish_weekly(sam)
    await sam.send("/mydata")
    held = (await sam.next_reply()).text or ""
    assert "Unfinished check-ins: none" in held
    waiting = say("mydata_waiting", "en", checkins="How are things?")
    assert held.endswith("\n\n" + waiting), held
    assert await yv.release() == 1
    await sam.send("/mydata")
    assert "mixed in" not in ((await sam.next_reply()).text or "")


async def test_keep_them_coming_while_paused_turns_messages_back_on(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    await pause(sam, "pause_month")
    await yv.open_checkin("weekly")
    await sam.assert_no_reply(within=0.3)
    assert await pause(sam, "pause_cancel") == say("resumed", "en")
    assert (await sam.next_reply()).button_texts == ["Start"]


async def press_on(person: SimUser, question: BotMessage, choice: str) -> None:
    """Press ``choice`` on an earlier /pause question (a slow phone still shows its buttons)."""
    button = question.button(say(choice, "en"))
    assert button is not None
    await person.tap_data(button.data, message_id=question.message_id)


async def test_a_pause_question_already_answered_changes_nothing(yv: Harness) -> None:
    """Regression: "For a week" on an older, answered /pause question paused them. Now a
    button on a question answered since (here or on a newer copy) changes nothing and says
    so kindly; the pause chosen stands."""
    sam = await yv.joined("Sam")
    await sam.send("/pause")
    older = await sam.next_reply()
    assert await pause(sam, "pause_forever") == say("paused_open", "en")
    await press_on(sam, older, "pause_week")
    cleared, answered = await sam.replies(2)
    assert cleared.message_id == older.message_id and cleared.buttons == []
    assert answered.text == (
        "You already answered that one, so I haven't changed anything. Type /pause to choose again."
    )
    assert await yv.store.paused_until(sam.id) == PAUSED_FOREVER
    await press_on(sam, older, "pause_cancel")  # and "keep them coming" does not resume them
    assert (await sam.next_reply()).text == say("pause_answered", "en")
    assert await yv.store.paused_until(sam.id) == PAUSED_FOREVER


async def test_a_double_tap_on_a_pause_choice_acts_once(yv: Harness) -> None:
    """ "For a week" pressed twice on one question: paused once, then "already answered"."""
    sam = await yv.joined("Sam")
    await sam.send("/pause")
    question = await sam.next_reply()
    await sam.tap(say("pause_week", "en"))
    _, paused = await sam.replies(2)
    until = await yv.store.paused_until(sam.id)
    yv.clock.advance(60)
    await press_on(sam, question, "pause_week")
    assert (await sam.next_reply()).text == say("pause_answered", "en")
    assert await yv.store.paused_until(sam.id) == until
    assert sam.transcript().count(paused.text) == 1


async def test_a_pause_question_older_than_a_day_changes_nothing(yv: Harness) -> None:
    """A /pause question left a day and more, then pressed: nothing changes, in Welsh for a
    Welsh reader, and /pause asks afresh."""
    sam = await yv.joined("Sam")
    assert await yv.store.set_reading(sam.id, "cy", None, 10**9)
    await sam.send("/pause")
    question = await sam.next_reply()
    yv.clock.advance(25 * 3600.0)
    button = question.button(say("pause_week", "cy"))
    assert button is not None
    await sam.tap_data(button.data, message_id=question.message_id)
    assert (await sam.replies(2))[1].text == say("pause_old", "cy")
    assert await yv.store.paused_until(sam.id) is None
    await sam.send("/pause")
    await sam.tap(say("pause_week", "cy"))
    await sam.replies(2)
    assert await yv.store.paused_until(sam.id) is not None


async def test_a_pause_button_from_before_stamps_is_old(yv: Harness) -> None:
    """A pause button written before its data carried the question's time ("1z:7") is
    treated as old: nothing changes."""
    sam = await yv.joined("Sam")
    await sam.tap_data("1z:7")
    assert (await sam.next_reply()).text == say("pause_old", "en")
    assert await yv.store.paused_until(sam.id) is None
