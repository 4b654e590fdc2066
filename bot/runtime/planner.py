"""The planner loop: every few seconds it opens scheduled check-ins and queues due reminders,
and once a week reminds leads of promises not yet kept.

Everything it acts on is a row with a due time, so a restart loses nothing, and a change made
from the command line while the bot runs is noticed on the next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from bot import keys
from bot.actions import audience, meetings, promises, retention
from bot.actions.made_surveys import knows
from bot.actions.notices import checkin_reminder, invitation, meeting_reminder
from bot.actions.plans import occurrence
from bot.services import Services
from flows.schedule import release_time
from storage.base import NewCheckin, OutgoingMessage, Schedule

log = logging.getLogger(__name__)

# How often the planner forgets handled update ids older than a day (a scan of their table).
UPDATES_PRUNE_EVERY = 600.0


class Planner:
    """Plans every ``tick`` seconds while ``leading()`` says this bot leads (one bot plans)."""

    def __init__(
        self, svc: Services, tick: float = 2.0, leading: Callable[[], bool] = lambda: True
    ):
        self.svc = svc
        self.tick = tick
        self.leading = leading
        self._updates_pruned = float("-inf")

    async def run(self, stop: asyncio.Event) -> None:
        """Plan until ``stop`` is set; one failed pass never ends the loop."""
        while not stop.is_set():
            try:
                if self.leading():
                    await self.plan_once()
            except Exception:
                log.exception("planning pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.tick)

    async def plan_once(self) -> None:
        now = self.svc.now()
        removed = await retention.daily(self.svc.store, self.svc.settings, self.svc.today())
        if removed is not None and removed.total():
            log.info("retention: %s", "; ".join(retention.described(removed)))
        # Unfinished answers to a closed check-in can never be finished: keep nothing for them.
        dropped = await self.svc.store.drop_closed_progress(now)
        if dropped:
            log.info("deleted %d unfinished responses to closed check-ins", dropped)
        # Finished responses still waiting for a full batch go out together once it closes.
        released = await self.svc.store.release_closed(now, self.svc.today())
        if released:
            log.info("released %d finished responses to closed check-ins", released)
        # Sent counts older than a week, and sent messages an older version kept (they hold
        # chat ids, and a reminder's key tells who had not finished by then).
        pruned = await self.svc.store.prune_outbox(now)
        if pruned:
            log.info("deleted %d sent or failed messages kept by an older version", pruned)
        # Who said Going or Maybe is kept only while it is needed: reminders, then feedback.
        started_before = now - meetings.FEEDBACK_WITHIN.total_seconds()
        if await self.svc.store.prune_rsvps(started_before, now):
            log.info("deleted the RSVPs of meetings whose feedback time is over")
        # Update ids are kept a day. Claims forget older ones too, but a quiet bot makes few.
        if now - self._updates_pruned >= UPDATES_PRUNE_EVERY:
            self._updates_pruned = now
            await self.svc.store.prune_updates(now)
        # A "Tell us more" nobody followed with words: its pseudonym is not kept.
        await self.svc.store.drop_note_waits(now)
        await self.svc.store.drop_idea_waits(now)  # and a bare /idea nobody followed
        # A check-in closed: rewrite the file so that no free page or row order keeps history.
        if await self.svc.store.compact_after_close(now):
            log.info("compacted the database after a check-in closed")
        promised = await promises.weekly(self.svc.store, self.svc.settings, self.svc.surveys, now)
        if promised:
            log.info("promise reminders queued to %d leads", promised)
        for schedule in await self.svc.store.due_schedules(now):
            await self._open(schedule, now)
        for checkin in await self.svc.store.due_reminders(now):
            await self._remind(checkin.id, now)
        for meeting, kind in await self.svc.store.due_meeting_reminders(now):
            if kind == "24h" and meeting.starts_at - now <= 3600:
                # The bot was down through the day-before reminder: the hour-before one is due
                # too, and "is tomorrow" would be wrong. Done, with nobody told.
                await self.svc.store.skip_meeting_reminder(meeting.id, kind)
                continue
            payload = meeting_reminder(meeting, kind, now)
            sent = await self.svc.store.queue_meeting_reminder(
                meeting.id, kind, audience.reminded_of(meeting), payload, kind == "1h", now
            )
            log.info("meeting reminder queued to %d people", sent)

    async def _open(self, schedule: Schedule, now: float) -> None:
        """Open this schedule's due check-in, unless it already closed while the bot was down."""
        store, when = self.svc.store, occurrence(schedule, self.svc.settings.zone)
        known = await knows(self.svc, schedule.survey_id)
        survey = self.svc.surveys.get(schedule.survey_id) if known else None
        if survey is None:
            log.error("schedule %d names a survey that is not loaded; skipping it", schedule.id)
        elif when.closes_at is not None and when.closes_at <= now:
            log.warning("schedule %d: a check-in closed before it could be sent", schedule.id)
        else:
            remind_at = when.remind_at
            if remind_at is not None and remind_at <= now:
                # Opened late (the bot was down): the reminder would go out together with the
                # invitation. Keep the planned gap after the real opening, if still open then.
                remind_at = now + (remind_at - when.opens_at)
                if when.closes_at is not None and remind_at >= when.closes_at:
                    remind_at = None
            new = NewCheckin(
                survey.id,
                schedule.cohort_id,
                when.opens_at,
                when.closes_at,
                remind_at,
                schedule_id=schedule.id,
            )
            checkin, queued = await store.open_checkin(
                new,
                audience.of_checkin(new),
                lambda c: invitation(c.id, survey.wording("title")),
            )
            if checkin is not None:
                log.info("scheduled check-in %d opened; %d invitations queued", checkin.id, queued)
        # Even if the check-in existed already (a crash after opening), move on: never twice.
        await store.advance_schedule(schedule.id, when.next_at)

    async def _remind(self, checkin_id: int, now: float) -> None:
        """One reminder, only to people in the audience with no finished-mark."""
        store = self.svc.store
        checkin = await store.checkin(checkin_id)
        if checkin is None or not await knows(self.svc, checkin.survey_id):
            await store.queue_reminders(checkin_id, [])  # mark it done: nothing to send
            return
        zone, quiet = self.svc.settings.zone, self.svc.settings.quiet
        goes_at = release_time(datetime.fromtimestamp(now, zone), quiet, zone).timestamp()
        if checkin.closes_at is not None and goes_at >= checkin.closes_at:
            # Quiet hours would hold it until the check-in has closed: mark it done, send none.
            await store.queue_reminders(checkin.id, [])
            log.info("check-in %d: no reminder, quiet hours last until it closes", checkin.id)
            return
        done = await store.finished_marks(checkin.id)
        payload = checkin_reminder(checkin.id, self.svc.surveys[checkin.survey_id].wording("title"))
        key = f"checkin:{checkin.id}:remind"
        messages = [
            OutgoingMessage(chat, payload, now, f"{key}:{chat}", expires_at=checkin.closes_at)
            for chat in await store.audience(audience.of_checkin(checkin))
            if keys.link(self.svc.key, checkin.id, chat) not in done
        ]
        queued = await store.queue_reminders(checkin.id, messages)
        log.info("check-in %d: %d reminders queued", checkin.id, queued)
