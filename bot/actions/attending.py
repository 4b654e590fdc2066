"""Meetings for a young person: what is coming up for them, with their own answer, and their
answer to an invitation (Going, Maybe, Can't make it), changeable until the meeting starts."""

from __future__ import annotations

from bot.actions import audience
from bot.actions.answering import joined
from bot.actions.notices import meeting_details, rsvp_buttons
from bot.actions.people import Shown, join_first, refuse
from bot.services import Services
from flows.texts import Text, lines, message
from storage.base import DEFAULT_LANGUAGE, Meeting, Rsvp

SHOWN = 5  # at most this many upcoming meetings in /meetings, soonest first


def card(meeting: Meeting, answer: Rsvp | None, now: float) -> Text:
    """A meeting as a young person sees it: what, when, where, and what they said."""
    said = (
        message("meeting_no_answer")
        if answer is None
        else message("meeting_your_answer", answer=message(f"meeting_{answer.value}"))
    )
    return lines(f"📅 {meeting.title}", meeting_details(meeting, now), "", said)


async def coming_up(svc: Services, chat_id: int, update_id: int) -> Shown | None:
    """/meetings: the next few meetings for this person, each with their answer and buttons."""
    contact = await joined(svc, chat_id)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    if contact is None:
        key = join_first(svc, await svc.store.contact(chat_id))
        return Shown(DEFAULT_LANGUAGE, [(message(key), [])])
    upcoming = [
        m
        for m in await svc.store.meetings(svc.now())
        if await svc.store.in_audience(audience.invited_to(m), chat_id)
    ][:SHOWN]
    if not upcoming:
        return Shown(contact.locale, [(message("meetings_none"), [])])
    cards = [
        (card(m, await svc.store.rsvp(m.id, chat_id), svc.now()), rsvp_buttons(m)) for m in upcoming
    ]
    return Shown(contact.locale, cards)


async def reply(
    svc: Services, chat_id: int, meeting_id: int, answer: Rsvp, update_id: int
) -> Shown | None:
    """An RSVP button: record the answer and show it on the invitation, whose buttons stay so
    the answer can change until the start."""
    contact = await joined(svc, chat_id)
    meeting = await svc.store.meeting(meeting_id)
    if contact is None or meeting is None:
        return await refuse(svc, update_id, "button_expired", contact)
    if meeting.cancelled:
        return await refuse(svc, update_id, "meeting_cancelled_toast", contact)
    if meeting.starts_at <= svc.now():
        return await refuse(svc, update_id, "meeting_started", contact)
    if not await svc.store.in_audience(audience.invited_to(meeting), chat_id):
        return await refuse(svc, update_id, "button_expired", contact)
    if not await svc.store.set_rsvp(meeting.id, chat_id, answer, update_id):
        return None
    shown = (card(meeting, answer, svc.now()), rsvp_buttons(meeting))
    return Shown(contact.locale, popup="rsvp_thanks", edit=shown)
