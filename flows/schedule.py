"""Time maths for reminders, repeats and quiet hours: pure functions, the clock is always passed in.

All datetimes are timezone-aware; local wall-clock rules are applied in the young person's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from babel.dates import format_datetime

QUIET_HELP = "use HH:MM-HH:MM, like 21:00-09:00, or off"
DURATION_HELP = "use a number and d, h or m, like 3d or 12h"
AT_HELP = "use YYYY-MM-DD HH:MM, like 2026-12-01 18:00"
EVERY_HELP = "use a day and a time, like mon 18:00 or daily 18:00, or a cron rule like 0 18 * * mon"

_CLOCK = r"([01]?\d|2[0-3]):([0-5]\d)"
_QUIET_RE = re.compile(rf"{_CLOCK}\s*-\s*{_CLOCK}")
_DURATION_RE = re.compile(r"(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?")
_AT_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T]" + _CLOCK)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {**dict(zip(_DAYS, _DAYS, strict=True)), **dict(zip(_FULL_DAYS, _DAYS, strict=True))}
_DAY_WORDS = {"daily": "*", "weekdays": "mon-fri", "weekends": "sat,sun"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# APScheduler fires at whole seconds at or after `now`; nudging past `after` makes "strictly after".
_TICK = timedelta(microseconds=1)
# A moved 24h reminder must still leave this much time before the meeting.
_MIN_LEAD = timedelta(hours=2)


@dataclass(frozen=True)
class QuietHours:
    """Local times when the bot starts no conversation; `start` is inside, `end` is not."""

    start: time
    end: time

    def contains(self, local: time) -> bool:
        """Whether a local wall-clock time falls in the window (which may wrap midnight)."""
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def parse_quiet_hours(text: str) -> QuietHours | None:
    """Read "21:00-09:00" as quiet hours, or "off" as none."""
    cleaned = text.strip().lower()
    if cleaned == "off":
        return None
    match = _QUIET_RE.fullmatch(cleaned)
    if match is None:
        raise ValueError(QUIET_HELP)
    start = time(int(match[1]), int(match[2]))
    end = time(int(match[3]), int(match[4]))
    if start == end:
        raise ValueError(f"quiet hours must start and end at different times: {QUIET_HELP}")
    return QuietHours(start, end)


def _in_zone(when: datetime, tz: ZoneInfo) -> datetime:
    """The same instant in `tz` with `fold` set right; a wall time in a gap becomes a real one."""
    return when.astimezone(UTC).astimezone(tz)


def _plus(when: datetime, delta: timedelta, tz: ZoneInfo) -> datetime:
    """Add elapsed time (not wall-clock time, which Python uses for same-zone arithmetic)."""
    return (when.astimezone(UTC) + delta).astimezone(tz)


def _next_local(clock: time, after: datetime, tz: ZoneInfo) -> datetime:
    """The first moment at or after `after` when the local clock shows `clock`."""
    trigger = CronTrigger(hour=clock.hour, minute=clock.minute, second=0, timezone=tz)
    fire: datetime = trigger.get_next_fire_time(None, after)
    return _in_zone(fire, tz)


def release_time(when: datetime, quiet: QuietHours | None, tz: ZoneInfo) -> datetime:
    """When a bot-started message due at `when` may go out: `when`, or the end of its quiet window.

    If the window's end does not exist that day (clocks going forward), the window keeps its usual
    length in elapsed time, so it ends an hour later by the new clock: we err on the quiet side.
    """
    local = _in_zone(when, tz)
    if quiet is None or not quiet.contains(local.time()):
        return local
    return _next_local(quiet.end, local, tz)


def parse_duration(text: str) -> timedelta:
    """Read "3d", "12h", "90m" or combinations in that order such as "1d12h"."""
    cleaned = text.strip().lower()
    match = _DURATION_RE.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ValueError(DURATION_HELP)
    days, hours, minutes = (int(part or 0) for part in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes)
    if duration <= timedelta(0):
        raise ValueError(f"the time must be more than zero: {DURATION_HELP}")
    return duration


def parse_at(text: str, tz: ZoneInfo) -> datetime:
    """Read "2026-12-01 18:00" as local time in `tz`; an ambiguous time means the first one."""
    match = _AT_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(AT_HELP)
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        wall = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise ValueError(f"there is no such date: {AT_HELP}") from None
    if _in_zone(wall, tz).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise ValueError(
            f"{text.strip()} does not happen in {tz.key} because the clocks go forward; "
            "pick another time"
        )
    return wall


def _cron_trigger(spec: str, tz: ZoneInfo) -> CronTrigger:
    """Build the trigger for a five-field cron rule, with errors a person can act on."""
    fields = spec.split()
    if len(fields) != 5:
        raise ValueError(EVERY_HELP)
    if re.search(r"\d", fields[4]):
        # APScheduler 3 counts weekdays from 0 = Monday, crontab from 0 = Sunday: names are safe.
        raise ValueError("use day names in the last cron field, like mon-fri, not numbers")
    try:
        return CronTrigger.from_crontab(spec, timezone=tz)
    except ValueError as exc:
        raise ValueError(f"that cron rule does not work ({exc}): {EVERY_HELP}") from None


@dataclass(frozen=True)
class Repeat:
    """A validated repeat rule, kept as a five-field cron string with day names."""

    spec: str

    def __post_init__(self) -> None:
        _cron_trigger(self.spec, ZoneInfo("UTC"))

    def next_after(self, after: datetime, tz: ZoneInfo) -> datetime | None:
        """The next fire time strictly after `after`, by the local clock in `tz`.

        A local time skipped by the clocks going forward fires an hour later by the new clock
        (APScheduler's reading); a local time repeated when they go back fires only the first time.
        """
        trigger = _cron_trigger(self.spec, tz)
        fire: datetime | None = trigger.get_next_fire_time(None, _plus(after, _TICK, tz))
        while fire is not None:
            fire = _in_zone(fire, tz)
            if not (fire.fold and fire.utcoffset() != fire.replace(fold=0).utcoffset()):
                return fire
            fire = trigger.get_next_fire_time(None, _plus(fire, _TICK, tz))
        return None


def _day_time_to_cron(days: str, clock: str) -> str | None:
    """Turn "mon,thu" or "daily" and "18:00" into a cron rule, or None if they do not fit."""
    match = re.fullmatch(_CLOCK, clock)
    if match is None:
        return None
    if days in _DAY_WORDS:
        dow = _DAY_WORDS[days]
    else:
        names = [_DAY_NAMES.get(word) for word in days.split(",")]
        if None in names:
            return None
        dow = ",".join(name for name in names if name)
    return f"{int(match[2])} {int(match[1])} * * {dow}"


def parse_every(text: str) -> Repeat:
    """Read "mon 18:00", "mon,thu 18:00", "daily 18:00", "weekdays 18:00" or a cron rule."""
    words = text.strip().lower().split()
    if len(words) == 2:
        spec = _day_time_to_cron(words[0], words[1])
        if spec is None:
            raise ValueError(EVERY_HELP)
    elif len(words) == 5:
        spec = " ".join(words)
    else:
        raise ValueError(EVERY_HELP)
    repeat = Repeat(spec)
    if repeat.next_after(datetime(2000, 1, 1, tzinfo=UTC), ZoneInfo("UTC")) is None:
        raise ValueError("that rule never happens (is the date real?)")
    return repeat


def _window_start(local: datetime, quiet: QuietHours, tz: ZoneInfo) -> datetime:
    """When the quiet window containing `local` began."""
    day: date = local.date()
    if local.time() < quiet.start:
        day -= timedelta(days=1)
    return _in_zone(datetime.combine(day, quiet.start, tzinfo=tz), tz)


def meeting_reminders(
    start: datetime, quiet: QuietHours | None, tz: ZoneInfo, now: datetime
) -> list[tuple[str, datetime]]:
    """Reminders 24h and 1h (elapsed time) before a meeting, leaving out any not after `now`.

    The 24h one never lands in quiet hours: it moves to the window's end if that leaves two hours
    before the meeting, else to a minute before the window began, else it is dropped.
    """
    day_before = _plus(start, -timedelta(hours=24), tz)
    if quiet is not None and quiet.contains(day_before.time()):
        moved = release_time(day_before, quiet, tz)
        if moved.astimezone(UTC) > start.astimezone(UTC) - _MIN_LEAD:
            moved = _plus(_window_start(day_before, quiet, tz), -timedelta(minutes=1), tz)
        day_before = moved
    planned = [("24h", day_before), ("1h", _plus(start, -timedelta(hours=1), tz))]
    # Compare in UTC: Python compares two datetimes in the same zone by wall clock, ignoring fold.
    return [(label, when) for label, when in planned if when.astimezone(UTC) > now.astimezone(UTC)]


def format_local(
    when: datetime, tz: ZoneInfo, now: datetime | None = None, language: str = "en"
) -> str:
    """A short friendly form such as "Tue 1 Dec, 6pm" or "Tue 1 Dec, 6:30pm", with the year
    ("Tue 1 Dec 2099, 6pm") when ``now`` is given and falls in another year. In Welsh
    (``language`` "cy"), Babel's day and month names: "Dydd Mawrth 1 Rhagfyr, 6yh"."""
    local = _in_zone(when, tz)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    year = f" {local.year}" if now is not None and _in_zone(now, tz).year != local.year else ""
    if language == "cy":
        # y.b. (y bore) and y.h. (yr hwyr) are Welsh's a.m. and p.m.
        day = format_datetime(local, "EEEE d MMMM", locale="cy")
        return f"{day}{year}, {hour}{minutes}{'yb' if local.hour < 12 else 'yh'}"
    suffix = "am" if local.hour < 12 else "pm"
    weekday = _DAYS[local.weekday()].capitalize()
    return f"{weekday} {local.day} {_MONTHS[local.month - 1]}{year}, {hour}{minutes}{suffix}"


def format_date(day: date) -> str:
    """A date on its own, with its year: "Sun 20 Dec 2026"."""
    weekday = _DAYS[day.weekday()].capitalize()
    return f"{weekday} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def parse_date(text: str) -> date:
    """Read "2026-12-20" (a local date)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"use YYYY-MM-DD, like 2026-12-20 (not {text.strip()!r})") from None
