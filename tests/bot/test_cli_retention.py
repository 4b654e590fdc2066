"""``youthvoice retention run`` and the daily job: what is past its time is deleted and said;
a second run changes nothing; YOUTHVOICE_RETENTION_DAYS refuses nonsense in one line."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import retention
from storage.base import Audience, ContactStatus, NewCheckin
from storage.sqlite import SqliteStore
from tests.conftest import LONDON, clock_start, make_settings, run

pytestmark = pytest.mark.timeout(30)


def day(days_before: int) -> str:
    """The local date ``days_before`` the test clock's start."""
    start = datetime.fromtimestamp(clock_start(), LONDON).date()
    return (start - timedelta(days=days_before)).isoformat()


async def fill(path: Path) -> None:
    """One of each kind, each just past its time on the test clock's day (and one of each
    just within it), plus someone who stopped (their 90 days count from the first run)."""
    async with SqliteStore(path) as store:
        new = NewCheckin("weekly", None, clock_start() - 10, None)
        checkin, _ = await store.open_checkin(new, Audience(), lambda c: {"text": "hi"})
        assert checkin is not None
        await store.save_progress("old-link", checkin.id, {}, day(8), 1)
        await store.save_progress("new-link", checkin.id, {}, day(7), 2)
        # Each released on its day (a check-in's last batch is released when it closes).
        await store.finish_response("a", checkin.id, {"q": 1}, day(731), 3, batch=5)
        await store.release_waiting(checkin.id, day(731))
        await store.finish_response("b", checkin.id, {"q": 2}, day(730), 4, batch=5)
        await store.release_waiting(checkin.id, day(730))
        await store.raise_alert(1, day(366), [], 5)
        await store.raise_alert(2, day(365), [], 6)
        await store.join(42, None, "en", day(400), 7)
        await store.set_status(42, ContactStatus.STOPPED, 8)


def test_retention_run_says_what_it_removed_and_twice_changes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    asyncio.run(fill(tmp_path / "youthvoice.db"))
    first = run(env, "retention", "run")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "Removed:",
        "  1 unfinished responses (older than 7 days)",
        "  1 answers (past the retention time)",
        "  0 people who stopped more than 90 days ago",
        "  1 safeguarding alert records (older than 365 days)",
    ]
    again = run(env, "retention", "run")
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "Nothing to remove: everything kept is within its time."


def test_retention_days_setting_changes_what_answers_are_kept(
    env: dict[str, str], tmp_path: Path
) -> None:
    asyncio.run(fill(tmp_path / "youthvoice.db"))
    result = run({**env, "YOUTHVOICE_RETENTION_DAYS": "30"}, "retention", "run")
    assert "  2 answers (past the retention time)" in result.output.splitlines()


@pytest.mark.parametrize("value", ["0", "-5", "99999", "two years", "1.5"])
def test_nonsense_retention_days_are_refused_in_one_line(env: dict[str, str], value: str) -> None:
    result = run({**env, "YOUTHVOICE_RETENTION_DAYS": value}, "retention", "run")
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "YOUTHVOICE_RETENTION_DAYS" in lines[0], result.output


async def test_the_daily_job_runs_once_a_day(tmp_path: Path) -> None:
    """The planner's daily call applies retention the first time each day only."""
    settings = make_settings(tmp_path)
    await fill(settings.database)
    async with SqliteStore(settings.database) as store:
        removed = await retention.daily(store, settings, day(0))
        assert removed is not None and removed.total() == 3
        assert await retention.daily(store, settings, day(0)) is None
        later = await retention.daily(store, settings, day(-91))
        assert later is not None and later.contacts == 1
