"""Words for "you said, we did": a date on its own (with its weekday and year), read and
rendered from message data, and every key the update messages use is in the catalogue."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from flows.messages import ENGLISH
from flows.schedule import format_date, parse_date
from flows.texts import local_date, message, render

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 12, 20), "Sun 20 Dec 2026"),
        (date(2099, 1, 31), "Sat 31 Jan 2099"),
        (date(2028, 2, 29), "Tue 29 Feb 2028"),
    ],
)
def test_a_date_is_shown_with_its_weekday_and_year(day: date, words: str) -> None:
    assert format_date(day) == words
    assert render(local_date(day.isoformat()), "en", LONDON) == words


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01", "20/12/2026", ""])
def test_only_an_iso_date_is_read_on_the_command_line(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date(text)


def test_an_update_message_renders_with_its_status() -> None:
    status = message("update_planned", date=local_date("2026-12-20"))
    text = message("update_message", you_said="Money", we_did="A grant", status=status)
    shown = render(text, "en", LONDON)
    assert "You said: Money" in shown and "We did: A grant" in shown
    assert "📅 We plan to do it by Sun 20 Dec 2026." in shown


def test_every_update_word_is_in_the_catalogue() -> None:
    keys = ["update_done", "update_in_progress", "update_couldnt", "update_helps"]
    keys += ["update_not_enough", "update_chosen", "update_tell_more", "feedback_thanks"]
    keys += ["feedback_same", "feedback_not_saved", "tell_more_popup", "tell_more_ask"]
    keys += ["tell_more_empty", "tell_more_thanks", "updates_none", "updates_heading"]
    assert not [key for key in [*keys, "update_card"] if key not in ENGLISH]
