"""Shows a check-in in the chat: carries out what ``bot.actions.answering`` decided, as Telegram
calls. The use case has already written (with the update id) before anything is sent here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError

from bot.actions import replies
from bot.actions.answering import Outcome
from bot.actions.people import Shown
from bot.services import Services
from bot.telegram.pacing import chat_turn
from bot.telegram.render import keyboard
from bot.telegram.render import show as show_said
from bot.telegram.screen import ClearButtons, MarkPressed, Popup, RedrawPressed, Send, screen
from flows.engine import Effect
from flows.safety import SupportContact

log = logging.getLogger(__name__)


async def show(svc: Services, update: Update, outcome: Outcome) -> None:
    """Carry out what a check-in use case decided, in this chat (nothing for a repeat). A reply
    that does not get through is left to the delivery loop, which shows the question again."""
    if outcome is None:
        return
    if isinstance(outcome, Shown):
        await show_said(update, outcome, svc.settings.zone)
        return
    sent_at = svc.now()  # read before sending, so never later than the person sees it
    try:
        shown = await render(
            update, outcome.checkin_id, outcome.effects, outcome.language, svc.safety.contacts
        )
    except TelegramError as exc:
        log.warning("a reply did not get through (%s); it will be shown again", type(exc).__name__)
        assert update.effective_chat is not None  # render needs one too
        await replies.failed(svc, update.effective_chat.id, outcome)
        return
    replies.shown(svc, outcome)
    if shown is not None and outcome.question_id is not None:
        svc.shown.remember(outcome.link, outcome.question_id, shown, sent_at)


async def render(
    update: Update,
    checkin_id: int,
    effects: Sequence[Effect],
    lang: str,
    contacts: Sequence[SupportContact] | None = None,
) -> int | None:
    """Carry out the engine's effects as Telegram calls: a button press is answered first, at
    once; then the pressed message is edited and the new messages sent. Returns the id of the
    message showing a question, if one was sent. Raises if a new message does not get through
    (edits are cosmetic: one that fails is left as it was)."""
    query = update.callback_query
    chat = update.effective_chat
    assert chat is not None
    ops = screen(effects, checkin_id, lang, query is not None, contacts)
    if query is not None:
        popup = next((op.text for op in ops if isinstance(op, Popup)), None)
        await _answer(query, popup)
    question_message: int | None = None
    sends = 0
    for op in ops:
        if isinstance(op, Send):
            await chat_turn(sends)
            sends += 1
            sent = await chat.send_message(op.text, reply_markup=keyboard(op.buttons))
            question_message = sent.message_id if op.question else question_message
        elif isinstance(op, ClearButtons):
            await _cosmetic(
                update.get_bot().edit_message_reply_markup(
                    chat_id=chat.id, message_id=op.message_id
                )
            )
        elif query is None:
            continue
        elif isinstance(op, MarkPressed):
            await _confirm(query, op.line)
        elif isinstance(op, RedrawPressed):
            # "Message is not modified" means it already shows the ticks (it fell behind when
            # an earlier redraw was refused): the tick is stored either way.
            await _cosmetic(query.edit_message_reply_markup(reply_markup=keyboard(op.buttons)))
    return question_message


async def _answer(query: CallbackQuery, popup: str | None) -> None:
    """Answer the press (Telegram refuses an answer that comes too late; the rest still goes)."""
    try:
        await query.answer(popup)
    except TelegramError as exc:
        log.info("could not answer a button press: %s", type(exc).__name__)


async def _cosmetic(call: Awaitable[object]) -> None:
    """An edit that only tidies the chat: if Telegram will not make it (too old, unchanged,
    or Telegram is failing), the chat stays as it was and the turn goes on."""
    try:
        await call
    except TelegramError as exc:
        log.info("could not tidy a message: %s", type(exc).__name__)


async def _confirm(query: CallbackQuery, line: str) -> None:
    """Show the answer under its question. Only cosmetic: if Telegram will not edit the message
    (too old, already edited), the answer is stored anyway and the next question still comes."""
    message = query.message
    text = message.text if isinstance(message, Message) and message.text else ""
    await _cosmetic(query.edit_message_text(f"{text}\n\n{line}".strip(), reply_markup=None))
