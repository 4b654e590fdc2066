"""The inbound benchmark: everyone taps through a check-in as fast as the bot answers, Youth
Voice against a bare python-telegram-bot bot making the same calls, and Youth Voice on
PostgreSQL against the same on SQLite, alternating in one run so that both see the same load.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import crowd
from bench.database import Databases
from bench.figures import Row, ms, pct
from bench.procs import ROOT, TOKEN, BotProcess, bot_env
from bench.scene import scene
from bot.emulator import Emulator, SimUser


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
    def rate_taps(self) -> str:
        """Updates a second, with the taps and walks behind the figure."""
        return (
            f"{self.per_second:.1f} ({self.updates} taps, {self.finished}/{self.people} finished)"
        )

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.bot_cpu / self.updates if self.updates else float("nan")


async def tap_as_fast(
    bots: list[BotProcess],
    emu: Emulator,
    people: list[SimUser],
    seed: int,
    server_cpu: Callable[[], float] = lambda: 0.0,
) -> Capacity:
    """Everyone walks at once, as fast as the bots answer; CPU is the bots' together."""
    cpu0, emu0, t0, server0 = _cpu(bots), time.process_time(), time.monotonic(), server_cpu()
    calls0 = dict(emu.stats.calls)
    walks = await crowd.walk_all(people, emu, seed)
    seconds = time.monotonic() - t0
    cpu, emu_cpu = _cpu(bots) - cpu0, time.process_time() - emu0
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


def _cpu(bots: list[BotProcess]) -> float:
    return sum(bot.cpu_seconds() for bot in bots)


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
        return await tap_as_fast([on.bot], on.emu, on.people, seed, databases.server_cpu)


async def _bare_capacity(count: int, seed: int, side_by_side: bool = False) -> Capacity:
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
                *(["--side-by-side"] if side_by_side else []),
            ]
            env = bot_env(emu, str(path / "unused.db"), send_rate=30)
            async with BotProcess(argv, env, path, "bare_bot") as bot:
                await bot.wait_polling(emu)
                for person in people:
                    await person.send("/start")
                reached, _ = await crowd.wait_for_news(emu, people, 1, timeout=60)
                if reached < count:
                    raise RuntimeError(f"only {reached} of {count} first questions arrived")
                return await tap_as_fast([bot], emu, people, seed)


def pooled(caps: list[Capacity]) -> Capacity:
    """Several rounds' measurements as one: taps, seconds and CPU added up."""
    return Capacity(
        updates=sum(c.updates for c in caps),
        seconds=sum(c.seconds for c in caps),
        bot_cpu=sum(c.bot_cpu for c in caps),
        emu_cpu=sum(c.emu_cpu for c in caps),
        finished=sum(c.finished for c in caps),
        people=sum(c.people for c in caps),
        latencies=[x for c in caps for x in c.latencies],
        errors=[e for c in caps for e in c.errors],
        calls={m: sum(c.calls.get(m, 0) for c in caps) for m in caps[0].calls},
        server_cpu=sum(c.server_cpu for c in caps),
    )


def _on_postgres(
    name: str, sqlite: list[Capacity], postgres: list[Capacity], bare: Capacity
) -> list[Row]:
    """The rows of Youth Voice on PostgreSQL against the same on SQLite, in rounds of one
    each, alternating: the target is judged on the rounds added up."""
    yv, pg = pooled(sqlite), pooled(postgres)
    speed = pg.per_second / yv.per_second if yv.per_second else 0.0
    each = [p.per_second / s.per_second for s, p in zip(sqlite, postgres, strict=True)]
    return [
        Row(
            name,
            "Youth Voice on PostgreSQL: updates/s",
            pg.rate_taps,
        ),
        Row(
            name,
            f"PostgreSQL / SQLite updates/s, {len(each)} rounds",
            f"{speed:.2f}x ({_each(each)})",
            ">= 0.7x",
            speed >= 0.7,
        ),
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
            "bot CPU busy / tap -> answer p50, SQLite",
            f"{yv.bot_cpu / yv.seconds:.0%} / {ms(pct(yv.latencies, 50))}",
        ),
        Row(
            name,
            "bot CPU busy / tap -> answer p50, PostgreSQL",
            f"{pg.bot_cpu / pg.seconds:.0%} / {ms(pct(pg.latencies, 50))}",
        ),
        Row(name, "PostgreSQL / bare updates/s", f"{pg.per_second / bare.per_second:.2f}x"),
    ]


def _side_by_side(name: str, yv: list[Capacity], side: list[Capacity]) -> list[Row]:
    """The bare bot again, handling updates side by side as Youth Voice does (one slow call
    must not hold up everyone): what that costs the library itself, with no target."""
    bare, ours = pooled(side), pooled(yv)
    each = [y.per_second / s.per_second for y, s in zip(yv, side, strict=True)]
    each_cpu = [y.cpu_ms / s.cpu_ms for y, s in zip(yv, side, strict=True)]
    return [
        Row(
            name,
            "bare PTB bot, updates side by side: updates/s",
            bare.rate_taps,
        ),
        Row(
            name,
            "Youth Voice / side-by-side bare updates/s",
            f"{ours.per_second / bare.per_second:.2f}x ({_each(each)})",
        ),
        Row(
            name,
            "CPU ms per update, Youth Voice / side-by-side bare",
            f"{ours.cpu_ms:.2f} / {bare.cpu_ms:.2f} = {ours.cpu_ms / bare.cpu_ms:.2f}x"
            f" ({_each(each_cpu)})",
        ),
    ]


def _each(ratios: list[float]) -> str:
    """Each round's ratio and their median."""
    rounds = ", ".join(f"{x:.2f}x" for x in ratios)
    return f"each round: {rounds}; median {statistics.median(ratios):.2f}x"


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
    rounds: int = 1,
) -> list[Row]:
    """Everyone taps as fast as the bot answers; Youth Voice against a bare PTB bot (and the
    same bot handling updates side by side), and with ``postgres`` Youth Voice on PostgreSQL
    against the same on SQLite: ``rounds`` rounds, each of them all, one after the other, so
    that all see the same load; the targets are judged on the rounds added up (a profile is
    of the first round)."""
    name = "2 inbound"
    on_sqlite: list[Capacity] = []
    on_postgres: list[Capacity] = []
    on_bare: list[Capacity] = []
    on_side: list[Capacity] = []
    for turn in range(rounds):
        profile = profile_to if turn == 0 else None
        on_sqlite.append(await _youthvoice_capacity(count, seed, send_rate, sqlite, profile))
        if postgres is not None:
            on_postgres.append(
                await _youthvoice_capacity(
                    count, seed, send_rate, postgres, beside(profile, postgres.kind)
                )
            )
        on_bare.append(await _bare_capacity(count, seed))
        on_side.append(await _bare_capacity(count, seed, side_by_side=True))
    yv, bare, side = pooled(on_sqlite), pooled(on_bare), pooled(on_side)
    pg = pooled(on_postgres) if on_postgres else None
    speed, cpu = yv.per_second / bare.per_second, yv.cpu_ms / bare.cpu_ms
    each = [y.per_second / b.per_second for y, b in zip(on_sqlite, on_bare, strict=True)]
    each_cpu = [y.cpu_ms / b.cpu_ms for y, b in zip(on_sqlite, on_bare, strict=True)]
    rows = [
        Row(
            name,
            f"{count} people, Youth Voice (SEND_RATE={send_rate:g}): updates/s",
            yv.rate_taps,
        ),
        Row(
            name,
            "bare PTB bot: updates/s",
            bare.rate_taps,
        ),
        Row(
            name,
            f"Youth Voice / bare updates/s, {rounds} rounds",
            f"{speed:.2f}x ({_each(each)})",
            ">= 0.8x",
            speed >= 0.8,
        ),
        Row(
            name,
            f"CPU ms per update, Youth Voice / bare, {rounds} rounds",
            f"{yv.cpu_ms:.2f} / {bare.cpu_ms:.2f} = {cpu:.2f}x ({_each(each_cpu)})",
            "<= 1.4x",
            cpu <= 1.4,
        ),
        *_side_by_side(name, on_sqlite, on_side),
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
    if on_postgres:
        rows.extend(_on_postgres(name, on_sqlite, on_postgres, bare))
    for who, cap in (
        ("Youth Voice", yv),
        ("Youth Voice on PostgreSQL", pg),
        ("bare", bare),
        ("bare, side by side", side),
    ):
        if cap is not None and cap.errors:
            rows.append(
                Row(
                    name, f"{who}: walks that broke off", f"{len(cap.errors)}: {cap.errors[0][:60]}"
                )
            )
    return rows
