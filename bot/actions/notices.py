"""Messages the bot starts (invitations, reminders, meeting notices), built as outbox data.

Nothing here talks to Telegram: the delivery loop turns this data into a message when it sends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flows.messages import say
from flows.schedule import format_local
from storage.base import Meeting

Buttons = list[list[dict[str, str]]]


def invitation(checkin_id: int, title: str, lang: str = "en") -> dict[str, Any]:
    """The outbox payload inviting someone to a check-in."""
    return _checkin_message("invitation", checkin_id, title, lang)


def checkin_reminder(checkin_id: int, title: str, lang: str = "en") -> dict[str, Any]:
    """The one reminder to someone who has not finished an open check-in."""
    return _checkin_message("reminder", checkin_id, title, lang)


def _checkin_message(key: str, checkin_id: int, title: str, lang: str) -> dict[str, Any]:
    return {
        "text": say(key, lang, title=title),
        "buttons": [[{"text": say("start_button", lang), "data": f"c:{checkin_id}"}]],
    }


def meeting_details(meeting: Meeting, zone: ZoneInfo, lang: str = "en") -> str:
    lines = [say("meeting_when", lang, when=format_local(_local(meeting.starts_at, zone), zone))]
    if meeting.place:
        lines.append(say("meeting_where", lang, place=meeting.place))
    if meeting.notes:
        lines.append(say("meeting_notes", lang, notes=meeting.notes))
    return "\n".join(lines)


def rsvp_buttons(meeting: Meeting, lang: str = "en") -> Buttons:
    """Going / Maybe / Can't make it (and the online link, when there is one)."""
    rows: Buttons = [
        [{"text": say(f"meeting_{answer}", lang), "data": f"m:{meeting.id}:{answer}"}]
        for answer in ("going", "maybe", "no")
    ]
    if meeting.link:
        rows.append([{"text": say("meeting_online", lang), "url": meeting.link}])
    return rows


def meeting_invitation(meeting: Meeting, zone: ZoneInfo, lang: str = "en") -> dict[str, Any]:
    return _meeting_message("meeting_invite", meeting, zone, lang)


def meeting_change(meeting: Meeting, zone: ZoneInfo, lang: str = "en") -> dict[str, Any]:
    return _meeting_message("meeting_changed", meeting, zone, lang)


def _meeting_message(key: str, meeting: Meeting, zone: ZoneInfo, lang: str) -> dict[str, Any]:
    """A meeting's details with the RSVP buttons, under the heading ``key``."""
    details = meeting_details(meeting, zone, lang)
    return {
        "text": say(key, lang, title=meeting.title, details=details),
        "buttons": rsvp_buttons(meeting, lang),
    }


def meeting_cancel(meeting: Meeting, zone: ZoneInfo, lang: str = "en") -> dict[str, Any]:
    when = format_local(_local(meeting.starts_at, zone), zone)
    return {"text": say("meeting_cancelled", lang, title=meeting.title, when=when)}


def meeting_reminder(
    meeting: Meeting, kind: str, zone: ZoneInfo, lang: str = "en"
) -> dict[str, Any]:
    key = "meeting_reminder_1h" if kind == "1h" else "meeting_reminder_24h"
    details = meeting_details(meeting, zone, lang)
    payload: dict[str, Any] = {"text": say(key, lang, title=meeting.title, details=details)}
    if meeting.link:
        payload["buttons"] = [[{"text": say("meeting_online", lang), "url": meeting.link}]]
    return payload


def _local(timestamp: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(timestamp, zone)
