"""Request parameters of the Youth Voice Bot API emulator, read the way Telegram reads them.

python-telegram-bot posts forms whose nested values are JSON strings; JSON bodies carry real
types. `Params` accepts both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    """A Bot API error reply: HTTP status, Telegram's description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request: its name, size, type and bytes (kept so a test can
    fetch them back, as a client would with getFile)."""

    filename: str
    size: int
    mime_type: str
    data: bytes = field(default=b"", repr=False)


class Params:
    """Typed access to one call's parameters; bad values raise 400 like Telegram."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, Upload):
            raise ApiError(400, f"Bad Request: {name} must be a string")
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def required_int(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise ApiError(400, f"Bad Request: {name} is empty")
        return value

    def number(self, name: str, default: float) -> float:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        if not value:
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str:
        """An uploaded file, or a file_id / URL string naming one Telegram already has."""
        value = self.raw.get(name)
        if isinstance(value, Upload):
            if value.size == 0:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return value
        if isinstance(value, str) and value:
            return value
        raise ApiError(400, "Bad Request: there is no document in the request")
