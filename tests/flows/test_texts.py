"""Messages as data (flows/texts.py): rendered in the reader's language at the last moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows import messages
from flows.texts import lines, local_time, message, render, render_buttons

LONDON = ZoneInfo("Europe/London")
SIX_PM = datetime(2026, 12, 1, 18, 0, tzinfo=LONDON).timestamp()
TEST_CATALOGUE = {
    "invitation": "XX new check-in: {title}",
    "start_button": "XX Start",
    "meeting_when": "XX when {when}",
}


@pytest.fixture
def test_language(monkeypatch: pytest.MonkeyPatch) -> str:
    """A small second catalogue, 'xx', with only some messages translated."""
    monkeypatch.setitem(messages.CATALOGUES, "xx", TEST_CATALOGUE)  # type: ignore[arg-type]
    return "xx"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Forum on Tuesday", "Forum on Tuesday"),
        (message("start_button"), "Start"),
        (message("progress", number=2, total=7), "2 of 7"),
        (message("meeting_when", when=local_time(SIX_PM)), "🕕 Tue 1 Dec, 6pm"),
        (lines(message("meeting_where", place="Hub"), "Pizza"), "📍 Hub\nPizza"),
    ],
)  # fmt: skip
def test_texts_render_in_english(text: Any, expected: str) -> None:
    """Plain words stay as they are; keys, times and lines render in the reader's language."""
    assert render(text, "en", LONDON) == expected


def test_a_reader_of_another_catalogue_gets_its_words(test_language: str) -> None:
    """The same data renders from the reader's catalogue, nested parameters included, and
    falls back to English for a message not yet translated."""
    assert render(message("invitation", title="Forum"), test_language, LONDON) == (
        "XX new check-in: Forum"
    )
    when = message("meeting_when", when=local_time(SIX_PM))
    assert render(lines(when, message("meeting_where", place="Hub")), test_language, LONDON) == (
        "XX when Tue 1 Dec, 6pm\n📍 Hub"
    )
    buttons = [[{"text": message("start_button"), "data": "c:1"}, {"text": "Map", "url": "u"}]]
    assert render_buttons(buttons, test_language, LONDON) == [
        [{"text": "XX Start", "data": "c:1"}, {"text": "Map", "url": "u"}]
    ]


def test_data_that_is_not_a_text_is_refused() -> None:
    """A payload this version cannot read raises ValueError (the delivery loop fails that one
    message), never sends the raw data."""
    with pytest.raises(ValueError, match="not a text"):
        render({"colour": "red"}, "en", LONDON)
