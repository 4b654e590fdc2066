"""``youthvoice audit``: every staff action from the command line is logged with who, what and
when, newest first, and never a young person's id."""

from __future__ import annotations

import pytest

from tests.conftest import people_joined, run

pytestmark = pytest.mark.timeout(30)


def test_audit_is_empty_at_first(env: dict[str, str]) -> None:
    result = run(env, "audit")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No staff actions yet."


def test_plans_meetings_and_cancels_are_logged_newest_first(env: dict[str, str]) -> None:
    """Opening a check-in, scheduling one, cancelling it and adding a meeting each leave one
    line naming the command line as who did it."""
    people_joined(env, range(1, 6))
    assert run(env, "checkin", "weekly").exit_code == 0
    assert run(env, "checkin", "weekly", "--every", "mon 18:00").exit_code == 0
    assert run(env, "schedules", "cancel", "1").exit_code == 0
    added = run(env, "meeting", "add", "Forum", "--at", "2099-01-05 18:00", "--where", "Hub")
    assert added.exit_code == 0, added.output
    lines = run(env, "audit").output.splitlines()
    assert [line.split("  ")[1:] for line in lines] == [
        ["command line", "added a meeting: meeting 1, 5 invited"],
        ["command line", "cancelled a schedule: schedule 1"],
        [
            "command line",
            "scheduled a check-in: schedule 1 (weekly), cohort everyone, repeats '0 18 * * mon'",
        ],
        ["command line", "opened a check-in: check-in 1 (weekly), cohort everyone, 5 invited"],
    ]
    assert len(run(env, "audit", "--limit", "1").output.splitlines()) == 1


def test_a_refused_plan_is_not_logged(env: dict[str, str]) -> None:
    assert run(env, "schedules", "cancel", "9").exit_code == 1
    assert run(env, "audit").output.strip() == "No staff actions yet."


def test_bad_limit_is_refused(env: dict[str, str]) -> None:
    result = run(env, "audit", "--limit", "0")
    assert result.exit_code == 2


def test_every_command_reads_the_test_clock(env: dict[str, str]) -> None:
    """Regression: ``youthvoice results`` imported the clock by name and read the real time,
    which a test's fake clock did not reach. Every command's audit line carries the same fake
    time now."""
    people_joined(env, range(1, 6))
    assert run(env, "checkin", "weekly").exit_code == 0
    assert run(env, "results").exit_code == 0
    assert run(env, "results", "1").exit_code == 0
    times = {line.split("  ")[0] for line in run(env, "audit").output.splitlines()}
    assert len(times) == 1, times
