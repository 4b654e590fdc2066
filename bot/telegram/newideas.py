"""/newideas: a worker or lead reads young people's new ideas (contact details taken out, as in
exports) and, one at a time, approves one, merges it with a similar one, or sets it aside with
a reason (kept in the audit log). A door onto ``bot.actions.moderation``, as
``youthvoice ideas`` is.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import audit, moderation
from bot.actions.errors import ActionError
from bot.actions.roles import may_plan
from bot.services import Services
from bot.telegram import wizard
from bot.telegram.context import services
from bot.telegram.render import reply
from bot.telegram.staff import staff_only
from bot.telegram.wizard import Answers, Choice, Prompt, Refused, Retry, Step, Wizard
from flows.engine import keep_what_fits
from storage.base import Idea, IdeaStatus

PAGE = 8  # new ideas offered at once (a message holds 8 ideas of the longest kind)
LABEL = 36  # characters of an idea on its button
NONE_WAITING = "No new ideas are waiting. Young people send them with /idea."
DECISIONS = (
    Choice("✅ Approve", IdeaStatus.APPROVED),
    Choice("🔗 Merge with a similar one", IdeaStatus.MERGED),
    Choice("🗂 Set aside", IdeaStatus.SET_ASIDE),
)
REASONS = ("Has personal details", "Not about our services", "Unkind or hurtful")


def _label(idea: Idea) -> str:
    short = keep_what_fits(idea.text, LABEL)
    return f"{idea.id} · {short}{'…' if short != idea.text else ''}"


async def _ask_idea(svc: Services, answers: Answers) -> Prompt:
    new = await moderation.redacted(svc.store, [IdeaStatus.NEW])
    if not new:
        return Prompt(NONE_WAITING)
    shown = new[:PAGE]
    more = f" (the first {PAGE} of {len(new)})" if len(new) > PAGE else ""
    lines = [f"💡 New ideas from young people{more}. Contact details are taken out.", ""]
    lines += [f"{idea.id}: {idea.text}" for idea in shown]
    lines += ["", "Which one will you decide on?"]
    return Prompt("\n".join(lines), [Choice(_label(idea), idea.id) for idea in shown])


async def _idea(svc: Services, code: str) -> Idea:
    """The idea as staff see it (contact details taken out)."""
    idea = await moderation.one(svc.store, code)
    if idea is None:  # ideas are never deleted: only a forged or very old choice
        raise Refused("idea", f"Idea {code} is not there any more. Please pick another.")
    return idea


async def _ask_decision(svc: Services, answers: Answers) -> Prompt:
    idea = await _idea(svc, answers["idea"])
    return Prompt(f"Idea {idea.id}:\n\n{idea.text}\n\nWhat would you like to do?", DECISIONS)


async def _ask_into(svc: Services, answers: Answers) -> Prompt:
    chosen = (IdeaStatus.APPROVED, IdeaStatus.NEW)
    others = [i for i in await moderation.redacted(svc.store, chosen) if i.id != answers["idea"]]
    others.sort(key=lambda idea: idea.status is not IdeaStatus.APPROVED)  # approved ones first
    if not others:
        return Prompt("There is no other new or approved idea to merge it into. Press Back.")
    return Prompt(
        "🔗 Merge it into which idea? That one then counts this one too, and young people see "
        "only its words.",
        [Choice(_label(idea), idea.id) for idea in others[:PAGE]],
    )


async def _ask_why(svc: Services, answers: Answers) -> Prompt:
    return Prompt(
        "🗂 Why set it aside? Pick a reason or type one. It goes in the audit log; young "
        "people never see the idea.",
        [Choice(reason, reason) for reason in REASONS],
    )


def _read_why(text: str, svc: Services, answers: Answers) -> str:
    try:
        return moderation.checked_why(text)
    except ActionError as exc:
        raise Retry(str(exc).capitalize() + ".") from None


async def _preview(svc: Services, answers: Answers) -> str:
    idea = await _idea(svc, answers["idea"])
    decision = answers["decision"]
    if decision is IdeaStatus.APPROVED:
        return f"Approve idea {idea.id}? Young people will see its words in /ideas."
    if decision is IdeaStatus.MERGED:
        into = await _idea(svc, answers["into"])
        return f"Merge idea {idea.id} into idea {into.id} ({_label(into)})?"
    return f"Set idea {idea.id} aside? Reason: {answers['why']}"


async def _finish(svc: Services, answers: Answers, user_id: int) -> str:
    who, code, decision = audit.staff(user_id), answers["idea"], answers["decision"]
    store, settings, now = svc.store, svc.settings, svc.now()
    try:
        if decision is IdeaStatus.APPROVED:
            done = await moderation.approve(store, settings, code, who, now)
        elif decision is IdeaStatus.MERGED:
            done = await moderation.merge(store, settings, code, answers["into"], who, now)
        else:
            done = await moderation.set_aside(store, settings, code, answers["why"], who, now)
    except ActionError as exc:
        raise Refused("idea", str(exc).capitalize() + ".") from None
    waiting = len(await svc.store.ideas([IdeaStatus.NEW]))
    what = {
        IdeaStatus.APPROVED: "approved",
        IdeaStatus.MERGED: f"merged into {done.merged_into}",
        IdeaStatus.SET_ASIDE: "set aside",
    }[done.status]
    rest = f"{waiting} new idea{'' if waiting == 1 else 's'} still waiting: /newideas"
    return f"Idea {done.id} {what}. {rest if waiting else 'No new ideas are waiting.'}"


IDEAS = wizard.register(
    Wizard(
        name="ideas",
        command="newideas",
        steps=(
            Step("idea", "idea", _ask_idea),
            Step("decision", "decision", _ask_decision),
            Step(
                "into",
                "idea to merge into",
                _ask_into,
                when=lambda answers: answers.get("decision") is IdeaStatus.MERGED,
            ),
            Step(
                "why",
                "reason",
                _ask_why,
                read=_read_why,
                when=lambda answers: answers.get("decision") is IdeaStatus.SET_ASIDE,
            ),
        ),
        preview=_preview,
        finish=_finish,
    )
)


@staff_only(may_plan)
async def on_newideas(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/newideas (workers and leads): read new ideas and decide on one."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    if not await svc.store.claim_update(update.update_id, svc.now()):
        return  # a repeated update: answered already
    # Reading the new ideas is logged here, once; the wizard's steps show the same ideas.
    if not await moderation.listing(svc.store, audit.staff(user.id), svc.now(), [IdeaStatus.NEW]):
        await reply(update, NONE_WAITING)
        return
    await wizard.start(update, context, IDEAS)
