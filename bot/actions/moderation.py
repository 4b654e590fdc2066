"""Workers and young people's ideas: read them (contact details taken out, as in exports),
approve one, merge it with a similar one, or set it aside with a reason. One use case per
decision, shared by ``youthvoice ideas`` and /newideas in Telegram; each is in the audit log
(with the reason for a set-aside), naming the idea by its code, never its words.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from bot.actions import audit
from bot.actions.errors import ActionError
from bot.actions.updates import today_of
from bot.settings import Settings
from flows.ideas import why_not
from flows.priorities import KIND as ROUND_KIND
from flows.priorities import idea_option
from flows.redact import redact
from flows.schedule import format_local
from storage.base import Idea, IdeaStatus, Store

WHY_LIMIT = 200  # characters a set-aside reason may have
# New ideas first (they wait for a worker), then the approved, merged and set-aside ones.
ORDER = (IdeaStatus.NEW, IdeaStatus.APPROVED, IdeaStatus.MERGED, IdeaStatus.SET_ASIDE)


async def listing(
    store: Store, who: str, now: float, statuses: Collection[IdeaStatus] = ()
) -> list[Idea]:
    """Ideas in these statuses (all when empty), new ones first, each with contact details
    taken out of its words. Reading them is in the audit log."""
    found = await redacted(store, statuses)
    await audit.record(store, who, "read ideas", f"{len(found)} listed", now)
    return found


async def one(store: Store, idea_id: str) -> Idea | None:
    """One idea as staff see it (contact details taken out), or ``None``."""
    idea = await store.idea(idea_id)
    return None if idea is None else replace(idea, text=redact(idea.text))


async def redacted(store: Store, statuses: Collection[IdeaStatus] = ()) -> list[Idea]:
    """``listing`` without its audit entry, for the later steps of a reading already logged
    (the Telegram door's buttons): the same ideas, in the same order, just as redacted."""
    found = await store.ideas(statuses)
    found.sort(key=lambda idea: ORDER.index(idea.status))
    return [replace(idea, text=redact(idea.text)) for idea in found]


async def _decided(
    store: Store,
    settings: Settings,
    idea_id: str,
    status: IdeaStatus,
    who: str,
    now: float,
    *,
    into: str | None = None,
    why: str | None = None,
) -> Idea:
    """Make one decision on an idea, if it may be made as the idea stands; audited."""
    code = idea_id.strip().lower()
    idea = await store.idea(code)
    if idea is None:
        raise ActionError("idea", f"no idea with the code '{idea_id}'", unknown=True)
    target = await store.idea(into.strip().lower()) if into is not None else None
    problem = why_not(idea, status.value, target)
    if problem is None and status is not IdeaStatus.APPROVED:
        problem = await _in_a_round(store, settings, code, now)
    if problem is not None:
        field = "into" if target is None and into is not None else "idea"
        raise ActionError(field, f"idea {code}: {problem}", unknown=field == "into")
    done = await store.decide_idea(
        code, status, today_of(settings, now), into=target.id if target else None, why=why
    )
    if done is None:  # decided elsewhere meanwhile (another worker, the other door)
        raise ActionError("idea", f"idea {code} changed meanwhile; look again and retry")
    detail = f"idea {code}"
    if target is not None:
        detail += f" into {target.id}"
    if why is not None:
        detail += f": {why}"
    await audit.record(store, who, f"{_verb(status)} an idea", detail, now)
    return replace(done, text=redact(done.text))


async def _in_a_round(store: Store, settings: Settings, code: str, now: float) -> str | None:
    """Why an idea may not be set aside or merged yet: young people are reading its words in
    a priorities round that has not closed (the round's question cannot change under them).
    ``None`` when no such round holds it. A round opens at once (it is never scheduled)."""
    option = idea_option(code)
    rounds = {
        survey_id
        for survey_id, (kind, body) in (await store.made_surveys()).items()
        if kind == ROUND_KIND and option in _option_ids(body)
    }
    if not rounds:
        return None
    for checkin in await store.checkins():  # opened, or opening after quiet hours
        if checkin.survey_id in rounds and (checkin.closes_at is None or checkin.closes_at > now):
            until = ""
            if checkin.closes_at is not None:
                closes = datetime.fromtimestamp(checkin.closes_at, settings.zone)
                until = f" until {format_local(closes, settings.zone)}"
            return (
                f"young people are reading it in the priorities round (check-in {checkin.id}), "
                f"open{until}; decide once it closes"
            )
    return None


def _option_ids(body: str) -> set[str]:
    """The option ids of a made survey's questions (from its kept JSON)."""
    questions = json.loads(body)["questions"]
    return {o["id"] for q in questions for o in q.get("options") or ()}


def _verb(status: IdeaStatus) -> str:
    return {
        IdeaStatus.APPROVED: "approved",
        IdeaStatus.MERGED: "merged",
        IdeaStatus.SET_ASIDE: "set aside",
    }[status]


async def approve(store: Store, settings: Settings, idea_id: str, who: str, now: float) -> Idea:
    """Approve an idea: young people see it in /ideas, and it may go into a priorities round."""
    return await _decided(store, settings, idea_id, IdeaStatus.APPROVED, who, now)


async def merge(
    store: Store, settings: Settings, idea_id: str, into: str, who: str, now: float
) -> Idea:
    """Merge an idea into a similar new or approved one, which then counts it ("N people
    said this"); the merged idea's own words are not shown to young people."""
    return await _decided(store, settings, idea_id, IdeaStatus.MERGED, who, now, into=into)


def checked_why(why: str) -> str:
    """A set-aside reason as it is kept: one line, not blank, not too long."""
    words = " ".join(why.split())
    if not words:
        raise ActionError("why", "say why it is set aside (it goes in the audit log)")
    if len(words) > WHY_LIMIT:
        raise ActionError("why", f"keep the reason to {WHY_LIMIT} characters (it has {len(words)})")
    return words


async def set_aside(
    store: Store, settings: Settings, idea_id: str, why: str, who: str, now: float
) -> Idea:
    """Set an idea aside, with the reason (kept with it and in the audit log): it is never
    shown to young people."""
    reason = checked_why(why)
    return await _decided(store, settings, idea_id, IdeaStatus.SET_ASIDE, who, now, why=reason)
