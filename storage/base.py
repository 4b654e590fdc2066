"""The storage contract: value types and the async ``Store`` protocol every backend implements.

Only ``storage/`` speaks SQL. Backends translate their own errors into ``StorageError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class StorageError(Exception):
    """The database failed; the message never contains personal data."""


class ContactStatus(StrEnum):
    JOINED = "joined"
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    invite_code: str


@dataclass(frozen=True)
class Contact:
    chat_id: int
    cohort_id: int | None
    language: str
    status: ContactStatus


@dataclass(frozen=True)
class Checkin:
    """A survey open to a cohort (or everyone), or to the Going/Maybe of ``meeting_id``."""

    id: int
    survey_id: str
    cohort_id: int | None
    opens_at: float
    closes_at: float | None
    remind_at: float | None = None
    schedule_id: int | None = None
    meeting_id: int | None = None

    def is_open(self, now: float) -> bool:
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)


@dataclass(frozen=True)
class NewCheckin:
    """What a check-in is to be; the store gives it an id."""

    survey_id: str
    cohort_id: int | None
    opens_at: float
    closes_at: float | None = None
    remind_at: float | None = None
    schedule_id: int | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class Schedule:
    """Check-ins to open at ``next_at`` and then by the repeat rule ``every`` (a cron spec)."""

    id: int
    survey_id: str
    cohort_id: int | None
    next_at: float | None
    every: str | None
    open_for: float | None
    remind_after: float | None
    cancelled: bool = False


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    starts_at: float
    place: str | None
    link: str | None
    notes: str | None
    cohort_id: int | None
    cancelled: bool = False
    version: int = 1


class Rsvp(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True)
class Progress:
    """An unfinished response: the engine state as JSON-able data."""

    checkin_id: int
    state: Mapping[str, Any]


@dataclass(frozen=True)
class OutgoingMessage:
    """A message the bot starts. ``payload`` is renderer data: ``{"text": ..., "buttons": ...}``.

    A message still queued at ``expires_at`` (when the check-in closes or the meeting starts)
    is never sent.
    """

    chat_id: int
    payload: Mapping[str, Any]
    due_at: float
    dedupe_key: str | None = None
    urgent: bool = False
    expires_at: float | None = None


@dataclass(frozen=True)
class QueuedMessage:
    id: int
    chat_id: int
    payload: Mapping[str, Any]
    due_at: float
    attempts: int


@dataclass(frozen=True)
class Totals:
    """Counts for one check-in: finished responses and, per question, per value."""

    checkin_id: int
    responses: int
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


class Store(Protocol):
    """Everything Youth Voice keeps. Every method is one transaction.

    Methods taking ``update_id`` record it in the same transaction as their change and return
    ``False`` (changing nothing) when that update was handled before.
    """

    async def open(self) -> None: ...
    async def close(self) -> None: ...

    async def claim_update(self, update_id: int, now: float) -> bool:
        """Mark an update handled on its own (for updates that change nothing else)."""
        ...

    async def get_meta(self, key: str) -> str | None:
        """A small named value such as the bot's username (never personal data)."""
        ...

    async def set_meta(self, key: str, value: str) -> None: ...

    # Cohorts and contacts
    async def add_cohort(self, name: str, invite_code: str, today: str) -> Cohort: ...
    async def cohorts(self) -> list[Cohort]: ...
    async def cohort_by_code(self, invite_code: str) -> Cohort | None: ...
    async def cohort_by_name(self, name: str) -> Cohort | None: ...
    async def contact(self, chat_id: int) -> Contact | None: ...
    async def join(
        self, chat_id: int, cohort_id: int | None, language: str, today: str, update_id: int
    ) -> bool:
        """Create or re-join a contact (status joined). A ``None`` cohort keeps the old one."""
        ...

    async def set_status(self, chat_id: int, status: ContactStatus, update_id: int | None) -> bool:
        """Change a contact's status; any other status than joined also fails their queued
        messages, so someone who stopped gets nothing more."""
        ...

    async def mark_unreachable(self, chat_ids: Sequence[int]) -> None: ...
    async def count_contacts(self, cohort_id: int | None) -> int:
        """Joined contacts in a cohort (all joined contacts when ``None``)."""
        ...

    async def erase_person(self, chat_id: int, links: Sequence[str], update_id: int) -> bool:
        """Delete the contact, every outbox row for their chat, and progress/participation rows
        whose link or mark is in ``links``. Finished answers are untouched: nothing links them."""
        ...

    # Check-ins and answers
    async def open_checkin(
        self, new: NewCheckin, invitation: Callable[[Checkin], Mapping[str, Any]]
    ) -> tuple[Checkin | None, int]:
        """Create a check-in and queue ``invitation(checkin)`` to its audience, due at
        ``opens_at`` and expiring at ``closes_at``; returns it and how many were queued. A
        schedule's check-in for a time it already has is not created again: ``(None, 0)``."""
        ...

    async def audience(self, checkin: Checkin) -> list[int]:
        """Chat ids of the joined contacts a check-in is for."""
        ...

    async def finished_marks(self, checkin_id: int) -> set[str]: ...
    async def due_reminders(self, now: float) -> list[Checkin]:
        """Open check-ins whose reminder time has come and that have not been reminded."""
        ...

    async def queue_reminders(self, checkin_id: int, messages: Sequence[OutgoingMessage]) -> int:
        """Queue the reminders and mark the check-in reminded, once: a second call queues 0."""
        ...

    async def checkin(self, checkin_id: int) -> Checkin | None: ...
    async def checkins(self) -> list[Checkin]: ...
    async def open_checkins(self, now: float) -> list[Checkin]: ...
    async def progress(self, link: str) -> Progress | None: ...
    async def save_progress(
        self,
        link: str,
        checkin_id: int,
        state: Mapping[str, Any],
        today: str,
        update_id: int | None,
    ) -> bool:
        """Store where someone is in a check-in, claiming ``update_id`` (False, nothing
        written, if it was already handled). ``None`` claims nothing and only updates a row
        that still exists: a follow-up write of an update already claimed, which must never
        bring back progress deleted meanwhile."""
        ...

    async def finish_response(
        self,
        link: str,
        checkin_id: int,
        answers: Mapping[str, Any],
        today: str,
        update_id: int,
    ) -> bool:
        """Write ``answers`` (question id -> JSON-able value) under a new random response id,
        add the participation mark ``link``, and delete the progress row, atomically. Finishing
        twice with one link raises ``StorageError`` and writes nothing."""
        ...

    async def drop_closed_progress(self, now: float) -> int:
        """Delete unfinished responses (and so their links) of check-ins that have closed;
        returns how many."""
        ...

    async def has_finished(self, checkin_id: int, mark: str) -> bool: ...
    async def totals(self, checkin_id: int) -> Totals: ...

    # Outbox
    async def enqueue(self, messages: Sequence[OutgoingMessage]) -> int:
        """Queue messages; one whose ``dedupe_key`` is already queued or sent is ignored."""
        ...

    async def requeue_inflight(self) -> int:
        """At start-up: messages left 'sending' by a crash go back to 'queued' (they may have
        reached Telegram, so they are the only ones that can repeat). Returns how many."""
        ...

    async def claim_due(
        self, now: float, limit: int, urgent_only: bool = False
    ) -> list[QueuedMessage]:
        """Mark up to ``limit`` queued messages due by ``now`` as 'sending' and return them,
        earliest due first (then by id), attempts incremented; only urgent ones if asked.
        Only each chat's oldest queued or sending message is claimable, so one person's
        messages go out one at a time, in the order they were queued. First, in the same
        transaction, queued messages expired by ``now`` become 'failed' (error 'expired'):
        they are never returned."""
        ...

    async def mark_sent(self, ids: Sequence[int], now: float) -> None: ...
    async def retry_later(
        self, message_id: int, due_at: float, error: str, attempted: bool = True
    ) -> None:
        """Queue a claimed message again for ``due_at``. ``attempted=False`` (held back by
        pacing, never tried) does not count the claim as an attempt."""
        ...

    async def mark_failed(self, message_id: int, error: str) -> None: ...
    async def outbox_progress(self, dedupe_prefix: str) -> int:
        """How many messages whose dedupe key starts with the prefix are sent or failed."""
        ...

    async def outbox_counts(self) -> dict[str, int]: ...
    async def prune_outbox(self, now: float) -> int:
        """Delete sent and failed messages due more than a week before ``now`` (they hold chat
        ids, and reminder keys tell who had not finished); returns how many."""
        ...

    # Schedules
    async def add_schedule(
        self,
        survey_id: str,
        cohort_id: int | None,
        next_at: float,
        every: str | None,
        open_for: float | None,
        remind_after: float | None,
    ) -> Schedule: ...
    async def schedules(self) -> list[Schedule]: ...
    async def cancel_schedule(self, schedule_id: int) -> bool: ...
    async def due_schedules(self, now: float) -> list[Schedule]: ...
    async def advance_schedule(self, schedule_id: int, next_at: float | None) -> None:
        """Set the next opening; ``None`` means the schedule has run its course."""
        ...

    # Meetings
    async def add_meeting(
        self,
        meeting: Meeting,
        reminders: Sequence[tuple[str, float]],
        invitation: Callable[[Meeting], Mapping[str, Any]],
        now: float,
    ) -> tuple[Meeting, int]:
        """Store ``meeting`` (its id is ignored), invite every joined member of its cohort
        (RSVP rows with no answer yet) and plan its reminders; returns it and how many invited.
        Invitations, like every meeting message, expire when the meeting starts."""
        ...

    async def meeting(self, meeting_id: int) -> Meeting | None: ...
    async def meetings(self, since: float) -> list[Meeting]:
        """Meetings not cancelled that start at or after ``since``, soonest first."""
        ...

    async def change_meeting(
        self,
        meeting: Meeting,
        reminders: Sequence[tuple[str, float]],
        notice: Callable[[Meeting], Mapping[str, Any]],
        now: float,
        urgent: bool = False,
    ) -> int:
        """Save new time/place/link (the version goes up), replace reminders not yet sent,
        and queue ``notice`` to everyone invited who is still joined; returns how many
        notices. ``urgent`` notices may go out in quiet hours."""
        ...

    async def cancel_meeting(
        self,
        meeting_id: int,
        notice: Callable[[Meeting], Mapping[str, Any]],
        now: float,
        urgent: bool = False,
    ) -> int:
        """Cancel the meeting, drop its reminders and queue ``notice`` as ``change_meeting``
        does; returns how many notices (0 if it was already cancelled)."""
        ...

    async def rsvp(self, meeting_id: int, chat_id: int) -> Rsvp | None: ...
    async def set_rsvp(
        self, meeting_id: int, chat_id: int, answer: Rsvp, update_id: int
    ) -> bool: ...

    async def rsvp_counts(self, meeting_id: int) -> dict[str, int]:
        """Counts for going, maybe, no and 'none' (invited, no answer yet)."""
        ...

    async def due_meeting_reminders(self, now: float) -> list[tuple[Meeting, str]]: ...
    async def queue_meeting_reminder(
        self,
        meeting_id: int,
        kind: str,
        payload: Mapping[str, Any],
        urgent: bool,
        now: float,
    ) -> int:
        """Queue ``payload`` to the Going and Maybe, and mark the reminder done, once."""
        ...

    async def skip_meeting_reminder(self, meeting_id: int, kind: str) -> bool:
        """Mark the reminder done without sending it (it would come too late); False if it
        was done already."""
        ...
