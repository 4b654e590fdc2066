"""The four Youth Voice benchmarks. Each starts its own emulator, database (SQLite or
PostgreSQL) and bot process, and returns rows for the table: what was measured, the target, and
whether it was met.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import crowd
from bench.database import Databases
from bench.figures import Row, by_status, ms, pct
from bench.procs import ROOT, TOKEN, BotProcess, bot_env
from bench.scene import scene
from bot.emulator import Emulator, SimUser


async def outbox_send_rate(messages: int, databases: Databases, send_rate: float = 30) -> list[Row]:
    """5,000 invitations through the real outbox against Telegram's 30 a second overall."""
    name = databases.title("1 outbox")
    async with scene("outbox", messages, databases, rate_limits=True, send_rate=send_rate) as on:
        emu, people = on.emu, on.people
        opened = time.monotonic()
        queued = await crowd.open_weekly(on.database, on.cohort)
        _, took = await crowd.wait_for_news(emu, people, 1, timeout=messages / 30 * 1.5 + 60)
        await asyncio.sleep(3)  # late repeats would show up here
        counts = await crowd.outbox_counts(on.database)
    stamps = [t for p in people for t in emu.stats.deliveries.get(p.chat_id, [])]
    per_chat = [len(emu.stats.deliveries.get(p.chat_id, [])) for p in people]
    rate = emu.stats.send_rate()
    too_many = emu.stats.too_many_requests
    lost = sum(n == 0 for n in per_chat)
    duplicates = sum(max(0, n - 1) for n in per_chat)
    first = min(stamps) - opened if stamps else float("nan")
    share = rate / 30
    return [
        Row(
            name,
            f"SEND_RATE={send_rate:g}: invitations queued / delivered",
            f"{queued:,} / {len(stamps):,}",
        ),
        Row(
            name,
            "achieved rate, share of 30/s",
            f"{rate:.2f}/s = {share:.3f}",
            ">= 0.95",
            share >= 0.95,
        ),
        Row(name, "429 Too Many Requests", str(too_many), "reported"),
        Row(name, "messages lost", str(lost), "0", lost == 0),
        Row(name, "duplicates", str(duplicates), "0", duplicates == 0),
        Row(name, "check-in opened -> first / last delivery", f"{first:.2f} s / {took:.1f} s"),
        Row(name, "outbox messages by status", by_status(counts)),
    ]


@dataclass
class Capacity:
    updates: int
    seconds: float
    bot_cpu: float
    emu_cpu: float
    finished: int
    people: int
    latencies: list[float]
    errors: list[str]
    calls: dict[str, int]
    server_cpu: float = 0.0  # a PostgreSQL server's, for the same updates

    @property
    def calls_per_update(self) -> str:
        """Bot API calls the bot made per update, by method."""
        made = {m: n for m, n in self.calls.items() if n}
        return ", ".join(f"{m} {n / self.updates:.2f}" for m, n in sorted(made.items()))

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.bot_cpu / self.updates if self.updates else float("nan")


async def _tap_as_fast(
    bot: BotProcess,
    emu: Emulator,
    people: list[SimUser],
    seed: int,
    server_cpu: Callable[[], float] = lambda: 0.0,
) -> Capacity:
    cpu0, emu0, t0, server0 = bot.cpu_seconds(), time.process_time(), time.monotonic(), server_cpu()
    calls0 = dict(emu.stats.calls)
    walks = await crowd.walk_all(people, emu, seed)
    seconds = time.monotonic() - t0
    cpu, emu_cpu = bot.cpu_seconds() - cpu0, time.process_time() - emu0
    return Capacity(
        server_cpu=server_cpu() - server0,
        updates=sum(w.taps for w in walks),
        seconds=seconds,
        bot_cpu=cpu,
        emu_cpu=emu_cpu,
        finished=sum(w.finished for w in walks),
        people=len(people),
        latencies=[x for w in walks for x in w.latencies],
        errors=[w.error for w in walks if w.error],
        calls={m: n - calls0.get(m, 0) for m, n in emu.stats.calls.items()},
    )


async def _youthvoice_capacity(
    count: int, seed: int, send_rate: float, databases: Databases, profile_to: Path | None
) -> Capacity:
    async with scene(
        "inbound", count, databases, rate_limits=False, send_rate=send_rate, profile_to=profile_to
    ) as on:
        await crowd.open_weekly(on.database, on.cohort)
        reached, _ = await crowd.wait_for_news(on.emu, on.people, 1, timeout=60)
        if reached < count:
            raise RuntimeError(f"only {reached} of {count} invitations arrived")
        return await _tap_as_fast(on.bot, on.emu, on.people, seed, databases.server_cpu)


async def _bare_capacity(count: int, seed: int) -> Capacity:
    with tempfile.TemporaryDirectory(prefix="yv-bench-bare-") as folder:
        path = Path(folder)
        async with Emulator(token=TOKEN, rate_limits=False) as emu:
            people = crowd.crowd(emu, count)
            argv = [
                sys.executable,
                str(ROOT / "bench" / "bare_bot.py"),
                "--api-url",
                emu.base_url,
                "--token",
                TOKEN,
            ]
            env = bot_env(emu, str(path / "unused.db"), send_rate=30)
            async with BotProcess(argv, env, path, "bare_bot") as bot:
                await bot.wait_polling(emu)
                for person in people:
                    await person.send("/start")
                reached, _ = await crowd.wait_for_news(emu, people, 1, timeout=60)
                if reached < count:
                    raise RuntimeError(f"only {reached} of {count} first questions arrived")
                return await _tap_as_fast(bot, emu, people, seed)


def _on_postgres(name: str, yv: Capacity, pg: Capacity, bare: Capacity) -> list[Row]:
    """The rows of Youth Voice on PostgreSQL against the same on SQLite, measured in one run."""
    speed = pg.per_second / yv.per_second if yv.per_second else 0.0
    return [
        Row(
            name,
            "Youth Voice on PostgreSQL: updates/s",
            f"{pg.per_second:.1f} ({pg.updates} taps, {pg.finished}/{pg.people} finished)",
        ),
        Row(name, "PostgreSQL / SQLite updates/s", f"{speed:.2f}x", ">= 0.7x", speed >= 0.7),
        Row(
            name,
            "CPU ms per update, PostgreSQL / SQLite",
            f"{pg.cpu_ms:.2f} / {yv.cpu_ms:.2f} = {pg.cpu_ms / yv.cpu_ms:.2f}x",
        ),
        Row(
            name,
            "PostgreSQL server CPU ms per update / busy",
            f"{1000 * pg.server_cpu / pg.updates:.2f} / {pg.server_cpu / pg.seconds:.0%}",
        ),
        Row(
            name,
            "bot CPU busy / tap -> answer p50, PostgreSQL",
            f"{pg.bot_cpu / pg.seconds:.0%} / {ms(pct(pg.latencies, 50))}",
        ),
        Row(name, "PostgreSQL / bare updates/s", f"{pg.per_second / bare.per_second:.2f}x"),
    ]


def beside(path: Path | None, kind: str) -> Path | None:
    """Where a second profile goes: next to the first, its name marked with the database."""
    return None if path is None else path.with_name(f"{path.stem}-{kind}{path.suffix}")


async def inbound_capacity(
    count: int,
    seed: int,
    send_rate: float,
    sqlite: Databases,
    postgres: Databases | None = None,
    profile_to: Path | None = None,
) -> list[Row]:
    """Everyone taps as fast as the bot answers; Youth Voice against a bare PTB bot, and with
    ``postgres`` Youth Voice on PostgreSQL against the same on SQLite, in the same run."""
    name = "2 inbound"
    yv = await _youthvoice_capacity(count, seed, send_rate, sqlite, profile_to)
    pg = None
    if postgres is not None:
        pg = await _youthvoice_capacity(
            count, seed, send_rate, postgres, beside(profile_to, postgres.kind)
        )
    bare = await _bare_capacity(count, seed)
    speed, cpu = yv.per_second / bare.per_second, yv.cpu_ms / bare.cpu_ms
    rows = [
        Row(
            name,
            f"{count} people, Youth Voice (SEND_RATE={send_rate:g}): updates/s",
            f"{yv.per_second:.1f} ({yv.updates} taps, {yv.finished}/{count} finished)",
        ),
        Row(
            name,
            "bare PTB bot: updates/s",
            f"{bare.per_second:.1f} ({bare.updates} taps, {bare.finished}/{count} finished)",
        ),
        Row(name, "Youth Voice / bare updates/s", f"{speed:.2f}x", ">= 0.8x", speed >= 0.8),
        Row(
            name,
            "CPU ms per update, Youth Voice / bare",
            f"{yv.cpu_ms:.2f} / {bare.cpu_ms:.2f} = {cpu:.2f}x",
            "<= 1.4x",
            cpu <= 1.4,
        ),
        Row(name, "Bot API calls per update, Youth Voice", yv.calls_per_update),
        Row(name, "Bot API calls per update, bare", bare.calls_per_update),
        Row(
            name,
            "bot process CPU busy, Youth Voice / bare",
            f"{yv.bot_cpu / yv.seconds:.0%} / {bare.bot_cpu / bare.seconds:.0%}",
        ),
        Row(
            name,
            "emulator+driver CPU busy, with YV / bare",
            f"{yv.emu_cpu / yv.seconds:.0%} / {bare.emu_cpu / bare.seconds:.0%}",
        ),
        Row(
            name,
            "tap -> answer p50 under load, YV / bare",
            f"{ms(pct(yv.latencies, 50))} / {ms(pct(bare.latencies, 50))}",
        ),
    ]
    if pg is not None:
        rows.extend(_on_postgres(name, yv, pg, bare))
    for who, cap in (("Youth Voice", yv), ("Youth Voice on PostgreSQL", pg), ("bare", bare)):
        if cap is not None and cap.errors:
            rows.append(
                Row(
                    name, f"{who}: walks that broke off", f"{len(cap.errors)}: {cap.errors[0][:60]}"
                )
            )
    return rows


async def latency_at_human_pace(count: int, seed: int, databases: Databases) -> list[Row]:
    """People tapping every 3-5 s with Telegram's limits on: tap to next message, p95."""
    name = databases.title("3 latency")
    async with scene("latency", count, databases, rate_limits=True, send_rate=30) as on:
        emu, people = on.emu, on.people
        await crowd.open_weekly(on.database, on.cohort)
        await crowd.wait_for_news(emu, people, 1, timeout=60)
        before = emu.stats.too_many_requests
        t0 = time.monotonic()
        walks = await crowd.walk_all(people, emu, seed, think=(3.0, 5.0), stagger=4.0)
        seconds = time.monotonic() - t0
        during = emu.stats.too_many_requests - before
    total_429 = emu.stats.too_many_requests
    latencies = [x for w in walks for x in w.latencies]
    p95 = pct(latencies, 95)
    errors = [w.error for w in walks if w.error]
    rows = [
        Row(
            name,
            f"{count} people, taps / finished / seconds",
            f"{len(latencies)} / {sum(w.finished for w in walks)} / {seconds:.0f}",
        ),
        Row(name, "tap -> next message p95", ms(p95), "<= 250 ms", p95 <= 0.250),
        Row(
            name,
            "p50 / p99 / max",
            f"{ms(pct(latencies, 50))} / {ms(pct(latencies, 99))} / {ms(max(latencies))}",
        ),
        Row(name, "429s while tapping", str(during), "0", during == 0),
        Row(name, f"429s sending the {count} invitations before", str(total_429 - during)),
    ]
    if errors:
        rows.append(Row(name, "walks that broke off", f"{len(errors)}: {errors[0][:60]}"))
    return rows


async def peak_memory(count: int, databases: Databases) -> list[Row]:
    """Peak resident memory of the bot with ``count`` contacts and a send to all of them."""
    name = databases.title("4 memory")
    async with scene("memory", count, databases, rate_limits=False, send_rate=1000) as on:
        await asyncio.sleep(0.5)
        idle = on.bot.memory_kb()
        await crowd.open_weekly(on.database, on.cohort)
        waiting = asyncio.create_task(
            crowd.wait_for_news(on.emu, on.people, 1, timeout=count / 50 + 60)
        )
        peak_rss = 0
        while not waiting.done():
            peak_rss = max(peak_rss, on.bot.memory_kb().get("VmRSS", 0))
            await asyncio.sleep(0.1)
        reached, took = waiting.result()
        memory = on.bot.memory_kb()
        counts = await crowd.outbox_counts(on.database)
    hwm = memory["VmHWM"] / 1024
    return [
        Row(name, f"{count:,} contacts: delivered / seconds", f"{reached:,} / {took:.1f}"),
        Row(name, "bot RSS idle (after start)", f"{idle['VmRSS'] / 1024:.1f} MB"),
        Row(name, "bot peak RSS (VmHWM)", f"{hwm:.1f} MB", "reported"),
        Row(name, "outbox messages by status", by_status(counts)),
    ]
