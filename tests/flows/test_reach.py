"""Unit tests for flows.reach: the falling rule, the average of shown rates, and the split of
a group's people into answered, never answered and not asked yet, small counts hidden."""

from __future__ import annotations

import pytest

from flows.reach import (
    ANSWERED,
    NEVER,
    NOT_ASKED,
    falling,
    group_reach,
    participation,
    participation_words,
    rate_spans,
    rate_words,
    shown_rates,
)
from flows.results import CheckinSummary
from flows.suppression import Hidden

K = 5


def line(
    checkin_id: int, rate: float | None, *, opens: float = 0.0, stepped: bool = False
) -> CheckinSummary:
    """A check-in's line in the list: 20 invited, finished as the rate says (None: hidden)."""
    finished = None if rate is None else int(rate / 5)
    opens_at = opens or float(checkin_id)
    return CheckinSummary(
        checkin_id, "weekly", "How are things?", opens_at, opens_at + 1, stepped, 20, finished,
        rate, stepped,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        ([], False),
        ([50.0, 40.0], False),  # two drops could be chance
        ([60.0, 50.0, 40.0], True),
        ([90.0, 60.0, 50.0, 40.0], True),  # only the last three count
        ([60.0, 50.0, 50.0], False),  # level is not lower
        ([60.0, 40.0, 50.0], False),
        ([30.0, 60.0, 50.0, 40.0], True),
        ([60.0, 50.0, 40.0, 45.0], False),  # it picked up again
    ],
)
def test_falling_means_the_last_three_rates_each_lower_than_the_one_before(
    rates: list[float], expected: bool
) -> None:
    """A group is falling when its last three shown rates each are lower than the one
    before; fewer than three rates is never falling."""
    assert falling([(r, r) for r in rates]) is expected


def test_a_hidden_rate_counts_only_when_surely_lower() -> None:
    """A hidden rate (1 to K-1 of 20 finished: 5% to 20%) is lower than 30% for sure, so a
    fall to it is a fall; below 15% it may not be, so that is not."""
    lines = [line(1, 50.0), line(2, 30.0), line(3, None)]
    assert rate_spans(lines, K) == [(50.0, 50.0), (30.0, 30.0), (5.0, 20.0)]
    assert group_reach("North", 1, lines, None, K).falling
    assert not group_reach(
        "North", 1, [line(1, 50.0), line(2, 15.0), line(3, None)], None, K
    ).falling
    assert not group_reach(
        "North", 1, [line(1, 50.0), line(2, None), line(3, 10.0)], None, K
    ).falling


def test_open_and_hidden_rates_are_left_out_of_the_rule_and_the_average() -> None:
    """Only closed check-ins with a shown rate count: an open one (in steps of K) and a
    hidden one are skipped, so the rule never reads a hidden count."""
    lines = [
        line(1, 60.0),
        line(2, None),
        line(3, 50.0),
        line(4, 40.0),
        line(5, None, stepped=True),
    ]
    assert shown_rates(lines) == [60.0, 50.0, 40.0]
    group = group_reach("North", 1, list(reversed(lines)), None, K)
    assert [c.checkin_id for c in group.checkins] == [1, 2, 3, 4, 5]  # oldest first
    assert group.average == 50.0
    # The last three closed: 5% to 20%, then 50%, then 40%: 50% is not lower.
    assert not group.falling


def test_a_group_with_no_closed_checkin_has_no_average() -> None:
    group = group_reach("New", 2, [line(1, None, stepped=True)], None, K)
    assert (group.average, group.falling) == (None, False)
    assert rate_words(group, K) == "no closed check-in yet"


def test_rate_words_show_the_latest_rates_and_say_falling() -> None:
    """A lead reads the rates oldest to newest, hidden ones as "fewer than K finished",
    unknown ones as "?", with the average and, when it is falling, why."""
    unknown = CheckinSummary(9, "w", "W", 2.5, 3.0, False, None, 12, None)
    lines = [line(1, 80.0), line(2, None), unknown, line(3, 60.0), line(4, 55.0), line(5, 50.0)]
    words = rate_words(group_reach("North", 1, lines, None, K), K, last=5)
    assert words == (
        "response rates ..., fewer than 5 finished, ?, 60%, 55%, 50% "
        "(average 61.2%; FALLING: each of the last 3 lower than the one before)"
    )


def test_participation_shows_counts_of_k_or_more() -> None:
    people = participation({ANSWERED: 12, NEVER: 6, NOT_ASKED: 0}, K)
    assert people.joined == 18
    assert [(c.value, c.count, c.percent) for c in people.cells] == [
        (ANSWERED, 12, 66.7),
        (NEVER, 6, 33.3),
        (NOT_ASKED, 0, 0.0),
    ]
    assert participation_words(people, K) == (
        "18 joined. Answered at least once: 12; joined but never answered: 6; "
        "not asked yet (joined since the last closed check-in): 0"
    )


def test_a_small_never_answered_count_is_hidden_and_protected() -> None:
    """Two who never answered show as "fewer than 5"; the joined total would then give it
    away from the others, so one more count is hidden too."""
    people = participation({ANSWERED: 14, NEVER: 2, NOT_ASKED: 6}, K)
    never = people.cell(NEVER)
    assert never is not None and never.count is None and never.hidden is Hidden.SMALL
    assert never.shown(K) == "fewer than 5"
    assert sum(c.count is None for c in people.cells) == 2
    assert all(c.percent is None for c in people.cells if c.count is None)


def test_a_big_count_beside_a_small_remainder_is_hidden() -> None:
    """12 joined and 10 never answered: showing 10 would tell that 2 did answer."""
    people = participation({ANSWERED: 2, NEVER: 10, NOT_ASKED: 0}, K)
    assert [c.count for c in people.cells] == [None, None, 0]


def test_a_small_group_is_hidden_whole() -> None:
    """Three people in a cohort: no split of them is safe, so none is shown."""
    people = participation({NEVER: 3}, K)
    assert people.joined == 3
    assert people.cells == ()
    assert participation_words(people, K) == "3 joined (too few to say how many answered)"
