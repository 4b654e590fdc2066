"""/newcheckin: a worker or lead plans a check-in in Telegram, step by step (survey, who, now
or a date, repeat, how long open, reminder), sees who it reaches and when the invitations
really go, and confirms. A door onto ``bot.actions.plans``, as ``youthvoice checkin`` is.
"""

from __future__ import annotations

import re
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import audit, made_surveys, plans
from bot.actions.errors import ActionError
from bot.actions.plans import ONE_OFF_OPEN, CheckinPlan, CheckinRequest
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
    when_words,
)
from bot.telegram.staff import staff_only
from bot.telegram.wizard import Answers, Choice, Prompt, Refused, Step, Wizard
from flows.schedule import parse_duration

# Where a use case's refusal sends the staff member back to, by the field it names.
_FIX = {"at": "at", "every": "repeat", "open_for": "open_for", "remind_after": "remind"}


async def _ask_survey(svc: Services, answers: Answers) -> Prompt:
    choices = [Choice(s.title, s.id) for s in await made_surveys.bundled(svc)]
    return Prompt("📝 New check-in. Which survey?", choices)


async def _ask_cohort(svc: Services, answers: Answers) -> Prompt:
    return Prompt("👥 Who is it for?", await cohort_choices(svc))


async def _ask_start(svc: Services, answers: Answers) -> Prompt:
    return Prompt(
        "🕒 When should it open?",
        [Choice("Now (once)", "now"), Choice("Pick a date and time (once or repeating)", "later")],
    )


async def _ask_at(svc: Services, answers: Answers) -> Prompt:
    return Prompt(f"📅 Type the date and time it opens, like {date_examples(svc)}.")


async def _ask_repeat(svc: Services, answers: Answers) -> Prompt:
    at: datetime = answers["at"]
    clock, day = at.strftime("%H:%M"), at.strftime("%a").lower()
    return Prompt(
        "🔁 Should it repeat?",
        [
            Choice("No, just once", None),
            Choice(f"Weekly, every {at:%A} at {clock}", f"{day} {clock}"),
            Choice(f"Daily at {clock}", f"daily {clock}"),
            Choice(f"Weekdays at {clock}", f"weekdays {clock}"),
        ],
    )


_OPEN_FOR = [("1 day", "1d"), ("3 days", "3d"), (f"{ONE_OFF_OPEN.days} days", "7d")]


async def _ask_open_for(svc: Services, answers: Answers) -> Prompt:
    """Only times open that end before the next opening: a daily check-in stays open a day
    at most (the plan would refuse longer at the preview)."""
    ask = "⏳ How long should it stay open?"
    repeat = answers.get("repeat") if _later(answers) else None
    longest = plans.longest_open(answers["at"], repeat, svc.settings.zone) if repeat else None
    if longest is None:
        return Prompt(ask, [Choice(w, v) for w, v in _OPEN_FOR])
    # The repeats offered here are a day or more apart, so "1 day" always fits.
    fits = [Choice(w, v) for w, v in _OPEN_FOR if parse_duration(v) <= longest]
    if len(fits) == len(_OPEN_FOR):
        return Prompt(ask, fits)
    most = _span_words(longest.days, "d")
    return Prompt(f"{ask}\n(It opens again after {most}, so {most} at most.)", fits)


# The reminders offered for each time open: only ones that come before it closes.
_REMINDERS = {
    "1d": [("After 4 hours", "4h"), ("After 12 hours", "12h")],
    "3d": [("After 1 day", "1d"), ("After 2 days", "2d")],
    "7d": [("After 1 day", "1d"), ("After 2 days", "2d"), ("After 4 days", "4d")],
}


async def _ask_remind(svc: Services, answers: Answers) -> Prompt:
    offered = _REMINDERS.get(answers.get("open_for") or "", _REMINDERS["3d"])
    choices = [Choice("No reminder", None), *(Choice(w, v) for w, v in offered)]
    return Prompt("🔔 Send one reminder to those who haven't finished?", choices)


def _later(answers: Answers) -> bool:
    return bool(answers.get("start") == "later")


def _plan(svc: Services, answers: Answers) -> CheckinPlan:
    """The plan as chosen; a refusal names the step to change."""
    later = _later(answers)
    at: datetime | None = answers.get("at") if later else None
    request = CheckinRequest(
        at.strftime("%Y-%m-%d %H:%M") if at else None,
        answers.get("repeat") if later else None,
        answers["open_for"],
        answers["remind"],
    )
    survey = svc.surveys[answers["survey"]]
    settings = svc.settings
    try:
        return plans.plan_checkin(survey, request, settings.zone, settings.quiet, svc.now())
    except ActionError as exc:
        if exc.field == "at" and at is not None and at.timestamp() <= svc.now():
            # Time passed since it was typed: said as it was read back, not as typed.
            words = f"{shown_at(svc, at)} has already passed. Please pick a later time."
            raise Refused("at", words) from None
        raise Refused(_FIX.get(exc.field, "start"), _plain(exc)) from None


def _plain(exc: ActionError) -> str:
    """A refusal in the wizard's words: spans as "3 days", not the command line's "3d"."""
    words = str(exc).replace(", or leave it out", "")
    words = _SPAN.sub(lambda m: _span_words(int(m[1]), m[2]), words)
    return words[:1].upper() + words[1:] + ("" if words.endswith(".") else ".")


_SPAN = re.compile(r"\b(\d+)([dhm])\b")
_UNITS = {"d": "day", "h": "hour", "m": "minute"}


def _span_words(number: int, unit: str) -> str:
    return f"{number} {_UNITS[unit]}{'' if number == 1 else 's'}"


def _going(svc: Services, plan: CheckinPlan) -> str:
    """When the invitations really go: soon, at the opening, or when quiet hours end."""
    if plan.invitations_at - plan.when.opens_at >= 60:
        return f"at {when_words(svc, plan.invitations_at)}, when quiet hours end"
    return when_words(svc, plan.when.opens_at) if plan.later else "within a few seconds"


async def _preview(svc: Services, answers: Answers) -> str:
    plan = _plan(svc, answers)
    when, draft = plan.when, plan.draft
    try:
        found = await plans.checked_reach(svc.store, answers["cohort"], opens_now=not plan.later)
    except ActionError as exc:
        raise Refused("cohort", _plain(exc)) from None
    reach = reach_shown(answers, found)
    lines = [
        f"Please check: '{plan.survey.title}'",
        f"For: {await cohort_words(svc, answers['cohort'])}",
        f"Opens: {when_words(svc, when.opens_at) if plan.later else 'now'}",
        f"Invitations go: {_going(svc, plan)}",
        f"Closes: {when_words(svc, when.closes_at)}",
        f"Reminder: {when_words(svc, when.remind_at) if when.remind_at else 'none'}",
    ]
    if draft.every:
        lines.append(f"Repeats: {answers['repeat']}, next on {when_words(svc, when.next_at)}")
    small = plans.small_audience(reach, svc.settings.min_group)
    if small:
        lines.append(f"\n⚠ {small}")
    lines.append(
        f"\nIt will reach {people(reach)} (as things stand now). Send it?"
        if reach
        else "\nNobody has joined that group yet; it opens for whoever has by then. Save it?"
    )
    return "\n".join(lines)


async def _finish(svc: Services, answers: Answers, user_id: int) -> str:
    plan = _plan(svc, answers)  # again: time has passed since the preview
    cohort_id, who = answers["cohort"], audit.staff(user_id)
    reach_still(answers, await plans.reach(svc.store, cohort_id))
    if plan.later:
        saved = await plans.save_schedule(svc.store, plan, cohort_id, who, svc.now())
        return (
            f"Saved (schedule {saved.id}). It opens {when_words(svc, plan.when.opens_at)}; "
            f"invitations go {_going(svc, plan)}."
        )
    created, queued = await plans.open_now(svc.store, plan, cohort_id, who, svc.now())
    invitations = f"{queued} invitation{'' if queued == 1 else 's'}"
    return f"Check-in {created.id} is open: {invitations} queued, going {_going(svc, plan)}."


NEW_CHECKIN = wizard.register(
    Wizard(
        name="checkin",
        command="newcheckin",
        steps=(
            Step("survey", "survey", _ask_survey),
            Step("cohort", "who", _ask_cohort),
            Step("start", "start", _ask_start),
            Step("at", "date and time", _ask_at, read=read_at, shown=shown_at, when=_later),
            Step("repeat", "repeat", _ask_repeat, when=_later),
            Step("open_for", "time open", _ask_open_for),
            Step("remind", "reminder", _ask_remind),
        ),
        preview=_preview,
        finish=_finish,
        confirm_label="✅ Send",
    )
)


@staff_only(may_plan)
async def on_newcheckin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/newcheckin (workers and leads): plan a check-in, step by step."""
    await wizard.start(update, context, NEW_CHECKIN)
