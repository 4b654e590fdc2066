"""Ideas for young people in Telegram: /idea (with words, or alone to be asked for them) and
/ideas, doors onto ``bot.actions.ideas``. The safety net has read every word before these run
(``handlers.on_command_words`` for a command, ``handlers.on_text`` for typed words)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import ideas
from bot.services import Services
from bot.telegram.context import services
from bot.telegram.render import command_name, show
from storage.base import StorageError

log = logging.getLogger(__name__)


def _words_after_command(text: str) -> str:
    """What follows ``/idea`` (or ``/idea@bot``), line breaks kept; "" for none."""
    parts = text.split(None, 1)
    return parts[1] if len(parts) > 1 else ""


async def on_idea(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/idea some words: kept as an idea tied to nobody. /idea alone: asked for it."""
    svc = services(context)
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    words = _words_after_command(message.text or "")
    if words.strip():
        shown = await ideas.suggest(svc, user.id, words, update.update_id)
    else:
        shown = await ideas.ask(svc, user.id, update.update_id)
    await show(update, shown, svc.settings.zone)


async def on_ideas(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ideas: how many wait, and the ideas the team said yes to."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    await show(update, await ideas.shared(svc, user.id, update.update_id), svc.settings.zone)


async def take_awaited(svc: Services, update: Update, text: str) -> bool:
    """Words after a bare /idea (the safety net has read them): kept as the idea. Whether
    they were such words."""
    user = update.effective_user
    assert user is not None
    awaited, shown = await ideas.take_awaited(svc, user.id, text, update.update_id)
    if awaited:
        await show(update, shown, svc.settings.zone)
    return awaited


async def on_any_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before any command but /cancel (after the safety net): a bare /idea's wait for words
    ends, so words typed after the command are never kept as an idea. A database that fails
    here never holds up the command (/urgent works without it)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or command_name(message.text or "") == "/cancel":
        return
    try:
        await ideas.end_wait_for_command(services(context), user.id)
    except StorageError:
        log.warning("could not end a wait for an idea before a command")


async def on_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel: no idea after a bare /idea, or nothing to cancel."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    await show(update, await ideas.cancel(svc, user.id, update.update_id), svc.settings.zone)
