"""Run the Youth Voice benchmarks and print one table: target, measured, PASS or MISS.

    python bench/run.py                 # all on SQLite, full size (about 11 minutes)
    python bench/run.py --quick         # smaller and faster (about 5 minutes)
    python bench/run.py --only outbox   # one benchmark (repeat --only for more)
    python bench/run.py --database postgresql --only outbox --only inbound

--database postgresql (or both) starts a throwaway PostgreSQL server (initdb and pg_ctl from
the machine's packages, as the tests do) and runs the benchmarks that start a bot on it;
inbound then measures Youth Voice on SQLite too, in the same run, for the ratio. failover and
inbound2 run two bots by webhook on one database, so only on PostgreSQL.

busy takes about 3 minutes even with --quick: its people take 10 to 25 s over each tap.

Figures, not tests: a MISS never fails anything. Everything talks only to 127.0.0.1 (and
PostgreSQL to a private socket), and every bot process, emulator and database server is
stopped at the end, on Ctrl-C and SIGTERM too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import pstats
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import benchmarks, charts, compaction, delivery, inbound, instances, results
from bench.database import KINDS, LABELS, POSTGRESQL, SQLITE, Databases, databases
from bench.figures import Row
from tests.postgres import PostgresMissing

DatabaseSet = dict[str, Databases]

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
    "failover",
    "inbound2",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Youth Voice benchmarks (figures, not tests).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about 5 minutes")
    parser.add_argument(
        "--database",
        choices=(*KINDS, "both"),
        default=SQLITE,
        help="where the bot keeps its data: sqlite (a file), postgresql (a throwaway server "
        "started for the run, stopped at its end) or both",
    )
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
        "--rounds",
        type=int,
        default=3,
        help="inbound and inbound2: rounds of Youth Voice (on SQLite, then on PostgreSQL) then "
        "the bare bot (one update at a time, then side by side), or of one bot then two, added "
        "up (3)",
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
    parser.add_argument(
        "--invitations", type=int, help="failover: invitations sent (1500; quick 600)"
    )
    parser.add_argument(
        "--people2", type=int, help="inbound2: people tapping, one bot then two (50; quick 20)"
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


# The benchmarks that start a bot run on each database asked for (inbound on PostgreSQL
# measures SQLite too, for the ratio); the others do not go through the bot's store.
ON_EACH_DATABASE = ("outbox", "inbound", "latency", "memory", "busy", "faults")
SQLITE_ONLY = {
    "results": "writes the SQLite file straight with sqlite3",
    "charts": "uses no database",
    "compaction": "measures SQLite's VACUUM",
}
# Two bots share one database only on PostgreSQL (a SQLite file has one bot).
POSTGRESQL_ONLY = ("failover", "inbound2")


async def measure(
    name: str, args: argparse.Namespace, on: Databases, dbs: DatabaseSet
) -> list[Row]:
    """One benchmark's rows, on the databases ``on`` makes."""
    quick = args.quick
    if name == "outbox":
        return await benchmarks.outbox_send_rate(
            args.messages or (600 if quick else 5000), on, args.outbox_send_rate
        )
    if name == "inbound":
        return await inbound.inbound_capacity(
            args.people or (20 if quick else 50),
            args.seed,
            args.inbound_send_rate,
            dbs.get(SQLITE) or Databases(SQLITE),
            on if on.kind == POSTGRESQL else None,
            args.profile,
            args.rounds,
        )
    if name == "latency":
        return await benchmarks.latency_at_human_pace(args.pace_people, args.seed, on)
    if name == "memory":
        return await benchmarks.peak_memory(args.contacts or (2000 if quick else 10000), on)
    if name == "busy":
        return await delivery.presses_during_a_send(
            args.busy_contacts or (500 if quick else 2000),
            args.answerers or (50 if quick else 200),
            args.seed,
            on,
        )
    if name == "faults":
        return await delivery.copies_when_cut(
            args.fault_people or (100 if quick else 300), args.fault_seconds or [15, 60], on
        )
    if name == "results":
        return await asyncio.to_thread(
            results.measure, args.responses or (10_000 if quick else 50_000)
        )
    if name == "charts":
        return await charts.charts_for_ten_questions(args.seed)
    if name == "failover":
        return await instances.failover(args.invitations or (600 if quick else 1500), on)
    if name == "inbound2":
        return await instances.two_against_one(
            args.people2 or (20 if quick else 50),
            args.seed,
            args.inbound_send_rate,
            on,
            args.rounds,
        )
    return await asyncio.to_thread(
        compaction.measure, args.responses or (10_000 if quick else 50_000)
    )


def plan(args: argparse.Namespace, dbs: DatabaseSet) -> list[tuple[str, Databases | None]]:
    """Each benchmark to run with its databases (None: a row saying it is SQLite only)."""
    chosen = args.only or list(NAMES)
    runs: list[tuple[str, Databases | None]] = []
    for name in NAMES:
        if name not in chosen:
            continue
        if name in ON_EACH_DATABASE:
            # Inbound on SQLite alone is part of inbound on PostgreSQL: not run twice.
            skip = {SQLITE} if name == "inbound" and POSTGRESQL in dbs else set()
            runs.extend((name, on) for kind, on in dbs.items() if kind not in skip)
        elif name in POSTGRESQL_ONLY:
            runs.append((name, dbs.get(POSTGRESQL)))
        else:
            runs.append((name, dbs.get(SQLITE)))
    return runs


def _not_run(name: str) -> Row:
    if name in POSTGRESQL_ONLY:
        return Row(name, "on SQLite", "not run: two bots need PostgreSQL (--database postgresql)")
    return Row(name, "on PostgreSQL", f"not run: SQLite only ({SQLITE_ONLY[name]})")


async def run(args: argparse.Namespace, dbs: DatabaseSet) -> list[Row]:
    rows: list[Row] = []
    for name, on in plan(args, dbs):
        if on is None:
            rows.append(_not_run(name))
            continue
        started = time.monotonic()
        print(f"running {on.title(name)} ...", file=sys.stderr, flush=True)
        try:
            found = await measure(name, args, on, dbs)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            found = [Row(name, "failed", f"{type(exc).__name__}: {str(exc)[:200]}", "", False)]
        print(f"  took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        rows.extend(found)
    return rows


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.profile is not None:
        args.profile = args.profile.resolve()
    kinds = list(KINDS) if args.database == "both" else [args.database]
    on_each = set(args.only or NAMES) & {*ON_EACH_DATABASE, *POSTGRESQL_ONLY}
    started = kinds if on_each else [k for k in kinds if k == SQLITE]  # no server for nothing
    # A SIGTERM stops everything as Ctrl-C does: bots, emulators and the PostgreSQL server.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with databases(started) as dbs:
            rows = asyncio.run(run(args, dbs))
    except PostgresMissing as exc:
        sys.exit(f"--database {args.database}: {exc}")
    except KeyboardInterrupt:
        print(
            "interrupted; every bot process, emulator and database server was stopped",
            file=sys.stderr,
        )
        sys.exit(130)
    on = " and ".join(LABELS[k] for k in kinds)
    print(f"\nYouth Voice benchmarks{' (--quick)' if args.quick else ''} on {on}: {machine()}")
    print_table(rows)
    if args.profile is not None:
        print("--profile: Youth Voice ran under cProfile, which slows it; ignore its verdicts.")
    for profile in (args.profile, inbound.beside(args.profile, POSTGRESQL)):
        if profile is not None and profile.exists():
            print(f"\nTop of the Youth Voice profile ({profile}), by own time:")
            pstats.Stats(str(profile)).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
