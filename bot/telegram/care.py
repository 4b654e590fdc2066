"""The Telegram side of looking after someone: what follows the support contacts (the question
about getting in touch, and its answer), /help with the contacts first, /pause, /resume and
/mydata. Support and the question go out at once on the urgent lane, without the database.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes, ExtBot

from bot.actions import care, people
from bot.actions.button_data import Pause
from bot.actions.safety import Next, alert_team, consent_buttons
from bot.services import Services
from bot.telegram.context import services
from bot.telegram.pacing import URGENT
from bot.telegram.render import command_name, keyboard, remove_buttons, show
from flows.locales import from_telegram
from flows.messages import say
from flows.texts import lines, render_buttons

log = logging.getLogger(__name__)


async def send_now(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    words: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """One message to this chat at once (never paced, no database); whether it went."""
    chat = update.effective_chat
    assert chat is not None
    bot = cast(ExtBot[Any], context.bot)  # the Application's bot, with the pacer
    try:
        await bot.send_message(chat.id, words, reply_markup=markup, rate_limit_args=URGENT)
    except TelegramError as exc:
        log.warning("a message could not be sent: %s", type(exc).__name__)
        return False
    return True


async def follow_support(svc: Services, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After the support contacts: once a conversation, ask whether someone from the team
    should get in touch, or, with nobody set up to be alerted, say so and give the contacts
    again; otherwise "I'm here too"."""
    user = update.effective_user
    assert user is not None
    lang = from_telegram(user.language_code)  # sent without reading their contact row
    anyone = bool(svc.settings.safeguarding)
    match svc.talks.after_support(user.id, svc.now(), anyone):
        case Next.ASK:
            buttons = keyboard(render_buttons(consent_buttons(), lang, svc.settings.zone))
            await send_now(update, context, say("consent_ask", lang), buttons)
        case Next.NOBODY:
            words = f"{say('consent_nobody', lang)}\n\n{svc.safety.contact_list(lang)}"
            await send_now(update, context, words)
        case Next.STAY:
            await send_now(update, context, say("after_support", lang))


async def on_consent(
    svc: Services,
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    yes: bool,
) -> None:
    """Yes or No to getting in touch. Yes alerts the safeguarding leads (through the outbox,
    never held); No is respected, and the question is not asked again in this conversation."""
    person, lang = query.from_user.id, from_telegram(query.from_user.language_code)
    await query.answer()
    await remove_buttons(query)
    if not yes:
        svc.talks.said_no(person, svc.now())
        await send_now(update, context, say("consent_declined", lang))
        return
    key = await alert_team(svc, person, update.update_id)
    if key is None:
        return  # a repeated update: done the first time
    words = say(key, lang)
    if key == "consent_nobody":
        words = f"{words}\n\n{svc.safety.contact_list(lang)}"
    await send_now(update, context, words)


async def on_help(
    update: Update, context: ContextTypes.DEFAULT_TYPE, more: str | None = None
) -> None:
    """/help: the support contacts first, at once and without the database, whatever state
    the person is in; then what the bot can do, with ``more`` below it (staff commands)."""
    svc = services(context)
    user = update.effective_user
    lang = from_telegram(user.language_code if user else None)
    if not await send_now(update, context, svc.safety.support(lang, anytime=True)):
        log.error("the support message could not be sent")
    assert user is not None
    shown = await people.say_once(svc, user.id, "help", update.update_id)
    if shown is not None and more:
        said, buttons = shown.messages[-1]
        shown.messages[-1] = (lines(said, "", more), buttons)
    await show(update, shown, svc.settings.zone)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know (a typo, or a staff command to anyone else): says so,
    then what the bot can do. The support contacts are for /help and /urgent, and for
    worrying words, which the safety net has read before this (``handlers.on_command_words``)."""
    svc = services(context)
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    lang = from_telegram(user.language_code)
    name = command_name(message.text or "")
    shown = await people.unknown_command(svc, user.id, name, update.update_id, lang)
    await show(update, shown, svc.settings.zone)


async def on_pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pause: a week, a month, or until they say (buttons)."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    await show(update, await care.ask_pause(svc, user.id, update.update_id), svc.settings.zone)


async def on_pause_button(svc: Services, update: Update, press: Pause) -> None:
    """A pause button: hold messages until then, or keep them coming."""
    user = update.effective_user
    assert user is not None
    shown = await care.choose_pause(svc, user.id, press, update.update_id)
    await show(update, shown, svc.settings.zone)


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/resume: messages on again."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    await show(update, await care.resume(svc, user.id, update.update_id), svc.settings.zone)


async def on_mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mydata: what is held about them, and how to delete it."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    await show(update, await care.my_data(svc, user.id, update.update_id), svc.settings.zone)
