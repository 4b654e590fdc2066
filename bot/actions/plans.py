"""Planning check-ins: read a worker's request, refuse impossible plans with a fix, say who it
reaches and when the messages will really go, then open it now or save its schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.actions import audience, audit
from bot.actions.errors import ActionError
from bot.actions.notices import invitation
from flows.schedule import QuietHours, Repeat, parse_at, parse_duration, parse_every, release_time
from flows.survey import Survey
from storage.base import Checkin, NewCheckin, Schedule, Store

T = TypeVar("T")

# A one-off check-in without an open-for closes after this, so its unfinished answers are dropped.
ONE_OFF_OPEN = timedelta(days=7)


@dataclass(frozen=True)
class Occurrence:
    """One opening of a schedule: when it opens, closes and reminds, and the next opening."""

    opens_at: float
    closes_at: float | None
    remind_at: float | None
    next_at: float | None


def occurrence(schedule: Schedule, zone: ZoneInfo) -> Occurrence:
    """Work out one opening. A repeating check-in with no open-for closes when the next opens;
    one open for longer than the repeat closes then too (plans refuse that, except for the hour
    the clocks go forward)."""
    assert schedule.next_at is not None
    opens = schedule.next_at
    following = None
    if schedule.every:
        after = datetime.fromtimestamp(opens, zone)
        upcoming = Repeat(schedule.every).next_after(after, zone)
        following = upcoming.timestamp() if upcoming else None
    closes = opens + schedule.open_for if schedule.open_for else following
    if schedule.open_for and following is not None:
        closes = min(opens + schedule.open_for, following)
    remind = opens + schedule.remind_after if schedule.remind_after else None
    if remind is not None and closes is not None and remind >= closes:
        remind = None
    return Occurrence(opens, closes, remind, following)


@dataclass(frozen=True)
class CheckinRequest:
    """A check-in as a worker asked for it, in their words; ``None`` means not given."""

    at: str | None = None
    every: str | None = None
    open_for: str | None = None
    remind_after: str | None = None


@dataclass(frozen=True)
class CheckinPlan:
    """A check-in as it will happen: a draft schedule, its first opening, and when the
    invitations really go (after quiet hours, if it opens in them)."""

    survey: Survey
    draft: Schedule
    when: Occurrence
    later: bool  # opens at a set time (at or every), so it is saved as a schedule
    default_close: bool  # closes after ONE_OFF_OPEN because no open-for was given
    invitations_at: float


def plan_checkin(
    survey: Survey,
    request: CheckinRequest,
    zone: ZoneInfo,
    quiet: QuietHours | None,
    now: float,
) -> CheckinPlan:
    """The plan for ``request``; raises ``ActionError`` naming the field for a bad or
    impossible one (never quietly changes what was asked)."""
    at = _read("at", lambda text: parse_at(text, zone), request.at)
    every = _read("every", parse_every, request.every)
    open_for = _read("open_for", parse_duration, request.open_for)
    remind = _read("remind_after", parse_duration, request.remind_after)
    if at is not None and at.timestamp() <= now:
        raise ActionError("at", f"{request.at} has already passed")
    first = at or (every.next_after(datetime.fromtimestamp(now, zone), zone) if every else None)
    if every is not None and first is None:
        raise ActionError("every", "that rule never happens")
    default_close = open_for is None and every is None
    if default_close:
        open_for = ONE_OFF_OPEN
    draft = Schedule(
        0,
        survey.id,
        None,
        first.timestamp() if first else now,
        every.spec if every else None,
        open_for.total_seconds() if open_for else None,
        remind.total_seconds() if remind else None,
    )
    when = occurrence(draft, zone)
    _refuse_impossible(draft, request, zone, quiet)
    goes = release_time(datetime.fromtimestamp(when.opens_at, zone), quiet, zone).timestamp()
    return CheckinPlan(survey, draft, when, first is not None, default_close, goes)


def _openings(draft: Schedule, zone: ZoneInfo) -> list[Occurrence]:
    """The plan's openings over the coming year (at most 500): a rule can space them
    unevenly ("mon,thu 18:00"), and clocks change."""
    found = [occurrence(draft, zone)]
    if draft.every:
        end = found[0].opens_at + 366 * 86400
        while (after := found[-1].next_at) is not None and after < end and len(found) < 500:
            found.append(occurrence(replace(draft, next_at=after), zone))
    return found


def _refuse_impossible(
    draft: Schedule,
    request: CheckinRequest,
    zone: ZoneInfo,
    quiet: QuietHours | None,
) -> None:
    """Plans the planner would have to shorten, drop or never send, at any opening in the
    coming year, are errors with a fix. Times between openings are counted on the wall clock,
    so "daily" is always 1d: on the day the clocks change a check-in may close an hour early."""
    openings = _openings(draft, zone)
    gap = _shortest_gap(openings, zone)
    if draft.open_for is not None and gap is not None and draft.open_for > gap:
        raise ActionError(
            "open_for",
            f"{request.open_for} is longer than the time between check-ins "
            f"({_span(gap)}). Choose {_span(gap)} or less, or leave it out.",
        )
    windows = [w for w in (draft.open_for, gap) if w is not None]
    window = min(windows, default=None)
    if draft.remind_after is not None and window is not None and draft.remind_after >= window:
        raise ActionError(
            "remind_after",
            f"the check-in closes {_span(window)} after it opens, so a reminder after "
            f"{request.remind_after} would never go. Choose less than {_span(window)}.",
        )
    for opening in openings:
        goes = release_time(datetime.fromtimestamp(opening.opens_at, zone), quiet, zone)
        if opening.closes_at is not None and goes.timestamp() >= opening.closes_at:
            raise ActionError(
                "open_for",
                "the check-in would close before quiet hours end, so nobody could be invited. "
                "Keep it open for longer, or open it at another time.",
            )
        if opening.remind_at is None:
            continue
        reminds = release_time(datetime.fromtimestamp(opening.remind_at, zone), quiet, zone)
        if reminds <= goes:
            raise ActionError(
                "remind_after",
                "the reminder would wait for quiet hours to end and go with the invitations. "
                "Choose a longer wait before it, or no reminder.",
            )
        if opening.closes_at is not None and reminds.timestamp() >= opening.closes_at:
            raise ActionError(
                "remind_after",
                "the reminder would wait for quiet hours to end, and the check-in closes "
                "before they do, so it would never go. Choose a shorter wait, or no reminder.",
            )


def longest_open(at: datetime, every: str, zone: ZoneInfo) -> timedelta | None:
    """The longest a check-in first opening at ``at`` and repeating by ``every`` may stay
    open: the shortest time between its openings in the coming year (``None``: it never
    opens again). Doors offer only times open within it."""
    rule = _read("every", parse_every, every)
    assert rule is not None
    draft = Schedule(0, "", None, at.timestamp(), rule.spec, None, None)
    gap = _shortest_gap(_openings(draft, zone), zone)
    return None if gap is None else timedelta(seconds=gap)


def _shortest_gap(openings: list[Occurrence], zone: ZoneInfo) -> float | None:
    """The shortest time between openings, in seconds on the wall clock."""
    gaps = [_wall(o.next_at, zone) - _wall(o.opens_at, zone) for o in openings if o.next_at]
    return min(gaps, default=None)


def _wall(timestamp: float, zone: ZoneInfo) -> float:
    """Seconds on the local wall clock (a day is always 86,400, clocks changing or not)."""
    local = datetime.fromtimestamp(timestamp, zone).replace(tzinfo=None)
    return (local - datetime(1970, 1, 1)).total_seconds()


async def find_cohort(store: Store, name: str | None) -> int | None:
    """The id of the cohort called ``name`` (``None``: everyone); raises for a blank or
    unknown name."""
    if name is None:
        return None
    if not name.strip():
        raise ActionError("cohort", "the name is empty; leave --cohort out to mean everyone")
    cohort = await store.cohort_by_name(name)
    if cohort is None:
        raise ActionError("cohort", f"no cohort '{name}'", unknown=True)
    return cohort.id


def small_audience(reach: int, k: int) -> str | None:
    """For a check-in that would ask 1 to ``k`` - 1 people, why staff must confirm it, in plain
    words (every door asks); ``None`` when it is not small."""
    if not 0 < reach < k:
        return None
    who = "1 person" if reach == 1 else f"{reach} people"
    return (
        f"Only {who} would be asked. With fewer than {k}, answers can be told apart, so "
        f"the results stay hidden until at least {k} have answered."
    )


async def reach(store: Store, cohort_id: int | None) -> int:
    """How many people a check-in for this cohort (or everyone) would invite now."""
    return await store.count_audience(audience.cohort(cohort_id))


async def checked_reach(store: Store, cohort_id: int | None, *, opens_now: bool) -> int:
    """``reach``, refusing a check-in that would open now for nobody: it would ask no one and
    could never show results. A later one may wait for people to join."""
    count = await reach(store, cohort_id)
    if count == 0 and opens_now:
        names = {c.id: c.name for c in await store.cohorts()}
        name = names.get(cohort_id) if cohort_id is not None else None
        who, link = (f" '{name}'", "its") if name is not None else ("", "an")
        raise ActionError(
            "audience",
            f"nobody has joined{who} yet, so nobody would be asked; share {link} invite link first",
        )
    return count


async def open_now(
    store: Store, plan: CheckinPlan, cohort_id: int | None, who: str, now: float
) -> tuple[Checkin, int]:
    """Open the check-in now and queue its invitations; returns it and how many were queued.
    ``who`` did it (for the audit log). Refuses a check-in for nobody, opening nothing."""
    await checked_reach(store, cohort_id, opens_now=True)
    survey, when = plan.survey, plan.when
    new = NewCheckin(survey.id, cohort_id, when.opens_at, when.closes_at, when.remind_at)
    created, queued = await store.open_checkin(
        new, audience.of_checkin(new), lambda c: invitation(c.id, survey.wording("title"))
    )
    assert created is not None  # only a schedule's check-in can exist already
    detail = f"check-in {created.id} ({survey.id}), cohort {_cohort(cohort_id)}, {queued} invited"
    await audit.record(store, who, "opened a check-in", detail, now)
    return created, queued


async def save_schedule(
    store: Store, plan: CheckinPlan, cohort_id: int | None, who: str, now: float
) -> Schedule:
    """Save the plan as a schedule: the running bot's planner opens it on time."""
    draft = plan.draft
    saved = await store.add_schedule(
        plan.survey.id,
        cohort_id,
        plan.when.opens_at,
        draft.every,
        draft.open_for,
        draft.remind_after,
    )
    repeat = f", repeats '{draft.every}'" if draft.every else ""
    detail = f"schedule {saved.id} ({plan.survey.id}), cohort {_cohort(cohort_id)}{repeat}"
    await audit.record(store, who, "scheduled a check-in", detail, now)
    return saved


async def schedules(store: Store) -> list[Schedule]:
    """Every schedule, cancelled ones too, as staff list them."""
    return await store.schedules()


async def cancel_schedule(store: Store, schedule_id: int, who: str, now: float) -> None:
    """Stop a schedule (check-ins it opened stay open); raises if there is no active one."""
    if not await store.cancel_schedule(schedule_id):
        raise ActionError("schedule", f"no active schedule {schedule_id}", unknown=True)
    await audit.record(store, who, "cancelled a schedule", f"schedule {schedule_id}", now)


def _cohort(cohort_id: int | None) -> str:
    return "everyone" if cohort_id is None else str(cohort_id)


def _read(field: str, parse: Callable[[str], T], text: str | None) -> T | None:
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        raise ActionError(field, str(exc)) from None


def _span(seconds: float) -> str:
    """A length of time in whole days or hours, as a worker would type it: "7d", "12h"."""
    days, rest = divmod(round(seconds), 86400)
    if rest == 0:
        return f"{days}d"
    hours, rest = divmod(round(seconds), 3600)
    return f"{hours}h" if rest == 0 else f"{round(seconds / 60)}m"
