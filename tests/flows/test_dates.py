"""Dates as staff type them: each form read against a fixed clock, shown back with the year
only when it is not this year, and kind refusals for past, unreadable, time-less, skipped
and far-off dates. Fixed clocks on purpose: these are pure functions of ``now``."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from flows.dates import read_when, show_when

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, 37, tzinfo=LONDON)  # Mon 23 Nov 2026, 10:00:37
EVENING = datetime(2026, 11, 23, 19, 0, tzinfo=LONDON)
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 0, tzinfo=LONDON)
BEFORE_CLOCKS_GO_FORWARD = datetime(2027, 3, 27, 12, 0, tzinfo=LONDON)  # Sat; Sun 28 Mar 01:00
BEFORE_CLOCKS_GO_BACK = datetime(2026, 10, 24, 12, 0, tzinfo=LONDON)  # Sat; Sun 25 Oct 02:00

READ = [
    # (now, typed, local time read, shown back)
    (MONDAY, "tomorrow 6pm", datetime(2026, 11, 24, 18, 0), "Tue 24 Nov, 6pm"),
    (MONDAY, "Tomorrow 6 PM", datetime(2026, 11, 24, 18, 0), "Tue 24 Nov, 6pm"),
    (MONDAY, "thu 18:00", datetime(2026, 11, 26, 18, 0), "Thu 26 Nov, 6pm"),
    (MONDAY, "mon 18:00", datetime(2026, 11, 30, 18, 0), "Mon 30 Nov, 6pm"),  # a week on
    (MONDAY, "friday 10:30am", datetime(2026, 11, 27, 10, 30), "Fri 27 Nov, 10:30am"),
    (MONDAY, "3/12 18:00", datetime(2026, 12, 3, 18, 0), "Thu 3 Dec, 6pm"),  # day first
    (MONDAY, "3/12 6:30pm", datetime(2026, 12, 3, 18, 30), "Thu 3 Dec, 6:30pm"),
    (MONDAY, "2026-12-03 18:00", datetime(2026, 12, 3, 18, 0), "Thu 3 Dec, 6pm"),
    (MONDAY, "2026-12-03T18:00", datetime(2026, 12, 3, 18, 0), "Thu 3 Dec, 6pm"),
    (MONDAY, "1/1 9am", datetime(2027, 1, 1, 9, 0), "Fri 1 Jan 2027, 9am"),
    (MONDAY, "6pm", datetime(2026, 11, 23, 18, 0), "Mon 23 Nov, 6pm"),  # later today
    (MONDAY, "9am", datetime(2026, 11, 24, 9, 0), "Tue 24 Nov, 9am"),  # passed: tomorrow
    (EVENING, "18:00", datetime(2026, 11, 24, 18, 0), "Tue 24 Nov, 6pm"),
    (NEW_YEARS_EVE, "6pm", datetime(2027, 1, 1, 18, 0), "Fri 1 Jan 2027, 6pm"),
    (NEW_YEARS_EVE, "tomorrow 6pm", datetime(2027, 1, 1, 18, 0), "Fri 1 Jan 2027, 6pm"),
    (NEW_YEARS_EVE, "3/12 18:00", datetime(2027, 12, 3, 18, 0), "Fri 3 Dec 2027, 6pm"),
    # Across the clocks changing: the local wall clock, not 24 hours on.
    (BEFORE_CLOCKS_GO_FORWARD, "tomorrow 6pm", datetime(2027, 3, 28, 18, 0), "Sun 28 Mar, 6pm"),
    (BEFORE_CLOCKS_GO_BACK, "tomorrow 6pm", datetime(2026, 10, 25, 18, 0), "Sun 25 Oct, 6pm"),
    (BEFORE_CLOCKS_GO_BACK, "sun 1:30am", datetime(2026, 10, 25, 1, 30), "Sun 25 Oct, 1:30am"),
]


@pytest.mark.parametrize(("now", "typed", "wall", "shown"), READ)
def test_forms_staff_type_are_read_on_the_local_clock(
    now: datetime, typed: str, wall: datetime, shown: str
) -> None:
    at = read_when(typed, LONDON, now.timestamp())
    assert at.replace(tzinfo=None) == wall
    assert at.utcoffset() == wall.replace(tzinfo=LONDON).utcoffset()
    assert show_when(at, LONDON, now.timestamp()) == shown


def test_a_time_the_clocks_repeat_means_the_first_one() -> None:
    at = read_when("sun 1:30am", LONDON, BEFORE_CLOCKS_GO_BACK.timestamp())
    assert at.utcoffset() is not None and at.utcoffset().total_seconds() == 3600  # still BST


REFUSED = [
    (MONDAY, "", "Please type a date and time"),
    (MONDAY, "   ", "Please type a date and time"),
    (MONDAY, "tomorrow", "Please add a time too"),
    (MONDAY, "3/12", "Please add a time too"),
    (MONDAY, "banana", "Please add a time too"),
    (MONDAY, "31/2 18:00", "couldn't read '31/2 18:00'"),
    (MONDAY, "yesterday 6pm", "Sun 22 Nov, 6pm has already passed"),
    (MONDAY, "2026-11-01 18:00", "Sun 1 Nov, 6pm has already passed"),
    (NEW_YEARS_EVE, "2026-12-03 18:00", "Thu 3 Dec, 6pm has already passed"),
    (BEFORE_CLOCKS_GO_FORWARD, "2026-12-03 18:00", "Thu 3 Dec 2026, 6pm has already passed"),
    (MONDAY, "13/13 18:00", "more than a year away"),
    (MONDAY, "2028-01-01 18:00", "more than a year away"),
    (MONDAY, "28/3 01:30", "There's no 01:30 on Sun 28 Mar: the clocks go forward"),
    (BEFORE_CLOCKS_GO_FORWARD, "sun 1:30am", "the clocks go forward"),
    (MONDAY, "tomorrow 6pm " + "please " * 20, "That's too long for a date"),
    (MONDAY, "x" * 4000, "That's too long for a date"),
]


@pytest.mark.parametrize(("now", "typed", "why"), REFUSED)
def test_unusable_dates_are_refused_with_words_to_act_on(
    now: datetime, typed: str, why: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        read_when(typed, LONDON, now.timestamp())
