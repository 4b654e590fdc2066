"""``youthvoice emulator`` and ``youthvoice chat`` as a person uses them: real processes, plain
lines in and out, against the emulator and the real bot (the chat test's bot runs on the
suite's fake clock, in the test's own process)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.conftest import Harness

# Also a second pass on PostgreSQL (tests/conftest.py, `database_kind`).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]
CLI = "from bot.cli import main; main()"


class Terminal:
    """A ``youthvoice`` command in a child process: type lines, wait for what it prints."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.seen: list[str] = []

    @classmethod
    async def open(cls, *args: str) -> Terminal:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI, *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
        )  # fmt: skip
        return cls(proc)

    async def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        await self.proc.stdin.drain()

    async def expect(self, pattern: str, timeout: float = 15.0) -> re.Match[str]:
        """Read printed lines until one matches `pattern` (a regex); returns the match."""
        assert self.proc.stdout is not None
        regex = re.compile(pattern)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    raw = await self.proc.stdout.readline()
                    if not raw:
                        break
                    line = raw.decode().rstrip("\n")
                    self.seen.append(line)
                    if found := regex.search(line):
                        return found
        except TimeoutError:
            pass
        shown = "\n".join(self.seen)
        raise AssertionError(f"never printed {pattern!r}; the terminal showed:\n{shown}")

    async def rest(self, timeout: float = 15.0) -> str:
        """Everything printed until the process exits (after `timeout` seconds it is killed)."""
        assert self.proc.stdout is not None
        async with asyncio.timeout(timeout):
            tail = await self.proc.stdout.read()
            await self.proc.wait()
        return "\n".join(self.seen) + "\n" + tail.decode()

    async def close(self) -> None:
        """Make sure the process is gone."""
        if self.proc.returncode is None:
            self.proc.kill()
            await asyncio.wait_for(self.proc.wait(), 10)


@pytest.fixture
async def terminals() -> AsyncIterator[list[Terminal]]:
    """Terminals a test opens; every one is killed at the end if still running."""
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        await terminal.close()


async def test_chat_joins_and_answers_a_first_question(
    yv: Harness, terminals: list[Terminal]
) -> None:
    """A person types /start, presses buttons by number, answers the first question, quits."""
    chat = await Terminal.open("chat", "--url", yv.emu.url, "--name", "Ali")
    terminals.append(chat)
    await chat.expect(r"You're chatting with the bot as Ali")
    await chat.expect(r"^Your Telegram id here is \d+ \(to try staff commands, name it in")
    await chat.type("/start")
    await chat.expect(r"^Do you want to join\?$")
    await chat.expect(r"^   #1  Yes, I'm in$")
    await chat.type("#1")
    await chat.expect(r"^\(You pressed: Yes, I'm in\)$")
    await chat.expect(r"^Bot: You're in")

    # A bare number is an answer in words, not a button press.
    await chat.type("1")
    await chat.expect(r"^Bot: Thanks for your message. I'm not asking anything right now")
    (person,) = [c for c in yv.emu.world.chats.values() if c.person is not None]
    assert "Ali: 1" in person.transcript

    await yv.open_checkin()
    await chat.expect(r"new check-in")
    start = await chat.expect(r"^   #(\d+)  Start$")
    await chat.type(f"#{start[1]}")
    await chat.expect(r"^How are you feeling this week\?$")
    ok = await chat.expect(r"^   #(\d+)  😐 OK$")
    await chat.type(f"#{ok[1]}")
    await chat.expect(r"^Bot \(changed an earlier message\): 1 of 6$")
    await chat.expect(r"✔ 😐 OK")
    await chat.expect(r"^Do you feel safe where you live\?$")
    await chat.type("/quit")
    assert "Bye for now." in await chat.rest()
    assert chat.proc.returncode == 0


async def test_emulator_prints_what_to_run_and_stops_on_sigterm(
    terminals: list[Terminal],
) -> None:
    """The emulator says where it listens and which settings the bot needs; SIGTERM stops it."""
    emulator = await Terminal.open("emulator", "--port", "0")
    terminals.append(emulator)
    url = (await emulator.expect(r"running at (http://127\.0\.0\.1:\d+)$"))[1]
    await emulator.expect(
        rf"YOUTHVOICE_API_URL={re.escape(url)}/bot YOUTHVOICE_BOT_TOKEN=\d+:\S+ .*youthvoice run"
    )
    await emulator.expect(rf"youthvoice chat --url {re.escape(url)}$")
    async with aiohttp.ClientSession() as http, http.get(f"{url}/_emulator/stats") as reply:
        assert reply.status == 200
    emulator.proc.send_signal(signal.SIGTERM)
    assert "Emulator stopped." in await emulator.rest(timeout=10)
    assert emulator.proc.returncode == 0


async def test_emulator_stops_on_ctrl_c(terminals: list[Terminal]) -> None:
    """Ctrl-C (SIGINT) stops the emulator cleanly too, without a traceback."""
    emulator = await Terminal.open("emulator", "--port", "0")
    terminals.append(emulator)
    await emulator.expect(r"Press Ctrl-C")
    emulator.proc.send_signal(signal.SIGINT)
    out = await emulator.rest(timeout=10)
    assert "Emulator stopped." in out and "Traceback" not in out
    assert emulator.proc.returncode == 0


async def test_emulator_switches_on_the_faults_it_is_given(terminals: list[Terminal]) -> None:
    """--fault is on from the start: the emulator says so, and its control API lists it."""
    emulator = await Terminal.open("emulator", "--port", "0", "--fault", "error:sendMessage:60:503")
    terminals.append(emulator)
    url = (await emulator.expect(r"running at (http://127\.0\.0\.1:\d+)$"))[1]
    await emulator.expect(
        r"^Fault switched on now: sendMessage: answers HTTP 503 and does nothing, for 60s\.$"
    )
    async with aiohttp.ClientSession() as http, http.get(f"{url}/_emulator/faults") as reply:
        (window,) = (await reply.json())["result"]
    assert (window["kind"], window["status"], window["methods"]) == ("error", 503, ["sendmessage"])
    emulator.proc.send_signal(signal.SIGTERM)
    assert "Emulator stopped." in await emulator.rest(timeout=10)


async def test_chat_shows_the_bots_pop_ups_as_its_answer(
    yv: Harness, terminals: list[Terminal]
) -> None:
    """Regression: a press the bot answered only with a pop-up printed "(No answer from the
    bot yet. Is `youthvoice run` running?)". Now the pop-up is shown, and counts as the
    answer: here "Yes, delete me" on an older /delete question, after being removed."""
    chat = await Terminal.open("chat", "--url", yv.emu.url, "--name", "Ali")
    terminals.append(chat)
    await chat.expect(r"You're chatting with the bot as Ali")
    await chat.type("/start")
    await chat.expect(r"^   #1  Yes, I'm in$")
    await chat.type("#1")
    await chat.expect(r"^Bot: You're in")
    for _ in range(2):
        await chat.type("/delete")
        await chat.expect(r"^   #1  Yes, delete me$")
    await chat.type("#1")
    await chat.expect(r"^Bot: Done. You've been removed")
    await chat.type("#1")  # the older question's buttons are the newest left
    await chat.expect(r"^\(You pressed: Yes, delete me\)$")
    await chat.expect(r"^\(Pop-up: That's done already. We don't keep anything about you now.\)$")
    await chat.type("/quit")
    shown = await chat.rest()
    assert "No answer from the bot yet" not in shown, shown
    assert chat.proc.returncode == 0
