"""/yousaid: a lead tells young people what was done about what they said, step by step:
closed check-ins (or a theme for a group), "you said" (suggested from the results, or their
own words), "we did", where it stands (and by when, or why not), a preview with how many it
reaches and when, then confirm. A door onto ``bot.actions.updates``, as ``youthvoice update
add`` is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import audit, update_views, updates
from bot.actions.errors import ActionError
from bot.actions.roles import may_see_results
from bot.actions.updates import UpdatePlan, UpdateRequest
from bot.services import Services
from bot.telegram import wizard
from bot.telegram.planning import cohort_choices, cohort_words, people, when_words
from bot.telegram.staff import staff_only
from bot.telegram.wizard import Answers, Choice, Prompt, Refused, Retry, Step, Wizard
from flows.dates import read_day
from flows.schedule import format_date
from storage.base import Checkin

LISTED = 8  # closed check-ins offered, newest first
MAX_WORDS = 1000  # characters for each typed part
_FIX = {"checkins": "checkins", "cohort": "cohort", "you_said": "you_said", "we_did": "we_did"}
_FIX |= {"status": "status", "by": "by", "why": "why"}
_STATUSES = [
    Choice("✅ Done", "done"),
    Choice("⏳ In progress", "in-progress"),
    Choice("📅 Planned, by a date", "planned"),
    Choice("😔 Couldn't do it", "couldnt"),
]


async def _closed(svc: Services) -> list[Checkin]:
    now = svc.now()
    found = [c for c in await svc.store.checkins() if c.closes_at and c.closes_at <= now]
    return found[:LISTED]


def _title(svc: Services, checkin: Checkin) -> str:
    survey = svc.surveys.get(checkin.survey_id)
    return survey.title if survey else checkin.survey_id


async def _ask_kind(svc: Services, answers: Answers) -> Prompt:
    theme = Choice("A theme, not about one check-in", "theme")
    if not await _closed(svc):
        return Prompt("📣 You said, we did. No check-in has closed yet, so:", [theme])
    return Prompt(
        "📣 You said, we did. Is this about check-ins that have closed, or a theme?",
        [Choice("About check-ins", "checkins"), theme],
    )


async def _ask_checkins(svc: Services, answers: Answers) -> Prompt:
    answered = await update_views.answered(svc.store)
    choices = []
    for checkin in await _closed(svc):
        assert checkin.closes_at is not None
        closed = when_words(svc, checkin.closes_at)
        note = ", has an update" if checkin.id in answered else ""
        choices.append(Choice(f"{_title(svc, checkin)} (closed {closed}{note})", checkin.id))
    return Prompt(
        "Which check-ins does it answer? Tick them, then Done. It goes to everyone they were "
        "for, whether they answered or not.",
        choices,
        multi=True,
    )


async def _ask_cohort(svc: Services, answers: Answers) -> Prompt:
    return Prompt("👥 Who is it for?", await cohort_choices(svc))


async def _ask_you_said(svc: Services, answers: Answers) -> Prompt:
    checkins = [c for i in answers.get("checkins") or [] if (c := await svc.store.checkin(i))]
    k = svc.settings.min_group
    found = await updates.suggestions(svc.store, svc.surveys, k, checkins, now=svc.now())
    if not found:
        words = "type what young people told you, in plain words"
        if checkins:
            words += " (no figure from the results can be shown yet)"
        return Prompt(f"💬 You said: {words}.")
    listed = "\n".join(f"{n}. {sentence}" for n, sentence in enumerate(found, start=1))
    return Prompt(
        f"💬 You said. From the results:\n\n{listed}\n\nChoose one, or type your own words.",
        [Choice(f"✅ Use {n}", sentence) for n, sentence in enumerate(found, start=1)],
    )


def _read_words(what: str) -> Any:
    def read(text: str, svc: Services, answers: Answers) -> str:
        words = text.strip()
        if not words:
            raise Retry(f"That's empty. Please type {what}.")
        if len(words) > MAX_WORDS:
            raise Retry(f"That's {len(words)} characters: please keep it to {MAX_WORDS}.")
        return words

    return read


async def _ask_we_did(svc: Services, answers: Answers) -> Prompt:
    return Prompt("🛠 We did: type what was done about it, in plain words.")


async def _ask_status(svc: Services, answers: Answers) -> Prompt:
    return Prompt("Where does it stand?", _STATUSES)


async def _ask_by(svc: Services, answers: Answers) -> Prompt:
    return Prompt("📅 By when? Type a date, like '31/12', 'next friday' or '2026-12-31'.")


def _read_by(text: str, svc: Services, answers: Answers) -> str:
    """A date typed the ways people type one (day first), read as dates and times are."""
    try:
        return read_day(text, svc.settings.zone, svc.now()).isoformat()
    except ValueError as exc:
        raise Retry(str(exc)) from None


def _shown_by(svc: Services, value: Any) -> str:
    return format_date(datetime.fromisoformat(str(value)).date())


async def _ask_why(svc: Services, answers: Answers) -> Prompt:
    return Prompt("😔 Why couldn't it be done? Type it in plain words: young people will read it.")


async def _request(svc: Services, answers: Answers) -> UpdateRequest:
    status, cohort = answers["status"], None
    if answers.get("kind") == "theme" and answers.get("cohort") is not None:
        names = {c.id: c.name for c in await svc.store.cohorts()}
        cohort = names.get(answers["cohort"])
    return UpdateRequest(
        tuple(answers.get("checkins") or ()) if answers.get("kind") == "checkins" else (),
        answers["we_did"],
        status,
        answers.get("by") if status == "planned" else None,
        answers.get("why") if status == "couldnt" else None,
        answers["you_said"],
        cohort,
    )


async def _plan(svc: Services, answers: Answers) -> UpdatePlan:
    request = await _request(svc, answers)
    try:
        return await updates.plan_update(svc.store, svc.settings, svc.surveys, request, svc.now())
    except ActionError as exc:
        words = str(exc)
        raise Refused(_FIX.get(exc.field, "we_did"), words[:1].upper() + words[1:] + ".") from None


def _going(svc: Services, plan: UpdatePlan) -> str:
    if plan.goes_at - svc.now() < 60:
        return "within a few seconds"
    return f"at {when_words(svc, plan.goes_at)}, when quiet hours end"


async def _preview(svc: Services, answers: Answers) -> str:
    plan = await _plan(svc, answers)
    new = plan.new
    if plan.checkins:
        about = ", ".join(_title(svc, c) + f" ({c.id})" for c in plan.checkins)
        who = f"everyone {about} {'was' if len(plan.checkins) == 1 else 'were'} for"
    else:
        who = await cohort_words(svc, new.cohort_id)
    return "\n".join(
        [
            "Please check:",
            f"You said: {new.you_said}",
            f"We did: {new.we_did}",
            f"Status: {updates.status_words(updates.preview(new))}",
            f"For: {who}",
            f"It goes {_going(svc, plan)}, with That helps / Not enough / Tell us more.",
            f"\nIt will reach {people(plan.reach)}. Send it?",
        ]
    )


async def _finish(svc: Services, answers: Answers, user_id: int) -> str:
    plan = await _plan(svc, answers)
    posted = await updates.post(svc.store, plan, audit.staff(user_id), svc.now())
    return f"Update {posted.id} posted: sent to {people(posted.sent_to)}, {_going(svc, plan)}."


def _about_checkins(answers: Answers) -> bool:
    return answers.get("kind") == "checkins"


YOU_SAID = wizard.register(
    Wizard(
        name="yousaid",
        command="yousaid",
        steps=(
            Step("kind", "about", _ask_kind),
            Step("checkins", "check-ins", _ask_checkins, when=_about_checkins),
            Step("cohort", "who", _ask_cohort, when=lambda a: not _about_checkins(a)),
            Step("you_said", "you said", _ask_you_said, read=_read_words("what they said")),
            Step("we_did", "we did", _ask_we_did, read=_read_words("what was done")),
            Step("status", "status", _ask_status),
            Step(
                "by",
                "by",
                _ask_by,
                read=_read_by,
                shown=_shown_by,
                when=lambda a: a.get("status") == "planned",
            ),
            Step(
                "why",
                "why",
                _ask_why,
                read=_read_words("why"),
                when=lambda a: a.get("status") == "couldnt",
            ),
        ),
        preview=_preview,
        finish=_finish,
        confirm_label="✅ Send it",
    )
)


@staff_only(may_see_results)
async def on_yousaid(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/yousaid (leads): post a "you said, we did" update, step by step."""
    await wizard.start(update, context, YOU_SAID)
