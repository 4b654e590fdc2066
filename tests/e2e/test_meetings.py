"""Meetings end to end: invitations with RSVP buttons, changing an answer until the start,
changes and cancellations told to everyone invited, reminders to Going and Maybe only,
/meetings, and the feedback check-in for those who came."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from bot.actions import audience
from bot.actions.meetings import FEEDBACK_WITHIN
from bot.actions.notices import meeting_details, meeting_invitation
from bot.emulator import SimUser
from bot.emulator.messages import BotMessage
from flows.messages import say
from flows.schedule import format_local, meeting_reminders, parse_at
from flows.texts import render
from storage.base import Meeting, Rsvp
from tests.conftest import PlanFactory, PlanHarness, clock_start, settle
from tests.database import db_rows

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(30), pytest.mark.both_databases]

HOUR, DAY = 3600.0, 86400.0
TITLE = "Forum meeting"
RSVP_BUTTONS = ["Going ✅", "Maybe 🤔", "Can't make it"]
LABEL = {"going": "Going ✅", "maybe": "Maybe 🤔", "no": "Can't make it"}


def details_of(meeting: Meeting, yv: PlanHarness) -> str:
    """A meeting's when / where / notes lines, as an English reader sees them now."""
    return render(meeting_details(meeting, yv.clock()), "en", yv.settings.zone)


async def add_meeting(
    yv: PlanHarness,
    starts_in: float,
    title: str = TITLE,
    place: str | None = "Youth centre",
    link: str | None = None,
    cohort_id: int | None = None,
) -> Meeting:
    """What ``meeting add`` does, at the bot's clock: store, invite and plan its reminders."""
    zone, now = yv.settings.zone, yv.clock()
    starts = now + starts_in
    plan = meeting_reminders(
        datetime.fromtimestamp(starts, zone),
        yv.settings.quiet,
        zone,
        datetime.fromtimestamp(now, zone),
    )
    draft = Meeting(0, title, starts, place, link, None, cohort_id)
    meeting, _ = await yv.store.add_meeting(
        draft,
        audience.invited_to(draft),
        [(kind, when.timestamp()) for kind, when in plan],
        lambda m: meeting_invitation(m, now),
        now,
    )
    assert isinstance(meeting, Meeting)
    return meeting


def card(yv: PlanHarness, meeting: Meeting, answer: str | None) -> str:
    """The invitation card after an answer, as the bot edits it."""
    line = (
        say("meeting_no_answer", "en")
        if answer is None
        else say("meeting_your_answer", "en", answer=LABEL[answer])
    )
    return f"📅 {meeting.title}\n{details_of(meeting, yv)}\n\n{line}"


async def invited(person: SimUser, meeting: Meeting, yv: PlanHarness) -> BotMessage:
    invite = await person.next_reply()
    details = details_of(meeting, yv)
    assert invite.text == say("meeting_invite", "en", title=meeting.title, details=details)
    return invite


async def answer(person: SimUser, label: str) -> BotMessage:
    """Tap an RSVP button; returns the edited card."""
    await person.tap(label)
    edited = await person.next_reply()
    assert edited.edited, person.transcript()
    return edited


def local_at(yv: PlanHarness, seconds_from_now: float) -> tuple[str, float]:
    """A ``--at`` text about ``seconds_from_now`` ahead (to the minute) and its timestamp."""
    zone = yv.settings.zone
    text = f"{datetime.fromtimestamp(yv.clock() + seconds_from_now, zone):%Y-%m-%d %H:%M}"
    return text, parse_at(text, zone).timestamp()


async def test_a_meeting_invites_joined_members_with_rsvp_buttons(yvp: PlanHarness) -> None:
    """Everyone joined gets the invitation with Going / Maybe / Can't make it (and the online
    link when there is one); someone who said /stop gets nothing."""
    sam, ash, cat = await yvp.joined("Sam"), await yvp.joined("Ash"), await yvp.joined("Cat")
    await cat.send("/stop")
    await cat.next_reply()
    meeting = await add_meeting(yvp, 3 * DAY, link="https://meet.example.org/forum")
    for person in (sam, ash):
        invite = await invited(person, meeting, yvp)
        assert invite.button_texts == [*RSVP_BUTTONS, "Join online"]
        online = invite.button("Join online")
        assert online is not None and online.data == "https://meet.example.org/forum"
    await cat.assert_no_reply()
    assert await yvp.store.rsvp_counts(meeting.id) == {"going": 0, "maybe": 0, "no": 0, "none": 2}


async def test_a_cohort_meeting_invites_only_that_cohort(yvp: PlanHarness) -> None:
    """A meeting for one cohort reaches its members only; an RSVP button pressed by someone
    outside it has expired and records nothing."""
    forum = await yvp.cohort("Forum", "FORUM123")
    sam = await yvp.joined("Sam", "FORUM123")
    ash = await yvp.joined("Ash")
    meeting = await add_meeting(yvp, 3 * DAY, cohort_id=forum.id)
    await invited(sam, meeting, yvp)
    await ash.assert_no_reply()
    await ash.tap_data(f"m:{meeting.id}:going")
    await settle(ash)
    assert ash.toasts() == [say("button_expired", "en")]
    assert await yvp.store.rsvp(meeting.id, ash.id) is None


async def test_going_edits_the_card_and_the_answer_can_change(yvp: PlanHarness) -> None:
    """Tapping Going edits the invitation to "You said: Going ✅" and keeps the buttons;
    Maybe then changes it; the counts follow the latest answer."""
    sam = await yvp.joined("Sam")
    meeting = await add_meeting(yvp, 3 * DAY)
    invite = await invited(sam, meeting, yvp)
    going = await answer(sam, "Going ✅")
    assert going.message_id == invite.message_id
    assert going.text == card(yvp, meeting, "going")
    assert going.button_texts == RSVP_BUTTONS
    await settle(sam)
    assert sam.toasts() == [say("rsvp_thanks", "en")]
    assert await yvp.store.rsvp(meeting.id, sam.id) is Rsvp.GOING
    maybe = await answer(sam, "Maybe 🤔")
    assert maybe.text == card(yvp, meeting, "maybe")
    assert maybe.button_texts == RSVP_BUTTONS
    assert await yvp.store.rsvp_counts(meeting.id) == {"going": 0, "maybe": 1, "no": 0, "none": 0}


async def test_a_meeting_next_year_shows_its_year_to_young_people(yvp: PlanHarness) -> None:
    """A meeting in another year than today's says which year, in the invitation, the card
    after an answer and /meetings (a date a year ahead on the same weekday would mislead)."""
    sam = await yvp.joined("Sam")
    at, starts = local_at(yvp, 400 * DAY)
    result = await yvp.cli("meeting", "add", TITLE, "--at", at, "--yes")
    assert result.exit_code == 0, result.output
    year = datetime.fromtimestamp(starts, yvp.settings.zone).year
    invite = await sam.next_reply()
    assert f" {year}, " in invite.text, invite.text
    assert f" {year}, " in (await answer(sam, "Going ✅")).text
    await sam.send("/meetings")
    assert f" {year}, " in (await sam.next_reply()).text


async def test_meeting_add_and_list_commands_show_counts_only(yvp: PlanHarness) -> None:
    """``meeting add`` invites everyone through the running bot and plans two reminders;
    ``meeting list`` shows the answers as counts, never who gave them."""
    sam, ash, cat = await yvp.joined("Sam"), await yvp.joined("Ash"), await yvp.joined("Cat")
    at, starts = local_at(yvp, 3 * DAY)
    result = await yvp.cli("meeting", "add", TITLE, "--at", at, "--where", "Youth centre", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(": 3 invitations queued.\n")
    [meeting] = await yvp.store.meetings(yvp.clock())
    assert (meeting.title, meeting.starts_at, meeting.place) == (TITLE, starts, "Youth centre")
    for person in (sam, ash, cat):
        assert (await invited(person, meeting, yvp)).button_texts == RSVP_BUTTONS
    await answer(sam, "Going ✅")
    await answer(ash, "Can't make it")
    planned = db_rows(yvp.settings.database, "SELECT kind, due_at FROM meeting_reminders")
    assert sorted(planned) == [("1h", starts - HOUR), ("24h", starts - DAY)]
    listed = await yvp.cli("meeting", "list")
    assert listed.exit_code == 0, listed.output
    assert re.fullmatch(
        rf"\s*{meeting.id}  .+ {TITLE}  going 1, maybe 0, can't 1, no answer 1\n", listed.stdout
    ), listed.stdout
    for person in (sam, ash, cat):
        assert str(person.id) not in listed.stdout
        assert person.name not in listed.stdout


async def test_after_the_start_an_rsvp_tap_changes_nothing(yvp: PlanHarness) -> None:
    """Once a meeting has started a tap says so, leaves the card alone and keeps the answer."""
    sam = await yvp.joined("Sam")
    meeting = await add_meeting(yvp, 2 * HOUR)
    invite = await invited(sam, meeting, yvp)
    await answer(sam, "Going ✅")
    yvp.clock.advance(2 * HOUR + 60)
    await sam.tap("Can't make it")
    await settle(sam)
    assert sam.toasts()[-1] == say("meeting_started", "en")
    [shown] = [m for m in sam.messages() if m.message_id == invite.message_id]
    assert shown.text == card(yvp, meeting, "going")
    assert await yvp.store.rsvp(meeting.id, sam.id) is Rsvp.GOING


async def test_meeting_cancel_tells_everyone_invited_and_its_buttons_say_cancelled(
    yvp: PlanHarness,
) -> None:
    """``meeting cancel`` tells everyone invited, whatever they answered; an old RSVP button
    then says the meeting was cancelled; no reminder follows; /meetings no longer shows it."""
    sam, ash, cat = await yvp.joined("Sam"), await yvp.joined("Ash"), await yvp.joined("Cat")
    meeting = await add_meeting(yvp, 3 * DAY)
    for person in (sam, ash, cat):
        await invited(person, meeting, yvp)
    await answer(sam, "Going ✅")
    await answer(ash, "Can't make it")
    result = await yvp.cli("meeting", "cancel", str(meeting.id))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"\nMeeting {meeting.id} cancelled; 3 people will be told.\n")
    when = format_local(
        datetime.fromtimestamp(meeting.starts_at, yvp.settings.zone), yvp.settings.zone
    )
    for person in (sam, ash, cat):
        notice = await person.next_reply()
        assert notice.text == say("meeting_cancelled", "en", title=TITLE, when=when)
        assert notice.button_texts == []
    await sam.tap("Maybe 🤔")
    await settle(sam)
    assert sam.toasts()[-1] == say("meeting_cancelled_toast", "en")
    assert await yvp.store.rsvp(meeting.id, sam.id) is Rsvp.GOING
    yvp.clock.advance(3 * DAY - 30 * 60)
    await yvp.plan()
    await sam.send("/meetings")
    assert (await sam.next_reply()).text == say("meetings_none", "en")
    await sam.assert_no_reply()


async def test_meeting_change_where_tells_everyone_invited(yvp: PlanHarness) -> None:
    """``meeting change --where`` sends the new details with RSVP buttons to everyone invited,
    and an answer given on that notice is recorded."""
    sam, ash = await yvp.joined("Sam"), await yvp.joined("Ash")
    meeting = await add_meeting(yvp, 3 * DAY)
    for person in (sam, ash):
        await invited(person, meeting, yvp)
    await answer(ash, "Can't make it")
    result = await yvp.cli("meeting", "change", str(meeting.id), "--where", "Town hall")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"\nMeeting {meeting.id} changed; 2 people will be told.\n")
    moved = await yvp.store.meeting(meeting.id)
    assert moved is not None and moved.place == "Town hall" and moved.version == 2
    details = details_of(moved, yvp)
    assert "📍 Town hall" in details
    for person in (sam, ash):
        notice = await person.next_reply()
        assert notice.text == say("meeting_changed", "en", title=TITLE, details=details)
        assert notice.button_texts == RSVP_BUTTONS
    going = await answer(sam, "Going ✅")
    assert going.text == card(yvp, moved, "going")
    assert await yvp.store.rsvp(meeting.id, sam.id) is Rsvp.GOING


async def four_answers(yv: PlanHarness, starts_in: float) -> tuple[Meeting, list[SimUser]]:
    """A meeting and four people: Going, Maybe, Can't make it, and no answer."""
    people = [await yv.joined(name) for name in ("Gus", "May", "Nia", "Oli")]
    meeting = await add_meeting(yv, starts_in)
    for person in people:
        await invited(person, meeting, yv)
    for person, label in zip(people, RSVP_BUTTONS, strict=False):
        await answer(person, label)
    return meeting, people


async def test_reminders_go_to_going_and_maybe_only_once_each(yvp: PlanHarness) -> None:
    """The day-before and hour-before reminders go to Going and Maybe only, each once; those
    who can't make it or never answered hear nothing."""
    meeting, (gus, may, nia, oli) = await four_answers(yvp, 3 * DAY)
    details = details_of(meeting, yvp)
    yvp.clock.advance(2 * DAY + 60)
    await yvp.plan()
    for person in (gus, may):
        reminder = await person.next_reply()
        assert reminder.text == say("meeting_reminder_24h", "en", title=TITLE, details=details)
    await yvp.plan(2)
    for person in (gus, may, nia, oli):
        await person.assert_no_reply()
    yvp.clock.advance(DAY - HOUR)
    await yvp.plan(2)
    for person in (gus, may):
        reminder = await person.next_reply()
        assert reminder.text == say("meeting_reminder_1h", "en", title=TITLE, details=details)
    for person in (gus, may, nia, oli):
        await person.assert_no_reply()
    # Sent, so deleted (meeting_reminders.done keeps each to once): four invitations and
    # four reminders counted.
    waiting = db_rows(
        yvp.settings.database, "SELECT * FROM outbox WHERE dedupe_key LIKE '%remind%'"
    )
    assert waiting == [] and (await yvp.store.outbox_counts())["sent"] == 8


async def test_the_hour_before_reminder_goes_even_in_quiet_hours(
    plan_harness: PlanFactory,
) -> None:
    """The 1-hour reminder is urgent: in quiet hours it goes out while a check-in invitation
    queued at the same time waits."""
    yv = await plan_harness()
    sam = await yv.joined("Sam")
    meeting = await add_meeting(yv, 3 * HOUR)
    await invited(sam, meeting, yv)
    await answer(sam, "Going ✅")
    # Quiet from an hour from now until six hours from now, set on the running delivery loop
    # only, so the meeting's reminders were planned without quiet hours.
    zone = yv.settings.zone
    start, end = (datetime.fromtimestamp(yv.clock() + h * HOUR, zone) for h in (1, 6))
    quiet = yv.settings.model_copy(update={"quiet_hours": f"{start:%H:%M}-{end:%H:%M}"}).quiet
    assert yv.runner is not None
    yv.runner.delivery.quiet, yv.runner.delivery.zone = quiet, zone
    yv.clock.advance(2 * HOUR + 60)
    await yv.open_checkin()
    await yv.plan()
    reminder = await sam.next_reply()
    assert reminder.text == say(
        "meeting_reminder_1h", "en", title=TITLE, details=details_of(meeting, yv)
    )
    await sam.assert_no_reply()
    yv.clock.advance(4 * HOUR)
    assert "new check-in" in (await sam.next_reply()).text


async def test_a_moved_meeting_replans_its_reminders(yvp: PlanHarness) -> None:
    """``meeting change --at`` moves the reminders with the meeting: nothing at the old time,
    the day-before reminder at the new one, with the new time in it."""
    sam = await yvp.joined("Sam")
    meeting = await add_meeting(yvp, 3 * DAY)
    await invited(sam, meeting, yvp)
    await answer(sam, "Going ✅")
    at, starts = local_at(yvp, 5 * DAY)
    result = await yvp.cli("meeting", "change", str(meeting.id), "--at", at)
    assert result.exit_code == 0, result.output
    moved = await yvp.store.meeting(meeting.id)
    assert moved is not None and moved.starts_at == starts
    details = details_of(moved, yvp)
    assert (await sam.next_reply()).text == say(
        "meeting_changed", "en", title=TITLE, details=details
    )
    yvp.clock.advance(2 * DAY + 60)
    await yvp.plan()
    await sam.assert_no_reply()
    yvp.clock.advance(starts - DAY - yvp.clock() + 60)
    await yvp.plan()
    reminder = await sam.next_reply()
    assert reminder.text == say("meeting_reminder_24h", "en", title=TITLE, details=details)


async def test_a_meeting_moved_after_its_reminder_reminds_again(yvp: PlanHarness) -> None:
    """A meeting moved after the day-before reminder went out gets a new one for the new time."""
    sam = await yvp.joined("Sam")
    meeting = await add_meeting(yvp, 2 * DAY)
    await invited(sam, meeting, yvp)
    await answer(sam, "Going ✅")
    yvp.clock.advance(DAY + 60)
    await yvp.plan()
    assert (await sam.next_reply()).text.startswith("⏰ Don't forget:")
    zone, now = yvp.settings.zone, yvp.clock()
    later = Meeting(meeting.id, TITLE, now + 3 * DAY, "Town hall", None, None, None)
    start, now_local = (
        datetime.fromtimestamp(later.starts_at, zone),
        datetime.fromtimestamp(now, zone),
    )
    plan = meeting_reminders(start, None, zone, now_local)
    told = await yvp.store.change_meeting(
        later,
        audience.told_of_changes(later),
        [(k, w.timestamp()) for k, w in plan],
        lambda m: {"text": "moved"},
        now,
    )
    assert told == 1
    assert (await sam.next_reply()).text == "moved"
    yvp.clock.advance(2 * DAY + 60)
    await yvp.plan()
    reminder = await sam.next_reply()
    assert "📍 Town hall" in reminder.text and reminder.text.startswith("⏰ Don't forget:")


async def test_meetings_command_lists_upcoming_meetings_with_your_answer(
    yvp: PlanHarness,
) -> None:
    """/meetings shows meetings still to come, soonest first, each with the person's own
    answer and buttons to change it; cancelled ones are left out."""
    sam = await yvp.joined("Sam")
    later = await add_meeting(yvp, 2 * DAY, title="Planning day")
    await invited(sam, later, yvp)
    await answer(sam, "Going ✅")
    sooner = await add_meeting(yvp, 1 * DAY, title="Pizza night")
    await invited(sam, sooner, yvp)
    gone = await add_meeting(yvp, 12 * HOUR, title="Cancelled thing")
    await invited(sam, gone, yvp)
    await yvp.store.cancel_meeting(
        gone.id, audience.told_of_changes(gone), lambda m: {"text": "cancelled"}, yvp.clock()
    )
    assert (await sam.next_reply()).text == "cancelled"
    await sam.send("/meetings")
    first, second = await sam.replies(2)
    assert first.text == card(yvp, sooner, None)
    assert second.text == card(yvp, later, "going")
    assert first.button_texts == second.button_texts == RSVP_BUTTONS
    await sam.assert_no_reply()
    maybe = await answer(sam, "Maybe 🤔")  # on the newest card: the later meeting
    assert maybe.text == card(yvp, later, "maybe")


async def test_meetings_command_before_joining_and_with_none_coming(yvp: PlanHarness) -> None:
    """/meetings from someone not joined asks them to /start; with none coming it says so."""
    eve = yvp.emu.user("Eve")
    await eve.send("/meetings")
    assert (await eve.next_reply()).text == say("start_first", "en")
    sam = await yvp.joined("Sam")
    await sam.send("/meetings")
    assert (await sam.next_reply()).text == say("meetings_none", "en")


async def test_feedback_checkin_goes_only_to_going_and_maybe(yvp: PlanHarness) -> None:
    """``meeting feedback`` opens the feedback check-in for those who said Going or Maybe;
    someone who said they can't come, or never answered, has nothing open; running the
    command again while it is open sends nothing twice."""
    meeting, (gus, may, nia, oli) = await four_answers(yvp, 2 * HOUR)
    yvp.clock.advance(3 * HOUR)
    result = await yvp.cli("meeting", "feedback", str(meeting.id), "--yes")  # 2 is a small audience
    assert result.exit_code == 0, result.output
    assert "Only 2 people would be asked." in result.stdout
    assert result.stdout.endswith("\nFeedback check-in open for 3d; 2 invitations queued.\n")
    for person in (gus, may):
        invite = await person.next_reply()
        assert invite.text == say("invitation", "en", title="How was the meeting?")
    for person in (nia, oli):
        await person.assert_no_reply()
        await person.send("/checkin")
        assert (await person.next_reply()).text == say("no_checkin", "en")
    await gus.tap("Start")
    intro, first = await gus.replies(2)
    assert intro.text.startswith("How was the meeting?")
    assert first.text.startswith("1 of ")
    again = await yvp.cli("meeting", "feedback", str(meeting.id), "--yes")
    assert again.exit_code == 1
    assert f"a feedback check-in for meeting {meeting.id} is already open" in again.stderr
    await may.assert_no_reply()


async def test_a_late_day_before_reminder_is_dropped_when_the_hour_before_one_is_due(
    yvp: PlanHarness,
) -> None:
    """If the bot was down through the day-before reminder and the hour-before one is due too,
    only the hour-before reminder goes (not "is tomorrow" half an hour before the start)."""
    sam = await yvp.joined("Sam")
    meeting = await add_meeting(yvp, 3 * DAY)
    await invited(sam, meeting, yvp)
    await answer(sam, "Going ✅")
    yvp.clock.advance(3 * DAY - 30 * 60)
    await yvp.plan(2)
    reminder = await sam.next_reply()
    details = details_of(meeting, yvp)
    assert reminder.text == say("meeting_reminder_1h", "en", title=TITLE, details=details)
    await sam.assert_no_reply(within=1.5)  # longer than the chat gap a second message waits


async def test_a_day_before_reminder_skipped_as_too_late_is_marked_done(yvp: PlanHarness) -> None:
    """Regression: a day-before reminder skipped because the meeting was within the hour was
    left undone, so every planner tick read it again until the meeting started."""
    await add_meeting(yvp, 3 * DAY)
    yvp.clock.advance(3 * DAY - 30 * 60)
    await yvp.plan()
    assert await yvp.store.due_meeting_reminders(yvp.clock()) == []
    done = db_rows(yvp.settings.database, "SELECT kind, done FROM meeting_reminders")
    assert sorted(done) == [("1h", 1), ("24h", 1)]


def quiet_from_now(hours: float) -> str:
    """Quiet hours from a minute before the test clocks start to ``hours`` after, in the
    default zone (London)."""
    now = datetime.fromtimestamp(clock_start(), ZoneInfo("Europe/London"))
    start, end = now - timedelta(minutes=1), now + timedelta(hours=hours)
    return f"{start:%H:%M}-{end:%H:%M}"


@pytest.mark.parametrize("command", [["cancel"], ["change", "--where", "Town hall"]])
async def test_a_late_cancellation_or_change_goes_out_in_quiet_hours(
    plan_harness: PlanFactory, command: list[str]
) -> None:
    """Regression: a cancellation (or change) of a meeting two hours away, made in quiet hours
    that last three more, was held until they ended: after the meeting. Notices about a
    meeting that starts before quiet hours end (plus an hour) are urgent; others wait."""
    yv = await plan_harness(quiet_hours=quiet_from_now(3))
    sam = await yv.joined("Sam")
    soon = await add_meeting(yv, 2 * HOUR)
    later = await add_meeting(yv, 3 * DAY, title="Planning day")
    for meeting in (soon, later):
        verb, *options = command
        result = await yv.cli("meeting", verb, str(meeting.id), *options)
        assert result.exit_code == 0, result.output
    notice = await sam.next_reply()
    assert TITLE in notice.text
    await sam.assert_no_reply()  # the invitations and the later meeting's notice wait
    rows = db_rows(
        yv.settings.database,
        "SELECT dedupe_key, urgent FROM outbox WHERE dedupe_key LIKE ?",
        f"meeting:%:{command[0]}:%",
    )
    # The urgent one went (and so was deleted); the other waits, not urgent.
    assert [(key.split(":")[1], urgent) for key, urgent in rows] == [(str(later.id), 0)]


async def test_meeting_add_dry_run_says_who_and_when_and_queues_nothing(yvp: PlanHarness) -> None:
    """``meeting add --dry-run`` names how many people and when, and saves nothing."""
    await yvp.joined("Sam")
    at, _ = local_at(yvp, 3 * DAY)
    result = await yvp.cli("meeting", "add", TITLE, "--at", at, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "invitations to 1 person (everyone) now" in result.stdout
    assert "24h reminder" in result.stdout and "1h reminder" in result.stdout
    assert result.stdout.endswith("Dry run: nothing was queued.\n")
    assert await yvp.store.meetings(0) == []


async def test_feedback_waits_until_the_meeting_has_happened(yvp: PlanHarness) -> None:
    """``meeting feedback`` before the meeting starts is refused and queues nothing."""
    meeting, _people = await four_answers(yvp, 2 * HOUR)
    result = await yvp.cli("meeting", "feedback", str(meeting.id))
    assert result.exit_code == 1
    assert "has not happened yet" in result.output
    assert [c for c in await yvp.store.checkins() if c.meeting_id == meeting.id] == []


async def test_notices_say_who_first_and_dry_run_changes_nothing(yvp: PlanHarness) -> None:
    """``meeting change/cancel --dry-run`` say how many would be told and change nothing."""
    meeting, _people = await four_answers(yvp, 2 * HOUR)
    moved = await yvp.cli("meeting", "change", str(meeting.id), "--where", "Hall", "--dry-run")
    assert moved.exit_code == 0, moved.output
    assert "up to 4 people, now." in moved.stdout
    assert moved.stdout.endswith("Dry run: nothing was queued.\n")
    cancelled = await yvp.cli("meeting", "cancel", str(meeting.id), "--dry-run")
    assert cancelled.exit_code == 0, cancelled.output
    assert "The cancellation" in cancelled.stdout and "up to 4 people" in cancelled.stdout
    still = await yvp.store.meeting(meeting.id)
    assert still is not None and not still.cancelled and still.place == meeting.place


async def test_a_large_notice_asks_first_and_no_means_nothing_is_sent(
    yvp: PlanHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the large-send size the command asks; answering no cancels nothing."""
    monkeypatch.setattr("bot.cli.support.LARGE_SEND", 2)
    meeting, _people = await four_answers(yvp, 2 * HOUR)
    from click.testing import CliRunner

    from bot.cli import main

    with patch("bot.cli.support.now", yvp.clock):
        result = await asyncio.to_thread(
            CliRunner().invoke,
            main,
            ["meeting", "cancel", str(meeting.id)],
            env=yvp.cli_env(),
            input="n\n",
        )
    assert result.exit_code == 1
    assert "This will message 4 people (now). Go ahead?" in result.output
    still = await yvp.store.meeting(meeting.id)
    assert still is not None and not still.cancelled


async def test_rsvps_are_deleted_after_the_feedback_time_and_feedback_is_refused_then(
    yvp: PlanHarness,
) -> None:
    """Regression: RSVPs were never pruned, so the file kept for ever who said Going or Maybe:
    the audience of a meeting-feedback check-in. The planner deletes them once feedback can
    no longer be asked for (``FEEDBACK_WITHIN`` after the start), after the feedback check-in
    closes if it is still open; ``meeting feedback`` after that time is refused in one line."""
    meeting, _people = await four_answers(yvp, 2 * HOUR)
    yvp.clock.advance(FEEDBACK_WITHIN.total_seconds() - HOUR)
    result = await yvp.cli("meeting", "feedback", str(meeting.id), "--open-for", "3d", "--yes")
    assert result.exit_code == 0, result.output
    rsvps = "SELECT * FROM rsvps WHERE meeting_id = ?"
    yvp.clock.advance(2 * HOUR)  # past the feedback time, but its check-in is open
    await yvp.plan()
    assert len(db_rows(yvp.settings.database, rsvps, meeting.id)) == 4
    yvp.clock.advance(3 * DAY)
    await yvp.plan()
    assert db_rows(yvp.settings.database, rsvps, meeting.id) == []
    late = await yvp.cli("meeting", "feedback", str(meeting.id), "--yes")
    assert late.exit_code == 1
    assert f"meeting {meeting.id} was more than 14 days ago" in late.stderr
    assert len(late.stderr.strip().splitlines()) == 1
