"""Dates and times as staff type them in Telegram: "tomorrow 6pm", "mon 18:00", "3/12 18:00"
(day first, as in the UK), "tomorrow 6.30pm", "2026-12-03 18:00". Pure: ``now`` is always
passed in.

dateparser does the reading, against a relative base of ``now`` on the local wall clock (so
"tomorrow 6pm" is 6pm by the local clock, clocks changing or not). Around it: a time must be
given, a time alone means the next time the clock shows it, a time the clocks skip or a date
in the past or more than a year away is refused with words a person can act on. Why each
guard: dateparser 1.5 with future dates preferred reads "6pm" on 31 December as 1 December
next year, "03/12/26" as 2126 once 3 Dec 2026 has passed, "13/13 18:00" as 2113, a passed
"2/12" as next year's, and a date without a time, a dotted time ("6.30pm") or an impossible
one ("18:60") as the current time of day; its own time zone handling has had bugs, so it
works on naive local times and the zone is attached here.

Dots: "6.30pm", "18.30" and "at 6.30" are times (written H:MM before dateparser reads them);
a dotted pair followed by another time ("3.12 18:00") is a day and month, as is "3.12.2026".
The time read is checked against the time typed, so a time dateparser skipped is refused.
A day and month without a year mean the nearer of this year's and next year's: when this
year's is nearer (just passed), it is refused and the year asked for; so on 30 December
"2/1" is next January without a word, and on 3 December "2/12" is refused.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from flows.schedule import format_date, format_local

MAX_AHEAD = timedelta(days=366)
MAX_LENGTH = 60

_TIME = r"(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"
_TIME_ONLY = re.compile(rf"(?:at\s+)?{_TIME}", re.IGNORECASE)
# One typed time, its parts named: "6pm", "6:30 p.m.", "18:30".
_CLOCK = re.compile(
    r"(?<![\d/.-])(?:(?P<h12>\d{1,2})(?::(?P<m12>\d{2}))?\s*(?P<ap>[ap])\.?m\.?"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2}))(?![\d/.])",
    re.IGNORECASE,
)
_DOTTED_DAY = re.compile(
    r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?=\s+(?:at\s+)?(?:\d{1,2}[:.]\d{2}|\d{1,2}\s*[ap]\.?m))",
    re.IGNORECASE,
)
_DOTTED_TIME = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
_WORDS = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_WORD = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)
_DAY_MONTH = re.compile(
    r"\b\d{1,2}[/.]\d{1,2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
_DOT_BETWEEN_DIGITS = re.compile(r"(?<=\d)\.(?=\d)")
_YEAR = re.compile(r"\b\d{4}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
_SETTINGS = {
    "DATE_ORDER": "DMY",  # 3/12 is the 3rd of December
    "PREFER_LOCALE_DATE_ORDER": False,
    "PREFER_DATES_FROM": "future",  # "mon" is the coming Monday
    "RETURN_AS_TIMEZONE_AWARE": False,  # we attach the zone ourselves, see ``_in``
}


def examples(zone: ZoneInfo, now: float) -> str:
    """Ways to type a date and time, the dated ones a week from today, so that an example is
    never in the past: "like 'tomorrow 6pm', 'mon 18:00', '12/12 18:00' (day/month) or
    '2026-12-12 18:00'"."""
    ahead = datetime.fromtimestamp(now, zone).date() + timedelta(days=7)
    return (
        f"like 'tomorrow 6pm', 'mon 18:00', '{ahead.day}/{ahead.month} 18:00' (day/month) or "
        f"'{ahead.isoformat()} 18:00'"
    )


def read_when(text: str, zone: ZoneInfo, now: float) -> datetime:
    """The local time ``text`` means, timezone-aware in ``zone``; ValueError with kind words
    (naming an example) for anything unreadable, without a time, impossible or past."""
    like = examples(zone, now)
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError(f"Please type a date and time, {like}.")
    if len(cleaned) > MAX_LENGTH:
        raise ValueError(f"That's too long for a date. Please type just the date and time, {like}.")
    cleaned = _plain_times(cleaned)
    clock = _clock_typed(cleaned, like)
    base = datetime.fromtimestamp(now, zone).replace(tzinfo=None)
    if _TIME_ONLY.fullmatch(cleaned):
        # A time alone: today if it is still to come, otherwise tomorrow.
        wall = _parse(f"today {cleaned}", base)
        if wall is not None and wall <= base:
            wall = _parse(f"tomorrow {cleaned}", base)
    else:
        wall = _parse(cleaned, base)
    if wall is None or (wall.hour, wall.minute) != clock:
        # dateparser answers the time of day it was given when it skips the typed time.
        raise ValueError(f"Sorry, I couldn't read '{cleaned}' as a date and time. Try one {like}.")
    _refuse_passed_day(cleaned, wall, base)
    at = _in(wall, zone)
    shown = format_local(at, zone, datetime.fromtimestamp(now, zone))
    if at.timestamp() <= now:
        raise ValueError(f"{shown} has already passed. Please type a time still to come.")
    if at.timestamp() - now > MAX_AHEAD.total_seconds():
        raise ValueError(f"I read that as {shown}, more than a year away. Please check the date.")
    return at


def _plain_times(text: str) -> str:
    """Times as dateparser reads them: "3.12 18:00" → "3/12 18:00", "6.30pm" → "6:30pm",
    "noon" → "12:00" (dateparser misses "today midday" and reads "3/12 midnight" as 3 Nov)."""
    text = _DOTTED_DAY.sub(r"\1/\2", text)
    text = _DOTTED_TIME.sub(r"\1:\2", text)
    return _WORD.sub(lambda m: _WORDS[m[1].lower()], text)


def _clock_typed(text: str, like: str) -> tuple[int, int]:
    """The hour and minute typed (24-hour); ValueError when there is none, more than one, or
    one no clock shows ("18:60", "13pm")."""
    found = list(_CLOCK.finditer(text))
    if not found:
        raise ValueError(f"Please add a time too, {like}.")
    if len(found) > 1:
        raise ValueError(f"Please type just one time, {like}.")
    got = found[0]
    if got["ap"]:
        hour, minute = int(got["h12"]), int(got["m12"] or 0)
        possible = hour <= 12 and minute <= 59
        hour = hour % 12 + (12 if got["ap"].lower() == "p" else 0)
    else:
        hour, minute = int(got["h24"]), int(got["m24"])
        possible = hour <= 23 and minute <= 59
    if not possible:
        raise ValueError(f"{got[0]} is not a time; try 6:30pm or 18:30.")
    return hour, minute


def _refuse_passed_day(text: str, wall: datetime, base: datetime) -> None:
    """A day and month typed without a year mean the nearer reading: dateparser moves a
    passed one to next year, so refuse when this year's, just passed, is the nearer."""
    if wall.year != base.year + 1 or not _DAY_MONTH.search(text) or _YEAR.search(text):
        return
    try:
        this_year = wall.replace(year=base.year)
    except ValueError:  # 29 February: no such day this year
        return
    if this_year < base and base - this_year < wall - base:
        clock = f" {wall:%H:%M}" if _CLOCK.search(text) else ""
        raise ValueError(
            "That date has passed this year. Add the year if you mean next year "
            f"(like {wall.day}/{wall.month}/{wall.year}{clock})."
        )


def read_day(text: str, zone: ZoneInfo, now: float) -> date:
    """A day alone ("31/12", "31.12", "next friday", "2026-12-31"), as for a date "planned
    by": ValueError with kind words for one unreadable or passed; a day and month that has
    just passed is not quietly next year's (today is today)."""
    cleaned = " ".join(text.split())
    today = datetime.fromtimestamp(now, zone).replace(tzinfo=None)
    day = None
    if 0 < len(cleaned) <= MAX_LENGTH:
        dotless = _DOT_BETWEEN_DIGITS.sub("/", cleaned)  # alone, "3.12" is a day and month
        day = dateparser.parse(
            dotless,
            languages=["en"],
            settings={**_SETTINGS, "PREFER_DAY_OF_MONTH": "last", "RELATIVE_BASE": today},
        )
    if day is None:
        raise ValueError(f"Sorry, I couldn't read '{cleaned}' as a date. Try one like '31/12'.")
    midnight = today.replace(hour=0, minute=0, second=0, microsecond=0)
    if day.year == today.year + 1 and (day.month, day.day) == (today.month, today.day):
        return today.date()  # dateparser moves today's day and month to next year
    _refuse_passed_day(cleaned, day, midnight)
    if day.date() < today.date():
        raise ValueError(f"{format_date(day.date())} has already passed. Please type a later date.")
    return day.date()


def _parse(text: str, base: datetime) -> datetime | None:
    found = dateparser.parse(text, languages=["en"], settings={**_SETTINGS, "RELATIVE_BASE": base})
    return found.replace(second=0, microsecond=0) if found is not None else None


def _in(wall: datetime, zone: ZoneInfo) -> datetime:
    """The naive local ``wall`` time in ``zone``: the first of a time the clocks repeat;
    ValueError for one they skip."""
    at = wall.replace(tzinfo=zone)
    if at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise ValueError(
            f"There's no {wall:%H:%M} on {wall:%a} {wall.day} {wall:%b}: the clocks go forward "
            "that night. Please pick another time."
        )
    return at


def show_when(at: datetime, zone: ZoneInfo, now: float) -> str:
    """A time read back to staff: "Thu 3 Dec, 6pm", with the year when it is not this year."""
    return format_local(at, zone, datetime.fromtimestamp(now, zone))
