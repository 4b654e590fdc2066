"""``youthvoice chat``: talk to the running bot from a terminal as a pretend young person,
through the Bot API emulator's control API (plain lines in, plain lines out)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import click

from bot.cli.emulator import DEFAULT_URL
from bot.cli.support import fail

REPLY_WAIT = 10.0  # seconds to wait for the bot's first answer to what the person did
QUIET = 1.5  # the bot has finished answering once it is silent this long (it paces 1/s a chat)
POLL_WAIT = 5.0  # one long poll for news while the person is typing
JSON = dict[str, Any]

HELLO = """\
You're chatting with the bot as {name}, a pretend young person. Nothing here reaches Telegram.
Your Telegram id here is {user_id} (to try staff commands, name it in YOUTHVOICE_WORKERS).
Type a message and press Enter; start with /start.
Buttons are shown as #1, #2, ...: type #1 to press the first one.
(Typing 1 without the # sends the answer "1" as text.) Type /quit to leave."""


@dataclass(frozen=True)
class Press:
    """Press button number `number` (from 1) of the newest message showing buttons."""

    number: int


@dataclass(frozen=True)
class Say:
    """Send `text` to the bot as typed, commands such as /start included."""

    text: str


@dataclass(frozen=True)
class Quit:
    """Leave the chat."""


def parse_line(line: str) -> Press | Say | Quit | None:
    """What a typed line means: `#N` presses a button, `/quit` leaves, an empty line does
    nothing, and anything else (a bare `1` too) is sent as text."""
    text = line.strip()
    if not text:
        return None
    if text.lower() == "/quit":
        return Quit()
    number = text[1:].strip()
    if text.startswith("#") and number.isdigit():
        return Press(int(number))
    return Say(text)


class Screen:
    """Prints what the bot does, and remembers the buttons the person can press by number."""

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}
        # Messages that show buttons, the most recently shown last.
        self.buttons: dict[int, list[tuple[str, str]]] = {}

    def show(self, event: JSON) -> None:
        message_id, kind = int(event["message_id"]), str(event["event"])
        text = str(event.get("text") or "")
        buttons = [(str(b[0]), str(b[1])) for row in event.get("buttons", []) for b in row]
        before = self.texts.get(message_id)
        self.buttons.pop(message_id, None)
        if kind == "delete":
            self.texts.pop(message_id, None)
            click.echo("(The bot removed one of its messages.)")
            return
        self.texts[message_id] = text
        if buttons:
            self.buttons[message_id] = buttons
        if kind == "edit" and text == before:
            if buttons:  # only the buttons changed, e.g. a tick on a chosen option
                click.echo("Bot (updated its buttons):")
                self._echo_buttons(buttons)
            return  # buttons closed after an answer: nothing new to read
        if event.get("document"):
            text = f"[a file: {event['document']['filename']}] {text}".strip()
        label = "Bot (changed an earlier message)" if kind == "edit" else "Bot"
        click.echo(f"{label}: {text}")
        self._echo_buttons(buttons)

    def popup(self, text: str) -> None:
        """A pop-up the bot showed on a press (Telegram shows it over the chat briefly)."""
        click.echo(f"(Pop-up: {text})")

    def _echo_buttons(self, buttons: list[tuple[str, str]]) -> None:
        for number, (text, data) in enumerate(buttons, start=1):
            link = f"  (a link to {data})" if "://" in data else ""
            click.echo(f"   #{number}  {text}{link}")

    def button(self, number: int) -> tuple[int, str, str] | None:
        """(message id, label, data) of button `number` on the newest message with buttons."""
        if not self.buttons:
            return None
        message_id, buttons = list(self.buttons.items())[-1]
        if not 1 <= number <= len(buttons):
            return None
        text, data = buttons[number - 1]
        return message_id, text, data


class Lost(Exception):
    """The emulator could not be reached."""


class ChatClient:
    """One pretend young person in the emulator, and what the bot has shown them so far."""

    def __init__(self, http: aiohttp.ClientSession, screen: Screen) -> None:
        self.http = http
        self.screen = screen
        self.user_id = 0
        self.seen = 0
        self.popups_seen = 0

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            async with self.http.request(method, path, **kwargs) as response:
                if response.status != 200:
                    raise Lost(f"the emulator said {response.status}: {await response.text()}")
                return (await response.json())["result"]
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Lost(str(exc) or type(exc).__name__) from exc

    async def join(self, name: str, language: str = "en") -> None:
        body = {"name": name, "language_code": language}
        joined = await self.call("POST", "/_emulator/users", json=body)
        self.user_id = int(joined["user_id"])

    async def say(self, text: str) -> None:
        await self.call("POST", "/_emulator/send", json={"user_id": self.user_id, "text": text})

    async def press(self, message_id: int, data: str) -> None:
        body = {"user_id": self.user_id, "data": data, "message_id": message_id}
        await self.call("POST", "/_emulator/tap", json=body)

    async def news(self, wait: float) -> int:
        """Show what the bot did since last time (pop-ups too), waiting up to `wait` s for
        something; how many things it did."""
        params = {
            "chat_id": self.user_id,
            "after": self.seen,
            "wait": wait,
            "toasts_after": self.popups_seen,
        }
        result = await self.call("GET", "/_emulator/events", params=params)
        popups = result.get("toasts", [])
        for text, _alert in popups:
            self.screen.popup(str(text))
        for event in result["events"]:
            self.screen.show(event)
        self.seen = int(result["next"])
        self.popups_seen = int(result.get("toasts_next", self.popups_seen))
        return len(result["events"]) + len(popups)

    async def settle(self) -> None:
        """Show the bot's answer: wait for its first reply, then until it goes quiet."""
        if not await self.news(REPLY_WAIT):
            click.echo("(No answer from the bot yet. Is `youthvoice run` running?)")
            return
        while await self.news(QUIET):
            pass

    async def next_line(self, lines: asyncio.Queue[str | None]) -> str | None:
        """The person's next line (None at the end of input), showing the bot's news meanwhile."""
        typed = asyncio.ensure_future(lines.get())
        try:
            while not typed.done():
                poll = asyncio.ensure_future(self.news(POLL_WAIT))
                await asyncio.wait({typed, poll}, return_when=asyncio.FIRST_COMPLETED)
                if poll.done():
                    poll.result()
                else:
                    poll.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await poll
            return typed.result()
        finally:
            typed.cancel()


def read_lines(loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """Lines from stdin, read in a daemon thread so a waiting read never holds up exit."""
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    stdin = sys.stdin

    def put(line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop already closed: nobody is listening
            loop.call_soon_threadsafe(lines.put_nowait, line)

    def reader() -> None:
        for line in stdin:
            put(line)
        put(None)

    threading.Thread(target=reader, name="chat-stdin", daemon=True).start()
    return lines


async def run_chat(url: str, name: str, language: str = "en") -> None:
    """The whole chat: join the emulator as `name`, then act on each line until /quit."""
    timeout = aiohttp.ClientTimeout(total=REPLY_WAIT + 5)
    async with aiohttp.ClientSession(base_url=url, timeout=timeout) as http:
        client = ChatClient(http, Screen())
        await client.join(name, language)
        click.echo(HELLO.format(name=name, user_id=client.user_id))
        lines = read_lines(asyncio.get_running_loop())
        while True:
            line = await client.next_line(lines)
            action = parse_line(line) if line is not None else Quit()
            if isinstance(action, Quit):
                return
            if isinstance(action, Say):
                await client.say(action.text)
            elif isinstance(action, Press):
                button = client.screen.button(action.number)
                if button is None:
                    click.echo(f"(There's no button #{action.number} to press just now.)")
                    continue
                message_id, label, data = button
                if "://" in data:
                    click.echo(f"(That button opens {data}.)")
                    continue
                click.echo(f"(You pressed: {label})")
                await client.press(message_id, data)
            await client.settle()


def emulator_url(url: str) -> str:
    """The emulator's address without a trailing /, or one line saying what one looks like."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 -- reading it checks the port is a number from 0 to 65535
    except ValueError:
        parts = parts._replace(scheme="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/"):
        fail(
            f"--url: '{url}' is not a web address; give the one `youthvoice emulator` "
            f"printed, such as {DEFAULT_URL}"
        )
    return f"{parts.scheme}://{parts.netloc}"


@click.command()
@click.option(
    "--url", default=DEFAULT_URL, show_default=True, help="Where `youthvoice emulator` runs."
)
@click.option("--name", default="Sam", show_default=True, help="Your pretend first name.")
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="Your pretend Telegram app's language (cy: Welsh).",
)
def chat(url: str, name: str, language: str) -> None:
    """Chat with the running bot as a pretend young person, through the emulator."""
    try:
        asyncio.run(run_chat(emulator_url(url), name, language))
    except Lost as exc:
        click.echo(
            f"youthvoice: can't talk to the emulator at {url} ({exc}).\n"
            "Is it running? Start it with: youthvoice emulator",
            err=True,
        )
        sys.exit(1)
    except KeyboardInterrupt:
        pass
    click.echo("Bye for now.")
