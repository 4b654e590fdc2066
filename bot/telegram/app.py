"""The Telegram side of a running bot: the python-telegram-bot Application with every handler,
the command menu, polling, and the sender the delivery loop uses."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from telegram import BotCommand, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.services import Services
from bot.settings import Settings
from bot.telegram import (
    action_plan,
    buttons,
    care,
    feedback,
    handlers,
    ideas,
    meetings,
    newcheckin,
    newideas,
    newmeeting,
    priorities,
    reports,
    results,
    review,
    staff,
    wizard,
    yousaid,
)
from bot.telegram.connections import TelegramRequest
from bot.telegram.pacing import Pacer
from bot.telegram.polling import PollingTrouble, SkippingBot
from bot.telegram.sender import TelegramSender
from bot.telegram.updates import PerPersonUpdateProcessor
from flows.locales import WELSH

# Aim a little under the overall limit: at exactly the limit, any jitter in request timing
# draws a 429, and each 429 pauses every send for a second or more.
PACE_MARGIN = 0.97

# How long connecting to Telegram may take at start-up before `run` gives up and says so.
CONNECT_LIMIT = 30.0

# How long a call may wait for Telegram's answer. A call with no answer may still have been
# carried out, so it is tried at most once more: long enough that a slow link rarely gets
# there, short enough that a person is not kept waiting long when Telegram is down.
READ_TIMEOUT = 15.0


class StartError(Exception):
    """The bot could not start talking to Telegram; ``str()`` is one line, never the token."""


class TokenRejected(StartError):
    """Telegram does not know the token."""


class TelegramUnreachable(StartError):
    """No answer, or no usable answer, from the Bot API URL."""


COMMANDS = [
    ("urgent", "Talk to someone right now"),
    ("checkin", "Answer the check-in that's open"),
    ("meetings", "Meetings coming up"),
    ("updates", "What changed because of what you said"),
    ("plan", "What we're doing about it"),
    ("idea", "Share an idea for change"),
    ("ideas", "Ideas so far, and what happened"),
    ("pause", "A break from my messages"),
    ("mydata", "What we keep about you"),
    ("privacy", "How we keep it private"),
    ("language", "English or Cymraeg"),
    ("easyread", "Short, simple messages (on or off)"),
    ("help", "What I can do"),
    ("stop", "Stop messages from me"),
    ("delete", "Remove yourself"),
]
# The menu as Telegram shows it to people whose app is in Welsh; a command missing here shows
# its English description there. Informal "ti", like the messages (flows/locale/cy.po).
COMMANDS_CY = {
    "urgent": "Siarad â rhywun nawr",
    "checkin": "Ateb yr holiadur agored",
    "meetings": "Cyfarfodydd i ddod",
    # CHECK: "what has changed, thanks to you", for "what changed because of what you said".
    "updates": "Beth sy wedi newid, diolch i ti",
    "plan": "Beth rydyn ni'n ei wneud amdano fe",
    "idea": "Rhannu syniad am newid",
    "ideas": "Syniadau hyd yn hyn, a beth ddigwyddodd",
    "pause": "Seibiant o fy negeseuon",
    "mydata": "Beth rydyn ni'n ei gadw amdanat ti",
    "privacy": "Sut rydyn ni'n cadw pethau'n breifat",
    "language": "Cymraeg neu English",
    "easyread": "Negeseuon byr a syml",
    "help": "Beth galla i ei wneud",
    "stop": "Stopio fy negeseuon",
    "delete": "Tynnu dy hun allan",
}


def build_application(svc: Services) -> Application:  # type: ignore[type-arg]
    """The Application with every handler; private chats only, groups get one polite line."""
    settings = svc.settings
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    # An update the library cannot read is skipped instead of stalling polling.
    bot = SkippingBot(
        token,
        base_url=settings.api_url,
        # On aiohttp: a request may wait for a free connection when Telegram is slow.
        request=TelegramRequest(READ_TIMEOUT),
        rate_limiter=Pacer(settings.send_rate * PACE_MARGIN),
    )
    app = (
        Application.builder()
        .bot(bot)
        # Messages that may need support are read even from someone sending too fast.
        .concurrent_updates(PerPersonUpdateProcessor(always_read=lambda u: _needs_reading(svc, u)))
        .build()
    )
    app.bot_data["services"] = svc
    private = filters.ChatType.PRIVATE
    # Before everything else: a staff menu Telegram would not take at start, and a staff
    # member's messages while one of their wizards runs.
    # Worrying words after a command ("/pause i want to die") bring support before, and
    # instead of, the command: commands are not read as text otherwise.
    risky = private & filters.USER & filters.COMMAND
    app.add_handler(MessageHandler(risky, handlers.on_command_words), group=-4)
    app.add_handler(TypeHandler(Update, staff.make_retry(COMMANDS)), group=-3)
    # Any command ends a bare /idea's wait for words (/cancel says so).
    app.add_handler(MessageHandler(risky, ideas.on_any_command), group=-2)
    app.add_handler(MessageHandler(private & filters.USER, wizard.on_message), group=-1)
    app.add_handler(MessageHandler(filters.ChatType.GROUPS, handlers.on_group))
    app.add_handler(MessageHandler(private & ~filters.USER, handlers.on_no_sender))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED & private, handlers.on_edited))
    for name, callback in [
        ("urgent", handlers.on_urgent),
        ("start", handlers.on_start),
        ("help", staff.on_help),
        ("pause", care.on_pause),
        ("resume", care.on_resume),
        ("mydata", care.on_mydata),
        ("privacy", handlers.on_privacy),
        ("stop", handlers.on_stop),
        ("delete", handlers.on_delete),
        ("checkin", handlers.on_checkin),
        ("language", handlers.on_language),
        ("easyread", handlers.on_easy_read),
        ("meetings", meetings.on_meetings),
        ("updates", feedback.on_updates),
        ("plan", action_plan.on_plan),
        ("idea", ideas.on_idea),
        ("ideas", ideas.on_ideas),
        ("cancel", ideas.on_cancel),
        ("newideas", newideas.on_newideas),
        ("newcheckin", newcheckin.on_newcheckin),
        ("newmeeting", newmeeting.on_newmeeting),
        ("yousaid", yousaid.on_yousaid),
        ("review", review.on_review),
        ("checkins", results.on_checkins),
        ("results", reports.on_results),
        ("export", reports.on_export),
        ("priorities", priorities.on_priorities),
        ("actionplan", action_plan.on_actionplan),
    ]:
        app.add_handler(CommandHandler(name, callback, filters=private))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(MessageHandler(private & filters.COMMAND, care.on_unknown_command))
    app.add_handler(MessageHandler(private & filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(private, handlers.on_unreadable))
    app.add_error_handler(handlers.on_error)
    return app


def _needs_reading(svc: Services, update: Update) -> bool:
    """/urgent, /help, or words that may need support: never dropped as part of a flood."""
    message = update.effective_message
    text = (message.text or message.caption) if message is not None else None
    if not text:
        return False
    return text.startswith(("/urgent", "/help")) or svc.safety.risk(text) is not None


@contextlib.contextmanager
def told_plainly(api_url: str, token: str) -> Iterator[None]:
    """Turns the library's errors (whose text may carry the token) into ``TokenRejected`` or
    ``TelegramUnreachable``, one line each, never the token."""
    try:
        yield
    except InvalidToken:
        raise TokenRejected(_rejected(api_url)) from None
    except (TimeoutError, TimedOut):
        raise TelegramUnreachable(_unreachable(api_url, "no answer in time")) from None
    except BadRequest as exc:
        raise TelegramUnreachable(_unreachable(api_url, _redact(exc.message, token))) from None
    except NetworkError:
        raise TelegramUnreachable(_unreachable(api_url, "could not connect")) from None
    except TelegramError as exc:
        raise TelegramUnreachable(_unreachable(api_url, _redact(exc.message, token))) from None


def _rejected(api_url: str) -> str:
    words = (
        "Telegram rejected the bot token (YOUTHVOICE_BOT_TOKEN); check it, or get a new "
        "one from @BotFather"
    )
    if api_url != Settings.model_fields["api_url"].default:
        # Any web server that is not a Bot API answers 404, which looks the same.
        words += f"; also check YOUTHVOICE_API_URL ({api_url})"
    return words


def _unreachable(api_url: str, reason: str) -> str:
    return (
        f"could not reach Telegram at {api_url} ({reason}); check the internet "
        "connection, and YOUTHVOICE_API_URL if you set it"
    )


def _redact(text: str, token: str) -> str:
    """A message from the server, with the token (if it ever echoes it) taken out."""
    return text.replace(token, "<token>") if token else text


class TelegramBot:
    """The Application, started and stopped as the runner needs it."""

    def __init__(self, svc: Services) -> None:
        self.api_url = svc.settings.api_url
        self.settings = svc.settings
        token = svc.settings.bot_token
        self.token = token.get_secret_value() if token else ""
        self.app = build_application(svc)
        self.sender = TelegramSender(self.app.bot, svc.safety.contacts)
        # The runner paces the bot to its share and holds each person's lock around their
        # updates: build_application put these two in.
        pacer, processor = self.app.bot.rate_limiter, self.app.update_processor
        if not isinstance(pacer, Pacer) or not isinstance(processor, PerPersonUpdateProcessor):
            raise TypeError("the application lacks the Pacer or the per-person processor")
        self.pacer, self.processor = pacer, processor

    async def start(self, poll_timeout: float, *, polling: bool = True) -> str:
        """Connect, set the command menu and start polling (unless the updates come by
        webhook); returns the bot's username.

        Raises ``TokenRejected`` or ``TelegramUnreachable`` (one line each, never the token)
        instead of the library's errors, whose text may carry the token."""
        with told_plainly(self.api_url, self.token):
            async with asyncio.timeout(CONNECT_LIMIT):
                await self.app.initialize()
                await self.app.bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS])
                missing = await staff.set_menus(self.app.bot, self.settings, COMMANDS)
                staff.remember_missing(self.app.bot_data, missing)
                welsh = [BotCommand(n, COMMANDS_CY.get(n, d)) for n, d in COMMANDS]
                await self.app.bot.set_my_commands(welsh, language_code=WELSH)
        await self.app.start()
        if polling:
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                poll_interval=0,
                timeout=int(poll_timeout),
                allowed_updates=Update.ALL_TYPES,
                error_callback=PollingTrouble(),
            )
        return str(self.app.bot.username)

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
