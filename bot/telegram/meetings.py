"""Meetings for young people: RSVP button presses and the /meetings list."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.actions import audience
from bot.actions.answering import joined
from bot.actions.button_data import MeetingReply
from bot.actions.notices import meeting_details, rsvp_buttons
from bot.services import Services
from bot.telegram.context import services
from bot.telegram.conversation import toast
from bot.telegram.render import keyboard, reply
from flows.messages import say
from flows.texts import render, render_buttons
from storage.base import DEFAULT_LANGUAGE, Meeting, Rsvp

SHOWN = 5  # at most this many upcoming meetings in /meetings, soonest first


def _answer_line(answer: Rsvp | None, lang: str) -> str:
    if answer is None:
        return say("meeting_no_answer", lang)
    return say("meeting_your_answer", lang, answer=say(f"meeting_{answer.value}", lang))


def _card(svc: Services, meeting: Meeting, answer: Rsvp | None, lang: str) -> str:
    details = render(meeting_details(meeting), lang, svc.settings.zone)
    return f"📅 {meeting.title}\n{details}\n\n{_answer_line(answer, lang)}"


def _buttons(svc: Services, meeting: Meeting, lang: str) -> InlineKeyboardMarkup | None:
    return keyboard(render_buttons(rsvp_buttons(meeting), lang, svc.settings.zone))


async def on_rsvp(svc: Services, update: Update, query: CallbackQuery, press: MeetingReply) -> None:
    """Going / Maybe / Can't make it: record the answer, changeable until the start."""
    contact = await joined(svc, query.from_user.id)
    meeting = await svc.store.meeting(press.meeting_id)
    if contact is None or meeting is None:
        await toast(svc, update, query)
        return
    if meeting.cancelled:
        await toast(svc, update, query, "meeting_cancelled_toast", contact.language)
        return
    if meeting.starts_at <= svc.now():
        await toast(svc, update, query, "meeting_started", contact.language)
        return
    if not await svc.store.in_audience(audience.invited_to(meeting), contact.chat_id):
        await toast(svc, update, query, lang=contact.language)
        return
    answer = press.answer
    if not await svc.store.set_rsvp(meeting.id, contact.chat_id, answer, update.update_id):
        return
    lang = contact.language
    await query.answer(say("rsvp_thanks", lang))
    message = query.message
    card = _card(svc, meeting, answer, lang)
    if isinstance(message, Message) and message.text != card:
        # Keep the buttons so the answer can change until the start.
        await query.edit_message_text(card, reply_markup=_buttons(svc, meeting, lang))


async def on_meetings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/meetings: what is coming up, with the person's own answer and buttons to change it."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    contact = await joined(svc, user.id)
    if not await svc.store.claim_update(update.update_id, svc.now()):
        return
    if contact is None:
        await reply(update, say("start_first", DEFAULT_LANGUAGE))
        return
    upcoming = [
        m
        for m in await svc.store.meetings(svc.now())
        if await svc.store.in_audience(audience.invited_to(m), contact.chat_id)
    ][:SHOWN]
    if not upcoming:
        await reply(update, say("meetings_none", contact.language))
    for meeting in upcoming:
        answer = await svc.store.rsvp(meeting.id, contact.chat_id)
        lang = contact.language
        await reply(update, _card(svc, meeting, answer, lang), _buttons(svc, meeting, lang))
