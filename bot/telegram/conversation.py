"""Shows a check-in in the chat: carries out what ``bot.actions.answering`` decided, as Telegram
calls. The use case has already written (with the update id) before anything is sent here.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot.actions.answering import Outcome
from bot.actions.people import Shown
from bot.services import Services
from bot.telegram.render import Buttons, keyboard
from bot.telegram.render import show as show_said
from bot.telegram.screen import ClearButtons, MarkPressed, Popup, RedrawPressed, Send, screen
from flows.engine import Effect

log = logging.getLogger(__name__)


async def show(svc: Services, update: Update, outcome: Outcome) -> None:
    """Carry out what a check-in use case decided, in this chat (nothing for a repeat)."""
    if outcome is None:
        return
    if isinstance(outcome, Shown):
        await show_said(update, outcome, svc.settings.zone)
        return
    sent_at = svc.now()  # read before sending, so never later than the person sees it
    shown = await render(update, outcome.checkin_id, outcome.effects, outcome.language)
    if shown is not None and outcome.question_id is not None:
        svc.shown.remember(outcome.link, outcome.question_id, shown, sent_at)


async def render(
    update: Update, checkin_id: int, effects: Sequence[Effect], lang: str
) -> int | None:
    """Carry out the engine's effects as Telegram calls, answering any button press once.
    Returns the id of the message showing a question, if one was sent."""
    query = update.callback_query
    chat = update.effective_chat
    assert chat is not None
    question_message: int | None = None
    for op in screen(effects, checkin_id, lang, pressed=query is not None):
        if isinstance(op, Send):
            sent = await chat.send_message(op.text, reply_markup=keyboard(op.buttons))
            question_message = sent.message_id if op.question else question_message
        elif isinstance(op, ClearButtons):
            # Cosmetic: a message too old or already without buttons stays as it is.
            with contextlib.suppress(BadRequest):
                await update.get_bot().edit_message_reply_markup(
                    chat_id=chat.id, message_id=op.message_id
                )
        elif query is None:
            continue
        elif isinstance(op, MarkPressed):
            await _confirm(query, op.line)
        elif isinstance(op, RedrawPressed):
            await _redraw(query, op.buttons)
        elif isinstance(op, Popup):
            await query.answer(op.text)
    return question_message


async def _confirm(query: CallbackQuery, line: str) -> None:
    """Show the answer under its question. Only cosmetic: if Telegram will not edit the message
    (too old, already edited), the answer is stored anyway and the next question still comes."""
    message = query.message
    text = message.text if isinstance(message, Message) and message.text else ""
    try:
        await query.edit_message_text(f"{text}\n\n{line}".strip(), reply_markup=None)
    except BadRequest as exc:
        log.info("could not show an answer on its question: %s", exc.message)


async def _redraw(query: CallbackQuery, buttons: Buttons) -> None:
    """Show the ticks on the pressed question. Only cosmetic, like ``_confirm``: the tick is
    stored whatever Telegram says, and "message is not modified" means it already shows them
    (it fell behind when an earlier redraw was refused)."""
    try:
        await query.edit_message_reply_markup(reply_markup=keyboard(buttons))
    except BadRequest as exc:
        log.info("could not redraw a question's ticks: %s", exc.message)
