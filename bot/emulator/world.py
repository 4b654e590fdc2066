"""The simulated Telegram of the Youth Voice Bot API emulator: people, chats, updates, stats.

Everything here is synchronous bookkeeping; waiting is done on `Signal`s that wake on change.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .markup import command_entities
from .messages import BotMessage, EventKind, StoredMessage

JSON = dict[str, Any]


class Signal:
    """Wakes every waiter when something changed; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Wait until `ready()` is true; False if `timeout` seconds pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not ready():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                async with asyncio.timeout(remaining):
                    await self._event.wait()
            except TimeoutError:
                return ready()
        return True

    async def changed(self, timeout: float) -> None:
        """Wait for the next change, at most `timeout` seconds. (Not `wait_for`: in Python
        3.11 it can swallow a cancellation that comes as the event is set.)"""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._event.wait()


@dataclass
class Person:
    """A simulated Telegram user."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    started: bool = True
    blocked: bool = False
    deactivated: bool = False
    # Their privacy settings hide their account: a button linking to it is refused.
    hides_account: bool = False

    def to_wire(self) -> JSON:
        wire: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            wire["username"] = self.username
        if self.language_code:
            wire["language_code"] = self.language_code
        return wire


@dataclass
class Chat:
    """A private chat or a group, with its messages and what the bot did in it."""

    id: int
    type: str
    title: str | None = None
    person: Person | None = None
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[BotMessage] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    signal: Signal = field(default_factory=Signal)
    next_message_id: int = 1

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_wire(self) -> JSON:
        if self.person is not None:
            wire: JSON = {"id": self.id, "type": "private", "first_name": self.person.first_name}
            if self.person.username:
                wire["username"] = self.person.username
            return wire
        return {"id": self.id, "type": self.type, "title": self.title or ""}


@dataclass
class CallbackRecord:
    """A button press waiting for (or given) an answerCallbackQuery; times by the emulator's
    clock."""

    user_id: int
    chat_id: int
    pressed_at: float
    answered_at: float | None = None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@dataclass(eq=False)
class QueuedUpdate:
    """An update waiting for getUpdates or the webhook. `attempts`, `not_before` (event loop
    time) and `posting` are the webhook's: failed posts so far, when the next may start, and
    whether one is under way."""

    update_id: int
    payload: JSON
    repeat: bool = False
    delivered: bool = False
    attempts: int = 0
    not_before: float = 0.0
    posting: bool = False


# Telegram's update kinds left out when `allowed_updates` is empty or was never given.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Webhook:
    """What setWebhook set, and the last failed delivery (a Unix time, Telegram's words)."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: tuple[str, ...] = ()
    last_error_date: int | None = None
    last_error_message: str | None = None

    def allows(self, payload: JSON) -> bool:
        """Whether an update of this kind goes out, as Telegram reads `allowed_updates`."""
        kinds = [key for key in payload if key != "update_id"]
        kind = kinds[0] if kinds else ""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_BY_DEFAULT


@dataclass
class Stats:
    """Counters for tests and benchmarks.

    `deliveries` holds, per chat, the `time.monotonic()` moment of each new bot message (the
    rate limiter's clock, so `send_rate` is real messages a second). `press_answer_delays` are
    seconds by the emulator's clock from a button press to the bot's first answer to it, late
    ones (`late_answers`, refused as too old) included. `fault_hits` counts the calls each kind
    of injected fault failed. `webhook_posts` counts updates POSTed to a webhook,
    `webhook_errors` those that failed (and will be posted again), and `webhook_answered` the
    ones answered 2xx, by URL. `in_flight` counts the Bot API calls being answered now (a
    long poll included), `most_in_flight` the most there have been at once.
    """

    calls: Counter[str] = field(default_factory=Counter)
    delivered: int = 0
    edits: int = 0
    deletes: int = 0
    too_many_requests: int = 0
    errors: Counter[int] = field(default_factory=Counter)
    deliveries: dict[int, list[float]] = field(default_factory=dict)
    press_answer_delays: list[float] = field(default_factory=list)
    late_answers: int = 0
    fault_hits: Counter[str] = field(default_factory=Counter)
    webhook_posts: int = 0
    webhook_errors: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    webhook_answered: Counter[str] = field(default_factory=Counter)

    def send_rate(self, chat_id: int | None = None) -> float:
        """Achieved messages a second, first to last delivery (one chat, or all chats)."""
        if chat_id is not None:
            stamps = self.deliveries.get(chat_id, [])
        else:
            stamps = sorted(t for times in self.deliveries.values() for t in times)
        if len(stamps) < 2 or stamps[-1] == stamps[0]:
            return 0.0
        return (len(stamps) - 1) / (stamps[-1] - stamps[0])


class World:
    """All emulator state. Methods are sync; the HTTP layer and test helpers share it."""

    def __init__(self, bot: JSON, clock: Callable[[], float] = time.time) -> None:
        self.bot = bot
        self.clock = clock  # the emulator's now: message dates, press ages
        self.people: dict[int, Person] = {}
        self.chats: dict[int, Chat] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.toasts: dict[int, list[tuple[str, bool]]] = {}
        self.commands: dict[str, list[JSON]] = {}
        # Files the bot uploaded: file_id -> (file_path, bytes), for getFile and downloads.
        self.files: dict[str, tuple[str, bytes]] = {}
        self.stats = Stats()
        self.updates_signal = Signal()
        self.polls = 0  # getUpdates calls so far: a waiting one ends when another comes in
        self.closing = False
        self.webhook: Webhook | None = None
        self._queue: list[QueuedUpdate] = []
        self._history: dict[int, JSON] = {}
        self._update_ids = itertools.count(1)
        self._user_ids = itertools.count(5_000_001)
        self._group_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def add_person(
        self, name: str, username: str | None, language: str | None, started: bool
    ) -> Person:
        person = Person(next(self._user_ids), name, username, language, started)
        self.people[person.id] = person
        self.chats[person.id] = Chat(person.id, "private", person=person)
        return person

    def add_group(self, title: str, kind: str = "supergroup") -> Chat:
        number = next(self._group_ids)
        chat_id = -1_001_000_000_000 - number if kind == "supergroup" else -4_000_000 - number
        chat = Chat(chat_id, kind, title=title)
        self.chats[chat_id] = chat
        return chat

    def new_message(self, chat: Chat, sender: JSON, **fields: Any) -> StoredMessage:
        """Store a message in `chat` from `sender` (a user or the bot)."""
        message = StoredMessage(
            chat.next_message_id, chat.to_wire(), sender, int(self.clock()), **fields
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def user_says(
        self, person: Person, chat: Chat, text: str | None, extra: JSON | None = None
    ) -> JSON:
        """A user's message: stored, queued as an update, returned as the wire Message."""
        entities = command_entities(text) if text else []
        message = self.new_message(
            chat, person.to_wire(), text=text, entities=entities, extra=extra or {}
        )
        if text and text.startswith("/start") and chat.person is person:
            person.started = True
        chat.transcript.append(
            f"{person.first_name}: {text if text is not None else sorted(extra or {})}"
        )
        wire = message.to_wire()
        self.push_update("message", wire)
        return wire

    def user_edits(self, person: Person, chat: Chat, message_id: int, text: str) -> JSON:
        message = chat.messages.get(message_id)
        if message is None or message.sender.get("id") != person.id:
            raise AssertionError(f"{person.first_name} has no message #{message_id} to edit")
        message.text, message.entities = text, command_entities(text)
        message.edit_date = int(self.clock())
        chat.transcript.append(f"{person.first_name} (edited #{message_id}): {text}")
        wire = message.to_wire()
        self.push_update("edited_message", wire)
        return wire

    def user_taps(self, person: Person, chat: Chat, message_id: int, data: str) -> str:
        """Queue a callback query for a press on `message_id`; returns the query id."""
        query_id = f"{person.id}{next(self._callback_ids):08d}"
        self.callbacks[query_id] = CallbackRecord(person.id, chat.id, self.clock())
        message = chat.messages.get(message_id)
        shown: JSON
        if message is None or message.deleted:
            shown = {"chat": chat.to_wire(), "message_id": message_id, "date": 0}
        else:
            shown = message.to_wire()
        query = {
            "id": query_id,
            "from": person.to_wire(),
            "chat_instance": str(abs(chat.id) * 7919 % 10**12),
            "message": shown,
            "data": data,
        }
        label = _label_for(message, data) if message is not None else None
        pressed = f"[{label}]" if label else f"#{message_id}: {data}"
        chat.transcript.append(f"{person.first_name} taps {pressed}")
        self.push_update("callback_query", query)
        return query_id

    def bot_event(self, chat: Chat, message: StoredMessage, kind: EventKind) -> None:
        """Record what the bot did to a message and wake whoever reads the chat."""
        snapshot = message.snapshot(kind)
        chat.events.append(snapshot)
        chat.transcript.append(str(snapshot))
        if kind == "new":
            self.stats.delivered += 1
            self.stats.deliveries.setdefault(chat.id, []).append(time.monotonic())
        elif kind == "edit":
            self.stats.edits += 1
        else:
            self.stats.deletes += 1
        chat.signal.notify()

    def push_update(self, kind: str, obj: JSON) -> int:
        return self.push_payload({kind: obj})

    def push_payload(self, fields: JSON) -> int:
        """Queue an update made of `fields` (anything, even what Telegram never sends) under
        the next update id; returns the id."""
        update_id = next(self._update_ids)
        payload = {"update_id": update_id, **fields}
        self._history[update_id] = payload
        self._queue.append(QueuedUpdate(update_id, payload))
        self.updates_signal.notify()
        return update_id

    def repeat_update(self, update_id: int) -> None:
        """Queue an already-sent update again, same id and content (a webhook-style retry)."""
        if update_id not in self._history:
            raise KeyError(f"no update {update_id} was ever queued")
        payload = copy.deepcopy(self._history[update_id])
        self._queue.append(QueuedUpdate(update_id, payload, repeat=True))
        self.updates_signal.notify()

    def confirm(self, offset: int | None) -> None:
        """Forget updates confirmed by `offset` (negative: keep only the last -offset)."""
        if offset is None:
            return
        if offset < 0:
            self._queue = self._queue[offset:]
            return
        self._queue = [
            item
            for item in self._queue
            if item.update_id >= offset or (item.repeat and not item.delivered)
        ]

    def take_updates(self, limit: int) -> list[JSON]:
        batch = self._queue[:limit]
        for item in batch:
            item.delivered = True
        return [copy.deepcopy(item.payload) for item in batch]

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    def queued(self) -> list[QueuedUpdate]:
        """The updates waiting, oldest first (a copy of the list; the items are shared)."""
        return list(self._queue)

    def forget(self, item: QueuedUpdate) -> None:
        """Take one update off the queue (delivered, or not wanted)."""
        self._queue = [queued for queued in self._queue if queued is not item]

    def drop_pending(self) -> None:
        """Forget every waiting update (`drop_pending_updates`)."""
        self._queue = []


def _label_for(message: StoredMessage, data: str) -> str | None:
    """The text of the button on `message` that carries `data`, for a readable transcript."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    for row in rows:
        for button in row:
            if button.get("callback_data") == data:
                return str(button.get("text", ""))
    return None
