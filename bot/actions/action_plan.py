"""The action plan, at every door: leads add actions (what will be done about a priority,
which role answers for it, by when), change their status (each change offers a "you said, we
did" update, pre-filled), and young people read it with /plan, marked with what changed since
they last looked. Every staff change is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.actions import audit, plans, updates
from bot.actions.answering import joined
from bot.actions.errors import ActionError
from bot.actions.people import Shown, join_first
from bot.actions.updates import UpdateRequest, due_date, today_of
from bot.services import Services
from bot.settings import Settings
from flows import plan as plan_words
from flows.texts import message, render
from storage.base import DEFAULT_LANGUAGE, NewPlanAction, PlanAction, Store, UpdateStatus

# The most each part may take: one action always fits in a /plan message, in any reading.
LIMITS = {"priority": 120, "what": 300, "role": 80}
ROLE_HINT = "a job title such as 'Leaving care manager', never a person's name"


@dataclass(frozen=True)
class ActionRequest:
    """A new action as a lead asked for it; ``None`` means not given."""

    priority: str
    what: str
    role: str
    by: str | None = None
    cohort: str | None = None


class Outcome(StrEnum):
    CHANGED = "changed"
    SAME = "same"  # it already stood there: nothing changed
    STALE = "stale"  # the request was made from an older view of the action: nothing changed


@dataclass(frozen=True)
class StatusChange:
    """What a status change did: the action as it stands now, and where it stood before."""

    action: PlanAction
    was: UpdateStatus
    outcome: Outcome


def status_of(word: str) -> UpdateStatus:
    """A status as staff type it: planned, in_progress (or in-progress), done, couldnt."""
    try:
        return UpdateStatus(word.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        words = ", ".join(s.value for s in UpdateStatus)
        raise ActionError("status", f"'{word}' is not a status; use one of {words}") from None


def status_words(status: UpdateStatus) -> str:
    """A status for staff, in words."""
    return {UpdateStatus.IN_PROGRESS: "in progress", UpdateStatus.COULDNT: "couldn't do it"}.get(
        status, status.value
    )


def _words(field: str, text: str, what: str) -> str:
    words = " ".join(text.split())
    if not words:
        hint = f"; give {ROLE_HINT}" if field == "role" else "; write it in plain words"
        raise ActionError(field, f"{what} is empty{hint}")
    if len(words) > LIMITS[field]:
        raise ActionError(
            field,
            f"{what} is {len(words)} characters; keep it to {LIMITS[field]} so it reads on a phone",
        )
    return words


async def add(
    store: Store, settings: Settings, request: ActionRequest, who: str, now: float
) -> PlanAction:
    """Add an action to the plan, planned (for a cohort, or everyone); refuses a blank or long
    part, a date that is not one or has passed, and an unknown cohort."""
    priority = _words("priority", request.priority, "the priority")
    what = _words("what", request.what, "what will be done")
    role = _words("role", request.role, "the role")
    due_on = None if request.by is None else due_date(settings, request.by, now)
    cohort_id = await plans.find_cohort(store, request.cohort)
    new = NewPlanAction(priority, what, role, due_on, UpdateStatus.PLANNED, cohort_id, who, now)
    action = await store.add_plan_action(new)
    for_whom = "everyone" if cohort_id is None else f"cohort {cohort_id}"
    await audit.record(store, who, "added a plan action", f"action {action.id} for {for_whom}", now)
    return action


@dataclass(frozen=True)
class Rewording:
    """New words for an action as a lead asked for them; ``None`` keeps the part as it is."""

    what: str | None = None
    role: str | None = None
    by: str | None = None


async def reword(
    store: Store, settings: Settings, action_id: int, change: Rewording, who: str, now: float
) -> PlanAction:
    """Put right what an action says, who answers for it or its date (young people see it
    marked as changed in /plan); refuses nothing to change, and what ``add`` refuses."""
    if change.what is None and change.role is None and change.by is None:
        raise ActionError("change", "nothing to change: give new words, a role or a date")
    before = await find(store, action_id)
    what = before.what if change.what is None else _words("what", change.what, "what will be done")
    role = before.role if change.role is None else _words("role", change.role, "the role")
    due_on = before.due_on if change.by is None else due_date(settings, change.by, now)
    after = await store.reword_plan_action(action_id, what, role, due_on, now)
    assert after is not None  # actions are never deleted
    if after.changed_at == now:
        changed = [
            name
            for name, old, new in (
                ("what", before.what, what),
                ("role", before.role, role),
                ("by", before.due_on, due_on),
            )
            if old != new
        ]
        detail = f"action {action_id}: {', '.join(changed)}"
        await audit.record(store, who, "changed a plan action's words", detail, now)
    return after


async def find(store: Store, action_id: int) -> PlanAction:
    action = await store.plan_action(action_id)
    if action is None:
        raise ActionError("action", f"no action {action_id} in the plan", unknown=True)
    return action


async def change_status(
    store: Store,
    action_id: int,
    status: UpdateStatus,
    who: str,
    now: float,
    *,
    was: UpdateStatus | None = None,
) -> StatusChange:
    """Change where an action stands. ``was``: where the lead saw it stand (a button drawn
    then): if it has changed since, nothing is done (``Outcome.STALE``). Young people see
    the change marked in /plan; the audit log has it."""
    before = await find(store, action_id)
    if was is not None and before.status is not was:
        return StatusChange(before, before.status, Outcome.STALE)
    if before.status is status:
        return StatusChange(before, before.status, Outcome.SAME)
    after = await store.set_plan_status(action_id, status, now)
    assert after is not None  # actions are never deleted
    detail = f"action {action_id} from {before.status.value} to {status.value}"
    await audit.record(store, who, "changed a plan action's status", detail, now)
    return StatusChange(after, before.status, Outcome.CHANGED)


async def cohort_name(store: Store, cohort_id: int | None) -> str | None:
    names = {c.id: c.name for c in await store.cohorts()}
    return names.get(cohort_id) if cohort_id is not None else None


def you_said(action: PlanAction) -> str:
    """The "you said" an update about this action starts from."""
    return f'"{action.priority}" should be a priority.'


def offer(
    action: PlanAction, cohort: str | None, settings: Settings, now: float, why: str | None = None
) -> UpdateRequest:
    """The "you said, we did" update about where this action stands now, pre-filled for the
    lead to check: for the action's cohort (or everyone), what will be done as "we did", and
    its date when planned (if still to come). A "couldn't" needs ``why`` from the lead."""
    by = None
    if action.status is UpdateStatus.PLANNED and action.due_on:
        by = action.due_on if action.due_on >= today_of(settings, now) else None
    return UpdateRequest(
        (),
        action.what,
        updates.WORDS[action.status],
        by,
        why if action.status is UpdateStatus.COULDNT else None,
        you_said(action),
        cohort,
    )


async def for_person(store: Store, cohort_id: int | None) -> list[PlanAction]:
    """The plan a young person sees: their cohort's and everyone's actions (someone in no
    cohort, or a cohort with no actions of its own, sees the plan for everyone)."""
    if cohort_id is None:
        return [a for a in await store.plan_actions() if a.cohort_id is None]
    return await store.plan_actions(cohort_id)


async def show_plan(
    svc: Services, chat_id: int, update_id: int, language: str = DEFAULT_LANGUAGE
) -> Shown | None:
    """/plan: the plan in plain words, what changed since they last looked marked, in as few
    messages as fit; then it counts as seen. Nothing for a repeated update. ``language``:
    the words for someone who has not joined (from their Telegram app)."""
    contact = await joined(svc, chat_id)
    if not await svc.store.claim_update(update_id, svc.now()):
        return None
    if contact is None:
        key = join_first(svc, await svc.store.contact(chat_id))
        return Shown(language, [(message(key), [])])
    actions = await for_person(svc.store, contact.cohort_id)
    seen = await svc.store.plan_seen(chat_id)
    await svc.store.see_plan(chat_id, svc.now())
    lang, zone = contact.locale, svc.settings.zone
    pieces = plan_words.parts(actions, seen)
    texts = plan_words.pack(pieces, lambda t: len(render(t, lang, zone)), plan_words.MESSAGE_BUDGET)
    return Shown(lang, [(text, []) for text in texts])


def describe(action: PlanAction, cohort: str | None) -> tuple[str, str]:
    """An action for staff, in two lines: the priority and what will be done; then who does
    it, by when and who it is for."""
    by = f"by {action.due_on}" if action.due_on else "no date"
    return (
        f"{action.priority}: {action.what}",
        f"who: {action.role} · {by} · for {cohort or 'everyone'}",
    )
