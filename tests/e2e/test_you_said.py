""" "You said, we did" end to end: an update reaches everyone its check-ins were for (those who
did not answer too) and nobody else; its feedback buttons count, change and never count a
repeated update twice; "Tell us more" is kept with no id; /updates shows where things stand."""

from __future__ import annotations

import pytest

from bot.emulator import SimUser
from flows.messages import say
from tests.conftest import PlanHarness, assert_quiet, finish_weekly, last_update_id, settle
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(40), pytest.mark.both_databases]

HOUR = 3600.0
WE_DID = "We asked the council for a bigger leaving-care grant"
YOU_SAID = "Lots of you said money is tight"


async def closed_checkin_for_north(yv: PlanHarness) -> tuple[int, SimUser, SimUser, SimUser]:
    """Sam and Alex join North, Bo joins no cohort; a check-in for North opens, Sam answers
    it (Alex does not), and it closes."""
    north = await yv.cohort("North", "NORTH123")
    sam = await yv.joined("Sam", "NORTH123")
    alex = await yv.joined("Alex", "NORTH123")
    bo = await yv.joined("Bo")
    checkin = await yv.open_checkin(cohort=north, closes_in=HOUR)
    first = await sam.next_reply()
    assert "new check-in" in first.text
    await sam.tap("Start")
    await sam.replies(2)
    await finish_weekly(sam)
    assert "new check-in" in (await alex.next_reply()).text
    yv.clock.advance(2 * HOUR)
    return checkin.id, sam, alex, bo


async def post(yv: PlanHarness, checkin_id: int, *more: str) -> None:
    result = await yv.cli(
        "update", "add", "--checkin", str(checkin_id), "--we-did", WE_DID,
        "--you-said", YOU_SAID, "--status", "done", *more,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "It goes to 2 people" in result.output


async def counts(yv: PlanHarness) -> dict[str, int]:
    return await yv.store.feedback_counts(1)  # type: ignore[no-any-return]


async def test_an_update_reaches_its_whole_audience_and_nobody_else(yvp: PlanHarness) -> None:
    """Sam answered, Alex did not: both get the update with its buttons; Bo (another cohort)
    gets nothing."""
    checkin_id, sam, alex, bo = await closed_checkin_for_north(yvp)
    await post(yvp, checkin_id)
    for person in (sam, alex):
        got = await person.next_reply()
        assert got.text.startswith("📣 You said, we did"), person.transcript()
        assert YOU_SAID in got.text and WE_DID in got.text and "✅ Done." in got.text
        assert got.button_texts == ["That helps", "Not enough", "Tell us more"]
    await assert_quiet(bo)
    audit = await yvp.store.audit_entries(5)
    assert audit[0].action == "posted an update" and audit[0].who == "command line"


async def test_feedback_counts_changes_and_never_counts_twice(yvp: PlanHarness) -> None:
    """A tap counts once and marks the button; a change moves the count; a repeated update, a
    second tap on the old buttons, and a tap on the chosen one change nothing."""
    checkin_id, sam, alex, _ = await closed_checkin_for_north(yvp)
    await post(yvp, checkin_id)
    message = await sam.next_reply()
    await alex.next_reply()
    old_helps = message.button("That helps")
    assert old_helps is not None
    await sam.tap("That helps")
    redrawn = await sam.next_reply()
    assert redrawn.edited and redrawn.button_texts[0] == "✓ That helps", sam.transcript()
    await settle(sam)
    assert await counts(yvp) == {"helps": 1, "not_enough": 0}
    assert say("feedback_thanks", "en") in sam.toasts()
    # Telegram sends the same update again: nothing changes.
    tap = last_update_id(yvp.emu) - 1  # the tap, before settle's /help
    assert "callback_query" in yvp.emu.world._history[tap]
    yvp.emu.repeat_update(tap)
    # A second tap on the buttons as they were before the redraw (a double tap).
    await sam.tap_data(old_helps.data, message.message_id)
    await settle(sam)
    assert await counts(yvp) == {"helps": 1, "not_enough": 0}
    await sam.tap("Not enough")
    changed = await sam.next_reply()
    assert changed.button_texts[:2] == ["That helps", "✓ Not enough"], sam.transcript()
    await settle(sam)
    assert await counts(yvp) == {"helps": 0, "not_enough": 1}
    await alex.tap("Not enough")
    await alex.next_reply()
    await settle(alex)
    assert await counts(yvp) == {"helps": 0, "not_enough": 2}
    # Nothing in the database says who chose what: counts per update and value only.
    rows = db_rows(yvp.settings.database, "SELECT * FROM update_feedback ORDER BY value")
    assert rows == [(1, "helps", 0), (1, "not_enough", 2)]


async def test_tell_us_more_is_kept_without_any_id(yvp: PlanHarness) -> None:
    """After "Tell us more" the next words are a note: a random id, the update, the words and
    the date; the wait for them is gone; worrying words bring support and are not kept."""
    checkin_id, sam, _, _ = await closed_checkin_for_north(yvp)
    await post(yvp, checkin_id)
    await sam.next_reply()
    await sam.tap("Tell us more")
    asked = await sam.next_reply()
    assert asked.text == say("tell_more_ask", "en")
    await sam.send("I want to kill myself")
    support = await sam.next_reply()
    assert "help right now" in support.text, sam.transcript()
    await sam.next_reply()  # nobody gets alerts here: said honestly, with the contacts again
    await sam.send("The grant still isn't enough for bus fares")
    thanks = await sam.next_reply()
    assert thanks.text == say("tell_more_thanks", "en"), sam.transcript()
    database = yvp.settings.database
    notes = db_rows(database, "SELECT * FROM update_notes")
    assert len(notes) == 1
    note_id, posted_id, text, day = notes[0]
    assert posted_id == 1 and text == "The grant still isn't enough for bus fares"
    assert len(note_id) == 32 and str(sam.id) not in note_id and len(day) == 10
    assert db_rows(database, "SELECT * FROM update_notes_waiting") == []
    # Words after the note are not notes.
    await sam.send("thanks")
    assert "not asking anything" in (await sam.next_reply()).text
    assert len(db_rows(database, "SELECT * FROM update_notes")) == 1


async def test_updates_shows_the_latest_with_their_status(yvp: PlanHarness) -> None:
    checkin_id, sam, _, bo = await closed_checkin_for_north(yvp)
    await sam.send("/updates")
    assert (await sam.next_reply()).text == say("updates_none", "en")
    await post(yvp, checkin_id)
    await sam.next_reply()
    result = await yvp.cli("update", "status", "1", "planned", "--by", "2099-01-31")
    assert result.exit_code == 0, result.output
    await sam.send("/updates")
    shown = await sam.next_reply()
    assert shown.text.startswith("What changed because of what you said:")
    assert WE_DID in shown.text and "📅 We plan to do it by Sat 31 Jan 2099." in shown.text
    await bo.send("/updates")
    assert (await bo.next_reply()).text == say("updates_none", "en")


async def test_a_redraw_telegram_refuses_moves_the_count_back(yvp: PlanHarness) -> None:
    """If the buttons cannot be redrawn (Telegram answers with an error), the count goes back,
    so it matches what the person still sees, and they are asked to tap again."""
    checkin_id, sam, _, _ = await closed_checkin_for_north(yvp)
    await post(yvp, checkin_id)
    await sam.next_reply()
    yvp.emu.fail_next("editMessageReplyMarkup", status=500)
    await sam.tap("That helps")
    sorry = await sam.next_reply()
    assert sorry.text == say("feedback_not_saved", "en"), sam.transcript()
    assert await counts(yvp) == {"helps": 0, "not_enough": 0}
    await sam.tap("That helps")
    assert (await sam.next_reply()).button_texts[0] == "✓ That helps"
    await settle(sam)
    assert await counts(yvp) == {"helps": 1, "not_enough": 0}


async def test_tell_us_more_too_long_and_delete(yvp: PlanHarness) -> None:
    """Words too long are never sent back: the first 1,000 characters are kept, with a warm
    word; /delete ends a wait for words."""
    checkin_id, sam, _, _ = await closed_checkin_for_north(yvp)
    await post(yvp, checkin_id)
    await sam.next_reply()
    await sam.tap("Tell us more")
    await sam.next_reply()
    await sam.send("x" * 1001)
    kept, thanks = await sam.replies(2)
    assert kept.text == say("long_kept", "en")
    assert thanks.text == say("tell_more_thanks", "en")
    database = yvp.settings.database
    assert db_rows(database, "SELECT * FROM update_notes_waiting") == []
    await sam.tap("Tell us more")
    await sam.next_reply()
    assert len(db_rows(database, "SELECT * FROM update_notes_waiting")) == 1
    await sam.send("/delete")
    await sam.next_reply()
    await sam.tap("Yes, delete me")
    await sam.replies(2)
    assert db_rows(database, "SELECT * FROM update_notes_waiting") == []
    # The first 1,000 characters, kept as an anonymous note (nobody can tell whose).
    assert [len(words) for (words,) in db_rows(database, "SELECT text FROM update_notes")] == [1000]


async def test_starting_a_checkin_ends_the_wait_for_a_note(yvp: PlanHarness) -> None:
    """After "Tell us more", starting a check-in makes typed words answers again: the last
    question's words are kept as the check-in's answer, not as a note."""
    checkin_id, sam, _, _ = await closed_checkin_for_north(yvp)
    await post(yvp, checkin_id)
    await sam.next_reply()
    await sam.tap("Tell us more")
    await sam.next_reply()
    await yvp.open_checkin()
    await sam.next_reply()  # the invitation
    await sam.tap("Start")
    await sam.replies(2)
    await finish_weekly(sam, last_words="More youth clubs")
    database = yvp.settings.database
    assert db_rows(database, "SELECT * FROM update_notes") == []
    assert db_rows(database, "SELECT * FROM update_notes_waiting") == []
    # This response, and Sam's to the closed check-in (no planner pass since it closed).
    assert await yvp.release() == 2
    kept = db_rows(database, "SELECT value FROM answers WHERE question_id = 'anything'")
    assert ('"More youth clubs"',) in kept
