"""Meetings for young people: /meetings and the RSVP buttons, doors onto
``bot.actions.attending``."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.actions import attending
from bot.actions.button_data import MeetingReply
from bot.services import Services
from bot.telegram.context import services
from bot.telegram.render import show


async def on_rsvp(svc: Services, update: Update, query: CallbackQuery, press: MeetingReply) -> None:
    """Going / Maybe / Can't make it: record the answer, changeable until the start."""
    shown = await attending.reply(
        svc, query.from_user.id, press.meeting_id, press.answer, update.update_id
    )
    await show(update, shown, svc.settings.zone)


async def on_meetings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/meetings: what is coming up, with the person's own answer and buttons to change it."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    shown = await attending.coming_up(svc, user.id, update.update_id)
    await show(update, shown, svc.settings.zone)
