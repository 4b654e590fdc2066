"""End to end: a restart of the bot part-way through a check-in loses nothing."""

from __future__ import annotations

import json

import pytest

from bot.emulator import SimUser
from flows.messages import say
from tests.conftest import Harness, assert_quiet, last_update_id, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

MONEY_Q = "3 of 6\n\nHow is money for you right now?"


async def answer(sam: SimUser, label: str) -> None:
    await sam.tap(label)
    await sam.replies(2)


async def two_answered_then_restart(yv: Harness) -> tuple[SimUser, int]:
    """Sam answers mood and safe_home; then the bot process restarts on the same database."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await start_invited(sam)
    await answer(sam, "🙁 Not great")
    await answer(sam, "Yes")
    assert sam.messages()[-1].text == MONEY_Q
    await yv.restart()
    return sam, checkin.id


async def stored(yv: Harness, checkin_id: int) -> dict[str, object]:
    """The check-in's answers, once what waits for a batch is released."""
    await yv.release()
    rows = db_rows(
        yv.settings.database,
        "SELECT question_id, value FROM answers WHERE checkin_id = ?",
        checkin_id,
    )
    return {q: json.loads(v) for q, v in rows}


async def test_button_still_on_screen_works_after_restart(yv: Harness) -> None:
    """After a restart, tapping the current question's button carries on to the next one."""
    sam, checkin_id = await two_answered_then_restart(yv)
    await sam.tap("It's tight")
    confirmed, following = await sam.replies(2)
    assert confirmed.text == MONEY_Q + "\n\n✔ It's tight"
    assert following.text == "4 of 6\n\nDo you have someone you can talk to?"
    for label in ["No", "Help with housing"]:
        await sam.tap(label)
        await sam.replies(2 if label == "No" else 1)
    await answer(sam, "Done ✔")
    await sam.send("ok")
    assert (await sam.replies(2))[1].text.startswith("Thank you.")
    assert await stored(yv, checkin_id) == {
        "mood": "2",
        "safe_home": "yes",
        "money": "tight",
        "someone": "no",
        "help": ["housing"],
        "anything": "ok",
    }


async def test_checkin_command_after_restart_shows_the_same_question(yv: Harness) -> None:
    """After a restart, /checkin says welcome back and shows the question they were on."""
    sam, checkin_id = await two_answered_then_restart(yv)
    await sam.send("/checkin")
    back, older, again = await sam.replies(3)
    assert older.edited and older.buttons == []  # the copy from before the restart
    assert back.text == say("welcome_back_survey", "en")
    assert again.text == MONEY_Q
    assert again.button_texts == ["I'm OK", "It's tight", "I'm struggling", "Prefer not to say"]
    for label in ["I'm OK", "Prefer not to say", "Skip", "Skip"]:
        await answer(sam, label)
    assert await stored(yv, checkin_id) == {
        "mood": "2",
        "safe_home": "yes",
        "money": "ok",
        "someone": "~pns",
        "help": "~skip",
        "anything": "~skip",
    }


async def test_update_handled_before_restart_is_not_handled_again(yv: Harness) -> None:
    """An update repeated after a restart is still recognised as handled."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await sam.tap("🙂 Good")
    tap = last_update_id(yv.emu)
    await sam.replies(2)
    await yv.restart()
    yv.emu.repeat_update(tap)
    await assert_quiet(sam)
