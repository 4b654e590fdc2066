"""Text and keyboard checks of the Youth Voice Bot API emulator.

Turns `parse_mode="HTML"` text into plain text plus entities (as Telegram does) and validates
inline keyboards, with Telegram's error wording.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

JSON = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

_OTHER_BUTTON_KINDS = (
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "web_app",
    "login_url",
    "callback_game",
    "pay",
    "copy_text",
)

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}


class BadRequest(Exception):
    """A request Telegram would refuse with 400; the message is Telegram's description."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSON]:
    """The `bot_command` entity a Telegram client attaches to text starting with '/'."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return []
    word = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]


class _HtmlToEntities(HTMLParser):
    """Collects visible text and entities; raises BadRequest on markup Telegram rejects."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.offset = 0
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[JSON] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self.source.split("\n")
        index = sum(len(part) + 1 for part in lines[: line - 1]) + column
        return len(self.source[:index].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag not in _SIMPLE_TAGS or (tag == "span" and named.get("class") != "tg-spoiler"):
            raise BadRequest(
                "Bad Request: can't parse entities: Unsupported start tag "
                f'"{tag}" at byte offset {self._byte_offset()}'
            )
        self.stack.append((tag, self.offset, named))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise BadRequest(
                "Bad Request: can't parse entities: Unexpected end tag at byte offset "
                f"{self._byte_offset()}"
            )
        _, start, attrs = self.stack.pop()
        length = self.offset - start
        if length == 0:
            return
        entity: JSON = {"type": _SIMPLE_TAGS[tag], "offset": start, "length": length}
        if tag == "a":
            entity["url"] = attrs.get("href") or ""
        if tag == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        if tag == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.offset += utf16_len(data)

    def finish(self) -> tuple[str, list[JSON]]:
        self.close()
        if self.stack:
            raise BadRequest(
                "Bad Request: can't parse entities: Can't find end tag corresponding to start "
                f'tag "{self.stack[-1][0]}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.parts), self.entities


def format_text(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, list[JSON]]:
    """Plain text and entities for `text` sent with `parse_mode` (only HTML is interpreted)."""
    if parse_mode and parse_mode.lower() == "html":
        parser = _HtmlToEntities(text)
        parser.feed(text)
        return parser.finish()
    return text, list(entities) if isinstance(entities, list) else []


def check_text(text: str, limit: int = MAX_TEXT) -> None:
    """Refuse empty or over-long message text the way Telegram does."""
    if not text.strip():
        raise BadRequest("Bad Request: message text is empty")
    if utf16_len(text) > limit:
        raise BadRequest("Bad Request: message is too long")


def check_reply_markup(markup: Any) -> JSON | None:
    """Validate a `reply_markup` object; inline keyboards get Telegram's button checks."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise BadRequest("Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise BadRequest('Bad Request: field "inline_keyboard" must be an Array of Arrays')
    for row in rows:
        for button in row:
            _check_button(button)
    return markup


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise BadRequest("Bad Request: can't parse inline keyboard button: Text must be String")
    if not button["text"]:
        raise BadRequest("Bad Request: BUTTON_TEXT_INVALID")
    if "url" in button:
        if not isinstance(button["url"], str) or "://" not in button["url"]:
            raise BadRequest("Bad Request: BUTTON_URL_INVALID")
        return
    if "callback_data" not in button and any(kind in button for kind in _OTHER_BUTTON_KINDS):
        return
    data = button.get("callback_data")
    if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
        raise BadRequest("Bad Request: BUTTON_DATA_INVALID")
