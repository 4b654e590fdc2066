"""Posting "you said, we did" updates, for leads at any door: read and check the request,
suggest "you said" from the results (figures that pass suppression only), say how many it
reaches and when, post it to everyone its check-ins were for, and change an update's status
(a follow-up). What staff see of updates afterwards is in ``bot.actions.update_views``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actions import audience, audit, plans
from bot.actions.errors import ActionError
from bot.actions.feedback import update_message
from bot.settings import Settings
from flows.results import findings, summarise
from flows.schedule import parse_date, release_time
from flows.survey import QuestionType, Survey
from flows.texts import render
from storage.base import (
    Audience,
    Checkin,
    NewUpdate,
    PostedUpdate,
    Store,
    UpdateStatus,
)

# How a status is written on the command line and in the wizard.
STATUSES = {
    "done": UpdateStatus.DONE,
    "in-progress": UpdateStatus.IN_PROGRESS,
    "planned": UpdateStatus.PLANNED,
    "couldnt": UpdateStatus.COULDNT,
}
WORDS = {status: word for word, status in STATUSES.items()}
TELEGRAM_LIMIT = 4096  # characters in one Telegram message


@dataclass(frozen=True)
class UpdateRequest:
    """An update as a lead asked for it, in their words; ``None`` means not given."""

    checkin_ids: tuple[int, ...]
    we_did: str
    status: str
    by: str | None = None
    why: str | None = None
    you_said: str | None = None
    cohort: str | None = None


@dataclass(frozen=True)
class UpdatePlan:
    """An update as it will go: what it says, who it reaches (how many, now) and when the
    messages really go (after quiet hours). ``suggested``: "you said" came from the results."""

    new: NewUpdate
    checkins: tuple[Checkin, ...]
    audiences: tuple[Audience, ...]
    reach: int
    goes_at: float
    suggested: bool
    others: tuple[str, ...] = ()  # other findings the lead could use instead


def status_of(word: str) -> UpdateStatus:
    found = STATUSES.get(word.strip().lower())
    if found is None:
        raise ActionError("status", f"'{word}' is not a status; use one of {', '.join(STATUSES)}")
    return found


def today_of(settings: Settings, now: float) -> str:
    """The local date, YYYY-MM-DD."""
    return datetime.fromtimestamp(now, settings.zone).date().isoformat()


def _status(
    settings: Settings, word: str, by: str | None, why: str | None, now: float
) -> tuple[UpdateStatus, str | None, str | None]:
    """The status with its date (planned) or reason (couldnt); refuses a missing, stray or
    past one."""
    status = status_of(word)
    if status is UpdateStatus.PLANNED and by is None:
        raise ActionError("by", "a planned update needs the date it is planned by (YYYY-MM-DD)")
    if status is not UpdateStatus.PLANNED and by is not None:
        raise ActionError("by", "a date is only for --status planned")
    if status is UpdateStatus.COULDNT and (why is None or not why.strip()):
        raise ActionError("why", "say why it could not be done, in plain words")
    if status is not UpdateStatus.COULDNT and why is not None:
        raise ActionError("why", "a reason is only for --status couldnt")
    due_on = None if by is None else due_date(settings, by, now)
    return status, due_on, why.strip() if why is not None else None


def due_date(settings: Settings, by: str, now: float) -> str:
    """A "by" date as stored (YYYY-MM-DD); refuses one that is not a date or has passed."""
    try:
        due_on = parse_date(by).isoformat()
    except ValueError as exc:
        raise ActionError("by", str(exc)) from None
    if due_on < today_of(settings, now):
        raise ActionError("by", f"{by} has already passed; give a date from today on")
    return due_on


def _words(field: str, text: str | None, what: str) -> str:
    if text is None or not text.strip():
        raise ActionError(field, f"{what} is empty; write it in plain words")
    return text.strip()


async def _closed(store: Store, ids: Sequence[int], now: float) -> tuple[Checkin, ...]:
    """The check-ins, each once; refuses an unknown one or one still open."""
    found = []
    for checkin_id in dict.fromkeys(ids):
        checkin = await store.checkin(checkin_id)
        if checkin is None:
            raise ActionError("checkins", f"no check-in {checkin_id}", unknown=True)
        if checkin.closes_at is None or checkin.closes_at > now:
            raise ActionError(
                "checkins",
                f"check-in {checkin_id} is still open; post an update on it after it closes",
            )
        found.append(checkin)
    return tuple(found)


async def suggestions(
    store: Store,
    surveys: Mapping[str, Survey],
    k: int,
    checkins: Sequence[Checkin],
    *,
    now: float,
) -> list[str]:
    """Things young people said, in plain words, from the check-ins' results: the biggest
    findings first (up to 3 a check-in, 5 in all), from figures that pass suppression only,
    of closed check-ins only (an open one's results show nothing yet)."""
    said: list[str] = []
    for checkin in checkins:
        survey = surveys.get(checkin.survey_id)
        if survey is None:
            continue
        typed = [q.id for q in survey.questions if q.type is QuestionType.TEXT]
        counts = await store.answer_counts(checkin.id, typed)
        # No typed words are needed: findings come from counts only.
        results = summarise(survey, checkin, counts, {}, k, random.Random(0), now=now)
        said += [f"{sentence}." for sentence in findings(results, limit=3)]
    return list(dict.fromkeys(said))[:5]


async def suggest(
    store: Store, surveys: Mapping[str, Survey], k: int, checkins: Sequence[Checkin], *, now: float
) -> str | None:
    """The suggested "you said": the biggest finding (``None`` when none can be shown)."""
    found = await suggestions(store, surveys, k, checkins, now=now)
    return found[0] if found else None


def _fits(new: NewUpdate, zone: ZoneInfo) -> None:
    """Refuses an update whose message would be longer than Telegram takes, naming the
    longest part to shorten."""
    text = update_message(preview(new))["text"]
    length = len(render(text, "en", zone))
    if length <= TELEGRAM_LIMIT:
        return
    parts = {"you_said": new.you_said, "we_did": new.we_did, "why": new.why or ""}
    longest = max(parts, key=lambda name: len(parts[name]))
    raise ActionError(
        longest,
        f"the message would be {length} characters and Telegram takes at most "
        f"{TELEGRAM_LIMIT}; make it {length - TELEGRAM_LIMIT} characters shorter",
    )


async def plan_update(
    store: Store,
    settings: Settings,
    surveys: Mapping[str, Survey],
    request: UpdateRequest,
    now: float,
) -> UpdatePlan:
    """The update as it would go now; raises ``ActionError`` naming the field for a bad one."""
    status, due_on, why = _status(settings, request.status, request.by, request.why, now)
    we_did = _words("we_did", request.we_did, "what you did")
    checkins = await _closed(store, request.checkin_ids, now)
    if checkins and request.cohort is not None:
        raise ActionError(
            "cohort", "an update on check-ins goes to everyone they were for; leave --cohort out"
        )
    cohort_id = await plans.find_cohort(store, request.cohort)
    suggested = request.you_said is None
    found = []
    if suggested:
        found = await suggestions(store, surveys, settings.min_group, checkins, now=now)
    if request.you_said is not None:
        you_said = _words("you_said", request.you_said, "what young people said")
    elif not checkins:
        raise ActionError("you_said", "an update with no check-in needs what young people said")
    elif not found:
        raise ActionError(
            "you_said",
            "no figures from these check-ins can be shown yet (too few answers); "
            "write what young people said yourself",
        )
    else:
        you_said = found[0]
    new = NewUpdate(you_said, we_did, status, tuple(c.id for c in checkins), cohort_id, due_on, why)
    _fits(new, settings.zone)
    audiences = tuple(audience.of_update(checkins, cohort_id))
    reach = await store.count_reach(audiences)
    goes = release_time(datetime.fromtimestamp(now, settings.zone), settings.quiet, settings.zone)
    return UpdatePlan(
        new, checkins, audiences, reach, goes.timestamp(), suggested, tuple(found[1:])
    )


def _about(posted: PostedUpdate) -> str:
    if posted.checkin_ids:
        return "check-ins " + ", ".join(str(i) for i in posted.checkin_ids)
    return "a theme for " + (
        "everyone" if posted.cohort_id is None else f"cohort {posted.cohort_id}"
    )


async def post(store: Store, plan: UpdatePlan, who: str, now: float) -> PostedUpdate:
    """Post the update: queued to everyone its check-ins were for, in one transaction with
    its row. ``who`` posted it (for the update and the audit log)."""
    new = replace(plan.new, posted_by=who, posted_at=now)
    posted, sent = await store.post_update(new, plan.audiences, update_message, now)
    detail = f"update {posted.id} on {_about(posted)} ({WORDS[posted.status]}), {sent} sent"
    await audit.record(store, who, "posted an update", detail, now)
    return posted


async def change_status(
    store: Store,
    settings: Settings,
    posted_id: int,
    word: str,
    by: str | None,
    why: str | None,
    who: str,
    now: float,
) -> PostedUpdate:
    """A follow-up: the update's status changes (done, in progress, a new date, or couldn't,
    with why). Young people see it in /updates; a planned update past its date stops being
    raised with the leads."""
    status, due_on, reason = _status(settings, word, by, why, now)
    if not await store.set_update_status(posted_id, status, due_on, reason, now):
        raise ActionError("update", f"no update {posted_id}", unknown=True)
    changed = await store.posted_update(posted_id)
    assert changed is not None
    detail = f"update {posted_id} now {WORDS[status]}" + (f" by {due_on}" if due_on else "")
    await audit.record(store, who, "changed an update's status", detail, now)
    return changed


def preview(new: NewUpdate) -> PostedUpdate:
    """An update not posted yet, as it would read."""
    return PostedUpdate(0, new.you_said, new.we_did, new.status, new.checkin_ids,
                        new.cohort_id, new.due_on, new.why, "", 0.0, 0)  # fmt: skip


def status_words(posted: PostedUpdate) -> str:
    """Where an update stands, for staff."""
    if posted.status is UpdateStatus.PLANNED:
        return f"planned by {posted.due_on}"
    if posted.status is UpdateStatus.COULDNT:
        return f"couldn't: {posted.why}"
    return "in progress" if posted.status is UpdateStatus.IN_PROGRESS else "done"
