"""Bot API methods of the Youth Voice Bot API emulator.

Each method reads `Params`, changes the `World` and returns the `result`, or raises `ApiError`
with Telegram's status and wording.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath
from typing import Any

from .limits import RateLimiter
from .markup import MAX_CAPTION, BadRequest, check_reply_markup, check_text, format_text
from .messages import FileInfo, StoredMessage
from .params import ApiError, Params, Upload
from .webhook import new_webhook, webhook_info
from .world import Chat, World

JSON = dict[str, Any]
Method = Callable[[Params], Awaitable[Any]]

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
# What a waiting getUpdates gets when another one comes in (two bots polling one token).
OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
HARMLESS = (
    "close",
    "logOut",
    "sendChatAction",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
)
# Bot API method names (as Telegram spells them) and the BotApi method that serves each.
IMPLEMENTED = {
    "getMe": "get_me",
    "getUpdates": "get_updates",
    "getWebhookInfo": "get_webhook_info",
    "setWebhook": "set_webhook",
    "deleteWebhook": "delete_webhook",
    "setMyCommands": "set_my_commands",
    "getMyCommands": "get_my_commands",
    "deleteMyCommands": "delete_my_commands",
    "getChat": "get_chat",
    "sendMessage": "send_message",
    "sendDocument": "send_document",
    "sendPhoto": "send_photo",
    "editMessageText": "edit_message_text",
    "editMessageCaption": "edit_message_caption",
    "editMessageReplyMarkup": "edit_message_reply_markup",
    "deleteMessage": "delete_message",
    "answerCallbackQuery": "answer_callback_query",
    "getFile": "get_file",
} | dict.fromkeys(HARMLESS, "harmless")
METHOD_NAMES = tuple(IMPLEMENTED)


# Telegram's command scopes (BotCommandScope); the chat ones name a chat_id.
SCOPE_TYPES = (
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
)
CHAT_SCOPES = ("chat", "chat_administrators", "chat_member")


def scope_key(scope: JSON, language: str) -> str:
    return json.dumps([scope, language], sort_keys=True)


class BotApi:
    """Dispatches method names (case-insensitive, as Telegram does) to implementations."""

    def __init__(
        self, world: World, limiter: RateLimiter, callback_answer_limit: float | None = 15.0
    ) -> None:
        self.world = world
        self.limiter = limiter
        # Telegram refuses an answer to a button press older than this (None: any age).
        self.callback_answer_limit = callback_answer_limit
        self._file_ids = itertools.count(1)
        self.methods: dict[str, Method] = {
            name.lower(): getattr(self, attribute) for name, attribute in IMPLEMENTED.items()
        }

    async def call(self, method: str, params: Params) -> Any:
        handler = self.methods.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        try:
            return await handler(params)
        except BadRequest as exc:
            raise ApiError(400, str(exc)) from None

    async def harmless(self, params: Params) -> Any:
        return True

    async def get_me(self, params: Params) -> Any:
        return dict(self.world.bot)

    async def get_webhook_info(self, params: Params) -> Any:
        return webhook_info(self.world)

    async def set_webhook(self, params: Params) -> Any:
        """Set (or, with an empty url, remove) the webhook; see `webhook.new_webhook`."""
        url = params.text("url", "") or ""
        if not url:
            return await self.delete_webhook(params)
        hook = new_webhook(url, params, self.world.webhook)
        if params.flag("drop_pending_updates"):
            self.world.drop_pending()
        self.world.webhook = hook
        self.world.updates_signal.notify()
        return True

    async def delete_webhook(self, params: Params) -> Any:
        self.world.webhook = None
        if params.flag("drop_pending_updates"):
            self.world.drop_pending()
        self.world.updates_signal.notify()
        return True

    async def get_updates(self, params: Params) -> Any:
        """Long polling: wait up to `timeout` seconds for an update, then hand out a batch."""
        world = self.world
        if world.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        world.confirm(params.integer("offset"))
        limit = min(100, max(1, params.integer("limit", 100) or 100))
        timeout = max(0.0, params.number("timeout", 0.0))
        # As on Telegram, a getUpdates ends the one waiting before it, if any: of two bots
        # polling one token, each in turn is told the other is there.
        world.polls += 1
        mine = world.polls
        world.updates_signal.notify()
        if timeout > 0:
            await world.updates_signal.wait_until(
                lambda: (
                    world.pending_updates > 0
                    or world.closing
                    or world.webhook is not None
                    or world.polls != mine
                ),
                timeout,
            )
        if world.webhook is not None:  # set while this call waited
            raise ApiError(409, WEBHOOK_ACTIVE)
        if world.polls != mine:
            raise ApiError(409, OTHER_POLL)
        return world.take_updates(limit)

    def _scope_key(self, params: Params) -> str:
        """The command scope and language a menu call is for, as one key. Chat scopes must
        name a chat the bot can see (someone who never pressed Start is "chat not found",
        as on Telegram)."""
        scope = params.json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in CHAT_SCOPES:
            number = str(scope.get("chat_id"))
            chat = self.world.chats.get(int(number)) if number.lstrip("-").isdigit() else None
            person = chat.person if chat is not None else None
            if chat is None or (person is not None and not person.started):
                raise ApiError(400, "Bad Request: chat not found")
            member = str(scope.get("user_id"))
            scope = {"type": kind, "chat_id": chat.id}
            if kind == "chat_member":
                scope["user_id"] = int(member) if member.isdigit() else 0
        return scope_key(scope, params.text("language_code", "") or "")

    async def set_my_commands(self, params: Params) -> Any:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be an array")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            valid = 1 <= len(name) <= 32 and all(
                c.islower() or c.isdigit() or c == "_" for c in name
            )
            if not valid or not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.world.commands[self._scope_key(params)] = commands
        return True

    async def get_my_commands(self, params: Params) -> Any:
        return self.world.commands.get(self._scope_key(params), [])

    async def delete_my_commands(self, params: Params) -> Any:
        self.world.commands.pop(self._scope_key(params), None)
        return True

    async def get_chat(self, params: Params) -> Any:
        return self._chat(params).to_wire()

    def _chat(self, params: Params) -> Chat:
        chat = self.world.chats.get(params.required_int("chat_id"))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _reachable_chat(self, params: Params) -> Chat:
        """The target chat, refusing people who blocked the bot, left, or never started it."""
        chat = self._chat(params)
        person = chat.person
        if person is not None:
            if person.deactivated:
                raise ApiError(403, "Forbidden: user is deactivated")
            if person.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not person.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _spend(self, chat: Chat) -> None:
        retry_after = self.limiter.acquire(chat.id, chat.is_group)
        if retry_after:
            self.world.stats.too_many_requests += 1
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )

    async def send_message(self, params: Params) -> Any:
        chat = self._reachable_chat(params)
        text, entities = format_text(
            params.text("text", "") or "", params.text("parse_mode"), params.json("entities")
        )
        check_text(text)
        markup = _inline_only(check_reply_markup(params.json("reply_markup")))
        self._check_user_links(markup)
        self._spend(chat)
        message = self.world.new_message(
            chat, self.world.bot, text=text, entities=entities, reply_markup=markup
        )
        self.world.bot_event(chat, message, "new")
        return message.to_wire()

    def _check_user_links(self, markup: JSON | None) -> None:
        """A ``tg://user?id=N`` button opens a chat with that user: Telegram refuses one for a
        user it does not know, or whose privacy settings hide their account from links."""
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                url = button.get("url", "")
                if not isinstance(url, str) or not url.startswith(USER_LINK):
                    continue
                number = url.removeprefix(USER_LINK)
                person = self.world.people.get(int(number)) if number.isdigit() else None
                if person is None:
                    raise BadRequest("Bad Request: BUTTON_USER_INVALID")
                if person.hides_account:
                    raise BadRequest("Bad Request: BUTTON_USER_PRIVACY_RESTRICTED")

    async def send_document(self, params: Params) -> Any:
        return self._send_file(params, "document", "application/octet-stream")

    async def send_photo(self, params: Params) -> Any:
        return self._send_file(params, "photo", "image/jpeg")

    def _send_file(self, params: Params, kind: str, default_mime: str) -> JSON:
        chat = self._reachable_chat(params)
        source = params.file(kind)
        caption, entities = self._caption(params)
        markup = _inline_only(check_reply_markup(params.json("reply_markup")))
        self._spend(chat)
        info = self._file_info(source, kind, default_mime)
        fields: dict[str, Any] = {kind: info}
        message = self.world.new_message(
            chat, self.world.bot, text=caption, entities=entities, reply_markup=markup, **fields
        )
        self.world.bot_event(chat, message, "new")
        return message.to_wire()

    def _caption(self, params: Params) -> tuple[str | None, list[JSON]]:
        raw = params.text("caption")
        if raw is None:
            return None, []
        caption, entities = format_text(
            raw, params.text("parse_mode"), params.json("caption_entities")
        )
        if len(caption) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption, entities

    def _file_info(self, source: Upload | str, kind: str, default_mime: str) -> FileInfo:
        """Describe the file and keep an upload's bytes, as Telegram does, for getFile."""
        number = next(self._file_ids)
        file_id = f"EMU{kind[:3].upper()}{number:06d}"
        if isinstance(source, str):
            return FileInfo(file_id, source.rsplit("/", 1)[-1], 0, default_mime)
        mime = source.mime_type
        if not mime or mime == "application/octet-stream":
            mime = default_mime
        suffix = PurePosixPath(source.filename).suffix
        self.world.files[file_id] = (f"{kind}s/file_{number}{suffix}", source.data)
        width, height = _png_size(source.data) or (640, 480)
        return FileInfo(file_id, source.filename, source.size, mime, width, height)

    async def get_file(self, params: Params) -> Any:
        """A file the bot uploaded, with the path to download it from (`/file/bot<token>/`)."""
        file_id = params.text("file_id", "") or ""
        if file_id not in self.world.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.world.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(data),
            "file_path": path,
        }

    def _bot_message(self, params: Params, verb: str) -> tuple[Chat, StoredMessage]:
        if params.has("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not emulated")
        chat = self._reachable_chat(params)
        message = chat.messages.get(params.required_int("message_id"))
        if message is None or message.deleted:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        if not message.from_bot:
            raise ApiError(400, f"Bad Request: message can't be {verb}ed")
        return chat, message

    def _apply_edit(self, chat: Chat, message: StoredMessage, changes: dict[str, Any]) -> JSON:
        if all(getattr(message, key) == value for key, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        self._spend(chat)
        for key, value in changes.items():
            setattr(message, key, value)
        message.edit_date = int(self.world.clock())
        self.world.bot_event(chat, message, "edit")
        return message.to_wire()

    async def edit_message_text(self, params: Params) -> Any:
        chat, message = self._bot_message(params, "edit")
        if message.document or message.photo:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = format_text(
            params.text("text", "") or "", params.text("parse_mode"), params.json("entities")
        )
        check_text(text)
        markup = _inline_only(check_reply_markup(params.json("reply_markup")))
        changes = {"text": text, "entities": entities, "reply_markup": markup}
        return self._apply_edit(chat, message, changes)

    async def edit_message_caption(self, params: Params) -> Any:
        chat, message = self._bot_message(params, "edit")
        if not (message.document or message.photo):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, entities = self._caption(params)
        markup = _inline_only(check_reply_markup(params.json("reply_markup")))
        changes = {"text": caption, "entities": entities, "reply_markup": markup}
        return self._apply_edit(chat, message, changes)

    async def edit_message_reply_markup(self, params: Params) -> Any:
        chat, message = self._bot_message(params, "edit")
        markup = _inline_only(check_reply_markup(params.json("reply_markup")))
        return self._apply_edit(chat, message, {"reply_markup": markup})

    async def delete_message(self, params: Params) -> Any:
        chat = self._chat(params)
        message = chat.messages.get(params.required_int("message_id"))
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        if message.from_bot:
            self.world.bot_event(chat, message, "delete")
        return True

    async def answer_callback_query(self, params: Params) -> Any:
        """Answer a press once, and only while it is fresh: like Telegram, a press answered
        later than `callback_answer_limit` seconds (emulator clock) is "too old"."""
        record = self.world.callbacks.get(params.text("callback_query_id", "") or "")
        if record is None or record.answered_at is not None:
            raise ApiError(400, QUERY_TOO_OLD)
        record.answered_at = self.world.clock()
        delay = record.answered_at - record.pressed_at
        self.world.stats.press_answer_delays.append(delay)
        limit = self.callback_answer_limit
        if limit is not None and delay > limit:
            self.world.stats.late_answers += 1
            raise ApiError(400, QUERY_TOO_OLD)
        text = params.text("text")
        if text:
            self.world.toasts.setdefault(record.user_id, []).append(
                (text, params.flag("show_alert"))
            )
            chat = self.world.chats.get(record.chat_id)
            if chat is not None:
                chat.signal.notify()  # a terminal chat waiting for news shows the pop-up
        return True


USER_LINK = "tg://user?id="


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header (its first chunk, IHDR), or None if not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _inline_only(markup: JSON | None) -> JSON | None:
    """Telegram echoes only inline keyboards in the sent Message."""
    return markup if markup is not None and "inline_keyboard" in markup else None
