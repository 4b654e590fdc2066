"""Dates as staff type them: each form read against a fixed clock, shown back with the year
only when it is not this year, and kind refusals for past, unreadable, time-less, skipped
and far-off dates, impossible times and a day/month just passed; days alone (a date "planned
by") too. Fixed clocks on purpose: these are pure functions of ``now``."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from flows.dates import examples, read_day, read_when, show_when

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, 37, tzinfo=LONDON)  # Mon 23 Nov 2026, 10:00:37
EVENING = datetime(2026, 11, 23, 19, 0, tzinfo=LONDON)
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 0, tzinfo=LONDON)
BEFORE_CLOCKS_GO_FORWARD = datetime(2027, 3, 27, 12, 0, tzinfo=LONDON)  # Sat; Sun 28 Mar 01:00
BEFORE_CLOCKS_GO_BACK = datetime(2026, 10, 24, 12, 0, tzinfo=LONDON)  # Sat; Sun 25 Oct 02:00
THURSDAY = datetime(2026, 12, 3, 14, 0, tzinfo=LONDON)  # Thu 3 Dec 2026, 14:00
DECEMBER_30 = datetime(2026, 12, 30, 14, 0, tzinfo=LONDON)
NOVEMBER_1 = datetime(2026, 11, 1, 14, 0, tzinfo=LONDON)

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
    (NEW_YEARS_EVE, "3/12/2027 18:00", datetime(2027, 12, 3, 18, 0), "Fri 3 Dec 2027, 6pm"),
    # UK times with a dot; a dotted pair before a time is a day and month.
    (MONDAY, "tomorrow 6.30pm", datetime(2026, 11, 24, 18, 30), "Tue 24 Nov, 6:30pm"),
    (MONDAY, "6.30pm", datetime(2026, 11, 23, 18, 30), "Mon 23 Nov, 6:30pm"),
    (MONDAY, "tomorrow 18.30", datetime(2026, 11, 24, 18, 30), "Tue 24 Nov, 6:30pm"),
    (MONDAY, "tomorrow at 6.30", datetime(2026, 11, 24, 6, 30), "Tue 24 Nov, 6:30am"),
    (MONDAY, "tomorrow 6.30 p.m.", datetime(2026, 11, 24, 18, 30), "Tue 24 Nov, 6:30pm"),
    (THURSDAY, "18.00", datetime(2026, 12, 3, 18, 0), "Thu 3 Dec, 6pm"),
    (THURSDAY, "10.00", datetime(2026, 12, 4, 10, 0), "Fri 4 Dec, 10am"),
    (MONDAY, "3.12 18:00", datetime(2026, 12, 3, 18, 0), "Thu 3 Dec, 6pm"),
    (MONDAY, "3.12 6.30pm", datetime(2026, 12, 3, 18, 30), "Thu 3 Dec, 6:30pm"),
    (MONDAY, "3.12.2026 18.00", datetime(2026, 12, 3, 18, 0), "Thu 3 Dec, 6pm"),
    (MONDAY, "tomorrow 00:00", datetime(2026, 11, 24, 0, 0), "Tue 24 Nov, 12am"),
    (MONDAY, "tomorrow midnight", datetime(2026, 11, 24, 0, 0), "Tue 24 Nov, 12am"),
    (MONDAY, "3/12 midnight", datetime(2026, 12, 3, 0, 0), "Thu 3 Dec, 12am"),
    (MONDAY, "tomorrow midday", datetime(2026, 11, 24, 12, 0), "Tue 24 Nov, 12pm"),
    (MONDAY, "tomorrow 12am", datetime(2026, 11, 24, 0, 0), "Tue 24 Nov, 12am"),
    # A day and month without a year: the nearer reading, so just after New Year is next year.
    (THURSDAY, "3/12 18:00", datetime(2026, 12, 3, 18, 0), "Thu 3 Dec, 6pm"),
    (THURSDAY, "2/12/2027 18:00", datetime(2027, 12, 2, 18, 0), "Thu 2 Dec 2027, 6pm"),
    (THURSDAY, "1 nov 2027 6pm", datetime(2027, 11, 1, 18, 0), "Mon 1 Nov 2027, 6pm"),
    (THURSDAY, "1/6 18:00", datetime(2027, 6, 1, 18, 0), "Tue 1 Jun 2027, 6pm"),
    (DECEMBER_30, "2/1 18:00", datetime(2027, 1, 2, 18, 0), "Sat 2 Jan 2027, 6pm"),
    (DECEMBER_30, "2 jan 6pm", datetime(2027, 1, 2, 18, 0), "Sat 2 Jan 2027, 6pm"),
    (NOVEMBER_1, "2/1 18:00", datetime(2027, 1, 2, 18, 0), "Sat 2 Jan 2027, 6pm"),
    (DECEMBER_30, "mon 18:00", datetime(2027, 1, 4, 18, 0), "Mon 4 Jan 2027, 6pm"),
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
    # Impossible times, and times dateparser would skip (it answers the time of day it is).
    (MONDAY, "tomorrow 18:60", "18:60 is not a time; try 6:30pm or 18:30"),
    (MONDAY, "tomorrow 24:00", "24:00 is not a time"),
    (MONDAY, "tomorrow 99:99", "99:99 is not a time"),
    (MONDAY, "tomorrow 18.60", "18:60 is not a time"),
    (MONDAY, "tomorrow 13pm", "13pm is not a time"),
    (MONDAY, "6pm 7pm", "Please type just one time"),
    # A day and month that has just passed is not quietly next year's.
    (
        THURSDAY,
        "2/12 18:00",
        "That date has passed this year. Add the year if you mean next year (like 2/12/2027 18:00)",
    ),
    (THURSDAY, "3/12 10:00", "Add the year if you mean next year (like 3/12/2027 10:00)"),
    (THURSDAY, "1/11 18:00", "That date has passed this year"),
    (THURSDAY, "1 nov 6pm", "(like 1/11/2027 18:00)"),
    (THURSDAY, "1.11 18:00", "That date has passed this year"),
    (NEW_YEARS_EVE, "3/12 18:00", "That date has passed this year"),
    (DECEMBER_30, "29/12 18:00", "That date has passed this year"),
]


@pytest.mark.parametrize(("now", "typed", "why"), REFUSED)
def test_unusable_dates_are_refused_with_words_to_act_on(
    now: datetime, typed: str, why: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        read_when(typed, LONDON, now.timestamp())


DAYS = [
    # (now, typed, day read): a date "planned by", without a time
    (THURSDAY, "31/12", date(2026, 12, 31)),
    (THURSDAY, "31.12", date(2026, 12, 31)),
    (THURSDAY, "3/12", date(2026, 12, 3)),  # today is today, not next year
    (THURSDAY, "next friday", date(2026, 12, 4)),
    (THURSDAY, "2/12/2027", date(2027, 12, 2)),
    (THURSDAY, "2026-12-31", date(2026, 12, 31)),
    (DECEMBER_30, "2/1", date(2027, 1, 2)),
    (NOVEMBER_1, "2/1", date(2027, 1, 2)),
]


@pytest.mark.parametrize(("now", "typed", "day"), DAYS)
def test_days_alone_are_read(now: datetime, typed: str, day: date) -> None:
    assert read_day(typed, LONDON, now.timestamp()) == day


DAYS_REFUSED = [
    (THURSDAY, "", "couldn't read"),
    (THURSDAY, "banana", "couldn't read 'banana' as a date"),
    (THURSDAY, "x" * 4000, "couldn't read"),
    (
        THURSDAY,
        "2/12",
        "That date has passed this year. Add the year if you mean next year (like 2/12/2027).",
    ),
    (THURSDAY, "1 nov", "(like 1/11/2027)"),
    (THURSDAY, "2026-12-02", "Wed 2 Dec 2026 has already passed"),
]


@pytest.mark.parametrize(("now", "typed", "why"), DAYS_REFUSED)
def test_unusable_days_are_refused(now: datetime, typed: str, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        read_day(typed, LONDON, now.timestamp())


@pytest.mark.parametrize(
    "now", [MONDAY, EVENING, NEW_YEARS_EVE, BEFORE_CLOCKS_GO_FORWARD, THURSDAY, DECEMBER_30]
)
def test_every_example_staff_are_shown_reads_as_a_time_still_to_come(now: datetime) -> None:
    """The examples in the prompts and refusals are typed back as they stand: each reads,
    and none is in the past (fixed examples went stale as the days went by)."""
    like = examples(LONDON, now.timestamp())
    typed = re.findall(r"'([^']+)'", like)
    assert len(typed) == 4
    for example in typed:
        assert read_when(example, LONDON, now.timestamp()) > now
    with pytest.raises(ValueError, match=re.escape(like)):
        read_when("soonish", LONDON, now.timestamp())
