"""A simulated young person for ``youthvoice demo``: joins, answers the check-in as a person
would, and when the bot goes quiet or says sorry, waits a little and tries again."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Literal

from bot.emulator import BotMessage, SimUser
from flows.messages import say

JOIN, START = say("join_yes", "en"), say("start_button", "en")
JOINED = {say(key, "en") for key in ("joined", "joined_again", "already_joined")}
FINISHED = {say(key, "en") for key in ("already_finished", "already_done")}
SORRY = say("sorry_error", "en")
THOUGHTS = [
    "More help with bills please",
    "My worker is great",
    "Could we meet somewhere other than the office?",
    "Nothing else, thanks",
]


@dataclass(frozen=True)
class Pace:
    """How a simulated person takes their time, in seconds."""

    # Before answering: a person reading, and Telegram's one message a second in a chat.
    reading: tuple[float, float] = (1.6, 2.4)
    pause: tuple[float, float] = (2.0, 4.0)  # before trying again
    quiet: float = 8.0  # silence from the bot that means something went wrong
    invitation: float = 30.0  # waiting for the invitation before asking with /checkin


@dataclass
class Walk:
    """How one simulated person's check-in went."""

    finished: bool = False
    retries: int = 0


class Participant:
    """A simulated young person who joins and answers the check-in by reading the newest
    message and acting on it, and who, when the bot goes quiet or says sorry, waits a little
    and asks again: /start to join, /checkin to see the question they were on."""

    def __init__(
        self,
        person: SimUser,
        code: str,
        thanks: str,
        rng: random.Random,
        until: float,
        pace: Pace = Pace(),
    ) -> None:
        self.person, self.code, self.thanks, self.rng, self.pace = person, code, thanks, rng, pace
        self.until = until  # time.monotonic() at which they give up
        self.phase: Literal["joining", "joined", "answering"] = "joining"
        self.walk = Walk()

    async def take_part(self) -> Walk:
        await self.person.send(f"/start {self.code}")
        while not self.walk.finished and time.monotonic() < self.until:
            # Waiting for the invitation is normal; anywhere else, silence means trouble.
            patience = self.pace.invitation if self.phase == "joined" else self.pace.quiet
            try:
                await self._act_on(await self._newest(patience))
            except AssertionError:  # the bot said nothing, or a button was not there
                await self._try_again()
        return self.walk

    async def _newest(self, timeout: float) -> BotMessage:
        """The newest new message, waiting for one: a person reads the bottom of the chat, not
        every copy the bot sent while things went wrong (edits of older messages pass by)."""
        while True:
            reply = await self.person.next_reply(timeout=timeout)
            if reply.event == "new":
                return self._newer() or reply

    def _newer(self) -> BotMessage | None:
        """The newest new message that came since the last one read, if any."""
        fresh = [event for event in self.person.unread() if event.event == "new"]
        return fresh[-1] if fresh else None

    async def _act_on(self, message: BotMessage) -> None:
        text = message.text or ""
        if message.button(JOIN):
            await self.person.tap(JOIN)
        elif text in JOINED and self.phase == "joining":
            self.phase = "joined"
        elif message.button(START) and self.phase != "answering":
            self.phase = "answering"
            await self.person.tap(START)
        elif text[:1].isdigit():  # "2 of 6 ..."
            self.phase = "answering"
            await asyncio.sleep(self.rng.uniform(*self.pace.reading))
            newer = self._newer()
            if newer is not None:  # the chat moved on while they read
                await self._act_on(newer)
            else:
                await _answer(self.person, message, self.rng)
        elif text == self.thanks or text in FINISHED:
            self.walk.finished = True
        elif text == SORRY:
            await self._try_again()

    async def _try_again(self) -> None:
        if time.monotonic() >= self.until:
            return
        self.walk.retries += 1
        await asyncio.sleep(self.rng.uniform(*self.pace.pause))
        await self.person.send(f"/start {self.code}" if self.phase == "joining" else "/checkin")


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
