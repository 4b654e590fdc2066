"""The planner's reminders and the quiet hours, end to end: one reminder, only to people who
have not finished, never after the check-in closed; in quiet hours only urgent messages go."""

from __future__ import annotations

import asyncio
import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.actions.plans import occurrence
from bot.emulator import SimUser
from flows.messages import say
from flows.schedule import parse_every
from storage.base import OutgoingMessage, Schedule
from tests.conftest import PlanFactory, PlanHarness, finish_weekly, start_invited
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

DAY = 86400.0
INVITE = say("invitation", "en", title="How are things?")
REMINDER = say("reminder", "en", title="How are things?")
LONDON = ZoneInfo("Europe/London")


def reminders(yv: PlanHarness) -> list[int]:
    """Chat ids of the check-in reminders in the outbox."""
    rows = db_rows(
        yv.settings.database, "SELECT chat_id FROM outbox WHERE dedupe_key LIKE '%:remind:%'"
    )
    return sorted(chat for (chat,) in rows)


async def open_with_reminder(yv: PlanHarness, open_for: float, remind_after: float) -> float:
    """A schedule due now (open ``open_for``, reminding after ``remind_after``), planned."""
    now = yv.clock()
    await yv.store.add_schedule("weekly", None, now, None, open_for, remind_after)
    await yv.plan()
    return now


async def test_one_reminder_goes_only_to_people_who_have_not_finished(yvp: PlanHarness) -> None:
    """Past the reminder time, the one who has not finished gets exactly one reminder, whose
    Start button works; the one who finished and the one who said /stop get none, and
    planning again sends no second reminder."""
    ann, ben, cat = await yvp.joined("Ann"), await yvp.joined("Ben"), await yvp.joined("Cat")
    await open_with_reminder(yvp, 3 * DAY, 1 * DAY)
    first = await start_invited(ann)
    assert first.text.startswith("1 of ")
    await finish_weekly(ann)
    assert (await ben.next_reply()).text == INVITE
    assert (await cat.next_reply()).text == INVITE
    await cat.send("/stop")
    assert (await cat.next_reply()).text == say("stopped", "en")

    yvp.clock.advance(1 * DAY + 60)
    await yvp.plan()
    reminder = await ben.next_reply()
    assert reminder.text == REMINDER
    assert reminder.button_texts == ["Start"]
    await yvp.plan(2)
    for person in (ann, ben, cat):
        await person.assert_no_reply()
    await all_sent(yvp)
    assert reminders(yvp) == []  # sent, so deleted: checkins.reminded keeps it to one
    await yvp.plan(2)
    await ben.assert_no_reply()

    await ben.tap("Start")
    intro, question = await ben.replies(2)
    assert "How are things?" in intro.text
    assert question.text.startswith("1 of ")


async def test_someone_halfway_through_still_gets_the_reminder(yvp: PlanHarness) -> None:
    """Started but not finished counts as not finished: the reminder goes, and Start resumes
    at the question they were on."""
    ben = await yvp.joined("Ben")
    await open_with_reminder(yvp, 3 * DAY, 1 * DAY)
    await start_invited(ben)
    await ben.tap("😐 OK")
    _, second = await ben.replies(2)
    # Question 2 reached Ben: let a delivery pass record it before a day passes at once,
    # or its reply mark would be overdue and question 2 shown again as lost.
    await replies_recorded(yvp)
    yvp.clock.advance(1 * DAY + 60)
    await yvp.plan()
    assert (await ben.next_reply()).text == REMINDER
    await ben.tap("Start")
    back, older, question = await ben.replies(3)
    assert back.text == say("welcome_back_survey", "en")
    assert older.message_id == second.message_id and older.buttons == []
    assert question.text == second.text and question.message_id != second.message_id


async def test_no_reminder_once_the_checkin_has_closed(yvp: PlanHarness) -> None:
    """If the planner first runs after the check-in closed (the bot was down), no reminder."""
    ben = await yvp.joined("Ben")
    await open_with_reminder(yvp, 1 * DAY, 12 * 3600)
    assert (await ben.next_reply()).text == INVITE
    yvp.clock.advance(1 * DAY + 60)
    await yvp.plan()
    await ben.assert_no_reply()
    assert reminders(yvp) == []


def test_a_reminder_at_or_after_closing_is_not_planned() -> None:
    """``--remind-after`` as long as ``--open-for`` (or longer than the repeat) plans none."""
    opens = datetime(2026, 11, 30, 18, 0, tzinfo=LONDON).timestamp()
    monday = parse_every("mon 18:00").spec
    cases = [
        (Schedule(1, "weekly", None, opens, None, DAY, DAY), None),
        (Schedule(1, "weekly", None, opens, None, DAY, 2 * DAY), None),
        (Schedule(1, "weekly", None, opens, monday, None, 8 * DAY), None),
        (Schedule(1, "weekly", None, opens, monday, None, 6 * DAY), opens + 6 * DAY),
    ]
    for schedule, remind_at in cases:
        assert occurrence(schedule, LONDON).remind_at == remind_at, schedule


async def test_a_late_opened_checkin_does_not_send_invitation_and_reminder_together(
    yvp: PlanHarness,
) -> None:
    """A check-in missed while the bot was down, whose reminder time has also passed, is
    opened with its invitation only: the reminder waits as long after it as planned."""
    ben = await yvp.joined("Ben")
    await yvp.store.add_schedule("weekly", None, yvp.clock() - 2 * DAY, None, 5 * DAY, 1 * DAY)
    await yvp.plan(2)
    assert (await ben.next_reply()).text == INVITE
    await ben.assert_no_reply()
    assert reminders(yvp) == []
    yvp.clock.advance(1 * DAY + 60)
    await yvp.plan()
    assert (await ben.next_reply()).text == REMINDER


def quiet_around_now(now: float) -> str:
    """Quiet hours from an hour ago to three hours from now, London time (the default zone)."""
    local = datetime.fromtimestamp(now, LONDON)
    start, end = local - timedelta(hours=1), local + timedelta(hours=3)
    return f"{start:%H:%M}-{end:%H:%M}"


async def queue_urgent(yv: PlanHarness, person: SimUser, text: str) -> None:
    await yv.store.enqueue([OutgoingMessage(person.id, {"text": text}, yv.clock(), urgent=True)])


async def test_quiet_hours_setting_holds_invitations_in_the_running_bot(
    plan_harness: PlanFactory,
) -> None:
    """With YOUTHVOICE_QUIET_HOURS covering now, a new check-in's invitation is not sent."""
    yv = await plan_harness(quiet_hours="off")
    sam = await yv.joined("Sam")  # joining is a reply, not a bot-started message
    await yv.stop()
    yv.settings = yv.settings.model_copy(update={"quiet_hours": quiet_around_now(yv.clock())})
    await yv.start()
    await yv.open_checkin()
    await sam.assert_no_reply()


async def test_in_quiet_hours_invitations_wait_and_urgent_messages_go(
    plan_harness: PlanFactory,
) -> None:
    """In quiet hours a check-in invitation waits while an urgent message goes at once; when
    the window ends the invitation goes out. Replies to the person are never held."""
    yv = await plan_harness(quiet_hours="off")
    sam = await yv.joined("Sam")
    quiet = quiet_around_now(yv.clock())
    await yv.stop()
    yv.settings = yv.settings.model_copy(update={"quiet_hours": quiet})
    await yv.start()
    await yv.open_checkin()
    await sam.assert_no_reply()
    await queue_urgent(yv, sam, "urgent: starts in an hour")
    assert (await sam.next_reply()).text == "urgent: starts in an hour"
    await sam.send("/help")
    assert (await sam.replies(2))[1].text == say("help", "en")
    await sam.assert_no_reply()
    yv.clock.advance(3 * 3600 + 60)
    assert (await sam.next_reply()).text == INVITE


async def test_no_reminder_is_queued_that_quiet_hours_would_hold_past_the_closing(
    plan_harness: PlanFactory,
) -> None:
    """A reminder due in quiet hours that end only after the check-in closes is not queued:
    it could only arrive once the check-in had closed."""
    yv = await plan_harness(quiet_hours="off")
    ben = await yv.joined("Ben")
    now = yv.clock()
    await yv.store.add_schedule("weekly", None, now, None, 4 * 3600, 2 * 3600)
    await yv.plan()
    assert (await ben.next_reply()).text == INVITE
    await yv.stop()
    # Quiet from 1h to 6h from now: the reminder (at 2h) would wait until after the close (4h).
    start, end = (datetime.fromtimestamp(now + h * 3600, LONDON) for h in (1, 6))
    yv.settings = yv.settings.model_copy(update={"quiet_hours": f"{start:%H:%M}-{end:%H:%M}"})
    await yv.start()
    yv.clock.advance(2 * 3600 + 60)
    await yv.plan()
    assert reminders(yv) == []
    [checkin] = db_rows(yv.settings.database, "SELECT reminded FROM checkins")
    assert checkin == (1,)


async def test_unfinished_answers_to_a_closed_checkin_are_deleted(yvp: PlanHarness) -> None:
    """Once a check-in closes, the planner deletes its unfinished responses, and with them
    the only link between a person and what they had started to say."""
    ann = await yvp.joined("Ann")
    await open_with_reminder(yvp, 1 * DAY, 0.5 * DAY)
    await start_invited(ann)
    await ann.tap("😐 OK")
    await ann.replies(2)
    assert len(db_rows(yvp.settings.database, "SELECT link FROM progress")) == 1
    yvp.clock.advance(1 * DAY + 60)
    await yvp.plan()
    assert db_rows(yvp.settings.database, "SELECT link FROM progress") == []
    assert db_rows(yvp.settings.database, "SELECT * FROM answers") == []


async def all_sent(yv: PlanHarness) -> None:
    """Wait until the delivery loop has recorded every queued message."""
    for _ in range(200):
        counts = await yv.store.outbox_counts()
        if counts["queued"] == counts["sending"] == 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still unsent: {counts}")


async def replies_recorded(yv: PlanHarness) -> None:
    """Wait until the delivery loop has recorded every reply shown as reaching its person."""
    for _ in range(200):
        if not await yv.store.replies_due(math.inf, 1):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("a reply mark is still waiting")


async def test_reminders_expire_when_the_checkin_closes(yvp: PlanHarness) -> None:
    """Regression: a reminder queued before the close but held back (quiet hours, a long
    paced send, the bot down) went out after the check-in had closed. Reminders, like
    invitations, now expire when the check-in closes."""
    ben = await yvp.joined("Ben")
    # Paused, so both stay queued (sent ones are deleted) and can be looked at.
    assert await yvp.store.set_pause(ben.id, yvp.clock() + 30 * DAY, 10**9)
    opened = await open_with_reminder(yvp, 3 * DAY, 1 * DAY)
    yvp.clock.advance(1 * DAY + 60)
    await yvp.plan()
    await ben.assert_no_reply()
    rows = db_rows(yvp.settings.database, "SELECT dedupe_key, expires_at FROM outbox")
    assert sorted(rows) == [
        (f"checkin:1:invite:{ben.id}", opened + 3 * DAY),
        (f"checkin:1:remind:{ben.id}", opened + 3 * DAY),
    ]


async def test_sent_messages_are_deleted_at_once_and_only_counted_for_a_week(
    yvp: PlanHarness,
) -> None:
    """Regression: sent messages were kept for ever, then for a week, with chat ids and
    reminder keys that tell who had not finished by reminder time. Now they go once sent;
    only the counts stay, and the planner forgets them after a week."""
    ben = await yvp.joined("Ben")
    await open_with_reminder(yvp, 3 * DAY, 1 * DAY)
    assert (await ben.next_reply()).text == INVITE
    yvp.clock.advance(1 * DAY + 60)
    await yvp.plan()
    assert (await ben.next_reply()).text == REMINDER
    await all_sent(yvp)
    assert db_rows(yvp.settings.database, "SELECT * FROM outbox") == []
    assert (await yvp.store.outbox_counts())["sent"] == 2
    yvp.clock.advance(8 * DAY)
    await yvp.plan()
    assert (await yvp.store.outbox_counts())["sent"] == 0


async def test_the_planner_forgets_update_ids_after_a_day_on_a_quiet_bot(yvp: PlanHarness) -> None:
    """A bot nobody writes to makes no claims that would prune: the planner's pass forgets
    handled update ids kept for more than a day."""
    await yvp.plan()  # the first pass after start
    assert await yvp.store.claim_update(999, yvp.clock())
    assert not await yvp.store.claim_update(999, yvp.clock())
    yvp.clock.advance(2 * 24 * 3600)
    await yvp.plan()
    rows = db_rows(yvp.settings.database, "SELECT 1 FROM handled_updates WHERE update_id = 999")
    assert rows == []


async def test_an_invitation_held_for_quiet_hours_is_not_sent_to_someone_who_finished(
    plan_harness: PlanFactory,
) -> None:
    """Sam does the check-in with /checkin while the invitations wait for quiet hours to end.
    When they end, Kim's invitation goes and Sam's does not (its Start would only thank them
    again); the outbox ends both alike, counted as sent, so the file does not say who
    finished."""
    yv = await plan_harness(quiet_hours="off")
    sam, kim = await yv.joined("Sam"), await yv.joined("Kim")
    await yv.stop()
    yv.settings = yv.settings.model_copy(update={"quiet_hours": quiet_around_now(yv.clock())})
    await yv.start()
    await yv.open_checkin()
    await sam.send("/checkin")  # replies are never held
    _intro, first = await sam.replies(2)
    assert first.text.startswith("1 of "), sam.transcript()
    await finish_weekly(sam)
    sent_before = sent_count(yv)
    yv.clock.advance(3 * 3600 + 60)
    assert (await kim.next_reply()).text == INVITE
    await sam.assert_no_reply()
    assert db_rows(yv.settings.database, "SELECT COUNT(*) FROM outbox") == [(0,)]
    assert sent_count(yv) == sent_before + 2


def sent_count(yv: PlanHarness) -> int:
    """Messages the outbox has ended as sent, all days together."""
    rows = db_rows(yv.settings.database, "SELECT count FROM outbox_done WHERE outcome = 'sent'")
    return sum(count for (count,) in rows)
