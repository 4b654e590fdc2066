"""Which of the bots on one database leads: the leader sends bulk messages and plans, every
bot handles its own updates, replies and urgent messages. Checked every few seconds, so a
standby takes over soon after the leader dies; a bot alone on its database always leads.

Telegram's overall limit is shared out: each standby keeps a small share for its replies, and
the leader paces everything it sends to the rest, so together they never go over it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from storage.base import Coordinator

log = logging.getLogger(__name__)

# How often a bot checks who leads: a standby takes over within this (and a leader that lost
# its hold on the database stops leading within this plus a statement's timeout).
CHECK_EVERY = 2.0
# The share of the overall send rate each standby keeps for its own replies.
STANDBY_SHARE = 0.2


def share_of(rate: float, leading: bool, instances: int) -> float:
    """The messages a second one bot may send: the whole ``rate`` when it runs alone; else a
    standby's share (a fifth, less when there are so many standbys that together they would
    take more than half), or what the standbys leave the leader."""
    standbys = max(0, instances - 1)
    standby = rate * min(STANDBY_SHARE, 0.5 / standbys) if standbys else rate * STANDBY_SHARE
    if not leading:
        return standby
    return rate - standby * standbys


class Leadership:
    """Asks ``coordinator`` who leads every ``every`` seconds; ``leading`` says the answer.
    ``paced(rate)`` is called with this bot's share of ``rate`` whenever it changes."""

    def __init__(
        self,
        coordinator: Coordinator,
        rate: float,
        paced: Callable[[float], None],
        every: float = CHECK_EVERY,
    ) -> None:
        self.coordinator = coordinator
        self.rate = rate
        self.paced = paced
        self.every = every
        self.leading = False
        self.instances = 1
        self._share: float | None = None

    def __call__(self) -> bool:
        """Whether this bot leads: as at the last check, and not if its hold on the database
        has been found lost since."""
        return self.leading and self.coordinator.leading

    async def check(self) -> None:
        """Ask once who leads and how many bots run, and pace this bot to its share."""
        leading = await self.coordinator.lead()
        # Said when it changes, and at the first check, unless the bot runs alone.
        changed = leading != self.leading or self._share is None
        if changed and not self.coordinator.solo:
            if leading:
                log.info("this bot now leads: it sends bulk messages and plans")
            else:
                log.info("another bot leads; this one handles updates and urgent messages")
        self.leading = leading
        self.instances = await self.coordinator.instances()
        share = share_of(self.rate, leading, self.instances)
        if share != self._share:
            self._share = share
            self.paced(share)

    async def run(self, stop: asyncio.Event) -> None:
        """Check until ``stop`` is set; one failed check never ends the loop."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.every)
            if stop.is_set():
                break
            try:
                await self.check()
            except Exception:
                self.leading = False  # unsure: never two leaders
                log.exception("checking which bot leads failed")
        self.leading = False
