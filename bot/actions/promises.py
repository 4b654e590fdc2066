"""Promises kept visible: once a week, each lead is told (through the outbox) of planned
updates past their date with no follow-up, and of check-ins closed for 4 weeks or more with no
update, until they act.

A follow-up is a change of the update's status (``youthvoice update status``: done, in
progress, a new date, or couldn't with why), or a later update on any of the same check-ins.
Acting on a silent check-in means posting an update on it (even "couldn't do it").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.settings import Settings
from flows.schedule import format_date, format_local
from flows.survey import Survey
from storage.base import Checkin, OutgoingMessage, PostedUpdate, Store

SILENT_AFTER = 28 * 24 * 3600.0  # a check-in closed this long with no update is raised
LISTED = 10  # items of each kind named in one message; the rest are counted


def week_of(settings: Settings, now: float) -> str:
    """The local ISO week, such as 2026-W49: the reminders go once in each."""
    year, week, _ = datetime.fromtimestamp(now, settings.zone).isocalendar()
    return f"{year}-W{week:02d}"


def _overdue_line(posted: PostedUpdate) -> str:
    due = format_date(datetime.fromisoformat(posted.due_on or "1970-01-01").date())
    return f"• Update {posted.id}, planned by {due}: {_short(posted.we_did)}"


def _silent_line(checkin: Checkin, surveys: Mapping[str, Survey], settings: Settings) -> str:
    survey = surveys.get(checkin.survey_id)
    title = survey.title if survey else checkin.survey_id
    assert checkin.closes_at is not None
    closed = format_local(datetime.fromtimestamp(checkin.closes_at, settings.zone), settings.zone)
    return f"• Check-in {checkin.id} ({title}), closed {closed}"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _listed(lines: list[str]) -> list[str]:
    more = len(lines) - LISTED
    return lines[:LISTED] + ([f"…and {more} more"] if more > 0 else [])


def reminder_text(
    overdue: list[PostedUpdate],
    silent: list[Checkin],
    surveys: Mapping[str, Survey],
    settings: Settings,
) -> str:
    """The weekly message to leads, in plain words (staff read it, so it is not keyed)."""
    parts = ["Youth Voice: promises to keep"]
    if overdue:
        parts += ["", "Planned updates past their date, with no follow-up yet:"]
        parts += _listed([_overdue_line(u) for u in overdue])
    if silent:
        parts += ["", "Check-ins closed 4 weeks or more ago, with no update to young people:"]
        parts += _listed([_silent_line(c, surveys, settings) for c in silent])
    parts += [
        "",
        "Tell young people what happened: /yousaid here, or `youthvoice update add` "
        "(and `youthvoice update status ID` for a planned one). You'll be reminded weekly "
        "until then.",
    ]
    return "\n".join(parts)


async def weekly(
    store: Store, settings: Settings, surveys: Mapping[str, Survey], now: float
) -> int | None:
    """Queue this week's reminder to each lead, once a week even across restarts; returns
    how many were queued, or ``None`` when this week's were done already."""
    week = week_of(settings, now)
    done_key = f"promise_reminders:{week}"
    if await store.get_meta(done_key) is not None:
        return None
    today = datetime.fromtimestamp(now, settings.zone).date().isoformat()
    overdue = await store.overdue_updates(today)
    silent = await store.unanswered_checkins(now - SILENT_AFTER)
    messages = []
    if (overdue or silent) and settings.leads:
        text = reminder_text(overdue, silent, surveys, settings)
        messages = [
            OutgoingMessage(lead, {"text": text}, now, f"promises:{week}:{lead}")
            for lead in sorted(settings.leads)
        ]
    # Queued and marked done in one transaction: a second pass this week sends nothing, even
    # after the first week's messages were sent (and so deleted).
    return await store.enqueue(messages, once=done_key)
