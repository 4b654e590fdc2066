"""Messages as data (flows/texts.py): rendered in the reader's language at the last moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows.texts import lines, local_time, message, render, render_buttons, words

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
