"""Button presses. Button data comes back from the phone, so it is decoded by
``bot.actions.button_data`` and checked against the database; anything unknown, forged or out of
date gets "this button has expired" and changes nothing.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot import keys
from bot.actions.button_data import (
    Answer,
    Decline,
    Delete,
    Join,
    MeetingReply,
    StartCheckin,
    decode,
)
from bot.services import Services
from bot.telegram import conversation, meetings
from bot.telegram.context import services
from bot.telegram.conversation import toast
from bot.telegram.render import remove_buttons, reply
from flows import engine
from flows.messages import say
from storage.base import ContactStatus

log = logging.getLogger(__name__)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button press by its decoded kind: join, no thanks, start, answer, RSVP, delete."""
    svc = services(context)
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    match decode(query.data or ""):
        case Join(code):
            await _join(svc, update, query, code)
        case Decline():
            await _decline(svc, update, query)
        case StartCheckin(checkin_id):
            await _start_checkin(svc, update, query, checkin_id)
        case Answer() as answer:
            await _answer(svc, update, query, answer)
        case MeetingReply() as reply_to_meeting:
            await meetings.on_rsvp(svc, update, query, reply_to_meeting)
        case Delete(confirmed):
            await _delete(svc, update, query, confirmed)
        case None:
            await toast(svc, update, query)


async def _join(svc: Services, update: Update, query: CallbackQuery, code: str) -> None:
    # The welcome carries a code only when it was a real one; an unknown code is forged.
    cohort = await svc.store.cohort_by_code(code) if code else None
    if code and cohort is None:
        await toast(svc, update, query)
        return
    user_id = query.from_user.id
    before = await svc.store.contact(user_id)
    if not await svc.store.join(
        user_id, cohort.id if cohort else None, "en", svc.today(), update.update_id
    ):
        return
    log.info("contact joined")
    await query.answer()
    await remove_buttons(query)
    if before is None:
        await reply(update, say("joined"))
    else:
        was_in = before.status is ContactStatus.JOINED
        await reply(update, say("already_joined" if was_in else "joined_again"))


async def _decline(svc: Services, update: Update, query: CallbackQuery) -> None:
    # "No thanks" on an older welcome after joining: the reply promises no more messages.
    contact = await svc.store.contact(query.from_user.id)
    if contact is not None and contact.status is ContactStatus.JOINED:
        claimed = await svc.store.set_status(
            contact.chat_id, ContactStatus.STOPPED, update.update_id
        )
    else:
        claimed = await svc.store.claim_update(update.update_id, svc.now())
    if not claimed:
        return
    await query.answer()
    await remove_buttons(query)
    await reply(update, say("not_joined"))


async def _start_checkin(
    svc: Services, update: Update, query: CallbackQuery, checkin_id: int
) -> None:
    contact = await conversation.joined_contact(svc, query.from_user.id)
    checkin = await svc.store.checkin(checkin_id)
    if contact is None or checkin is None or checkin.survey_id not in svc.surveys:
        await toast(svc, update, query, "button_expired" if contact else "start_first")
        return
    if not await conversation.invited(svc, checkin, contact):
        await toast(svc, update, query)
        return
    if not checkin.is_open(svc.now()):
        await toast(svc, update, query, "checkin_closed")
        return
    await conversation.begin(svc, update, checkin, contact)


async def _answer(svc: Services, update: Update, query: CallbackQuery, answer: Answer) -> None:
    contact = await conversation.joined_contact(svc, query.from_user.id)
    checkin = await svc.store.checkin(answer.checkin_id)
    if contact is None or checkin is None or not await conversation.invited(svc, checkin, contact):
        await toast(svc, update, query)
        return
    if not checkin.is_open(svc.now()):
        await toast(svc, update, query, "checkin_closed")
        return
    link = keys.link(svc.key, checkin.id, contact.chat_id)
    progress = await svc.store.progress(link)
    if progress is None:
        finished = await svc.store.has_finished(checkin.id, link)
        await toast(svc, update, query, "already_finished" if finished else "button_expired")
        return
    state = engine.State.from_data(progress.state)
    message_id = query.message.message_id if query.message is not None else None
    press = engine.Press(answer.question_id, answer.value, message_id)
    await conversation.step(svc, update, checkin, state, press, contact)


async def _delete(svc: Services, update: Update, query: CallbackQuery, confirmed: bool) -> None:
    user_id = query.from_user.id
    if not confirmed:
        if await svc.store.claim_update(update.update_id, svc.now()):
            await query.answer()
            await remove_buttons(query)
            await reply(update, say("delete_cancelled"))
        return
    links = [keys.link(svc.key, c.id, user_id) for c in await svc.store.checkins()]
    if await svc.store.erase_person(user_id, links, update.update_id):
        log.info("contact erased")
        await query.answer()
        await remove_buttons(query)
        await reply(update, say("deleted"))
