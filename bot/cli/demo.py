"""``youthvoice demo``: the emulator and the real bot, with simulated young people, no network.

A few people join, answer the weekly check-in at a human pace, and the demo prints one
conversation and the anonymous totals.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import tempfile
import time
from pathlib import Path

import click
from pydantic import SecretStr

from bot.actions import cohorts, plans
from bot.actions.plans import CheckinRequest
from bot.emulator import BotMessage, Emulator, SimUser
from bot.runtime.runner import BotRunner, open_services
from bot.settings import Settings
from flows.survey import Survey
from storage.base import Totals

TOKEN = "123456:demo-token"
THOUGHTS = [
    "More help with bills please",
    "My worker is great",
    "Could we meet somewhere other than the office?",
    "Nothing else, thanks",
]


async def _next_new(person: SimUser) -> BotMessage:
    """The next new message from the bot, passing over edits of older ones."""
    while True:
        reply = await person.next_reply(timeout=20)
        if reply.event == "new":
            return reply


async def _answer(person: SimUser, question: BotMessage, rng: random.Random) -> None:
    texts = question.button_texts
    if "Type your answer" in (question.text or ""):
        if "Skip" in texts and rng.random() < 0.4:
            await person.tap("Skip")
        else:
            await person.send(rng.choice(THOUGHTS))
        return
    choices = [t for t in texts if t not in ("Skip", "Prefer not to say", "Done ✔")]
    if "Done ✔" in texts:
        for label in rng.sample(choices, k=min(len(choices), rng.randint(1, 2))):
            await person.tap(label)
            await asyncio.sleep(0.3)
        await person.tap("Done ✔")
        return
    # Lean towards the first answers so the totals show a pattern worth reading.
    weights = [len(choices) - i for i in range(len(choices))]
    await person.tap(rng.choices(choices, weights=weights)[0])


async def _take_part(person: SimUser, code: str, rng: random.Random) -> None:
    await person.send(f"/start {code}")
    await _next_new(person)
    await person.tap("Yes, I'm in")
    await _next_new(person)
    await _next_new(person)  # the invitation
    await person.tap("Start")
    await _next_new(person)  # intro
    message = await _next_new(person)
    while (message.text or "")[:1].isdigit():  # "2 of 6 ..."
        await asyncio.sleep(rng.uniform(1.6, 2.4))  # a person reading, and Telegram's 1/s a chat
        await _answer(person, message, rng)
        message = await _next_new(person)


def print_totals(survey: Survey, totals: Totals, threshold: int = 3) -> None:
    click.echo(f"\nAnonymous totals for '{survey.title}': {totals.responses} finished")
    click.echo(
        f"(counts under {threshold} are hidden, so nobody can be picked out of a small group)"
    )
    for question in survey.questions:
        counts = totals.counts.get(question.id, {})
        click.echo(f"\n  {question.text}")
        if question.type == "text":
            click.echo(f"    {sum(counts.values())} written answers (not shown in this demo)")
            continue
        for value in question.in_order(counts):
            count = counts[value]
            shown = str(count) if count >= threshold else f"<{threshold}"
            click.echo(f"    {question.label_for(value):<28} {shown}")


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


async def run_demo(people: int = 6, seed: int = 7) -> None:
    rng = random.Random(seed)
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
                cohort, _link = await cohorts.add_cohort(svc.store, "Demo forum", svc.today())
                crowd = [emu.user(f"Young person {i + 1}") for i in range(people)]
                survey = svc.surveys["weekly"]
                started = time.monotonic()
                tasks = [
                    asyncio.create_task(
                        _take_part(p, cohort.invite_code, random.Random(rng.random()))
                    )
                    for p in crowd
                ]
                while await plans.reach(svc.store, cohort.id) < people:
                    await asyncio.sleep(0.1)
                # What `youthvoice checkin weekly --cohort "Demo forum"` does.
                plan = plans.plan_checkin(survey, CheckinRequest(), settings.zone, None, svc.now())
                checkin, queued = await plans.open_now(svc.store, plan, cohort.id)
                click.echo(f"{people} young people joined; {queued} invitations queued.")
                await asyncio.gather(*tasks)
                took = time.monotonic() - started
                click.echo(
                    "\nOne conversation (names are the emulator's; the bot never stores them):\n"
                )
                click.echo(crowd[0].transcript())
                print_totals(survey, await svc.store.totals(checkin.id))
                outbox = await svc.store.outbox_counts()
                click.echo(delivery_note(took, outbox["failed"], emu.stats.too_many_requests))
            finally:
                await runner.stop()
                await svc.store.close()
