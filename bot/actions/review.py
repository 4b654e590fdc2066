"""The joint review: a lead asks young people, one question per action of the plan, whether it
is really happening, and sees their answers beside the plan's own status, gaps first.

The review is a survey the bot makes (kind "review"), opened as a check-in through the same
planning as any other (``bot.actions.plans``), so it is answered, counted and hidden alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.actions import audit, plans
from bot.actions.errors import ActionError
from bot.actions.made_surveys import keep_made_survey
from bot.actions.plans import CheckinPlan, CheckinRequest
from bot.services import Services
from flows.results import CheckinResults
from flows.review import ReviewView, is_review, review_survey, review_view
from storage.base import Checkin, PlanAction, Schedule, UpdateStatus

KIND = "review"
_ID = re.compile(r"^review_([0-9]+)$")


@dataclass(frozen=True)
class ReviewDraft:
    """A review as it will be opened: who it is for, the actions asked about, and when."""

    cohort_id: int | None
    reach: int  # how many would be invited now
    actions: tuple[PlanAction, ...]
    left_out: int  # actions marked "couldn't happen": not asked about
    plan: CheckinPlan


def _next_id(svc: Services) -> str:
    """A survey id no survey has: review_1, review_2, ..."""
    taken = [int(found.group(1)) for name in svc.surveys if (found := _ID.match(name))]
    return f"review_{max(taken, default=0) + 1}"


async def _actions(svc: Services, cohort_id: int | None) -> list[PlanAction]:
    """The actions of the plan this audience sees: a cohort's and everyone's, or (for
    everyone) those for everyone only."""
    found = await svc.store.plan_actions(cohort_id)
    return found if cohort_id is not None else [a for a in found if a.cohort_id is None]


async def prepare(svc: Services, cohort_name: str | None, request: CheckinRequest) -> ReviewDraft:
    """The review a lead asked for; raises ``ActionError`` (naming the field) for an unknown
    cohort, a plan with nothing to ask about, or a time that cannot work."""
    cohort_id = await plans.find_cohort(svc.store, cohort_name)
    every = await _actions(svc, cohort_id)
    asked = [a for a in every if a.status is not UpdateStatus.COULDNT]
    if not asked:
        who = f"the cohort '{cohort_name}'" if cohort_name else "everyone"
        why = " (every action is marked couldn't happen)" if every else ""
        raise ActionError(
            "cohort",
            f"the plan for {who} has no actions to ask about{why}; add some with "
            "youthvoice plan add",
        )
    survey = review_survey(_next_id(svc), asked)
    settings = svc.settings
    plan = plans.plan_checkin(survey, request, settings.zone, settings.quiet, svc.now())
    reach = await plans.checked_reach(svc.store, cohort_id, opens_now=not plan.later)
    return ReviewDraft(cohort_id, reach, tuple(asked), len(every) - len(asked), plan)


async def open_review(
    svc: Services, draft: ReviewDraft, who: str
) -> tuple[Checkin | Schedule, int]:
    """Keep the review's survey and open it now (returns the check-in and how many were
    invited) or save its schedule (returns the schedule and 0)."""
    await keep_made_survey(svc, draft.plan.survey, KIND)
    actions = ", ".join(str(a.id) for a in draft.actions)
    detail = f"survey {draft.plan.survey.id} asks about actions {actions}"
    await audit.record(svc.store, who, "made a joint review", detail, svc.now())
    if draft.plan.later:
        return await plans.save_schedule(svc.store, draft.plan, draft.cohort_id, who, svc.now()), 0
    return await plans.open_now(svc.store, draft.plan, draft.cohort_id, who, svc.now())


async def review_of(svc: Services, results: CheckinResults) -> ReviewView | None:
    """A review check-in's answers beside each action's status now, gaps first (``None`` for
    any other check-in). Built from ``results``, so every count is hidden as there."""
    survey = svc.surveys.get(results.survey_id)
    if survey is None or not is_review(survey):
        return None
    kind, _ = (await svc.store.made_surveys()).get(results.survey_id, ("", ""))
    if kind != KIND:
        return None
    plan = {action.id: action for action in await svc.store.plan_actions()}
    return review_view(results, plan)
