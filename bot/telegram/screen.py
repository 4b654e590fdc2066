"""What the chat should show for the engine's effects, as plain data: the pure half of
``conversation.render``, so golden transcripts check the bot's own rendering without Telegram.
In easy read, what the bot says is one message a paragraph; a question is one message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.telegram.render import Buttons, question_buttons, question_text
from flows.engine import Ask, Confirm, Effect, Say, Support, Toast, answer_label
from flows.messages import say
from flows.safety import SupportContact, default_support_contacts, support_message
from flows.texts import in_parts, in_reading


@dataclass(frozen=True)
class Send:
    """A new message. ``question`` marks the one showing a question, whose id is remembered."""

    text: str
    buttons: Buttons
    question: bool = False


@dataclass(frozen=True)
class MarkPressed:
    """Add ``line`` under the message whose button was pressed, and take its buttons off."""

    line: str


@dataclass(frozen=True)
class RedrawPressed:
    """New buttons on the message whose button was pressed (multi ticks)."""

    buttons: Buttons


@dataclass(frozen=True)
class ClearButtons:
    """Take the buttons off an earlier message (an answered or out-of-date question)."""

    message_id: int


@dataclass(frozen=True)
class Popup:
    """Answer the button press, with a small pop-up when ``text`` is set."""

    text: str | None


Op = Send | MarkPressed | RedrawPressed | ClearButtons | Popup


def screen(
    effects: Sequence[Effect],
    checkin_id: int,
    lang: str,
    pressed: bool,
    contacts: Sequence[SupportContact] | None = None,
) -> list[Op]:
    """The chat operations for ``effects``; ``pressed`` if a button press caused them (it is
    answered once, last). ``Support`` lists ``contacts`` (default: the bundled UK ones)."""
    ops: list[Op] = []
    popup: str | None = None
    for effect in effects:
        if isinstance(effect, Toast):
            popup = say(effect.key, lang, **effect.params)
        elif isinstance(effect, Confirm) and pressed:
            ops.append(MarkPressed(say("your_answer", lang, label=_label(effect, lang))))
        elif isinstance(effect, Confirm) and effect.message_id is not None:
            ops.append(ClearButtons(effect.message_id))
        elif isinstance(effect, Ask):
            buttons = question_buttons(effect, checkin_id, lang)
            if effect.refresh and pressed:
                ops.append(RedrawPressed(buttons))
                continue
            if effect.replaces is not None:
                ops.append(ClearButtons(effect.replaces))
            ops.append(Send(question_text(effect, lang), buttons, question=True))
        elif isinstance(effect, Say):
            params = {name: in_reading(value, lang) for name, value in effect.params.items()}
            words = say(effect.key, lang, **params)
            none: Buttons = []
            ops.extend(Send(part, kept) for part, kept in in_parts(words, none, lang, none))
        elif isinstance(effect, Support):
            # One message, even in easy read: the numbers stay together with the words
            # that say who they are for.
            listed = default_support_contacts() if contacts is None else contacts
            ops.append(Send(support_message(listed, lang, urgent=effect.urgent), []))
    if pressed:
        ops.append(Popup(popup))
    return ops


def _label(confirm: Confirm, lang: str) -> str:
    """The answer taken, in the reader's words when the engine gave the answer itself."""
    if confirm.value is None:
        return confirm.label
    return answer_label(confirm.question, confirm.value, lang)
