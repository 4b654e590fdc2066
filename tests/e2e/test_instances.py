"""Two bots on one PostgreSQL database behind webhooks, as a large deployment runs them: the
emulator spreads updates over both, in turn, while young people answer a check-in and a large
send runs.

Killed with ``kill -9`` part-way through the send, the leader's work passes to the standby
within seconds: nobody is missed, repeats come only from the batch in flight, every answer is
counted once, /urgent is answered during the takeover, and the overall rate never goes over
the emulator's limit. Started again, the killed bot joins as a standby. A rolling restart
(SIGTERM, start again, one bot after the other) loses and repeats nothing.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from bot.actions.safety import bundled_safety_net
from bot.emulator import Emulator, RateLimits, SimUser
from storage.postgres import PostgresStore
from tests.conftest import TOKEN, clock_start, invite_everyone
from tests.postgres import PostgresServer

pytestmark = pytest.mark.timeout(180)

# Telegram's overall limit, raised (the emulator enforces it) so that the send takes seconds.
RATE = 100
PEOPLE = 3_000
ANSWERING = 200
KILL_AT = 0.3
SECRET = "two-bots-secret_0123456789abcdef"
KEY = "two-bots-test-key-5c09ec3d099b844672ee1c4f0a1"
RUN_BOT = [sys.executable, "-m", "tests.run_bot", str(clock_start())]
REPO = Path(__file__).resolve().parents[2]
LEADS = "this bot now leads"
STANDS_BY = "another bot leads"
# A lost reply is shown again after answering.REPLY_GRACE (30 s): a tap the killed bot was
# handling may take that long to be answered.
TAP_WAIT = 45.0
THINK = (2.0, 5.0)  # seconds someone takes over a question
URGENT = bundled_safety_net().support("en", anytime=True)


@dataclass
class Deployment:
    emu: Emulator
    database: str
    folder: Path
    people: list[SimUser]
    checkin_id: int
    stack: ExitStack
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    starts: dict[str, int] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}/telegram"

    def start(self, name: str) -> None:
        """``youthvoice run --webhook`` as bot ``name`` (on the same port each time)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("YOUTHVOICE_")}
        env.update(
            YOUTHVOICE_BOT_TOKEN=TOKEN,
            YOUTHVOICE_API_URL=self.emu.base_url,
            YOUTHVOICE_DATABASE=self.database,
            YOUTHVOICE_QUIET_HOURS="off",
            YOUTHVOICE_SEND_RATE=str(RATE),
            YOUTHVOICE_SECRET_KEY=KEY,
            YOUTHVOICE_WEBHOOK_SECRET=SECRET,
            PTB_TIMEDELTA="true",
            PYTHONPATH=str(REPO),
        )
        self.starts[name] = self.starts.get(name, 0) + 1
        log = self.folder / f"{name}-{self.starts[name]}.log"
        port = ["--webhook", "--port", str(self.ports[name])]
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*RUN_BOT, *port], env=env, cwd=self.folder, stdout=out, stderr=out
            )
        self.procs[name] = proc
        self.stack.callback(_kill, proc)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}-{self.starts[name]}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )

    def invited(self) -> int:
        return sum(invitations(p) > 0 for p in self.people)

    async def until(
        self, ready: Callable[[], bool], what: str, timeout: float = 30.0, every: float = 0.02
    ) -> float:
        """Wait (serving the emulator on this loop) until ``ready``, looking every ``every``
        seconds; the seconds it took."""
        began = time.monotonic()
        while not ready():
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    pytest.fail(f"bot {name} exited ({proc.returncode}): {what}\n{self.logs()}")
            if time.monotonic() - began > timeout:
                pytest.fail(f"waited {timeout:g}s for {what}\n{self.logs()}")
            await asyncio.sleep(every)
        return time.monotonic() - began

    def leader(self) -> str:
        leading = [name for name in self.procs if LEADS in self.log(name)]
        assert len(leading) == 1, self.logs()
        return leading[0]

    def kill(self, name: str) -> None:
        """``kill -9``: no chance to finish anything or let go of anything."""
        self.procs.pop(name).kill()

    async def stop(self, name: str) -> None:
        """SIGTERM, as a deploy does; the bot must exit cleanly."""
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            while proc.poll() is None:
                await asyncio.sleep(0.05)
        assert proc.returncode == 0, self.logs()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def invitations(person: SimUser) -> int:
    return sum("new check-in" in (m.text or "") for m in person.messages())


@pytest.fixture
async def deployment(tmp_path: Path, postgres_server: PostgresServer) -> AsyncIterator[Deployment]:
    """The emulator holding Telegram's overall limit at RATE a second, PEOPLE joined people
    and a check-in whose invitation is queued to each, and bots "a" and "b" (not started)
    behind the emulator's webhook, which posts each update to one of them in turn."""
    # Only the overall limit: any 429 the emulator answers means the bots together went over.
    limits = RateLimits(RATE, RATE, chat_capacity=1e6, chat_per_second=1e6)
    emulator = Emulator(token=TOKEN, rate_limits=limits, webhook_backoff=(0.05, 0.5))
    with ExitStack() as stack, postgres_server.database() as database:
        async with emulator as emu:
            people = [emu.user(f"P{n}") for n in range(PEOPLE)]
            async with PostgresStore(database) as store:
                checkin_id = await invite_everyone(store, people)
            setup = Deployment(emu, database, tmp_path, people, checkin_id, stack)
            setup.ports = {"a": free_port(), "b": free_port()}
            async with aiohttp.ClientSession() as http:
                hook = {"url": setup.url("a"), "secret_token": SECRET}
                async with http.post(f"{emu.base_url}{TOKEN}/setWebhook", json=hook) as answer:
                    assert answer.status == 200
            emu.webhook_backends([setup.url("a"), setup.url("b")])
            try:
                yield setup
            finally:
                stack.close()  # every bot killed before the emulator and database go


async def answer_checkin(person: SimUser) -> None:
    """Answer the weekly check-in from the invitation to the thanks, patiently: a tap the
    killed bot was handling is answered by the other bot, or shown again later."""
    thinking = random.Random(person.id)  # a few seconds over each question, as people take
    for label in ["Start", "😐 OK", "Yes", "I'm OK", "Yes", "Help with money", "Done ✔"]:
        await asyncio.sleep(thinking.uniform(*THINK))
        await person.tap(label, timeout=TAP_WAIT)
    asked = await person.chat.signal.wait_until(
        lambda: any(m.button("Skip") for m in person.messages()), TAP_WAIT
    )
    assert asked, person.transcript()
    await person.send("Nothing else, thanks")
    thanked = await person.chat.signal.wait_until(
        lambda: any((m.text or "").startswith("Thank you.") for m in person.messages()), TAP_WAIT
    )
    assert thanked, person.transcript()


async def test_the_standby_takes_over_when_the_leader_is_killed_mid_send(
    deployment: Deployment,
) -> None:
    d = deployment
    d.start("a")
    await d.until(lambda: LEADS in d.log("a"), "bot a to lead")
    d.start("b")
    await d.until(lambda: STANDS_BY in d.log("b") and "running" in d.log("b"), "b to stand by")
    answering = [asyncio.create_task(answer_checkin(p)) for p in d.people[:ANSWERING]]
    await d.until(lambda: d.invited() >= PEOPLE * KILL_AT, "part of the send", every=0.1)

    leader = d.leader()
    standby = "b" if leader == "a" else "a"
    d.kill(leader)
    killed_at = time.monotonic()
    # While the standby takes over, someone in need is answered at once by whichever bot is up.
    asker = d.people[-1]
    await asker.send("/urgent")
    await d.until(lambda: any(m.text == URGENT for m in asker.messages()), "/urgent", 10)
    # Failover: from the kill until the standby leads, then sends its first invitation.
    await d.until(lambda: LEADS in d.log(standby), "the standby to lead", 15, 0.05)
    takeover, led_at = time.monotonic() - killed_at, d.invited()
    assert takeover <= 15  # the bound on failover
    # Its replies to 200 people go first, so on a busy machine its first invitation can wait.
    first = await d.until(lambda: d.invited() > led_at, "the new leader to send", 60, 0.05)
    await d.until(lambda: d.invited() == PEOPLE, "every invitation", 120, every=0.25)
    await asyncio.wait_for(asyncio.gather(*answering), timeout=TAP_WAIT * 3)

    # Nobody missed; repeats only from the one batch the leader had in flight.
    twice = sum(invitations(p) > 1 for p in d.people)
    assert twice <= RATE, f"{twice} people were invited twice"
    # Every answer counted once, and each person thanked once.
    for person in d.people[:ANSWERING]:
        thanks = [m for m in person.messages() if (m.text or "").startswith("Thank you.")]
        assert len(thanks) == 1, person.transcript()
    async with PostgresStore(d.database) as store:
        assert len(await store.finished_marks(d.checkin_id)) == ANSWERING
    # Together the bots never went over the limit (the emulator would have answered 429).
    assert d.emu.stats.too_many_requests == 0
    print(
        f"failover: led {takeover:.1f} s after the kill, sent {first:.1f} s later; {twice} repeats"
    )

    # Started again, the killed bot joins as a standby and takes updates.
    d.start(leader)
    await d.until(lambda: STANDS_BY in d.log(leader), f"{leader} to stand by again")
    for name in ("a", "b"):
        await d.stop(name)


async def test_a_rolling_restart_loses_and_repeats_nothing(deployment: Deployment) -> None:
    d = deployment
    d.start("a")
    await d.until(lambda: LEADS in d.log("a"), "bot a to lead")
    d.start("b")
    await d.until(lambda: STANDS_BY in d.log("b"), "b to stand by")
    await d.until(lambda: d.invited() >= PEOPLE * 0.2, "part of the send", every=0.1)
    for name in ("a", "b"):  # a deploy: each bot in turn stopped and started on the new code
        await d.stop(name)
        d.start(name)
        await d.until(lambda n=name: "running" in d.log(n), f"{name} to run again")  # type: ignore[misc]
    await d.until(lambda: d.invited() == PEOPLE, "every invitation", 120, every=0.25)
    assert [invitations(p) for p in d.people] == [1] * PEOPLE
    assert d.emu.stats.too_many_requests == 0
    for name in ("a", "b"):
        await d.stop(name)
