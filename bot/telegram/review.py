"""/review: a lead opens a joint review of the plan in Telegram (who it is for, now or at a
date, how long open), sees the actions it asks about and who it reaches, and confirms. A door
onto ``bot.actions.review``, as ``youthvoice review open`` is."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import audit, plans
from bot.actions import review as review_actions
from bot.actions.errors import ActionError
from bot.actions.plans import CheckinRequest
from bot.actions.review import ReviewDraft
from bot.actions.roles import may_see_results
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
from flows.review import STATUS_WORDS
from storage.base import Schedule

# Where a refusal sends the lead back to, by the field it names.
_FIX = {"at": "at", "open_for": "open_for", "cohort": "cohort"}


async def _ask_cohort(svc: Services, answers: Answers) -> Prompt:
    return Prompt(
        "🔎 Joint review: young people say if each action of the plan is happening. Whose plan?",
        await cohort_choices(svc),
    )


async def _ask_start(svc: Services, answers: Answers) -> Prompt:
    return Prompt(
        "🕒 When should it open?", [Choice("Now", "now"), Choice("Pick a date and time", "later")]
    )


async def _ask_at(svc: Services, answers: Answers) -> Prompt:
    return Prompt(f"📅 Type the date and time it opens, like {date_examples(svc)}.")


async def _ask_open_for(svc: Services, answers: Answers) -> Prompt:
    days = [("1 day", "1d"), ("3 days", "3d"), ("7 days", "7d")]
    return Prompt("⏳ How long should it stay open?", [Choice(w, v) for w, v in days])


def _later(answers: Answers) -> bool:
    return bool(answers.get("start") == "later")


async def _draft(svc: Services, answers: Answers) -> ReviewDraft:
    """The review as chosen; a refusal names the step to change."""
    at: datetime | None = answers.get("at") if _later(answers) else None
    request = CheckinRequest(
        at.strftime("%Y-%m-%d %H:%M") if at else None, None, answers["open_for"], None
    )
    names = {c.id: c.name for c in await svc.store.cohorts()}
    name = names.get(answers["cohort"]) if answers["cohort"] is not None else None
    try:
        return await review_actions.prepare(svc, name, request)
    except ActionError as exc:
        words = str(exc).replace("youthvoice plan add", "the plan")
        raise Refused(_FIX.get(exc.field, "cohort"), words[:1].upper() + words[1:] + ".") from None


async def _preview(svc: Services, answers: Answers) -> str:
    draft = await _draft(svc, answers)
    plan, reach = draft.plan, reach_shown(answers, draft.reach)
    count = len(draft.actions)
    actions = "1 action" if count == 1 else f"{count} actions"
    lines = [f"Please check: a joint review of {actions}, one question each:"]
    lines += [f"• {a.what} ({a.role}; {STATUS_WORDS[a.status.value]})" for a in draft.actions]
    if draft.left_out:
        lines.append(f"Left out: {draft.left_out} marked couldn't happen.")
    lines += [
        f"For: {await cohort_words(svc, answers['cohort'])}",
        f"Opens: {when_words(svc, plan.when.opens_at) if plan.later else 'now'}",
        f"Closes: {when_words(svc, plan.when.closes_at)}",
    ]
    small = plans.small_audience(reach, svc.settings.min_group)
    if small:
        lines.append(f"\n⚠ {small}")
    lines.append(f"\nIt will ask {people(reach)} (as things stand now). Send it?")
    return "\n".join(lines)


async def _finish(svc: Services, answers: Answers, user_id: int) -> str:
    draft = await _draft(svc, answers)  # again: time has passed since the preview
    reach_still(answers, draft.reach)
    opened, queued = await review_actions.open_review(svc, draft, audit.staff(user_id))
    if isinstance(opened, Schedule):
        when = when_words(svc, draft.plan.when.opens_at)
        return f"Saved (schedule {opened.id}). The review opens {when}."
    invitations = f"{queued} invitation{'' if queued == 1 else 's'}"
    return (
        f"Review open (check-in {opened.id}): {invitations} queued. Its results, gaps first, "
        "show in /results once it closes."
    )


REVIEW = wizard.register(
    Wizard(
        name="review",
        command="review",
        steps=(
            Step("cohort", "plan", _ask_cohort),
            Step("start", "start", _ask_start),
            Step("at", "date and time", _ask_at, read=read_at, shown=shown_at, when=_later),
            Step("open_for", "time open", _ask_open_for),
        ),
        preview=_preview,
        finish=_finish,
        confirm_label="✅ Send",
    )
)


@staff_only(may_see_results)
async def on_review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/review (leads): open a joint review of the plan, step by step."""
    await wizard.start(update, context, REVIEW)
