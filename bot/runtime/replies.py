"""The delivery loop's first job each pass: clear the marks of replies that reached their person,
and show anyone whose reply was lost their current question again (see ``bot.actions.replies``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Protocol

from bot.actions import replies
from bot.actions.answering import Turn
from bot.runtime.outcomes import Failed, Outcome, RateLimited, Sent
from bot.services import Services
from storage.base import ReplyDue

log = logging.getLogger(__name__)


class TurnSender(Protocol):
    """Shows a check-in turn in one chat as a reply (ahead of bulk sends) and says what
    happened; ``Sent.message_id`` is the message showing the question."""

    async def show_turn(self, chat_id: int, turn: Turn) -> Outcome: ...


@dataclass
class ReplyRecovery:
    svc: Services
    sender: TurnSender
    # A lost reply that still cannot get through is tried again this much later.
    retry: float = 2.0
    batch: int = 20

    async def run_once(self, show: bool = True) -> int:
        """Clear the marks of replies shown since the last pass, then (with ``show``: the
        leader) show each person whose mark came due their question again; returns how many
        were tried."""
        store, done = self.svc.store, self.svc.replies.take()
        try:
            await store.clear_replies(done)
        except Exception:
            self.svc.replies.put_back(done)
            raise
        if not show:
            return 0
        marks = await store.replies_due(self.svc.now(), self.batch)
        # Side by side (each a reply, paced ahead of the outbox), so one slow chat holds up
        # nobody else; one that fails in an unforeseen way is put off, not retried every pass.
        results = await asyncio.gather(
            *(self._show_again(m) for m in marks), return_exceptions=True
        )
        for mark, result in zip(marks, results, strict=True):
            if isinstance(result, Exception):
                log.error("showing a lost reply again failed: %s", type(result).__name__)
                with contextlib.suppress(Exception):
                    await store.put_off_reply(mark.link, mark.due, self.svc.now() + self.retry)
        return len(marks)

    async def _show_again(self, mark: ReplyDue) -> None:
        store = self.svc.store
        found = await replies.lost(self.svc, mark)
        outcome = None if found is None else await self.sender.show_turn(found.chat_id, found.turn)
        if isinstance(outcome, Failed | RateLimited):
            await store.put_off_reply(mark.link, mark.due, self.svc.now() + self.retry)
            return
        if found is not None and isinstance(outcome, Sent):
            turn = found.turn
            if outcome.message_id is not None and turn.question_id is not None:
                self.svc.shown.remember(
                    turn.link, turn.question_id, outcome.message_id, self.svc.now()
                )
            log.info("a lost reply was shown again")
        # Shown, nothing left to show, or final (blocked, refused); or no answer, so perhaps
        # shown: never tried a third time.
        await store.clear_replies([(mark.link, mark.due)])
