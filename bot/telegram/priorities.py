"""/priorities: a lead opens a priorities round in Telegram, step by step (who, which approved
ideas, how long open), sees what it asks and who it reaches, and confirms. A door onto
``bot.actions.priorities``, as ``youthvoice priorities open`` is.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import audit
from bot.actions import priorities as priorities_actions
from bot.actions.errors import ActionError
from bot.actions.priorities import RoundPlan
from bot.actions.roles import may_see_results
from bot.services import Services
from bot.telegram import wizard
from bot.telegram.planning import (
    cohort_choices,
    cohort_words,
    people,
    reach_shown,
    reach_still,
    when_words,
)
from bot.telegram.staff import staff_only
from bot.telegram.wizard import Answers, Choice, Prompt, Refused, Step, Wizard
from flows.priorities import BUTTON, MAX_IDEAS, MAX_PICKS, THEMES, shorten

ALL, CHOOSE, NONE = "all", "choose", "none"
_THEMES = ", ".join(words["en"] for _, words in THEMES)


async def _ask_cohort(svc: Services, answers: Answers) -> Prompt:
    return Prompt("🗳 New priorities round. Who is it for?", await cohort_choices(svc))


async def _ask_ideas(svc: Services, answers: Answers) -> Prompt:
    approved = await priorities_actions.approved_ideas(svc.store)
    themes_only = Choice("Only the standing themes", NONE)
    if not approved:
        return Prompt(
            f"There are no approved ideas yet, so the round asks about the standing themes "
            f"({_THEMES}).",
            [themes_only],
        )
    choices = [Choice("Choose which ideas", CHOOSE), themes_only]
    if len(approved) <= MAX_IDEAS:
        choices.insert(0, Choice(f"All {_approved(len(approved))}", ALL))
    return Prompt(
        f"💡 Which approved ideas go in? Young people pick up to {MAX_PICKS} of them and the "
        f"standing themes ({_THEMES}). A round holds {MAX_IDEAS} ideas at most.",
        choices,
    )


def _approved(count: int) -> str:
    return f"{count} approved idea{'' if count == 1 else 's'}"


async def _ask_chosen(svc: Services, answers: Answers) -> Prompt:
    approved = await priorities_actions.approved_ideas(svc.store)
    choices = [Choice(f"{shorten(i.text, BUTTON)} ({i.id})", i.id) for i in approved]
    return Prompt("Tick the ideas to put in the round, then Done.", choices, multi=True)


async def _ask_open_for(svc: Services, answers: Answers) -> Prompt:
    days = [("1 day", "1d"), ("3 days", "3d"), ("7 days", "7d")]
    return Prompt("⏳ How long should it stay open?", [Choice(w, v) for w, v in days])


def _choosing(answers: Answers) -> bool:
    return bool(answers.get("ideas") == CHOOSE)


def _codes(answers: Answers) -> list[str] | None:
    chosen = answers.get("ideas")
    if chosen == NONE:
        return []
    return list(answers["chosen"]) if chosen == CHOOSE else None


async def _plan(svc: Services, answers: Answers) -> RoundPlan:
    """The round as chosen; a refusal names the step to change."""
    try:
        return await priorities_actions.plan_round(
            svc, answers["cohort"], _codes(answers), answers["open_for"]
        )
    except ActionError as exc:
        steps = {"ideas": "chosen" if _choosing(answers) else "ideas", "audience": "cohort"}
        step = steps.get(exc.field, "open_for")
        words = str(exc)
        raise Refused(step, words[:1].upper() + words[1:] + ".") from None


async def _preview(svc: Services, answers: Answers) -> str:
    chosen = await _plan(svc, answers)
    reach = reach_shown(answers, chosen.reach)
    ideas = [f"• {shorten(i.text, 120)} ({i.id})" for i in chosen.ideas] or ["• none"]
    lines = [
        f"Please check: a priorities round, pick up to {MAX_PICKS}",
        f"For: {await cohort_words(svc, answers['cohort'])}",
        "Ideas:",
        *ideas,
        f"Themes: {_THEMES}",
        f"Closes: {when_words(svc, chosen.plan.when.closes_at)}",
    ]
    if chosen.small:
        lines.append(f"\n⚠ {chosen.small}")
    lines.append(f"\nIt will reach {people(reach)} (as things stand now). Open it?")
    return "\n".join(lines)


async def _finish(svc: Services, answers: Answers, user_id: int) -> str:
    chosen = await _plan(svc, answers)  # again: ideas or people may have changed
    reach_still(answers, chosen.reach)
    created, queued = await priorities_actions.open_round(svc, chosen, audit.staff(user_id))
    invitations = f"{queued} invitation{'' if queued == 1 else 's'}"
    return (
        f"Priorities round open (check-in {created.id}): {invitations} queued. Once it "
        "closes, /results shows the ranking."
    )


PRIORITIES = wizard.register(
    Wizard(
        name="prio",
        command="priorities",
        steps=(
            Step("cohort", "who", _ask_cohort),
            Step("ideas", "ideas", _ask_ideas),
            Step("chosen", "ideas chosen", _ask_chosen, when=_choosing),
            Step("open_for", "time open", _ask_open_for),
        ),
        preview=_preview,
        finish=_finish,
        confirm_label="✅ Open it",
    )
)


@staff_only(may_see_results)
async def on_priorities(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/priorities (leads): open a priorities round, step by step."""
    await wizard.start(update, context, PRIORITIES)
