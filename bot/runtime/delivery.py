"""The delivery loop: sends what the outbox holds, paced, and records each result.

A message is tried until Telegram takes it, or until it no longer matters (its check-in closed,
its meeting started); only Telegram's final answers (blocked, chat not found, bad request) end
it sooner. It is marked sent as soon as Telegram takes it. A try whose outcome is unknown (no
answer in time, a connection cut after the request went out, a crash mid-send) may have
reached the person: it is tried once more, never again, so nobody gets a message three times.
Each pass first shows anyone whose reply was lost their current question (``Recovery``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from flows.schedule import QuietHours, release_time
from flows.texts import render, render_buttons
from storage.base import NO_CONNECTION, QueuedMessage, Store

log = logging.getLogger(__name__)
# Retries after network errors and 5xx double from ``backoff_base`` up to this: once Telegram
# is back, every waiting message goes within about a minute.
MAX_BACKOFF = 60.0
# A message whose first try had an unknown outcome is tried again after this pause.
UNSURE_PAUSE = 15.0
# While the outbox waits out a 429, lost replies are still looked at this often.
RECOVERY_EVERY = 1.0


# Only safeguarding alerts carry a fallback: one that cannot be delivered is a setup problem.
_ALERT_LOST = (
    "a safeguarding alert could not be delivered: each id in YOUTHVOICE_SAFEGUARDING must "
    "have pressed Start on the bot, and not blocked it"
)


class DeliveryError(Exception):
    """A pass sent messages but could not record what happened to some of them."""


Buttons = list[list[dict[str, str]]]


@dataclass(frozen=True)
class Sent:
    """Telegram took the message (``message_id``: the one showing a question, if any)."""

    message_id: int | None = None


@dataclass(frozen=True)
class RateLimited:
    """Too many messages: send nothing more for ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Unreachable:
    """The person blocked the bot or deleted their account: final."""


@dataclass(frozen=True)
class Refused:
    """Telegram refused this message (chat not found, bad request): final."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """The message surely did not get through (no connection, a 5xx): try again later."""

    reason: str


@dataclass(frozen=True)
class Unknown:
    """No answer (a timeout, a connection cut after the request went out): perhaps sent."""

    reason: str


Outcome = Sent | RateLimited | Unreachable | Refused | Failed | Unknown


Started = Callable[[], Awaitable[None]]


class Sender(Protocol):
    """Sends one outbox message, after any reply waiting for Telegram's limit, and says what
    happened; never raises for Telegram's answers. ``started`` is awaited just before the
    request leaves (if it raises, nothing is sent and the outcome is ``Failed``)."""

    async def send(
        self, chat_id: int, text: str, buttons: Buttons, started: Started | None = None
    ) -> Outcome: ...


class Recovery(Protocol):
    """Shows the people whose reply was lost their current question; how many it tried."""

    async def run_once(self) -> int: ...


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

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a failure in one pass never ends the loop."""
        requeued = await self.store.requeue_inflight()
        if requeued:
            log.warning(
                "%d messages were in flight at the last stop; each is tried once more at most",
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
            requeued = await self.store.requeue_inflight()
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
        recovered = await self._recover()
        now = self.clock()
        if now < self.paused_until:
            return recovered  # rate limited: ``run`` waits out the pause (a stop cuts it short)
        # In quiet hours only urgent messages go; the rest wait, then go out paced as usual.
        batch = await self.store.claim_due(now, max(1, int(self.rate)), self.is_quiet(now))
        if not batch:
            return recovered
        self._forget_old(now)
        ready = []
        for message in batch:
            gap_ends = self.last_sent.get(message.chat_id, -1e18) + self.chat_gap
            if gap_ends > now:
                await self.store.retry_later(message.id, gap_ends, "paced", attempted=False)
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

    async def _recover(self) -> int:
        """Lost replies first: they go before any bulk message, in quiet hours too."""
        if self.recovery is None:
            return 0
        try:
            return await self.recovery.run_once()
        except Exception as exc:
            log.error("showing lost replies again failed: %s", type(exc).__name__)
            return 0

    def is_quiet(self, now: float) -> bool:
        when = datetime.fromtimestamp(now, self.zone)
        return release_time(when, self.quiet, self.zone) > when

    async def _send(self, message: QueuedMessage) -> bool:
        try:
            text, buttons = self.words(message)
        except (KeyError, TypeError, ValueError) as exc:  # a payload this version cannot read
            log.error("a queued message could not be rendered: %s", type(exc).__name__)
            await self.store.mark_failed(message.id, "unreadable")
            return False
        # Recorded just before the request leaves: after a crash, a message claimed but never
        # tried is queued again as it was, not counted as perhaps sent.
        outcome = await self.sender.send(
            message.chat_id, text, buttons, lambda: self.store.mark_started(message.id)
        )
        if isinstance(outcome, RateLimited):
            self.paused_until = max(self.paused_until, self.clock() + outcome.seconds)
            await self.store.retry_later(message.id, self.clock() + outcome.seconds, "rate limited")
        elif isinstance(outcome, Unreachable):
            if "fallback" in message.payload:
                log.error(_ALERT_LOST)
            await self.store.mark_unreachable([message.chat_id])
            await self.store.mark_failed(message.id, "unreachable")
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
            await self.store.mark_failed(message.id, f"refused: {outcome.reason}")
        elif isinstance(outcome, Failed):
            await self._backoff(message, f"{NO_CONNECTION}: {outcome.reason}")
        elif isinstance(outcome, Unknown):
            due, error = self.clock() + self.unsure_pause, f"{NO_CONNECTION}: {outcome.reason}"
            if not await self.store.mark_unsure(message.id, due, error, self.clock()):
                log.warning("a message had no answer twice; taken as sent, never tried again")
        else:
            # The gap counts from when Telegram took the message, not from the claim: a send
            # that waited for the rate limiter must not let the next one follow it too closely.
            self.last_sent[message.chat_id] = self.clock()
            # Marked at once, not with the batch: after a crash only messages whose request
            # was still in flight (or whose mark had not committed) can go out again.
            try:
                await self.store.mark_sent([message.id], self.clock())
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
            await self.store.mark_sent(sorted(self.unrecorded), self.clock())
        except Exception as exc:
            log.error("sent messages still could not be marked sent: %s", type(exc).__name__)
            return False
        self.unrecorded.clear()
        return True

    def words(self, message: QueuedMessage) -> tuple[str, Buttons]:
        """The message's text and buttons in its reader's language, rendered now."""
        payload, lang = message.payload, message.locale
        text = render(payload["text"], lang, self.zone)
        return text, render_buttons(payload.get("buttons", []), lang, self.zone)

    async def _backoff(self, message: QueuedMessage, error: str) -> None:
        """Try again later, however many tries it took: the message goes once Telegram is back,
        unless it expires first (``claim_due`` fails it then)."""
        exponent = min(message.attempts - 1, 16)  # 2**16 seconds is far beyond the cap
        delay = min(MAX_BACKOFF, self.backoff_base * 2.0**exponent)
        await self.store.retry_later(message.id, self.clock() + delay, error)

    def _forget_old(self, now: float) -> None:
        if len(self.last_sent) > 10_000:
            self.last_sent = {c: t for c, t in self.last_sent.items() if t + self.chat_gap > now}


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
