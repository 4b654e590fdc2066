"""Simulated young people for the benchmarks: put many of them in the database at once, and walk
each one through a check-in by tapping buttons, timing every tap to the bot's answer.

The walk works for Youth Voice's weekly check-in and for the bare bot's questions alike: tap a
content button, tick one option and tap Done on a multi-choice question, Skip a text question,
and stop at the message that starts with "Thank you".
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.database import Place
from bot.actions.notices import invitation
from bot.emulator import BotMessage, Button, Emulator, SimUser
from flows.survey import load_surveys
from storage.base import Audience, NewCheckin

NOT_CONTENT = ("Skip", "Prefer not to say", "Done ✔")
DONE = "Done ✔"
_JOINED = (
    "INSERT INTO contacts (chat_id, cohort_id, language, status, joined_on)"
    " VALUES (?, ?, 'en', 'joined', ?)"
)


async def seed_contacts(database: Place, chat_ids: list[int]) -> int:
    """Create the schema and one cohort, then add every chat as a joined contact in one go.

    The store has no bulk join (joining is one person pressing a button), so the rows are
    written straight into ``contacts`` with one ``executemany``, in one of the store's own
    transactions: the same statement on SQLite and PostgreSQL. Returns the cohort id.
    """
    today = time.strftime("%Y-%m-%d")
    async with database.store() as store:
        cohort = await store.add_cohort("Bench cohort", "BENCH123", today)
        rows = [(chat_id, cohort.id, today) for chat_id in chat_ids]
        await store._atomic("seed contacts", lambda conn: conn.executemany(_JOINED, rows))
    return cohort.id


async def open_weekly(database: Place, cohort_id: int) -> int:
    """What ``youthvoice checkin weekly`` does: open it now and queue the invitations."""
    survey = load_surveys(None)["weekly"]
    async with database.store() as store:
        checkin, queued = await store.open_checkin(
            NewCheckin(survey.id, cohort_id, time.time()),
            Audience(cohort_id=cohort_id),
            lambda c: invitation(c.id, survey.title),
        )
    assert checkin is not None
    return queued


async def outbox_counts(database: Place) -> dict[str, int]:
    async with database.store() as store:
        return await store.outbox_counts()


async def wait_settled(database: Place, timeout: float) -> dict[str, int]:
    """Wait until the outbox has nothing queued or sending (or ``timeout`` seconds pass);
    returns its counts then."""
    deadline = time.monotonic() + timeout
    while True:
        counts = await outbox_counts(database)
        if counts["queued"] == counts["sending"] == 0 or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.5)


def crowd(emu: Emulator, count: int) -> list[SimUser]:
    return [emu.user(f"Young person {i + 1}") for i in range(count)]


async def wait_for_news(
    emu: Emulator, people: list[SimUser], each: int, timeout: float
) -> tuple[int, float]:
    """Wait until everyone has at least ``each`` new bot messages; returns (reached, seconds)."""
    started = time.monotonic()
    deadline = started + timeout
    while True:
        reached = sum(len(emu.stats.deliveries.get(p.chat_id, [])) >= each for p in people)
        if reached == len(people) or time.monotonic() > deadline:
            return reached, time.monotonic() - started
        await asyncio.sleep(0.1)


def copies(emu: Emulator, people: list[SimUser]) -> Counter[int]:
    """How many people got 0, 1, 2, ... new bot messages."""
    return Counter(len(emu.stats.deliveries.get(p.chat_id, [])) for p in people)


@dataclass
class Walk:
    """What one person's walk through a check-in measured."""

    tapped: list[float] = field(default_factory=list)  # time.monotonic() of each tap
    latencies: list[float] = field(default_factory=list)
    finished: bool = False
    error: str | None = None

    @property
    def taps(self) -> int:
        return len(self.tapped)


class Reader:
    """Reads a person's chat event by event; a new message's time is when the emulator stored it."""

    def __init__(self, person: SimUser, emu: Emulator) -> None:
        self.person, self.emu, self.news = person, emu, 0

    async def next(self, kind: str, timeout: float) -> tuple[BotMessage, float]:
        while True:
            event = await self.person.next_reply(timeout)
            if event.event == "new":
                stamp = self.emu.stats.deliveries[self.person.chat_id][self.news]
                self.news += 1
            else:
                stamp = time.monotonic()
            if event.event == kind:
                return event, stamp


def _choose(message: BotMessage, rng: random.Random) -> Button:
    buttons = [b for row in message.buttons for b in row if not b.is_link]
    content = [b for b in buttons if b.text not in NOT_CONTENT]
    if "Type your answer" in message.text or not content:
        return next((b for b in buttons if b.text == "Skip"), buttons[0])
    return rng.choice(content)


async def walk(
    person: SimUser,
    emu: Emulator,
    rng: random.Random,
    think: tuple[float, float] | None = None,
    timeout: float = 30.0,
) -> Walk:
    """Tap through the check-in whose first message with buttons is the next one unread."""
    result, reader = Walk(), Reader(person, emu)

    async def tap(message: BotMessage, button: Button, answer_kind: str) -> BotMessage:
        if think is not None:
            await asyncio.sleep(rng.uniform(*think))
        tapped = time.monotonic()
        await person.tap_data(button.data, message.message_id)
        result.tapped.append(tapped)
        reply, stamp = await reader.next(answer_kind, timeout)
        result.latencies.append(stamp - tapped)
        return reply

    try:
        message, _ = await reader.next("new", timeout)
        while True:
            if message.text.startswith("Thank you"):
                result.finished = True
                return result
            if not message.buttons:
                message, _ = await reader.next("new", timeout)
                continue
            done = message.button(DONE)
            if done is not None:
                message = await tap(message, _choose(message, rng), "edit")
                done = message.button(DONE)
                assert done is not None, str(message)
                message = await tap(message, done, "new")
            else:
                message = await tap(message, _choose(message, rng), "new")
    except (AssertionError, KeyError, IndexError) as exc:
        result.error = str(exc).splitlines()[0]
        return result


async def walk_all(
    people: list[SimUser],
    emu: Emulator,
    seed: int,
    think: tuple[float, float] | None = None,
    stagger: float = 0.0,
) -> list[Walk]:
    """Everyone walks at once (each after a random start delay of up to ``stagger`` seconds)."""
    rng = random.Random(seed)

    async def one(person: SimUser, own: random.Random) -> Walk:
        if stagger:
            await asyncio.sleep(own.uniform(0, stagger))
        return await walk(person, emu, own, think)

    return list(await asyncio.gather(*(one(p, random.Random(rng.random())) for p in people)))
