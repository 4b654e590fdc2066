"""End to end: easy read is one idea a message. An easy-read young person gets several short
messages where a standard reader gets one, the buttons on the last, held to Telegram's limits;
they answer a check-in and a meeting invitation by tapping; support still comes at once, whole.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.messages import say
from flows.texts import in_parts
from tests.conftest import Harness, PlanHarness
from tests.e2e.test_meetings import DAY, add_meeting

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]

TITLE = "How are things?"


def parts(key: str, lang: str, **params: Any) -> list[str]:
    """The messages a catalogue message goes out as for ``lang``."""
    return [part for part, _ in in_parts(say(key, lang, **params), None, lang, None)]


def texts(messages: list[BotMessage]) -> list[str]:
    return [m.text for m in messages]


async def easy_reader(yv: Harness, name: str) -> SimUser:
    person = await yv.joined(name)
    await person.send("/easyread")
    assert texts(await person.replies(3)) == [
        "Easy read is on ✅",
        "I will use short sentences.\nI will say one thing at a time.",
        "To turn it off, type /easyread",
    ]
    return person


async def test_an_easy_read_person_answers_a_check_in_sent_one_idea_a_message(
    yv_limited: Harness,
) -> None:
    """Held to Telegram's limits (a burst of three to a chat, then one a second): the
    invitation comes as three messages with Start on the last, the intro as a message an
    idea, every question as one message with its buttons, the thanks as two; each message
    once, in order. A standard reader in the same check-in gets what they always got."""
    yv = yv_limited
    sam = await easy_reader(yv, "Sam")
    alex = await yv.joined("Alex")
    await yv.open_checkin("weekly")

    invite = await sam.replies(3)
    assert texts(invite) == parts("invitation", "en@easyread", title=TITLE)
    assert [m.button_texts for m in invite] == [[], [], ["Start"]]
    await sam.tap("Start")
    *intro, first = await sam.replies(4)
    assert texts(intro) == [
        TITLE,
        "Hi!\nThis takes about 2 minutes.",
        "We will not know which answers are yours.\nYou do not have to answer every question.",
    ]
    assert first.text == "1 of 6\n\nHow do you feel this week?" and len(first.button_texts) == 6
    for label in ["🙂 Good", "Yes", "OK", "Yes"]:
        await sam.tap(label)
        answered, question = await sam.replies(2)
        assert answered.edited and question.button_texts
    await sam.tap("Help with money")
    await sam.next_reply()
    await sam.tap("Done ✔")
    await sam.replies(2)
    await sam.send("Nothing else")
    _skip_gone, *thanks = await sam.replies(3)
    assert texts(thanks) == ["Thank you.\nWe read every answer.", "We will tell you what changes."]
    assert sam.messages()[-1].text == thanks[-1].text  # nothing after the thanks
    every = texts(sam.messages())
    assert len(every) == len(set(every)) == 2 + 3 + 3 + 4 + 5 + 2  # each once

    [standard] = await alex.replies(1)
    assert standard.text == say("invitation", "en", title=TITLE)
    assert standard.button_texts == ["Start"]
    await alex.tap("Start")
    intro_whole, _first = await alex.replies(2)
    assert intro_whole.text.startswith(f"{TITLE}\n\nHi! This takes about 2 minutes.")


async def test_an_easy_read_meeting_invitation_is_answered_on_its_last_message(
    yvp: PlanHarness,
) -> None:
    """The meeting's details, then "Can you come?" with the buttons; a tap shows the answer on
    that message (its buttons kept to change it), and the details above stay as they were."""
    sam = await easy_reader(yvp, "Sam")
    await add_meeting(yvp, 3 * DAY)
    details, question = await sam.replies(2)
    assert details.text.startswith("📅 Meeting: Forum meeting\n🕕 When: ")
    assert "📍 Where: Youth centre" in details.text and details.buttons == []
    assert question.text == "Can you come?"
    assert question.button_texts == ["Going ✅", "Maybe 🤔", "Can't make it"]
    await sam.tap("Going ✅")
    [edited] = await sam.replies(1)
    assert edited.edited and edited.message_id == question.message_id
    assert edited.text == "You said: Going ✅"
    assert edited.button_texts == ["Going ✅", "Maybe 🤔", "Can't make it"]
    now = {m.message_id: m for m in sam.messages()}
    assert now[details.message_id].text == details.text and not now[details.message_id].edited


async def test_support_comes_at_once_and_whole_for_an_easy_read_person(yv: Harness) -> None:
    """Worrying words from someone who reads easy read: the support contacts at once, in one
    message (they are sent without the database), before anything else."""
    sam = await easy_reader(yv, "Sam")
    await sam.send("i dont want to be alive anymore")
    support, _after = await sam.replies(2)
    assert support.text.startswith(say("support_urgent", "en"))
    assert "Samaritans" in support.text and "Childline" in support.text
