"""Who may do what. Workers and leads are the numeric Telegram ids in ``YOUTHVOICE_WORKERS`` and
``YOUTHVOICE_LEADS``; everyone else is a young person. Never decided by name or username."""

from __future__ import annotations

from enum import StrEnum

from bot.settings import Settings


class Role(StrEnum):
    YOUNG = "young person"
    WORKER = "worker"
    LEAD = "lead"


def role_of(settings: Settings, user_id: int) -> Role:
    """A lead's id may also be listed as a worker's: the lead role wins."""
    if user_id in settings.leads:
        return Role.LEAD
    if user_id in settings.workers:
        return Role.WORKER
    return Role.YOUNG


def may_plan(role: Role) -> bool:
    """Plan, send and cancel check-ins and meetings: workers and leads."""
    return role in (Role.WORKER, Role.LEAD)


def may_see_results(role: Role) -> bool:
    """See results, export them and post "you said, we did" updates: leads only."""
    return role is Role.LEAD
