"""Tests for flows.schedule: quiet hours, durations, dates, repeats and reminders, DST included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.schedule import (
    QuietHours,
    Repeat,
    format_local,
    meeting_reminders,
    parse_at,
    parse_duration,
    parse_every,
    parse_quiet_hours,
    release_time,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = QuietHours(time(21), time(9))
# In 2026 London's clocks go forward on 29 March (01:00 GMT -> 02:00 BST) and back on
# 25 October (02:00 BST -> 01:00 GMT); New York's on 8 March and 1 November.


def lon(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int = 0,
    second: int = 0,
    us: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    """A London wall-clock time."""
    return datetime(year, month, day, hour, minute, second, us, tzinfo=LONDON, fold=fold)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC time."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def same_instant(got: datetime, want: datetime, tz: ZoneInfo) -> bool:
    """Equal as instants (same-zone == compares wall clocks only), in `tz` with a real wall time."""
    canonical = got.astimezone(UTC).astimezone(tz)
    return (
        got.tzinfo == tz
        and got.astimezone(UTC) == want.astimezone(UTC)
        and (got.replace(tzinfo=None), got.fold) == (canonical.replace(tzinfo=None), canonical.fold)
    )


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("21:00-09:00", QuietHours(time(21), time(9))),
        (" 22:30 - 7:00 ", QuietHours(time(22, 30), time(7))),
        ("09:00-17:00", QuietHours(time(9), time(17))),
        ("off", None),
        ("  OFF ", None),
    ],
)
def test_parse_quiet_hours_reads_ranges_and_off(text: str, want: QuietHours | None) -> None:
    """A range becomes QuietHours (hours may have one digit); "off" in any case means none."""
    assert parse_quiet_hours(text) == want


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "use HH:MM-HH:MM, like 21:00-09:00, or off"),
        ("21-09", "use HH:MM-HH:MM"),
        ("21:00", "use HH:MM-HH:MM"),
        ("25:00-09:00", "use HH:MM-HH:MM"),
        ("21:60-09:00", "use HH:MM-HH:MM"),
        ("evenings", "use HH:MM-HH:MM"),
        ("21:00-21:00", "different times"),
    ],
)
def test_parse_quiet_hours_rejects_bad_input_with_a_hint(text: str, message: str) -> None:
    """Anything else is a ValueError whose message shows the expected form."""
    with pytest.raises(ValueError, match=message):
        parse_quiet_hours(text)


@pytest.mark.parametrize(
    ("quiet", "local", "inside"),
    [
        (NIGHT, time(21), True),
        (NIGHT, time(23, 59), True),
        (NIGHT, time(0), True),
        (NIGHT, time(8, 59), True),
        (NIGHT, time(9), False),
        (NIGHT, time(12), False),
        (NIGHT, time(20, 59), False),
        (QuietHours(time(13), time(14)), time(13), True),
        (QuietHours(time(13), time(14)), time(13, 30), True),
        (QuietHours(time(13), time(14)), time(14), False),
        (QuietHours(time(13), time(14)), time(12, 59), False),
        (QuietHours(time(13), time(14)), time(23), False),
    ],
)
def test_contains_includes_start_excludes_end(quiet: QuietHours, local: time, inside: bool) -> None:
    """The window holds its start but not its end, whether or not it wraps midnight."""
    assert quiet.contains(local) is inside


@pytest.mark.parametrize(
    ("when", "quiet", "tz", "want"),
    [
        (lon(2026, 6, 10, 12), NIGHT, LONDON, lon(2026, 6, 10, 12)),
        (lon(2026, 6, 10, 20, 59), NIGHT, LONDON, lon(2026, 6, 10, 20, 59)),
        (lon(2026, 6, 10, 9), NIGHT, LONDON, lon(2026, 6, 10, 9)),
        (lon(2026, 6, 10, 21), NIGHT, LONDON, lon(2026, 6, 11, 9)),
        (lon(2026, 6, 10, 23, 30), NIGHT, LONDON, lon(2026, 6, 11, 9)),
        (lon(2026, 6, 10, 3), NIGHT, LONDON, lon(2026, 6, 10, 9)),
        (lon(2026, 6, 10, 23, 30), None, LONDON, lon(2026, 6, 10, 23, 30)),
        # Given in UTC, judged by London's clock (22:00 UTC is 23:00 BST).
        (utc(2026, 6, 10, 22), NIGHT, LONDON, lon(2026, 6, 11, 9)),
        (lon(2026, 6, 10, 13, 30), QuietHours(time(13), time(14)), LONDON, lon(2026, 6, 10, 14)),
        # Clocks go forward overnight: 09:00 BST is 08:00 UTC.
        (lon(2026, 3, 28, 22), NIGHT, LONDON, utc(2026, 3, 29, 8)),
        # Clocks go back overnight: 09:00 GMT is 09:00 UTC.
        (lon(2026, 10, 24, 22), NIGHT, LONDON, utc(2026, 10, 25, 9)),
        (lon(2026, 10, 25, 1, 30, fold=1), NIGHT, LONDON, utc(2026, 10, 25, 9)),
        # An end that does not exist (01:30 on 29 March) keeps the window's elapsed length.
        (
            lon(2026, 3, 29, 0, 45),
            QuietHours(time(23), time(1, 30)),
            LONDON,
            utc(2026, 3, 29, 1, 30),
        ),
        (
            datetime(2026, 3, 7, 23, tzinfo=NEW_YORK),
            QuietHours(time(22), time(7)),
            NEW_YORK,
            utc(2026, 3, 8, 11),
        ),
        (
            datetime(2026, 10, 31, 23, tzinfo=NEW_YORK),
            QuietHours(time(22), time(7)),
            NEW_YORK,
            utc(2026, 11, 1, 12),
        ),
    ],
)
def test_release_time_waits_for_the_end_of_quiet_hours(
    when: datetime, quiet: QuietHours | None, tz: ZoneInfo, want: datetime
) -> None:
    """Outside quiet hours a message goes at once; inside, at the window's local end time."""
    assert same_instant(release_time(when, quiet, tz), want, tz)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("3d", timedelta(days=3)),
        ("2h", timedelta(hours=2)),
        ("90m", timedelta(minutes=90)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 2H ", timedelta(hours=2)),
    ],
)
def test_parse_duration_reads_days_hours_minutes(text: str, want: timedelta) -> None:
    """Days, hours and minutes, alone or combined in that order, any case."""
    assert parse_duration(text) == want


@pytest.mark.parametrize(
    "text", ["", "0h", "0d0m", "-3d", "3", "h", "3w", "45s", "3 days", "1.5h", "12h1d"]
)
def test_parse_duration_rejects_zero_negative_and_junk(text: str) -> None:
    """Zero, negative, seconds, other units and junk are ValueErrors showing the form."""
    with pytest.raises(ValueError, match="use a number and d, h or m, like 3d or 12h"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "tz", "want", "fold"),
    [
        ("2026-12-01 18:00", LONDON, utc(2026, 12, 1, 18), 0),
        ("2026-12-01T18:00", LONDON, utc(2026, 12, 1, 18), 0),
        (" 2026-07-01 18:00 ", LONDON, utc(2026, 7, 1, 17), 0),
        ("2026-07-01 9:05", LONDON, utc(2026, 7, 1, 8, 5), 0),
        # 01:30 happens twice when the clocks go back: the first (summer time) is meant.
        ("2026-10-25 01:30", LONDON, utc(2026, 10, 25, 0, 30), 0),
        ("2026-11-01 01:30", NEW_YORK, utc(2026, 11, 1, 5, 30), 0),
    ],
)
def test_parse_at_reads_local_time(text: str, tz: ZoneInfo, want: datetime, fold: int) -> None:
    """A date and time is read in the young person's zone; ambiguous times take the first."""
    got = parse_at(text, tz)
    assert same_instant(got, want, tz)
    assert got.fold == fold


@pytest.mark.parametrize(
    ("text", "tz", "message"),
    [
        ("2026-03-29 01:30", LONDON, "does not happen in Europe/London"),
        ("2026-03-08 02:30", NEW_YORK, "clocks go forward"),
        ("2026-02-30 10:00", LONDON, "no such date"),
        ("2026-12-01", LONDON, "use YYYY-MM-DD HH:MM"),
        ("01/12/2026 18:00", LONDON, "use YYYY-MM-DD HH:MM"),
        ("2026-12-01 25:00", LONDON, "use YYYY-MM-DD HH:MM"),
        ("tomorrow", LONDON, "use YYYY-MM-DD HH:MM"),
    ],
)
def test_parse_at_rejects_missing_times_and_junk(text: str, tz: ZoneInfo, message: str) -> None:
    """A local time skipped by the clocks going forward is refused, saying so; so is junk."""
    with pytest.raises(ValueError, match=message):
        parse_at(text, tz)


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("mon 18:00", "0 18 * * mon"),
        ("Monday 18:00", "0 18 * * mon"),
        ("mon,thu 18:30", "30 18 * * mon,thu"),
        ("daily 7:30", "30 7 * * *"),
        ("weekdays 18:00", "0 18 * * mon-fri"),
        ("weekends 10:00", "0 10 * * sat,sun"),
        ("0 18 * * mon", "0 18 * * mon"),
        ("  0  18 * *  MON-FRI ", "0 18 * * mon-fri"),
        ("0 9 1 * *", "0 9 1 * *"),
    ],
)
def test_parse_every_reads_day_and_time_or_cron(text: str, spec: str) -> None:
    """Day names (or daily/weekdays/weekends) with a time, or cron, become one cron spec."""
    assert parse_every(text) == Repeat(spec)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "like mon 18:00"),
        ("mon", "like mon 18:00"),
        ("mon 25:00", "like mon 18:00"),
        ("funday 18:00", "like mon 18:00"),
        ("mo 18:00", "like mon 18:00"),
        ("mon 6pm", "like mon 18:00"),
        ("0 18 * *", "like mon 18:00"),
        ("x 18 * * mon", "that cron rule does not work"),
        ("0 18 * * 1", "use day names"),
        ("0 0 31 2 *", "never happens"),
    ],
)
def test_parse_every_rejects_bad_rules_in_one_line(text: str, message: str) -> None:
    """Bad rules are one-line ValueErrors; numeric weekdays are refused (APScheduler 3 counts
    0 as Monday, crontab as Sunday), and so are rules that can never fire."""
    with pytest.raises(ValueError, match=message) as info:
        parse_every(text)
    assert "\n" not in str(info.value)


def test_repeat_validates_its_spec() -> None:
    """A Repeat built straight from stored text still refuses an invalid rule."""
    with pytest.raises(ValueError):
        Repeat("junk")


@pytest.mark.parametrize(
    ("rule", "after", "tz", "want"),
    [
        # 18:00 local stays 18:00 when the clocks change, so the UTC hour shifts.
        ("daily 18:00", lon(2026, 3, 28, 18), LONDON, utc(2026, 3, 29, 17)),
        ("sun 18:00", lon(2026, 3, 22, 18), LONDON, utc(2026, 3, 29, 17)),
        ("daily 18:00", lon(2026, 10, 24, 18), LONDON, utc(2026, 10, 25, 18)),
        ("daily 18:00", utc(2026, 3, 7, 23), NEW_YORK, utc(2026, 3, 8, 22)),
        # Strictly after: a fire time itself, or a moment past it, moves on to the next one.
        ("daily 18:00", lon(2026, 6, 1, 17, 59, 59, 999999), LONDON, lon(2026, 6, 1, 18)),
        ("daily 18:00", lon(2026, 6, 1, 18), LONDON, lon(2026, 6, 2, 18)),
        ("daily 18:00", lon(2026, 6, 1, 18, 0, 0, 500000), LONDON, lon(2026, 6, 2, 18)),
        ("0 18 * * mon", utc(2026, 6, 1, 17), LONDON, lon(2026, 6, 8, 18)),
        # 01:30 is skipped on 29 March: it fires at 01:30 GMT, which the clocks call 02:30 BST.
        ("sun 01:30", lon(2026, 3, 28, 12), LONDON, utc(2026, 3, 29, 1, 30)),
        ("sun 01:30", utc(2026, 3, 29, 1, 30), LONDON, utc(2026, 4, 5, 0, 30)),
        # 01:30 happens twice on 25 October: it fires the first time only.
        ("sun 01:30", lon(2026, 10, 24, 12), LONDON, utc(2026, 10, 25, 0, 30)),
        ("sun 01:30", utc(2026, 10, 25, 0, 30), LONDON, utc(2026, 11, 1, 1, 30)),
        ("daily 01:30", lon(2026, 10, 25, 1, 10, fold=1), LONDON, utc(2026, 10, 26, 1, 30)),
    ],
)
def test_next_after_keeps_local_time_across_clock_changes(
    rule: str, after: datetime, tz: ZoneInfo, want: datetime
) -> None:
    """The next fire is strictly after `after`, at the rule's local wall-clock time."""
    got = parse_every(rule).next_after(after, tz)
    assert got is not None
    assert same_instant(got, want, tz)
    assert got.astimezone(UTC) > after.astimezone(UTC)


def test_next_after_returns_none_when_a_rule_never_fires_again() -> None:
    """A stored rule with no future dates yields None rather than looping."""
    assert Repeat("0 0 31 2 *").next_after(utc(2026, 1, 1, 0), LONDON) is None


@pytest.mark.parametrize(
    ("start", "quiet", "now", "want"),
    [
        # Normal: both reminders, in the young person's zone.
        (
            lon(2026, 6, 10, 18),
            NIGHT,
            lon(2026, 6, 1, 12),
            [("24h", lon(2026, 6, 9, 18)), ("1h", lon(2026, 6, 10, 17))],
        ),
        (
            lon(2026, 6, 10, 7),
            None,
            lon(2026, 6, 1, 12),
            [("24h", lon(2026, 6, 9, 7)), ("1h", lon(2026, 6, 10, 6))],
        ),
        # 24h falls at 07:00 in quiet hours: moved to 09:00; the 1h one stays at 06:00.
        (
            lon(2026, 6, 10, 7),
            NIGHT,
            lon(2026, 6, 1, 12),
            [("24h", lon(2026, 6, 9, 9)), ("1h", lon(2026, 6, 10, 6))],
        ),
        (
            lon(2026, 6, 10, 22),
            NIGHT,
            lon(2026, 6, 1, 12),
            [("24h", lon(2026, 6, 10, 9)), ("1h", lon(2026, 6, 10, 21))],
        ),
        # Booked inside quiet hours after the 24h mark: the moved reminder is still ahead.
        (
            lon(2026, 6, 10, 21, 30),
            NIGHT,
            lon(2026, 6, 9, 22),
            [("24h", lon(2026, 6, 10, 9)), ("1h", lon(2026, 6, 10, 20, 30))],
        ),
        # Quiet until 09:00 leaves under 2h before a 10:30 meeting: a minute before quiet began.
        (
            lon(2026, 6, 10, 10, 30),
            QuietHours(time(10), time(9)),
            lon(2026, 6, 1, 12),
            [("24h", lon(2026, 6, 9, 9, 59)), ("1h", lon(2026, 6, 10, 9, 30))],
        ),
        # ... and if that minute has passed, the 24h reminder is dropped.
        (
            lon(2026, 6, 10, 10, 30),
            QuietHours(time(10), time(9)),
            lon(2026, 6, 9, 10, 15),
            [("1h", lon(2026, 6, 10, 9, 30))],
        ),
        # Past reminders are left out.
        (lon(2026, 6, 10, 18), NIGHT, lon(2026, 6, 9, 18), [("1h", lon(2026, 6, 10, 17))]),
        (lon(2026, 6, 10, 18), NIGHT, lon(2026, 6, 10, 17), []),
        # 24h is elapsed time: over the spring change it is 17:00 GMT the day before.
        (
            lon(2026, 3, 29, 18),
            NIGHT,
            lon(2026, 3, 1, 12),
            [("24h", utc(2026, 3, 28, 17)), ("1h", utc(2026, 3, 29, 16))],
        ),
    ],
)
def test_meeting_reminders(
    start: datetime, quiet: QuietHours | None, now: datetime, want: list[tuple[str, datetime]]
) -> None:
    """24h and 1h reminders in the future; the 24h one is moved out of quiet hours or dropped."""
    got = meeting_reminders(start, quiet, LONDON, now)
    assert [label for label, _ in got] == [label for label, _ in want]
    for (_, got_when), (_, want_when) in zip(got, want, strict=True):
        assert same_instant(got_when, want_when, LONDON)


def test_meeting_reminders_keeps_the_1h_one_in_quiet_hours() -> None:
    """The 1h reminder is never moved, even at 08:30 inside quiet hours."""
    got = meeting_reminders(lon(2026, 6, 10, 9, 30), NIGHT, LONDON, lon(2026, 6, 1, 12))
    assert got[-1] == ("1h", lon(2026, 6, 10, 8, 30))


@pytest.mark.parametrize(
    ("when", "tz", "want"),
    [
        (lon(2026, 12, 1, 18), LONDON, "Tue 1 Dec, 6pm"),
        (lon(2026, 12, 1, 18, 30), LONDON, "Tue 1 Dec, 6:30pm"),
        (lon(2026, 12, 1, 9, 5), LONDON, "Tue 1 Dec, 9:05am"),
        (lon(2026, 12, 1, 0), LONDON, "Tue 1 Dec, 12am"),
        (lon(2026, 12, 1, 12), LONDON, "Tue 1 Dec, 12pm"),
        (utc(2026, 7, 1, 17), LONDON, "Wed 1 Jul, 6pm"),
        (utc(2026, 12, 1, 23), NEW_YORK, "Tue 1 Dec, 6pm"),
    ],
)
def test_format_local_is_short_and_friendly(when: datetime, tz: ZoneInfo, want: str) -> None:
    """Day, date and a 12-hour time without leading zeros, shown in the given zone."""
    assert format_local(when, tz) == want


def test_format_local_names_the_year_only_when_it_is_not_this_year() -> None:
    """Regression: a meeting planned for 2099 was confirmed as "Tue 1 Dec" with no year."""
    tz = ZoneInfo("Europe/London")
    now = datetime(2026, 11, 23, 10, 0, tzinfo=tz)
    assert format_local(datetime(2026, 12, 1, 18, 0, tzinfo=tz), tz, now) == "Tue 1 Dec, 6pm"
    assert format_local(datetime(2099, 12, 1, 18, 0, tzinfo=tz), tz, now) == "Tue 1 Dec 2099, 6pm"
    # New Year's Eve, 11pm UTC, is already next year in Auckland: the local year counts.
    auckland = ZoneInfo("Pacific/Auckland")
    eve = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert format_local(datetime(2027, 1, 2, 9, 0, tzinfo=auckland), auckland, eve) == (
        "Sat 2 Jan, 9am"
    )
