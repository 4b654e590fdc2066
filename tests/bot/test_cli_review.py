"""``youthvoice review open``: a joint review of the plan opened from the command line, and
every request it cannot carry out refused in one line with nothing kept."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from storage.base import NewPlanAction, UpdateStatus
from storage.sqlite import SqliteStore
from tests.conftest import clock_start, run
from tests.database import db_rows

pytestmark = pytest.mark.timeout(30)

LONDON = ZoneInfo("Europe/London")
NEXT_WEEK = f"{datetime.fromtimestamp(clock_start(), LONDON) + timedelta(days=8):%Y-%m-%d} 18:00"


def seed(
    env: dict[str, str],
    members: int,
    actions: list[tuple[str, UpdateStatus]],
    cohort: str = "North",
) -> None:
    """A cohort with ``members`` joined and the plan's ``actions`` for it."""

    async def go() -> None:
        async with SqliteStore(env["YOUTHVOICE_DATABASE"]) as store:
            found = await store.add_cohort(cohort, cohort.upper() + "1234", "2026-11-23")
            await store.join_many(list(range(1, members + 1)), found.id, "en", "2026-11-23")
            for what, status in actions:
                new = NewPlanAction("Money", what, "Manager", None, status, found.id, "cli", 0.0)
                await store.add_plan_action(new)

    asyncio.run(go())


def count(env: dict[str, str], table: str) -> int:
    [(rows,)] = db_rows(Path(env["YOUTHVOICE_DATABASE"]), f"SELECT count(*) FROM {table}")
    return int(rows)


def refused(result: object) -> str:
    """The one stderr line of a refused command (exit 1, no traceback)."""
    assert getattr(result, "exit_code") == 1, getattr(result, "output")  # noqa: B009
    stderr = str(getattr(result, "stderr")).strip()  # noqa: B009
    assert "Traceback" not in stderr and len(stderr.splitlines()) == 1, stderr
    return stderr


def test_a_review_opens_now_with_one_question_per_action(env: dict[str, str]) -> None:
    seed(env, 6, [("A bigger grant", UpdateStatus.DONE), ("Bus passes", UpdateStatus.COULDNT)])
    result = run(env, "review", "open", "--cohort", "North")
    assert result.exit_code == 0, result.output
    assert "Joint review: 1 question, one per action of the plan:" in result.output
    assert "  1. A bigger grant (Manager; done)" in result.output
    assert "Left out: 1 action marked couldn't happen." in result.output
    assert "Check-in 1 (Is the plan happening?) is open. Queued 6 invitations" in result.output
    assert "youthvoice results 1" in result.output
    database = Path(env["YOUTHVOICE_DATABASE"])
    assert db_rows(database, "SELECT id, kind FROM made_surveys") == [("review_1", "review")]
    assert db_rows(database, "SELECT survey_id FROM checkins") == [("review_1",)]
    actions = [a for (a,) in db_rows(database, "SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["made a joint review", "opened a check-in"]
    again = run(env, "review", "open", "--cohort", "North")
    assert again.exit_code == 0 and "Check-in 2" in again.output
    assert count(env, "made_surveys") == 2  # review_2: each review keeps its own words


def test_a_review_at_a_set_time_is_a_schedule(env: dict[str, str]) -> None:
    seed(env, 6, [("A bigger grant", UpdateStatus.IN_PROGRESS)])
    result = run(env, "review", "open", "--cohort", "North", "--at", NEXT_WEEK)
    assert result.exit_code == 0, result.output
    assert "Schedule 1 saved. The running bot opens the review on time." in result.output
    assert count(env, "schedules") == 1 and count(env, "checkins") == 0
    assert count(env, "made_surveys") == 1


def test_requests_that_cannot_work_are_refused_and_keep_nothing(env: dict[str, str]) -> None:
    seed(env, 0, [("Bus passes", UpdateStatus.COULDNT)])
    assert refused(run(env, "review", "open", "--cohort", "South")) == (
        "youthvoice: --cohort: no cohort 'South'; see: youthvoice cohorts list"
    )
    assert refused(run(env, "review", "open", "--cohort", " ")).startswith(
        "youthvoice: --cohort: the name is empty"
    )
    assert refused(run(env, "review", "open", "--cohort", "North")) == (
        "youthvoice: --cohort: the plan for the cohort 'North' has no actions to ask about "
        "(every action is marked couldn't happen); add some with youthvoice plan add"
    )
    assert "no actions to ask about; add some" in refused(run(env, "review", "open"))
    seed(env, 0, [("A bigger grant", UpdateStatus.DONE)], cohort="East")
    nobody = refused(run(env, "review", "open", "--cohort", "East"))
    assert nobody == (
        "youthvoice: nobody has joined 'East' yet, so nobody would be asked; share its invite "
        "link first"
    )
    assert refused(run(env, "review", "open", "--cohort", "East", "--at", "soon")).startswith(
        "youthvoice: --at: "
    )
    passed = run(env, "review", "open", "--cohort", "East", "--at", "2020-01-01 18:00")
    assert "has already passed" in refused(passed)
    assert count(env, "made_surveys") == 0 and count(env, "checkins") == 0


def test_a_small_cohort_is_asked_about_first_and_dry_run_keeps_nothing(
    env: dict[str, str],
) -> None:
    seed(env, 2, [("A bigger grant", UpdateStatus.DONE)])
    dry = run(env, "review", "open", "--cohort", "North", "--dry-run")
    assert dry.exit_code == 0 and "Only 2 people would be asked." in dry.output
    assert "Dry run: nothing was queued." in dry.output
    no = run(env, "review", "open", "--cohort", "North", input="n\n")
    assert no.exit_code == 1 and "Open it anyway?" in no.output
    assert count(env, "made_surveys") == 0 and count(env, "checkins") == 0
    yes = run(env, "review", "open", "--cohort", "North", "--yes")
    assert yes.exit_code == 0, yes.output
    assert count(env, "made_surveys") == 1 and count(env, "checkins") == 1


def test_the_results_of_an_open_review_wait_until_it_closes(env: dict[str, str]) -> None:
    seed(env, 6, [("A bigger grant", UpdateStatus.DONE)])
    assert run(env, "review", "open", "--cohort", "North").exit_code == 0
    shown = run(env, "results", "1")
    assert shown.exit_code == 0, shown.output
    assert "Results show when the check-in closes on" in shown.output
    assert "GAP" not in shown.output and "gap" not in shown.output
