"""Opening a priorities round: choose approved ideas, build the round's survey, and open it for
a cohort through the ordinary check-in plan (with its small-audience warning)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.actions import audit, moderation, plans
from bot.actions.errors import ActionError
from bot.actions.made_surveys import keep_made_survey
from bot.actions.plans import CheckinPlan, CheckinRequest
from bot.services import Services
from flows.priorities import KIND, MAX_IDEAS, build_round, next_round_id
from storage.base import Checkin, Idea, IdeaStatus, Store

_STATUS_WORDS = {
    IdeaStatus.NEW: "still waiting for a worker",
    IdeaStatus.SET_ASIDE: "set aside",
}


@dataclass(frozen=True)
class RoundPlan:
    """A round as it will open: its ideas, the check-in plan, who it reaches, and the
    small-audience warning staff must confirm (``None`` when it is not small)."""

    ideas: tuple[Idea, ...]
    plan: CheckinPlan
    cohort_id: int | None
    reach: int
    small: str | None


def read_codes(text: str | None) -> list[str] | None:
    """``--ideas 3kx7pq,9abcde`` as codes (lower case, each once); ``None`` when not given."""
    if text is None:
        return None
    codes = list(dict.fromkeys(c.strip().lower() for c in text.split(",") if c.strip()))
    if not codes:
        raise ActionError("ideas", "no idea codes given; leave it out to use every approved idea")
    return codes


async def approved_ideas(store: Store) -> list[Idea]:
    """Every approved idea, its words as staff read them (contact details taken out)."""
    return await moderation.redacted(store, [IdeaStatus.APPROVED])


async def chosen_ideas(store: Store, codes: Sequence[str] | None) -> list[Idea]:
    """The ideas for the round: those named (each must be approved), or every approved one;
    their words as staff read them (contact details taken out, as in exports)."""
    if codes is None:
        approved = await approved_ideas(store)
        if len(approved) > MAX_IDEAS:
            raise ActionError(
                "ideas",
                f"there are {len(approved)} approved ideas and a round holds {MAX_IDEAS}; "
                f"choose up to {MAX_IDEAS} by their codes",
            )
        return approved
    if len(codes) > MAX_IDEAS:
        raise ActionError("ideas", f"a round holds {MAX_IDEAS} ideas at most, not {len(codes)}")
    found = []
    for code in codes:
        idea = await moderation.one(store, code)
        if idea is None:
            raise ActionError("ideas", f"no idea '{code}'", unknown=True)
        if idea.status is IdeaStatus.MERGED:
            raise ActionError(
                "ideas", f"idea {code} was merged into {idea.merged_into}; use that code"
            )
        if idea.status is not IdeaStatus.APPROVED:
            raise ActionError(
                "ideas",
                f"idea {code} is {_STATUS_WORDS[idea.status]}, not approved; only approved "
                "ideas go into a round",
            )
        found.append(idea)
    return found


async def _fresh_id(svc: Services) -> str:
    made = await svc.store.made_surveys()
    return next_round_id([*svc.surveys, *made])


async def plan_round(
    svc: Services, cohort_id: int | None, codes: Sequence[str] | None, open_for: str | None
) -> RoundPlan:
    """The round for the cohort ``cohort_id`` (``None``: everyone), as it would open now;
    refuses an idea that does not fit, and an impossible ``open_for``, with the fix."""
    ideas = await chosen_ideas(svc.store, codes)
    survey = build_round(await _fresh_id(svc), [(i.id, i.text) for i in ideas])
    settings = svc.settings
    plan = plans.plan_checkin(
        survey, CheckinRequest(open_for=open_for), settings.zone, settings.quiet, svc.now()
    )
    reach = await plans.checked_reach(svc.store, cohort_id, opens_now=True)
    small = plans.small_audience(reach, settings.min_group)
    return RoundPlan(tuple(ideas), plan, cohort_id, reach, small)


async def open_round(svc: Services, chosen: RoundPlan, who: str) -> tuple[Checkin, int]:
    """Keep the round's survey (under an id still free now) and open its check-in; returns it
    and how many invitations were queued. ``who`` did it (for the audit log)."""
    survey = build_round(await _fresh_id(svc), [(i.id, i.text) for i in chosen.ideas])
    plan = replace(
        chosen.plan, survey=survey, draft=replace(chosen.plan.draft, survey_id=survey.id)
    )
    await keep_made_survey(svc, survey, KIND)
    checkin, queued = await plans.open_now(svc.store, plan, chosen.cohort_id, who, svc.now())
    codes = ", ".join(i.id for i in chosen.ideas) or "none"
    detail = f"check-in {checkin.id} ({survey.id}), ideas: {codes}"
    await audit.record(svc.store, who, "opened a priorities round", detail, svc.now())
    return checkin, queued
