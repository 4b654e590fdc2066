"""What a send came to, in the delivery loop's own terms (sent, rate limited, unreachable,
refused, failed: surely not sent, or unknown: perhaps sent), and the sender it expects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

Buttons = list[list[dict[str, str]]]


@dataclass(frozen=True)
class Sent:
    """Telegram took the message (``message_id``: the one showing a question, if any)."""

    message_id: int | None = None


@dataclass(frozen=True)
class RateLimited:
    """Too many messages: send nothing more for ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Unreachable:
    """The person blocked the bot or deleted their account: final."""


@dataclass(frozen=True)
class Refused:
    """Telegram refused this message (chat not found, bad request): final."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """The message surely did not get through (no connection, a 5xx): try again later."""

    reason: str


@dataclass(frozen=True)
class Unknown:
    """No answer (a timeout, a connection cut after the request went out): perhaps sent."""

    reason: str


Outcome = Sent | RateLimited | Unreachable | Refused | Failed | Unknown


Started = Callable[[], Awaitable[None]]


class Sender(Protocol):
    """Sends one outbox message, after any reply waiting for Telegram's limit, and says what
    happened; never raises for Telegram's answers. ``started`` is awaited just before the
    request leaves (if it raises, nothing is sent and the outcome is ``Failed``)."""

    async def send(
        self, chat_id: int, text: str, buttons: Buttons, started: Started | None = None
    ) -> Outcome: ...
