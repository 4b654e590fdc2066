"""The action plan in Telegram: /actionplan for leads (the plan, an action's status changed
with buttons, then the "you said, we did" update about it offered pre-filled, into /yousaid's
preview), and /plan for young people. Doors onto ``bot.actions.action_plan``.

A press on a lead's plan button by anyone but a lead only says the button has expired.
"""

from __future__ import annotations

import contextlib

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.actions import action_plan, audit, people
from bot.actions.action_plan import Outcome
from bot.actions.button_data import PlanPress, encode
from bot.actions.errors import ActionError
from bot.actions.roles import may_see_results, role_of
from bot.services import Services
from bot.telegram import wizard
from bot.telegram.context import services
from bot.telegram.planning import when_words
from bot.telegram.render import show
from bot.telegram.staff import staff_only
from bot.telegram.yousaid import YOU_SAID
from flows.locales import from_telegram
from storage.base import PlanAction, UpdateStatus

LISTED = 12  # actions offered as buttons, the unfinished first
SHORT = 60  # characters of "what" on a button or in the list
_LABELS = {
    UpdateStatus.PLANNED: "📅 Planned",
    UpdateStatus.IN_PROGRESS: "⏳ In progress",
    UpdateStatus.DONE: "✅ Done",
    UpdateStatus.COULDNT: "😔 Couldn't do it",
}
GONE = "That action is not in the plan. Send /actionplan to see it again."


def _short(text: str, most: int = SHORT) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _button(label: str, press: PlanPress) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=encode(press))]


async def _listing(svc: Services) -> tuple[str, InlineKeyboardMarkup | None]:
    """The plan, the unfinished actions first, each as a button to change where it stands."""
    actions = await svc.store.plan_actions()
    if not actions:
        return (
            "The plan has no actions yet. Add one from the command line: youthvoice plan add "
            "--priority TEXT --what TEXT --role TEXT",
            None,
        )
    finished = (UpdateStatus.DONE, UpdateStatus.COULDNT)
    shown = sorted(actions, key=lambda a: (a.status in finished, a.id))[:LISTED]
    lines = [f"📋 The action plan: {len(actions)} action{'s' if len(actions) != 1 else ''}."]
    for action in shown:
        name = await action_plan.cohort_name(svc.store, action.cohort_id)
        first, second = action_plan.describe(action, name)
        status = action_plan.status_words(action.status)
        lines.append(f"\n{action.id}. {_short(first, 2 * SHORT)}\n{status} · {second}")
    if len(actions) > len(shown):
        lines.append(f"\nAnd {len(actions) - len(shown)} more: youthvoice plan list")
    lines.append("\nChoose one to change where it stands.")
    buttons = [
        _button(f"{a.id} · {_short(a.what)} ({action_plan.status_words(a.status)})",
                PlanPress(a.id, "o"))
        for a in shown
    ]  # fmt: skip
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


async def _card(svc: Services, action: PlanAction) -> tuple[str, InlineKeyboardMarkup]:
    """One action with a button for each other status, and Back."""
    name = await action_plan.cohort_name(svc.store, action.cohort_id)
    first, second = action_plan.describe(action, name)
    since = when_words(svc, action.changed_at)
    text = (
        f"Action {action.id}: {first}\n{second}\n\n"
        f"Now: {action_plan.status_words(action.status)} (since {since}). Where does it stand?"
    )
    rows = [
        _button(label, PlanPress(action.id, "s", status, action.status))
        for status, label in _LABELS.items()
        if status is not action.status
    ]
    rows.append(_button("⬅ Back to the plan", PlanPress(action.id, "b")))
    return text, InlineKeyboardMarkup(rows)


def _offer(action: PlanAction, cohort: str | None) -> tuple[str, InlineKeyboardMarkup]:
    """The update about this change, pre-filled, to check and send (or not now)."""
    status = action_plan.status_words(action.status)
    text = (
        '📣 Tell young people? This "you said, we did" update is ready:\n\n'
        f"You said: {action_plan.you_said(action)}\n"
        f"We did: {action.what}\n"
        f"Status: {status}\n"
        f"For: {cohort or 'everyone'}\n\n"
        "Check it and send: you can change any part before it goes."
    )
    rows = [
        _button("📣 Check it and send", PlanPress(action.id, "t", action.status)),
        _button("Not now", PlanPress(action.id, "n")),
    ]
    return text, InlineKeyboardMarkup(rows)


@staff_only(may_see_results)
async def on_actionplan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/actionplan (leads): the plan, each action a button to change where it stands."""
    svc = services(context)
    if not await svc.store.claim_update(update.update_id, svc.now()):
        return  # a repeated update
    text, markup = await _listing(svc)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(text, reply_markup=markup)


async def on_plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/plan: the plan in plain words, with what changed since they last looked."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    language = from_telegram(user.language_code)
    shown = await action_plan.show_plan(svc, user.id, update.update_id, language)
    await show(update, shown, svc.settings.zone)


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Show ``text`` on the pressed message. Cosmetic: one Telegram will not edit stays."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(text, reply_markup=markup)


async def on_press(
    svc: Services,
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    press: PlanPress,
) -> None:
    """A button under /actionplan: only a lead's press does anything."""
    if not may_see_results(role_of(svc.settings, query.from_user.id)):
        shown = await people.refuse(svc, update.update_id, "button_expired")
        await show(update, shown, svc.settings.zone)
        return
    if not await svc.store.claim_update(update.update_id, svc.now()):
        return  # a repeated update
    action = await svc.store.plan_action(press.action_id)
    if action is None:
        await query.answer(GONE)
        return
    if press.step == "s" and press.status is not None:
        await _set(svc, query, action, press.status, press.was)
    elif press.step == "t":
        await _tell(svc, update, context, query, action, press.status)
    elif press.step == "o":
        await query.answer()
        text, markup = await _card(svc, action)
        await query.get_bot().send_message(query.from_user.id, text, reply_markup=markup)
    elif press.step == "b":
        await query.answer()
        await _edit(query, *await _listing(svc))
    else:
        await query.answer()
        await _edit(
            query,
            f"Not now. To tell young people later: /yousaid, or youthvoice plan tell {action.id}",
            None,
        )


async def _set(
    svc: Services,
    query: CallbackQuery,
    action: PlanAction,
    status: UpdateStatus,
    was: UpdateStatus | None,
) -> None:
    who = audit.staff(query.from_user.id)
    try:
        change = await action_plan.change_status(
            svc.store, action.id, status, who, svc.now(), was=was
        )
    except ActionError:
        await query.answer(GONE)
        return
    now = action_plan.status_words(change.action.status)
    if change.outcome is Outcome.STALE:
        await query.answer("That button was from before a change. Nothing was changed.")
        text, markup = await _card(svc, change.action)
        await _edit(query, f"⚠ It changed meanwhile: it is now {now}.\n\n{text}", markup)
        return
    if change.outcome is Outcome.SAME:
        await query.answer(f"It's already {now}. Nothing was changed.")
        return
    await query.answer("Saved")
    was_words = action_plan.status_words(change.was)
    await _edit(query, f"✔ Action {action.id} is now: {now} (was: {was_words}).", None)
    name = await action_plan.cohort_name(svc.store, action.cohort_id)
    text, markup = _offer(change.action, name)
    await query.get_bot().send_message(query.from_user.id, text, reply_markup=markup)


async def _tell(
    svc: Services,
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    action: PlanAction,
    status: UpdateStatus | None,
) -> None:
    """Into /yousaid, its answers filled in from the action: at its preview, or at the step
    still needed (why it couldn't be done; a date still to come)."""
    if status is not action.status:
        await query.answer("This was about an older status. Nothing was sent.")
        now = action_plan.status_words(action.status)
        await _edit(query, f"⚠ Action {action.id} is now {now}: this update is out of date.", None)
        return
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)
    name = await action_plan.cohort_name(svc.store, action.cohort_id)
    request = action_plan.offer(action, name, svc.settings, svc.now())
    answers = {
        "kind": "theme",
        "cohort": action.cohort_id,
        "you_said": request.you_said,
        "we_did": request.we_did,
        "status": request.status,
    }
    if request.by is not None:
        answers["by"] = request.by
    await wizard.start(update, context, YOU_SAID, answers)
