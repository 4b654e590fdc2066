"""How long a repeating check-in may stay open: the shortest time between its openings, which
the /newcheckin wizard uses to offer only times open the plan would accept."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.actions.errors import ActionError
from bot.actions.plans import longest_open
from tests.conftest import clock_start

LONDON = ZoneInfo("Europe/London")


def first_at(weekday: int, hour: int = 18) -> datetime:
    """``hour`` o'clock on the first ``weekday`` (0 is Monday) after the test clock starts."""
    day = datetime.fromtimestamp(clock_start(), LONDON) + timedelta(days=1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.mark.parametrize(
    ("every", "weekday", "longest"),
    [
        ("daily 18:00", 2, timedelta(days=1)),
        ("weekdays 18:00", 4, timedelta(days=1)),
        ("mon,thu 18:00", 0, timedelta(days=3)),
        ("sun 18:00", 6, timedelta(days=7)),
    ],
)
def test_the_longest_open_is_the_shortest_gap_between_openings(
    every: str, weekday: int, longest: timedelta
) -> None:
    assert longest_open(first_at(weekday), every, LONDON) == longest


def test_a_day_stays_a_day_over_a_change_of_the_clocks() -> None:
    """Counted on the wall clock across a year, so the 23- and 25-hour days change nothing."""
    assert longest_open(first_at(0, hour=9), "daily 09:00", LONDON) == timedelta(days=1)


def test_a_first_opening_off_the_rule_counts_up_to_the_rule_s_first() -> None:
    """Opening on a Saturday, then every Sunday: the first gap is a day."""
    assert longest_open(first_at(5), "sun 18:00", LONDON) == timedelta(days=1)


def test_a_rule_it_cannot_read_is_refused_by_name() -> None:
    with pytest.raises(ActionError) as refused:
        longest_open(first_at(0), "fortnightly", LONDON)
    assert refused.value.field == "every"
