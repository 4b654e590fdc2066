"""End to end: a reply that does not reach a young person never leaves them stranded. The
delivery loop shows them their current question again, without their typing a command."""

from __future__ import annotations

import pytest

from bot.actions import answering
from bot.actions.answering import REPLY_GRACE, Turn
from bot.actions.button_data import Answer, decode
from bot.emulator.messages import BotMessage
from flows.messages import say
from tests.conftest import Harness, assert_quiet, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

SAFE_Q = "2 of 6\n\nDo you feel safe where you live?"


def reply_marks(yv: Harness) -> list[tuple[object, ...]]:
    return db_rows(
        yv.settings.database, "SELECT reply_due FROM progress WHERE reply_due IS NOT NULL"
    )


async def test_a_reply_that_fails_comes_again_by_itself(yv: Harness) -> None:
    """Telegram fails the next question (two 500s): the answer is kept, no apology, and the
    question arrives anyway."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    yv.emu.fail_next("sendMessage", times=2, status=500)
    await sam.tap("🙂 Good")
    confirmed = await sam.next_reply()
    assert confirmed.edited and confirmed.text.endswith("✔ 🙂 Good")
    again = await sam.next_reply(timeout=15)
    assert again.text == SAFE_Q
    assert again.button_texts == ["Yes", "No", "Prefer not to say"]
    await assert_quiet(sam)
    assert say("sorry_error", "en") not in sam.transcript()
    await sam.tap("Yes")  # the question shown again answers as usual
    assert (await sam.replies(2))[1].text.startswith("3 of 6")


async def test_a_reply_cut_short_by_a_crash_comes_after_the_restart(yv: Harness) -> None:
    """The step was saved and the bot stopped before replying (as in a crash): once the
    reply's grace has passed, the restarted bot shows the question."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    first = await start_invited(sam)
    await press_without_reply(yv, sam.id, checkin.id, first)
    assert len(reply_marks(yv)) == 1
    await yv.restart()
    await sam.assert_no_reply(within=0.5)  # within the grace, the reply may still be coming
    yv.clock.advance(REPLY_GRACE + 1)
    again = await sam.next_reply(timeout=10)
    assert again.text == SAFE_Q
    await assert_quiet(sam)
    assert reply_marks(yv) == []


async def test_a_reply_that_got_through_leaves_no_mark(yv: Harness) -> None:
    """Marks are cleared once replies are shown, so nothing comes twice after the grace."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await sam.tap("🙂 Good")
    await sam.replies(2)
    for _ in range(100):
        if not reply_marks(yv):
            break
        await sam.assert_no_reply(within=0.05)
    assert reply_marks(yv) == []
    yv.clock.advance(REPLY_GRACE + 1)
    await sam.assert_no_reply(within=1.0)


async def test_someone_who_stopped_is_not_shown_a_lost_reply(yv: Harness) -> None:
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    first = await start_invited(sam)
    await press_without_reply(yv, sam.id, checkin.id, first)
    await sam.send("/stop")
    await sam.next_reply()
    yv.clock.advance(REPLY_GRACE + 1)
    await sam.assert_no_reply(within=1.0)
    assert reply_marks(yv) == []  # nothing left to show: the mark is cleared


async def press_without_reply(
    yv: Harness, chat_id: int, checkin_id: int, first: BotMessage
) -> Turn:
    """What the Telegram handler does for a press on "🙂 Good", without the reply reaching
    Telegram (as when the bot is killed at that moment)."""
    svc = yv.svc
    assert svc is not None
    button = first.button("🙂 Good")
    assert button is not None
    data = decode(button.data)
    assert isinstance(data, Answer)
    turn = await answering.press(
        svc, chat_id, checkin_id, data.question_id, data.value, first.message_id, 10**9
    )
    assert isinstance(turn, Turn) and turn.reply_due is not None
    return turn
