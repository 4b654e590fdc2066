"""The ``Services`` a running bot was built with, as handlers find them on the Application."""

from __future__ import annotations

from telegram.ext import ContextTypes

from bot.services import Services


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found = context.bot_data["services"]
    assert isinstance(found, Services)
    return found
