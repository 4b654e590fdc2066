"""Turns engine effects and outbox payloads into Telegram text and inline keyboards, and sends
plain replies.

Button data is short and untrusted: ``a:<checkin>:<question>:<value>`` and friends, always
checked against the database before anything changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from flows.engine import DONE, Ask
from flows.messages import say
from flows.schedule import format_local
from flows.survey import NO, PREFER_NOT, SKIPPED, YES, QuestionType
from storage.base import Meeting

Buttons = list[list[dict[str, str]]]


def button_id(text: str) -> int | None:
    """An id from button data, or None: ASCII digits only ("²".isdigit() is true), and short
    enough for a SQLite integer, so forged data cannot raise."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


async def remove_buttons(query: CallbackQuery) -> None:
    """Take the buttons off a message once used. Cosmetic: if Telegram will not edit it (too
    old, already without buttons), leave it; the press has been handled."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)


def keyboard(buttons: Sequence[Sequence[Mapping[str, str]]]) -> InlineKeyboardMarkup | None:
    """Payload buttons (``{"text", "data"}`` or ``{"text", "url"}``) as a Telegram keyboard."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b["text"], url=b["url"])
                if "url" in b
                else InlineKeyboardButton(b["text"], callback_data=b["data"])
                for b in row
            ]
            for row in buttons
        ]
    )


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send a message to the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(text, reply_markup=markup)


def question_text(ask: Ask, lang: str = "en") -> str:
    header = say("progress", lang, number=ask.number, total=ask.total)
    text = f"{header}\n\n{ask.question.text}"
    if ask.question.type is QuestionType.TEXT:
        text += "\n\n" + say("text_hint", lang, limit=ask.question.text_cap)
    return text


def question_buttons(ask: Ask, checkin_id: int, lang: str = "en") -> Buttons:
    """One button a row for easy tapping; yes/no side by side; skip and prefer-not last."""
    question = ask.question

    def button(text: str, value: str) -> dict[str, str]:
        return {"text": text, "data": f"a:{checkin_id}:{question.id}:{value}"}

    rows: Buttons = []
    if question.type is QuestionType.YESNO:
        rows.append([button(say("yes", lang), YES), button(say("no", lang), NO)])
    elif question.type is QuestionType.SCALE:
        rows.extend([button(question.label_for(v), v)] for v in question.allowed_values())
    elif question.type is QuestionType.CHOICE:
        rows.extend([button(o.label, o.id)] for o in question.options or [])
    elif question.type is QuestionType.MULTI:
        for option in question.options or []:
            tick = "✅ " if option.id in ask.picked else ""
            rows.append([button(tick + option.label, option.id)])
        rows.append([button(say("done", lang), DONE)])
    extras = []
    if question.optional:
        extras.append(button(say("skip", lang), SKIPPED))
    if question.prefer_not_to_say:
        extras.append(button(say("prefer_not", lang), PREFER_NOT))
    if extras:
        rows.append(extras)
    return rows


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
