"""Turns engine effects and outbox payloads into Telegram text and inline keyboards, and sends
plain replies. Button data is written by ``bot.actions.button_data``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.actions.button_data import Answer, encode
from bot.actions.people import Shown
from bot.telegram.pacing import chat_turn
from flows.engine import DONE, Ask
from flows.messages import say
from flows.survey import NO, PREFER_NOT, SKIPPED, YES, QuestionType
from flows.texts import in_parts, render, render_buttons

Buttons = list[list[dict[str, str]]]


_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}")


def command_name(text: str) -> str:
    """The command a message starts with (``/name``, as Telegram allows them), lower case,
    without ``@botname``; "" if it starts with none."""
    found = _COMMAND.match(text)
    return found[0].lower() if found else ""


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


def question_text(ask: Ask, lang: str) -> str:
    header = say("progress", lang, number=ask.number, total=ask.total)
    text = f"{header}\n\n{ask.question.text_for(lang)}"
    if ask.question.details:
        text += "\n\n" + ask.question.details
    if ask.question.type is QuestionType.TEXT:
        text += "\n\n" + say("text_hint", lang)
    return text


def question_buttons(ask: Ask, checkin_id: int, lang: str) -> Buttons:
    """One button a row for easy tapping; yes/no side by side; skip and prefer-not last."""
    question = ask.question

    def button(text: str, value: str) -> dict[str, str]:
        return {"text": text, "data": encode(Answer(checkin_id, question.id, value))}

    rows: Buttons = []
    if question.type is QuestionType.YESNO:
        rows.append([button(say("yes", lang), YES), button(say("no", lang), NO)])
    elif question.type is QuestionType.SCALE:
        rows.extend([button(question.label_for(v, lang), v)] for v in question.allowed_values())
    elif question.type is QuestionType.CHOICE:
        rows.extend([button(question.label_for(o.id, lang), o.id)] for o in question.options or [])
    elif question.type is QuestionType.MULTI:
        for option in question.options or []:
            tick = "✅ " if option.id in ask.picked else ""
            rows.append([button(tick + question.label_for(option.id, lang), option.id)])
        rows.append([button(say("done", lang), DONE)])
    extras = []
    if question.optional:
        extras.append(button(say("skip", lang), SKIPPED))
    if question.prefer_not_to_say:
        extras.append(button(say("prefer_not", lang), PREFER_NOT))
    if extras:
        rows.append(extras)
    return rows


async def show(update: Update, shown: Shown | None, zone: ZoneInfo) -> None:
    """Carry out what a use case of ``bot.actions.people`` or ``attending`` decided (nothing
    for a repeated update), in the person's language: the press answered, the pressed message
    edited or its buttons taken off (left alone when refused), then the messages sent.
    In easy read each message goes in parts (``flows.texts.in_parts``), and an edit shows the
    new words' last part: the pressed message is the last part of the one it belongs to."""
    if shown is None:
        return
    lang, query = shown.language, update.callback_query
    if query is not None:
        await query.answer(say(shown.popup, lang) if shown.popup else None)
        if shown.edit is not None:
            words = render(shown.edit[0], lang, zone)
            buttons = render_buttons(shown.edit[1], lang, zone)
            edited, buttons = in_parts(words, buttons, lang, [])[-1]
            if not isinstance(query.message, Message) or query.message.text != edited:
                await query.edit_message_text(edited, reply_markup=keyboard(buttons))
        elif shown.popup is None:
            await remove_buttons(query)
    sent = 0
    for text, buttons in shown.messages:
        words = render(text, lang, zone)
        for part, part_buttons in in_parts(words, render_buttons(buttons, lang, zone), lang, []):
            await chat_turn(sent)
            await reply(update, part, keyboard(part_buttons))
            sent += 1
