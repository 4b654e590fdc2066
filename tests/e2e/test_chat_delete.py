"""End to end: /delete removes who someone is and their unfinished answers, never finished ones."""

from __future__ import annotations

import pytest

from bot.emulator import SimUser
from flows.messages import say
from tests.conftest import Harness, assert_quiet, finish_weekly, last_update_id, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]


def count(yv: Harness, table: str) -> int:
    return int(db_rows(yv.settings.database, f"SELECT count(*) FROM {table}")[0][0])


async def finished_one_and_started_another(yv: Harness) -> tuple[SimUser, SimUser]:
    """Sam and Ash finish the weekly check-in; Sam then answers one meeting question."""
    sam = await yv.joined("Sam")
    ash = await yv.joined("Ash")
    await yv.open_checkin("weekly")
    for person in (sam, ash):
        await start_invited(person)
        await finish_weekly(person)
    assert await yv.release() == 2  # as when the check-in closes: their answers are anonymous
    await yv.open_checkin("meeting_feedback")
    await ash.next_reply()  # Ash's invitation, left alone
    invite = await sam.next_reply()
    assert "How was the meeting?" in invite.text
    await sam.tap("Start")
    await sam.replies(2)
    await sam.tap("🙂 Good")
    await sam.replies(2)
    assert count(yv, "progress") == 1
    assert count(yv, "participation") == 2
    return sam, ash


async def test_delete_asks_to_confirm(yv: Harness) -> None:
    """/delete explains what goes and what stays, with Yes and No buttons, and deletes nothing."""
    sam = await yv.joined("Sam")
    await sam.send("/delete")
    ask = await sam.next_reply()
    assert ask.text == say("delete_ask", "en")
    assert ask.button_texts == ["Yes, delete me", "No, keep me"]
    assert await yv.store.contact(sam.id) is not None


async def test_yes_delete_me_removes_contact_progress_and_marks_not_answers(
    yv: Harness,
) -> None:
    """'Yes, delete me' removes the contact, their unfinished answers and their finished-marks;
    finished answers stay, and the reply says they are anonymous."""
    sam, ash = await finished_one_and_started_another(yv)
    answers_before = db_rows(yv.settings.database, "SELECT * FROM answers ORDER BY 1, 3")
    assert len({row[0] for row in answers_before}) == 2

    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    cleared, done = await sam.replies(2)
    assert cleared.edited and cleared.buttons == []
    assert done.text == say("deleted", "en")
    assert "nobody can tell they were yours" in done.text

    assert await yv.store.contact(sam.id) is None
    assert count(yv, "progress") == 0
    assert count(yv, "participation") == 1  # Ash's mark only
    assert await yv.store.contact(ash.id) is not None
    assert db_rows(yv.settings.database, "SELECT * FROM answers ORDER BY 1, 3") == answers_before
    outbox = db_rows(yv.settings.database, "SELECT * FROM outbox WHERE chat_id = ?", sam.id)
    assert outbox == []

    # Sam is now a stranger: buttons still on screen expire, messages point to /start.
    await sam.tap("Yes")
    await assert_quiet(sam)
    assert sam.toasts()[-1] == say("button_expired", "en")
    await sam.send("hello")
    assert (await sam.next_reply()).text == say("start_first", "en")


async def test_yes_delete_me_also_removes_answers_still_waiting(yv: Harness) -> None:
    """Finished answers not yet released with others are still under the person's link:
    'Yes, delete me' removes them too, so they are never released."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    await finish_weekly(sam, "WAITING-WORDS-TO-DELETE")
    assert count(yv, "waiting") == 1
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    await sam.replies(2)
    assert count(yv, "waiting") == 0
    assert await yv.release() == 0
    assert count(yv, "answers") == 0


async def test_repeated_delete_confirmation_is_handled_once(yv: Harness) -> None:
    """The 'Yes, delete me' update delivered twice deletes once and replies once."""
    sam = await yv.joined("Sam")
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    tap = last_update_id(yv.emu)
    await sam.replies(2)
    yv.emu.repeat_update(tap)
    await assert_quiet(sam)


async def test_no_keep_me_deletes_nothing(yv: Harness) -> None:
    """'No, keep me' says nothing was deleted; contact, progress and marks are untouched."""
    sam, _ = await finished_one_and_started_another(yv)
    before = {t: count(yv, t) for t in ("contacts", "progress", "participation", "answers")}
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("No, keep me")
    cleared, kept = await sam.replies(2)
    assert cleared.edited and cleared.buttons == []
    assert kept.text == say("delete_cancelled", "en")
    assert {t: count(yv, t) for t in before} == before
    await sam.tap("Yes")  # the meeting check-in carries on
    confirmed, _ = await sam.replies(2)
    assert confirmed.text.endswith("✔ Yes")


async def test_after_delete_start_is_a_fresh_welcome(yv: Harness) -> None:
    """Someone who deleted themselves and types /start is asked to join again from scratch."""
    sam = await yv.joined("Sam")
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    await sam.replies(2)
    await sam.send("/start")
    welcome = await sam.next_reply()
    assert welcome.text == say("welcome", "en")
    assert welcome.button_texts == ["Yes, I'm in", "No thanks", say("privacy_button", "en")]


async def test_yes_delete_me_pressed_twice_says_done_once(yv: Harness) -> None:
    """Regression: a second press of 'Yes, delete me' (a double tap, or a second /delete's
    button) sent "Done. You've been removed" again. Now it gets a short pop-up that it is
    done already, and nothing in the chat."""
    sam = await yv.joined("Sam")
    await sam.send("/delete")
    first = await sam.next_reply()
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    _, done = await sam.replies(2)
    assert done.text == say("deleted", "en")
    button = first.button("Yes, delete me")
    assert button is not None
    await sam.tap_data(button.data, message_id=first.message_id)
    await sam.send("/delete")  # the press is handled first, in order
    assert (await sam.next_reply()).text == say("delete_nothing", "en")
    assert sam.toasts()[-1] == "That's done already. We don't keep anything about you now."
    assert sam.transcript().count("Done. You've been removed") == 1


async def test_delete_with_nothing_kept_says_so_and_asks_nothing(yv: Harness) -> None:
    """/delete from someone we keep nothing about (never joined, or removed already) says
    there is nothing to delete, with no buttons, in their app's language."""
    sam = yv.emu.user("Sam")
    await sam.send("/delete")
    nothing = await sam.next_reply()
    assert nothing.text == "There's nothing to delete. We don't keep anything about you."
    assert nothing.buttons == []
    cy = yv.emu.user("Cai", language_code="cy")
    await cy.send("/delete")
    assert (await cy.next_reply()).text == say("delete_nothing", "cy")
