"""Messages as the Youth Voice Bot API emulator keeps them, and the snapshots tests read.

`StoredMessage` is the live, editable record; `BotMessage` is a frozen view of a bot message
at one moment, with buttons and files in plain Python shapes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

JSON = dict[str, Any]
EventKind = Literal["new", "edit", "delete"]


class Button(NamedTuple):
    """An inline button: its label and its callback data (or URL for a link button)."""

    text: str
    data: str

    @property
    def is_link(self) -> bool:
        return "://" in self.data


@dataclass(frozen=True)
class FileInfo:
    """A document or photo the bot sent: what was uploaded (the bytes are kept by the world,
    under `file_id`). A photo's size in pixels is read from a PNG's header, else 640 by 480."""

    file_id: str
    filename: str
    size: int
    mime_type: str
    width: int = 640
    height: int = 480


@dataclass
class StoredMessage:
    """One message in a chat, as the server keeps it (edits change it in place)."""

    message_id: int
    chat: JSON
    sender: JSON
    date: int
    text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    edit_date: int | None = None
    document: FileInfo | None = None
    photo: FileInfo | None = None
    extra: JSON = field(default_factory=dict)
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        return bool(self.sender.get("is_bot"))

    def to_wire(self) -> JSON:
        """The Bot API `Message` object."""
        wire: JSON = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": dict(self.chat),
            "from": dict(self.sender),
        }
        has_file = self.document is not None or self.photo is not None
        text_key, entities_key = (
            ("caption", "caption_entities") if has_file else ("text", "entities")
        )
        if self.text is not None:
            wire[text_key] = self.text
            if self.entities:
                wire[entities_key] = copy.deepcopy(self.entities)
        if self.edit_date is not None:
            wire["edit_date"] = self.edit_date
        if self.reply_markup is not None:
            wire["reply_markup"] = copy.deepcopy(self.reply_markup)
        if self.document is not None:
            wire["document"] = _document_wire(self.document)
        if self.photo is not None:
            wire["photo"] = [_photo_wire(self.photo)]
        wire.update(copy.deepcopy(self.extra))
        return wire

    def snapshot(self, event: EventKind = "new") -> BotMessage:
        """A frozen view of the message now."""
        return BotMessage(
            message_id=self.message_id,
            chat_id=int(self.chat["id"]),
            text=self.text or "",
            buttons=buttons_of(self.reply_markup),
            event=event,
            document=self.document,
            photo=self.photo,
            entities=copy.deepcopy(self.entities),
            date=self.date,
        )


@dataclass(frozen=True)
class BotMessage:
    """What a young person sees of one bot message (text is the caption for files)."""

    message_id: int
    chat_id: int
    text: str
    buttons: list[list[Button]]
    event: EventKind = "new"
    document: FileInfo | None = None
    photo: FileInfo | None = None
    entities: list[JSON] = field(default_factory=list)
    date: int = 0

    @property
    def edited(self) -> bool:
        return self.event == "edit"

    @property
    def deleted(self) -> bool:
        return self.event == "delete"

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, text: str) -> Button | None:
        """The button labelled `text`, if this message shows one."""
        return next((b for row in self.buttons for b in row if b.text == text), None)

    def __str__(self) -> str:
        what = {"new": "bot", "edit": "bot (edited)", "delete": "bot (deleted)"}[self.event]
        body = self.text
        if self.document:
            body = f"[file {self.document.filename}] {body}".strip()
        if self.photo:
            body = f"[photo] {body}".strip()
        keys = " ".join(f"[{text}]" for text in self.button_texts)
        return f"{what} #{self.message_id}: {body} {keys}".rstrip()


def buttons_of(markup: JSON | None) -> list[list[Button]]:
    """Rows of inline buttons in a reply markup (other keyboards show no buttons here)."""
    if not markup or "inline_keyboard" not in markup:
        return []
    rows: list[list[Button]] = []
    for row in markup["inline_keyboard"]:
        rows.append([Button(b["text"], str(b.get("callback_data", b.get("url", "")))) for b in row])
    return rows


def _document_wire(info: FileInfo) -> JSON:
    return {
        "file_id": info.file_id,
        "file_unique_id": f"u{info.file_id}",
        "file_name": info.filename,
        "mime_type": info.mime_type,
        "file_size": info.size,
    }


def _photo_wire(info: FileInfo) -> JSON:
    return {
        "file_id": info.file_id,
        "file_unique_id": f"u{info.file_id}",
        "width": info.width,
        "height": info.height,
        "file_size": info.size,
    }
