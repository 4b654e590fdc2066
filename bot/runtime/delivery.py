"""The delivery loop: sends what the outbox holds, paced, and records each result.

A message is tried until Telegram takes it, or until it no longer matters (its check-in closed,
its meeting started); only Telegram's final answers (blocked, chat not found, bad request) end
it sooner. It is marked sent as soon as Telegram takes it. A try whose outcome is unknown (no
answer in time, a connection cut after the request went out, a crash mid-send) may have
reached the person: it is tried once more, never again, so nobody gets a message three times.
An easy-read message goes in parts, one idea each (``flows.texts.in_parts``), buttons on the
last; it is marked sent once its last part went (see ``Progress``).
Each pass first shows anyone whose reply was lost their current question (``Recovery``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.runtime.outcomes import (
    Buttons,
    Failed,
    Outcome,
    RateLimited,
    Refused,
    Sender,
    Sent,
    Unknown,
    Unreachable,
)
from flows.schedule import QuietHours, release_time
from flows.texts import in_parts, render, render_buttons
from storage.base import NO_CONNECTION, QueuedMessage, Store

log = logging.getLogger(__name__)
# Retries after network errors and 5xx double from ``backoff_base`` up to this: once Telegram
# is back, every waiting message goes within about a minute.
MAX_BACKOFF = 60.0
# A message whose first try had an unknown outcome is tried again after this pause.
UNSURE_PAUSE = 15.0
# While the outbox waits out a 429, lost replies are still looked at this often.
RECOVERY_EVERY = 1.0
# Parts of one message sent to a chat together: Telegram lets a chat take a short burst.
PART_BURST = 3


# Only safeguarding alerts carry a fallback: one that cannot be delivered is a setup problem.
_ALERT_LOST = (
    "a safeguarding alert could not be delivered: each id in YOUTHVOICE_SAFEGUARDING must "
    "have pressed Start on the bot, and not blocked it"
)


class DeliveryError(Exception):
    """A pass sent messages but could not record what happened to some of them."""


@dataclass(frozen=True)
class Progress:
    """How far a message in parts has got: the reading its parts were rendered for (kept, so
    they line up if the reader changes it meanwhile), how many Telegram took, and whether the
    next one's last try had an unknown outcome. Held in memory only while a message is part
    way: after a restart such a message is sent again from its first part, once."""

    locale: str
    done: int = 0
    unsure: bool = False


class Recovery(Protocol):
    """Clears the marks of replies shown; with ``show``, also shows the people whose reply was
    lost their current question. How many it tried."""

    async def run_once(self, show: bool = True) -> int: ...


@dataclass
class Delivery:
    store: Store
    sender: Sender
    rate: float = 30.0
    chat_gap: float = 1.0
    clock: Callable[[], float] = time.time
    quiet: QuietHours | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    idle: float = 0.5
    # The first retry after a network error or 5xx waits this long; each further one doubles.
    backoff_base: float = 2.0
    last_sent: dict[int, float] = field(default_factory=dict)
    paused_until: float = 0.0
    # A try of unknown outcome is tried again after this pause.
    unsure_pause: float = UNSURE_PAUSE
    # Sent messages whose "sent" mark could not be saved. They stay 'sending', which holds
    # back that person's later messages, so the mark is tried again at every pass.
    unrecorded: set[int] = field(default_factory=set)
    recovery: Recovery | None = None
    # Messages in parts part way, by id (see ``Progress``); an entry whose message expired
    # or was dropped part way is a few bytes, forgotten at the next start.
    progress: dict[int, Progress] = field(default_factory=dict)
    part_burst: int = PART_BURST
    # Whether this bot leads now (see ``bot.runtime.leadership``): only the leader sends bulk
    # messages and shows lost replies again; every bot sends urgent ones.
    leading: Callable[[], bool] = lambda: True
    # This bot's name on its claims (``storage.base.Coordinator.claimer``).
    claimer: str = field(default_factory=lambda: secrets.token_hex(8))
    # Whether a message no longer matters to its reader (``bot.actions.notices.needless``):
    # it is then ended unsent, written as a sent one is.
    needless: Callable[[QueuedMessage], Awaitable[bool]] | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a failure in one pass never ends the loop."""
        requeued = await self.store.requeue_inflight()
        if requeued:
            log.warning(
                "%d messages were in flight when a bot stopped; each is tried once more at most",
                requeued,
            )
        while not stop.is_set():
            pause = self.paused_until - self.clock()
            if pause > 0:
                # A long 429 pause must not hold up a stop (SIGTERM) until it ends, nor lost
                # replies: each pass shows them before it looks at the paused outbox.
                await _wait(stop, min(pause, RECOVERY_EVERY))
                if stop.is_set():
                    break
            try:
                sent = await self.deliver_once()
            except Exception:
                log.exception("delivery pass failed")
                await self._requeue_stranded()
                sent = 0
            if sent == 0:
                await _wait(stop, self.idle)
        # Marks that could not be saved during the run: one more try, so that what Telegram
        # took is not counted as in flight (and perhaps sent again) at the next start.
        await self._record_unrecorded()

    async def _requeue_stranded(self) -> None:
        """After a failed pass, queue its claimed messages again instead of leaving them
        'sending' until the next start. Passes run one at a time, so nothing else is in flight.
        Messages Telegram took are never queued again: while their marks cannot be saved,
        nothing is requeued."""
        if not await self._record_unrecorded():
            return
        try:
            requeued = await self.store.requeue_inflight(self.claimer)
        except Exception as exc:
            log.error("could not queue a failed pass's messages again: %s", type(exc).__name__)
            return
        if requeued:
            log.warning("%d messages of a failed pass are tried once more at most", requeued)

    async def deliver_once(self) -> int:
        """Claim one batch (about a second's worth) of due messages and send them together.

        Raises if the result of a send could not be recorded (``run`` then queues it again).
        """
        await self._record_unrecorded()
        leading = self.leading()
        recovered = await self._recover(leading)
        now = self.clock()
        if now < self.paused_until:
            return recovered  # rate limited: ``run`` waits out the pause (a stop cuts it short)
        # In quiet hours only urgent messages go; the rest wait, then go out paced as usual.
        urgent_only = self.is_quiet(now) or not leading
        batch = await self.store.claim_due(
            now, max(1, int(self.rate)), urgent_only, claimer=self.claimer, must_lead=True
        )
        if not batch:
            return recovered
        self._forget_old(now)
        ready = []
        for message in batch:
            gap_ends = self.last_sent.get(message.chat_id, -1e18) + self.chat_gap
            if gap_ends > now:
                await self.store.retry_later(
                    message.id, gap_ends, "paced", attempted=False, claimer=self.claimer
                )
            else:
                self.last_sent[message.chat_id] = now  # held for this send; see _send
                ready.append(message)
        # Each send records its own result, so one failing in an unforeseen way cannot keep the
        # others from being marked sent.
        results = await asyncio.gather(*(self._send(m) for m in ready), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        for exc in failed:
            log.error("recording the result of a send failed: %s", type(exc).__name__)
        if failed:
            raise DeliveryError(f"{len(failed)} of {len(ready)} send results were not recorded")
        return recovered + len(batch)

    async def _recover(self, leading: bool) -> int:
        """Lost replies first: they go before any bulk message, in quiet hours too. Only the
        leader shows them again; every bot clears the marks of its own replies."""
        if self.recovery is None:
            return 0
        try:
            return await self.recovery.run_once(show=leading)
        except Exception as exc:
            log.error("showing lost replies again failed: %s", type(exc).__name__)
            return 0

    def is_quiet(self, now: float) -> bool:
        when = datetime.fromtimestamp(now, self.zone)
        return release_time(when, self.quiet, self.zone) > when

    async def _send(self, message: QueuedMessage) -> bool:
        progress = self.progress.pop(message.id, None) or Progress(message.locale)
        if progress.done == 0 and await self._is_needless(message):
            # The same writes as a send (started, then sent and counted), so the database
            # cannot tell a message withdrawn from one that went.
            await self.store.mark_started(message.id, self.claimer)
            await self._record(message, Sent())
            return True
        try:
            parts = self.parts(message, progress.locale)
        except (KeyError, TypeError, ValueError) as exc:  # a payload this version cannot read
            log.error("a queued message could not be rendered: %s", type(exc).__name__)
            await self.store.mark_failed(message.id, "unreadable", self.claimer)
            return False
        outcome, progress = await self._send_parts(message, parts, progress)
        if isinstance(outcome, Sent) and progress.done < len(parts):
            # The chat has had its burst: the rest follow at the chat's pace.
            self.progress[message.id] = progress
            due = self.last_sent[message.chat_id] + self.chat_gap
            await self.store.retry_later(
                message.id, due, "more parts to send", attempted=False, claimer=self.claimer
            )
            return True
        if isinstance(outcome, RateLimited | Failed) or (
            isinstance(outcome, Unknown) and progress.done > 0
        ):
            self.progress[message.id] = progress  # tried again from the part that did not go
        if isinstance(outcome, Unknown) and progress.done < len(parts) - 1:
            await self._unsure_part(message, progress, outcome.reason)
            return False
        return await self._record(message, outcome)

    async def _is_needless(self, message: QueuedMessage) -> bool:
        """Whether to withdraw the message; if that cannot be told, it goes."""
        if self.needless is None:
            return False
        try:
            return await self.needless(message)
        except Exception as exc:
            log.error("could not tell whether a message is still needed: %s", type(exc).__name__)
            return False

    async def _record(self, message: QueuedMessage, outcome: Outcome) -> bool:
        """Record what the try of the message's last part came to; whether it was sent."""
        if isinstance(outcome, RateLimited):
            self.paused_until = max(self.paused_until, self.clock() + outcome.seconds)
            await self.store.retry_later(
                message.id, self.clock() + outcome.seconds, "rate limited", claimer=self.claimer
            )
        elif isinstance(outcome, Unreachable):
            if "fallback" in message.payload:
                log.error(_ALERT_LOST)
            await self.store.mark_unreachable([message.chat_id])
            await self.store.mark_failed(message.id, "unreachable", self.claimer)
        elif isinstance(outcome, Refused) and "fallback" in message.payload:
            # Words that must arrive with or without their buttons (a safeguarding alert
            # whose button to the young person's chat their privacy settings refuse).
            log.warning("a queued message was refused (%s): sending its fallback", outcome.reason)
            if await self._send(replace(message, payload=message.payload["fallback"])):
                return True
            log.error(_ALERT_LOST)
            return False
        elif isinstance(outcome, Refused):
            log.warning("a queued message was refused: %s", outcome.reason)
            await self.store.mark_failed(message.id, f"refused: {outcome.reason}", self.claimer)
        elif isinstance(outcome, Failed):
            await self._backoff(message, f"{NO_CONNECTION}: {outcome.reason}")
        elif isinstance(outcome, Unknown):
            due, error = self.clock() + self.unsure_pause, f"{NO_CONNECTION}: {outcome.reason}"
            if not await self.store.mark_unsure(message.id, due, error, self.clock(), self.claimer):
                self.progress.pop(message.id, None)
                log.warning("a message had no answer twice; taken as sent, never tried again")
        else:
            # Marked at once, not with the batch: after a crash only messages whose request
            # was still in flight (or whose mark had not committed) can go out again.
            try:
                await self.store.mark_sent([message.id], self.clock(), self.claimer)
            except Exception as exc:
                # Telegram has it: never queue it again from here. The mark is tried again at
                # the next pass (a crash first leaves it 'sending', like any message in flight).
                log.error("a sent message could not be marked sent: %s", type(exc).__name__)
                self.unrecorded.add(message.id)
            return True
        return False

    async def _record_unrecorded(self) -> bool:
        """Save the "sent" marks that failed before; whether none is left unsaved."""
        if not self.unrecorded:
            return True
        try:
            await self.store.mark_sent(sorted(self.unrecorded), self.clock(), self.claimer)
        except Exception as exc:
            log.error("sent messages still could not be marked sent: %s", type(exc).__name__)
            return False
        self.unrecorded.clear()
        return True

    async def _send_parts(
        self, message: QueuedMessage, parts: list[tuple[str, Buttons]], progress: Progress
    ) -> tuple[Outcome, Progress]:
        """Send the parts not sent yet, a burst at most, until one does not get through."""
        outcome: Outcome = Sent()
        first = progress.done

        async def started() -> None:
            await self.store.mark_started(message.id, self.claimer)

        for text, buttons in parts[first : first + self.part_burst]:
            # Recorded just before the first request leaves: after a crash, a message claimed
            # but never tried is queued again as it was, not counted as perhaps sent.
            mark = started if progress.done == first else None
            outcome = await self.sender.send(message.chat_id, text, buttons, mark)
            if not isinstance(outcome, Sent):
                break
            # The gap counts from when Telegram took the message, not from the claim: a send
            # that waited for the rate limiter must not let the next one follow it too closely.
            # Each part counts as a message for the chat's pace.
            gap = progress.done - first
            self.last_sent[message.chat_id] = self.clock() + gap * self.chat_gap
            progress = replace(progress, done=progress.done + 1, unsure=False)
        return outcome, progress

    async def _unsure_part(self, message: QueuedMessage, progress: Progress, reason: str) -> None:
        """A part before the last had an unknown outcome: tried once more after the pause;
        after a second, taken as sent, and the message goes on from the next part. (The
        last part, which carries the buttons, is the message's own try: ``mark_unsure``.)"""
        if progress.unsure:
            log.warning("a part of a message had no answer twice; taken as sent")
            progress = replace(progress, done=progress.done + 1, unsure=False)
        else:
            progress = replace(progress, unsure=True)
        self.progress[message.id] = progress
        due, error = self.clock() + self.unsure_pause, f"{NO_CONNECTION}: {reason}"
        await self.store.retry_later(message.id, due, error, claimer=self.claimer)

    def parts(self, message: QueuedMessage, lang: str) -> list[tuple[str, Buttons]]:
        """The message's parts (one, unless the reader reads easy read), each a text and its
        buttons, rendered now in ``lang``."""
        payload = message.payload
        text = render(payload["text"], lang, self.zone)
        buttons = render_buttons(payload.get("buttons", []), lang, self.zone)
        return in_parts(text, buttons, lang, [])

    async def _backoff(self, message: QueuedMessage, error: str) -> None:
        """Try again later, however many tries it took: the message goes once Telegram is back,
        unless it expires first (``claim_due`` fails it then)."""
        exponent = min(message.attempts - 1, 16)  # 2**16 seconds is far beyond the cap
        delay = min(MAX_BACKOFF, self.backoff_base * 2.0**exponent)
        await self.store.retry_later(message.id, self.clock() + delay, error, claimer=self.claimer)

    def _forget_old(self, now: float) -> None:
        if len(self.last_sent) > 10_000:
            self.last_sent = {c: t for c, t in self.last_sent.items() if t + self.chat_gap > now}


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
