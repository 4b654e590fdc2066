"""Runs a check-in for one person: finds their check-in, calls the engine, stores, then renders.

The database is written before anything is sent, in the same transaction as the update id, so
a repeated update changes nothing and a restart resumes at the same question.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot import keys
from bot.actions import audience
from bot.services import Services
from bot.telegram.render import keyboard, question_buttons, question_text, reply
from flows import engine
from flows.engine import Ask, Confirm, Effect, Event, Finish, Say, State, Toast
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
        await render(update, checkin.id, effects, contact.language)


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
        await render(update, checkin.id, effects, contact.language)


async def render(update: Update, checkin_id: int, effects: Sequence[Effect], lang: str) -> None:
    """Carry out the engine's effects as Telegram calls, answering any button press once."""
    query = update.callback_query
    popup: str | None = None
    for effect in effects:
        if isinstance(effect, Toast):
            popup = say(effect.key, lang)
        elif isinstance(effect, Confirm) and query is not None:
            await _confirm(query, say("your_answer", lang, label=effect.label))
        elif isinstance(effect, Ask):
            markup = keyboard(question_buttons(effect, checkin_id, lang))
            if effect.refresh and query is not None:
                await query.edit_message_reply_markup(reply_markup=markup)
            else:
                await reply(update, question_text(effect, lang), markup)
        elif isinstance(effect, Say):
            await reply(update, say(effect.key, lang, **effect.params))
    if query is not None:
        await query.answer(popup)


async def _confirm(query: CallbackQuery, line: str) -> None:
    """Show the answer under its question. Only cosmetic: if Telegram will not edit the message
    (too old, already edited), the answer is stored anyway and the next question still comes."""
    message = query.message
    text = message.text if isinstance(message, Message) and message.text else ""
    try:
        await query.edit_message_text(f"{text}\n\n{line}".strip(), reply_markup=None)
    except BadRequest as exc:
        log.info("could not show an answer on its question: %s", exc.message)
