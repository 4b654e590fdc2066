"""Staff in Telegram: the role check a staff command runs first, and the command menus staff
see. Roles come from ``bot.actions.roles`` (numeric ids in the settings, never names).

A staff command handler is wrapped with ``@staff_only(may_plan)`` (workers and leads) or
``@staff_only(may_see_results)`` (leads): anyone else gets the ordinary "I don't know that
one" reply and nothing changes. Menus are per-chat command scopes, one per staff member, so
young people (the default scope) never see a staff command.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.actions.roles import Role, may_plan, may_see_results, role_of
from bot.settings import Settings
from bot.telegram import care
from bot.telegram.context import services

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
Commands = Sequence[tuple[str, str]]

WORKER_COMMANDS: Commands = (
    ("newcheckin", "Plan a check-in"),
    ("newmeeting", "Plan a forum meeting"),
    ("checkins", "Check-ins and how many answered"),
    ("newideas", "Young people's new ideas"),
)
LEAD_COMMANDS: Commands = (
    *WORKER_COMMANDS,
    ("results", "Results of a check-in"),
    ("export", "Results as files"),
    ("yousaid", "Tell young people what changed"),
    ("priorities", "Open a priorities round"),
    ("actionplan", "The action plan: change a status"),
    ("review", "Ask if the plan is happening"),
)
_PENDING = "staff_menus_pending"  # bot_data: staff whose menu Telegram would not take yet


def role(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Role:
    """The role of whoever sent this update (a young person if nobody did)."""
    user = update.effective_user
    if user is None:
        return Role.YOUNG
    return role_of(services(context).settings, user.id)


def staff_only(may: Callable[[Role], bool]) -> Callable[[Handler], Handler]:
    """Run the handler only for people whose role passes ``may`` (``roles.may_plan``,
    ``roles.may_see_results``); to anyone else the command does not exist."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if may(role(update, context)):
                await handler(update, context)
            else:
                await refuse(update, context)

        return guarded

    return wrap


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What anyone without the role gets: the reply to a command the bot does not know."""
    log.info("a staff command was refused: not allowed for this role")
    await care.on_unknown_command(update, context)
    if role(update, context) is Role.YOUNG:
        await forget_menu(update, context)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what young people get (support contacts, then what the bot does), and for
    staff the commands of their role below it, which only their menu shows otherwise."""
    extra = menu(role(update, context), ())
    listed = "\n".join(f"/{command.command} - {command.description}" for command in extra)
    await care.on_help(update, context, f"As staff you can also use:\n{listed}" if extra else None)


def menu(who: Role, everyone: Commands) -> list[BotCommand]:
    """The command menu for a role: everyone's commands, then the staff ones it may use."""
    extra: Commands = ()
    if may_see_results(who):
        extra = LEAD_COMMANDS
    elif may_plan(who):
        extra = WORKER_COMMANDS
    return [BotCommand(name, words) for name, words in (*everyone, *extra)]


async def set_menus(bot: Bot, settings: Settings, everyone: Commands) -> set[int]:
    """Give each worker and lead their menu in their own chat. Returns the staff whose chat
    Telegram does not know yet (they have not pressed Start): ``retry_menu`` sets theirs
    when they first write."""
    missing: set[int] = set()
    for user_id in sorted(settings.workers | settings.leads):
        if not await _set_menu(bot, settings, user_id, everyone):
            missing.add(user_id)
    if missing:
        log.warning(
            "the staff command menu could not be set for %d staff member(s) yet (they have "
            "not pressed Start); it is set when they first write",
            len(missing),
        )
    return missing


async def _set_menu(bot: Bot, settings: Settings, user_id: int, everyone: Commands) -> bool:
    commands = menu(role_of(settings, user_id), everyone)
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        log.debug("a staff menu was not set: %s", type(exc).__name__)
        return False
    return True


def remember_missing(context_data: dict[str, object], missing: set[int]) -> None:
    """Keep the staff whose menu is still to set (in the Application's bot_data)."""
    context_data[_PENDING] = set(missing)


def make_retry(everyone: Commands) -> Handler:
    """A handler, run first for every update, that sets a staff member's menu the first time
    they write if Telegram would not take it at start."""

    async def retry_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        pending = context.bot_data.get(_PENDING)
        user = update.effective_user
        if not pending or user is None or user.id not in pending:
            return
        if await _set_menu(context.bot, services(context).settings, user.id, everyone):
            pending.discard(user.id)

    return retry_menu


async def forget_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Someone no longer staff (taken off the list since the menu was set) loses the staff
    menu in their chat, back to everyone's."""
    chat = update.effective_chat
    if chat is None:
        return
    with contextlib.suppress(TelegramError):
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(chat.id))
