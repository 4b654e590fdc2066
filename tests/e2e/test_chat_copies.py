"""End to end: a question shown again leaves no working buttons on its older copy, typed
yes/no answers a yes/no question, and a typed answer takes its question's buttons off."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.messages import say
from tests.conftest import Harness, assert_quiet, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

SAFE_Q = "2 of 6\n\nDo you feel safe where you live?"
MONEY_Q = "3 of 6\n\nHow is money for you right now?"


def progress_states(yv: Harness) -> list[dict[str, Any]]:
    rows = db_rows(yv.settings.database, "SELECT state FROM progress")
    return [json.loads(state) for (state,) in rows]


async def tap_older_copy(sam: SimUser, older: BotMessage, label: str) -> None:
    """Press ``label`` on an older copy of a question (a slow phone still shows its buttons):
    it gets the kind pop-up pointing to the newest copy, and nothing else."""
    button = older.button(label)
    assert button is not None
    await sam.tap_data(button.data, message_id=older.message_id)
    await assert_quiet(sam)
    assert sam.toasts()[-1] == say("use_newest", "en")
    assert say("sorry_error", "en") not in sam.transcript()


async def test_stale_copy_after_resume_points_to_the_newest_and_records_nothing(
    yv: Harness,
) -> None:
    """After /checkin shows the question again, its older copy loses its buttons; a press that
    still comes from it (a slow phone) gets a kind pop-up, no apology, and records nothing.
    The newest copy then answers as usual."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await sam.tap("😐 OK")
    _, older = await sam.replies(2)
    assert older.text == SAFE_Q
    await sam.send("/checkin")
    back, cleared, newest = await sam.replies(3)
    assert back.text == say("welcome_back_survey", "en")
    assert cleared.message_id == older.message_id and cleared.buttons == []
    assert newest.text == SAFE_Q and newest.button_texts == older.button_texts

    await tap_older_copy(sam, older, "No")
    assert "safe_home" not in progress_states(yv)[0]["answers"]

    await sam.tap("Yes")
    confirmed, money = await sam.replies(2)
    assert confirmed.message_id == newest.message_id and confirmed.text.endswith("✔ Yes")
    assert money.text == MONEY_Q
    assert progress_states(yv)[0]["answers"] == {"mood": "3", "safe_home": "yes"}


@pytest.mark.parametrize(
    ("typed", "stored", "following_text"),
    [
        ("YES!", "yes", MONEY_Q),
        ("y", "yes", MONEY_Q),
        (" Nope. ", "no", "2 of 6\n\nWhat would help you feel safer?"),
    ],
)
async def test_typed_yes_or_no_answers_a_yes_no_question(
    yv: Harness, typed: str, stored: str, following_text: str
) -> None:
    """Typing yes or no on a yes/no question counts as the button: the question loses its
    buttons and the next question comes (the follow-up after "no")."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await sam.tap("😐 OK")
    _, safe = await sam.replies(2)
    await sam.send(typed)
    # "no" brings the support contacts before the follow-up (support_if in weekly.yaml).
    answered, *_, following = await sam.replies(3 if stored == "no" else 2)
    assert answered.message_id == safe.message_id and answered.buttons == []
    assert following.text.startswith(following_text)
    assert progress_states(yv)[0]["answers"] == {"mood": "3", "safe_home": stored}


async def test_typed_answer_takes_skip_off_the_text_question(yv: Harness) -> None:
    """Once a text question is answered by typing, its Skip button goes, so nothing on
    screen offers to skip an answered question."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await sam.tap("😐 OK")
    await sam.replies(2)
    await sam.tap("No")
    _, _support, safer = await sam.replies(3)
    assert safer.text.startswith("2 of 6\n\nWhat would help you feel safer?")
    assert safer.button_texts == ["Skip"]
    await sam.send("A lock on my door")
    answered, money = await sam.replies(2)
    assert answered.message_id == safer.message_id
    assert answered.text == safer.text and answered.buttons == []
    assert money.text == MONEY_Q
    assert [m.message_id for m in sam.messages() if m.button("Skip")] == []


HELP_Q = "5 of 6\n\nWhat would help you most right now? Pick as many as you like."


async def to_multi_question(yv: Harness) -> SimUser:
    """A person looking at the multi-choice question ('Pick as many as you like')."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    for label in ["😐 OK", "Yes", "I'm OK", "Yes"]:
        await sam.tap(label)
        await sam.replies(2)
    assert sam.messages()[-1].text == HELP_Q
    return sam


async def test_ticking_an_older_copy_of_a_multi_question_points_to_the_newest(
    yv: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A tick on the older copy of a multi-choice question shown again by /checkin gets the
    kind pop-up, no apology and no error in the log, and ticks nothing; the newest copy ticks."""
    sam = await to_multi_question(yv)
    await sam.tap("Help with money")
    older = await sam.next_reply()
    assert "✅ Help with money" in older.button_texts
    await sam.send("/checkin")
    _, cleared, newest = await sam.replies(3)
    assert cleared.message_id == older.message_id and cleared.buttons == []
    caplog.set_level(logging.INFO)
    await tap_older_copy(sam, older, "Help with housing")
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert progress_states(yv)[0]["picked"] == ["money"]
    await sam.tap("Help with housing")
    ticked = await sam.next_reply()
    assert ticked.message_id == newest.message_id
    assert {"✅ Help with money", "✅ Help with housing"} <= set(ticked.button_texts)


async def test_a_tick_on_a_question_showing_it_already_is_answered_without_apology(
    yv: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """When Telegram refuses to redraw a tick (400), the question falls a tick behind what is
    stored; the next tick there would redraw it exactly as it is, which Telegram answers with
    "message is not modified". Both presses are answered, nobody gets an apology, nothing is
    logged as an error, and Done stores what was really picked."""
    sam = await to_multi_question(yv)
    caplog.set_level(logging.INFO)
    yv.emu.fail_next("editMessageReplyMarkup", status=400)
    presses = [
        await sam.tap("Help with money"),  # stored; the question still shows no tick
        await sam.tap("Help with money"),  # untick: the redraw is the question as it is
        await sam.tap("Help with health"),
    ]
    ticked = await sam.next_reply()
    assert "✅ Help with health" in ticked.button_texts
    assert "✅ Help with money" not in ticked.button_texts
    await assert_quiet(sam)
    assert say("sorry_error", "en") not in sam.transcript()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert all(yv.emu.world.callbacks[press].answered for press in presses)
    await sam.tap("Done ✔")
    await sam.replies(2)
    assert progress_states(yv)[0]["answers"]["help"] == ["health"]
