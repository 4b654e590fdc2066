"""Retention: nothing is kept longer than it should be. Unfinished responses go after 7 days,
answers after ``YOUTHVOICE_RETENTION_DAYS``, people who stopped 90 days after, safeguarding
alerts after a year. The planner runs it once a day; ``youthvoice retention run`` runs it now.
"""

from __future__ import annotations

from bot.actions.safety import ALERT_DAYS
from bot.settings import Settings
from storage.base import Removed, Store

UNFINISHED_DAYS = 7
STOPPED_DAYS = 90
# The day retention last ran (the daily job runs once a day, whoever runs the bot).
LAST_RUN = "retention_ran_on"


async def apply(store: Store, settings: Settings, today: str) -> Removed:
    """Delete everything past its time as of ``today``; a second run the same day removes
    nothing more."""
    removed = await store.apply_retention(
        today,
        unfinished_days=UNFINISHED_DAYS,
        answer_days=settings.retention_days,
        contact_days=STOPPED_DAYS,
        alert_days=ALERT_DAYS,
    )
    await store.set_meta(LAST_RUN, today)
    return removed


async def daily(store: Store, settings: Settings, today: str) -> Removed | None:
    """``apply``, if it has not run yet today (``None`` if it had)."""
    if await store.get_meta(LAST_RUN) == today:
        return None
    return await apply(store, settings, today)


def described(removed: Removed) -> list[str]:
    """What was removed, one line a kind, for staff."""
    return [
        f"{removed.unfinished} unfinished responses (older than {UNFINISHED_DAYS} days)",
        f"{removed.answers} answers (past the retention time)",
        f"{removed.contacts} people who stopped more than {STOPPED_DAYS} days ago",
        f"{removed.alerts} safeguarding alert records (older than {ALERT_DAYS} days)",
    ]
