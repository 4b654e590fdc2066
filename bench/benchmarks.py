"""The outbox, latency and memory benchmarks (inbound is in ``bench.inbound``). Each starts its
own emulator, database (SQLite or PostgreSQL) and bot process, and returns rows for the table:
what was measured, the target, and whether it was met.
"""

from __future__ import annotations

import asyncio
import time

from bench import crowd
from bench.database import Databases
from bench.figures import Row, by_status, ms, pct
from bench.scene import scene


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
