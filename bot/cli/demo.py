"""``youthvoice demo``: the emulator and the real bot, with simulated young people, no network.

A few people join, answer the weekly check-in at a human pace, and the demo prints one
conversation and the anonymous totals. With faults switched on (``--fault``) the people do what
people do when an app goes quiet or says sorry: wait a little and try again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import secrets
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import click
from pydantic import SecretStr

from bot.actions import cohorts, plans, results
from bot.actions.audit import COMMAND_LINE
from bot.actions.plans import CheckinRequest
from bot.cli.faults import FaultSpec
from bot.cli.participant import Participant, Walk
from bot.cli.results import summary_text
from bot.emulator import Emulator
from bot.runtime.runner import BotRunner, open_services
from bot.services import Services
from bot.settings import Settings

TOKEN = "123456:demo-token"
JOIN_TIME = 30.0  # seconds the demo waits for everyone to join, plus the longest fault
WALK_TIME = 90.0  # seconds a person keeps at it before giving up, plus the longest fault


async def demo_results(svc: Services, checkin_id: int) -> list[str]:
    """The check-in's results as a lead sees them with ``youthvoice results`` once it has
    closed (results of an open check-in show nothing): small numbers hidden the same way."""
    checkin = await svc.store.checkin(checkin_id)
    closes = checkin.closes_at if checkin is not None else None
    later = svc if closes is None else dataclasses.replace(svc, clock=lambda: closes)
    found = await results.checkin_results(later, checkin_id, COMMAND_LINE)
    heading = "Anonymous results, as a lead sees them with: youthvoice results, once it closes"
    return ["", heading, *summary_text(svc.settings, found)]


def fault_note(hits: Mapping[str, int], malformed: int, walks: Sequence[Walk]) -> str:
    """What the faults did, and how the young people got on, in plain words."""
    lines = []
    if hits:
        failed = sum(hits.values())
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(hits.items()))
        lines.append(f"The pretend Telegram failed {_count(failed, 'call')} on purpose ({kinds}).")
    if malformed:
        lines.append(f"It sent the bot {_count(malformed, 'update')} it cannot read.")
    retries = sum(walk.retries for walk in walks)
    if retries:
        lines.append(
            "When the bot went quiet or said sorry, the young people tried again, "
            f"{_count(retries, 'time')} in all."
        )
    finished = sum(walk.finished for walk in walks)
    if finished < len(walks):
        gave_up = len(walks) - finished
        lines.append(f"{finished} of {len(walks)} finished the check-in; {gave_up} gave up.")
    else:
        lines.append("Every one of them finished the check-in.")
    return "\n" + "\n".join(lines)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'s' if number != 1 else ''}"


def delivery_note(took: float, lost: int, slow_downs: int) -> str:
    """The last line: how long it took and whether every message arrived, in plain words.
    Being told to slow down is Telegram's normal pacing, so it is only named when it matters."""
    note = (
        f"\nDone in {took:.1f}s. The emulator holds the bot to Telegram's real limits\n"
        "(about one message a second in each chat)"
    )
    if not lost:
        return f"{note}, and every message arrived."
    return (
        f"{note}. {lost} message{'s' if lost != 1 else ''} could not be delivered; "
        f"Telegram's limits asked the bot to slow down {slow_downs} times."
    )


async def _joined(svc: Services, cohort_id: int, people: int, until: float) -> int:
    """How many joined the cohort, once all `people` have or `until` (monotonic) has passed."""
    joined = await plans.reach(svc.store, cohort_id)
    while joined < people and time.monotonic() < until:
        await asyncio.sleep(0.1)
        joined = await plans.reach(svc.store, cohort_id)
    return joined


async def run_demo(
    people: int = 6,
    seed: int = 7,
    faults: Sequence[FaultSpec] = (),
    malformed: Sequence[str] = (),
) -> None:
    rng = random.Random(seed)
    longest = max((spec.seconds for spec in faults), default=0.0)
    with tempfile.TemporaryDirectory(prefix="youthvoice-demo-") as folder:
        async with Emulator(token=TOKEN, bot_username="youthvoice_demo_bot") as emu:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                bot_token=SecretStr(TOKEN),
                api_url=emu.base_url,
                database=Path(folder) / "demo.db",
                quiet_hours="off",
                secret_key=SecretStr(secrets.token_hex(32)),  # throwaway: the demo is too
            )
            svc = await open_services(settings)
            runner = BotRunner(svc, poll_timeout=1, delivery_idle=0.1)
            await runner.start()
            try:
                click.echo("Youth Voice demo: the real bot against the built-in Bot API emulator.")
                for spec in faults:
                    spec.switch_on(emu)
                    click.echo(f"Fault switched on: {spec}.")
                for kind in malformed:
                    emu.push_malformed(kind)
                    click.echo(f"A malformed update ({kind}) is waiting for the bot.")
                cohort, _link = await cohorts.add_cohort(svc.store, "Demo forum", svc.today())
                survey = svc.surveys["weekly"]
                started = time.monotonic()
                crowd = [
                    Participant(
                        emu.user(f"Young person {i + 1}"),
                        cohort.invite_code,
                        survey.thanks,
                        random.Random(rng.random()),
                        started + WALK_TIME + longest,
                    )
                    for i in range(people)
                ]
                tasks = [asyncio.create_task(p.take_part()) for p in crowd]
                joined = await _joined(svc, cohort.id, people, started + JOIN_TIME + longest)
                if joined == 0:  # there is nobody to open a check-in for
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    click.echo("Nobody managed to join in time, so there is nothing to show.")
                    return
                # What `youthvoice checkin weekly --cohort "Demo forum"` does.
                plan = plans.plan_checkin(survey, CheckinRequest(), settings.zone, None, svc.now())
                checkin, queued = await plans.open_now(
                    svc.store, plan, cohort.id, COMMAND_LINE, svc.now()
                )
                who = f"{people}" if joined == people else f"{joined} of {people}"
                click.echo(f"{who} young people joined; {queued} invitations queued.")
                walks = await asyncio.gather(*tasks)
                took = time.monotonic() - started
                # With faults on, show someone who met them.
                shown = max(range(people), key=lambda i: walks[i].retries)
                click.echo(
                    "\nOne conversation (names are the emulator's; the bot never stores them):\n"
                )
                click.echo(crowd[shown].person.transcript())
                click.echo("\n".join(await demo_results(svc, checkin.id)))
                if faults or malformed:
                    click.echo(fault_note(emu.stats.fault_hits, len(malformed), walks))
                outbox = await svc.store.outbox_counts()
                click.echo(delivery_note(took, outbox["failed"], emu.stats.too_many_requests))
            finally:
                try:
                    await runner.stop()
                except Exception as exc:  # part of the story, in one line, not a traceback
                    click.echo(f"\nThe bot did not stop cleanly: {type(exc).__name__}.")
                finally:
                    await svc.store.close()
