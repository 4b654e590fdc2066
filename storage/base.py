"""The storage contract: narrow async protocols by job, and ``Store``, which combines them.

Only ``storage/`` speaks SQL. Backends translate their own errors into ``StorageError``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from storage.values import (
    DEFAULT_LANGUAGE,
    FEEDBACK_VALUES,
    NO_CONNECTION,
    PAUSED_FOREVER,
    Audience,
    AuditEntry,
    Checkin,
    CheckinView,
    Cohort,
    Contact,
    ContactStatus,
    FeedbackMove,
    HeldMeeting,
    Idea,
    IdeaStatus,
    Meeting,
    Member,
    NewCheckin,
    NewPlanAction,
    NewUpdate,
    OutboxEntry,
    OutgoingMessage,
    PersonData,
    PlanAction,
    PostedUpdate,
    Progress,
    QueuedMessage,
    Removed,
    ReplyDue,
    Rsvp,
    Schedule,
    StorageError,
    Totals,
    UpdateStatus,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "FEEDBACK_VALUES",
    "NO_CONNECTION",
    "PAUSED_FOREVER",
    "AgendaStore",
    "Audience",
    "AuditEntry",
    "AuditLog",
    "CareStore",
    "Checkin",
    "CheckinStore",
    "CheckinView",
    "Cohort",
    "Contact",
    "ContactStatus",
    "ContactStore",
    "FeedbackMove",
    "HeldMeeting",
    "Idea",
    "IdeaStatus",
    "Meeting",
    "Member",
    "NewCheckin",
    "NewPlanAction",
    "NewUpdate",
    "OutboxEntry",
    "OutboxStore",
    "OutgoingMessage",
    "PersonData",
    "PlanAction",
    "PlanStore",
    "PostedUpdate",
    "Progress",
    "QueuedMessage",
    "ReachStore",
    "Removed",
    "ReplyDue",
    "ResultsStore",
    "RetentionStore",
    "Rsvp",
    "Schedule",
    "StorageError",
    "Store",
    "Totals",
    "UpdateLog",
    "UpdateStatus",
    "UpdateStore",
]


class UpdateLog(Protocol):
    """Which Telegram updates were handled, and a few small named values.

    Every method of every protocol here is one transaction. Methods taking ``update_id``
    record it in the same transaction as their change and return ``False`` (changing
    nothing at all) when that update was handled before. Handled ids are remembered for at
    least a day (with their time rounded down to the hour), then forgotten.
    """

    async def claim_update(self, update_id: int, now: float) -> bool:
        """Mark an update handled on its own (for updates that change nothing else)."""
        ...

    async def prune_updates(self, now: float) -> int:
        """Forget handled update ids kept for more than a day; how many were forgotten. Claims
        do this too, now and then; a quiet bot's planner calls it so that none is kept longer."""
        ...

    async def get_meta(self, key: str) -> str | None:
        """A small named value such as the bot's username (never personal data)."""
        ...

    async def set_meta(self, key: str, value: str) -> None: ...

    async def claim_meta(self, key: str, value: str) -> bool:
        """Set ``key`` to ``value`` only if it has no value yet; ``True`` if this call set it.
        Of several calls at once, exactly one wins (for things done once, ever)."""
        ...


class ContactStore(Protocol):
    """Cohorts and the people who joined them: status, and erasing a person."""

    async def add_cohort(self, name: str, invite_code: str, today: str) -> Cohort:
        """A new cohort; a name or invite code already taken raises ``StorageError``."""
        ...

    async def cohorts(self) -> list[Cohort]:
        """Every cohort, in the order they were added."""
        ...

    async def cohort_by_code(self, invite_code: str) -> Cohort | None: ...
    async def cohort_by_name(self, name: str) -> Cohort | None: ...
    async def contact(self, chat_id: int) -> Contact | None: ...
    async def join(
        self, chat_id: int, cohort_id: int | None, language: str, today: str, update_id: int
    ) -> bool:
        """Create or re-join a contact (status joined). A ``None`` cohort keeps the old one."""
        ...

    async def join_many(
        self, chat_ids: Sequence[int], cohort_id: int | None, language: str, today: str
    ) -> int:
        """``join`` for many people at once, in one transaction and without update ids (an
        import, not a chat); returns ``len(chat_ids)``."""
        ...

    async def set_reading(
        self, chat_id: int, language: str | None, easy_read: bool | None, update_id: int
    ) -> bool:
        """Change how a contact reads (``None`` keeps that part), once per update: ``False``
        if the update was handled before. Nothing happens to someone with no contact row."""
        ...

    async def set_status(self, chat_id: int, status: ContactStatus, update_id: int | None) -> bool:
        """Change a contact's status; any other status than joined also fails their queued
        messages, so someone who stopped gets nothing more. ``update_id=None`` always applies."""
        ...

    async def mark_unreachable(self, chat_ids: Sequence[int]) -> None:
        """Set these contacts unreachable and fail their queued messages ('unreachable')."""
        ...

    async def contact_counts(self) -> dict[int | None, int]:
        """How many joined contacts each cohort has (``None``: in no cohort)."""
        ...

    async def audience(self, who: Audience) -> list[int]:
        """Chat ids of the joined contacts in ``who``."""
        ...

    async def count_audience(self, who: Audience) -> int:
        """How many joined contacts ``who`` holds."""
        ...

    async def in_audience(self, who: Audience, chat_id: int) -> bool:
        """Whether this chat is a joined contact in ``who``."""
        ...

    async def erase_person(self, chat_id: int, links: Sequence[str], update_id: int) -> bool:
        """Delete the contact, every outbox row for their chat, their RSVPs, and
        progress/waiting/participation rows whose link or mark is in ``links`` (a response
        still waiting for release goes with them). Released answers are untouched: nothing
        links them. Nothing deleted stays readable in the backend's files."""
        ...


class CheckinStore(Protocol):
    """Check-ins, unfinished responses, finished anonymous answers, marks and totals."""

    async def open_checkin(
        self,
        new: NewCheckin,
        who: Audience,
        invitation: Callable[[Checkin], Mapping[str, Any]],
    ) -> tuple[Checkin | None, int]:
        """Create a check-in and queue ``invitation(checkin)`` to ``who``, due at
        ``opens_at``, expiring at ``closes_at``, with dedupe key
        ``checkin:<id>:invite:<chat>``; returns it and how many were queued. A schedule's
        check-in for a time it already has is not created again: ``(None, 0)``."""
        ...

    async def checkin_view(
        self, chat_id: int, checkin_id: int, link: str, who: Callable[[Checkin], Audience]
    ) -> CheckinView:
        """Everything a button press in a check-in needs, in one read: the contact, the
        check-in, whether ``who(checkin)`` includes this chat, the progress under ``link``
        for this check-in, and whether ``link`` finished it."""
        ...

    async def finished_marks(self, checkin_id: int) -> set[str]:
        """The participation marks of everyone who finished the check-in, the links of
        responses still waiting for release included."""
        ...

    async def due_reminders(self, now: float) -> list[Checkin]:
        """Open check-ins whose reminder time has come and that have not been reminded."""
        ...

    async def queue_reminders(self, checkin_id: int, messages: Sequence[OutgoingMessage]) -> int:
        """Queue the reminders and mark the check-in reminded, once: a second call queues 0."""
        ...

    async def checkin(self, checkin_id: int) -> Checkin | None: ...
    async def checkins(self) -> list[Checkin]:
        """Every check-in, latest opening first."""
        ...

    async def open_checkins(self, now: float) -> list[Checkin]:
        """Check-ins open at ``now`` (from ``opens_at`` until before ``closes_at``), latest
        opening first."""
        ...

    async def progress(self, link: str) -> Progress | None: ...
    async def save_progress(
        self,
        link: str,
        checkin_id: int,
        state: Mapping[str, Any],
        today: str,
        update_id: int,
        reply_due: float | None = None,
    ) -> bool:
        """Save (or replace) the unfinished response under ``link``, claiming ``update_id``
        (False, nothing written, if it was already handled). ``reply_due`` marks a reply to
        this step as not yet shown: see ``replies_due``."""
        ...

    async def replies_due(self, now: float, limit: int) -> list[ReplyDue]:
        """Unfinished responses whose reply was due by ``now`` and not cleared: the person
        may never have seen their next question. Earliest first, at most ``limit``."""
        ...

    async def clear_replies(self, shown: Sequence[tuple[str, float]]) -> None:
        """Clear the reply marks (link, due) of replies that reached the person; a mark set
        again since (another step) is left alone."""
        ...

    async def put_off_reply(self, link: str, due: float, new_due: float) -> None:
        """Move the reply mark (link, due) to ``new_due``, if it is still the one set."""
        ...

    async def progress_many(self, links: Sequence[str]) -> dict[str, Progress]:
        """The unfinished responses under these links that exist, by link."""
        ...

    async def refresh_progress(
        self, states: Mapping[str, tuple[int, Mapping[str, Any]]], today: str
    ) -> int:
        """Replace the state of unfinished responses that still exist (link -> (check-in id,
        state)), claiming no update: details learnt after a turn was written, such as which
        message shows the question. Never brings back a row deleted meanwhile. Returns how
        many were updated."""
        ...

    async def finish_response(
        self,
        link: str,
        checkin_id: int,
        answers: Mapping[str, Any],
        today: str,
        update_id: int,
        *,
        batch: int,
    ) -> bool:
        """Delete the progress row and keep ``answers`` (question id -> JSON-able value)
        waiting under ``link``, atomically with the claim. From then on ``link`` counts as
        finished (``has_finished``, ``finished_marks``, ``checkin_view``). Once ``batch``
        responses of the check-in wait, the same transaction releases them all as
        ``release_waiting`` does. Finishing twice with one link, waiting or released, raises
        ``StorageError`` and writes nothing (not even the claim)."""
        ...

    async def release_waiting(self, checkin_id: int, today: str) -> int:
        """Release every response waiting for the check-in as one batch: answers under fresh
        random response ids, dated ``today``, and participation marks, each written in its own
        random order; the waiting rows are deleted and nothing of them stays readable in the
        backend's files. Returns how many responses (0: none waited)."""
        ...

    async def release_closed(self, now: float, today: str) -> int:
        """``release_waiting`` for every check-in closed by ``now`` (one batch each); returns
        how many responses were released."""
        ...

    async def drop_closed_progress(self, now: float) -> int:
        """Delete unfinished responses (and so their links) of check-ins that have closed;
        returns how many."""
        ...

    async def has_finished(self, checkin_id: int, mark: str) -> bool:
        """Whether ``mark`` finished the check-in (released, or waiting to be)."""
        ...

    async def totals(self, checkin_id: int) -> Totals:
        """Released responses, and per question how often each value was given (the items of
        a list answer one by one; values other than strings as JSON)."""
        ...


class OutboxStore(Protocol):
    """Messages the bot starts: queued, claimed for sending, then sent, retried or failed.
    A message is deleted once sent or failed; only counts per day are kept (a week)."""

    async def enqueue(self, messages: Sequence[OutgoingMessage], once: str | None = None) -> int:
        """Queue messages; one whose ``dedupe_key`` is still waiting (queued or being sent) is
        ignored. Returns how many were queued.

        A sent message is deleted, so its key guards nothing after that: with ``once`` (a meta
        key), the messages are queued only if that key is not set yet, and it is set in the
        same transaction (even with no messages), so a repeated call never sends twice."""
        ...

    async def requeue_inflight(self, claimer: str | None = None) -> int:
        """Messages left 'sending' go back to the queue: those ``claimer`` claimed (after its
        failed pass), or (None, when a bot starts) those whose claimer is no longer running:
        on SQLite every claim, as one bot runs there; on PostgreSQL, claims by bots whose
        session is gone (see ``storage.coordination``). One whose request was started
        (``mark_started``) may have reached Telegram, so it counts as a try of unknown outcome
        (see ``mark_unsure``): after the second such try it is taken as sent (deleted, counted
        as sent). One never started is simply queued again, its claim not counted as a try.
        Returns how many were left 'sending'.

        Every method below that changes one claimed message takes the ``claimer`` too: given,
        it changes the message only while that claimer still holds it."""
        ...

    async def mark_started(self, message_id: int, claimer: str | None = None) -> None:
        """The claimed message's request is about to leave for Telegram."""
        ...

    async def mark_unsure(
        self, message_id: int, due_at: float, error: str, now: float, claimer: str | None = None
    ) -> bool:
        """A try whose outcome is unknown (a timeout, a connection cut after the request went
        out): the first time, queue the message again for ``due_at`` with ``error`` and return
        True; the second time, take it as sent (deleted, counted as sent) and return False,
        so nobody gets a message more than twice."""
        ...

    async def claim_due(
        self,
        now: float,
        limit: int,
        urgent_only: bool = False,
        claimer: str = "",
        lease: float = 300.0,
        must_lead: bool = False,
    ) -> list[QueuedMessage]:
        """Mark up to ``limit`` queued messages due by ``now`` as 'sending' by ``claimer``
        until ``now + lease`` and return them, earliest due first (then by id), attempts
        incremented; only urgent ones if asked, or (``must_lead``) unless ``claimer``'s bot
        holds the lead at this moment. Only each chat's oldest queued or sending message is
        claimable, so one person's messages go out one at a time, in the order they were
        queued; rows another claimer is claiming at this moment are passed over. First, in
        the same transaction, other claimers' claims whose bot is no longer running or whose
        lease ran out by ``now`` are queued again (as in ``requeue_inflight``), and queued
        messages expired by ``now`` are deleted, counted as failed: they are never returned."""
        ...

    async def mark_sent(self, ids: Sequence[int], now: float, claimer: str | None = None) -> None:
        """Record the messages sent at ``now``: deleted, counted as sent."""
        ...

    async def retry_later(
        self,
        message_id: int,
        due_at: float,
        error: str,
        attempted: bool = True,
        claimer: str | None = None,
    ) -> None:
        """Queue a claimed message again for ``due_at``. ``attempted=False`` (held back by
        pacing, never tried) does not count the claim as an attempt."""
        ...

    async def mark_failed(self, message_id: int, error: str, claimer: str | None = None) -> None:
        """The message can never be sent: deleted, counted as failed (``error`` is for the
        caller's log only)."""
        ...

    async def outbox_left(self, dedupe_prefix: str) -> int:
        """How many messages whose dedupe key starts with the prefix still wait to be sent
        (queued or being sent)."""
        ...

    async def outbox_counts(self) -> dict[str, int]:
        """Messages per status (queued, sending, sent, failed), every status present; sent and
        failed ones are counts of the last week (the messages themselves are deleted)."""
        ...

    async def outbox_waiting(self) -> int:
        """Messages not sent yet because their last try could not reach Telegram (their error
        starts with ``NO_CONNECTION``): they are tried again until they expire."""
        ...

    async def outbox_entries(self, dedupe_prefix: str | None = None) -> list[OutboxEntry]:
        """Every message still in the outbox, queued or being sent (or those whose dedupe key
        starts with the prefix), in the order they were queued."""
        ...

    async def prune_outbox(self, now: float) -> int:
        """Forget the sent and failed counts of days more than a week before ``now``, and
        delete any sent or failed message an older version kept (they hold chat ids, and
        reminder keys tell who had not finished); returns how many messages went."""
        ...


class PlanStore(Protocol):
    """What is planned ahead: check-in schedules, meetings, RSVPs and meeting reminders.

    Meeting messages are queued with dedupe keys ``meeting:<id>:invite:<chat>``,
    ``meeting:<id>:change:<version>:<chat>``, ``meeting:<id>:cancel:<chat>`` and
    ``meeting:<id>:v<version>:remind:<kind>:<chat>``, and expire when the meeting starts.
    """

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
    async def cancel_schedule(self, schedule_id: int) -> bool:
        """Cancel the schedule; False if it was already cancelled."""
        ...

    async def due_schedules(self, now: float) -> list[Schedule]:
        """Schedules not cancelled whose next opening is due by ``now``, soonest first."""
        ...

    async def advance_schedule(self, schedule_id: int, next_at: float | None) -> None:
        """Set the next opening; ``None`` means the schedule has run its course."""
        ...

    async def add_meeting(
        self,
        meeting: Meeting,
        who: Audience,
        reminders: Sequence[tuple[str, float]],
        invitation: Callable[[Meeting], Mapping[str, Any]],
        now: float,
    ) -> tuple[Meeting, int]:
        """Store ``meeting`` (its id is ignored), invite everyone in ``who`` (RSVP rows with
        no answer yet) and plan its reminders; returns it and how many invited.
        Invitations, like every meeting message, expire when the meeting starts."""
        ...

    async def meeting(self, meeting_id: int) -> Meeting | None: ...
    async def meetings(self, since: float) -> list[Meeting]:
        """Meetings not cancelled that start at or after ``since``, soonest first."""
        ...

    async def change_meeting(
        self,
        meeting: Meeting,
        who: Audience,
        reminders: Sequence[tuple[str, float]],
        notice: Callable[[Meeting], Mapping[str, Any]],
        now: float,
        urgent: bool = False,
    ) -> int:
        """Save new time/place/link (the version goes up), replace reminders not yet sent,
        and queue ``notice`` to everyone in ``who``; returns how many
        notices. ``urgent`` notices may go out in quiet hours."""
        ...

    async def cancel_meeting(
        self,
        meeting_id: int,
        who: Audience,
        notice: Callable[[Meeting], Mapping[str, Any]],
        now: float,
        urgent: bool = False,
    ) -> int:
        """Cancel the meeting, drop its reminders and queue ``notice`` to ``who`` as
        ``change_meeting`` does; returns how many notices (0 if it was already cancelled)."""
        ...

    async def rsvp(self, meeting_id: int, chat_id: int) -> Rsvp | None: ...
    async def set_rsvp(
        self, meeting_id: int, chat_id: int, answer: Rsvp, update_id: int
    ) -> bool: ...

    async def rsvp_counts(self, meeting_id: int) -> dict[str, int]:
        """Counts for going, maybe, no and 'none' (invited, no answer yet)."""
        ...

    async def due_meeting_reminders(self, now: float) -> list[tuple[Meeting, str]]:
        """Reminders not done, due by ``now``, of meetings not cancelled and not yet started,
        soonest first, as (meeting, kind)."""
        ...

    async def queue_meeting_reminder(
        self,
        meeting_id: int,
        kind: str,
        who: Audience,
        payload: Mapping[str, Any],
        urgent: bool,
        now: float,
    ) -> int:
        """Queue ``payload`` to everyone in ``who``, and mark the
        reminder done, once: a reminder already done queues 0."""
        ...

    async def skip_meeting_reminder(self, meeting_id: int, kind: str) -> bool:
        """Mark the reminder done without sending it (it would come too late); False if it
        was done already."""
        ...

    async def prune_rsvps(self, started_before: float, now: float) -> int:
        """Delete the RSVPs of meetings that started before ``started_before`` (cancelled
        ones: before ``now``), except while a check-in for that meeting (its feedback, whose
        audience they are) is still open at ``now``; returns how many went."""
        ...


class AuditLog(Protocol):
    """What staff did: plans, sends, cancels, results viewed, exports, updates posted."""

    async def add_audit(self, entry: AuditEntry) -> None: ...
    async def audit_entries(self, limit: int) -> list[AuditEntry]:
        """The latest ``limit`` entries, newest first."""
        ...


class CareStore(Protocol):
    """Looking after one person: pausing their messages, what is held about them, and the
    safeguarding alerts they asked for."""

    async def set_pause(self, chat_id: int, until: float | None, update_id: int) -> bool:
        """Hold every message the bot starts for this contact until ``until`` (a time, or
        ``PAUSED_FOREVER``), or release them (``None``). Held messages stay queued, and are
        sent when the pause ends unless they expire first. False if the update repeats."""
        ...

    async def paused_until(self, chat_id: int) -> float | None:
        """When this contact's pause ends (``None``: not paused, or no contact)."""
        ...

    async def person_data(self, chat_id: int, links: Sequence[str]) -> PersonData | None:
        """What is held about this contact (``None``: nothing, no contact row). ``links`` are
        their links, one per check-in, to find unfinished check-ins and finished ones whose
        answers wait for release."""
        ...

    async def raise_alert(
        self, chat_id: int, today: str, messages: Sequence[OutgoingMessage], update_id: int
    ) -> bool:
        """In one transaction: record that this person asked for someone to get in touch
        (their id and the date only, in a table linked to no answer) and queue ``messages``
        to the safeguarding leads. False (nothing done) if the update repeats."""
        ...


class RetentionStore(Protocol):
    """Deleting what is kept no longer than it should be."""

    async def apply_retention(
        self,
        today: str,
        *,
        unfinished_days: int,
        answer_days: int,
        contact_days: int,
        alert_days: int,
    ) -> Removed:
        """Delete, as of the date ``today``: unfinished responses untouched for more than
        ``unfinished_days``, answers older than ``answer_days`` (a response still waiting for
        release counts from the day it was finished, never as unfinished), contacts stopped (or
        unreachable) more than ``contact_days`` ago with their queued messages and RSVPs, and
        safeguarding alerts older than ``alert_days``. A contact found stopped with no date is
        given ``today``, so the days are counted from the first pass that sees them. Deleted
        rows are overwritten in the file and the write-ahead log is emptied afterwards.
        Running it again the same day deletes nothing more."""
        ...


class UpdateStore(Protocol):
    """ "You said, we did": posted updates, their anonymous feedback counts and "Tell us more"
    notes, and what the weekly promise reminders look for.

    Feedback is counts only: no method takes or keeps who chose what. A note is kept under a
    random id with the date only; the short wait for it is under a pseudonym (``link``)."""

    async def post_update(
        self,
        new: NewUpdate,
        who: Sequence[Audience],
        message: Callable[[PostedUpdate], Mapping[str, Any]],
        due_at: float,
    ) -> tuple[PostedUpdate, int]:
        """Store the update and, in the same transaction, queue ``message(update)`` once to
        each chat in any of ``who`` (dedupe key ``update:<id>:<chat>``, due at ``due_at``);
        returns it (with ``sent_to``) and how many were queued."""
        ...

    async def count_reach(self, who: Sequence[Audience]) -> int:
        """How many joined contacts are in at least one of ``who``."""
        ...

    async def posted_update(self, posted_id: int) -> PostedUpdate | None: ...
    async def posted_updates(self) -> list[PostedUpdate]:
        """Every update, newest first."""
        ...

    async def set_update_status(
        self,
        posted_id: int,
        status: UpdateStatus,
        due_on: str | None,
        why: str | None,
        now: float,
    ) -> bool:
        """Change an update's status (a follow-up, at ``now``); False for an unknown id."""
        ...

    async def move_feedback(
        self, posted_id: int, to: str | None, from_: str | None, update_id: int | None, now: float
    ) -> FeedbackMove:
        """One person's choice changes from ``from_`` to ``to`` (either may be ``None``: no
        choice): one count down, one up, claiming ``update_id`` (``None``: no claim, for an
        undo), in one transaction. A ``from_`` whose count is 0 is stale: nothing is written."""
        ...

    async def feedback_counts(self, posted_id: int) -> dict[str, int]:
        """How many chose each of ``FEEDBACK_VALUES`` (every value present)."""
        ...

    async def await_note(self, link: str, posted_id: int, until: float) -> None:
        """The next words of the person behind ``link`` are a note on this update, until
        ``until`` (replacing any earlier wait)."""
        ...

    async def waiting_note(self, link: str, now: float) -> int | None:
        """The update a note from ``link`` is awaited for, if the wait has not ended."""
        ...

    async def save_note(
        self, link: str, posted_id: int, text: str, today: str, update_id: int
    ) -> bool:
        """Keep ``text`` under a new random id with the update and the date only, and end the
        wait under ``link``, claiming ``update_id``, in one transaction."""
        ...

    async def drop_note_waits(self, now: float, links: Sequence[str] = ()) -> int:
        """End waits that ran out by ``now``, and those under ``links``; returns how many."""
        ...

    async def notes(self, posted_id: int) -> list[str]:
        """The notes on an update, in the order of their random ids."""
        ...

    async def update_checkins(self) -> dict[int, float]:
        """Each check-in that has an update, with when its first update was posted."""
        ...

    async def overdue_updates(self, today: str) -> list[PostedUpdate]:
        """Planned updates due before ``today`` with no follow-up: no status change since,
        and no later update on any of the same check-ins. Oldest first."""
        ...

    async def unanswered_checkins(self, closed_by: float) -> list[Checkin]:
        """Check-ins closed at or before ``closed_by`` that no update answers and that invited
        someone (or whose invitations were not counted); oldest first."""


class ResultsStore(Protocol):
    """What results need of the anonymous answers: counts, typed words and rows, never who."""

    async def answer_counts(self, checkin_id: int, typed: Collection[str] = ()) -> Totals:
        """Finished responses; per question how often each value was given (the items of a
        pick-several answer one by one; values other than strings as JSON); and per question
        how many answered it at all, skipped included. Answers to the questions in ``typed``
        (free text) count as the one value ``flows.results.ANSWERED`` unless skipped or
        prefer not to say. Worked out in the database: fast for a million answers."""
        ...

    async def typed_answers(
        self, checkin_id: int, question_ids: Collection[str], limit: int | None = None
    ) -> dict[str, list[str]]:
        """The typed words given to these questions (not skipped, not prefer not to say), by
        question, in a random order; at most ``limit`` per question (a random sample) when
        given. Every question asked for has a list, perhaps empty."""
        ...

    async def response_counts(self) -> dict[int, int]:
        """Finished responses by check-in (check-ins with none are left out)."""
        ...

    async def responses(self, checkin_id: int) -> list[dict[str, Any]]:
        """Every finished response as question id -> answer, for an explicit row-level
        export; no response id, date or anything else, in no meaningful order."""
        ...


class AgendaStore(Protocol):
    """What young people put on the agenda: ideas (tied to nobody), the action plan, and the
    surveys the bot makes itself (priorities rounds, joint reviews)."""

    async def add_idea(
        self, text: str, today: str, update_id: int, *, waited: str | None = None
    ) -> str | None:
        """Keep a new idea under a fresh random code, with the date only, claiming
        ``update_id``; ``None`` (nothing written) if that update was handled before.
        ``waited``: the pseudonym whose wait for an idea this ends, in the same transaction."""
        ...

    async def await_idea(self, link: str, until: float) -> None:
        """The next words of the person behind ``link`` are an idea, until ``until``."""
        ...

    async def awaiting_idea(self, link: str, now: float) -> bool:
        """Whether an idea from ``link`` is awaited (and the wait has not ended)."""
        ...

    async def drop_idea_waits(self, now: float, links: Sequence[str] = ()) -> int:
        """End the waits that are over by ``now``, and those of ``links``; how many ended."""
        ...

    async def ideas(self, statuses: Collection[IdeaStatus] = ()) -> list[Idea]:
        """Ideas in these statuses (all when empty), ordered by code: in no order that says
        when each came in."""
        ...

    async def idea(self, idea_id: str) -> Idea | None: ...
    async def idea_counts(self) -> dict[IdeaStatus, int]:
        """How many ideas stand in each status (statuses with none are left out)."""
        ...

    async def decide_idea(
        self,
        idea_id: str,
        status: IdeaStatus,
        today: str,
        *,
        into: str | None = None,
        why: str | None = None,
    ) -> Idea | None:
        """Approve, set aside (``why``) or merge (``into``: an approved or new idea, which
        gains this one's backers) an idea; returns it as it now stands, or ``None`` when there
        is no such idea (or no such ``into``, or ``into`` is the idea itself)."""
        ...

    async def add_plan_action(self, new: NewPlanAction) -> PlanAction: ...
    async def plan_actions(self, cohort_id: int | None = None) -> list[PlanAction]:
        """The plan, oldest action first: every action, or those for ``cohort_id`` and for
        everyone when it is given."""
        ...

    async def plan_action(self, action_id: int) -> PlanAction | None: ...
    async def set_plan_status(
        self, action_id: int, status: UpdateStatus, now: float
    ) -> PlanAction | None:
        """Change an action's status (``changed_at`` becomes ``now`` when it really changed);
        ``None`` when there is no such action."""
        ...

    async def reword_plan_action(
        self, action_id: int, what: str, role: str, due_on: str | None, now: float
    ) -> PlanAction | None:
        """Set an action's words, role and date (``changed_at`` becomes ``now`` when one of
        them really changed); ``None`` when there is no such action."""
        ...

    async def plan_seen(self, chat_id: int) -> float | None:
        """When this person last looked at the plan (``None``: never)."""
        ...

    async def see_plan(self, chat_id: int, now: float) -> None:
        """Remember that this person looked at the plan at ``now``."""
        ...

    async def save_made_survey(self, survey_id: str, kind: str, body: str) -> bool:
        """Keep a survey the bot made (``body``: its JSON) under a new id; False if the id is
        taken (nothing written)."""
        ...

    async def made_surveys(self) -> dict[str, tuple[str, str]]:
        """Every survey the bot made: id -> (kind, JSON body)."""
        ...


class Compaction(Protocol):
    """Rewriting the database so that nothing deleted, and no order of writing, stays in it."""

    async def compact_after_close(self, now: float) -> bool:
        """If a check-in has closed by ``now`` since the last compaction, compact (see
        ``compact``); whether it did. Called by the planner after its close pass."""
        ...

    async def compact(self) -> None:
        """Rewrite the whole database (live rows only, in key order, no free pages) and empty
        its write-ahead log. Takes a while on a big database (see the README)."""


class ReachStore(Protocol):
    """What reach (who is being heard) needs of the people who joined: their cohort and since
    when, never anything they said."""

    async def members(self) -> list[Member]:
        """Every joined contact (not stopped or unreachable), in no meaningful order."""
        ...


class WizardStore(Protocol):
    """Each staff member's half-finished wizard, by their Telegram id: its state as text (JSON
    made by ``bot.telegram``) and when it was last touched. Staff data only."""

    async def load_wizard(self, user_id: int, since: float) -> str | None:
        """The staff member's saved state, unless it was last touched before ``since`` (then
        it is put away); every wizard touched before ``since`` is deleted."""
        ...

    async def save_wizard(self, user_id: int, state: str, touched: float) -> None:
        """Keep ``state`` as the staff member's wizard (replacing any they had)."""
        ...

    async def drop_wizard(self, user_id: int) -> None:
        """Forget the staff member's wizard (finished or cancelled); harmless if none."""
        ...


class Coordinator(Protocol):
    """Several bots on one database: which one leads (sends bulk messages and plans), how many
    are running, and a lock per person, so that one person's updates are handled one at a time
    whichever bot receives them. ``solo``: only one bot can run on this database."""

    solo: bool
    claimer: str  # the name on this bot's outbox claims

    @property
    def leading(self) -> bool:
        """Whether this bot holds the lead as far as it knows now (false at once when its hold
        on the database is found lost, without waiting for the next ``lead``)."""
        ...

    async def start(self) -> None:
        """Join the bots on this database (a bot that cannot is told by ``StorageError``)."""
        ...

    async def lead(self) -> bool:
        """Take the lead if nobody holds it, or check that this bot still holds it; whether it
        leads now. Never raises: a bot that cannot tell does not lead (it tries again later)."""
        ...

    async def instances(self) -> int:
        """How many bots are running on this database, this one included (at least 1)."""
        ...

    def person(self, key: int) -> AbstractAsyncContextManager[None]:
        """Held while one update of the person with this 32-bit ``key`` (a pseudonym:
        ``bot.keys.lock_key``) is handled; waits (for a while) while another bot handles one
        of theirs."""
        ...

    async def close(self) -> None:
        """Leave: the lead and every lock this bot held are let go."""
        ...


class Store(
    UpdateLog,
    ContactStore,
    CheckinStore,
    OutboxStore,
    PlanStore,
    AuditLog,
    ResultsStore,
    CareStore,
    RetentionStore,
    UpdateStore,
    AgendaStore,
    Compaction,
    ReachStore,
    WizardStore,
    Protocol,
):
    """Everything Youth Voice keeps: every protocol above, on one database, plus opening and
    closing. A call on a store that is not open raises ``StorageError``."""

    async def open(self) -> None:
        """Connect and create the schema if it is missing; opening twice is harmless."""
        ...

    async def close(self) -> None:
        """Close once running calls finish (an open connection can keep the process alive)."""
        ...

    def coordinator(self) -> Coordinator:
        """A new ``Coordinator`` for one running bot on this database (not started)."""
        ...
