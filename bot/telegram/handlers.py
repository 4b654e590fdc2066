"""Telegram handlers: each turns an update into a plain call on the conversation or the store.

Handlers log what kind of thing happened, never message text, names or ids.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions.button_data import Decline, Delete, Join, encode
from bot.services import Services
from bot.telegram import conversation
from bot.telegram.context import services
from bot.telegram.render import keyboard, reply
from flows import engine
from flows.messages import say
from storage.base import ContactStatus

log = logging.getLogger(__name__)


def _user_id(update: Update) -> int:
    user = update.effective_user
    assert user is not None
    return user.id


async def _reply_once(svc: Services, update: Update, text: str) -> None:
    """A reply that changes nothing else: claim the update first so a repeat stays silent."""
    if await svc.store.claim_update(update.update_id, svc.now()):
        await reply(update, text)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [CODE]: welcome and ask to join, or rejoin someone who stopped."""
    svc = services(context)
    user_id = _user_id(update)
    code = context.args[0] if context.args else ""
    cohort = await svc.store.cohort_by_code(code) if code else None
    bad_code = say("bad_code") + "\n\n" if code and cohort is None else ""
    contact = await svc.store.contact(user_id)
    if contact is not None:
        cohort_id = cohort.id if cohort else None
        if await svc.store.join(
            user_id, cohort_id, contact.language, svc.today(), update.update_id
        ):
            was_in = contact.status is ContactStatus.JOINED
            await reply(update, bad_code + say("already_joined" if was_in else "joined_again"))
        return
    text = bad_code + say("welcome", privacy=say("privacy"))
    buttons = [
        [{"text": say("join_yes"), "data": encode(Join(cohort.invite_code if cohort else ""))}],
        [{"text": say("join_no"), "data": encode(Decline())}],
    ]
    if await svc.store.claim_update(update.update_id, svc.now()):
        await reply(update, text, keyboard(buttons))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot can do."""
    await _reply_once(services(context), update, say("help"))


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what is kept and who sees it."""
    await _reply_once(services(context), update, say("privacy"))


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: no more messages until /start."""
    svc = services(context)
    user_id = _user_id(update)
    if await svc.store.contact(user_id) is None:
        await _reply_once(svc, update, say("stopped"))
    elif await svc.store.set_status(user_id, ContactStatus.STOPPED, update.update_id):
        log.info("contact stopped")
        await reply(update, say("stopped"))


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete: explain what is removed and ask to confirm."""
    buttons = [
        [{"text": say("delete_yes"), "data": encode(Delete(confirmed=True))}],
        [{"text": say("delete_no"), "data": encode(Delete(confirmed=False))}],
    ]
    svc = services(context)
    if await svc.store.claim_update(update.update_id, svc.now()):
        await reply(update, say("delete_ask"), keyboard(buttons))


async def on_checkin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkin: resume the started check-in, or start the open one."""
    svc = services(context)
    contact = await conversation.joined_contact(svc, _user_id(update))
    if contact is None:
        await _reply_once(svc, update, say("start_first"))
        return
    started = await conversation.checkin_in_progress(svc, contact)
    if started is not None:
        await conversation.begin(svc, update, started[0], contact)
        return
    checkin, finished_one = await conversation.next_checkin(svc, contact)
    if checkin is None:
        await _reply_once(svc, update, say("already_done" if finished_one else "no_checkin"))
        return
    await conversation.begin(svc, update, checkin, contact)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text: an answer if a text question is waiting, otherwise a gentle pointer."""
    svc = services(context)
    message = update.effective_message
    assert message is not None and message.text is not None
    await _survey_event(svc, update, engine.Text(message.text), "nothing_to_answer")


async def on_unreadable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes and the rest: say what the bot can read."""
    await _survey_event(services(context), update, engine.Unreadable(), "text_only", "text_only")


async def _survey_event(
    svc: Services,
    update: Update,
    event: engine.Event,
    otherwise: str,
    stranger: str = "start_first",
) -> None:
    """Hand ``event`` to the started check-in; with none, reply ``otherwise`` (or ``stranger``
    to someone who has not joined)."""
    contact = await conversation.joined_contact(svc, _user_id(update))
    if contact is None:
        await _reply_once(svc, update, say(stranger))
        return
    started = await conversation.checkin_in_progress(svc, contact)
    if started is None:
        await _reply_once(svc, update, say(otherwise))
        return
    checkin, state = started
    await conversation.step(svc, update, checkin, state, event, contact)


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message never changes an answer; say so kindly."""
    await _reply_once(services(context), update, say("edited"))


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group: one polite line per group, ever, then silence (a group id is not personal)."""
    svc = services(context)
    chat = update.effective_chat
    if chat is None:
        return
    key = f"greeted_group:{chat.id}"
    if await svc.store.get_meta(key) is not None:
        return
    await svc.store.set_meta(key, "1")
    await _reply_once(svc, update, say("group"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure's type only, and tell the person something went wrong."""
    error = context.error
    log.error(
        "handling an update failed: %s",
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if (
        isinstance(update, Update)
        and update.effective_chat
        and update.effective_chat.type == "private"
    ):
        try:
            await update.effective_chat.send_message(say("sorry_error"))
        except Exception:
            log.warning("could not send the error apology")
