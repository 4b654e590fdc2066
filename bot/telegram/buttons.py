"""Button presses. Button data comes back from the phone, so it is parsed and checked against
the database; anything unknown or out of date gets "this button has expired" and changes nothing.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot import keys
from bot.actions import answering
from bot.services import Services
from bot.telegram import conversation, meetings
from bot.telegram.context import services
from bot.telegram.conversation import toast
from bot.telegram.render import button_id, remove_buttons, reply
from flows.messages import say
from storage.base import ContactStatus

log = logging.getLogger(__name__)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button press by its prefix: join, no thanks, start, answer, delete."""
    svc = services(context)
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    kind, _, rest = (query.data or "").partition(":")
    if kind == "j":
        await _join(svc, update, query, rest)
    elif kind == "n":
        await _decline(svc, update, query)
    elif kind == "c" and (checkin_id := button_id(rest)) is not None:
        await _start_checkin(svc, update, query, checkin_id)
    elif kind == "a":
        await _answer(svc, update, query, rest)
    elif kind == "m":
        await meetings.on_rsvp(svc, update, query, rest)
    elif kind == "d" and rest in ("yes", "no"):
        await _delete(svc, update, query, rest == "yes")
    else:
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
    outcome = await answering.start(svc, query.from_user.id, checkin_id, update.update_id)
    await conversation.show(svc, update, outcome)


async def _answer(svc: Services, update: Update, query: CallbackQuery, data: str) -> None:
    checkin_part, _, rest = data.partition(":")
    question_id, _, value = rest.partition(":")
    checkin_id = button_id(checkin_part)
    if checkin_id is None:
        await toast(svc, update, query)
        return
    message_id = query.message.message_id if query.message is not None else None
    outcome = await answering.press(
        svc, query.from_user.id, checkin_id, question_id, value, message_id, update.update_id
    )
    await conversation.show(svc, update, outcome)


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
