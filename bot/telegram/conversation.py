"""Runs a check-in for one person: finds their check-in, calls the engine, stores, then renders.

The database is written before anything is sent, in the same transaction as the update id, so
a repeated update changes nothing and a restart resumes at the same question.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot import keys
from bot.actions import audience
from bot.services import Services
from bot.telegram.render import keyboard
from bot.telegram.screen import ClearButtons, MarkPressed, Popup, RedrawPressed, Send, screen
from flows import engine
from flows.engine import Effect, Event, Finish, Say, State
from flows.messages import say
from storage.base import Checkin, Contact, ContactStatus

log = logging.getLogger(__name__)


async def joined_contact(svc: Services, user_id: int) -> Contact | None:
    contact = await svc.store.contact(user_id)
    return contact if contact and contact.status is ContactStatus.JOINED else None


async def toast(
    svc: Services, update: Update, query: CallbackQuery, key: str = "button_expired"
) -> None:
    """A pop-up answer to a button press that changes nothing (silent if the update repeats)."""
    if await svc.store.claim_update(update.update_id, svc.now()):
        await query.answer(say(key))


async def invited(svc: Services, checkin: Checkin, contact: Contact) -> bool:
    """Whether a check-in is for this person (``bot.actions.audience`` decides)."""
    return await svc.store.in_audience(audience.of_checkin(checkin), contact.chat_id)


async def checkin_in_progress(svc: Services, contact: Contact) -> tuple[Checkin, State] | None:
    """The open check-in this person has started and not finished, if any."""
    for checkin in await svc.store.open_checkins(svc.now()):
        if not await invited(svc, checkin, contact):
            continue
        progress = await svc.store.progress(keys.link(svc.key, checkin.id, contact.chat_id))
        if progress is not None and checkin.survey_id in svc.surveys:
            return checkin, State.from_data(progress.state)
    return None


async def next_checkin(svc: Services, contact: Contact) -> tuple[Checkin | None, bool]:
    """An open check-in this person has not finished, and whether one exists they finished."""
    finished_one = False
    for checkin in await svc.store.open_checkins(svc.now()):
        if checkin.survey_id not in svc.surveys or not await invited(svc, checkin, contact):
            continue
        if await svc.store.has_finished(
            checkin.id, keys.link(svc.key, checkin.id, contact.chat_id)
        ):
            finished_one = True
            continue
        return checkin, finished_one
    return None, finished_one


async def begin(svc: Services, update: Update, checkin: Checkin, contact: Contact) -> None:
    """Start ``checkin`` for this person, or resume it where they were."""
    link = keys.link(svc.key, checkin.id, contact.chat_id)
    survey = svc.surveys[checkin.survey_id]
    if await svc.store.has_finished(checkin.id, link):
        if await svc.store.claim_update(update.update_id, svc.now()):
            await render(update, checkin.id, [Say("already_done")], contact.language)
        return
    progress = await svc.store.progress(link)
    if progress is None:
        state, effects = engine.start(survey)
    else:
        state, effects = engine.advance(survey, State.from_data(progress.state), engine.Resume())
    if await svc.store.save_progress(
        link, checkin.id, state.to_data(), svc.today(), update.update_id
    ):
        shown = await render(update, checkin.id, effects, contact.language)
        await _remember(svc, link, checkin.id, state, shown)


async def step(
    svc: Services, update: Update, checkin: Checkin, state: State, event: Event, contact: Contact
) -> None:
    """Apply one event to a started check-in and show the result."""
    survey = svc.surveys[checkin.survey_id]
    new_state, effects = engine.advance(survey, state, event)
    link = keys.link(svc.key, checkin.id, contact.chat_id)
    store, uid = svc.store, update.update_id
    finish = next((e for e in effects if isinstance(e, Finish)), None)
    if finish is not None:
        stored = await store.finish_response(link, checkin.id, finish.answers, svc.today(), uid)
    elif new_state != state:
        stored = await store.save_progress(link, checkin.id, new_state.to_data(), svc.today(), uid)
    else:
        stored = await store.claim_update(uid, svc.now())
    if stored:
        shown = await render(update, checkin.id, effects, contact.language)
        await _remember(svc, link, checkin.id, new_state, shown)


async def _remember(
    svc: Services, link: str, checkin_id: int, state: State, message_id: int | None
) -> None:
    """Store which message shows the question now, so older copies are known to be stale.
    Written after sending (the id comes from Telegram), so it claims no update: the update
    was claimed with the step it carried."""
    if message_id is not None and state.current is not None:
        remembered = engine.shown(state, message_id).to_data()
        await svc.store.save_progress(link, checkin_id, remembered, svc.today(), None)


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
            await query.edit_message_reply_markup(reply_markup=keyboard(op.buttons))
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
