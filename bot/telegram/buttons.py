"""Button presses. Button data comes back from the phone, so it is parsed and checked against
the database; anything unknown or out of date gets "this button has expired" and changes nothing.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.actions import answering, people
from bot.services import Services
from bot.telegram import conversation, meetings
from bot.telegram.context import services
from bot.telegram.conversation import toast
from bot.telegram.render import button_id, show

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
    shown = await people.join(svc, query.from_user.id, code, update.update_id)
    await show(update, shown, svc.settings.zone)


async def _decline(svc: Services, update: Update, query: CallbackQuery) -> None:
    shown = await people.decline(svc, query.from_user.id, update.update_id)
    await show(update, shown, svc.settings.zone)


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
    shown = await people.delete(svc, query.from_user.id, confirmed, update.update_id)
    await show(update, shown, svc.settings.zone)
