"""The delivery benchmarks of issue 12: presses and replies while a large send goes out, and how
many copies people get when Telegram cuts connections after doing the work.
"""

from __future__ import annotations

import asyncio
import math
import time

from bench import crowd
from bench.database import Databases
from bench.figures import Row, by_status, ms, pct
from bench.scene import scene

# People read a question and think before each tap. A tap costs about two of Telegram's 30
# messages a second (the tapped question edited, the next one sent), so 200 people tapping
# every 10 to 25 s take most of them: faster would be more than Telegram carries.
THINK = (10.0, 25.0)


async def presses_during_a_send(
    contacts: int, answerers: int, seed: int, databases: Databases
) -> list[Row]:
    """A check-in opens for ``contacts`` people; the first ``answerers`` invited answer it, at
    a person's pace, while the other invitations are still going out at Telegram's limit."""
    name = databases.title("5 busy")
    async with scene("busy", contacts, databases, rate_limits=True, send_rate=30) as on:
        emu, people = on.emu, on.people
        queued = await crowd.open_weekly(on.database, on.cohort)
        started = time.monotonic()
        # The outbox sends in the order people joined: the first ones are invited first, and
        # each walk begins by waiting for its invitation.
        walks = await crowd.walk_all(people[:answerers], emu, seed, think=THINK)
        seconds = time.monotonic() - started
        left = await crowd.outbox_counts(on.database)
    others = [emu.stats.deliveries.get(p.chat_id, []) for p in people[answerers:]]
    presses = emu.stats.press_answer_delays
    late, too_many = emu.stats.late_answers, emu.stats.too_many_requests
    still = left["queued"] + left["sending"]
    # Others get only their invitation, so the last of those ends the send.
    send_end = math.inf if still or not all(others) else max((s[0] for s in others), default=0.0)
    taps = [t for w in walks for t in w.tapped]
    during = sum(t < send_end for t in taps)
    share = during / len(taps) if taps else 0.0
    replies = [x for w in walks for x in w.latencies]
    press95, reply95 = pct(presses, 95), pct(replies, 95)
    errors = [w.error for w in walks if w.error]
    rows = [
        Row(
            name,
            f"{contacts:,} invited, {answerers} answer: taps / finished / seconds",
            f"{len(taps)} / {sum(w.finished for w in walks)} / {seconds:.0f}",
        ),
        Row(name, "press -> answered p95", ms(press95), "<= 1 s", press95 <= 1.0),
        Row(
            name,
            "press -> answered p50 / max",
            f"{ms(pct(presses, 50))} / {ms(max(presses, default=math.nan))}",
        ),
        Row(name, "tap -> next question (or tick) p95", ms(reply95), "<= 2 s", reply95 <= 2.0),
        Row(
            name,
            "tap -> next question p50 / max",
            f"{ms(pct(replies, 50))} / {ms(max(replies, default=math.nan))}",
        ),
        Row(name, "429s / presses answered too late", f"{too_many} / {late}", "reported"),
        Row(name, "invitations still queued when they finished", f"{still:,} of {queued:,}"),
        Row(
            name,
            "taps made while the send was still going",
            f"{during} of {len(taps)} ({share:.0%})",
            ">= 95%",
            share >= 0.95,
        ),
    ]
    if errors:
        rows.append(Row(name, "walks that broke off", f"{len(errors)}: {errors[0][:60]}"))
    return rows


async def copies_when_cut(count: int, windows: list[float], databases: Databases) -> list[Row]:
    """A send to ``count`` people, once for each window: Telegram does each sendMessage but
    cuts the connection before answering, for that many seconds from the start of the send."""
    rows: list[Row] = []
    for seconds in windows:
        rows.extend(await _copies_when_cut(count, seconds, databases))
    return rows


async def _copies_when_cut(count: int, seconds: float, databases: Databases) -> list[Row]:
    name = databases.title("6 faults")
    async with scene("faults", count, databases, rate_limits=True, send_rate=30) as on:
        emu, people = on.emu, on.people
        emu.fault("drop_after", "sendMessage", seconds=seconds)
        opened = time.monotonic()
        await crowd.open_weekly(on.database, on.cohort)
        # Two tries 15 s apart, after the window at most, each paced at 30 a second.
        budget = seconds + 15 + 2 * count / 30 + 60
        await crowd.wait_for_news(emu, people, 1, timeout=budget)
        counts = await crowd.wait_settled(on.database, timeout=budget)
        settled = time.monotonic() - opened
        await asyncio.sleep(3)  # late repeats would show up here
    got = crowd.copies(emu, people)
    firsts = [emu.stats.deliveries.get(p.chat_id, [math.inf])[0] for p in people]
    cut, too_many = emu.stats.fault_hits["drop_after"], emu.stats.too_many_requests
    missed, thrice = got[0], sum(n for k, n in got.items() if k >= 3)
    everyone = f"{max(firsts) - opened:.1f} s" if not missed else f"{missed} never"
    unsettled = counts["queued"] + counts["sending"]
    return [
        Row(
            name,
            f"{count} people, {seconds:g} s cut after the work: copies 0 / 1 / 2 / 3+",
            f"{missed} / {got[1]} / {got[2]} / {thrice}",
            "0 / - / - / 0",
            missed == 0 and thrice == 0,
        ),
        Row(
            name,
            "opened -> everyone had one / outbox settled",
            f"{everyone} / {settled:.1f} s"
            + (f" (NOT settled: {unsettled} left)" if unsettled else ""),
        ),
        Row(name, "sends cut / 429s", f"{cut} / {too_many}"),
        Row(name, "outbox messages by status", by_status(counts)),
    ]
