"""Guided flows ("wizards") for staff in Telegram: one step a message, buttons first, Back and
Cancel on every step, then a preview with a confirm button. Generic: a wizard is data
(``Wizard`` with its ``Step``s), and this module runs any of them.

State is kept per staff member in the database (``WizardSessions``: read at the start of
each of their updates, written after it), so whichever bot gets their next tap, or a
restarted one, carries on; it is put away after ``EXPIRY`` seconds without a tap. Button
data goes through ``bot.actions.button_data`` (``WizardPress``): the buttons carry a run
token, a turn and an index into choices kept here, never the values.

Making one (``newmeeting.py`` is a short example; tests/e2e/test_staff_wizard.py another)::

    async def ask_status(svc, answers):            # buttons; ``multi=True`` for ticks + Done
        return Prompt("What's the status?", [Choice("Done", "done"), Choice("Planned", "planned")])

    def read_text(text, svc, answers):             # typed words; raise Retry("why") to re-ask
        return text.strip()

    UPDATE = register(Wizard("yousaid", "yousaid", (Step("status", "status", ask_status),
        Step("we_did", "what was done", ask_we_did, read=read_text)), preview, finish))

    @staff_only(may_see_results)
    async def on_yousaid(update, context): await start(update, context, UPDATE)

``preview(svc, answers)`` and ``finish(svc, answers, user_id)`` return words; either may raise
``Refused("step_name", "why")``, which offers a button back to that step; ``finish`` may
raise ``Changed("what")`` to show the preview again, fresh, instead of going ahead.
``app.py`` routes presses (``on_press``) and a staff member's messages while a wizard runs
(``on_message``) here.
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.actions import people
from bot.actions.button_data import WizardPress, encode
from bot.actions.roles import Role
from bot.services import Services
from bot.telegram import staff
from bot.telegram.context import services
from bot.telegram.render import show
from bot.telegram.wizard_state import WizardSessions
from bot.telegram.wizard_steps import (
    EXPIRY,
    Answers,
    Changed,
    Choice,
    Prompt,
    Refused,
    Retry,
    Session,
    Step,
    Wizard,
    known,
    register,
)

# The button that keeps an earlier typed answer, and how much of that answer it shows.
KEEP, KEEP_SHOWN = "Keep: ", 40

__all__ = [
    "EXPIRY",
    "Answers",
    "Changed",
    "Choice",
    "Prompt",
    "Refused",
    "Retry",
    "Session",
    "Step",
    "Wizard",
    "WizardSessions",
    "on_message",
    "on_press",
    "register",
    "sessions",
    "start",
]


def sessions(context: ContextTypes.DEFAULT_TYPE) -> WizardSessions:
    found = context.bot_data.get("wizards")
    if not isinstance(found, WizardSessions):
        svc = services(context)
        found = context.bot_data["wizards"] = WizardSessions(svc.store, svc.clock)
    return found


async def _end(context: ContextTypes.DEFAULT_TYPE, user_id: int, session: Session) -> None:
    """The wizard is finished or cancelled: forget it."""
    session.over = True
    await sessions(context).end(user_id)


async def _keep(context: ContextTypes.DEFAULT_TYPE, user_id: int, session: Session) -> None:
    """Write what this update changed, unless the wizard ended."""
    if not session.over:
        await sessions(context).save(user_id, session)


async def start(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    wizard: Wizard,
    answers: Answers | None = None,
) -> None:
    """Begin ``wizard`` for this staff member (putting away any other they had running).
    ``answers`` fills steps in ahead (by step name): it opens at the first step after them
    that applies, or at the preview, and Back goes through them as if they were chosen."""
    assert update.effective_user is not None
    running = await sessions(context).get(update.effective_user.id)
    header = "" if running is None else _put_away(running.wizard)
    session = sessions(context).begin(wizard)
    session.fresh(update)
    given = [i for i, step in enumerate(wizard.steps) if step.name in (answers or {})]
    session.answers.update(answers or {})
    session.path.extend(given)
    try:
        await _advance(update, context, session, after=given[-1] if given else -1, header=header)
    finally:
        await _keep(context, update.effective_user.id, session)


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE, press: WizardPress) -> None:
    """A wizard button: checked against the presser's own running wizard, then carried out."""
    query = update.callback_query
    assert query is not None
    if staff.role(update, context) is Role.YOUNG:  # forged: like any unknown button
        svc = services(context)
        await show(
            update, await people.refuse(svc, update.update_id, "button_expired"), svc.settings.zone
        )
        return
    session = await sessions(context).get(query.from_user.id)
    if session is None or (session.wizard.name, session.token) != (press.wizard, press.token):
        await query.answer()
        await _strip(update)
        await _say(update, _stale_words(press.wizard))
        return
    if not session.fresh(update):
        return
    if press.turn != session.turn:
        await query.answer("That button is on an older message: please use the newest one.")
        await _strip(update)
        return
    try:
        await query.answer()
        await _act(update, context, session, press)
    finally:
        await _keep(context, query.from_user.id, session)


async def _act(
    update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session, press: WizardPress
) -> None:
    user_id = update.callback_query.from_user.id if update.callback_query else 0
    step, action, index = session.step, press.action, press.index
    if action == "x":
        await _end(context, user_id, session)
        await _strip(update, "Cancelled. Nothing was sent or saved.")
    elif action == "b":
        await _strip(update, "↩ Back")
        if len(session.path) > 1:
            session.path.pop()
        await _show(update, context, session)
    elif action == "p" and step is not None and index < len(session.offered):
        chosen = session.offered[index]
        if session.multi:
            await _toggle(update, session, index)
            return
        session.answers[step.name] = chosen.value
        said = chosen.label
        if step.read is not None and said.startswith(KEEP):  # the words typed before
            said = step.shown(services(context), chosen.value)
        await _strip(update, f"✔ {step.label.capitalize()}: {said}")
        await _advance(update, context, session, after=session.at)
    elif action == "d" and step is not None:
        if not session.ticked:
            await _say(update, "Pick at least one first (or press Back).")
            return
        picked = [session.offered[i].value for i in sorted(session.ticked)]
        session.answers[step.name] = picked
        await _strip(update, f"✔ {step.label.capitalize()}: {len(picked)} chosen")
        await _advance(update, context, session, after=session.at)
    elif action == "f" and index < len(session.wizard.steps):
        while len(session.path) > 1 and session.at > index:
            session.path.pop()
        if session.at != index:
            session.path.append(index)
        await _strip(update)
        await _show(update, context, session)
    elif action == "y" and step is None:
        await _finish(update, context, session, user_id)


async def _toggle(update: Update, session: Session, index: int) -> None:
    """Tick or untick one choice of a multi-choice step, on the same message."""
    session.ticked ^= {index}
    query = update.callback_query
    assert query is not None
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(_keyboard(session))


async def _finish(
    update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session, user_id: int
) -> None:
    try:
        words = await session.wizard.finish(services(context), session.answers, user_id)
    except Refused as refused:
        await _strip(update)
        await _show(update, context, session, refusal=refused)
        return
    except Changed as changed:
        await _strip(update)
        await _show(update, context, session, header=f"⚠ {changed}")
        return
    await _end(context, user_id, session)
    await _strip(update, "✅ Confirmed")
    await _say(update, words)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler: a staff member's message while their wizard runs is
    the wizard's (typed answers, or a kind word on what it needs); otherwise it passes on.
    Commands pass on too, except /cancel."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or staff.role(update, context) is Role.YOUNG:
        return  # young people never run a wizard: their messages cost no read here
    session = await sessions(context).get(user.id)
    if session is None:
        await _no_wizard(update, context, user.id, message.text)
        return
    text = message.text
    command = text is not None and text.startswith("/") and text.strip().lower() != "/cancel"
    if command and update.edited_message is None:
        return  # another command: let it through, the wizard waits
    if not session.fresh(update):
        raise ApplicationHandlerStop
    try:
        await _handle_message(update, context, session, user.id, text)
    finally:
        await _keep(context, user.id, session)
    raise ApplicationHandlerStop


async def _no_wizard(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user_id: int, text: str | None
) -> None:
    """A staff member who has not joined as a young person would, typing words (or /start)
    with no wizard running: most likely an answer to a wizard put away meanwhile. They hear
    that, not the young people's "you need an invite link"; anything else passes on."""
    if update.edited_message is not None or text is None:
        return
    words = text.strip().lower()
    if words.startswith("/") and words != "/start":
        return
    svc = services(context)
    if await svc.store.contact(user_id) is not None:
        return  # joined: perhaps answering a check-in, as young people do
    if await svc.store.claim_update(update.update_id, svc.now()):
        await _say(
            update,
            "You're set up as staff, so you don't need to join. I wasn't waiting for typed "
            f"words from you: a plan is put away after {EXPIRY / 60:.0f} minutes without a tap. "
            "To start again, use its command from your menu, like /newmeeting or /newcheckin.",
        )
    raise ApplicationHandlerStop


async def _handle_message(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    session: Session,
    user_id: int,
    text: str | None,
) -> None:
    if update.edited_message is not None:
        await _say(update, "Editing a message doesn't change an answer here: send it again.")
    elif text is not None and text.strip().lower() in ("/cancel", "cancel"):
        await _end(context, user_id, session)
        await _say(update, "Cancelled. Nothing was sent or saved.")
    elif session.step is None or session.step.read is None:
        what = "that" if text is None else "typed words"
        await _say(update, f"I can't use {what} here: please use the buttons above (or Cancel).")
    elif text is None:
        await _say(update, "I can only read typed words here: please type your answer.")
    else:
        await _read(update, context, session, text)


async def _read(
    update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session, text: str
) -> None:
    step = session.step
    assert step is not None and step.read is not None
    try:
        value = step.read(text, services(context), session.answers)
    except Retry as retry:
        await _show(update, context, session, header=f"⚠ {retry}")
        return
    session.answers[step.name] = value
    header = f"✔ {step.label.capitalize()}: {step.shown(services(context), value)}"
    await _advance(update, context, session, after=session.at, header=header)


async def _advance(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    session: Session,
    after: int,
    header: str = "",
) -> None:
    """Move to the first step after ``after`` that applies (or the preview) and show it."""
    steps = session.wizard.steps
    nxt = after + 1
    while nxt < len(steps) and (when := steps[nxt].when) is not None and not when(session.answers):
        nxt += 1
    session.path.append(nxt)
    await _show(update, context, session, header=header)


async def _show(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    session: Session,
    header: str = "",
    refusal: Refused | None = None,
) -> None:
    """Send the current step (or the preview) as a new message with its buttons."""
    session.turn += 1
    session.ticked, session.multi, session.offered = set(), False, []
    svc, step, text = services(context), session.step, ""
    if step is not None:
        prompt = await step.ask(svc, session.answers)
        text, session.offered, session.multi = prompt.text, list(prompt.choices), prompt.multi
        session.offered += _keep_choice(svc, session)
    elif refusal is None:
        try:
            text = await session.wizard.preview(svc, session.answers)
        except Refused as refused:
            refusal = refused
    if refusal is not None:
        text = f"⚠ {refusal}"
        session.offered = _fix_choice(session.wizard, refusal.step)
    words = f"{header}\n\n{text}" if header else text
    confirm = step is None and refusal is None
    await _say(update, words, _keyboard(session, confirm=confirm, fix=refusal is not None))


def _keep_choice(svc: Services, session: Session) -> list[Choice]:
    """Back at a step answered by typing: a button keeping what was typed, so it need not be
    typed again (none if a button already gives it)."""
    step = session.step
    if step is None or step.read is None or session.multi or step.name not in session.answers:
        return []
    value = session.answers[step.name]
    if any(choice.value == value for choice in session.offered):
        return []
    shown = step.shown(svc, value)
    if len(shown) > KEEP_SHOWN:
        shown = shown[: KEEP_SHOWN - 1].rstrip() + "…"
    return [Choice(f"{KEEP}{shown}", value)]


def _fix_choice(wizard: Wizard, step_name: str) -> list[Choice]:
    for index, step in enumerate(wizard.steps):
        if step.name == step_name:
            return [Choice(f"✏️ Change the {step.label}", index)]
    return []


def _keyboard(session: Session, confirm: bool = False, fix: bool = False) -> InlineKeyboardMarkup:
    def button(label: str, action: str, index: int = 0) -> InlineKeyboardButton:
        press = WizardPress(session.wizard.name, session.token, session.turn, action, index)
        return InlineKeyboardButton(label, callback_data=encode(press))

    rows: list[list[InlineKeyboardButton]] = []
    for index, choice in enumerate(session.offered):
        if fix:
            rows.append([button(choice.label, "f", int(choice.value))])
        else:
            tick = "✅ " if index in session.ticked else ""
            rows.append([button(tick + choice.label, "p", index)])
    if session.multi:
        rows.append([button("Done ✔", "d")])
    if confirm:
        rows.append([button(session.wizard.confirm_label, "y")])
    back = [button("⬅ Back", "b")] if len(session.path) > 1 else []
    rows.append([*back, button("✖ Cancel", "x")])
    return InlineKeyboardMarkup(rows)


def _put_away(wizard: Wizard) -> str:
    """Said when a new guided flow replaces one that was still running."""
    return f"(Your unfinished /{wizard.command} is put away: nothing from it was sent or saved.)"


def _stale_words(wizard_name: str) -> str:
    command = next((w.command for w in known() if w.name == wizard_name), None)
    again = f" To start again: /{command}" if command else ""
    return (
        "That button is from a plan that's finished or was put away (after "
        f"{EXPIRY / 60:.0f} minutes without a tap, or an update of the bot), so it does "
        f"nothing now. If you had just confirmed the plan, that went through.{again}"
    )


async def _say(update: Update, words: str, markup: InlineKeyboardMarkup | None = None) -> None:
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(words, reply_markup=markup)


async def _strip(update: Update, words: str | None = None) -> None:
    """Take the buttons off the pressed message, and say what was chosen on it if given.
    Cosmetic: a message Telegram will not edit (too old, unchanged) is left as it is."""
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(BadRequest):
        if words is not None and query.message is not None:
            old = getattr(query.message, "text", None) or ""
            await query.edit_message_text(f"{old}\n\n{words}".strip(), reply_markup=None)
        else:
            await query.edit_message_reply_markup(reply_markup=None)
