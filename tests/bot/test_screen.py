"""What a check-in turn shows (bot/telegram/screen.py) for an easy-read reader: what the bot
says goes one idea a message; a question stays one message with its buttons; the support
contacts stay one message with the words that introduce them."""

from __future__ import annotations

import pytest

from bot.telegram.screen import Send, screen
from flows.engine import Ask, Say, Support
from flows.messages import say
from flows.survey import load_surveys

WEEKLY = load_surveys()["weekly"]
INTRO = Say("survey_intro", {"title": WEEKLY.wording("title"), "intro": WEEKLY.wording("intro")})
FIRST = Ask(WEEKLY.questions[0], 1, 6)


def sends(reader: str, *effects: Say | Ask | Support) -> list[Send]:
    return [op for op in screen(list(effects), 1, reader, False) if isinstance(op, Send)]


def test_an_easy_read_intro_is_a_message_an_idea_and_the_question_one_message() -> None:
    shown = sends("en@easyread", INTRO, FIRST)
    assert [op.text for op in shown] == [
        "How are things?",
        "Hi!\nThis takes about 2 minutes.",
        "We will not know which answers are yours.\nYou do not have to answer every question.",
        "1 of 6\n\nHow do you feel this week?",
    ]
    assert [bool(op.buttons) for op in shown] == [False, False, False, True]
    assert [op.question for op in shown] == [False, False, False, True]


def test_a_standard_reader_gets_the_intro_as_one_message() -> None:
    intro, question = sends("en", INTRO, FIRST)
    assert intro.text.startswith("How are things?\n\nHi! This takes about 2 minutes.")
    assert question.question and question.buttons


@pytest.mark.parametrize("reader", ["en@easyread", "cy@easyread"])
def test_the_support_contacts_stay_one_message_in_easy_read(reader: str) -> None:
    [support] = sends(reader, Support(urgent=True))
    assert support.text.startswith(say("support_urgent", reader) + "\n\n")
    assert "Childline" in support.text
