"""Telegram handlers: each turns an update into a plain call on a use case in ``bot/actions``
and shows what it returns.

Handlers log what kind of thing happened, never message text, names or ids.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, ExtBot

from bot.actions import answering, ideas, people, reading
from bot.actions.feedback import end_note_wait
from bot.services import Services
from bot.telegram import care, conversation, feedback
from bot.telegram import ideas as idea_doors
from bot.telegram.context import services
from bot.telegram.pacing import URGENT
from bot.telegram.render import show
from flows import engine
from flows.locales import from_telegram
from flows.messages import say

log = logging.getLogger(__name__)


def _user_id(update: Update) -> int:
    user = update.effective_user
    assert user is not None
    return user.id


def app_language(update: Update) -> str:
    """The language of the person's Telegram app, as a first choice for someone new."""
    user = update.effective_user
    return from_telegram(user.language_code if user else None)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [CODE]: welcome and ask to join, or rejoin someone who stopped."""
    svc = services(context)
    code = context.args[0] if context.args else ""
    language = app_language(update)
    shown = await people.welcome(svc, _user_id(update), code, update.update_id, language)
    await show(update, shown, svc.settings.zone)


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: English or Cymraeg."""
    svc = services(context)
    shown = await reading.ask_language(svc, _user_id(update), update.update_id)
    await show(update, shown, svc.settings.zone)


async def on_easy_read(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/easyread: easy-read on, or off again."""
    svc = services(context)
    shown = await reading.toggle_easy_read(svc, _user_id(update), update.update_id)
    await show(update, shown, svc.settings.zone)


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what is kept and who sees it."""
    await _say_once(update, context, "privacy")


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: no more messages until /start."""
    svc = services(context)
    shown = await people.stop(svc, _user_id(update), update.update_id)
    await show(update, shown, svc.settings.zone)


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete: explain what is removed and ask to confirm."""
    svc = services(context)
    language = app_language(update)
    shown = await people.ask_delete(svc, _user_id(update), update.update_id, language)
    await show(update, shown, svc.settings.zone)


async def on_checkin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkin: resume the started check-in, or start the open one."""
    svc = services(context)
    await end_note_wait(svc, _user_id(update))  # what they type now is for the check-in
    await ideas.end_wait(svc, _user_id(update))
    outcome = await answering.carry_on(svc, _user_id(update), update.update_id)
    await conversation.show(svc, update, outcome)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text: checked for signs of risk first (support at once, and nothing else); then an
    idea if a bare /idea asked for one, a note if "Tell us more" was just tapped, an answer if
    a text question is waiting, otherwise a gentle pointer. Worrying words are never kept as
    an answer or an idea: the question waits for whatever they want to say next."""
    svc = services(context)
    message = update.effective_message
    assert message is not None and message.text is not None
    if await support_first(svc, update, context, message.text):
        return  # never kept as an answer, and no survey words after support
    if await idea_doors.take_awaited(svc, update, message.text):
        return  # words after a bare /idea, kept as an idea tied to nobody
    if await feedback.take_note(svc, update, message.text):
        return  # words after "Tell us more", kept as an anonymous note
    outcome = await answering.event(
        svc, _user_id(update), engine.Text(message.text), update.update_id, "nothing_to_answer"
    )
    await conversation.show(svc, update, outcome)


async def on_urgent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/urgent: the support contacts, at once, whatever state the person is in (joined or not,
    stopped, mid check-in, sending too fast): nothing here reads or writes the database."""
    await _send_support(services(context), update, context, urgent_command=True)


async def on_command_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any command, first: if the words typed with it show signs of risk, support at once and
    nothing else (the command is not carried out); otherwise the command goes on as usual."""
    message = update.effective_message
    if message is None or not message.text:
        return
    if await support_first(services(context), update, context, message.text):
        raise ApplicationHandlerStop


async def support_first(
    svc: Services, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str
) -> bool:
    """Before anything else: if ``text`` shows signs of risk, send support at once (never
    paced, never through the database or the outbox). Whether it did."""
    risk = svc.safety.risk(text)
    if risk is None:
        return False
    log.warning("a message showed signs of risk (%s): support sent at once", risk.value)
    if await _send_support(svc, update, context):
        await care.follow_support(svc, update, context)
    return True


async def _send_support(
    svc: Services,
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    urgent_command: bool = False,
) -> bool:
    """The support contacts, at once (``urgent_command``: asked for with /urgent); whether
    they got through."""
    sent = await _send(
        update, context, svc.safety.support(app_language(update), anytime=urgent_command), URGENT
    )
    if not sent:
        log.error("the support message could not be sent")
    return sent


async def _send(
    update: Update, context: ContextTypes.DEFAULT_TYPE, words: str, lane: str | None = None
) -> bool:
    """One message to this chat without the database; whether Telegram took it."""
    chat = update.effective_chat
    assert chat is not None
    bot = cast(ExtBot[Any], context.bot)  # the Application's bot, with the pacer
    try:
        await bot.send_message(chat.id, words, rate_limit_args=lane)
    except TelegramError as exc:
        log.warning("a message could not be sent: %s", type(exc).__name__)
        return False
    return True


async def on_unreadable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes and the rest: say what the bot can read (only support,
    if a photo's caption shows signs of risk)."""
    svc = services(context)
    caption = update.effective_message.caption if update.effective_message else None
    if caption and await support_first(svc, update, context, caption):
        return
    outcome = await answering.event(
        svc, _user_id(update), engine.Unreadable(), update.update_id, "text_only", "text_only"
    )
    await conversation.show(svc, update, outcome)


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message never changes an answer; say so kindly (after support, if the new
    words show signs of risk)."""
    message = update.effective_message
    if message is not None and message.text:
        await support_first(services(context), update, context, message.text)
    await _say_once(update, context, "edited")


async def _say_once(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    """A message that changes nothing, once per update, in the person's language."""
    svc = services(context)
    shown = await people.say_once(svc, _user_id(update), key, update.update_id)
    await show(update, shown, svc.settings.zone)


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group: one polite line per group, ever, then silence."""
    svc = services(context)
    chat = update.effective_chat
    if chat is not None:
        await show(update, await people.greet_group(svc, chat.id), svc.settings.zone)


async def on_no_sender(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message without a sender: there is no one to answer as, so nothing is done."""
    log.debug("ignored a private message without a sender")


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
            # The contact row may be what failed: the app's language is the best guess.
            await update.effective_chat.send_message(say("sorry_error", app_language(update)))
        except Exception:
            log.warning("could not send the error apology")
