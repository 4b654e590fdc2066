""" "You said, we did" for young people: the feedback buttons, "Tell us more" and /updates,
doors onto ``bot.actions.feedback``."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.actions import feedback
from bot.actions.button_data import Feedback
from bot.actions.people import Shown
from bot.runtime.outcomes import Unknown
from bot.services import Services
from bot.telegram.context import services
from bot.telegram.render import keyboard, reply, show
from bot.telegram.sender import outcome_of
from flows.messages import say
from flows.texts import render_buttons

log = logging.getLogger(__name__)


async def on_feedback(svc: Services, update: Update, query: CallbackQuery, press: Feedback) -> None:
    """ "That helps" / "Not enough": answer the tap, then redraw the buttons with the new
    choice marked and carried in their data.

    If Telegram refuses the redraw (it answered with an error), the count is moved back, so
    the counts match what the person's buttons still say. If the outcome is unknown (no
    answer in time), the count stays: the redraw has most likely reached them, and undoing it
    then would let their next tap take a count from someone else's choice."""
    outcome = await feedback.press(svc, query.from_user.id, press, update.update_id)
    if not isinstance(outcome, feedback.Redraw):
        await show(update, outcome, svc.settings.zone)
        return
    lang = outcome.language
    await query.answer(say(outcome.popup, lang))
    markup = keyboard(render_buttons(outcome.buttons, lang, svc.settings.zone))
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except TelegramError as exc:
        if isinstance(exc, BadRequest) and "not modified" in exc.message.lower():
            return  # the buttons already show this choice
        if isinstance(outcome_of(exc), Unknown):  # no answer, or cut after it went
            log.warning("feedback buttons perhaps not redrawn: %s", type(exc).__name__)
            return
        await _not_saved(svc, update, outcome)


async def _not_saved(svc: Services, update: Update, outcome: feedback.Redraw) -> None:
    await feedback.undo(svc, update.effective_user.id if update.effective_user else 0, outcome)
    log.info("feedback buttons not redrawn; the count was moved back")
    if outcome.moved:
        try:
            await reply(update, say("feedback_not_saved", outcome.language))
        except TelegramError as exc:
            log.warning("could not say the feedback was not saved: %s", type(exc).__name__)


async def on_tell_more(svc: Services, update: Update, posted_id: int) -> None:
    """ "Tell us more": the person's next words are a note on the update."""
    user = update.effective_user
    assert user is not None
    shown = await feedback.ask_more(svc, user.id, posted_id, update.update_id)
    await show(update, shown, svc.settings.zone)


async def take_note(svc: Services, update: Update, text: str) -> bool:
    """Words after "Tell us more" (the safety net has read them): kept as an anonymous note.
    Whether they were such words."""
    user = update.effective_user
    assert user is not None
    noted, shown = await feedback.take_note(svc, user.id, text, update.update_id)
    if noted:
        await show(update, shown, svc.settings.zone)
    return noted


async def on_updates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/updates: what changed because of what young people said, newest first."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    shown: Shown | None = await feedback.latest(svc, user.id, update.update_id)
    await show(update, shown, svc.settings.zone)
