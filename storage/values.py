"""The values the storage contract passes: frozen dataclasses, enums and ``StorageError``.

Backends build these from their rows; nothing here speaks SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flows.locales import locale_of

# The language of anyone the bot has no contact row for (a chat that was never joined).
DEFAULT_LANGUAGE = "en"
# How an outbox error starts when the last try could not reach Telegram (a network error, a
# 5xx, no answer in time): such messages are waiting for Telegram, not refused.
NO_CONNECTION = "no connection"


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
    easy_read: bool = False

    @property
    def locale(self) -> str:
        """How messages are written for them: their language, easy-read or not."""
        return locale_of(self.language, self.easy_read)


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
    invited: int | None = None  # invitations queued when it opened

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
class Audience:
    """Who something is for, among the people who joined (never anyone who stopped or
    blocked the bot): everyone (no cohort, no meeting), one cohort, or the people invited to
    a meeting whose answer is one of ``answers`` ("going", "maybe", "no", or "none" for no
    answer yet). Built by ``bot.actions.audience``, the only place that decides who."""

    cohort_id: int | None = None
    meeting_id: int | None = None
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    """An unfinished response: the engine state as JSON-able data."""

    checkin_id: int
    state: Mapping[str, Any]


@dataclass(frozen=True)
class ReplyDue:
    """A step whose reply may not have reached the person: ``due`` also names the mark."""

    link: str
    checkin_id: int
    due: float


@dataclass(frozen=True)
class CheckinView:
    """What one person's turn in one check-in needs, read at once: who they are, the
    check-in, whether it is for them, their unfinished answers, and whether they finished."""

    contact: Contact | None
    checkin: Checkin | None
    invited: bool
    progress: Progress | None
    finished: bool


@dataclass(frozen=True)
class OutgoingMessage:
    """A message the bot starts. ``payload`` is data rendered in the reader's language when it
    is sent: ``{"text": <text>, "buttons": [[{"text": <text>, "data" or "url": ...}]]}``, where
    a text is as ``flows.texts`` describes (a message key and parameters, or plain words).

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
    """A claimed message, with its reader's language (rendered in it when sent)."""

    id: int
    chat_id: int
    payload: Mapping[str, Any]
    due_at: float
    attempts: int
    language: str = "en"
    easy_read: bool = False

    @property
    def locale(self) -> str:
        """The reader's language, easy-read or not, as ``flows.texts`` renders for."""
        return locale_of(self.language, self.easy_read)


@dataclass(frozen=True)
class Totals:
    """Counts for one check-in: finished responses and, per question, per value (the items
    of a pick-several answer one by one), and how many answered each question at all
    (``asked``: skipped included; may be empty when not counted)."""

    checkin_id: int
    responses: int
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    asked: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox message as it stands now, for status views and checks: its state
    (queued, sending, sent or failed), tries so far, and why it last failed or waited."""

    id: int
    chat_id: int
    payload: Mapping[str, Any]
    due_at: float
    status: str
    attempts: int
    dedupe_key: str | None
    urgent: bool
    expires_at: float | None
    error: str | None
    sent_at: float | None


@dataclass(frozen=True)
class AuditEntry:
    """One staff action: when, who (``staff 12345`` or ``command line``), what it was (a short
    verb phrase such as ``opened check-in``) and its details in plain words."""

    at: float
    who: str
    action: str
    detail: str = ""


# "Until I say": a pause with no end is kept as this far-off moment (9999-12-31), so one
# comparison (``paused_until > now``) holds every paused person's messages.
PAUSED_FOREVER = 253402300799.0


@dataclass(frozen=True)
class HeldMeeting:
    """A meeting someone was invited to, and their answer (``None`` until they choose)."""

    title: str
    starts_at: float
    answer: Rsvp | None


@dataclass(frozen=True)
class PersonData:
    """Everything held about one person that /mydata shows: their contact row, the check-ins
    they have not finished (by survey id), the meetings they were invited to, and the
    check-ins they finished whose answers still wait for a batch (by survey id), so are
    still theirs."""

    cohort_name: str | None
    language: str
    status: ContactStatus
    joined_on: str
    paused_until: float | None
    unfinished: tuple[str, ...]
    meetings: tuple[HeldMeeting, ...]
    waiting: tuple[str, ...] = ()


@dataclass(frozen=True)
class Removed:
    """What one retention pass deleted, by kind; all zero when there was nothing to do."""

    unfinished: int = 0
    answers: int = 0
    contacts: int = 0
    alerts: int = 0

    def total(self) -> int:
        return self.unfinished + self.answers + self.contacts + self.alerts


class UpdateStatus(StrEnum):
    """Where a "you said, we did" update stands."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    PLANNED = "planned"  # by ``due_on``
    COULDNT = "couldnt"  # with ``why``


# The two feedback buttons under an update, as counted.
FEEDBACK_VALUES = ("helps", "not_enough")


@dataclass(frozen=True)
class NewUpdate:
    """A "you said, we did" update to post. It answers ``checkin_ids`` (none: a theme, for
    ``cohort_id``, or everyone when that is ``None``). ``posted_by`` is staff (``staff 123``
    or ``command line``), never a young person."""

    you_said: str
    we_did: str
    status: UpdateStatus
    checkin_ids: tuple[int, ...] = ()
    cohort_id: int | None = None
    due_on: str | None = None  # planned: by this local date, YYYY-MM-DD
    why: str | None = None  # couldnt: why not
    posted_by: str = ""
    posted_at: float = 0.0


@dataclass(frozen=True)
class PostedUpdate:
    """A posted update, with how many it was queued to and when its status last changed."""

    id: int
    you_said: str
    we_did: str
    status: UpdateStatus
    checkin_ids: tuple[int, ...]
    cohort_id: int | None
    due_on: str | None
    why: str | None
    posted_by: str
    posted_at: float
    sent_to: int
    status_at: float | None = None


class FeedbackMove(StrEnum):
    """What recording a feedback press did."""

    MOVED = "moved"  # the counts changed
    REPEATED = "repeated"  # that Telegram update was handled before: nothing changed
    STALE = "stale"  # the press named an old choice that is not counted: nothing changed


class IdeaStatus(StrEnum):
    """Where a young person's idea stands after a worker read it."""

    NEW = "new"  # waiting for a worker
    APPROVED = "approved"  # may go into a priorities round and be shown to young people
    MERGED = "merged"  # the same as another idea (``merged_into``), which counts it
    SET_ASIDE = "set_aside"  # never shown to young people; ``why`` says why


@dataclass(frozen=True)
class Idea:
    """An idea for change, in a young person's own words, tied to nobody.

    ``id`` is a short random code (typed by staff in ``youthvoice ideas approve ID``).
    ``backers`` is how many ideas were merged into this one, plus itself. Dates only.
    """

    id: str
    text: str
    status: IdeaStatus
    suggested_on: str
    decided_on: str | None = None
    merged_into: str | None = None
    why: str | None = None
    backers: int = 1


@dataclass(frozen=True)
class PlanAction:
    """One action of the plan: what will be done about a priority, which role answers for it
    (a job title, never a young person's name), by when, and where it stands (the statuses of
    "you said, we did"). ``changed_at`` is when the status last changed, or when it was added.
    ``cohort_id`` is who the plan is for (``None``: everyone)."""

    id: int
    priority: str
    what: str
    role: str
    due_on: str | None
    status: UpdateStatus
    cohort_id: int | None
    added_by: str
    added_at: float
    changed_at: float


@dataclass(frozen=True)
class NewPlanAction:
    priority: str
    what: str
    role: str
    due_on: str | None
    status: UpdateStatus
    cohort_id: int | None
    added_by: str
    added_at: float


@dataclass(frozen=True)
class Member:
    """A joined contact as reach needs it: the chat id only to work out their participation
    marks (never shown or kept), their cohort (``None``: no group) and the local date they
    last joined."""

    chat_id: int
    cohort_id: int | None
    joined_on: str
