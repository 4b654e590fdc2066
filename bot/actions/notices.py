"""Messages the bot starts (invitations, reminders, meeting notices), built as outbox data: a
message key and its parameters, rendered in each reader's language when the message is sent.

Nothing here talks to Telegram.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import keys
from bot.actions.button_data import MeetingReply, StartCheckin, decode, encode
from bot.services import Services
from flows.texts import Buttons, Text, lines, local_time, message
from storage.base import Meeting, QueuedMessage, Rsvp


def invitation(checkin_id: int, title: Text) -> dict[str, Any]:
    """The outbox payload inviting someone to a check-in; ``title`` is the survey's title in
    every reading it has (``flows.texts.words``)."""
    return _checkin_message("invitation", checkin_id, title)


def checkin_reminder(checkin_id: int, title: Text) -> dict[str, Any]:
    """The one reminder to someone who has not finished an open check-in."""
    return _checkin_message("reminder", checkin_id, title)


async def needless(svc: Services, queued: QueuedMessage) -> bool:
    """Whether a queued invitation or reminder is for a check-in its reader has finished since
    it was queued (with /checkin, perhaps while it waited for quiet hours to end): the delivery
    loop then ends it unsent, as if sent (nothing in the database may tell who finished)."""
    checkin_id = _checkin_asked(queued.payload)
    if checkin_id is None:
        return False
    return await svc.store.has_finished(checkin_id, keys.link(svc.key, checkin_id, queued.chat_id))


def _checkin_asked(payload: Mapping[str, Any]) -> int | None:
    """The check-in an invitation or reminder asks its reader to start (by its Start button)."""
    text = payload.get("text")
    if not isinstance(text, Mapping) or text.get("key") not in ("invitation", "reminder"):
        return None
    for row in payload.get("buttons") or []:
        for button in row:
            pressed = decode(str(button.get("data", "")))
            if isinstance(pressed, StartCheckin):
                return pressed.checkin_id
    return None


def _checkin_message(key: str, checkin_id: int, title: Text) -> dict[str, Any]:
    return {
        "text": message(key, title=title),
        "buttons": [[{"text": message("start_button"), "data": encode(StartCheckin(checkin_id))}]],
    }


def meeting_details(meeting: Meeting, now: float) -> Text:
    """When (with the year, when it is not the year of ``now``), where and notes, one per
    line."""
    parts: list[Text] = [message("meeting_when", when=local_time(meeting.starts_at, now))]
    if meeting.place:
        parts.append(message("meeting_where", place=meeting.place))
    if meeting.notes:
        parts.append(message("meeting_notes", notes=meeting.notes))
    return lines(*parts)


def rsvp_buttons(meeting: Meeting) -> Buttons:
    """Going / Maybe / Can't make it (and the online link, when there is one)."""
    rows: Buttons = []
    for answer in Rsvp:
        data = encode(MeetingReply(meeting.id, answer))
        rows.append([{"text": message(f"meeting_{answer.value}"), "data": data}])
    if meeting.link:
        rows.append([{"text": message("meeting_online"), "url": meeting.link}])
    return rows


def meeting_invitation(meeting: Meeting, now: float) -> dict[str, Any]:
    return _meeting_message("meeting_invite", meeting, now)


def meeting_change(meeting: Meeting, now: float) -> dict[str, Any]:
    return _meeting_message("meeting_changed", meeting, now)


def _meeting_message(key: str, meeting: Meeting, now: float) -> dict[str, Any]:
    """A meeting's details with the RSVP buttons, under the heading ``key``."""
    return {
        "text": message(key, title=meeting.title, details=meeting_details(meeting, now)),
        "buttons": rsvp_buttons(meeting),
    }


def meeting_cancel(meeting: Meeting, now: float) -> dict[str, Any]:
    when = local_time(meeting.starts_at, now)
    return {"text": message("meeting_cancelled", title=meeting.title, when=when)}


def meeting_reminder(meeting: Meeting, kind: str, now: float) -> dict[str, Any]:
    key = "meeting_reminder_1h" if kind == "1h" else "meeting_reminder_24h"
    payload: dict[str, Any] = {
        "text": message(key, title=meeting.title, details=meeting_details(meeting, now))
    }
    if meeting.link:
        payload["buttons"] = [[{"text": message("meeting_online"), "url": meeting.link}]]
    return payload
