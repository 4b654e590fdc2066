"""The ``youthvoice`` command line: staff commands, the demo, and running the bot."""

from __future__ import annotations

from bot.cli.commands import main

__all__ = ["main"]
