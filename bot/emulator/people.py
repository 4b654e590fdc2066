"""Simulated young people and group chats for tests of the Youth Voice Bot API emulator.

They read like a chat: `await sam.send("/start")`, `reply = await sam.next_reply()`,
`await sam.tap("Join")`. Every wait is event-driven and ends in an AssertionError that shows
the conversation so far.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from .messages import BotMessage
from .world import Chat, Person, World

JSON = dict[str, Any]
_media_ids = itertools.count(1)


class ChatView:
    """Reads what the bot did in one chat: messages now, and a cursor over what is new."""

    def __init__(self, world: World, chat: Chat) -> None:
        self.world = world
        self.chat = chat
        self._read = 0

    @property
    def chat_id(self) -> int:
        return self.chat.id

    def messages(self) -> list[BotMessage]:
        """Every bot message still in the chat, oldest first, as it looks now."""
        return [
            message.snapshot()
            for message in self.chat.messages.values()
            if message.from_bot and not message.deleted
        ]

    def last_message(self) -> BotMessage | None:
        shown = self.messages()
        return shown[-1] if shown else None

    def transcript(self) -> str:
        """The conversation so far, one line per message, press or edit."""
        return "\n".join(self.chat.transcript) or "(nothing yet)"

    def unread(self) -> list[BotMessage]:
        """Bot messages and edits since the last one read, and mark them read."""
        fresh = self.chat.events[self._read :]
        self._read = len(self.chat.events)
        return fresh

    async def next_reply(self, timeout: float = 5.0) -> BotMessage:
        """The next thing the bot did here after the last one read: a new message or an edit."""
        return (await self.replies(1, timeout))[0]

    async def replies(self, count: int, timeout: float = 5.0) -> list[BotMessage]:
        """The next `count` bot messages or edits, waiting up to `timeout` seconds for them."""
        wanted = self._read + count
        await self._wait(lambda: len(self.chat.events) >= wanted, timeout, f"{count} more replies")
        fresh = self.chat.events[self._read : wanted]
        self._read = wanted
        return fresh

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[BotMessage]:
        """Wait until the chat holds at least `count` bot messages; returns them all."""
        await self._wait(lambda: len(self.messages()) >= count, timeout, f"{count} bot messages")
        return self.messages()

    async def assert_no_reply(self, within: float = 0.3) -> None:
        """Fail if the bot sends or edits anything here in the next `within` seconds."""
        seen = len(self.chat.events)
        if await self.chat.signal.wait_until(lambda: len(self.chat.events) > seen, within):
            extra = "\n".join(str(event) for event in self.chat.events[seen:])
            raise AssertionError(f"expected no reply in chat {self.chat.id}, got:\n{extra}")

    async def _wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        if not await self.chat.signal.wait_until(ready, timeout):
            raise AssertionError(
                f"waited {timeout:g}s for {what} in chat {self.chat.id}; "
                f"conversation so far:\n{self.transcript()}"
            )


class SimGroup(ChatView):
    """A group chat people can write in; the bot's messages there are read like a user's."""

    @property
    def title(self) -> str:
        return self.chat.title or ""


class SimUser(ChatView):
    """A simulated young person with a private chat whose id is their user id."""

    def __init__(self, world: World, person: Person) -> None:
        super().__init__(world, world.chats[person.id])
        self.person = person

    @property
    def id(self) -> int:
        return self.person.id

    @property
    def name(self) -> str:
        return self.person.first_name

    async def send(self, text: str) -> JSON:
        """Type `text` to the bot; returns the Message as the bot will receive it."""
        return self.world.user_says(self.person, self.chat, text)

    async def send_in_group(self, group: SimGroup, text: str) -> JSON:
        return self.world.user_says(self.person, group.chat, text)

    async def edit(self, message_id: int, text: str) -> JSON:
        """Edit one of this person's own messages (the bot gets an edited_message update)."""
        return self.world.user_edits(self.person, self.chat, message_id, text)

    async def send_sticker(self, emoji: str = "👍") -> JSON:
        sticker = {
            **_media("sticker", 20_000),
            "width": 512,
            "height": 512,
            "emoji": emoji,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return self.world.user_says(self.person, self.chat, None, {"sticker": sticker})

    async def send_photo(self, caption: str | None = None) -> JSON:
        extra: JSON = {"photo": [{**_media("photo", 80_000), "width": 1280, "height": 960}]}
        if caption:
            extra["caption"] = caption
        return self.world.user_says(self.person, self.chat, None, extra)

    async def send_voice(self, seconds: int = 3) -> JSON:
        voice = {**_media("voice", 6_000 * seconds), "duration": seconds, "mime_type": "audio/ogg"}
        return self.world.user_says(self.person, self.chat, None, {"voice": voice})

    async def tap(self, text: str, timeout: float = 5.0) -> str:
        """Press the button labelled `text` on the newest bot message showing it.

        Waits up to `timeout` seconds for such a button; returns the callback query id.
        """
        found: list[BotMessage] = []

        def visible() -> bool:
            found[:] = [m for m in reversed(self.messages()) if m.button(text)]
            return bool(found)

        if not await self.chat.signal.wait_until(visible, timeout):
            shown = [f"#{m.message_id}: {m.button_texts}" for m in self.messages() if m.buttons]
            raise AssertionError(
                f"{self.name} sees no button {text!r}; buttons visible: {shown or 'none'}\n"
                f"conversation so far:\n{self.transcript()}"
            )
        button = found[0].button(text)
        assert button is not None
        if button.is_link:
            raise AssertionError(f"button {text!r} is a link to {button.data}, not a callback")
        return self.world.user_taps(self.person, self.chat, found[0].message_id, button.data)

    async def tap_data(self, data: str, message_id: int | None = None) -> str:
        """Send a callback query with any data: forged, stale, or for a deleted message."""
        if message_id is None:
            last = self.last_message()
            message_id = last.message_id if last else 1
        return self.world.user_taps(self.person, self.chat, message_id, data)

    def toasts(self) -> list[str]:
        """Texts of answerCallbackQuery notifications shown to this person, in order."""
        return [text for text, _ in self.world.toasts.get(self.id, [])]

    def alerts(self) -> list[str]:
        """The toasts that were shown as alerts (`show_alert=True`)."""
        return [text for text, alert in self.world.toasts.get(self.id, []) if alert]

    def block(self) -> None:
        self.person.blocked = True

    def unblock(self) -> None:
        self.person.blocked = False

    def deactivate(self) -> None:
        self.person.deactivated = True


def _media(kind: str, size: int) -> JSON:
    number = next(_media_ids)
    return {
        "file_id": f"EMU{kind.upper()}IN{number:06d}",
        "file_unique_id": f"u{kind}{number}",
        "file_size": size,
    }
