"""Reach for staff: each cohort's response rate over time, whether it is falling, and how many
joined but never answered.

The one use case that looks at people one by one: whether someone ever finished is known only
from the participation marks (HMACs made with the key, as reminders use them), so each
person's marks are worked out here, counted and forgotten. Only counts leave, and
``flows.reach`` hides the small ones. Nothing here logs.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime

from bot import keys
from bot.services import Services
from flows.reach import ANSWERED, NEVER, NOT_ASKED, GroupReach, group_reach, participation
from flows.results import CheckinSummary, checkin_summary, closed
from storage.base import Checkin, Member

__all__ = ["EVERYONE", "NO_GROUP", "reach"]

# The names of the two lines that are not a cohort.
EVERYONE = "Check-ins for everyone"
NO_GROUP = "People in no group"


async def reach(svc: Services) -> list[GroupReach]:
    """Every cohort (in the order added), then the check-ins for everyone, then the people in
    no group. Rates are those of the list of check-ins (meeting feedback left out: it asks only
    those who said they would come). Without the key (``svc.key`` empty) nobody's marks can
    be read, so the people counts are left out (``participation`` is ``None``)."""
    now, k = svc.now(), svc.settings.min_group
    checkins = await svc.store.checkins()
    finished = await svc.store.response_counts()
    lines = {
        c.id: checkin_summary(c, _title(svc, c), finished.get(c.id, 0), k, now) for c in checkins
    }
    counts = await _standing(svc, checkins) if svc.key else None

    def rates_of(cohort_id: int | None) -> list[CheckinSummary]:
        return [lines[c.id] for c in checkins if c.cohort_id == cohort_id and c.meeting_id is None]

    groups = []
    for cohort in await svc.store.cohorts():
        people = None if counts is None else participation(counts.get(cohort.id, {}), k)
        groups.append(group_reach(cohort.name, cohort.id, rates_of(cohort.id), people, k))
    if rates_of(None):
        groups.append(group_reach(EVERYONE, None, rates_of(None), None, k))
    if counts is not None and counts.get(None):
        groups.append(group_reach(NO_GROUP, None, [], participation(counts[None], k), k))
    return groups


def _title(svc: Services, checkin: Checkin) -> str:
    survey = svc.surveys.get(checkin.survey_id)
    return survey.title if survey is not None else checkin.survey_id


def _for(checkin: Checkin, member: Member) -> bool:
    """Whether the person could have been in the check-in's audience: their cohort's, one
    for everyone, or a meeting's feedback."""
    return checkin.meeting_id is not None or checkin.cohort_id in (None, member.cohort_id)


async def _standing(svc: Services, checkins: Sequence[Checkin]) -> dict[int | None, Counter[str]]:
    """How many people in each cohort answered, never answered, or were not asked yet. Only
    closed check-ins count, so the numbers move when one closes, never as people answer."""
    now = svc.now()
    done = [c for c in checkins if closed(c, now)]
    members = await svc.store.members()
    answered: set[int] = set()
    for checkin in done:
        pending = [m.chat_id for m in members if m.chat_id not in answered and _for(checkin, m)]
        marks = await svc.store.finished_marks(checkin.id) if pending else set()
        if marks:
            # Tens of thousands of HMACs: off the event loop, so the bot keeps answering.
            found = await asyncio.to_thread(_finished, svc.key, checkin.id, pending, marks)
            answered |= found
    last_asked = _last_asked(svc, done)
    counts: defaultdict[int | None, Counter[str]] = defaultdict(Counter)
    for member in members:
        since = max(last_asked.get(member.cohort_id, ""), last_asked.get(None, ""))
        if member.chat_id in answered:
            part = ANSWERED
        else:
            part = NEVER if since and member.joined_on <= since else NOT_ASKED
        counts[member.cohort_id][part] += 1
    return dict(counts)


def _finished(
    key: bytes, checkin_id: int, chats: Sequence[int], marks: Collection[str]
) -> set[int]:
    """The chats among ``chats`` whose mark for the check-in is in ``marks``."""
    return {chat for chat in chats if keys.link(key, checkin_id, chat) in marks}


def _last_asked(svc: Services, done: Sequence[Checkin]) -> dict[int | None, str]:
    """The local day the latest closed check-in opened, per cohort (``None``: for everyone).
    Someone who joined on or before that day was asked; join dates have no time of day, so
    joining later that same day counts as asked."""
    zone = svc.settings.zone
    days: dict[int | None, str] = {}
    for checkin in done:
        if checkin.meeting_id is None:
            day = datetime.fromtimestamp(checkin.opens_at, zone).date().isoformat()
            days[checkin.cohort_id] = max(days.get(checkin.cohort_id, ""), day)
    return days
