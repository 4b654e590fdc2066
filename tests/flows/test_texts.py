"""Messages as data (flows/texts.py): rendered in the reader's language at the last moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows.messages import ENGLISH, say
from flows.texts import in_parts, lines, local_time, message, render, render_buttons, words

LONDON = ZoneInfo("Europe/London")
SIX_PM = datetime(2026, 12, 1, 18, 0, tzinfo=LONDON).timestamp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Forum on Tuesday", "Forum on Tuesday"),
        (message("start_button"), "Start"),
        (message("progress", number=2, total=7), "2 of 7"),
        (message("meeting_when", when=local_time(SIX_PM)), "🕕 Tue 1 Dec, 6pm"),
        (lines(message("meeting_where", place="Hub"), "Pizza"), "📍 Hub\nPizza"),
        (words({"en": "How are things?", "cy": "Sut mae pethau?"}), "How are things?"),
    ],
)  # fmt: skip
def test_texts_render_in_english(text: Any, expected: str) -> None:
    """Plain words stay as they are; keys, times and lines render in the reader's language."""
    assert render(text, "en", LONDON) == expected


def test_a_time_in_another_year_than_its_message_carries_its_year() -> None:
    """A moment rendered with the time its message was made shows its year only when that
    is another year, in English and in Welsh."""
    next_year = datetime(2027, 12, 3, 18, 0, tzinfo=LONDON).timestamp()
    assert render(local_time(next_year, SIX_PM), "en", LONDON) == "Fri 3 Dec 2027, 6pm"
    assert render(local_time(next_year, SIX_PM), "cy", LONDON) == "Dydd Gwener 3 Rhagfyr 2027, 6yh"
    assert render(local_time(SIX_PM, SIX_PM - 86400), "en", LONDON) == "Tue 1 Dec, 6pm"
    assert render(local_time(next_year), "en", LONDON) == "Fri 3 Dec, 6pm"  # queued before


def test_a_welsh_reader_gets_welsh_words_dates_and_buttons() -> None:
    """The same data renders from the Welsh catalogue, nested parameters and dates included
    (Babel's Welsh day and month names); words a worker typed stay as typed."""
    assert render(message("invitation", title="Fforwm"), "cy", LONDON).startswith(
        "Helo 👋 Dyma holiadur newydd: Fforwm\n"
    )
    when = message("meeting_when", when=local_time(SIX_PM))
    assert render(lines(when, message("meeting_where", place="Hub")), "cy", LONDON) == (
        "🕕 Dydd Mawrth 1 Rhagfyr, 6yh\n📍 Hub"
    )
    buttons = [[{"text": message("start_button"), "data": "c:1"}, {"text": "Map", "url": "u"}]]
    assert render_buttons(buttons, "cy", LONDON) == [
        [{"text": "Dechrau", "data": "c:1"}, {"text": "Map", "url": "u"}]
    ]


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("en", "Hi"),
        ("cy", "Helo"),
        ("en@easyread", "Hi, easy"),
        ("cy@easyread", "Helo"),  # no Welsh easy-read words: the Welsh ones
        ("fr", "Hi"),  # a language the bot does not have: English
    ],
)  # fmt: skip
def test_survey_words_fall_back_from_easy_read_to_standard_to_english(
    reader: str, expected: str
) -> None:
    text = words({"en": "Hi", "cy": "Helo", "en@easyread": "Hi, easy"})
    assert render(text, reader, LONDON) == expected


def test_data_that_is_not_a_text_is_refused() -> None:
    """A payload this version cannot read raises ValueError (the delivery loop fails that one
    message), never sends the raw data."""
    with pytest.raises(ValueError, match="not a text"):
        render({"colour": "red"}, "en", LONDON)


START = [[{"text": "Start", "data": "c:1"}]]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("One idea.\nStill one.", ["One idea.\nStill one."]),
        ("First.\n\nSecond.", ["First.", "Second."]),
        ("First.\n  \nSecond.\n\n\n\nThird.", ["First.", "Second.", "Third."]),
        ("\n\nOnly idea.\n\n", ["\n\nOnly idea.\n\n"]),  # one idea: sent as it is
        ("", [""]),
    ],
)  # fmt: skip
def test_easy_read_is_one_message_a_paragraph(words: str, expected: list[str]) -> None:
    """A blank line (spaces on it too) ends an idea; lines within a paragraph stay together;
    no part is empty."""
    assert [part for part, _ in in_parts(words, START, "en@easyread", [])] == expected


def test_the_buttons_go_on_the_last_part_only() -> None:
    """So a tap answers, and edits, the message it is on."""
    assert in_parts("Hi.\n\nTap Start.", START, "cy@easyread", []) == [
        ("Hi.", []),
        ("Tap Start.", START),
    ]


@pytest.mark.parametrize("reader", ["en", "cy"])
def test_a_standard_reader_gets_the_words_whole(reader: str) -> None:
    words = "📣 You said, we did\n\nYou said: more buses\n\nDoes this help?"
    assert in_parts(words, START, reader, []) == [(words, START)]


# Sent through the outbox to young people: each goes out in one burst of at most three
# messages (``bot.runtime.delivery.PART_BURST``), the rest only after a pause.
QUEUED = [
    "invitation", "reminder", "meeting_invite", "meeting_changed", "meeting_cancelled",
    "meeting_reminder_24h", "meeting_reminder_1h", "update_message",
]  # fmt: skip


@pytest.mark.parametrize("reader", ["en@easyread", "cy@easyread"])
@pytest.mark.parametrize("key", QUEUED)
def test_a_queued_easy_read_message_is_at_most_three_short_ideas(key: str, reader: str) -> None:
    """Each part is short: a few lines, about a phone screen's width each."""
    params = {name: name.upper() for name in _placeholders(ENGLISH[key])}
    parts = in_parts(say(key, reader, **params), None, reader, None)
    assert 1 <= len(parts) <= 3
    assert all(len(part) <= 160 and part.count("\n") <= 3 for part, _ in parts), parts


@pytest.mark.parametrize("reader", ["en@easyread", "cy@easyread"])
def test_the_easy_read_invitation_says_one_thing_a_message(reader: str) -> None:
    """What it is, that nobody will know the answers, and what to tap: the Start button is
    under the last."""
    parts = in_parts(say("invitation", reader, title="T"), START, reader, [])
    assert [buttons for _, buttons in parts] == [[], [], START]


def _placeholders(template: str) -> list[str]:
    return [part.split("}")[0] for part in template.split("{")[1:]]


# Lists, one thing a line: what the bot can do, what /mydata shows (never easy read), and the
# note to someone flooding the bot (sent before their contact row is read).
LISTS = {"help", "mydata", "slow_down"}


@pytest.mark.parametrize("key", sorted(set(ENGLISH) - LISTS))
def test_every_easy_read_idea_is_a_few_lines(key: str) -> None:
    """Easy read is written with a blank line between ideas, so each message is short."""
    params = {name: name.upper() for name in _placeholders(ENGLISH[key])}
    for part, _ in in_parts(say(key, "en@easyread", **params), None, "en@easyread", None):
        assert part.count("\n") < 4, (key, part)
