"""Run the Youth Voice benchmarks and print one table: target, measured, PASS or MISS.

    python bench/run.py                 # all nine, full size (about 11 minutes)
    python bench/run.py --quick         # smaller and faster (about 5 minutes)
    python bench/run.py --only outbox   # one benchmark (repeat --only for more)

busy takes about 3 minutes even with --quick: its people take 10 to 25 s over each tap.

Figures, not tests: a MISS never fails anything. Everything talks only to 127.0.0.1, and every
bot process and emulator is stopped at the end, on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import benchmarks, charts, compaction, delivery, results
from bench.figures import Row

NAMES = (
    "outbox",
    "inbound",
    "latency",
    "memory",
    "busy",
    "faults",
    "results",
    "charts",
    "compaction",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Youth Voice benchmarks (figures, not tests).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about 5 minutes")
    parser.add_argument("--only", action="append", choices=NAMES, help="run only this one")
    parser.add_argument("--messages", type=int, help="outbox: invitations (5000; quick 600)")
    parser.add_argument(
        "--outbox-send-rate",
        type=float,
        default=30,
        help="outbox: YOUTHVOICE_SEND_RATE (30, Telegram's limit, which the emulator enforces)",
    )
    parser.add_argument("--people", type=int, help="inbound: people tapping (50; quick 20)")
    parser.add_argument("--pace-people", type=int, default=40, help="latency: people (40)")
    parser.add_argument("--contacts", type=int, help="memory: contacts (10000; quick 2000)")
    parser.add_argument(
        "--inbound-send-rate",
        type=float,
        default=1000,
        help="inbound: YOUTHVOICE_SEND_RATE for Youth Voice (1000, so PTB's AIORateLimiter "
        "does not cap it; 30 shows the production cap)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="inbound: run Youth Voice under cProfile, write the profile here, print the top",
    )
    parser.add_argument("--busy-contacts", type=int, help="busy: people invited (2000; quick 500)")
    parser.add_argument(
        "--answerers", type=int, help="busy: of them, people answering (200; quick 50)"
    )
    parser.add_argument("--fault-people", type=int, help="faults: people sent to (300; quick 100)")
    parser.add_argument(
        "--fault-seconds",
        type=float,
        action="append",
        help="faults: seconds of connections cut after the work, one send each (15 and 60)",
    )
    parser.add_argument(
        "--responses",
        type=int,
        help="results and compaction: responses to 20 questions (50000; quick 10000)",
    )
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def print_table(rows: list[Row]) -> None:
    headers = ("benchmark", "figure", "target", "measured", "")
    verdicts = {None: "", True: "PASS", False: "MISS"}
    cells = [(r.bench, r.metric, r.target, r.measured, verdicts[r.ok]) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print(line)
    last = None
    for cell in cells:
        shown = ("" if cell[0] == last else cell[0], *cell[1:])
        last = cell[0]
        print("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip())
    print(line)


async def run(args: argparse.Namespace) -> list[Row]:
    quick = args.quick
    chosen = args.only or list(NAMES)
    rows: list[Row] = []
    for name in NAMES:
        if name not in chosen:
            continue
        started = time.monotonic()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            if name == "outbox":
                found = await benchmarks.outbox_send_rate(
                    args.messages or (600 if quick else 5000), args.outbox_send_rate
                )
            elif name == "inbound":
                found = await benchmarks.inbound_capacity(
                    args.people or (20 if quick else 50),
                    args.seed,
                    args.inbound_send_rate,
                    args.profile,
                )
            elif name == "latency":
                found = await benchmarks.latency_at_human_pace(args.pace_people, args.seed)
            elif name == "memory":
                found = await benchmarks.peak_memory(args.contacts or (2000 if quick else 10000))
            elif name == "busy":
                found = await delivery.presses_during_a_send(
                    args.busy_contacts or (500 if quick else 2000),
                    args.answerers or (50 if quick else 200),
                    args.seed,
                )
            elif name == "results":
                found = await asyncio.to_thread(
                    results.measure, args.responses or (10_000 if quick else 50_000)
                )
            elif name == "charts":
                found = await charts.charts_for_ten_questions(args.seed)
            elif name == "compaction":
                found = await asyncio.to_thread(
                    compaction.measure, args.responses or (10_000 if quick else 50_000)
                )
            else:
                found = await delivery.copies_when_cut(
                    args.fault_people or (100 if quick else 300), args.fault_seconds or [15, 60]
                )
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            found = [Row(name, "failed", f"{type(exc).__name__}: {str(exc)[:200]}", "", False)]
        print(f"  {name} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        rows.extend(found)
    return rows


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.profile is not None:
        args.profile = args.profile.resolve()
    try:
        rows = asyncio.run(run(args))
    except KeyboardInterrupt:
        print("interrupted; every bot process and emulator was stopped", file=sys.stderr)
        sys.exit(130)
    print(f"\nYouth Voice benchmarks{' (--quick)' if args.quick else ''}: {machine()}")
    print_table(rows)
    if args.profile is not None:
        print("--profile: Youth Voice ran under cProfile, which slows it; ignore its verdicts.")
    if args.profile is not None and args.profile.exists():
        print(f"\nTop of the Youth Voice profile ({args.profile}), by own time:")
        pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
