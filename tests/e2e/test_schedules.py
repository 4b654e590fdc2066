"""Scheduled check-ins end to end: the planner opens them on time, once, across restarts and
clock changes, and the ``checkin --every`` command plans one the running bot then opens."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from bot.actions import audience
from bot.actions.notices import invitation
from flows.messages import say
from flows.schedule import parse_every
from storage.base import NewCheckin, Schedule
from tests.conftest import PlanFactory, PlanHarness
from tests.database import db_rows, store_at

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

DAY = 86400.0
INVITE = say("invitation", "en", title="How are things?")
MONDAY_6PM = parse_every("mon 18:00").spec


def next_monday_6pm(yv: PlanHarness) -> float:
    """The first Monday 18:00 (local) after the test clock's now."""
    zone = yv.settings.zone
    upcoming = parse_every("mon 18:00").next_after(datetime.fromtimestamp(yv.clock(), zone), zone)
    assert upcoming is not None
    return upcoming.timestamp()


def monday_6pm_before_the_clocks_go_forward(yv: PlanHarness) -> float:
    """The last Monday 18:00 (local) before the next spring clock change after now, so that
    the following Monday 18:00 is an hour less than 7 days after it."""
    zone = yv.settings.zone
    day = datetime.fromtimestamp(yv.clock(), zone).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    for _ in range(1200):
        following = day + timedelta(days=1)  # wall-clock arithmetic: noon to noon
        if following.utcoffset() > day.utcoffset():  # type: ignore[operator]
            monday = (day - timedelta(days=day.weekday())).replace(hour=18)
            if monday.timestamp() > yv.clock():  # else the change is too close: next year's
                return monday.timestamp()
        day = following
    raise AssertionError(f"{zone.key} never moves its clocks forward")


async def schedule_of(yv: PlanHarness, schedule_id: int) -> Schedule:
    found: list[Schedule] = [s for s in await yv.store.schedules() if s.id == schedule_id]
    assert len(found) == 1
    return found[0]


def invitations(yv: PlanHarness) -> list[tuple[int, str]]:
    """(chat id, dedupe key) of every check-in invitation in the outbox."""
    return db_rows(
        yv.settings.database,
        "SELECT chat_id, dedupe_key FROM outbox WHERE dedupe_key LIKE 'checkin:%:invite:%'",
    )


async def test_a_due_schedule_opens_a_checkin_and_invites_joined_members(yvp: PlanHarness) -> None:
    """A one-off schedule due now opens its check-in (closing after --open-for) and every joined
    member gets the invitation; someone who never joined gets nothing; the schedule is done."""
    sam, ash = await yvp.joined("Sam"), await yvp.joined("Ash")
    eve = yvp.emu.user("Eve")
    now = yvp.clock()
    added = await yvp.store.add_schedule("weekly", None, now, None, 3 * DAY, None)
    await yvp.plan()
    for person in (sam, ash):
        invite = await person.next_reply()
        assert invite.text == INVITE
        assert invite.button_texts == ["Start"]
    await eve.assert_no_reply()
    [checkin] = await yvp.store.checkins()
    assert (checkin.schedule_id, checkin.opens_at, checkin.closes_at) == (
        added.id,
        now,
        now + 3 * DAY,
    )
    assert checkin.remind_at is None
    assert (await schedule_of(yvp, added.id)).next_at is None


async def test_weekly_schedule_moves_to_the_next_local_monday_6pm(yvp: PlanHarness) -> None:
    """With ``--every "mon 18:00"`` and no --open-for, the check-in stays open until the next
    one opens, and the schedule's next opening is the coming Monday at 18:00 local time."""
    sam = await yvp.joined("Sam")
    now = yvp.clock()
    added = await yvp.store.add_schedule("weekly", None, now, MONDAY_6PM, None, None)
    await yvp.plan()
    assert (await sam.next_reply()).text == INVITE
    next_at = (await schedule_of(yvp, added.id)).next_at
    assert next_at is not None
    local = datetime.fromtimestamp(next_at, yvp.settings.zone)
    assert (local.weekday(), local.hour, local.minute, local.second) == (0, 18, 0, 0)
    assert now < next_at <= now + 7 * DAY
    [checkin] = await yvp.store.checkins()
    assert checkin.closes_at == next_at


async def test_open_for_shorter_than_the_repeat_closes_the_checkin_early(
    yvp: PlanHarness,
) -> None:
    """A Monday 18:00 check-in with ``--open-for 2d`` closes two days after it opened (not at
    the next opening), and ``--remind-after 1d`` reminds a day after it opened."""
    opens = next_monday_6pm(yvp)
    yvp.clock.advance(opens - yvp.clock() + 60)
    await yvp.store.add_schedule("weekly", None, opens, MONDAY_6PM, 2 * DAY, 1 * DAY)
    await yvp.plan()
    [checkin] = await yvp.store.checkins()
    assert checkin.closes_at == opens + 2 * DAY
    assert checkin.remind_at == opens + 1 * DAY
    assert (await schedule_of(yvp, checkin.schedule_id or 0)).next_at == opens + 7 * DAY


async def test_weekly_schedule_keeps_6pm_local_when_the_clocks_go_forward(
    yvp: PlanHarness,
) -> None:
    """Across the spring clock change a Monday 18:00 check-in still opens at 18:00 local time
    the next week: 7 days less an hour later (and the one before closes then)."""
    zone = yvp.settings.zone
    opens = monday_6pm_before_the_clocks_go_forward(yvp)
    yvp.clock.advance(opens - yvp.clock() + 60)
    added = await yvp.store.add_schedule("weekly", None, opens, MONDAY_6PM, None, None)
    await yvp.plan()
    next_at = (await schedule_of(yvp, added.id)).next_at
    week_later = datetime.fromtimestamp(opens, zone) + timedelta(days=7)  # same wall clock
    assert next_at == week_later.timestamp()
    assert next_at - opens == 7 * DAY - 3600
    [checkin] = await yvp.store.checkins()
    assert checkin.closes_at == next_at


async def test_a_cancelled_schedule_opens_nothing(yvp: PlanHarness) -> None:
    """``schedules cancel`` before the time: nothing opens and nobody is messaged; ``schedules
    list`` shows it cancelled; cancelling again is an error."""
    sam = await yvp.joined("Sam")
    added = await yvp.store.add_schedule("weekly", None, yvp.clock() + 60, MONDAY_6PM, None, None)
    result = await yvp.cli("schedules", "cancel", str(added.id))
    assert result.exit_code == 0, result.output
    yvp.clock.advance(120)
    await yvp.plan()
    await sam.assert_no_reply()
    assert await yvp.store.checkins() == []
    listed = await yvp.cli("schedules", "list")
    assert re.search(rf"{added.id}\s+weekly\s+cancelled", listed.stdout), listed.output
    again = await yvp.cli("schedules", "cancel", str(added.id))
    assert again.exit_code == 1
    assert f"no active schedule {added.id}" in again.stderr


async def test_a_schedule_survives_a_restart(yvp: PlanHarness) -> None:
    """A schedule saved before a restart opens on time after it, once."""
    sam = await yvp.joined("Sam")
    due = yvp.clock() + 3600
    await yvp.store.add_schedule("weekly", None, due, MONDAY_6PM, 2 * DAY, None)
    await yvp.restart()
    await yvp.plan()
    await sam.assert_no_reply()
    yvp.clock.advance(3601)
    await yvp.plan(3)
    assert (await sam.next_reply()).text == INVITE
    await sam.assert_no_reply()
    [checkin] = await yvp.store.checkins()
    assert checkin.opens_at == due
    # Sent once, so deleted: only the count stays.
    assert invitations(yvp) == [] and (await yvp.store.outbox_counts())["sent"] == 1


async def test_a_checkin_missed_while_the_bot_was_down_is_sent_once(yvp: PlanHarness) -> None:
    """A check-in due an hour ago while the bot was stopped, still open, is opened on start and
    sent exactly once however often the planner runs; opening it again changes nothing."""
    sam = await yvp.joined("Sam")
    await yvp.stop()
    due = yvp.clock() - 3600
    async with store_at(yvp.settings.database) as store:
        added = await store.add_schedule("weekly", None, due, None, 1 * DAY, None)
    await yvp.start()  # the planner's first pass runs at start
    assert (await sam.next_reply()).text == INVITE
    await yvp.plan(3)
    await sam.assert_no_reply()
    [checkin] = await yvp.store.checkins()
    assert (checkin.opens_at, checkin.schedule_id) == (due, added.id)
    # Sent once, so deleted: only the count stays.
    assert invitations(yvp) == [] and (await yvp.store.outbox_counts())["sent"] == 1
    again = NewCheckin("weekly", None, due, due + DAY, schedule_id=added.id)
    assert await yvp.store.open_checkin(
        again, audience.of_checkin(again), lambda c: invitation(c.id, "x")
    ) == (None, 0)
    # The person can still answer it.
    await sam.tap("Start")
    _intro, first = await sam.replies(2)
    assert first.text.startswith("1 of ")


async def test_a_missed_checkin_that_already_closed_is_skipped(yvp: PlanHarness) -> None:
    """A one-off check-in whose time and --open-for both passed while the bot was down opens
    nothing, and its schedule is finished."""
    sam = await yvp.joined("Sam")
    added = await yvp.store.add_schedule("weekly", None, yvp.clock() - 3 * DAY, None, 3600, None)
    await yvp.plan()
    await sam.assert_no_reply()
    assert await yvp.store.checkins() == []
    assert (await schedule_of(yvp, added.id)).next_at is None


async def test_a_repeating_schedule_skips_every_missed_closed_opening(yvp: PlanHarness) -> None:
    """A daily schedule down for days, each opening open for an hour: the planner steps over
    every closed opening, opens none of them, and ends at the next one still to come."""
    sam = await yvp.joined("Sam")
    zone = yvp.settings.zone
    now = yvp.clock()
    when = datetime.fromtimestamp(now, zone) - timedelta(hours=2)
    every = parse_every(f"daily {when:%H:%M}").spec
    first = (when - timedelta(days=3)).replace(second=0, microsecond=0).timestamp()
    added = await yvp.store.add_schedule("weekly", None, first, every, 3600, None)
    next_at: float | None = None
    for _ in range(10):  # one opening a pass, as the planner loop steps over them
        await yvp.plan()
        next_at = (await schedule_of(yvp, added.id)).next_at
        assert next_at is not None
        if next_at > now:
            break
    assert next_at is not None and now < next_at <= now + DAY
    assert await yvp.store.checkins() == []
    await sam.assert_no_reply()


async def test_checkin_every_command_plans_a_schedule_the_running_bot_opens(
    plan_harness: PlanFactory,
) -> None:
    """``youthvoice checkin weekly --every "mon 18:00" --yes`` saves a schedule; the running
    bot's planner notices it and, when Monday 18:00 comes, sends the invitation."""
    yv = await plan_harness(planner_tick=0.1)
    sam = await yv.joined("Sam")
    result = await yv.cli("checkin", "weekly", "--every", "mon 18:00", "--yes")
    assert result.exit_code == 0, result.output
    assert "Schedule 1 saved" in result.stdout
    assert "then again" in result.stdout
    [schedule] = await yv.store.schedules()
    assert schedule.every == MONDAY_6PM and schedule.next_at is not None
    local = datetime.fromtimestamp(schedule.next_at, yv.settings.zone)
    assert (local.weekday(), local.hour, local.minute) == (0, 18, 0)
    await sam.assert_no_reply()
    yv.clock.advance(schedule.next_at - yv.clock() + 1)
    assert (await sam.next_reply()).text == INVITE
    await sam.assert_no_reply()


async def test_checkin_dry_run_says_when_and_saves_nothing(yvp: PlanHarness) -> None:
    """``--dry-run`` prints who, when it opens, closes and reminds, and saves no schedule."""
    await yvp.joined("Sam")
    result = await yvp.cli(
        "checkin", "weekly", "--every", "mon 18:00", "--open-for", "3d",
        "--remind-after", "2d", "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "'How are things?' for 1 person (everyone): opens Mon " in result.stdout
    assert ", 6pm, closes Thu " in result.stdout
    assert "one reminder Wed " in result.stdout
    assert "Dry run: nothing was queued." in result.stdout
    assert await yvp.store.schedules() == []
    assert await yvp.store.checkins() == []
