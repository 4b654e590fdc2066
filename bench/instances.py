"""Two instances on one PostgreSQL database, taking updates by webhook: how long the standby
takes to lead when the leader is killed mid-send, and inbound capacity of two against one.
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench import crowd
from bench.database import Databases, Place
from bench.figures import Row
from bench.inbound import Capacity, pooled, tap_as_fast
from bench.procs import TOKEN, BotProcess, bot_env, youthvoice_argv
from bot.emulator import Emulator, SimUser

WEBHOOK_SECRET = "bench-webhook-secret_0123456789abcdef"
LEADS = "this bot now leads"
STANDS_BY = "another bot leads"
KILL_AT = 1 / 3


@dataclass
class Instances:
    """An emulator posting updates in turn to the bots started here, on one database."""

    emu: Emulator
    people: list[SimUser]
    cohort: int
    database: Place
    folder: Path
    send_rate: float
    stack: AsyncExitStack
    bots: dict[str, BotProcess] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}/telegram"

    async def start(self, name: str) -> BotProcess:
        """``youthvoice run --webhook`` as bot ``name``, stopped when the stage ends."""
        self.ports[name] = free_port()
        env = bot_env(self.emu, self.database.setting, self.send_rate)
        env["YOUTHVOICE_WEBHOOK_SECRET"] = WEBHOOK_SECRET
        argv = [*youthvoice_argv(), "--webhook", "--port", str(self.ports[name])]
        bot = await self.stack.enter_async_context(BotProcess(argv, env, self.folder, name))
        self.bots[name] = bot
        return bot

    async def hook(self, names: list[str]) -> None:
        """Set the webhook, then have the emulator post to each named bot in turn."""
        hook = {"url": self.url(names[0]), "secret_token": WEBHOOK_SECRET}
        async with aiohttp.ClientSession() as http:
            url = f"{self.emu.base_url}{TOKEN}/setWebhook"
            async with http.post(url, json=hook) as answer:
                answer.raise_for_status()
        self.emu.webhook_backends([self.url(n) for n in names])

    def log(self, name: str) -> str:
        try:
            return self.bots[name].log_path.read_text(errors="replace")
        except OSError:
            return ""

    async def until(
        self, ready: Callable[[], bool], what: str, timeout: float, every: float = 0.05
    ) -> float:
        """Wait until ``ready()`` (serving the emulator meanwhile); the seconds it took."""
        began = time.monotonic()
        while not ready():
            for bot in self.bots.values():
                if bot.proc is not None and not bot.alive() and bot.proc.returncode != -9:
                    raise RuntimeError(f"{bot.name} exited: {what}\n{bot.log_tail()}")
            if time.monotonic() - began > timeout:
                raise RuntimeError(f"waited {timeout:g} s for {what}")
            await asyncio.sleep(every)
        return time.monotonic() - began

    def invited(self) -> int:
        return sum(bool(self.emu.stats.deliveries.get(p.chat_id)) for p in self.people)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def stage(
    name: str, count: int, databases: Databases, *, rate_limits: bool, send_rate: float
) -> AsyncIterator[Instances]:
    """``count`` joined people in a fresh database, an emulator with webhook retries quick, and
    no bot yet; every bot started on it is stopped when the block ends, Ctrl-C too."""
    with (
        tempfile.TemporaryDirectory(prefix=f"yv-bench-{name}-") as folder,
        databases.fresh(Path(folder)) as database,
    ):
        emulator = Emulator(token=TOKEN, rate_limits=rate_limits, webhook_backoff=(0.05, 0.5))
        async with emulator as emu, AsyncExitStack() as stack:
            people = crowd.crowd(emu, count)
            cohort = await crowd.seed_contacts(database, [p.chat_id for p in people])
            yield Instances(emu, people, cohort, database, Path(folder), send_rate, stack)


async def lead_and_stand_by(on: Instances) -> None:
    """Bot a leads, bot b stands by, the emulator posting to both."""
    await on.start("a")
    await on.hook(["a"])
    await on.until(lambda: LEADS in on.log("a"), "bot a to lead", 60)
    await on.start("b")
    await on.hook(["a", "b"])
    await on.until(lambda: STANDS_BY in on.log("b"), "bot b to stand by", 60)


async def failover(count: int, databases: Databases) -> list[Row]:
    """A send to ``count`` people at Telegram's limit; the leader killed with ``kill -9`` a
    third of the way through, and the standby's takeover timed from its log."""
    name = databases.title("failover")
    async with stage("failover", count, databases, rate_limits=True, send_rate=30) as on:
        await lead_and_stand_by(on)
        await crowd.open_weekly(on.database, on.cohort)
        await on.until(lambda: on.invited() >= count * KILL_AT, "a third of the send", 120)
        leader = next(n for n in on.bots if LEADS in on.log(n))
        standby = "b" if leader == "a" else "a"
        assert on.bots[leader].proc is not None
        on.bots[leader].proc.kill()
        killed, before = time.monotonic(), on.invited()
        led = await on.until(lambda: LEADS in on.log(standby), "the standby to lead", 60, 0.02)
        sent = await on.until(lambda: on.invited() > before, "a new invitation", 60, 0.02)
        sent += led
        await on.until(lambda: on.invited() == count, "every invitation", count / 20 + 60, 0.25)
        took = time.monotonic() - killed
        await asyncio.sleep(3)  # late repeats would show up here
    twice = sum(len(on.emu.stats.deliveries.get(p.chat_id, [])) > 1 for p in on.people)
    never = count - on.invited()
    too_many = on.emu.stats.too_many_requests
    return [
        Row(name, f"{count:,} invitations at 30/s, leader killed after", f"{before:,}"),
        Row(name, "kill -> the standby leads (its log)", f"{led:.1f} s", "<= 15 s", led <= 15),
        Row(name, "kill -> its first new invitation", f"{sent:.1f} s"),
        Row(name, "kill -> everyone invited", f"{took:.1f} s"),
        Row(name, "people invited twice / never", f"{twice} / {never}", "- / 0", never == 0),
        Row(name, "429 Too Many Requests", str(too_many), "reported"),
    ]


async def _capacity(
    instances: int, count: int, seed: int, send_rate: float, databases: Databases
) -> Capacity:
    async with stage("inbound2", count, databases, rate_limits=False, send_rate=send_rate) as on:
        if instances == 1:
            await on.start("a")
            await on.hook(["a"])
            await on.until(lambda: LEADS in on.log("a"), "bot a to lead", 60)
        else:
            await lead_and_stand_by(on)
        await crowd.open_weekly(on.database, on.cohort)
        reached, _ = await crowd.wait_for_news(on.emu, on.people, 1, timeout=60)
        if reached < count:
            raise RuntimeError(f"only {reached} of {count} invitations arrived")
        return await tap_as_fast(list(on.bots.values()), on.emu, on.people, seed)


async def two_against_one(
    count: int, seed: int, send_rate: float, databases: Databases, rounds: int
) -> list[Row]:
    """Everyone taps through a check-in as fast as the bots answer, by webhook: one instance,
    then two, with the same people and seed, ``rounds`` times, taken together."""
    name = databases.title("inbound2")
    ones: list[Capacity] = []
    twos: list[Capacity] = []
    for _ in range(rounds):
        ones.append(await _capacity(1, count, seed, send_rate, databases))
        twos.append(await _capacity(2, count, seed, send_rate, databases))
    one, two = pooled(ones), pooled(twos)
    ratio = two.per_second / one.per_second if one.per_second else float("nan")
    each = ", ".join(f"{b.per_second / a.per_second:.2f}x" for a, b in zip(ones, twos, strict=True))
    rows = [
        Row(
            name,
            f"{count} people tapping by webhook, {rounds} rounds: updates/s, one",
            f"{one.per_second:.1f}",
        ),
        Row(name, "updates/s, two instances", f"{two.per_second:.1f}"),
        Row(name, "two against one (each round)", f"{ratio:.2f}x ({each})", "reported"),
        Row(
            name,
            "bot CPU per update, one / two",
            f"{one.cpu_ms:.1f} ms / {two.cpu_ms:.1f} ms",
        ),
    ]
    for who, cap in (("one", one), ("two", two)):
        if cap.errors:
            rows.append(Row(name, f"{who}: walks that broke off", f"{len(cap.errors)}"))
    return rows
