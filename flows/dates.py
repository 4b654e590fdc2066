"""Dates and times as staff type them in Telegram: "tomorrow 6pm", "mon 18:00", "3/12 18:00"
(day first, as in the UK), "2026-12-03 18:00". Pure: ``now`` is always passed in.

dateparser does the reading, against a relative base of ``now`` on the local wall clock (so
"tomorrow 6pm" is 6pm by the local clock, clocks changing or not). Around it: a time must be
given, a time alone means the next time the clock shows it, a time the clocks skip or a date
in the past or more than a year away is refused with words a person can act on. Why each
guard: dateparser 1.5 with future dates preferred reads "6pm" on 31 December as 1 December
next year, "03/12/26" as 2126 once 3 Dec 2026 has passed, "13/13 18:00" as 2113, and a date
without a time as the current time of day; its own time zone handling has had bugs, so it
works on naive local times and the zone is attached here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from flows.schedule import format_local

EXAMPLES = "like 'tomorrow 6pm', 'mon 18:00', '3/12 18:00' or '2026-12-03 18:00'"
MAX_AHEAD = timedelta(days=366)
MAX_LENGTH = 60

_TIME = r"(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?|noon|midday|midnight)"
_HAS_TIME = re.compile(rf"(?<![\d/.-]){_TIME}(?![\d/])", re.IGNORECASE)
_TIME_ONLY = re.compile(rf"(?:at\s+)?{_TIME}", re.IGNORECASE)
_SETTINGS = {
    "DATE_ORDER": "DMY",  # 3/12 is the 3rd of December
    "PREFER_LOCALE_DATE_ORDER": False,
    "PREFER_DATES_FROM": "future",  # "mon" is the coming Monday
    "RETURN_AS_TIMEZONE_AWARE": False,  # we attach the zone ourselves, see ``_in``
}


def read_when(text: str, zone: ZoneInfo, now: float) -> datetime:
    """The local time ``text`` means, timezone-aware in ``zone``; ValueError with kind words
    (naming an example) for anything unreadable, without a time, impossible or past."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError(f"Please type a date and time, {EXAMPLES}.")
    if len(cleaned) > MAX_LENGTH:
        raise ValueError(
            f"That's too long for a date. Please type just the date and time, {EXAMPLES}."
        )
    if not _HAS_TIME.search(cleaned):
        raise ValueError(f"Please add a time too, {EXAMPLES}.")
    base = datetime.fromtimestamp(now, zone).replace(tzinfo=None)
    if _TIME_ONLY.fullmatch(cleaned):
        # A time alone: today if it is still to come, otherwise tomorrow.
        wall = _parse(f"today {cleaned}", base)
        if wall is not None and wall <= base:
            wall = _parse(f"tomorrow {cleaned}", base)
    else:
        wall = _parse(cleaned, base)
    if wall is None:
        raise ValueError(
            f"Sorry, I couldn't read '{cleaned}' as a date and time. Try one {EXAMPLES}."
        )
    at = _in(wall, zone)
    shown = format_local(at, zone, datetime.fromtimestamp(now, zone))
    if at.timestamp() <= now:
        raise ValueError(f"{shown} has already passed. Please type a time still to come.")
    if at.timestamp() - now > MAX_AHEAD.total_seconds():
        raise ValueError(f"I read that as {shown}, more than a year away. Please check the date.")
    return at


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
