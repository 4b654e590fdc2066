"""The Youth Voice Bot API emulator: a local Telegram for end-to-end tests, demos and benchmarks.

Start an `Emulator`, point python-telegram-bot at `emulator.base_url`, and talk to the bot as
simulated people (`emulator.user("Sam")`).
"""

from __future__ import annotations

from .faults import FAULT_KINDS, MALFORMED_KINDS, Fault, FaultKind, FaultWindow
from .limits import RateLimits
from .messages import BotMessage, Button, FileInfo
from .people import SimGroup, SimUser
from .server import Emulator
from .webhook import SECRET_HEADER, Spread
from .world import Stats, Webhook

__all__ = [
    "FAULT_KINDS",
    "MALFORMED_KINDS",
    "SECRET_HEADER",
    "BotMessage",
    "Button",
    "Emulator",
    "Fault",
    "FaultKind",
    "FaultWindow",
    "FileInfo",
    "RateLimits",
    "SimGroup",
    "SimUser",
    "Spread",
    "Stats",
    "Webhook",
]
