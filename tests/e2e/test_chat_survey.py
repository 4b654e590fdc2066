"""End to end: every question type of the weekly check-in, branching, progress and /checkin."""

from __future__ import annotations

import json

import pytest

from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.messages import say
from tests.conftest import Harness, assert_quiet, finish_weekly, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

MOOD = "How are you feeling this week?"
SAFE = "Do you feel safe where you live?"
SAFER = "What would help you feel safer?"
MONEY = "How is money for you right now?"
SOMEONE = "Do you have someone you can talk to?"
HELP = "What would help you most right now? Pick as many as you like."
ANYTHING = "Is there anything else you want to tell us?"
MOOD_BUTTONS = ["😞 Really bad", "🙁 Not great", "😐 OK", "🙂 Good", "😄 Really good", "Skip"]
YESNO_BUTTONS = ["Yes", "No", "Prefer not to say"]
MONEY_BUTTONS = ["I'm OK", "It's tight", "I'm struggling", "Prefer not to say"]
HELP_LABELS = [
    "Help with money",
    "Help with housing",
    "Someone to talk to",
    "School, college or work",
    "Help with health",
    "Things to do, people to meet",
    "Something else",
]
THANKS = "Thank you. We read every answer. We will tell you what changes because of what you said."


def question(number: int, total: int, text: str, limit: int | None = None) -> str:
    """The exact text of a question message."""
    body = f"{number} of {total}\n\n{text}"
    return body + (f"\n\n{say('text_hint', 'en', limit=limit)}" if limit else "")


async def stored(yv: Harness, checkin_id: int) -> dict[str, object]:
    """The one finished response of a check-in, question id to decoded value, once what
    waits for a batch is released."""
    await yv.release()
    rows = db_rows(
        yv.settings.database,
        "SELECT response_id, question_id, value FROM answers WHERE checkin_id = ?",
        checkin_id,
    )
    assert len({r[0] for r in rows}) == 1, rows
    return {q: json.loads(v) for _, q, v in rows}


async def tap_and_confirm(sam: SimUser, label: str) -> tuple[BotMessage, BotMessage]:
    """Tap an answer; returns the edited question (with its tick) and the next message."""
    await sam.tap(label)
    confirmed, following = await sam.replies(2)
    assert confirmed.edited and confirmed.buttons == [], sam.transcript()
    return confirmed, following


async def test_every_question_type_with_the_safety_branch(yv: Harness) -> None:
    """Scale, yes/no, text, choice, prefer-not, multi (toggle, untoggle, Done) and Skip; 'No'
    to feeling safe brings the support contacts, then asks the follow-up, numbering is 'N of 6' (the
    follow-up shares number 2), and the stored answers match."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    first = await start_invited(sam)
    assert first.text == question(1, 6, MOOD)
    assert first.button_texts == MOOD_BUTTONS

    confirmed, safe = await tap_and_confirm(sam, "🙂 Good")
    assert confirmed.text == question(1, 6, MOOD) + "\n\n✔ 🙂 Good"
    assert safe.text == question(2, 6, SAFE)
    assert [b.text for b in safe.buttons[0]] == ["Yes", "No"]  # side by side
    assert safe.button_texts == YESNO_BUTTONS

    await sam.tap("No")  # brings the support contacts first (support_if in weekly.yaml)
    confirmed, support, safer = await sam.replies(3)
    assert confirmed.text.endswith("\n\n✔ No")
    assert support.text.startswith(say("support_gentle", "en")) and "116 123" in support.text
    assert safer.text == question(2, 6, SAFER, limit=500)
    assert safer.button_texts == ["Skip"]

    await sam.send("A lock on my door")
    answered, money = await sam.replies(2)
    assert answered.message_id == safer.message_id and answered.buttons == []  # Skip has gone
    assert answered.text == safer.text
    assert money.text == question(3, 6, MONEY)
    assert money.button_texts == MONEY_BUTTONS

    _, someone = await tap_and_confirm(sam, "It's tight")
    assert someone.text == question(4, 6, SOMEONE)

    confirmed, helps = await tap_and_confirm(sam, "Prefer not to say")
    assert confirmed.text.endswith("\n\n✔ Prefer not to say")
    assert helps.text == question(5, 6, HELP)
    assert helps.button_texts == [*HELP_LABELS, "Done ✔", "Skip"]

    await sam.tap("Help with money")
    ticked = await sam.next_reply()
    assert ticked.edited and ticked.message_id == helps.message_id
    assert ticked.button_texts[0] == "✅ Help with money"
    await sam.tap("Someone to talk to")
    await sam.next_reply()
    await sam.tap("✅ Help with money")  # changed their mind
    await sam.next_reply()
    await sam.tap("Help with housing")
    ticked = await sam.next_reply()
    assert [t for t in ticked.button_texts if t.startswith("✅")] == [
        "✅ Help with housing",
        "✅ Someone to talk to",
    ]
    confirmed, anything = await tap_and_confirm(sam, "Done ✔")
    assert confirmed.text == question(5, 6, HELP) + "\n\n✔ Help with housing, Someone to talk to"
    assert anything.text == question(6, 6, ANYTHING, limit=1000)
    assert anything.button_texts == ["Skip"]

    confirmed, thanks = await tap_and_confirm(sam, "Skip")
    assert confirmed.text.endswith("\n\n✔ Skipped")
    assert thanks.text == THANKS
    await assert_quiet(sam)

    assert await stored(yv, checkin.id) == {
        "mood": "4",
        "safe_home": "no",
        "safer": "A lock on my door",
        "money": "tight",
        "someone": "~pns",
        "help": ["housing", "talk"],
        "anything": "~skip",
    }
    totals = await yv.store.totals(checkin.id)
    assert totals.responses == 1
    assert totals.counts["help"] == {"housing": 1, "talk": 1}


async def test_feeling_safe_skips_the_follow_up_and_total_stays(yv: Harness) -> None:
    """'Yes' to feeling safe never shows the safer question; the total stays 'of 6'."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await start_invited(sam)
    confirmed, safe = await tap_and_confirm(sam, "Skip")
    assert confirmed.text.endswith("\n\n✔ Skipped")
    assert safe.text == question(2, 6, SAFE)
    _, money = await tap_and_confirm(sam, "Yes")
    assert money.text == question(3, 6, MONEY)
    _, someone = await tap_and_confirm(sam, "I'm struggling")
    assert someone.text == question(4, 6, SOMEONE)
    _, helps = await tap_and_confirm(sam, "No")
    assert helps.text == question(5, 6, HELP)
    _, anything = await tap_and_confirm(sam, "Skip")
    assert anything.text == question(6, 6, ANYTHING, limit=1000)
    await sam.send("  More trips out please  ")
    _, thanks = await sam.replies(2)
    assert thanks.text == THANKS

    assert await stored(yv, checkin.id) == {
        "mood": "~skip",
        "safe_home": "yes",
        "money": "struggling",
        "someone": "no",
        "help": "~skip",
        "anything": "More trips out please",
    }
    assert SAFER not in sam.transcript()


async def test_prefer_not_to_say_on_the_branch_question_skips_the_follow_up(
    yv: Harness,
) -> None:
    """Prefer not to say on 'safe where you live' is stored as such and asks no follow-up."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await start_invited(sam)
    await tap_and_confirm(sam, "😞 Really bad")
    _, money = await tap_and_confirm(sam, "Prefer not to say")
    assert money.text == question(3, 6, MONEY)
    await tap_and_confirm(sam, "I'm OK")
    await tap_and_confirm(sam, "Yes")
    await tap_and_confirm(sam, "Skip")
    await tap_and_confirm(sam, "Skip")
    answers = await stored(yv, checkin.id)
    assert answers["safe_home"] == "~pns"
    assert answers["mood"] == "1"
    assert "safer" not in answers


async def test_done_with_nothing_picked_asks_to_pick_one(yv: Harness) -> None:
    """Done on the multi question with nothing ticked shows a toast and stays on the question."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await start_invited(sam)
    for label in ["😐 OK", "Yes", "I'm OK", "Yes"]:
        await tap_and_confirm(sam, label)
    await sam.tap("Done ✔")
    await assert_quiet(sam)
    assert sam.toasts()[-1] == say("pick_one_first", "en")
    await sam.tap("Something else")
    assert (await sam.next_reply()).button_texts[6] == "✅ Something else"


async def test_checkin_command_with_nothing_open(yv: Harness) -> None:
    """/checkin when no check-in is open says so."""
    sam = await yv.joined("Sam")
    await sam.send("/checkin")
    assert (await sam.next_reply()).text == say("no_checkin", "en")


async def test_checkin_command_starts_an_open_checkin_without_the_invitation(
    yv: Harness,
) -> None:
    """/checkin starts the open check-in even if the invitation's Start was never tapped."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly")
    await sam.next_reply()  # the invitation, ignored
    await sam.send("/checkin")
    intro, first = await sam.replies(2)
    assert intro.text.startswith("How are things?\n\nHi! This takes about 2 minutes.")
    assert first.text == question(1, 6, MOOD)


async def test_checkin_command_resumes_where_they_were(yv: Harness) -> None:
    """/checkin part-way through says welcome back and shows the current question again."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await start_invited(sam)
    await tap_and_confirm(sam, "😄 Really good")
    await sam.send("/checkin")
    back, older, again = await sam.replies(3)
    assert back.text == say("welcome_back_survey", "en")
    assert older.edited and older.buttons == []
    assert again.text == question(2, 6, SAFE)
    assert again.button_texts == YESNO_BUTTONS
    _, money = await tap_and_confirm(sam, "Yes")
    assert money.text == question(3, 6, MONEY)
    for label in ["I'm OK", "Yes", "Skip", "Skip"]:
        await tap_and_confirm(sam, label)
    assert (await stored(yv, checkin.id))["mood"] == "5"


async def test_same_checkin_twice_says_already_done(yv: Harness) -> None:
    """After finishing, /checkin and the invitation's Start both say it's already done."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await start_invited(sam)
    await finish_weekly(sam)
    await sam.send("/checkin")
    assert (await sam.next_reply()).text == say("already_done", "en")
    await sam.tap("Start")
    assert (await sam.next_reply()).text == say("already_done", "en")
    await assert_quiet(sam)
    assert await yv.release() == 1  # the one response, waiting for its batch meanwhile
    assert (await yv.store.totals(checkin.id)).responses == 1


async def test_text_after_finishing_gets_the_gentle_pointer(yv: Harness) -> None:
    """A message after the check-in is finished is not taken as an answer."""
    sam = await yv.joined("Sam")
    checkin = await yv.open_checkin("weekly")
    await start_invited(sam)
    await finish_weekly(sam, "first words")
    await sam.send("one more thing")
    assert (await sam.next_reply()).text == say("nothing_to_answer", "en")
    assert (await stored(yv, checkin.id))["anything"] == "first words"


async def test_checkin_for_another_cohort_is_not_offered(yv: Harness) -> None:
    """A check-in for one cohort is neither sent to nor startable by someone in another."""
    forum = await yv.cohort("Forum", "FORUM123")
    await yv.cohort("Other", "OTHER999")
    ash = await yv.joined("Ash", "FORUM123")
    sam = await yv.joined("Sam", "OTHER999")
    await yv.open_checkin("weekly", forum)
    await ash.next_reply()
    await assert_quiet(sam)
    await sam.send("/checkin")
    assert (await sam.next_reply()).text == say("no_checkin", "en")


async def test_closed_checkin_start_button_says_closed(yv: Harness) -> None:
    """Tapping Start after the check-in closed shows a toast and starts nothing."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly", closes_in=60)
    await sam.next_reply()
    yv.clock.advance(120)
    await sam.tap("Start")
    await assert_quiet(sam)
    assert sam.toasts() == [say("checkin_closed", "en")]
    assert db_rows(yv.settings.database, "SELECT * FROM progress") == []


async def test_answer_button_after_the_checkin_closed_says_closed(yv: Harness) -> None:
    """An answer pressed after the check-in closed says it has closed, and stores nothing."""
    sam = await yv.joined("Sam")
    await yv.open_checkin("weekly", closes_in=60)
    await start_invited(sam)
    yv.clock.advance(120)
    await sam.tap("🙂 Good")
    await assert_quiet(sam)
    assert sam.toasts() == [say("checkin_closed", "en")]
    assert db_rows(yv.settings.database, "SELECT * FROM answers") == []
