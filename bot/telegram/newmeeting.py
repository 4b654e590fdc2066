"""/newmeeting: a worker or lead adds a forum meeting in Telegram (title, date and time, place
or link, who), sees who it reaches and when, and confirms. A door onto
``bot.actions.meetings``, as ``youthvoice meeting add`` is.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import audit, meetings
from bot.actions.errors import ActionError
from bot.actions.meetings import Clock
from bot.actions.roles import may_plan
from bot.services import Services
from bot.telegram import wizard
from bot.telegram.planning import (
    cohort_choices,
    cohort_words,
    date_examples,
    people,
    reach_shown,
    reach_still,
    read_at,
    shown_at,
)
from bot.telegram.planning import when_words as at
from bot.telegram.staff import staff_only
from bot.telegram.wizard import Answers, Choice, Prompt, Refused, Retry, Step, Wizard
from storage.base import Meeting

MAX_TITLE = 100
MAX_PLACE = 200
_FIX = {"title": "title", "at": "at", "where": "where", "link": "where"}


def _clock(svc: Services) -> Clock:
    return Clock(svc.settings.zone, svc.settings.quiet, svc.now())


async def _ask_title(svc: Services, answers: Answers) -> Prompt:
    return Prompt(f"📣 New meeting. Type its title (up to {MAX_TITLE} characters).")


def _read_title(text: str, svc: Services, answers: Answers) -> str:
    title = " ".join(text.split())
    if not title:
        raise Retry("The title is empty. Please type a title, like 'Forum night'.")
    if len(title) > MAX_TITLE:
        raise Retry(
            f"That's {len(title)} characters: please keep the title to {MAX_TITLE} or fewer."
        )
    return title


async def _ask_at(svc: Services, answers: Answers) -> Prompt:
    return Prompt(f"📅 When does it start? Type a date and time, like {date_examples(svc)}.")


async def _ask_where(svc: Services, answers: Answers) -> Prompt:
    return Prompt(
        "📍 Where is it? Type a place, or a link to join online (starting https://).",
        [Choice("Not decided yet", None)],
    )


def _read_where(text: str, svc: Services, answers: Answers) -> tuple[str, str]:
    where = " ".join(text.split())
    if not where:
        raise Retry("That's empty. Please type a place, or a link starting https://.")
    if len(where) > MAX_PLACE:
        raise Retry(f"That's {len(where)} characters: please keep it to {MAX_PLACE} or fewer.")
    if "://" in where or where.lower().startswith("www."):
        try:
            meetings.checked_link(where)
        except ActionError as exc:
            raise Retry(f"That link {exc}, like https://meet.example.org/forum.") from None
        return ("link", where)
    return ("place", where)


def _shown_where(svc: Services, value: object) -> str:
    return value[1] if isinstance(value, tuple) else "not decided yet"


async def _ask_cohort(svc: Services, answers: Answers) -> Prompt:
    return Prompt("👥 Who is it for?", await cohort_choices(svc))


def _draft(svc: Services, answers: Answers) -> Meeting:
    starts_at = answers["at"].timestamp()
    if starts_at <= svc.now():
        raise Refused("at", f"{at(svc, starts_at)} has already passed. Please pick a new time.")
    where = answers.get("where")
    place = where[1] if where and where[0] == "place" else None
    link = where[1] if where and where[0] == "link" else None
    try:
        meetings.check_invitable(starts_at, _clock(svc))
        return meetings.draft(answers["title"], starts_at, place, link, None, answers["cohort"])
    except ActionError as exc:
        raise Refused(_FIX.get(exc.field, "title"), str(exc).capitalize() + ".") from None


def _going(svc: Services) -> str:
    clock = _clock(svc)
    released = clock.released(clock.now)
    return "now" if released - clock.now < 60 else f"at {at(svc, released)}, when quiet hours end"


async def _preview(svc: Services, answers: Answers) -> str:
    meeting = _draft(svc, answers)
    reach = reach_shown(answers, await meetings.reach(svc.store, meeting.cohort_id))
    reminders = meetings.reminders(meeting.starts_at, _clock(svc))
    lines = [
        f"Please check: '{meeting.title}'",
        f"When: {at(svc, meeting.starts_at)}",
        f"Where: {meeting.place or meeting.link or 'not decided yet'}",
        f"For: {await cohort_words(svc, meeting.cohort_id)}",
        f"Invitations (with Going / Maybe / Can't make it buttons) go: {_going(svc)}",
    ]
    if reminders:
        said = ", ".join(f"{kind} before ({at(svc, when)})" for kind, when in reminders)
        lines.append(f"Reminders to those going or maybe: {said}")
    lines.append(
        f"\nIt will reach {people(reach)} (as things stand now). Send the invitations?"
        if reach
        else "\nNobody has joined that group yet, so nobody would be invited. Save it anyway?"
    )
    return "\n".join(lines)


async def _finish(svc: Services, answers: Answers, user_id: int) -> str:
    meeting = _draft(svc, answers)
    reach_still(answers, await meetings.reach(svc.store, meeting.cohort_id))
    added, invited = await meetings.add(svc.store, meeting, _clock(svc), audit.staff(user_id))
    invitations = f"{invited} invitation{'' if invited == 1 else 's'}"
    return f"Meeting {added.id} saved: {invitations} queued, going {_going(svc)}."


NEW_MEETING = wizard.register(
    Wizard(
        name="meeting",
        command="newmeeting",
        steps=(
            Step("title", "title", _ask_title, read=_read_title),
            Step("at", "date and time", _ask_at, read=read_at, shown=shown_at),
            Step("where", "place", _ask_where, read=_read_where, shown=_shown_where),
            Step("cohort", "who", _ask_cohort),
        ),
        preview=_preview,
        finish=_finish,
        confirm_label="✅ Send invitations",
    )
)


@staff_only(may_plan)
async def on_newmeeting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/newmeeting (workers and leads): add a forum meeting, step by step."""
    await wizard.start(update, context, NEW_MEETING)
